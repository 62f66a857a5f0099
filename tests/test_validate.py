"""One test per validation rule of wavyte-format.md §2: message, path, and order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_load import clip0, minimal_doc

from wavyte_core.errors import CompositionError
from wavyte_core.format.load import loads_composition
from wavyte_core.format.validate import MAX_CANVAS_PIXELS, MAX_CANVAS_SIDE, validate


def check(doc: dict[str, Any]) -> None:
    validate(loads_composition(json.dumps(doc)))


def failure(doc: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(CompositionError) as ei:
        check(doc)
    return ei.value.path, ei.value.rule


def const(v: Any) -> dict[str, Any]:
    return {
        "Keyframes": {
            "keys": [{"frame": 0, "value": v, "ease": "Linear"}],
            "mode": "Hold",
            "default": None,
        }
    }


def asset_doc(key: str, asset: dict[str, Any]) -> dict[str, Any]:
    d = minimal_doc()
    d["assets"][key] = asset
    return d


def test_minimal_and_bench_documents_are_valid() -> None:
    check(minimal_doc())
    with open(
        Path(__file__).resolve().parent.parent
        / "conformance/wavyte_conformance/scenes/bench/bench_scene_default.json"
    ) as f:
        check(json.load(f))


def test_fps() -> None:
    d = minimal_doc()
    d["fps"]["den"] = 0
    d["canvas"]["width"] = 0  # checked later: fps wins
    assert failure(d) == ("fps", "fps must have num>0 and den>0")


def test_canvas() -> None:
    d = minimal_doc()
    d["canvas"]["height"] = 0
    d["duration"] = 0
    assert failure(d) == ("canvas", "canvas width/height must be > 0")


def test_duration() -> None:
    d = minimal_doc()
    d["duration"] = 0
    assert failure(d) == ("duration", "duration must be > 0 frames")


def test_layout_gap() -> None:
    d = minimal_doc()
    d["tracks"][0]["layout_gap_px"] = -1
    assert failure(d) == ("tracks[0].layout_gap_px", "track layout_gap_px must be finite and >= 0")


@pytest.mark.parametrize("edge", ["left", "right", "top", "bottom"])
def test_layout_padding(edge: str) -> None:
    d = minimal_doc()
    d["tracks"][0]["layout_padding"] = {edge: -0.5}
    assert failure(d) == (
        f"tracks[0].layout_padding.{edge}",
        f"track layout_padding.{edge} must be finite and >= 0",
    )


def test_padding_edges_are_checked_left_first() -> None:
    d = minimal_doc()
    d["tracks"][0]["layout_padding"] = {"bottom": -1, "left": -1}
    assert failure(d)[0] == "tracks[0].layout_padding.left"


def test_grid_columns() -> None:
    d = minimal_doc()
    d["tracks"][0].update(layout_mode="Grid", layout_grid_columns=0)
    assert failure(d) == (
        "tracks[0].layout_grid_columns",
        "track layout_grid_columns must be > 0 for Grid layout",
    )
    d["tracks"][0]["layout_mode"] = "HStack"
    check(d)


def test_missing_asset() -> None:
    d = minimal_doc()
    clip0(d)["asset"] = "nope"
    assert failure(d) == (
        "tracks[0].clips[0].asset",
        "clip 'c0' references missing asset key 'nope'",
    )


def test_range_start_after_end() -> None:
    d = minimal_doc()
    clip0(d)["range"] = {"start": 10, "end": 5}
    assert failure(d) == ("tracks[0].clips[0].range", "clip 'c0' has invalid range (start > end)")
    clip0(d)["range"] = {"start": 5, "end": 5}  # empty is fine
    check(d)


def test_range_beyond_duration() -> None:
    d = minimal_doc()
    clip0(d)["range"] = {"start": 0, "end": 61}
    assert failure(d) == (
        "tracks[0].clips[0].range",
        "clip 'c0' range exceeds composition duration",
    )


def test_keyframes_without_keys_or_default() -> None:
    d = minimal_doc()
    clip0(d)["props"]["opacity"] = {"Keyframes": {"keys": [], "mode": "Linear", "default": None}}
    assert failure(d) == (
        "tracks[0].clips[0].props.opacity.Keyframes",
        "Keyframes must have at least one key or a default value",
    )
    clip0(d)["props"]["opacity"]["Keyframes"]["default"] = 0.5
    check(d)


def test_keyframes_unsorted() -> None:
    d = minimal_doc()
    keys = [{"frame": f, "value": 1.0, "ease": "Linear"} for f in (0, 5, 5, 3)]
    clip0(d)["props"]["opacity"] = {"Keyframes": {"keys": keys, "mode": "Linear"}}
    assert failure(d) == (
        "tracks[0].clips[0].props.opacity.Keyframes.keys[3].frame",
        "Keyframes keys must be sorted by frame",
    )


def test_opacity_is_validated_before_transform() -> None:
    d = minimal_doc()
    empty = {"Keyframes": {"keys": [], "mode": "Linear"}}
    clip0(d)["props"]["opacity"] = empty
    clip0(d)["props"]["transform"] = empty
    assert failure(d)[0] == "tracks[0].clips[0].props.opacity.Keyframes"


def test_speed_factor() -> None:
    d = minimal_doc()
    clip0(d)["props"]["opacity"] = {"Expr": {"Speed": {"inner": const(1.0), "factor": 0}}}
    assert failure(d) == (
        "tracks[0].clips[0].props.opacity.Expr.Speed.factor",
        "Speed factor must be > 0",
    )


def test_reverse_duration() -> None:
    d = minimal_doc()
    clip0(d)["props"]["opacity"] = {"Expr": {"Reverse": {"inner": const(1.0), "duration": 0}}}
    assert failure(d) == (
        "tracks[0].clips[0].props.opacity.Expr.Reverse.duration",
        "Reverse duration must be > 0",
    )


def test_loop_period() -> None:
    d = minimal_doc()
    clip0(d)["props"]["opacity"] = {
        "Expr": {"Loop": {"inner": const(1.0), "period": 0, "mode": "Repeat"}}
    }
    assert failure(d) == (
        "tracks[0].clips[0].props.opacity.Expr.Loop.period",
        "Loop period must be > 0",
    )


def test_expr_recursion_reaches_nested_animations() -> None:
    bad = {"Keyframes": {"keys": [], "mode": "Hold"}}
    d = minimal_doc()
    clip0(d)["props"]["opacity"] = {
        "Expr": {
            "Mix": {
                "a": const(0.0),
                "b": {"Expr": {"Delay": {"inner": const(1.0), "by": 3}}},
                "t": {"Expr": {"Delay": {"inner": bad, "by": 1}}},
            }
        }
    }
    assert failure(d) == (
        "tracks[0].clips[0].props.opacity.Expr.Mix.t.Expr.Delay.inner.Keyframes",
        "Keyframes must have at least one key or a default value",
    )
    # procedurals always pass
    clip0(d)["props"]["opacity"] = {
        "Procedural": {
            "kind": {
                "kind": "Vec2",
                "params": {
                    "x": {"Spring": {"stiffness": 1, "damping": 1, "target": 1}},
                    "y": {"Spring": {"stiffness": 1, "damping": 1, "target": 1}},
                },
            }
        }
    }
    check(d)


@pytest.mark.parametrize(
    ("spec", "path", "rule"),
    [
        (
            {"kind": "  ", "duration_frames": 3, "ease": "Linear"},
            "kind",
            "transition kind must be non-empty",
        ),
        (
            {"kind": "crossfade", "duration_frames": 0, "ease": "Linear"},
            "duration_frames",
            "transition duration_frames must be > 0",
        ),
        (
            {"kind": "wipe", "duration_frames": 3, "ease": "Linear", "params": [1]},
            "params",
            "transition params must be an object when set",
        ),
    ],
)
def test_transitions(spec: dict[str, Any], path: str, rule: str) -> None:
    d = minimal_doc()
    clip0(d)["transition_out"] = spec
    assert failure(d) == (f"tracks[0].clips[0].transition_out.{path}", rule)


def test_unknown_transition_and_effect_kinds_pass() -> None:
    d = minimal_doc()
    clip0(d)["transition_in"] = {
        "kind": "fade",
        "duration_frames": 3,
        "ease": "Linear",
        "params": {"x": 1},
    }
    clip0(d)["effects"] = [{"kind": "noop"}]
    check(d)


def test_clip_rules_run_before_asset_rules() -> None:
    d = asset_doc(" ", {"Path": {"svg_path_d": "M0,0"}})
    clip0(d)["asset"] = "missing"
    assert failure(d)[0] == "tracks[0].clips[0].asset"


def test_asset_key_blank() -> None:
    assert failure(asset_doc(" ", {"Path": {"svg_path_d": "M0,0"}})) == (
        'assets[" "]',
        "asset key must be non-empty",
    )


def text(**over: Any) -> dict[str, Any]:
    body = {"text": "Hi", "font_source": "fonts/a.ttf", "size_px": 12}
    body.update(over)
    return {"Text": body}


@pytest.mark.parametrize(
    ("asset", "field", "rule"),
    [
        (text(text=" \n"), "Text.text", "text asset text must be non-empty"),
        (text(font_source=" "), "Text.font_source", "text asset font_source must be non-empty"),
        (
            text(font_source="\\abs.ttf"),
            "Text.font_source",
            "text asset font_source must be a relative path",
        ),
        (
            text(font_source="a/../b.ttf"),
            "Text.font_source",
            "text asset font_source must not contain '..'",
        ),
        (text(size_px=0), "Text.size_px", "text asset size_px must be finite and > 0"),
        (text(size_px=1e39), "Text.size_px", "text asset size_px must be finite and > 0"),
        (
            text(max_width_px=-1),
            "Text.max_width_px",
            "text asset max_width_px must be finite and > 0 when set",
        ),
        ({"Svg": {"source": "/x.svg"}}, "Svg.source", "svg asset source must be a relative path"),
        (
            {"Image": {"source": "a\\..\\b.png"}},
            "Image.source",
            "image asset source must not contain '..'",
        ),
        ({"Image": {"source": ""}}, "Image.source", "image asset source must be non-empty"),
        (
            {"Path": {"svg_path_d": "  "}},
            "Path.svg_path_d",
            "path asset svg_path_d must be non-empty",
        ),
        (
            {"Video": {"source": "v.mp4", "trim_start_sec": -1}},
            "Video.trim_start_sec",
            "video asset trim_start_sec must be finite and >= 0",
        ),
        (
            {"Video": {"source": "v.mp4", "trim_start_sec": 2, "trim_end_sec": 2}},
            "Video.trim_end_sec",
            "video asset trim_end_sec must be finite and > trim_start_sec",
        ),
        (
            {"Audio": {"source": "a.wav", "playback_rate": 0}},
            "Audio.playback_rate",
            "audio asset playback_rate must be finite and > 0",
        ),
        (
            {"Audio": {"source": "a.wav", "volume": -0.1}},
            "Audio.volume",
            "audio asset volume must be finite and >= 0",
        ),
        (
            {"Audio": {"source": "a.wav", "fade_in_sec": -1}},
            "Audio.fade_in_sec",
            "audio asset fade_in_sec must be finite and >= 0",
        ),
        (
            {"Video": {"source": "v.mp4", "fade_out_sec": -1}},
            "Video.fade_out_sec",
            "video asset fade_out_sec must be finite and >= 0",
        ),
        (
            {"Audio": {"source": "../a.wav"}},
            "Audio.source",
            "audio asset source must not contain '..'",
        ),
    ],
)
def test_asset_rules(asset: dict[str, Any], field: str, rule: str) -> None:
    assert failure(asset_doc("k", asset)) == (f"assets.k.{field}", rule)


def test_relative_rule_only_trims_for_blank_test() -> None:
    check(asset_doc("k", {"Svg": {"source": " /x.svg"}}))
    check(asset_doc("k", {"Svg": {"source": "a/..b/c.svg"}}))


def test_assets_are_checked_in_sorted_key_order() -> None:
    d = minimal_doc()
    d["assets"]["zz"] = {"Svg": {"source": "/z.svg"}}
    d["assets"]["aa"] = {"Image": {"source": "/a.png"}}
    assert failure(d)[0] == "assets.aa.Image.source"


def test_resource_limits_come_last() -> None:
    d = minimal_doc()
    d["canvas"] = {"width": MAX_CANVAS_SIDE + 1, "height": 10}
    path, rule = failure(d)
    assert path == "canvas" and str(MAX_CANVAS_SIDE) in rule
    d["canvas"] = {"width": MAX_CANVAS_SIDE, "height": MAX_CANVAS_PIXELS // MAX_CANVAS_SIDE + 2}
    path, rule = failure(d)
    assert path == "canvas" and str(MAX_CANVAS_PIXELS) in rule
    d["canvas"] = {"width": 640, "height": 360}
    d["duration"] = 10_000_001
    clip0(d)["range"]["end"] = 10_000_001
    assert failure(d)[0] == "duration"
    # a format rule is reported before a limit
    d["assets"]["bad"] = {"Svg": {"source": ""}}
    assert failure(d)[0] == "assets.bad.Svg.source"
