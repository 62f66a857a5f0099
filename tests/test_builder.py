"""The Python builder produces what loading the equivalent JSON produces."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from test_load import minimal_doc

from wavyte_core.errors import CompositionError
from wavyte_core.format import model as m
from wavyte_core.format.builder import (
    CompositionBuilder,
    blur,
    const,
    crossfade,
    delay,
    effect,
    envelope,
    keyframes,
    loop,
    mix,
    noise1d,
    opacity_mul,
    procedural_vec2,
    reverse,
    sequence,
    sine,
    speed,
    spring,
    stagger,
    transform,
    transform_post,
    wipe,
)
from wavyte_core.format.dump import composition_to_json
from wavyte_core.format.load import loads_composition
from wavyte_core.format.validate import validate


def test_minimal_document_equals_builder_output() -> None:
    b = CompositionBuilder(width=512, height=512, fps=30, duration=60, seed=1)
    b.path("rect", "M0,0 L120,0 L120,120 L0,120 Z")
    b.track("main").clip(
        "c0", asset="rect", start=0, end=60, transform=transform(x=180, y=180, scale=2.5)
    )
    built = b.build()
    assert built == loads_composition(json.dumps(minimal_doc()))
    assert composition_to_json(built) == composition_to_json(
        loads_composition(json.dumps(minimal_doc()))
    )


def test_rich_builder_matches_its_json() -> None:
    b = CompositionBuilder(width=640, height=360, fps=Fraction(30000, 1001), duration=300, seed=7)
    b.text(
        "title",
        "Hello",
        font="assets/font.ttf",
        size_px=64.1,
        max_width_px=500,
        color=(250, 240, 230, 255),
    )
    b.image("img", "assets/a.png")
    b.svg("logo", "assets/logo.svg")
    b.video("vid", "assets/v.mp4", trim_start_sec=1, trim_end_sec=3.5, muted=True)
    b.audio("music", "assets/m.wav", volume=0.8, fade_out_sec=2)
    t = b.track(
        "main",
        z_base=2,
        layout_mode="HStack",
        gap=8,
        padding=(1, 2, 3, 4),
        align_x="Center",
        align_y="End",
        grid_columns=3,
    )
    t.clip(
        "c0",
        asset="title",
        start=0,
        end=100,
        transform=keyframes(
            [
                (0, transform(x=10), "OutCubic"),
                (30, transform(x=100, rotation_rad=0.5, anchor=(5, 6))),
            ]
        ),
        opacity=sine(0.5, 1, offset=0.5),
        z_offset=-1,
        effects=[
            blur(8),
            opacity_mul(0.5),
            effect("noop"),
            transform_post(translate=(1, 2), rotate_deg=90),
        ],
        transition_in=crossfade(10, ease="InQuad"),
        transition_out=wipe(20, dir="rtl", soft_edge=0.25),
    ).clip(
        "c1",
        asset="img",
        start=100,
        end=300,
        opacity=keyframes([(0, 0), (10, 1)], mode="Hold", default=1),
    )
    # "noop" is no installed kind: build() checks kinds like api.load, so only the format's
    # rules are checked here (the representation of a param-less effect is what is tested).
    with pytest.raises(CompositionError, match="unknown effect kind 'noop'"):
        b.build()
    comp = b.build(check=False)
    validate(comp)
    again = loads_composition(composition_to_json(comp))
    assert again == comp
    assert comp.fps == m.Fps(30000, 1001)
    assert comp.assets["title"].size_px == 64.0999984741211
    assert comp.tracks[0].layout_padding == m.Edges(1.0, 2.0, 3.0, 4.0)
    eff = comp.tracks[0].clips[0].effects
    assert eff[0] == m.EffectInstance("blur", {"radius_px": 8})
    assert eff[2] == m.EffectInstance("noop", None)
    assert eff[3].params == {"translate": [1, 2], "rotate_deg": 90}
    assert comp.tracks[0].clips[0].transition_out == m.TransitionSpec(
        "wipe", 20, m.Ease.Linear, {"dir": "rtl", "soft_edge": 0.25}
    )


def test_floats_are_stored_as_serde_reads_their_json_text() -> None:
    x = 640 * 0.78  # 499.20000000000005, whose JSON text serde reads as the next double
    b = CompositionBuilder(width=640, height=360, duration=10)
    b.path("p", "M0,0 L1,1 Z")
    b.track("t").clip("c", asset="p", start=0, end=10, transform=transform(x=x))
    built = b.build()
    doc_value = loads_composition(composition_to_json(built))
    assert built == doc_value
    assert built.tracks[0].clips[0].props.transform.keys[0].value.translate.x == 499.2000000000001


def test_sequence_structure() -> None:
    a, bb = const(0.25), const(0.75)
    s = sequence(a, 10, bb)
    assert s == m.Expr(
        m.Mix(
            a,
            m.Expr(m.Delay(bb, 10)),
            m.Keyframes((m.Keyframe(0, 0.0), m.Keyframe(10, 1.0)), m.InterpMode.Hold, None),
        )
    )


def test_stagger_structure_sorts_by_offset() -> None:
    x, y, z = const(1.0), const(2.0), const(3.0)
    got = stagger([(20, z), (5, x), (12, y)])
    want = sequence(sequence(m.Expr(m.Delay(x, 5)), 12, y), 20, z)
    assert got == want
    assert stagger([]) == m.constant(0.0)
    assert stagger([(3, x)]) == m.Expr(m.Delay(x, 3))


def test_expr_and_procedural_helpers() -> None:
    k = keyframes([(0, 0.0), (4, 1.0, "InOutQuad")])
    assert delay(k, 2) == m.Expr(m.Delay(k, 2))
    assert speed(k, 2) == m.Expr(m.Speed(k, 2.0))
    assert reverse(k, 5) == m.Expr(m.Reverse(k, 5))
    assert loop(k, 4, "PingPong") == m.Expr(m.Loop(k, 4, m.LoopMode.PingPong))
    assert mix(k, k, 0.5) == m.Expr(m.Mix(k, k, m.constant(0.5)))
    assert noise1d(2, 1) == m.Procedural(m.ProcScalarKind(m.Noise1D(2.0, 1.0, 0.0)))
    assert envelope(1, 2, 0.5, 3) == m.Procedural(m.ProcScalarKind(m.Envelope(1, 2, 0.5, 3)))
    assert procedural_vec2(sine(1, 2), spring(1, 2, 3)) == m.Procedural(
        m.ProcVec2Kind(m.Sine(1.0, 2.0, 0.0, 0.0), m.Spring(1.0, 2.0, 3.0))
    )


def test_builder_errors() -> None:
    b = CompositionBuilder(width=64, height=64, duration=10)
    b.path("p", "M0,0 L1,1 Z")
    with pytest.raises(CompositionError) as ei:
        b.svg("p", "x.svg")
    assert (ei.value.path, ei.value.rule) == ("assets.p", "duplicate asset key 'p'")
    with pytest.raises(CompositionError, match="expected an unsigned integer, got 30.0"):
        CompositionBuilder(width=64, height=64, duration=30.0)  # type: ignore[arg-type]
    with pytest.raises(CompositionError, match="unknown variant 'linear'"):
        keyframes([(0, 1.0, "linear")])
    with pytest.raises(CompositionError, match="not a JSON value"):
        effect("x", value=object())
    b.track("t").clip("c", asset="nope", start=0, end=5)
    with pytest.raises(CompositionError) as ei:
        b.build()
    assert ei.value.path == "tracks[0].clips[0].asset"
    assert b.build(check=False).tracks[0].clips[0].asset == "nope"
