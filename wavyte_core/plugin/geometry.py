"""Building paths for asset kinds: a `PathBuilder` and ready-made outlines.

Everything here runs when a kind draws (only when its values change) or once at prepare,
never per pixel. Outlines are `PathGeometry` values (absolute coordinates, y down, exact
bounding box with curve extrema), the backend-neutral form every rasterizer converts once
to its native path. Circular arcs are cubic Béziers with the standard ``4/3·tan(θ/4)``
handles (error < 3e-4 of the radius).
"""

from __future__ import annotations

import math

import numpy as np

from wavyte_core.plugin.prepared import CLOSE, CUBIC, LINE, MOVE, QUAD, VERB_POINTS, PathGeometry

__all__ = [
    "PathBuilder",
    "ellipse_path",
    "flatten_path",
    "line_path",
    "path_bbox",
    "polygon_path",
    "rect_path",
    "star_path",
]

Point = tuple[float, float]
_EMPTY_POINTS = np.zeros((0, 2), dtype=np.float64)
_EMPTY_POINTS.setflags(write=False)
#: Handle length of a quarter-circle cubic: 4/3·tan(π/8).
KAPPA = 4.0 / 3.0 * math.tan(math.pi / 8.0)


class PathBuilder:
    """Accumulates verbs and absolute points; `build` returns the `PathGeometry`."""

    __slots__ = ("verbs", "pts")

    def __init__(self) -> None:
        self.verbs: list[str] = []
        self.pts: list[Point] = []

    def move_to(self, x: float, y: float) -> PathBuilder:
        self.verbs.append(MOVE)
        self.pts.append((x, y))
        return self

    def line_to(self, x: float, y: float) -> PathBuilder:
        self.verbs.append(LINE)
        self.pts.append((x, y))
        return self

    def quad_to(self, cx: float, cy: float, x: float, y: float) -> PathBuilder:
        self.verbs.append(QUAD)
        self.pts += ((cx, cy), (x, y))
        return self

    def cubic_to(
        self, c1x: float, c1y: float, c2x: float, c2y: float, x: float, y: float
    ) -> PathBuilder:
        self.verbs.append(CUBIC)
        self.pts += ((c1x, c1y), (c2x, c2y), (x, y))
        return self

    def close(self) -> PathBuilder:
        self.verbs.append(CLOSE)
        return self

    def build(
        self, *, exact: bool = True, bbox: tuple[float, float, float, float] | None = None
    ) -> PathGeometry:
        """The path. Its ``bbox`` is ``bbox`` when given (known analytically), else the
        exact bounds with curve extrema, or with ``exact=False`` the bounds of all points,
        control points included (a cheaper box that still holds the curves: for outlines
        only drawn, never measured for layout)."""
        verbs = "".join(self.verbs)
        pts = np.array(self.pts, dtype=np.float64).reshape(-1, 2) if self.pts else _EMPTY_POINTS
        if bbox is None:
            if exact or not len(pts):
                bbox = path_bbox(verbs, pts)
            else:
                lo, hi = pts.min(axis=0), pts.max(axis=0)
                bbox = (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))
        return PathGeometry(verbs, pts, bbox)


def rect_path(x: float, y: float, w: float, h: float, radius: float = 0.0) -> PathGeometry:
    """A rectangle, clockwise from the top-left corner; ``radius`` rounds the corners
    (clamped to half the shorter side)."""
    b = PathBuilder()
    r = max(min(radius, w / 2.0, h / 2.0), 0.0)
    if r <= 0.0:
        return (
            b.move_to(x, y)
            .line_to(x + w, y)
            .line_to(x + w, y + h)
            .line_to(x, y + h)
            .close()
            .build(bbox=(x, y, x + w, y + h))
        )
    k = r * (1.0 - KAPPA)
    x1, y1 = x + w, y + h
    b.move_to(x + r, y).line_to(x1 - r, y)
    b.cubic_to(x1 - k, y, x1, y + k, x1, y + r).line_to(x1, y1 - r)
    b.cubic_to(x1, y1 - k, x1 - k, y1, x1 - r, y1).line_to(x + r, y1)
    b.cubic_to(x + k, y1, x, y1 - k, x, y1 - r).line_to(x, y + r)
    b.cubic_to(x, y + k, x + k, y, x + r, y)
    return b.close().build(bbox=(x, y, x1, y1))


def ellipse_path(cx: float, cy: float, rx: float, ry: float) -> PathGeometry:
    """An ellipse as four cubics, clockwise from the top."""
    kx, ky = rx * KAPPA, ry * KAPPA
    b = PathBuilder().move_to(cx, cy - ry)
    b.cubic_to(cx + kx, cy - ry, cx + rx, cy - ky, cx + rx, cy)
    b.cubic_to(cx + rx, cy + ky, cx + kx, cy + ry, cx, cy + ry)
    b.cubic_to(cx - kx, cy + ry, cx - rx, cy + ky, cx - rx, cy)
    b.cubic_to(cx - rx, cy - ky, cx - kx, cy - ry, cx, cy - ry)
    return b.close().build(bbox=(cx - abs(rx), cy - abs(ry), cx + abs(rx), cy + abs(ry)))


