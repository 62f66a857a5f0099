"""Asset-kind vector drawings on cairo: native paths, gradient patterns, stroke settings.

`prepare_vector` runs when a kind's values change (once for a static shape); `draw_vector`
runs per visible layer per frame. pixman interpolates gradient stops in straight colour,
so stops come from `wavyte_core.plugin.paints.premul_stops` (premultiplied interpolation,
as CSS and skia's premul flag). Semantics: `wavyte_core.plugin.roles.Rasterizer.
prepare_vector`. The shared context is left as found (save/restore around each draw).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cairo

from wavyte_core.format.paint import LinearGradient, Paint, RadialGradient, Solid, Stroke
from wavyte_core.plugin.asset_kinds import VectorDrawing
from wavyte_core.plugin.paints import degenerate_colour, premul_stops
from wavyte_core.plugin.roles import Affine, Surface

from .native import target, to_matrix
from .paths import build_path

_EXTEND = {"Pad": cairo.EXTEND_PAD, "Repeat": cairo.EXTEND_REPEAT,
           "Reflect": cairo.EXTEND_REFLECT}  # fmt: skip
_JOIN = {"Miter": cairo.LINE_JOIN_MITER, "Round": cairo.LINE_JOIN_ROUND,
         "Bevel": cairo.LINE_JOIN_BEVEL}  # fmt: skip
_CAP = {"Butt": cairo.LINE_CAP_BUTT, "Round": cairo.LINE_CAP_ROUND,
        "Square": cairo.LINE_CAP_SQUARE}  # fmt: skip


@dataclass(slots=True)
class _Op:
    path: cairo.Path
    source: cairo.Pattern | None  # None: solid ``rgba``
    rgba: tuple[float, float, float, float]
    stroke: Stroke | None
    even_odd: bool


@dataclass(slots=True)
class CairoVector:
    ops: list[_Op]


def make_source(p: Paint) -> tuple[cairo.Pattern | None, tuple[float, float, float, float]]:
    solid = p.color if isinstance(p, Solid) else degenerate_colour(p)
    if solid is not None:
        r, g, b, a = solid  # type: ignore[misc]
        return None, (r / 255.0, g / 255.0, b / 255.0, a / 255.0)
    pat: Any
    if isinstance(p, LinearGradient):
        (x0, y0), (x1, y1) = p.start, p.end  # type: ignore[misc]
        pat = cairo.LinearGradient(x0, y0, x1, y1)
    else:
        assert isinstance(p, RadialGradient)
        cx, cy = p.center  # type: ignore[misc]
        fx, fy = p.focal if p.focal is not None else (cx, cy)  # type: ignore[misc]
        pat = cairo.RadialGradient(fx, fy, 0.0, cx, cy, p.radius)
    for off, (r, g, b, a) in premul_stops(p.stops):  # type: ignore[union-attr]
        pat.add_color_stop_rgba(off, r, g, b, a)
    pat.set_extend(_EXTEND[p.extend])  # type: ignore[union-attr]
    return pat, (0.0, 0.0, 0.0, 1.0)


def prepare_vector(drawing: VectorDrawing) -> CairoVector:
    ops: list[_Op] = []
    for sh in drawing.shapes:
        path = None
        if sh.fill is not None:
            path = build_path(sh.path)
            src, rgba = make_source(sh.fill)
            ops.append(_Op(path, src, rgba, None, sh.fill_rule == "EvenOdd"))
        st = sh.stroke
        if st is not None and st.width > 0:  # type: ignore[operator]
            if sh.stroke_path is not None or path is None:
                path = build_path(sh.stroke_path if sh.stroke_path is not None else sh.path)
            src, rgba = make_source(st.paint)
            ops.append(_Op(path, src, rgba, st, False))
    return CairoVector(ops)


def _run(ctx: cairo.Context, op: _Op, alpha: float) -> None:
    ctx.append_path(op.path)
    if op.source is None:
        r, g, b, a = op.rgba
        ctx.set_source_rgba(r, g, b, a * alpha)
    else:
        ctx.set_source(op.source)  # locked to the current (local) user space
    st = op.stroke
    if st is None:
        ctx.set_fill_rule(cairo.FILL_RULE_EVEN_ODD if op.even_odd else cairo.FILL_RULE_WINDING)
        if op.source is not None and alpha < 1.0:
            ctx.save()
            ctx.clip()
            ctx.paint_with_alpha(alpha)
            ctx.restore()
        else:
            ctx.fill()
        return
    ctx.set_line_width(float(st.width))  # type: ignore[arg-type]
    ctx.set_line_join(_JOIN[st.join])
    ctx.set_line_cap(_CAP[st.cap])
    ctx.set_miter_limit(float(st.miter_limit))  # type: ignore[arg-type]
    ctx.set_dash(list(st.dash), float(st.dash_offset))  # type: ignore[arg-type]
    if op.source is not None and alpha < 1.0:
        ctx.push_group()
        ctx.stroke()
        ctx.pop_group_to_source()
        ctx.paint_with_alpha(alpha)
    else:
        ctx.stroke()


def draw_vector(surface: Surface, handle: CairoVector, m: Affine, opacity: float) -> None:
    if opacity <= 0.0 or not handle.ops:
        return
    mat = to_matrix(m)
    if mat is None:
        return
    ctx = target(surface).ctx
    ctx.save()
    try:
        ctx.set_matrix(mat)
        ops = handle.ops
        if opacity < 1.0 and len(ops) > 1:
            ctx.push_group()
            for op in ops:
                _run(ctx, op, 1.0)
            ctx.pop_group_to_source()
            ctx.paint_with_alpha(opacity)
        else:
            for op in ops:
                _run(ctx, op, min(opacity, 1.0))
    finally:
        ctx.restore()
        ctx.new_path()
