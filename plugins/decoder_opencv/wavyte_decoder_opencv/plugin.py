"""Entry module of the ``opencv`` decoder plugin (entry-point group ``wavyte``).

Imported by the registry at startup, so it imports nothing heavy: OpenCV is imported only
when a job asks for the decoder (``_make``) or when ``wavyte plugins`` checks it.
"""

from __future__ import annotations

from typing import Any

from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.specs import RoleSpec


def _make() -> Any:
    from .decoder import OpenCVDecoder

    return OpenCVDecoder()


def _check() -> str | None:
    try:
        import cv2
    except Exception as exc:  # ImportError, or a broken binary wheel (OSError)
        return f"OpenCV is not importable: {exc}"
    info = cv2.getBuildInformation()
    at = info.find("FFMPEG:")
    if at < 0 or "YES" not in info[at:].split("\n", 1)[0]:
        return "this OpenCV build has no FFmpeg video backend"
    return None


@hookimpl
def wavyte_register_decoders() -> list[RoleSpec]:
    return [
        RoleSpec(
            name="opencv",
            factory=_make,
            capabilities=frozenset({"image", "video", "animated"}),
            check=_check,
            install_hint="pip install opencv-python-headless",
            description="Images and video (persistent sequential sessions) via OpenCV; no audio, no alpha video",
        )
    ]
