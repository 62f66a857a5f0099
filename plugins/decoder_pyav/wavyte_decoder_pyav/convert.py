"""How decoded pictures are converted to BGRA (swscale), and one swscale bug we avoid.

libswscale 9.5 (FFmpeg 8, as bundled with PyAV 18) has a bug in its fast planar-YUV → BGRA
path: for widths whose remainder mod 16 is 1–4 (17–20, 33–36, 50, …) the last pixels of
every row come out as zeros, alpha included. Adding ``ACCURATE_RND`` selects the exact
path, which is correct for every width but ≈3× slower (1.8 vs 0.5 ms at 1080p). So the
accurate path is used for stills (converted once) and for videos whose width is not a
multiple of 16; the fast path keeps the common sizes (640, 1280, 1920, …) cheap.
Both paths honour the frame's colour tags (BT.709 when tagged, else BT.601) and range.
"""

from __future__ import annotations

from av.video.reformatter import Interpolation

ACCURATE = Interpolation.BILINEAR | Interpolation.ACCURATE_RND


def bgra_interpolation(width: int) -> Interpolation | None:
    """The swscale flags for converting frames of this width to BGRA (None = default)."""
    return None if width % 16 == 0 else ACCURATE
