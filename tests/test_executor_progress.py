"""Segmented renders report progress by frames, not by whole segments: the workers' frame
counts reach the coordinator while segments are still being encoded (local executor, one
process and two)."""

from __future__ import annotations

from pathlib import Path

import pytest

import wavyte_core as wv
from tests.scaleout_media import write_assets, write_card
from wavyte_core.run.executor import ExecutorOptions
from wavyte_core.run.segments import PROGRESS_EVERY, render_in_segments

FRAMES, SEGMENT = 96, 48


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_moves_by_frames(tmp_path: Path, workers: int) -> None:
    write_assets(tmp_path)
    comp = wv.load(write_card(tmp_path / "c.json", 64, 48, FRAMES))
    seen: list[tuple[int, int]] = []
    rep = render_in_segments(
        comp, tmp_path / "o.mp4", options=ExecutorOptions(workers=workers),
        segment_frames=SEGMENT, gop=SEGMENT, assets_root=tmp_path,
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert rep.frames == FRAMES and rep.retried == []
    assert {t for _, t in seen} == {FRAMES}
    values = [d for d, _ in seen]
    assert values[-1] == FRAMES
    within = [d for d in values if d % SEGMENT]  # mid-segment counts
    assert within, values
    assert all(d % PROGRESS_EVERY == 0 for d in within), values
    if workers == 1:  # one segment after the other: the count only grows
        assert values == sorted(values)
        assert values[:3] == [PROGRESS_EVERY, 2 * PROGRESS_EVERY, 3 * PROGRESS_EVERY]
