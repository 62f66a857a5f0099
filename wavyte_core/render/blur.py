"""The exact separable Gaussian blur of wavyte-format.md §4.6 (Q16 fixed point).

Why integer math: the format defines the blur bit for bit (kernel weights rounded to Q16,
``min((acc + 32768) >> 16, 255)`` per pass, clamp-to-edge), so every compositor produces
the same bytes and the numpy compositor can be the exact reference.

How it is fast and still exact: a pass is a float32 convolution along rows with
replicated borders. Every product ``q_k · x`` and every partial sum is an integer below
2^24 (Σq = 65536, x ≤ 255), so float32 holds it exactly whatever order the taps are summed
in; the kernel is scaled by 2^-16 (exact) and 0.5 is added, so the result is
``(acc + 32768) / 65536`` exactly, and the float → uint8 cast (truncation) is the format's
``>> 16``. The vertical pass runs as a horizontal one on the transposed image; between the
passes the image is uint8. Each pass is split into row bands across the process's CPUs
(threads: the native code, OpenCV and numpy release the GIL).

Two implementations of the row pass, with the same bytes (tests/test_blur.py runs both):

- ``_rowblur.c``, an optional C extension loaded with ctypes: 64 outputs in vector
  registers per step, AVX-512 or AVX2 chosen at run time (plain C elsewhere) — ≈2× OpenCV;
- OpenCV's float32 ``filter2D`` (or ``sepFilter2D`` above 129 taps, which never switches to
  a rounding DFT) on cache-sized bands, when the extension is not built, for the
  theoretical Σq > 65536 kernels (§4.6's middle-weight clamp; float64, still exact) and for
  strided rows. On this route an opaque layer blurs B, G, R only (a constant channel blurs
  to itself), which pays there.

Figures: ``scripts/benchmarks/blur_speed.py``. The bound is the convolution itself: 2 × 81
multiply-adds per channel value at radius 40.

OpenCV (``opencv-python-headless``) is imported on first use, not at import time, so the
CLI's start-up does not pay for it. Scratch buffers are cached per shape in a
`BlurScratch` the caller keeps for the whole job.
"""

from __future__ import annotations

import itertools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

import numpy as np

from wavyte_core.plugin.roles import Surface, is_opaque

__all__ = [
    "MAX_BLUR_RADIUS",
    "BlurScratch",
    "blur_q16",
    "blur_surface",
    "blur_threads",
    "blur_threads_per_worker",
    "gaussian_kernel_q16",
    "opencv",
    "set_blur_threads",
]

