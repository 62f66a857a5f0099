"""The ``pyav`` decoder: stills, persistent video sessions and audio through PyAV.

Everything here runs at prepare time (once per asset per job); only the sessions'
``frame_at`` runs per frame (see `video`).
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from wavyte_core.errors import AssetError
from wavyte_core.plugin.animation import AnimatedImageSession, sniff_animation

from .audio import decode_audio as _decode_audio
from .convert import ACCURATE
from .premultiply import premultiply_bgra
from .reasons import reason
from .video import PyAVVideoSession

# Demuxers that open any byte stream (ANSI art, raw data): not images.
_NOT_IMAGE_FORMATS = frozenset({"tty", "data", "bin"})


class PyAVDecoder:
    """`wavyte_core.plugin.roles.Decoder` on PyAV (FFmpeg libraries; no system ffmpeg needed)."""

    name = "pyav"

    def decode_image(self, path: Path) -> np.ndarray:
        """Decode a still (PNG, JPEG, WebP, GIF's first frame, …) to premultiplied BGRA.

        Straight alpha is premultiplied once with ``(c·a + 127) // 255`` (§4.2). EXIF
        orientation is not applied (neither did the reference's ``image`` crate).
        """
        src = str(path)
        if not path.is_file():
            raise AssetError(src, "image file not found")
        try:
            container = av.open(src)
        except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
            raise AssetError(src, f"not a readable image: {reason(exc)}") from None
        try:
            if container.format.name in _NOT_IMAGE_FORMATS or not container.streams.video:
                raise AssetError(src, "not an image (no picture stream)")
            stream = container.streams.video[0]
            try:
                frame = next(container.decode(stream), None)
            except av.FFmpegError as exc:
                raise AssetError(src, f"image decoding failed: {reason(exc)}") from None
            if frame is None:
                raise AssetError(src, "image decoding produced no picture (corrupt or truncated)")
            try:
                bgra = frame.to_ndarray(format="bgra", interpolation=ACCURATE, threads=1)
            except (av.FFmpegError, ValueError) as exc:
                raise AssetError(src, f"cannot convert image to BGRA: {reason(exc)}") from None
        finally:
            container.close()
        bgra = np.ascontiguousarray(bgra)
        if not bgra.flags.writeable or not bgra.flags.owndata:
            bgra = bgra.copy()  # detach from the frame's buffer before editing in place
        premultiply_bgra(bgra)
        return bgra

    def open_video(self, path: Path) -> PyAVVideoSession | AnimatedImageSession:
        """Open one persistent session on the first video stream (see `video`). Animated
        GIF and APNG play through PyAV with their own frame delays; animated WebP, which
        FFmpeg cannot decode, is read once into memory (`wavyte_core.plugin.animation`)."""
        if sniff_animation(path) == "webp":
            return AnimatedImageSession.open(path)
        return PyAVVideoSession(path)

    def decode_audio(self, path: Path) -> np.ndarray | None:
        """First audio stream as float32 (n, 2) at 48 kHz; None when the file has none."""
        return _decode_audio(path)
