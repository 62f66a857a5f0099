"""Helpers rasterizers share to draw `Paint` values the same way.
They run in ``prepare_vector`` (when a kind's values change), never per pixel.

- `degenerate_colour`: a gradient that spans nothing (a linear gradient whose start equals
  its end, a radial one of radius 0) paints its last stop's colour, as SVG specifies;
- `premul_stops`: the stops of a gradient as straight-alpha float colours, with extra stops
  inserted where the alpha changes, so that a library that interpolates straight colours
  (pixman, under cairo) matches interpolation in premultiplied sRGB (CSS) within a level.
"""

from __future__ import annotations

from wavyte_core.format.paint import LinearGradient, Paint, RadialGradient, Solid, Stop

__all__ = ["degenerate_colour", "premul_stops", "straight_stops"]

RGBAF = tuple[float, float, float, float]
#: Sub-stops per interval whose end alphas differ (error of straight interpolation between
#: them: under 1/4 level of 255).
SUBDIVIDE = 16


def degenerate_colour(p: Paint) -> tuple[int, int, int, int] | None:
    """The solid colour a gradient collapses to, or None when it spans something."""
    if isinstance(p, Solid):
        return None
    if isinstance(p, LinearGradient):
        (x0, y0), (x1, y1) = p.start, p.end  # type: ignore[misc]
        if x0 == x1 and y0 == y1:
            return p.stops[-1].color  # type: ignore[return-value]
        return None
    assert isinstance(p, RadialGradient)
    if p.radius <= 0:  # type: ignore[operator]
        return p.stops[-1].color  # type: ignore[return-value]
    return None


def _f(c: tuple[int, int, int, int]) -> RGBAF:
    return (c[0] / 255.0, c[1] / 255.0, c[2] / 255.0, c[3] / 255.0)


def straight_stops(stops: tuple[Stop, ...]) -> list[tuple[float, RGBAF]]:
    """``(offset, (r, g, b, a))`` floats 0..1, straight alpha."""
    return [(float(s.offset), _f(s.color)) for s in stops]  # type: ignore[arg-type]


def premul_stops(stops: tuple[Stop, ...]) -> list[tuple[float, RGBAF]]:
    """Stops for a straight-interpolating library that reproduce premultiplied
    interpolation: a transparent end of an interval takes the other end's colour (so no
    grey fringe), and each interval whose alphas differ is split into `SUBDIVIDE` pieces
    whose colours are interpolated premultiplied, then un-premultiplied."""
    src = straight_stops(stops)
    out: list[tuple[float, RGBAF]] = []
    for (o0, c0), (o1, c1) in zip(src, src[1:], strict=False):
        if c0[3] == 0.0:
            c0 = (*c1[:3], 0.0)
        if c1[3] == 0.0:
            c1 = (*c0[:3], 0.0)
        if not out or out[-1] != (o0, c0):
            out.append((o0, c0))
        if c0[3] != c1[3] and o1 > o0:
            p0 = (c0[0] * c0[3], c0[1] * c0[3], c0[2] * c0[3], c0[3])
            p1 = (c1[0] * c1[3], c1[1] * c1[3], c1[2] * c1[3], c1[3])
            for k in range(1, SUBDIVIDE):
                t = k / SUBDIVIDE
                pr, pg, pb, pa = (p0[i] + (p1[i] - p0[i]) * t for i in range(4))
                out.append((o0 + (o1 - o0) * t, (pr / pa, pg / pa, pb / pa, pa)))
        out.append((o1, c1))
    return out
