"""Text typography: runs, alignment, spacing, bidi, fallback fonts, colour glyphs, boxes, fit.

Fonts: tiny fonts made by `fontmaker` (exact advances), DejaVu Sans from the repository,
and Noto Color Emoji where `make test` installed it (scripts/install-fonts).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from tests import parts
from tests.fontmaker import box_font
from tests.test_e2e_render import clip
from wavyte_core.api import load, render_frame
from wavyte_core.assets.prepare import load_font
from wavyte_core.assets.rich_text import layout_asset, prepare_rich_text, resolve_runs
from wavyte_core.assets.text import FontCache
from wavyte_core.errors import CompositionError, WavyteWarning
from wavyte_core.format.dump import composition_to_json
from wavyte_core.format.load import loads_composition
from wavyte_core.format.paint import Solid
from wavyte_core.plugin.asset_kinds import RasterDrawing, VectorShape

DEJAVU = Path(__file__).resolve().parents[1] / "examples" / "assets" / "fonts" / "DejaVuSans.ttf"
EMOJI = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    box_font(tmp_path / "box.ttf", "abcdefgh ")
    box_font(tmp_path / "other.ttf", "xyz", advance=400, family="Other")
    box_font(tmp_path / "colr.ttf", "", colr={"\u263a": [(0, (1, 0, 0, 1)), (250, (0, 0, 1, 1))]})
    shutil.copy(DEJAVU, tmp_path / "dejavu.ttf")
    return tmp_path


def doc(text: dict, *, width: int = 320, height: int = 120) -> dict:
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": width, "height": height},
        "duration": 2,
        "assets": {"t": {"Text": text}},
        "tracks": [{"name": "a", "z_base": 0, "clips": [clip("c", "t", 0, 2)]}],
        "seed": 0,
    }


def prepared(root: Path, text: dict):
    comp = loads_composition(json.dumps(doc(text)))
    fonts = FontCache()

    def loader(rel: str, field: str):
        return load_font(root, fonts, rel, field)

    return prepare_rich_text("t", comp.assets["t"], loader)


def layout(root: Path, text: dict):
    comp = loads_composition(json.dumps(doc(text)))
    a = comp.assets["t"]
    fonts = FontCache()
    runs = resolve_runs(a, "assets.t.Text", lambda rel, f: load_font(root, fonts, rel, f))
    return layout_asset(a, runs)


# ------------------------------------------------------------------------------ layout


def test_runs_share_a_line_and_fill_per_colour(root: Path) -> None:
    rt = prepared(
        root,
        {
            "runs": [
                {"text": "ab "},
                {"text": "cd", "color_rgba8": "#ff0000"},
                {"text": " ef", "size_px": 20},
            ],
            "font_source": "box.ttf",
            "size_px": 10,
        },
    )
    fills = [op for op in rt.drawing.shapes if isinstance(op, VectorShape)]
    assert sorted(op.fill.color for op in fills) == [(255, 0, 0, 255), (255, 255, 255, 255)]
    assert len(rt.lines) == 1
    # 10 px: a b = 6 px each, space 3; 20 px run: space 6, e f 12 each
    assert rt.width == pytest.approx(6 + 6 + 3 + 6 + 6 + 6 + 12 + 12)
    # the line takes the largest metrics: ascent 16 + descent 4 at 20 px
    assert rt.height == pytest.approx(20.0)


def test_alignment_offsets_lines(root: Path) -> None:
    base = {"text": "ab abcd", "font_source": "box.ttf", "size_px": 10, "max_width_px": 30}
    left = layout(root, base)
    centre = layout(root, {**base, "align": "Center"})
    right = layout(root, {**base, "align": "Right"})
    assert [ln.x0 for ln in left.lines] == [0.0, 0.0]
    assert [ln.x0 for ln in right.lines] == [pytest.approx(30 - 12), pytest.approx(30 - 24)]
    assert [ln.x0 for ln in centre.lines] == [pytest.approx(9), pytest.approx(3)]
    assert centre.width == 30.0


def test_justify_spreads_spaces_except_last_line(root: Path) -> None:
    lay = layout(
        root,
        {
            "text": "ab ab ab ab",
            "font_source": "box.ttf",
            "size_px": 10,
            "max_width_px": 50,
            "align": "Justify",
        },
    )
    first, last = lay.lines
    assert first.x1 - first.x0 == pytest.approx(50.0)
    assert last.x1 - last.x0 == pytest.approx(12.0)


def test_letter_spacing_and_line_height(root: Path) -> None:
    plain = layout(root, {"text": "abc\nab", "font_source": "box.ttf", "size_px": 10})
    spaced = layout(
        root,
        {
            "text": "abc\nab",
            "font_source": "box.ttf",
            "size_px": 10,
            "letter_spacing": 2.5,
            "line_height": 1.5,
        },
    )
    assert spaced.lines[0].advance == pytest.approx(plain.lines[0].advance + 3 * 2.5)
    assert spaced.lines[1].top == pytest.approx(1.5 * plain.lines[1].top)


def test_mixed_direction_paragraph_is_reordered(root: Path) -> None:
    # "ab אבג cd" in an LTR paragraph: the Hebrew word reads right to left in the middle
    lay = layout(
        root, {"text": "ab \u05d0\u05d1\u05d2 cd", "font_source": "dejavu.ttf", "size_px": 20}
    )
    chars = [g.char for g in sorted(lay.glyphs, key=lambda g: g.x)]
    assert chars[:3] == [0, 1, 2]
    assert chars[3:6] == [5, 4, 3]
    assert chars[6:] == [6, 7, 8]
    rtl = layout(
        root,
        {
            "text": "ab \u05d0\u05d1\u05d2",
            "font_source": "dejavu.ttf",
            "size_px": 20,
            "direction": "Rtl",
        },
    )
    order = [g.char for g in sorted(rtl.glyphs, key=lambda g: g.x)]
    assert order == [5, 4, 3, 2, 0, 1]  # RTL paragraph: the Latin word ends the line


def test_line_breaking_follows_uax14(root: Path) -> None:
    lay = layout(
        root,
        {"text": "abc-def gh", "font_source": "box.ttf", "size_px": 10, "max_width_px": 30},
    )
    # breaks after the hyphen and after the space
    assert len(lay.lines) == 3


# ----------------------------------------------------------------------------- fallback


def test_fallback_font_covers_missing_characters(root: Path) -> None:
    lay = layout(
        root,
        {"text": "axb", "font_source": "box.ttf", "size_px": 10, "font_fallback": ["other.ttf"]},
    )
    fam = [g.face.family for g in sorted(lay.glyphs, key=lambda g: g.x)]
    assert fam == ["Box", "Other", "Box"]
    assert lay.missing == {}


def test_uncovered_character_warns_once_and_draws_notdef(root: Path) -> None:
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        rt = prepared(root, {"text": "aqqa", "font_source": "box.ttf", "size_px": 10})
    msgs = [str(w.message) for w in got if issubclass(w.category, WavyteWarning)]
    assert len(msgs) == 1
    assert "assets.t.Text" in msgs[0] and "U+0071" in msgs[0]
    assert rt.width == pytest.approx(6 + 5 + 5 + 6)  # .notdef advance 500 units


def test_colr_glyph_becomes_an_image(root: Path) -> None:
    rt = prepared(
        root,
        {"text": "a\u263a", "font_source": "box.ttf", "size_px": 40, "font_fallback": ["colr.ttf"]},
    )
    imgs = [op for op in rt.drawing.shapes if isinstance(op, RasterDrawing)]
    assert len(imgs) == 1
    px = imgs[0].pixels
    h, w = px.shape[:2]
    assert px[2, w // 2].tolist() == [0, 0, 255, 255]  # outer layer red (BGRA)
    assert px[h // 2, w // 2].tolist() == [255, 0, 0, 255]  # inner layer blue
    assert imgs[0].x == pytest.approx(24.0) and imgs[0].scale == 1.0


def test_cbdt_emoji_is_drawn_from_its_bitmap(root: Path) -> None:
    parts.need("emoji")
    shutil.copy(EMOJI, root / "emoji.ttf")
    rt = prepared(
        root,
        {
            "text": "go \U0001f680",
            "font_source": "dejavu.ttf",
            "size_px": 48,
            "font_fallback": ["emoji.ttf"],
        },
    )
    (img,) = [op for op in rt.drawing.shapes if isinstance(op, RasterDrawing)]
    assert img.pixels.shape[2] == 4 and img.pixels[..., 3].max() == 255
    w = img.pixels.shape[1] * img.scale
    h = img.pixels.shape[0] * img.scale
    assert 40 < w < 70 and 40 < h < 70  # a 48 px emoji


# ----------------------------------------------------------------------- boxes, shadow


def test_background_lines_and_block(root: Path) -> None:
    base = {"text": "ab\nabcd", "font_source": "box.ttf", "size_px": 10}
    lines = prepared(
        root, {**base, "background": {"color": "#000000", "padding": 2, "mode": "Lines"}}
    )
    block = prepared(
        root, {**base, "background": {"color": "#000000", "padding": 2, "corner_radius": 3}}
    )
    black = Solid((0, 0, 0, 255))
    boxes_l = [op for op in lines.drawing.shapes if op.fill == black]
    boxes_b = [op for op in block.drawing.shapes if op.fill == black]
    assert len(boxes_l) == 2 and len(boxes_b) == 1
    assert boxes_l[0].path.bbox == (-2.0, -2.0, 14.0, 12.0)
    assert boxes_b[0].path.bbox == (-2.0, -2.0, 26.0, 22.0)
    assert "C" in boxes_b[0].path.verbs  # rounded corners
    assert lines.drawing.shapes.index(boxes_l[0]) == 0  # boxes under the text


def test_shadow_goes_under_the_fill(root: Path) -> None:
    rt = prepared(
        root,
        {
            "text": "ab",
            "font_source": "box.ttf",
            "size_px": 10,
            "shadow": {"offset": {"x": 2, "y": 3}, "blur": 4, "color": "#00000080"},
        },
    )
    kinds = [type(op).__name__ for op in rt.drawing.shapes]
    assert kinds == ["RasterDrawing", "VectorShape"]
    assert rt.bbox[2] > rt.width  # the shadow reaches past the text


# ------------------------------------------------------------------------------------ fit


def test_fit_picks_the_largest_size_that_fits(root: Path) -> None:
    text = {
        "text": "abcd abcd abcd",
        "font_source": "box.ttf",
        "size_px": 100,
        "fit": {"width": 100, "height": 40, "min_size_px": 4, "max_lines": 2},
    }
    lay = layout(root, text)
    size = lay.runs[0].size_px
    assert len(lay.lines) <= 2 and lay.fits
    assert all(ln.x1 - ln.x0 <= 100 + 1e-6 for ln in lay.lines)
    # a quarter pixel more does not fit
    bigger = layout(root, {**text, "size_px": size + 0.25, "fit": {**text["fit"]}})
    assert bigger.runs[0].size_px < size + 0.25
    assert size == layout(root, text).runs[0].size_px  # deterministic
    assert (lay.width, lay.height) == (100.0, 40.0)


# ----------------------------------------------------------------------- model & render


def test_typography_round_trips_and_02_text_dumps_unchanged(root: Path) -> None:
    t = {
        "runs": [{"text": "ab", "underline": True}, {"text": "c", "background": [1, 2, 3, 4]}],
        "font_source": "box.ttf",
        "size_px": 10.0,
        "align": "Right",
        "letter_spacing": {
            "Keyframes": {
                "keys": [{"frame": 0, "value": 1.0, "ease": "Linear"}],
                "mode": "Linear",
                "default": None,
            }
        },
        "font_fallback": ["other.ttf"],
        "shadow": {"offset": {"x": 1, "y": 1}, "blur": 0, "color": "#000"},
        "fit": {"width": 10, "height": 10},
    }
    comp = loads_composition(json.dumps(doc(t)))
    again = loads_composition(composition_to_json(comp))
    assert again == comp
    plain = loads_composition(
        json.dumps(doc({"text": "ab", "font_source": "box.ttf", "size_px": 10}))
    )
    out = json.loads(composition_to_json(plain))["assets"]["t"]["Text"]
    assert set(out) == {"text", "font_source", "size_px", "color_rgba8"}


@pytest.mark.parametrize(
    "text, where",
    [
        ({"text": "a", "runs": [{"text": "b"}]}, "assets.t.Text"),
        ({"runs": [{"text": "b", "colour": "#fff"}]}, "assets.t.Text.runs[0].colour"),
        ({"text": "a", "font_fallback": ["../x.ttf"]}, "assets.t.Text.font_fallback[0]"),
        ({"text": "a", "fit": {"width": 10}}, "assets.t.Text.fit"),
        ({"text": "a", "align": "Middle"}, "assets.t.Text.align"),
    ],
)
def test_bad_typography_names_the_path(text: dict, where: str) -> None:
    body = {"font_source": "box.ttf", "size_px": 10, **text}
    with pytest.raises(CompositionError) as e:
        load(json.dumps(doc(body)).encode())
    assert str(e.value).startswith(where)


def test_cli_bad_fallback_font_exits_2_and_writes_nothing(root: Path) -> None:
    (root / "notafont.ttf").write_bytes(b"hello, I am not a font")
    (root / "c.json").write_text(
        json.dumps(
            doc(
                {
                    "text": "ab",
                    "font_source": "box.ttf",
                    "size_px": 10,
                    "font_fallback": ["notafont.ttf"],
                }
            )
        )
    )
    out = root / "o.png"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "wavyte_core.cli.main",
            "frame",
            str(root / "c.json"),
            "-f",
            "0",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2, r.stderr
    assert "notafont.ttf" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255.0**2 / mse)


def test_rich_text_renders_alike_on_skia_and_cairo(root: Path) -> None:
    parts.need("cairo")
    t = {
        "runs": [
            {"text": "Hello "},
            {"text": "wörld \u263a", "color_rgba8": "#ffcc00", "underline": True},
        ],
        "font_source": "dejavu.ttf",
        "size_px": 28,
        "max_width_px": 280,
        "align": "Center",
        "font_fallback": ["colr.ttf"],
        "shadow": {"offset": {"x": 2, "y": 2}, "blur": 3, "color": "#000000c0"},
        "background": {"color": "#203060", "padding": 6, "corner_radius": 8, "mode": "Lines"},
    }
    comp = loads_composition(json.dumps(doc(t)))
    a = render_frame(comp, 0, assets_root=root, backend="skia")
    b = render_frame(comp, 0, assets_root=root, backend="cairo")
    assert a[..., :3].max() > 200  # something was drawn
    assert _psnr(a, b) >= 40.0


@pytest.mark.parametrize(
    "s",
    [
        "and \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd 123 mixed",
        "\u05e9\u05dc\u05d5\u05dd (abc) 12.5% \u05e2\u05d5\u05dc\u05dd!",
        "x \u2067\u05d0\u05d1 cd\u2069 y",  # an RTL isolate
    ],
)
def test_visual_order_matches_uax9(root: Path, s: str) -> None:
    from bidi import get_display

    lay = layout(root, {"text": s, "font_source": "dejavu.ttf", "size_px": 20})
    shown = "".join(s[g.char] for g in sorted(lay.glyphs, key=lambda g: g.x) if g.gid)
    want = get_display(s)
    mirror = str.maketrans("()", ")(")  # HarfBuzz mirrors brackets by glyph, not by character
    strip = {0x2067: None, 0x2069: None}
    assert shown.translate(strip).translate(mirror) == want.translate(strip) or shown.translate(
        strip
    ) == want.translate(strip)


def test_gradient_fill_stroke_and_paint_order(root: Path) -> None:
    grad = {"LinearGradient": {"start": [0, 0], "end": [20, 0],
                               "stops": [{"offset": 0, "color": "#ff0000"},
                                         {"offset": 1, "color": "#0000ff"}]}}  # fmt: skip
    base = {"text": "ab", "font_source": "box.ttf", "size_px": 10, "fill": grad,
            "stroke": {"width": 2, "paint": {"Solid": "#000000"}}}  # fmt: skip
    rt = prepared(root, base)
    stroke, fill = rt.drawing.shapes
    assert stroke.stroke is not None and stroke.fill is None
    assert type(fill.fill).__name__ == "LinearGradient"
    over = prepared(root, {**base, "paint_order": "FillThenStroke"})
    assert [s.stroke is not None for s in over.drawing.shapes] == [False, True]


def test_animated_letter_spacing_changes_the_frame(root: Path) -> None:
    anim = {"Keyframes": {"keys": [{"frame": 0, "value": 0.0, "ease": "Linear"},
                                   {"frame": 1, "value": 8.0, "ease": "Linear"}],
                          "mode": "Linear", "default": None}}  # fmt: skip
    t = {"text": "abab", "font_source": "box.ttf", "size_px": 20, "letter_spacing": anim}
    comp = loads_composition(json.dumps(doc(t)))
    a = render_frame(comp, 0, assets_root=root)
    b = render_frame(comp, 1, assets_root=root)
    cols = lambda im: np.nonzero(im[..., 2].max(axis=0) > 128)[0]  # noqa: E731
    assert cols(b).max() - cols(a).max() == pytest.approx(3 * 8, abs=1)


def test_builder_text_typography_and_captions_round_trip() -> None:
    from wavyte_core.format.builder import CompositionBuilder

    b = CompositionBuilder(width=320, height=120, fps=30, duration=10, seed=1)
    b.text(
        "t",
        font="box.ttf",
        size_px=20,
        runs=[{"text": "ab", "color_rgba8": "#ff0000"}, {"text": " cd", "underline": True}],
        align="Center",
        max_width_px=200,
        shadow={"offset": {"x": 1, "y": 2}, "blur": 3, "color": "#000000"},
    )
    b.captions("c", "talk.json", font="box.ttf", size_px=30, style="Karaoke", max_lines=1)
    b.track("a").clip("x", asset="t", start=0, end=10)
    b.track("b").clip("y", asset="c", start=0, end=10)
    comp = b.build(check=False)
    again = loads_composition(composition_to_json(comp))
    assert again == comp
    t = comp.assets["t"]
    assert t.runs is not None and t.runs[0].color_rgba8 == (255, 0, 0, 255)
    assert t.align.value == "Center" and t.shadow.blur == 3.0
    with pytest.raises(CompositionError, match="assets.t2.Text.colour"):
        b.text("t2", "x", font="box.ttf", size_px=10, colour="#fff")
    with pytest.raises(CompositionError, match="assets.c2.Captions.style"):
        b.captions("c2", "talk.json", font="box.ttf", size_px=30, style="Bouncy")


def test_translucent_text_is_drawn_as_a_group(root: Path) -> None:
    # a black blurred shadow right under white boxes, the clip at half opacity, on white:
    # as a group the boxes' insides stay white (the shadow is hidden under them)
    t = {"text": "aa", "font_source": "box.ttf", "size_px": 60,
         "shadow": {"offset": {"x": 0, "y": 0}, "blur": 4, "color": "#000000"}}  # fmt: skip
    d = doc(t)
    d["tracks"][0]["clips"][0]["props"]["opacity"] = {
        "Keyframes": {"keys": [{"frame": 0, "value": 0.5, "ease": "Linear"}], "mode": "Hold",
                      "default": None}}  # fmt: skip
    comp = loads_composition(json.dumps(d))
    for backend in ("skia", "cairo"):
        if backend == "cairo":
            pytest.importorskip("wavyte_backend_cairo")
        f = render_frame(comp, 0, assets_root=root, backend=backend,
                         background=(255, 255, 255, 255))  # fmt: skip
        # inside the first box (x 3..33, y 6..48 at 60 px: advance 36, box 3..33)
        assert f[30, 18, :3].min() >= 250, (backend, f[30, 18].tolist())
        assert f[30, 60:, :3].min() < 250  # the shadow shows around the boxes
