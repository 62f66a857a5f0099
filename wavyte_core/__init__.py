"""wavyte: programmatic video from Wavyte-format timelines (JSON or Python)."""

from __future__ import annotations

from .api import RenderJob, check, load, open_job, render, render_frame
from .errors import (
    AnimationError,
    AssetError,
    CompositionError,
    EvaluationError,
    PluginError,
    RenderError,
    WavyteError,
)
from .model import Composition
from .preview import preview

__version__ = "0.3.0"

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
