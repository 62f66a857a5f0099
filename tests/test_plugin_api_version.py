"""The plugin API version: a plugin declares the range it needs (``WAVYTE_API``); one
whose range excludes this wavyte is reported by ``wavyte plugins`` and not loaded, and a
composition using its kinds fails at load with that reason in the same line."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.test_plugin_api import doc
from wavyte_core import api
from wavyte_core.errors import CompositionError
from wavyte_core.plugin import API_VERSION, Effect, Param, hookimpl
from wavyte_core.plugin.api_version import api_mismatch, parse_api_range
from wavyte_core.plugin.registry import Registry


class Fx(Effect):
    name = "future.fx"
    params = (Param("amount", "number", default=1.0, min=0, max=1),)

    def apply(self, src: np.ndarray, dst: np.ndarray, p: object, ctx: object) -> None:
        dst[:] = src


def plugin(wanted: object) -> SimpleNamespace:
    @hookimpl
    def wavyte_register_effects() -> list:
        return [Fx]

    ns = SimpleNamespace(wavyte_register_effects=wavyte_register_effects)
    if wanted is not None:
        ns.WAVYTE_API = wanted
    return ns


def test_the_api_declares_its_version() -> None:
    major, minor = (int(x) for x in API_VERSION.split("."))
    assert major >= 1 and minor >= 0


@pytest.mark.parametrize(
    ("spec", "ok"),
    [
        (">=1.0,<2", True),
        ("~=1.0", True),
        ("1.0", True),
        (">=1", True),
        (">=2.0", False),
        ("<1", False),
        ("~=0.9", False),
        (">=1.0,!=1.0", False),
    ],
)
def test_ranges(spec: str, ok: bool) -> None:
    assert (api_mismatch(spec, "1.0") is None) is ok


@pytest.mark.parametrize("bad", ["", "banana", ">=1.x", 1.0])
def test_unreadable_ranges_are_reported(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_api_range(bad)  # type: ignore[arg-type]
    assert "WAVYTE_API" in (api_mismatch(bad) or "")


def test_compatible_and_undeclared_plugins_load() -> None:
    for wanted in (None, f">={API_VERSION},<{int(API_VERSION.split('.')[0]) + 1}"):
        reg = Registry.build([("p", plugin(wanted))], entrypoints=False)
        assert "future.fx" in reg.effect_kinds()
        assert not [p for p in reg.plugins if p.error]


def test_incompatible_plugin_is_broken_and_not_loaded() -> None:
    reg = Registry.build([("future", plugin(">=2.0"))], entrypoints=False)
    (info,) = [p for p in reg.plugins if p.name == "future"]
    assert "needs wavyte plugin API >=2.0" in info.error and API_VERSION in info.error
    assert "future.fx" not in reg.effect_kinds()
    d = doc([{"kind": "future.fx", "params": {}}])
    with pytest.raises(CompositionError) as e:
        api.load(json.dumps(d), registry=reg)
    msg = str(e.value)
    assert "unknown effect kind 'future.fx'" in msg
    assert "not loaded: plugin 'future' (needs wavyte plugin API >=2.0" in msg
    assert "\n" not in msg


def test_wavyte_plugins_shows_the_mismatch(monkeypatch: pytest.MonkeyPatch) -> None:
    import wavyte_core.plugin.registry as registry_mod
    from wavyte_core.cli.main import app

    reg = Registry.build([("future", plugin(">=2.0"))], entrypoints=False)
    monkeypatch.setattr(registry_mod, "default_registry", lambda: reg)
    res = CliRunner().invoke(app, ["plugins"], env={"COLUMNS": "250"})
    assert res.exit_code == 0, res.output
    assert f"plugin API {API_VERSION}" in res.output
    assert "broken: needs wavyte plugin API >=2.0" in res.output
    assert "future.fx" not in res.output.split("effects:")[1]


def test_skeleton_pins_a_compatible_range() -> None:
    from wavyte_core.plugin import skeleton

    text = skeleton._PLUGIN
    line = next(ln for ln in text.splitlines() if ln.startswith("WAVYTE_API"))
    spec = line.split("=", 1)[1].strip().strip('"')
    assert api_mismatch(spec) is None
