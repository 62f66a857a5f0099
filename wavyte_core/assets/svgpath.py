"""Parse SVG path data (the ``svg_path_d`` of a Path asset) into a ``PathGeometry``.

Called once per Path asset at prepare (and by the SVG sizer), never per frame. The
grammar follows kurbo 0.13 ``BezPath::from_svg`` (wavyte-format.md §1.8) and the SVG path
syntax: every command ``M m L l H h V v C c S s Q q T t A a Z z``, implicit repeats, compact
numbers (``1.5.5``, ``-1-2``, ``1e-3``) and single-character arc flags (``a10 10 0 1120 20``).

Output is backend-neutral: absolute coordinates, H/V as lines, S/T expanded, arcs
converted to cubics (one per ≤ 90° piece, the standard ``4/3·tan(δ/4)`` approximation,
error < 3e-4 of the radius), and the exact bounding box with curve extrema.
"""

from __future__ import annotations

import math
import re

import numpy as np

from wavyte_core.plugin.geometry import path_bbox
from wavyte_core.plugin.prepared import CLOSE, CUBIC, LINE, MOVE, QUAD, PathGeometry

__all__ = ["parse_svg_path", "path_bbox", "arc_to_cubics"]

_COMMANDS = frozenset("MmLlHhVvCcSsQqTtAaZz")
_ARG_COUNTS = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7, "Z": 0}
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_WSP = " \t\r\n\f"
_HALF_PI = math.pi / 2.0
_EMPTY_POINTS = np.zeros((0, 2), dtype=np.float64)
_EMPTY_POINTS.setflags(write=False)

Point = tuple[float, float]


def _error(what: str, offset: int) -> ValueError:
    return ValueError(f"invalid svg_path_d: {what} at offset {offset}")


class _Scanner:
    """Reads numbers and flags from path data; separators are optional, as in SVG."""

    __slots__ = ("d", "pos", "n")

    def __init__(self, d: str) -> None:
        self.d = d
        self.pos = 0
        self.n = len(d)

    def skip_wsp(self) -> None:
        d, n, i = self.d, self.n, self.pos
        while i < n and d[i] in _WSP:
            i += 1
        self.pos = i

    def skip_separator(self) -> None:
        """Whitespace, at most one comma, whitespace (the SVG ``comma-wsp``)."""
        self.skip_wsp()
        if self.pos < self.n and self.d[self.pos] == ",":
            self.pos += 1
            self.skip_wsp()

    def number(self) -> float:
        self.skip_separator()
        m = _NUMBER.match(self.d, self.pos)
        if m is None:
            found = repr(self.d[self.pos]) if self.pos < self.n else "end of data"
            raise _error(f"expected a number, found {found}", self.pos)
        self.pos = m.end()
        value = float(m.group())
        if not math.isfinite(value):
            raise _error("number out of range", m.start())
        return value

    def flag(self) -> bool:
        self.skip_separator()
        if self.pos < self.n and self.d[self.pos] in "01":
            self.pos += 1
            return self.d[self.pos - 1] == "1"
        found = repr(self.d[self.pos]) if self.pos < self.n else "end of data"
        raise _error(f"expected an arc flag (0 or 1), found {found}", self.pos)


class _Builder:
    """Accumulates verbs and absolute points; tracks the pen, sub-path start and controls."""

    __slots__ = ("verbs", "pts", "cur", "start", "needs_move", "last_cubic", "last_quad")

    def __init__(self) -> None:
        self.verbs: list[str] = []
        self.pts: list[Point] = []
        self.cur: Point = (0.0, 0.0)
        self.start: Point = (0.0, 0.0)
        self.needs_move = False
        self.last_cubic: Point | None = None  # second control of the previous C/S
        self.last_quad: Point | None = None  # control of the previous Q/T

    def _begin_segment(self) -> None:
        # After Z, a drawing command starts a new sub-path at the previous start (§1.8).
        if self.needs_move:
            self.verbs.append(MOVE)
            self.pts.append(self.start)
            self.needs_move = False

    def move(self, p: Point) -> None:
        self.verbs.append(MOVE)
        self.pts.append(p)
        self.cur = self.start = p
        self.needs_move = False

    def line(self, p: Point) -> None:
        self._begin_segment()
        self.verbs.append(LINE)
        self.pts.append(p)
        self.cur = p

    def quad(self, c: Point, p: Point) -> None:
        self._begin_segment()
        self.verbs.append(QUAD)
        self.pts += (c, p)
        self.cur = p

    def cubic(self, c1: Point, c2: Point, p: Point) -> None:
        self._begin_segment()
        self.verbs.append(CUBIC)
        self.pts += (c1, c2, p)
        self.cur = p

    def close(self) -> None:
        if self.needs_move or not self.verbs:
            return
        self.verbs.append(CLOSE)
        self.cur = self.start
        self.needs_move = True


