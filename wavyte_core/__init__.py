"""wavyte: programmatic video from Wavyte-format timelines (JSON or Python).

The public names are imported on first use (PEP 562), so ``import wavyte_core`` and the
CLI's start-up do not pay for numpy, the model and the render pipeline until they are
needed (short start-up).
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from wavyte_core.errors import (
    AnimationError,
    AssetError,
    CompositionError,
    EvaluationError,
    PluginError,
    RenderError,
    WavyteError,
)

if TYPE_CHECKING:
    from wavyte_core.api import RenderJob, check, load, open_job, render, render_frame
    from wavyte_core.format.model import Composition
    from wavyte_core.output.codecs import OutputSettings, resolve_output
    from wavyte_core.preview import preview
    from wavyte_core.preview.notebook import show

from wavyte_core.version import __version__

_LAZY = {
    "RenderJob": "api",
    "check": "api",
    "load": "api",
    "open_job": "api",
    "render": "api",
    "render_frame": "api",
    "Composition": "format.model",
    "OutputSettings": "output.codecs",
    "resolve_output": "output.codecs",
    "preview": "preview",
    "show": "preview.notebook",
}

__all__ = [
    "AnimationError",
    "AssetError",
    "Composition",
    "CompositionError",
    "EvaluationError",
    "OutputSettings",
    "PluginError",
    "RenderError",
    "RenderJob",
    "WavyteError",
    "__version__",
    "check",
    "load",
    "open_job",
    "preview",
    "render",
    "render_frame",
    "resolve_output",
    "show",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(ModuleType):
    """Importing a submodule binds it to the package attribute of the same name: importing
    ``wavyte_core.format.load`` (the loader module) must not replace ``wavyte_core.format.load`` (the API
    function, still lazy). Eager imports had the function win by import order."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
