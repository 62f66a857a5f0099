"""The ``pyav`` decoder plugin: wavyte's decoder contract (`TestPyAVDecoder`: images, frame-exact
video at any time and after any seek, audio, errors naming the file), then what is particular
to this decoder: registration, its premultiplier, seek and decode counts, exact alpha video
pixels, the swscale tail-width workaround.

All media is generated here with PyAV. Video clips carry their frame index in two flat
halves (levels 16 + 32·k survive H.264 easily), so every returned frame can be identified.
"""

from __future__ import annotations

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

from wavyte_conformance.decoder_contract import DecoderContract

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


def _write_index_clip(path: Path, fps: Fraction, n: int) -> Path:
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = W, H, "yuv420p"
        s.options = {"g": "12"}  # several GOPs, so seeks land on real keyframes
        for i in range(n):
            c.mux(s.encode(av.VideoFrame.from_ndarray(_index_frame(i), format="rgb24")))
        c.mux(s.encode(None))
    return path


@pytest.fixture(scope="module")
def clip30(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_index_clip(tmp_path_factory.mktemp("v") / "c30.mp4", Fraction(30), 60)


# -- wavyte's decoder contract ---------------------------------------------------------


class TestPyAVDecoder(DecoderContract):
    make = staticmethod(PyAVDecoder)
    capabilities = frozenset({"image", "video", "audio", "animated"})


# -- plugin registration ---------------------------------------------------------------


def test_registers_one_lazy_decoder_spec() -> None:
    (spec,) = wavyte_register_decoders()
    assert spec.name == "pyav"
    assert (
        spec.capabilities == {"image", "video", "audio", "animated"} == TestPyAVDecoder.capabilities
    )
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


def test_short_forward_jump_decodes_through_without_seeking(clip30: Path) -> None:
    with PyAVDecoder().open_video(clip30) as s:
        assert _index_of(s.frame_at(0.0)) == 0
        assert _index_of(s.frame_at(1.5)) == 45
        assert s.seeks == 0


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


# -- audio ------------------------------------------------------------------------------
