"""Segmented renders on the local executor: the plan, the join, identical output, the CLI."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest

import wavyte_core as wv
from tests.media import decode_video
from tests.scaleout_media import write_assets, write_card
from wavyte_core.errors import RenderError
from wavyte_core.output.encoder_pyav import frame_to_sample
from wavyte_core.run.executor import ExecutorOptions, TaskResult, open_executor
from wavyte_core.run.segments import (
    SegmentPlan,
    frame_hash,
    probe,
    render_in_segments,
    render_segmented,
)

FRAMES = 40
GOP = 6


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("seg")
    write_assets(d, audio_seconds=1.0)  # shorter than the video: the mix pads with silence
    return write_card(d / "card.json", 160, 90, FRAMES, audio=True)


@pytest.fixture(scope="module")
def reference_hashes(card: Path) -> list[str]:
    with wv.open_job(wv.load(card), assets_root=card.parent) as job:
        return [frame_hash(f) for _, f in job.frames()]


def test_plan_lengths_are_whole_gops():
    plan = SegmentPlan.make(0, 100, 8, segments=3)
    assert plan.length == 40 and plan.ranges == [(0, 40), (40, 80), (80, 100)]
    assert SegmentPlan.make(10, 35, 5, segment_frames=10).ranges == [(10, 20), (20, 30), (30, 35)]
    assert SegmentPlan.make(0, 7, 8, segments=4).ranges == [(0, 7)]  # shorter than one GOP
    with pytest.raises(RenderError, match="multiple of the GOP"):
        SegmentPlan.make(0, 100, 8, segment_frames=12)
    with pytest.raises(RenderError, match="segment count or a segment length"):
        SegmentPlan.make(0, 100, 8)


def _check_joined(path: Path, plan: SegmentPlan, fps: Fraction) -> None:
    facts = probe(path)
    assert facts.frames == plan.frames
    starts = [a - plan.start for a, _ in plan.ranges]
    assert facts.keyframes == list(range(0, plan.frames, plan.gop))  # closed GOP, no scene cuts
    assert set(starts) <= set(facts.keyframes)
    assert facts.pts_increasing and facts.dts_increasing
    assert facts.duration == plan.frames / fps
    assert facts.audio_samples == frame_to_sample(plan.frames, fps)


def test_local_workers_give_the_single_process_file(card: Path, tmp_path: Path, reference_hashes):
    comp = wv.load(card)
    plan = SegmentPlan.make(0, FRAMES, GOP, segments=3)
    one = render_in_segments(
        comp,
        tmp_path / "one.mp4",
        options=ExecutorOptions(workers=1),
        segments=3,
        gop=GOP,
        assets_root=card.parent,
        hash_frames=True,
    )
    two = render_in_segments(
        comp,
        tmp_path / "two.mp4",
        options=ExecutorOptions(workers=2),
        segments=3,
        gop=GOP,
        assets_root=card.parent,
        hash_frames=True,
    )
    assert one.segments == 3 and one.frames == FRAMES
    assert one.frame_hashes == reference_hashes == two.frame_hashes
    assert (tmp_path / "one.mp4").read_bytes() == (tmp_path / "two.mp4").read_bytes()
    _check_joined(tmp_path / "one.mp4", plan, Fraction(30))
    frames, _ = decode_video(tmp_path / "one.mp4")
    assert len(frames) == FRAMES


def test_killed_local_worker_is_replaced(card: Path, tmp_path: Path):
    """A worker process killed mid-render: a new pool runs its segments again."""
    comp = wv.load(card)
    plan = SegmentPlan.make(0, FRAMES, GOP, segments=5)
    ref = tmp_path / "ref.mp4"
    render_segmented(comp, ref, open_executor("local", ExecutorOptions(workers=1)), plan,
                     assets_root=card.parent)  # fmt: skip
    session = open_executor("local", ExecutorOptions(workers=2))
    killed: list[int] = []

    def kill_once(done: int, total: int) -> None:
        if not killed:
            killed.append(session.pids[0])
            os.kill(killed[0], signal.SIGKILL)

    try:
        out = tmp_path / "survivor.mp4"
        render_segmented(comp, out, session, plan, assets_root=card.parent, progress=kill_once)
        assert killed and killed[0] not in session.pids
        # The session still works whether or not the death broke that run's pool (a worker
        # killed after its last task fails no future): its next run gets live workers.
        again = tmp_path / "again.mp4"
        render_segmented(comp, again, session, plan, assets_root=card.parent)
        assert killed[0] not in session.pids
    finally:
        session.close()
    assert out.read_bytes() == ref.read_bytes() == again.read_bytes()


@dataclass(frozen=True)
class _Square:
    """A cheap executor task (module level: spawned workers import it)."""

    key: int

    def run(self, shared: object) -> TaskResult:
        return TaskResult(self.key, data=bytes([self.key * self.key]))


def test_worker_dead_between_runs_gets_a_new_pool():
    """A worker that dies holding no task fails no future, but breaks the pool: the next
    run must start a new pool instead of submitting to the broken one (which raises)."""
    session = open_executor("local", ExecutorOptions(workers=2))
    tasks = [_Square(i) for i in range(4)]
    try:
        first = {r.key: r.data for r in session.run(None, tasks)}
        victim = session.pids[0]
        os.kill(victim, signal.SIGKILL)
        pool = session._pool  # type: ignore[attr-defined]
        deadline = time.monotonic() + 60
        while not pool._broken and time.monotonic() < deadline:
            time.sleep(0.02)
        assert pool._broken  # the pool noticed the death: a submit to it would raise
        again = list(session.run(None, tasks))
        assert all(r.error is None for r in again)
        assert {r.key: r.data for r in again} == first
        assert victim not in session.pids
    finally:
        session.close()


@dataclass(frozen=True)
class _FirstTryOnly:
    """On its first try (no marker file yet) a task either SIGKILLs its own worker or
    sleeps far longer than the test waits; every later try returns at once."""

    key: int
    marker: str
    action: str  # "die" or "stall"

    def run(self, shared: object) -> TaskResult:
        mark = Path(self.marker)
        if not mark.exists():
            mark.touch()
            if self.action == "die":
                stall = mark.with_name("stall")
                deadline = time.monotonic() + 60
                while not stall.exists() and time.monotonic() < deadline:
                    time.sleep(0.05)  # until the other task is running on the other worker
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(120)
        return TaskResult(self.key, data=bytes([self.key]))


def test_a_broken_pool_leaves_no_worker_behind(tmp_path: Path):
    """When one worker dies, the rest of its pool is killed, not left to finish (or hang on
    a lock the dead worker held) while the session moves on to a new pool."""
    session = open_executor("local", ExecutorOptions(workers=2))
    tasks = [
        _FirstTryOnly(1, str(tmp_path / "stall"), "stall"),
        _FirstTryOnly(2, str(tmp_path / "die"), "die"),
    ]
    try:
        started = time.monotonic()
        session.run(None, [])  # nothing to do
        results = {r.key: r.data for r in session.run(None, tasks)}
        assert results == {1: b"\x01", 2: b"\x02"}
        assert sorted(session.retried) == [1, 2]  # both ran again on the new pool
        assert time.monotonic() - started < 100  # the stalled first try was not awaited
        live = {p.pid for p in multiprocessing.active_children()}
        assert live <= set(session.pids), "a worker of the broken pool is still running"
    finally:
        session.close()


def test_partial_range_without_sound(card: Path, tmp_path: Path, reference_hashes):
    doc = json.loads(card.read_text())
    doc["tracks"][0]["clips"] = [c for c in doc["tracks"][0]["clips"] if c["id"] != "tone"]
    quiet = card.parent / "quiet.json"
    quiet.write_text(json.dumps(doc))
    rep = render_in_segments(
        wv.load(quiet),
        tmp_path / "mid.mp4",
        options=ExecutorOptions(workers=1),
        segment_frames=2 * GOP,
        gop=GOP,
        start=5,
        end=33,
        assets_root=card.parent,
        hash_frames=True,
    )
    assert rep.frame_hashes == reference_hashes[5:33]
    facts = probe(tmp_path / "mid.mp4")
    assert facts.frames == 28 and facts.keyframes == [0, 6, 12, 18, 24]
    assert facts.audio_samples is None


def _wavyte(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", *args], capture_output=True, text=True
    )


def test_cli_segmented_render_equals_api(card: Path, tmp_path: Path):
    api = tmp_path / "api.mp4"
    render_in_segments(
        wv.load(card),
        api,
        options=ExecutorOptions(workers=1),
        segments=2,
        gop=GOP,
        assets_root=card.parent,
    )
    cli = tmp_path / "cli.mp4"
    r = _wavyte("render", str(card), "-o", str(cli), "--executor", "local", "--segments", "2",
                "--gop", str(GOP), "-w", "1", "--json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["segments"] == 2 and rep["frames"] == FRAMES and rep["gop"] == GOP
    assert cli.read_bytes() == api.read_bytes()


def test_cli_bad_segment_options(card: Path, tmp_path: Path):
    out = tmp_path / "bad.mp4"
    r = _wavyte("render", str(card), "-o", str(out), "--segment-frames", "10", "--gop", "6")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[-1].startswith("error: --segment-frames 10")
    assert not out.exists() and not list(tmp_path.iterdir())
    r = _wavyte("render", str(card), "-o", str(out), "--executor", "nope", "--segments", "2")
    assert r.returncode == 3 and "unknown executor 'nope'" in r.stderr
    assert not out.exists()
