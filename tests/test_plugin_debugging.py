"""Debugging a plugin: ``--debug`` / ``WAVYTE_DEBUG=1`` print the traceback of a failing
plugin call (one line without); ``wavyte eval --params`` shows the params a kind sees at a
frame (defaults filled in, animations sampled)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import wavyte_core.plugin.registry as registry_mod
import wavyte_core.run.job as job_mod
from tests.test_plugin_api import doc, kf
from wavyte_core.cli.main import app
from wavyte_core.plugin import Effect, Param, hookimpl
from wavyte_core.plugin.registry import Registry


class Broken(Effect):
    name = "dbg.broken"
    params = (
        Param("amount", "number", default=0.5, min=0, max=1),
        Param("tint", "colour", default="#102030"),
    )

    def apply(self, src: np.ndarray, dst: np.ndarray, p: object, ctx: object) -> None:
        dst[:] = src
        _deep_helper_that_fails()


def _deep_helper_that_fails() -> None:
    raise ZeroDivisionError("plugin bug here")


class Plug:
    @hookimpl
    def wavyte_register_effects(self) -> list:
        return [Broken]


@pytest.fixture
def reg(monkeypatch: pytest.MonkeyPatch) -> Registry:
    r = Registry.build([("dbg", Plug())])
    monkeypatch.setattr(registry_mod, "default_registry", lambda: r)
    monkeypatch.setattr(job_mod, "default_registry", lambda: r)
    monkeypatch.setenv("WAVYTE_DEBUG", "0")  # restored after the test (--debug sets it)
    return r


def _comp(tmp_path: Path, params: dict) -> Path:
    p = tmp_path / "c.json"
    p.write_text(json.dumps(doc([{"kind": "dbg.broken", "params": params}], frames=10)))
    return p


def test_failing_plugin_is_one_line_without_debug(reg: Registry, tmp_path: Path) -> None:
    comp = _comp(tmp_path, {})
    res = CliRunner().invoke(app, ["frame", str(comp), "-f", "0", "-o", str(tmp_path / "o.png")])
    assert res.exit_code == 2
    assert "dbg.broken: apply at clip frame 0 failed: ZeroDivisionError" in res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_prints_the_plugin_traceback(
    reg: Registry, tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    comp = _comp(tmp_path, {})
    args = ["frame", str(comp), "-f", "0", "-o", str(tmp_path / "o.png")]
    if how == "flag":
        args = ["--debug", *args]
    else:
        monkeypatch.setenv("WAVYTE_DEBUG", "1")
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2
    assert "Traceback" in res.output
    assert "_deep_helper_that_fails" in res.output and "plugin bug here" in res.output
    assert res.output.rstrip().splitlines()[-1].startswith("error: ")


def test_eval_params_shows_sampled_values(reg: Registry, tmp_path: Path) -> None:
    comp = _comp(tmp_path, {"amount": kf((0, 0.0), (8, 1.0))})
    res = CliRunner().invoke(app, ["eval", str(comp), "-f", "4", "--params"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    (clip,) = out["clips"]
    assert clip["local_frame"] == 4
    (fx,) = clip["effects"]
    assert fx["kind"] == "dbg.broken"
    assert fx["params"]["amount"] == pytest.approx(0.5)
    assert fx["params"]["tint"] == [16, 32, 48, 255]  # the default, filled in
