"""The format's integer composite and blur math (wavyte-format.md §4.5–§4.6), transcribed
plainly, and the "exact" section that holds every compositor against it.

This transcription is deliberately independent of `wavyte_core.render.compositor_numpy`: int64
arithmetic with the formulas as written (``(x·y + 127) // 255``, a direct tap-by-tap
convolution, a scalar f32 wipe mask), no shared helpers. The numpy compositor must match
it bit for bit; native compositors are measured against it (max difference, pixels).
Inputs are random premultiplied images with odd sizes and many fully transparent and
fully opaque pixels, so every early return and saturation in the formulas is reached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["ExactOp", "random_premultiplied", "expected", "apply_compositor"]

F32 = np.float32


def md(x: np.ndarray, y: np.ndarray | int) -> np.ndarray:
    return (x.astype(np.int64) * y + 127) // 255


def r255(x: float) -> int:
    v = F32(x)
    if math.isnan(v):
        return 0
    v = min(max(v, F32(0.0)), F32(1.0))
    p = float(v * F32(255.0))
    r = math.floor(p)
    if p - r >= 0.5:  # Rust f32::round: half away from zero (p >= 0)
        r += 1
    return min(max(int(r), 0), 255)


def over(dst: np.ndarray, src: np.ndarray, opacity: float) -> np.ndarray:
    """§4.5 over of premultiplied BGRA (alpha is channel 3)."""
    d = dst.astype(np.int64)
    op = r255(opacity)
    if op == 0:
        return dst.copy()
    sa = md(src[..., 3], op)
    keep = (src[..., 3] == 0) | (sa == 0)
    inv = 255 - sa
    out = np.empty_like(d)
    out[..., 3] = np.minimum(sa + md(d[..., 3], inv), 255)
    for c in range(3):
        out[..., c] = np.minimum(md(src[..., c], op) + md(d[..., c], inv), 255)
    out[keep] = d[keep]
    return out.astype(np.uint8)


def crossfade_pixels(a: np.ndarray, b: np.ndarray, tt: np.ndarray | int) -> np.ndarray:
    it = 255 - np.asarray(tt, dtype=np.int64)
    return np.minimum(md(a, it) + md(b, tt), 255).astype(np.uint8)


def wipe_mask(n: int, t: float, direction: str, soft_edge: float) -> list[float]:
    """The §4.5 mask per position along the wipe axis, one f32 scalar step at a time."""
    tf = F32(t)
    tf = tf if math.isnan(tf) else min(max(tf, F32(0)), F32(1))
    se = F32(soft_edge)
    se = F32(0) if math.isnan(se) else max(se, F32(0))
    axis = F32(n)
    soft_px = F32(se * axis)
    edge = F32(F32(tf * F32(axis + F32(F32(2) * soft_px))) - soft_px)
    lo, hi = F32(edge - soft_px), F32(edge + soft_px)
    out = []
    for i in range(n):
        pos = F32(i) if direction in ("ltr", "ttb") else F32(F32(n - 1) - F32(i))
        if not soft_px > 0:
            out.append(1.0 if pos < edge else 0.0)
            continue
        if pos <= lo:
            s = F32(0)
        elif pos >= hi:
            s = F32(1)
        else:
            u = F32(F32(pos - lo) / F32(hi - lo))
            s = F32(F32(u * u) * F32(F32(3) - F32(F32(2) * u)))
            s = min(max(s, F32(0)), F32(1))
        out.append(float(F32(F32(1) - s)))
    return out


def wipe(
    dst: np.ndarray, a: np.ndarray, b: np.ndarray, t: float, direction: str, soft_edge: float
) -> np.ndarray:
    h, w = dst.shape[:2]
    horizontal = direction in ("ltr", "rtl")
    mask = wipe_mask(w if horizontal else h, t, direction, soft_edge)
    tt = np.array([r255(m) for m in mask], dtype=np.int64)
    tt = tt.reshape(1, -1, 1) if horizontal else tt.reshape(-1, 1, 1)
    return over(dst, crossfade_pixels(a, b, tt), 1.0)


def blur_kernel(radius: int, sigma: float) -> list[int]:
    s = float(F32(sigma))
    d = (2.0 * s) * s
    w = [math.exp(((-float(i)) * float(i)) / d) for i in range(-radius, radius + 1)]
    total = 0.0
    for v in w:
        total += v
    q = []
    for v in w:
        x = v / total * 65536.0
        r = math.floor(x)
        if x - r >= 0.5:
            r += 1
        q.append(int(min(max(r, 0), 65536)))
    q[radius] = min(max(q[radius] + 65536 - sum(q), 0), 65536)
    return q


def blur(src: np.ndarray, radius: int, sigma: float) -> np.ndarray:
    if radius <= 0:
        return src.copy()
    q = blur_kernel(radius, sigma)
    img = src.astype(np.int64)
    for axis in (1, 0):  # horizontal pass, then vertical
        n = img.shape[axis]
        pad = [(0, 0)] * img.ndim
        pad[axis] = (radius, radius)
        p = np.pad(img, pad, mode="edge")
        acc = np.zeros_like(img)
        for k, wk in enumerate(q):
            acc += wk * np.take(p, np.arange(k, k + n), axis=axis)
        img = np.minimum((acc + 32768) >> 16, 255)
    return img.astype(np.uint8)


# ------------------------------------------------------------------------ the section


@dataclass(frozen=True, slots=True)
class ExactOp:
    """One exact-math row: an op and its parameters (from ``index.json``). ``tolerance``
    (optional) replaces the section's tolerances for this row, on every compositor: the
    blend rows compare with real-valued W3C formulas, which no 8-bit result meets exactly."""

    id: str
    op: str  # over | crossfade | wipe | blur | blend
    params: dict
    tolerance: dict | None = None

    @property
    def capability(self) -> str:
        return self.op


def random_premultiplied(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Valid premultiplied BGRA with ~20% transparent and ~20% opaque pixels."""
    a = rng.integers(0, 256, (h, w), dtype=np.int64)
    pick = rng.random((h, w))
    a[pick < 0.2] = 0
    a[pick > 0.8] = 255
    c = rng.integers(0, 256, (h, w, 3), dtype=np.int64)
    c = (c * a[..., None] + 127) // 255
    return np.concatenate([c, a[..., None]], axis=-1).astype(np.uint8)


