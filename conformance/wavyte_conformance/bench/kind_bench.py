"""``wavyte bench --kind NAME``: one installed effect or transition kind timed on a full
1080p layer, against the per-kind budget (10 ms per application: a 30 fps render has
33 ms per frame for everything, and a layer with an animated or frame-varying effect
pays its kind every frame).

Each of the kind's declared examples (or its defaults) is measured separately: an effect
on an opaque 1920×1080 layer (its content the whole canvas), a transition at progress 0.5
between two such layers. The figure is the median of ``repeats`` timed applications after
one untimed warm-up, through the core's own pass objects (what a render runs). Built-in
kinds that fold into the layer's opacity or transform have no pass to time.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["BUDGET_MS", "KindTiming", "bench_kind"]

#: The per-application budget of an effect or transition kind on a 1080p layer.
BUDGET_MS = 10.0
SIZE = (1920, 1080)


@dataclass(slots=True)
class KindTiming:
    kind: str
    role: str
    params: dict[str, Any]
    median_ms: float | None  # None: nothing to time (folds into opacity/transform)
    runs_ms: list[float] = field(default_factory=list)
    note: str = ""

    def over(self, budget_ms: float = BUDGET_MS) -> bool:
        return self.median_ms is not None and self.median_ms > budget_ms

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "role": self.role,
            "params": self.params,
            "median_ms": self.median_ms,
            "runs_ms": self.runs_ms,
            "note": self.note,
        }


def _layer(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    w, h = SIZE
    x = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    x[..., 3] = 255
    return x


def _time(fn: Any, repeats: int) -> list[float]:
    fn()  # warm-up: first-call caches, page faults
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000.0)
    return runs


def _effect_pass(spec: Any, params: dict[str, Any]) -> Any:
    from wavyte_core.plugin import SetupContext
    from wavyte_core.plugin.host import bind_effect

    if spec.effect is not None:
        ctx = SetupContext(SIZE, 30.0, 1, "params", None)
        op = bind_effect(spec, params, "params", ctx)
        return op.pixel_at(0) if op.pixel_at is not None else op.pixel
    return spec.parse(params).pixel


def bench_kind(name: str, registry: Any = None, repeats: int = 5) -> list[KindTiming]:
    """Time every example of the installed kind ``name`` (any accepted spelling).
    ``KeyError`` when no such kind is installed."""
    from wavyte_core.plugin.registry import default_registry
    from wavyte_core.plugin.roles import Surface
    from wavyte_core.render.compositor_numpy import NumpyCompositor

    reg = registry or default_registry()
    key = name.strip().lower()
    comp = NumpyCompositor()
    a, b = _layer(1), _layer(2)
    w, h = SIZE
    out: list[KindTiming] = []
    if key in reg.effects:
        spec = reg.effects[key]
        for params in [dict(e) for e in spec.examples] or [{}]:
            fx = _effect_pass(spec, params)
            if fx is None:
                note = "no pixel pass for these params (is_identity, or folds into opacity)"
                out.append(KindTiming(spec.name, "effect", params, None, note=note))
                continue
            src = Surface(a)
            src.bounds = (0, 0, w, h)
            dst = Surface.alloc(w, h)
            runs = _time(lambda fx=fx, src=src, dst=dst: fx.apply(comp, src, dst), repeats)
            out.append(KindTiming(spec.name, "effect", params, statistics.median(runs), runs))
        return out
    if key in reg.transitions:
        from wavyte_core.plugin import SetupContext
        from wavyte_core.plugin.host import bind_transition

        spec = reg.transitions[key]
        for params in [dict(e) for e in spec.examples] or [{}]:
            if spec.transition is not None:
                ctx = SetupContext(SIZE, 30.0, 1, "params", None)
                tr = bind_transition(spec, params, "params", ctx)
            else:
                tr = spec.parse(params)
            sa, sb = Surface(a), Surface(b)
            sa.bounds = sb.bounds = (0, 0, w, h)
            dst = Surface.alloc(w, h)
            runs = _time(
                lambda tr=tr, sa=sa, sb=sb, dst=dst: tr.composite(comp, dst, sa, sb, 0.5),
                repeats,
            )
            out.append(KindTiming(spec.name, "transition", params, statistics.median(runs), runs))
        return out
    raise KeyError(name)
