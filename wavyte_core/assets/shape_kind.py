"""The built-in ``Shape`` asset kind: rectangles (rounded), ellipses, polygons, stars, lines
and SVG paths, filled and stroked with Paint, trimmed for draw-on animations.

Built on the asset-kind API like any plugin kind (`wavyte_core.plugin.asset_kinds`): its
JSON is structured, so it parses itself (`wavyte_core.format.shape.read_shape`); every
number and colour may be animated; ``draw`` runs only when the sampled values change, so a
static shape is drawn (and converted to native paths) once per render.
"""

from __future__ import annotations

import math
from typing import Any

from wavyte_core.assets.svgpath import parse_svg_path
from wavyte_core.errors import CompositionError
from wavyte_core.format.shape import (
    Ellipse,
    Geometry,
    Line,
    PathShape,
    Polygon,
    Rect,
    ShapeSpec,
    Star,
    read_shape,
)
from wavyte_core.plugin.asset_kinds import (
    AssetKind,
    DrawContext,
    PrepareContext,
    VectorDrawing,
    VectorShape,
)
from wavyte_core.plugin.geometry import (
    ellipse_path,
    line_path,
    polygon_path,
    rect_path,
    star_path,
)
from wavyte_core.plugin.params import Param
from wavyte_core.plugin.prepared import PathGeometry
from wavyte_core.plugin.trim import OutlineMeasure

__all__ = ["ShapeKind", "geometry_path", "shape_local_bounds"]


def geometry_path(g: Geometry) -> PathGeometry:
    """The outline of sampled geometry ``g`` in the asset's local coordinates."""
    if isinstance(g, Rect):
        return rect_path(0.0, 0.0, g.width, g.height, g.corner_radius)  # type: ignore[arg-type]
    if isinstance(g, Ellipse):
        w, h = g.width, g.height
        return ellipse_path(w / 2.0, h / 2.0, w / 2.0, h / 2.0)  # type: ignore[operator]
    if isinstance(g, Polygon):
        return polygon_path(g.sides, g.radius, g.corner_radius)  # type: ignore[arg-type]
    if isinstance(g, Star):
        return star_path(g.points, g.outer_radius, g.inner_radius)  # type: ignore[arg-type]
    if isinstance(g, Line):
        return line_path(*g.start, *g.end)  # type: ignore[misc]
    assert isinstance(g, PathShape)
    return _svg(g.svg_path_d)


_SVG_CACHE: dict[str, PathGeometry] = {}


def _svg(d: str) -> PathGeometry:
    hit = _SVG_CACHE.get(d)
    if hit is None:
        hit = _SVG_CACHE[d] = parse_svg_path(d)
        if len(_SVG_CACHE) > 256:
            _SVG_CACHE.pop(next(iter(_SVG_CACHE)))
    return hit


def _geometry_box(g: Geometry, path: PathGeometry) -> tuple[float, float, float, float]:
    if isinstance(g, (Rect, Ellipse)):
        return (0.0, 0.0, float(g.width), float(g.height))  # type: ignore[arg-type]
    return path.bbox


def _stroke_reach(s: ShapeSpec) -> float:
    """How far the stroke may reach outside the outline: half the width, times the miter
    limit for mitred joins (and √2 for square caps)."""
    st = s.stroke
    if st is None or st.width <= 0:  # type: ignore[operator]
        return 0.0
    k = math.sqrt(2.0)
    if st.join == "Miter":
        k = max(k, float(st.miter_limit))  # type: ignore[arg-type]
    return float(st.width) / 2.0 * k  # type: ignore[arg-type]


def shape_local_bounds(s: ShapeSpec) -> tuple[float, float, float, float]:
    """The local box every pixel of the shape stays in (stroke included)."""
    x0, y0, x1, y1 = _geometry_box(s.geometry, geometry_path(s.geometry))
    r = _stroke_reach(s)
    return (x0 - r, y0 - r, x1 + r, y1 + r)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _obj(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": props, "required": required,
            "additionalProperties": False}  # fmt: skip


_SIZE = {"anyOf": [{"type": "number", "minimum": 0}, _ref("AnimF64")]}
_COUNT = {"type": "integer", "minimum": 3, "maximum": 10000}
SHAPE_SCHEMA: dict[str, Any] = _obj(
    {
        "geometry": {
            "oneOf": [
                _obj({tag: body}, [tag])
                for tag, body in (
                    ("Rect", _obj({"width": _SIZE, "height": _SIZE, "corner_radius": _SIZE},
                                  ["width", "height"])),
                    ("Ellipse", _obj({"width": _SIZE, "height": _SIZE}, ["width", "height"])),
                    ("Polygon", _obj({"sides": _COUNT, "radius": _SIZE, "corner_radius": _SIZE},
                                     ["sides", "radius"])),
                    ("Star", _obj({"points": _COUNT, "outer_radius": _SIZE,
                                   "inner_radius": _SIZE},
                                  ["points", "outer_radius", "inner_radius"])),
                    ("Line", _obj({"from": _ref("AnimPoint"), "to": _ref("AnimPoint")},
                                  ["from", "to"])),
                    ("Path", _obj({"svg_path_d": {"type": "string", "minLength": 1}},
                                  ["svg_path_d"])),
                )
            ]
        },
        "fill": {"anyOf": [{"type": "null"}, _ref("Paint")],
                 "description": "default: white Solid (none for Line)"},
        "stroke": {"anyOf": [{"type": "null"}, _ref("Stroke")]},
        "fill_rule": {"enum": ["NonZero", "EvenOdd"], "default": "NonZero"},
        "trim": {"anyOf": [{"type": "null"}, _obj(
            {"start": _SIZE, "end": _SIZE, "offset": _ref("Number")}, [])]},
    },
    ["geometry"],
)  # fmt: skip


