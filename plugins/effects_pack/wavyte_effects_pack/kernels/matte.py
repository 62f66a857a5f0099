"""Layer-growing effects built from the layer's alpha: drop shadow, glow, outline.

Each one makes a coloured matte from the alpha channel (shifted and blurred, blurred and
boosted, or dilated by a distance), turns it into premultiplied colour (single-plane ops),
and puts the layer over it. ``src`` and ``dst`` are views of the same region of the layer, already grown by the
caller by `shadow_margin` / `glow_margin` / `outline_margin`, so nothing is clipped.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .premul import alpha_plane
from .scratch import Scratch

__all__ = [
    "Rgba",
    "apply_drop_shadow",
    "apply_glow",
    "apply_outline",
    "glow_margin",
    "outline_margin",
    "shadow_margin",
]

Rgba = tuple[int, int, int, int]  # straight-alpha RGBA8, as in the format


def _blur_plan(radius: float) -> tuple[int, float, int]:
    """(factor, sigma at that factor, reach in px) of the matte blur (sigma = radius / 2).

    Wide blurs run on a 2× or 4× downsampled matte (block means on a canvas-aligned grid,
    Gaussian, bilinear back up): a soft shadow or glow looks the same and costs 4–16×
    less. ``reach`` bounds how far the result spreads (OpenCV's 8-bit kernel reaches at
    most round(3·sigma) + 1 samples; the bilinear upsampling adds one more).
    """
    if radius <= 0:
        return 1, 0.0, 0
    sigma = radius / 2.0
    f = 1 if sigma < 3.0 else 2 if sigma < 8.0 else 4
    s = sigma / f
    return f, s, f * (int(round(3.0 * s)) + 2)


def shadow_margin(dx: float, dy: float, radius: float) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) growth of a drop shadow."""
    e = _blur_plan(radius)[2]
    return (
        e + max(0, math.ceil(-dx)),
        e + max(0, math.ceil(-dy)),
        e + max(0, math.ceil(dx)),
        e + max(0, math.ceil(dy)),
    )


def glow_margin(radius: float) -> tuple[int, int, int, int]:
    e = _blur_plan(radius)[2]
    return (e, e, e, e)


def outline_margin(width: float) -> tuple[int, int, int, int]:
    e = math.ceil(width) + 1
    return (e, e, e, e)


def _under(
    src: np.ndarray,
    dst: np.ndarray,
    matte: np.ndarray,
    color: Rgba,
    gain: float,
    scratch: Scratch,
) -> None:
    """``dst = src over colour(matte)``: the matte (h, w) scaled by ``gain`` × the colour's
    alpha (saturating), times what the layer leaves uncovered, then coloured.

    All single-plane 8-bit OpenCV ops plus one merge and one add (4-channel transforms and
    per-channel scalar multiplies are much slower in OpenCV). Colour planes are the
    alpha plane times ``colour / 255`` <= 1, so the result stays premultiplied.
    """
    h, w = src.shape[:2]
    r, g, b, a = color
    ga = scratch.get("ga", (h, w))
    cv2.convertScaleAbs(matte, dst=ga, alpha=gain * a / 255.0)
    top = alpha_plane(src, scratch.get("top", (h, w)))
    cv2.bitwise_not(top, dst=top)
    cv2.multiply(ga, top, dst=ga, scale=1.0 / 255.0)
    planes: dict[int, np.ndarray] = {255: ga}
    for i, c in enumerate((b, g, r)):
        if c not in planes:
            plane = scratch.get(f"c{i}", (h, w))
            if c == 0:
                plane.fill(0)
            else:
                cv2.convertScaleAbs(ga, dst=plane, alpha=c / 255.0)
            planes[c] = plane
    under = scratch.get("under", src.shape)
    cv2.merge([planes[b], planes[g], planes[r], ga], dst=under)
    cv2.add(src, under, dst=dst)


