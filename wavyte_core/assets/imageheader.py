"""Image dimensions from the file header, before any decoder allocates (decompression bombs).

The common formats (PNG, JPEG, GIF, WebP, BMP) are read here with a few ``struct`` calls.
Anything else goes to the ``imagesize`` package, imported only then: importing it pulls in
``urllib.request``, ``http.client``, ``ssl`` and ``xml.etree`` (≈40 ms), which every
``wavyte render`` of a composition with a PNG paid before (start-up).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

#: Bytes read up front: enough for every fixed-position header below.
_HEAD = 32
#: JPEG: segments walked before giving up on finding the frame header (SOFn).
_MAX_JPEG_SEGMENTS = 4096
#: JPEG start-of-frame markers: C0–CF except DHT (C4), JPG (C8) and DAC (CC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def image_size(path: str | Path) -> tuple[int, int] | None:
    """(width, height) that the header of the image at ``path`` claims, or None when the
    format is unknown or the header unreadable (the decoder then reports the file)."""
    try:
        with open(path, "rb") as f:
            head = f.read(_HEAD)
            size = _known(head, f)
    except (OSError, struct.error, ValueError):
        return None
    if size is not None:
        return size
    try:
        import imagesize

        w, h = imagesize.get(str(path))
    except Exception:  # unknown or unreadable: the decoder reports it
        return None
    return (int(w), int(h)) if w > 0 and h > 0 else None


def _known(head: bytes, f: BinaryIO) -> tuple[int, int] | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        w, h = struct.unpack(">II", head[16:24])
        return w, h
    if head[:6] in (b"GIF87a", b"GIF89a"):
        w, h = struct.unpack("<HH", head[6:10])
        return w, h
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp(head)
    if head[:2] == b"BM" and len(head) >= 26:
        (dib,) = struct.unpack("<I", head[14:18])
        if dib == 12:  # OS/2 BITMAPCOREHEADER
            w, h = struct.unpack("<HH", head[18:22])
        else:
            w, h = struct.unpack("<ii", head[18:26])
        return abs(w), abs(h)
    if head[:2] == b"\xff\xd8":
        return _jpeg(f)
    return None


def _webp(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8 " and len(head) >= 30:
        w, h = struct.unpack("<HH", head[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:
        b = head[21:25]
        w = 1 + (b[0] | (b[1] & 0x3F) << 8)
        h = 1 + (b[1] >> 6 | b[2] << 2 | (b[3] & 0x0F) << 10)
        return w, h
    if chunk == b"VP8X" and len(head) >= 30:
        w = 1 + int.from_bytes(head[24:27], "little")
        h = 1 + int.from_bytes(head[27:30], "little")
        return w, h
    return None


def _jpeg(f: BinaryIO) -> tuple[int, int] | None:
    """Walk the segments after SOI to the first frame header; seek over the others (an
    EXIF block with a thumbnail can be 64 KB), never read image data."""
    f.seek(2)
    for _ in range(_MAX_JPEG_SEGMENTS):
        if f.read(1) != b"\xff":
            return None
        b = f.read(1)
        while b == b"\xff":  # fill bytes before a marker
            b = f.read(1)
        if not b:
            return None
        marker = b[0]
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # no length field
            continue
        if marker in (0xD9, 0xDA):  # end of image or start of scan before any frame header
            return None
        seg = f.read(2)
        if len(seg) < 2:
            return None
        (length,) = struct.unpack(">H", seg)
        if length < 2:
            return None
        if marker in _SOF:
            body = f.read(5)
            if len(body) < 5:
                return None
            h, w = struct.unpack(">HH", body[1:5])
            return w, h
        f.seek(length - 2, 1)
    return None
