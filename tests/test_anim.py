"""Animation sampling (wavyte-format.md §1.5): keyframes, procedurals, Expr, constness."""

from __future__ import annotations

import math

import pytest

from tests.eval_helpers import keys, tr
from wavyte_core.errors import AnimationError
from wavyte_core.format.model import (
    Delay,
    Ease,
    Envelope,
    Expr,
    InterpMode,
    Keyframe,
    Keyframes,
    Loop,
    LoopMode,
    Mix,
    Noise1D,
    Procedural,
    ProcScalarKind,
    ProcVec2Kind,
    Reverse,
    Sine,
    Speed,
    Spring,
    Transform2D,
    constant,
)
from wavyte_core.timeline.anim import compile_anim, is_constant, sample_f64, sample_transform

SPF30 = 1 / 30
HOLD, LINEAR = InterpMode.Hold, InterpMode.Linear


def f64(anim, frame: int, seed: int = 0, spf: float = SPF30) -> float:
    return sample_f64(anim, frame, spf, seed)


def sequence(a, a_len: int, b):
    """The Rust ``sequence`` helper: Mix(a, Delay(b, a_len), Hold[(0,0),(a_len,1)])."""
    return Expr(Mix(a, Expr(Delay(b, a_len)), keys(HOLD, (0, 0.0), (a_len, 1.0))))


# ------------------------------------------------------------------------ keyframes


def test_hold_and_linear_unit_vectors() -> None:  # animation/anim.rs
    hold = keys(HOLD, (0, 1.0), (10, 3.0))
    assert f64(hold, 5) == 1.0
    assert f64(hold, 10) == 3.0
    lin = keys(LINEAR, (0, 0.0), (10, 10.0))
    assert f64(lin, 5) == 5.0


def test_values_held_outside_key_span() -> None:
    lin = keys(LINEAR, (5, 2.0), (10, 4.0))
    assert f64(lin, 0) == 2.0
    assert f64(lin, 99) == 4.0
    assert f64(lin, 6) == 2.0 + (4.0 - 2.0) * (1 / 5)


def test_ease_applies_to_segment_from_its_key() -> None:
    k = Keyframes((Keyframe(0, 0.0, Ease.InQuad), Keyframe(10, 10.0, Ease.Linear)), LINEAR)
    assert f64(k, 5) == 2.5  # 10 * 0.25


def test_duplicate_frames_jump_to_last_duplicate() -> None:
    k = keys(LINEAR, (0, 0.0), (10, 1.0), (10, 5.0), (20, 5.0))
    assert f64(k, 9) == 0.9
    assert f64(k, 10) == 5.0


def test_empty_keys_use_default_or_fail() -> None:
    assert f64(Keyframes((), HOLD, 0.25), 3) == 0.25
    with pytest.raises(AnimationError, match="^Keyframes has no keys and no default$"):
        f64(Keyframes((), HOLD, None), 0)


def test_transform_lerp_is_componentwise_then_matrix() -> None:
    k = keys(LINEAR, (0, tr(0, 0, 0.0, 1, 1)), (10, tr(10, 20, 2 * math.pi, 3, 5, 4, 6)))
    v = sample_transform(k, 5, SPF30, 0)
    assert v == tr(5.0, 10.0, math.pi, 2.0, 3.0, 2.0, 3.0)  # no angle wrapping


# ------------------------------------------------------------------------ procedural


def scalar(p) -> Procedural:
    return Procedural(ProcScalarKind(p))


def test_envelope_vector() -> None:  # animation/proc.rs
    env = scalar(Envelope(10, 10, 0.25, 10))
    assert [f64(env, f) for f in (0, 10, 20, 30)] == [0.0, 1.0, 0.25, 0.0]
    assert f64(env, 5) == 0.5
    assert f64(env, 15) == 1.0 + (0.25 - 1.0) * (5 / 10)
    assert f64(env, 25) == 0.25 * (1.0 - 5 / 10)


def test_noise_vectors() -> None:  # Appendix A item 5
    n = scalar(Noise1D(2.0, 1.0, 0.5))
    assert f64(n, 0, seed=7) == 0.059318993565085965
    assert f64(n, 1, seed=7) == 0.07224904939531596
    assert f64(n, 45, seed=7) == 0.3814754752766165
    vals = [f64(n, f, seed=7) for f in range(0, 300, 7)]
    assert all(-1.5 <= v <= 2.5 for v in vals)
    assert f64(n, 13, seed=7) == f64(n, 13, seed=7)
    assert f64(n, 13, seed=8) != f64(n, 13, seed=7)


def test_sine_and_spring_formulas() -> None:
    s = scalar(Sine(0.5, 1.0, 0.25, 0.5))
    secs = 7 * (1 / 30)
    assert f64(s, 7) == 0.5 + 0.5 * math.sin(math.tau * 1.0 * secs + 0.25)
    sp = scalar(Spring(10.0, 1.0, 2.0))
    rate = 10.0 / 2.0
    assert f64(sp, 0) == 0.0
    assert f64(sp, 9) == 2.0 * (1.0 - math.exp(-rate * (9 / 30)) * (1.0 + rate * (9 / 30)))
    # negative stiffness clamps rate to 1e-6: barely moves
    assert abs(f64(scalar(Spring(-5.0, 0.0, 1.0)), 30)) < 1e-11


def test_secs_use_den_over_num_divided_first() -> None:
    s = scalar(Sine(1.0, 1.0, 0.0, 0.0))
    spf = 1001 / 30000
    assert sample_f64(s, 123, spf, 0) == math.sin(math.tau * 1.0 * (123.0 * spf))


