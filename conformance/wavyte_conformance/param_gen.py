"""Params generated from a kind's declaration, for certification.

The contracts do not trust a kind's own examples to exercise it: `edge_params` gives the
declared defaults with each param moved to each edge of its range (``min``, ``max``, every
enum choice, both booleans, a few colours), and `params_strategy` gives Hypothesis
strategies of random params within the declared ranges, edges included, animated params
included (``{"Keyframes": …}`` between two values of the range). Values are JSON, as a
composition writes them, so they go through the same loader as a document.

Called when tests are collected and run, never by the renderer.
"""

from __future__ import annotations

import math
from typing import Any

from wavyte_core.plugin.params import Param

__all__ = ["edge_params", "edge_values", "params_strategy", "describe_params"]

#: How far an unbounded number is swept around its default (in units of the default's
#: magnitude + 1): wide enough for negative offsets and large radii, small enough to stay
#: meaningful for a 64×48 test layer.
UNBOUNDED_SPAN = 4.0


def _range(p: Param) -> tuple[float, float]:
    """The interval a number/int/point component is swept over (inclusive, finite)."""
    d = p.default
    if p.type == "point" and isinstance(d, (list, tuple)):
        mag = max((abs(float(c)) for c in d), default=0.0)
    elif isinstance(d, (int, float)) and not isinstance(d, bool):
        mag = abs(float(d))
    else:
        mag = 0.0
    span = (mag + 1.0) * UNBOUNDED_SPAN
    lo = float(p.min) if p.min is not None else -span
    hi = float(p.max) if p.max is not None else span
    if p.min is not None and p.max is None:
        hi = max(lo, 0.0) + span
    if p.max is not None and p.min is None:
        lo = min(hi, 0.0) - span
    if p.min_exclusive:
        lo = math.nextafter(lo, math.inf) if p.type != "int" else math.floor(lo) + 1
    if p.max_exclusive:
        hi = math.nextafter(hi, -math.inf) if p.type != "int" else math.ceil(hi) - 1
    if p.type == "int":
        lo, hi = float(math.ceil(lo)), float(math.floor(hi))
    return lo, hi


def _num(p: Param, x: float) -> Any:
    return int(x) if p.type == "int" else float(x)


def edge_values(p: Param) -> list[Any]:
    """JSON values at the edges of one param's declared range (plus its middle)."""
    t = p.type
    if t in ("number", "int"):
        lo, hi = _range(p)
        mid = (lo + hi) / 2
        if t == "int":
            mid = math.floor(mid)
        return _unique([_num(p, lo), _num(p, hi), _num(p, mid)])
    if t == "point":
        lo, hi = _range(p)
        return _unique([[lo, lo], [hi, hi], [lo, hi], [hi, lo]])
    if t == "enum":
        return list(p.choices)
    if t == "bool":
        return [False, True]
    if t == "colour":
        return [[0, 0, 0, 255], [255, 255, 255, 255], [255, 0, 0, 128], [0, 128, 255, 0]]
    return []  # string / matrix: the declared default only (often a file or a transform)


def _unique(xs: list[Any]) -> list[Any]:
    out: list[Any] = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


def edge_params(params: tuple[Param, ...], base: dict[str, Any]) -> list[dict[str, Any]]:
    """``base`` with each param in turn moved to each of its edge values (one param at a
    time, so a failure names the one that broke it), then all params at their low edge and
    all at their high edge together."""
    out: list[dict[str, Any]] = [dict(base)]
    for p in params:
        for v in edge_values(p):
            out.append({**base, p.name: v})
    for pick in (0, 1):
        combo = dict(base)
        for p in params:
            vals = edge_values(p)
            if len(vals) > pick:
                combo[p.name] = vals[pick]
        out.append(combo)
    return _unique(out)


def describe_params(params: dict[str, Any]) -> str:
    """Params as a composition would spell them (for failure messages)."""
    import json

    return json.dumps(params, sort_keys=True)


# ----------------------------------------------------------------------- hypothesis


def _value_strategy(p: Param) -> Any:
    from hypothesis import strategies as st

    edges = edge_values(p)
    t = p.type
    if t in ("number", "int"):
        lo, hi = _range(p)
        inner = (
            st.integers(int(lo), int(hi))
            if t == "int"
            else st.floats(lo, hi, allow_nan=False, allow_infinity=False)
        )
        return st.one_of(st.sampled_from(edges), inner)
    if t == "point":
        lo, hi = _range(p)
        c = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
        return st.one_of(st.sampled_from(edges), st.lists(c, min_size=2, max_size=2))
    if t == "colour":
        u8 = st.integers(0, 255)
        return st.one_of(st.sampled_from(edges), st.lists(u8, min_size=4, max_size=4))
    if edges:
        return st.sampled_from(edges)
    return st.just(p.default)


def _keyframes_strategy(p: Param, frames: int) -> Any:
    """``{"Keyframes": …}`` from one value of the range to another over ``frames``."""
    from hypothesis import strategies as st

    v = _value_strategy(p)
    return st.tuples(v, v, st.sampled_from(["Linear", "InOutCubic", "OutQuad"])).map(
        lambda t: {
            "Keyframes": {
                "keys": [
                    {"frame": 0, "value": t[0], "ease": t[2]},
                    {"frame": frames, "value": t[1]},
                ]
            }
        }
    )


def params_strategy(
    params: tuple[Param, ...],
    base: dict[str, Any],
    *,
    animate: bool = False,
    frames: int = 8,
) -> Any:
    """A Hypothesis strategy of params dicts: every param not required by ``base`` drawn
    within its declared range (edges weighted in), or left out (its default). With
    ``animate``, animatable params may be keyframed over ``frames`` frames."""
    from hypothesis import strategies as st

    fields: dict[str, Any] = {}
    for p in params:
        if p.type in ("string", "matrix"):
            continue  # kept as in base (file names, transforms)
        s = _value_strategy(p)
        if animate and p.animatable:
            s = st.one_of(s, _keyframes_strategy(p, frames))
        fields[p.name] = s
    optional = st.fixed_dictionaries({}, optional=fields)
    return optional.map(lambda d: {**base, **d})
