"""``wavyte bench --kind``: a kind timed on a full 1080p layer, flagged above the budget.
(Only the certain direction is asserted: a kind that sleeps 30 ms per call is over a
10 ms budget on any machine; nothing asserts that something is fast.)"""

from __future__ import annotations

import time

import numpy as np
import pytest
from typer.testing import CliRunner

import wavyte_core.plugin.registry as registry_mod
from wavyte_conformance.bench.kind_bench import SIZE, bench_kind
from wavyte_core.cli.main import app
from wavyte_core.plugin import Effect, Param, Transition, hookimpl
from wavyte_core.plugin.registry import Registry


class Slow(Effect):
    name = "slow.sepia"
    params = (Param("amount", "number", default=1.0, min=0, max=1),)
    examples = ({"amount": 0.5}, {"amount": 1.0})
    calls: list[tuple] = []

    def apply(self, src: np.ndarray, dst: np.ndarray, p: object, ctx: object) -> None:
        type(self).calls.append(src.shape)
        time.sleep(0.03)
        dst[:] = src


class SlowWipe(Transition):
    name = "slow.wipe"

    def apply(self, a, b, dst, t, p, ctx) -> None:  # noqa: ANN001
        time.sleep(0.03)
        dst[:] = b if t >= 0.5 else a


class Plug:
    @hookimpl
    def wavyte_register_effects(self) -> list:
        return [Slow]

    @hookimpl
    def wavyte_register_transitions(self) -> list:
        return [SlowWipe]


@pytest.fixture
def reg(monkeypatch: pytest.MonkeyPatch) -> Registry:
    r = Registry.build([("slow", Plug())])
    monkeypatch.setattr(registry_mod, "default_registry", lambda: r)
    return r


def test_each_example_is_timed_on_a_full_1080p_layer(reg: Registry) -> None:
    Slow.calls.clear()
    timings = bench_kind("slow.sepia", reg, repeats=3)
    assert [t.params for t in timings] == [{"amount": 0.5}, {"amount": 1.0}]
    assert Slow.calls[0] == (SIZE[1], SIZE[0], 4)
    assert len(Slow.calls) == 2 * (1 + 3)  # one warm-up and three timed runs each
    assert all(t.over(10.0) and t.median_ms >= 30.0 for t in timings)


def test_cli_flags_kinds_over_budget(reg: Registry) -> None:
    res = CliRunner().invoke(app, ["bench", "--kind", "slow.wipe", "--kind", "opacity_mul"])
    assert res.exit_code == 0, res.output
    line = next(ln for ln in res.output.splitlines() if ln.startswith("slow.wipe"))
    assert "per 1920x1080 layer" in line and "OVER BUDGET (10 ms)" in line
    assert "opacity_mul (effect)" in res.output and "no pixel pass" in res.output
    assert "over the 10 ms budget" in res.output


def test_unknown_kind_is_one_error_line(reg: Registry) -> None:
    res = CliRunner().invoke(app, ["bench", "--kind", "nope.kind"])
    assert res.exit_code == 2
    assert "error: --kind 'nope.kind': no such effect or transition kind" in res.output
