"""Registers the ``Lottie`` asset kind. Imports nothing heavy: rlottie is loaded when a
composition with a Lottie asset is prepared."""

from __future__ import annotations

from wavyte_core.plugin import hookimpl


@hookimpl
def wavyte_register_asset_kinds() -> list[type]:
    from .kind import LottieKind

    return [LottieKind]
