"""The C blend and matte kernels (``_blendpx.c``) against the numpy + OpenCV reference, byte
for byte: every blend mode and matte mode, each ISA variant this CPU runs, odd widths,
strided views, opacities 0, 0.37 and 1, and the edge values (alpha 0 and 255, colour 0 and
equal to alpha, greys, fully saturated colours)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from wavyte_core.plugin.roles import Surface
from wavyte_core.render import blend_native
from wavyte_core.render.blend_modes import BLEND_MODES, BlendKernels
from wavyte_core.render.compositor_numpy import r255
from wavyte_core.render.matte import MATTE_MODES, MatteKernel

MODES = [m for m in BLEND_MODES if m != "Normal"]
OPS = (0, r255(0.37), 255)
SIZES = ((1, 1), (7, 33), (64, 1031), (3, 2))


def _native_routes() -> list[int]:
    native = blend_native.native_blend()
    return list(range(native.best_isa + 1)) if native is not None else []


ISAS = _native_routes()


@functools.cache
def _premul(h: int, w: int, seed: int) -> np.ndarray:
    """Valid premultiplied BGRA (colour ≤ alpha), a third of the pixels at edge values."""
    rng = np.random.default_rng(seed)
    n = h * w
    a = rng.integers(0, 256, n)
    pick = rng.integers(0, 6, n)
    a = np.where(pick == 0, 0, np.where(pick == 1, 255, a))
    c = (rng.integers(0, 256, (n, 3)) * a[:, None] + 127) // 255
    edge = rng.integers(0, 6, (n, 3))
    c = np.where(edge == 0, 0, np.where(edge == 1, a[:, None], c))
    grey = rng.integers(0, 8, n) == 0
    c[grey] = c[grey][:, :1]
    out = np.concatenate([c, a[:, None]], -1).astype(np.uint8).reshape(h, w, 4)
    out.setflags(write=False)
    return out


def _numpy_route(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blend_native, "_native", None)


def _native_route(monkeypatch: pytest.MonkeyPatch, isa: int) -> None:
    native = blend_native.native_blend()
    assert native is not None
    monkeypatch.setattr(native, "isa", isa)


def _by_route(
    monkeypatch: pytest.MonkeyPatch,
    isa: int | None,
    run: Callable[..., np.ndarray],
    *args: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """``run(*args)`` through the numpy + OpenCV reference, then through the C kernels (at
    ``isa``, or the best this CPU runs when None): ``(reference, native)``."""
    with monkeypatch.context() as m:
        _numpy_route(m)
        want = run(*args)
    with monkeypatch.context() as m:
        if isa is not None:
            _native_route(m, isa)
        got = run(*args)
    return want, got


def _blend_both(
    monkeypatch: pytest.MonkeyPatch, isa: int, d: np.ndarray, s: np.ndarray, op: int, mode: str
) -> tuple[np.ndarray, np.ndarray]:
    with monkeypatch.context() as m:
        _numpy_route(m)
        want = d.copy()
        BlendKernels().blend(want, s, op, mode)
    _native_route(monkeypatch, isa)
    got = d.copy()
    BlendKernels().blend(got, s, op, mode)
    return got, want


@pytest.mark.skipif(not ISAS, reason="the C extension is not built")
@pytest.mark.parametrize("isa", ISAS)
@pytest.mark.parametrize("mode", MODES)
def test_blend_is_the_references_bytes(
    isa: int, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i, (h, w) in enumerate(SIZES):
        d, s = _premul(h, w, 2 * i), _premul(h, w, 2 * i + 1)
        for op in OPS:
            got, want = _blend_both(monkeypatch, isa, d, s, op, mode)
            assert np.array_equal(got, want), (mode, (h, w), op, np.argwhere(got != want)[:5])


@pytest.mark.skipif(not ISAS, reason="the C extension is not built")
@pytest.mark.parametrize("isa", ISAS)
@pytest.mark.parametrize("mode", MODES)
def test_blend_every_alpha_pair(isa: int, mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every (source alpha, destination alpha) pair, with colours 0, α, and a random value
    below α, at three opacities: the table of every rounding the integer modes can take."""
    rng = np.random.default_rng(7)
    sa, da = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    sa, da = sa.ravel(), da.ravel()

    def colours(a: np.ndarray) -> np.ndarray:
        c = (rng.integers(0, 256, (a.size, 3)) * a[:, None] + 127) // 255
        edge = rng.integers(0, 4, (a.size, 3))
        return np.where(edge == 0, 0, np.where(edge == 1, a[:, None], c))

    s = np.concatenate([colours(sa), sa[:, None]], -1).astype(np.uint8).reshape(256, 256, 4)
    d = np.concatenate([colours(da), da[:, None]], -1).astype(np.uint8).reshape(256, 256, 4)
    for op in (1, 128, 255):
        got, want = _blend_both(monkeypatch, isa, d, s, op, mode)
        assert np.array_equal(got, want), (mode, op, np.argwhere(got != want)[:5])


