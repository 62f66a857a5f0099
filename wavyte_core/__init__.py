"""wavyte: programmatic video from Wavyte-format timelines (JSON or Python).

The public names are imported on first use (PEP 562), so ``import wavyte_core`` and the
CLI's start-up do not pay for numpy, the model and the render pipeline until they are
needed (issue 10: short start-up).
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .errors import (
    AnimationError,
    AssetError,
    CompositionError,
    EvaluationError,
    PluginError,
    RenderError,
    WavyteError,
)

if TYPE_CHECKING:
    from .api import RenderJob, check, load, open_job, render, render_frame
    from .model import Composition
    from .preview import preview

__version__ = "0.3.0"

_LAZY = {
    "RenderJob": "api",
    "check": "api",
    "load": "api",
    "open_job": "api",
    "render": "api",
    "render_frame": "api",
    "Composition": "model",
    "preview": "preview",
}

__all__ = [
    "AnimationError",
    "AssetError",
    "Composition",
    "CompositionError",
    "EvaluationError",
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
    """``wavyte_core`` itself. Two public functions share their name with a submodule
    (``load``, ``preview``). Importing a submodule sets it as an attribute of its package,
    which would replace the function (``wv.load(...)``: "'module' object is not callable"
    whenever ``wavyte_core.load`` was imported first). The functions keep their names;
    the submodules stay reachable through ``sys.modules`` and ``from ... import``."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, ModuleType):
            return  # the submodule ``wavyte_core.<name>``, imported after or before the function
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
