"""Shared CLI plumbing: error reporting, option parsing helpers."""

from __future__ import annotations

import signal
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from wavyte_core.errors import Terminated, WavyteError, WavyteWarning, debug_enabled
from wavyte_core.format.colour import HEX_FORMS, parse_hex_colour

EXIT_ROWS_FAILED = 1  # wavyte batch: some rows failed, the others are done
EXIT_BAD_INPUT = 2
EXIT_EXECUTOR_UNAVAILABLE = 3  # --executor not installed, or its cluster cannot start
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as a shell reports it
EXIT_TERMINATED = 143  # SIGTERM: 128 + SIGTERM
_TERMINATED = False  # set by the SIGTERM handler (`terminate_on_sigterm`)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    print(f"error: {message}", file=sys.stderr)
    return typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn every expected failure into one line on stderr and a non-zero exit. With
    ``--debug`` / ``WAVYTE_DEBUG=1`` the traceback (of a failing plugin call, the error's
    cause) is printed first."""
    try:
        yield
    except WavyteError as exc:
        if debug_enabled():
            import traceback

            traceback.print_exception(exc, file=sys.stderr)
        raise fail(str(exc)) from None
    except KeyboardInterrupt as exc:
        # Libraries may catch the interruption and raise another (Ray does): the flag says
        # which signal it was.
        if isinstance(exc, Terminated) or _TERMINATED:
            raise fail("terminated (SIGTERM)", EXIT_TERMINATED) from None
        raise fail("interrupted", EXIT_INTERRUPTED) from None
    except OSError as exc:
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        raise fail(f"{where}{exc.strerror or exc}") from None


def terminate_on_sigterm() -> None:
    """SIGTERM raises `Terminated` in the main thread, so a render stopped by a process
    manager cleans up exactly as Ctrl-C does and exits 143 with one line. A second SIGTERM
    while cleaning up is ignored (SIGKILL still ends the process at once). Called once by
    the console script before the command runs."""
    if threading.current_thread() is not threading.main_thread():
        return

    def on_term(_signum: int, _frame: object) -> None:
        global _TERMINATED
        _TERMINATED = True
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Terminated

    signal.signal(signal.SIGTERM, on_term)


@contextmanager
def print_warnings() -> Iterator[None]:
    """Show every `WavyteWarning` raised inside as one ``warning:`` line on stderr, when it
    happens (before a long render, not after)."""

    def show(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
        if issubclass(category, WavyteWarning):
            print(f"warning: {message}", file=sys.stderr, flush=True)
        else:
            previous(message, category, filename, lineno, file, line)

    previous = warnings.showwarning
    with warnings.catch_warnings():
        warnings.simplefilter("always", WavyteWarning)
        warnings.showwarning = show
        yield


def parse_color(text: str) -> tuple[int, int, int, int]:
    """A ``--background`` value: a CSS hex colour ``#rgb``, ``#rgba``, ``#rrggbb`` or
    ``#rrggbbaa`` (straight alpha; the ``#`` may be left out, as a shell comment would
    otherwise need quoting)."""
    s = text.strip()
    rgba = parse_hex_colour(s if s.startswith("#") else "#" + s)
    if rgba is None:
        raise fail(f"--background: expected {HEX_FORMS}, got {text!r}")
    return rgba


def parse_frames(text: str | None, duration: int) -> tuple[int, int]:
    """``A:B`` (half-open), ``A:`` or ``:B``; defaults to the whole timeline."""
    if text is None:
        return 0, duration
    a, sep, b = text.partition(":")
    try:
        start = int(a) if a.strip() else 0
        end = int(b) if b.strip() else duration
    except ValueError:
        raise fail(f"--frames: expected A:B with integers, got {text!r}") from None
    if not sep or not (0 <= start < end <= duration):
        raise fail(f"--frames {text}: need 0 <= A < B <= {duration} (the composition's duration)")
    return start, end


def assets_root(comp_path: Path, assets: Path | None) -> Path:
    return assets if assets is not None else comp_path.resolve().parent