@pytest.mark.skipif(not ISAS, reason="the C extension is not built")
@pytest.mark.parametrize("mode", MODES)
def test_blend_of_any_bytes(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not premultiplied (colour above alpha): the C kernels still saturate where OpenCV
    does, so even such input gives the reference's bytes."""
    rng = np.random.default_rng(3)
    d = rng.integers(0, 256, (40, 77, 4), dtype=np.uint8)
    s = rng.integers(0, 256, (40, 77, 4), dtype=np.uint8)
    got, want = _blend_both(monkeypatch, ISAS[-1], d, s, 200, mode)
    assert np.array_equal(got, want)


@pytest.mark.skipif(not ISAS, reason="the C extension is not built")
def test_strided_views_and_the_compositor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the numpy compositor: a source with bounds inside a larger canvas (row
    strides differ from the widths) and opacities 0, 0.37, 1."""
    from wavyte_core.plugin.registry import default_registry

    comp = default_registry().create("compositor", "numpy")
    bottom = _premul(50, 91, 11)
    top = _premul(50, 91, 12)

    def run(opacity: float, mode: str) -> np.ndarray:
        dst = Surface(bottom.copy())
        src = Surface(top.copy())
        src.bounds = (3, 5, 88, 41)
        comp.blend(dst, src, opacity, mode)
        return dst.buf

    for mode in ("Overlay", "SoftLight", "Hue", "Add"):
        for opacity in (0.0, 0.37, 1.0):
            want, got = _by_route(monkeypatch, None, run, opacity, mode)
            assert np.array_equal(want, got), (mode, opacity)
            if opacity == 0.0:
                assert np.array_equal(got, bottom)


@pytest.mark.skipif(not ISAS, reason="the C extension is not built")
@pytest.mark.parametrize("isa", ISAS)
@pytest.mark.parametrize("mode", MATTE_MODES)
def test_matte_is_the_references_bytes(
    isa: int, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Odd sizes, the matte surface offset from the layer (so both are strided views)."""

    def run(layer: np.ndarray, matte: np.ndarray, bounds: tuple[int, ...]) -> np.ndarray:
        lay = Surface(layer.copy())
        lay.bounds = bounds
        mat = Surface(matte.copy())
        mat.origin = (2, 1)
        MatteKernel().apply(lay, mat, mode)
        return lay.buf

    for i, (h, w) in enumerate((*SIZES, (256, 256))):
        layer = _premul(h + 4, w + 6, 20 + i)
        matte = _premul(h + 2, w + 3, 40 + i)
        want, got = _by_route(monkeypatch, isa, run, layer, matte, (1, 2, w + 5, h + 3))
        assert np.array_equal(want, got), (mode, (h, w))


def test_native_kernels_are_built_here() -> None:
    """`make` builds the optional C kernels on this machine (a silent fallback to numpy
    would keep the bytes but lose most of the speed)."""
    assert blend_native.native_blend() is not None


@pytest.mark.skipif(not ISAS, reason="the C extension is not built")
@pytest.mark.parametrize("isa", ISAS)
def test_mul_div255_of_every_pair(isa: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The C ``mul`` (a shift form of ``(x·y + 127) // 255``) on all 65536 pairs, through an
    ``Alpha`` matte: layer value x (row), matte alpha y (column)."""
    _native_route(monkeypatch, isa)
    x, y = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    layer = Surface(np.repeat(x[..., None], 4, -1).astype(np.uint8))
    matte = Surface(np.repeat(y[..., None], 4, -1).astype(np.uint8))
    MatteKernel().apply(layer, matte, "Alpha")
    want = (x * y + 127) // 255
    assert np.array_equal(layer.buf, np.repeat(want[..., None], 4, -1).astype(np.uint8))


@pytest.mark.skipif(not ISAS, reason="the C extension is not built")
@pytest.mark.parametrize("mode", ["Hue", "Overlay", "Luma"])
def test_row_bands_on_threads(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Split across 3 threads (uneven bands over 31 rows): the reference's bytes."""
    from wavyte_core.render import blur

    monkeypatch.setattr(blend_native, "PARALLEL_MIN_PIXELS", 1)
    old = blur.blur_threads()
    blur.set_blur_threads(3)
    try:
        d, s = _premul(31, 45, 60), _premul(31, 45, 61)
        if mode in MATTE_MODES:

            def run() -> np.ndarray:
                lay = Surface(d.copy())
                MatteKernel().apply(lay, Surface(s), mode)
                return lay.buf

            want, got = _by_route(monkeypatch, None, run)
        else:
            got, want = _blend_both(monkeypatch, ISAS[-1], d, s, 200, mode)
        assert np.array_equal(got, want)
    finally:
        blur.set_blur_threads(old)


@pytest.mark.skipif(not ISAS, reason="the C extension is not built")
@pytest.mark.parametrize("isa", ISAS)
def test_over_is_the_references_bytes(isa: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """``Normal`` (the numpy compositor's ``over``): premultiplied and arbitrary bytes (the
    reference zeroes source pixels whose scaled alpha is 0, whatever their colour), an
    opaque source at full opacity (the reference copies it), opacities 1/255 to 1."""
    from wavyte_core.plugin.registry import default_registry

    comp = default_registry().create("compositor", "numpy")
    rng = np.random.default_rng(5)
    opaque = _premul(9, 41, 70).copy()
    opaque[..., 3] = 255
    cases = [(_premul(h, w, 80 + i), _premul(h, w, 90 + i)) for i, (h, w) in enumerate(SIZES)]
    cases.append((_premul(9, 41, 71), opaque))
    cases.append(tuple(rng.integers(0, 256, (2, 23, 57, 4), dtype=np.uint8)))
    # whole 256-pixel chunks that are transparent, opaque, or transparent but for a few
    # alpha-1 pixels (0 once scaled by a low opacity), then a mixed run
    sparse = _premul(9, 1100, 72).copy()
    sparse[:, :256] = 0
    sparse[:, 256:512, 3] = 255
    sparse[:, 512:768] = 0
    sparse[3:6, 600:604, 3] = 1
    cases.append((_premul(9, 1100, 73), sparse))

    def run(d: np.ndarray, s: np.ndarray, op: int) -> np.ndarray:
        out = d.copy()
        comp._over_region(out, s, op)
        return out

    for d, s in cases:
        for op in (1, 2, OPS[1], 128, 254, 255):
            want, got = _by_route(monkeypatch, isa, run, d, s, op)
            assert np.array_equal(want, got), (d.shape, op)