def test_procedural_type_errors() -> None:
    with pytest.raises(AnimationError, match="^procedural kind Vec2 cannot be sampled as f64$"):
        f64(Procedural(ProcVec2Kind(Sine(1, 1, 0, 0), Sine(1, 1, 0, 0))), 0)
    msg = "^procedural sampling for Transform2D is not supported in v0.2$"
    with pytest.raises(AnimationError, match=msg):
        sample_transform(scalar(Sine(1, 1, 0, 0)), 0, SPF30, 0)


# ------------------------------------------------------------------------------ expr


def test_reverse_vector() -> None:  # animation/anim.rs
    r = Expr(Reverse(keys(HOLD, (0, 0.0), (9, 9.0)), 10))
    assert f64(r, 0) == 9.0
    assert f64(r, 9) == 0.0
    assert f64(r, 50) == 0.0


def test_sequence_vector() -> None:  # animation/ops.rs
    seq = sequence(constant(1.0), 5, keys(HOLD, (0, 10.0)))
    assert f64(seq, 4) == 1.0
    assert f64(seq, 5) == 10.0


def test_sequence_restarts_b_time() -> None:
    b = keys(LINEAR, (0, 0.0), (10, 10.0))
    seq = sequence(constant(1.0), 5, b)
    assert f64(seq, 8) == 3.0


def test_delay_speed_loop() -> None:
    lin = keys(HOLD, *((f, float(f)) for f in range(30)))  # samples to its own frame
    assert f64(Expr(Delay(lin, 5)), 3) == 0.0
    assert f64(Expr(Delay(lin, 5)), 8) == 3.0
    assert f64(Expr(Speed(lin, 2.5)), 3) == 7.0  # floor(7.5)
    assert f64(Expr(Speed(lin, 0.5)), 3) == 1.0
    assert [f64(Expr(Loop(lin, 4, LoopMode.Repeat)), f) for f in range(9)] == [
        0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0, 3.0, 0.0,
    ]  # fmt: skip
    assert [f64(Expr(Loop(lin, 4, LoopMode.PingPong)), f) for f in range(9)] == [
        0.0, 1.0, 2.0, 3.0, 2.0, 1.0, 0.0, 1.0, 2.0,
    ]  # fmt: skip
    assert f64(Expr(Loop(lin, 1, LoopMode.PingPong)), 17) == 0.0


def test_expr_parameter_errors() -> None:
    lin = constant(1.0)
    with pytest.raises(AnimationError, match="^Speed factor must be > 0$"):
        f64(Expr(Speed(lin, 0.0)), 1)
    with pytest.raises(AnimationError, match="^Reverse duration must be > 0$"):
        f64(Expr(Reverse(lin, 0)), 1)
    with pytest.raises(AnimationError, match="^Loop period must be > 0$"):
        f64(Expr(Loop(lin, 0, LoopMode.Repeat)), 1)


def test_mix_clamps_t_and_samples_t_first() -> None:
    a, b = constant(0.0), constant(10.0)
    assert f64(Expr(Mix(a, b, constant(0.25))), 0) == 2.5
    assert f64(Expr(Mix(a, b, constant(7.0))), 0) == 10.0
    bad_t = Procedural(ProcVec2Kind(Sine(1, 1, 0, 0), Sine(1, 1, 0, 0)))
    bad_a = Expr(Speed(a, -1.0))
    # t is sampled before a: the t error wins.
    with pytest.raises(AnimationError, match="Vec2"):
        f64(Expr(Mix(bad_a, b, bad_t)), 0)
    with pytest.raises(AnimationError, match="Speed"):
        f64(Expr(Mix(bad_a, b, constant(0.5))), 0)


def test_mix_of_transforms() -> None:
    m = Expr(Mix(constant(tr(0, 0)), constant(tr(10, 20)), constant(0.5)))
    assert sample_transform(m, 3, SPF30, 0) == tr(5.0, 10.0)


# ------------------------------------------------------------------------ constness


def test_is_constant() -> None:
    assert is_constant(constant(1.0))
    assert is_constant(keys(HOLD, (0, 1.0), (0, 2.0)))  # only frame-0 keys
    assert is_constant(keys(LINEAR, (0, 2.0), (10, 2.0)))
    assert is_constant(Keyframes((), HOLD, 0.5))
    assert not is_constant(Keyframes((), HOLD, None))
    assert not is_constant(keys(LINEAR, (0, 1.0), (10, 2.0)))
    assert not is_constant(keys(HOLD, (0, 1.0), (10, 2.0)))
    # -0.0 + 0.0 is +0.0: a Linear segment between equal -0.0 keys is not bit-constant
    assert not is_constant(keys(LINEAR, (0, -0.0), (10, -0.0)))
    assert is_constant(keys(HOLD, (0, -0.0), (10, -0.0)))
    assert not is_constant(keys(HOLD, (0, 0.0), (10, -0.0)))
    assert not is_constant(scalar(Sine(1, 1, 0, 0)))
    assert is_constant(Expr(Delay(constant(1.0), 3)))
    assert not is_constant(Expr(Speed(constant(1.0), 0.0)))


def test_constant_claim_matches_sampling() -> None:
    cases = [
        keys(LINEAR, (0, 2.0), (10, 2.0), (20, 2.0)),
        keys(HOLD, (0, tr(1, 2)), (5, tr(1, 2))),
        Expr(Loop(keys(LINEAR, (3, 0.5), (9, 0.5)), 4, LoopMode.PingPong)),
    ]
    for anim in cases:
        kind = (
            "transform"
            if isinstance(anim, Keyframes) and isinstance(anim.keys[0].value, Transform2D)
            else "f64"
        )
        assert is_constant(anim)
        fn = compile_anim(anim, kind, secs_per_frame=SPF30, seed=0)
        first = fn(0)
        assert all(fn(f) == first for f in range(40))
