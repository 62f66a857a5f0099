"""Layout solver (wavyte-format.md §3.4) against the repository vectors and the rules."""

from __future__ import annotations

import pytest

from tests.eval_helpers import clip, comp
from wavyte_core.errors import EvaluationError
from wavyte_core.format.model import Align, AudioAsset, Edges, LayoutMode, PathAsset, Track
from wavyte_core.timeline.layout import align_offset, solve_layout


def two_path_track(mode: LayoutMode) -> tuple:
    assets = {"a": PathAsset("M0,0 L10,0 L10,10 Z"), "b": PathAsset("M0,0 L20,0 L20,10 Z")}
    track = Track(
        "t",
        0,
        (clip("c0", "a", 0, 10), clip("c1", "b", 0, 10)),
        layout_mode=mode,
        layout_gap_px=5.0,
        layout_align_x=Align.Start,
        layout_align_y=Align.Center,
    )
    c = comp([track], assets, duration=10, canvas=(100, 40))
    return c, {"a": (10.0, 10.0), "b": (20.0, 10.0)}


def test_hstack_vector() -> None:  # layout/solver.rs
    c, sizes = two_path_track(LayoutMode.HStack)
    assert solve_layout(c, sizes) == [[(0.0, 15.0), (15.0, 15.0)]]


def test_center_vector_ignores_track_alignment() -> None:  # layout/solver.rs
    c, sizes = two_path_track(LayoutMode.Center)
    assert solve_layout(c, sizes) == [[(45.0, 15.0), (40.0, 15.0)]]


def test_layout_example_row() -> None:  # Appendix A item 10
    assets = {"chip": PathAsset("M0,0 L180,0 L180,42 L0,42 Z")}
    track = Track(
        "row",
        0,
        tuple(clip(f"chip{i}", "chip", 0, 10) for i in range(3)),
        layout_mode=LayoutMode.HStack,
        layout_gap_px=18.0,
        layout_padding=Edges(left=96.0, right=96.0, top=620.0, bottom=24.0),
        layout_align_x=Align.Center,
        layout_align_y=Align.Center,
    )
    c = comp([track], assets, duration=10, canvas=(1280, 720))
    assert solve_layout(c, {"chip": (180.0, 42.0)}) == [
        [(352.0, 637.0), (550.0, 637.0), (748.0, 637.0)]
    ]


def test_vstack_mirrors_hstack() -> None:
    assets = {"a": PathAsset("M0,0 L1,1"), "b": PathAsset("M0,0 L1,1")}
    track = Track(
        "t",
        0,
        (clip("c0", "a", 0, 10), clip("c1", "b", 0, 10)),
        layout_mode=LayoutMode.VStack,
        layout_gap_px=4.0,
        layout_padding=Edges(left=2.0, top=3.0),
        layout_align_x=Align.End,
        layout_align_y=Align.End,
    )
    c = comp([track], assets, duration=10, canvas=(100, 100))
    # avail 98x97, total_h 10+4+20 = 34, start y = 3 + 63
    out = solve_layout(c, {"a": (10.0, 10.0), "b": (30.0, 20.0)})
    assert out == [[(2.0 + 88.0, 66.0), (2.0 + 68.0, 80.0)]]


def test_grid_cells_and_alignment() -> None:
    assets = {"s": PathAsset("M0,0 L1,1"), "l": PathAsset("M0,0 L1,1")}
    clips = (clip("c0", "l", 0, 5), clip("c1", "s", 0, 5), clip("c2", "s", 0, 5))
    track = Track(
        "g",
        0,
        clips,
        layout_mode=LayoutMode.Grid,
        layout_gap_px=2.0,
        layout_padding=Edges(left=1.0, top=1.0, right=500.0, bottom=500.0),  # unused by Grid
        layout_align_x=Align.Center,
        layout_align_y=Align.End,
        layout_grid_columns=2,
    )
    c = comp([track], assets, duration=10, canvas=(100, 100))
    out = solve_layout(c, {"l": (20.0, 10.0), "s": (10.0, 4.0)})
    assert out == [[(1.0, 1.0), (1.0 + 22.0 + 5.0, 1.0 + 6.0), (1.0 + 5.0, 1.0 + 12.0 + 6.0)]]


def test_audio_takes_zero_slot_but_counts_gap() -> None:
    assets = {"p": PathAsset("M0,0 L1,1"), "snd": AudioAsset("a.wav")}
    track = Track(
        "t",
        0,
        (clip("c0", "p", 0, 10), clip("c1", "snd", 0, 10), clip("c2", "p", 20, 30)),
        layout_mode=LayoutMode.HStack,
        layout_gap_px=5.0,
    )
    c = comp([track], assets, duration=30, canvas=(100, 40))
    # the hidden-at-0 clip c2 still takes its slot; the audio clip is 0 wide + one gap
    assert solve_layout(c, {"p": (10.0, 10.0)}) == [[(0.0, 0.0), (15.0, 0.0), (20.0, 0.0)]]


def test_absolute_is_zero_but_sizes_must_exist() -> None:
    assets = {"p": PathAsset("M0,0 L1,1")}
    c = comp([Track("t", 0, (clip("c0", "p", 0, 10),))], assets, duration=10)
    assert solve_layout(c, {"p": (3.0, 4.0)}) == [[(0.0, 0.0)]]
    with pytest.raises(EvaluationError, match="unknown asset key 'p'"):
        solve_layout(c, {})


def test_align_never_negative() -> None:
    assert align_offset(10.0, 30.0, Align.End) == 0.0
    assert align_offset(10.0, 4.0, Align.Center) == 3.0
    assert align_offset(10.0, 4.0, Align.Start) == 0.0
