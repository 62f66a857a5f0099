"""What ``wavyte render`` costs outside its render loop (short start-up).

    .venv/bin/python scripts/benchmarks/startup.py [COMP.json ...] [--repeats 15] [--frames 0:1]
                                              [--workers 1] [--bytecode]

Runs ``wavyte render COMP -o out.mp4 --frames A:B --workers N --json`` as a fresh process
``--repeats`` times and prints the medians of: wall seconds, the child's CPU seconds
(user + system, all its threads: on a shared machine CPU time is steadier than wall time),
the CPU seconds of its main thread alone (the encoder's and BLAS's threads left out),
and the report's own figures — ``import_s`` (CLI start → pipeline and PyAV imported),
``load_s`` (parse, validate, plugin registry),
``prepare_s``, ``first_frame_s`` (CLI start → first frame handed to the encoder),
``render_s`` and ``total_s`` (CLI start → report). ``wall − total_s`` is the interpreter's
own start-up and exit.

By default the child inherits this environment; ``--bytecode`` unsets
``PYTHONDONTWRITEBYTECODE`` so the child uses (and writes) ``__pycache__`` as an ordinary
install does — with bytecode writing off every module of an editable install is compiled
from source on each run, which is a cost of the environment, not of wavyte.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIELDS = ("import_s", "load_s", "prepare_s", "first_frame_s", "render_s", "total_s")


#: The console script's code, plus the main thread's CPU seconds written to stderr at exit.
CLI = (
    "import atexit, os, sys, time\n"
    "atexit.register(lambda: os.write(2, b'MAIN_CPU %f\\n' % time.thread_time()))\n"
    "sys.argv[0] = 'wavyte'\n"
    "from wavyte_core.cli.main import main\n"
    "main()\n"
)


def run_once(
    comp: Path, out: Path, frames: str, workers: int, env: dict[str, str], cwd: Path | None
) -> dict:
    """One fresh ``wavyte render``: its wall and CPU seconds and its JSON report."""
    args = ["render", str(comp), "-o", str(out), "--json", "--workers", str(workers)]
    if frames:
        args += ["--frames", frames]
    cmd = [sys.executable, "-c", CLI, *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    stdout, stderr = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    proc.stdout.close()  # type: ignore[union-attr]
    proc.stderr.close()  # type: ignore[union-attr]
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{stderr.decode()}")
    report = json.loads(stdout)
    main_cpu = float(stderr.decode().rsplit("MAIN_CPU ", 1)[1].split()[0])
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall_s": wall, "cpu_s": cpu, "main_cpu_s": main_cpu, **report}


def main() -> None:
    ap = argparse.ArgumentParser(description="wavyte render's cost outside the render loop.")
    ap.add_argument("comps", nargs="*", type=Path)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--frames", default="0:1", help="Frame range A:B ('' for all frames).")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--bytecode", action="store_true", help="Let the child use __pycache__.")
    ap.add_argument(
        "--code",
        type=Path,
        default=None,
        help="Run the child in this checkout (its wavyte_core shadows the installed one): "
        "compare two commits with one environment.",
    )
    a = ap.parse_args()
    comps = a.comps or [
        REPO / "conformance/wavyte_conformance/scenes/bench/bench_scene_default.json"
    ]
    env = dict(os.environ)
    if a.bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    print(f"load average {os.getloadavg()[0]:.2f}; {a.repeats} runs each", flush=True)
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "out.mp4"
        for comp in comps:
            comp = comp.resolve()
            run_once(
                comp, out, a.frames, a.workers, env, a.code
            )  # warm the page cache (and pycache)
            runs = [run_once(comp, out, a.frames, a.workers, env, a.code) for _ in range(a.repeats)]
            row: dict[str, object] = {"comp": comp.name, "frames": a.frames or "all"}
            for key in ("wall_s", "cpu_s", "main_cpu_s", *FIELDS):
                vals = [r[key] for r in runs if r.get(key) is not None]
                row[key] = round(statistics.median(vals), 3) if vals else None
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
