"""The example third-party plugin (examples/plugin_example), the way a stranger uses it:
``pip install`` it into a fresh virtual environment, see it in ``wavyte effects``, render
its demo with ``wavyte render``, get one clear error line for a bad param, and run its
certification tests.

The fresh venv has no pip and no packages of its own: a ``.pth`` file makes the test
venv's site-packages (wavyte, numpy, skia, PyAV...) visible, so nothing but the plugin is
installed and the test stays fast. The plugin is installed with this venv's pip
(``--python``), non-editable, so it really is built and copied.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import av
import numpy as np
import pytest

from wavyte_conformance.metrics import compare
from wavyte_core import api
from wavyte_core.plugin.registry import Registry

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "examples" / "plugin_example"
DEMO = PLUGIN / "demo" / "demo.json"
CLI = "import sys; from wavyte_core.cli.main import main; sys.argv[0] = 'wavyte'; main()"


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("acme_fx") is not None:
        pytest.skip("acme_fx is installed in the test venv itself")
    root = tmp_path_factory.mktemp("fresh") / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(root)])
    assert made.returncode == 0, made.stderr
    py = root / "bin" / "python"
    site = _run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    parent = sysconfig.get_paths()["purelib"]
    (Path(site.stdout.strip()) / "_test_parent.pth").write_text(
        f"import site; site.addsitedir({parent!r})\n"
    )
    before = _run([str(py), "-c", "import acme_fx"])
    assert before.returncode != 0  # not importable before the install
    pip = [sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps"]
    inst = _run([*pip, str(PLUGIN)])
    assert inst.returncode == 0, inst.stdout[-2000:] + inst.stderr[-2000:]
    return root


def _wavyte(venv: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run([str(venv / "bin" / "python"), "-c", CLI, *args], cwd=PLUGIN)


def test_installed_plugin_is_listed(venv: Path) -> None:
    out = _wavyte(venv, "effects", "--json")
    assert out.returncode == 0, out.stderr
    kinds = {(k["role"], k["kind"]): k for k in json.loads(out.stdout)}
    duotone = kinds[("effect", "acme.duotone")]
    assert duotone["plugin"] == "acme_fx" and not duotone["builtin"]
    assert [p["name"] for p in duotone["params"]] == ["dark", "light", "amount"]
    assert ("transition", "acme.blinds") in kinds


def _frame_from_module(frame: int) -> np.ndarray:
    """The same frame rendered in this process, with the plugin module loaded by path."""
    spec = importlib.util.spec_from_file_location(
        "acme_fx_plugin", PLUGIN / "acme_fx" / "plugin.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    reg = Registry.build([("acme_fx", module)])
    comp = api.load(DEMO, registry=reg)
    with api.open_job(comp, assets_root=DEMO.parent, registry=reg) as job:
        return job.frame(frame).copy()


def test_render_through_the_cli(venv: Path, tmp_path: Path) -> None:
    out = tmp_path / "demo.mp4"
    r = _wavyte(venv, "render", str(DEMO), "-o", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    with av.open(str(out)) as container:
        frames = [f.to_ndarray(format="bgra") for f in container.decode(video=0)]
    assert len(frames) == 40
    # frame 36: only the duotone clip is on screen; the MP4 (yuv420p) matches the same
    # frame rendered in-process within codec loss, and is a duotone (no green left)
    want = _frame_from_module(36)
    got = frames[36]
    assert compare(want[..., :3], got[..., :3]).psnr > 30
    b, g, r_ = (want[..., c].astype(int) for c in range(3))
    assert (r_ >= g).mean() > 0.95  # the landscape's greens are mapped to blue..gold


def test_bad_param_is_one_clear_error(venv: Path, tmp_path: Path) -> None:
    doc = json.loads(DEMO.read_text())
    doc["tracks"][0]["clips"][1]["effects"][0]["params"]["amount"] = 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    out = tmp_path / "bad.mp4"
    r = _wavyte(venv, "render", str(bad), "-o", str(out), "--assets", str(DEMO.parent))
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), r.stderr
    assert "tracks[0].clips[1].effects[0].params.amount" in lines[0] and "amount" in lines[0]
    assert not out.exists()


def test_plugin_passes_its_certification_tests(venv: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = _run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pytest",
            "-o",
            "addopts=",
            "-p",
            "no:cacheprovider",
            "tests",
        ],
        cwd=PLUGIN,
        env=env,
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert " passed" in r.stdout and "failed" not in r.stdout
