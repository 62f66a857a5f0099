"""Frame evaluation (wavyte-format.md §3): visibility, order, values, transitions, speed."""

from __future__ import annotations

import math
import time

import pytest

from tests.eval_helpers import BENCH_DEFAULT, clip, comp, keys, load_json_file, tr
from wavyte_core.errors import AnimationError, EvaluationError
from wavyte_core.format.model import (
    AudioAsset,
    Ease,
    EffectInstance,
    Fps,
    FrameRange,
    InterpMode,
    PathAsset,
    Procedural,
    ProcScalarKind,
    ProcVec2Kind,
    Sine,
    Track,
    TransitionSpec,
    VideoAsset,
    constant,
)
from wavyte_core.timeline.affine import (
    IDENTITY,
    apply,
    invert,
    max_scale,
    mul,
    rotate,
    scale,
    transform_to_affine,
    translate,
)
from wavyte_core.timeline.evaluate import (
    Evaluator,
    transition_progress,
    unpaired_opacity,
    video_source_time,
)

P = PathAsset("M0,0 L10,0 L10,10 Z")
XFADE3 = TransitionSpec("crossfade", 3, Ease.Linear)


def one_clip(**kw) -> Evaluator:
    c = comp([Track("t", 0, (clip("c0", "p", 5, 15, **kw),))], {"p": P}, duration=20)
    return Evaluator(c)


# ----------------------------------------------------------------------------- affine


def test_affine_basics() -> None:
    assert transform_to_affine(tr()) == IDENTITY  # foundation/core.rs
    assert transform_to_affine(tr(3.0, -4.0)) == (1.0, 0.0, 0.0, 1.0, 3.0, -4.0)
    m = transform_to_affine(tr(10, 20, math.pi / 2, 2, 3, 5, 5))
    # anchor (5,5) stays at translate + anchor
    x, y = apply(m, 5.0, 5.0)
    assert (x, y) == pytest.approx((15.0, 25.0))
    # y down: +90° takes +x to +y (clockwise on screen)
    x, y = apply(rotate(math.pi / 2), 1.0, 0.0)
    assert (x, y) == pytest.approx((0.0, 1.0))
    inv = invert(mul(translate(3, 4), scale(2, 5)))
    assert apply(inv, 3 + 2 * 7, 4 + 5 * 9) == pytest.approx((7.0, 9.0))
    assert max_scale(mul(rotate(0.3), scale(2.0, 3.0))) == pytest.approx((2.0, 3.0))
    assert max_scale(scale(0.0, 0.0)) == (1e-6, 1e-6)


def test_affine_product_keeps_signed_zeros_like_kurbo() -> None:
    # R(0) has c = -0.0; the full product turns it back to +0.0, T(-anchor) gives -0.0 + 0.
    m = transform_to_affine(tr())
    assert [math.copysign(1.0, v) for v in m] == [1.0] * 6
    # A shortcut "e += ox" would keep -0.0 here; the kurbo product gives +0.0.
    neg = (1.0, 0.0, 0.0, 1.0, -0.0, -0.0)
    assert math.copysign(1.0, mul(translate(0.0, 0.0), neg)[4]) == 1.0
    assert math.copysign(1.0, mul(translate(-0.0, -0.0), neg)[4]) == -1.0


def _chained(t) -> tuple:
    """The five-factor product with one ``mul`` per factor, as §1.4 spells it."""
    m = mul(translate(t.translate.x, t.translate.y), translate(t.anchor.x, t.anchor.y))
    m = mul(m, rotate(t.rotation_rad))
    m = mul(m, scale(t.scale.x, t.scale.y))
    return mul(m, translate(-t.anchor.x, -t.anchor.y))


def test_inlined_affine_is_bit_identical_to_chained_products() -> None:
    import random
    import struct

    rnd = random.Random(42)
    specials = [0.0, -0.0, 1.0, -1.0, 1e-300, math.inf, -math.inf, math.nan, math.pi]
    bits = struct.Struct("<6d").pack
    for i in range(3000):
        vals = [
            rnd.choice(specials) if rnd.random() < 0.3 else rnd.uniform(-1e3, 1e3) for _ in range(7)
        ]
        t = tr(*vals)
        assert bits(*transform_to_affine(t)) == bits(*_chained(t)), (i, vals)


