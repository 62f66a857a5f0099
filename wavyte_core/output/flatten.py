"""Edges of the pixel contract: flatten over an opaque background, unpremultiply for PNG.

Frames are premultiplied BGRA everywhere inside wavyte (DESIGN.md §3). Two places leave
that format: an opaque output whose frame still has transparency is flattened over a
background colour (wavyte-format.md §6, exact), and PNG stills are written straight RGBA.
Both are whole-array numpy with the per-alpha arithmetic precomputed as lookup tables
(256 entries per background, 64 Ki entries for unpremultiply), so there is no per-pixel
Python and nothing is recomputed per pixel.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["Unpremultiplier", "flatten_onto", "unpremultiply_to_rgba"]


def _mul_div255(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (x * y + 127) // 255


@lru_cache(maxsize=16)
def _flatten_lut(bg_bgr: tuple[int, int, int]) -> np.ndarray:
    """``lut[a, c] = mul_div255(bg.c, 255 − a)`` for the three colour channels (uint16)."""
    inv = 255 - np.arange(256, dtype=np.int64)[:, None]
    lut = _mul_div255(np.asarray(bg_bgr, dtype=np.int64)[None, :], inv).astype(np.uint16)
    lut.setflags(write=False)
    return lut


def _unpremul_lut() -> np.ndarray:
    """``lut[a·256 + c] = min((c·255 + a//2) // a, 255)``, 0 where a = 0 (uint8)."""
    a = np.arange(256, dtype=np.int64)[:, None]
    c = np.arange(256, dtype=np.int64)[None, :]
    safe_a = np.maximum(a, 1)
    lut = np.minimum((c * 255 + a // 2) // safe_a, 255)
    lut = np.where(a == 0, 0, lut).astype(np.uint8).reshape(-1)
    lut.setflags(write=False)
    return lut


_UNPREMUL_LUT = _unpremul_lut()


def flatten_onto(
    frame: np.ndarray,
    bg_rgba: tuple[int, int, int, int],
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Flatten a premultiplied BGRA frame over the opaque colour ``bg_rgba`` (§6).

    ``c = min(src.c + mul_div255(bg.c, 255 − a), 255)``, alpha 255; the background's alpha
    is ignored and its colour is straight RGBA as in the JSON. ``out`` may be ``frame``
    itself (in place). Returns ``out``.
    """
    if out is None:
        out = np.empty_like(frame)
    r, g, b, _ = bg_rgba
    lut = _flatten_lut((int(b), int(g), int(r)))
    add = lut[frame[..., 3]]  # (H, W, 3) uint16, gathered per alpha
    add += frame[..., :3]
    np.minimum(add, 255, out=add)
    np.copyto(out[..., :3], add, casting="unsafe")
    out[..., 3] = 255
    return out


def unpremultiply_to_rgba(frame_bgra_premul: np.ndarray) -> np.ndarray:
    """Straight-alpha RGBA (H, W, 4) uint8 from a premultiplied BGRA frame (for PNGs).

    ``c = (c·255 + a//2) // a`` (capped at 255), and 0 where a = 0.
    """
    a = frame_bgra_premul[..., 3]
    out = np.empty(frame_bgra_premul.shape, dtype=np.uint8)
    base = a.astype(np.intp) << 8
    for dst_c, src_c in ((0, 2), (1, 1), (2, 0)):
        out[..., dst_c] = _UNPREMUL_LUT[base + frame_bgra_premul[..., src_c]]
    out[..., 3] = a
    return out


class Unpremultiplier:
    """Straight-alpha BGRA from premultiplied BGRA frames of one size, into its own buffer.

    For encoders that keep alpha (ProRes 4444, VP9 with alpha, PNG sequences): swscale
    treats BGRA as straight alpha, so each frame is un-premultiplied once before it is
    handed over, with the rule of `unpremultiply_to_rgba`. Every buffer is allocated once,
    here. Opaque and fully transparent pixels are unchanged by the rule (premultiplied
    colour is 0 where a = 0), so when few pixels are partially transparent — an overlay's
    anti-aliased edges — the frame is copied and only those pixels go through the lookup
    table; otherwise the whole frame does, with 16-bit indices.
    """

    def __init__(self, height: int, width: int) -> None:
        self.out = np.empty((height, width, 4), np.uint8)
        self._a1 = np.empty((height, width), np.uint8)
        self._partial = np.empty((height, width), np.bool_)
        self._base = np.empty((height, width), np.uint16)
        self._idx = np.empty((height, width), np.uint16)
        self._chan = np.empty((height, width), np.uint8)

    def __call__(self, frame_bgra_premul: np.ndarray) -> np.ndarray:
        """The straight-alpha frame; valid until the next call."""
        out = self.out
        a = frame_bgra_premul[..., 3]
        np.subtract(a, np.uint8(1), out=self._a1)  # 0 < a < 255 ⇔ a − 1 < 254 (uint8 wraps)
        np.less(self._a1, np.uint8(254), out=self._partial)
        n = int(np.count_nonzero(self._partial))
        if n * 8 > self._partial.size:
            base, idx, chan = self._base, self._idx, self._chan
            np.copyto(base, a)
            base <<= 8
            for c in range(3):
                np.bitwise_or(base, frame_bgra_premul[..., c], out=idx)
                np.take(_UNPREMUL_LUT, idx, out=chan, mode="clip")  # no bounds buffering
                out[..., c] = chan
            out[..., 3] = a
            return out
        np.copyto(out, frame_bgra_premul)
        if n == 0:
            return out
        flat = np.flatnonzero(self._partial)  # n indices: small on this path
        px = frame_bgra_premul.reshape(-1, 4)[flat]
        dst = out.reshape(-1, 4)
        lut_base = px[:, 3].astype(np.intp) << 8
        for c in range(3):
            dst[flat, c] = _UNPREMUL_LUT[lut_base + px[:, c]]
        return out
