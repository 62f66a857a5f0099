"""What the plugin API costs on top of a plugin's own ``apply``.

    .venv/bin/python scripts/benchmarks/plugin_overhead.py [--repeats 200]

Reports medians (the machine may be shared; CPU time is the steadier figure):

- per-frame evaluate + plan of a 1080p composition with one clip whose plugin effect has
  (a) no effect, (b) static params, (c) a keyframed param (sampled each frame);
- one effect pass at 1920×1080 through the host (`PluginEffectPass.apply`: region, views,
  context) against calling the same numpy ``apply`` directly on the arrays;
- load-time costs: registering the kinds (declarations checked) and binding one instance,
  and building the merged JSON Schema.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from wavyte_core import api
from wavyte_core.plugin import Effect, EffectContext, Param
from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.host import PluginEffectPass
from wavyte_core.plugin.registry import Registry
from wavyte_core.plugin.roles import Surface
from wavyte_core.plugin.schema import composition_schema


class Gain(Effect):
    name = "bench.gain"
    params = (Param("k", "number", default=0.5, min=0, max=1),)

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Any, ctx: Any) -> None:
        np.multiply(src, np.float32(p.k), out=dst, casting="unsafe")


class Noop(Gain):
    name = "bench.noop"

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Any, ctx: Any) -> None:
        pass


class Plug:
    @hookimpl
    def wavyte_register_effects(self) -> list:
        return [Gain]


def median_ms(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    fn()
    walls, cpus = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return 1000 * statistics.median(walls), 1000 * statistics.median(cpus)


def comp(effects: list) -> str:
    kf = {"Keyframes": {"keys": [{"frame": 0, "value": 1.0, "ease": "Linear"}], "mode": "Hold"}}
    tr = {
        "Keyframes": {
            "keys": [
                {
                    "frame": 0,
                    "value": {
                        "translate": {"x": 100.0, "y": 100.0},
                        "rotation_rad": 0.0,
                        "scale": {"x": 1.0, "y": 1.0},
                        "anchor": {"x": 0.0, "y": 0.0},
                    },
                    "ease": "Linear",
                }
            ],
            "mode": "Hold",
        }
    }
    clip = {
        "id": "c",
        "asset": "r",
        "range": {"start": 0, "end": 300},
        "props": {"transform": tr, "opacity": kf, "blend": "Normal"},
        "z_offset": 0,
        "effects": effects,
    }
    return json.dumps(
        {
            "fps": {"num": 30, "den": 1},
            "canvas": {"width": 1920, "height": 1080},
            "duration": 300,
            "assets": {"r": {"Path": {"svg_path_d": "M0,0 H800 V600 H0 Z"}}},
            "tracks": [{"name": "t", "z_base": 0, "clips": [clip]}],
            "seed": 1,
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=200)
    n = ap.parse_args().repeats
    t0 = time.perf_counter()
    reg = Registry.build([("bench", Plug())])
    print(f"registry with the kind: {1000 * (time.perf_counter() - t0):.1f} ms (once per process)")
    animated = {
        "Keyframes": {
            "keys": [
                {"frame": 0, "value": 0.0, "ease": "Linear"},
                {"frame": 299, "value": 1.0, "ease": "InOutCubic"},
            ],
            "mode": "Linear",
        }
    }
    cases = {
        "no effect": [],
        "static params": [{"kind": "bench.gain", "params": {"k": 0.5}}],
        "keyframed param": [{"kind": "bench.gain", "params": {"k": animated}}],
    }
    for label, effects in cases.items():
        c = api.load(comp(effects), registry=reg)
        with api.open_job(c, registry=reg) as job:
            ev, plan = job.evaluator.evaluate, job.renderer.plan
            frame = [0]

            def step(ev: Any = ev, plan: Any = plan, frame: list = frame) -> None:
                frame[0] = (frame[0] + 1) % 300
                plan(ev(frame[0]))

            wall, cpu = median_ms(step, n * 10)
        print(f"evaluate+plan, {label}: {1000 * wall:.1f} µs/frame (cpu {1000 * cpu:.1f} µs)")

    rng = np.random.default_rng(0)
    h, w = 1080, 1920
    src = Surface(rng.integers(0, 256, (h, w, 4), dtype=np.uint8))
    src.bounds = (0, 0, w, h)
    dst = Surface.alloc(w, h)
    fx = Gain()
    p = reg.effects["bench.gain"].param_set.bind({"k": 0.5}, "params").first
    pas = PluginEffectPass(fx, p, fx.margins(p), 0, 0, (w, h))
    host_w, host_c = median_ms(lambda: pas.apply(None, src, dst), max(n // 10, 10))  # type: ignore[arg-type]
    ctx = EffectContext((0, 0, w, h), (0, 0, w, h), (w, h), 0, 0)
    direct_w, direct_c = median_ms(lambda: fx.apply(src.buf, dst.buf, p, ctx), max(n // 10, 10))
    print(
        f"1080p pass through the host: {host_w:.2f} ms (cpu {host_c:.2f}); "
        f"direct apply: {direct_w:.2f} ms (cpu {direct_c:.2f})"
    )
    noop = Noop()
    npas = PluginEffectPass(noop, p, noop.margins(p), 0, 0, (w, h))
    nw, nc = median_ms(lambda: npas.apply(None, src, dst), n * 10)  # type: ignore[arg-type]
    print(f"host cost of one pass (no-op apply): {1000 * nw:.1f} µs (cpu {1000 * nc:.1f} µs)")
    ps = reg.effects["bench.gain"].param_set
    bw, _ = median_ms(lambda: ps.bind({"k": animated}, "params"), n)
    sw, _ = median_ms(lambda: composition_schema(reg), max(n // 10, 10))
    print(f"bind one animated instance at load: {1000 * bw:.0f} µs; merged schema: {sw:.1f} ms")


if __name__ == "__main__":
    main()
