"""The "cairo" rasterizer: prepared paths, text, images and video frames drawn with cairo.

Semantics follow wavyte-format.md §4.4: anti-aliased, fill rule non-zero, source-over onto
the surface; a fill's opacity is its colour's alpha and an image's is ``paint_with_alpha``
under a clip (one op per layer, so equal to a group opacity); images are bilinear with
edge clamp (``EXTEND_PAD``), nearest under an integer translation. Paths, image wrappers
and patterns are built once at prepare; a context per `Surface` is cached in
``surface.native["cairo"]``. The ``draw_*`` methods are the per-frame hot path.

Every draw leaves the cached context as it found it (identity matrix, operator OVER, no
clip, no path), so the compositor can share it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cairo
import numpy as np

from wavyte_core.errors import RenderError
from wavyte_core.plugin.prepared import PathGeometry, ShapedText
from wavyte_core.plugin.roles import Affine, Surface

from . import vector
from .native import (
    NATIVE_KEY,
    cached_target,
    drawable,
    integer_translation,
    target,
    to_matrix,
    wrap_pixels,
)
from .paths import build_path

#: Filter for transformed images. Measured against skia's exact bilinear on the bench
#: scene's rotated, shrunk photo: BILINEAR is the format's filter (§4.4.2), closer to skia
#: and faster than GOOD (which box-filters when shrinking).
IMAGE_FILTER = cairo.FILTER_BILINEAR


@dataclass(slots=True)
class CairoImage:
    """A prepared still: its cairo surface and the two patterns it is drawn with."""

    width: int
    height: int
    surface: cairo.ImageSurface
    filtered: cairo.SurfacePattern  # bilinear, pad
    nearest: cairo.SurfacePattern  # integer translations
    pixels: np.ndarray  # the wrapped memory


@dataclass(slots=True)
class CairoText:
    """A prepared text: all glyph outlines as one path, and its straight colour."""

    path: cairo.Path
    rgb: tuple[float, float, float]
    alpha: float


def make_image(pixels: np.ndarray) -> CairoImage:
    """Wrap premultiplied BGRA pixels (copied once only if cairo cannot wrap them)."""
    kept = drawable(pixels)
    surface = wrap_pixels(kept)
    filtered = cairo.SurfacePattern(surface)
    filtered.set_filter(IMAGE_FILTER)
    filtered.set_extend(cairo.EXTEND_PAD)
    nearest = cairo.SurfacePattern(surface)
    nearest.set_filter(cairo.FILTER_NEAREST)
    h, w = kept.shape[:2]
    return CairoImage(w, h, surface, filtered, nearest, kept)


class CairoRasterizer:
    """`wavyte_core.plugin.roles.Rasterizer` on pycairo, drawing straight into numpy buffers."""

    name = "cairo"

    def __init__(self) -> None:
        self._pixels_key: np.ndarray | None = None
        self._pixels_image: CairoImage | None = None

    # -- prepare (once per asset per job) --------------------------------------------------

    def prepare_path(self, geom: PathGeometry) -> cairo.Path:
        return build_path(geom)

    def prepare_text(self, text: ShapedText) -> CairoText:
        r, g, b, a = text.color_rgba8
        return CairoText(build_path(text.outline), (r / 255.0, g / 255.0, b / 255.0), a / 255.0)

    def prepare_image(self, pixels: np.ndarray) -> CairoImage:
        return make_image(pixels)

    # -- per frame -------------------------------------------------------------------------

    def clear(self, surface: Surface) -> None:
        ctx = target(surface).ctx
        ctx.set_operator(cairo.OPERATOR_CLEAR)
        ctx.paint()
        ctx.set_operator(cairo.OPERATOR_OVER)

    def flush(self, surface: Surface) -> None:
        t = cached_target(surface)
        if t is not None:
            t.surface.flush()

    def invalidate(self, surface: Surface) -> None:
        """``surface.buf`` was written by numpy or another library: ``mark_dirty``."""
        t = cached_target(surface)
        if t is not None:
            t.surface.mark_dirty()

    def fill_path(
        self,
        surface: Surface,
        handle: cairo.Path,
        m: Affine,
        color_bgra_premul: tuple[int, int, int, int],
        opacity: float,
    ) -> None:
        b, g, r, a = color_bgra_premul
        if a == 0 or opacity <= 0.0:
            return
        # The straight colour whose premultiplication gives back the premultiplied one.
        self._fill(surface, handle, m, r / a, g / a, b / a, a / 255.0 * min(opacity, 1.0))

    def draw_text(self, surface: Surface, handle: CairoText, m: Affine, opacity: float) -> None:
        if opacity <= 0.0:
            return
        r, g, b = handle.rgb
        self._fill(surface, handle.path, m, r, g, b, handle.alpha * min(opacity, 1.0))

    @staticmethod
    def _fill(
        surface: Surface, path: cairo.Path, m: Affine, r: float, g: float, b: float, a: float
    ) -> None:
        mat = to_matrix(m)
        if mat is None:
            return
        ctx = target(surface).ctx
        ctx.set_matrix(mat)
        ctx.append_path(path)  # transformed to device space as it is appended
        ctx.identity_matrix()
        ctx.set_source_rgba(r, g, b, a)
        _checked(surface, ctx.fill)

    def draw_image(self, surface: Surface, handle: CairoImage, m: Affine, opacity: float) -> None:
        if opacity <= 0.0:
            return
        mat = to_matrix(m)
        if mat is None:
            return
        ctx = target(surface).ctx
        ctx.set_matrix(mat)
        # The pattern locks to the user space in effect now: image pixels = local units.
        ctx.set_source(handle.nearest if integer_translation(m) else handle.filtered)
        ctx.rectangle(0.0, 0.0, handle.width, handle.height)
        if opacity >= 1.0:
            _checked(surface, ctx.fill)
        else:

            def paint() -> None:
                ctx.save()
                ctx.clip()
                ctx.paint_with_alpha(opacity)
                ctx.restore()

            _checked(surface, paint)
        ctx.identity_matrix()

    # -- asset-kind vector drawings (when a kind's values change; drawn per frame) ---------

    def prepare_vector(self, drawing: object) -> vector.CairoVector:
        return vector.prepare_vector(drawing)  # type: ignore[arg-type]

    def draw_vector(
        self, surface: Surface, handle: vector.CairoVector, m: Affine, opacity: float
    ) -> None:
        vector.draw_vector(surface, handle, m, opacity)

    def draw_pixels(self, surface: Surface, pixels: np.ndarray, m: Affine, opacity: float) -> None:
        """Draw a video frame. The wrapper is rebuilt when a different array comes in (a few
        µs, no copy unless the array is strided or read-only); the same array object reuses
        it, marked dirty because the decoder rewrote it."""
        image = self._pixels_image
        if pixels is not self._pixels_key or image is None:
            image = self._pixels_image = make_image(pixels)
            self._pixels_key = pixels
        elif image.pixels is not pixels:  # a copied frame: refresh the copy
            np.copyto(image.pixels, pixels)
            image.surface.mark_dirty()
        else:
            image.surface.mark_dirty()
        self.draw_image(surface, image, m, opacity)


def _checked(surface: Surface, draw: Callable[[], None]) -> None:
    """Run a cairo drawing call (``ctx.fill``, a clipped ``paint_with_alpha``); cairo fails
    ("out of memory") on geometry beyond its fixed-point range (found by fuzzing:
    transforms near 1e16). Its context error is sticky, so the surface's wrappers are
    dropped and the failure becomes a `RenderError`."""
    try:
        draw()
    except cairo.Error as exc:
        surface.native.pop(NATIVE_KEY, None)
        raise RenderError(
            f"cairo cannot draw this layer (coordinates out of range?): {exc}"
        ) from None
