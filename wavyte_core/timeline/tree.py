"""Sampling structured values whose leaves may be animated (Paint, Stroke, a Shape, any
asset kind's typed params), compiled once into a per-frame function.

A structured value is a tree of frozen dataclasses, tuples and plain values, with
`wavyte_core.format.paint.Animated` leaves where the JSON gave an ``Anim``.
`compile_tree` walks it once (at load) and returns the value at clip frame 0 and, when
anything is animated, ``sample(clip_local_frame)`` that rebuilds only the nodes on the way
to an animated leaf (the rest are shared, unchanged objects). Sampled trees compare equal
when their values are equal, so they can be part of a layer's cache key.

Vector leaves (colours, points) animate per component: each component is an ``Anim<f64>``
with the same keys and eases, compiled by the same `compile_anim` as clip props, so
sampling is exactly a component-wise lerp. Colours are rounded half away from zero and
clamped to 0..255; numbers are clamped to the leaf's ``[min, max]``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from wavyte_core.errors import CompositionError
from wavyte_core.format import model as m
from wavyte_core.format.paint import Animated
from wavyte_core.timeline.anim import LevelLookup, compile_anim

__all__ = ["anim_component", "compile_leaf", "compile_tree", "round_away"]

Sampler = Callable[[int], Any]


def round_away(x: float) -> float:
    """Round half away from zero (0 for a non-finite value)."""
    if not math.isfinite(x):
        return 0.0
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def anim_component(anim: m.Anim, k: int, n: int, path: str) -> m.Anim:
    """Component ``k`` of an ``n``-component Anim tree as an Anim<f64> tree (``n`` 1:
    the tree itself, its values as floats)."""
    if isinstance(anim, m.Keyframes):
        if n == 1:
            return anim
        keys = tuple(
            m.Keyframe(frame=key.frame, value=key.value[k], ease=key.ease) for key in anim.keys
        )
        default = None if anim.default is None else anim.default[k]
        return m.Keyframes(keys=keys, mode=anim.mode, default=default)
    if isinstance(anim, m.Procedural):
        kind = anim.kind
        if isinstance(kind, m.ProcVec2Kind):
            if n != 2:
                raise CompositionError(path, "a Vec2 procedural drives only points")
            return m.Procedural(m.ProcScalarKind(kind.x if k == 0 else kind.y))
        if n == 2:
            raise CompositionError(path, "a point needs a Vec2 procedural")
        if n != 1:
            raise CompositionError(path, "procedurals drive numbers and points only")
        return anim
    node = anim.node  # Expr
    if isinstance(node, m.Mix):
        return m.Expr(
            m.Mix(
                a=anim_component(node.a, k, n, path),
                b=anim_component(node.b, k, n, path),
                t=node.t,
            )
        )
    return m.Expr(replace(node, inner=anim_component(node.inner, k, n, path)))


def compile_leaf(
    leaf: Animated,
    *,
    secs_per_frame: float,
    seed: int,
    path: str = "",
    levels: LevelLookup | None = None,
) -> Sampler:
    """``sample(clip_local_frame)`` of one animated leaf (``levels``: see `compile_anim`)."""
    n = {"number": 1, "colour": 4, "point": 2}[leaf.kind]
    fns = [
        compile_anim(anim_component(leaf.anim, k, n, path), "f64", secs_per_frame=secs_per_frame,
                     seed=seed, levels=levels)
        for k in range(n)
    ]  # fmt: skip
    lo, hi = leaf.min, leaf.max

    def clamp(x: float) -> float:
        if lo is not None and x < lo:
            x = lo
        if hi is not None and x > hi:
            x = hi
        return x

    if leaf.kind == "number":
        f0 = fns[0]
        if lo is None and hi is None:
            return f0
        return lambda f: clamp(f0(f))
    if leaf.kind == "point":
        fx, fy = fns
        return lambda f: (clamp(fx(f)), clamp(fy(f)))

    def colour(f: int) -> tuple[int, ...]:
        return tuple(min(max(int(round_away(fn(f))), 0), 255) for fn in fns)

    return colour


def compile_tree(
    value: Any,
    *,
    secs_per_frame: float,
    seed: int,
    path: str = "",
    levels: LevelLookup | None = None,
) -> tuple[Any, Sampler | None]:
    """``(value at frame 0, sample or None)``; None when nothing in ``value`` is animated
    (then the first value holds on every frame). ``levels``: see `compile_anim`."""
    fn = _compile(value, secs_per_frame, seed, path, levels)
    if fn is None:
        return value, None
    return fn(0), fn


def _compile(
    value: Any, spf: float, seed: int, path: str, levels: LevelLookup | None = None
) -> Sampler | None:
    if isinstance(value, Animated):
        return compile_leaf(value, secs_per_frame=spf, seed=seed, path=path, levels=levels)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = [f.name for f in dataclasses.fields(value)]
        parts = [_compile(getattr(value, n), spf, seed, f"{path}.{n}", levels) for n in names]
        if all(p is None for p in parts):
            return None
        cls = type(value)
        getters: list[Sampler] = [
            p if p is not None else _const(getattr(value, n))
            for n, p in zip(names, parts, strict=True)
        ]
        return lambda f: cls(*[g(f) for g in getters])
    if isinstance(value, tuple):
        parts = [_compile(x, spf, seed, f"{path}[{i}]", levels) for i, x in enumerate(value)]
        if all(p is None for p in parts):
            return None
        getters = [p if p is not None else _const(x) for x, p in zip(value, parts, strict=True)]
        make = getattr(type(value), "_make", None)
        if make is not None:  # a named tuple
            return lambda f: make([g(f) for g in getters])
        return lambda f: tuple([g(f) for g in getters])
    return None


def _const(v: Any) -> Sampler:
    return lambda _f: v
