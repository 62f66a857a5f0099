"""Every output codec, rendered through the real encoders and decoded back with PyAV.

Each output is compared with the frames the same job renders to numpy (what `wavyte
frame` writes): frame count, rate, PSNR per codec, alpha (exact for PNG, within one level
for ProRes 4444), audio codec and length.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import wavyte_core as wv
from tests.codec_scene import (
    FPS,
    H,
    N,
    W,
    audio_samples,
    decode_rgba,
    decode_sequence,
    make_scene,
    premultiply,
    psnr,
    video_bytes,
)
from wavyte_core.errors import RenderError, WavyteWarning
from wavyte_core.output.flatten import unpremultiply_to_rgba

SAMPLES = N * 48000 // FPS


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_scene(tmp_path_factory.mktemp("codec_scene"))


@pytest.fixture(scope="module")
def opaque(scene: Path) -> Iterator[tuple[wv.RenderJob, list[np.ndarray]]]:
    """The job on the default opaque background and its frames as RGB."""
    with wv.open_job(wv.load(scene), assets_root=scene.parent) as job:
        ref = [f[..., [2, 1, 0]].copy() for _, f in job.frames()]
        yield job, ref


@pytest.fixture(scope="module")
def transparent(scene: Path) -> Iterator[tuple[wv.RenderJob, list[np.ndarray]]]:
    """The job on a transparent background and its frames as straight RGBA."""
    with wv.open_job(wv.load(scene), assets_root=scene.parent, alpha=True) as job:
        ref = [unpremultiply_to_rgba(f) for _, f in job.frames()]
        yield job, ref


# name, file, options, decoded codec, pix_fmt, min PSNR (dB), audio codec
OPAQUE_CASES = [
    ("h264", "a.mp4", {}, "h264", "yuv420p", 32, "aac"),
    ("h264-444-mkv", "a.mkv", {"crf": 18, "pix_fmt": "yuv444p"}, "h264", "yuv444p", 38, "aac"),
    ("h265", "b.mp4", {"codec": "h265"}, "hevc", "yuv420p", 30, "aac"),
    ("h265-mov-bitrate", "b.mov", {"codec": "h265", "bitrate": "2M"}, "hevc", "yuv420p", 32, "aac"),
    ("vp9", "c.webm", {}, "vp9", "yuv420p", 32, "opus"),
    ("prores-hq", "d.mov", {"codec": "prores"}, "prores", "yuv422p10le", 38, "aac"),
    ("prores-4444", "d4.mov", {"profile": "4444", "codec": "prores"}, "prores", None, 42, "aac"),
]


@pytest.mark.parametrize(
    ("name", "file", "opts", "codec", "pix_fmt", "min_psnr", "audio"),
    OPAQUE_CASES,
    ids=[c[0] for c in OPAQUE_CASES],
)
def test_video_codecs_round_trip(
    opaque: tuple, tmp_path: Path, name: str, file: str, opts: dict, codec: str,
    pix_fmt: str | None, min_psnr: float, audio: str,
) -> None:  # fmt: skip
    job, ref = opaque
    out = tmp_path / file
    report = job.render(out, **opts)
    assert report.frames == N and not report.warnings
    frames, info = decode_rgba(out)
    assert len(frames) == N
    assert info["codec"] == codec
    if pix_fmt is not None:
        assert info["pix_fmt"] == pix_fmt
    assert info["rate"] == FPS
    assert info["audio"] == [audio]
    worst = min(psnr(f[..., :3], r) for f, r in zip(frames, ref, strict=True))
    assert worst >= min_psnr, f"{name}: PSNR {worst:.1f} dB"
    assert (frames[0][..., 3] == 255).all()
    # Opus trims its pre-skip exactly; AAC keeps up to one frame of padding.
    assert 0 <= audio_samples(out) - SAMPLES <= (0 if audio == "opus" else 1024)
    if codec == "hevc":
        assert info["tag"] == "hvc1"
    # 64x48 is below HD: tagged BT.601 limited range, the matrix the frames were converted
    # with (ProRes too: its frame headers carry the tags)
    assert info["colorspace"] == (6, 1)
    assert not list(tmp_path.glob(".*")), "temporary files left behind"


def test_quality_options_change_the_output(opaque: tuple, tmp_path: Path) -> None:
    job, ref = opaque
    hi, lo = tmp_path / "hi.mp4", tmp_path / "lo.mp4"
    job.render(hi, crf=12, preset="veryfast")
    job.render(lo, crf=45, preset="veryfast")
    assert video_bytes(hi) > 2 * video_bytes(lo)
    p_hi = min(psnr(f[..., :3], r) for f, r in zip(decode_rgba(hi)[0], ref, strict=True))
    p_lo = min(psnr(f[..., :3], r) for f, r in zip(decode_rgba(lo)[0], ref, strict=True))
    assert p_hi > p_lo + 6


def test_prores_4444_alpha(transparent: tuple, tmp_path: Path) -> None:
    job, ref = transparent
    out = tmp_path / "alpha.mov"  # .mov + alpha picks prores
    job.render(out, alpha=True)
    frames, info = decode_rgba(out)
    assert (info["codec"], info["decoded_pix_fmt"][:4]) == ("prores", "yuva")
    assert len(frames) == N
    for f, r in zip(frames, ref, strict=True):
        assert np.abs(f[..., 3].astype(int) - r[..., 3]).max() <= 1
        assert psnr(premultiply(f), premultiply(r)) >= 42
    assert 0 < ref[0][..., 3].min() < 255  # the scene really is translucent


def test_vp9_alpha_in_webm(transparent: tuple, tmp_path: Path) -> None:
    job, ref = transparent
    out = tmp_path / "alpha.webm"
    job.render(out, alpha=True)
    frames, info = decode_rgba(out, vp9_alpha=True)
    assert info["metadata"].get("alpha_mode") == "1"  # what browsers look for
    assert info["decoded_pix_fmt"] == "yuva420p"
    assert info["audio"] == ["opus"]
    assert len(frames) == N
    for f, r in zip(frames, ref, strict=True):
        assert psnr(f[..., 3], r[..., 3]) >= 36
        assert psnr(premultiply(f), premultiply(r)) >= 32


def test_png_sequence_alpha_is_exact(transparent: tuple, tmp_path: Path) -> None:
    job, ref = transparent
    with pytest.warns(WavyteWarning, match="carries no audio"):
        report = job.render(tmp_path / "seq" / "frame_%05d.png", alpha=True, start=2)
    assert report.frames == N - 2
    names = sorted(p.name for p in (tmp_path / "seq").iterdir())
    assert names == [f"frame_{i:05d}.png" for i in range(2, N)]  # numbered by frame index
    frames = decode_sequence(tmp_path / "seq", "frame_*.png")
    for f, r in zip(frames, ref[2:], strict=True):
        assert np.array_equal(f, r)
    assert [p.name for p in tmp_path.iterdir()] == ["seq"]  # no temporary folder left


def test_png_and_jpeg_sequences_opaque(opaque: tuple, tmp_path: Path) -> None:
    job, ref = opaque
    with pytest.warns(WavyteWarning):
        job.render(tmp_path / "p" / "f%03d.png")
        job.render(tmp_path / "j" / "f%03d.jpg", qscale=2)
    png = decode_sequence(tmp_path / "p", "*.png")
    assert len(png) == N and all(
        np.array_equal(f[..., :3], r) for f, r in zip(png, ref, strict=True)
    )
    jpg = decode_sequence(tmp_path / "j", "*.jpg")
    assert len(jpg) == N
    assert min(psnr(f[..., :3], r) for f, r in zip(jpg, ref, strict=True)) >= 32


@pytest.mark.parametrize(("palette", "dither"), [("video", None), ("frame", "bayer")])
def test_gif(opaque: tuple, tmp_path: Path, palette: str, dither: str | None) -> None:
    job, ref = opaque
    out = tmp_path / "a.gif"
    with pytest.warns(WavyteWarning, match="carries no audio"):
        job.render(out, palette=palette, dither=dither)
    frames, info = decode_rgba(out)
    assert info["codec"] == "gif" and info["audio"] == []
    assert len(frames) == N
    assert min(psnr(f[..., :3], r) for f, r in zip(frames, ref, strict=True)) >= 28
    assert not list(tmp_path.glob(".*"))  # the palette spool is gone


def test_sequence_of_a_failed_render_is_not_left(opaque: tuple, tmp_path: Path) -> None:
    job, _ = opaque
    existing = tmp_path / "old"
    existing.mkdir()
    (existing / "f00000.png").write_bytes(b"old")

    def stop(done: int, total: int) -> None:
        if done == 4:
            raise KeyboardInterrupt

    for folder in (tmp_path / "new", existing):
        with pytest.warns(WavyteWarning), pytest.raises(KeyboardInterrupt):
            job.render(folder / "f%05d.png", progress=stop)
    assert not (tmp_path / "new").exists()
    assert [p.name for p in existing.iterdir()] == ["f00000.png"]
    assert (existing / "f00000.png").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old"]


def test_gif_timing_accumulates_rounding(tmp_path: Path) -> None:
    """29.97 fps: delays of 3 and 4 cs whose sum is the exact length, rounded once."""
    from wavyte_core.output.encoder_gif import centiseconds
    from wavyte_core.output.encoder_pyav import PyAVEncoder
    from wavyte_core.plugin.roles import EncodeSettings

    fps = Fraction(30000, 1001)
    assert [centiseconds(i, fps) for i in range(5)] == [0, 3, 7, 10, 13]
    for n in (3, 10, 31):
        out = tmp_path / f"t{n}.gif"
        s = EncodeSettings(16, 16, fps, codec="gif", pix_fmt="pal8", muxer="gif")
        session = PyAVEncoder().open(out, s)
        buf = np.zeros((16, 16, 4), np.uint8)
        for i in range(n):
            buf[...] = (8 * (i // 2), 0, 255 - 4 * (i // 2), 255)  # pairs of equal frames
            session.write(buf)
        session.close()
        import av

        with av.open(str(out)) as c:
            delays = [p.duration for p in c.demux(video=0) if p.size]
        assert len(delays) == n
        assert set(delays) <= {3, 4}
        assert sum(delays) == round(100 * n / fps)


def test_alpha_needs_a_transparent_background(opaque: tuple, tmp_path: Path) -> None:
    job, _ = opaque
    with pytest.raises(RenderError, match="transparent background"):
        job.render(tmp_path / "x.mov", alpha=True)
    assert not list(tmp_path.iterdir())


def test_one_call_render_with_alpha(scene: Path, tmp_path: Path) -> None:
    out = tmp_path / "one.webm"
    wv.render(scene, out, alpha=True, crf=20, workers=1)
    frames, _ = decode_rgba(out, vp9_alpha=True)
    assert len(frames) == N and frames[0][..., 3].min() < 255


def test_odd_canvas_is_refused_for_420_but_not_for_444(tmp_path: Path) -> None:
    from wavyte_core.output.codecs import resolve_output

    with pytest.raises(RenderError, match="even"):
        resolve_output(tmp_path / "a.mp4").check_canvas(W + 1, H)
    resolve_output(tmp_path / "a.mp4", pix_fmt="yuv444p").check_canvas(W + 1, H + 1)
    resolve_output(tmp_path / "a.gif").check_canvas(W + 1, H + 1)
    resolve_output(tmp_path / "a.mov", codec="prores").check_canvas(W, H + 1)
    with pytest.raises(RenderError, match="even width"):
        resolve_output(tmp_path / "a.mov", codec="prores").check_canvas(W + 1, H)