def _round_corners(pts: list[Point], radius: float) -> PathGeometry:
    """A closed polygon with each corner rounded by a circular-ish arc of ``radius``
    (clamped so neighbouring roundings never overlap)."""
    n = len(pts)
    b = PathBuilder()
    if radius <= 0.0 or n < 3:
        b.move_to(*pts[0])
        for p in pts[1:]:
            b.line_to(*p)
        return b.close().build()
    first = True
    for i in range(n):
        px, py = pts[i - 1]
        cx, cy = pts[i]
        nx, ny = pts[(i + 1) % n]
        ax, ay = px - cx, py - cy
        bx, by = nx - cx, ny - cy
        la, lb = math.hypot(ax, ay), math.hypot(bx, by)
        if la == 0.0 or lb == 0.0:
            continue
        cos = max(min((ax * bx + ay * by) / (la * lb), 1.0), -1.0)
        theta = math.acos(cos)  # interior angle
        tan_half = math.tan(theta / 2.0)
        d = radius / tan_half if tan_half > 1e-12 else 0.0
        d = min(d, la / 2.0, lb / 2.0)
        r = d * tan_half
        s = (cx + ax / la * d, cy + ay / la * d)
        e = (cx + bx / lb * d, cy + by / lb * d)
        # the arc turns by pi - theta; handle length for that sweep
        h = 4.0 / 3.0 * math.tan((math.pi - theta) / 4.0) * r
        c1 = (s[0] - ax / la * h, s[1] - ay / la * h)
        c2 = (e[0] - bx / lb * h, e[1] - by / lb * h)
        if first:
            b.move_to(*s)
            first = False
        else:
            b.line_to(*s)
        b.cubic_to(*c1, *c2, *e)
    return b.close().build()


def polygon_path(
    sides: int, radius: float, corner_radius: float = 0.0, center: Point | None = None
) -> PathGeometry:
    """A regular polygon inscribed in a circle of ``radius`` centred at ``center``
    (default ``(radius, radius)``), first vertex straight up, clockwise."""
    cx, cy = center if center is not None else (radius, radius)
    pts = [
        (
            cx + radius * math.sin(2.0 * math.pi * i / sides),
            cy - radius * math.cos(2.0 * math.pi * i / sides),
        )
        for i in range(sides)
    ]
    return _round_corners(pts, corner_radius)


def star_path(
    points: int, outer_radius: float, inner_radius: float, center: Point | None = None
) -> PathGeometry:
    """A star of ``points`` tips on ``outer_radius`` and valleys on ``inner_radius``,
    centred at ``center`` (default ``(outer_radius, outer_radius)``), first tip up."""
    cx, cy = center if center is not None else (outer_radius, outer_radius)
    b = PathBuilder()
    for i in range(2 * points):
        r = outer_radius if i % 2 == 0 else inner_radius
        a = math.pi * i / points
        x, y = cx + r * math.sin(a), cy - r * math.cos(a)
        if i == 0:
            b.move_to(x, y)
        else:
            b.line_to(x, y)
    return b.close().build()


def line_path(x0: float, y0: float, x1: float, y1: float) -> PathGeometry:
    """An open segment (stroke it; a fill covers nothing)."""
    return PathBuilder().move_to(x0, y0).line_to(x1, y1).build()


# ------------------------------------------------------------------------ bounding box


def _quad_extrema(q: np.ndarray) -> np.ndarray:
    """Interior extrema of quads ``q`` (n, 3, 2): points where dB/dt = 0 per axis."""
    p0, p1, p2 = q[:, 0], q[:, 1], q[:, 2]
    den = p0 - 2.0 * p1 + p2
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (p0 - p1) / den
    ok = (den != 0.0) & (t > 0.0) & (t < 1.0)
    idx, axis = np.nonzero(ok)
    if idx.size == 0:
        return _EMPTY_POINTS
    tt = t[idx, axis][:, None]
    mt = 1.0 - tt
    return mt * mt * p0[idx] + 2.0 * mt * tt * p1[idx] + tt * tt * p2[idx]


