"""The exact reference compositor: wavyte-format.md §4.5 integer math in whole-array numpy.

Why it exists: it reproduces the format's composite ops bit for bit, so the conformance
suite can hold native compositors (skia, cairo) against exact expectations. It is not the
fast path: a full-frame blend in numpy costs 12–16 ms at 1080p (DESIGN.md §5).

How it is built (Known weaknesses 4): no per-pixel Python. ``mul_div255(x, y)`` is
``(x·y + 127) // 255``. Opacities are turned into their 8-bit factor once per call. Wipes compute their f32 mask once per call as a 1-D vector
along the wipe axis; the spans where the mask is exactly 0 or 1 become plain `over`s of
column/row slices of A or B (a hard wipe is only that), and only the soft band is
crossfaded. Temporaries live in flat scratch buffers kept on the instance and grown
only when a larger frame arrives. Whole pixels are handled as uint32 (alpha in the top byte),
which assumes a little-endian machine, as the BGRA pixel contract itself does.

The byte products run as OpenCV SIMD kernels (OpenCV is already a core dependency, for
the blur), each checked against the definition for all 65536 input pairs by the tests:
``mul_div255`` by one constant is a 256-entry table (``cv2.LUT``), by a per-pixel or
per-line factor it is ``cv2.multiply(x, y, scale=1/255)``, whose float32 product rounds to
nearest and cannot land on a tie (``x·y/255`` is never within 1/510 of one); saturating
sums are ``cv2.add``. Together with the copy taken when the source of an ``over`` is
opaque everywhere (then ``mul_div255(d, 0) + s == s``), this made a 960×540 crossfade of
two opaque layers ≈3× cheaper (4.3 → 1.5 ms CPU) than the uint16 arithmetic it replaces.
"""

from __future__ import annotations

import math

import numpy as np

from wavyte_core.plugin.roles import Surface, is_opaque
from wavyte_core.render.blend_modes import BlendKernels
from wavyte_core.render.blend_native import native_blend
from wavyte_core.render.blur import BlurScratch, blur_surface, opencv

__all__ = ["NumpyCompositor", "placed", "r255"]

