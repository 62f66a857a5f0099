"""The header reader that guards against decompression bombs agrees with ``imagesize`` (the
reference it replaces on the common formats) on real encoder output, and gives None — not
an exception — for truncated or unknown files."""

from __future__ import annotations

import struct
from pathlib import Path

import cv2
import imagesize
import numpy as np
import pytest

from wavyte_core.assets.imageheader import image_size

SIZES = [(1, 1), (37, 23), (640, 360), (3, 4001)]


def _write(path: Path, w: int, h: int, params: list[int] | None = None) -> Path:
    rng = np.random.default_rng(w * 7919 + h)
    img = rng.integers(0, 256, (h, w, 4), np.uint8)
    if path.suffix in (".jpg", ".bmp"):
        img = img[..., :3]
    ok, data = cv2.imencode(path.suffix, img, params or [])
    assert ok
    path.write_bytes(data.tobytes())
    return path


@pytest.mark.parametrize("w,h", SIZES)
@pytest.mark.parametrize(
    "suffix,params",
    [
        (".png", None),
        (".jpg", None),
        (".jpg", [cv2.IMWRITE_JPEG_PROGRESSIVE, 1]),
        (".bmp", None),
        (".webp", [cv2.IMWRITE_WEBP_QUALITY, 101]),  # lossless: VP8L
        (".webp", [cv2.IMWRITE_WEBP_QUALITY, 80]),  # lossy with alpha: VP8X
    ],
)
def test_agrees_with_imagesize(
    tmp_path: Path, suffix: str, params: list[int] | None, w: int, h: int
) -> None:
    path = _write(tmp_path / f"img{suffix}", w, h, params)
    assert image_size(path) == (w, h) == tuple(imagesize.get(str(path)))


def test_lossy_webp_without_alpha(tmp_path: Path) -> None:
    img = np.full((23, 37, 3), 90, np.uint8)
    ok, data = cv2.imencode(".webp", img, [cv2.IMWRITE_WEBP_QUALITY, 80])
    assert ok and data.tobytes()[12:16] == b"VP8 "
    (tmp_path / "a.webp").write_bytes(data.tobytes())
    assert image_size(tmp_path / "a.webp") == (37, 23)


def test_gif_logical_screen(tmp_path: Path) -> None:
    path = tmp_path / "a.gif"
    path.write_bytes(b"GIF89a" + struct.pack("<HH", 300, 200) + b"\x00" * 20)
    assert image_size(path) == (300, 200) == tuple(imagesize.get(str(path)))
    # imagesize reads these fields as signed (-15536, -25536): a GIF bomb it let through
    path.write_bytes(b"GIF89a" + struct.pack("<HH", 50000, 40000) + b"\x00" * 20)
    assert image_size(path) == (50000, 40000)


def test_jpeg_frame_header_after_a_large_exif_block(tmp_path: Path) -> None:
    data = _write(tmp_path / "a.jpg", 37, 23).read_bytes()
    app1 = b"\xff\xe1" + struct.pack(">H", 65000) + b"Exif\x00\x00" + b"\xff" * 64992
    path = tmp_path / "b.jpg"
    path.write_bytes(data[:2] + app1 + b"\xff\xff" + data[2:])  # plus fill bytes
    assert image_size(path) == (37, 23)


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".bmp", ".webp"])
def test_truncated_headers_give_none(tmp_path: Path, suffix: str) -> None:
    data = _write(tmp_path / f"a{suffix}", 37, 23).read_bytes()
    for cut in (0, 1, 2, 5, 11, 17, 25):
        path = tmp_path / f"cut{cut}{suffix}"
        path.write_bytes(data[:cut])
        assert image_size(path) in (None, (37, 23))


def test_unknown_formats_fall_back_and_garbage_is_none(tmp_path: Path) -> None:
    tiff = _write(tmp_path / "a.tiff", 37, 23)
    assert image_size(tiff) == (37, 23)  # read by imagesize
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image at all" * 3)
    assert image_size(junk) is None
    assert image_size(tmp_path / "missing.png") is None


def test_gif_bomb_refused(tmp_path: Path) -> None:
    from wavyte_core.assets.prepare import check_image_header
    from wavyte_core.errors import AssetError

    path = tmp_path / "bomb.gif"
    path.write_bytes(b"GIF89a" + struct.pack("<HH", 50000, 40000) + b"\x00" * 20)
    with pytest.raises(AssetError, match="50000x40000"):
        check_image_header(path)
