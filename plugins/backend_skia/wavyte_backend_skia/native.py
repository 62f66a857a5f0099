"""skia wrappers around wavyte's numpy buffers, built once and cached on the `Surface`.

Pixel contract (DESIGN.md §3): a premultiplied BGRA uint8 array (H, W, 4) is wrapped as
``kBGRA_8888`` + ``kPremul`` without copying, both as a drawing target (a raster
``skia.Surface`` whose canvas writes into ``buf``) and as a drawing source (a raster
``skia.Image`` that reads ``buf`` at draw time). Raster images without mipmaps are not
snapshotted by skia, so a cached source wrapper always shows the buffer's current content.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import skia

from wavyte_core.plugin.roles import Affine, Surface

COLOR_TYPE = skia.kBGRA_8888_ColorType
ALPHA_TYPE = skia.kPremul_AlphaType
NATIVE_KEY = "skia"
NEAREST = skia.SamplingOptions(skia.FilterMode.kNearest)
LINEAR = skia.SamplingOptions(skia.FilterMode.kLinear)
CLAMP = skia.TileMode.kClamp


@dataclass(slots=True)
class SkiaTarget:
    """The skia objects of one `Surface`: kept for the job so wrapping happens once."""

    surface: skia.Surface
    canvas: skia.Canvas
    image: skia.Image  # the same pixels as a source, for compositing this surface elsewhere
    buf: np.ndarray  # the wrapped array (skia does not keep it alive); a new buf invalidates


def target(surface: Surface) -> SkiaTarget:
    """The cached skia wrappers of ``surface`` (built on first use, or if ``buf`` changed)."""
    t = surface.native.get(NATIVE_KEY)
    if t is not None and t.buf is surface.buf:
        return t
    buf = surface.buf
    sk = skia.Surface(buf, colorType=COLOR_TYPE, alphaType=ALPHA_TYPE)
    t = SkiaTarget(sk, sk.getCanvas(), wrap_image(buf)[0], buf)
    surface.native[NATIVE_KEY] = t
    return t


def wrap_image(pixels: np.ndarray) -> tuple[skia.Image, np.ndarray]:
    """A zero-copy raster image over premultiplied BGRA pixels, and the array it reads.

    skia does not keep the numpy array alive: the caller must hold the returned array for
    as long as the image is used. A strided view (rare) is copied once to make it readable.
    """
    if not pixels.flags.c_contiguous:
        pixels = np.ascontiguousarray(pixels)
    image = skia.Image.fromarray(pixels, colorType=COLOR_TYPE, alphaType=ALPHA_TYPE, copy=False)
    return image, pixels


def to_matrix(m: Affine) -> skia.Matrix:
    """kurbo ``[a, b, c, d, e, f]`` (x' = a·x + c·y + e, y' = b·x + d·y + f) as a skia.Matrix."""
    a, b, c, d, e, f = m
    return skia.Matrix.MakeAll(a, c, e, b, d, f, 0.0, 0.0, 1.0)


def integer_translation(m: Affine) -> bool:
    """True when ``m`` is the identity plus an integer translation (nearest sampling, §4.4.2)."""
    a, b, c, d, e, f = m
    return a == 1.0 and b == 0.0 and c == 0.0 and d == 1.0 and e == int(e) and f == int(f)
