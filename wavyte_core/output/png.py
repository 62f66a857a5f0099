"""PNG stills: a premultiplied BGRA frame as an un-premultiplied RGBA PNG."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import numpy as np

from wavyte_core.output.flatten import unpremultiply_to_rgba
from wavyte_core.output.targets import temp_path_for


def png_bytes(frame_bgra_premul: np.ndarray, level: int = 6) -> bytes:
    """A premultiplied BGRA frame as the bytes of an un-premultiplied RGBA PNG (zlib
    ``level``: 6 for files, lower where encoding speed matters, as in the preview)."""
    rgba = unpremultiply_to_rgba(frame_bgra_premul)
    h, w = rgba.shape[:2]
    raw = np.empty((h, 1 + w * 4), dtype=np.uint8)
    raw[:, 0] = 0  # filter type None
    raw[:, 1:] = rgba.reshape(h, w * 4)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
        + chunk(b"IEND", b"")
    )


def write_png(path: str | Path, frame_bgra_premul: np.ndarray) -> None:
    """Write a premultiplied BGRA frame as an un-premultiplied RGBA PNG, atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    png = png_bytes(frame_bgra_premul)
    tmp = temp_path_for(target)
    try:
        tmp.write_bytes(png)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
