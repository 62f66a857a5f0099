"""Region-sized isolation gives the same bytes as canvas-sized isolation: every case of the
catalog (the scenes included) and every installed effect/transition kind's case, rendered
by each installed rasterizer × region-placing compositor with ``layer_regions`` on and
off, frame by frame, byte for byte. (The reference decoder only: decoding does not take
part in where a layer is isolated.)"""

from __future__ import annotations

import numpy as np
import pytest

from wavyte_conformance.combos import Combo, missing_capabilities
from wavyte_conformance.kind_cases import kind_cases
from wavyte_conformance.runner import Runner
from wavyte_core.plugin.registry import default_registry

_REG = default_registry()
_PAIRS = [
    (r, c)
    for r in _REG.available("rasterizer")
    for c in _REG.available("compositor")
    if c in ("numpy", "skia", "cairo")  # the first-party compositors, all region-placing
]


def _differences(a: dict[int, np.ndarray], b: dict[int, np.ndarray]) -> list[str]:
    out = []
    for f in a:
        d = np.abs(a[f].astype(np.int16) - b[f]).max(axis=2)
        if d.any():
            ys, xs = np.nonzero(d)
            out.append(
                f"frame {f}: {int((d > 0).sum())} pixels up to {int(d.max())} levels in "
                f"x {xs.min()}..{xs.max()}, y {ys.min()}..{ys.max()}"
            )
    return out


@pytest.mark.parametrize(("rasterizer", "compositor"), _PAIRS, ids=["+".join(p) for p in _PAIRS])
def test_region_isolation_matches_canvas_isolation(rasterizer: str, compositor: str) -> None:
    runner = Runner(registry=_REG, determinism=False)
    failures: list[str] = []
    checked = 0
    for case in runner.catalog.cases:
        picks = dict(runner.reference_combo(case.roles).picks)
        picks.update(rasterizer=rasterizer, compositor=compositor)
        combo = Combo(tuple(picks.items()))
        if missing_capabilities(runner.registry, combo, case.requires):
            continue
        regions = runner._render(case, combo, case.frames)
        canvas = runner._render(case, combo, case.frames, layer_regions=False)
        failures += [f"{case.id} {d}" for d in _differences(regions, canvas)]
        checked += 1
    for kc in kind_cases(runner.registry):
        combo = Combo((("rasterizer", rasterizer), ("compositor", compositor)))
        regions = runner._kind_render(kc, combo)
        canvas = runner._kind_render(kc, combo, layer_regions=False)
        failures += [f"{kc.id} {d}" for d in _differences(regions, canvas)]
        checked += 1
    assert checked >= len(runner.catalog.cases)  # the cases did run
    assert not failures, "region isolation differs from canvas isolation:\n" + "\n".join(failures)
