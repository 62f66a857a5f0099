"""The sanity checks every encoder session makes when it opens (the CLI and the API checked
the request already, with `resolve_output`); shared by the PyAV and GIF encoders."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from wavyte_core.errors import RenderError
from wavyte_core.plugin.roles import EncodeSettings

EVEN_WIDTH = frozenset({"yuv420p", "yuvj420p", "nv12", "yuv420p10le", "yuva420p", "yuv422p10le"})
EVEN_HEIGHT = frozenset({"yuv420p", "yuvj420p", "nv12", "yuv420p10le", "yuva420p"})


def check_settings(s: EncodeSettings) -> Fraction:
    """Sanity checks every session makes (the CLI and API checked the request already)."""
    if s.width <= 0 or s.height <= 0:
        raise RenderError(f"output size must be positive, got {s.width}x{s.height}")
    if (s.pix_fmt in EVEN_WIDTH and s.width % 2) or (s.pix_fmt in EVEN_HEIGHT and s.height % 2):
        raise RenderError(
            f"output size {s.width}x{s.height} must have an even width and height for {s.pix_fmt}"
        )
    fps = Fraction(s.fps)
    if fps <= 0:
        raise RenderError(f"fps must be > 0, got {fps}")
    if s.audio is not None and (
        s.audio.ndim != 2 or s.audio.shape[1] != 2 or s.audio.dtype != np.float32
    ):
        raise RenderError(
            f"audio must be float32 (n, 2) at 48 kHz, got {s.audio.dtype} {s.audio.shape}"
        )
    return fps
