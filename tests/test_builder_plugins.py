"""Plugin kinds from the builder: params animated with `keyframes(...)`/`sine(...)` objects,
the `transition(kind, duration, ease, **params)` helper for both sides of a pair, and
params checked at `build()` (naming the JSON path and the param), not first at open_job."""

from __future__ import annotations

import json

import pytest

from tests.test_plugin_api import Plug
from wavyte_core import api
from wavyte_core.errors import CompositionError
from wavyte_core.format.builder import (
    CompositionBuilder,
    effect,
    keyframes,
    sine,
    transform,
    transition,
)
from wavyte_core.format.dump import composition_to_json
from wavyte_core.plugin.registry import Registry


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry.build([("testfx", Plug())])


def _comp(fx: list, t_out=None, t_in=None) -> CompositionBuilder:  # noqa: ANN001
    b = CompositionBuilder(width=48, height=32, fps=30, duration=12, seed=3)
    b.path("r", "M0,0 H16 V12 H0 Z")
    t = b.track("t")
    t.clip(
        "a", asset="r", start=0, end=8, transform=transform(x=0), effects=fx, transition_out=t_out
    )
    t.clip(
        "b", asset="r", start=4, end=12, transform=transform(x=16), z_offset=1, transition_in=t_in
    )
    return b


def test_plugin_params_animated_with_keyframes_objects(reg: Registry) -> None:
    fx = effect("acme.shift", dx=keyframes([(0, 0), (8, 8)]))
    comp = _comp([fx]).build(registry=reg)
    doc = json.loads(composition_to_json(comp))
    params = doc["tracks"][0]["clips"][0]["effects"][0]["params"]
    assert params["dx"]["Keyframes"]["keys"][1]["value"] == 8  # an int, for an int param
    with api.open_job(comp, registry=reg, background=None) as job:
        assert job.frame(0) is not None
    tint = effect("acme.tint", amount=sine(0.25, 1, offset=0.5))
    _comp([tint]).build(registry=reg)  # a Procedural for a number param


def test_params_are_checked_at_build(reg: Registry) -> None:
    with pytest.raises(CompositionError) as info:
        _comp([effect("acme.shift", dx=500)]).build(registry=reg)
    assert "tracks[0].clips[0].effects[0].params.dx" in str(info.value)
    assert "param 'dx' must be <= 100" in str(info.value)
    with pytest.raises(CompositionError, match="params.dx.*param 'dx'"):
        _comp([effect("acme.shift", dx=keyframes([(0, 0), (8, 101)]))]).build(registry=reg)
    with pytest.raises(CompositionError, match="unknown param 'dxx'"):
        _comp([effect("acme.shift", dxx=1)]).build(registry=reg)


def test_transition_helper_pairs_both_sides(reg: Registry) -> None:
    spec = transition("acme.reveal", 4, "InOutCubic", dir="right")
    assert spec.duration_frames == 4 and spec.params == {"dir": "right"}
    comp = _comp([], t_out=spec, t_in=spec).build(registry=reg)
    assert api.warnings_for(comp, registry=reg) == []
    with pytest.raises(CompositionError, match="transition_out.params.dir"):
        bad = transition("acme.reveal", 4, dir="up")
        _comp([], t_out=bad, t_in=bad).build(registry=reg)
    with pytest.raises(CompositionError, match="unknown transition kind 'acme.reveel'"):
        typo = transition("acme.reveel", 4)
        _comp([], t_out=typo, t_in=typo).build(registry=reg)
    assert transition("crossfade", 6).params is None
