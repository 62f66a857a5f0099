"""SIGTERM and SIGKILL at a random moment mid-batch or mid-segmented-render on the local
executor (two worker processes) leave no process — pool workers and multiprocessing's
resource tracker included — no task scratch folder and, after the next run into the same
folder, no file behind. Plain renders: ``test_kill_render.py``.

SIGTERM must clean up at once (exit 143, one line, no hidden file left); SIGKILL cannot,
so its leftovers must be gone after the next run. Processes are counted by tree
(`kill_helpers.TreeWatch`), with a seeded random moment (printed; ``WAVYTE_KILL_SEED``).
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

import wavyte_core as wv
from tests.kill_helpers import hidden_entries, kill_mid_run, scratch_of, seed_rng
from tests.scaleout_media import write_assets, write_card
from wavyte_core.run.batch import run_batch
from wavyte_core.run.executor import ExecutorOptions
from wavyte_core.run.segments import render_in_segments

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


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("tpl")
    write_assets(d)
    return write_card(d / "tpl.json", 96, 64, 60, placeholders=True)


def _rows(path: Path, n: int) -> Path:
    lines = ["name,title,color,size,photo"]
    lines += [f"v{i},Card {i},#30{i % 90:02d}c0,{10 + i % 9},photo.png" for i in range(1, n + 1)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("signame", ["TERM", "KILL"])
def test_batch_stopped_mid_way(tmp_path: Path, rng, template: Path, signame: str) -> None:
    seed, r = rng
    data = _rows(tmp_path / "rows.csv", 200)
    out_dir = tmp_path / "out"
    manifest = out_dir / "manifest.jsonl"
    delay = r.uniform(0.0, 1.5)

    def started() -> bool:
        return manifest.exists() and manifest.stat().st_size > 0

    proc, watch, err = kill_mid_run(
        ["batch", str(template), str(data), "-o", str(out_dir / "{name}.mp4"), "-w", "2", "-q"],
        started,
        SIGNALS[signame],
        delay,
    )
    msg = f"seed {seed}, batch, {signame} after {delay:.2f} s"
    _check_stopped(proc, err, signame, seed)
    workers = [p for p, (_, c) in watch.seen.items() if "multiprocessing.spawn" in c]
    assert len(workers) >= 2, f"{msg}: {watch.seen}"
    assert watch.wait_all_gone(15) == [], msg  # pool workers and resource tracker too
    assert scratch_of(list(watch.seen)) == [], msg
    if signame == "TERM":
        assert hidden_entries(out_dir) == [], msg
    one = tmp_path / "one.csv"
    one.write_text("name,title,color,size,photo\nnext,Next,#fff,12,photo.png\n")
    rep = run_batch(
        template, one, str(out_dir / "{name}.mp4"), manifest=tmp_path / "m2.jsonl",
        options=ExecutorOptions(workers=1),
    )  # fmt: skip
    assert rep.ok == 1
    assert hidden_entries(out_dir) == [], msg


@pytest.mark.parametrize("signame", ["TERM", "KILL"])
def test_segmented_render_stopped_mid_way(
    tmp_path: Path, rng, template: Path, signame: str
) -> None:
    seed, r = rng
    comp = write_card(template.parent / f"long-{signame}.json", 96, 64, 1800)
    out_dir = tmp_path / "out"
    out = out_dir / "film.mp4"
    delay = r.uniform(0.0, 1.5)
    args = ["render", str(comp), "-o", str(out), "--executor", "local", "-w", "2"]
    proc, watch, err = kill_mid_run(
        [*args, "--segment-frames", "30", "--gop", "30", "-q"],
        lambda: out_dir.exists() and any(out_dir.glob(".film.part-*")),
        SIGNALS[signame],
        delay,
    )
    msg = f"seed {seed}, segmented, {signame} after {delay:.2f} s"
    _check_stopped(proc, err, signame, seed)
    assert watch.wait_all_gone(15) == [], msg
    assert scratch_of(list(watch.seen)) == [], msg
    if signame == "TERM":
        assert hidden_entries(out_dir) == [], msg
    else:
        assert any(n.startswith(".wavyte-join-") for n in hidden_entries(out_dir)), msg
    short = write_card(template.parent / f"short-{signame}.json", 96, 64, 4)
    render_in_segments(
        wv.load(short), out, options=ExecutorOptions(workers=1), segments=1,
        assets_root=template.parent,
    )  # fmt: skip
    assert sorted(p.name for p in out_dir.iterdir()) == ["film.mp4"], msg
