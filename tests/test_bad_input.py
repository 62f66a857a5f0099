"""Bad input through the CLI: one clear line on stderr naming the path/field and the rule,
exit code 2, no traceback, and no output file (nor a leftover temporary one)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tests.media import write_png
from tests.test_e2e_render import clip, moving_square


def base_comp() -> dict:
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 64, "height": 32},
        "duration": 10,
        "assets": {
            "r": {"Path": {"svg_path_d": "M0,0 H10 V10 H0 Z"}},
            "img": {"Image": {"source": "assets/ok.png"}},
        },
        "tracks": [
            {"name": "t", "z_base": 0, "clips": [clip("c", "r", 0, 10), clip("i", "img", 0, 10)]}
        ],
        "seed": 0,
    }


def _set(path: list, value: object) -> Callable[[dict], None]:
    def apply(d: dict) -> None:
        for p in path[:-1]:
            d = d[p]
        d[path[-1]] = value

    return apply


CASES: list[tuple[str, Callable[[dict], None] | str, str]] = [
    ("malformed json", '{"fps": {"num": 30, "den": 1},', "invalid JSON"),
    ("nan token", '{"fps": NaN}', "NaN"),
    ("missing field", _set(["seed"], None), "seed"),
    (
        "range start > end",
        _set(["tracks", 0, "clips", 0, "range"], {"start": 5, "end": 2}),
        "tracks[0].clips[0].range",
    ),
    (
        "range beyond duration",
        _set(["tracks", 0, "clips", 0, "range"], {"start": 0, "end": 99}),
        "exceeds composition duration",
    ),
    ("float for integer", _set(["duration"], 10.0), "duration"),
    ("fps zero", _set(["fps"], {"num": 0, "den": 1}), "fps must have num>0"),
    ("absurd canvas", _set(["canvas"], {"width": 100000, "height": 100000}), "canvas"),
    (
        "missing asset key",
        _set(["tracks", 0, "clips", 0, "asset"], "nope"),
        "missing asset key 'nope'",
    ),
    (
        "unknown effect",
        _set(["tracks", 0, "clips", 0, "effects"], [{"kind": "sparkle"}]),
        "unknown effect kind 'sparkle'",
    ),
    (
        "bad blur radius",
        _set(
            ["tracks", 0, "clips", 0, "effects"], [{"kind": "blur", "params": {"radius_px": 3.5}}]
        ),
        "radius_px",
    ),
    ("absolute path", _set(["assets", "img"], {"Image": {"source": "/etc/passwd"}}), "relative"),
    ("dotdot path", _set(["assets", "img"], {"Image": {"source": "../x.png"}}), ".."),
    (
        "missing file",
        _set(["assets", "img"], {"Image": {"source": "assets/nothere.png"}}),
        "nothere.png",
    ),
    (
        "corrupt image",
        _set(["assets", "img"], {"Image": {"source": "assets/corrupt.png"}}),
        "corrupt.png",
    ),
    (
        "symlink escape",
        _set(["assets", "img"], {"Image": {"source": "assets/link.png"}}),
        "outside the asset root",
    ),
    ("bad path data", _set(["assets", "r"], {"Path": {"svg_path_d": "M0,0 X 5"}}), "svg_path_d"),
    (
        "bad font",
        _set(
            ["assets", "img"],
            {"Text": {"text": "hi", "font_source": "assets/ok.png", "size_px": 12.0}},
        ),
        "ok.png",
    ),
    (
        "procedural transform",
        _set(
            ["tracks", 0, "clips", 0, "props", "transform"],
            {
                "Procedural": {
                    "kind": {
                        "kind": "Scalar",
                        "params": {
                            "Sine": {"amp": 1.0, "freq_hz": 1.0, "phase": 0.0, "offset": 0.0}
                        },
                    }
                }
            },
        ),
        "tracks[0].clips[0].props.transform.Procedural",
    ),
    ("unknown asset variant", _set(["assets", "img"], {"Picture": {"source": "x"}}), "assets.img"),
]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    assets = tmp_path / "comp" / "assets"
    assets.mkdir(parents=True)
    write_png(assets / "ok.png", np.full((4, 4, 4), 200, np.uint8))
    (assets / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    outside = tmp_path / "outside"
    outside.mkdir()
    write_png(outside / "secret.png", np.full((4, 4, 4), 9, np.uint8))
    os.symlink(outside / "secret.png", assets / "link.png")
    return tmp_path / "comp"


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize(("name", "mutate", "expect"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("command", ["render", "frame"])
def test_bad_input(
    workdir: Path, name: str, mutate: Callable[[dict], None] | str, expect: str, command: str
) -> None:
    comp_path = workdir / "comp.json"
    if isinstance(mutate, str):
        comp_path.write_text(mutate)
    else:
        d = base_comp()
        mutate(d)
        comp_path.write_text(json.dumps(d))
    out = workdir / ("out.mp4" if command == "render" else "out.png")
    args = ["-o", str(out)] if command == "render" else ["--frame", "0", "-o", str(out)]
    r = run_cli(
        command, str(comp_path), *args, "--quiet" if command == "render" else "--decoder=pyav"
    )
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("error: ") and expect in lines[0], lines[0]
    assert "Traceback" not in r.stderr
    assert sorted(p.name for p in workdir.iterdir()) == ["assets", "comp.json"]


def test_odd_canvas_is_a_clear_error(workdir: Path) -> None:
    d = base_comp()
    d["canvas"] = {"width": 63, "height": 32}
    (workdir / "comp.json").write_text(json.dumps(d))
    r = run_cli("render", str(workdir / "comp.json"), "-o", str(workdir / "o.mp4"), "--quiet")
    assert r.returncode == 2 and "even" in r.stderr
    assert not (workdir / "o.mp4").exists()
    # A still of an odd canvas is fine.
    r = run_cli("frame", str(workdir / "comp.json"), "--frame", "0", "-o", str(workdir / "o.png"))
    assert r.returncode == 0, r.stderr


def _worker_pids(parent: int) -> set[int]:
    """The live ``wavyte_core.run.worker`` processes started by ``parent`` (other renders on the
    machine, e.g. parallel test runs, are not ours to count)."""
    pids = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if b"wavyte_core.run.worker" not in (d / "cmdline").read_bytes():
                    continue
                status = (d / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
            if int(fields.get("PPid", "0").strip()) == parent and not fields.get(
                "State", ""
            ).startswith("Z"):
                pids.add(int(d.name))
    return pids


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if "State:\tZ" not in state:
            alive.add(pid)
    return alive


@pytest.mark.parametrize("workers", ["1", "2"])
def test_interrupted_render_leaves_nothing(tmp_path: Path, workers: str) -> None:
    """Ctrl-C mid-render: non-zero exit, no file under the target name, no temp file,
    and the process is gone (no thread or child left behind)."""
    comp = moving_square(640, 360, 3000, end_frame=2999, to=(600.0, 300.0), side=40)
    (tmp_path / "c.json").write_text(json.dumps(comp))
    out = tmp_path / "long.mp4"
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wavyte_core.cli.main",
            "render",
            str(tmp_path / "c.json"),
            "-o",
            str(out),
            "--quiet",
            "--workers",
            workers,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline and not any(
        f.name.startswith(".long.part") for f in tmp_path.iterdir()
    ):
        time.sleep(0.05)
    time.sleep(0.5)
    ours = _worker_pids(p.pid)
    if workers == "2":
        assert ours, "the render should run in worker processes"
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert p.returncode != 0
    assert "Traceback" not in err
    assert sorted(f.name for f in tmp_path.iterdir()) == ["c.json"]
    deadline = time.time() + 10
    while _alive(ours) and time.time() < deadline:
        time.sleep(0.1)
    assert not _alive(ours), "worker processes left behind"
