"""SIGTERM and SIGKILL at a random moment mid-render leave no process and, after the next
run into the same folder, no file behind — for every output kind of ``wavyte render``
(two render workers). The executors' cases: ``test_kill_executor.py`` (local) and
``plugins/executor_ray/tests/test_ray_kill.py``.

SIGTERM must clean up at once (exit 143, one line, no hidden file left); SIGKILL cannot,
so its leftovers must be gone after the next run. Processes are counted by tree
(`kill_helpers.TreeWatch`), with a seeded random moment (printed; ``WAVYTE_KILL_SEED``).
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import pytest

import wavyte_core as wv
from tests.kill_helpers import hidden_entries, kill_mid_run, seed_rng
from tests.test_leftovers import long_comp

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")

SIGNALS = {"TERM": signal.SIGTERM, "KILL": signal.SIGKILL}


@pytest.fixture(scope="module")
def rng():
    return seed_rng()


def _check_stopped(proc, err: str, signame: str, seed: int) -> None:
    if signame == "TERM":
        assert proc.returncode == 143, f"seed {seed}: {err}"
        assert err.splitlines() == ["error: terminated (SIGTERM)"], f"seed {seed}: {err!r}"
    else:
        assert proc.returncode == -signal.SIGKILL, f"seed {seed}: {err}"


def _has_work_in_progress(folder: Path) -> bool:
    for p in folder.glob(".*"):
        if p.is_file() and p.stat().st_size > 0:
            return True
        if p.is_dir() and any(p.iterdir()):
            return True
    return False


@pytest.mark.parametrize("signame", ["TERM", "KILL"])
@pytest.mark.parametrize("kind", ["video", "gif", "png"])
def test_render_stopped_mid_way(tmp_path: Path, rng, kind: str, signame: str) -> None:
    seed, r = rng
    comp = tmp_path / "long.json"
    comp.write_text(json.dumps(long_comp()))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    if kind == "video":
        out = out_dir / f"clip.{r.choice(['mp4', 'mov', 'webm'])}"
    elif kind == "gif":
        out = out_dir / "clip.gif"
    else:
        out = out_dir / "seq" / "f_%05d.png"
    delay = r.uniform(0.0, 1.0)
    proc, watch, err = kill_mid_run(
        ["render", str(comp), "-o", str(out), "-w", "2", "-q"],
        lambda: _has_work_in_progress(out_dir),
        SIGNALS[signame],
        delay,
    )
    msg = f"seed {seed}, {out.name}, {signame} after {delay:.2f} s"
    _check_stopped(proc, err, signame, seed)
    assert len(watch.seen) >= 3, f"{msg}: the render workers were not seen: {watch.seen}"
    assert watch.wait_all_gone(15) == [], msg
    if signame == "TERM":
        assert hidden_entries(out_dir) == [], msg  # cleaned up at once, like Ctrl-C
    # the next run into the same folder
    short = tmp_path / "short.json"
    short.write_text(json.dumps(long_comp(3)))
    with wv.open_job(wv.load(short), assets_root=tmp_path, workers=1) as job:
        job.render(out)
    assert hidden_entries(out_dir) == [], msg
    if kind == "png":
        assert hidden_entries(out.parent) == [], msg
        assert len(list(out.parent.glob("f_*.png"))) == 3
    else:
        assert sorted(p.name for p in out_dir.iterdir()) == [out.name], msg
