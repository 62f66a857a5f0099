"""The ``opencv`` decoder: stills and persistent video sessions through OpenCV.

Everything here runs at prepare time (once per asset per job); only the sessions'
``frame_at`` runs per frame (see `video`). OpenCV has no audio: ``decode_audio`` returns
None, and the job takes sound from a decoder with the "audio" capability.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from wavyte_core.errors import AssetError
from wavyte_core.plugin.animation import AnimatedImageSession, sniff_animation

from .premultiply import premultiply_bgra
from .video import OpenCVVideoSession


def to_bgra8(img: np.ndarray) -> np.ndarray:
    """Any image `cv2.imdecode(IMREAD_UNCHANGED)` returns → straight BGRA uint8, C-contiguous.

    Grey, grey+alpha, BGR and BGRA at 8 or 16 bits (16-bit rounds to nearest: ``(v+128)//257``)
    and float images in [0, 1].
    """
    if img.dtype == np.uint16:
        img = ((img.astype(np.uint32) + 128) // 257).astype(np.uint8)
    elif img.dtype.kind == "f":
        img = np.clip(np.rint(img * 255.0), 0, 255).astype(np.uint8)
    elif img.dtype != np.uint8:
        raise ValueError(f"unsupported sample type {img.dtype}")
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGRA)
    channels = img.shape[2]
    if channels == 1:
        return cv2.cvtColor(img[:, :, 0], cv2.COLOR_GRAY2BGRA)
    if channels == 2:  # grey + alpha
        out = cv2.cvtColor(np.ascontiguousarray(img[:, :, 0]), cv2.COLOR_GRAY2BGRA)
        out[:, :, 3] = img[:, :, 1]
        return out
    if channels == 3:
        return cv2.cvtColor(img, cv2.COLOR_BGR2BGRA)
    if channels == 4:
        return np.ascontiguousarray(img)
    raise ValueError(f"unsupported channel count {channels}")


class OpenCVDecoder:
    """`wavyte_core.plugin.roles.Decoder` on OpenCV (images: imdecode; video: FFmpeg backend)."""

    name = "opencv"

    def decode_image(self, path: Path) -> np.ndarray:
        """Decode a still (PNG, JPEG, WebP, TIFF, …) to premultiplied BGRA.

        Read with ``IMREAD_UNCHANGED`` so alpha and bit depth survive, then premultiplied
        once with ``(c·a + 127) // 255`` (§4.2). EXIF orientation is not applied (the same
        as the pyav decoder and the reference).
        """
        src = str(path)
        if not path.is_file():
            raise AssetError(src, "image file not found")
        try:
            data = np.fromfile(src, dtype=np.uint8)
        except OSError as exc:
            raise AssetError(src, f"cannot read image: {exc.strerror or exc}") from None
        img = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if data.size else None
        if img is None:
            raise AssetError(src, "not a readable image (unknown format, corrupt or truncated)")
        try:
            bgra = to_bgra8(img)
        except ValueError as exc:
            raise AssetError(src, f"cannot convert image to BGRA: {exc}") from None
        if not bgra.flags.writeable or not bgra.flags.owndata:
            bgra = bgra.copy()
        premultiply_bgra(bgra)
        return bgra

    def open_video(self, path: Path) -> OpenCVVideoSession | AnimatedImageSession:
        """Open one persistent session on the first video stream (see `video`); animated
        GIF, APNG and WebP are read once into memory with ``cv2.imreadanimation``, which
        keeps each frame's own delay (`wavyte_core.plugin.animation`)."""
        if sniff_animation(path) is not None:
            return AnimatedImageSession.open(path)
        return OpenCVVideoSession(path)

    def decode_audio(self, path: Path) -> np.ndarray | None:
        """OpenCV decodes no audio: always None (the job uses an "audio" decoder instead)."""
        return None
