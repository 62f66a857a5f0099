"""Blend modes (clip ``props.blend``) on every installed compositor, held against an
independent float64 transcription of W3C Compositing and Blending Level 1 (`w3c_blend`),
plus the numpy reference's written-down integer rounding and the frame renderer's handling
of blended layers (isolation, no direct draw, prefix snapshots).

Tolerances (levels of 255, against the real-valued W3C result): the numpy reference 2.5
(its three roundings plus, for the float modes, the 8-bit un-premultiplied colours), skia's
float pipeline 1 (its 8-bit pipeline, used for the simple modes, 3), cairo 2.5.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from tests.w3c_blend import ALL_MODES, random_premul, w3c_blend
from wavyte_core.api import open_job
from wavyte_core.format.builder import CompositionBuilder, blur, keyframes, transform
from wavyte_core.plugin.registry import default_registry
from wavyte_core.plugin.roles import Surface
from wavyte_core.render.blend_modes import BLEND_MODES

N_PX = 1500
#: skia draws these with its 8-bit pipeline (speed), measured within 2.6 levels
EIGHT_BIT = {"Multiply", "Screen", "Overlay", "Darken", "Lighten", "HardLight", "Difference"} | {
    "Exclusion",
    "Add",
}
OPACITIES = (1.0, 0.6)


def _compositors() -> list[str]:
    names = set(default_registry().available("compositor"))
    return [c for c in ("numpy", "skia", "cairo") if c in names]


@functools.cache
def _inputs() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(18)
    d = random_premul(rng, N_PX).reshape(30, 50, 4)
    s = random_premul(rng, N_PX).reshape(30, 50, 4)
    return d, s


@functools.cache
def _want(mode: str, opacity: float) -> np.ndarray:
    d, s = _inputs()
    return w3c_blend(mode, d, s, opacity)


@functools.cache
def _compositor(name: str):
    return default_registry().create("compositor", name)


def test_the_mode_list_is_the_formats() -> None:
    from wavyte_core.format.model import BlendMode

    assert BLEND_MODES == tuple(b.value for b in BlendMode) == ALL_MODES


@pytest.mark.parametrize("opacity", OPACITIES)
@pytest.mark.parametrize("mode", ALL_MODES)
@pytest.mark.parametrize("name", _compositors())
def test_blend_matches_the_w3c_formulas(name: str, mode: str, opacity: float) -> None:
    d, s = _inputs()
    dst, src = Surface(d.copy()), Surface(s.copy())
    _compositor(name).blend(dst, src, opacity, mode)
    err = np.abs(dst.buf.astype(np.float64) - _want(mode, opacity))
    tol = 2.5
    if name == "skia":  # its 8-bit pipeline for the simple modes, its float one for the rest
        tol = 3.0 if mode in EIGHT_BIT else 1.0
    assert err.max() <= tol, (err.max(), np.unravel_index(err.argmax(), err.shape))
    assert np.array_equal(src.buf, s)  # the source is not touched


@pytest.mark.parametrize("name", _compositors())
def test_transparent_source_pixels_leave_the_destination(name: str) -> None:
    d, s = _inputs()
    s = s.copy()
    s[:, ::2] = 0
    for mode in ALL_MODES:
        dst = Surface(d.copy())
        _compositor(name).blend(dst, Surface(s), 0.8, mode)
        assert np.array_equal(dst.buf[:, ::2], d[:, ::2]), mode


def _mul(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (x.astype(np.int64) * y + 127) // 255


def test_numpy_rounding_is_the_written_one() -> None:
    """The integer modes, transcribed from the `blend_modes` docstring in int64."""
    d, s = _inputs()
    comp = _compositor("numpy")
    op = 200
    sc = _mul(s, op)
    dd = d.astype(np.int64)
    sa, da = sc[..., 3:4], dd[..., 3:4]

    def generic(x: np.ndarray) -> np.ndarray:
        x = x.copy()
        x[..., 3] = _mul(sa, da)[..., 0]
        return np.minimum(_mul(sc, 255 - da) + _mul(dd, 255 - sa) + x, 255)

    t_diff = np.minimum(_mul(sc, da), _mul(dd, sa))
    t_excl = _mul(sc, dd)

    def sub_twice(t: np.ndarray) -> np.ndarray:
        t0 = t.copy()
        t0[..., 3] = 0
        return np.minimum((sc - t) + (dd - t0), 255)

    hard1 = np.minimum((2 * sc * dd + 127) // 255, 255)
    hard2 = np.maximum(_mul(sa, da) - (2 * (da - dd) * (sa - sc) + 127) // 255, 0)
    expect = {
        "Add": np.minimum(sc + dd, 255),
        "Screen": np.minimum(sc + (dd - _mul(sc, dd)), 255),
        "Darken": np.minimum(
            np.minimum(sc + _mul(dd, 255 - sa), 255), np.minimum(dd + _mul(sc, 255 - da), 255)
        ),
        "Lighten": np.maximum(
            np.minimum(sc + _mul(dd, 255 - sa), 255), np.minimum(dd + _mul(sc, 255 - da), 255)
        ),
        "Difference": sub_twice(t_diff),
        "Exclusion": sub_twice(t_excl),
        "Multiply": generic(_mul(sc, dd)),
        "HardLight": generic(np.where(2 * sc <= sa, hard1, hard2)),
        "Overlay": generic(np.where(2 * dd <= da, hard1, hard2)),
    }
    for mode, want in expect.items():
        dst = Surface(d.copy())
        comp.blend(dst, Surface(s.copy()), op / 255.0, mode)
        assert np.array_equal(dst.buf, want.astype(np.uint8)), mode


# ------------------------------------------------------------------ the frame renderer


def count_draws(job, clip_id: str) -> list[int]:
    """Wrap the draw call of clip ``clip_id``; the returned one-element list counts calls."""
    count = [0]
    renderer = job.renderer
    index = next(info.index for info in job.evaluator.clips if info.clip.id == clip_id)
    rt = renderer.clips[index]
    inner = rt.draw

    def draw(*args):
        count[0] += 1
        return inner(*args)

    rt.draw = draw
    return count


W, H, N = 96, 64, 6


def _scene(mode: str, moving_top: bool = False):
    """A static gradient background, a static blended square, a title moving above it."""
    b = CompositionBuilder(width=W, height=H, fps=30, duration=N, seed=1)
    b.path("bg", f"M0,0 L{W},0 L{W},{H} L0,{H} Z")
    b.path("sq", "M0,0 L40,0 L40,30 L0,30 Z")
    b.path("dot", "M0,0 L8,0 L8,8 L0,8 Z")
    b.track("bg").clip("bg", asset="bg", start=0, end=N, opacity=0.7)
    b.track("mid", z_base=1).clip(
        "blended", asset="sq", start=0, end=N, transform=transform(x=20, y=10), blend=mode
    )
    tr: object = transform(x=60, y=40)
    if moving_top:
        tr = keyframes([(0, transform(x=50, y=40)), (N - 1, transform(x=80, y=40))])
    b.track("top", z_base=2).clip("dot", asset="dot", start=0, end=N, transform=tr)
    return b.build()


@pytest.mark.parametrize("name", _compositors())
def test_blended_layer_is_isolated_and_snapshotted(name: str) -> None:
    """A blended layer under a moving title joins the prefix snapshot: it is drawn once."""
    rast = "cairo" if name == "cairo" else "skia"
    comp = _scene("Difference", moving_top=True)
    with open_job(comp, rasterizer=rast, compositor=name, background=(20, 40, 200, 255)) as job:
        draws = count_draws(job, "blended")
        frames = [job.frame(f).copy() for f in range(N)]
        # the snapshot is taken on frame 1 (the first frame whose prefix repeats)
        assert job.renderer.stats.prefix_hits == N - 2
        assert draws == [1]
    # the blended square is visible: white Difference inverts what lies below
    under = frames[0][5, 5].astype(int)
    px = frames[0][20, 30].astype(int)
    assert px[3] == 255 and np.abs(px[:3] - (255 - under[:3])).max() <= 1, (px, under)
    with open_job(comp, rasterizer=rast, compositor=name, background=(20, 40, 200, 255)) as job:
        job.renderer.reorder = False
        for f in range(N):
            np.testing.assert_array_equal(job.frame(f), frames[f])


def test_blend_is_not_direct_drawn_and_matches_numpy() -> None:
    """On a direct-drawing compositor the blended layer still goes through ``blend``: the
    result differs from Normal and agrees with the numpy reference."""
    comps = [c for c in _compositors() if c != "numpy"]
    if not comps:
        pytest.skip("no native compositor installed")
    for mode in ("Multiply", "Difference", "Saturation"):
        scene = _scene(mode)
        with open_job(scene, rasterizer="skia", compositor="numpy") as job:
            want = job.frame(0).astype(int)
        with open_job(_scene("Normal"), rasterizer="skia", compositor="numpy") as job:
            normal = job.frame(0).astype(int)
        assert np.abs(want - normal).max() > 30, mode
        for name in comps:
            rast = "cairo" if name == "cairo" else "skia"
            with open_job(scene, rasterizer=rast, compositor=name) as job:
                got = job.frame(0).astype(int)
            assert np.abs(got - want).max() <= 3, (mode, name)


def test_blended_layer_with_an_effect() -> None:
    """Effects run before the blend: a blurred Difference layer inverts a soft region, the
    same on every compositor."""

    def comp(effects: list) -> object:
        b = CompositionBuilder(width=W, height=H, fps=30, duration=1)
        b.path("sq", "M0,0 L40,0 L40,30 L0,30 Z")
        b.track("top", z_base=1).clip(
            "m",
            asset="sq",
            start=0,
            end=1,
            transform=transform(x=20, y=10),
            effects=effects,
            blend="Difference",
        )
        return b.build()

    results = {}
    bg = (60, 120, 200, 255)
    for name in _compositors():
        rast = "cairo" if name == "cairo" else "skia"
        with open_job(comp([blur(4)]), rasterizer=rast, compositor=name, background=bg) as job:
            results[name] = job.frame(0).astype(int)
    ref = results.pop("numpy")
    for got in results.values():
        assert np.abs(got - ref).max() <= 3
    with open_job(comp([]), rasterizer="skia", compositor="numpy", background=bg) as job:
        sharp = job.frame(0).astype(int)
    assert tuple(sharp[25, 40, :3]) == (255 - 200, 255 - 120, 255 - 60)  # BGR of 255 − bg
    edge = ref[25, 15:26, 2]  # across the square's left edge (x = 20), blurred: a ramp
    assert len(set(edge.tolist())) >= 4 and not np.array_equal(ref, sharp)
