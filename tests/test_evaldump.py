"""The §1.14 evaluation dump byte for byte, and the elision fingerprint."""

from __future__ import annotations

import json
import math

from tests.eval_helpers import clip, comp, keys, tr
from wavyte_core.format.model import (
    Ease,
    EffectInstance,
    InterpMode,
    PathAsset,
    TextAsset,
    Track,
    TransitionSpec,
    VideoAsset,
    constant,
)
from wavyte_core.timeline.evaldump import dump_frame_graph, fingerprint
from wavyte_core.timeline.evaluate import Evaluator
from wavyte_core.timeline.rng import digest_u64

FRAME18 = (
    '{"frame":18,"nodes":[{"clip_id":"c0","asset":"t0","z":0,'
    '"transform":[1.0,0.0,0.0,1.0,0.0,0.0],"opacity":1.0,"blend":"Normal",'
    '"source_time_s":null,"effects":[],"transition_in":null,'
    '"transition_out":{"kind":"crossfade","progress":0.5,"params":null}}]}'
)


def frame18_evaluator() -> Evaluator:
    """The composition implied by Appendix A item 1's frame-18 string: one clip c0 on t0,
    identity transform, opacity 1, a 3-frame crossfade out, ending at frame 20 so that the
    out window is [17, 20) and frame 18 is its middle."""
    t0 = TextAsset("hello", "fonts/x.ttf", 24.0)
    c0 = clip("c0", "t0", 0, 20, t_out=TransitionSpec("crossfade", 3, Ease.Linear))
    return Evaluator(comp([Track("main", 0, (c0,))], {"t0": t0}, duration=20))


def test_frame18_string() -> None:  # Appendix A item 1
    ev = frame18_evaluator()
    assert dump_frame_graph(ev, ev.evaluate(18)) == FRAME18


def test_dump_digest_is_stable_and_frame_sensitive() -> None:
    ev = frame18_evaluator()
    d = [digest_u64(dump_frame_graph(ev, ev.evaluate(f)).encode()) for f in range(20)]
    assert d[17] != d[18] != d[19]
    assert d[0] != d[1]  # the frame number is part of the bytes
    assert d == [digest_u64(dump_frame_graph(ev, ev.evaluate(f)).encode()) for f in range(20)]


def test_dump_is_valid_compact_json_with_all_fields() -> None:
    assets = {"p": PathAsset("M0,0 L1,1"), "v": VideoAsset("clip.mp4", trim_start_sec=0.25)}
    effects = (
        EffectInstance(" Blur ", {"sigma": 2.0, "radius_px": 3}),
        EffectInstance("opacity_mul", {"value": -0.0, "b": [1e2, 8, "x\n"]}),
        EffectInstance("noop", None),
    )
    c0 = clip(
        'ünï"d',
        "v",
        0,
        10,
        effects=effects,
        z_offset=-3,
        t_in=TransitionSpec(" Wipe", 4, Ease.InQuad, {"soft_edge": 0.2, "dir": "ttb"}),
    )
    ev = Evaluator(comp([Track("t", 2, (c0,))], assets, duration=10))
    s = dump_frame_graph(ev, ev.evaluate(2))
    assert " " not in s.replace(" Blur ", "").replace(" Wipe", "")
    doc = json.loads(s)
    node = doc["nodes"][0]
    assert list(node) == [
        "clip_id", "asset", "z", "transform", "opacity", "blend", "source_time_s",
        "effects", "transition_in", "transition_out",
    ]  # fmt: skip
    assert node["clip_id"] == 'ünï"d' and node["z"] == -1
    assert node["source_time_s"] == 0.25 + 2 * (1 / 30)
    assert '"ünï\\"d"' in s  # raw UTF-8, escaped quote
    # kinds as written, params with sorted keys and kept int/float kinds
    assert '{"kind":" Blur ","params":{"radius_px":3,"sigma":2.0}}' in s
    assert '{"kind":"opacity_mul","params":{"b":[100.0,8,"x\\n"],"value":-0.0}}' in s
    assert '{"kind":"noop","params":null}' in s
    assert '"transition_in":{"kind":" Wipe","progress":0.4444444444444444,' in s
    assert '"params":{"dir":"ttb","soft_edge":0.2}}' in s
    assert s.endswith('"transition_out":null}]}')