#: The largest radius the format accepts (§1.11: "Blur.radius_px must be <= 256").
MAX_BLUR_RADIUS = 256
_Q16_ONE = 65536
_Q16_HALF = 32768
#: Float32 represents every integer below 2^24 exactly.
_F32_EXACT = 1 << 24
#: OpenCV's filter2D may switch to a DFT from 130 taps on; stay below with it.
_DIRECT_TAPS_MAX = 129


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
    """Reusable buffers for `blur_q16` (one per job or compositor).

    One flat buffer per role, grown only when a larger image arrives; each call carves a
    contiguous view of the shape it needs, so a layer whose bounds change every frame
    (a moving blurred title) allocates nothing after its largest frame.
    """

    __slots__ = ("_flat",)

    def __init__(self) -> None:
        self._flat: dict[str, np.ndarray] = {}

    def get(self, key: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
        n = math.prod(shape)
        buf = self._flat.get(key)
        if buf is None or buf.dtype != dtype or buf.size < n:
            buf = np.empty(n, dtype=dtype)
            self._flat[key] = buf
        return buf[:n].reshape(shape)


@lru_cache(maxsize=64)
def _scaled_kernel(radius: int, sigma32: float) -> tuple[np.ndarray, bool]:
    """The kernel divided by 2^16 as a (1, 2r+1) row (float32 when every sum fits in 24
    bits, else float64), and whether a pass result can exceed 255 (only if Σq > 65536)."""
    q = _kernel_cached(radius, sigma32)
    total = int(q.sum())
    exact32 = total * 255 + _Q16_HALF < _F32_EXACT
    dtype = np.float32 if exact32 else np.float64
    k = (q.astype(np.float64) / _Q16_ONE).astype(dtype).reshape(1, -1)
    k.setflags(write=False)
    return k, total > _Q16_ONE


_cv2: Any = None


def opencv() -> Any:
    """OpenCV, imported on first use (≈30–60 ms): jobs whose layers blend or blur call
    this while preparing (`job.Job`), so the import is not paid inside the frame loop."""
    global _cv2
    if _cv2 is None:
        import cv2

        _cv2 = cv2
    return _cv2


class _NativeRows:
    """The C row pass (``wavyte_core/render/_rowblur.c``) through ctypes, which releases the GIL
    for the call. ``isa``: 2 AVX-512, 1 AVX2, 0 plain C — the best this CPU runs unless
    lowered (tests run every variant the CPU has)."""

    def __init__(self, lib: Any) -> None:
        import ctypes

        p, i, lg = ctypes.c_void_p, ctypes.c_int, ctypes.c_long
        self._fn = lib.wavyte_rowblur
        self._fn.argtypes = [p, lg, p, lg, i, i, i, p, i, p, i]
        self._fn.restype = None
        lib.wavyte_rowblur_best_isa.restype = i
        self.best_isa = int(lib.wavyte_rowblur_best_isa())
        self.isa = self.best_isa

    def __call__(
        self,
        src: np.ndarray,
        dst: np.ndarray,
        n: int,
        w: int,
        c: int,
        k: np.ndarray,
        r: int,
        pad: np.ndarray,
    ) -> None:
        self._fn(
            src.ctypes.data, src.strides[0], dst.ctypes.data, dst.strides[0],
            n, w, c, k.ctypes.data, r, pad.ctypes.data, self.isa,
        )  # fmt: skip


_native: _NativeRows | None | bool = False  # False: not looked for yet


def _native_rows() -> _NativeRows | None:
    """The compiled row pass, or None (not built — it is optional — or WAVYTE_BLUR_NATIVE=0):
    then OpenCV does the pass, with the same bytes."""
    global _native
    if _native is False:
        _native = None
        if os.environ.get("WAVYTE_BLUR_NATIVE", "1") != "0":
            import ctypes
            import importlib.util

            try:
                spec = importlib.util.find_spec("wavyte_core.render._rowblur")
                if spec is not None and spec.origin:
                    _native = _NativeRows(ctypes.CDLL(spec.origin))
            except (ImportError, OSError, AttributeError):
                _native = None
    return _native  # type: ignore[return-value]


def _threads_default() -> int:
    env = os.environ.get("WAVYTE_BLUR_THREADS", "")
    if env.strip().isdigit() and int(env) > 0:
        return min(int(env), _MAX_THREADS)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, _MAX_THREADS))


#: Threads one blur may use (the process's CPUs unless WAVYTE_BLUR_THREADS says otherwise;
#: render workers set it to their share of the machine).
_MAX_THREADS = 8
_threads = _threads_default()
_pool: ThreadPoolExecutor | None = None
#: Below this many channel values a pass runs on the calling thread (hand-off costs more).
_PARALLEL_MIN_VALUES = 1 << 17
#: Rows of float scratch per band: about 256 KiB, so a band stays in L2 between the
#: conversion, the convolution and the rounding.
_BAND_BYTES = 1 << 18


def set_blur_threads(n: int) -> None:
    """Use ``n`` threads per blur from now on (1 = the calling thread only)."""
    global _threads, _pool
    n = max(1, min(int(n), _MAX_THREADS))
    if n != _threads and _pool is not None:
        _pool.shutdown(wait=True)
        _pool = None
    _threads = n


def blur_threads() -> int:
    return _threads


