"""Sampling of ``Anim`` values (wavyte-format.md §1.5), compiled once into closures.

An animation tree is turned into a plain function of the clip-local frame when the job
starts (``compile_anim``): keyframe lists become parallel tuples searched with ``bisect``,
procedurals close over their constants, Expr nodes become frame remaps. The frame loop then
calls one closure per animated property, and ``is_constant`` lets the evaluator hoist
properties that never change out of the loop entirely.

The sample context is ``(clip_local frame, secs_per_frame, seed)``; ``secs_per_frame`` is
``fps.den / fps.num`` divided once (§1.3). Errors (procedural type mismatches, bad Expr
parameters, empty keyframes) are raised when a frame is sampled, as the reference does,
with its exact messages, as ``AnimationError``.
"""

from __future__ import annotations

import math
import struct
from bisect import bisect_right
from collections.abc import Callable
from typing import Any, Literal

from wavyte_core.errors import AnimationError
from wavyte_core.format.model import (
    Anim,
    AudioLevel,
    Delay,
    Envelope,
    Expr,
    InterpMode,
    Keyframes,
    Loop,
    LoopMode,
    Mix,
    Noise1D,
    Procedural,
    ProcScalar,
    ProcScalarKind,
    Reverse,
    Sine,
    Speed,
    Spring,
    Transform2D,
    Vec2,
)
from wavyte_core.timeline.ease import ease_fn
from wavyte_core.timeline.rng import noise01

__all__ = [
    "AnimKind",
    "compile_anim",
    "is_constant",
    "TransformParts",
    "lerp_f64",
    "lerp_parts",
    "lerp_transform",
    "parts_transform",
    "transform_parts",
    "sample_f64",
    "sample_transform",
]

AnimKind = Literal["f64", "transform", "parts"]
#: A Transform2D flattened to ``(tx, ty, rotation_rad, sx, sy, ax, ay)``: the evaluator's
#: form, cheaper to interpolate than frozen dataclasses (see ``affine.parts_to_affine``).
TransformParts = tuple[float, float, float, float, float, float, float]
Sampler = Callable[[int], Any]
#: ``AudioLevel`` → ``level(clip_local_frame) -> 0..1`` (see `compile_anim`)
LevelLookup = Callable[[AudioLevel], Callable[[int], float]]

U64_MAX = 0xFFFF_FFFF_FFFF_FFFF
TAU = math.tau

MSG_NO_KEYS = "Keyframes has no keys and no default"
MSG_VEC2_AS_F64 = "procedural kind Vec2 cannot be sampled as f64"
MSG_PROC_TRANSFORM = "procedural sampling for Transform2D is not supported in v0.2"
MSG_SPEED = "Speed factor must be > 0"
MSG_REVERSE = "Reverse duration must be > 0"
MSG_LOOP = "Loop period must be > 0"


# ------------------------------------------------------------------------------ lerps


