"""Media generated at run time, reproducibly (cases whose ``assets_root`` is ``@media``).

The conformance video is made by PyAV's bundled libx264 with fixed settings and a single
thread (x264 output is deterministic for a given build), into a versioned cache folder, so
nothing large is committed and a fresh clone regenerates the same file.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np

__all__ = ["media_dir", "ensure_media"]

VERSION = "v1"


def media_dir() -> Path:
    base = os.environ.get("WAVYTE_CONFORMANCE_CACHE")
    root = Path(base) if base else Path.home() / ".cache" / "wavyte" / "conformance"
    return root / f"media-{VERSION}"


def _pattern_frame(i: int, w: int, h: int) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w]
    img = np.empty((h, w, 3), np.uint8)
    img[..., 0] = (x * 255 // w + i * 9) % 256
    img[..., 1] = (y * 255 // h) % 256
    img[..., 2] = 128 + 100 * ((x // 24 + y // 24 + i) % 2)
    cx, cy = 40 + i * 10, h // 2
    img[(x - cx) ** 2 + (y - cy) ** 2 < 400] = (250, 250, 250)
    return img


def write_pattern_video(
    path: Path, frames: int = 24, size: tuple[int, int] = (288, 160), fps: int = 30
) -> None:
    import av

    w, h = size
    tmp = path.with_name(f".{path.name}.part-{os.getpid()}")
    with av.open(str(tmp), "w", format="mp4") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        s.options = {"crf": "18", "preset": "veryfast", "threads": "1"}
        s.codec_context.time_base = Fraction(1, fps)
        for i in range(frames):
            vf = av.VideoFrame.from_ndarray(_pattern_frame(i, w, h), format="rgb24")
            vf.pts = i
            c.mux(s.encode(vf))
        c.mux(s.encode(None))
    os.replace(tmp, path)


def ensure_media(root: Path | None = None) -> Path:
    """The media folder, with every generated file present."""
    root = root or media_dir()
    root.mkdir(parents=True, exist_ok=True)
    video = root / "pattern.mp4"
    if not video.exists():
        write_pattern_video(video)
    return root
