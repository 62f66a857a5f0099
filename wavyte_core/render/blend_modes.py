"""The exact reference of the blend modes (clip ``props.blend``): whole-array numpy + OpenCV,
or the same arithmetic per pixel in C.

Called by the numpy compositor's ``blend`` once per blended layer per rendered frame, on the
region the layer covers. Two routes with the same bytes (tests/test_blend_native.py holds
them against each other for every mode, opacity and edge value):

- ``_blendpx.c`` (`blend_native`), an optional C extension loaded with ctypes: every mode in
  one pass over the pixels, 16-bit integer lanes for the integer modes and float32 lanes,
  operation for operation the numpy order below (compiled without FMA contraction), for
  the float modes; AVX2 or baseline chosen at run time. 4–10× the numpy route;
- the numpy + OpenCV bands below, when the extension is not built or
  ``WAVYTE_BLEND_NATIVE=0``. The semantics are W3C Compositing and Blending Level 1 with
source-over compositing; this module fixes the 8-bit rounding, so that it is the exact
reference the native compositors (skia, cairo) are held against.

Notation: ``s``, ``d`` are the premultiplied source and destination channels (B, G, R and
A, 0..255), ``sa``, ``da`` their alphas, ``mul(x, y) = (x·y + 127) // 255`` (the format's
``mul_div255``, the exact rounding of ``x·y/255``), ``mul2(x, y) = (2·x·y + 127) // 255``,
``sat`` a clamp to 255 and ``(x)⁺`` a clamp at 0. Every line is per channel, alpha included
unless said otherwise.

0. The layer's opacity first scales the source, as ``over`` does: ``s = mul(s, op)``, ``op``
   the 8-bit opacity ``r255(opacity)``.
1. ``Add`` (plus-lighter): ``sat(s + d)``.
2. ``Screen``: ``s + (d − mul(s, d))``.
3. ``Darken`` / ``Lighten``: ``min`` / ``max`` of ``sat(s + mul(d, 255 − sa))`` and
   ``sat(d + mul(s, 255 − da))`` (source over destination, destination over source).
4. ``Difference``: with ``t = min(mul(s, da), mul(d, sa))``: ``(s − t) + (d − t)`` on the
   colours, ``(sa − t) + da`` on alpha.
5. ``Exclusion``: with ``t = mul(s, d)``: ``(s − t) + (d − t)`` on the colours,
   ``(sa − t) + da`` on alpha.
6. Every other mode: ``sat(mul(s, 255 − da) + mul(d, 255 − sa) + X)`` where ``X`` is the
   8-bit ``αs·αb·B(Cb, Cs)`` of the W3C formula, and ``X = mul(sa, da)`` on alpha:

   - ``Multiply``: ``X = mul(s, d)``;
   - ``HardLight``: ``X = mul2(s, d)`` where ``2s ≤ sa``, else
     ``(mul(sa, da) − mul2(da − d, sa − s))⁺``; ``Overlay``: the same with the condition
     ``2d ≤ da``;
   - ``ColorDodge``, ``ColorBurn``, ``SoftLight`` and the non-separable ``Hue``,
     ``Saturation``, ``Color``, ``Luminosity``: ``B`` in float32 on the un-premultiplied
     colours ``Cs = min(s / max(sa, 1), 1)`` (taken before step 0, from the source at
     full opacity) and ``Cb = min(d / max(da, 1), 1)``, with the W3C definitions
     (Lum weights 0.3, 0.59, 0.11; SetSat; SetLum with ClipColor, whose two rescalings use
     the target luminosity as L and combine into one factor), then
     ``X = floor(f32(sa·da / 255)·B + 0.5)``. Every step is one IEEE float32 operation
     in the order the code gives, so the bytes are the same on every machine.

Every kernel keeps ``d`` exactly where the source is transparent (``X`` is 0 there), so the
caller may crop the work to the source's bounds. The rounding error against the real-valued
W3C result is at most 1.5 levels for the integer modes (three roundings); the float modes add
the 8-bit quantisation of the un-premultiplied colours (see the tests for measured figures).
"""