def lerp_f64(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def lerp_transform(a: Transform2D, b: Transform2D, t: float) -> Transform2D:
    """Component-wise lerp in decomposed space (no angle wrapping), §1.5.1."""
    at, bt, asc, bsc, aa, ba = a.translate, b.translate, a.scale, b.scale, a.anchor, b.anchor
    return Transform2D(
        Vec2(at.x + (bt.x - at.x) * t, at.y + (bt.y - at.y) * t),
        a.rotation_rad + (b.rotation_rad - a.rotation_rad) * t,
        Vec2(asc.x + (bsc.x - asc.x) * t, asc.y + (bsc.y - asc.y) * t),
        Vec2(aa.x + (ba.x - aa.x) * t, aa.y + (ba.y - aa.y) * t),
    )


def lerp_parts(a: TransformParts, b: TransformParts, t: float) -> TransformParts:
    """``lerp_transform`` on flattened components (same per-component formula)."""
    a0, a1, a2, a3, a4, a5, a6 = a
    b0, b1, b2, b3, b4, b5, b6 = b
    return (
        a0 + (b0 - a0) * t,
        a1 + (b1 - a1) * t,
        a2 + (b2 - a2) * t,
        a3 + (b3 - a3) * t,
        a4 + (b4 - a4) * t,
        a5 + (b5 - a5) * t,
        a6 + (b6 - a6) * t,
    )


def transform_parts(v: Transform2D) -> TransformParts:
    return (
        v.translate.x,
        v.translate.y,
        v.rotation_rad,
        v.scale.x,
        v.scale.y,
        v.anchor.x,
        v.anchor.y,
    )


def parts_transform(p: TransformParts) -> Transform2D:
    return Transform2D(Vec2(p[0], p[1]), p[2], Vec2(p[3], p[4]), Vec2(p[5], p[6]))


_LERPS: dict[str, Callable[[Any, Any, float], Any]] = {
    "f64": lerp_f64,
    "transform": lerp_transform,
    "parts": lerp_parts,
}
_COERCE: dict[str, Callable[[Any], Any]] = {
    "f64": float,
    "transform": lambda v: v,
    "parts": transform_parts,
}


def _clamp01(t: float) -> float:
    if t < 0.0:
        return 0.0
    if t > 1.0:
        return 1.0
    return t


def _raiser(msg: str) -> Sampler:
    def fail(_f: int) -> Any:
        raise AnimationError(msg)

    return fail


def _const(v: Any) -> Sampler:
    return lambda _f: v


# -------------------------------------------------------------------------- keyframes


def _compile_keyframes(kf: Keyframes, kind: AnimKind) -> Sampler:
    keys = kf.keys
    coerce = _COERCE[kind]
    if not keys:
        if kf.default is None:
            return _raiser(MSG_NO_KEYS)
        return _const(coerce(kf.default))
    values = tuple(coerce(k.value) for k in keys)
    if len(keys) == 1:
        return _const(values[0])
    frames = tuple(k.frame for k in keys)
    eases = tuple(ease_fn(k.ease) for k in keys)
    n = len(keys)
    first, last = values[0], values[-1]

    if kf.mode == InterpMode.Hold:

        def sample_hold(f: int) -> Any:
            idx = bisect_right(frames, f)
            if idx == 0:
                return first
            if idx >= n:
                return last
            return values[idx - 1]

        return sample_hold

    lerp = _LERPS[kind]

    def sample_linear(f: int) -> Any:
        idx = bisect_right(frames, f)
        if idx == 0:
            return first
        if idx >= n:
            return last
        fa = frames[idx - 1]
        den = frames[idx] - fa
        if den == 0:
            return values[idx - 1]
        t = float(f - fa) / float(den)
        # ``t`` is already in [0, 1): the clamp of Ease::apply is a no-op here.
        return lerp(values[idx - 1], values[idx], eases[idx - 1](t))

    return sample_linear


# ------------------------------------------------------------------------- procedural


def _fmax(a: float, b: float) -> float:
    """Rust ``f64::max``: a NaN operand yields the other one."""
    if a != a:
        return b
    if b != b:
        return a
    return a if a > b else b


def _compile_scalar(
    p: ProcScalar, spf: float, seed: int, levels: LevelLookup | None = None
) -> Callable[[int], float]:
    if isinstance(p, Sine):
        amp, freq, phase, offset = p.amp, p.freq_hz, p.phase, p.offset
        sin = math.sin

        def sine(f: int) -> float:
            x = TAU * freq * (float(f) * spf) + phase
            try:
                return offset + amp * sin(x)
            except ValueError:  # sin(±inf): Rust gives NaN
                return offset + amp * math.nan

        return sine

    if isinstance(p, Noise1D):
        amp, freq, offset = p.amp, p.freq_hz, p.offset
        floor = math.floor

        def noise(f: int) -> float:
            x = (float(f) * spf) * freq
            if x != x:  # NaN: Rust floor/max/cast give lattice point 0 and t = NaN
                i0 = x
                i0u = 0
            else:
                i0 = float(floor(x)) if math.isfinite(x) else x
                i0u = 0 if i0 <= 0.0 else (U64_MAX if i0 >= 18446744073709551615.0 else int(i0))
            t = x - i0
            a = noise01(seed, i0u) * 2.0 - 1.0
            b = noise01(seed, (i0u + 1) & U64_MAX) * 2.0 - 1.0
            return offset + amp * (a + (b - a) * t)

        return noise

    if isinstance(p, Envelope):
        attack, decay, sustain, release = p.attack, p.decay, p.sustain, p.release
        ad = min(attack + decay, U64_MAX)
        adr = min(ad + release, U64_MAX)

        def envelope(f: int) -> float:
            if attack > 0 and f < attack:
                return float(f) / float(attack)
            if decay > 0 and f < ad:
                return 1.0 + (sustain - 1.0) * (float(f - attack) / float(decay))
            if release > 0 and f < adr:
                return sustain * (1.0 - float(f - attack - decay) / float(release))
            return 0.0

        return envelope

    if isinstance(p, Spring):
        omega = _fmax(p.stiffness, 0.0)
        d = _fmax(p.damping, 0.0)
        rate = _fmax(omega / (1.0 + d), 1e-6)
        target = p.target
        exp = math.exp

        def spring(f: int) -> float:
            secs = float(f) * spf
            e = exp(-rate * secs)
            return target * (1.0 - e * (1.0 + rate * secs))

        return spring

    if isinstance(p, AudioLevel):
        if levels is None:
            return _raiser(
                f"AudioLevel of asset '{p.asset}' needs the decoded sound (a render or a "
                "prepared job; `wavyte eval` decodes it too)"
            )
        level = levels(p)
        gain, offset = p.gain, p.offset

        def audio_level(f: int) -> float:
            return offset + gain * level(f)

        return audio_level

    raise TypeError(f"unknown procedural scalar {type(p).__name__}")


def _compile_procedural(
    p: Procedural, kind: AnimKind, spf: float, seed: int, levels: LevelLookup | None
) -> Sampler:
    if kind != "f64":
        return _raiser(MSG_PROC_TRANSFORM)
    if isinstance(p.kind, ProcScalarKind):
        return _compile_scalar(p.kind.params, spf, seed, levels)
    return _raiser(MSG_VEC2_AS_F64)


# ------------------------------------------------------------------------------- expr


def _saturating_u64_floor(x: float) -> int:
    """Rust ``x.floor().max(0.0) as u64``: NaN → 0, saturating at both ends."""
    if x != x or x <= 0.0:
        return 0
    if x >= 18446744073709551615.0:
        return U64_MAX
    return int(math.floor(x))


def _compile_expr(
    e: Expr, kind: AnimKind, spf: float, seed: int, levels: LevelLookup | None
) -> Sampler:
    node = e.node
    if isinstance(node, Delay):
        inner = _compile(node.inner, kind, spf, seed, levels)
        by = node.by
        return lambda f: inner(0 if f < by else f - by)

    if isinstance(node, Speed):
        factor = node.factor
        if factor <= 0.0:
            return _raiser(MSG_SPEED)
        inner = _compile(node.inner, kind, spf, seed, levels)
        return lambda f: inner(_saturating_u64_floor(float(f) * factor))

    if isinstance(node, Reverse):
        if node.duration == 0:
            return _raiser(MSG_REVERSE)
        inner = _compile(node.inner, kind, spf, seed, levels)
        m = node.duration - 1
        return lambda f: inner(m - (f if f < m else m))

    if isinstance(node, Loop):
        period = node.period
        if period == 0:
            return _raiser(MSG_LOOP)
        inner = _compile(node.inner, kind, spf, seed, levels)
        if node.mode == LoopMode.Repeat:
            return lambda f: inner(f % period)
        if period == 1:
            return lambda _f: inner(0)
        cycle = 2 * (period - 1)

        def ping_pong(f: int) -> Any:
            pos = f % cycle
            return inner(pos if pos < period else cycle - pos)

        return ping_pong

    if isinstance(node, Mix):
        ta = _compile(node.t, "f64", spf, seed, levels)
        aa = _compile(node.a, kind, spf, seed, levels)
        ba = _compile(node.b, kind, spf, seed, levels)
        lerp = _LERPS[kind]

        def mix(f: int) -> Any:
            tt = _clamp01(ta(f))
            return lerp(aa(f), ba(f), tt)

        return mix

    raise TypeError(f"unknown Expr node {type(node).__name__}")


# ------------------------------------------------------------------------------ public


def _compile(
    anim: Anim, kind: AnimKind, spf: float, seed: int, levels: LevelLookup | None = None
) -> Sampler:
    if isinstance(anim, Keyframes):
        return _compile_keyframes(anim, kind)
    if isinstance(anim, Procedural):
        return _compile_procedural(anim, kind, spf, seed, levels)
    if isinstance(anim, Expr):
        return _compile_expr(anim, kind, spf, seed, levels)
    raise TypeError(f"not an Anim: {type(anim).__name__}")


def compile_anim(
    anim: Anim,
    kind: AnimKind,
    *,
    secs_per_frame: float,
    seed: int,
    levels: LevelLookup | None = None,
) -> Callable[[int], Any]:
    """Compile ``anim`` once into ``sample(clip_local_frame) -> float | Transform2D``.

    ``kind`` is ``"f64"`` (opacity, mix factors), ``"transform"`` (``Transform2D``
    values, not yet turned into a matrix) or ``"parts"`` (the same values as flat 7-tuples,
    for the frame loop; bit-identical components). The closure raises ``AnimationError`` with the
    reference's message when the animation cannot be sampled.

    ``levels`` resolves an ``AudioLevel`` to ``level(clip_local_frame) -> 0..1`` (a lookup
    in a table computed once per render, offset by the clip's start); without it an
    AudioLevel raises when sampled.
    """
    return _compile(anim, kind, secs_per_frame, seed, levels)


def audio_levels_in(anim: Anim) -> list[AudioLevel]:
    """Every ``AudioLevel`` used by ``anim`` (to know which sounds to analyse)."""
    if isinstance(anim, Procedural):
        k = anim.kind
        ps = (k.params,) if isinstance(k, ProcScalarKind) else (k.x, k.y)
        return [p for p in ps if isinstance(p, AudioLevel)]
    if isinstance(anim, Expr):
        node = anim.node
        if isinstance(node, Mix):
            return audio_levels_in(node.a) + audio_levels_in(node.b) + audio_levels_in(node.t)
        return audio_levels_in(node.inner)
    return []


def sample_f64(anim: Anim, frame: int, secs_per_frame: float, seed: int) -> float:
    """One-off sample of an ``Anim<f64>`` (compiles each call: not for the frame loop)."""
    return _compile(anim, "f64", secs_per_frame, seed)(frame)


def sample_transform(anim: Anim, frame: int, secs_per_frame: float, seed: int) -> Transform2D:
    """One-off sample of an ``Anim<Transform2D>`` (compiles each call: not for the frame loop)."""
    return _compile(anim, "transform", secs_per_frame, seed)(frame)


# --------------------------------------------------------------------------- constness

_pack_d = struct.Struct("<d").pack


def _floats(v: Any) -> tuple[float, ...]:
    if isinstance(v, Transform2D):
        return transform_parts(v)
    return (float(v),)


def _bits(v: Any) -> tuple[bytes, ...]:
    return tuple(_pack_d(x) for x in _floats(v))


def _lerp_is_identity(v: Any) -> bool:
    """``v + (v − v)·t == v`` bit for bit: true unless a component is −0.0 or non-finite."""
    return all(
        math.isfinite(x) and not (x == 0.0 and math.copysign(1.0, x) < 0) for x in _floats(v)
    )


def is_constant(anim: Anim) -> bool:
    """True when ``anim`` samples to the same bits at every frame and can never raise.

    Then the evaluator samples it once (at frame 0) and hoists the value out of the loop.
    Conservative: procedurals are never constant; Expr nodes are constant when their
    inputs are (and their parameters are valid).
    """
    if isinstance(anim, Keyframes):
        keys = anim.keys
        if not keys:
            return anim.default is not None
        if len(keys) == 1 or all(k.frame == 0 for k in keys):
            return True
        first = _bits(keys[0].value)
        if any(_bits(k.value) != first for k in keys[1:]):
            return False
        return anim.mode == InterpMode.Hold or _lerp_is_identity(keys[0].value)
    if isinstance(anim, Expr):
        node = anim.node
        if isinstance(node, Delay):
            return is_constant(node.inner)
        if isinstance(node, Speed):
            return not (node.factor <= 0.0) and is_constant(node.inner)
        if isinstance(node, Reverse):
            return node.duration > 0 and is_constant(node.inner)
        if isinstance(node, Loop):
            return node.period > 0 and is_constant(node.inner)
        if isinstance(node, Mix):
            # lerp(a, b, tt) with constant inputs is constant.
            return is_constant(node.t) and is_constant(node.a) and is_constant(node.b)
    return False
