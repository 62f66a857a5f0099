"""The Ray executor stopped mid-render: SIGKILL and SIGTERM of a driver that started its own
local cluster leave no process of that cluster alive (GCS, raylet, dashboard and runtime-env
agents, actors: counted by process tree) and, after the next run into the same folder, no
file behind. The moment is random (seeded, printed: ``WAVYTE_KILL_SEED``)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

pytest.importorskip("ray")

import wavyte_core as wv  # noqa: E402
from tests.kill_helpers import hidden_entries, kill_mid_run, scratch_of, seed_rng  # noqa: E402
from tests.scaleout_media import write_assets, write_card  # noqa: E402
from wavyte_core.run.executor import ExecutorOptions  # noqa: E402
from wavyte_core.run.segments import render_in_segments  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")


@pytest.fixture(scope="module")
def rng():
    return seed_rng()


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("ray-kill")
    write_assets(d)
    return d


def _ray_processes(watch) -> list[str]:
    return [c for _, c in watch.seen.values() if "ray" in c]


def test_batch_driver_sigkilled(tmp_path: Path, rng, assets: Path) -> None:
    seed, r = rng
    tpl = write_card(assets / "tpl.json", 96, 64, 30, placeholders=True)
    data = tmp_path / "rows.csv"
    rows = [f"v{i},Card {i},#3{i % 9}80c0,12,photo.png" for i in range(1, 300)]
    data.write_text("\n".join(["name,title,color,size,photo", *rows]) + "\n")
    out_dir = tmp_path / "out"
    manifest = out_dir / "manifest.jsonl"
    delay = r.uniform(0.0, 2.0)
    env_cpus = ["--workers", "2"]
    proc, watch, err = kill_mid_run(
        ["batch", str(tpl), str(data), "-o", str(out_dir / "{name}.mp4"), "--executor", "ray",
         *env_cpus, "-q"],
        lambda: manifest.exists() and manifest.stat().st_size > 0,
        signal.SIGKILL,
        delay,
        start_timeout_s=120,
    )  # fmt: skip
    msg = f"seed {seed}, ray batch, SIGKILL after {delay:.2f} s"
    assert proc.returncode == -signal.SIGKILL, f"{msg}: {err}"
    names = " ".join(_ray_processes(watch))
    assert "raylet" in names and "WavyteWorker" in names, f"{msg}: {names}"
    assert watch.wait_all_gone(20) == [], msg
    assert scratch_of(list(watch.seen)) == [], msg
    assert "Token authentication" not in err, err
    one = tmp_path / "one.csv"
    one.write_text("name,title,color,size,photo\nnext,Next,#fff,12,photo.png\n")
    from wavyte_core.run.batch import run_batch

    rep = run_batch(tpl, one, str(out_dir / "{name}.mp4"), manifest=tmp_path / "m2.jsonl",
                    options=ExecutorOptions(workers=1))  # fmt: skip
    assert rep.ok == 1 and hidden_entries(out_dir) == [], msg


def test_segmented_driver_sigtermed(tmp_path: Path, rng, assets: Path) -> None:
    seed, r = rng
    comp = write_card(assets / "long.json", 96, 64, 3000)
    out_dir = tmp_path / "out"
    out = out_dir / "film.mp4"
    delay = r.uniform(0.0, 2.0)
    proc, watch, err = kill_mid_run(
        ["render", str(comp), "-o", str(out), "--executor", "ray", "-w", "2",
         "--segment-frames", "30", "--gop", "30", "-q"],
        lambda: out_dir.exists() and any(out_dir.glob(".film.part-*")),
        signal.SIGTERM,
        delay,
        start_timeout_s=120,
    )  # fmt: skip
    msg = f"seed {seed}, ray segmented, SIGTERM after {delay:.2f} s"
    assert proc.returncode == 143, f"{msg}: {err}"
    assert err.splitlines() == ["error: terminated (SIGTERM)"], f"{msg}: {err!r}"
    assert watch.wait_all_gone(20) == [], msg
    assert hidden_entries(out_dir) == [], msg
    short = write_card(assets / "short.json", 96, 64, 4)
    render_in_segments(wv.load(short), out, options=ExecutorOptions(workers=1), segments=1,
                       assets_root=assets)  # fmt: skip
    assert sorted(p.name for p in out_dir.iterdir()) == ["film.mp4"], msg
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob(f"wavyte-ray-{proc.pid}.json"))