# ------------------------------------------------------------------------- visibility


def test_visibility_half_open() -> None:  # eval/evaluator.rs
    ev = one_clip()
    assert ev.evaluate(4).nodes == ()
    assert [n.clip for n in ev.evaluate(5).nodes] == [0]
    assert [n.clip for n in ev.evaluate(14).nodes] == [0]
    assert ev.evaluate(15).nodes == ()


def test_out_of_bounds() -> None:
    ev = one_clip()
    ev.evaluate(19)
    with pytest.raises(EvaluationError, match=r"^frame 20 is out of bounds \(duration 20\)$"):
        ev.evaluate(20)


def test_opacity_is_clamped() -> None:  # eval/evaluator.rs
    assert one_clip(opacity=constant(2.0)).evaluate(5).nodes[0].opacity == 1.0
    assert one_clip(opacity=constant(-1.0)).evaluate(5).nodes[0].opacity == 0.0
    lin = keys(InterpMode.Linear, (0, 0.0), (10, 2.0))
    ev = one_clip(opacity=lin)
    assert ev.evaluate(7).nodes[0].opacity == 0.4  # clip-local frame 2
    assert ev.evaluate(14).nodes[0].opacity == 1.0


def test_paint_order_is_stable_sort_by_z_track_start_id() -> None:
    t0 = Track(
        "a",
        0,
        (
            clip("zeta", "p", 0, 10),
            clip("beta", "p", 0, 10),
            clip("alpha", "p", 2, 10),
            clip("top", "p", 0, 10, z_offset=5),
            clip("dup", "p", 0, 10),
            clip("dup", "p", 0, 10),
        ),
    )
    t1 = Track("b", -1, (clip("under", "p", 0, 10),))
    t2 = Track("c", 0, (clip("aaa", "p", 0, 10),))
    ev = Evaluator(comp([t0, t1, t2], {"p": P}, duration=10))
    ids = [ev.clips[n.clip].clip.id for n in ev.evaluate(3).nodes]
    assert ids == ["under", "beta", "dup", "dup", "zeta", "alpha", "aaa", "top"]
    # equal keys keep array order
    dup_idx = [n.clip for n in ev.evaluate(3).nodes if ev.clips[n.clip].clip.id == "dup"]
    assert dup_idx == [4, 5]
    assert [n.z for n in ev.evaluate(3).nodes] == [-1, 0, 0, 0, 0, 0, 0, 5]
    assert [ev.clips[i].clip.id for i in ev.visible(1)] == [
        "under", "beta", "dup", "dup", "zeta", "aaa", "top",
    ]  # fmt: skip


def test_layout_offset_is_outer_product() -> None:
    t = Track("t", 0, (clip("c0", "p", 0, 10, transform=constant(tr(1.0, 2.0, 0.0, 2.0, 2.0))),))
    ev = Evaluator(comp([t], {"p": P}, duration=10), [[(100.0, 50.0)]])
    m = ev.evaluate(0).nodes[0].transform
    assert m == (2.0, 0.0, 0.0, 2.0, 101.0, 52.0)
    assert m == mul(translate(100.0, 50.0), transform_to_affine(tr(1.0, 2.0, 0.0, 2.0, 2.0)))


def test_animated_transform_per_frame() -> None:
    anim = keys(InterpMode.Linear, (0, tr(0.0, 0.0)), (10, tr(10.0, -20.0)))
    ev = one_clip(transform=anim)
    assert ev.evaluate(8).nodes[0].transform == (1.0, 0.0, 0.0, 1.0, 3.0, -6.0)


def test_seed_is_stable_hash_of_clip_id() -> None:
    ev = one_clip()
    assert ev.clips[0].seed == 623190029590429743  # comp seed 1, id "c0"


# -------------------------------------------------------------------------- transitions


