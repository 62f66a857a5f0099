"""The format's separable Q16 Gaussian blur (wavyte-format.md §4.6), bit-exact, in numpy.

Why not skia's blur: skia's Gaussian is not truncated at 2r+1 taps and rounds differently;
on a test image (r 8, σ 4) it differs from the format by 5–7 levels, beyond the ~3 level
budget, so the skia compositor uses this exact version. It is whole-array numpy (one
multiply-add per tap and pass) with every work buffer cached per size, so a frame
allocates nothing. A static blurred layer is blurred once by the engine (DESIGN.md §5.11).
"""

from __future__ import annotations

import math

import numpy as np

ROUND_Q16 = np.uint32(32768)
SHIFT_Q16 = 16
ONE_Q16 = 65536


def gaussian_kernel_q16(radius: int, sigma: float) -> tuple[int, ...]:
    """The 2r+1 Q16 weights of §4.6, summing to 65536 (delta added to the middle)."""
    s32 = float(np.float32(sigma))
    d = (2.0 * s32) * s32
    weights = [math.exp(((-float(i)) * float(i)) / d) for i in range(-radius, radius + 1)]
    total = 0.0
    for w in weights:
        total += w
    q = [min(max(_round_half_away(w / total * ONE_Q16), 0), ONE_Q16) for w in weights]
    q[radius] = min(max(q[radius] + ONE_Q16 - sum(q), 0), ONE_Q16)
    return tuple(q)


def _round_half_away(x: float) -> int:
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


class ExactBlur:
    """Runs §4.6 blurs, keeping per-(size, radius) work buffers for the whole job."""

    def __init__(self) -> None:
        self._kernels: dict[tuple[int, float], tuple[int, ...]] = {}
        self._buffers: dict[tuple[int, int, int], tuple[np.ndarray, ...]] = {}

    def __call__(self, src: np.ndarray, dst: np.ndarray, radius: int, sigma: float) -> None:
        """Blur premultiplied BGRA ``src`` into ``dst`` (same shape; must not alias)."""
        if radius <= 0:
            np.copyto(dst, src)
            return
        key = (radius, sigma)
        q = self._kernels.get(key)
        if q is None:
            q = self._kernels[key] = gaussian_kernel_q16(radius, sigma)
        h, w = src.shape[:2]
        bufs = self._buffers.get((h, w, radius))
        if bufs is None:
            bufs = self._buffers[(h, w, radius)] = _alloc(h, w, radius)
        pad_h, pad_v, acc, tmp, mid = bufs
        # Horizontal pass: src -> mid, clamp-to-edge padding along x.
        r = radius
        pad_h[:, r : r + w] = src
        pad_h[:, :r] = src[:, :1]
        pad_h[:, r + w :] = src[:, w - 1 : w]
        _convolve(q, acc, tmp, lambda k: pad_h[:, k : k + w])
        np.copyto(mid, acc, casting="unsafe")
        # Vertical pass: mid -> dst, padding along y (contiguous row slices).
        pad_v[r : r + h] = mid
        pad_v[:r] = mid[:1]
        pad_v[r + h :] = mid[h - 1 : h]
        _convolve(q, acc, tmp, lambda k: pad_v[k : k + h])
        np.copyto(dst, acc, casting="unsafe")


def _alloc(h: int, w: int, r: int) -> tuple[np.ndarray, ...]:
    return (
        np.empty((h, w + 2 * r, 4), np.uint8),
        np.empty((h + 2 * r, w, 4), np.uint8),
        np.empty((h, w, 4), np.uint32),
        np.empty((h, w, 4), np.uint32),
        np.empty((h, w, 4), np.uint8),
    )


def _convolve(q: tuple[int, ...], acc: np.ndarray, tmp: np.ndarray, tap) -> None:
    """``acc = min((Σ q_k·tap(k) + 32768) >> 16, 255)``; max Σ is 255·65536 < 2³²."""
    acc.fill(ROUND_Q16)
    for k, qk in enumerate(q):
        if qk:
            np.multiply(tap(k), np.uint32(qk), out=tmp)
            np.add(acc, tmp, out=acc)
    np.right_shift(acc, SHIFT_Q16, out=acc)
    np.minimum(acc, 255, out=acc)
