"""Wheel installs, not the checkout: wavyte, wavyte-conformance, the reference backends and
a third-party plugin (examples/plugin_example) are built as wheels (``pip wheel``, no
build isolation, offline), installed into a fresh ``python -m venv`` made here, and
``wavyte plugins`` and ``wavyte conformance --case`` run from that venv's own ``wavyte``
script — so package data missing from a wheel (the conformance cases, references), an
entry point that only works from the source tree, or an import that needs the checkout,
fails here.

Offline: third-party dependencies (numpy, skia-python, PyAV, …) are not downloaded; the
venv sees the test environment's copies through ``PYTHONPATH`` pointing at a folder of
links to them, which leaves out every wavyte distribution and every editable-install hook,
so wavyte itself can only come from the wheels. About a minute (the C blur extension is
compiled once per session).
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: (source folder, what the wheel needs from it) — copied first, so a build writes nothing
#: into the checkout.
DISTS = [
    (".", ["pyproject.toml", "README.md", "wavyte_core"]),
    ("conformance", ["pyproject.toml", "README.md", "wavyte_conformance"]),
    ("plugins/backend_skia", ["pyproject.toml", "wavyte_backend_skia"]),
    ("plugins/decoder_pyav", ["pyproject.toml", "wavyte_decoder_pyav"]),
    ("examples/plugin_example", ["pyproject.toml", "README.md", "acme_fx"]),
]
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.so", "build", "*.egg-info")


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)  # type: ignore[call-overload]
    assert res.returncode == 0, f"{' '.join(map(str, cmd))}\n{res.stdout}\n{res.stderr}"
    return res


def _is_wavyte(name: str) -> bool:
    n = name.lower()
    return (
        n.startswith(("wavyte", "__editable__", "acme"))
        or n.endswith(".pth")
        or n in ("__pycache__",)
    )


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("wheel-install")
    wheels = base / "wheels"
    for src, parts in DISTS:
        copy = base / "src" / src.replace("/", "_").strip(".") / "d"
        for part in parts:
            p = ROOT / src / part
            if p.is_dir():
                shutil.copytree(p, copy / part, ignore=_SKIP)
            elif p.exists():
                copy.mkdir(parents=True, exist_ok=True)
                shutil.copy2(p, copy / part)
        _run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
            + ["--no-index", "-w", str(wheels), str(copy)]
        )
    env_dir = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)])
    py = env_dir / "bin" / "python"
    _run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps"]
        + ["--no-index", *map(str, sorted(wheels.glob("*.whl")))]
    )
    deps = base / "deps"  # links to the third-party packages only
    deps.mkdir()
    for sp in site.getsitepackages():
        for entry in Path(sp).iterdir():
            if not _is_wavyte(entry.name) and not (deps / entry.name).exists():
                (deps / entry.name).symlink_to(entry)
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env.update(PYTHONPATH=str(deps), WAVYTE_DEBUG="0", COLUMNS="200")
    return {"py": py, "wavyte": env_dir / "bin" / "wavyte", "env": env, "base": base}


def test_wavyte_comes_from_the_wheels(venv: dict) -> None:
    res = _run(
        [
            str(venv["py"]),
            "-c",
            "import wavyte_core, wavyte_conformance, acme_fx, importlib.metadata as m; "
            "print(wavyte_core.__file__); print(wavyte_conformance.__file__); "
            "print(acme_fx.__file__); print(m.version('wavyte'))",
        ],
        env=venv["env"],
        cwd=venv["base"],
    )
    paths = res.stdout.split()
    site_dir = str(venv["base"] / "venv")
    assert all(p.startswith(site_dir) for p in paths[:3]), paths
    assert str(ROOT) not in res.stdout


def test_wavyte_plugins_from_the_venv(venv: dict) -> None:
    res = _run([str(venv["wavyte"]), "plugins"], env=venv["env"], cwd=venv["base"])
    out = res.stdout
    for name in ("builtin", "acme_fx", "skia", "pyav"):
        assert name in out, out
    assert "broken" not in out, out
    assert "acme.duotone" in out


def test_wavyte_conformance_case_from_the_venv(venv: dict) -> None:
    report = venv["base"] / "report"
    res = _run(
        [str(venv["wavyte"]), "conformance", "--quiet", "--case", "opacity_keyframes"]
        + ["--rasterizer", "skia", "--compositor", "numpy", "--out", str(report)],
        env=venv["env"],
        cwd=venv["base"],
    )
    assert "fail" not in res.stderr.split("results:")[-1].split("Reports")[0], res.stderr
    assert (report / "parity.json").exists()
    assert "Traceback" not in res.stderr
