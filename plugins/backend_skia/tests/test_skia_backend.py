"""The skia backend against the format's semantics (wavyte-format.md §4.4–4.6).

References are small exact numpy transcriptions of the format written here, so the tests
do not depend on the other backends; where the core's NumpyCompositor exists it is
compared too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

skia = pytest.importorskip("skia")

from wavyte_backend_skia import plugin  # noqa: E402
from wavyte_backend_skia.compositor import SkiaCompositor  # noqa: E402
from wavyte_backend_skia.native import NATIVE_KEY, NEAREST, target  # noqa: E402
from wavyte_backend_skia.rasterizer import SkiaRasterizer  # noqa: E402

from wavyte_conformance.contract import (  # noqa: E402
    IDENTITY,
    WHITE,
    CompositorContract,
    RasterizerContract,
    rect_path,
)
from wavyte_core.plugin.roles import Compositor, Rasterizer, Surface  # noqa: E402

# -- exact references (the format's integer math) ----------------------------------------


@pytest.fixture
def ras() -> SkiaRasterizer:
    return SkiaRasterizer()


@pytest.fixture
def comp() -> SkiaCompositor:
    return SkiaCompositor()


# -- plugin ---------------------------------------------------------------------------------


def test_plugin_registers_rasterizer_and_compositor() -> None:
    (r,) = plugin.wavyte_register_rasterizers()
    (c,) = plugin.wavyte_register_compositors()
    assert r.name == c.name == "skia"
    assert r.capabilities == {"paths", "text", "images", "svg"}
    assert {"over", "crossfade", "wipe", "blur", "direct_draw"} <= c.capabilities
    assert r.check() is None and c.check() is None
    assert isinstance(r.factory(), Rasterizer)
    comp = c.factory()
    assert isinstance(comp, Compositor) and comp.direct_draw


# -- surfaces ---------------------------------------------------------------------------------


def test_canvas_draws_straight_into_the_numpy_buffer(ras: SkiaRasterizer) -> None:
    s = Surface.alloc(16, 8)
    buf = s.buf
    ras.fill_path(s, ras.prepare_path(rect_path(0, 0, 4, 4)), IDENTITY, WHITE, 1.0)
    assert s.buf is buf and buf[0, 0].tolist() == [255, 255, 255, 255]
    first = s.native[NATIVE_KEY]
    ras.clear(s)
    assert s.native[NATIVE_KEY] is first  # wrapped once, reused
    assert not buf.any()


def test_new_buffer_rewraps(ras: SkiaRasterizer) -> None:
    s = Surface.alloc(8, 8)
    old = target(s)
    s.buf = np.zeros((4, 4, 4), np.uint8)
    assert target(s) is not old
    ras.fill_path(s, ras.prepare_path(rect_path(0, 0, 8, 8)), IDENTITY, WHITE, 1.0)
    assert s.buf.all()


# -- paths and text -------------------------------------------------------------------------


# -- images -----------------------------------------------------------------------------------


# -- SVG ---------------------------------------------------------------------------------------

SVG_RED_RECT = b"""<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">
<rect x="5" y="0" width="10" height="10" fill="#ff0000"/></svg>"""


def test_render_svg_scales_to_the_raster_size(ras: SkiaRasterizer, tmp_path: Path) -> None:
    out = ras.render_svg(SVG_RED_RECT, tmp_path, 40, 30, 20.0, 10.0)
    assert out.shape == (30, 40, 4) and out.dtype == np.uint8
    expected = np.zeros((30, 40, 4), np.uint8)
    expected[:, 10:30] = (0, 0, 255, 255)  # red, BGRA; x scaled ×2, y ×3
    assert np.array_equal(out, expected)


# -- compositor -------------------------------------------------------------------------------


def test_cached_source_wrapper_sees_new_content(comp: SkiaCompositor) -> None:
    src = Surface.alloc(8, 8)
    src.buf[...] = (10, 20, 30, 200)  # not opaque: a skia blend, not the copy
    dst = Surface.alloc(8, 8)
    comp.over(dst, src, 1.0)
    assert dst.buf[0, 0].tolist() == [10, 20, 30, 200]
    wrapper = src.native[NATIVE_KEY]
    src.buf[...] = (90, 80, 70, 200)
    dst.buf[...] = 0
    comp.over(dst, src, 1.0)
    assert src.native[NATIVE_KEY] is wrapper
    assert dst.buf[4, 4].tolist() == [90, 80, 70, 200]


@pytest.mark.parametrize("precise", [True, False])
def test_over_of_an_opaque_source_equals_skias_blend(precise: bool) -> None:
    # The opaque fast path copies; skia's own blend of the same source must give the same
    # bytes (s + d·(1 − 1) == s), wherever the source is placed.
    rng = np.random.default_rng(11)
    comp = SkiaCompositor(precise=precise)
    for origin in [(0, 0), (7, 3), (13, 9)]:
        d = rng.integers(0, 256, (40, 50, 4), dtype=np.uint8)
        d[..., :3] = np.minimum(d[..., :3], d[..., 3:4])
        s = rng.integers(0, 256, (31, 37, 4), dtype=np.uint8)
        s[..., 3] = 255
        src = Surface(s.copy(), origin=origin)
        fast = Surface(d.copy())
        comp.over(fast, src, 1.0)
        blended = Surface(d.copy())
        paint = comp._over
        paint.setAlpha(255)
        target(blended).canvas.drawImage(target(src).image, *origin, NEAREST, paint)
        assert np.array_equal(fast.buf, blended.buf), origin
        assert not np.array_equal(fast.buf, d)
    # a source reaching outside the frame is not copied: skia clips it
    src = Surface(np.full((10, 10, 4), 255, dtype=np.uint8), origin=(45, 35))
    dst = Surface.alloc(50, 40)
    comp.over(dst, src, 1.0)
    assert (dst.buf[35:, 45:] == 255).all() and not dst.buf[:35].any()


# -- the shared role contracts (conformance/wavyte_conformance/contract.py) ----------------------------------------


class TestSkiaRasterizerContract(RasterizerContract):
    make = staticmethod(SkiaRasterizer)
    # Axis-aligned scales use skia's legacy sampler: 4-bit bilinear weights (1/16 steps).
    bilinear_max_diff = 12


class TestSkiaCompositorContract(CompositorContract):
    make = staticmethod(SkiaCompositor)


# -- stroke outlines kept between frames ------------------------------------------------------


def test_kept_stroke_outline_draws_skias_own_stroke_bytes() -> None:
    """A solid stroke is drawn from its outline, made once per stroking resolution: the
    same bytes as skia stroking the path on every draw, under translations, scales (a new
    resolution rebuilds it), a rotation, translucency, and a stroke thinner than 2 device
    pixels (left to skia's hairline path)."""
    import skia
    from wavyte_backend_skia.native import to_matrix
    from wavyte_backend_skia.vector import _stroke_paint

    from wavyte_core.format.paint import Solid, Stroke
    from wavyte_core.plugin import ellipse_path, rect_path
    from wavyte_core.plugin.asset_kinds import VectorDrawing, VectorShape

    ras = SkiaRasterizer()
    shapes = []
    for width, join, cap in (
        (9.0, "Round", "Round"),
        (4.0, "Miter", "Butt"),
        (1.5, "Bevel", "Square"),
    ):
        st = Stroke(width=width, paint=Solid((250, 40, 90, 200)), join=join, cap=cap)
        shapes.append(
            VectorShape(ellipse_path(30, 24, 22, 14), fill=Solid((20, 200, 60, 255)), stroke=st)
        )
        shapes.append(VectorShape(rect_path(8, 50, 40, 18, radius=6), stroke=st))
    drawing = VectorDrawing(tuple(shapes))
    handle = ras.prepare_vector(drawing)
    assert sum(op[3] is not None for op in handle.ops) == 6  # every solid stroke keeps one
    matrices = [
        (1.0, 0.0, 0.0, 1.0, 3.25, 4.5),
        (1.0, 0.0, 0.0, 1.0, 7.75, 2.0),  # same resolution: the kept outline
        (1.6, 0.0, 0.0, 1.6, 1.0, 1.0),  # a new resolution: rebuilt
        (0.9, 0.45, -0.45, 0.9, 40.0, 3.0),  # rotated
        (0.3, 0.0, 0.0, 0.3, 5.0, 5.0),  # strokes under 2 px: skia's own path
    ]
    for m in matrices:
        for opacity in (1.0, 0.6):
            got = Surface.alloc(160, 140)
            ras.draw_vector(got, handle, m, opacity)
            want = Surface.alloc(160, 140)
            canvas = target(want).canvas
            canvas.save()
            canvas.concat(to_matrix(m))
            if opacity < 1.0:
                canvas.saveLayer(handle.bounds, skia.Paint(Alphaf=opacity))
            for sh in shapes:
                if sh.fill is not None:
                    fill = skia.Paint(
                        AntiAlias=True, Color4f=skia.Color4f(20 / 255, 200 / 255, 60 / 255, 1.0)
                    )
                    canvas.drawPath(ras.prepare_path(sh.path), fill)
                paint, a = _stroke_paint(sh.stroke)
                paint.setAlphaf(a if opacity < 1.0 else a * opacity)
                canvas.drawPath(ras.prepare_path(sh.path), paint)
            if opacity < 1.0:
                canvas.restore()
            canvas.restore()
            assert got.buf.any()
            assert np.array_equal(got.buf, want.buf), (m, opacity)
    kept = [op[3] for op in handle.ops if op[3] is not None]
    # at scale 0.3 the 9 px strokes (2.7 device px) keep an outline, the 4 and 1.5 px go to skia
    assert [o.path is not None for o in kept] == [True, True, False, False, False, False]
    assert all(o.res == 0.3 for o in kept)
