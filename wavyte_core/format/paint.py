"""Paint, gradient stops and strokes (format 0.3, "Paint and stroke"): model, JSON reader,
JSON writer.

One model serves two moments:

- **as read from JSON** (once, when a composition is checked): every animatable leaf is
  either a plain value or an `Animated` (its ``Anim`` tree, sampled later);
- **as sampled** (what a kind's ``draw`` returns and a rasterizer draws): every leaf is a
  plain value: colours ``(r, g, b, a)`` ints (straight alpha, 0..255), points ``(x, y)``
  floats, numbers floats. `wavyte_core.timeline.tree.compile_tree` turns the first into
  a per-frame sampler of the second.

Rules (each broken one is a `CompositionError` naming the JSON path): objects refuse
unknown fields; a gradient has at least 2 stops, offsets in [0, 1] and non-decreasing;
radius, width and dash entries are >= 0 and a dash array is not all zeros; miter_limit
>= 1. Readers for other kinds' animatable leaves (`read_number`, `read_colour`,
`read_point`) and strict objects (`strict_fields`) live here too, so every 0.3 object
reads the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from wavyte_core.errors import CompositionError
from wavyte_core.format import model as m
from wavyte_core.format.colour import colour_value
from wavyte_core.format.load import describe_json, index_path, member_path, read_anim

__all__ = [
    "Animated",
    "EXTENDS",
    "JOINS",
    "CAPS",
    "LinearGradient",
    "Paint",
    "RadialGradient",
    "Solid",
    "Stop",
    "Stroke",
    "WHITE",
    "anim_value",
    "enum_field",
    "is_anim",
    "paint_to_value",
    "read_colour",
    "read_number",
    "read_paint",
    "read_point",
    "read_stroke",
    "strict_fields",
    "stroke_to_value",
    "variant",
]

RGBA8 = tuple[int, int, int, int]
Point = tuple[float, float]
LeafKind = Literal["number", "colour", "point"]
EXTENDS = ("Pad", "Repeat", "Reflect")
JOINS = ("Miter", "Round", "Bevel")
CAPS = ("Butt", "Round", "Square")
WHITE: RGBA8 = (255, 255, 255, 255)
_ANIM_TAGS = ("Keyframes", "Procedural", "Expr")


@dataclass(frozen=True, slots=True)
class Animated:
    """An animatable leaf given as an ``Anim``: ``kind`` says what one value is (a number,
    an RGBA8 colour, an (x, y) point); sampled numbers are clamped to ``[min, max]``
    (procedurals may overshoot), colours rounded and clamped to 0..255. ``source`` is the
    JSON it was read from (for the writer)."""

    anim: m.Anim
    kind: LeafKind
    min: float | None = None
    max: float | None = None
    source: Any = None


@dataclass(frozen=True, slots=True)
class Solid:
    color: RGBA8 | Animated


@dataclass(frozen=True, slots=True)
class Stop:
    offset: float
    color: RGBA8 | Animated


@dataclass(frozen=True, slots=True)
class LinearGradient:
    start: Point | Animated
    end: Point | Animated
    stops: tuple[Stop, ...]
    extend: str = "Pad"


@dataclass(frozen=True, slots=True)
class RadialGradient:
    """``focal`` None: the focal point is the centre (a plain radial gradient)."""

    center: Point | Animated
    radius: float | Animated
    stops: tuple[Stop, ...]
    extend: str = "Pad"
    focal: Point | Animated | None = None


Paint: TypeAlias = Solid | LinearGradient | RadialGradient


@dataclass(frozen=True, slots=True)
class Stroke:
    """A stroke centred on the outline. ``dash`` empty: solid; otherwise on/off lengths
    (an odd count repeats, as SVG does)."""

    width: float | Animated = 1.0
    paint: Paint = Solid(WHITE)
    join: str = "Miter"
    cap: str = "Butt"
    miter_limit: float | Animated = 4.0
    dash: tuple[float, ...] = ()
    dash_offset: float | Animated = 0.0


# ------------------------------------------------------------------------ reading helpers


def is_anim(v: Any) -> bool:
    """A JSON value in the ``Anim`` spelling (one key: Keyframes, Procedural or Expr)."""
    return isinstance(v, dict) and len(v) == 1 and next(iter(v)) in _ANIM_TAGS


def strict_fields(
    v: Any, path: str, name: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """An object of a 0.3 type: unknown fields are refused (with their path), required ones
    must be present."""
    if not isinstance(v, dict):
        raise CompositionError(path, f"expected an object ({name}), got {describe_json(v)}")
    for key in v:
        if key not in allowed:
            raise CompositionError(
                member_path(path, key),
                f"unknown field '{key}' ({name} takes: {', '.join(allowed)})",
            )
    for key in required:
        if key not in v:
            raise CompositionError(path, f"missing field '{key}' ({name})")
    return v


def variant(v: Any, path: str, names: tuple[str, ...], enum_name: str) -> tuple[str, Any, str]:
    """An externally tagged enum with content: ``{"Tag": content}`` → (tag, content, path)."""
    if not isinstance(v, dict) or len(v) != 1:
        raise CompositionError(
            path, f"expected {enum_name}: an object with one key, one of {', '.join(names)}"
        )
    ((tag, content),) = v.items()
    if tag not in names:
        raise CompositionError(
            path, f"unknown {enum_name} '{tag}', expected one of {', '.join(names)}"
        )
    return tag, content, member_path(path, tag)


def enum_field(v: Any, path: str, names: tuple[str, ...], what: str) -> str:
    """A unit enum given as a string."""
    if type(v) is not str or v not in names:
        raise CompositionError(
            path, f"{what} must be one of {', '.join(names)}, got {describe_json(v)}"
        )
    return v


def _num(v: Any, path: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise CompositionError(path, f"expected a number, got {describe_json(v)}")
    x = float(v)
    if not math.isfinite(x):
        raise CompositionError(path, "must be finite")
    return x


def _bounded(
    x: float, path: str, lo: float | None, hi: float | None, lo_open: bool = False
) -> float:
    if lo is not None and (x < lo or (lo_open and x == lo)):
        raise CompositionError(
            path, f"must be {'>' if lo_open else '>='} {_fmt(lo)}, got {_fmt(x)}"
        )
    if hi is not None and x > hi:
        raise CompositionError(path, f"must be <= {_fmt(hi)}, got {_fmt(x)}")
    return x


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def _point(v: Any, path: str) -> Point:
    if isinstance(v, dict) and set(v) == {"x", "y"}:
        return (_num(v["x"], path + ".x"), _num(v["y"], path + ".y"))
    if type(v) is list and len(v) == 2:
        return (_num(v[0], index_path(path, 0)), _num(v[1], index_path(path, 1)))
    raise CompositionError(path, f"expected a point [x, y] or {{x, y}}, got {describe_json(v)}")


def _animated(
    v: Any,
    path: str,
    kind: LeafKind,
    read_one: Callable[[Any, str], Any],
    lo: float | None = None,
    hi: float | None = None,
) -> Animated:
    from wavyte_core.format.validate import validate_anim

    anim = read_anim(v, path, read_one)
    validate_anim(anim, path)
    _check_procedural(anim, kind, path)
    return Animated(anim, kind, lo, hi, v)


def _check_procedural(anim: m.Anim, kind: LeafKind, path: str) -> None:
    """Procedurals drive numbers (Scalar) and points (Vec2); colours are keyframed."""
    if isinstance(anim, m.Procedural):
        vec2 = isinstance(anim.kind, m.ProcVec2Kind)
        if kind == "colour":
            raise CompositionError(path + ".Procedural", "a colour cannot be procedural")
        if kind == "number" and vec2:
            raise CompositionError(path + ".Procedural.kind", "a number needs a Scalar procedural")
        if kind == "point" and not vec2:
            raise CompositionError(path + ".Procedural.kind", "a point needs a Vec2 procedural")
    elif isinstance(anim, m.Expr):
        node = anim.node
        epath = f"{path}.Expr.{type(node).__name__}"
        if isinstance(node, m.Mix):
            _check_procedural(node.a, kind, epath + ".a")
            _check_procedural(node.b, kind, epath + ".b")
            _check_procedural(node.t, "number", epath + ".t")
        else:
            _check_procedural(node.inner, kind, epath + ".inner")


def read_number(
    v: Any,
    path: str,
    *,
    min: float | None = None,  # noqa: A002
    max: float | None = None,  # noqa: A002
    min_exclusive: bool = False,
    animatable: bool = True,
) -> float | Animated:
    """An animatable number: a JSON number (checked against ``[min, max]``) or an Anim
    whose keyframe values are checked the same way."""

    def one(x: Any, p: str) -> float:
        return _bounded(_num(x, p), p, min, max, min_exclusive)

    if animatable and is_anim(v):
        return _animated(v, path, "number", one, min, max)
    return one(v, path)


def read_colour(v: Any, path: str) -> RGBA8 | Animated:
    """An animatable colour: ``[r, g, b, a]`` or a CSS hex string (``#rgb``, ``#rgba``,
    ``#rrggbb``, ``#rrggbbaa``), or an Anim of those."""
    if is_anim(v):
        return _animated(v, path, "colour", colour_value)
    return colour_value(v, path)


def read_point(v: Any, path: str) -> Point | Animated:
    """An animatable point: ``[x, y]`` or ``{"x": x, "y": y}``, or an Anim of those."""
    if is_anim(v):
        return _animated(v, path, "point", _point)
    return _point(v, path)


# ------------------------------------------------------------------------ paint and stroke

_STOP = ("offset", "color")
_LINEAR = ("start", "end", "stops", "extend")
_RADIAL = ("center", "radius", "focal", "stops", "extend")
_STROKE = ("width", "paint", "join", "cap", "miter_limit", "dash", "dash_offset")


def read_paint(v: Any, path: str) -> Paint:
    """``{"Solid": colour}``, ``{"LinearGradient": {...}}`` or ``{"RadialGradient": {...}}``."""
    tag, content, cpath = variant(v, path, ("Solid", "LinearGradient", "RadialGradient"), "Paint")
    if tag == "Solid":
        return Solid(read_colour(content, cpath))
    if tag == "LinearGradient":
        f = strict_fields(content, cpath, tag, _LINEAR, ("start", "end", "stops"))
        return LinearGradient(
            start=read_point(f["start"], cpath + ".start"),
            end=read_point(f["end"], cpath + ".end"),
            stops=_read_stops(f["stops"], cpath + ".stops"),
            extend=_extend(f, cpath),
        )
    f = strict_fields(content, cpath, tag, _RADIAL, ("center", "radius", "stops"))
    focal = f.get("focal")
    return RadialGradient(
        center=read_point(f["center"], cpath + ".center"),
        radius=read_number(f["radius"], cpath + ".radius", min=0.0),
        stops=_read_stops(f["stops"], cpath + ".stops"),
        extend=_extend(f, cpath),
        focal=None if focal is None else read_point(focal, cpath + ".focal"),
    )


def _extend(f: dict[str, Any], path: str) -> str:
    if "extend" not in f:
        return "Pad"
    return enum_field(f["extend"], path + ".extend", EXTENDS, "extend")


def _read_stops(v: Any, path: str) -> tuple[Stop, ...]:
    if type(v) is not list:
        raise CompositionError(path, f"expected an array of stops, got {describe_json(v)}")
    if len(v) < 2:
        raise CompositionError(path, f"a gradient needs at least 2 stops, got {len(v)}")
    out: list[Stop] = []
    prev = 0.0
    for i, s in enumerate(v):
        spath = index_path(path, i)
        f = strict_fields(s, spath, "Stop", _STOP, _STOP)
        off = _bounded(_num(f["offset"], spath + ".offset"), spath + ".offset", 0.0, 1.0)
        if off < prev:
            raise CompositionError(
                spath + ".offset",
                f"stop offsets must be non-decreasing ({_fmt(off)} after {_fmt(prev)})",
            )
        prev = off
        out.append(Stop(off, read_colour(f["color"], spath + ".color")))
    return tuple(out)


def read_stroke(v: Any, path: str) -> Stroke:
    """A Stroke object (every field optional: width 1, white, Miter, Butt, 4, solid)."""
    f = strict_fields(v, path, "Stroke", _STROKE)
    kw: dict[str, Any] = {}
    if "width" in f:
        kw["width"] = read_number(f["width"], path + ".width", min=0.0)
    if "paint" in f:
        kw["paint"] = read_paint(f["paint"], path + ".paint")
    if "join" in f:
        kw["join"] = enum_field(f["join"], path + ".join", JOINS, "join")
    if "cap" in f:
        kw["cap"] = enum_field(f["cap"], path + ".cap", CAPS, "cap")
    if "miter_limit" in f:
        kw["miter_limit"] = read_number(f["miter_limit"], path + ".miter_limit", min=1.0)
    if "dash" in f:
        kw["dash"] = _read_dash(f["dash"], path + ".dash")
    if "dash_offset" in f:
        kw["dash_offset"] = read_number(f["dash_offset"], path + ".dash_offset")
    return Stroke(**kw)


def _read_dash(v: Any, path: str) -> tuple[float, ...]:
    if type(v) is not list:
        raise CompositionError(path, f"expected an array of lengths, got {describe_json(v)}")
    out = []
    for i, x in enumerate(v):
        ipath = index_path(path, i)
        d = _num(x, ipath)
        if d < 0:
            raise CompositionError(ipath, f"dash lengths must be >= 0, got {_fmt(d)}")
        out.append(d)
    if out and not any(out):
        raise CompositionError(path, "a dash array must not be all zeros")
    return tuple(out)


# ------------------------------------------------------------------------------- writing


def anim_value(x: Any) -> Any:
    """A leaf as JSON: an `Animated` writes back the JSON it was read from (or, when built
    in Python, its Anim with `wavyte_core.format.dump`'s writer); colours as arrays."""
    if isinstance(x, Animated):
        if x.source is not None:
            return x.source
        from wavyte_core.format.dump import anim_to_value

        return anim_to_value(x.anim, lambda v: list(v) if isinstance(v, tuple) else float(v))
    if isinstance(x, tuple):
        return list(x)
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else x


def paint_to_value(p: Paint) -> dict[str, Any]:
    """A Paint as JSON (defaults omitted)."""
    if isinstance(p, Solid):
        return {"Solid": anim_value(p.color)}
    stops = [{"offset": float(s.offset), "color": anim_value(s.color)} for s in p.stops]
    if isinstance(p, LinearGradient):
        body: dict[str, Any] = {
            "start": anim_value(p.start),
            "end": anim_value(p.end),
            "stops": stops,
        }
    else:
        body = {"center": anim_value(p.center), "radius": anim_value(p.radius)}
        if p.focal is not None:
            body["focal"] = anim_value(p.focal)
        body["stops"] = stops
    if p.extend != "Pad":
        body["extend"] = p.extend
    return {type(p).__name__: body}


def stroke_to_value(s: Stroke) -> dict[str, Any]:
    """A Stroke as JSON (defaults omitted)."""
    d = Stroke()
    out: dict[str, Any] = {"width": anim_value(s.width)}
    if s.paint != d.paint:
        out["paint"] = paint_to_value(s.paint)
    for name in ("join", "cap"):
        if getattr(s, name) != getattr(d, name):
            out[name] = getattr(s, name)
    if s.miter_limit != d.miter_limit:
        out["miter_limit"] = anim_value(s.miter_limit)
    if s.dash:
        out["dash"] = [float(x) for x in s.dash]
    if s.dash_offset != d.dash_offset:
        out["dash_offset"] = anim_value(s.dash_offset)
    return out
