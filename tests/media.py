"""Test media made by the tests themselves with PyAV and numpy (no network, no files in git)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def write_png(path: Path, rgba: np.ndarray) -> Path:
    """Write straight-alpha RGBA (h, w, 4) as a PNG."""
    with av.open(str(path), "w", format="image2") as c:
        s = c.add_stream("png", rate=1)
        s.width, s.height, s.pix_fmt = rgba.shape[1], rgba.shape[0], "rgba"
        c.mux(s.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(rgba), format="rgba")))
        c.mux(s.encode(None))
    return path


def write_tone(path: Path, seconds: float, freq: float = 440.0, rate: int = 44100) -> Path:
    """A mono sine tone in a WAV file (pcm_s16le)."""
    n = int(seconds * rate)
    t = np.arange(n) / rate
    pcm = (np.sin(2 * np.pi * freq * t) * 0.5 * 32767).astype(np.int16)[None, :]
    with av.open(str(path), "w") as c:
        s = c.add_stream("pcm_s16le", rate=rate, layout="mono")
        for i in range(0, n, 1024):
            fr = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(pcm[:, i : i + 1024]), format="s16", layout="mono"
            )
            fr.sample_rate = rate
            fr.pts = i
            fr.time_base = Fraction(1, rate)
            c.mux(s.encode(fr))
        c.mux(s.encode(None))
    return path


def write_solid_video(
    path: Path, colors: list[tuple[int, int, int]], size: tuple[int, int] = (64, 48), fps: int = 30
) -> Path:
    """One solid colour per frame, H.264 in MP4."""
    w, h = size
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        for rgb in colors:
            img = np.empty((h, w, 3), np.uint8)
            img[...] = rgb
            c.mux(s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        c.mux(s.encode(None))
    return path


def decode_video(path: Path) -> tuple[list[np.ndarray], dict]:
    """All frames as RGB arrays plus stream facts."""
    with av.open(str(path)) as c:
        vs = c.streams.video[0]
        info = {
            "width": vs.codec_context.width,
            "height": vs.codec_context.height,
            "rate": vs.average_rate,
            "duration": float(c.duration / 1_000_000) if c.duration else None,
            "audio": len(c.streams.audio) > 0,
        }
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    return frames, info


def decode_audio_samples(path: Path) -> int:
    """Number of decoded audio samples per channel in the file's first audio stream."""
    with av.open(str(path)) as c:
        return sum(f.samples for f in c.decode(audio=0))


def write_video_with_tone(
    path: Path,
    colors: list[tuple[int, int, int]],
    size: tuple[int, int] = (64, 48),
    fps: int = 30,
    freq: float = 330.0,
) -> Path:
    """Solid colour per frame (H.264) plus a sine tone of the same duration (AAC, 48 kHz)."""
    w, h = size
    n_audio = len(colors) * 48000 // fps
    t = np.arange(n_audio) / 48000
    pcm = (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    with av.open(str(path), "w") as c:
        vs = c.add_stream("libx264", rate=fps)
        vs.width, vs.height, vs.pix_fmt = w, h, "yuv420p"
        aus = c.add_stream("aac", rate=48000, layout="stereo")
        for rgb in colors:
            img = np.empty((h, w, 3), np.uint8)
            img[...] = rgb
            c.mux(vs.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        c.mux(vs.encode(None))
        for i in range(0, n_audio, 1024):
            chunk = np.ascontiguousarray(np.stack([pcm[i : i + 1024]] * 2))
            fr = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
            fr.sample_rate = 48000
            fr.pts = i
            fr.time_base = Fraction(1, 48000)
            c.mux(aus.encode(fr))
        c.mux(aus.encode(None))
    return path
