"""kurbo-compatible 2D affine math on plain 6-tuples ``(a, b, c, d, e, f)``.

``x' = a·x + c·y + e``, ``y' = b·x + d·y + f``; ``mul(A, B)`` applies B first. Products use
kurbo's formula evaluated in full, left to right, with no fused multiply-add and no
shortcuts, because the evaluation dump prints the sign of zero (wavyte-format.md §1.4).
"""

from __future__ import annotations

import math

from wavyte_core.format.model import Transform2D

__all__ = [
    "IDENTITY",
    "Affine",
    "apply",
    "invert",
    "max_scale",
    "mul",
    "parts_to_affine",
    "rotate",
    "scale",
    "transform_to_affine",
    "translate",
]

#: A 2D affine transform ``(a, b, c, d, e, f)`` (kurbo's order).
Affine = tuple[float, float, float, float, float, float]

IDENTITY: Affine = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def mul(m0: Affine, m1: Affine) -> Affine:
    """kurbo ``m0 * m1`` (m1 applied first), every term computed."""
    a0, b0, c0, d0, e0, f0 = m0
    a1, b1, c1, d1, e1, f1 = m1
    return (
        a0 * a1 + c0 * b1,
        b0 * a1 + d0 * b1,
        a0 * c1 + c0 * d1,
        b0 * c1 + d0 * d1,
        a0 * e1 + c0 * f1 + e0,
        b0 * e1 + d0 * f1 + f0,
    )


def translate(x: float, y: float) -> Affine:
    return (1.0, 0.0, 0.0, 1.0, x, y)


def _sin_cos(theta: float) -> tuple[float, float]:
    """``theta.sin_cos()`` with Rust semantics: ±inf gives NaN instead of raising."""
    try:
        return math.sin(theta), math.cos(theta)
    except ValueError:
        return math.nan, math.nan


def rotate(theta: float) -> Affine:
    """kurbo ``Affine::rotate``: ``[c, s, −s, c, 0, 0]`` (clockwise on screen, y down)."""
    s, c = _sin_cos(theta)
    return (c, s, -s, c, 0.0, 0.0)


def scale(sx: float, sy: float) -> Affine:
    return (sx, 0.0, 0.0, sy, 0.0, 0.0)


def transform_to_affine(t: Transform2D) -> Affine:
    """``((((T(translate)·T(anchor))·R)·S)·T(−anchor))``, evaluated left to right."""
    return parts_to_affine(
        t.translate.x,
        t.translate.y,
        t.rotation_rad,
        t.scale.x,
        t.scale.y,
        t.anchor.x,
        t.anchor.y,
    )


def parts_to_affine(
    tx: float, ty: float, rot: float, sx: float, sy: float, ax: float, ay: float
) -> Affine:
    """``transform_to_affine`` on the seven decomposed components, without temporaries.

    The four kurbo products are written out term by term (same operands, same order as
    ``mul``), so the result is bit-identical to the chained ``mul`` calls; only the tuple
    packing in between is gone. This is the per-frame path for animated transforms.
    """
    # M = T(tx, ty) · T(ax, ay)
    a = 1.0 * 1.0 + 0.0 * 0.0
    b = 0.0 * 1.0 + 1.0 * 0.0
    c = 1.0 * 0.0 + 0.0 * 1.0
    d = 0.0 * 0.0 + 1.0 * 1.0
    e = 1.0 * ax + 0.0 * ay + tx
    f = 0.0 * ax + 1.0 * ay + ty
    # M = M · R(rot) = M · [co, si, -si, co, 0, 0]
    si, co = _sin_cos(rot)
    nsi = -si
    a, b, c, d, e, f = (
        a * co + c * si,
        b * co + d * si,
        a * nsi + c * co,
        b * nsi + d * co,
        a * 0.0 + c * 0.0 + e,
        b * 0.0 + d * 0.0 + f,
    )
    # M = M · S(sx, sy) = M · [sx, 0, 0, sy, 0, 0]
    a, b, c, d, e, f = (
        a * sx + c * 0.0,
        b * sx + d * 0.0,
        a * 0.0 + c * sy,
        b * 0.0 + d * sy,
        a * 0.0 + c * 0.0 + e,
        b * 0.0 + d * 0.0 + f,
    )
    # M = M · T(-ax, -ay) = M · [1, 0, 0, 1, -ax, -ay]
    nax = -ax
    nay = -ay
    return (
        a * 1.0 + c * 0.0,
        b * 1.0 + d * 0.0,
        a * 0.0 + c * 1.0,
        b * 0.0 + d * 1.0,
        a * nax + c * nay + e,
        b * nax + d * nay + f,
    )


def invert(m: Affine) -> Affine:
    """kurbo ``Affine::inverse`` (no singularity check: a zero determinant gives inf/NaN)."""
    a, b, c, d, e, f = m
    det = a * d - b * c
    inv_det = 1.0 / det if det != 0.0 else math.copysign(math.inf, det)
    return (
        inv_det * d,
        -inv_det * b,
        -inv_det * c,
        inv_det * a,
        inv_det * (c * f - d * e),
        inv_det * (b * e - a * f),
    )


def apply(m: Affine, x: float, y: float) -> tuple[float, float]:
    """Map the point ``(x, y)`` through ``m``."""
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def max_scale(m: Affine) -> tuple[float, float]:
    """The per-axis scale of §4.4.3: ``(max(√(a²+b²), 1e−6), max(√(c²+d²), 1e−6))``.

    Used to pick the raster size of SVGs (and any cached raster) under a transform.
    """
    a, b, c, d = m[0], m[1], m[2], m[3]
    sx = math.sqrt(a * a + b * b)
    sy = math.sqrt(c * c + d * d)
    return (sx if sx > 1e-6 else 1e-6), (sy if sy > 1e-6 else 1e-6)
