"""A laid-out text → a `VectorDrawing` in paint order: background boxes, run backgrounds,
shadow, stroke and fill (in ``paint_order``), underlines, colour glyphs. Called at prepare,
once per Text asset (per captions page state; per value of an animated text).

Glyphs are grouped by paint: one fill per paint (solid colour or gradient), so a frame
draws a handful of paths, natively, with `Paint` and `Stroke` (the asset-kind vector API).
Colour glyphs (COLRv0/v1 through HarfBuzz's colour-glyph rasterizer, CBDT/sbix PNG bitmaps)
and the blurred shadow are rasters made here, once: every backend draws the same pixels.
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
from wavyte_core.format.paint import Paint, Solid, Stroke
from wavyte_core.plugin.asset_kinds import RasterDrawing, VectorDrawing, VectorShape
from wavyte_core.plugin.prepared import PathGeometry

__all__ = ["TextLook", "paint_layout", "drawing_bbox", "shadow_raster"]

Item = VectorShape | RasterDrawing
#: Stroked glyph outlines are flattened this many times coarser than filled ones (1: as fine;
#: coarser strokes draw faster but skia and cairo stroke edges then fall under 40 dB).
STROKE_FLATNESS = 1.0

RGBA = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class TextLook:
    """What the paint step needs of a Text asset beside the layout."""

    shadow: tuple[tuple[float, float], float, RGBA] | None = None  # offset, blur, colour
    stroke: Stroke | None = None
    stroke_first: bool = True  # paint_order StrokeThenFill
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


def _solid(c: RGBA) -> Solid:
    return Solid((int(c[0]), int(c[1]), int(c[2]), int(c[3])))


def _flatten(geom: PathGeometry, steps: int = 6) -> list[np.ndarray]:
    """The outline as closed polygons (curves split into ``steps`` chords)."""
    polys: list[np.ndarray] = []
    cur: list[tuple[float, float]] = []
    last = (0.0, 0.0)
    ts = np.linspace(0.0, 1.0, steps + 1)[1:]
    for verb, pts in geom.segments():
        if verb == "M":
            if len(cur) > 2:
                polys.append(np.asarray(cur))
            last = (float(pts[0][0]), float(pts[0][1]))
            cur = [last]
        elif verb == "L":
            last = (float(pts[0][0]), float(pts[0][1]))
            cur.append(last)
        elif verb == "Q":
            p0, p1, p2 = np.asarray(last), pts[0], pts[1]
            for t in ts:
                q = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t * t * p2
                cur.append((float(q[0]), float(q[1])))
            last = (float(p2[0]), float(p2[1]))
        elif verb == "C":
            p0, p1, p2, p3 = np.asarray(last), pts[0], pts[1], pts[2]
            for t in ts:
                u = 1 - t
                q = u**3 * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t**3 * p3
                cur.append((float(q[0]), float(q[1])))
            last = (float(p3[0]), float(p3[1]))
        elif verb == "Z":
            if len(cur) > 2:
                polys.append(np.asarray(cur))
            cur = []
    if len(cur) > 2:
        polys.append(np.asarray(cur))
    return polys


def shadow_raster(
    geom: PathGeometry, colour: RGBA, offset: tuple[float, float], blur: float
) -> RasterDrawing | None:
    """The blurred silhouette of ``geom``: filled anti-aliased on a pixel grid (OpenCV,
    1/16-px vertices), moved by ``offset``, blurred with a Gaussian of sigma ``blur / 2``
    (CSS's blur radius), coloured; premultiplied BGRA. Made once, in the core, so every
    backend draws the same shadow pixels."""
    import cv2

    x0, y0, x1, y1 = geom.bbox
    if x1 <= x0 or y1 <= y0 or not colour[3]:
        return None
    sigma = blur / 2.0
    r = int(np.ceil(3.0 * sigma)) + 2
    dx, dy = offset
    ox, oy = int(np.floor(x0 + dx)) - r, int(np.floor(y0 + dy)) - r
    w, h = int(np.ceil(x1 + dx)) + r - ox, int(np.ceil(y1 + dy)) + r - oy
    mask = np.zeros((h, w), np.uint8)
    polys = [np.round((p + (dx - ox, dy - oy)) * 16.0).astype(np.int32) for p in _flatten(geom)]
    cv2.fillPoly(mask, polys, 255, lineType=cv2.LINE_AA, shift=4)
    if sigma > 0:
        mask = cv2.GaussianBlur(mask, (0, 0), sigmaX=sigma, sigmaY=sigma,
                                borderType=cv2.BORDER_CONSTANT)  # fmt: skip
    a = (mask.astype(np.uint32) * colour[3] + 127) // 255
    out = np.empty((h, w, 4), np.uint8)
    out[..., 3] = a
    for ch, c in ((0, colour[2]), (1, colour[1]), (2, colour[0])):
        out[..., ch] = (a * c + 127) // 255
    out.flags.writeable = False
    return RasterDrawing(out, float(ox), float(oy), 1.0)


def paint_layout(
    lay: Layout,
    look: TextLook,
    paint_of: Callable[[PlacedGlyph], Paint] | None = None,
    glyphs: list[PlacedGlyph] | None = None,
    under: Sequence[Item] = (),
) -> VectorDrawing:
    """The drawing of ``lay`` (or ``glyphs``: some of its glyphs, possibly moved), in paint
    order. ``paint_of`` gives a glyph's fill (default: its run's); ``under`` is drawn above
    the backgrounds and below the text (a highlight box)."""
    glyphs = lay.glyphs if glyphs is None else glyphs
    runs = lay.runs
    items: list[Item] = []
    if look.background is not None:
        items += _boxes(lay.lines, look.background)
    for line in lay.lines:
        for run, (x0, x1) in sorted(line.spans.items()):
            bg = runs[run].background
            if bg is not None and bg[3]:
                items.append(VectorShape(rounded_rect(x0, line.top, x1, line.bottom, 0.0),
                                         fill=_solid(bg)))  # fmt: skip
    items += under
    images: list[RasterDrawing] = []
    groups: dict[Paint, list[PlacedGlyph]] = {}
    for g in glyphs:
        if g.face.has_color:
            img = color_glyph_image(g.face, g.gid, g.scale)
            if img is not None:
                images.append(_placed(img, g))
                continue
        p = paint_of(g) if paint_of is not None else _run_paint(runs[g.run])
        groups.setdefault(p, []).append(g)
    underlines: dict[Paint, list[PathGeometry]] = {}
    for line in lay.lines:
        for run, (x0, x1) in sorted(line.spans.items()):
            r = runs[run]
            if r.underline:
                off, thick = _underline(r.fonts[0], r.size_px)
                y = line.baseline + off
                underlines.setdefault(_run_paint(r), []).append(
                    rounded_rect(x0, y, x1, y + thick, 0.0)
                )
    strokes_of_lines = list(underlines.values())  # underlines are stroked too
    fills: list[VectorShape] = []
    for p, gl in groups.items():
        geom = join_geometry([outline_of(gl), *underlines.pop(p, [])])
        if geom.verbs:
            fills.append(VectorShape(geom, fill=p))
    for p, rects in underlines.items():
        fills.append(VectorShape(join_geometry(rects), fill=p))
    every = join_geometry([f.path for f in fills]) if fills else None
    if look.shadow is not None and every is not None:
        (dx, dy), blur, colour = look.shadow
        if blur > 0:
            sh = shadow_raster(every, colour, (dx, dy), blur)
            if sh is not None:
                items.append(sh)
        elif colour[3]:
            moved = PathGeometry(every.verbs, every.points + (dx, dy),
                                 (every.bbox[0] + dx, every.bbox[1] + dy,
                                  every.bbox[2] + dx, every.bbox[3] + dy))  # fmt: skip
            items.append(VectorShape(moved, fill=_solid(colour)))
    stroke = look.stroke
    if stroke is not None and every is not None and float(stroke.width) > 0:  # type: ignore[arg-type]
        inked = [g for gl in groups.values() for g in gl]
        curves = join_geometry(
            [outline_of(inked, flat=STROKE_FLATNESS), *sum(strokes_of_lines, [])]
        )
        outline = VectorShape(curves, stroke=stroke)
        items += [outline, *fills] if look.stroke_first else [*fills, outline]
    else:
        items += fills
    items += images
    return VectorDrawing(tuple(items))


def _run_paint(r: object) -> Paint:
    fill = getattr(r, "fill", None)
    return fill if fill is not None else _solid(r.color_rgba8)  # type: ignore[attr-defined]


def _placed(img: tuple[np.ndarray, tuple], g: PlacedGlyph) -> RasterDrawing:
    pix, (rx, ry, rw, _rh) = img
    w = pix.shape[1]
    return RasterDrawing(pix, g.x + rx, g.y + ry, float(rw) / w)


def _boxes(
    lines: list[LineBox], spec: tuple[RGBA, tuple[float, float, float, float], float, str]
) -> list[Item]:
    colour, (pl, pr, pt, pb), radius, mode = spec
    if not colour[3]:
        return []
    boxes = [ln for ln in lines if ln.x1 > ln.x0]
    if not boxes:
        return []
    fill = _solid(colour)
    if mode == "Lines":
        return [
            VectorShape(
                rounded_rect(ln.x0 - pl, ln.top - pt, ln.x1 + pr, ln.bottom + pb, radius), fill=fill
            )
            for ln in boxes
        ]
    x0 = min(ln.x0 for ln in boxes)
    x1 = max(ln.x1 for ln in boxes)
    y0, y1 = lines[0].top, lines[-1].bottom
    return [VectorShape(rounded_rect(x0 - pl, y0 - pt, x1 + pr, y1 + pb, radius), fill=fill)]


def drawing_bbox(d: VectorDrawing) -> tuple[float, float, float, float]:
    """Where a drawing's pixels can be (strokes grown by their reach)."""
    xs0, ys0, xs1, ys1 = [], [], [], []
    for it in d.shapes:
        if isinstance(it, RasterDrawing):
            h, w = it.pixels.shape[:2]
            b = (it.x, it.y, it.x + w * it.scale, it.y + h * it.scale)
        else:
            b = it.path.bbox
            if it.stroke is not None:
                st = it.stroke
                r = float(st.width) / 2.0 * max(float(st.miter_limit), 1.5)  # type: ignore[arg-type]
                b = (b[0] - r, b[1] - r, b[2] + r, b[3] + r)
        xs0.append(b[0])
        ys0.append(b[1])
        xs1.append(b[2])
        ys1.append(b[3])
    if not xs0:
        return (0.0, 0.0, 0.0, 0.0)
    return (min(xs0), min(ys0), max(xs1), max(ys1))
