"""Entry module of the ``pyav`` decoder plugin (entry-point group ``wavyte``).

Imported by the registry at startup, so it imports nothing heavy: PyAV is imported only
when a job asks for the decoder (``_make``) or when ``wavyte plugins`` checks it.
"""

from __future__ import annotations

from typing import Any

from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.specs import RoleSpec


def _make() -> Any:
    from .decoder import PyAVDecoder

    return PyAVDecoder()


def _check() -> str | None:
    try:
        import av  # noqa: F401
    except Exception as exc:  # ImportError, or a broken binary wheel (OSError)
        return f"PyAV is not importable: {exc}"
    return None


@hookimpl
def wavyte_register_decoders() -> list[RoleSpec]:
    return [
        RoleSpec(
            name="pyav",
            factory=_make,
            capabilities=frozenset({"image", "video", "audio", "animated"}),
            check=_check,
            install_hint="pip install av",
            description="Images, video (persistent sequential sessions) and audio via PyAV (FFmpeg libraries)",
        )
    ]