def _cubic_extrema(c: np.ndarray) -> np.ndarray:
    """Interior extrema of cubics ``c`` (n, 4, 2): roots of the derivative per axis."""
    p0, p1, p2, p3 = c[:, 0], c[:, 1], c[:, 2], c[:, 3]
    # B'(t)/3 = a t² + b t + k
    a = -p0 + 3.0 * p1 - 3.0 * p2 + p3
    b = 2.0 * (p0 - 2.0 * p1 + p2)
    k = p1 - p0
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), np.abs(k))
    quadratic = np.abs(a) > 1e-12 * np.maximum(scale, 1e-300)
    disc = b * b - 4.0 * a * k
    with np.errstate(divide="ignore", invalid="ignore"):
        sq = np.sqrt(np.where(disc >= 0.0, disc, np.nan))
        r1 = np.where(quadratic, (-b + sq) / (2.0 * a), -k / b)
        r2 = np.where(quadratic, (-b - sq) / (2.0 * a), np.nan)
    roots = np.stack([r1, r2], axis=-1)  # (n, 2 axes, 2 roots)
    ok = np.isfinite(roots) & (roots > 0.0) & (roots < 1.0)
    idx, _axis, _root = np.nonzero(ok)
    if idx.size == 0:
        return _EMPTY_POINTS
    t = roots[ok][:, None]
    mt = 1.0 - t
    return (
        mt * mt * mt * p0[idx]
        + 3.0 * mt * mt * t * p1[idx]
        + 3.0 * mt * t * t * p2[idx]
        + t * t * t * p3[idx]
    )


def path_bbox(verbs: str, points: np.ndarray) -> tuple[float, float, float, float]:
    """Exact bounding box of the drawn segments (kurbo ``bounding_box``), extrema included.

    A lone moveto draws nothing and does not count; an empty path gives ``(0, 0, 0, 0)``.
    Called once per path at prepare; the curve extrema are solved vectorised.
    """
    ends: list[int] = []  # indices of segment endpoints (start and end of every segment)
    quads: list[tuple[int, int, int]] = []  # point indices: pen, control, end
    cubics: list[tuple[int, int, int, int]] = []  # pen, control 1, control 2, end
    nxt = 0  # index of the next unread point
    cur = -1  # index of the pen position
    start = -1  # index of the current sub-path's first point
    for v in verbs:
        if v == MOVE:
            cur = start = nxt
            nxt += 1
        elif v == CLOSE:
            if start >= 0:
                ends += (cur, start)
                cur = start
        else:
            n = VERB_POINTS[v]
            end = nxt + n - 1
            if cur >= 0:
                ends += (cur, end)
                if v == QUAD:
                    quads.append((cur, nxt, nxt + 1))
                elif v == CUBIC:
                    cubics.append((cur, nxt, nxt + 1, nxt + 2))
            cur = end
            nxt += n
    if not ends:
        return (0.0, 0.0, 0.0, 0.0)
    parts = [points[np.asarray(ends)]]
    if quads:
        parts.append(_quad_extrema(points[np.asarray(quads)]))
    if cubics:
        parts.append(_cubic_extrema(points[np.asarray(cubics)]))
    allp = np.concatenate(parts)
    lo = allp.min(axis=0)
    hi = allp.max(axis=0)
    return (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))


def flatten_path(geom: PathGeometry, per_px: float = 1.0) -> PathGeometry:
    """``geom`` with every curve replaced by a polyline: about ``per_px`` chords per local
    unit of the curve's control polygon (4 to 256 per curve; a chord's distance from a
    circular arc of radius 16 stays under 0.01). Lines, moves and closes are kept.

    The core hands dashed strokes to the rasterizers flattened this way: dash lengths are
    then measured along the same straight pieces by every library (each measures curve
    lengths with its own tolerance, which shifts the dashes by a pixel or more after a few
    curves)."""
    if QUAD not in geom.verbs and CUBIC not in geom.verbs:
        return geom
    b = PathBuilder()
    cur = (0.0, 0.0)
    for verb, pts in geom.segments():
        p = [(float(x), float(y)) for x, y in pts.tolist()]
        if verb == MOVE:
            b.move_to(*p[0])
            cur = p[0]
        elif verb == LINE:
            b.line_to(*p[0])
            cur = p[0]
        elif verb == CLOSE:
            b.close()
        else:
            ctrl = [cur, *p]
            c = np.asarray(ctrl)
            length = float(np.hypot(*np.diff(c, axis=0).T).sum())
            n = int(min(max(math.ceil(length * per_px), 4), 256))
            t = np.linspace(0.0, 1.0, n + 1)[1:, None]
            mt = 1.0 - t
            if verb == QUAD:
                q = mt * mt * c[0] + 2.0 * mt * t * c[1] + t * t * c[2]
            else:
                q = mt**3 * c[0] + 3.0 * mt * mt * t * c[1] + 3.0 * mt * t * t * c[2] + t**3 * c[3]
            for x, y in q[:-1].tolist():
                b.line_to(x, y)
            b.line_to(*p[-1])  # the exact end point
            cur = p[-1]
    return b.build(bbox=geom.bbox)
