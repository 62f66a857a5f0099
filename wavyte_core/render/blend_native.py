"""The optional C kernels of the blend modes and track mattes (``_blendpx.c``), via ctypes.

`blend_modes.BlendKernels` and `matte.MatteKernel` call `native_blend` / `native_matte`
once per blended or matted layer per frame; when they return None (the extension is not
built — it is optional — or ``WAVYTE_BLEND_NATIVE=0``), those modules run their numpy +
OpenCV reference, which gives the same bytes (tests/test_blend_native.py holds the two
routes against each other byte for byte). ctypes releases the GIL for the call.

The library is looked for once, on first use; ``isa`` (1 AVX2, 0 baseline) is the best
variant this CPU runs unless a test lowers it.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

__all__ = ["NativeBlend", "native_blend"]

#: The C enum of ``_blendpx.c`` (every mode of `blend_modes.BLEND_MODES` but ``Normal``).
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
        )
    )
}
#: The C codes of the matte modes.
MATTE_INDEX = {"Alpha": 0, "AlphaInverted": 1, "Luma": 2, "LumaInverted": 3}


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
            self._blend(
                d.ctypes.data, d.strides[0], s.ctypes.data, s.strides[0], h, w, op, code, self.isa
            )
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
            self._matte(
                d.ctypes.data, d.strides[0], m.ctypes.data, m.strides[0], h, w, code, self.isa
            )
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
