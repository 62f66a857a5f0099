"""Isolation surfaces sized to the layer: a blurred or cross-faded small layer
gets a surface covering its region of the canvas, and the frames are byte-identical to
canvas-sized isolation on every installed compositor."""

from __future__ import annotations

import numpy as np
import pytest

from wavyte_core.api import open_job
from wavyte_core.format.builder import (
    CompositionBuilder,
    blur,
    crossfade,
    keyframes,
    transform,
    wipe,
)
from wavyte_core.plugin.registry import default_registry

W, H, N = 320, 192, 30


def _comp(pair: str):
    b = CompositionBuilder(width=W, height=H, fps=30, duration=N, seed=3)
    b.path("sq", "M0,0 L40,0 L40,30 L0,30 Z")
    b.path("tri", "M20,0 L40,36 L0,36 Z")
    b.path("edge", "M0,0 L60,0 L60,50 L0,50 Z")
    moving = keyframes(
        [
            (0, transform(x=30, y=40, rotation_rad=0.2)),
            (N - 1, transform(x=200, y=90, rotation_rad=1.1)),
        ]
    )
    b.track("fx").clip(
        "blurred", asset="sq", start=0, end=N, transform=moving, effects=[blur(6), blur(3, 2.0)]
    )
    # A blurred layer touching the canvas corner: clamp-to-edge happens at the canvas border.
    b.track("corner", z_base=1).clip(
        "corner", asset="edge", start=0, end=N, transform=transform(x=-10, y=-8), effects=[blur(5)]
    )
    t_out = crossfade(8) if pair == "crossfade" else wipe(8, "rtl", soft_edge=0.3)
    t_hard = wipe(8, "ttb")
    tr = b.track("pair", z_base=2)
    tr.clip(
        "a",
        asset="sq",
        start=0,
        end=14,
        transform=transform(x=150, y=20, scale=1.5),
        transition_out=t_out,
    )
    tr.clip(
        "b",
        asset="tri",
        start=6,
        end=N,
        transform=transform(x=230, y=120, rotation_rad=0.5),
        transition_in=t_out,
        transition_out=t_hard,
    )
    tr.clip(
        "c",
        asset="edge",
        start=N - 8,
        end=N,
        transform=transform(x=250, y=100),
        transition_in=t_hard,
    )
    return b.build()


def _compositors() -> list[str]:
    names = set(default_registry().names("compositor"))
    return [c for c in ("numpy", "skia", "cairo") if c in names]


@pytest.mark.parametrize("pair", ["crossfade", "wipe"])
@pytest.mark.parametrize("compositor", _compositors())
def test_regions_equal_canvas_isolation(compositor: str, pair: str) -> None:
    comp = _comp(pair)
    rast = "cairo" if compositor == "cairo" else "skia"
    frames = list(range(N))
    with open_job(comp, rasterizer=rast, compositor=compositor, background=None) as job:
        renderer = job.renderer
        assert renderer.regions
        got = [job.frame(f).copy() for f in frames]
        # After the last frame: the blurred layers and the pair b → c (hard wipe) are cached.
        sizes = {
            (c.surface.width, c.surface.height)
            for i, c in renderer._cache.items()
            if renderer.clips[i].pixel or renderer.clips[i].t_in is not None
        }
    with open_job(comp, rasterizer=rast, compositor=compositor, background=None) as job:
        job.renderer.regions = False
        want = [job.frame(f).copy() for f in frames]
    for f in frames:
        np.testing.assert_array_equal(got[f], want[f], err_msg=f"frame {f}")
    assert any(g.any() for g in got)
    assert len(sizes) >= 3 and all(w * h < W * H for w, h in sizes), sizes
