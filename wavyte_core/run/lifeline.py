"""Worker processes that never outlive their parent, and scratch folders that never outlive
their process.

- `die_with_parent` is called once, first thing, in every worker process (the render pool's
  ``wavyte_core.run.worker`` and the local executor's pool processes). Two guards:
  ``PR_SET_PDEATHSIG`` (Linux) delivers a real-time signal the moment the parent dies, and a
  daemon thread polls ``getppid`` (every platform, and the case where the signal's handler
  cannot run because the main thread is stuck). Either way the worker removes its scratch
  folders and ends with ``os._exit``; it never blocks on a pipe nobody reads.
  ``PR_SET_PDEATHSIG`` also fires when merely the parent *thread* that started the worker
  ends; the handler therefore checks that the worker was really re-parented.
- `new_scratch` makes the temporary folder of a task (``wavyte-row-PID-…``,
  ``wavyte-seg-PID-…`` in the system temporary folder) and registers it, so a dying worker
  can remove it; `remove_stale_scratch` (called when an executor starts) removes the ones
  whose process is gone (a SIGKILLed worker cannot clean up).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from wavyte_core.output.targets import process_alive

_PR_SET_PDEATHSIG = 1
_PR_SET_NAME = 15
#: Scratch folders of this process, removed when it dies with its parent.
_SCRATCH: set[str] = set()
SCRATCH_PREFIXES = ("wavyte-row-", "wavyte-seg-")


def _prctl(option: int, arg: int | bytes) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, arg, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def set_process_name(name: str) -> None:
    """Name this process in ``ps -e``/``top`` (Linux ``comm``, at most 15 bytes)."""
    _prctl(_PR_SET_NAME, name.encode()[:15])


def _exit_now(code: int = 0) -> None:
    for d in list(_SCRATCH):
        shutil.rmtree(d, ignore_errors=True)
    os._exit(code)


def die_with_parent(parent_pid: int, period_s: float = 0.2) -> None:
    """End this process as soon as ``parent_pid`` (its parent) is gone, even SIGKILLed.

    Called once at a worker's start, from its main thread (signal handlers can only be set
    there). A no-op for ``parent_pid`` 0."""
    if not parent_pid:
        return
    if os.getppid() != parent_pid:
        _exit_now()
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGRTMIN"):
        sig = signal.SIGRTMIN + 3  # nobody sends it by accident

        def on_parent_death(_signum: int, _frame: object) -> None:
            if os.getppid() != parent_pid:  # not merely the parent's starting thread ended
                _exit_now()

        signal.signal(sig, on_parent_death)
        _prctl(_PR_SET_PDEATHSIG, sig)
        if os.getppid() != parent_pid:  # died between the check and the prctl
            _exit_now()

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(period_s)
        _exit_now()

    threading.Thread(target=watch, name="wavyte-parent-watch", daemon=True).start()


def new_scratch(prefix: str) -> Path:
    """A temporary folder ``PREFIXPID-…`` for one task (``prefix`` one of
    `SCRATCH_PREFIXES`), registered so that it is removed also when the process dies with
    its parent; `remove_stale_scratch` removes it after a SIGKILL. Pair with
    `remove_scratch`."""
    path = tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-")
    _SCRATCH.add(path)
    return Path(path)


def remove_scratch(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    _SCRATCH.discard(str(path))


def remove_stale_scratch(folder: str | Path | None = None) -> list[Path]:
    """Delete the scratch folders (`scratch_dir`) in ``folder`` (default: the system
    temporary folder) whose process is gone. Called when an executor starts."""
    base = Path(folder or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        entries = list(os.scandir(base))
    except OSError:
        return removed
    for entry in entries:
        prefix = next((p for p in SCRATCH_PREFIXES if entry.name.startswith(p)), None)
        if prefix is None or not entry.is_dir(follow_symlinks=False):
            continue
        pid_text = entry.name[len(prefix) :].partition("-")[0]
        if not pid_text.isdigit():
            continue
        pid = int(pid_text)
        if pid != os.getpid() and not process_alive(pid):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed
