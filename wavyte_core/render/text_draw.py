"""Draw prepared `RichText` ops with any rasterizer: fills through ``fill_path``, glyph
images and shadows through ``draw_image``.

`TextDrawer` is built once per asset per job (native paths and images made then; a
blurred shadow is rasterised and blurred then, at the text's own scale); its ``draw`` is
the per-frame call: one rasterizer call per op.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from wavyte_core.plugin.prepared import FillOp, ImageOp, PathGeometry, ShadowOp, TextOp
from wavyte_core.plugin.roles import Affine, Rasterizer, Surface
from wavyte_core.render.blur import BlurScratch, blur_surface
from wavyte_core.timeline.affine import mul

__all__ = ["TextDrawer", "premul"]


def premul(rgba: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """Straight RGBA8 → premultiplied BGRA8 (rounded), as the rasterizers' fill colour."""
    r, g, b, a = rgba
    return ((b * a + 127) // 255, (g * a + 127) // 255, (r * a + 127) // 255, a)


def _rect_affine(x: float, y: float, sx: float, sy: float) -> Affine:
    return (sx, 0.0, 0.0, sy, x, y)


def shadow_pixels(
    rast: Rasterizer, op: ShadowOp
) -> tuple[np.ndarray, tuple[float, float, float, float]] | None:
    """The shadow of ``op`` as premultiplied pixels and their local rectangle: the
    silhouette filled by ``rast`` on an integer grid, then blurred (the engine's exact
    Gaussian, sigma = blur / 2, as CSS's blur radius)."""
    x0, y0, x1, y1 = op.geometry.bbox
    if x1 <= x0 or y1 <= y0:
        return None
    sigma = op.blur / 2.0
    radius = max(int(math.ceil(3.0 * sigma)), 0)
    dx, dy = op.offset
    ox = math.floor(x0 + dx) - radius - 2
    oy = math.floor(y0 + dy) - radius - 2
    w = math.ceil(x1 + dx) + radius + 2 - ox
    h = math.ceil(y1 + dy) + radius + 2 - oy
    src = Surface.alloc(w, h)
    handle = rast.prepare_path(op.geometry)
    rast.clear(src)
    rast.fill_path(src, handle, (1.0, 0.0, 0.0, 1.0, dx - ox, dy - oy), premul(op.color_rgba8), 1.0)
    rast.flush(src)
    if radius > 0:
        dst = Surface.alloc(w, h)
        src.bounds = (0, 0, w, h)
        blur_surface(src, dst, radius, sigma, BlurScratch())
        out = dst.buf
    else:
        out = src.buf
    src.native.clear()
    return np.ascontiguousarray(out), (float(ox), float(oy), float(w), float(h))


class TextDrawer:
    """The per-frame draw of one `RichText` (or one captions page state)."""

    __slots__ = ("_steps", "_fill", "_image")

    def __init__(self, rast: Rasterizer, ops: Sequence[TextOp]) -> None:
        self._fill = rast.fill_path
        self._image = rast.draw_image
        steps: list[tuple[bool, Any, Any]] = []
        for op in ops:
            if isinstance(op, FillOp):
                if op.geometry.verbs:
                    steps.append((True, rast.prepare_path(op.geometry), premul(op.color_rgba8)))
            elif isinstance(op, ImageOp):
                steps.append(_image_step(rast, op.pixels, op.rect))
            elif isinstance(op, ShadowOp):
                if op.blur <= 0.0:
                    geom = op.geometry
                    dx, dy = op.offset
                    moved = PathGeometry(geom.verbs, geom.points + (dx, dy), geom.bbox)
                    steps.append((True, rast.prepare_path(moved), premul(op.color_rgba8)))
                else:
                    made = shadow_pixels(rast, op)
                    if made is not None:
                        steps.append(_image_step(rast, *made))
        self._steps = tuple(steps)

    def draw(self, s: Surface, m: Affine, o: float, _t: Any = None) -> None:
        fill, image = self._fill, self._image
        for is_fill, handle, extra in self._steps:
            if is_fill:
                fill(s, handle, m, extra, o)
            else:
                image(s, handle, mul(m, extra), o)


def _image_step(
    rast: Rasterizer, pixels: np.ndarray, rect: tuple[float, float, float, float]
) -> tuple[bool, Any, Affine]:
    h, w = pixels.shape[:2]
    x, y, rw, rh = rect
    return (False, rast.prepare_image(pixels), _rect_affine(x, y, rw / w, rh / h))
