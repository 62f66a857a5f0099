"""How long another thread waits for the GIL while the render thread draws.

    .venv/bin/python scripts/benchmarks/gil_latency.py [examples/demo.json] [--intervals 5 1 0.2]

Why: in `wavyte render` the encoder runs on its own thread, and PyAV hands the GIL back
and forth around every GIL-free section (convert, send, receive, mux). skia-python holds
the GIL for the whole of each draw call, so the encoder thread waits for the render
thread's next switch point. This renders every frame of a composition (no encoder) while
a probe thread sleeps 0.2 ms in a loop, and prints how late the probe wakes up: that is
the wait the encoder thread sees, for each GIL switch interval (ms) given.

A 1 ms interval during `render_to_file` cut that wait (p99 ≈ 10–30 ms → 2–3 ms on the
demo) but was reverted: its effect on the loop's wall time was not measurable on the
shared machine, and segmented renders (tests/test_segments.py) produced MP4s that were not
byte-identical in some runs under load while it was in place (same frame hashes, so a
timing dependence on the encoding side that a shorter GIL slice makes more likely).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

import numpy as np

import wavyte_core as wv


def main() -> None:
    ap = argparse.ArgumentParser(description="GIL wait of a second thread while rendering.")
    ap.add_argument("comp", nargs="?", type=Path, default=Path("examples/demo.json"))
    ap.add_argument("--intervals", nargs="+", type=float, default=[5.0, 1.0, 0.2])
    a = ap.parse_args()
    path = a.comp.resolve()
    comp = wv.load(path)
    old = sys.getswitchinterval()
    with wv.open_job(comp, assets_root=path.parent) as job:
        for _ in job.frames(copy=False):  # warm up: caches, page faults
            pass
        for ms in a.intervals:
            sys.setswitchinterval(ms / 1000)
            stop = threading.Event()
            late: list[float] = []

            def probe(stop: threading.Event = stop, late: list[float] = late) -> None:
                while not stop.is_set():
                    t = time.perf_counter()
                    time.sleep(0.0002)
                    late.append(time.perf_counter() - t - 0.0002)

            th = threading.Thread(target=probe)
            th.start()
            t0 = time.perf_counter()
            for _ in job.frames(copy=False):
                pass
            dt = time.perf_counter() - t0
            stop.set()
            th.join()
            w = np.array(late) * 1000
            print(
                f"switch interval {ms:g} ms: frames {dt:.2f} s; probe wake-up delay ms "
                f"p50 {np.median(w):.2f} p90 {np.percentile(w, 90):.2f} "
                f"p99 {np.percentile(w, 99):.2f} max {w.max():.2f}",
                flush=True,
            )
    sys.setswitchinterval(old)


if __name__ == "__main__":
    main()
