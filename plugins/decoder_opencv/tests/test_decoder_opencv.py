"""The ``opencv`` decoder plugin: registration, stills, errors. (Video sessions are proven by
the shared suite in ``conformance/wavyte_conformance/decoding``, which runs over every installed decoder.)"""

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
from wavyte_core.errors import AssetError


def test_registers_one_lazy_decoder_spec() -> None:
    (spec,) = wavyte_register_decoders()
    assert spec.name == "opencv"
    assert spec.capabilities == {"image", "video"}
    assert spec.check() is None
    assert "opencv-python-headless" in spec.install_hint
    assert isinstance(spec.factory(), OpenCVDecoder)


def test_entry_module_does_not_import_cv2() -> None:
    code = "import sys, wavyte_decoder_opencv.plugin; print('cv2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_png_with_alpha_decodes_to_exact_premultiplied_bgra(tmp_path: Path) -> None:
    c, a = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    rgba = np.stack([c, (c * 7) % 256, 255 - c, a], axis=-1).astype(np.uint8)
    out = OpenCVDecoder().decode_image(write_png(tmp_path / "a.png", rgba))
    assert out.shape == (256, 256, 4) and out.dtype == np.uint8 and out.flags.c_contiguous
    r, g, b, al = (rgba[..., k].astype(np.int64) for k in range(4))
    np.testing.assert_array_equal(out[..., 0], (b * al + 127) // 255)
    np.testing.assert_array_equal(out[..., 1], (g * al + 127) // 255)
    np.testing.assert_array_equal(out[..., 2], (r * al + 127) // 255)
    np.testing.assert_array_equal(out[..., 3], al)


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


def test_missing_and_corrupt_images_name_the_file(tmp_path: Path) -> None:
    dec = OpenCVDecoder()
    good = write_png(tmp_path / "g.png", np.full((8, 8, 4), 255, np.uint8))
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(good.read_bytes()[:40])
    text = tmp_path / "notes.png"
    text.write_text("not an image at all\n" * 20)
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    for path in (tmp_path / "missing.png", truncated, text, empty):
        with pytest.raises(AssetError) as err:
            dec.decode_image(path)
        assert str(path) in str(err.value)


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
