"""Straight → premultiplied alpha, once, at the decoding edge (DESIGN.md §3).

The format's rule (wavyte-format.md §4.2) is ``c' = (c·a + 127) // 255``, computed exactly
and without a division by the shift form ``x = c·a + 128; c' = (x + (x >> 8)) >> 8``
(255 is odd, so ``c·a / 255`` is never exactly half-way and that floor is the rounding).
"""

from __future__ import annotations

import numpy as np


def premultiply_bgra(bgra: np.ndarray) -> None:
    """Premultiply a BGRA still (h, w, 4) uint8 in place; a no-op when fully opaque."""
    alpha = bgra[:, :, 3:4]
    if alpha.min() == 255:
        return
    x = np.multiply(bgra[:, :, :3], alpha, dtype=np.uint16)
    x += 128
    x += x >> 8
    x >>= 8
    bgra[:, :, :3] = x
