"""The exact reference of the blend modes (clip ``props.blend``): whole-array numpy + OpenCV.

Called by the numpy compositor's ``blend`` once per blended layer per rendered frame, on the
region the layer covers. The semantics are W3C Compositing and Blending Level 1 with
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
     colours ``Cs = min(s / sa, 1)`` (taken before step 0), ``Cb = min(d / da, 1)`` (0
     where the alpha is 0) with
     the W3C definitions (Lum weights 0.3, 0.59, 0.11; ClipColor, SetLum, SetSat), then
     ``X = floor(f32(f32(sa·da)·B) / 255 + 0.5)``.

Every kernel keeps ``d`` exactly where the source is transparent (``X`` is 0 there), so the
caller may crop the work to the source's bounds. The rounding error against the real-valued
W3C result is at most 1.5 levels for the integer modes (three roundings); the float modes add
the 8-bit quantisation of the un-premultiplied colours (see the tests for measured figures).
"""

from __future__ import annotations

import math

import numpy as np

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
        ``d`` (same shape) with ``mode``; ``d`` is overwritten."""
        if 0 in d.shape:
            return
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
        """X for the modes that need un-premultiplied colours, in float32. ``Cs`` comes
        from the source before its opacity (opacity does not change a colour; taking it
        after the 8-bit scaling would quantise near-greys into other hues)."""
        h, w = d.shape[:2]
        sf = self._scratch.view("sf", (h, w, 4), np.float32)
        df = self._scratch.view("df", (h, w, 4), np.float32)
        np.copyto(sf, raw, casting="unsafe")
        np.copyto(df, d, casting="unsafe")
        cs = self._unpremul("cs", sf, sf[..., 3:4])
        cb = self._unpremul("cb", df, df[..., 3:4])
        if raw is not s:
            np.copyto(sf[..., 3], s[..., 3], casting="unsafe")  # the scaled alpha
        sa = sf[..., 3:4]
        da = df[..., 3:4]
        kernel = _separable if mode in _FLOAT_SEPARABLE else _non_separable
        b = kernel(mode, cb, cs)
        t = self._scratch.view("ft", (h, w, 3), np.float32)
        np.multiply(sa, da, out=t[..., :1])  # exact: ≤ 65025
        np.multiply(t[..., :1], b, out=t)
        t /= _F255
        t += _FHALF
        np.floor(t, out=t)
        np.clip(t, _F0, _F255, out=t)
        x = self._u8("x", d.shape)
        np.copyto(x[..., :3], t, casting="unsafe")
        x[..., 3] = self._mul("xab", s, d)[..., 3]  # alpha of mul(s, d) is mul(sa, da)
        return x

    def _unpremul(self, key: str, c: np.ndarray, a: np.ndarray) -> np.ndarray:
        """``min(c / a, 1)`` for the colour channels, 0 where ``a`` is 0 (float32)."""
        out = self._scratch.view(key, c.shape[:2] + (3,), np.float32)
        out.fill(0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(c[..., :3], a, out=out, where=a > _F0)
        np.minimum(out, _F1, out=out)
        return out


def _separable(mode: str, cb: np.ndarray, cs: np.ndarray) -> np.ndarray:
    """W3C ColorDodge, ColorBurn, SoftLight on un-premultiplied float32 colours."""
    one = _F1
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == "ColorDodge":
            b = np.minimum(one, cb / (one - cs))
            b = np.where(cs >= one, one, b)
            return np.where(cb <= _F0, _F0, b).astype(np.float32)
        if mode == "ColorBurn":
            b = one - np.minimum(one, (one - cb) / cs)
            b = np.where(cs <= _F0, _F0, b)
            return np.where(cb >= one, one, b).astype(np.float32)
    # SoftLight
    dcb = np.where(
        cb <= np.float32(0.25),
        ((np.float32(16.0) * cb - np.float32(12.0)) * cb + np.float32(4.0)) * cb,
        np.sqrt(cb),
    )
    two_cs = np.float32(2.0) * cs
    low = cb - (one - two_cs) * cb * (one - cb)
    high = cb + (two_cs - one) * (dcb - cb)
    return np.where(cs <= _FHALF, low, high).astype(np.float32)


def _lum(c: np.ndarray) -> np.ndarray:
    """W3C Lum of (h, w, 3) BGR float32 colours, shape (h, w, 1)."""
    return (_LUM_B * c[..., 0:1] + _LUM_G * c[..., 1:2] + _LUM_R * c[..., 2:3]).astype(np.float32)


def _clip_color(c: np.ndarray) -> np.ndarray:
    lum = _lum(c)
    n = c.min(axis=-1, keepdims=True)
    x = c.max(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        low = lum + (c - lum) * lum / (lum - n)
        c = np.where(n < _F0, low, c)
        high = lum + (c - lum) * (_F1 - lum) / (x - lum)
        c = np.where(x > _F1, high, c)
    return c.astype(np.float32)


def _set_lum(c: np.ndarray, lum: np.ndarray) -> np.ndarray:
    return _clip_color(c + (lum - _lum(c)))


def _sat(c: np.ndarray) -> np.ndarray:
    return c.max(axis=-1, keepdims=True) - c.min(axis=-1, keepdims=True)


def _set_sat(c: np.ndarray, sat: np.ndarray) -> np.ndarray:
    """W3C SetSat: the max channel becomes ``sat``, the min 0, the middle one scaled; all 0
    for a grey. Vectorised as ``(c − min)·sat / (max − min)``, which is exactly that."""
    lo = c.min(axis=-1, keepdims=True)
    span = c.max(axis=-1, keepdims=True) - lo
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (c - lo) * sat / span
    return np.where(span > _F0, out, _F0).astype(np.float32)


def _non_separable(mode: str, cb: np.ndarray, cs: np.ndarray) -> np.ndarray:
    if mode == "Hue":
        return _set_lum(_set_sat(cs, _sat(cb)), _lum(cb))
    if mode == "Saturation":
        return _set_lum(_set_sat(cb, _sat(cs)), _lum(cb))
    if mode == "Color":
        return _set_lum(cs, _lum(cb))
    return _set_lum(cb, _lum(cs))  # Luminosity
