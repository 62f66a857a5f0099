"""Transition kernels: two premultiplied layers ``a`` (outgoing) and ``b`` (incoming) and
a progress ``t`` in [0, 1] → the mixed layer ``out`` (all (H, W, 4) uint8, canvas-sized).

Every kernel returns exactly ``a`` at ``t = 0`` and exactly ``b`` at ``t = 1`` (the callers
also short-cut both ends). Mixing is ``a·(1 - m) + b·m`` on premultiplied pixels, linear,
so it needs no un-premultiply. Per-canvas fields (distances, angles) are computed once
per size and kept in the instance's `Scratch` cache (`Fields`).

The gl-transitions ports (`radial_mask`, `windowslice_columns`, `randomsquares_grid`,
`directionalwarp`) follow the maths of the MIT-licensed shaders named in the pack's
NOTICE: ``uv`` is the canvas in [0, 1]² with y up, as in GLSL.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .scratch import Scratch

__all__ = [
    "Fields",
    "directionalwarp",
    "iris_mask",
    "mix_u8",
    "push",
    "radial_mask",
    "ramp_u8",
    "randomsquares_grid",
    "slide",
    "smooth_u8",
    "smoothstep",
    "windowslice_columns",
    "zoom",
]


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    """GLSL ``smoothstep`` (also for e0 > e1; a step at e0 when e0 == e1), float32, new array."""
    if e0 == e1:
        return (x >= np.float32(e0)).astype(np.float32)
    t = np.clip((x - np.float32(e0)) / np.float32(e1 - e0), 0.0, 1.0).astype(np.float32, copy=False)
    return t * t * (np.float32(3.0) - np.float32(2.0) * t)


class Fields:
    """Per-canvas coordinate fields, computed on first use for a size and kept."""

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        self._cache: dict[tuple, np.ndarray] = {}

    def get(self, key: tuple, make) -> np.ndarray:  # type: ignore[no-untyped-def]
        f = self._cache.get(key)
        if f is None:
            f = make()
            self._cache[key] = f
        return f

    def uv(self, h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
        """GLSL-style pixel-centre coordinates: u (1, w) left→right, v (h, 1) bottom→top."""
        u = self.get(("u", w), lambda: ((np.arange(w, dtype=np.float32) + 0.5) / w)[None, :])
        v = self.get(("v", h), lambda: (1.0 - (np.arange(h, dtype=np.float32) + 0.5) / h)[:, None])
        return u, v


# --------------------------------------------------------------------------- mixing

#: smoothstep over 0..255 as an 8-bit lookup table.
_SMOOTH_LUT = np.rint(
    255.0 * (lambda t: t * t * (3.0 - 2.0 * t))(np.arange(256, dtype=np.float64) / 255.0)
).astype(np.uint8)


def ramp_u8(x: np.ndarray, lo: float, hi: float, out: np.ndarray, tmp: np.ndarray) -> np.ndarray:
    """``clamp((x - lo) / (hi - lo), 0, 1) · 255`` rounded into the uint8 ``out``, for a
    float32 field ``x`` (lo < hi; ``tmp``: float32 scratch of its shape); two OpenCV
    passes (the max keeps convertScaleAbs's absolute value away from negatives)."""
    span = max(hi - lo, 1e-6)
    cv2.max(x, float(lo), dst=tmp)
    cv2.convertScaleAbs(tmp, dst=out, alpha=255.0 / span, beta=-255.0 * lo / span)
    return out


def smooth_u8(lin: np.ndarray) -> np.ndarray:
    """smoothstep applied in place to a linear 0..255 ramp."""
    cv2.LUT(lin, _SMOOTH_LUT, dst=lin)
    return lin


def mix_u8(a: np.ndarray, b: np.ndarray, m: np.ndarray, out: np.ndarray, scratch: Scratch) -> None:
    """``out = (a·(255 - m) + b·m) / 255`` with ``m`` a uint8 (h, w) weight of ``b``.

    Saturating 8-bit OpenCV ops only (a float blend costs several times more at 1080p);
    each term is rounded, so the result stays premultiplied, and m = 0 / 255 give exactly
    ``a`` / ``b``.
    """
    m4 = scratch.get("m4", a.shape)
    cv2.merge([m, m, m, m], dst=m4)
    tb = scratch.get("tb", a.shape)
    cv2.multiply(b, m4, dst=tb, scale=1.0 / 255.0)
    cv2.bitwise_not(m4, dst=m4)
    cv2.multiply(a, m4, dst=out, scale=1.0 / 255.0)
    cv2.add(out, tb, dst=out)


# --------------------------------------------------------------------------- motion


def _place(src: np.ndarray, out: np.ndarray, dx: int, dy: int) -> None:
    """Copy ``src`` moved by (dx, dy) whole pixels into ``out`` where it lands (span copy)."""
    h, w = src.shape[:2]
    sx0, sx1 = max(0, -dx), min(w, w - dx)
    sy0, sy1 = max(0, -dy), min(h, h - dy)
    if sx1 > sx0 and sy1 > sy0:
        out[sy0 + dy : sy1 + dy, sx0 + dx : sx1 + dx] = src[sy0:sy1, sx0:sx1]


_DIRS = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}


