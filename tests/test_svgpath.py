"""svg_path_d parsing: grammar (kurbo BezPath::from_svg), absolute output, exact bbox."""

from __future__ import annotations

import math

import numpy as np
import pytest

from wavyte_core.assets.svgpath import arc_to_cubics, parse_svg_path, path_bbox


def pts(d: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in parse_svg_path(d).points]


def approx_pts(d: str, expected: list[tuple[float, float]]) -> None:
    np.testing.assert_allclose(np.array(pts(d)), np.array(expected), atol=1e-9)


def cubic_point(p0, p1, p2, p3, t):
    p0, p1, p2, p3 = map(np.asarray, (p0, p1, p2, p3))
    mt = 1 - t
    return mt**3 * p0 + 3 * mt**2 * t * p1 + 3 * mt * t**2 * p2 + t**3 * p3


# ----------------------------------------------------------------------- commands


@pytest.mark.parametrize(
    ("d", "verbs", "points"),
    [
        ("M1 2 L3 4", "ML", [(1, 2), (3, 4)]),
        ("M1 2 l3 4", "ML", [(1, 2), (4, 6)]),
        ("M1 2 H5", "ML", [(1, 2), (5, 2)]),
        ("M1 2 h5", "ML", [(1, 2), (6, 2)]),
        ("M1 2 V7", "ML", [(1, 2), (1, 7)]),
        ("M1 2 v7", "ML", [(1, 2), (1, 9)]),
        ("M0 0 C1 2 3 4 5 6", "MC", [(0, 0), (1, 2), (3, 4), (5, 6)]),
        ("M1 1 c1 2 3 4 5 6", "MC", [(1, 1), (2, 3), (4, 5), (6, 7)]),
        ("M0 0 Q1 2 3 4", "MQ", [(0, 0), (1, 2), (3, 4)]),
        ("M1 1 q1 2 3 4", "MQ", [(1, 1), (2, 3), (4, 5)]),
        ("m5 5 l1 0", "ML", [(5, 5), (6, 5)]),  # a leading m is absolute from (0,0)
        ("M0 0 L1 0 Z", "MLZ", [(0, 0), (1, 0)]),
        ("M0 0 L1 0 z", "MLZ", [(0, 0), (1, 0)]),
    ],
)
def test_each_command_absolute_and_relative(d, verbs, points):
    g = parse_svg_path(d)
    assert g.verbs == verbs
    approx_pts(d, points)
    assert g.points.dtype == np.float64 and g.points.shape == (len(points), 2)


def test_implicit_repeats_after_moveto_are_lines():
    g = parse_svg_path("M0 0 10 0 10 10")
    assert g.verbs == "MLL"
    g = parse_svg_path("m1 1 2 0 0 2")
    assert g.verbs == "MLL"
    approx_pts("m1 1 2 0 0 2", [(1, 1), (3, 1), (3, 3)])


def test_implicit_repeats_of_other_commands():
    assert parse_svg_path("M0 0 C1 1 2 2 3 3 4 4 5 5 6 6").verbs == "MCC"
    approx_pts("M0 0 h1 2 3", [(0, 0), (1, 0), (3, 0), (6, 0)])
    assert parse_svg_path("M0 0 q1 1 2 0 1 1 2 0").verbs == "MQQ"


def test_compact_number_syntax():
    approx_pts("M1.5.5L-1-2", [(1.5, 0.5), (-1, -2)])
    approx_pts("M1e-3,2E2 L.5-.5", [(0.001, 200), (0.5, -0.5)])
    approx_pts("M 1 , 2 L+3 , 4", [(1, 2), (3, 4)])
    approx_pts("M0,0L10,0", [(0, 0), (10, 0)])


def test_smooth_cubic_reflects_previous_control():
    g = parse_svg_path("M0 0 C0 10 10 10 10 0 S20 -10 20 0")
    # first control of S = reflection of (10,10) about (10,0)
    np.testing.assert_allclose(g.points[4], (10, -10))
    assert g.verbs == "MCC"


