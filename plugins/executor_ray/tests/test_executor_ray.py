"""The Ray executor on a real local Ray cluster (2 CPUs, one cluster for this module)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

import wavyte_core as wv  # noqa: E402
from tests.media import decode_video  # noqa: E402
from tests.scaleout_media import write_assets, write_card  # noqa: E402
from wavyte_core.output.encoder_pyav import frame_to_sample  # noqa: E402
from wavyte_core.plugin.registry import default_registry  # noqa: E402
from wavyte_core.run.batch import run_batch  # noqa: E402
from wavyte_core.run.executor import ExecutorOptions, open_executor  # noqa: E402
from wavyte_core.run.segments import (  # noqa: E402
    SegmentPlan,
    frame_hash,
    probe,
    render_in_segments,
    render_segmented,
)

FRAMES = 48
GOP = 4


@pytest.fixture(scope="module", autouse=True)
def cluster():
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        logging_level="warning",
        object_store_memory=256 * 1024 * 1024,
    )
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("ray")
    write_assets(d, audio_seconds=1.2)
    return write_card(d / "card.json", 160, 90, FRAMES, audio=True)


@pytest.fixture(scope="module")
def single_process(card: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, list[str]]:
    """The reference: the same segment plan rendered in this process, and the frame
    hashes of a plain (unsegmented) frame iteration."""
    out = tmp_path_factory.mktemp("ref") / "ref.mp4"
    comp = wv.load(card)
    render_in_segments(
        comp, out, options=ExecutorOptions(workers=1), segments=6, gop=GOP, assets_root=card.parent
    )
    with wv.open_job(comp, assets_root=card.parent) as job:
        hashes = [frame_hash(f) for _, f in job.frames()]
    return out.read_bytes(), hashes


def test_registered_and_listed():
    spec = default_registry().spec("executor", "ray")
    assert "retries" in spec.capabilities
    r = subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", "plugins"], capture_output=True, text=True
    )
    assert r.returncode == 0 and "executor: ray" in r.stdout


def test_listed_with_install_hint_when_ray_is_missing():
    code = (
        "import sys; sys.modules['ray'] = None\n"  # Python's way to make an import fail
        "from wavyte_core.cli.main import main; sys.argv = ['wavyte', 'plugins']; main()"
    )
    env = {**os.environ, "COLUMNS": "300"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.returncode == 0
    assert "executor ray unavailable: ray is not installed" in r.stdout
    assert "pip install wavyte-executor-ray" in r.stdout


def test_segmented_render_equals_single_process(card: Path, tmp_path: Path, single_process):
    ref_bytes, ref_hashes = single_process
    out = tmp_path / "ray.mp4"
    rep = render_in_segments(
        wv.load(card),
        out,
        executor="ray",
        options=ExecutorOptions(workers=2),
        segments=6,
        gop=GOP,
        assets_root=card.parent,
        hash_frames=True,
    )
    assert rep.segments == 6 and rep.workers == 2
    assert rep.frame_hashes == ref_hashes  # the frames handed to the encoders
    assert out.read_bytes() == ref_bytes  # the file
    facts = probe(out)
    assert facts.frames == FRAMES and facts.pts_increasing and facts.dts_increasing
    assert facts.keyframes == list(range(0, FRAMES, GOP))
    assert facts.duration == Fraction(FRAMES, 30)
    assert facts.audio_samples == frame_to_sample(FRAMES, Fraction(30))


def test_killed_worker_does_not_fail_the_render(card: Path, tmp_path: Path, single_process):
    session = open_executor("ray", ExecutorOptions(workers=2, max_retries=3))
    victim = session.pids[1]
    killed: list[int] = []

    def kill_once(done: int, total: int) -> None:
        # Called after the first segment arrives: the other actor has segments in flight.
        if not killed:
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    try:
        plan = SegmentPlan.make(0, FRAMES, GOP, segments=6)
        out = tmp_path / "survivor.mp4"
        rep = render_segmented(
            wv.load(card), out, session, plan, assets_root=card.parent, progress=kill_once
        )
        new_pids = ray.get([a.pid.remote() for a in session.actors])
    finally:
        session.close()
    assert killed == [victim]
    assert victim not in new_pids  # the actor was restarted in a new process
    assert rep.frames == FRAMES
    assert out.read_bytes() == single_process[0]


def _rows(path: Path, n: int, bad_row: int) -> Path:
    lines = ["name,title,color,size,photo"]
    for i in range(1, n + 1):
        color = "not-a-colour" if i == bad_row else f"#{(i * 37) % 256:02x}80c0"
        lines.append(f"r{i:02d},Hello {i},{color},{10 + i % 7},photo{'2' if i % 3 else ''}.png")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_batch_of_21_rows_with_one_bad_row(tmp_path: Path):
    d = tmp_path / "tpl"
    write_assets(d)
    tpl = write_card(d / "tpl.json", 96, 64, 4, placeholders=True)
    data = _rows(tmp_path / "rows.csv", 21, bad_row=13)
    r = subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", "batch", str(tpl), str(data),
         "-o", str(tmp_path / "out" / "{name}.mp4"), "--executor", "ray", "--json",
         "--ray-address", ray.get_runtime_context().gcs_address],  # this module's cluster
        capture_output=True, text=True, env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0"},
    )  # fmt: skip
    assert r.returncode == 1, r.stderr  # some rows failed
    assert "error: row 13: assets.title.Text.color_rgba8: ${color} = 'not-a-colour'" in r.stderr
    rep = json.loads(r.stdout)
    assert (rep["ok"], rep["failed"], rep["executor"]) == (20, 1, "ray")
    assert "Token authentication" not in r.stderr and "will be retried" not in r.stderr
    entries = [
        json.loads(x) for x in (tmp_path / "out" / "manifest.jsonl").read_text().splitlines()
    ]
    assert sorted(e["row"] for e in entries) == list(range(1, 22))
    for e in entries:
        if e["row"] != 13:
            assert e["status"] == "ok" and e["frames"] == 4
            frames, _ = decode_video(Path(e["output"]))
            assert len(frames) == 4
    assert not (tmp_path / "out" / "r13.mp4").exists()


def test_batch_resumes_after_interruption(tmp_path: Path):
    d = tmp_path / "tpl"
    write_assets(d)
    tpl = write_card(d / "tpl.json", 96, 64, 4, placeholders=True)
    data = _rows(tmp_path / "rows.csv", 8, bad_row=0)
    out = str(tmp_path / "out" / "{name}.mp4")
    got: list[dict] = []

    def interrupt(entry: dict) -> None:
        got.append(entry)
        if len(got) == 3:
            raise KeyboardInterrupt

    opts = ExecutorOptions(workers=2)
    with pytest.raises(KeyboardInterrupt):
        run_batch(tpl, data, out, executor="ray", options=opts, on_row=interrupt)
    first = {e["row"]: Path(e["output"]).stat().st_mtime_ns for e in got}
    rep = run_batch(tpl, data, out, executor="ray", options=opts)
    assert (rep.skipped, rep.ok, rep.failed) == (3, 5, 0)
    for row, mtime in first.items():
        assert Path(out.format(name=f"r{row:02d}")).stat().st_mtime_ns == mtime
    assert len(list((tmp_path / "out").glob("*.mp4"))) == 8