def test_transition_windows_vector() -> None:  # Appendix A item 11
    rng = FrameRange(5, 15)
    got_in = [transition_progress(XFADE3, rng, f, "in") for f in (4, 5, 6, 7, 8)]
    got_out = [transition_progress(XFADE3, rng, f, "out") for f in (11, 12, 13, 14, 15)]
    assert got_in == [None, 0.0, 0.5, 1.0, None]
    assert got_out == [None, 0.0, 0.5, 1.0, None]
    ev = one_clip(t_in=XFADE3, t_out=XFADE3)
    n5 = ev.evaluate(5).nodes[0]
    assert (n5.progress_in, n5.progress_out) == (0.0, None)
    assert unpaired_opacity(n5.progress_in, n5.progress_out) == 0.0  # nothing drawn
    n13 = ev.evaluate(13).nodes[0]
    assert (n13.progress_in, n13.progress_out) == (None, 0.5)
    assert ev.evaluate(10).nodes[0][5:7] == (None, None)


def test_transition_duration_capped_and_single_frame() -> None:
    long = TransitionSpec("wipe", 50, Ease.InQuad)
    rng = FrameRange(0, 5)
    assert [transition_progress(long, rng, f, "in") for f in range(5)] == [
        0.0, 0.0625, 0.25, 0.5625, 1.0,
    ]  # fmt: skip
    one = TransitionSpec("fade", 1, Ease.Linear)
    assert transition_progress(one, rng, 4, "out") == 1.0
    assert transition_progress(one, rng, 3, "out") is None
    assert transition_progress(TransitionSpec("x", 0, Ease.Linear), rng, 0, "in") is None


def test_unpaired_opacity_f32_rule() -> None:
    assert unpaired_opacity(None, None) == 1.0
    assert unpaired_opacity(1.0, 1.0) == 0.0
    t = 15 / 29
    assert unpaired_opacity(t, None) == pytest.approx(0.5172, abs=1e-4)
    assert unpaired_opacity(t, None) != t  # rounded to f32
    import numpy as np

    expect = np.float32(np.float32(t) * np.float32(1.0 - 0.3))
    assert unpaired_opacity(t, 0.3) == float(expect)


# ---------------------------------------------------------------------------------- video


def test_video_source_time_vector() -> None:  # assets/media.rs, Appendix A item 9
    a = VideoAsset("v.mp4", trim_start_sec=1.0, trim_end_sec=10.0, playback_rate=2.0)
    assert video_source_time(a, Fps(30, 1), 15) == 2.0
    assert video_source_time(a, Fps(30, 1), 3000) == 10.0  # capped at trim end
    assert video_source_time(VideoAsset("v.mp4"), Fps(30000, 1001), 7) == 7.0 * (1001 / 30000)


def test_video_and_audio_nodes() -> None:
    assets = {
        "v": VideoAsset("v.mp4", trim_start_sec=0.5, playback_rate=1.25),
        "a": AudioAsset("a.wav"),
    }
    t = Track("t", 0, (clip("vid", "v", 10, 40), clip("snd", "a", 0, 40)))
    ev = Evaluator(comp([t], assets, duration=40))
    nodes = ev.evaluate(16).nodes
    by_id = {ev.clips[n.clip].clip.id: n for n in nodes}
    assert set(by_id) == {"vid", "snd"}  # audio clips become nodes too
    assert by_id["vid"].source_time_s == 0.5 + (6.0 * (1 / 30)) * 1.25
    assert by_id["snd"].source_time_s is None


# ------------------------------------------------------------------------------- errors


def test_procedural_transform_error_at_evaluation() -> None:
    bad = Procedural(ProcScalarKind(Sine(1, 1, 0, 0)))
    ev = one_clip(transform=bad)
    ev.evaluate(2)  # not visible: no error
    with pytest.raises(AnimationError, match="Transform2D is not supported"):
        ev.evaluate(5)


def test_blank_effect_kind_and_error_precedence() -> None:
    ev = one_clip(effects=(EffectInstance("  ", None),))
    with pytest.raises(EvaluationError, match="^effect kind must be non-empty$"):
        ev.evaluate(5)
    # opacity is evaluated before effects
    bad_op = Procedural(ProcVec2Kind(Sine(1, 1, 0, 0), Sine(1, 1, 0, 0)))
    ev = one_clip(opacity=bad_op, effects=(EffectInstance("", None),))
    with pytest.raises(AnimationError, match="Vec2"):
        ev.evaluate(5)


