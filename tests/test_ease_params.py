"""The 0.3 easings: CubicBezier (CSS cubic-bezier) and Steps (CSS steps), loaded, dumped,
validated and evaluated bit for bit by a fixed pure-Python scheme."""

from __future__ import annotations

import json
import struct

import pytest

from wavyte_core.errors import CompositionError
from wavyte_core.format import model as m
from wavyte_core.format.builder import cubic_bezier, steps
from wavyte_core.format.dump import composition_to_json
from wavyte_core.format.load import loads_composition, read_ease
from wavyte_core.timeline.ease import apply_ease, ease_fn


def test_css_reference_values() -> None:
    ease = ease_fn(m.CubicBezier(0.25, 0.1, 0.25, 1.0))  # CSS "ease"
    assert ease(0.0) == 0.0 and ease(1.0) == 1.0
    assert abs(ease(0.5) - 0.8024033877399112) < 1e-9
    linear = ease_fn(m.CubicBezier(0.0, 0.0, 1.0, 1.0))
    assert all(abs(linear(t / 16) - t / 16) < 1e-12 for t in range(17))
    in_out = ease_fn(m.CubicBezier(0.42, 0.0, 0.58, 1.0))
    assert in_out(0.5) == 0.5 and abs(in_out(0.25) + in_out(0.75) - 1.0) < 1e-12
    back = ease_fn(m.CubicBezier(0.34, 1.56, 0.64, 1.0))  # overshoots above 1
    assert max(back(t / 100) for t in range(101)) > 1.05


def test_bits_are_fixed() -> None:
    """The fixed iteration scheme gives these exact doubles (any change to it shows here)."""
    ease = ease_fn(m.CubicBezier(0.25, 0.1, 0.25, 1.0))
    got = [struct.pack("<d", ease(t / 7)).hex() for t in range(8)]
    assert got == [
        "0000000000000000", "ca0824e454e3c53f", "3be9c03f3404df3f", "5b565f1eb514e73f",
        "f11959f4b0abeb3f", "843137cfe54cee3f", "502c0a162e9eef3f", "000000000000f03f",
    ]  # fmt: skip
    steep = ease_fn(m.CubicBezier(1.0, 0.0, 1.0, 0.0))  # flat derivative: the bisection path
    assert struct.pack("<d", steep(0.5)).hex() == "c83a033c3ffb813f"


def test_steps() -> None:
    end = ease_fn(m.Steps(4, m.StepPosition.End))
    start = ease_fn(m.Steps(4, m.StepPosition.Start))
    ts = [i / 8 for i in range(9)]
    assert [end(t) for t in ts] == [0, 0, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1.0]
    assert [start(t) for t in ts] == [0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1.0, 1.0, 1.0]
    assert apply_ease(m.Steps(2), 7.0) == 1.0


def test_read_and_errors() -> None:
    assert read_ease({"CubicBezier": [0.1, -2, 0.9, 3]}, "e") == m.CubicBezier(0.1, -2.0, 0.9, 3.0)
    assert read_ease({"Steps": {"count": 3}}, "e") == m.Steps(3, m.StepPosition.End)
    assert read_ease("InQuad", "e") == m.Ease.InQuad
    bad = [
        ({"CubicBezier": [1.2, 0, 0.5, 1]}, "e.CubicBezier[0]", "x1 and x2 must be in [0, 1]"),
        ({"CubicBezier": [0, 0, 0.5]}, "e.CubicBezier", "expected [x1, y1, x2, y2]"),
        ({"Steps": {"count": 0}}, "e.Steps.count", "count must be >= 1"),
        ({"Steps": {"count": 2, "position": "Middle"}}, "e.Steps.position", "unknown variant"),
        ({"Steps": {"count": 2, "jump": "End"}}, "e.Steps.jump", "unknown field"),
    ]
    for v, path, rule in bad:
        with pytest.raises(CompositionError) as ei:
            read_ease(v, "e")
        assert ei.value.path == path and rule in ei.value.rule


def test_document_round_trip_and_builder() -> None:
    key = {"frame": 0, "value": 0.0, "ease": {"CubicBezier": [0.25, 0.1, 0.25, 1.0]}}
    key2 = {"frame": 10, "value": 1.0, "ease": {"Steps": {"count": 4, "position": "Start"}}}
    op = {"Keyframes": {"keys": [key, key2], "mode": "Linear", "default": None}}
    tr = {"Keyframes": {"keys": [{"frame": 0, "value": {"translate": {"x": 0.0, "y": 0.0},
          "rotation_rad": 0.0, "scale": {"x": 1.0, "y": 1.0}, "anchor": {"x": 0.0, "y": 0.0}},
          "ease": "Linear"}], "mode": "Hold", "default": None}}  # fmt: skip
    doc = {"fps": {"num": 30, "den": 1}, "canvas": {"width": 8, "height": 8}, "duration": 20,
           "assets": {"p": {"Path": {"svg_path_d": "M0 0 L4 0 L4 4 Z"}}},
           "tracks": [{"name": "t", "z_base": 0, "clips": [{"id": "c", "asset": "p",
               "range": {"start": 0, "end": 20}, "props": {"transform": tr, "opacity": op,
               "blend": "Normal"}, "z_offset": 0, "effects": [],
               "transition_in": {"kind": "crossfade", "duration_frames": 5,
                                 "ease": {"CubicBezier": [0.4, 0, 0.2, 1]}}}]}],
           "seed": 0}  # fmt: skip
    comp = loads_composition(json.dumps(doc))
    assert comp.tracks[0].clips[0].transition_in.ease == cubic_bezier(0.4, 0, 0.2, 1)
    assert comp.tracks[0].clips[0].props.opacity.keys[1].ease == steps(4, "Start")
    assert loads_composition(composition_to_json(comp)) == comp
    with pytest.raises(CompositionError, match="x1 and x2"):
        cubic_bezier(0, 0, 2, 1)
