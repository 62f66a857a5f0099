"""Model → JSON: byte-exact output, float formatting, and lossless round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_load import minimal_doc

from wavyte_core.format import model as m
from wavyte_core.format.dump import composition_to_json, format_f32
from wavyte_core.format.load import loads_composition

BENCH = (
    Path(__file__).resolve().parent.parent
    / "conformance/wavyte_conformance/scenes/bench/bench_scene_default.json"
)

MINIMAL_COMPACT = (
    '{"fps":{"num":30,"den":1},"canvas":{"width":512,"height":512},"duration":60,'
    '"assets":{"rect":{"Path":{"svg_path_d":"M0,0 L120,0 L120,120 L0,120 Z"}}},'
    '"tracks":[{"name":"main","z_base":0,"layout_mode":"Absolute","layout_gap_px":0.0,'
    '"layout_padding":{"left":0.0,"right":0.0,"top":0.0,"bottom":0.0},"layout_align_x":"Start",'
    '"layout_align_y":"Start","layout_grid_columns":2,"clips":[{"id":"c0","asset":"rect",'
    '"range":{"start":0,"end":60},"props":{"transform":{"Keyframes":{"keys":[{"frame":0,'
    '"value":{"translate":{"x":180.0,"y":180.0},"rotation_rad":0.0,"scale":{"x":2.5,"y":2.5},'
    '"anchor":{"x":0.0,"y":0.0}},"ease":"Linear"}],"mode":"Hold","default":null}},'
    '"opacity":{"Keyframes":{"keys":[{"frame":0,"value":1.0,"ease":"Linear"}],"mode":"Hold",'
    '"default":null}},"blend":"Normal"},"z_offset":0,"effects":[],"transition_in":null,'
    '"transition_out":null}]}],"seed":1}'
)


def test_minimal_document_byte_exact() -> None:
    assert composition_to_json(loads_composition(json.dumps(minimal_doc()))) == MINIMAL_COMPACT


def test_bench_scene_pretty_output_is_serde_pretty() -> None:
    text = BENCH.read_text()
    # The file holds 499.20000000000005; serde's parser (no float_roundtrip) reads that
    # 17-digit literal as the neighbouring double, which prints as 499.2000000000001.
    expected = text.replace("499.20000000000005", "499.2000000000001")
    c = loads_composition(text)
    assert composition_to_json(c, indent=2) + "\n" == expected
    assert loads_composition(composition_to_json(c)) == c


def test_float_formatting_in_output() -> None:
    d = minimal_doc()
    clip = d["tracks"][0]["clips"][0]
    clip["props"]["opacity"]["Keyframes"]["keys"] = [
        {"frame": 0, "value": 1e-5, "ease": "Linear"},
        {"frame": 1, "value": 1.5e-7, "ease": "Linear"},
        {"frame": 2, "value": 1e16, "ease": "Linear"},
        {"frame": 3, "value": 1e15, "ease": "Linear"},
        {"frame": 4, "value": -0.0, "ease": "Linear"},
        {"frame": 5, "value": 6.123233995736766e-17, "ease": "Linear"},
    ]
    out = composition_to_json(loads_composition(json.dumps(d)))
    values = "0.00001,1.5e-7,1e+16,1000000000000000.0,-0.0,6.123233995736766e-17"
    assert ",".join(x.split(",")[0] for x in out.split('"value":')[2:]) == values


def test_params_keep_int_float_kinds_and_sort_keys() -> None:
    text = json.dumps(minimal_doc()).replace(
        '"effects": []',
        '"effects": [{"kind": "blur", "params": {"sigma": 1e2, "radius_px": 8, "z": -0, "b": [8.0, {"y": 1, "x": 2}], "z": 3}}]',
    )
    out = composition_to_json(loads_composition(text))
    assert (
        '"effects":[{"kind":"blur","params":{"b":[8.0,{"x":2,"y":1}],"radius_px":8,"sigma":100.0,"z":3}}]'
        in out
    )


def test_skipped_none_fields() -> None:
    d = minimal_doc()
    d["assets"]["t"] = {"Text": {"text": "é\n\u0001", "font_source": "f.ttf", "size_px": 64.1}}
    d["assets"]["v"] = {"Video": {"source": "v.mp4"}}
    d["tracks"][0]["clips"][0]["effects"] = [{"kind": "noop", "params": None}]
    d["tracks"][0]["clips"][0]["transition_in"] = {
        "kind": "crossfade",
        "duration_frames": 5,
        "ease": "OutCubic",
    }
    out = composition_to_json(loads_composition(json.dumps(d)))
    assert (
        '"t":{"Text":{"text":"é\\n\\u0001","font_source":"f.ttf","size_px":64.1,"color_rgba8":[255,255,255,255]}}'
        in out
    )
    assert (
        '"v":{"Video":{"source":"v.mp4","trim_start_sec":0.0,"playback_rate":1.0,"volume":1.0,'
        '"fade_in_sec":0.0,"fade_out_sec":0.0,"muted":false}}' in out
    )
    assert '"effects":[{"kind":"noop"}]' in out
    assert '"transition_in":{"kind":"crossfade","duration_frames":5,"ease":"OutCubic"}' in out


@pytest.mark.parametrize(
    ("x", "s"),
    [
        (64.0999984741211, "64.1"),
        (560.0, "560.0"),
        (0.1, "0.1"),
        (1e-7, "1e-7"),
        (-2.5, "-2.5"),
        (3.4028234663852886e38, "3.4028235e+38"),
    ],
)
def test_format_f32(x: float, s: str) -> None:
    assert format_f32(x) == s


def rich_composition() -> m.Composition:
    """Every Anim, Expr, procedural kind, asset kind and optional field, built by hand."""
    tr = m.Transform2D(m.Vec2(1.5, -2.0), 0.25, m.Vec2(2.0, 0.5), m.Vec2(10.0, 20.0))
    kf_f = m.Keyframes(
        (
            m.Keyframe(0, 0.0, m.Ease.InQuad),
            m.Keyframe(10, 1.0, m.Ease.OutCubic),
            m.Keyframe(10, 0.5, m.Ease.InOutCubic),
        ),
        m.InterpMode.Linear,
        0.75,
    )
    kf_t = m.Keyframes(
        (m.Keyframe(0, tr, m.Ease.InOutQuad), m.Keyframe(5, m.Transform2D(), m.Ease.InCubic)),
        m.InterpMode.Hold,
        tr,
    )
    procs = [
        m.Procedural(m.ProcScalarKind(m.Sine(0.5, 1.0, 0.1, 0.5))),
        m.Procedural(m.ProcScalarKind(m.Noise1D(2.0, 3.0, -1.0))),
        m.Procedural(m.ProcScalarKind(m.Envelope(3, 4, 0.25, 5))),
        m.Procedural(m.ProcVec2Kind(m.Spring(10.0, 0.5, 1.0), m.Sine(1.0, 2.0, 3.0, 4.0))),
    ]
    opacity: m.Anim = m.Expr(
        m.Mix(
            m.Expr(m.Delay(kf_f, 7)),
            m.Expr(m.Speed(m.Expr(m.Reverse(procs[0], 12)), 1.5)),
            m.Expr(m.Loop(procs[1], 8, m.LoopMode.PingPong)),
        )
    )
    transform: m.Anim = m.Expr(
        m.Mix(kf_t, m.Expr(m.Loop(procs[3], 4, m.LoopMode.Repeat)), procs[2])
    )
    clip = m.Clip(
        id="c\u00e9",
        asset="vid",
        range=m.FrameRange(2, 40),
        props=m.ClipProps(transform=transform, opacity=opacity),
        z_offset=-3,
        effects=(
            m.EffectInstance("blur", {"radius_px": 8, "sigma": 2.5}),
            m.EffectInstance("noop"),
        ),
        transition_in=m.TransitionSpec(
            "wipe", 6, m.Ease.InOutCubic, {"dir": "ttb", "soft_edge": 0.2}
        ),
        transition_out=m.TransitionSpec("crossfade", 4),
    )
    track = m.Track(
        "t",
        -2,
        (clip,),
        m.LayoutMode.Grid,
        3.5,
        m.Edges(1.0, 2.0, 3.0, 4.0),
        m.Align.Center,
        m.Align.End,
        3,
    )
    assets: dict[str, m.Asset] = {
        "a": m.AudioAsset("a.wav", 0.5, 3.0, 2.0, 0.5, 0.1, 0.2, True),
        "img": m.ImageAsset("i.png"),
        "p": m.PathAsset("M0,0 L1,1 Z"),
        "s": m.SvgAsset("s.svg"),
        "txt": m.TextAsset('héllo "q"', "f.ttf", 64.0999984741211, 100.5, (1, 2, 3, 4)),
        "vid": m.VideoAsset("v.mp4"),
    }
    return m.Composition(
        m.Fps(30000, 1001),
        m.Canvas(1920, 1080),
        120,
        assets,
        (track, m.Track("empty", 0, ())),
        2**64 - 1,
    )


def test_rich_round_trip_compact_and_pretty() -> None:
    c = rich_composition()
    compact = composition_to_json(c)
    assert loads_composition(compact) == c
    pretty = composition_to_json(c, indent=2)
    assert loads_composition(pretty) == c
    assert json.loads(pretty) == json.loads(compact)
    assert " " not in compact.replace("héllo ", "").replace("M0,0 L1,1 Z", "")


def test_dump_is_a_fixpoint_for_loaded_documents() -> None:
    text = composition_to_json(rich_composition())
    assert composition_to_json(loads_composition(text)) == text
