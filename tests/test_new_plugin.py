"""``wavyte new-plugin`` writes a package whose kinds register, render and pass the contract."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from tests.test_plugin_api import doc
from wavyte_core import api
from wavyte_core.cli.main import app
from wavyte_core.plugin.registry import Registry

ROOT = Path(__file__).resolve().parents[1]


def test_new_plugin_skeleton_works(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["new-plugin", "Acme FX", "--dir", str(tmp_path)])
    assert r.exit_code == 0, r.output
    pkg = tmp_path / "acme-fx"
    assert (pkg / "pyproject.toml").read_text().count('acme_fx = "acme_fx.plugin"') == 1
    for f in ("README.md", "acme_fx/plugin.py", "tests/test_acme_fx.py"):
        assert (pkg / f).is_file()
    # a second run refuses to overwrite
    again = CliRunner().invoke(app, ["new-plugin", "acme-fx", "--dir", str(tmp_path)])
    assert again.exit_code == 2 and "already exists" in again.output

    # the generated module registers its kinds and renders
    spec = importlib.util.spec_from_file_location("acme_fx_plugin", pkg / "acme_fx" / "plugin.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    reg = Registry.build([("acme_fx", module)])
    assert {"acme_fx.tint"} <= set(
        reg.effect_kinds()
    ) and "acme_fx.reveal" in reg.transition_kinds()
    d = doc([{"kind": "acme_fx.tint", "params": {"colour": "#0000ff", "amount": 1}}])
    with api.open_job(api.load(json.dumps(d), registry=reg), registry=reg, background=None) as j:
        px = j.frame(0)[10, 12]
    assert px.tolist() == [255, 0, 0, 255]  # BGRA: pure blue

    # and its own tests (the certification contract) pass
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(pkg), str(ROOT)])}
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(pkg / "tests")],
        cwd=pkg,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert " passed" in out.stdout and "failed" not in out.stdout
