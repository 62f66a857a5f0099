"""Captions: subtitle and transcript files, pages, the words shown at a frame, styles,
bad input, the CLI check, and parity of skia and cairo."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.test_e2e_render import clip
from wavyte_core.api import load, open_job
from wavyte_core.assets.subtitles import read_cues
from wavyte_core.errors import AssetError, CompositionError, WavyteError, WavyteWarning

DEJAVU = Path(__file__).resolve().parents[1] / "examples" / "assets" / "fonts" / "DejaVuSans.ttf"

SRT = """1
00:00:00,500 --> 00:00:02,000
Hello wörld,
second line

2
00:00:02,500 --> 00:00:04,000
<i>naïve</i> café — שלום
"""
VTT = """WEBVTT

NOTE a comment

intro
00:00.500 --> 00:02.000 align:start position:10% line:0
Hello <b>there</b> friend

00:00:02.500 --> 00:00:04.000
second cue
"""
ASS = r"""[Script Info]
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,2,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.50,0:00:03.00,Default,,0,0,0,,{\k50}Kar{\k30}a{\k20}o{\k40}ke {\kf60}is {\k50}fun
"""  # noqa: E501


def whisper(words: list[str], start: float = 0.5, step: float = 0.4) -> dict:
    ws = [
        {"start": round(start + i * step, 3), "end": round(start + i * step + 0.3, 3), "word": w}
        for i, w in enumerate(words)
    ]
    return {"segments": [{"start": start, "end": ws[-1]["end"], "text": " ".join(words),
                          "words": ws}]}  # fmt: skip


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copy(DEJAVU, tmp_path / "dejavu.ttf")
    (tmp_path / "a.srt").write_text(SRT)
    (tmp_path / "a.vtt").write_text(VTT)
    (tmp_path / "a.ass").write_text(ASS)
    words = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    (tmp_path / "w.json").write_text(json.dumps(whisper(words)))
    return tmp_path


# ------------------------------------------------------------------------------ reading


def test_srt_multiline_unicode_cues(root: Path) -> None:
    cues, problems = read_cues(root / "a.srt")
    assert [c.text for c in cues] == ["Hello wörld, second line", "naïve café — שלום"]
    assert cues[0].where == "a.srt:2" and cues[1].where == "a.srt:7"
    words = cues[0].words
    assert words[0].start == 0.5 and words[-1].end == pytest.approx(2.0)
    assert all(a.end == pytest.approx(b.start) for a, b in zip(words, words[1:], strict=False))
    assert problems == []


def test_vtt_with_cue_settings(root: Path) -> None:
    cues, _ = read_cues(root / "a.vtt")
    assert [c.text for c in cues] == ["Hello there friend", "second cue"]
    assert cues[0].where == "a.vtt:6"


def test_ass_karaoke_tags_give_word_times(root: Path) -> None:
    (cue,) = read_cues(root / "a.ass")[0]
    assert [w.text for w in cue.words] == ["Karaoke", "is", "fun"]
    assert [(w.start, w.end) for w in cue.words] == [
        pytest.approx((0.5, 1.9)),
        pytest.approx((1.9, 2.5)),
        pytest.approx((2.5, 3.0)),
    ]


def test_whisper_json(root: Path) -> None:
    (cue,) = read_cues(root / "w.json")[0]
    assert cue.words[2].text == "three" and cue.words[2].start == pytest.approx(1.3)


@pytest.mark.parametrize(
    "name, content, where, rule",
    [
        ("bad.srt", "1\n00:00:01,000 -> 00:00:02,000\nx\n", "bad.srt", "timing"),
        ("bad2.srt", "1\n00:00:01,000 --> 00:00:0x,000\nx\n", "bad2.srt:2", "malformed"),
        ("neg.srt", SRT.replace("00:00:02,500 --> 00:00:04,000", "00:00:04,500 --> 00:00:04,000"),
         "neg.srt:7", "before it starts"),
        ("shape.json", json.dumps({"segments": [{"start": 0, "end": 1, "words": [{"start": "a"}]}]}),
         "shape.json: segments[0].words[0].word", "expected a string"),
        ("shape2.json", json.dumps([1, 2]), "shape2.json: segments", "segments"),
        ("bad.json", "{\n  nope", "bad.json:2", "invalid JSON"),
    ],
)  # fmt: skip
def test_bad_files_name_file_line_and_rule(
    root: Path, name: str, content: str, where: str, rule: str
) -> None:
    (root / name).write_text(content)
    try:
        cues, problems = read_cues(root / name)
    except AssetError as exc:
        msg = str(exc)
    else:
        fatal = [p for p in problems if p.fatal]
        assert fatal, problems
        msg = str(fatal[0])
    assert msg.startswith(where) and rule in msg


def test_overlaps_are_reported(root: Path) -> None:
    (root / "o.srt").write_text(SRT.replace("00:00:02,500", "00:00:01,500"))
    _, problems = read_cues(root / "o.srt")
    assert [(p.where, p.fatal) for p in problems] == [("o.srt:7", False)]
    assert "overlaps the cue at o.srt:2" in str(problems[0])


# ------------------------------------------------------------------------ composition


def doc(captions: dict, *, frames: int = 150, width: int = 540, height: int = 300) -> dict:
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": width, "height": height},
        "duration": frames,
        "assets": {"cap": {"Captions": captions}},
        "tracks": [{"name": "a", "z_base": 0, "clips": [clip("c", "cap", 0, frames)]}],
        "seed": 0,
    }


def kind_of(job):  # noqa: ANN001, ANN201
    item = job.assets.items[job.assets.keys.index("cap")]
    return item.kind


def shown(job, frame: int) -> str:  # noqa: ANN001
    """The words the captions asset shows at ``frame`` (by its page state)."""
    k = kind_of(job)
    st = k.pages.state(frame / 30.0)
    if st is None:
        return ""
    page = k.pages.pages[st[0]]
    return " ".join(w.text for w in page.words)


def base(**kw: object) -> dict:
    return {"source": "w.json", "font_source": "dejavu.ttf", "size_px": 40, "max_width_px": 300,
            **kw}  # fmt: skip


def test_pages_fit_lines_and_words(root: Path) -> None:
    comp = load(json.dumps(doc(base(max_lines=1, max_words_per_page=3))).encode())
    with open_job(comp, assets_root=root) as job:
        pages = kind_of(job).pages.pages
        assert all(len(p.lines) == 1 and len(p.words) <= 3 for p in pages)
        assert [w.text for p in pages for w in p.words] == (
            ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
        )
        assert shown(job, 0) == ""  # before the first word
        assert shown(job, 16) == "one two three"  # 0.53 s
        assert shown(job, 45) == "one two three"  # 1.5 s: "four" starts at 1.7
        assert shown(job, 54) == "four five six"
        # fixed intrinsic size: max_width × one line
        assert job.sizes["cap"][0] == 300.0


def test_page_times_follow_the_words(root: Path) -> None:
    comp = load(json.dumps(doc(base(max_lines=1, max_words_per_page=3))).encode())
    with open_job(comp, assets_root=root) as job:
        pages = kind_of(job).pages.pages
        assert pages[0].start == 0.5 and pages[1].start == pytest.approx(1.7)
        assert pages[-1].end == pytest.approx(4.4)


def test_time_offset_shifts_everything(root: Path) -> None:
    comp = load(json.dumps(doc(base(time_offset_sec=1.0))).encode())
    with open_job(comp, assets_root=root) as job:
        assert shown(job, 30) == ""  # 1.0 s: the first word starts at 1.5
        assert shown(job, 46).startswith("one")


@pytest.mark.parametrize("style", ["Static", "Karaoke", "WordPop", "WordByWord"])
def test_styles_draw_and_highlight(root: Path, style: str) -> None:
    cap = base(style=style, highlight={"color": "#ff0000", "background": "#0000ff80", "scale": 1.2})
    comp = load(json.dumps(doc(cap)).encode())
    with open_job(comp, assets_root=root, background=(0, 0, 0, 255)) as job:
        f = job.frame(32)  # 1.07 s: "one" and "two" started, "two" is current
        red = (f[..., 2] > 200) & (f[..., 1] < 60) & (f[..., 0] < 60)
        white = (f[..., 2] > 200) & (f[..., 1] > 200) & (f[..., 0] > 200)
        if style == "Static":
            assert not red.any() and white.any()
        else:
            assert red.any()
        early = job.frame(16)  # only "one"
        if style == "WordByWord":
            assert white.sum() > (early[..., 1] > 200).sum()  # more words appeared
        st = kind_of(job).pages.state(32 / 30)
        assert st == ((0, 0) if style == "Static" else (0, 2))


def test_same_state_frames_share_one_drawing(root: Path) -> None:
    comp = load(json.dumps(doc(base(style="Karaoke"))).encode())
    with open_job(comp, assets_root=root) as job:
        k = kind_of(job)
        a = k.pages.drawing(k.pages.state(0.55))
        b = k.pages.drawing(k.pages.state(0.6))
        assert a is b
        g0 = job.evaluate(17)
        g1 = job.evaluate(18)
        assert g0.nodes[0].state == g1.nodes[0].state  # one word: the layer is unchanged


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255.0**2 / mse)


def test_skia_and_cairo_agree(root: Path) -> None:
    pytest.importorskip("wavyte_backend_cairo")
    cap = base(style="WordPop", highlight={"color": "#ffd600", "background": "#7030a0",
                                          "scale": 1.15},
               stroke={"width": 4, "paint": {"Solid": "#000000"}, "join": "Round"},
               shadow={"offset": {"x": 0, "y": 3}, "blur": 4, "color": "#000000a0"},
               background={"color": "#00000080", "padding": 8, "corner_radius": 10,
                           "mode": "Lines"})  # fmt: skip
    comp = load(json.dumps(doc(cap)).encode())
    for frame in (20, 40, 100):
        with open_job(comp, assets_root=root, backend="skia") as a:
            fa = a.frame(frame)
        with open_job(comp, assets_root=root, backend="cairo") as b:
            fb = b.frame(frame)
        assert _psnr(fa, fb) >= 40.0, frame


@pytest.mark.parametrize(
    "cap, where",
    [
        (base(source="../x.srt"), "assets.cap.Captions.source"),
        (base(style="Bouncy"), "assets.cap.Captions.style"),
        (base(colour="#fff"), "assets.cap.Captions.colour"),
        (base(max_lines=0), "assets.cap.Captions.max_lines"),
        (base(highlight={"scale": -1}), "assets.cap.Captions.highlight.scale"),
    ],
)
def test_bad_captions_fields(root: Path, cap: dict, where: str) -> None:
    with pytest.raises(WavyteError) as e:
        comp = load(json.dumps(doc(cap)).encode())
        with open_job(comp, assets_root=root):
            pass
    assert str(e.value).startswith(where), str(e.value)
    assert isinstance(e.value, (CompositionError, AssetError))


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_cli_check_reports_problems_with_lines(root: Path) -> None:
    good = _cli("captions", str(root / "a.srt"), "--check")
    assert good.returncode == 0 and "2 cues" in good.stdout
    (root / "o.srt").write_text(SRT.replace("00:00:02,500 --> 00:00:04,000",
                                            "00:00:01,500 --> 00:00:01,000"))  # fmt: skip
    bad = _cli("captions", str(root / "o.srt"), "--check")
    assert bad.returncode == 2
    lines = bad.stderr.strip().splitlines()
    assert any("o.srt:7" in ln and "before it starts" in ln for ln in lines)


def test_render_refuses_a_cue_ending_before_it_starts(root: Path) -> None:
    (root / "neg.srt").write_text(SRT.replace("00:00:02,500 --> 00:00:04,000",
                                              "00:00:04,500 --> 00:00:04,000"))  # fmt: skip
    (root / "c.json").write_text(json.dumps(doc(base(source="neg.srt"), frames=10)))
    out = root / "o.png"
    r = _cli("frame", str(root / "c.json"), "-f", "0", "-o", str(out))
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "neg.srt:7" in r.stderr
    assert not out.exists()


def test_uncovered_characters_warn_once_naming_the_asset(root: Path) -> None:
    (root / "k.srt").write_text("1\n00:00:00,500 --> 00:00:02,000\nカナ text カ\n")
    comp = load(json.dumps(doc(base(source="k.srt"))).encode())
    with pytest.warns(WavyteWarning) as got, open_job(comp, assets_root=root):
        pass
    msgs = [str(w.message) for w in got if "no font" in str(w.message)]
    assert len(msgs) == 1
    assert msgs[0].startswith("assets.cap.Captions") and "U+30AB" in msgs[0]
