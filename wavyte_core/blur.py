"""The exact separable Gaussian blur of wavyte-format.md §4.6 (Q16 fixed point), in numpy.

Why integer math: the format defines the blur bit for bit (kernel weights rounded to Q16,
``min((acc + 32768) >> 16, 255)`` per pass, clamp-to-edge), so the numpy compositor can be
the exact reference every native backend is measured against.

How it stays fast: each pass pads the image once with edge values, then accumulates the
2r+1 shifted slices of the padded array into a uint32 accumulator (whole-array numpy, no
per-pixel Python). The kernel is symmetric, so mirrored taps are summed first and
multiplied once. Kernels are cached per (radius, sigma); scratch buffers are cached per
shape in a `BlurScratch` the caller keeps for the whole job.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

__all__ = ["MAX_BLUR_RADIUS", "BlurScratch", "blur_q16", "gaussian_kernel_q16"]

#: The largest radius the format accepts (§1.11: "Blur.radius_px must be <= 256").
MAX_BLUR_RADIUS = 256
_Q16_ONE = 65536
_Q16_HALF = 32768


def _round_half_away(x: float) -> float:
    """Rust ``f64::round``: half away from zero (exact for every f64, unlike floor(x+0.5))."""
    r = math.floor(x)
    diff = x - r  # exact for |x| < 2^52
    if diff >= 0.5:
        r += 1.0
    return r


@lru_cache(maxsize=64)
def _kernel_cached(radius: int, sigma32: float) -> np.ndarray:
    sigma = float(sigma32)  # f32 -> f64, exact
    d = (2.0 * sigma) * sigma
    weights = [math.exp(((-x) * x) / d) for x in (float(i) for i in range(-radius, radius + 1))]
    total = 0.0
    for w in weights:  # summed from i = -r upwards, starting at 0.0
        total += w
    q = [min(max(_round_half_away(w / total * 65536.0), 0.0), 65536.0) for w in weights]
    qi = [int(v) for v in q]
    delta = _Q16_ONE - sum(qi)
    qi[radius] = min(max(qi[radius] + delta, 0), _Q16_ONE)
    out = np.asarray(qi, dtype=np.uint32)
    out.setflags(write=False)
    return out


def gaussian_kernel_q16(radius: int, sigma: float) -> np.ndarray:
    """The 2r+1 Q16 weights of §4.6 (read-only uint32 array, cached).

    ``sigma`` is rounded to f32 first, as the format stores it.
    """
    if radius < 0:
        raise ValueError("blur radius must be >= 0")
    return _kernel_cached(int(radius), float(np.float32(sigma)))


class BlurScratch:
    """Reusable buffers for `blur_q16`, keyed by image shape (one per job or compositor)."""

    __slots__ = ("_bufs",)

    def __init__(self) -> None:
        self._bufs: dict[tuple[object, ...], np.ndarray] = {}

    def get(self, key: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
        k = (key, shape, dtype)
        buf = self._bufs.get(k)
        if buf is None:
            buf = np.empty(shape, dtype=dtype)
            self._bufs[k] = buf
        return buf


def _pass(
    padded: np.ndarray,
    out: np.ndarray,
    q: np.ndarray,
    radius: int,
    axis: int,
    acc: np.ndarray,
    pair: np.ndarray,
    prod: np.ndarray,
) -> None:
    """One 1-D pass along ``axis`` (0 = rows/vertical, 1 = columns/horizontal).

    ``padded`` holds the input with ``radius`` edge copies on both sides of ``axis``;
    ``out`` receives ``min((acc + 32768) >> 16, 255)`` as uint8.
    """
    n = out.shape[axis]
    taps = 2 * radius + 1

    def sl(k: int) -> np.ndarray:
        return padded[k : k + n] if axis == 0 else padded[:, k : k + n]

    symmetric = bool(np.array_equal(q, q[::-1]))
    np.multiply(sl(radius), q[radius], out=acc, dtype=np.uint32)
    if symmetric:
        for k in range(radius):
            w = q[k]
            if w == 0:
                continue
            np.add(sl(k), sl(taps - 1 - k), out=pair, dtype=np.uint16)
            np.multiply(pair, w, out=prod, dtype=np.uint32)
            acc += prod
    else:  # pragma: no cover - the §4.6 kernel is always symmetric; kept for safety
        for k in range(taps):
            if k == radius or q[k] == 0:
                continue
            np.multiply(sl(k), q[k], out=prod, dtype=np.uint32)
            acc += prod
    acc += _Q16_HALF
    acc >>= 16
    np.minimum(acc, 255, out=acc)
    np.copyto(out, acc, casting="unsafe")


def blur_q16(
    src: np.ndarray,
    dst: np.ndarray,
    radius: int,
    sigma: float,
    scratch: BlurScratch | None = None,
) -> None:
    """Blur ``src`` (H, W, C uint8) into ``dst`` (same shape) exactly as §4.6 says.

    Horizontal pass then vertical pass, clamp-to-edge, all channels independent. Radius 0
    copies. ``src`` and ``dst`` may be the same array.
    """
    if radius <= 0:
        if dst is not src:
            np.copyto(dst, src)
        return
    if scratch is None:
        scratch = BlurScratch()
    q = gaussian_kernel_q16(radius, sigma)
    h, w, c = src.shape

    # Horizontal: pad columns once with edge values.
    hp = scratch.get("hpad", (h, w + 2 * radius, c), np.uint8)
    hp[:, radius : radius + w] = src
    hp[:, :radius] = src[:, :1]
    hp[:, radius + w :] = src[:, w - 1 : w]
    # Vertical input: the horizontal result is written straight into the middle rows of
    # the vertically padded buffer, so no extra copy is needed.
    vp = scratch.get("vpad", (h + 2 * radius, w, c), np.uint8)
    acc = scratch.get("acc", (h, w, c), np.uint32)
    prod = scratch.get("prod", (h, w, c), np.uint32)
    pair = scratch.get("pair", (h, w, c), np.uint16)
    _pass(hp, vp[radius : radius + h], q, radius, 1, acc, pair, prod)
    vp[:radius] = vp[radius : radius + 1]
    vp[radius + h :] = vp[radius + h - 1 : radius + h]
    _pass(vp, dst, q, radius, 0, acc, pair, prod)
