"""An independent float64 transcription of W3C Compositing and Blending Level 1, for tests.

Written from the specification's text, not from the engine's kernels: straight colours,
the blend function B(Cb, Cs) per mode, then ``co = cs·(1−αb) + cb·(1−αs) + αs·αb·B`` on
premultiplied values and ``αo = αs + αb·(1−αs)``; ``Add`` is plus-lighter (clamped sum of
premultiplied values). The non-separable helpers follow the specification's pseudo-code
literally (SetSat sorts the channels of every pixel).
"""

from __future__ import annotations

import numpy as np

SEPARABLE = (
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
)
NON_SEPARABLE = ("Hue", "Saturation", "Color", "Luminosity")
ALL_MODES = ("Normal", *SEPARABLE, *NON_SEPARABLE, "Add")


def _b_separable(mode: str, cb: float, cs: float) -> float:
    if mode == "Multiply":
        return cb * cs
    if mode == "Screen":
        return cb + cs - cb * cs
    if mode == "Overlay":
        return _b_separable("HardLight", cs, cb)
    if mode == "Darken":
        return min(cb, cs)
    if mode == "Lighten":
        return max(cb, cs)
    if mode == "ColorDodge":
        if cb == 0:
            return 0.0
        if cs == 1:
            return 1.0
        return min(1.0, cb / (1 - cs))
    if mode == "ColorBurn":
        if cb == 1:
            return 1.0
        if cs == 0:
            return 0.0
        return 1 - min(1.0, (1 - cb) / cs)
    if mode == "HardLight":
        if cs <= 0.5:
            return cb * 2 * cs
        return _b_separable("Screen", cb, 2 * cs - 1)
    if mode == "SoftLight":
        if cs <= 0.5:
            return cb - (1 - 2 * cs) * cb * (1 - cb)
        d = ((16 * cb - 12) * cb + 4) * cb if cb <= 0.25 else cb**0.5
        return cb + (2 * cs - 1) * (d - cb)
    if mode == "Difference":
        return abs(cb - cs)
    if mode == "Exclusion":
        return cb + cs - 2 * cb * cs
    raise ValueError(mode)


def _lum(c: list[float]) -> float:
    r, g, b = c
    return 0.3 * r + 0.59 * g + 0.11 * b


def _clip_color(c: list[float]) -> list[float]:
    lum = _lum(c)
    n, x = min(c), max(c)
    if n < 0:
        c = [lum + (v - lum) * lum / (lum - n) for v in c]
    if x > 1:
        c = [lum + (v - lum) * (1 - lum) / (x - lum) for v in c]
    return c


def _set_lum(c: list[float], lum: float) -> list[float]:
    d = lum - _lum(c)
    return _clip_color([v + d for v in c])


def _sat(c: list[float]) -> float:
    return max(c) - min(c)


def _set_sat(c: list[float], s: float) -> list[float]:
    order = sorted(range(3), key=lambda i: c[i])
    lo, mid, hi = order
    out = [0.0, 0.0, 0.0]
    if c[hi] > c[lo]:
        out[mid] = (c[mid] - c[lo]) * s / (c[hi] - c[lo])
        out[hi] = s
    return out


def _b_non_separable(mode: str, cb: list[float], cs: list[float]) -> list[float]:
    if mode == "Hue":
        return _set_lum(_set_sat(cs, _sat(cb)), _lum(cb))
    if mode == "Saturation":
        return _set_lum(_set_sat(cb, _sat(cs)), _lum(cb))
    if mode == "Color":
        return _set_lum(cs, _lum(cb))
    if mode == "Luminosity":
        return _set_lum(cb, _lum(cs))
    raise ValueError(mode)


def w3c_pixel(mode: str, dst: tuple, src: tuple, opacity: float) -> list[float]:
    """One pixel: premultiplied BGRA in 0..255 (floats or ints) → premultiplied BGRA floats
    in 0..255. The source's opacity scales it first."""
    s = [v / 255.0 * opacity for v in src]
    d = [v / 255.0 for v in dst]
    as_, ab = s[3], d[3]
    if mode == "Add":
        return [min(s[i] + d[i], 1.0) * 255 for i in range(4)]
    # straight RGB (from BGRA)
    cs = [s[2] / as_, s[1] / as_, s[0] / as_] if as_ > 0 else [0.0, 0.0, 0.0]
    cb = [d[2] / ab, d[1] / ab, d[0] / ab] if ab > 0 else [0.0, 0.0, 0.0]
    cs = [min(v, 1.0) for v in cs]
    cb = [min(v, 1.0) for v in cb]
    if mode == "Normal":
        b = cs
    elif mode in NON_SEPARABLE:
        b = _b_non_separable(mode, cb, cs)
    else:
        b = [_b_separable(mode, cb[i], cs[i]) for i in range(3)]
    rgb_s = [s[2], s[1], s[0]]
    rgb_d = [d[2], d[1], d[0]]
    co = [rgb_s[i] * (1 - ab) + rgb_d[i] * (1 - as_) + as_ * ab * b[i] for i in range(3)]
    ao = as_ + ab * (1 - as_)
    return [co[2] * 255, co[1] * 255, co[0] * 255, ao * 255]


def w3c_blend(mode: str, dst: np.ndarray, src: np.ndarray, opacity: float = 1.0) -> np.ndarray:
    """Whole arrays of premultiplied BGRA uint8 pixels (any shape (..., 4)) → float64."""
    d = dst.reshape(-1, 4)
    s = src.reshape(-1, 4)
    out = np.array([w3c_pixel(mode, tuple(d[i]), tuple(s[i]), opacity) for i in range(len(d))])
    return out.reshape(dst.shape)


def random_premul(rng: np.random.Generator, n: int, opaque_share: float = 0.3) -> np.ndarray:
    """``n`` random valid premultiplied BGRA pixels (uint8), a share of them opaque and a few
    fully transparent."""
    a = rng.integers(0, 256, n)
    a[rng.random(n) < opaque_share] = 255
    a[rng.random(n) < 0.05] = 0
    colour = rng.integers(0, 256, (n, 3))
    c = (colour * a[:, None] + 127) // 255
    return np.concatenate([c, a[:, None]], axis=1).astype(np.uint8)