def _reflect(ctrl: Point | None, about: Point) -> Point:
    if ctrl is None:
        return about
    return (2.0 * about[0] - ctrl[0], 2.0 * about[1] - ctrl[1])


def _vector_angle(ux: float, uy: float, vx: float, vy: float) -> float:
    return math.atan2(ux * vy - uy * vx, ux * vx + uy * vy)


def arc_to_cubics(
    p1: Point,
    rx: float,
    ry: float,
    x_rotation_deg: float,
    large_arc: bool,
    sweep: bool,
    p2: Point,
) -> list[tuple[Point, Point, Point]] | None:
    """Convert an SVG elliptical arc to cubics (SVG 1.1 F.6.5/F.6.6).

    Returns ``None`` when the arc is a straight line (a zero radius), ``[]`` when it is
    omitted (same endpoints), else one ``(c1, c2, end)`` per piece of at most 90°.
    """
    x1, y1 = p1
    x2, y2 = p2
    if x1 == x2 and y1 == y2:
        return []
    rx, ry = abs(rx), abs(ry)
    if rx == 0.0 or ry == 0.0:
        return None
    phi = math.radians(x_rotation_deg % 360.0)
    cos_phi, sin_phi = math.cos(phi), math.sin(phi)
    hx, hy = (x1 - x2) / 2.0, (y1 - y2) / 2.0
    x1p = cos_phi * hx + sin_phi * hy
    y1p = -sin_phi * hx + cos_phi * hy
    lam = (x1p * x1p) / (rx * rx) + (y1p * y1p) / (ry * ry)
    if lam > 1.0:  # radii too small: scale up uniformly until the arc just fits (F.6.6)
        s = math.sqrt(lam)
        rx, ry = rx * s, ry * s
    rx2, ry2 = rx * rx, ry * ry
    num = rx2 * ry2 - rx2 * y1p * y1p - ry2 * x1p * x1p
    den = rx2 * y1p * y1p + ry2 * x1p * x1p
    coef = math.sqrt(max(num, 0.0) / den) if den > 0.0 else 0.0
    if large_arc == sweep:
        coef = -coef
    cxp = coef * rx * y1p / ry
    cyp = -coef * ry * x1p / rx
    cx = cos_phi * cxp - sin_phi * cyp + (x1 + x2) / 2.0
    cy = sin_phi * cxp + cos_phi * cyp + (y1 + y2) / 2.0
    ux, uy = (x1p - cxp) / rx, (y1p - cyp) / ry
    vx, vy = (-x1p - cxp) / rx, (-y1p - cyp) / ry
    theta1 = _vector_angle(1.0, 0.0, ux, uy)
    dtheta = _vector_angle(ux, uy, vx, vy)
    if not sweep and dtheta > 0.0:
        dtheta -= 2.0 * math.pi
    elif sweep and dtheta < 0.0:
        dtheta += 2.0 * math.pi

    n = max(math.ceil(abs(dtheta) / _HALF_PI - 1e-7), 1)
    delta = dtheta / n
    k = 4.0 / 3.0 * math.tan(delta / 4.0)
    a_x, a_y = rx * cos_phi, rx * sin_phi  # image of the unit x axis
    b_x, b_y = -ry * sin_phi, ry * cos_phi  # image of the unit y axis

    def to_world(ex: float, ey: float) -> Point:
        return (cx + a_x * ex + b_x * ey, cy + a_y * ex + b_y * ey)

    out: list[tuple[Point, Point, Point]] = []
    t0 = theta1
    c0, s0 = math.cos(t0), math.sin(t0)
    for i in range(n):
        t1 = theta1 + (i + 1) * delta
        c1, s1 = math.cos(t1), math.sin(t1)
        ctrl1 = to_world(c0 - k * s0, s0 + k * c0)
        ctrl2 = to_world(c1 + k * s1, s1 - k * c1)
        end = p2 if i == n - 1 else to_world(c1, s1)
        out.append((ctrl1, ctrl2, end))
        c0, s0 = c1, s1
    return out


