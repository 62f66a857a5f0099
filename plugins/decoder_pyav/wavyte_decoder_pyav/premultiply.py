"""Straight → premultiplied alpha, once, at the decoding edge (DESIGN.md §3).

The format's rule (wavyte-format.md §4.2) is ``c' = (c·a + 127) // 255``. Because 255 is
odd, ``c·a / 255`` never has a fractional part of exactly one half, so that floor equals
``round(c·a / 255)``, which the classic shift form computes exactly and without a
division:  ``x = c·a + 128;  c' = (x + (x >> 8)) >> 8``  (all in uint16: x ≤ 65153).
"""

from __future__ import annotations

import numpy as np


class Premultiplier:
    """Premultiplies BGRA frames of one size in place, with scratch buffers kept across calls.

    Video sessions call it once per decoded frame with alpha, so the uint16 scratch arrays
    are allocated once per size instead of per frame.
    """

    __slots__ = ("_shape", "_x", "_t")

    def __init__(self) -> None:
        self._shape: tuple[int, ...] = ()
        self._x = np.empty((0, 0, 3), dtype=np.uint16)
        self._t = np.empty((0, 0, 3), dtype=np.uint16)

    def __call__(self, bgra: np.ndarray) -> None:
        """Premultiply ``bgra`` (h, w, 4) uint8 in place; no-op when fully opaque."""
        alpha = bgra[:, :, 3:4]
        if alpha.min() == 255:
            return
        shape = bgra.shape[:2]
        if shape != self._shape:
            self._shape = shape
            self._x = np.empty((*shape, 3), dtype=np.uint16)
            self._t = np.empty((*shape, 3), dtype=np.uint16)
        x, t = self._x, self._t
        np.multiply(bgra[:, :, :3], alpha, out=x, dtype=np.uint16)
        x += 128
        np.right_shift(x, 8, out=t)
        x += t
        x >>= 8
        bgra[:, :, :3] = x


def premultiply_bgra(bgra: np.ndarray) -> None:
    """One-shot in-place premultiply of a BGRA still (images are decoded once per job)."""
    Premultiplier()(bgra)
