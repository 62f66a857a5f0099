"""Premultiplied-alpha helpers built from single OpenCV calls (SIMD, multi-threaded).

Colour maths that is linear in the colour (a colour matrix, a blur, a mix) runs on the
premultiplied pixels directly. Only non-linear colour maths (a LUT, a chroma distance)
un-premultiplies first, and re-premultiplies after.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = [
    "alpha_plane",
    "alpha_splat",
    "alpha_splat_opaque",
    "clamp_to_alpha",
    "over_under",
    "plane_splat",
    "premultiply",
    "unpremultiply",
]

# Rows produce output channels B, G, R, A from the input (B, G, R, A[, 1]).
_SPLAT = np.array([[0, 0, 0, 1.0]] * 4, dtype=np.float32)
_SPLAT_OPAQUE = np.array(
    [[0, 0, 0, 1.0, 0], [0, 0, 0, 1.0, 0], [0, 0, 0, 1.0, 0], [0, 0, 0, 0, 255.0]],
    dtype=np.float32,
)
_FROM_PLANE = np.ones((4, 1), dtype=np.float32)


def alpha_plane(src: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The alpha channel of ``src`` as a contiguous (h, w) plane."""
    cv2.extractChannel(src, 3, dst=out)
    return out


def alpha_splat(src: np.ndarray, out: np.ndarray) -> np.ndarray:
    """(a, a, a, a) for each pixel of ``src``."""
    cv2.transform(src, _SPLAT, dst=out)
    return out


def alpha_splat_opaque(src: np.ndarray, out: np.ndarray) -> np.ndarray:
    """(a, a, a, 255): divides or multiplies the colour by alpha and keeps alpha."""
    cv2.transform(src, _SPLAT_OPAQUE, dst=out)
    return out


def plane_splat(plane: np.ndarray, out: np.ndarray) -> np.ndarray:
    """(v, v, v, v) from a (h, w) plane."""
    cv2.transform(plane, _FROM_PLANE, dst=out)
    return out


def unpremultiply(src: np.ndarray, a3: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Straight colour (rounded) with alpha kept; ``a3`` is `alpha_splat_opaque` of ``src``.

    Fully transparent pixels become (0, 0, 0, 0).
    """
    cv2.divide(src, a3, dst=out, scale=255.0)
    return out


def premultiply(straight: np.ndarray, a3: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``colour * alpha / 255`` (rounded) with alpha kept."""
    cv2.multiply(straight, a3, dst=out, scale=1.0 / 255.0)
    return out


def clamp_to_alpha(img: np.ndarray, a4: np.ndarray) -> np.ndarray:
    """Make ``img`` premultiplied-valid in place: each channel <= alpha. ``a4`` is scratch."""
    alpha_splat(img, a4)
    cv2.min(img, a4, dst=img)
    return img


def over_under(top: np.ndarray, under: np.ndarray, inv4: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out = top + under * (255 - top.alpha) / 255``: ``top`` over ``under``.

    ``inv4`` is scratch of the same shape. ``under`` may be overwritten; ``out`` may be
    ``under`` but not ``top``.
    """
    alpha_splat(top, inv4)
    cv2.bitwise_not(inv4, dst=inv4)
    cv2.multiply(under, inv4, dst=under, scale=1.0 / 255.0)
    cv2.add(top, under, dst=out)
    return out