from __future__ import annotations

import math

import numpy as np

from wavyte_core.render.blend_native import native_blend
from wavyte_core.render.blur import opencv

__all__ = ["BLEND_MODES", "BlendKernels"]

#: Every mode of clip ``props.blend`` (the format's spelling), Normal first.
BLEND_MODES = (
    "Normal",
    "Multiply",
    "Screen",
    "Overlay",
    "Darken",
    "Lighten",
    "ColorDodge",
    "ColorBurn",
    "HardLight",
    "SoftLight",
    "Difference",
    "Exclusion",
    "Hue",
    "Saturation",
    "Color",
    "Luminosity",
    "Add",
)

_INV255 = 1.0 / 255.0
_TWO_255 = 2.0 / 255.0
_U32_255 = np.uint32(255)
_U32_REPLICATE = np.uint32(0x01010101)
_U32_COLOUR = np.uint32(0x00FFFFFF)
_F0 = np.float32(0.0)
_F1 = np.float32(1.0)
_F255 = np.float32(255.0)
_FHALF = np.float32(0.5)
#: ``_MD[k][x] == (x·k + 127) // 255``.
_MD = ((np.arange(256)[:, None] * np.arange(256)[None, :] + 127) // 255).astype(np.uint8)
_MD.setflags(write=False)
#: W3C Lum weights in BGR channel order.
_LUM_B, _LUM_G, _LUM_R = np.float32(0.11), np.float32(0.59), np.float32(0.3)
#: Pixels per band of work (see `BlendKernels.blend`): 64 K pixels, 256 KB per BGRA
#: temporary, so the float modes' dozen planes fit in a 2–8 MB cache.
BAND_PIXELS = 1 << 16
_FLOAT_SEPARABLE = frozenset({"ColorDodge", "ColorBurn", "SoftLight"})
_NON_SEPARABLE = frozenset({"Hue", "Saturation", "Color", "Luminosity"})


class _Scratch:
    """Flat buffers reused across calls, grown only when a larger region arrives."""

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


def _checked(result: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out``, after making sure OpenCV wrote into it (it allocates when ``dst`` does not
    fit; the result is copied over then)."""
    if result is not out:
        np.copyto(out, result.reshape(out.shape))
    return out


class BlendKernels:
    """The reference blend of a source region onto a destination region, in place.

    One instance per compositor (it owns the scratch buffers). Not thread-safe.
    """

    def __init__(self) -> None:
        self._scratch = _Scratch()

    # ------------------------------------------------------------------------ helpers

    def _u8(self, key: str, shape: tuple[int, ...]) -> np.ndarray:
        return self._scratch.view(key, shape, np.uint8)

    def _alpha4(self, key: str, x: np.ndarray, invert: bool) -> np.ndarray:
        """The alpha of every pixel of ``x`` (or 255 − it) replicated to its 4 channels."""
        x32 = x.view(np.uint32)[..., 0]
        a = self._scratch.view(key, x32.shape, np.uint32)
        np.right_shift(x32, 24, out=a)
        if invert:
            np.subtract(_U32_255, a, out=a)
        a *= _U32_REPLICATE
        return a.view(np.uint8).reshape(x.shape)

    def _mul(self, key: str, x: np.ndarray, y: np.ndarray, scale: float = _INV255) -> np.ndarray:
        out = self._u8(key, x.shape)
        return _checked(opencv().multiply(x, y, dst=out, scale=scale), out)

    # ------------------------------------------------------------------------- blend

    def blend(self, d: np.ndarray, s: np.ndarray, op: int, mode: str) -> None:
        """Blend ``s`` (premultiplied BGRA, with opacity factor ``op`` in 1..255) onto
        ``d`` (same shape) with ``mode``; ``d`` is overwritten.

        The work runs in bands of about `BAND_PIXELS` pixels: every temporary of a band
        (a dozen for the float modes) stays in the CPU cache, where whole-frame
        temporaries would stream through memory on each of the 20–70 array passes. Every
        pixel is computed on its own, so banding does not change a byte."""
        if 0 in d.shape:
            return
        native = native_blend()
        if native is not None and mode != "Normal" and native.blend(d, s, op, mode):
            return
        h, w = d.shape[:2]
        rows = max(1, BAND_PIXELS // w)
        for y0 in range(0, h, rows):
            y1 = min(y0 + rows, h)
            self._blend_band(d[y0:y1], s[y0:y1], op, mode)

    def _blend_band(self, d: np.ndarray, s: np.ndarray, op: int, mode: str) -> None:
        cv2 = opencv()
        shape = d.shape
        raw = s
        if op != 255:
            ss = self._u8("s_op", shape)
            s = _checked(cv2.LUT(s, _MD[op], dst=ss), ss)
        out = self._u8("out", shape)
        if mode == "Add":
            _checked(cv2.add(s, d, dst=out), out)
        elif mode == "Screen":
            t = self._mul("t", s, d)
            _checked(cv2.subtract(d, t, dst=t), t)
            _checked(cv2.add(s, t, dst=out), out)
        elif mode in ("Darken", "Lighten"):
            p = self._mul("p", d, self._alpha4("isa", s, True))
            _checked(cv2.add(s, p, dst=p), p)
            q = self._mul("q", s, self._alpha4("ida", d, True))
            _checked(cv2.add(d, q, dst=q), q)
            pick = cv2.min if mode == "Darken" else cv2.max
            _checked(pick(p, q, dst=out), out)
        elif mode in ("Difference", "Exclusion"):
            if mode == "Difference":
                t = self._mul("p", s, self._alpha4("da", d, False))
                u = self._mul("q", d, self._alpha4("sa", s, False))
                _checked(cv2.min(t, u, dst=t), t)
            else:
                t = self._mul("p", s, d)
            u = self._u8("q", shape)
            _checked(cv2.subtract(s, t, dst=u), u)
            t32 = t.view(np.uint32)
            t32 &= _U32_COLOUR  # alpha: subtract t once, not twice
            _checked(cv2.subtract(d, t, dst=out), out)
            _checked(cv2.add(out, u, dst=out), out)
        else:
            x = self._term(d, s, raw, mode)
            p = self._mul("p", s, self._alpha4("ida", d, True))
            q = self._mul("q", d, self._alpha4("isa", s, True))
            _checked(cv2.add(p, q, dst=out), out)
            _checked(cv2.add(out, x, dst=out), out)
        np.copyto(d, out)

    # ------------------------------------------------------------------ the X term

    def _term(self, d: np.ndarray, s: np.ndarray, raw: np.ndarray, mode: str) -> np.ndarray:
        """``X = αs·αb·B(Cb, Cs)`` in 8 bits (alpha channel: ``mul(sa, da)``); ``raw`` is
        the source before its opacity (the float modes take ``Cs`` from it)."""
        cv2 = opencv()
        shape = d.shape
        if mode == "Multiply":
            return self._mul("x", s, d)
        if mode in ("HardLight", "Overlay"):
            x1 = self._mul("x", s, d, _TWO_255)
            sa = self._alpha4("sa", s, False)
            da = self._alpha4("da", d, False)
            a = self._u8("xa", shape)
            b = self._u8("xb", shape)
            _checked(cv2.subtract(da, d, dst=a), a)
            _checked(cv2.subtract(sa, s, dst=b), b)
            x2 = self._mul("x2", a, b, _TWO_255)
            ab = self._mul("xab", sa, da)
            _checked(cv2.subtract(ab, x2, dst=x2), x2)
            # the condition 2c ≤ α as c ≤ α − c (no overflow), c the source (HardLight)
            # or the destination (Overlay) channel
            c, ca = (s, sa) if mode == "HardLight" else (d, da)
            room = self._u8("xroom", shape)
            _checked(cv2.subtract(ca, c, dst=room), room)
            cond = self._u8("xcond", shape)
            _checked(cv2.compare(c, room, cv2.CMP_LE, dst=cond), cond)
            _checked(cv2.bitwise_and(x1, cond, dst=x1), x1)
            _checked(cv2.bitwise_not(cond, dst=cond), cond)
            _checked(cv2.bitwise_and(x2, cond, dst=x2), x2)
            _checked(cv2.bitwise_or(x1, x2, dst=x1), x1)
            return x1
        return self._float_term(d, s, raw, mode)

    def _float_term(self, d: np.ndarray, s: np.ndarray, raw: np.ndarray, mode: str) -> np.ndarray:
        """X for the modes that need un-premultiplied colours, in float32 planes (one
        contiguous (h, w) array per channel: whole-array ops stay SIMD, where interleaved
        BGRA reductions over the last axis would crawl). ``Cs`` comes from the source
        before its opacity (opacity does not change a colour; taking it after the 8-bit
        scaling would quantise near-greys into other hues)."""
        cv2 = opencv()
        h, w = d.shape[:2]
        pl = _Planes(self._scratch, (h, w))
        # de-interleave once (OpenCV's SIMD split), then contiguous uint8 → float32 casts
        raw_p = cv2.split(raw)
        d_p = cv2.split(d)
        sa = pl.load("sa", raw_p[3])
        da = pl.load("da", d_p[3])
        # max(α, 1): α is 0 or ≥ 1, and a transparent pixel's colour is 0 → C = 0; a true
        # division (not a reciprocal) so that c = α gives exactly 1 (ColorBurn and
        # ColorDodge jump there)
        inv_sa = pl.get("inv_sa")
        np.maximum(sa, _F1, out=inv_sa)
        inv_da = pl.get("inv_da")
        np.maximum(da, _F1, out=inv_da)
        cs = [pl.unpremul(f"cs{k}", raw_p[k], inv_sa) for k in range(3)]
        cb = [pl.unpremul(f"cb{k}", d_p[k], inv_da) for k in range(3)]
        s_alpha = raw_p[3] if raw is s else cv2.extractChannel(s, 3)
        if raw is not s:
            pl.load("sa", s_alpha)  # the alpha after the opacity
        # αs·αb/255 (exact product, one rounding for the quotient)
        ab = pl.get("ab")
        np.multiply(sa, da, out=ab)
        ab /= _F255
        if mode in _FLOAT_SEPARABLE:
            b = [_separable(pl, mode, cb[k], cs[k], k) for k in range(3)]
        else:
            b = _non_separable(pl, mode, cb, cs)
        planes = []
        for k in range(3):
            t = b[k]
            t *= ab
            t += _FHALF
            # floor(t) for t ≥ 0 is the truncating cast; B ≥ 0 up to float noise, and
            # t in (−½, 0) still truncates to 0
            np.minimum(t, _F255, out=t)
            u = self._u8(f"xp{k}", (h, w))
            np.copyto(u, t, casting="unsafe")
            planes.append(u)
        planes.append(cv2.multiply(s_alpha, d_p[3], scale=_INV255))  # mul(sa, da)
        x = self._u8("x", d.shape)
        return _checked(cv2.merge(planes, dst=x), x)


class _Planes:
    """Named float32 (h, w) planes carved from the kernel's scratch (reused across calls)."""

    __slots__ = ("_scratch", "_shape")

    def __init__(self, scratch: _Scratch, shape: tuple[int, int]) -> None:
        self._scratch = scratch
        self._shape = shape

    def get(self, key: str) -> np.ndarray:
        return self._scratch.view("pl_" + key, self._shape, np.float32)

    def flags(self) -> np.ndarray:
        return self._scratch.view("pl_flags", self._shape, np.bool_)

    def load(self, key: str, channel: np.ndarray) -> np.ndarray:
        out = self.get(key)
        np.copyto(out, channel, casting="unsafe")
        return out

    def unpremul(self, key: str, channel: np.ndarray, alpha1: np.ndarray) -> np.ndarray:
        """``min(c / max(α, 1), 1)``: the straight colour, 0 where α is 0."""
        out = self.load(key, channel)
        out /= alpha1
        np.minimum(out, _F1, out=out)
        return out


_TINY = np.float32(1e-30)


def _separable(pl: _Planes, mode: str, cb: np.ndarray, cs: np.ndarray, k: int) -> np.ndarray:
    """W3C ColorDodge, ColorBurn, SoftLight of one channel plane (float32), into a scratch
    plane. The special cases of the definitions fall out of ``x / max(y, tiny)``:
    ColorDodge ``min(1, Cb / (1 − Cs))`` is 0 for Cb = 0 and 1 for Cs = 1 < … ; ColorBurn
    ``1 − min(1, (1 − Cb) / Cs)`` is 1 for Cb = 1 and 0 for Cs = 0."""
    out = pl.get(f"b{k}")
    t = pl.get("t0")
    if mode == "ColorDodge":
        np.subtract(_F1, cs, out=t)
        np.maximum(t, _TINY, out=t)
        np.divide(cb, t, out=out)
        np.minimum(out, _F1, out=out)
        return out
    if mode == "ColorBurn":
        np.maximum(cs, _TINY, out=t)
        np.subtract(_F1, cb, out=out)
        out /= t
        np.minimum(out, _F1, out=out)
        np.subtract(_F1, out, out=out)
        return out
    # SoftLight: Cs ≤ ½: Cb − (1 − 2Cs)·Cb·(1 − Cb); else Cb + (2Cs − 1)·(D(Cb) − Cb) with
    # D(Cb) = ((16·Cb − 12)·Cb + 4)·Cb for Cb ≤ ¼, √Cb above. Both choices are made with
    # 0/1 float masks (x·(1 − m) + y·m is exactly x or y for finite values): numpy's
    # masked copies and np.where cost ≈ 20× an arithmetic pass on unpredictable masks.
    u = pl.get("t1")
    m = pl.get("t3")
    np.multiply(cb, np.float32(16.0), out=t)
    t -= np.float32(12.0)
    t *= cb
    t += np.float32(4.0)
    t *= cb  # the polynomial
    _mask(pl, np.less_equal, cb, np.float32(0.25), m)
    t *= m
    np.sqrt(cb, out=u)
    np.subtract(_F1, m, out=m)
    u *= m
    u += t  # D(Cb)
    u -= cb  # D(Cb) − Cb
    np.multiply(cs, np.float32(2.0), out=t)
    t -= _F1  # 2Cs − 1
    high = pl.get("t2")
    np.multiply(t, u, out=high)
    high += cb
    np.subtract(_F1, cb, out=u)
    u *= cb
    u *= t  # (2Cs − 1)·Cb·(1 − Cb) = −(1 − 2Cs)·Cb·(1 − Cb)
    np.add(cb, u, out=out)  # the Cs ≤ ½ branch
    _mask(pl, np.greater, cs, _FHALF, m)
    high *= m
    np.subtract(_F1, m, out=m)
    out *= m
    out += high
    return out


def _mask(pl: _Planes, cmp: np.ufunc, a: np.ndarray, b: np.float32, out: np.ndarray) -> None:
    """``out = 1.0 where cmp(a, b) else 0.0`` (float32), through a bool plane."""
    flags = pl.flags()
    cmp(a, b, out=flags)
    np.copyto(out, flags, casting="unsafe")


def _lum(pl: _Planes, c: list[np.ndarray], key: str) -> np.ndarray:
    """W3C Lum of BGR planes: 0.3·R + 0.59·G + 0.11·B."""
    out = pl.get(key)
    t = pl.get("lum_t")
    np.multiply(c[0], _LUM_B, out=out)
    np.multiply(c[1], _LUM_G, out=t)
    out += t
    np.multiply(c[2], _LUM_R, out=t)
    out += t
    return out


def _min3(pl: _Planes, c: list[np.ndarray], key: str) -> np.ndarray:
    out = pl.get(key)
    np.minimum(c[0], c[1], out=out)
    np.minimum(out, c[2], out=out)
    return out


def _max3(pl: _Planes, c: list[np.ndarray], key: str) -> np.ndarray:
    out = pl.get(key)
    np.maximum(c[0], c[1], out=out)
    np.maximum(out, c[2], out=out)
    return out


def _set_sat(pl: _Planes, c: list[np.ndarray], sat: np.ndarray) -> list[np.ndarray]:
    """W3C SetSat: the max channel becomes ``sat``, the min 0, the middle one scaled, all
    0 for a grey: ``(c − min)·sat / (max − min)``, exactly that (0·anything for a grey)."""
    lo = _min3(pl, c, "ss_lo")
    k = _max3(pl, c, "ss_k")
    k -= lo
    np.maximum(k, _TINY, out=k)
    np.divide(sat, k, out=k)
    out = []
    for i in range(3):
        o = pl.get(f"b{i}")
        np.subtract(c[i], lo, out=o)
        o *= k
        out.append(o)
    return out


def _set_lum(pl: _Planes, c: list[np.ndarray], lum: np.ndarray) -> list[np.ndarray]:
    """W3C SetLum then ClipColor, into the ``b`` planes. ClipColor's two rescalings about
    L (below 0 with min n, above 1 with max x, both taken before the first) combine into
    one factor: ``L + (C − L)·f₁·f₂``, f₁ = L / (L − n) where n < 0, f₂ = (1 − L) / (x − L)
    where x > 1, 1 otherwise; L is ``lum`` (the luminosity SetLum just gave C)."""
    delta = pl.get("sl_d")
    np.subtract(lum, _lum(pl, c, "sl_l"), out=delta)
    moved = []
    for i in range(3):
        o = pl.get(f"sl_c{i}")
        np.add(c[i], delta, out=o)
        moved.append(o)
    n = _min3(pl, moved, "sl_n")
    x = _max3(pl, moved, "sl_x")
    f = pl.get("sl_f")
    t = pl.get("sl_t")
    # f1 = L / (L − n) where n < 0, else 1: as n ≤ L, that ratio is < 1 exactly when n < 0
    # (and ≥ 1, or huge for a grey, otherwise), so it is min(L / max(L − n, tiny), 1)
    np.subtract(lum, n, out=t)
    np.maximum(t, _TINY, out=t)
    np.divide(lum, t, out=f)
    np.minimum(f, _F1, out=f)
    # f2 = (1 − L) / (x − L) where x > 1, else 1: likewise min((1 − L) / max(x − L, tiny), 1)
    np.subtract(x, lum, out=t)
    np.maximum(t, _TINY, out=t)
    np.subtract(_F1, lum, out=n)  # n is free now
    np.divide(n, t, out=t)
    np.minimum(t, _F1, out=t)
    f *= t
    out = []
    for i in range(3):
        o = pl.get(f"b{i}")
        np.subtract(moved[i], lum, out=o)
        o *= f
        o += lum
        out.append(o)
    return out


def _non_separable(
    pl: _Planes, mode: str, cb: list[np.ndarray], cs: list[np.ndarray]
) -> list[np.ndarray]:
    if mode in ("Hue", "Saturation"):
        src, other = (cs, cb) if mode == "Hue" else (cb, cs)
        sat = _max3(pl, other, "sat")
        sat -= _min3(pl, other, "sat_lo")
        shaped = _set_sat(pl, src, sat)
        # set_sat wrote into the b planes: copy them out of the way of set_lum's output
        tmp = []
        for i in range(3):
            t = pl.get(f"hs{i}")
            np.copyto(t, shaped[i])
            tmp.append(t)
        return _set_lum(pl, tmp, _lum(pl, cb, "lum_b"))
    if mode == "Color":
        return _set_lum(pl, cs, _lum(pl, cb, "lum_b"))
    return _set_lum(pl, cb, _lum(pl, cs, "lum_s"))  # Luminosity
