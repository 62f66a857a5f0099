"""SVG natural size (usvg resolve_svg_size rules, wavyte-format.md §3.4 Svg row)."""

from __future__ import annotations

import pytest

from wavyte_core.assets.svgsize import MAX_SVG_BYTES, svg_natural_size

NS = 'xmlns="http://www.w3.org/2000/svg"'


def size(attrs: str, body: str = "") -> tuple[float, float]:
    return svg_natural_size(f"<svg {NS} {attrs}>{body}</svg>".encode())


def test_plain_pixel_size():
    assert size('width="640" height="360"') == (640.0, 360.0)
    assert size('width="640px" height=" 360.5px "') == (640.0, 360.5)


@pytest.mark.parametrize(
    ("length", "px"),
    [
        ("1in", 96.0),
        ("2.54cm", 96.0),
        ("25.4mm", 96.0),
        ("72pt", 96.0),
        ("6pc", 96.0),
        ("2em", 24.0),  # usvg default font size 12
        ("2ex", 12.0),
    ],
)
def test_absolute_units(length, px):
    w, h = size(f'width="{length}" height="10"')
    assert w == pytest.approx(px, rel=1e-6) and h == 10.0


def test_em_uses_root_font_size():
    assert size('width="2em" height="1em" font-size="20"') == (40.0, 20.0)


def test_viewbox_gives_size_when_width_height_missing():
    assert size('viewBox="0 0 300 150"') == (300.0, 150.0)


def test_percentages_resolve_against_viewbox():
    assert size('width="50%" height="200%" viewBox="10 10 300 150"') == (150.0, 300.0)
    assert size('width="120" viewBox="0 0 300 150"') == (120.0, 150.0)


def test_no_viewbox_percentage_uses_content_extent():
    body = '<g transform="translate(10 20)"><circle cx="50" cy="50" r="40"/></g>'
    assert size("", body) == pytest.approx((100.0, 110.0), abs=1e-4)
    # both dimensions are replaced even when only one was a percentage
    assert size('width="300"', '<rect x="5" y="5" width="30" height="40"/>') == (35.0, 45.0)


def test_content_extent_includes_curve_extrema_and_transforms():
    body = '<path d="M0 0 C0 100 100 100 100 0" transform="scale(2)"/>'
    assert size("", body) == pytest.approx((200.0, 150.0))
    body = '<rect width="10" height="10" transform="rotate(45)"/><defs><rect width="999" height="999"/></defs>'
    w, h = size("", body)
    assert w == pytest.approx(10 / 2**0.5, rel=1e-6) and h == pytest.approx(10 * 2**0.5, rel=1e-6)


def test_no_viewbox_percentage_without_content_keeps_100():
    assert size("") == (100.0, 100.0)
    assert size('width="50%" height="20"') == (50.0, 20.0)


def test_absolute_size_without_viewbox_ignores_content():
    assert size('width="10" height="10"', '<rect width="500" height="500"/>') == (10.0, 10.0)


def test_invalid_viewbox_is_ignored():
    assert size('width="50%" height="50%" viewBox="0 0 0 10"') == (50.0, 50.0)


def test_result_is_f32():
    w, _ = size('width="0.1" height="1"')
    assert w != 0.1 and w == pytest.approx(0.1)


@pytest.mark.parametrize("attrs", ['width="0" height="10"', 'width="10" height="-5"'])
def test_zero_or_negative_size_is_an_error(attrs):
    with pytest.raises(ValueError, match="not positive"):
        size(attrs)


def test_not_svg_and_malformed():
    with pytest.raises(ValueError, match="not an SVG document"):
        svg_natural_size(b"<html/>")
    with pytest.raises(ValueError, match="malformed XML"):
        svg_natural_size(b"<svg")


def test_size_limit():
    with pytest.raises(ValueError, match="too large"):
        svg_natural_size(b" " * (MAX_SVG_BYTES + 1))
