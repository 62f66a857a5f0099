"""Unchanged ops move ahead of changed ones they do not overlap (demo loop): the
snapshot then covers static titles above a spinning shape. The frames must be
byte-identical to drawing in plan order on every installed compositor, and overlapping ops
must never swap."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wavyte_core.api import open_job
from wavyte_core.format.builder import CompositionBuilder, blur, keyframes, sine, transform
from wavyte_core.plugin.registry import default_registry
from wavyte_core.render.frame_renderer import _disjoint

ASSETS = Path(__file__).resolve().parents[1] / "examples" / "assets"
W, H, N = 240, 136, 24
STAR = "M50,0 L61.8,35.1 L98.9,35.1 L68.9,56.8 L80.3,91.9 L50,70.2 L19.7,91.9 L31.1,56.8 L1.1,35.1 L38.2,35.1 Z"


def _comp():
    b = CompositionBuilder(width=W, height=H, fps=30, duration=N, seed=5)
    b.image("photo", "landscape.jpg")
    b.path("star", STAR)
    b.path("box", "M0,0 L50,0 L50,30 L0,30 Z")
    b.text("title", "Reorder", font="fonts/DejaVuSans.ttf", size_px=22, color=(255, 60, 20, 200))
    b.track("bg").clip("photo", asset="photo", start=0, end=N, transform=transform(scale=0.25))
    shapes = b.track("shapes", z_base=1)
    spin = keyframes(
        [
            (0, transform(x=200, y=30, rotation_rad=0.0, anchor=(50, 50), scale=0.5)),
            (N - 1, transform(x=200, y=30, rotation_rad=3.0, anchor=(50, 50), scale=0.5)),
        ]
    )
    shapes.clip("star", asset="star", start=0, end=N, transform=spin, opacity=0.7)
    # changes opacity every frame, bottom left, overlapped by nothing
    shapes.clip(
        "pulse",
        asset="box",
        start=0,
        end=N,
        transform=transform(x=4, y=100),
        opacity=sine(0.3, 2.0, 0.0, 0.5),
    )
    top = b.track("top", z_base=2)
    # static, disjoint from the star: moves ahead of it into the snapshot
    top.clip("title", asset="title", start=0, end=N, transform=transform(x=20, y=40))
    # static, half over the star: must stay behind it (an overlapping pair never swaps)
    top.clip(
        "over_star", asset="box", start=0, end=N, transform=transform(x=185, y=20), opacity=0.5
    )
    # static, above the held-back box: overlaps it, so it is held back too
    top.clip(
        "over_box", asset="photo", start=0, end=N, transform=transform(x=200, y=35, scale=0.05)
    )
    # static and blurred (an isolated region), disjoint from all the moving ones
    top.clip(
        "soft",
        asset="box",
        start=0,
        end=N,
        transform=transform(x=100, y=100),
        opacity=0.8,
        effects=[blur(3)],
    )
    # moves across the title halfway through, then stays: the title is held back meanwhile
    slide = keyframes([(0, transform(x=-60, y=50)), (12, transform(x=60, y=45))])
    b.track("slider", z_base=3).clip("slider", asset="box", start=0, end=N, transform=slide)
    # static, above the slider and the title
    b.track("cap", z_base=4).clip(
        "cap", asset="title", start=0, end=N, transform=transform(x=40, y=52), opacity=0.6
    )
    return b.build()


def _compositors() -> list[str]:
    names = set(default_registry().names("compositor"))
    return [c for c in ("numpy", "skia", "cairo") if c in names]


def _render(compositor: str, reorder: bool) -> tuple[list[np.ndarray], int]:
    rast = "cairo" if compositor == "cairo" else "skia"
    with open_job(_comp(), assets_root=ASSETS, rasterizer=rast, compositor=compositor) as job:
        job.renderer.reorder = reorder
        frames = [buf for _, buf in job.frames()]
        return frames, job.renderer.stats.layers_drawn


@pytest.mark.parametrize("compositor", _compositors())
def test_reordered_frames_equal_plan_order(compositor: str) -> None:
    got, drawn = _render(compositor, True)
    want, drawn_plan_order = _render(compositor, False)
    for f in range(N):
        np.testing.assert_array_equal(got[f], want[f], err_msg=f"frame {f}")
    assert len({g.tobytes() for g in got}) > N // 2  # the scene does move
    if compositor != "numpy":  # numpy isolates plain layers on the canvas: nothing moves
        assert drawn < drawn_plan_order * 0.85


def test_overlapping_ops_keep_their_order() -> None:
    with open_job(_comp(), assets_root=ASSETS) as job:
        r = job.renderer
        r.render(job.evaluate(0), job.new_surface())
        graph = job.evaluate(1)
        plan = r.plan(graph)
        ops = r._reorder(plan)
    assert sorted(map(repr, ops)) == sorted(map(repr, plan))  # a permutation
    assert ops != plan  # something moved
    pos = {id(op): i for i, op in enumerate(ops)}
    for i, a in enumerate(plan):
        for b in plan[i + 1 :]:
            if not _disjoint(r._op_box(a), r._op_box(b)):
                assert pos[id(a)] < pos[id(b)], (a[1][0], b[1][0])


def test_a_static_blurred_layer_in_the_snapshot_is_blurred_once() -> None:
    # The photo holds still, then moves, under a static blurred box: the snapshot taken
    # while both held still breaks when the photo moves, and the box's cached pixels must
    # still be there (it is not drawn and blurred again).
    b = CompositionBuilder(width=W, height=H, fps=30, duration=N, seed=1)
    b.image("photo", "landscape.jpg")
    b.path("box", "M0,0 L50,0 L50,30 L0,30 Z")
    b.path("star", STAR)
    still_then_move = keyframes(
        [
            (0, transform(scale=0.3)),
            (10, transform(scale=0.3)),
            (N - 1, transform(x=-30, scale=0.3)),
        ]
    )
    b.track("bg").clip("photo", asset="photo", start=0, end=N, transform=still_then_move)
    b.track("top", z_base=1).clip(
        "soft", asset="box", start=0, end=N, transform=transform(x=90, y=50), effects=[blur(4)]
    )
    spin = keyframes(
        [
            (0, transform(x=200, y=30, anchor=(50, 50), scale=0.3)),
            (N - 1, transform(x=200, y=30, rotation_rad=2.0, anchor=(50, 50), scale=0.3)),
        ]
    )  # keeps every frame changing while the photo holds still
    b.track("spin", z_base=2).clip("star", asset="star", start=0, end=N, transform=spin)
    with open_job(b.build(), assets_root=ASSETS) as job:
        rt = next(rt for rt in job.renderer.clips if rt.pixel)
        calls: list[int] = []
        draw = rt.draw

        def counted(*args: object) -> None:
            calls.append(1)
            draw(*args)  # type: ignore[misc]

        rt.draw = counted
        frames = [buf for _, buf in job.frames()]
        assert job.renderer.stats.prefix_hits > 0
    assert len(calls) == 1
    assert not np.array_equal(frames[10], frames[N - 1])