def _offset(direction: str, w: int, h: int, f: float) -> tuple[int, int]:
    ux, uy = _DIRS[direction]
    return round(ux * w * f), round(uy * h * f)


def slide(a: np.ndarray, b: np.ndarray, t: float, out: np.ndarray, direction: str) -> None:
    """``b``'s canvas slides in from the ``direction`` side and covers ``a``, which stays
    put (whole-pixel steps). Inside ``b``'s moving frame only ``b`` shows, even where it is
    transparent, so at ``t`` = 1 the result is exactly ``b``."""
    h, w = a.shape[:2]
    dx, dy = _offset(direction, w, h, 1.0 - t)
    np.copyto(out, a)
    _place(b, out, dx, dy)


def push(a: np.ndarray, b: np.ndarray, t: float, out: np.ndarray, direction: str) -> None:
    """``b`` enters from the ``direction`` side and pushes ``a`` out of the opposite one."""
    h, w = a.shape[:2]
    bx, by = _offset(direction, w, h, 1.0 - t)
    ax, ay = _offset(direction, w, h, -t)
    out.fill(0)
    _place(a, out, ax, ay)
    _place(b, out, bx, by)


def _scale_about(s: float, cx: float, cy: float) -> np.ndarray:
    return np.array([[s, 0.0, cx * (1.0 - s)], [0.0, s, cy * (1.0 - s)]], dtype=np.float32)


def zoom(
    a: np.ndarray,
    b: np.ndarray,
    t: float,
    out: np.ndarray,
    strength: float,
    center: tuple[float, float],
    scratch: Scratch,
    quickness: float = 0.8,
) -> None:
    """gl-transitions "SimpleZoom" (0gust1, MIT): ``a`` is magnified about ``center``
    (fractions of the box) as ``zoom(uv, amount) = c + (uv − c)·(1 − amount)`` with
    ``amount = smoothstep(0, q, t)``, while ``b`` stays as it is and is mixed in with
    ``smoothstep(q − 0.2, 1, t)`` (``q`` = ``quickness``). Change: the zoom is bounded —
    ``amount`` is scaled by ``strength / (1 + strength)``, so ``a`` ends magnified
    ``1 + strength`` times instead of collapsing to its centre pixel.

    Neither layer is ever shrunk, so no transparent border enters the mix: two opaque
    layers stay opaque all through (an earlier version shrank ``b`` and dimmed to the
    background mid-way). Called once per frame of the transition."""
    h, w = a.shape[:2]
    cx, cy = center[0] * w - 0.5, center[1] * h - 0.5
    q = min(max(quickness, 0.2), 1.0)
    amount = _smooth(t / q) * strength / (1.0 + strength)
    wa = scratch.get("za", a.shape)
    cv2.warpAffine(
        a,
        _scale_about(1.0 / (1.0 - amount), cx, cy),
        (w, h),
        dst=wa,
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,  # magnified: only the edge pixels' halves reach out
    )
    lo = q - 0.2
    m = _smooth((t - lo) / (1.0 - lo))
    cv2.addWeighted(wa, 1.0 - m, b, m, 0.0, dst=out)


