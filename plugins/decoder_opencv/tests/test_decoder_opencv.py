"""The ``opencv`` decoder plugin: wavyte's decoder contract (`TestOpenCVDecoder`: images,
frame-exact video at any time and after any seek, errors naming the file; alpha sources are
refused at open), then what is particular to it: registration, grey and 16-bit stills, the
same pixels as the pyav decoder, session counters."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from wavyte_decoder_opencv.decoder import OpenCVDecoder
from wavyte_decoder_opencv.plugin import wavyte_register_decoders

from tests.media import write_png, write_solid_video
from wavyte_conformance.decoder_contract import DecoderContract


class TestOpenCVDecoder(DecoderContract):
    make = staticmethod(OpenCVDecoder)
    capabilities = frozenset({"image", "video", "animated"})
    may_veto = frozenset({"alpha"})  # OpenCV decodes BGR only: alpha sources are refused


def test_registers_one_lazy_decoder_spec() -> None:
    (spec,) = wavyte_register_decoders()
    assert spec.name == "opencv"
    assert spec.capabilities == {"image", "video", "animated"} == TestOpenCVDecoder.capabilities
    assert spec.check() is None
    assert "opencv-python-headless" in spec.install_hint
    assert isinstance(spec.factory(), OpenCVDecoder)


def test_entry_module_does_not_import_cv2() -> None:
    code = "import sys, wavyte_decoder_opencv.plugin; print('cv2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_grey_grey_alpha_and_16_bit_images(tmp_path: Path) -> None:
    dec = OpenCVDecoder()
    grey = np.arange(60, dtype=np.uint8).reshape(6, 10) * 4
    cv2.imwrite(str(tmp_path / "g.png"), grey)
    out = dec.decode_image(tmp_path / "g.png")
    assert out.shape == (6, 10, 4)
    np.testing.assert_array_equal(out[..., 0], grey)
    np.testing.assert_array_equal(out[..., 2], grey)
    assert (out[..., 3] == 255).all()
    deep = np.full((4, 5, 4), 0, np.uint16)
    deep[..., :3] = 65535 // 3  # 21845 → 85
    deep[..., 3] = 65535
    cv2.imwrite(str(tmp_path / "d.png"), deep)
    out = dec.decode_image(tmp_path / "d.png")
    assert out[0, 0].tolist() == [85, 85, 85, 255]


def test_same_pixels_as_pyav_for_a_png(tmp_path: Path) -> None:
    pyav = pytest.importorskip("wavyte_decoder_pyav.decoder")
    rgba = np.random.default_rng(5).integers(0, 256, (33, 37, 4), np.uint8)
    path = write_png(tmp_path / "r.png", rgba)
    np.testing.assert_array_equal(
        OpenCVDecoder().decode_image(path), pyav.PyAVDecoder().decode_image(path)
    )


def test_video_session_counts_and_no_audio(tmp_path: Path) -> None:
    path = write_solid_video(tmp_path / "s.mp4", [(i * 20, 0, 0) for i in range(10)])
    dec = OpenCVDecoder()
    assert dec.decode_audio(path) is None
    with dec.open_video(path) as s:
        assert (s.width, s.height) == (64, 48)
        reds = [int(s.frame_at(i / 30)[24, 32, 2]) for i in range(10)]
        assert (s.opens, s.seeks) == (1, 0)
        assert not s.would_seek(10 / 30) and s.would_seek(0.0)
    assert all(abs(r - i * 20) <= 6 for i, r in enumerate(reds)), reds
