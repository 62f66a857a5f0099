"""cairo wrappers around wavyte's numpy buffers, built once and cached on the `Surface`.

Pixel contract (DESIGN.md §3): cairo's ``FORMAT_ARGB32`` is premultiplied, 32 bits per
pixel in native byte order, i.e. B, G, R, A bytes on a little-endian machine: exactly
wavyte's BGRA buffers. ``ImageSurface.create_for_data`` wraps such a buffer without copying
(pycairo holds a reference to it); the same cairo surface serves as a drawing target (its
`Context`) and as a source (``set_source_surface``), and pixman reads and writes the
numpy memory directly.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import cairo
import numpy as np

from wavyte_core.plugin.roles import Affine, Surface

if sys.byteorder != "little":  # pragma: no cover - the pixel contract assumes little-endian
    raise ImportError("wavyte's BGRA buffers are cairo ARGB32 only on little-endian machines")

NATIVE_KEY = "cairo"
ARGB32 = cairo.FORMAT_ARGB32


@dataclass(slots=True)
class CairoTarget:
    """The cairo objects of one `Surface`: kept for the job so wrapping happens once."""

    surface: cairo.ImageSurface
    ctx: cairo.Context
    buf: np.ndarray  # the wrapped array; a `Surface` given a new buf is wrapped again


def target(surface: Surface) -> CairoTarget:
    """The cached cairo wrappers of ``surface`` (built on first use, or if ``buf`` changed)."""
    t = surface.native.get(NATIVE_KEY)
    if t is not None and t.buf is surface.buf:
        return t
    buf = surface.buf
    cs = wrap_pixels(buf)
    t = CairoTarget(cs, cairo.Context(cs), buf)
    surface.native[NATIVE_KEY] = t
    return t


def cached_target(surface: Surface) -> CairoTarget | None:
    """The cairo wrappers of ``surface`` if they exist and are current, else None."""
    t = surface.native.get(NATIVE_KEY)
    return t if t is not None and t.buf is surface.buf else None


def wrap_pixels(pixels: np.ndarray) -> cairo.ImageSurface:
    """A zero-copy ARGB32 image surface over a C-contiguous, writable (h, w, 4) uint8 array."""
    h, w = pixels.shape[:2]
    return cairo.ImageSurface.create_for_data(pixels, ARGB32, w, h, w * 4)


def drawable(pixels: np.ndarray) -> np.ndarray:
    """``pixels`` itself when cairo can wrap it, else a contiguous writable copy.

    cairo only wraps writable memory (it never writes to a source, but pycairo asks for a
    writable buffer), so a read-only or strided array is copied once.
    """
    if pixels.flags.c_contiguous and pixels.flags.writeable:
        return pixels
    return np.array(pixels, dtype=np.uint8, order="C", copy=True)


def to_matrix(m: Affine) -> cairo.Matrix | None:
    """kurbo ``[a, b, c, d, e, f]`` (x' = a·x + c·y + e, y' = b·x + d·y + f) as a
    cairo.Matrix (same coefficient order), or None when it maps everything to a line or a
    point (cairo refuses singular matrices; such a draw covers no pixels)."""
    a, b, c, d, e, f = m
    det = a * d - b * c
    if det == 0.0 or not math.isfinite(det) or not (math.isfinite(e) and math.isfinite(f)):
        return None
    return cairo.Matrix(a, b, c, d, e, f)


def integer_translation(m: Affine) -> bool:
    """True when ``m`` is the identity plus an integer translation (nearest sampling, §4.4.2)."""
    a, b, c, d, e, f = m
    return (
        a == 1.0
        and b == 0.0
        and c == 0.0
        and d == 1.0
        and float(e).is_integer()
        and float(f).is_integer()
    )