def test_zmij_float_formatting_in_dump() -> None:
    # opacity values chosen to hit exponents -5 … -9 and the plain/scientific boundary
    cases = {
        1e-5: "0.00001",
        1.5e-7: "1.5e-7",
        2.5e-9: "2.5e-9",
        1.25e-6: "1.25e-6",
        3e-8: "3e-8",
        0.000123: "0.000123",
        -0.0: "-0.0",  # Rust clamp keeps the sign of zero
    }
    for value, text in cases.items():
        c0 = clip("c", "p", 0, 1, opacity=constant(value))
        ev = Evaluator(comp([Track("t", 0, (c0,))], {"p": PathAsset("M0,0 L1,1")}, duration=1))
        s = dump_frame_graph(ev, ev.evaluate(0))
        assert f'"opacity":{text},' in s, (value, s)
    # translate 1e16 and 1e15; a -0.0 scale comes out as +0.0 through the full kurbo
    # products (the -0.0 term is added to a +0.0 one), so the dump prints 0.0
    big = clip("c", "p", 0, 1, transform=constant(tr(1e16, 1e15, 0.0, -0.0, 1.0)))
    ev = Evaluator(comp([Track("t", 0, (big,))], {"p": PathAsset("M0,0 L1,1")}, duration=1))
    s = dump_frame_graph(ev, ev.evaluate(0))
    m = ev.evaluate(0).nodes[0].transform
    assert math.copysign(1.0, m[0]) == 1.0
    assert '"transform":[0.0,0.0,0.0,1.0,1e+16,1000000000000000.0]' in s


def test_nan_opacity_dumps_null() -> None:
    lin = keys(InterpMode.Linear, (0, 0.0), (2, math.nan))
    c0 = clip("c", "p", 0, 3, opacity=lin)
    ev = Evaluator(comp([Track("t", 0, (c0,))], {"p": PathAsset("M0,0 L1,1")}, duration=3))
    assert '"opacity":null,' in dump_frame_graph(ev, ev.evaluate(1))


# ----------------------------------------------------------------------------- fingerprint


def test_fingerprint_static_vs_changing() -> None:  # compile/fingerprint.rs
    ev = frame18_evaluator()
    fps = [fingerprint(ev, ev.evaluate(f)) for f in range(20)]
    assert fps[0] == fps[5] == fps[16]  # nothing changes before the out window
    assert fps[16] != fps[17] != fps[18] != fps[19]
    assert fingerprint(ev, ev.evaluate(3)) == fps[3]  # deterministic


def test_fingerprint_changes_with_opacity_and_visibility() -> None:
    lin = keys(InterpMode.Linear, (0, 1.0), (4, 0.5))
    a = clip("a", "p", 0, 10, opacity=lin)
    b = clip("b", "p", 6, 10)
    ev = Evaluator(comp([Track("t", 0, (a, b))], {"p": PathAsset("M0,0 L1,1")}, duration=10))
    f = [fingerprint(ev, ev.evaluate(i)) for i in range(10)]
    assert f[0] != f[1] != f[2]
    assert f[4] == f[5]  # opacity held after the last key
    assert f[5] != f[6]  # clip b appears
    # same numbers, different clip → different key
    c = clip("c", "p", 0, 10)
    d = clip("d", "p", 0, 10)
    ev2 = Evaluator(
        comp([Track("t", 0, (c,)), Track("u", 0, (d,))], {"p": PathAsset("M0,0 L1,1")}, duration=10)
    )
    g = ev2.evaluate(0)
    assert fingerprint(ev2, g) != fingerprint(ev2, type(g)(0, g.nodes[:1] * 2))
