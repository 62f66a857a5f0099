"""Entry module of the skia backend (entry point ``wavyte: skia``).

Imported when the plugin registry is built, so it imports nothing heavy: ``skia`` is only
imported by the factories, when a job asks for the "skia" rasterizer or compositor.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.specs import RoleSpec

INSTALL_HINT = "pip install skia-python"
RASTERIZER_CAPABILITIES = frozenset({"paths", "text", "images", "svg"})
COMPOSITOR_CAPABILITIES = frozenset({"over", "crossfade", "wipe", "blur", "direct_draw", "blend"})

# Known deviations from the exact reference, read by the conformance suite (conformance/
# README.md). Bounded: a result beyond the bound is still a failure. The compositor is exact
# or within one level (float pipeline; soft wipes through the exact numpy wipe).
_PAINT_ALPHA = {
    "reason": "direct draw folds a translucent layer's opacity into the paint: one rounding "
    "instead of the format's draw-then-over, up to 2 levels on anti-aliased edge pixels",
    "max_diff": 2,
    "max_pixels": None,
}
CONFORMANCE_EXPECTATIONS: dict[str, dict[str, Any]] = {
    "compositor": {},
    "rasterizer": {"layout_center": _PAINT_ALPHA, "scene_*": _PAINT_ALPHA},
}


def check_skia() -> str | None:
    """None when skia-python can be used here, else why not (without importing it)."""
    if importlib.util.find_spec("skia") is None:
        return "skia-python is not installed"
    return None


def _make_rasterizer() -> Any:
    from .rasterizer import SkiaRasterizer

    return SkiaRasterizer()


def _make_compositor() -> Any:
    from .compositor import SkiaCompositor

    return SkiaCompositor()


@hookimpl
def wavyte_register_rasterizers() -> list[RoleSpec]:
    return [
        RoleSpec(
            name="skia",
            factory=_make_rasterizer,
            capabilities=RASTERIZER_CAPABILITIES,
            check=check_skia,
            install_hint=INSTALL_HINT,
            description="skia-python rasterizer drawing straight into the numpy frame buffer",
        )
    ]


@hookimpl
def wavyte_register_compositors() -> list[RoleSpec]:
    return [
        RoleSpec(
            name="skia",
            factory=_make_compositor,
            capabilities=COMPOSITOR_CAPABILITIES,
            check=check_skia,
            install_hint=INSTALL_HINT,
            description="skia-python compositor (native blends; exact numpy blur)",
        )
    ]