def test_smooth_cubic_without_previous_curve_uses_current_point():
    g = parse_svg_path("M5 5 L10 0 S20 -10 20 0")
    np.testing.assert_allclose(g.points[2], (10, 0))
    g = parse_svg_path("M0 0 Q5 5 10 0 S20 -10 20 0")  # a Q does not feed S
    np.testing.assert_allclose(g.points[3], (10, 0))


def test_relative_smooth_cubic():
    g = parse_svg_path("M0 0 c0 10 10 10 10 0 s10 -10 10 0")
    np.testing.assert_allclose(g.points[4:], [(10, -10), (20, -10), (20, 0)])


def test_smooth_quadratic_reflection_chain():
    g = parse_svg_path("M0 0 Q5 10 10 0 T20 0 T30 0")
    np.testing.assert_allclose(g.points[3], (15, -10))
    np.testing.assert_allclose(g.points[5], (25, 10))
    g = parse_svg_path("M0 0 L10 0 T20 0")  # no previous quad: control = current point
    np.testing.assert_allclose(g.points[2], (10, 0))
    g = parse_svg_path("M0 0 q5 10 10 0 t10 0")
    np.testing.assert_allclose(g.points[3:], [(15, -10), (20, 0)])


def test_close_then_line_starts_at_subpath_start():
    g = parse_svg_path("M10 10 L20 10 L20 20 Z L0 0")
    assert g.verbs == "MLLZML"
    np.testing.assert_allclose(g.points[3], (10, 10))
    g = parse_svg_path("M10 10 L20 10 z l5 5")  # relative to the sub-path start
    np.testing.assert_allclose(g.points[-1], (15, 15))


def test_move_after_close_does_not_duplicate_move():
    assert parse_svg_path("M0 0 L1 0 Z M5 5 L6 6").verbs == "MLZML"


def test_empty_path():
    g = parse_svg_path("   ")
    assert g.verbs == "" and g.points.shape == (0, 2) and g.bbox == (0, 0, 0, 0)
    assert g.size == (1.0, 1.0)


# ---------------------------------------------------------------------------- arcs


def test_arc_half_circle_is_two_quarter_cubics_on_the_circle():
    g = parse_svg_path("M0 0 A10 10 0 0 1 20 0")
    assert g.verbs == "MCC"
    segs = [p for v, p in g.segments() if v == "C"]
    start = np.array([0.0, 0.0])
    for s in segs:
        for t in np.linspace(0, 1, 11):
            q = cubic_point(start, s[0], s[1], s[2], t)
            assert abs(math.hypot(q[0] - 10, q[1]) - 10) < 0.003  # on the circle
        start = s[2]
    np.testing.assert_allclose(g.points[-1], (20, 0))
    # sweep=1 goes through negative y (clockwise on screen: angles increase)
    x0, y0, x1, y1 = g.bbox
    assert (x0, x1) == pytest.approx((0, 20)) and y0 == pytest.approx(-10, abs=1e-3)
    assert y1 == pytest.approx(0)


def test_arc_sweep_flag_picks_the_side():
    up = parse_svg_path("M0 0 A10 10 0 0 1 20 0").bbox
    down = parse_svg_path("M0 0 A10 10 0 0 0 20 0").bbox
    assert up[1] < -9 and up[3] == pytest.approx(0)
    assert down[3] > 9 and down[1] == pytest.approx(0)


def test_arc_large_flag_picks_the_long_way():
    small = parse_svg_path("M0 0 A10 10 0 0 1 10 10")
    large = parse_svg_path("M0 0 A10 10 0 1 1 10 10")
    assert len(small.verbs) < len(large.verbs)
    assert large.verbs == "MCCC"  # 270°
    w_small = small.bbox[2] - small.bbox[0]
    w_large = large.bbox[2] - large.bbox[0]
    assert w_small == pytest.approx(10) and w_large == pytest.approx(20, abs=1e-3)


