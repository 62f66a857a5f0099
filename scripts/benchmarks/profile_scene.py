"""Render-only per-stage timings of a benchmark scene (no encoder), for profiling.

    .venv/bin/python scripts/benchmarks/profile_scene.py animated 1920 1080 [--frames 300]
    .venv/bin/pyinstrument scripts/benchmarks/profile_scene.py video 640 360

Scenes: bench, bench_blur8, animated, video, many_layers (conformance/wavyte_conformance/bench/scenes.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "conformance")]

import wavyte_core as wv  # noqa: E402
from wavyte_conformance.bench.scenes import build  # noqa: E402
from wavyte_core.format.load import loads_composition  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scene")
    ap.add_argument("width", type=int)
    ap.add_argument("height", type=int)
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--overhead", action="store_true", help="time evaluate + plan only (Python)")
    a = ap.parse_args()
    sd = build(a.scene, a.width, a.height, a.frames)
    comp = loads_composition(sd.json_bytes())
    if a.overhead:
        with wv.open_job(comp, assets_root=sd.root) as job:
            t = time.perf_counter()
            for f in range(a.frames):
                job.renderer.plan(job.evaluate(f))
            us = 1e6 * (time.perf_counter() - t) / a.frames
        print(f"{a.scene} {a.width}x{a.height}: evaluate + plan {us:.1f} µs/frame")
        return
    with wv.open_job(comp, assets_root=sd.root, timings=True) as job:
        job.frame(0)  # warm-up, untimed
        job.timer.totals.update(dict.fromkeys(job.timer.totals, 0.0))
        t = time.perf_counter()
        n = sum(1 for _ in job.frames(0, a.frames, copy=False))
        dt = time.perf_counter() - t
        stages = {k: round(v / n, 2) for k, v in job.timer.ms().items() if v}
    print(
        f"{a.scene} {a.width}x{a.height}: render-only {1000 * dt / n:.2f} ms/frame; stages ms/frame {stages}"
    )


if __name__ == "__main__":
    main()
