"""Time the exact §4.6 blur (`wavyte_core.render.blur.blur_q16`) on a full canvas.

    .venv/bin/python scripts/benchmarks/blur_speed.py [--radius 40] [--repeats 20] [--threads N]

Prints the median wall and CPU milliseconds per blur at 1280×720 and 1920×1080, for a
translucent layer (random BGRA: four channels blurred) and an opaque one (alpha 255
everywhere, a photo or video filling the canvas: three channels). The cost does not depend
on the content otherwise. ``--threads`` overrides the blur's threads (default: the
process's CPUs). The machine may be shared: the CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

import numpy as np

from wavyte_core.render.blur import BlurScratch, blur_q16, blur_threads, set_blur_threads


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--radius", type=int, default=40)
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    if a.threads:
        set_blur_threads(a.threads)
    rng = np.random.default_rng(0)
    for (w, h), opaque in itertools.product(((1280, 720), (1920, 1080)), (False, True)):
        src = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
        if opaque:
            src[..., 3] = 255
        dst = np.empty_like(src)
        scratch = BlurScratch()
        blur_q16(src, dst, a.radius, a.radius / 2, scratch)  # warm: buffers, OpenCV import
        walls, cpus = [], []
        for _ in range(a.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            blur_q16(src, dst, a.radius, a.radius / 2, scratch)
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        print(
            f"blur r{a.radius} {w}x{h} {'opaque' if opaque else 'translucent'}, "
            f"{blur_threads()} threads: median wall {1000 * statistics.median(walls):.2f} ms, "
            f"cpu {1000 * statistics.median(cpus):.2f} ms, min wall {1000 * min(walls):.2f} ms"
        )


if __name__ == "__main__":
    main()
