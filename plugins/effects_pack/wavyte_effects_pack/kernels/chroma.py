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

from functools import lru_cache

import cv2
import numpy as np

from .premul import alpha_plane, is_opaque, premultiply, unpremultiply
from .scratch import Scratch

__all__ = ["apply_chroma_key", "chroma_tables", "key_chroma"]


def key_chroma(rgb: tuple[int, int, int]) -> tuple[float, float]:
    """(Cr, Cb) of a straight RGB colour, as OpenCV's BGR→YCrCb computes them."""
    px = np.array([[[rgb[2], rgb[1], rgb[0]]]], dtype=np.uint8)
    ycc = cv2.cvtColor(px, cv2.COLOR_BGR2YCrCb)[0, 0]
    return float(ycc[1]), float(ycc[2])


@lru_cache(maxsize=8)
def chroma_tables(
    key: tuple[float, float], tolerance: float, softness: float, spill: float
) -> tuple[np.ndarray, np.ndarray | None]:
    """Lookup tables over every 8-bit (Cr, Cb) pair, indexed by ``Cr << 8 | Cb``:
    the matte (uint8, 255 = kept) and, when ``spill`` > 0, the spill-suppressed chroma
    packed as uint16 ``Cr' << 8 | Cb'``. Both are functions of the chroma only, so a frame
    costs two table lookups instead of float maths per pixel."""
    cr = np.repeat(np.arange(256, dtype=np.float64), 256)
    cb = np.tile(np.arange(256, dtype=np.float64), 256)
    kcr, kcb = key
    dist = np.hypot(cr - kcr, cb - kcb)
    # matte = clamp((dist/255 - tolerance) / softness, 0, 1) · 255
    soft = max(softness, 1.0 / 255.0)
    matte = np.rint(np.clip((dist - tolerance * 255.0) / soft, 0.0, 255.0)).astype(np.uint8)
    if spill <= 0.0:
        return matte, None
    kr, kb = kcr - 128.0, kcb - 128.0
    norm = float(np.hypot(kr, kb))
    if norm <= 1e-6:
        return matte, None
    ur, ub = kr / norm, kb / norm
    # p = max(0, (chroma - grey) · û), then chroma -= spill · p · û
    proj = np.maximum((cr - 128.0) * ur + (cb - 128.0) * ub, 0.0) * spill
    cr2 = np.clip(np.rint(cr - proj * ur), 0, 255).astype(np.uint16)
    cb2 = np.clip(np.rint(cb - proj * ub), 0, 255).astype(np.uint16)
    return matte, (cr2 << 8) | cb2


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

    OpenCV colour conversions plus two lookups in 64 K-entry tables (`chroma_tables`,
    cache-resident); an opaque layer skips the un-premultiply.
    """
    h, w = src.shape[:2]
    matte_t, spill_t = chroma_tables(key, tolerance, softness, spill)
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
    # (Cb, Cr) bytes side by side read as one little-endian uint16 = Cr << 8 | Cb
    pair = scratch.get("pair", (h, w, 2))
    cv2.mixChannels([ycc], [pair], [2, 0, 1, 1])
    idx = scratch.get("idx", (h, w), np.intp)  # intp: np.take then needs no converted copy
    np.copyto(idx, pair.view(np.uint16).reshape(h, w))
    matte = scratch.get("matte", (h, w))
    np.take(matte_t, idx, out=matte)
    if spill_t is not None:
        moved = scratch.get("moved", (h, w), np.uint16)
        np.take(spill_t, idx, out=moved)
        cv2.mixChannels([moved.view(np.uint8).reshape(h, w, 2)], [ycc], [0, 2, 1, 1])
        cv2.cvtColor(ycc, cv2.COLOR_YCrCb2BGR, dst=bgr)
    # straight BGRA with the keyed alpha, then premultiply by it
    cv2.multiply(alpha, matte, dst=alpha, scale=1.0 / 255.0)
    cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA, dst=straight)
    cv2.insertChannel(alpha, straight, 3)
    cv2.cvtColor(alpha, cv2.COLOR_GRAY2BGRA, dst=a3)
    premultiply(straight, a3, dst)