def blur_threads_per_worker(workers: int) -> int:
    """The blur threads each of ``workers`` render processes should use: their share of the
    CPUs, so parallel workers do not oversubscribe the machine."""
    return max(1, _threads_default() // max(1, workers))


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=_threads - 1, thread_name_prefix="wavyte-blur")
    return _pool


def _rows_pass(
    cv2: Any,
    src: np.ndarray,
    dst: np.ndarray,
    k: np.ndarray,
    clamp: bool,
    scratch: BlurScratch,
    slot: int,
) -> None:
    """``dst = min(floor((Σ q_k · src[x + k − r] + 32768) / 65536), 255)`` along rows, with
    clamp-to-edge; ``src`` and ``dst`` are uint8 (n, w, c).

    Works in bands of rows: convert to float, convolve, round down — the float band stays in
    cache. The kernel has one row, so a band's convolution reads no row outside it. The
    float → uint8 cast truncates, which is ``floor`` for these non-negative values.
    """
    n, w, c = src.shape
    native = _native_rows()
    if (
        native is not None
        and not clamp
        and k.dtype == np.float32
        and src.strides[1:] == (c, 1)
        and dst.strides[1:] == (c, 1)
    ):
        r = k.shape[1] // 2
        pad = scratch.get(f"pad{slot}", ((w + 2 * r) * c,), np.float32)
        native(src, dst, n, w, c, k, r, pad)
        return
    ft = k.dtype.type
    band = max(1, _BAND_BYTES // (w * c * k.dtype.itemsize))
    f = scratch.get(f"f{slot}", (min(band, n), w, c), ft)
    a = scratch.get(f"a{slot}", (min(band, n), w, c), ft)
    depth = cv2.CV_32F if ft is np.float32 else cv2.CV_64F
    direct = k.shape[1] <= _DIRECT_TAPS_MAX
    one = None if direct else np.ones((1, 1), dtype=k.dtype)
    for r0 in range(0, n, band):
        r1 = min(r0 + band, n)
        fb, ab = f[: r1 - r0], a[: r1 - r0]
        np.copyto(fb, src[r0:r1])
        if direct:
            cv2.filter2D(fb, depth, k, dst=ab, delta=0.5, borderType=cv2.BORDER_REPLICATE)
        else:  # sepFilter2D never switches to a (rounding) DFT
            cv2.sepFilter2D(fb, depth, k, one, dst=ab, delta=0.5, borderType=cv2.BORDER_REPLICATE)
        if clamp:
            np.minimum(ab, 255.0, out=ab)
        np.copyto(dst[r0:r1], ab, casting="unsafe")  # integers 0..255: the cast is exact


def _pass(
    cv2: Any, src: np.ndarray, dst: np.ndarray, k: np.ndarray, clamp: bool, scratch: BlurScratch
) -> None:
    """One horizontal pass over all rows, split across the blur threads when it pays."""
    n = src.shape[0]
    parts = min(_threads, n) if src.size >= _PARALLEL_MIN_VALUES else 1
    if parts <= 1:
        _rows_pass(cv2, src, dst, k, clamp, scratch, 0)
        return
    spans = list(itertools.pairwise(n * i // parts for i in range(parts + 1)))
    pool = _executor()
    futures = [
        pool.submit(_rows_pass, cv2, src[b0:b1], dst[b0:b1], k, clamp, scratch, i)
        for i, (b0, b1) in enumerate(spans[1:], start=1)
    ]
    b0, b1 = spans[0]
    try:  # the calling thread takes the first part itself: one hand-off fewer
        _rows_pass(cv2, src[b0:b1], dst[b0:b1], k, clamp, scratch, 0)
    finally:
        for fut in futures:
            fut.result()


def blur_q16(
    src: np.ndarray,
    dst: np.ndarray,
    radius: int,
    sigma: float,
    scratch: BlurScratch | None = None,
) -> None:
    """Blur ``src`` (H, W, C uint8, C ≤ 4) into ``dst`` (same shape) exactly as §4.6 says.

    Horizontal pass then vertical pass, clamp-to-edge, all channels independent. Radius 0
    copies. ``src`` and ``dst`` may be the same array or views into larger arrays.
    """
    if radius <= 0:
        if dst is not src:
            np.copyto(dst, src)
        return
    h, w, c = src.shape
    if h == 0 or w == 0:
        return
    if scratch is None:
        scratch = BlurScratch()
    cv2 = opencv()
    k, clamp = _scaled_kernel(int(radius), float(np.float32(sigma)))
    if c == 4 and not clamp and _native_rows() is None and is_opaque(src):
        # A constant channel blurs to itself (Σq = 65536, clamp-to-edge): blur B, G, R
        # only and write alpha 255 back — a quarter less work for the common opaque
        # background (a photo or video filling the canvas).
        src3 = scratch.get("src3", (h, w, 3), np.uint8)
        cv2.cvtColor(src, cv2.COLOR_BGRA2BGR, dst=src3)  # contiguous: converts 2× faster
        cols3 = _blur_channels(cv2, src3, k, clamp, scratch)
        out3 = scratch.get("out3", (h, w, 3), np.uint8)
        cv2.transpose(cols3, dst=out3)
        cv2.cvtColor(out3, cv2.COLOR_BGR2BGRA, dst=dst)
        return
    cols = _blur_channels(cv2, src, k, clamp, scratch)
    if dst.flags.c_contiguous or dst.strides[1:] == (4, 1):
        cv2.transpose(cols, dst=dst)  # OpenCV writes through a strided row view
    else:
        np.copyto(dst, cols.transpose(1, 0, 2))


def _blur_channels(
    cv2: Any, src: np.ndarray, k: np.ndarray, clamp: bool, scratch: BlurScratch
) -> np.ndarray:
    """Both passes over ``src`` (H, W, C); returns the result transposed, (W, H, C), in
    scratch (the caller transposes it straight into its destination)."""
    h, w, c = src.shape
    rows = scratch.get(f"rows{c}", (h, w, c), np.uint8)
    _pass(cv2, src, rows, k, clamp, scratch)
    cols_in = scratch.get(f"cols_in{c}", (w, h, c), np.uint8)
    cv2.transpose(rows, dst=cols_in)
    cols = scratch.get(f"cols{c}", (w, h, c), np.uint8)
    _pass(cv2, cols_in, cols, k, clamp, scratch)
    return cols


def _clear_outside(buf: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> None:
    """Zero every pixel of ``buf`` outside ``[x0, x1) × [y0, y1)`` (as 32-bit words)."""
    words = buf.view(np.uint32)
    words[:y0].fill(0)
    words[y1:].fill(0)
    words[y0:y1, :x0].fill(0)
    words[y0:y1, x1:].fill(0)


def blur_surface(
    src: Surface, dst: Surface, radius: int, sigma: float, scratch: BlurScratch
) -> None:
    """`blur_q16` of a whole surface, exact, restricted to the content when ``src.bounds``
    is known: the result is non-zero only within the bounds grown by ``radius``, and inside
    that region the clamp-to-edge of a zero border row/column is the zero the full-canvas
    blur would read. Sets ``dst.bounds`` to the region (so chained blurs stay local)."""
    b = src.bounds
    if radius <= 0 or b is None:
        blur_q16(src.buf, dst.buf, radius, sigma, scratch)
        dst.bounds = b
        return
    h, w = src.buf.shape[:2]
    x0, y0 = max(b[0] - radius, 0), max(b[1] - radius, 0)
    x1, y1 = min(b[2] + radius, w), min(b[3] + radius, h)
    _clear_outside(dst.buf, x0, y0, x1, y1)
    if x1 > x0 and y1 > y0:
        blur_q16(src.buf[y0:y1, x0:x1], dst.buf[y0:y1, x0:x1], radius, sigma, scratch)
    dst.bounds = (x0, y0, x1, y1)
