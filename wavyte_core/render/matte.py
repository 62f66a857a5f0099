"""Track mattes (clip ``matte``): multiply a layer by its matte source, per pixel, in place.

Called by the frame renderer once per matted layer each time that layer is drawn (a layer
whose state and matte did not change keeps its matted pixels in the layer cache). It is core
numpy on every backend: a per-pixel multiply has no native advantage and this way mattes
are bit-identical whatever the compositor.

The factor ``f`` (0..255) at each pixel comes from the matte source's finished layer
(``m``, premultiplied) at the same canvas position, 0 where the source surface does not
reach:

- ``Alpha``: ``f = ma``; ``AlphaInverted``: ``255 − ma``;
- ``Luma``: Rec. 709 luma of the un-premultiplied colour times alpha, which by linearity is
  the luma of the premultiplied colour: ``f = (13933·mr + 46871·mg + 4732·mb + 32768) >> 16``
  (the weights 0.2126, 0.7152, 0.0722 in 1/65536 units, summing to 65536, so white is 255);
  ``LumaInverted``: ``255 − f``.

Every channel of the layer becomes ``mul_div255(c, f) = (c·f + 127) // 255``. Where the
source clip is not active (``matte`` is None) the factor is 0 for ``Alpha``/``Luma`` (the
layer disappears) and 255 for the inverted modes (the layer is left as it is).
"""

from __future__ import annotations

import math

import numpy as np

from wavyte_core.plugin.roles import Surface
from wavyte_core.render.blend_native import native_blend
from wavyte_core.render.blur import opencv

__all__ = ["MATTE_MODES", "MatteKernel"]

MATTE_MODES = ("Alpha", "AlphaInverted", "Luma", "LumaInverted")

_INV255 = 1.0 / 255.0
_U32_255 = np.uint32(255)
_U32_REPLICATE = np.uint32(0x01010101)
#: Rec. 709 luma weights in 1/65536 units (they sum to 65536). Integer math: OpenCV's
#: transform gives the same bytes (ties to even) but costs 3× the uint32 passes.
_W_R, _W_G, _W_B = np.uint32(13933), np.uint32(46871), np.uint32(4732)
_HALF16 = np.uint32(32768)
_U32_FF = np.uint32(0xFF)
#: Pixels per band of work (the temporaries of one band fit in the CPU cache).
BAND_PIXELS = 1 << 16


class MatteKernel:
    """Applies mattes; owns the scratch buffers (one per frame renderer, not thread-safe)."""

    def __init__(self) -> None:
        self._flat: dict[str, np.ndarray] = {}

    def _view(self, key: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
        n = math.prod(shape)
        buf = self._flat.get(key)
        if buf is None or buf.dtype != dtype or buf.size < n:
            buf = np.empty(n, dtype=dtype)
            self._flat[key] = buf
        return buf[:n].reshape(shape)

    def apply(self, layer: Surface, matte: Surface | None, mode: str) -> None:
        """Multiply ``layer`` by the factor of ``mode`` taken from ``matte`` (None: the
        source is not active). Only ``layer.bounds`` (when known) is touched: outside
        them the layer is transparent already."""
        inverted = mode.endswith("Inverted")
        h, w = layer.buf.shape[:2]
        x0, y0, x1, y1 = layer.bounds if layer.bounds is not None else (0, 0, w, h)
        if x1 <= x0 or y1 <= y0:
            return
        if matte is None:
            if not inverted:
                layer.buf[y0:y1, x0:x1].view(np.uint32).fill(0)
            return
        # the matte surface in the layer's buffer coordinates
        mx = matte.origin[0] - layer.origin[0]
        my = matte.origin[1] - layer.origin[1]
        ox0, oy0 = max(x0, mx), max(y0, my)
        ox1, oy1 = min(x1, mx + matte.width), min(y1, my + matte.height)
        if not inverted:  # outside the matte surface the factor is 0
            _clear_outside(layer.buf, (x0, y0, x1, y1), (ox0, oy0, ox1, oy1))
        if ox1 <= ox0 or oy1 <= oy0:
            return
        dst = layer.buf[oy0:oy1, ox0:ox1]
        src = matte.buf[oy0 - my : oy1 - my, ox0 - mx : ox1 - mx]
        native = native_blend()
        if native is not None and native.matte(dst, src, mode):
            return
        # bands of ~64 K pixels: the handful of uint32 temporaries stay in the CPU cache
        rows = max(1, BAND_PIXELS // dst.shape[1])
        for y0 in range(0, dst.shape[0], rows):
            self._band(dst[y0 : y0 + rows], src[y0 : y0 + rows], mode, inverted)

    def _band(self, dst: np.ndarray, src: np.ndarray, mode: str, inverted: bool) -> None:
        shape2 = dst.shape[:2]
        f = self._view("f", shape2, np.uint32)
        m32 = src.view(np.uint32)[..., 0]
        if mode.startswith("Alpha"):
            np.right_shift(m32, 24, out=f)
        else:  # whole pixels as uint32: B in bits 0–7, G 8–15, R 16–23
            t = self._view("t", shape2, np.uint32)
            np.bitwise_and(m32, _U32_FF, out=f)
            f *= _W_B
            np.right_shift(m32, 8, out=t)
            t &= _U32_FF
            t *= _W_G
            f += t
            np.right_shift(m32, 16, out=t)
            t &= _U32_FF
            t *= _W_R
            f += t
            f += _HALF16
            f >>= 16
        if inverted:
            np.subtract(_U32_255, f, out=f)
        f *= _U32_REPLICATE  # the factor in all four bytes of the pixel
        out = self._view("out", dst.shape, np.uint8)
        factor = f.view(np.uint8).reshape(dst.shape)
        out = _checked(opencv().multiply(dst, factor, dst=out, scale=_INV255), out)
        np.copyto(dst, out)


def _checked(result: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out``, after making sure OpenCV wrote into it (it allocates a new array when
    ``dst`` does not fit; the result is copied over then)."""
    if result is not out:
        np.copyto(out, result.reshape(out.shape))
    return out


def _clear_outside(
    buf: np.ndarray, box: tuple[int, int, int, int], keep: tuple[int, int, int, int]
) -> None:
    """Zero the pixels of ``box`` outside ``keep`` (both in buffer coordinates)."""
    x0, y0, x1, y1 = box
    kx0, ky0, kx1, ky1 = keep
    if kx1 <= kx0 or ky1 <= ky0:
        buf[y0:y1, x0:x1].view(np.uint32).fill(0)
        return
    if ky0 > y0:
        buf[y0:ky0, x0:x1].view(np.uint32).fill(0)
    if ky1 < y1:
        buf[ky1:y1, x0:x1].view(np.uint32).fill(0)
    if kx0 > x0:
        buf[ky0:ky1, x0:kx0].view(np.uint32).fill(0)
    if kx1 < x1:
        buf[ky0:ky1, kx1:x1].view(np.uint32).fill(0)
