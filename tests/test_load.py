"""JSON → model: variant forms, defaults, number rules, and the paths of errors."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

from wavyte_core.errors import CompositionError
from wavyte_core.format import model as m
from wavyte_core.format.load import load_composition_file, loads_composition

TRANSFORM = {
    "translate": {"x": 180.0, "y": 180.0},
    "rotation_rad": 0.0,
    "scale": {"x": 2.5, "y": 2.5},
    "anchor": {"x": 0.0, "y": 0.0},
}


def minimal_doc() -> dict[str, Any]:
    """The §1.13 document."""
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 512, "height": 512},
        "duration": 60,
        "assets": {"rect": {"Path": {"svg_path_d": "M0,0 L120,0 L120,120 L0,120 Z"}}},
        "tracks": [
            {
                "name": "main",
                "z_base": 0,
                "clips": [
                    {
                        "id": "c0",
                        "asset": "rect",
                        "range": {"start": 0, "end": 60},
                        "props": {
                            "transform": {
                                "Keyframes": {
                                    "keys": [
                                        {
                                            "frame": 0,
                                            "value": copy.deepcopy(TRANSFORM),
                                            "ease": "Linear",
                                        }
                                    ],
                                    "mode": "Hold",
                                    "default": None,
                                }
                            },
                            "opacity": {
                                "Keyframes": {
                                    "keys": [{"frame": 0, "value": 1.0, "ease": "Linear"}],
                                    "mode": "Hold",
                                    "default": None,
                                }
                            },
                            "blend": "Normal",
                        },
                        "z_offset": 0,
                        "effects": [],
                        "transition_in": None,
                        "transition_out": None,
                    }
                ],
            }
        ],
        "seed": 1,
    }


def load(doc: Any) -> m.Composition:
    return loads_composition(json.dumps(doc))


def load_error(doc: Any) -> CompositionError:
    with pytest.raises(CompositionError) as ei:
        load(doc)
    return ei.value


def clip0(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["tracks"][0]["clips"][0]


def test_minimal_document_and_defaults() -> None:
    c = load(minimal_doc())
    assert (
        c.fps == m.Fps(30, 1)
        and c.canvas == m.Canvas(512, 512)
        and c.duration == 60
        and c.seed == 1
    )
    assert c.assets == {"rect": m.PathAsset("M0,0 L120,0 L120,120 L0,120 Z")}
    t = c.tracks[0]
    assert (t.layout_mode, t.layout_gap_px, t.layout_padding) == (
        m.LayoutMode.Absolute,
        0.0,
        m.Edges(),
    )
    assert (t.layout_align_x, t.layout_align_y, t.layout_grid_columns) == (
        m.Align.Start,
        m.Align.Start,
        2,
    )
    clip = t.clips[0]
    assert clip.props.opacity == m.constant(1.0)
    tr = clip.props.transform.keys[0].value
    assert tr == m.Transform2D(m.Vec2(180.0, 180.0), 0.0, m.Vec2(2.5, 2.5), m.Vec2(0.0, 0.0))
    assert clip.transition_in is None and clip.effects == ()


def test_optional_transitions_may_be_missing_and_unknown_fields_ignored() -> None:
    doc = minimal_doc()
    del clip0(doc)["transition_in"]
    del clip0(doc)["transition_out"]
    doc["whatever"] = {"deep": [1, 2]}
    clip0(doc)["extra"] = 5
    c = load(doc)
    assert c.tracks[0].clips[0].transition_out is None


def test_unit_enum_map_form_and_case_sensitivity() -> None:
    doc = minimal_doc()
    clip0(doc)["props"]["blend"] = {"Normal": None}
    clip0(doc)["props"]["opacity"]["Keyframes"]["mode"] = {"Linear": None}
    c = load(doc)
    assert c.tracks[0].clips[0].props.opacity.mode is m.InterpMode.Linear
    clip0(doc)["props"]["opacity"]["Keyframes"]["keys"][0]["ease"] = "linear"
    e = load_error(doc)
    assert e.path == "tracks[0].clips[0].props.opacity.Keyframes.keys[0].ease"
    assert (
        e.rule
        == "unknown variant 'linear', expected one of Linear, InQuad, OutQuad, InOutQuad, InCubic, OutCubic, InOutCubic"
    )


@pytest.mark.parametrize("bad", [{}, {"Keyframes": {}, "Expr": {}}])
def test_enum_objects_need_exactly_one_key(bad: dict[str, Any]) -> None:
    doc = minimal_doc()
    clip0(doc)["props"]["opacity"] = bad
    e = load_error(doc)
    assert e.path == "tracks[0].clips[0].props.opacity"
    assert "exactly one key" in e.rule


def test_unit_variant_map_form_needs_null() -> None:
    doc = minimal_doc()
    clip0(doc)["props"]["blend"] = {"Normal": 1}
    e = load_error(doc)
    assert e.path == "tracks[0].clips[0].props.blend.Normal"


def test_track_layout_fields() -> None:
    doc = minimal_doc()
    doc["tracks"][0].update(
        layout_mode="Grid",
        layout_gap_px=4,
        layout_padding={"left": 1, "bottom": 2.5},
        layout_align_x="Center",
        layout_align_y={"End": None},
        layout_grid_columns=3,
    )
    t = load(doc).tracks[0]
    assert (
        t.layout_mode is m.LayoutMode.Grid
        and t.layout_gap_px == 4.0
        and type(t.layout_gap_px) is float
    )
    assert t.layout_padding == m.Edges(left=1.0, right=0.0, top=0.0, bottom=2.5)
    assert (t.layout_align_x, t.layout_align_y, t.layout_grid_columns) == (
        m.Align.Center,
        m.Align.End,
        3,
    )


def test_all_asset_kinds_and_defaults() -> None:
    doc = minimal_doc()
    doc["assets"].update(
        t={"Text": {"text": "Hi", "font_source": "a.ttf", "size_px": 64.1}},
        t2={
            "Text": {
                "text": "Hi",
                "font_source": "a.ttf",
                "size_px": 10,
                "max_width_px": 100.3,
                "color_rgba8": [1, 2, 3, 4],
            }
        },
        s={"Svg": {"source": "a.svg"}},
        i={"Image": {"source": "a.png"}},
        v={"Video": {"source": "a.mp4", "trim_end_sec": 2, "muted": True}},
        a={"Audio": {"source": "a.wav", "volume": 0.5, "trim_end_sec": None}},
    )
    c = load(doc)
    assert list(c.assets) == ["a", "i", "rect", "s", "t", "t2", "v"]  # BTreeMap order
    t = c.assets["t"]
    assert (
        t.size_px == 64.0999984741211
        and t.max_width_px is None
        and t.color_rgba8 == (255, 255, 255, 255)
    )
    t2 = c.assets["t2"]
    assert t2.max_width_px == 100.30000305175781 and t2.color_rgba8 == (1, 2, 3, 4)
    assert c.assets["v"] == m.VideoAsset("a.mp4", trim_end_sec=2.0, muted=True)
    assert c.assets["a"] == m.AudioAsset("a.wav", volume=0.5)
    assert c.assets["s"] == m.SvgAsset("a.svg") and c.assets["i"] == m.ImageAsset("a.png")


def test_f32_overflow_becomes_infinity_like_rust_as_f32() -> None:
    doc = minimal_doc()
    doc["assets"]["t"] = {"Text": {"text": "Hi", "font_source": "a.ttf", "size_px": 1e39}}
    assert math.isinf(load(doc).assets["t"].size_px)


def test_duplicate_asset_key_last_wins_but_duplicate_field_fails() -> None:
    base = json.dumps(minimal_doc())
    text = base.replace(
        '"assets": {',
        '"assets": {"k": {"Svg": {"source": "one.svg"}}, "k": {"Svg": {"source": "two.svg"}}, ',
    )
    assert loads_composition(text).assets["k"] == m.SvgAsset("two.svg")
    bad = base.replace('"duration": 60', '"duration": 60, "duration": 61')
    with pytest.raises(CompositionError) as ei:
        loads_composition(bad)
    assert ei.value.path == "duration" and ei.value.rule == "duplicate field `duration`"
    # a shadowed asset value is still read (serde deserialises it before replacing it)
    shadow = base.replace(
        '"assets": {', '"assets": {"k": {"Nope": {}}, "k": {"Svg": {"source": "two.svg"}}, '
    )
    with pytest.raises(CompositionError, match="unknown variant 'Nope'"):
        loads_composition(shadow)


def test_structs_accept_the_array_form() -> None:
    doc = minimal_doc()
    clip0(doc)["range"] = [5, 50]
    clip0(doc)["props"]["transform"]["Keyframes"]["keys"][0]["value"] = [
        [1, 2],
        0.5,
        [3, 4],
        [0, 0],
    ]
    c = load(doc)
    clip = c.tracks[0].clips[0]
    assert clip.range == m.FrameRange(5, 50)
    assert clip.props.transform.keys[0].value == m.Transform2D(
        m.Vec2(1.0, 2.0), 0.5, m.Vec2(3.0, 4.0), m.Vec2(0.0, 0.0)
    )


def test_procedural_forms() -> None:
    sine = {"Sine": {"amp": 0.5, "freq_hz": 1, "phase": 0.0, "offset": 0.5}}
    forms = [
        {"kind": "Scalar", "params": sine},
        {"params": sine, "kind": "Scalar", "other": 1},
        ["Scalar", sine],
    ]
    for form in forms:
        doc = minimal_doc()
        clip0(doc)["props"]["opacity"] = {"Procedural": {"kind": form}}
        assert load(doc).tracks[0].clips[0].props.opacity == m.Procedural(
            m.ProcScalarKind(m.Sine(0.5, 1.0, 0.0, 0.5))
        )
    doc = minimal_doc()
    clip0(doc)["props"]["opacity"] = {
        "Procedural": {
            "kind": {
                "kind": "Vec2",
                "params": {
                    "x": {"Envelope": {"attack": 1, "decay": 2, "sustain": 0.5, "release": 3}},
                    "y": {"Spring": {"stiffness": 1, "damping": 2, "target": 3}},
                },
            }
        }
    }
    p = load(doc).tracks[0].clips[0].props.opacity
    assert p == m.Procedural(m.ProcVec2Kind(m.Envelope(1, 2, 0.5, 3), m.Spring(1.0, 2.0, 3.0)))
    clip0(doc)["props"]["opacity"] = {"Procedural": {"kind": {"kind": "Scalar"}}}
    e = load_error(doc)
    assert (e.path, e.rule) == (
        "tracks[0].clips[0].props.opacity.Procedural.kind",
        "missing field 'params'",
    )
    clip0(doc)["props"]["opacity"] = {"Procedural": {"kind": {"kind": "scalar", "params": sine}}}
    e = load_error(doc)
    assert e.path == "tracks[0].clips[0].props.opacity.Procedural.kind.kind"
    assert e.rule.startswith("unknown variant 'scalar'")


def test_expr_values_follow_the_anim_type() -> None:
    tr_const = {
        "Keyframes": {"keys": [{"frame": 0, "value": TRANSFORM, "ease": "Linear"}], "mode": "Hold"}
    }
    t_anim = {"Keyframes": {"keys": [], "mode": "Linear", "default": 0.25}}
    doc = minimal_doc()
    clip0(doc)["props"]["transform"] = {
        "Expr": {
            "Mix": {
                "a": tr_const,
                "b": {"Expr": {"Loop": {"inner": tr_const, "period": 4, "mode": "PingPong"}}},
                "t": t_anim,
            }
        }
    }
    mix = load(doc).tracks[0].clips[0].props.transform.node
    assert isinstance(mix, m.Mix)
    assert isinstance(mix.a.keys[0].value, m.Transform2D)
    assert mix.t == m.Keyframes((), m.InterpMode.Linear, 0.25)
    assert mix.b.node == m.Loop(mix.a, 4, m.LoopMode.PingPong)
    # a transform where an f64 is expected (Mix.t is always Anim<f64>)
    clip0(doc)["props"]["transform"]["Expr"]["Mix"]["t"] = tr_const
    e = load_error(doc)
    assert e.path == "tracks[0].clips[0].props.transform.Expr.Mix.t.Keyframes.keys[0].value"
    assert e.rule == "expected a number, got an object"


def test_effects_and_transitions() -> None:
    doc = minimal_doc()
    clip0(doc)["effects"] = [
        {"kind": "blur", "params": {"radius_px": 8, "sigma": 2.0}},
        {"kind": "noop"},
    ]
    clip0(doc)["transition_in"] = {
        "kind": "wipe",
        "duration_frames": 10,
        "ease": "InQuad",
        "params": {"dir": "rtl"},
    }
    clip = load(doc).tracks[0].clips[0]
    assert clip.effects == (
        m.EffectInstance("blur", {"radius_px": 8, "sigma": 2.0}),
        m.EffectInstance("noop", None),
    )
    assert (
        type(clip.effects[0].params["radius_px"]) is int
        and type(clip.effects[0].params["sigma"]) is float
    )
    assert clip.transition_in == m.TransitionSpec("wipe", 10, m.Ease.InQuad, {"dir": "rtl"})


@pytest.mark.parametrize(
    ("mutate", "path", "rule"),
    [
        (lambda d: d["fps"].update(num=30.0), "fps.num", "expected an unsigned integer, got 30.0"),
        (lambda d: d["fps"].update(den=-1), "fps.den", "expected an unsigned integer, got -1"),
        (
            lambda d: d["canvas"].update(width=1 << 32),
            "canvas.width",
            "integer 4294967296 out of range for u32 (max 4294967295)",
        ),
        (lambda d: d.update(duration=True), "duration", "expected an unsigned integer, got true"),
        (lambda d: d.pop("seed"), "", "missing field 'seed'"),
        (lambda d: d.pop("fps"), "", "missing field 'fps'"),
        (lambda d: d["fps"].pop("den"), "fps", "missing field 'den'"),
        (lambda d: d.update(tracks={}), "tracks", "expected an array, got an object"),
        (
            lambda d: d["tracks"][0].update(z_base=1 << 31),
            "tracks[0].z_base",
            "integer 2147483648 out of range for i32",
        ),
        (
            lambda d: d["tracks"][0].update(z_base=1.5),
            "tracks[0].z_base",
            "expected an integer, got 1.5",
        ),
        (lambda d: clip0(d).pop("z_offset"), "tracks[0].clips[0]", "missing field 'z_offset'"),
        (lambda d: clip0(d).pop("effects"), "tracks[0].clips[0]", "missing field 'effects'"),
        (
            lambda d: clip0(d)["range"].update(end="60"),
            "tracks[0].clips[0].range.end",
            'expected an unsigned integer, got a string "60"',
        ),
        (
            lambda d: clip0(d)["props"]["opacity"]["Keyframes"]["keys"][0].update(frame=1e0),
            "tracks[0].clips[0].props.opacity.Keyframes.keys[0].frame",
            "expected an unsigned integer, got 1.0",
        ),
        (
            lambda d: clip0(d)["props"]["opacity"]["Keyframes"]["keys"][0].pop("ease"),
            "tracks[0].clips[0].props.opacity.Keyframes.keys[0]",
            "missing field 'ease'",
        ),
        (
            lambda d: clip0(d)["props"]["transform"]["Keyframes"]["keys"][0]["value"].pop("anchor"),
            "tracks[0].clips[0].props.transform.Keyframes.keys[0].value",
            "missing field 'anchor'",
        ),
        (
            lambda d: clip0(d)["props"]["transform"]["Keyframes"]["keys"][0]["value"][
                "scale"
            ].update(y=None),
            "tracks[0].clips[0].props.transform.Keyframes.keys[0].value.scale.y",
            "expected a number, got null",
        ),
        (
            lambda d: clip0(d)["props"].update(opacity="Keyframes"),
            "tracks[0].clips[0].props.opacity.Keyframes",
            None,
        ),
        (
            lambda d: clip0(d).update(transition_in={"kind": "x", "duration_frames": 3}),
            "tracks[0].clips[0].transition_in",
            "missing field 'ease'",
        ),
        (
            lambda d: clip0(d)["effects"].append({"params": {}}),
            "tracks[0].clips[0].effects[0]",
            "missing field 'kind'",
        ),
        (
            lambda d: d["assets"]["rect"].update(Path={"svg_path_d": 5}),
            "assets.rect.Path.svg_path_d",
            "expected a string, got 5",
        ),
        (
            lambda d: d["assets"].update(
                t={
                    "Text": {
                        "text": "a",
                        "font_source": "f",
                        "size_px": 1,
                        "color_rgba8": [1, 2, 256, 0],
                    }
                }
            ),
            "assets.t.Text.color_rgba8[2]",
            "integer 256 out of range for u8 (max 255)",
        ),
        (
            lambda d: d["assets"].update(
                t={
                    "Text": {
                        "text": "a",
                        "font_source": "f",
                        "size_px": 1,
                        "color_rgba8": [1, 2, 3],
                    }
                }
            ),
            "assets.t.Text.color_rgba8",
            "invalid length 3, expected an array of length 4",
        ),
        (
            lambda d: d["assets"].update({"my key": {"Video": {"source": "v", "muted": 1}}}),
            'assets["my key"].Video.muted',
            "expected a boolean, got 1",
        ),
        (lambda d: d["assets"].update(x={"Font": {}}), "assets.x", None),
    ],
)
def test_error_paths(mutate: Any, path: str, rule: str | None) -> None:
    doc = minimal_doc()
    mutate(doc)
    e = load_error(doc)
    assert e.path == path
    if rule is not None:
        assert e.rule == rule


def test_negative_zero_is_rejected_for_integer_fields() -> None:
    text = json.dumps(minimal_doc()).replace('"seed": 1', '"seed": -0')
    with pytest.raises(CompositionError) as ei:
        loads_composition(text)
    assert (ei.value.path, ei.value.rule) == ("seed", "expected an unsigned integer, got -0.0")


def test_load_file_names_the_file(tmp_path: Path) -> None:
    p = tmp_path / "comp.json"
    p.write_text(json.dumps(minimal_doc()))
    assert load_composition_file(p).duration == 60
    missing = tmp_path / "nope.json"
    with pytest.raises(CompositionError, match="nope.json"):
        load_composition_file(missing)
    p.write_text("{")
    with pytest.raises(CompositionError, match=r"comp\.json: invalid JSON at line 1"):
        load_composition_file(p)


def test_bench_scene_loads() -> None:
    c = load_composition_file(
        Path(__file__).resolve().parent.parent
        / "conformance/wavyte_conformance/scenes/bench/bench_scene_default.json"
    )
    assert c.canvas == m.Canvas(640, 360) and c.duration == 300
    assert sorted(c.assets) == ["bg", "img", "svg", "tri_a", "tri_b", "txt"]
