"""Chroma key: make pixels near a key colour transparent, and suppress its spill.

Why YCrCb: distance in the chroma plane (Cr, Cb) ignores brightness, so shadows on a
green screen key like the lit parts. The matte ramps from transparent (distance <=
``tolerance``) to kept (distance >= ``tolerance + softness``); distances are in [0, 1]
units of the 8-bit chroma plane (pure green is ≈0.54 from grey). Spill suppression
removes ``spill`` × the component of each pixel's chroma that points towards the key, so
green fringes on hair turn neutral. Un-premultiplies first (the maths is not linear in
the colour), re-premultiplies with the new alpha.
"""

from __future__ import annotations

import cv2
import numpy as np

from .premul import alpha_plane, is_opaque, premultiply, unpremultiply
from .scratch import Scratch

__all__ = ["apply_chroma_key", "key_chroma"]


def key_chroma(rgb: tuple[int, int, int]) -> tuple[float, float]:
    """(Cr, Cb) of a straight RGB colour, as OpenCV's BGR→YCrCb computes them."""
    px = np.array([[[rgb[2], rgb[1], rgb[0]]]], dtype=np.uint8)
    ycc = cv2.cvtColor(px, cv2.COLOR_BGR2YCrCb)[0, 0]
    return float(ycc[1]), float(ycc[2])


def apply_chroma_key(
    src: np.ndarray,
    dst: np.ndarray,
    key: tuple[float, float],
    tolerance: float,
    softness: float,
    spill: float,
    scratch: Scratch,
) -> None:
    """Key ``src`` into ``dst`` (same shape, may be the same array); ``key`` from `key_chroma`.

    Only OpenCV calls (8-bit colour conversions, float32 single-plane arithmetic); an
    opaque layer skips the un-premultiply.
    """
    h, w = src.shape[:2]
    alpha = alpha_plane(src, scratch.get("alpha", (h, w)))
    bgr = scratch.get("bgr", (h, w, 3))
    straight = scratch.get("straight", (h, w, 4))
    a3 = scratch.get("a3", (h, w, 4))
    if is_opaque(alpha):
        cv2.cvtColor(src, cv2.COLOR_BGRA2BGR, dst=bgr)
    else:
        cv2.cvtColor(alpha, cv2.COLOR_GRAY2BGRA, dst=a3)
        unpremultiply(src, a3, straight)
        cv2.cvtColor(straight, cv2.COLOR_BGRA2BGR, dst=bgr)
    ycc = scratch.get("ycc", (h, w, 3))
    cv2.cvtColor(bgr, cv2.COLOR_BGR2YCrCb, dst=ycc)
    y, cr, cb = (scratch.get(n, (h, w)) for n in ("y", "cr", "cb"))
    cv2.split(ycc, [y, cr, cb])
    kcr, kcb = key
    dcr = scratch.get("dcr", (h, w), np.float32)
    dcb = scratch.get("dcb", (h, w), np.float32)
    cv2.subtract(cr, kcr, dst=dcr, dtype=cv2.CV_32F)
    cv2.subtract(cb, kcb, dst=dcb, dtype=cv2.CV_32F)
    dist = scratch.get("dist", (h, w), np.float32)
    cv2.magnitude(dcr, dcb, dist)
    # matte = clamp((dist/255 - tolerance) / softness, 0, 1) · 255
    soft = max(softness, 1.0 / 255.0)
    cv2.subtract(dist, tolerance * 255.0, dst=dist)
    cv2.max(dist, 0.0, dst=dist)
    matte = scratch.get("matte", (h, w))
    cv2.convertScaleAbs(dist, dst=matte, alpha=1.0 / soft)
    if spill > 0.0:
        kr, kb = kcr - 128.0, kcb - 128.0
        norm = float(np.hypot(kr, kb))
        if norm > 1e-6:
            ur, ub = kr / norm, kb / norm
            # p = max(0, (chroma - grey) · û), then chroma -= spill · p · û
            cv2.add(dcr, kr + 128.0, dst=dcr)  # back to the chroma itself (0..255)
            cv2.add(dcb, kb + 128.0, dst=dcb)
            proj = scratch.get("proj", (h, w), np.float32)
            cv2.addWeighted(dcr, ur, dcb, ub, -128.0 * (ur + ub), dst=proj)
            cv2.max(proj, 0.0, dst=proj)
            cv2.scaleAdd(proj, -spill * ur, dcr, dst=dcr)
            cv2.scaleAdd(proj, -spill * ub, dcb, dst=dcb)
            cv2.convertScaleAbs(dcr, dst=cr)
            cv2.convertScaleAbs(dcb, dst=cb)
            cv2.merge([y, cr, cb], dst=ycc)
            cv2.cvtColor(ycc, cv2.COLOR_YCrCb2BGR, dst=bgr)
    # straight BGRA with the keyed alpha, then premultiply by it
    cv2.multiply(alpha, matte, dst=alpha, scale=1.0 / 255.0)
    cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA, dst=straight)
    cv2.insertChannel(alpha, straight, 3)
    cv2.cvtColor(alpha, cv2.COLOR_GRAY2BGRA, dst=a3)
    premultiply(straight, a3, dst)
    cv2.insertChannel(alpha, dst, 3)
