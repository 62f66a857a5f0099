"""The role contracts as abstract pytest classes (fsspec / pandas-extension style).

A rasterizer or compositor plugin subclasses these in its own tests and names its factory;
the tests only use the role interfaces of `wavyte_core.plugin.roles`, so one copy serves every
backend (first-party or third-party) instead of per-backend copies that drift apart::

    from wavyte_conformance.contract import CompositorContract, RasterizerContract

    class TestMyRasterizer(RasterizerContract):
        make = staticmethod(MyRasterizer)

    class TestMyCompositor(CompositorContract):
        make = staticmethod(MyCompositor)
        blend_max_diff = 1     # measured bound against the format's integer math

Compositor results are held against the core's `NumpyCompositor`, which reproduces the
format's §4.5–§4.6 integer math bit for bit (its own tests prove that against the format's
vectors and a per-pixel transcription).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import pytest

from wavyte_core.plugin.prepared import PathGeometry, ShapedText, TextLine
from wavyte_core.plugin.roles import Surface
from wavyte_core.render.compositor_numpy import NumpyCompositor

IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
WHITE = (255, 255, 255, 255)


def rect_path(x0: float, y0: float, x1: float, y1: float) -> PathGeometry:
    pts = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)
    return PathGeometry("MLLLZ", pts, (x0, y0, x1, y1))


def random_premul(rng: np.random.Generator, h: int, w: int, opaque: bool = False) -> np.ndarray:
    """Random valid premultiplied BGRA (every colour channel ≤ alpha)."""
    x = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    if opaque:
        x[..., 3] = 255
    x[..., :3] = ((x[..., :3].astype(np.int32) * x[..., 3:4] + 127) // 255).astype(np.uint8)
    return x


def maxdiff(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.abs(a.astype(np.int32) - b.astype(np.int32)).max())


def bilinear_reference(img: np.ndarray, scale: float, out_h: int, out_w: int) -> np.ndarray:
    """Bilinear sampling with pixel centres at +0.5 and edge clamp (§4.4.2)."""
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


class RasterizerContract:
    """What every rasterizer must draw (wavyte-format.md §4.4)."""

    make: ClassVar[Callable[[], Any]]
    #: Bound of a 3× bilinear upscale against exact bilinear (max, mean) in levels.
    bilinear_max_diff: ClassVar[int] = 2
    bilinear_mean_diff: ClassVar[float] = 2.5

    @pytest.fixture
    def ras(self) -> Any:
        return type(self).make()

    def test_integer_rect_fills_exactly_its_pixels(self, ras: Any) -> None:
        s = Surface.alloc(32, 32)
        ras.fill_path(s, ras.prepare_path(rect_path(0, 0, 10, 10)), (1, 0, 0, 1, 5, 7), WHITE, 1.0)
        expected = np.zeros((32, 32, 4), np.uint8)
        expected[7:17, 5:15] = 255
        assert np.array_equal(s.buf, expected)

    def test_fractional_translation_is_antialiased(self, ras: Any) -> None:
        s = Surface.alloc(32, 32)
        ras.fill_path(
            s, ras.prepare_path(rect_path(0, 0, 10, 10)), (1, 0, 0, 1, 5.5, 7.0), WHITE, 1.0
        )
        a = s.buf[..., 3]
        assert a[10, 6:15].tolist() == [255] * 9
        assert 100 <= a[10, 5] <= 155 and 100 <= a[10, 15] <= 155  # half-covered columns
        assert abs(int(a.sum()) - 100 * 255) <= 255  # total coverage is the area

    def test_rotation(self, ras: Any) -> None:
        s = Surface.alloc(40, 40)
        c, sn = math.cos(math.pi / 4), math.sin(math.pi / 4)
        m = (c, sn, -sn, c, 20.0, 20.0)  # a 20×20 square centred on the origin, rotated 45°
        ras.fill_path(s, ras.prepare_path(rect_path(-10, -10, 10, 10)), m, WHITE, 1.0)
        a = s.buf[..., 3]
        assert a[20, 20] == 255 and a[20, 8] == 255 and a[8, 20] == 255 and a[31, 20] == 255
        assert a[7, 7] == 0 and a[32, 32] == 0  # corners of the unrotated square are empty
        assert 0 < a[20, 5] < 128  # the tip is anti-aliased
        assert abs(int(a.sum()) - 400 * 255) <= 5 * 255  # coverage ≈ the area (±1.25%)

    def test_opacity_half_gives_premultiplied_128(self, ras: Any) -> None:
        s = Surface.alloc(16, 16)
        ras.fill_path(s, ras.prepare_path(rect_path(0, 0, 16, 16)), IDENTITY, WHITE, 0.5)
        assert maxdiff(s.buf, np.full_like(s.buf, 128)) <= 1

    def test_fill_colour_is_premultiplied_bgra(self, ras: Any) -> None:
        s = Surface.alloc(4, 4)
        ras.fill_path(s, ras.prepare_path(rect_path(0, 0, 4, 4)), IDENTITY, (10, 60, 100, 128), 1.0)
        assert s.buf[1, 1].tolist() == [10, 60, 100, 128]

    def test_text_outline_drawn_in_its_colour(self, ras: Any) -> None:
        # Two overlapping "glyph" contours in one path: the overlap is not blended twice.
        a, b = rect_path(0, 0, 6, 10), rect_path(4, 0, 10, 10)
        outline = PathGeometry("MLLLZMLLLZ", np.vstack([a.points, b.points]), (0, 0, 10, 10))
        text = ShapedText(
            outline, (255, 0, 0, 255), 10.0, 10.0, (TextLine(8, 10, 8, 2, 0),), "Test"
        )
        s = Surface.alloc(20, 20)
        ras.draw_text(s, ras.prepare_text(text), (1, 0, 0, 1, 3, 4), 0.5)
        assert maxdiff(s.buf[8, 3:13], np.array([[0, 0, 128, 128]] * 10)) <= 1
        assert not s.buf[:4].any() and not s.buf[14:].any()

    def test_image_at_integer_translation_is_pixel_exact(self, ras: Any) -> None:
        img = random_premul(np.random.default_rng(1), 9, 13)
        s = Surface.alloc(30, 20)
        ras.draw_image(s, ras.prepare_image(img), (1, 0, 0, 1, 4.0, 3.0), 1.0)
        assert np.array_equal(s.buf[3:12, 4:17], img)
        s.buf[3:12, 4:17] = 0
        assert not s.buf.any()

    @pytest.mark.parametrize("opaque", [True, False])
    def test_scaled_image_is_bilinear_with_edge_clamp(self, ras: Any, opaque: bool) -> None:
        img = random_premul(np.random.default_rng(2), 8, 8, opaque=opaque)
        s = Surface.alloc(24, 24)
        ras.draw_image(s, ras.prepare_image(img), (3, 0, 0, 3, 0, 0), 1.0)
        ref = bilinear_reference(img, 3.0, 24, 24)
        assert maxdiff(s.buf, ref) <= self.bilinear_max_diff
        assert float(np.abs(s.buf.astype(np.float64) - ref).mean()) <= self.bilinear_mean_diff
        nearest = np.repeat(np.repeat(img, 3, 0), 3, 1)
        assert maxdiff(s.buf, nearest) > 10  # really filtered, not nearest

    def test_draw_pixels_sees_the_current_frame_content(self, ras: Any) -> None:
        frame = np.zeros((4, 4, 4), np.uint8)
        frame[...] = (10, 20, 30, 255)
        s = Surface.alloc(4, 4)
        ras.draw_pixels(s, frame, IDENTITY, 1.0)
        assert s.buf[0, 0].tolist() == [10, 20, 30, 255]
        frame[...] = (40, 50, 60, 255)  # decoders reuse their array
        ras.draw_pixels(s, frame, IDENTITY, 1.0)
        assert s.buf[2, 2].tolist() == [40, 50, 60, 255]
        strided = np.zeros((4, 8, 4), np.uint8)[:, ::2]
        strided[...] = (1, 2, 3, 255)
        ras.draw_pixels(s, strided, (2, 0, 0, 2, 0, 0), 1.0)
        assert s.buf[3, 3].tolist() == [1, 2, 3, 255]


class CompositorContract:
    """What every compositor must do (§4.5–§4.6), against the exact numpy compositor."""

    make: ClassVar[Callable[[], Any]]
    #: Largest channel difference allowed for blends (the target: exact or ≤ 1).
    blend_max_diff: ClassVar[int] = 1

    @pytest.fixture
    def comp(self) -> Any:
        return type(self).make()

    @pytest.fixture
    def layers(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        rng = np.random.default_rng(7)
        h, w = 48, 64
        return (
            random_premul(rng, h, w),
            random_premul(rng, h, w),
            random_premul(rng, h, w, opaque=True),
            random_premul(rng, h, w),
        )

    def _both(
        self, comp: Any, d0: np.ndarray, op: Callable[[Any, Surface], None]
    ) -> tuple[np.ndarray, np.ndarray]:
        got, want = Surface(d0.copy()), Surface(d0.copy())
        op(comp, got)
        op(NumpyCompositor(), want)
        return got.buf, want.buf

    @pytest.mark.parametrize("opacity", [1.0, 0.5, 0.3, 0.01, 0.0])
    def test_over(self, comp: Any, layers: tuple, opacity: float) -> None:
        a, _, opaque_dst, translucent_dst = layers
        for d0 in (opaque_dst, translucent_dst):
            got, want = self._both(comp, d0, lambda c, d: c.over(d, Surface(a), opacity))
            assert maxdiff(got, want) <= self.blend_max_diff
        if opacity == 0.0:
            assert np.array_equal(got, d0)

    @pytest.mark.parametrize("t", [0.0, 0.1, 0.25, 0.5, 0.9, 1.0])
    def test_crossfade(self, comp: Any, layers: tuple, t: float) -> None:
        a, b, d0, _ = layers
        got, want = self._both(comp, d0, lambda c, d: c.crossfade(d, Surface(a), Surface(b), t))
        assert maxdiff(got, want) <= self.blend_max_diff

    @pytest.mark.parametrize("direction", ["ltr", "rtl", "ttb", "btt"])
    @pytest.mark.parametrize("t", [0.0, 0.3, 0.5, 1.0])
    @pytest.mark.parametrize("soft", [0.0, 0.1, 0.25])
    def test_wipe(self, comp: Any, layers: tuple, direction: str, t: float, soft: float) -> None:
        a, b, d0, _ = layers
        got, want = self._both(
            comp, d0, lambda c, d: c.wipe(d, Surface(a), Surface(b), t, direction, soft)
        )
        assert maxdiff(got, want) <= self.blend_max_diff

    def test_wipe_format_vectors(self, comp: Any) -> None:
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

    def test_source_content_is_read_each_time(self, comp: Any) -> None:
        """A surface drawn twice with new content composites the new content (no stale
        native snapshot)."""
        src, dst = Surface.alloc(8, 8), Surface.alloc(8, 8)
        src.buf[...] = (10, 20, 30, 255)
        comp.over(dst, src, 1.0)
        assert dst.buf[0, 0].tolist() == [10, 20, 30, 255]
        src.buf[...] = (90, 80, 70, 255)
        comp.over(dst, src, 1.0)
        assert dst.buf[4, 4].tolist() == [90, 80, 70, 255]

    def test_fill_and_copy_are_exact(self, comp: Any, layers: tuple) -> None:
        a = layers[0]
        dst = Surface.alloc(a.shape[1], a.shape[0])
        comp.fill(dst, (1, 2, 3, 4))
        assert (dst.buf == np.array([1, 2, 3, 4], np.uint8)).all()
        comp.copy(dst, Surface(a))
        assert np.array_equal(dst.buf, a)

    @pytest.mark.parametrize(("r", "sigma"), [(8, 4.0), (3, 2.0), (1, 0.5), (0, 1.0)])
    def test_blur_is_bit_exact(self, comp: Any, layers: tuple, r: int, sigma: float) -> None:
        a = layers[0]
        got, want = Surface.alloc(a.shape[1], a.shape[0]), Surface.alloc(a.shape[1], a.shape[0])
        comp.blur(Surface(a), got, r, sigma)
        NumpyCompositor().blur(Surface(a), want, r, sigma)
        assert np.array_equal(got.buf, want.buf)
        assert r == 0 or not np.array_equal(got.buf, a)
