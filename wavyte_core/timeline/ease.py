"""The seven easings of the format (wavyte-format.md §1.6), bit-exact.

Powers are written as repeated products in the reference's evaluation order (Rust ``powi``
lowers to multiplications); Python ``**``/``pow`` can differ in the last bit, so they are
never used here. The input is clamped to [0, 1] with Rust ``f64::clamp`` semantics (NaN
stays NaN, −0.0 stays −0.0).
"""

from __future__ import annotations

from collections.abc import Callable

from wavyte_core.format.model import Ease

__all__ = ["EASE_FUNCS", "apply_ease", "clamp01"]


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


def apply_ease(ease: Ease, t: float) -> float:
    """``Ease::apply``: clamp ``t`` to [0, 1], then apply the variant's polynomial."""
    if t < 0.0:
        t = 0.0
    elif t > 1.0:
        t = 1.0
    return EASE_FUNCS[ease](t)
