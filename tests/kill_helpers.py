"""Kill a wavyte command at a random moment and account for every process it started.

Processes are counted by tree, never by name: `TreeWatch` walks ``/proc`` (no psutil)
while the command runs and keeps every descendant it ever saw, with its start time, so a
worker re-parented after the kill — or a reused process id — is still told apart. The
moment of the signal is drawn from a seeded `random.Random`; the seed is printed and put in
every assertion message (``WAVYTE_KILL_SEED=N`` replays one).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rpartition(")")[2].split()


def start_time(pid: int) -> int | None:
    """Start time in clock ticks; None when gone or a zombie (exited, not yet reaped)."""
    f = _stat(pid)
    if not f or f[0] == "Z":
        return None
    return int(f[19])


def descendants(root: int) -> list[int]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            f = _stat(int(name))
            if f:
                kids.setdefault(int(f[1]), []).append(int(name))
    out: list[int] = []
    stack = [root]
    while stack:
        for c in kids.get(stack.pop(), []):
            out.append(c)
            stack.append(c)
    return out


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:100]
    except OSError:
        return "?"


class TreeWatch:
    """Every process of a tree seen so far: ``{pid: (start, cmdline)}``."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[int, tuple[int, str]] = {}
        self.poll()

    def poll(self) -> None:
        """Add new descendants; refresh the command lines (a child shows its parent's until
        it has exec'd, and Ray actors retitle themselves)."""
        for p in [self.root, *descendants(self.root)]:
            s = start_time(p)
            if s is not None and (p not in self.seen or self.seen[p][0] == s):
                self.seen[p] = (s, cmdline(p))

    def alive(self) -> list[str]:
        return [f"{p} {c}" for p, (s, c) in self.seen.items() if start_time(p) == s]

    def wait_all_gone(self, seconds: float) -> list[str]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.alive():
                return []
            time.sleep(0.1)
        return self.alive()


def seed_rng() -> tuple[int, random.Random]:
    seed = int(os.environ.get("WAVYTE_KILL_SEED") or random.SystemRandom().randrange(1 << 30))
    print(f"kill seed: WAVYTE_KILL_SEED={seed}")
    return seed, random.Random(seed)


def kill_mid_run(
    args: list[str],
    started: Callable[[], bool],
    sig: int,
    delay_s: float,
    *,
    start_timeout_s: float = 60.0,
    cwd: Path | None = None,
) -> tuple[subprocess.Popen, TreeWatch, str]:
    """Run ``python -m wavyte_core.cli.main ARGS``, wait until ``started()`` (the render is
    under way), then ``delay_s`` more while watching its process tree, then send ``sig``.
    Returns the finished process, the watch and its stderr."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "wavyte_core.cli.main", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
    )
    watch = TreeWatch(proc.pid)
    try:
        deadline = time.monotonic() + start_timeout_s
        while not started():
            watch.poll()
            if proc.poll() is not None:
                raise AssertionError(f"finished before the signal: {proc.stderr.read()}")  # type: ignore[union-attr]
            if time.monotonic() > deadline:
                raise AssertionError("the render did not start in time")
            time.sleep(0.05)
        end = time.monotonic() + delay_s
        while time.monotonic() < end:
            watch.poll()
            time.sleep(0.05)
        watch.poll()
        if proc.poll() is not None:
            raise AssertionError(f"finished before the signal: {proc.stderr.read()}")  # type: ignore[union-attr]
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc, watch, err


def hidden_entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def scratch_of(pids: list[int]) -> list[str]:
    """Task scratch folders (``wavyte-row-PID-…``/``wavyte-seg-PID-…``) of ``pids`` left in
    the temporary folder."""
    import tempfile

    tmp = Path(tempfile.gettempdir())
    return sorted(
        p.name
        for p in tmp.iterdir()
        if p.name.startswith(("wavyte-row-", "wavyte-seg-"))
        and p.name.split("-")[2].isdigit()
        and int(p.name.split("-")[2]) in pids
    )
