"""A laid-out text → draw ops in paint order (boxes, run backgrounds, shadow, fill,
underlines, colour glyphs). Called at prepare, once per Text asset (per captions page and
highlight state).

Glyphs are grouped by colour: one fill per colour, so a frame draws a handful of paths.
Colour glyphs (COLRv0/v1 through HarfBuzz's colour-glyph rasterizer, CBDT/sbix PNG
bitmaps) become images at the glyph's pixel size, rasterised once per font, glyph and
size: every backend then draws the same pixels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import uharfbuzz as hb

from wavyte_core.assets.text import FontFace
from wavyte_core.assets.typeset import (
    Layout,
    LineBox,
    PlacedGlyph,
    join_geometry,
    outline_of,
    rounded_rect,
)
from wavyte_core.plugin.prepared import FillOp, ImageOp, ShadowOp, TextOp

__all__ = ["TextLook", "paint_layout", "ops_bbox"]

RGBA = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class TextLook:
    """What the paint step needs of a Text asset beside the layout."""

    shadow: tuple[tuple[float, float], float, RGBA] | None = None  # offset, blur, colour
    background: tuple[RGBA, tuple[float, float, float, float], float, str] | None = None
    # ^ colour, padding (left, right, top, bottom), corner radius, "Block" | "Lines"


def _underline(face: FontFace, size: float) -> tuple[float, float]:
    """Underline offset below the baseline and thickness in px (the font's post table,
    HarfBuzz's fallback when it has none)."""
    s = size / face.units_per_em
    pos = face.font.get_metric_position_with_fallback(hb.OTMetricsTag.UNDERLINE_OFFSET) * s
    thick = face.font.get_metric_position_with_fallback(hb.OTMetricsTag.UNDERLINE_SIZE) * s
    return (-pos if pos < 0 else size * 0.1), max(abs(thick), 1.0)


def color_glyph_image(face: FontFace, gid: int, scale: float) -> tuple[np.ndarray, tuple] | None:
    """The colour glyph ``gid`` at ``scale`` px per unit: premultiplied BGRA pixels and
    their rectangle relative to the pen origin (x, y down from the baseline, w, h); None
    when the glyph has no colour data. Cached per face."""
    key = (gid, scale)
    cache = face.color_cache
    if key in cache:
        return cache[key]
    out = None
    f = face.face
    if f.has_color_png:
        png = face.font.get_glyph_color_png(gid)
        data = bytes(png.data) if png is not None else b""
        if data:
            import cv2

            img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
            if img is not None:
                if img.ndim == 2:
                    img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGRA)
                elif img.shape[2] == 3:
                    img = cv2.cvtColor(img, cv2.COLOR_BGR2BGRA)
                a = img[:, :, 3:4].astype(np.uint16)
                pre = ((img[:, :, :3].astype(np.uint16) * a + 127) // 255).astype(np.uint8)
                pix = np.ascontiguousarray(np.concatenate([pre, img[:, :, 3:4]], axis=2))
                ext = face.font.get_glyph_extents(gid)
                rect = (
                    ext.x_bearing * scale,
                    -ext.y_bearing * scale,
                    ext.width * scale,
                    -ext.height * scale,
                )
                out = (pix, rect)
    elif (f.has_color_layers and f.get_glyph_color_layers(gid)) or (
        f.has_color_paint and f.glyph_has_color_paint(gid)
    ):
        rp = hb.RasterPaint()
        rp.transform = (scale, 0.0, 0.0, scale, 0.0, 0.0)
        if rp.set_glyph_extents(face.font.get_glyph_extents(gid)) and rp.paint_glyph_or_fail(
            face.font, gid
        ):
            img = rp.render()
            if img is not None:
                e = img.extents
                raw = np.frombuffer(img.buffer, np.uint8).reshape(e.height, e.stride // 4, 4)
                pix = np.ascontiguousarray(raw[::-1, : e.width])  # rows come bottom-up
                rect = (float(e.x_origin), -float(e.y_origin + e.height), e.width, e.height)
                out = (pix, rect)
    if out is not None:
        out[0].flags.writeable = False
    cache[key] = out
    return out


def _rgba(c: Sequence[int]) -> RGBA:
    return (int(c[0]), int(c[1]), int(c[2]), int(c[3]))


def paint_layout(
    lay: Layout,
    look: TextLook,
    colour_of: Callable[[PlacedGlyph], RGBA] | None = None,
    glyphs: list[PlacedGlyph] | None = None,
) -> tuple[TextOp, ...]:
    """Draw ops for ``lay`` (or the subset ``glyphs`` of it), in paint order. ``colour_of``
    overrides a glyph's run colour (captions highlight)."""
    glyphs = lay.glyphs if glyphs is None else glyphs
    runs = lay.runs
    ops: list[TextOp] = []
    if look.background is not None:
        ops += _boxes(lay.lines, look.background)
    # run backgrounds
    for line in lay.lines:
        for run, (x0, x1) in sorted(line.spans.items()):
            bg = runs[run].background
            if bg is not None and bg[3]:
                ops.append(FillOp(rounded_rect(x0, line.top, x1, line.bottom, 0.0), bg))
    images: list[ImageOp] = []
    groups: dict[RGBA, list[PlacedGlyph]] = {}
    for g in glyphs:
        if g.face.has_color:
            img = color_glyph_image(g.face, g.gid, g.scale)
            if img is not None:
                pix, (rx, ry, rw, rh) = img
                images.append(ImageOp(pix, (g.x + rx, g.y + ry, float(rw), float(rh))))
                continue
        c = colour_of(g) if colour_of is not None else runs[g.run].color_rgba8
        groups.setdefault(c, []).append(g)
    underlines: dict[RGBA, list] = {}
    for line in lay.lines:
        for run, (x0, x1) in sorted(line.spans.items()):
            r = runs[run]
            if r.underline:
                off, thick = _underline(r.fonts[0], r.size_px)
                y = line.baseline + off
                underlines.setdefault(r.color_rgba8, []).append(
                    rounded_rect(x0, y, x1, y + thick, 0.0)
                )
    fills: list[FillOp] = []
    for colour, gl in groups.items():
        geom = join_geometry([outline_of(gl), *underlines.pop(colour, [])])
        if geom.verbs and colour[3]:
            fills.append(FillOp(geom, colour))
    for colour, rects in underlines.items():
        if colour[3]:
            fills.append(FillOp(join_geometry(rects), colour))
    if look.shadow is not None and fills:
        (dx, dy), blur, colour = look.shadow
        if colour[3]:
            ops.append(ShadowOp(join_geometry([f.geometry for f in fills]), colour, (dx, dy), blur))
    ops += fills
    ops += images
    return tuple(ops)


def _boxes(
    lines: list[LineBox], spec: tuple[RGBA, tuple[float, float, float, float], float, str]
) -> list[TextOp]:
    colour, (pl, pr, pt, pb), radius, mode = spec
    if not colour[3]:
        return []
    boxes = [ln for ln in lines if ln.x1 > ln.x0]
    if not boxes:
        return []
    if mode == "Lines":
        return [
            FillOp(
                rounded_rect(ln.x0 - pl, ln.top - pt, ln.x1 + pr, ln.bottom + pb, radius), colour
            )
            for ln in boxes
        ]
    x0 = min(ln.x0 for ln in boxes)
    x1 = max(ln.x1 for ln in boxes)
    y0, y1 = lines[0].top, lines[-1].bottom
    return [FillOp(rounded_rect(x0 - pl, y0 - pt, x1 + pr, y1 + pb, radius), colour)]


def ops_bbox(ops: Sequence[TextOp]) -> tuple[float, float, float, float]:
    """Where the ops draw, shadows grown by 3 sigma."""
    xs0, ys0, xs1, ys1 = [], [], [], []
    for op in ops:
        if isinstance(op, ImageOp):
            x, y, w, h = op.rect
            b = (x, y, x + w, y + h)
        elif isinstance(op, ShadowOp):
            g = op.geometry.bbox
            r = 3.0 * op.blur + 1.0
            dx, dy = op.offset
            b = (g[0] + dx - r, g[1] + dy - r, g[2] + dx + r, g[3] + dy + r)
        else:
            b = op.geometry.bbox
        xs0.append(b[0])
        ys0.append(b[1])
        xs1.append(b[2])
        ys1.append(b[3])
    if not xs0:
        return (0.0, 0.0, 0.0, 0.0)
    return (min(xs0), min(ys0), max(xs1), max(ys1))
