"""The easings of the format (wavyte-format.md §1.6, and 0.3's CubicBezier and Steps),
bit-exact.

Powers are written as repeated products in the reference's evaluation order (Rust ``powi``
lowers to multiplications); Python ``**``/``pow`` can differ in the last bit, so they are
never used here. The input is clamped to [0, 1] with Rust ``f64::clamp`` semantics (NaN
stays NaN, −0.0 stays −0.0).

``CubicBezier`` (CSS ``cubic-bezier``) is evaluated in pure Python floats with a fixed
scheme, so every machine and backend gets the same bits: find the curve parameter ``s``
with ``x(s) = t`` by 8 Newton steps from ``s = t`` (a step is taken only while
``|x'(s)| >= 1e-6``, and ``s`` stays in [0, 1]); if ``|x(s) − t|`` is then above 1e-12,
60 bisection steps on [0, 1] instead; the result is ``y(s)``. Polynomials are evaluated in
Horner form, ``((a·s + b)·s + c)·s``. ``Steps`` (CSS ``steps()``) is ``floor(t·n)`` (+1 for
``Start``), clamped to ``n``, over ``n``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from wavyte_core.format.model import CubicBezier, Ease, StepPosition, Steps

__all__ = ["EASE_FUNCS", "apply_ease", "clamp01", "ease_fn"]


def clamp01(t: float) -> float:
    """Rust ``t.clamp(0.0, 1.0)``: NaN passes through unchanged."""
    if t < 0.0:
        return 0.0
    if t > 1.0:
        return 1.0
    return t


def _linear(t: float) -> float:
    return t


def _in_quad(t: float) -> float:
    return t * t


def _out_quad(t: float) -> float:
    u = 1.0 - t
    return 1.0 - u * u


def _in_out_quad(t: float) -> float:
    if t < 0.5:
        return (2.0 * t) * t
    y = (-2.0 * t) + 2.0
    return 1.0 - (y * y) / 2.0


def _in_cubic(t: float) -> float:
    return (t * t) * t


def _out_cubic(t: float) -> float:
    y = 1.0 - t
    return 1.0 - (y * y) * y


def _in_out_cubic(t: float) -> float:
    if t < 0.5:
        return ((4.0 * t) * t) * t
    y = (-2.0 * t) + 2.0
    return 1.0 - ((y * y) * y) / 2.0


#: Unclamped ease functions by variant; callers that already clamped may use these directly.
EASE_FUNCS: dict[Ease, Callable[[float], float]] = {
    Ease.Linear: _linear,
    Ease.InQuad: _in_quad,
    Ease.OutQuad: _out_quad,
    Ease.InOutQuad: _in_out_quad,
    Ease.InCubic: _in_cubic,
    Ease.OutCubic: _out_cubic,
    Ease.InOutCubic: _in_out_cubic,
}


def _cubic_bezier(e: CubicBezier) -> Callable[[float], float]:
    x1, y1, x2, y2 = float(e.x1), float(e.y1), float(e.x2), float(e.y2)
    # x(s) = ((ax·s + bx)·s + cx)·s with cx = 3·x1, bx = 3·(x2 − x1) − cx, ax = 1 − cx − bx
    cx = 3.0 * x1
    bx = 3.0 * (x2 - x1) - cx
    ax = 1.0 - cx - bx
    cy = 3.0 * y1
    by = 3.0 * (y2 - y1) - cy
    ay = 1.0 - cy - by

    def x_of(s: float) -> float:
        return ((ax * s + bx) * s + cx) * s

    def solve(t: float) -> float:
        s = t
        for _ in range(8):
            err = x_of(s) - t
            d = (3.0 * ax * s + 2.0 * bx) * s + cx
            if abs(d) < 1e-6:
                break
            s = s - err / d
            if s < 0.0:
                s = 0.0
            elif s > 1.0:
                s = 1.0
        if abs(x_of(s) - t) > 1e-12:
            lo, hi = 0.0, 1.0
            s = t
            for _ in range(60):
                s = (lo + hi) * 0.5
                if x_of(s) < t:
                    lo = s
                else:
                    hi = s
        return s

    def ease(t: float) -> float:
        if not 0.0 < t < 1.0:  # the curve's end points (and NaN) map to themselves
            return t
        s = solve(t)
        return ((ay * s + by) * s + cy) * s

    return ease


def _steps(e: Steps) -> Callable[[float], float]:
    n = int(e.count)
    start = e.position == StepPosition.Start
    fn = float(n)

    def ease(t: float) -> float:
        if t != t:
            return t
        step = math.floor(t * fn) + (1 if start else 0)
        if t >= 0.0 and step < 0:
            step = 0
        if step > n:
            step = n
        return step / fn

    return ease


def ease_fn(ease: Ease | CubicBezier | Steps) -> Callable[[float], float]:
    """The (unclamped) function of any easing; compiled once per keyframe at job start."""
    if isinstance(ease, CubicBezier):
        return _cubic_bezier(ease)
    if isinstance(ease, Steps):
        return _steps(ease)
    return EASE_FUNCS[ease]


def apply_ease(ease: Ease | CubicBezier | Steps, t: float) -> float:
    """``Ease::apply``: clamp ``t`` to [0, 1], then apply the variant's polynomial."""
    if t < 0.0:
        t = 0.0
    elif t > 1.0:
        t = 1.0
    return ease_fn(ease)(t)
