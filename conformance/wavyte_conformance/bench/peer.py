"""Run the MoviePy peer script in its own virtual environment, created on demand.

MoviePy is never a dependency of wavyte: ``ensure_venv`` makes
``~/.cache/wavyte/bench/venv-moviepy`` (``python -m venv`` + ``pip install moviepy``) the
first time the peer is asked for; any failure becomes an "unavailable: <reason>" row in the report, never a crash.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VENV = Path.home() / ".cache" / "wavyte" / "bench" / "venv-moviepy"
SCRIPT = HERE / "peer_moviepy.py"
SCENES = ("bench", "bench_blur8", "animated")


class PeerUnavailable(Exception):
    """The peer cannot run; ``permanent`` when its environment could not be made at all."""

    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv(timeout: float = 900) -> Path:
    """The peer venv's python, creating the venv and installing MoviePy if needed."""
    py = venv_python()
    if py.exists() and _run([str(py), "-c", "import moviepy"], 60).returncode == 0:
        return py
    steps = [
        [sys.executable, "-m", "venv", str(VENV)],
        [str(py), "-m", "pip", "install", "-q", "moviepy>=2,<3"],
    ]
    for cmd in steps:
        r = _run(cmd, timeout)
        if r.returncode != 0:
            tail = (r.stderr or r.stdout).strip().splitlines()[-1:] or ["no output"]
            raise PeerUnavailable(f"{' '.join(cmd[:3])}... failed: {tail[0]}", permanent=True)
    return py


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(cmd, 1, "", str(exc))


def peer_assets(cache: Path) -> Path:
    """The peer's asset folder: the bench photo and font, and the SVG logo as a PNG."""
    from .scenes import LOGO, asset_root

    root = asset_root(cache) / "assets"
    png = root / "logo.png"
    if not png.exists():
        import skia

        dom = skia.SVGDOM.MakeFromStream(skia.MemoryStream((root / LOGO).read_bytes(), True))
        surface = skia.Surface(240, 240)
        dom.setContainerSize(skia.Size(240, 240))
        dom.render(surface.getCanvas())
        surface.makeImageSnapshot().save(str(png), skia.kPNG)
    return root


def run_peer(
    scene: str, w: int, h: int, frames: int, cache: Path, out: Path, timeout: float = 3600
) -> dict[str, Any]:
    """One timed MoviePy render in a fresh process; raises `PeerUnavailable`."""
    if scene not in SCENES:
        raise PeerUnavailable(f"no MoviePy version of scene '{scene}'")
    py = ensure_venv()
    cmd = [
        str(py),
        str(SCRIPT),
        "--scene",
        scene,
        "--width",
        str(w),
        "--height",
        str(h),
        "--frames",
        str(frames),
        "--assets",
        str(peer_assets(cache)),
        "--out",
        str(out),
    ]
    r = _run(cmd, timeout)
    if r.returncode != 0:
        tail = (r.stderr or r.stdout).strip().splitlines()[-1:] or ["no output"]
        raise PeerUnavailable(f"MoviePy run failed: {tail[0]}")
    return json.loads(r.stdout.strip().splitlines()[-1])
