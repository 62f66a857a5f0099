"""Asset-kind vector drawings on skia: native paths, shaders and stroke settings.

`prepare_vector` runs when a kind's values change (once for a static shape); `draw_vector`
runs per visible layer per frame and only sets each paint's alpha and draws. Semantics:
`wavyte_core.plugin.roles.Rasterizer.prepare_vector`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import skia

from wavyte_core.format.paint import LinearGradient, Paint, RadialGradient, Solid, Stroke
from wavyte_core.plugin.asset_kinds import VectorDrawing
from wavyte_core.plugin.paints import degenerate_colour, straight_stops
from wavyte_core.plugin.roles import Affine, Surface

from .native import target, to_matrix

_TILE = {"Pad": skia.TileMode.kClamp, "Repeat": skia.TileMode.kRepeat,
         "Reflect": skia.TileMode.kMirror}  # fmt: skip
_JOIN = {"Miter": skia.Paint.kMiter_Join, "Round": skia.Paint.kRound_Join,
         "Bevel": skia.Paint.kBevel_Join}  # fmt: skip
_CAP = {"Butt": skia.Paint.kButt_Cap, "Round": skia.Paint.kRound_Cap,
        "Square": skia.Paint.kSquare_Cap}  # fmt: skip
_PREMUL = int(skia.GradientShader.kInterpolateColorsInPremul_Flag)


@dataclass(slots=True)
class StrokeOutline:
    """A solid stroke's outline, kept between frames: skia strokes a path on every
    ``drawPath`` (the stroker is most of a stroked text's cost, e.g. captions); this is the
    same fill path skia would build (``getFillPath`` at the matrix's stroking resolution),
    rebuilt only when that resolution changes. ``res`` is 0 before the first draw."""

    fill: skia.Paint
    res: float = 0.0
    path: skia.Path | None = None


@dataclass(slots=True)
class SkiaVector:
    """Prepared drawing: ``(path, paint, base alpha, stroke outline or None)`` per op, and
    the local bounds of everything (for the group layer of a translucent multi-op
    drawing)."""

    ops: list[tuple[skia.Path, skia.Paint, float, StrokeOutline | None]]
    bounds: skia.Rect


def _colour(c: tuple[int, int, int, int]) -> skia.Color4f:
    return skia.Color4f(c[0] / 255.0, c[1] / 255.0, c[2] / 255.0, c[3] / 255.0)


def make_paint(p: Paint) -> tuple[skia.Paint, float]:
    """An anti-aliased paint for ``p`` and the alpha to scale by opacity per draw."""
    paint = skia.Paint(AntiAlias=True)
    solid = p.color if isinstance(p, Solid) else degenerate_colour(p)
    if solid is not None:
        c = _colour(solid)  # type: ignore[arg-type]
        paint.setColor4f(c)
        return paint, c.fA
    stops = straight_stops(p.stops)  # type: ignore[union-attr]
    pos = [o for o, _ in stops]
    cols = [skia.Color4f(*c) for _, c in stops]
    tile = _TILE[p.extend]  # type: ignore[union-attr]
    if isinstance(p, LinearGradient):
        shader = skia.GradientShader.MakeLinear(
            [skia.Point(*p.start), skia.Point(*p.end)],
            cols,
            pos,
            tile,
            flags=_PREMUL,  # type: ignore[misc]
        )
    else:
        assert isinstance(p, RadialGradient)
        cx, cy = p.center  # type: ignore[misc]
        if p.focal is None or tuple(p.focal) == (cx, cy):  # type: ignore[arg-type]
            shader = skia.GradientShader.MakeRadial(
                skia.Point(cx, cy),
                p.radius,
                cols,
                pos,
                tile,
                flags=_PREMUL,  # type: ignore[arg-type]
            )
        else:
            shader = skia.GradientShader.MakeTwoPointConical(
                skia.Point(*p.focal), 0.0, skia.Point(cx, cy), p.radius, cols, pos, tile,  # type: ignore[misc]
                flags=_PREMUL,
            )  # fmt: skip
    paint.setShader(shader)
    return paint, 1.0


def _stroke_paint(st: Stroke) -> tuple[skia.Paint, float]:
    paint, alpha = make_paint(st.paint)
    paint.setStyle(skia.Paint.kStroke_Style)
    paint.setStrokeWidth(float(st.width))  # type: ignore[arg-type]
    paint.setStrokeJoin(_JOIN[st.join])
    paint.setStrokeCap(_CAP[st.cap])
    paint.setStrokeMiter(float(st.miter_limit))  # type: ignore[arg-type]
    if st.dash:
        dash = list(st.dash)
        if len(dash) % 2:
            dash = dash * 2  # an odd count repeats (SVG)
        paint.setPathEffect(skia.DashPathEffect.Make(dash, float(st.dash_offset)))  # type: ignore[arg-type]
    return paint, alpha


def prepare_vector(drawing: VectorDrawing, build_path) -> SkiaVector:  # noqa: ANN001
    ops: list[tuple[skia.Path, skia.Paint, float, StrokeOutline | None]] = []
    bounds = skia.Rect.MakeEmpty()
    for sh in drawing.shapes:
        path = None
        if sh.fill is not None:
            path = build_path(sh.path)
            if sh.fill_rule == "EvenOdd":
                path.setFillType(skia.PathFillType.kEvenOdd)
            paint, a = make_paint(sh.fill)
            ops.append((path, paint, a, None))
            bounds.join(path.computeTightBounds())
        st = sh.stroke
        if st is not None and st.width > 0:  # type: ignore[operator]
            sp = path if (sh.stroke_path is None and path is not None) else None
            if sp is None:
                sp = build_path(sh.stroke_path if sh.stroke_path is not None else sh.path)
            paint, a = _stroke_paint(st)
            outline = None
            if not st.dash:  # skia dashes against the clip at draw time (cull rect): per draw
                fill = skia.Paint(paint)
                fill.setStyle(skia.Paint.kFill_Style)
                outline = StrokeOutline(fill)
            ops.append((sp, paint, a, outline))
            b = sp.computeTightBounds()
            r = float(st.width) / 2.0 * max(float(st.miter_limit), 1.5)  # type: ignore[arg-type]
            bounds.join(b.makeOutset(r, r))
    return SkiaVector(ops, bounds)


def draw_vector(surface: Surface, handle: SkiaVector, m: Affine, opacity: float) -> None:
    if opacity <= 0.0 or not handle.ops:
        return
    canvas = target(surface).canvas
    canvas.save()
    canvas.concat(to_matrix(m))
    ops = handle.ops
    # skia's stroking resolution for this matrix (SkMatrixPriv::ComputeResScaleForStroking)
    a_, b_, c_, d_ = m[0], m[1], m[2], m[3]
    res = max(math.hypot(a_, b_), math.hypot(c_, d_)) or 1.0
    group = opacity < 1.0 and len(ops) > 1
    if group:
        canvas.saveLayer(handle.bounds, skia.Paint(Alphaf=opacity))
    for path, paint, a, outline in ops:
        alpha = a if group else a * opacity
        if outline is not None and _outline(outline, path, paint, res):
            outline.fill.setAlphaf(alpha)
            canvas.drawPath(outline.path, outline.fill)  # type: ignore[arg-type]
        else:
            paint.setAlphaf(alpha)
            canvas.drawPath(path, paint)
    if group:
        canvas.restore()
    canvas.restore()


def _outline(o: StrokeOutline, path: skia.Path, paint: skia.Paint, res: float) -> bool:
    """Make ``o`` hold the stroke outline of ``path`` at resolution ``res``; False when the
    stroke must go through ``drawPath`` instead: thinner than 2 device pixels (skia draws
    those as coverage-scaled hairlines) or a degenerate matrix."""
    if o.res == res:
        return o.path is not None
    o.res = res
    o.path = None
    if res <= 0.0 or not math.isfinite(res) or paint.getStrokeWidth() * res < 2.0:
        return False
    out = skia.Path()
    if paint.getFillPath(path, out, None, res):
        o.path = out
    return o.path is not None
