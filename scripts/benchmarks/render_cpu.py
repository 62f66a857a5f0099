"""Render-thread CPU cost of a composition, and a digest of its frames.

    .venv/bin/python scripts/benchmarks/render_cpu.py examples/demo.json [--repeats 5] [--backend skia]

Why CPU time: in `wavyte render` the encoder's x264 threads use every core, so each
millisecond the render thread spends drawing shows up in the loop's wall time; and on a
shared machine wall-clock figures of the drawing alone are noise. This times the same
frame loop as ``--workers 1`` (evaluate, elide unchanged frames, draw) with no encoder,
as ``time.process_time`` of this single-threaded process, median of ``--repeats`` runs.

The digest (SHA-256 over every frame's bytes, in order) is computed in a separate,
untimed pass: an optimisation of the frame loop must leave it unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

import wavyte_core as wv


def run(comp_path: Path, combo: dict, digest: bool) -> dict:
    comp = wv.load(comp_path)
    with wv.open_job(comp, assets_root=comp_path.parent, **combo) as job:
        c0, w0 = time.process_time(), time.perf_counter()
        n = sum(1 for _ in job.frames(copy=False))
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        stats = job.renderer.stats
        out = {
            "cpu_s": cpu,
            "wall_s": wall,
            "frames": n,
            "drawn": stats.frames,
            "prefix_hits": stats.prefix_hits,
            "layer_hits": stats.layer_hits,
            "layers_drawn": stats.layers_drawn,
        }
        if digest:
            h = hashlib.sha256()
            for _, buf in job.frames(copy=False):
                h.update(buf.data)
            out["sha256"] = h.hexdigest()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="Render-only CPU time and frame digest.")
    ap.add_argument("comps", nargs="+", type=Path)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--backend", default=None, help="rasterizer and compositor at once")
    ap.add_argument("--rasterizer", default=None)
    ap.add_argument("--compositor", default=None)
    a = ap.parse_args()
    combo = {k: getattr(a, k) for k in ("backend", "rasterizer", "compositor") if getattr(a, k)}
    for comp in a.comps:
        try:
            runs = [run(comp.resolve(), combo, digest=(i == 0)) for i in range(a.repeats)]
        except wv.WavyteError as e:  # e.g. a case whose generated media is missing
            print(f"skipped {comp}: {e}", file=sys.stderr, flush=True)
            continue
        row = {
            "comp": str(comp),
            "combo": combo or "default",
            "cpu_s_median": round(statistics.median(r["cpu_s"] for r in runs), 3),
            "cpu_s_all": [round(r["cpu_s"], 3) for r in runs],
            "wall_s_median": round(statistics.median(r["wall_s"] for r in runs), 3),
            **{k: runs[0][k] for k in ("frames", "drawn", "prefix_hits", "layer_hits")},
            "layers_drawn": runs[0]["layers_drawn"],
            "sha256": runs[0]["sha256"][:16],
        }
        print(json.dumps(row), flush=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
