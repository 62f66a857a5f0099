"""The local Ray cluster dies with its driver: ``python -m wavyte_executor_ray.reaper``.

When the executor starts a local cluster itself, it starts this small process right after
``ray.init``, with the cluster's root processes (the driver's children that ``ray.init``
started: GCS, raylet, monitors) on the command line and a pipe on stdin that only the
driver holds. The reaper

- every ``PERIOD_S`` adds every descendant of those processes (agents, workers, actors) to
  the set it has seen, each with its start time (so a reused process id is never hit),
  and writes that set to a record file in the temporary folder;
- when the pipe ends — the driver closed it after ``ray.shutdown``, exited, or was
  SIGKILLed — sends SIGTERM to every process of the set still running, SIGKILL to those
  left after ``GRACE_S``, deletes the record and exits. Ray's own fate sharing ends the
  raylet and GCS with the driver but leaves ``ray::DashboardAgent`` and
  ``ray::RuntimeEnvAgent`` running: this is what ends them.

If the reaper itself is killed with the driver (a SIGKILL to the whole process group),
`reap_orphans`, called by the next Ray session on this machine, kills what the records of
dead drivers list. SIGINT and SIGTERM are ignored: the reaper must outlive the driver's
shutdown to do its work.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import sys
import tempfile
import time
from pathlib import Path

PERIOD_S = 0.5
GRACE_S = 3.0
RECORD_PREFIX = "wavyte-ray-"


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (``/proc/PID/stat`` field 22),
    None when it is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()
    if not fields or fields[0] == "Z":
        return None
    return int(fields[19])


def children_by_parent() -> dict[int, list[int]]:
    """Every process's children, from one pass over ``/proc``."""
    out: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        out.setdefault(ppid, []).append(int(name))
    return out


def descendants(roots: list[int]) -> list[int]:
    kids = children_by_parent()
    seen: list[int] = []
    stack = list(roots)
    while stack:
        for c in kids.get(stack.pop(), []):
            if c not in seen:
                seen.append(c)
                stack.append(c)
    return seen


def record_path(driver: int) -> Path:
    return Path(tempfile.gettempdir()) / f"{RECORD_PREFIX}{driver}.json"


def _write_record(path: Path, driver: int, driver_start: int | None, seen: dict[int, int]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(
            {
                "driver": [driver, driver_start],
                "reaper": [os.getpid(), start_time(os.getpid())],
                "pids": sorted(seen.items()),
            }
        )
    )
    os.replace(tmp, path)


def kill_all(pids: list[tuple[int, int]], grace_s: float = GRACE_S) -> None:
    """SIGTERM every ``(pid, start)`` still running as the same process, SIGKILL after
    ``grace_s`` what is left."""
    alive = [(p, s) for p, s in pids if start_time(p) == s and p != os.getpid()]
    for p, _ in alive:
        with contextlib.suppress(OSError):
            os.kill(p, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [(p, s) for p, s in alive if start_time(p) == s]
    for p, _ in alive:
        with contextlib.suppress(OSError):
            os.kill(p, signal.SIGKILL)


def reap_orphans() -> int:
    """Kill what the records of dead drivers (and dead reapers) list; return how many
    records were handled. Called when a Ray session starts its own cluster."""
    handled = 0
    for rec in Path(tempfile.gettempdir()).glob(f"{RECORD_PREFIX}*.json"):
        try:
            data = json.loads(rec.read_text())
            driver, reaper = data["driver"], data["reaper"]
            pids = [(int(p), int(s)) for p, s in data["pids"]]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if start_time(driver[0]) == driver[1] or start_time(reaper[0]) == reaper[1]:
            continue  # a live render's cluster, or a reaper still at work
        kill_all(pids)
        rec.unlink(missing_ok=True)
        handled += 1
    return handled


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with contextlib.suppress(Exception):
        from wavyte_core.run.lifeline import set_process_name

        set_process_name("wavyte-ray-reap")
    driver = int(sys.argv[1])
    roots = [int(a) for a in sys.argv[2:]]
    driver_start = start_time(driver)
    path = record_path(driver)
    seen: dict[int, int] = {}
    stdin = sys.stdin.fileno()
    while True:
        new = False
        for p in roots + descendants(roots + list(seen)):
            if p not in seen and p != os.getpid():
                s = start_time(p)
                if s is not None:
                    seen[p] = s
                    new = True
        if new:
            with contextlib.suppress(OSError):
                _write_record(path, driver, driver_start, seen)
        ready, _, _ = select.select([stdin], [], [], PERIOD_S)
        if ready and not os.read(stdin, 4096):
            break
    kill_all(sorted(seen.items()))
    path.unlink(missing_ok=True)
    os._exit(0)


if __name__ == "__main__":
    main()