def _smooth(x: float) -> float:
    """smoothstep(0, 1, x) of a Python float."""
    x = min(max(x, 0.0), 1.0)
    return x * x * (3.0 - 2.0 * x)


# --------------------------------------------------------------------------- masks


def iris_mask(
    t: float,
    h: int,
    w: int,
    center: tuple[float, float],
    softness: float,
    fields: Fields,
    out: np.ndarray,
) -> np.ndarray:
    """uint8 weight of ``b``: a circle around ``center`` (canvas fractions) growing from
    nothing to past the farthest corner, with a linear edge ``softness`` px wide (≥ 1)."""
    cx, cy = center[0] * w, center[1] * h

    def make() -> np.ndarray:
        xs = np.arange(w, dtype=np.float32) + 0.5 - np.float32(cx)
        ys = np.arange(h, dtype=np.float32) + 0.5 - np.float32(cy)
        return np.sqrt(xs[None, :] ** 2 + ys[:, None] ** 2)

    d = fields.get(("iris", h, w, cx, cy), make)
    far = math.hypot(max(cx, w - cx), max(cy, h - cy))
    soft = max(softness, 1.0)
    radius = t * (far + soft) - soft / 2.0
    tmp = fields.get(("tmp", h, w), lambda: np.empty((h, w), np.float32))
    ramp_u8(d, radius - soft / 2.0, radius + soft / 2.0, out, tmp)  # 0 inside .. 255 outside
    cv2.bitwise_not(out, dst=out)
    return out


def radial_mask(
    t: float, h: int, w: int, smoothness: float, fields: Fields, out: np.ndarray
) -> np.ndarray:
    """uint8 weight of ``b`` for gl-transitions "Radial" (Xaychru): a clock hand sweeping
    around the centre. Adapted so the sweep starts and ends exactly at ``t`` = 0, 1."""

    def make() -> np.ndarray:
        u, v = fields.uv(h, w)
        return np.arctan2(v * 2.0 - 1.0, u * 2.0 - 1.0).astype(np.float32)

    theta = fields.get(("radial", h, w), make)
    s = max(smoothness, 1e-3)
    thr = -math.pi - s + t * (2.0 * math.pi + s)
    # b where theta < thr: 1 - smoothstep(0, s, theta - thr) = smoothstep of the reversed ramp
    tmp = fields.get(("tmp", h, w), lambda: np.empty((h, w), np.float32))
    ramp_u8(theta, thr, thr + s, out, tmp)
    cv2.bitwise_not(out, dst=out)
    return smooth_u8(out)


def windowslice_columns(
    t: float, w: int, count: float, smoothness: float, fields: Fields
) -> np.ndarray:
    """Per-column choice of ``b`` (bool (w,)) for gl-transitions "windowslice" (gre):
    vertical slices that widen."""
    u, _ = fields.uv(1, w)
    x = u[0]
    pr = smoothstep(-smoothness, 0.0, x - np.float32(t * (1.0 + smoothness)))
    frac = np.mod(np.float32(count) * x, np.float32(1.0))
    return frac >= pr


def _hash01(ix: np.ndarray, iy: np.ndarray, seed: int) -> np.ndarray:
    """A portable integer hash of cell coordinates to [0, 1) (replaces GLSL's sin hash,
    whose float rounding differs between machines)."""
    x = (ix.astype(np.uint64) * np.uint64(0x9E3779B1)) ^ (
        iy.astype(np.uint64) * np.uint64(0x85EBCA77)
    )
    x ^= np.uint64(seed & 0xFFFFFFFF) * np.uint64(0xC2B2AE3D)
    x ^= x >> np.uint64(15)
    x *= np.uint64(0x2C1B3C6D)
    x &= np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(12)
    x *= np.uint64(0x297A2D39)
    x &= np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(15)
    return (x & np.uint64(0xFFFFFF)).astype(np.float32) / np.float32(1 << 24)