def test_first_error_in_track_order_wins() -> None:
    bad_tr = Procedural(ProcScalarKind(Sine(1, 1, 0, 0)))
    t = Track(
        "t",
        0,
        (
            clip("late", "p", 0, 10, z_offset=9, effects=(EffectInstance("", None),)),
            clip("early", "p", 0, 10, transform=bad_tr),
        ),
    )
    ev = Evaluator(comp([t], {"p": P}, duration=10))
    # paint order is early, late; track order is late, early: late's error is reported
    with pytest.raises(EvaluationError, match="effect kind"):
        ev.evaluate(0)


# ---------------------------------------------------------------------------- bench scene


@pytest.fixture(scope="module")
def bench() -> Evaluator:
    if not BENCH_DEFAULT.exists():
        pytest.skip(f"{BENCH_DEFAULT} not present")
    return Evaluator(load_json_file(BENCH_DEFAULT))


def ids(ev: Evaluator, frame: int) -> list[str]:
    return [ev.clips[n.clip].clip.id for n in ev.evaluate(frame).nodes]


def test_bench_paint_order(bench: Evaluator) -> None:  # §9.2
    assert ids(bench, 0) == ["bg", "img", "svg", "tri_a", "txt"]
    assert ids(bench, 165) == ["bg", "img", "svg", "tri_a", "txt", "tri_b"]
    assert ids(bench, 285) == ["bg", "img", "svg", "tri_a", "txt", "tri_b"]


def test_bench_unpaired_fades(bench: Evaluator) -> None:  # Appendix A item 12
    nodes = {bench.clips[n.clip].clip.id: n for n in bench.evaluate(165).nodes}
    tri_b = nodes["tri_b"]
    assert tri_b.progress_in == 15 / 29
    assert unpaired_opacity(tri_b.progress_in, tri_b.progress_out) == pytest.approx(
        0.5172, abs=5e-5
    )
    assert nodes["tri_a"].progress_out is None  # tri_a's window is [270, 300)
    nodes = {bench.clips[n.clip].clip.id: n for n in bench.evaluate(285).nodes}
    tri_a = nodes["tri_a"]
    assert tri_a.progress_out == 15 / 29
    assert unpaired_opacity(tri_a.progress_in, tri_a.progress_out) == pytest.approx(
        0.4828, abs=5e-5
    )
    assert nodes["tri_b"].progress_in is None
    # txt sits between tri_a and tri_b in paint order: they can never pair
    order = ids(bench, 285)
    assert order.index("tri_a") + 2 == order.index("tri_b")
    assert order[order.index("tri_a") + 1] == "txt"


def test_bench_transforms(bench: Evaluator) -> None:
    nodes = {bench.clips[n.clip].clip.id: n for n in bench.evaluate(10).nodes}
    assert nodes["img"].transform == (0.65, 0.0, 0.0, 0.65, 352.0, 54.0)
    # 0.78·640 is written as 499.20000000000005; serde_json's parser (which the real loader
    # reproduces) may read it one ulp away from Python's float(), so take the loaded value.
    t = bench.clips[4].clip.props.transform.keys[0].value.translate
    assert abs(t.x - 499.2) < 1e-12
    assert nodes["tri_a"].transform == (3.0, 0.0, 0.0, 3.0, t.x, t.y)


def test_evaluate_is_cheap(bench: Evaluator) -> None:
    """Budget: well under 0.1 ms per frame for the 6-clip constant scene (report the figure)."""
    frames = list(range(300))
    best = math.inf
    for _ in range(5):
        t0 = time.perf_counter()
        for f in frames:
            bench.evaluate(f)
        best = min(best, (time.perf_counter() - t0) / len(frames))
    print(f"\nevaluate(): {best * 1e6:.2f} us/frame over the bench scene")
    assert best < 100e-6
