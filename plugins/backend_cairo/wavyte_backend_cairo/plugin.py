"""Entry module of the cairo backend (entry point ``wavyte: cairo``).

Imported when the plugin registry is built, so it imports nothing heavy: ``cairo`` is only
imported by the factories, when a job asks for the "cairo" rasterizer or compositor, and by
`check_cairo` when someone asks whether the backend is usable (``wavyte plugins``).

pycairo ships no Linux wheels: pip builds it from source, which needs the cairo headers
and pkg-config (Debian/Ubuntu: ``libcairo2-dev pkg-config``) and a C compiler. Without
them the plugin stays registered and reports why it is unavailable.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from typing import Any

from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.specs import RoleSpec

INSTALL_HINT = "apt-get install libcairo2-dev pkg-config && pip install pycairo"
# No "svg": cairo has no SVG renderer; the job rasterises SVG assets once with another
# installed rasterizer that has it, and this one draws the raster like any image.
RASTERIZER_CAPABILITIES = frozenset({"paths", "text", "images"})
COMPOSITOR_CAPABILITIES = frozenset({"over", "crossfade", "wipe", "blur", "direct_draw", "blend"})


@cache
def check_cairo() -> str | None:
    """None when pycairo can be used here, else why not (checked once per process)."""
    if importlib.util.find_spec("cairo") is None:
        return "pycairo is not installed"
    try:
        import cairo  # noqa: F401
    except Exception as exc:  # ImportError, or a libcairo the extension cannot load (OSError)
        return f"pycairo is not importable: {exc}"
    return None


def _make_rasterizer() -> Any:
    from .rasterizer import CairoRasterizer

    return CairoRasterizer()


def _make_compositor() -> Any:
    from .compositor import CairoCompositor

    return CairoCompositor()


@hookimpl
def wavyte_register_rasterizers() -> list[RoleSpec]:
    return [
        RoleSpec(
            name="cairo",
            factory=_make_rasterizer,
            capabilities=RASTERIZER_CAPABILITIES,
            check=check_cairo,
            install_hint=INSTALL_HINT,
            description="pycairo rasterizer drawing straight into the numpy frame buffer",
        )
    ]


@hookimpl
def wavyte_register_compositors() -> list[RoleSpec]:
    return [
        RoleSpec(
            name="cairo",
            factory=_make_compositor,
            capabilities=COMPOSITOR_CAPABILITIES,
            check=check_cairo,
            install_hint=INSTALL_HINT,
            description="pycairo compositor (pixman blends, exact; exact numpy blur)",
        )
    ]
