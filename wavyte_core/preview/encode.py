"""Frames → image bytes for the browser: JPEG when the frame is opaque, PNG when it is not.

Why these choices (measured in the preview notes): PyAV's ``mjpeg`` encoder is the fastest
JPEG wavyte already has (PyAV is a core dependency, no Pillow needed), and scaling plus the
BGRA → YUV conversion happen in one swscale call. PNG goes through the same writer as
``wavyte frame`` (`output.png_bytes`), so a full-size lossless preview frame is byte for
byte the still the CLI writes. Scaling is done on the premultiplied frame (the correct
space to filter in) and only then un-premultiplied.

One `FrameEncoder` is made per revision and size; its codec context is opened once, then
each frame costs one conversion and one encode, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np

from wavyte_core.output.png import png_bytes

__all__ = ["EncodedFrame", "FrameEncoder", "JPEG_QUALITY", "scaled_size"]

#: ffmpeg's qscale for mjpeg (2 = best, 31 = worst); 3 looks like JPEG quality ≈ 90.
JPEG_QUALITY = 3
#: zlib level for preview PNGs: level 1 is several times faster than 6 and only slightly
#: larger, and the bytes still decode to the same pixels.
PNG_LEVEL = 1


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    data: bytes
    media_type: str  # "image/jpeg" or "image/png"


def scaled_size(width: int, height: int, scale: float) -> tuple[int, int]:
    """Output size at ``scale`` (1 or 0.5): at least 1 pixel, even for JPEG's 4:2:0 chroma
    when the frame is scaled down."""
    if scale >= 1:
        return width, height
    w = max(2, int(round(width * scale)) & ~1)
    h = max(2, int(round(height * scale)) & ~1)
    return w, h


class FrameEncoder:
    """Encodes premultiplied BGRA frames of one size to JPEG or PNG at ``scale``."""

    def __init__(self, width: int, height: int, scale: float) -> None:
        self.width, self.height = width, height
        self.out_w, self.out_h = scaled_size(width, height, scale)
        self.scaled = (self.out_w, self.out_h) != (width, height)
        self._jpeg: av.CodecContext | None = None

    def _jpeg_context(self) -> av.CodecContext:
        if self._jpeg is None:
            cc = av.CodecContext.create("mjpeg", "w")
            cc.width, cc.height = self.out_w, self.out_h
            cc.pix_fmt = "yuvj420p"
            cc.time_base = Fraction(1, 25)
            cc.qscale = JPEG_QUALITY
            cc.open()
            self._jpeg = cc
        return self._jpeg

    def encode(
        self, frame: np.ndarray, *, lossless: bool = False, check_alpha: bool = True
    ) -> EncodedFrame:
        """``frame`` is premultiplied BGRA (H, W, 4) uint8 of this encoder's full size.

        JPEG unless ``lossless`` or the frame has a pixel that is not fully opaque (looked
        for only when ``check_alpha``: a job with an opaque background never has one)."""
        opaque = not check_alpha or bool(frame[..., 3].min() == 255)
        vf = av.VideoFrame.from_ndarray(frame, format="bgra")
        if lossless or not opaque:
            if self.scaled:
                vf = vf.reformat(self.out_w, self.out_h, format="bgra", interpolation="AREA")
                frame = vf.to_ndarray()
            return EncodedFrame(png_bytes(frame, PNG_LEVEL), "image/png")
        yuv = vf.reformat(self.out_w, self.out_h, format="yuvj420p", interpolation="AREA")
        packets = self._jpeg_context().encode(yuv)
        return EncodedFrame(b"".join(bytes(p) for p in packets), "image/jpeg")

    def close(self) -> None:
        self._jpeg = None