def test_arc_flags_as_single_characters():
    a = parse_svg_path("M10 10 a10 10 0 1 1 20 20")
    b = parse_svg_path("M10 10 a10 10 0 1120 20")
    c = parse_svg_path("M10 10a10,10,0,1,1,20,20")
    assert a.verbs == b.verbs == c.verbs
    np.testing.assert_allclose(a.points, b.points)
    np.testing.assert_allclose(a.points, c.points)
    np.testing.assert_allclose(a.points[-1], (30, 30))


def test_arc_radius_too_small_is_scaled_up():
    # chord 20 with radius 1: scaled to radius 10, a half circle of radius 10
    g = parse_svg_path("M0 0 A1 1 0 0 1 20 0")
    assert g.bbox[1] == pytest.approx(-10, abs=1e-3)
    assert g.bbox[2] == pytest.approx(20)


def test_arc_zero_radius_is_a_line():
    g = parse_svg_path("M0 0 A0 5 0 0 1 20 0")
    assert g.verbs == "ML"
    assert arc_to_cubics((0, 0), 5, 0, 0, False, True, (1, 1)) is None


def test_degenerate_arc_same_endpoints_is_omitted():
    g = parse_svg_path("M5 5 A10 10 0 0 1 5 5 L6 6")
    assert g.verbs == "ML"


def test_relative_rotated_ellipse_arc_ends_exactly():
    g = parse_svg_path("M3 4 a30 10 45 0 0 15 -7")
    np.testing.assert_allclose(g.points[-1], (18, -3))
    assert set(g.verbs[1:]) == {"C"}


# ---------------------------------------------------------------------------- bbox


def test_bbox_includes_cubic_extrema():
    g = parse_svg_path("M0 0 C0 10 10 10 10 0")
    assert g.bbox == pytest.approx((0, 0, 10, 7.5))  # control points would give 10
    ts = np.linspace(0, 1, 10001)
    curve = np.array([cubic_point((0, 0), (0, 10), (10, 10), (10, 0), t) for t in ts])
    assert g.bbox[3] == pytest.approx(curve[:, 1].max(), abs=1e-6)


def test_bbox_of_s_curve_has_two_extrema_per_axis():
    p = [(0, 0), (30, -40), (-20, 40), (10, 0)]
    g = parse_svg_path("M0 0 C30 -40 -20 40 10 0")
    ts = np.linspace(0, 1, 200001)
    curve = np.array(cubic_point(*p, ts[:, None]))
    expected = (*curve.min(axis=0), *curve.max(axis=0))
    assert g.bbox == pytest.approx(expected, abs=1e-6)


def test_bbox_includes_quad_extrema():
    assert parse_svg_path("M0 0 Q5 10 10 0").bbox == pytest.approx((0, 0, 10, 5))


def test_bbox_ignores_lone_moveto_and_size_is_at_least_one():
    g = parse_svg_path("M-100 -100 M0 0 L10 0")
    assert g.bbox == (0, 0, 10, 0)
    assert g.size == (10, 1.0)


def test_path_bbox_handles_close_then_draw_without_move():
    pts_ = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, -5.0]])
    assert path_bbox("MLZL", pts_) == (0.0, -5.0, 10.0, 0.0)


# -------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("d", "what"),
    [
        ("L10 10", "must start with M"),
        ("10 10", "must start with M"),
        ("M0 0 X5", "unknown command 'X'"),
        ("M0 0 L5", "expected a number"),
        ("M0 0 L", "expected a number"),
        ("M0 0 A10 10 0 2 1 5 5", "arc flag"),
        ("M0 0 Z 5 5", "unexpected"),
        ("M0 0 L1e 5", "expected a number"),
    ],
)
def test_errors_name_the_problem_and_offset(d, what):
    with pytest.raises(ValueError, match=r"^invalid svg_path_d: .* at offset \d+$") as ei:
        parse_svg_path(d)
    assert what in str(ei.value)


def test_error_offset_points_at_the_bad_character():
    with pytest.raises(ValueError, match="at offset 5$"):
        parse_svg_path("M0 0 X5")
