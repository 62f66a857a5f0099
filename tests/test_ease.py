"""Easings (wavyte-format.md §1.6): endpoints, monotonicity, clamping and bit-exact order."""

from __future__ import annotations

import math

import pytest

from wavyte_core.format.model import Ease
from wavyte_core.timeline.ease import apply_ease

ALL = list(Ease)


@pytest.mark.parametrize("ease", ALL)
def test_endpoints_and_monotonic(ease: Ease) -> None:  # animation/ease.rs
    assert apply_ease(ease, 0.0) == 0.0
    assert apply_ease(ease, 1.0) == 1.0
    assert apply_ease(ease, 0.25) < apply_ease(ease, 0.5) < apply_ease(ease, 0.75)


@pytest.mark.parametrize("ease", ALL)
def test_input_is_clamped(ease: Ease) -> None:
    assert apply_ease(ease, -3.0) == 0.0
    assert apply_ease(ease, 7.5) == 1.0
    assert math.isnan(apply_ease(ease, math.nan))  # Rust clamp keeps NaN


def test_known_values() -> None:
    assert apply_ease(Ease.Linear, 0.3) == 0.3
    assert apply_ease(Ease.InQuad, 0.5) == 0.25
    assert apply_ease(Ease.OutQuad, 0.5) == 0.75
    assert apply_ease(Ease.InOutQuad, 0.25) == 0.125
    assert apply_ease(Ease.InOutQuad, 0.75) == 0.875
    assert apply_ease(Ease.InCubic, 0.5) == 0.125
    assert apply_ease(Ease.OutCubic, 0.5) == 0.875
    assert apply_ease(Ease.InOutCubic, 0.25) == 0.0625
    assert apply_ease(Ease.InOutCubic, 0.75) == 0.9375
    assert apply_ease(Ease.InOutCubic, 0.5) == 0.5  # the t >= 0.5 branch


def test_negative_zero_survives_the_clamp() -> None:
    assert math.copysign(1.0, apply_ease(Ease.Linear, -0.0)) == -1.0


def test_cubes_are_repeated_products_not_pow() -> None:
    # Each t below is one where Python's ``**`` gives a different last bit.
    t = 0.651592972722763
    assert (t * t) * t != t**3
    assert apply_ease(Ease.InCubic, t) == (t * t) * t

    t = 0.034525830151341586
    y = 1.0 - t
    assert 1.0 - (y * y) * y != 1.0 - y**3
    assert apply_ease(Ease.OutCubic, t) == 1.0 - (y * y) * y

    t = 0.5890022579825517
    y = (-2.0 * t) + 2.0
    assert 1.0 - ((y * y) * y) / 2.0 != 1.0 - y**3 / 2.0
    assert apply_ease(Ease.InOutCubic, t) == 1.0 - ((y * y) * y) / 2.0


def test_in_branch_product_order() -> None:
    for t in (0.1, 0.2, 0.3, 0.37, 0.4999):
        assert apply_ease(Ease.InOutQuad, t) == (2.0 * t) * t
        assert apply_ease(Ease.InOutCubic, t) == ((4.0 * t) * t) * t
