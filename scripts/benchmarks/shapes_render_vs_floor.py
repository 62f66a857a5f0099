"""Render loops alone on the ``shapes`` bench scene: the engine's ``render_into`` against
the hand-written skia loop's ``draw`` (no encoder), side by side in one process.

    python scripts/benchmarks/shapes_render_vs_floor.py [--size 1920x1080] [--frames 90] [--repeats 3]

Prints the median ms/frame of each and their ratio (a figure for docs/performance.md,
never a test: the machine is shared).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "conformance"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--frames", type=int, default=90)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    w, h = (int(v) for v in a.size.split("x"))

    import wavyte_core as wv
    from wavyte_conformance.bench import scenes
    from wavyte_conformance.bench.floor import HandWrittenScene

    sc = scenes.build("shapes", w, h, a.frames, scenes.DEFAULT_CACHE)
    hand = HandWrittenScene(sc)
    comp = wv.load(sc.json_bytes())
    res: dict[str, list[float]] = {"engine": [], "hand-written": []}
    with wv.open_job(comp, assets_root=sc.root, backend="skia") as job:
        s = job.new_surface()
        job.render_into(job.evaluate(0), s)  # warm-up, as the bench does
        for _ in range(a.repeats):
            t = time.perf_counter()
            for f in range(a.frames):
                job.render_into(job.evaluate(f), s)
            res["engine"].append((time.perf_counter() - t) / a.frames * 1e3)
            t = time.perf_counter()
            for f in range(a.frames):
                hand.draw(f)
            res["hand-written"].append((time.perf_counter() - t) / a.frames * 1e3)
    for k, v in res.items():
        print(f"{k}: median {statistics.median(v):.1f} ms/frame  {[round(x, 1) for x in v]}")
    ratio = statistics.median(res["engine"]) / statistics.median(res["hand-written"])
    print(f"engine / hand-written: {ratio:.2f}")


if __name__ == "__main__":
    main()
