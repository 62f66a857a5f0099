"""Short, user-facing reasons from FFmpeg exceptions (the path is named by `AssetError`)."""

from __future__ import annotations


def reason(exc: BaseException) -> str:
    """``"Invalid data found when processing input"`` rather than errno + repeated path."""
    text = getattr(exc, "strerror", None)
    return str(text) if text else str(exc)
