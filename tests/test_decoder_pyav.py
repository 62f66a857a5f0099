"""The ``pyav`` decoder plugin: stills, persistent video sessions, audio.

All media is generated here with PyAV. Video clips carry their frame index in two flat
halves (levels 16 + 32·k survive H.264 easily), so every returned frame can be identified.
"""

from __future__ import annotations

import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from wavyte_decoder_pyav.decoder import PyAVDecoder
from wavyte_decoder_pyav.plugin import wavyte_register_decoders
from wavyte_decoder_pyav.premultiply import Premultiplier

from wavyte_core.errors import AssetError

W, H = 64, 48


# -- media generators ------------------------------------------------------------------


def _index_frame(i: int) -> np.ndarray:
    rgb = np.empty((H, W, 3), dtype=np.uint8)
    rgb[:, : W // 2] = 16 + 32 * (i // 8)
    rgb[:, W // 2 :] = 16 + 32 * (i % 8)
    return rgb


def _index_of(bgra: np.ndarray) -> int:
    hi = round((int(bgra[H // 2, W // 4, 1]) - 16) / 32)
    lo = round((int(bgra[H // 2, 3 * W // 4, 1]) - 16) / 32)
    return hi * 8 + lo


def _write_index_clip(path: Path, fps: Fraction, n: int, faststart: bool = False) -> Path:
    opts = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", container_options=opts) as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = W, H, "yuv420p"
        s.options = {"g": "12"}  # several GOPs, so seeks land on real keyframes
        for i in range(n):
            c.mux(s.encode(av.VideoFrame.from_ndarray(_index_frame(i), format="rgb24")))
        c.mux(s.encode(None))
    return path


def _expected(t: float, fps: Fraction, n: int) -> int:
    return min(max(math.floor((t + 1e-6) * fps), 0), n - 1)


def _write_png(path: Path, rgba: np.ndarray) -> Path:
    with av.open(str(path), "w", format="image2") as c:
        s = c.add_stream("png", rate=1)
        s.height, s.width = rgba.shape[:2]
        s.pix_fmt = "rgba"
        c.mux(s.encode(av.VideoFrame.from_ndarray(rgba, format="rgba")))
        c.mux(s.encode(None))
    return path


@pytest.fixture(scope="module")
def clip30(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_index_clip(tmp_path_factory.mktemp("v") / "c30.mp4", Fraction(30), 60)


@pytest.fixture(scope="module")
def clip24(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_index_clip(tmp_path_factory.mktemp("v") / "c24.mp4", Fraction(24), 48)


# -- plugin registration ---------------------------------------------------------------


def test_registers_one_lazy_decoder_spec() -> None:
    (spec,) = wavyte_register_decoders()
    assert spec.name == "pyav"
    assert spec.capabilities == {"image", "video", "audio"}
    assert spec.check() is None
    assert isinstance(spec.factory(), PyAVDecoder)


def test_entry_module_does_not_import_av() -> None:
    code = "import sys, wavyte_decoder_pyav.plugin; print('av' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- images -----------------------------------------------------------------------------


def test_premultiplier_matches_format_rule_for_every_value() -> None:
    c, a = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    bgra = np.stack([c, 255 - c, c, a], axis=-1).astype(np.uint8)
    expected = bgra.astype(np.int64)
    expected[..., :3] = (expected[..., :3] * expected[..., 3:4] + 127) // 255
    Premultiplier()(bgra)
    np.testing.assert_array_equal(bgra, expected)


def test_png_with_alpha_decodes_to_exact_premultiplied_bgra(tmp_path: Path) -> None:
    c, a = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    rgba = np.stack([c, (c * 7) % 256, 255 - c, a], axis=-1).astype(np.uint8)
    out = PyAVDecoder().decode_image(_write_png(tmp_path / "a.png", rgba))
    assert out.shape == (256, 256, 4) and out.dtype == np.uint8 and out.flags.c_contiguous
    r, g, b, al = (rgba[..., k].astype(np.int64) for k in range(4))
    np.testing.assert_array_equal(out[..., 0], (b * al + 127) // 255)
    np.testing.assert_array_equal(out[..., 1], (g * al + 127) // 255)
    np.testing.assert_array_equal(out[..., 2], (r * al + 127) // 255)
    np.testing.assert_array_equal(out[..., 3], al)
    assert out[0, 0, 3] == 0 and out[5, 0, 2] == 0  # a == 0 gives 0


def test_jpeg_decodes_to_its_size_opaque(tmp_path: Path) -> None:
    path = tmp_path / "p.jpg"
    rgb = np.zeros((30, 50, 3), dtype=np.uint8)
    rgb[...] = (200, 100, 40)
    with av.open(str(path), "w", format="image2") as c:
        s = c.add_stream("mjpeg", rate=1)
        s.width, s.height, s.pix_fmt = 50, 30, "yuvj420p"
        c.mux(s.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        c.mux(s.encode(None))
    out = PyAVDecoder().decode_image(path)
    assert out.shape == (30, 50, 4)
    assert (out[..., 3] == 255).all()
    assert np.abs(out[15, 25, :3].astype(int) - (40, 100, 200)).max() <= 4


def test_missing_and_corrupt_images_name_the_file(tmp_path: Path) -> None:
    dec = PyAVDecoder()
    good = _write_png(tmp_path / "g.png", np.full((8, 8, 4), 255, np.uint8))
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(good.read_bytes()[:40])
    text = tmp_path / "notes.png"
    text.write_text("not an image at all\n" * 20)
    for path in (tmp_path / "missing.png", truncated, text):
        with pytest.raises(AssetError) as err:
            dec.decode_image(path)
        assert str(path) in str(err.value)


# -- video ------------------------------------------------------------------------------


def test_sequential_playback_reads_each_frame_once(clip30: Path) -> None:
    with PyAVDecoder().open_video(clip30) as s:
        assert (s.width, s.height) == (W, H)
        assert s.fps == 30 and not s.has_alpha
        assert s.duration == pytest.approx(2.0)
        for i in range(60):
            frame = s.frame_at(i / 30)
            assert frame.shape == (H, W, 4) and frame.flags.c_contiguous
            assert _index_of(frame) == i, f"t={i / 30}"
        assert (s.opens, s.seeks, s.decoded) == (1, 0, 60)


def test_times_between_frames_pick_the_frame_showing(clip24: Path) -> None:
    fps = Fraction(24)
    with PyAVDecoder().open_video(clip24) as s:
        for k in range(120):  # a 60 fps timeline over a 24 fps source
            t = k / 60
            assert _index_of(s.frame_at(t)) == _expected(t, fps, 48), f"t={t}"
        assert s.seeks == 0 and s.opens == 1


def test_jumps_backwards_and_forwards(clip30: Path) -> None:
    fps = Fraction(30)
    times = [0.5, 0.1, 1.9, 0.0, 1.0, 1.0333, 0.9, 0.75, 1.5, 0.2001, 1.96, 0.4]
    with PyAVDecoder().open_video(clip30) as s:
        for t in times:
            assert _index_of(s.frame_at(t)) == _expected(t, fps, 60), f"t={t}"
        assert s.opens == 1
        assert 1 <= s.seeks <= len(times)


def test_short_forward_jump_decodes_through_without_seeking(clip30: Path) -> None:
    with PyAVDecoder().open_video(clip30) as s:
        assert _index_of(s.frame_at(0.0)) == 0
        assert _index_of(s.frame_at(1.5)) == 45
        assert s.seeks == 0


def test_before_start_and_past_end(clip30: Path) -> None:
    with PyAVDecoder().open_video(clip30) as s:
        assert _index_of(s.frame_at(-0.5)) == 0
        assert _index_of(s.frame_at(10.0)) == 59  # past the end: the last frame is held
        seeks = s.seeks
        for k in range(10):
            assert _index_of(s.frame_at(10.0 + k / 30)) == 59
        assert s.seeks == seeks  # holding does not seek again per frame
        assert _index_of(s.frame_at(0.2)) == 6


def test_alpha_video_is_premultiplied(tmp_path: Path) -> None:
    path = tmp_path / "alpha.mov"
    with av.open(str(path), "w") as c:
        st = c.add_stream("png", rate=10)
        st.width, st.height, st.pix_fmt = 16, 8, "rgba"
        for i in range(5):
            rgba = np.empty((8, 16, 4), np.uint8)
            rgba[...] = (200, 100, 10 * i, 128)
            c.mux(st.encode(av.VideoFrame.from_ndarray(rgba, format="rgba")))
        c.mux(st.encode(None))
    with PyAVDecoder().open_video(path) as s:
        assert s.has_alpha
        for i in (0, 3, 1):
            px = s.frame_at(i / 10 + 0.05)[4, 8].tolist()
            assert px == [(10 * i * 128 + 127) // 255, 50, 100, 128]


def test_widths_hit_by_the_swscale_tail_bug_convert_fully(tmp_path: Path) -> None:
    path = tmp_path / "w50.mp4"
    with av.open(str(path), "w") as c:
        st = c.add_stream("libx264", rate=10)
        st.width, st.height, st.pix_fmt = 50, 30, "yuv420p"
        rgb = np.empty((30, 50, 3), np.uint8)
        rgb[...] = (200, 120, 60)
        for _ in range(3):
            c.mux(st.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        c.mux(st.encode(None))
    with PyAVDecoder().open_video(path) as s:
        frame = s.frame_at(0.1)
    assert (frame[..., 3] == 255).all()
    assert np.abs(frame[:, -2:, :3].astype(int) - (60, 120, 200)).max() <= 6


def test_corrupt_and_truncated_videos_name_the_file(tmp_path: Path, clip30: Path) -> None:
    dec = PyAVDecoder()
    noise = tmp_path / "noise.mp4"
    noise.write_bytes(np.random.default_rng(3).integers(0, 256, 4000, np.uint8).tobytes())
    with pytest.raises(AssetError, match="noise.mp4"):
        dec.open_video(noise)
    with pytest.raises(AssetError, match="nothere.mp4"):
        dec.open_video(tmp_path / "nothere.mp4")
    # A truncated file whose index survived: frames stop early, which must be an error.
    full = _write_index_clip(tmp_path / "fs.mp4", Fraction(30), 60, faststart=True)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    with pytest.raises(AssetError, match="cut.mp4"), dec.open_video(cut) as s:
        for i in range(60):
            s.frame_at(i / 30)
    # A file cut before its index (moov at the end) fails at open.
    cut2 = tmp_path / "cut2.mp4"
    cut2.write_bytes(clip30.read_bytes()[: clip30.stat().st_size // 2])
    with pytest.raises(AssetError, match="cut2.mp4"):
        dec.open_video(cut2)


# -- audio ------------------------------------------------------------------------------


def test_mono_44k1_sine_decodes_to_48k_stereo(tmp_path: Path) -> None:
    path = tmp_path / "sine.wav"
    rate, seconds, amp = 44100, 1.5, 0.5
    n_src = int(rate * seconds)
    sine = (amp * np.sin(2 * np.pi * 440 * np.arange(n_src) / rate)).astype(np.float32)
    with av.open(str(path), "w") as c:
        st = c.add_stream("pcm_s16le", rate=rate)
        st.layout = "mono"
        for k in range(0, n_src, 1000):
            chunk = (sine[k : k + 1000] * 32767).astype(np.int16)[None, :]
            f = av.AudioFrame.from_ndarray(chunk, format="s16", layout="mono")
            f.sample_rate, f.pts = rate, k
            c.mux(st.encode(f))
        c.mux(st.encode(None))
    pcm = PyAVDecoder().decode_audio(path)
    assert pcm is not None and pcm.dtype == np.float32 and pcm.flags.c_contiguous
    assert pcm.ndim == 2 and pcm.shape[1] == 2
    assert abs(len(pcm) - seconds * 48000) <= 1024
    np.testing.assert_array_equal(pcm[:, 0], pcm[:, 1])
    mid = pcm[4800:-4800, 0]
    # ffmpeg's mono -> stereo matrix (what `-ac 2` did in the reference) is -3 dB per side.
    rms = np.sqrt(np.mean(mid.astype(np.float64) ** 2))
    assert rms == pytest.approx(amp / np.sqrt(2) * np.sqrt(0.5), rel=0.02)
    crossings = np.count_nonzero(np.diff(np.signbit(mid)))
    assert crossings / 2 / (len(mid) / 48000) == pytest.approx(440, rel=0.01)


def test_video_without_audio_gives_none(clip30: Path) -> None:
    assert PyAVDecoder().decode_audio(clip30) is None


def test_missing_audio_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(AssetError, match="gone.wav"):
        PyAVDecoder().decode_audio(tmp_path / "gone.wav")
