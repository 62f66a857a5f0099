"""Trim paths (After Effects / Lottie "trim paths"): the part of an outline between two
fractions of its length, computed in the core so every rasterizer strokes the same curve.

The outline's length is measured over all sub-paths in order (a closed sub-path includes
its closing segment). Lines are measured exactly; each curve (a quadratic is raised to the
equal cubic) from a fixed 32-chord polyline, computed for all curves of the outline at
once (numpy, deterministic). A cut inside a curve is placed at the parameter interpolated
along those chords and the curve is split there exactly (de Casteljau), so the kept pieces
lie on the original curves.

`OutlineMeasure` measures an outline once; its `OutlineMeasure.trim` is then cheap, so a
kind that animates only the trim (a draw-on) keeps the measure of its unchanged outline.
Called when a kind's values change, never per pixel.
"""

from __future__ import annotations

import math
from bisect import bisect_right

import numpy as np

from wavyte_core.plugin.geometry import PathBuilder
from wavyte_core.plugin.prepared import CLOSE, CUBIC, LINE, MOVE, QUAD, PathGeometry

__all__ = ["OutlineMeasure", "trim_path"]

_N = 32  # chords per curve
_T = np.linspace(0.0, 1.0, _N + 1)
_BERN = np.stack([(1 - _T) ** 3, 3 * (1 - _T) ** 2 * _T, 3 * (1 - _T) * _T**2, _T**3], axis=1)

Point = tuple[float, float]
Cubic = tuple[Point, Point, Point, Point]


def _left(p: Cubic, t: float) -> Cubic:
    """The part of cubic ``p`` over [0, t] (de Casteljau, plain floats)."""
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = p
    abx, aby = ax + (bx - ax) * t, ay + (by - ay) * t
    bcx, bcy = bx + (cx - bx) * t, by + (cy - by) * t
    cdx, cdy = cx + (dx - cx) * t, cy + (dy - cy) * t
    abcx, abcy = abx + (bcx - abx) * t, aby + (bcy - aby) * t
    bcdx, bcdy = bcx + (cdx - bcx) * t, bcy + (cdy - bcy) * t
    end = (abcx + (bcdx - abcx) * t, abcy + (bcdy - abcy) * t)
    return ((ax, ay), (abx, aby), (abcx, abcy), end)


def _split(c: Cubic, t0: float, t1: float) -> Cubic:
    """The part of cubic ``c`` between parameters t0 < t1 (exact)."""
    q = _left(c, t1) if t1 < 1.0 else c
    if t0 > 0.0:
        u = t0 / t1 if t1 > 0 else 0.0
        q = _left(q[::-1], 1.0 - u)[::-1]  # type: ignore[arg-type]
    return q


def _ranges(start: float, end: float, offset: float) -> list[tuple[float, float]]:
    """The kept fractions of the total length, after the offset (wrapping)."""
    if start > end:
        start, end = end, start
    if end - start >= 1.0:
        return [(0.0, 1.0)]
    if end <= start:
        return []
    off = offset - math.floor(offset)
    a, b = start + off, end + off
    if a >= 1.0:
        a, b = a - 1.0, b - 1.0
    if b <= 1.0:
        return [(a, b)]
    return [(a, 1.0), (0.0, b - 1.0)]


