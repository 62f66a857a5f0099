"""Trim paths (After Effects / Lottie "trim paths"): the part of an outline between two
fractions of its length, computed in the core so every rasterizer strokes the same curve.

The outline's length is measured over all sub-paths in order (a closed sub-path includes
its closing segment). Each segment's length comes from a fixed 32-chord polyline (pure
numpy, deterministic); a cut inside a segment is placed at the parameter interpolated
along those chords and the segment is split there exactly (de Casteljau), so the kept
pieces lie on the original curves. Called when a shape's values change, never per pixel.
"""

from __future__ import annotations

import numpy as np

from wavyte_core.plugin.geometry import PathBuilder
from wavyte_core.plugin.prepared import CLOSE, CUBIC, LINE, MOVE, QUAD, PathGeometry

__all__ = ["trim_path"]

_N = 32  # chords per curved segment
_T = np.linspace(0.0, 1.0, _N + 1)
_BERN = np.stack([(1 - _T) ** 3, 3 * (1 - _T) ** 2 * _T, 3 * (1 - _T) * _T**2, _T**3], axis=1)

Cubic = tuple[tuple[float, float], ...]  # 4 points (lines are degenerate cubics)


def _subpaths(geom: PathGeometry) -> list[tuple[list[Cubic], bool]]:
    """Sub-paths as lists of cubic segments (lines and quads converted exactly) and
    whether each is closed."""
    out: list[tuple[list[Cubic], bool]] = []
    segs: list[Cubic] = []
    start = cur = (0.0, 0.0)
    closed = False
    for verb, pts in geom.segments():
        p = [tuple(x) for x in pts.tolist()]
        if verb == MOVE:
            if segs:
                out.append((segs, closed))
            segs, closed = [], False
            start = cur = p[0]
        elif verb == LINE:
            segs.append((cur, _lerp(cur, p[0], 1 / 3), _lerp(cur, p[0], 2 / 3), p[0]))
            cur = p[0]
        elif verb == QUAD:
            q, e = p
            segs.append((cur, _lerp(cur, q, 2 / 3), _lerp(e, q, 2 / 3), e))
            cur = e
        elif verb == CUBIC:
            segs.append((cur, p[0], p[1], p[2]))
            cur = p[2]
        elif verb == CLOSE:
            if cur != start:
                segs.append((cur, _lerp(cur, start, 1 / 3), _lerp(cur, start, 2 / 3), start))
            closed = True
            out.append((segs, closed))
            segs, closed = [], False
            cur = start
    if segs:
        out.append((segs, closed))
    return out


def _lerp(a: tuple[float, float], b: tuple[float, float], t: float) -> tuple[float, float]:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _tables(segs: list[Cubic]) -> np.ndarray:
    """Cumulative chord lengths (n_segments, _N + 1) of each segment."""
    c = np.asarray(segs, dtype=np.float64)  # (n, 4, 2)
    pts = np.einsum("tk,nkd->ntd", _BERN, c)  # (n, _N+1, 2)
    d = np.hypot(*np.moveaxis(np.diff(pts, axis=1), -1, 0))  # (n, _N)
    cum = np.zeros((len(segs), _N + 1))
    np.cumsum(d, axis=1, out=cum[:, 1:])
    return cum


def _t_at(cum: np.ndarray, s: float) -> float:
    """The parameter where a segment's chord length reaches ``s``."""
    total = cum[-1]
    if total <= 0.0:
        return 0.0
    i = int(np.searchsorted(cum, s, side="right")) - 1
    i = min(max(i, 0), _N - 1)
    a, b = cum[i], cum[i + 1]
    f = 0.0 if b <= a else (s - a) / (b - a)
    return (i + min(max(f, 0.0), 1.0)) / _N


def _split(c: Cubic, t0: float, t1: float) -> Cubic:
    """The part of cubic ``c`` between parameters t0 < t1 (exact)."""
    p = np.asarray(c, dtype=np.float64)

    def left(p: np.ndarray, t: float) -> np.ndarray:
        a, b, cc, d = p
        ab, bc, cd = a + (b - a) * t, b + (cc - b) * t, cc + (d - cc) * t
        abc, bcd = ab + (bc - ab) * t, bc + (cd - bc) * t
        return np.array([a, ab, abc, abc + (bcd - abc) * t])

    def right(p: np.ndarray, t: float) -> np.ndarray:
        return left(p[::-1], 1.0 - t)[::-1]

    q = left(p, t1) if t1 < 1.0 else p
    if t0 > 0.0:
        q = right(q, t0 / t1 if t1 > 0 else 0.0)
    return tuple((float(x), float(y)) for x, y in q)  # type: ignore[return-value]


def _ranges(start: float, end: float, offset: float) -> list[tuple[float, float]]:
    """The kept fractions of the total length, after the offset (wrapping)."""
    if start > end:
        start, end = end, start
    if end - start >= 1.0:
        return [(0.0, 1.0)]
    if end <= start:
        return []
    off = offset - np.floor(offset)
    a, b = start + off, end + off
    if a >= 1.0:
        a, b = a - 1.0, b - 1.0
    if b <= 1.0:
        return [(a, b)]
    return [(a, 1.0), (0.0, b - 1.0)]


def trim_path(geom: PathGeometry, start: float, end: float, offset: float) -> PathGeometry:
    """The pieces of ``geom`` between ``start`` and ``end`` (fractions of its total length,
    shifted by ``offset`` and wrapping) as open sub-paths; ``geom`` itself when the whole
    outline is kept."""
    ranges = _ranges(start, end, offset)
    if ranges == [(0.0, 1.0)]:
        return geom
    subs = _subpaths(geom)
    flat = [(seg, si) for si, (segs, _c) in enumerate(subs) for seg in segs]
    b = PathBuilder()
    if not flat or not ranges:
        return b.build()
    cum = _tables([s for s, _ in flat])
    lengths = cum[:, -1]
    starts = np.concatenate([[0.0], np.cumsum(lengths)])
    total = float(starts[-1])
    if total <= 0.0:
        return b.build()
    # Consecutive pieces that meet (a range wrapping across the seam of a closed outline)
    # continue without a move, so the stroke has a join there, not two caps.
    pen: tuple[float, float] | None = None
    last_sub = -1
    for r0, r1 in ranges:
        s0, s1 = r0 * total, r1 * total
        for i, (seg, si) in enumerate(flat):
            a, z = float(starts[i]), float(starts[i + 1])
            if z <= s0 or a >= s1 or z <= a:
                continue
            t0 = _t_at(cum[i], s0 - a) if s0 > a else 0.0
            t1 = _t_at(cum[i], s1 - a) if s1 < z else 1.0
            if t1 <= t0:
                continue
            c = seg if (t0 == 0.0 and t1 == 1.0) else _split(seg, t0, t1)
            if pen is None or si != last_sub or not _near(pen, c[0]):
                b.move_to(*c[0])
            b.cubic_to(*c[1], *c[2], *c[3])
            pen, last_sub = c[3], si
    return b.build()


def _near(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) < 1e-9 and abs(a[1] - b[1]) < 1e-9
