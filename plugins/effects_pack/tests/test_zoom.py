"""fx.zoom against the gl-transitions "SimpleZoom" formula it ports: the outgoing layer is
magnified about the centre (``c + (uv − c)·(1 − amount)``, ``amount = smoothstep(0, q, t)``
scaled by strength / (1 + strength)), the incoming one is mixed in unscaled with
``smoothstep(q − 0.2, 1, t)``; two opaque layers never dip to the background."""

from __future__ import annotations

import numpy as np
import pytest
from wavyte_effects_pack.kernels import transitions as tr
from wavyte_effects_pack.kernels.scratch import Scratch

from wavyte_core.api import render_frame
from wavyte_core.format.builder import CompositionBuilder
from wavyte_core.format.model import TransitionSpec


def _smooth(e0: float, e1: float, x: float) -> float:
    u = min(max((x - e0) / (e1 - e0), 0.0), 1.0)
    return u * u * (3 - 2 * u)


def _ramp(h: int, w: int) -> np.ndarray:
    """Opaque, colour linear in x (blue) and y (green): bilinear sampling is exact on it."""
    img = np.empty((h, w, 4), np.uint8)
    img[..., 0] = (np.arange(w) * 200 // (w - 1))[None, :]
    img[..., 1] = (np.arange(h) * 200 // (h - 1))[:, None]
    img[..., 2] = 30
    img[..., 3] = 255
    return img


@pytest.mark.parametrize("t", [0.2, 0.5, 0.7, 0.9])
def test_zoom_is_simplezoom_with_a_bounded_zoom(t: float) -> None:
    h, w, strength, q = 60, 80, 3.0, 0.8
    a = _ramp(h, w)
    b = np.empty_like(a)
    b[...] = (10, 220, 90, 255)
    out = np.empty_like(a)
    tr.zoom(a, b, t, out, strength, (0.5, 0.5), Scratch(), q)
    assert (out[..., 3] == 255).all()  # opaque layers stay opaque: no dip
    amount = _smooth(0.0, q, t) * strength / (1 + strength)
    m = _smooth(q - 0.2, 1.0, t)
    # the shader's sampling, in pixel-centre coordinates
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    cx, cy = w / 2 - 0.5, h / 2 - 0.5
    sx = cx + (xs - cx) * (1 - amount)
    sy = cy + (ys - cy) * (1 - amount)
    x0, y0 = np.floor(sx).astype(int), np.floor(sy).astype(int)
    fx, fy = (sx - x0)[..., None], (sy - y0)[..., None]
    af = a.astype(np.float64)
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    zoomed = (
        af[y0, x0] * (1 - fx) * (1 - fy)
        + af[y0, x1] * fx * (1 - fy)
        + af[y1, x0] * (1 - fx) * fy
        + af[y1, x1] * fx * fy
    )
    want = zoomed * (1 - m) + b.astype(np.float64) * m
    assert np.abs(out - want).max() <= 1.5  # OpenCV's fixed-point bilinear and rounding


def test_zoom_ends_and_endpoints() -> None:
    a = _ramp(24, 32)
    b = np.full_like(a, 255)
    out = np.empty_like(a)
    tr.zoom(a, b, 0.0, out, 1.0, (0.5, 0.5), Scratch())
    assert np.abs(out.astype(int) - a).max() <= 1
    tr.zoom(a, b, 1.0, out, 1.0, (0.5, 0.5), Scratch())
    assert np.array_equal(out, b)
    # before q − 0.2 only the magnified outgoing layer shows; the centre stays put
    tr.zoom(a, b, 0.5, out, 1.0, (0.5, 0.5), Scratch())
    assert np.abs(out[12, 16].astype(int) - a[12, 16]).max() <= 2


def test_zoom_midway_frame_is_opaque_on_a_transparent_background() -> None:
    w, h = 96, 64
    bld = CompositionBuilder(width=w, height=h, fps=30, duration=40)
    bld.path("full", f"M0,0 L{w},0 L{w},{h} L0,{h} Z")
    spec = TransitionSpec(kind="fx.zoom", duration_frames=20, params={"strength": 1.0})
    tr_ = bld.track("t")
    tr_.clip("a", asset="full", start=0, end=30, transition_out=spec)
    tr_.clip("b", asset="full", start=10, end=40, transition_in=spec)
    comp = bld.build()
    for n in (12, 20, 28):
        frame = render_frame(comp, n, backend="skia", background=None)
        assert frame[..., 3].min() == 255, n  # the old zoom shrank b: alpha ≈ 128 mid-way
