"""Lossless PNG files for references and reports, with no dependency beyond zlib.

References store a frame's premultiplied bytes **exactly**: the premultiplied BGRA frame
is written as an 8-bit RGBA PNG with B and R swapped back, no un-premultiplying. That
keeps them bit-exact (a straight-alpha PNG would lose precision where alpha is small) and
still viewable: on the opaque backgrounds most cases use, premultiplied equals straight.
The reader only needs to read what the writer writes (filter type 0), plus the four
standard filters, so references edited by other tools still load.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

__all__ = [
    "encode_rgba_png",
    "write_rgba_png",
    "read_rgba_png",
    "write_frame_png",
    "read_frame_png",
]

_SIG = b"\x89PNG\r\n\x1a\n"


def _chunk(tag: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + tag
        + data
        + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    )


def encode_rgba_png(rgba: np.ndarray, level: int = 6) -> bytes:
    """An (h, w, 4) uint8 RGBA array as PNG bytes (filter 0 on every row)."""
    h, w = rgba.shape[:2]
    raw = np.zeros((h, 1 + w * 4), dtype=np.uint8)
    raw[:, 1:] = np.ascontiguousarray(rgba, dtype=np.uint8).reshape(h, w * 4)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    return (
        _SIG
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
        + _chunk(b"IEND", b"")
    )


def write_rgba_png(path: Path, rgba: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode_rgba_png(rgba))


def read_rgba_png(path: Path) -> np.ndarray:
    """Read an 8-bit RGBA, non-interlaced PNG into (h, w, 4) uint8."""
    data = path.read_bytes()
    if not data.startswith(_SIG):
        raise ValueError(f"{path}: not a PNG file")
    pos, idat, ihdr = 8, [], b""
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        tag = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + n]
        pos += 12 + n
        if tag == b"IHDR":
            ihdr = body
        elif tag == b"IDAT":
            idat.append(body)
    w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", ihdr)
    if (depth, ctype, interlace) != (8, 6, 0):
        raise ValueError(f"{path}: only 8-bit RGBA non-interlaced PNGs are supported")
    rows = np.frombuffer(zlib.decompress(b"".join(idat)), dtype=np.uint8).reshape(h, 1 + w * 4)
    filters = rows[:, 0]
    out = rows[:, 1:].copy()
    if filters.any():
        _unfilter(out, filters, bpp=4)
    return out.reshape(h, w, 4)


def _unfilter(img: np.ndarray, filters: np.ndarray, bpp: int) -> None:
    """Undo PNG filters 1–4 in place (row by row; only for files from other tools)."""
    prev = np.zeros(img.shape[1], dtype=np.int32)
    for y in range(img.shape[0]):
        row = img[y].astype(np.int32)
        f = int(filters[y])
        if f == 2:
            row = (row + prev) & 0xFF
        elif f in (1, 3, 4):
            for x in range(row.size):  # rare path: references are written with filter 0
                a = row[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                if f == 1:
                    pred = a
                elif f == 3:
                    pred = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                row[x] = (row[x] + pred) & 0xFF
        img[y] = row
        prev = row


def write_frame_png(path: Path, frame_bgra_premul: np.ndarray) -> None:
    """Store a premultiplied BGRA frame exactly (as premultiplied RGBA)."""
    write_rgba_png(path, frame_bgra_premul[..., [2, 1, 0, 3]])


def read_frame_png(path: Path) -> np.ndarray:
    """The premultiplied BGRA frame `write_frame_png` stored."""
    return np.ascontiguousarray(read_rgba_png(path)[..., [2, 1, 0, 3]])
