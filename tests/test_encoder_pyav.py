"""The core's PyAV encoder: files are written, then reopened with PyAV and inspected."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from wavyte_core.errors import RenderError
from wavyte_core.output.encoder_pyav import PyAVEncoder, frame_to_sample
from wavyte_core.plugin.roles import EncodeSettings

W, H, N = 64, 48, 30
KNOWN = 17  # the frame whose colour is checked
KNOWN_BGR = (40, 160, 220)


def _gray(i: int) -> int:
    return 8 * i


def _write(path: Path, fps: Fraction, audio: np.ndarray | None, n: int = N) -> Path:
    session = PyAVEncoder().open(path, EncodeSettings(W, H, fps, audio=audio))
    buf = np.empty((H, W, 4), np.uint8)  # one buffer, reused for every frame
    for i in range(n):
        buf[...] = _gray(i)
        if i == KNOWN:
            buf[..., :3] = KNOWN_BGR
        buf[..., 3] = 255
        session.write(buf)
    session.close()
    return path


def _sine(seconds: float) -> np.ndarray:
    n = int(seconds * 48000)
    mono = (0.5 * np.sin(2 * np.pi * 440 * np.arange(n) / 48000)).astype(np.float32)
    return np.ascontiguousarray(np.stack([mono, mono], axis=1))


def _read(path: Path) -> tuple[av.container.InputContainer, list[np.ndarray], int]:
    c = av.open(str(path))
    frames = [f.to_ndarray(format="bgra") for f in c.decode(video=0)]
    c.seek(0)
    samples = sum(f.samples for f in c.decode(audio=0)) if c.streams.audio else 0
    return c, frames, samples


def test_frame_to_sample_rounds_half_up() -> None:
    assert frame_to_sample(300, Fraction(30000, 1001)) == 480480
    assert frame_to_sample(30, Fraction(30)) == 48000
    assert frame_to_sample(1, Fraction(30000, 1001)) == 1602  # 1601.6 rounds up


@pytest.mark.parametrize("fps", [Fraction(30), Fraction(30000, 1001)])
def test_mp4_with_audio_round_trips(tmp_path: Path, fps: Fraction) -> None:
    path = _write(tmp_path / "out.mp4", fps, _sine(2.0))
    c, frames, samples = _read(path)
    with c:
        v = c.streams.video[0]
        assert v.codec_context.name == "h264"
        assert v.codec_context.pix_fmt == "yuv420p"
        assert (v.codec_context.width, v.codec_context.height) == (W, H)
        assert v.average_rate == fps
        assert float(v.duration * v.time_base) == pytest.approx(N / fps, abs=1e-3)
        assert len(c.streams.audio) == 1
        a = c.streams.audio[0]
        assert a.codec_context.name == "aac" and a.rate == 48000 and a.channels == 2
    assert len(frames) == N
    assert frames[0].shape == (H, W, 4)
    # The reused buffer was not held by the encoder: every frame kept its own content.
    for i in (0, 5, 16, 18, 29):
        assert abs(int(frames[i][H // 2, W // 2, 1]) - _gray(i)) <= 6, f"frame {i}"
    known = frames[KNOWN][H // 2, W // 2, :3].astype(int)
    assert np.abs(known - KNOWN_BGR).max() <= 6
    assert abs(samples - frame_to_sample(N, fps)) <= 1024
    data = path.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")  # +faststart


def test_audio_is_cut_or_padded_to_the_video_length(tmp_path: Path) -> None:
    fps = Fraction(30)
    for name, audio in (("short.mp4", _sine(0.25)), ("long.mp4", _sine(5.0))):
        c, _, samples = _read(_write(tmp_path / name, fps, audio))
        with c:
            a = c.streams.audio[0]
            assert a.duration * a.time_base == pytest.approx(N / 30, abs=1 / 48000)
        assert abs(samples - 48000) <= 1024


def test_no_audio_means_no_audio_stream(tmp_path: Path) -> None:
    c, frames, _ = _read(_write(tmp_path / "silent.mp4", Fraction(25), None))
    with c:
        assert not c.streams.audio
        assert c.streams.video[0].average_rate == 25
    assert len(frames) == N


@pytest.mark.parametrize("suffix", [".mov", ".mkv"])
def test_other_containers(tmp_path: Path, suffix: str) -> None:
    c, frames, samples = _read(_write(tmp_path / f"out{suffix}", Fraction(24), _sine(2.0)))
    c.close()
    assert len(frames) == N
    assert abs(samples - frame_to_sample(N, Fraction(24))) <= 1024


def test_bad_settings_raise_render_error(tmp_path: Path) -> None:
    enc = PyAVEncoder()
    with pytest.raises(RenderError, match="even"):
        enc.open(tmp_path / "odd.mp4", EncodeSettings(65, 48, Fraction(30)))
    with pytest.raises(RenderError, match="even"):
        enc.open(tmp_path / "odd.mp4", EncodeSettings(64, 47, Fraction(30)))
    with pytest.raises(RenderError, match="container"):
        enc.open(tmp_path / "out.avi2", EncodeSettings(64, 48, Fraction(30)))
    with pytest.raises(RenderError, match="audio"):
        enc.open(tmp_path / "a.mp4", EncodeSettings(64, 48, Fraction(30), audio=np.zeros(10)))
    assert not (tmp_path / "odd.mp4").exists()


def test_abort_stops_without_finalising(tmp_path: Path) -> None:
    path = tmp_path / "aborted.mp4"
    session = PyAVEncoder().open(path, EncodeSettings(W, H, Fraction(30)))
    frame = np.zeros((H, W, 4), np.uint8)
    for _ in range(90):  # past x264's lookahead, so packets were muxed
        session.write(frame)
    session.abort()
    session.abort()  # idempotent
    assert path.exists()
    path.unlink()  # the caller deletes the file; nothing still holds it open
    with pytest.raises(RenderError):
        session.write(frame)


@pytest.mark.parametrize("n", [1, 2])
@pytest.mark.parametrize("suffix", [".mp4", ".mkv"])
def test_hevc_of_one_or_two_frames(tmp_path: Path, n: int, suffix: str) -> None:
    """libx265 stamps the DTS of files shorter than three frames from an unset value: the
    MP4 muxer refused them ("Not yet implemented") and Matroska stored garbage. The session
    stamps them as x265 does longer files."""
    out = tmp_path / f"short{suffix}"
    s = EncodeSettings(W, H, Fraction(24), codec="libx265", pix_fmt="yuv420p", crf=28)
    session = PyAVEncoder().open(out, s)
    for i in range(n):
        session.write(np.full((H, W, 4), (40 * i, 90, 160, 255), np.uint8))
    session.close()
    with av.open(str(out)) as c:
        stamps = [(p.pts, p.dts) for p in c.demux(video=0) if p.size]
    with av.open(str(out)) as c:
        assert len(list(c.decode(video=0))) == n
    assert len(stamps) == n
    if suffix == ".mp4":
        dts = [d for _, d in stamps]
        assert dts == sorted(dts) and all(abs(d) < 10**6 for d in dts)
        assert all(d <= p for p, d in stamps)
