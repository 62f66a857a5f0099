"""Nothing outlives a killed render: worker processes and shared memory go
away with a SIGKILLed parent, and the next render into the folder removes its part file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wavyte_core.output.targets import process_alive, remove_stale_parts

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc, /dev/shm")


def long_comp(frames: int = 100_000) -> dict:
    def tf(x: float) -> dict:
        return {
            "translate": {"x": x, "y": 40.0},
            "rotation_rad": 0.0,
            "scale": {"x": 1.0, "y": 1.0},
            "anchor": {"x": 0.0, "y": 0.0},
        }

    keys = [
        {"frame": 0, "value": tf(0.0), "ease": "Linear"},
        {"frame": frames - 1, "value": tf(200.0), "ease": "Linear"},
    ]
    clip = {
        "id": "sq",
        "asset": "sq",
        "range": {"start": 0, "end": frames},
        "props": {
            "transform": {"Keyframes": {"keys": keys, "mode": "Linear", "default": None}},
            "opacity": {
                "Keyframes": {
                    "keys": [{"frame": 0, "value": 1.0, "ease": "Linear"}],
                    "mode": "Hold",
                    "default": None,
                }
            },
            "blend": "Normal",
        },
        "z_offset": 0,
        "effects": [],
        "transition_in": None,
        "transition_out": None,
    }
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 256, "height": 144},
        "duration": frames,
        "assets": {"sq": {"Path": {"svg_path_d": "M0,0 L40,0 L40,40 L0,40 Z"}}},
        "tracks": [{"name": "t", "z_base": 0, "clips": [clip]}],
        "seed": 1,
    }


# The victim: opens a 2-worker job, reports its workers and shared memory, then renders.
VICTIM = """
import json, sys
import wavyte_core as wv
comp = wv.load(sys.argv[1])
with wv.open_job(comp, assets_root=".", workers=2) as job:
    pool = job.pool
    print(json.dumps({"pids": [p.pid for p in pool.procs],
                      "shm": [s.name for s in pool.shms]}), flush=True)
    job.render(sys.argv[2], preset="ultrafast")
"""


def _gone_within(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def test_sigkill_leaves_no_workers_no_shared_memory_and_part_is_cleaned(tmp_path: Path) -> None:
    comp = tmp_path / "long.json"
    comp.write_text(json.dumps(long_comp()))
    out = tmp_path / "out" / "video.mp4"
    victim = subprocess.Popen(
        [sys.executable, "-c", VICTIM, str(comp), str(out)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        info = json.loads(victim.stdout.readline())  # type: ignore[union-attr]
        part = out.parent / f".video.part-{victim.pid}.mp4"
        assert _gone_within(lambda: part.exists() and part.stat().st_size > 0, 60)
        assert all(process_alive(p) for p in info["pids"])
        assert all(Path("/dev/shm", n).exists() for n in info["shm"])
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        assert _gone_within(lambda: not any(process_alive(p) for p in info["pids"]), 10)
        shm_gone = lambda: not any(Path("/dev/shm", n).exists() for n in info["shm"])  # noqa: E731
        assert _gone_within(shm_gone, 10)
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait()
    assert part.exists()  # SIGKILL left its part file ...
    mine = out.parent / f".other.part-{os.getpid()}.mp4"
    mine.write_bytes(b"in progress")  # ... and a live process's part file must survive
    short = tmp_path / "short.json"
    short.write_text(json.dumps(long_comp(3)))
    done = subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", "render", str(short), "-o", str(out), "-q"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert out.exists()
    assert not part.exists()
    assert mine.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == [mine.name, "video.mp4"]


def test_remove_stale_parts_only_touches_dead_part_files(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".clip.part-{dead.pid}.mov"
    live = tmp_path / f".clip.part-{os.getppid()}.mp4"
    other = tmp_path / f"clip.part-{dead.pid}.mp4"  # not hidden: not ours
    folder = tmp_path / f".dir.part-{dead.pid}.mp4"
    for p in (stale, live, other):
        p.write_bytes(b"x")
    folder.mkdir()
    assert remove_stale_parts(tmp_path) == [stale]
    assert not stale.exists() and live.exists() and other.exists() and folder.exists()
    assert remove_stale_parts(tmp_path / "missing") == []
