"""One error hierarchy for everything a user can get wrong or the machine can fail at.

Every error carries a message a user can act on. Composition errors name the JSON path of
the bad value (``tracks[0].clips[2].range: start > end``); asset errors name the file.
The CLI turns any ``WavyteError`` into one line on stderr and exit code 2.
"""

from __future__ import annotations

import os


class WavyteError(Exception):
    """Base class of every error wavyte raises on purpose."""


class CompositionError(WavyteError):
    """The composition document is malformed or breaks a rule of the format.

    ``path`` is the JSON path of the offending value (``""`` for the document itself) and
    ``rule`` says what is wrong with it.
    """

    def __init__(self, path: str, rule: str) -> None:
        self.path = path
        self.rule = rule
        super().__init__(f"{path}: {rule}" if path else rule)

    def __reduce__(self) -> tuple:  # pickled by worker processes (parallel.py)
        return (type(self), (self.path, self.rule))


class AnimationError(WavyteError):
    """An animation cannot be sampled (e.g. a procedural Transform2D)."""


class EvaluationError(WavyteError):
    """A frame cannot be evaluated (frame out of bounds, blank effect kind, ...)."""


class AssetError(WavyteError):
    """An asset file is missing, unreadable, corrupt or outside the asset root."""

    def __init__(self, source: str, rule: str) -> None:
        self.source = source
        self.rule = rule
        super().__init__(f"{source}: {rule}")

    def __reduce__(self) -> tuple:  # pickled by worker processes (parallel.py)
        return (type(self), (self.source, self.rule))


class PluginError(WavyteError):
    """A plugin is unknown, unavailable or broken."""


class RenderError(WavyteError):
    """Rendering or encoding failed (bad output settings, encoder failure, ...)."""


def debug_enabled() -> bool:
    """True when ``WAVYTE_DEBUG`` is set (to anything but ``0``), as ``wavyte --debug``
    does: errors then also print the traceback of their cause (a failing plugin call),
    in worker processes too."""
    return os.environ.get("WAVYTE_DEBUG", "") not in ("", "0")


class WavyteWarning(UserWarning):
    """Something a user should know that does not stop the work (audio dropped by an output
    that cannot carry it, a GIF rate browsers will not honour). The CLI prints these as one
    ``warning:`` line each."""


class Terminated(KeyboardInterrupt):
    """The process was asked to stop by SIGTERM (systemd, Kubernetes, Docker, CI). Raised in
    the main thread by the CLI's handler (`cli.main`); a `KeyboardInterrupt`, so every
    cleanup that Ctrl-C runs (part files, spools, sequence folders, workers) runs too."""
