"""Blend modes and track mattes on a full 1920×1080 layer: median ms per call.

    .venv/bin/python scripts/benchmarks/blend_modes_speed.py [--repeat 15] [--markdown]

For each blend mode, each installed compositor blends a full-canvas layer (a photo-like
gradient, opaque except a translucent band, so every kernel path runs) onto an opaque frame;
the destination is restored from a copy between calls (outside the timing). Two more rows time
source-over at full opacity of a sparse layer (24 stickers) and of a half-opaque one. The
matte rows time `MatteKernel.apply` of a full-canvas matte on a full-canvas layer. Setup is never timed;
figures are medians of CPU time with the spread (p10–p90): OpenCV and the C kernels' row
bands are told to use one thread, so CPU time is single-core time. It reports; it is not a test. The numpy compositor
and the mattes use the optional C kernels when built; ``WAVYTE_BLEND_NATIVE=0`` times the
numpy + OpenCV route instead (same bytes).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from wavyte_core.plugin.registry import default_registry
from wavyte_core.plugin.roles import Surface
from wavyte_core.render.blend_modes import BLEND_MODES
from wavyte_core.render.matte import MATTE_MODES, MatteKernel

W, H = 1920, 1080


def _photo(seed: int, translucent: bool) -> np.ndarray:
    yy, xx = np.mgrid[0:H, 0:W]
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 40, (H, W))
    bgr = np.stack(
        [(xx * 255 // W + noise) % 256, (yy * 255 // H) % 256, ((xx + yy) // 9 + noise) % 256], -1
    )
    a = np.full((H, W), 255)
    if translucent:
        a[H // 3 : H // 2] = 128 + (xx[H // 3 : H // 2] % 128)
    c = (bgr * a[..., None] + 127) // 255
    return np.ascontiguousarray(np.concatenate([c, a[..., None]], -1).astype(np.uint8))


def _stickers() -> np.ndarray:
    """24 stickers of 80×80 (premultiplied, alpha 200) on a transparent 1080p layer."""
    out = np.zeros((H, W, 4), np.uint8)
    rng = np.random.default_rng(4)
    for _ in range(24):
        y, x = int(rng.integers(0, H - 80)), int(rng.integers(0, W - 80))
        out[y : y + 80, x : x + 80] = (150, 90, 200, 200)
    return out


def _half() -> np.ndarray:
    """The right half of the frame an opaque photo, the left half transparent."""
    out = _photo(5, False)
    out[:, : W // 2] = 0
    return out


def _time(fn, before, repeat: int) -> tuple[float, float, float]:
    """Median and p10–p90 of the CPU time of this process (ms): on a shared, loaded
    machine the wall time measures the other processes as much as this one."""
    fn()  # warm: scratch buffers, lazy imports
    out = []
    for _ in range(repeat):
        before()
        t0 = time.process_time()
        fn()
        out.append((time.process_time() - t0) * 1000)
    q = statistics.quantiles(out, n=10)
    return statistics.median(out), q[0], q[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    from wavyte_core.render.blur import opencv, set_blur_threads

    opencv().setNumThreads(1)
    set_blur_threads(1)  # the C kernels' row bands, too: single-core figures
    reg = default_registry()
    names = [c for c in ("numpy", "skia", "cairo") if c in reg.available("compositor")]
    comps = {n: reg.create("compositor", n) for n in names}
    bottom = _photo(1, False)
    top = _photo(2, True)
    dst = Surface(bottom.copy())
    src = Surface(top)
    src.bounds = (0, 0, W, H)

    def restore() -> None:
        np.copyto(dst.buf, bottom)
        for n in names:
            inv = getattr(comps[n], "invalidate", None)
            if inv:
                inv(dst)

    rows = []
    for mode in BLEND_MODES:
        cells = []
        for n in names:

            def run(c=comps[n], mode=mode) -> None:
                c.blend(dst, src, 0.9, mode)

            cells.append(_time(run, restore, args.repeat))
        rows.append((mode, cells))
    # source-over at full opacity of layers that are not dense: what the whole-run skips
    # of the C kernel are for (a sticker layer; half a frame covered by an opaque clip)
    for label, pixels in (("Normal, 24 stickers", _stickers()), ("Normal, half opaque", _half())):
        layer_src = Surface(pixels)
        layer_src.bounds = (0, 0, W, H)
        cells = []
        for n in names:

            def run_over(c=comps[n], s=layer_src) -> None:
                c.over(dst, s, 1.0)

            cells.append(_time(run_over, restore, args.repeat))
        rows.append((label, cells))
    kernel = MatteKernel()
    layer = Surface(top.copy())
    matte = Surface(_photo(3, True))
    mrows = []
    for mode in MATTE_MODES:

        def run_m(mode=mode) -> None:
            kernel.apply(layer, matte, mode)

        mrows.append((mode, _time(run_m, lambda: np.copyto(layer.buf, top), args.repeat)))

    def fmt(t: tuple[float, float, float]) -> str:
        return f"{t[0]:.1f} ({t[1]:.1f}–{t[2]:.1f})"

    if args.markdown:
        print("| mode | " + " | ".join(f"{n} ms" for n in names) + " |")
        print("|---|" + "---:|" * len(names))
        for mode, cells in rows:
            print(f"| {mode} | " + " | ".join(fmt(c) for c in cells) + " |")
        print()
        print("| matte mode | ms (all compositors: core numpy) |")
        print("|---|---:|")
        for mode, t in mrows:
            print(f"| {mode} | {fmt(t)} |")
    else:
        print("mode".ljust(12) + "".join(n.rjust(22) for n in names))
        for mode, cells in rows:
            print(mode.ljust(12) + "".join(fmt(c).rjust(22) for c in cells))
        for mode, t in mrows:
            print(("matte " + mode).ljust(20) + fmt(t).rjust(22))


if __name__ == "__main__":
    main()
