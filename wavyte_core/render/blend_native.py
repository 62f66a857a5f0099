"""The optional C kernels of the blend modes and track mattes (``_blendpx.c``), via ctypes.

`blend_modes.BlendKernels` and `matte.MatteKernel` call `native_blend` / `native_matte`
once per blended or matted layer per frame; when they return None (the extension is not
built — it is optional — or ``WAVYTE_BLEND_NATIVE=0``), those modules run their numpy +
OpenCV reference, which gives the same bytes (tests/test_blend_native.py holds the two
routes against each other byte for byte). ctypes releases the GIL for the call, so a large
region is split into row bands across the blur threads.

The library is looked for once, on first use; ``isa`` (1 AVX2, 0 baseline) is the best
variant this CPU runs unless a test lowers it.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from wavyte_core.render.blur import blur_threads

__all__ = ["NativeBlend", "native_blend"]

#: The C enum of ``_blendpx.c``: every mode of `blend_modes.BLEND_MODES`.
MODE_INDEX = {
    name: i
    for i, name in enumerate(
        (
            "Add",
            "Screen",
            "Darken",
            "Lighten",
            "Difference",
            "Exclusion",
            "Multiply",
            "HardLight",
            "Overlay",
            "ColorDodge",
            "ColorBurn",
            "SoftLight",
            "Hue",
            "Saturation",
            "Color",
            "Luminosity",
            "Normal",  # source-over: compositor_numpy's over, not a `BlendKernels` mode
        )
    )
}
#: The C codes of the matte modes.
MATTE_INDEX = {"Alpha": 0, "AlphaInverted": 1, "Luma": 2, "LumaInverted": 3}


#: Below this many pixels (≈ 512²) a call runs on the calling thread: the hand-off (tens of
#: microseconds) would cost more than the second thread saves.
PARALLEL_MIN_PIXELS = 1 << 18
_pool: ThreadPoolExecutor | None = None
_pool_size = 0


def _executor(workers: int) -> ThreadPoolExecutor:
    global _pool, _pool_size
    if _pool is None or _pool_size != workers:
        if _pool is not None:
            _pool.shutdown(wait=True)
        _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wavyte-blend")
        _pool_size = workers
    return _pool


def _in_bands(call: Callable[[int, int], None], h: int, w: int) -> None:
    """``call(y0, y1)`` over row bands ``[0, h)``: split across the blur threads (the
    process's CPUs, or a render worker's share of them: `blur.blur_threads`) when the image
    is large enough; the calling thread takes the first band. Rows are independent, so the
    split changes no byte."""
    parts = min(blur_threads(), h) if h * w >= PARALLEL_MIN_PIXELS else 1
    if parts <= 1:
        call(0, h)
        return
    spans = list(itertools.pairwise(h * i // parts for i in range(parts + 1)))
    pool = _executor(parts - 1)
    futures = [pool.submit(call, y0, y1) for y0, y1 in spans[1:]]
    try:
        call(*spans[0])
    finally:
        for fut in futures:
            fut.result()


def _rows_ok(a: np.ndarray) -> bool:
    """BGRA uint8 rows with packed pixels (any row stride): what the C loops walk."""
    return a.dtype == np.uint8 and a.ndim == 3 and a.shape[2] == 4 and a.strides[1:] == (4, 1)


class NativeBlend:
    """The two C entry points (``wavyte_blend``, ``wavyte_matte``) of a loaded library."""

    def __init__(self, lib: Any) -> None:
        import ctypes

        p, i, lg = ctypes.c_void_p, ctypes.c_int, ctypes.c_long
        self._blend = lib.wavyte_blend
        self._blend.argtypes = [p, lg, p, lg, i, i, i, i, i]
        self._blend.restype = None
        self._matte = lib.wavyte_matte
        self._matte.argtypes = [p, lg, p, lg, i, i, i, i]
        self._matte.restype = None
        lib.wavyte_blend_best_isa.restype = i
        self.best_isa = int(lib.wavyte_blend_best_isa())
        self.isa = self.best_isa

    def blend(self, d: np.ndarray, s: np.ndarray, op: int, mode: str) -> bool:
        """``d`` ← ``mode`` blend of ``s`` (opacity ``op``, 1..255) onto it, in place.
        False (nothing done) when the arrays are not packed BGRA rows of one shape or
        overlap: the caller then runs the numpy reference."""
        code = MODE_INDEX.get(mode)
        if (
            code is None
            or d.shape != s.shape
            or not (_rows_ok(d) and _rows_ok(s))
            or not d.flags.writeable
            or np.may_share_memory(d, s)
        ):
            return False
        h, w = d.shape[:2]
        if h and w:
            dp, ds, sp, ss, isa = d.ctypes.data, d.strides[0], s.ctypes.data, s.strides[0], self.isa

            def band(y0: int, y1: int) -> None:
                self._blend(dp + y0 * ds, ds, sp + y0 * ss, ss, y1 - y0, w, op, code, isa)

            _in_bands(band, h, w)
        return True

    def matte(self, d: np.ndarray, m: np.ndarray, mode: str) -> bool:
        """``d`` ← ``d`` · factor of ``m`` for matte ``mode``, in place; False as `blend`."""
        code = MATTE_INDEX.get(mode)
        if (
            code is None
            or d.shape != m.shape
            or not (_rows_ok(d) and _rows_ok(m))
            or not d.flags.writeable
            or np.may_share_memory(d, m)
        ):
            return False
        h, w = d.shape[:2]
        if h and w:
            dp, ds, mp, ms, isa = d.ctypes.data, d.strides[0], m.ctypes.data, m.strides[0], self.isa

            def band(y0: int, y1: int) -> None:
                self._matte(dp + y0 * ds, ds, mp + y0 * ms, ms, y1 - y0, w, code, isa)

            _in_bands(band, h, w)
        return True


_native: NativeBlend | None | bool = False  # False: not looked for yet


def native_blend() -> NativeBlend | None:
    """The compiled kernels, or None (not built, or ``WAVYTE_BLEND_NATIVE=0``)."""
    global _native
    if _native is False:
        _native = None
        if os.environ.get("WAVYTE_BLEND_NATIVE", "1") != "0":
            import ctypes
            import importlib.util

            try:
                spec = importlib.util.find_spec("wavyte_core.render._blendpx")
                if spec is not None and spec.origin:
                    _native = NativeBlend(ctypes.CDLL(spec.origin))
            except (ImportError, OSError, AttributeError):
                _native = None
    return _native  # type: ignore[return-value]