def randomsquares_grid(
    t: float, cols: int, rows: int, smoothness: float, seed: int, fields: Fields
) -> np.ndarray:
    """uint8 weight of ``b`` per cell ((rows, cols)) for gl-transitions "randomsquares"
    (gre): each square switches at its own random time."""

    def make() -> np.ndarray:
        iy, ix = np.mgrid[0:rows, 0:cols]
        return _hash01(ix, iy, seed)

    r = fields.get(("squares", rows, cols, seed), make)
    s = max(smoothness, 1e-3)
    m = smoothstep(0.0, -s, r - np.float32(t * (1.0 + s)))
    return np.rint(m * np.float32(255.0)).astype(np.uint8)


def directionalwarp(
    a: np.ndarray,
    b: np.ndarray,
    t: float,
    out: np.ndarray,
    direction: tuple[float, float],
    smoothness: float,
    fields: Fields,
    scratch: Scratch,
) -> None:
    """gl-transitions "directionalwarp" (pschroen): a soft diagonal front sweeps across;
    behind it ``a`` shrinks towards the centre and ``b`` unfolds from it.

    Per frame: the front's weight from a precomputed linear field (OpenCV float ops into
    scratch), two remaps and an 8-bit mix; no temporaries are allocated.
    """
    h, w = a.shape[:2]
    dx, dy = direction
    n = math.hypot(dx, dy) or 1.0
    vx, vy = dx / n, dy / n
    l1 = abs(vx) + abs(vy)
    vx, vy = vx / l1, vy / l1
    s = max(smoothness, 1e-3)
    front = (vx * 0.5 + vy * 0.5) - 0.5 + t * (1.0 + s)

    def linear() -> np.ndarray:
        u, v = fields.uv(h, w)
        return (np.float32(vx) * u + np.float32(vy) * v).astype(np.float32)

    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    lin = fields.get(("dw_lin", h, w, vx, vy), linear)
    xs = fields.get(
        ("dw_xs", h, w),
        lambda: np.repeat(np.arange(w, dtype=np.float32)[None, :] - np.float32(cx), h, 0),
    )
    ys = fields.get(
        ("dw_ys", h, w),
        lambda: np.repeat(np.arange(h, dtype=np.float32)[:, None] - np.float32(cy), w, 1),
    )
    xs2 = fields.get(("dw_xs2", h, w), lambda: xs + np.float32(2.0 * cx))
    ys2 = fields.get(("dw_ys2", h, w), lambda: ys + np.float32(2.0 * cy))
    # k = smoothstep(-s, 0, lin - front) is the weight of a (1 - m in the shader)
    k = scratch.get("dw_k", (h, w), np.float32)
    k2 = scratch.get("dw_k2", (h, w), np.float32)
    cv2.addWeighted(lin, 1.0 / s, lin, 0.0, (s - front) / s, dst=k)
    cv2.max(k, 0.0, dst=k)
    cv2.min(k, 1.0, dst=k)
    cv2.multiply(k, k, dst=k2)  # t²
    cv2.addWeighted(k, -2.0, k, 0.0, 3.0, dst=k)  # 3 - 2t
    cv2.multiply(k, k2, dst=k)  # t²(3 - 2t)
    # sample positions: centre + (p - centre)·k for a, centre + (p - centre)·(1 - k) for b
    mapx = scratch.get("mapx", (h, w), np.float32)
    mapy = scratch.get("mapy", (h, w), np.float32)
    wa = scratch.get("wa", a.shape)
    wb = scratch.get("wb", a.shape)
    cv2.multiply(xs, k, dst=mapx)
    cv2.add(mapx, cx, dst=mapx)
    cv2.multiply(ys, k, dst=mapy)
    cv2.add(mapy, cy, dst=mapy)
    cv2.remap(a, mapx, mapy, cv2.INTER_LINEAR, dst=wa, borderMode=cv2.BORDER_CONSTANT)
    cv2.subtract(xs2, mapx, dst=mapx)  # (p - c)(1 - k) + c = (p + c) - ((p - c)k + c)
    cv2.subtract(ys2, mapy, dst=mapy)
    cv2.remap(b, mapx, mapy, cv2.INTER_LINEAR, dst=wb, borderMode=cv2.BORDER_CONSTANT)
    m8 = scratch.get("m8", (h, w))
    cv2.convertScaleAbs(k, dst=m8, alpha=255.0)
    cv2.bitwise_not(m8, dst=m8)  # weight of b = 1 - k
    mix_u8(wa, wb, m8, out, scratch)
