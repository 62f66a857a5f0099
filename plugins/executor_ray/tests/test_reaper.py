"""The reaper's next-run fallback: records of dead drivers are reaped (only processes whose
start time still matches), records of live drivers are left alone. Needs no Ray."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from wavyte_executor_ray import reaper

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")


def _dead_pid() -> tuple[int, int]:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    start = reaper.start_time(p.pid)
    p.wait()
    return p.pid, start or 1


def _record(driver: tuple[int, int | None], pids: list[tuple[int, int]]) -> Path:
    path = Path(tempfile.gettempdir()) / f"{reaper.RECORD_PREFIX}{driver[0]}.json"
    dead = _dead_pid()
    path.write_text(json.dumps({"driver": list(driver), "reaper": list(dead), "pids": pids}))
    return path


def test_records_of_dead_drivers_are_reaped_live_ones_kept() -> None:
    orphan = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        o_start = reaper.start_time(orphan.pid)
        b_start = reaper.start_time(bystander.pid)
        assert o_start and b_start
        dead_driver = _dead_pid()
        # the bystander is listed with another start time: a reused process id, never hit
        gone = _record(dead_driver, [[orphan.pid, o_start], [bystander.pid, b_start + 1]])
        live = _record((os.getpid(), reaper.start_time(os.getpid())), [[orphan.pid, o_start]])
        try:
            assert reaper.reap_orphans() >= 1
            assert orphan.wait(10) is not None  # killed
            assert bystander.poll() is None
            assert not gone.exists() and live.exists()
        finally:
            live.unlink(missing_ok=True)
            gone.unlink(missing_ok=True)
    finally:
        for p in (orphan, bystander):
            if p.poll() is None:
                p.kill()
                p.wait()


def test_reaper_process_ends_the_tree_when_its_pipe_closes() -> None:
    """What the executor does after ``ray.init``: roots are handed over, their descendants
    are followed, and closing stdin (the driver gone) ends them all."""
    root = subprocess.Popen(
        [sys.executable, "-c",
         "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', "
         "'import time; time.sleep(60)']); print('up', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert root.stdout.readline().strip() == "up"  # type: ignore[union-attr]
        child = reaper.descendants([root.pid])
        assert len(child) == 1
        proc = subprocess.Popen(
            [sys.executable, "-m", "wavyte_executor_ray.reaper", str(os.getpid()), str(root.pid)],
            stdin=subprocess.PIPE,
        )
        record = reaper.record_path(os.getpid())
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and proc.poll() is None:
            if record.exists() and str(child[0]) in record.read_text():
                break
            time.sleep(0.05)
        assert record.exists()
        proc.stdin.close()  # type: ignore[union-attr]
        assert proc.wait(15) == 0
        assert root.wait(5) is not None
        assert reaper.start_time(child[0]) is None
        assert not record.exists()
    finally:
        if root.poll() is None:
            root.kill()
            root.wait()
