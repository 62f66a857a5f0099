"""``wavyte effects``, ``wavyte schema`` and ``wavyte validate`` with plugin kinds installed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.test_plugin_api import Plug, doc
from wavyte_core.cli.main import app
from wavyte_core.plugin import registry
from wavyte_core.plugin.registry import Registry
from wavyte_core.run import job

runner = CliRunner()


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Registry:
    """The test kinds as if installed through an entry point."""
    reg = Registry.build([("testfx", Plug())])
    for mod in (registry, job):
        monkeypatch.setattr(mod, "default_registry", lambda: reg)
    return reg


def test_effects_table_lists_installed_kinds_with_params(installed: Registry) -> None:
    r = runner.invoke(app, ["effects"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    for text in ("test.level", "acme.reveal", "blur", "wipe", "level: int = 0 [0..255]", "testfx"):
        assert text in r.output


def test_effects_json_and_markdown(installed: Registry, tmp_path: Path) -> None:
    r = runner.invoke(app, ["effects", "--json"])
    kinds = {k["kind"]: k for k in json.loads(r.output)}
    assert kinds["test.level"]["params"][0] == {
        "name": "level",
        "type": "int",
        "required": False,
        "default": 0,
        "min": 0,
        "max": 255,
        "unit": "",
        "animatable": True,
        "description": "",
    }
    assert kinds["blur"]["builtin"] and not kinds["acme.tint"]["builtin"]
    assert kinds["acme.reveal"]["role"] == "transition"
    out = tmp_path / "kinds.md"
    r = runner.invoke(app, ["effects", "--markdown", "-o", str(out)])
    md = out.read_text()
    assert r.exit_code == 0 and "## `acme.tint` (effect)" in md
    assert "| `amount` | number | 0.5 | 0..1 |" in md


def test_schema_command_writes_the_merged_schema(installed: Registry, tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    r = runner.invoke(app, ["schema", "-o", str(out)])
    assert r.exit_code == 0, r.output
    s = json.loads(out.read_text())
    assert "test.level" in s["$defs"]["EffectInstance"]["x-wavyte-kinds"]


def test_validate_reports_a_bad_plugin_param_in_one_line(
    installed: Registry, tmp_path: Path
) -> None:
    p = tmp_path / "c.json"
    p.write_text(json.dumps(doc([{"kind": "test.level", "params": {"level": -2}}])))
    r = runner.invoke(app, ["validate", str(p)])
    assert r.exit_code == 2
    assert r.output.strip().splitlines() == [
        "error: tracks[0].clips[0].effects[0].params.level: param 'level' must be >= 0, got -2"
    ]
    p.write_text(json.dumps(doc([{"kind": "test.level", "params": {"level": 2}}])))
    assert runner.invoke(app, ["validate", str(p)]).exit_code == 0


def test_effects_kind_shows_one_kind_in_full(installed: Registry) -> None:
    r = runner.invoke(app, ["effects", "Acme.Tint"], env={"COLUMNS": "160"})
    assert r.exit_code == 0, r.output
    assert "acme.tint (effect)" in r.output and "amount" in r.output
    r = runner.invoke(app, ["effects", "blur", "--json"])
    assert json.loads(r.output)["examples"] == [{"radius_px": 4}, {"radius_px": 8, "sigma": 2.5}]
    r = runner.invoke(app, ["effects", "acme.nope"])
    assert r.exit_code == 2 and "unknown effect or transition kind 'acme.nope'" in r.output