def inputs(
    op: ExactOp, size: tuple[int, int], seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w, h = size
    rng = np.random.default_rng([seed, sum(op.id.encode())])
    return (
        random_premultiplied(rng, h, w),
        random_premultiplied(rng, h, w),
        random_premultiplied(rng, h, w),
    )


def expected(op: ExactOp, dst: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    p = op.params
    if op.op == "over":
        return over(dst, a, p["opacity"])
    if op.op == "crossfade":
        return over(dst, crossfade_pixels(a, b, r255(p["t"])), 1.0)
    if op.op == "wipe":
        return wipe(dst, a, b, p["t"], p["dir"], p.get("soft_edge", 0.0))
    if op.op == "blur":
        return blur(a, p["radius_px"], p.get("sigma", p["radius_px"] / 2))
    if op.op == "blend":
        return np.clip(np.floor(w3c_blend(dst, a, p["mode"], p["opacity"]) + 0.5), 0, 255).astype(
            np.uint8
        )
    raise ValueError(f"unknown exact op {op.op!r}")


def apply_compositor(
    compositor: object, op: ExactOp, dst: np.ndarray, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """Run ``op`` through a `wavyte_core.plugin.roles.Compositor` on fresh surfaces."""
    from wavyte_core.plugin.roles import Surface

    d, sa, sb = Surface(dst.copy()), Surface(a.copy()), Surface(b.copy())
    p = op.params
    c = compositor
    if op.op == "over":
        c.over(d, sa, p["opacity"])  # type: ignore[attr-defined]
    elif op.op == "crossfade":
        c.crossfade(d, sa, sb, p["t"])  # type: ignore[attr-defined]
    elif op.op == "wipe":
        c.wipe(d, sa, sb, p["t"], p["dir"], p.get("soft_edge", 0.0))  # type: ignore[attr-defined]
    elif op.op == "blur":
        c.blur(sa, d, p["radius_px"], p.get("sigma", p["radius_px"] / 2))  # type: ignore[attr-defined]
    elif op.op == "blend":
        c.blend(d, sa, p["opacity"], p["mode"])  # type: ignore[attr-defined]
    else:
        raise ValueError(f"unknown exact op {op.op!r}")
    return d.buf


# ------------------------------------------------------------------------------ blend modes
# W3C Compositing and Blending Level 1 in float64 over whole arrays, from the specification's
# text: straight colours in [0, 1] (RGB order), B(Cb, Cs) per mode, then
# co = cs·(1 − αb) + cb·(1 − αs) + αs·αb·B and αo = αs + αb·(1 − αs) on premultiplied
# values; Add is plus-lighter (the clamped sum of premultiplied values).


def _w3c_separable(mode: str, cb: np.ndarray, cs: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == "Multiply":
            return cb * cs
        if mode == "Screen":
            return cb + cs - cb * cs
        if mode == "Overlay":
            return _w3c_separable("HardLight", cs, cb)
        if mode == "Darken":
            return np.minimum(cb, cs)
        if mode == "Lighten":
            return np.maximum(cb, cs)
        if mode == "ColorDodge":
            return np.where(cb == 0, 0.0, np.where(cs == 1, 1.0, np.minimum(1.0, cb / (1 - cs))))
        if mode == "ColorBurn":
            return np.where(
                cb == 1, 1.0, np.where(cs == 0, 0.0, 1 - np.minimum(1.0, (1 - cb) / cs))
            )
        if mode == "HardLight":
            return np.where(cs <= 0.5, cb * 2 * cs, _w3c_separable("Screen", cb, 2 * cs - 1))
        if mode == "SoftLight":
            d = np.where(cb <= 0.25, ((16 * cb - 12) * cb + 4) * cb, np.sqrt(cb))
            return np.where(
                cs <= 0.5, cb - (1 - 2 * cs) * cb * (1 - cb), cb + (2 * cs - 1) * (d - cb)
            )
        if mode == "Difference":
            return np.abs(cb - cs)
        if mode == "Exclusion":
            return cb + cs - 2 * cb * cs
    raise ValueError(mode)


def _lum(c: np.ndarray) -> np.ndarray:
    return 0.3 * c[..., 0] + 0.59 * c[..., 1] + 0.11 * c[..., 2]


def _clip_color(c: np.ndarray) -> np.ndarray:
    lum = _lum(c)[..., None]
    n = c.min(axis=-1, keepdims=True)
    x = c.max(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(n < 0, lum + (c - lum) * lum / (lum - n), c)
        c = np.where(x > 1, lum + (c - lum) * (1 - lum) / (x - lum), c)
    return c


def _set_lum(c: np.ndarray, lum: np.ndarray) -> np.ndarray:
    return _clip_color(c + (lum - _lum(c))[..., None])


def _set_sat(c: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Per pixel: the largest channel becomes s, the smallest 0, the middle one scaled
    (ties resolved by a stable sort of the channel indices)."""
    order = np.argsort(c, axis=-1, kind="stable")
    lo, mid, hi = (np.take_along_axis(c, order[..., k : k + 1], -1)[..., 0] for k in range(3))
    span = hi - lo
    with np.errstate(divide="ignore", invalid="ignore"):
        mid_new = np.where(span > 0, (mid - lo) * s / span, 0.0)
    hi_new = np.where(span > 0, s, 0.0)
    out = np.zeros_like(c)
    np.put_along_axis(out, order[..., 1:2], mid_new[..., None], -1)
    np.put_along_axis(out, order[..., 2:3], hi_new[..., None], -1)
    return out


def _w3c_non_separable(mode: str, cb: np.ndarray, cs: np.ndarray) -> np.ndarray:
    def sat(c: np.ndarray) -> np.ndarray:
        return c.max(axis=-1) - c.min(axis=-1)

    if mode == "Hue":
        return _set_lum(_set_sat(cs, sat(cb)), _lum(cb))
    if mode == "Saturation":
        return _set_lum(_set_sat(cb, sat(cs)), _lum(cb))
    if mode == "Color":
        return _set_lum(cs, _lum(cb))
    if mode == "Luminosity":
        return _set_lum(cb, _lum(cs))
    raise ValueError(mode)


def w3c_blend(dst: np.ndarray, src: np.ndarray, mode: str, opacity: float) -> np.ndarray:
    """Premultiplied BGRA uint8 → premultiplied BGRA float64 in 0..255."""
    s = src.astype(np.float64) / 255.0 * opacity
    d = dst.astype(np.float64) / 255.0
    if mode == "Add":
        return np.minimum(s + d, 1.0) * 255.0
    a_s, a_b = s[..., 3:4], d[..., 3:4]
    rgb_s, rgb_b = s[..., 2::-1], d[..., 2::-1]  # RGB order
    with np.errstate(divide="ignore", invalid="ignore"):
        cs = np.where(a_s > 0, np.minimum(rgb_s / a_s, 1.0), 0.0)
        cb = np.where(a_b > 0, np.minimum(rgb_b / a_b, 1.0), 0.0)
    if mode == "Normal":
        b = cs
    elif mode in ("Hue", "Saturation", "Color", "Luminosity"):
        b = _w3c_non_separable(mode, cb, cs)
    else:
        b = _w3c_separable(mode, cb, cs)
    co = rgb_s * (1 - a_b) + rgb_b * (1 - a_s) + a_s * a_b * b
    ao = a_s + a_b * (1 - a_s)
    return np.concatenate([co[..., ::-1], ao], axis=-1) * 255.0