class OutlineMeasure:
    """An outline measured once: its segments (lines, cubics) in order with their
    sub-path index, start lengths and, for cubics, cumulative chord tables."""

    __slots__ = ("geom", "segs", "starts", "tables", "total")

    def __init__(self, geom: PathGeometry) -> None:
        self.geom = geom
        segs: list[tuple[int, tuple[Point, ...]]] = []  # (sub-path, points): 2 = line, 4 = cubic
        sub = -1
        start = cur = (0.0, 0.0)
        for verb, pts in geom.segments():
            p = [(x, y) for x, y in pts.tolist()]
            if verb == MOVE:
                sub += 1
                start = cur = p[0]
            elif verb == LINE:
                segs.append((sub, (cur, p[0])))
                cur = p[0]
            elif verb == QUAD:
                (qx, qy), e = p
                c1 = (cur[0] + 2 / 3 * (qx - cur[0]), cur[1] + 2 / 3 * (qy - cur[1]))
                c2 = (e[0] + 2 / 3 * (qx - e[0]), e[1] + 2 / 3 * (qy - e[1]))
                segs.append((sub, (cur, c1, c2, e)))
                cur = e
            elif verb == CUBIC:
                segs.append((sub, (cur, p[0], p[1], p[2])))
                cur = p[2]
            elif verb == CLOSE:
                if cur != start:
                    segs.append((sub, (cur, start)))
                cur = start
        self.segs = segs
        curves = [pts for _, pts in segs if len(pts) == 4]
        tables: list[list[float] | None] = []
        lengths: list[float] = []
        if curves:
            c = np.asarray(curves, dtype=np.float64)  # (n, 4, 2)
            on = np.einsum("tk,nkd->ntd", _BERN, c)
            d = np.hypot(*np.moveaxis(np.diff(on, axis=1), -1, 0))
            cum = np.zeros((len(curves), _N + 1))
            np.cumsum(d, axis=1, out=cum[:, 1:])
            curve_tables = iter(cum.tolist())
        for _, pts in segs:
            if len(pts) == 2:
                (x0, y0), (x1, y1) = pts
                tables.append(None)
                lengths.append(math.hypot(x1 - x0, y1 - y0))
            else:
                t = next(curve_tables)
                tables.append(t)
                lengths.append(t[-1])
        starts = [0.0]
        for n in lengths:
            starts.append(starts[-1] + n)
        self.tables = tables
        self.starts = starts
        self.total = starts[-1]

    def trim(self, start: float, end: float, offset: float) -> PathGeometry:
        """The pieces between ``start`` and ``end`` (fractions of the total length,
        shifted by ``offset`` and wrapping) as open sub-paths; the outline itself when all
        of it is kept. Pieces that meet (a range wrapping across the seam of a closed
        outline) continue without a move, so the stroke has a join there, not two caps."""
        ranges = _ranges(start, end, offset)
        if ranges == [(0.0, 1.0)]:
            return self.geom
        b = PathBuilder()
        total = self.total
        if not ranges or total <= 0.0:
            return b.build(exact=False)
        starts, tables = self.starts, self.tables
        pen: Point | None = None
        last_sub = -1
        for r0, r1 in ranges:
            s0, s1 = r0 * total, r1 * total
            for i, (sub, pts) in enumerate(self.segs):
                a, z = starts[i], starts[i + 1]
                if z <= s0 or a >= s1 or z <= a:
                    continue
                table = tables[i]
                if table is None:  # a line: cut by length
                    (x0, y0), (x1, y1) = pts
                    f0 = (s0 - a) / (z - a) if s0 > a else 0.0
                    f1 = (s1 - a) / (z - a) if s1 < z else 1.0
                    p0 = (x0 + (x1 - x0) * f0, y0 + (y1 - y0) * f0)
                    p1 = (x0 + (x1 - x0) * f1, y0 + (y1 - y0) * f1)
                    if pen is None or sub != last_sub or not _near(pen, p0):
                        b.move_to(*p0)
                    b.line_to(*p1)
                    pen = p1
                else:
                    t0 = _t_at(table, s0 - a) if s0 > a else 0.0
                    t1 = _t_at(table, s1 - a) if s1 < z else 1.0
                    if t1 <= t0:
                        continue
                    c: Cubic = pts if (t0 == 0.0 and t1 == 1.0) else _split(pts, t0, t1)  # type: ignore[arg-type,assignment]
                    if pen is None or sub != last_sub or not _near(pen, c[0]):
                        b.move_to(*c[0])
                    b.cubic_to(*c[1], *c[2], *c[3])
                    pen = c[3]
                last_sub = sub
        return b.build(exact=False)


def _t_at(cum: list[float], s: float) -> float:
    """The parameter where a curve's chord length reaches ``s``."""
    if cum[-1] <= 0.0:
        return 0.0
    i = min(max(bisect_right(cum, s) - 1, 0), _N - 1)
    a, b = cum[i], cum[i + 1]
    f = 0.0 if b <= a else (s - a) / (b - a)
    return (i + min(max(f, 0.0), 1.0)) / _N


def _near(a: Point, b: Point) -> bool:
    return abs(a[0] - b[0]) < 1e-9 and abs(a[1] - b[1]) < 1e-9


def trim_path(geom: PathGeometry, start: float, end: float, offset: float) -> PathGeometry:
    """``OutlineMeasure(geom).trim(start, end, offset)``: the pieces of ``geom`` between
    ``start`` and ``end`` (fractions of its length, shifted by ``offset``, wrapping)."""
    if _ranges(start, end, offset) == [(0.0, 1.0)]:
        return geom
    return OutlineMeasure(geom).trim(start, end, offset)
