"""Backend-neutral `PathGeometry` → a native ``cairo.Path``, once per asset per job.

cairo has no free-standing path object: a path is built on a scratch context and copied
out with ``copy_path``, then replayed per draw with one ``append_path`` call (no Python
per segment in the frame loop). cairo keeps path coordinates in 24.8 fixed point, so the
path is built under a ×16 scale: local coordinates keep 1/4096 px of precision, which
stays well under a device pixel's 1/256 even when the clip transform scales the path up.
Quadratic segments become the exactly equal cubics (cairo has no quadratic verb).
"""

from __future__ import annotations

import cairo

from wavyte_core.plugin.prepared import CLOSE, CUBIC, LINE, MOVE, QUAD, PathGeometry

BUILD_SCALE = 16.0


def build_path(geom: PathGeometry) -> cairo.Path:
    surface = cairo.ImageSurface(cairo.FORMAT_A8, 1, 1)
    ctx = cairo.Context(surface)
    ctx.scale(BUILD_SCALE, BUILD_SCALE)
    start = cur = (0.0, 0.0)
    for verb, pts in geom.segments():
        p = pts.tolist()
        if verb == MOVE:
            start = cur = (p[0][0], p[0][1])
            ctx.move_to(*cur)
        elif verb == LINE:
            cur = (p[0][0], p[0][1])
            ctx.line_to(*cur)
        elif verb == QUAD:
            (qx, qy), (x, y) = p
            x0, y0 = cur
            ctx.curve_to(
                x0 + 2.0 / 3.0 * (qx - x0),
                y0 + 2.0 / 3.0 * (qy - y0),
                x + 2.0 / 3.0 * (qx - x),
                y + 2.0 / 3.0 * (qy - y),
                x,
                y,
            )
            cur = (x, y)
        elif verb == CUBIC:
            ctx.curve_to(*p[0], *p[1], *p[2])
            cur = (p[2][0], p[2][1])
        elif verb == CLOSE:
            ctx.close_path()
            cur = start
    return ctx.copy_path()
