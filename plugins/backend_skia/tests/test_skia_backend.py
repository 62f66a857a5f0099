"""The skia backend against the format's semantics (wavyte-format.md §4.4–4.6).

References are small exact numpy transcriptions of the format written here, so the tests
do not depend on the other backends; where the core's NumpyCompositor exists it is
compared too.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

skia = pytest.importorskip("skia")

from wavyte_backend_skia import plugin  # noqa: E402
from wavyte_backend_skia.compositor import SkiaCompositor  # noqa: E402
from wavyte_backend_skia.native import NATIVE_KEY, target  # noqa: E402
from wavyte_backend_skia.rasterizer import SkiaRasterizer  # noqa: E402

from wavyte_core.blur import blur_q16, gaussian_kernel_q16  # noqa: E402
from wavyte_core.prepared import PathGeometry, ShapedText, TextLine  # noqa: E402
from wavyte_core.roles import Compositor, Rasterizer, Surface  # noqa: E402

IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
WHITE = (255, 255, 255, 255)


# -- exact references (the format's integer math) ----------------------------------------


def mul_div255(x: np.ndarray, y: np.ndarray | int) -> np.ndarray:
    return (x.astype(np.int32) * y + 127) // 255


def r255(x: float) -> int:
    return min(int(np.float32(x) * np.float32(255) + np.float32(0.5)), 255)


def ref_over(dst: np.ndarray, src: np.ndarray, opacity: float) -> np.ndarray:
    op = r255(min(max(opacity, 0.0), 1.0))
    sa = mul_div255(src[..., 3:4], op)
    inv = 255 - sa
    out = np.minimum(mul_div255(src, op) + mul_div255(dst, inv), 255)
    out[..., 3:4] = np.minimum(sa + mul_div255(dst[..., 3:4], inv), 255)
    return np.where(sa == 0, dst, out).astype(np.uint8)


def ref_lerp(a: np.ndarray, b: np.ndarray, m255: np.ndarray | int) -> np.ndarray:
    return np.minimum(mul_div255(a, 255 - m255) + mul_div255(b, m255), 255).astype(np.uint8)


def ref_wipe_mask(h: int, w: int, t: float, direction: str, soft: float) -> np.ndarray:
    f = np.float32
    t32 = f(min(max(t, 0.0), 1.0))
    axis = f(w if direction in ("ltr", "rtl") else h)
    soft_px = f(max(soft, 0.0)) * axis
    edge = t32 * (axis + f(2) * soft_px) - soft_px
    lo, hi = edge - soft_px, edge + soft_px
    pos = np.arange(int(axis), dtype=np.float32)
    if direction in ("rtl", "btt"):
        pos = pos[::-1].copy()
    if soft_px <= 0:
        m = (pos < edge).astype(np.float32)
    else:
        u = (pos - lo) / (hi - lo)
        s = np.clip((u * u) * (f(3) - f(2) * u), 0, 1)
        s = np.where(pos <= lo, f(0), np.where(pos >= hi, f(1), s))
        m = f(1) - s
    m255 = np.clip(np.floor(m * f(255) + f(0.5)), 0, 255).astype(np.int32)
    if direction in ("ltr", "rtl"):
        return m255[None, :, None]
    return m255[:, None, None]


def ref_blur(src: np.ndarray, r: int, sigma: float) -> np.ndarray:
    q = gaussian_kernel_q16(r, sigma)

    def one_pass(x: np.ndarray) -> np.ndarray:
        w = x.shape[1]
        p = np.pad(x, ((0, 0), (r, r), (0, 0)), mode="edge").astype(np.int64)
        acc = sum(q[k] * p[:, k : k + w] for k in range(2 * r + 1))
        return np.minimum((acc + 32768) >> 16, 255).astype(np.uint8)

    return one_pass(one_pass(src).transpose(1, 0, 2)).transpose(1, 0, 2)


def random_premul(rng: np.random.Generator, h: int, w: int, opaque: bool = False) -> np.ndarray:
    x = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    if opaque:
        x[..., 3] = 255
    x[..., :3] = mul_div255(x[..., :3], x[..., 3:4].astype(np.int32)).astype(np.uint8)
    return x


def rect_path(x0: float, y0: float, x1: float, y1: float) -> PathGeometry:
    pts = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)
    return PathGeometry("MLLLZ", pts, (x0, y0, x1, y1))


def maxdiff(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.abs(a.astype(np.int32) - b.astype(np.int32)).max())


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


def test_integer_rect_fills_exactly_its_pixels(ras: SkiaRasterizer) -> None:
    s = Surface.alloc(32, 32)
    ras.fill_path(s, ras.prepare_path(rect_path(0, 0, 10, 10)), (1, 0, 0, 1, 5, 7), WHITE, 1.0)
    expected = np.zeros((32, 32, 4), np.uint8)
    expected[7:17, 5:15] = 255
    assert np.array_equal(s.buf, expected)


def test_fractional_translation_is_antialiased(ras: SkiaRasterizer) -> None:
    s = Surface.alloc(32, 32)
    ras.fill_path(s, ras.prepare_path(rect_path(0, 0, 10, 10)), (1, 0, 0, 1, 5.5, 7.0), WHITE, 1.0)
    a = s.buf[..., 3]
    assert a[10, 6:15].tolist() == [255] * 9
    assert 100 <= a[10, 5] <= 155 and 100 <= a[10, 15] <= 155  # half-covered columns
    assert abs(int(a.sum()) - 100 * 255) <= 255  # total coverage is the area


def test_rotation(ras: SkiaRasterizer) -> None:
    s = Surface.alloc(40, 40)
    c, sn = math.cos(math.pi / 4), math.sin(math.pi / 4)
    # a 20×20 square centred on the origin, rotated 45°, then moved to (20, 20)
    m = (c, sn, -sn, c, 20.0, 20.0)
    ras.fill_path(s, ras.prepare_path(rect_path(-10, -10, 10, 10)), m, WHITE, 1.0)
    a = s.buf[..., 3]
    # a diamond |x−20| + |y−20| ≤ 14.14 (pixel centres at +0.5)
    assert a[20, 20] == 255 and a[20, 8] == 255 and a[8, 20] == 255 and a[31, 20] == 255
    assert a[7, 7] == 0 and a[32, 32] == 0  # corners of the unrotated square are empty
    assert 0 < a[20, 5] < 128  # the tip is anti-aliased
    assert abs(int(a.sum()) - 400 * 255) <= 5 * 255  # total coverage ≈ the area (±1.25%)


def test_opacity_half_gives_premultiplied_128(ras: SkiaRasterizer) -> None:
    s = Surface.alloc(16, 16)
    ras.fill_path(s, ras.prepare_path(rect_path(0, 0, 16, 16)), IDENTITY, WHITE, 0.5)
    assert maxdiff(s.buf, np.full_like(s.buf, 128)) <= 1


def test_fill_colour_is_premultiplied_bgra(ras: SkiaRasterizer) -> None:
    s = Surface.alloc(4, 4)
    ras.fill_path(s, ras.prepare_path(rect_path(0, 0, 4, 4)), IDENTITY, (10, 60, 100, 128), 1.0)
    assert s.buf[1, 1].tolist() == [10, 60, 100, 128]


def test_text_outline_drawn_in_its_colour(ras: SkiaRasterizer) -> None:
    # Two overlapping "glyph" contours: one path, so the overlap is not double-blended.
    a = rect_path(0, 0, 6, 10)
    b = rect_path(4, 0, 10, 10)
    outline = PathGeometry("MLLLZMLLLZ", np.vstack([a.points, b.points]), (0, 0, 10, 10))
    text = ShapedText(outline, (255, 0, 0, 255), 10.0, 10.0, (TextLine(8, 10, 8, 2, 0),), "Test")
    s = Surface.alloc(20, 20)
    ras.draw_text(s, ras.prepare_text(text), (1, 0, 0, 1, 3, 4), 0.5)
    # red at half opacity, premultiplied BGRA; the overlap (x 7..8) equals the rest
    assert maxdiff(s.buf[8, 3:13], np.array([[0, 0, 128, 128]] * 10)) <= 1
    assert not s.buf[:4].any() and not s.buf[14:].any()


# -- images -----------------------------------------------------------------------------------


def test_image_at_integer_translation_is_pixel_exact(ras: SkiaRasterizer) -> None:
    img = random_premul(np.random.default_rng(1), 9, 13)
    s = Surface.alloc(30, 20)
    ras.draw_image(s, ras.prepare_image(img), (1, 0, 0, 1, 4.0, 3.0), 1.0)
    assert np.array_equal(s.buf[3:12, 4:17], img)
    s.buf[3:12, 4:17] = 0
    assert not s.buf.any()


def bilinear_reference(img: np.ndarray, scale: float, out_h: int, out_w: int) -> np.ndarray:
    """Pixel centres at +0.5, edge clamp (§4.4.2)."""
    h, w = img.shape[:2]
    ys = np.clip((np.arange(out_h) + 0.5) / scale - 0.5, 0, h - 1)
    xs = np.clip((np.arange(out_w) + 0.5) / scale - 0.5, 0, w - 1)
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    fy, fx = (ys - y0)[:, None, None], (xs - x0)[None, :, None]
    f = img.astype(np.float64)
    top = f[y0][:, x0] * (1 - fx) + f[y0][:, x1] * fx
    bot = f[y1][:, x0] * (1 - fx) + f[y1][:, x1] * fx
    return np.rint(top * (1 - fy) + bot * fy)


@pytest.mark.parametrize("opaque", [True, False])
def test_scaled_image_is_bilinear_with_edge_clamp(ras: SkiaRasterizer, opaque: bool) -> None:
    rng = np.random.default_rng(2)
    img = random_premul(rng, 8, 8, opaque=opaque)
    s = Surface.alloc(24, 24)
    ras.draw_image(s, ras.prepare_image(img), (3, 0, 0, 3, 0, 0), 1.0)
    ref = bilinear_reference(img, 3.0, 24, 24)
    # Axis-aligned scales use skia's legacy sampler: 4-bit bilinear weights (1/16 steps).
    assert maxdiff(s.buf, ref) <= 12
    assert float(np.abs(s.buf.astype(np.float64) - ref).mean()) <= 2.5  # random noise: worst case
    nearest = np.repeat(np.repeat(img, 3, 0), 3, 1)
    assert maxdiff(s.buf, nearest) > 10  # really filtered, not nearest


def test_draw_pixels_sees_the_current_frame_content(ras: SkiaRasterizer) -> None:
    frame = np.zeros((4, 4, 4), np.uint8)
    frame[...] = (10, 20, 30, 255)
    s = Surface.alloc(4, 4)
    ras.draw_pixels(s, frame, IDENTITY, 1.0)
    assert s.buf[0, 0].tolist() == [10, 20, 30, 255]
    frame[...] = (40, 50, 60, 255)  # the decoder reuses its array
    ras.draw_pixels(s, frame, IDENTITY, 1.0)
    assert s.buf[2, 2].tolist() == [40, 50, 60, 255]
    strided = np.zeros((4, 8, 4), np.uint8)[:, ::2]
    strided[...] = (1, 2, 3, 255)
    ras.draw_pixels(s, strided, (2, 0, 0, 2, 0, 0), 1.0)
    assert s.buf[3, 3].tolist() == [1, 2, 3, 255]


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


@pytest.fixture
def layers() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    h, w = 48, 64
    return (
        random_premul(rng, h, w),
        random_premul(rng, h, w),
        random_premul(rng, h, w, opaque=True),
        random_premul(rng, h, w),
    )


@pytest.mark.parametrize("opacity", [1.0, 0.5, 0.3, 0.0])
def test_over_matches_exact_math(comp: SkiaCompositor, layers, opacity: float) -> None:
    a, _, opaque_dst, translucent_dst = layers
    for d0 in (opaque_dst, translucent_dst):
        dst = Surface(d0.copy())
        comp.over(dst, Surface(a), opacity)
        assert maxdiff(dst.buf, ref_over(d0, a, opacity)) <= 2


@pytest.mark.parametrize("t", [0.0, 0.1, 0.25, 0.5, 0.9, 1.0])
def test_crossfade_matches_exact_math(comp: SkiaCompositor, layers, t: float) -> None:
    a, b, d0, _ = layers
    dst = Surface(d0.copy())
    comp.crossfade(dst, Surface(a), Surface(b), t)
    expected = ref_over(d0, ref_lerp(a, b, r255(t)), 1.0)
    diff = np.abs(dst.buf.astype(np.int32) - expected)
    assert diff.max() <= 4  # three chained 8-bit blends
    assert (diff > 2).mean() < 0.01


@pytest.mark.parametrize("t", [0.1, 0.25, 0.9])
def test_precise_crossfade_is_within_one_level(layers, t: float) -> None:
    a, b, d0, _ = layers
    dst = Surface(d0.copy())
    SkiaCompositor(precise=True).crossfade(dst, Surface(a), Surface(b), t)
    assert maxdiff(dst.buf, ref_over(d0, ref_lerp(a, b, r255(t)), 1.0)) <= 1


@pytest.mark.parametrize("direction", ["ltr", "rtl", "ttb", "btt"])
@pytest.mark.parametrize("t", [0.0, 0.3, 0.5, 1.0])
@pytest.mark.parametrize("soft", [0.0, 0.1, 0.25])
def test_wipe_matches_exact_math(
    comp: SkiaCompositor, layers, direction: str, t: float, soft: float
) -> None:
    a, b, d0, _ = layers
    dst = Surface(d0.copy())
    comp.wipe(dst, Surface(a), Surface(b), t, direction, soft)
    m = ref_wipe_mask(d0.shape[0], d0.shape[1], t, direction, soft)
    expected = ref_over(d0, ref_lerp(a, b, m), 1.0)
    limit = 1 if soft == 0.0 else 3
    assert maxdiff(dst.buf, expected) <= limit


def test_wipe_format_vectors(comp: SkiaCompositor) -> None:
    red = np.zeros((1, 4, 4), np.uint8)
    red[...] = (0, 0, 255, 255)
    blue = np.zeros((1, 4, 4), np.uint8)
    blue[...] = (255, 0, 0, 255)

    def run(t: float, soft: float) -> list[list[int]]:
        dst = Surface.alloc(4, 1)
        comp.wipe(dst, Surface(red), Surface(blue), t, "ltr", soft)
        return dst.buf[0].tolist()

    assert run(0.0, 0.0) == [[0, 0, 255, 255]] * 4
    assert run(1.0, 0.0) == [[255, 0, 0, 255]] * 4
    assert run(0.5, 0.0) == [[255, 0, 0, 255]] * 2 + [[0, 0, 255, 255]] * 2
    assert run(0.5, 0.25)[2] == [128, 0, 127, 255]  # RGBA [127, 0, 128, 255]


def test_cached_source_wrapper_sees_new_content(comp: SkiaCompositor) -> None:
    src = Surface.alloc(8, 8)
    src.buf[...] = (10, 20, 30, 255)
    dst = Surface.alloc(8, 8)
    comp.over(dst, src, 1.0)
    assert dst.buf[0, 0].tolist() == [10, 20, 30, 255]
    wrapper = src.native[NATIVE_KEY]
    src.buf[...] = (90, 80, 70, 255)
    comp.over(dst, src, 1.0)
    assert src.native[NATIVE_KEY] is wrapper
    assert dst.buf[4, 4].tolist() == [90, 80, 70, 255]


def test_fill_and_copy_are_exact(comp: SkiaCompositor, layers) -> None:
    a = layers[0]
    dst = Surface.alloc(a.shape[1], a.shape[0])
    comp.fill(dst, (1, 2, 3, 4))
    assert (dst.buf == np.array([1, 2, 3, 4], np.uint8)).all()
    comp.copy(dst, Surface(a))
    assert np.array_equal(dst.buf, a)


def test_blur_kernel_vectors() -> None:
    assert gaussian_kernel_q16(3, 2.0).tolist() == [4598, 8590, 12499, 14162, 12499, 8590, 4598]
    assert gaussian_kernel_q16(2, 1.2).tolist() == [5612, 15903, 22506, 15903, 5612]


@pytest.mark.parametrize(("r", "sigma"), [(8, 4.0), (3, 2.0), (1, 0.5), (0, 1.0)])
def test_blur_is_bit_exact(comp: SkiaCompositor, layers, r: int, sigma: float) -> None:
    a = layers[0]
    dst = Surface.alloc(a.shape[1], a.shape[0])
    comp.blur(Surface(a), dst, r, sigma)
    expected = a if r == 0 else ref_blur(a, r, sigma)
    assert np.array_equal(dst.buf, expected)
    assert r == 0 or not np.array_equal(dst.buf, a)


def test_blur_constant_image_is_unchanged() -> None:
    src = np.full((10, 12, 4), 77, np.uint8)
    dst = np.zeros_like(src)
    blur_q16(src, dst, 4, 2.0)
    assert np.array_equal(dst, src)


def test_agrees_with_core_numpy_compositor(comp: SkiaCompositor, layers) -> None:
    numpy_mod = pytest.importorskip("wavyte_core.compositor_numpy")
    ref = numpy_mod.NumpyCompositor()
    a, b, d0, _ = layers
    ops = [
        lambda c, d: c.over(d, Surface(a), 0.7),
        lambda c, d: c.crossfade(d, Surface(a), Surface(b), 0.4),
        lambda c, d: c.wipe(d, Surface(a), Surface(b), 0.6, "rtl", 0.1),
    ]
    for op in ops:
        mine, theirs = Surface(d0.copy()), Surface(d0.copy())
        op(comp, mine)
        op(ref, theirs)
        assert maxdiff(mine.buf, theirs.buf) <= 4
    mine, theirs = Surface.alloc(64, 48), Surface.alloc(64, 48)
    comp.blur(Surface(a), mine, 5, 2.5)
    ref.blur(Surface(a), theirs, 5, 2.5)
    assert np.array_equal(mine.buf, theirs.buf)