def _blur_plane(
    plane: np.ndarray, radius: float, origin: tuple[int, int], scratch: Scratch
) -> None:
    """Blur the (h, w) matte in place; ``origin`` is its top-left corner on the canvas.

    Outside the plane the matte is zero (the layer is transparent there). For a
    downsampled blur the plane is zero-padded by the reach and onto the canvas grid of
    the factor, so a pixel's value never depends on which region of the layer is
    processed (the certification contract checks that).
    """
    f, s, reach = _blur_plan(radius)
    if f == 1:
        if s > 0:
            cv2.GaussianBlur(plane, (0, 0), s, dst=plane, borderType=cv2.BORDER_CONSTANT)
        return
    h, w = plane.shape
    ox, oy = origin
    left = reach + (ox - reach) % f
    top = reach + (oy - reach) % f
    right = reach + (-(left + w + reach)) % f
    bottom = reach + (-(top + h + reach)) % f
    ph, pw = top + h + bottom, left + w + right
    padded = scratch.get("blur_pad", (ph, pw))
    cv2.copyMakeBorder(plane, top, bottom, left, right, cv2.BORDER_CONSTANT, dst=padded, value=0)
    small = scratch.get("blur_small", (ph // f, pw // f))
    cv2.resize(padded, (pw // f, ph // f), dst=small, interpolation=cv2.INTER_AREA)
    cv2.GaussianBlur(small, (0, 0), s, dst=small, borderType=cv2.BORDER_CONSTANT)
    cv2.resize(small, (pw, ph), dst=padded, interpolation=cv2.INTER_LINEAR)
    np.copyto(plane, padded[top : top + h, left : left + w])


def apply_drop_shadow(
    src: np.ndarray,
    dst: np.ndarray,
    dx: float,
    dy: float,
    radius: float,
    color: Rgba,
    opacity: float,
    scratch: Scratch,
    origin: tuple[int, int] = (0, 0),
) -> None:
    """The layer over its shadow: its alpha moved by (dx, dy) (bilinear for fractional
    offsets), blurred with sigma ``radius / 2``, coloured ``color`` × ``opacity``."""
    h, w = src.shape[:2]
    a = alpha_plane(src, scratch.get("alpha", (h, w)))
    matte = scratch.get("matte", (h, w))
    if dx == int(dx) and dy == int(dy):
        matte.fill(0)
        ix, iy = int(dx), int(dy)
        sx0, sx1 = max(0, -ix), min(w, w - ix)
        sy0, sy1 = max(0, -iy), min(h, h - iy)
        if sx1 > sx0 and sy1 > sy0:
            matte[sy0 + iy : sy1 + iy, sx0 + ix : sx1 + ix] = a[sy0:sy1, sx0:sx1]
    else:
        shift = np.array([[1.0, 0.0, dx], [0.0, 1.0, dy]], dtype=np.float32)
        cv2.warpAffine(
            a, shift, (w, h), dst=matte, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT
        )
    _blur_plane(matte, radius, origin, scratch)
    _under(src, dst, matte, color, opacity, scratch)


def apply_glow(
    src: np.ndarray,
    dst: np.ndarray,
    radius: float,
    color: Rgba,
    intensity: float,
    scratch: Scratch,
    origin: tuple[int, int] = (0, 0),
) -> None:
    """The layer over an outer glow: its alpha blurred (sigma ``radius / 2``), multiplied
    by ``intensity`` (saturating, so > 1 spreads the glow) and coloured ``color``."""
    h, w = src.shape[:2]
    matte = alpha_plane(src, scratch.get("matte", (h, w)))
    _blur_plane(matte, radius, origin, scratch)
    _under(src, dst, matte, color, intensity, scratch)


def apply_outline(
    src: np.ndarray, dst: np.ndarray, width: float, color: Rgba, scratch: Scratch
) -> None:
    """The layer over an outline ``width`` px wide around its shape (alpha >= ½), with an
    anti-aliased outer edge (the Euclidean distance to the shape, one pixel of ramp)."""
    h, w = src.shape[:2]
    a = alpha_plane(src, scratch.get("alpha", (h, w)))
    outside = scratch.get("outside", (h, w))
    cv2.threshold(a, 127, 255, cv2.THRESH_BINARY_INV, dst=outside)
    dist = scratch.get("dist", (h, w), np.float32)
    cv2.distanceTransform(outside, cv2.DIST_L2, 5, dst=dist)  # 5×5 chamfer: ≈1 % error
    # d is measured between pixel centres; the shape's edge is half a pixel out from its
    # last pixel centre, so a pixel is fully covered while d <= width:
    # coverage = clamp(width + 1 - d, 0, 1) · 255, rounded into a uint8 matte
    matte = scratch.get("matte", (h, w))
    np.subtract(np.float32(width + 1.0), dist, out=dist)
    np.clip(dist, 0.0, 1.0, out=dist)
    np.multiply(dist, 255.0, out=dist)
    cv2.max(cv2.convertScaleAbs(dist, dst=matte), a, dst=matte)
    _under(src, dst, matte, color, 1.0, scratch)
