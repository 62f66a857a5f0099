"""Whole-file audio decoding to the mixer's format (wavyte-format.md §5.1).

The reference ran ``ffmpeg -vn -f f32le -ac 2 -ar 48000``; PyAV's `AudioResampler`
(libswresample through the ``aresample`` filter) with the same target gives the same
downmix and rate conversion. Called once per asset at prepare time.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from wavyte_core.errors import AssetError

from .reasons import reason

MIX_SAMPLE_RATE = 48000


def decode_audio(path: Path) -> np.ndarray | None:
    """First audio stream as float32 (n, 2) C-contiguous at 48 kHz; None without audio."""
    src = str(path)
    if not path.is_file():
        raise AssetError(src, "audio file not found")
    try:
        container = av.open(src)
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise AssetError(src, f"cannot open media file: {reason(exc)}") from None
    try:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        stream.thread_type = "AUTO"
        resampler = av.AudioResampler(format="flt", layout="stereo", rate=MIX_SAMPLE_RATE)
        chunks: list[np.ndarray] = []
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1, 2))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1, 2))
        except av.FFmpegError as exc:
            raise AssetError(src, f"audio decoding failed: {reason(exc)}") from None
    finally:
        container.close()
    if not chunks:
        return np.zeros((0, 2), dtype=np.float32)
    return np.ascontiguousarray(np.concatenate(chunks), dtype=np.float32)
