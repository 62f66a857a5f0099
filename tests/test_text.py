"""Text shaping with HarfBuzz: metrics, line breaking, positioned glyph outlines, scripts."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from wavyte_core.assets.bidi_lines import break_opportunities
from wavyte_core.assets.text import FontCache, FontFace, missing_characters, shape_glyphs
from wavyte_core.assets.typeset import shape_text
from wavyte_core.errors import AssetError
from wavyte_core.format.model import TextAsset

FONTS = Path(__file__).resolve().parents[1] / "examples" / "assets" / "fonts"
DEJAVU = FONTS / "DejaVuSans.ttf"
DEVANAGARI = FONTS / "NotoSansDevanagari-Regular.ttf"


@pytest.fixture(scope="module")
def dejavu() -> FontFace:
    return FontCache().load(DEJAVU)


@pytest.fixture(scope="module")
def deva() -> FontFace:
    return FontCache().load(DEVANAGARI)


def text(s: str, size: float = 48.0, max_width: float | None = None) -> TextAsset:
    return TextAsset(text=s, font_source="fonts/x.ttf", size_px=size, max_width_px=max_width)


def contours(outline) -> list[np.ndarray]:
    """Points of each sub-path (split at M verbs)."""
    out: list[list[np.ndarray]] = []
    for verb, p in outline.segments():
        if verb == "M":
            out.append([])
        if len(p):
            out[-1].append(p)
    return [np.concatenate(c) for c in out]


# ------------------------------------------------------------------------ metrics


def test_font_metrics_from_the_font(dejavu):
    assert dejavu.family == "DejaVu Sans"
    assert dejavu.units_per_em == 2048
    # DejaVu Sans hhea: ascender 1901, descender -483, line gap 0
    assert (dejavu.ascender, dejavu.descender, dejavu.line_gap) == (1901.0, 483.0, 0.0)


def test_single_line_metrics_and_baseline(dejavu):
    st = shape_text(text("Hello"), dejavu)
    s = 48.0 / 2048
    ascent, descent = 1901 * s, 483 * s
    line_height = ascent + descent
    assert st.height == pytest.approx(line_height)
    (line,) = st.lines
    leading_rounded = line_height - (math.floor(ascent + 0.5) + math.floor(descent + 0.5))
    assert line.baseline_y == math.floor(ascent + 0.5) + math.floor(leading_rounded / 2)
    assert (line.ascent, line.descent, line.leading) == pytest.approx((ascent, descent, 0.0))
    assert st.family == "DejaVu Sans"
    assert st.color_rgba8 == (255, 255, 255, 255)


def test_width_is_sum_of_advances_including_trailing_space(dejavu):
    s = 48.0 / 2048
    plain = shape_text(text("Hi"), dejavu)
    spaced = shape_text(text("Hi  "), dejavu)
    adv = sum(g[2] for g in shape_glyphs(dejavu, "Hi")) * s
    assert plain.width == pytest.approx(adv)
    space = shape_glyphs(dejavu, " ")[0][2] * s
    assert spaced.width == pytest.approx(adv + 2 * space)
    # trailing spaces draw nothing: same outline extent
    assert spaced.outline.bbox == pytest.approx(plain.outline.bbox)


def test_explicit_newlines_make_lines_one_line_height_apart(dejavu):
    st = shape_text(text("I\nI\n\nI"), dejavu)
    assert len(st.lines) == 4
    line_height = st.height / 4
    assert line_height == pytest.approx((1901 + 483) * 48 / 2048)
    b = [ln.baseline_y for ln in st.lines]
    for i in range(1, 4):  # baseline(i) = round(i·lh) + const
        assert b[i] - b[0] == math.floor(i * line_height + 0.5)
    cs = contours(st.outline)
    assert len(cs) == 3  # "I" is one contour; the empty line draws nothing
    bottoms = [c[:, 1].max() for c in cs]
    assert bottoms[1] - bottoms[0] == pytest.approx(b[1] - b[0])
    assert bottoms[2] - bottoms[0] == pytest.approx(b[3] - b[0])
    assert bottoms[0] == pytest.approx(b[0])  # "I" sits on the baseline


def test_crlf_counts_as_one_break(dejavu):
    assert len(shape_text(text("a\r\nb"), dejavu).lines) == 2


# ---------------------------------------------------------------------- positioning


def test_glyphs_are_positioned_left_to_right(dejavu):
    st = shape_text(text("IIII"), dejavu)
    cs = contours(st.outline)
    assert len(cs) == 4
    lefts = np.array([c[:, 0].min() for c in cs])
    advance = 604 * 48 / 2048
    np.testing.assert_allclose(np.diff(lefts), advance)
    # glyph tops are below the box top: origin is the top-left of the layout box
    assert st.outline.bbox[1] > 0
    assert st.outline.bbox[3] <= st.height


def test_outline_width_grows_with_text_length(dejavu):
    widths = [shape_text(text("ab" * n), dejavu).outline.bbox for n in (1, 2, 4)]
    w = [b[2] - b[0] for b in widths]
    assert w[0] < w[1] < w[2]
    assert w[2] > 3 * w[0]


def test_outline_bbox_matches_points_extent_for_straight_glyphs(dejavu):
    st = shape_text(text("IHT"), dejavu)
    lo = st.outline.points.min(axis=0)
    hi = st.outline.points.max(axis=0)
    assert st.outline.bbox == pytest.approx((lo[0], lo[1], hi[0], hi[1]))


def test_glyph_outlines_are_cached_per_glyph(dejavu):
    gid = shape_glyphs(dejavu, "Q")[0][0]
    assert dejavu.glyph_outline(gid) is dejavu.glyph_outline(gid)
    st = shape_text(text("QQQ"), dejavu)
    flat = dejavu.flat_outline(gid, 48.0 / dejavu.units_per_em)
    assert flat is dejavu.flat_outline(gid, 48.0 / dejavu.units_per_em)
    assert set(flat.verbs) <= set("MLZ")  # curves flattened for exact-enough coverage
    assert len(st.outline.verbs) == 3 * len(flat.verbs)


def test_empty_and_blank_text(dejavu):
    st = shape_text(text(""), dejavu)
    assert st.outline.verbs == "" and st.size[0] == 1.0
    assert st.height == pytest.approx((1901 + 483) * 48 / 2048)
    blank = shape_text(text("   "), dejavu)
    assert blank.outline.verbs == "" and blank.width > 0


# --------------------------------------------------------------------- line breaking


def test_break_opportunities():
    assert break_opportunities("ab cd") == [3]
    assert break_opportunities("ab   cd") == [5]
    assert break_opportunities("well-known") == [5]
    assert break_opportunities("-5 x") == [3]  # no break after a leading minus
    assert break_opportunities("a-5") == []  # no break between hyphen and digit
    assert break_opportunities("漢字") == [1]
    assert break_opportunities("漢。字") == [2]  # never before 。
    assert break_opportunities("a\u00a0b") == []  # NBSP glues


def test_wrapping_keeps_lines_within_max_width(dejavu):
    s = 32.0 / 2048
    space = shape_glyphs(dejavu, " ")[0][2] * s
    words = "the quick brown fox jumps over the lazy dog again and again"
    st = shape_text(text(words, size=32.0, max_width=200.0), dejavu)
    assert len(st.lines) >= 4
    for ln in st.lines[:-1]:  # every line but the last ends with one hanging space
        assert ln.advance - space <= 200.0 + 1e-6
    assert st.lines[-1].advance <= 200.0
    assert st.width == pytest.approx(max(ln.advance for ln in st.lines))
    assert st.height == pytest.approx(len(st.lines) * (1901 + 483) * s)
    unwrapped = shape_text(text(words, size=32.0), dejavu)
    assert len(unwrapped.lines) == 1 and unwrapped.width > 600


def test_greedy_fills_lines(dejavu):
    # each word is ~the same width; 3 fit on a line at this width
    st = shape_text(text("aaa aaa aaa aaa aaa aaa", size=20.0, max_width=130.0), dejavu)
    one = shape_text(text("aaa aaa aaa", size=20.0), dejavu).width
    assert one <= 130.0 < shape_text(text("aaa aaa aaa aaa", size=20.0), dejavu).width
    assert len(st.lines) == 2


def test_over_long_word_overflows_without_breaking(dejavu):
    st = shape_text(text("Supercalifragilistic is long", size=32.0, max_width=100.0), dejavu)
    first = st.lines[0].advance
    assert first > 100.0  # the word overflows on its own line
    whole = shape_text(text("Supercalifragilistic ", size=32.0), dejavu).width
    assert first == pytest.approx(whole)
    # "is long" is 104.8 px wide, so "is " and "long" take a line each
    assert shape_text(text("is long", size=32.0), dejavu).width > 100.0
    assert len(st.lines) == 3
    assert all(ln.advance <= 100.0 for ln in st.lines[1:])


def test_cjk_breaks_between_ideographs(dejavu):
    # DejaVu has no CJK glyphs; breaking works on characters all the same
    st = shape_text(text("漢字漢字漢字漢字", size=20.0, max_width=45.0), dejavu)
    assert len(st.lines) > 1


def test_wrapped_glyphs_restart_at_left_edge(dejavu):
    st = shape_text(text("II II", size=40.0, max_width=40.0), dejavu)
    assert len(st.lines) == 2
    cs = contours(st.outline)
    lefts = [c[:, 0].min() for c in cs]
    assert lefts[2] == pytest.approx(lefts[0])  # first I of line 2 under first I of line 1
    assert cs[2][:, 1].max() - cs[0][:, 1].max() == pytest.approx(
        st.lines[1].baseline_y - st.lines[0].baseline_y
    )


# ---------------------------------------------------------------------- scripts


def test_arabic_shapes_to_contextual_forms_in_visual_order(dejavu):
    word = "بيت"
    glyphs = shape_glyphs(dejavu, word)
    gids = [g[0] for g in glyphs]
    assert 0 not in gids
    isolated = [dejavu.font.get_nominal_glyph(ord(c)) for c in word]
    assert set(gids).isdisjoint(isolated)  # initial/medial/final forms, not isolated
    assert [g[1] for g in glyphs] == [2, 1, 0]  # RTL: visual order is reversed
    assert missing_characters(word, dejavu) == ""
    st = shape_text(text(word), dejavu)
    assert st.outline.verbs and st.width == pytest.approx(sum(g[2] for g in glyphs) * 48 / 2048)


def test_devanagari_forms_conjuncts_and_reorders(deva):
    assert deva.family == "Noto Sans Devanagari"
    conjunct = shape_glyphs(deva, "क्ष")
    assert len(conjunct) == 1 and conjunct[0][0] != 0  # KSSA ligature
    ki = shape_glyphs(deva, "कि")
    ka = deva.font.get_nominal_glyph(ord("क"))
    assert [g[0] for g in ki][1] == ka  # the i-matra is drawn before KA
    assert all(g[0] != 0 for g in shape_glyphs(deva, "नमस्ते दुनिया"))
    st = shape_text(text("नमस्ते दुनिया", size=32.0), deva)
    assert len(contours(st.outline)) > 5


def test_missing_characters_are_reported(dejavu):
    assert missing_characters("abcनमa", dejavu) == "नम"
    assert missing_characters("a\nb", dejavu) == ""


# ---------------------------------------------------------------------- font cache


def test_font_cache_loads_each_file_once(tmp_path):
    shutil.copy(DEJAVU, tmp_path / "f.ttf")
    cache = FontCache()
    a = cache.load(tmp_path / "f.ttf")
    b = cache.load(tmp_path / "." / "f.ttf")
    assert a is b and len(cache) == 1
    c = cache.load(DEVANAGARI)
    assert c is not a and len(cache) == 2


def test_bad_font_file_is_an_asset_error(tmp_path):
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font" * 100)
    with pytest.raises(AssetError, match="not a usable font"):
        FontCache().load(bad, "fonts/bad.ttf")
    with pytest.raises(AssetError, match="cannot read font"):
        FontCache().load(tmp_path / "missing.ttf")
