"""Benchmark: decoding inside a render vs a bare sequential PyAV decode loop, at 1080p.

    .venv/bin/python -m wavyte_conformance.decoding.bench_decode [--frames 120] [--repeat 3]

Reports median ms/frame of (1) the floor: ``for frame in container.decode(...)`` plus
PyAV's BGRA conversion (what any decoder must at least do), (2) the floor without the
conversion, (3) for every installed video decoder, the decode stage of a render of a
composition that is just the video clip (``job.frames(copy=False)`` with stage timings;
setup not timed), and the ratio (3)/(1). Opens per file are printed too. Target: ≤ 1.2.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import av

import wavyte_core as wv
from wavyte_conformance.decoding.media import write_big
from wavyte_core.format.builder import CompositionBuilder
from wavyte_core.plugin.registry import default_registry


def bare_loop(path: Path, convert: bool) -> float:
    t0 = time.perf_counter()
    n = 0
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        for frame in c.decode(s):
            if convert:
                frame.to_ndarray(format="bgra")
            n += 1
    return (time.perf_counter() - t0) * 1000 / n


def in_render(path: Path, decoder: str, frames: int) -> tuple[float, float, int]:
    """(decode ms/frame, end-to-end ms/frame, opens) for a comp showing only the video."""
    b = CompositionBuilder(width=1920, height=1080, fps=30, duration=frames)
    b.track("v").clip("c", asset=b.video("v", path.name, muted=True), start=0, end=frames)
    comp = b.build()
    with wv.open_job(comp, assets_root=path.parent, decoder=decoder, timings=True) as job:
        t0 = time.perf_counter()
        for _ in job.frames(0, frames, copy=False):
            pass
        total = (time.perf_counter() - t0) * 1000 / frames
        dec = job.timer.ms()["decode"] / frames
        opens = job.assets.items[0].session.opens
    return dec, total, opens


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    reg = default_registry()
    decoders = [
        n for n in reg.available("decoder") if "video" in reg.roles["decoder"][n].capabilities
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_big(Path(tmp) / "bench1080.mp4", frames=args.frames)
        floor = statistics.median(bare_loop(path, True) for _ in range(args.repeat))
        floor_raw = statistics.median(bare_loop(path, False) for _ in range(args.repeat))
        print(f"1080p H.264, {args.frames} frames, median of {args.repeat}")
        print(f"  bare PyAV decode loop + BGRA conversion : {floor:6.2f} ms/frame  (ratio 1.00)")
        print(f"  bare PyAV decode loop, no conversion    : {floor_raw:6.2f} ms/frame")
        for name in decoders:
            runs = [in_render(path, name, args.frames) for _ in range(args.repeat)]
            dec = statistics.median(r[0] for r in runs)
            tot = statistics.median(r[1] for r in runs)
            opens = max(r[2] for r in runs)
            print(
                f"  {name:>8}: decode stage in render {dec:6.2f} ms/frame (ratio {dec / floor:4.2f}); "
                f"whole frame {tot:6.2f} ms; opens per file {opens}"
            )


if __name__ == "__main__":
    main()
