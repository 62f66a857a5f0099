"""Output requests from the CLI and the API: impossible combinations are one `error:` line
and exit code 2 before any work, with no output; help and docs/output-formats.md list every codec."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.codec_scene import N, decode_rgba, make_scene
from wavyte_core.cli.main import app
from wavyte_core.errors import RenderError
from wavyte_core.output.codecs import CODECS, codec_table_markdown, resolve_output
from wavyte_core.output.flatten import Unpremultiplier, unpremultiply_to_rgba

ROOT = Path(__file__).resolve().parents[1]

BAD = [
    ("a.mp4", {"codec": "vp9"}, "cannot go in a .mp4"),
    ("a.webm", {"codec": "h264"}, "cannot go in a .webm"),
    ("a.mov", {"codec": "gif"}, "cannot go in a .mov"),
    ("a.mp4", {"alpha": True}, "h264 cannot carry alpha"),
    ("a.gif", {"alpha": True}, "gif cannot carry alpha"),
    ("a.mov", {"codec": "prores", "crf": 20}, "crf does not apply to codec prores"),
    ("a.webm", {"preset": "fast"}, "preset does not apply to codec vp9"),
    ("a.mp4", {"palette": "frame"}, "palette does not apply"),
    ("a.webm", {"crf": 64}, "crf 64: vp9 takes 0 … 63"),
    ("a.mp4", {"crf": 52}, "crf 52: h264 takes 0 … 51"),
    ("a.mp4", {"crf": 20, "bitrate": "2M"}, "crf or bitrate"),
    ("a.mp4", {"bitrate": "fast"}, "bitrate 'fast'"),
    ("a.mp4", {"preset": "quick"}, "preset 'quick'"),
    ("a.mov", {"codec": "prores", "profile": "hq", "alpha": True}, "4444 or 4444xq"),
    ("a.mp4", {"pix_fmt": "yuv422p"}, "pix_fmt 'yuv422p': h264 takes"),
    ("a.mp4", {"profile": "baseline", "pix_fmt": "yuv444p"}, "cannot hold pix_fmt"),
    ("a.mp4", {"profile": "high10", "pix_fmt": "yuv420p"}, "high10 of h264 cannot hold"),
    ("a.mkv", {"codec": "h265", "profile": "main10", "pix_fmt": "yuv420p"}, "cannot hold"),
    ("a.mp4", {"color_space": "bt2020"}, "color_space 'bt2020'"),
    ("f_%05d.jpg", {"color_space": "bt709"}, "color_space does not apply to codec jpeg"),
    ("a.webm", {"alpha": True, "pix_fmt": "yuv444p"}, "cannot be combined with alpha"),
    ("a.gif", {"dither": "random"}, "dither 'random'"),
    ("f_%05d.jpg", {"qscale": 1}, "qscale 1"),
    ("f_%05d.jpg", {"alpha": True}, "jpeg cannot carry alpha"),
    ("out.png", {}, "needs a frame-number pattern"),
    ("out.png", {"codec": "png"}, "give a pattern like"),
    ("f_%05d.png", {"codec": "h264"}, "is for image sequences"),
    ("f_%05d.png", {"codec": "jpeg"}, "writes .jpg or .jpeg files"),
    ("f_%d_%d.png", {}, "exactly one"),
    ("a.avi", {}, "unsupported output type '.avi'"),
    ("a.mp4", {"codec": "av1"}, "codec 'av1': expected one of"),
]


@pytest.mark.parametrize(("out", "opts", "message"), BAD, ids=[f"{b[0]}-{b[1]}" for b in BAD])
def test_bad_requests_are_refused(tmp_path: Path, out: str, opts: dict, message: str) -> None:
    with pytest.raises(RenderError, match=message.replace("(", r"\(")) as exc:
        resolve_output(tmp_path / out, **opts)
    assert "\n" not in str(exc.value)
    assert not list(tmp_path.iterdir())


def test_defaults_follow_the_suffix(tmp_path: Path) -> None:
    picks = {
        "a.mp4": ("h264", "yuv420p", "aac"),
        "a.mkv": ("h264", "yuv420p", "aac"),
        "a.webm": ("vp9", "yuv420p", "libopus"),
        "a.gif": ("gif", "pal8", None),
        "s/f_%05d.png": ("png", "rgb24", None),
        "s/f_%05d.jpg": ("jpeg", "yuvj420p", None),
    }
    for out, (codec, pix_fmt, audio) in picks.items():
        spec = resolve_output(tmp_path / out)
        assert (spec.codec.name, spec.pix_fmt, spec.audio_codec) == (codec, pix_fmt, audio)
    alpha = resolve_output(tmp_path / "a.mov", alpha=True)
    assert (alpha.codec.name, alpha.pix_fmt, alpha.profile) == ("prores", "yuva444p10le", "4444")
    assert resolve_output(tmp_path / "a.mov", codec="prores").profile == "hq"
    assert resolve_output(tmp_path / "a.webm", alpha=True).pix_fmt == "yuva420p"
    assert resolve_output(tmp_path / "s/%03d.png", alpha=True).pix_fmt == "rgba"
    assert resolve_output(tmp_path / "a.mp4").crf == 23
    assert resolve_output(tmp_path / "a.mp4", codec="h265").crf == 28
    assert resolve_output(tmp_path / "a.mp4", bitrate="2.5M").bitrate == 2_500_000


@pytest.fixture(scope="module")
def comp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_scene(tmp_path_factory.mktemp("cli_scene"))


CLI_BAD = [
    (["-o", "{d}/x.mp4", "--codec", "vp9"], "cannot go in a .mp4"),
    (["-o", "{d}/x.mp4", "--alpha"], "cannot carry alpha"),
    (["-o", "{d}/x.mov", "--codec", "prores", "--crf", "20"], "crf does not apply"),
    (["-o", "{d}/x.webm", "--crf", "70"], "vp9 takes 0 … 63"),
    (["-o", "{d}/s/f_%05d.png", "--codec", "h264"], "image sequences"),
    (["-o", "{d}/x.mov", "--alpha", "--background", "#102030"], "transparent background"),
    (["-o", "{d}/x.mp4", "--background", "#10203080"], "opaque background"),
]


@pytest.mark.parametrize(("args", "message"), CLI_BAD, ids=[a[0][1] + a[0][-1] for a in CLI_BAD])
def test_cli_refuses_before_any_work(comp: Path, tmp_path: Path, args: list, message: str) -> None:
    out = CliRunner().invoke(app, ["render", str(comp), *(a.format(d=tmp_path) for a in args)])
    assert out.exit_code == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert not list(tmp_path.iterdir())


def test_cli_subprocess_exit_code_and_no_file(comp: Path, tmp_path: Path) -> None:
    """The real console path: one line, exit 2, nothing written."""
    p = subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", "render", str(comp)]
        + ["-o", str(tmp_path / "x.gif"), "--alpha"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 2
    assert p.stderr.strip().splitlines() == [
        "error: codec gif cannot carry alpha (use vp9, prores, png)"
    ]
    assert not list(tmp_path.iterdir())


def test_cli_renders_alpha_and_warns_about_dropped_audio(comp: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(
        app, ["render", str(comp), "-o", str(tmp_path / "s" / "f_%03d.png"), "--alpha", "-w", "1"]
    )
    assert out.exit_code == 0, out.stderr
    assert "warning: " in out.stderr and "carries no audio" in out.stderr
    assert len(list((tmp_path / "s").glob("f_*.png"))) == N
    out = runner.invoke(
        app, ["render", str(comp), "-o", str(tmp_path / "v.webm"), "--alpha", "-q", "-w", "1"]
    )
    assert out.exit_code == 0, out.stderr
    frames, info = decode_rgba(tmp_path / "v.webm", vp9_alpha=True)
    assert len(frames) == N and frames[0][..., 3].min() < 255 and info["audio"] == ["opus"]


def test_help_and_docs_list_every_codec() -> None:
    out = CliRunner().invoke(app, ["render", "--help"], terminal_width=200)
    assert out.exit_code == 0
    for name in CODECS:
        assert name in out.stdout
    for opt in ("--codec", "--alpha", "--crf", "--bitrate", "--profile", "--pix-fmt"):
        assert opt in out.stdout
    for opt in ("--palette", "--dither", "--qscale", "--preset"):
        assert opt in out.stdout
    page = (ROOT / "docs" / "output-formats.md").read_text()
    assert codec_table_markdown() in page, "docs/output-formats.md codec table is out of date"


@pytest.mark.parametrize("translucent", [0.05, 0.9])  # the sparse and the dense path
def test_unpremultiplier_matches_the_png_rule(translucent: float) -> None:
    rng = np.random.default_rng(7)
    h, w = 40, 50
    a = rng.integers(0, 256, (h, w)).astype(np.uint8)
    keep = rng.random((h, w)) > translucent
    a[keep] = np.where(rng.random(int(keep.sum())) < 0.5, 0, 255).astype(np.uint8)
    premul = np.empty((h, w, 4), np.uint8)
    premul[..., 3] = a
    for c in range(3):
        premul[..., c] = (rng.integers(0, 256, (h, w)) * a.astype(int) + 127) // 255
    unpremultiply = Unpremultiplier(h, w)
    for frame in (premul, np.ascontiguousarray(premul[::-1])):  # buffers are reused
        out = unpremultiply(frame)
        assert np.array_equal(out[..., [2, 1, 0, 3]], unpremultiply_to_rgba(frame))


def test_a_missing_encoder_is_named_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PyAV wheel built without libvpx or libopus: the request fails at once, naming the
    missing encoder; what does not need it still works."""
    import wavyte_core.output.codecs as codecs

    monkeypatch.setattr(codecs, "_available", lambda name: name != "libvpx-vp9")
    with pytest.raises(RenderError, match="no libvpx-vp9 encoder"):
        resolve_output(tmp_path / "a.webm")
    assert resolve_output(tmp_path / "a.mp4").codec.name == "h264"
    monkeypatch.setattr(codecs, "_available", lambda name: name != "libopus")
    with pytest.raises(RenderError, match="no libopus encoder"):
        resolve_output(tmp_path / "a.webm")
    assert resolve_output(tmp_path / "a.mkv", codec="vp9").audio_codec == "aac"
