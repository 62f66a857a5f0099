"""A per-process cache of decoded assets for batch workers.

A batch renders one template many times: every row shares most of its images, fonts,
SVGs and sounds. A worker that enables this cache decodes each of those once; later jobs
get the same read-only objects. Entries are keyed by the resolved path, its mtime and size
(a file changed on disk is decoded again), the decoder's type, and whatever else shapes
the result (an SVG's raster size). Least recently used entries go beyond a byte budget.

Off by default: a plain render prepares its assets once anyway and keeps no cache.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_BUDGET_BYTES = 512 * 1024 * 1024

_enabled = False
_budget = DEFAULT_BUDGET_BYTES
_entries: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()
_bytes = 0
stats = {"hits": 0, "misses": 0}


def enable(budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
    global _enabled, _budget
    _enabled = True
    _budget = budget_bytes


def is_enabled() -> bool:
    return _enabled


def disable() -> None:
    global _enabled, _bytes
    _enabled = False
    _entries.clear()
    _bytes = 0


def cached(kind: str, path: Path, extra: Hashable, make: Callable[[], T]) -> T:
    """``make()``, or the value it returned before for the same file and ``extra``."""
    if not _enabled:
        return make()
    global _bytes
    try:
        st = path.stat()
        key = (kind, str(path.resolve()), st.st_mtime_ns, st.st_size, extra)
    except OSError:
        return make()  # let the decoder report the missing file
    hit = _entries.get(key)
    if hit is not None:
        _entries.move_to_end(key)
        stats["hits"] += 1
        return hit[0]
    stats["misses"] += 1
    value = make()
    size = int(getattr(value, "nbytes", 0)) or st.st_size
    _entries[key] = (value, size)
    _bytes += size
    while _bytes > _budget and len(_entries) > 1:
        _, (_, n) = _entries.popitem(last=False)
        _bytes -= n
    return value