def parse_svg_path(d: str) -> PathGeometry:
    """Parse SVG path data into absolute verbs and points with an exact bounding box.

    Raises ``ValueError("invalid svg_path_d: <what> at offset N")``; the preparer wraps it
    with the asset key. Empty (or whitespace-only) data gives an empty path.
    """
    sc = _Scanner(d)
    b = _Builder()
    cmd = ""
    while True:
        sc.skip_wsp()
        if sc.pos >= sc.n:
            break
        ch = d[sc.pos]
        cmd_offset = sc.pos
        if ch.isalpha():
            if ch not in _COMMANDS:
                raise _error(f"unknown command {ch!r}", sc.pos)
            if not cmd and ch not in "Mm":
                raise _error(f"path must start with M or m, found {ch!r}", sc.pos)
            cmd = ch
            sc.pos += 1
        elif not cmd:
            raise _error(f"path must start with M or m, found {ch!r}", sc.pos)
        elif cmd in "Zz" or ch == ",":
            raise _error(f"unexpected {ch!r}", sc.pos)
        elif cmd == "M":  # implicit repeats after a moveto are linetos
            cmd = "L"
        elif cmd == "m":
            cmd = "l"
        _execute(cmd, sc, b, cmd_offset)
    points = np.array(b.pts, dtype=np.float64).reshape(-1, 2) if b.pts else _EMPTY_POINTS
    verbs = "".join(b.verbs)
    return PathGeometry(verbs=verbs, points=points, bbox=path_bbox(verbs, points))


def _execute(cmd: str, sc: _Scanner, b: _Builder, offset: int) -> None:
    """Run one command with its arguments; relative commands offset from the pen."""
    upper = cmd.upper()
    rel = cmd != upper
    if upper == "Z":
        b.close()
        b.last_cubic = b.last_quad = None
        return
    ox, oy = b.cur if rel else (0.0, 0.0)
    cur = b.cur
    if upper == "A":
        rx, ry, rot = sc.number(), sc.number(), sc.number()
        large, sweep = sc.flag(), sc.flag()
        x, y = sc.number() + ox, sc.number() + oy
        cubics = arc_to_cubics(cur, rx, ry, rot, large, sweep, (x, y))
        if cubics is None:
            b.line((x, y))
        else:
            for c1, c2, p in cubics:
                b.cubic(c1, c2, p)
        b.last_cubic = b.last_quad = None
        return
    args = [sc.number() for _ in range(_ARG_COUNTS[upper])]
    last_cubic, last_quad = b.last_cubic, b.last_quad
    b.last_cubic = b.last_quad = None
    if upper == "M":
        b.move((args[0] + ox, args[1] + oy))
    elif upper == "L":
        b.line((args[0] + ox, args[1] + oy))
    elif upper == "H":
        b.line((args[0] + ox, cur[1]))
    elif upper == "V":
        b.line((cur[0], args[0] + oy))
    elif upper == "C":
        c2 = (args[2] + ox, args[3] + oy)
        b.cubic((args[0] + ox, args[1] + oy), c2, (args[4] + ox, args[5] + oy))
        b.last_cubic = c2
    elif upper == "S":
        c2 = (args[0] + ox, args[1] + oy)
        b.cubic(_reflect(last_cubic, cur), c2, (args[2] + ox, args[3] + oy))
        b.last_cubic = c2
    elif upper == "Q":
        c = (args[0] + ox, args[1] + oy)
        b.quad(c, (args[2] + ox, args[3] + oy))
        b.last_quad = c
    elif upper == "T":
        c = _reflect(last_quad, cur)
        b.quad(c, (args[0] + ox, args[1] + oy))
        b.last_quad = c
    else:  # pragma: no cover - _COMMANDS and the branches above cover every letter
        raise _error(f"unknown command {cmd!r}", offset)
