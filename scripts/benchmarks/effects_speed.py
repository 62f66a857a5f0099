"""Measure every effects-pack kind at 1080p: median ms per frame of its ``apply``.

    .venv/bin/python scripts/benchmarks/effects_speed.py [--size 1920x1080] [-n 15] [--json out.json]

Each effect runs on a full-canvas, opaque, photographic layer (the worst case the speed target
sets: "≤ 10 ms per effect per frame on a full 1080p layer"); each transition mixes two
such layers at progress 0.5. Setup (LUT table, masks, scratch buffers) happens before
timing, and two warm-up calls precede the N timed ones, as in a render where the same
instance runs every frame. Params are the kinds' defaults (fx.lut: the example LUT).
The machine is shared and timings are noisy: the table shows the median wall time with
its spread (p10–p90) and the median CPU time of this process (all threads), which a busy
machine inflates much less. A report, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from functools import partial
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from wavyte_effects_pack.effects import EFFECTS
from wavyte_effects_pack.transitions import TRANSITIONS

from wavyte_core.plugin import EffectContext, SetupContext, TransitionContext
from wavyte_core.plugin.host import effect_spec, transition_spec

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "plugins" / "effects_pack" / "examples"
#: Non-neutral params for every kind (the examples' values; defaults elsewhere).
PARAMS: dict[str, dict[str, Any]] = {
    "fx.color_adjust": {"brightness": 0.05, "contrast": 1.3, "saturation": 1.6, "hue": -20.0},
    "fx.lut": {"file": "assets/teal_orange.cube"},
    "fx.drop_shadow": {"offset": [8.0, 8.0], "radius": 10.0, "opacity": 0.8},
    "fx.glow": {"radius": 16.0, "colour": "#ffd040", "intensity": 2.0},
    "fx.outline": {"width": 4.0},
    "fx.vignette": {"amount": 0.8, "radius": 0.5, "softness": 0.8},
    "fx.chroma_key": {"key": "#28c828", "tolerance": 0.12, "softness": 0.08, "spill": 0.8},
    "fx.pixelate": {"size": 16},
    "fx.grain": {"amount": 0.25},
    "fx.sharpen": {"amount": 2.5, "radius": 3.0},
    "fx.rounded_corners": {"radius": 48.0},
}
TARGET_MS = 10.0


def layer(w: int, h: int, flip: bool = False) -> np.ndarray:
    """The example photo scaled to (w, h), as an opaque premultiplied BGRA layer."""
    bgr = cv2.imread(str(EXAMPLES / "assets" / "landscape.jpg"), cv2.IMREAD_COLOR)
    bgr = cv2.resize(bgr, (w, h), interpolation=cv2.INTER_CUBIC)
    if flip:
        bgr = np.ascontiguousarray(bgr[:, ::-1])
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)


def _time(fn: Any, n: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (all threads of this process) milliseconds of ``n`` calls."""
    fn()
    fn()
    wall, cpu = [], []
    for _ in range(n):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        wall.append((time.perf_counter() - t0) * 1000.0)
        cpu.append((time.process_time() - c0) * 1000.0)
    return wall, cpu


def _row(name: str, role: str, times: tuple[list[float], list[float]]) -> dict[str, Any]:
    ms, cpu = times
    q = statistics.quantiles(ms, n=10) if len(ms) > 1 else [ms[0]] * 9
    return {
        "kind": name,
        "role": role,
        "median_ms": round(statistics.median(ms), 2),
        "p10_ms": round(q[0], 2),
        "p90_ms": round(q[-1], 2),
        "cpu_ms": round(statistics.median(cpu), 2),
        "runs": len(ms),
    }


def bench(w: int, h: int, n: int) -> list[dict[str, Any]]:
    src = layer(w, h)
    other = layer(w, h, flip=True)
    dst = np.empty_like(src)
    src.flags.writeable = other.flags.writeable = False
    setup = SetupContext((w, h), 30.0, 1234, "params", EXAMPLES)
    # The floor: one plain copy of the layer (memory bandwidth on this machine, now).
    rows = [_row("(copy of the layer)", "floor", _time(lambda: np.copyto(dst, src), n))]
    ctx = EffectContext((0, 0, w, h), (0, 0, w, h), (w, h), 0, 1234)
    for cls in EFFECTS:
        p = effect_spec(cls).param_set.bind(PARAMS.get(cls.name, {}), "params").first
        fx = cls()
        fx.setup(p, setup)
        assert not fx.is_identity(p), cls.name
        rows.append(_row(cls.name, "effect", _time(partial(fx.apply, src, dst, p, ctx), n)))
    tctx = TransitionContext((0, 0, w, h), (w, h), 1234)
    for cls in TRANSITIONS:
        p = transition_spec(cls).param_set.bind({}, "params").first
        tr = cls()
        tr.setup(p, setup)
        run = partial(tr.apply, src, other, dst, 0.5, p, tctx)
        rows.append(_row(cls.name, "transition", _time(run, n)))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", default="1920x1080", help="WIDTHxHEIGHT (default 1920x1080)")
    ap.add_argument("-n", type=int, default=15, help="timed runs per kind (default 15)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    rows = bench(w, h, args.n)
    print(
        f"effects pack, {w}x{h}, median of {args.n}: wall ms/frame (p10-p90) and CPU ms of "
        f"this process (all threads); target <= {TARGET_MS:g} ms"
    )
    for r in rows:
        flag = "" if r["median_ms"] <= TARGET_MS else "  > target"
        print(
            f"  {r['role']:<10} {r['kind']:<20} {r['median_ms']:7.2f}"
            f"   ({r['p10_ms']:.2f}-{r['p90_ms']:.2f})   cpu {r['cpu_ms']:7.2f}{flag}"
        )
    meta = {
        "size": [w, h],
        "runs": args.n,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "opencv": cv2.__version__,
        "cpus": os.cpu_count(),
        "load_avg": os.getloadavg(),
    }
    print(
        f"  (cpus {meta['cpus']}, load average {meta['load_avg'][0]:.1f}, OpenCV {cv2.__version__})"
    )
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "results": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