class ShapeKind(AssetKind):
    """A vector shape: ``geometry`` (Rect, Ellipse, Polygon, Star, Line or Path), an
    optional ``fill`` Paint (default white; none for a Line), an optional ``stroke``, a
    ``fill_rule`` and a ``trim`` of the stroked outline (draw-on animations). Rect and
    Ellipse span (0, 0)–(width, height); Polygon and Star are centred at (radius, radius),
    first vertex up; Line and Path use their own coordinates. The intrinsic size is the
    geometry's bounds without the stroke."""

    name = "Shape"
    description = "Rectangles, ellipses, polygons, stars, lines and paths with paint and stroke."
    params = (
        Param("geometry", "string", required=True, animatable=False,
              description="{Rect|Ellipse|Polygon|Star|Line|Path: {...}} (numbers animatable)"),
        Param("fill", "string", default_doc="white Solid (none for Line)", animatable=False,
              description="Paint or null"),
        Param("stroke", "string", default_doc="none", animatable=False,
              description="Stroke or null"),
        Param("fill_rule", "enum", default="NonZero", choices=("NonZero", "EvenOdd")),
        Param("trim", "string", default_doc="the whole outline", animatable=False,
              description="{start, end, offset}: fractions of the outline's length"),
    )  # fmt: skip
    json_schema = SHAPE_SCHEMA
    examples = (
        {"geometry": {"Rect": {"width": 160, "height": 90, "corner_radius": 16}},
         "fill": {"LinearGradient": {"start": [0, 0], "end": [160, 90], "stops": [
             {"offset": 0, "color": "#ff5a36"}, {"offset": 1, "color": "#6c3cff"}]}},
         "stroke": {"width": 6, "paint": {"Solid": "#ffffff"}, "dash": [12, 6]}},
        {"geometry": {"Star": {"points": 5, "outer_radius": 60, "inner_radius": 26}},
         "fill": {"RadialGradient": {"center": [60, 60], "radius": 60, "stops": [
             {"offset": 0, "color": "#ffe066"}, {"offset": 1, "color": "#ff8800"}]}},
         "stroke": {"width": 4, "join": "Round", "paint": {"Solid": "#402000"}},
         "trim": {"start": 0, "end": 0.75}},
    )  # fmt: skip

    @classmethod
    def parse(cls, raw: Any, path: str) -> ShapeSpec:
        spec = read_shape(raw, path)
        g = spec.geometry
        if isinstance(g, PathShape):
            try:
                _svg(g.svg_path_d)
            except ValueError as exc:
                raise CompositionError(path + ".geometry.Path.svg_path_d", str(exc)) from None
        return spec

    def prepare(self, p: ShapeSpec, ctx: PrepareContext) -> tuple[float, float]:
        self._outlines: dict[Geometry, tuple[PathGeometry, OutlineMeasure | None]] = {}
        x0, y0, x1, y1 = _geometry_box(p.geometry, geometry_path(p.geometry))
        return (x1 - x0, y1 - y0) if not isinstance(p.geometry, (Rect, Ellipse)) else (x1, y1)

    def bounds(self, p: ShapeSpec, size: tuple[float, float]) -> tuple[float, float, float, float]:
        return shape_local_bounds(p)

    def draw(self, p: ShapeSpec, ctx: DrawContext) -> VectorDrawing:
        path, measure = self._outline(p.geometry)
        stroke = p.stroke
        if stroke is not None and stroke.width <= 0:  # type: ignore[operator]
            stroke = None
        stroke_path = None
        if stroke is not None and p.trim is not None:
            t = p.trim
            if measure is None:
                measure = OutlineMeasure(path)
                self._outlines[p.geometry] = (path, measure)
            stroke_path = measure.trim(t.start, t.end, t.offset)  # type: ignore[arg-type]
        shape = VectorShape(path, p.fill, stroke, p.fill_rule, stroke_path)
        return VectorDrawing((shape,))

    def _outline(self, g: Geometry) -> tuple[PathGeometry, OutlineMeasure | None]:
        """The outline of ``g`` and its measure (for trims), kept while the geometry's
        values repeat: a shape animating only its paint or trim builds its path once."""
        cache = self.__dict__.setdefault("_outlines", {})
        hit = cache.get(g)
        if hit is None:
            hit = cache[g] = (geometry_path(g), None)
            if len(cache) > 16:
                cache.pop(next(iter(cache)))
        return hit
