"""What x264's cpu-independent mode (`encoder_pyav.X264_PARAMS`) costs: CPU seconds of
encoding the same frames with and without it, alternated, median of the repeats.

    .venv/bin/python scripts/benchmarks/x264_cpu_independent_cost.py [--size 1280x720] [--frames 120]
        [--repeats 5] [--threads 0]

The mode swaps only x264's MB-tree propagation (lookahead) from SIMD to C. CPU time is
``time.process_time`` (every thread of this process), so the figure holds on a loaded
machine; wall time is printed too.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from wavyte_core.output import encoder_pyav
from wavyte_core.output.encoder_pyav import PyAVEncoderSession
from wavyte_core.plugin.roles import EncodeSettings


def frames(w: int, h: int, n: int) -> list[np.ndarray]:
    """A blocky texture panning right with a moving square (motion for the lookahead)."""
    rng = np.random.default_rng(1)
    tex = rng.integers(0, 256, (h // 8 + 1, (w + 4 * n) // 8 + 1, 3), dtype=np.uint8)
    tex = np.kron(tex, np.ones((8, 8, 1), np.uint8))
    out = []
    for i in range(n):
        f = np.empty((h, w, 4), np.uint8)
        f[..., :3] = tex[:h, 4 * i : 4 * i + w]
        y, x = (3 * i) % (h - 64), (w - 64 - 5 * i) % (w - 64)
        f[y : y + 64, x : x + 64, :3] = 240
        f[..., 3] = 255
        out.append(f)
    return out


def encode(
    path: Path, fr: list[np.ndarray], threads: int, independent: bool
) -> tuple[float, float]:
    encoder_pyav.X264_PARAMS = ("cpu-independent=1",) if independent else ()
    h, w = fr[0].shape[:2]
    c0, t0 = time.process_time(), time.perf_counter()
    s = PyAVEncoderSession(path, EncodeSettings(w, h, Fraction(30), threads=threads))
    for f in fr:
        s.write(f)
    s.close()
    return time.process_time() - c0, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--frames", type=int, default=120)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0, help="x264 threads (0: auto)")
    a = ap.parse_args()
    w, h = (int(v) for v in a.size.split("x"))
    fr = frames(w, h, a.frames)
    out = Path(tempfile.mkdtemp()) / "x.mp4"
    cpu: dict[bool, list[float]] = {False: [], True: []}
    wall: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(a.repeats):
        for mode in (False, True):
            c, t = encode(out, fr, a.threads, mode)
            cpu[mode].append(c)
            wall[mode].append(t)
    for mode, name in ((False, "SIMD MB-tree (before)"), (True, "cpu-independent (after)")):
        c, t = statistics.median(cpu[mode]), statistics.median(wall[mode])
        print(f"{name:24s} cpu {c:6.2f} s ({1000 * c / a.frames:5.1f} ms/frame)  wall {t:6.2f} s")
    ratio = statistics.median(cpu[True]) / statistics.median(cpu[False])
    print(
        f"cpu ratio after/before: {ratio:.3f}  ({a.size}, {a.frames} frames, {a.repeats} repeats)"
    )


if __name__ == "__main__":
    main()
