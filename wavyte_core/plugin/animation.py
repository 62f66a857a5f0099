"""Animated images (GIF, APNG, animated WebP) as video sessions, for decoder plugins.

An animated image is small and its frames carry their own display times (a GIF may show
one frame for 10 ms and the next for 70 ms), so a decoder may read every frame once, at
prepare time, and serve `frame_at` from memory: exact per-frame delays, free seeks, free
loops. `AnimatedImageSession` is that session; `sniff_animation` tells an animated image
by its header; `read_animation` decodes one with OpenCV's ``imreadanimation`` (libwebp,
libpng and OpenCV's GIF decoder — OpenCV is a core dependency), which the ``pyav`` decoder
uses for animated WebP (FFmpeg has no animated-WebP decoder) and the ``opencv`` decoder for
all three.
"""

from __future__ import annotations

import bisect
from pathlib import Path

import numpy as np

from wavyte_core.errors import AssetError

__all__ = [
    "MAX_ANIMATION_BYTES",
    "AnimatedImageSession",
    "premultiply_exact",
    "read_animation",
    "sniff_animation",
]

#: Decoded frames held in memory per animated image (BGRA bytes); larger files are refused
#: with a hint to convert them to a video file.
MAX_ANIMATION_BYTES = 1 << 30

#: Frame start times are compared with this slack, as video sessions do (1 µs).
_TIME_EPS = 1e-6


def sniff_animation(path: Path) -> str | None:
    """``"gif"``, ``"apng"`` or ``"webp"`` when the file's header says it is an animated
    image (GIF: any GIF; PNG: an ``acTL`` chunk before the image data; WebP: the VP8X
    animation flag), else None."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return None
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        pos = 8
        while pos + 8 <= len(head):
            size = int.from_bytes(head[pos : pos + 4], "big")
            kind = head[pos + 4 : pos + 8]
            if kind == b"acTL":
                return "apng"
            if kind in (b"IDAT", b"IEND"):
                return None
            pos += 12 + size
        return None
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and head[12:16] == b"VP8X":
        flags = head[20] if len(head) > 20 else 0
        return "webp" if flags & 0x02 else None
    return None


def premultiply_exact(bgra: np.ndarray) -> None:
    """Straight → premultiplied in place with the format's rule ``(c·a + 127) // 255``."""
    alpha = bgra[:, :, 3:4].astype(np.uint16)
    if alpha.min(initial=255) == 255:
        return
    x = bgra[:, :, :3].astype(np.uint16) * alpha + 127
    bgra[:, :, :3] = (x // 255).astype(np.uint8)


def read_animation(path: Path) -> tuple[list[np.ndarray], list[float]]:
    """Every frame of an animated image as premultiplied BGRA, with its display time in
    seconds. Raises `AssetError` naming the file when it does not decode."""
    import cv2

    src = str(path)
    if not path.is_file():
        raise AssetError(src, "video file not found")
    if not hasattr(cv2, "imreadanimation"):  # pragma: no cover - OpenCV < 4.11
        raise AssetError(src, "animated images need OpenCV >= 4.11 (cv2.imreadanimation)")
    log = cv2.utils.logging
    level = log.getLogLevel()
    log.setLogLevel(log.LOG_LEVEL_SILENT)  # the error is ours to report, in one line
    try:
        ok, anim = cv2.imreadanimation(src)
    except cv2.error as exc:
        raise AssetError(src, f"animated image does not decode: {exc.err or exc}") from None
    finally:
        log.setLogLevel(level)
    frames = list(anim.frames) if ok else []
    if not frames:
        raise AssetError(src, "animated image does not decode (corrupt, truncated or empty)")
    durations = [max(int(d), 0) / 1000.0 for d in anim.durations]
    if len(durations) != len(frames):
        raise AssetError(src, "animated image: frame and delay counts differ")
    total = sum(f.shape[0] * f.shape[1] * 4 for f in frames)
    if total > MAX_ANIMATION_BYTES:
        raise AssetError(
            src,
            f"animated image decodes to {total / 2**20:.0f} MiB "
            f"(limit {MAX_ANIMATION_BYTES >> 20} MiB): convert it to a video file",
        )
    out = []
    for f in frames:
        if f.ndim == 2:
            f = cv2.cvtColor(f, cv2.COLOR_GRAY2BGRA)
        elif f.shape[2] == 3:
            f = cv2.cvtColor(f, cv2.COLOR_BGR2BGRA)
        f = np.ascontiguousarray(f, dtype=np.uint8)
        if not f.flags.writeable or not f.flags.owndata:
            f = f.copy()
        premultiply_exact(f)
        f.flags.writeable = False
        out.append(f)
    return out, durations


class AnimatedImageSession:
    """A `wavyte_core.plugin.prepared.VideoSession` over frames held in memory.

    Frame ``i`` shows from ``sum(durations[:i])`` for ``durations[i]`` seconds; before the
    first frame the first shows, after the last it holds (as video sessions do). A GIF
    delay of 0 (shown by browsers as ≈100 ms) is kept as written: that frame never shows
    at any time except its start. ``frame_at`` is a binary search: no decoding per frame.
    """

    def __init__(self, frames: list[np.ndarray], durations: list[float], source: str) -> None:
        if not frames or len(frames) != len(durations):
            raise AssetError(source, "animated image has no frames")
        h, w = frames[0].shape[:2]
        if any(f.shape != (h, w, 4) for f in frames):
            raise AssetError(source, "animated image frames differ in size")
        self.width = w
        self.height = h
        self.has_alpha = any(int(f[:, :, 3].min()) < 255 for f in frames)
        self._frames = frames
        starts = [0.0]
        for d in durations[:-1]:
            starts.append(starts[-1] + d)
        self._starts = starts
        self.duration: float | None = starts[-1] + durations[-1]
        self.fps = None
        self.opens = 1
        self.seeks = 0
        self.decoded = len(frames)

    @classmethod
    def open(cls, path: Path) -> AnimatedImageSession:
        frames, durations = read_animation(path)
        return cls(frames, durations, str(path))

    def index_at(self, t: float) -> int:
        """The index of the frame showing at ``t`` seconds."""
        return max(bisect.bisect_right(self._starts, t + _TIME_EPS) - 1, 0)

    def frame_at(self, t: float) -> np.ndarray:
        return self._frames[self.index_at(t)]

    def would_seek(self, t: float) -> bool:
        return False

    def close(self) -> None:
        self._frames = []

    def __enter__(self) -> AnimatedImageSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
