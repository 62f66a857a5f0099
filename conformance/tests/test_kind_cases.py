"""Installed effect and transition kinds in the conformance matrix (section ``effects``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from wavyte_conformance.catalog import load_catalog
from wavyte_conformance.kind_cases import kind_cases
from wavyte_conformance.report import build_matrix
from wavyte_conformance.runner import Runner
from wavyte_core.plugin import Effect, Param, Transition
from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.registry import Registry


class Darken(Effect):
    name = "kc.darken"
    params = (Param("k", "number", default=0.5, min=0, max=1),)
    examples = ({"k": 0.25},)

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Any, ctx: Any) -> None:
        dst[:] = src
        dst[..., :3] = (src[..., :3] * p.k).astype(np.uint8)


class Broken(Effect):
    name = "kc.broken"

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Any, ctx: Any) -> None:
        raise RuntimeError("boom")


class Cut(Transition):
    name = "kc.cut"

    def apply(self, a, b, dst, t, p, ctx) -> None:  # noqa: ANN001
        dst[:] = b if t >= 0.5 else a


class Plug:
    @hookimpl
    def wavyte_register_effects(self) -> list:
        return [Darken, Broken]

    @hookimpl
    def wavyte_register_transitions(self) -> list:
        return [Cut]


def test_installed_kinds_join_the_matrix(tmp_path: Path) -> None:
    reg = Registry.build([("kc", Plug())])
    ids = [k.id for k in kind_cases(reg)]
    assert {"effect/blur", "effect/kc.darken", "transition/kc.cut", "transition/wipe"} <= set(ids)
    runner = Runner(
        load_catalog().select("effect/kc.*,transition/kc.*"),
        reg,
        media=tmp_path,
        determinism=False,
        only={"rasterizer": ["skia"], "compositor": ["numpy", "skia"]},
    )
    items = runner.items()
    assert {i.section for i in items} == {"effects"} and len(items) == 6
    results = [r for i in items for r in runner.run_item(i)]
    by_case = {(r.case, r.column): r.status for r in results}
    assert by_case[("effect/kc.darken", "skia+skia")] == "pass"
    assert by_case[("transition/kc.cut", "skia+numpy")] == "pass"
    assert by_case[("effect/kc.broken", "skia+skia")] == "error"
    assert "boom" in next(r.reason for r in results if r.case == "effect/kc.broken")
    m = build_matrix(results)
    assert "effect/kc.darken [plugin=kc]" in m.cells["effects"]
