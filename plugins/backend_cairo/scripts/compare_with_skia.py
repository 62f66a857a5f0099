"""Parity and speed of the cairo backend against skia on real scenes (a report, not a test).

    .venv/bin/python plugins/backend_cairo/scripts/compare_with_skia.py [--filter bilinear|good]

Parity: the same frames rendered with skia and with cairo (both roles, then the cairo
rasterizer under the skia compositor, which isolates the rasterizer), reported as max
channel difference, % of pixels that differ, and PSNR (`wavyte_conformance.metrics.compare`).

Speed: the median time to render one frame with every cache of the frame renderer
defeated (so every layer is really drawn: background fill + draw + composite), over a few
frames and repetitions, after a warm-up; and the engine's own render-only ms/frame (with
its caches, as `wavyte render` runs) from `job.frames`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(REPO), str(REPO / "conformance")]

import wavyte_core as wv  # noqa: E402
from wavyte_conformance.bench import scenes  # noqa: E402
from wavyte_conformance.metrics import compare  # noqa: E402

COMBOS = {"cairo": ("cairo", "cairo"), "cairo-raster/skia-comp": ("cairo", "skia")}


def frames_of(comp, rasterizer: str, compositor: str, root: Path, picks: list[int]) -> dict:
    with wv.open_job(comp, assets_root=root, rasterizer=rasterizer, compositor=compositor) as job:
        return {n: job.frame(n).copy() for n in picks}


def parity(name: str, comp, root: Path, picks: list[int]) -> None:
    ref = frames_of(comp, "skia", "skia", root, picks)
    for label, (r, c) in COMBOS.items():
        got = frames_of(comp, r, c, root, picks)
        for n in picks:
            m = compare(ref[n], got[n])
            over1 = (np.abs(ref[n].astype(np.int16) - got[n]).max(axis=-1) > 1).mean()
            print(
                f"  {name:<24} frame {n:>3}  {label:<22} max {m.max_diff:>3}  "
                f"differing {100.0 * m.pixels / m.total:6.2f}% (>1: {100.0 * over1:5.2f}%)  "
                f"PSNR {m.psnr:6.2f} dB"
            )


def draw_ms(comp, root: Path, backend: str, picks: list[int], reps: int) -> tuple[float, float]:
    """(median ms per frame with caches defeated, engine render-only ms per frame)."""
    with wv.open_job(comp, assets_root=root, backend=backend) as job:
        r = job.renderer
        dst = job.new_surface()
        graphs = [job.evaluate(n) for n in picks]
        times = []
        for rep in range(reps + 1):
            for g in graphs:
                r._snap_ops, r._prev_ops = [], []  # defeat the prefix snapshot
                for c in r._cache.values():  # and the per-layer cache
                    c.key = None
                t0 = time.perf_counter()
                r.render(g, dst)
                if rep:  # rep 0 warms up
                    times.append(time.perf_counter() - t0)
    with wv.open_job(comp, assets_root=root, backend=backend) as job:
        t0 = time.perf_counter()
        n = sum(1 for _ in job.frames(0, comp.duration, copy=False))
        engine = (time.perf_counter() - t0) / n
    return 1000 * statistics.median(times), 1000 * engine


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--filter", choices=("bilinear", "good"), default="bilinear")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--speed-only", action="store_true")
    args = ap.parse_args()
    import cairo
    from wavyte_backend_cairo import rasterizer

    rasterizer.IMAGE_FILTER = getattr(cairo, f"FILTER_{args.filter.upper()}")
    print(f"cairo image filter: {args.filter}")
    demo = wv.load(REPO / "examples" / "demo.json")
    work = []
    work.append(("demo.json", demo, REPO / "examples", [0, 30, 60, 120, 200]))
    for w, h in ((640, 360), (1920, 1080)):
        sd = scenes.build("bench", w, h, 300)
        work.append((f"bench {w}x{h}", wv.load(sd.json_bytes()), sd.root, [0, 150, 299]))
    sd = scenes.build("animated", 640, 360, 120)
    work.append(("animated 640x360", wv.load(sd.json_bytes()), sd.root, [0, 60, 119]))
    if not args.speed_only:
        print("parity, skia/skia as reference:")
        for name, comp, root, picks in work:
            parity(name, comp, root, picks)
    print("speed (ms/frame): all layers drawn (caches defeated) | engine render-only with caches")
    for name, comp, root, picks in work:
        for backend in ("skia", "cairo"):
            d, e = draw_ms(comp, root, backend, picks, args.reps)
            print(f"  {name:<24} {backend:<6} draw {d:7.2f}   engine {e:7.2f}")


if __name__ == "__main__":
    main()
