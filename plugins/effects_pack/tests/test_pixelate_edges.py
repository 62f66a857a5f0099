"""fx.pixelate through the renderer: when the block size does not divide the canvas, the
blocks cut by the right and bottom edges average only the pixels they cover, so a solid
layer stays solid (and opaque) up to the canvas edge."""

from __future__ import annotations

import numpy as np

from wavyte_core.api import render_frame
from wavyte_core.format.builder import CompositionBuilder, effect, transform


def test_solid_layer_stays_solid_up_to_the_cut_edge() -> None:
    w, h = 200, 108  # 200 = 12·16 + 8, 108 = 6·16 + 12
    b = CompositionBuilder(width=w, height=h, fps=30, duration=1)
    b.path("full", f"M0,0 L{w},0 L{w},{h} L0,{h} Z")
    b.path("inset", "M0,0 L40,0 L40,30 L0,30 Z")
    b.track("solid").clip(
        "solid", asset="full", start=0, end=1, effects=[effect("fx.pixelate", size=16)]
    )
    # a small layer inside the canvas: its blocks still average its transparent surroundings
    b.track("small", z_base=1).clip(
        "small",
        asset="inset",
        start=0,
        end=1,
        transform=transform(x=8, y=8),
        effects=[effect("fx.color_adjust", brightness=-1.0), effect("fx.pixelate", size=16)],
    )
    frame = render_frame(b.build(), 0, backend="skia")
    assert frame[..., 3].min() == 255  # no half-transparent edge rows or columns
    assert (frame[64:, 64:] == 255).all()  # away from the small layer: solid white
    assert (frame[100:, :] == 255).all() and (frame[:, 192:] == 255).all()
    # the small layer's first block holds 8 x 8 of its pixels out of 16 x 16: a quarter black
    assert np.array_equal(frame[0, 0], [191, 191, 191, 255])