_F0 = np.float32(0.0)
_F1 = np.float32(1.0)
_F2 = np.float32(2.0)
_F3 = np.float32(3.0)
_F255 = np.float32(255.0)
_HALF64 = np.float64(0.5)
_U32_255 = np.uint32(255)
_U32_REPLICATE = np.uint32(0x01010101)
_U8_255 = np.uint8(255)
_INV255 = 1.0 / 255.0
_DIRECTIONS = ("ltr", "rtl", "ttb", "btt")
#: ``_MD[k][x] == (x·k + 127) // 255``: mul_div255 by a constant k as a lookup table.
_MD = ((np.arange(256)[:, None] * np.arange(256)[None, :] + 127) // 255).astype(np.uint8)
_MD.setflags(write=False)


def r255(x: float) -> int:
    """``clamp(round_half_away(f32(clamp(x, 0, 1)) · 255), 0, 255)`` in f32; NaN gives 0."""
    v = np.float32(x)
    if not v > 0.0:  # also NaN
        return 0
    if v >= 1.0:
        return 255
    prod = float(v * _F255)  # f32 product, exactly representable as f64
    return min(int(math.floor(prod + 0.5)), 255)


def _r255_vec(m: np.ndarray) -> np.ndarray:
    """Vector form of `r255` for an f32 array (a wipe mask): uint16 factors 0..255."""
    m = np.nan_to_num(m, nan=0.0)
    m = np.clip(m, _F0, _F1) * _F255  # f32
    return np.minimum(np.floor(m.astype(np.float64) + _HALF64), 255.0).astype(np.uint16)


class _Scratch:
    """Flat buffers reused across calls; views of the needed shape are carved out of them."""

    __slots__ = ("_flat",)

    def __init__(self) -> None:
        self._flat: dict[str, np.ndarray] = {}

    def view(self, key: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
        n = math.prod(shape)
        buf = self._flat.get(key)
        if buf is None or buf.dtype != dtype or buf.size < n:
            buf = np.empty(n, dtype=dtype)
            self._flat[key] = buf
        return buf[:n].reshape(shape)


class NumpyCompositor:
    """`wavyte_core.plugin.roles.Compositor` implementing §4.5/§4.6 exactly with numpy.

    ``direct_draw`` is False: drawing a layer straight into the frame with paint opacity
    is not the exact `over` of the format, so the planner isolates every layer.
    """

    name = "numpy"
    direct_draw = False
    layer_regions = True

    def __init__(self) -> None:
        self._scratch = _Scratch()
        self._blur_scratch = BlurScratch()
        self._blend = BlendKernels()

    # ------------------------------------------------------------------ simple ops

    def fill(self, dst: Surface, bgra_premul: tuple[int, int, int, int]) -> None:
        dst.fill(bgra_premul)

    def copy(self, dst: Surface, src: Surface) -> None:
        np.copyto(dst.buf, src.buf)

    def blur(self, src: Surface, dst: Surface, radius_px: int, sigma: float) -> None:
        blur_surface(src, dst, radius_px, sigma, self._blur_scratch)

    # ------------------------------------------------------------------ math kernels

    def _over_region(self, d: np.ndarray, s: np.ndarray, op: int) -> None:
        """§4.5 ``over`` of ``s`` onto ``d`` (same-shape (h, w, 4) views) with factor ``op``.

        ``op`` is the already rounded 8-bit opacity (1..255). A source that is opaque
        everywhere, at full opacity, is copied: ``mul_div255(d, 0) + s == s`` exactly.
        Otherwise it works on whole pixels as uint32 where it can: pixels whose scaled
        alpha ``mul_div255(a, op)`` is 0 must keep dst exactly (the format's early return),
        so they are zeroed in a masked copy of the source (for them
        ``mul_div255(d, 255) + 0 == d``), and the work is cropped to the bounding box of
        the remaining pixels. The per-pixel ``255 − sa`` is replicated to the four channels
        by multiplying by 0x01010101, so the products are one ``cv2.multiply``.

        When the optional C kernels are built (`blend_native`), one C pass over the
        pixels does the same arithmetic instead (tests/test_blend_native.py: same bytes).
        """
        if 0 in d.shape:
            return
        native = native_blend()
        if native is not None and native.blend(d, s, op, "Normal"):
            return  # the C kernel: the same bytes, one pass
        s32 = s.view(np.uint32)[..., 0]
        if op == 255 and is_opaque(s):
            np.copyto(d, s)
            return
        # mul_div255(a, op) == 0  <=>  a·op <= 127  <=>  a <= 127 // op
        live = self._scratch.view("live", s32.shape, np.bool_)
        np.greater_equal(s32, np.uint32((127 // op + 1) << 24), out=live)
        rows = np.flatnonzero(live.any(axis=1))
        if rows.size == 0:
            return
        cols = np.flatnonzero(live.any(axis=0))
        y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
        if (y1 - y0, x1 - x0) != s32.shape:
            d, s32, live = d[y0:y1, x0:x1], s32[y0:y1, x0:x1], live[y0:y1, x0:x1]
        shape2 = s32.shape
        shape = d.shape
        src32 = self._scratch.view("src32", shape2, np.uint32)
        np.multiply(s32, live, out=src32)
        src = src32.view(np.uint8).reshape(shape)
        inv32 = self._scratch.view("inv32", shape2, np.uint32)
        np.right_shift(src32, 24, out=inv32)  # source alpha
        if op != 255:
            t32 = self._scratch.view("t32", shape2, np.uint32)
            inv32 *= op
            inv32 += 128
            np.right_shift(inv32, 8, out=t32)
            inv32 += t32
            inv32 >>= 8  # sa = mul_div255(a, op), (t + (t >> 8)) >> 8 with t = a·op + 128
        np.subtract(_U32_255, inv32, out=inv32)
        inv32 *= _U32_REPLICATE
        inv = inv32.view(np.uint8).reshape(shape)
        cv2 = opencv()
        acc = self._scratch.view("acc", shape, np.uint8)
        _checked(cv2.multiply(d, inv, dst=acc, scale=_INV255), acc)  # mul_div255(d, 255 − sa)
        if op != 255:  # mul_div255(x, 255) == x
            term = self._scratch.view("src_term", shape, np.uint8)
            src = _checked(cv2.LUT(src, _MD[op], dst=term), term)
        # saturating: only input that is not valid premultiplied data can exceed 255
        _checked(cv2.add(acc, src, dst=acc), acc)
        np.copyto(d, acc)

    def _crossfade_into(
        self, out: np.ndarray, a: np.ndarray, b: np.ndarray, tt: np.ndarray | int
    ) -> np.ndarray:
        """``out = sat(mul_div255(a, 255−tt) + mul_div255(b, tt))`` as uint8.

        ``tt`` is an int, or a uint16 array broadcastable to ``a`` (a per-column/row mask);
        ``out`` must be C-contiguous.
        """
        cv2 = opencv()
        ta = self._scratch.view("xf_a", a.shape, np.uint8)
        if isinstance(tt, np.ndarray):
            fb = self._scratch.view("xf_fb", a.shape, np.uint8)
            np.copyto(fb, tt, casting="unsafe")  # factors are 0..255
            fa = self._scratch.view("xf_fa", a.shape, np.uint8)
            np.subtract(_U8_255, fb, out=fa)
            _checked(cv2.multiply(a, fa, dst=ta, scale=_INV255), ta)
            _checked(cv2.multiply(b, fb, dst=out, scale=_INV255), out)
        else:
            _checked(cv2.LUT(a, _MD[255 - tt], dst=ta), ta)
            _checked(cv2.LUT(b, _MD[tt], dst=out), out)
        return _checked(cv2.add(ta, out, dst=out), out)

    # ------------------------------------------------------------------ composite ops

    def over(self, dst: Surface, src: Surface, opacity: float) -> None:
        op = r255(opacity)
        if op == 0:
            return
        self._over_region(placed(dst, src), src.buf, op)

    def blend(self, dst: Surface, src: Surface, opacity: float, mode: str) -> None:
        """Blend mode ``mode`` (clip ``props.blend``) of ``src`` with ``opacity`` onto
        ``dst``: the exact integer reference written down in `blend_modes`. ``Normal`` is
        `over`. Only ``src.bounds`` (when known) is worked on: a transparent source pixel
        leaves ``dst`` exactly as it is in every mode."""
        if mode == "Normal":
            self.over(dst, src, opacity)
            return
        op = r255(opacity)
        if op == 0:
            return
        d = placed(dst, src)
        s = src.buf
        if src.bounds is not None:
            x0, y0, x1, y1 = src.bounds
            d, s = d[y0:y1, x0:x1], s[y0:y1, x0:x1]
        self._blend.blend(d, s, op, mode)

    def crossfade(self, dst: Surface, a: Surface, b: Surface, t: float) -> None:
        tt = r255(t)
        d = placed(dst, a)
        if tt == 0:
            self._over_region(d, a.buf, 255)
            return
        if tt == 255:
            self._over_region(d, b.buf, 255)
            return
        mixed = self._scratch.view("mixed", a.buf.shape, np.uint8)
        self._crossfade_into(mixed, a.buf, b.buf, tt)
        self._over_region(d, mixed, 255)

    def wipe(
        self, dst: Surface, a: Surface, b: Surface, t: float, direction: str, soft_edge: float
    ) -> None:
        if direction not in _DIRECTIONS:
            raise ValueError(f"unknown wipe direction {direction!r}")
        h, w = dst.buf.shape[:2]
        horizontal = direction in ("ltr", "rtl")
        n = w if horizontal else h
        if n == 0 or a.width == 0 or a.height == 0:
            return
        tt = _r255_vec(self.wipe_mask(n, t, direction, soft_edge))
        # The mask is the canvas's; the layers may cover only a region of it.
        ox, oy = a.origin
        if horizontal:
            tt, n = tt[ox : ox + a.width], a.width
        else:
            tt, n = tt[oy : oy + a.height], a.height
        region = placed(dst, a)
        # Leading run and trailing run of a constant 0 or 255 factor are plain overs of A or
        # B; whatever lies between (the soft band) is crossfaded with the per-line factor.
        lead = _run_length(tt, tt[0]) if tt[0] in (0, 255) else 0
        trail = 0
        if lead < n and tt[-1] in (0, 255):
            trail = _run_length(tt[::-1], tt[-1])
        spans = []
        if lead:
            spans.append((0, lead, int(tt[0])))
        if lead + trail < n:
            spans.append((lead, n - trail, -1))
        if trail:
            spans.append((n - trail, n, int(tt[-1])))
        for i0, i1, const in spans:
            if horizontal:
                d, av, bv = region[:, i0:i1], a.buf[:, i0:i1], b.buf[:, i0:i1]
            else:
                d, av, bv = region[i0:i1], a.buf[i0:i1], b.buf[i0:i1]
            if const == 0:
                self._over_region(d, av, 255)
            elif const == 255:
                self._over_region(d, bv, 255)
            else:
                band = tt[i0:i1]
                band = band.reshape(1, -1, 1) if horizontal else band.reshape(-1, 1, 1)
                mixed = self._scratch.view("mixed", d.shape, np.uint8)
                self._crossfade_into(mixed, av, bv, band)
                self._over_region(d, mixed, 255)

    @staticmethod
    def wipe_mask(n: int, t: float, direction: str, soft_edge: float) -> np.ndarray:
        """The f32 wipe mask m (1 = incoming B) for each of the ``n`` columns (ltr/rtl) or
        rows (ttb/btt), in array order, with the exact f32 steps of §4.5."""
        tf = np.float32(t)
        tf = tf if math.isnan(tf) else min(max(tf, _F0), _F1)
        se = np.float32(soft_edge)
        se = _F0 if math.isnan(se) else max(se, _F0)  # Rust f32::max ignores NaN
        axis = np.float32(n)
        soft_px = np.float32(se * axis)
        edge = np.float32(np.float32(tf * np.float32(axis + np.float32(_F2 * soft_px))) - soft_px)
        idx = np.arange(n, dtype=np.float32)
        pos = idx if direction in ("ltr", "ttb") else (axis - _F1) - idx  # exact for n < 2^24
        if not soft_px > 0.0:
            return (pos < edge).astype(np.float32)
        lo = np.float32(edge - soft_px)
        hi = np.float32(edge + soft_px)
        with np.errstate(invalid="ignore", divide="ignore"):
            u = (pos - lo) / np.float32(hi - lo)
            s = np.clip((u * u) * (_F3 - _F2 * u), _F0, _F1)
        s = np.where(pos <= lo, _F0, np.where(pos >= hi, _F1, s)).astype(np.float32)
        return (_F1 - s).astype(np.float32)


def placed(dst: Surface, src: Surface) -> np.ndarray:
    """The view of ``dst.buf`` that ``src`` covers at its ``origin`` (all of it for a
    canvas-sized source)."""
    ox, oy = src.origin
    return dst.buf[oy : oy + src.height, ox : ox + src.width]


def _checked(result: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out``, after making sure OpenCV wrote into it: it silently allocates a new array
    when ``dst`` does not fit (wrong shape, dtype or layout); copy the result over then."""
    if result is not out:
        np.copyto(out, result.reshape(out.shape))
    return out


def _run_length(v: np.ndarray, value: int) -> int:
    """Length of the leading run of ``value`` in ``v``."""
    diff = np.flatnonzero(v != value)
    return int(diff[0]) if diff.size else int(v.size)
