"""Reusable work arrays, one set per effect or transition instance."""

from __future__ import annotations

import numpy as np

__all__ = ["Scratch"]


class Scratch:
    """Arrays keyed by (name, shape, dtype), allocated on first use and kept.

    A layer keeps its size over a clip, so after the first frame every `get` is a dict
    lookup. Returned arrays hold stale data: callers overwrite them fully.
    """

    __slots__ = ("_bufs",)

    def __init__(self) -> None:
        self._bufs: dict[tuple[str, tuple[int, ...], str], np.ndarray] = {}

    def get(
        self, name: str, shape: tuple[int, ...], dtype: type | np.dtype = np.uint8
    ) -> np.ndarray:
        key = (name, shape, np.dtype(dtype).str)
        buf = self._bufs.get(key)
        if buf is None:
            # One live size per name: drop arrays of an older size (the layer was resized).
            for k in [k for k in self._bufs if k[0] == name]:
                del self._bufs[k]
            buf = np.empty(shape, dtype=dtype)
            self._bufs[key] = buf
        return buf

    def zeros(
        self, name: str, shape: tuple[int, ...], dtype: type | np.dtype = np.uint8
    ) -> np.ndarray:
        buf = self.get(name, shape, dtype)
        buf.fill(0)
        return buf
