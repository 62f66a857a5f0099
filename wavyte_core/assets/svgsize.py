"""The natural (intrinsic) size of an SVG document, as usvg 0.46 resolves it.

Used once per Svg asset at prepare: the layout solver sizes the clip with it and the SVG
raster is drawn to cover it (wavyte-format.md §3.4 "Svg" row, §4.4.3). No SVG engine is
needed for this: only the root ``width``/``height``/``viewBox`` and, in one case, the
extent of simple shapes.

Rules (usvg ``resolve_svg_size``):

* a missing ``width``/``height`` is ``100%``; absolute units at 96 dpi (``in`` ×96,
  ``cm`` ×96/2.54, ``mm`` ×96/25.4, ``pt`` ×96/72, ``pc`` ×96/6); ``em`` = the root
  ``font-size`` (usvg's default font size 12 when unset), ``ex`` = em/2;
* with a valid ``viewBox``, ``p%`` is p/100 of the viewBox width (height);
* without one, a percentage resolves against 100×100, then — if width or height was a
  percentage — both are replaced by ``(bbox.right, bbox.bottom)`` of the content's fill
  geometry when that is positive. The content extent is computed here for ``path``,
  ``rect``, ``circle``, ``ellipse``, ``line``, ``polyline``, ``polygon`` and ``image``
  under ``transform`` attributes; ``text``, ``use`` and nested ``svg`` are not measured.
* the result is rounded to f32 like usvg's ``Size``; zero or negative is a ``ValueError``.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import numpy as np

from wavyte_core.assets.svgpath import parse_svg_path, path_bbox
from wavyte_core.timeline.affine import IDENTITY as _IDENTITY
from wavyte_core.timeline.affine import Affine, mul

__all__ = ["svg_natural_size", "MAX_SVG_BYTES"]

MAX_SVG_BYTES = 64 * 1024 * 1024
DEFAULT_FONT_SIZE = 12.0  # usvg Options::default().font_size
_PERCENT_BASE = 100.0

_UNIT_PX = {
    "": 1.0,
    "px": 1.0,
    "in": 96.0,
    "cm": 96.0 / 2.54,
    "mm": 96.0 / 25.4,
    "pt": 96.0 / 72.0,
    "pc": 96.0 / 6.0,
}
_LENGTH = re.compile(
    r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(px|in|cm|mm|pt|pc|em|ex|%)?\s*$"
)
_NUMBERS = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_TRANSFORM = re.compile(r"(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)")
# Elements whose children are never rendered in place.
_NOT_RENDERED = frozenset(
    [
        "defs",
        "symbol",
        "clipPath",
        "mask",
        "marker",
        "pattern",
        "linearGradient",
        "radialGradient",
        "filter",
        "metadata",
        "title",
        "desc",
        "style",
        "script",
        "text",
        "use",
        "svg",
        "foreignObject",
        "switch",
    ]
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parse_length(value: str | None, font_size: float) -> tuple[float, bool] | None:
    """``(number, is_percent)`` in px (or percent units); ``None`` when absent or invalid."""
    if value is None:
        return None
    m = _LENGTH.match(value)
    if m is None:
        return None
    n = float(m.group(1))
    unit = m.group(2) or ""
    if unit == "%":
        return n, True
    if unit == "em":
        return n * font_size, False
    if unit == "ex":
        return n * font_size / 2.0, False
    return n * _UNIT_PX[unit], False


def _parse_viewbox(value: str | None) -> tuple[float, float] | None:
    """Width and height of a valid viewBox (four numbers, positive size), else ``None``."""
    if value is None:
        return None
    nums = _NUMBERS.findall(value)
    if len(nums) != 4:
        return None
    w, h = float(nums[2]), float(nums[3])
    return (w, h) if w > 0.0 and h > 0.0 else None


def _root_font_size(root: ET.Element) -> float:
    fs = _parse_length(root.get("font-size"), DEFAULT_FONT_SIZE)
    return fs[0] if fs is not None and not fs[1] and fs[0] > 0.0 else DEFAULT_FONT_SIZE


def svg_natural_size(data: bytes) -> tuple[float, float]:
    """The SVG's natural size in px, following usvg (see the module docstring).

    Raises ``ValueError`` for a file over 64 MB, malformed XML, a root that is not
    ``<svg>``, a zero/negative size, or an XML entity declaration: SVG assets do not need
    entities, and refusing them shuts out external entities (reading files outside the
    asset root) and entity-expansion bombs whatever the XML parser in a backend does.
    """
    if len(data) > MAX_SVG_BYTES:
        raise ValueError(f"SVG file too large ({len(data)} bytes; limit {MAX_SVG_BYTES})")
    if b"<!ENTITY" in data:
        raise ValueError("XML entity declarations (<!ENTITY>) are not allowed in SVG assets")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise ValueError(f"malformed XML: {e}") from e
    if _local(root.tag) != "svg":
        raise ValueError(f"not an SVG document: the root element is <{_local(root.tag)}>")

    font_size = _root_font_size(root)
    view_box = _parse_viewbox(root.get("viewBox"))
    sizes: list[float] = []
    any_percent = False
    for axis, name in enumerate(("width", "height")):
        length = _parse_length(root.get(name), font_size) or (100.0, True)
        value, is_percent = length
        if is_percent:
            any_percent = True
            base = view_box[axis] if view_box is not None else _PERCENT_BASE
            value = value / 100.0 * base
        sizes.append(value)
    w, h = sizes
    if not (w > 0.0 and h > 0.0 and math.isfinite(w) and math.isfinite(h)):
        raise ValueError(f"size {w:g}x{h:g} is not positive (width and height must be > 0)")

    if view_box is None and any_percent:
        extent = _content_extent(root, font_size, (w, h))
        if extent is not None:
            w, h = extent
    return float(np.float32(w)), float(np.float32(h))


# ------------------------------------------------------------------- content extent


def _parse_transform(value: str | None) -> Affine:
    m = _IDENTITY
    if not value:
        return m
    for name, args in _TRANSFORM.findall(value):
        v = [float(x) for x in _NUMBERS.findall(args)]
        t: Affine = _IDENTITY
        if name == "matrix" and len(v) == 6:
            t = (v[0], v[1], v[2], v[3], v[4], v[5])
        elif name == "translate" and v:
            t = (1.0, 0.0, 0.0, 1.0, v[0], v[1] if len(v) > 1 else 0.0)
        elif name == "scale" and v:
            t = (v[0], 0.0, 0.0, v[1] if len(v) > 1 else v[0], 0.0, 0.0)
        elif name == "rotate" and v:
            r = math.radians(v[0])
            cs, sn = math.cos(r), math.sin(r)
            t = (cs, sn, -sn, cs, 0.0, 0.0)
            if len(v) >= 3:
                cx, cy = v[1], v[2]
                t = mul(mul((1.0, 0.0, 0.0, 1.0, cx, cy), t), (1.0, 0.0, 0.0, 1.0, -cx, -cy))
        elif name == "skewX" and v:
            t = (1.0, 0.0, math.tan(math.radians(v[0])), 1.0, 0.0, 0.0)
        elif name == "skewY" and v:
            t = (1.0, math.tan(math.radians(v[0])), 0.0, 1.0, 0.0, 0.0)
        m = mul(m, t)
    return m


def _shape_path_data(
    el: ET.Element, tag: str, font_size: float, vp: tuple[float, float]
) -> str | None:
    """SVG path data equivalent to a basic shape's fill geometry, or ``None`` if empty."""

    def num(name: str, axis: int) -> float:
        length = _parse_length(el.get(name), font_size)
        if length is None:
            return 0.0
        value, pct = length
        if not pct:
            return value
        ref = vp[axis] if axis < 2 else math.hypot(*vp) / math.sqrt(2.0)
        return value / 100.0 * ref

    if tag == "path":
        return el.get("d")
    if tag in ("rect", "image"):
        x, y, w, h = num("x", 0), num("y", 1), num("width", 0), num("height", 1)
        return f"M{x} {y}H{x + w}V{y + h}H{x}Z" if w > 0.0 and h > 0.0 else None
    if tag in ("circle", "ellipse"):
        cx, cy = num("cx", 0), num("cy", 1)
        if tag == "circle":
            rx = ry = num("r", 2)
        else:
            rx, ry = num("rx", 0), num("ry", 1)
        if rx <= 0.0 or ry <= 0.0:
            return None
        return f"M{cx + rx} {cy}A{rx} {ry} 0 0 1 {cx - rx} {cy}A{rx} {ry} 0 0 1 {cx + rx} {cy}Z"
    if tag == "line":
        return f"M{num('x1', 0)} {num('y1', 1)}L{num('x2', 0)} {num('y2', 1)}"
    if tag in ("polyline", "polygon"):
        nums = _NUMBERS.findall(el.get("points", ""))
        if len(nums) < 4:
            return None
        pairs = " ".join(nums[: len(nums) // 2 * 2])
        return f"M{pairs}" + ("Z" if tag == "polygon" else "")
    return None


def _content_extent(
    root: ET.Element, font_size: float, viewport: tuple[float, float]
) -> tuple[float, float] | None:
    """``(right, bottom)`` of the union bbox of the measurable shapes, if positive."""
    boxes: list[tuple[float, float, float, float]] = []

    def visit(el: ET.Element, m: Affine) -> None:
        for child in el:
            tag = _local(child.tag)
            if tag in _NOT_RENDERED or child.get("display") == "none":
                continue
            cm = mul(m, _parse_transform(child.get("transform")))
            if tag == "g" or tag == "a":
                visit(child, cm)
                continue
            d = _shape_path_data(child, tag, font_size, viewport)
            if not d:
                continue
            try:
                geom = parse_svg_path(d)
            except ValueError:
                continue  # usvg drops a broken shape; it does not count
            if not any(v in "LQC" for v in geom.verbs):
                continue  # nothing drawn (moves only)
            a, b, c, dd, e, f = cm
            pts = geom.points @ np.array([[a, b], [c, dd]]) + (e, f)
            boxes.append(path_bbox(geom.verbs, pts))

    visit(root, _parse_transform(root.get("transform")))
    if not boxes:
        return None
    right = max(b[2] for b in boxes)
    bottom = max(b[3] for b in boxes)
    if right > 0.0 and bottom > 0.0 and math.isfinite(right) and math.isfinite(bottom):
        return right, bottom
    return None
