"""The Shape asset (format 0.3, "Shape asset"): model and JSON reader/writer.

``{"Shape": {"geometry": {"Rect": {...}}, "fill": Paint | null, "stroke": Stroke | null,
"fill_rule": "NonZero", "trim": {"start": 0, "end": 1, "offset": 0}}}``

Read once when a composition is checked (the Shape asset kind's ``parse``); numbers of the
geometry (not ``sides``/``points``), paints, strokes and trim are animatable leaves
(`wavyte_core.format.paint.Animated`). Unknown fields, unknown geometries and negative
sizes are refused with their JSON path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from wavyte_core.errors import CompositionError
from wavyte_core.format.load import describe_json
from wavyte_core.format.paint import (
    WHITE,
    Animated,
    Paint,
    Solid,
    Stroke,
    anim_value,
    enum_field,
    paint_to_value,
    read_number,
    read_paint,
    read_point,
    read_stroke,
    strict_fields,
    stroke_to_value,
    variant,
)

__all__ = [
    "Ellipse",
    "GEOMETRIES",
    "Line",
    "PathShape",
    "Polygon",
    "Rect",
    "ShapeSpec",
    "Star",
    "Trim",
    "read_shape",
    "shape_to_value",
]

Num = float | Animated
Pt = tuple[float, float] | Animated


@dataclass(frozen=True, slots=True)
class Rect:
    width: Num
    height: Num
    corner_radius: Num = 0.0


@dataclass(frozen=True, slots=True)
class Ellipse:
    width: Num
    height: Num


@dataclass(frozen=True, slots=True)
class Polygon:
    sides: int
    radius: Num
    corner_radius: Num = 0.0


@dataclass(frozen=True, slots=True)
class Star:
    points: int
    outer_radius: Num
    inner_radius: Num


@dataclass(frozen=True, slots=True)
class Line:
    start: Pt  # JSON "from"
    end: Pt  # JSON "to"


@dataclass(frozen=True, slots=True)
class PathShape:
    svg_path_d: str


Geometry: TypeAlias = Rect | Ellipse | Polygon | Star | Line | PathShape
GEOMETRIES = ("Rect", "Ellipse", "Polygon", "Star", "Line", "Path")


@dataclass(frozen=True, slots=True)
class Trim:
    """The part of the outline kept for the stroke: fractions of its total length."""

    start: Num = 0.0
    end: Num = 1.0
    offset: Num = 0.0


@dataclass(frozen=True, slots=True)
class ShapeSpec:
    geometry: Geometry
    fill: Paint | None = Solid(WHITE)
    stroke: Stroke | None = None
    fill_rule: str = "NonZero"
    trim: Trim | None = None


_SHAPE = ("geometry", "fill", "stroke", "fill_rule", "trim")
_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Rect": (("width", "height", "corner_radius"), ("width", "height")),
    "Ellipse": (("width", "height"), ("width", "height")),
    "Polygon": (("sides", "radius", "corner_radius"), ("sides", "radius")),
    "Star": (
        ("points", "outer_radius", "inner_radius"),
        ("points", "outer_radius", "inner_radius"),
    ),
    "Line": (("from", "to"), ("from", "to")),
    "Path": (("svg_path_d",), ("svg_path_d",)),
}


def _count(v: Any, path: str, what: str) -> int:
    if type(v) is not int or v < 3 or v > 10_000:
        raise CompositionError(
            path, f"{what} must be an integer in 3..10000, got {describe_json(v)}"
        )
    return v


def read_geometry(v: Any, path: str) -> Geometry:
    tag, content, cpath = variant(v, path, GEOMETRIES, "geometry")
    allowed, required = _FIELDS[tag]
    f = strict_fields(content, cpath, tag, allowed, required)

    def size(name: str) -> Num:
        return read_number(f[name], f"{cpath}.{name}", min=0.0)

    def opt(name: str) -> Num:
        return size(name) if name in f else 0.0

    if tag == "Rect":
        return Rect(size("width"), size("height"), opt("corner_radius"))
    if tag == "Ellipse":
        return Ellipse(size("width"), size("height"))
    if tag == "Polygon":
        return Polygon(
            _count(f["sides"], cpath + ".sides", "sides"), size("radius"), opt("corner_radius")
        )
    if tag == "Star":
        return Star(
            _count(f["points"], cpath + ".points", "points"),
            size("outer_radius"),
            size("inner_radius"),
        )
    if tag == "Line":
        return Line(read_point(f["from"], cpath + ".from"), read_point(f["to"], cpath + ".to"))
    d = f["svg_path_d"]
    if type(d) is not str or not d.strip():
        raise CompositionError(cpath + ".svg_path_d", "svg_path_d must be a non-empty string")
    return PathShape(d)


def read_trim(v: Any, path: str) -> Trim:
    f = strict_fields(v, path, "trim", ("start", "end", "offset"))
    kw = {}
    for name in ("start", "end"):
        if name in f:
            kw[name] = read_number(f[name], f"{path}.{name}", min=0.0, max=1.0)
    if "offset" in f:
        kw["offset"] = read_number(f["offset"], path + ".offset")
    return Trim(**kw)


def read_shape(v: Any, path: str) -> ShapeSpec:
    """A Shape asset's content (``path`` names it, e.g. ``assets.logo.Shape``)."""
    f = strict_fields(v, path, "Shape", _SHAPE, ("geometry",))
    geom = read_geometry(f["geometry"], path + ".geometry")
    if "fill" in f:
        fill = None if f["fill"] is None else read_paint(f["fill"], path + ".fill")
    else:
        fill = None if isinstance(geom, Line) else Solid(WHITE)
    stroke = None if f.get("stroke") is None else read_stroke(f["stroke"], path + ".stroke")
    rule = "NonZero"
    if "fill_rule" in f:
        rule = enum_field(f["fill_rule"], path + ".fill_rule", ("NonZero", "EvenOdd"), "fill_rule")
    trim = None if f.get("trim") is None else read_trim(f["trim"], path + ".trim")
    return ShapeSpec(geom, fill, stroke, rule, trim)


def _geometry_to_value(g: Geometry) -> dict[str, Any]:
    if isinstance(g, PathShape):
        return {"Path": {"svg_path_d": g.svg_path_d}}
    if isinstance(g, Line):
        return {"Line": {"from": anim_value(g.start), "to": anim_value(g.end)}}
    tag = type(g).__name__
    body: dict[str, Any] = {}
    for name in _FIELDS[tag][0]:
        x = getattr(g, name)
        if name == "corner_radius" and x == 0.0:
            continue
        body[name] = x if name in ("sides", "points") else anim_value(x)
    return {tag: body}


def shape_to_value(s: ShapeSpec) -> dict[str, Any]:
    """A Shape's content as JSON (defaults omitted)."""
    out: dict[str, Any] = {"geometry": _geometry_to_value(s.geometry)}
    default_fill = None if isinstance(s.geometry, Line) else Solid(WHITE)
    if s.fill != default_fill:
        out["fill"] = None if s.fill is None else paint_to_value(s.fill)
    if s.stroke is not None:
        out["stroke"] = stroke_to_value(s.stroke)
    if s.fill_rule != "NonZero":
        out["fill_rule"] = s.fill_rule
    if s.trim is not None:
        t: dict[str, Any] = {}
        for name, d in (("start", 0.0), ("end", 1.0), ("offset", 0.0)):
            x = getattr(s.trim, name)
            if x != d:
                t[name] = anim_value(x)
        out["trim"] = t
    return out
