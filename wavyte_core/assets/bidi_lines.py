"""Unicode text segmentation for layout: bidi levels (UAX #9) and line breaks (UAX #14).

Both come from maintained libraries, called once per paragraph at prepare:

- bidi levels from ``python-bidi`` (the Rust ``unicode-bidi`` crate underneath, full UAX #9
  with isolates and bracket pairs). Its Python API returns only the reordered string; the
  resolved levels are read from its ``debug=True`` result (the crate's ``BidiInfo``), one
  level per UTF-8 byte. A paragraph with no right-to-left character skips the call.
- line break opportunities from ``uniseg`` (UAX #14 with the Unicode data of its release).
"""

from __future__ import annotations

import re
import unicodedata

from bidi import get_base_level, get_display
from uniseg.linebreak import line_break_boundaries

__all__ = ["bidi_levels", "paragraph_level", "break_opportunities", "visual_order"]

#: Bidi classes that can make a paragraph need the algorithm (strong RTL, embeddings).
_RTL_CLASSES = frozenset({"R", "AL", "AN", "RLE", "RLO", "RLI", "FSI", "LRE", "LRO", "LRI"})
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")


def _needs_bidi(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in _RTL_CLASSES for c in text)


def paragraph_level(text: str, direction: str) -> int:
    """The paragraph embedding level: 0 (LTR) or 1 (RTL). ``direction`` is ``"Auto"``
    (rules P2–P3: the first strong character; LTR when there is none), ``"Ltr"`` or
    ``"Rtl"``."""
    if direction == "Ltr":
        return 0
    if direction == "Rtl":
        return 1
    if not _needs_bidi(text):
        return 0
    return 1 if get_base_level(text) == 1 else 0


def bidi_levels(text: str, base: int) -> list[int]:
    """The resolved embedding level of every character of one paragraph (no line breaks
    inside), with paragraph level ``base``."""
    if base == 0 and not _needs_bidi(text):
        return [0] * len(text)
    dbg = get_display(text, base_dir="R" if base else "L", debug=True)
    try:
        start = dbg.rindex("\n    levels: [")
        end = dbg.index("\n    paragraphs: [", start)
    except ValueError:  # pragma: no cover - a python-bidi release that prints differently
        raise RuntimeError("python-bidi debug output has no levels (unsupported release)") from None
    per_byte = [int(x) for x in _LEVEL.findall(dbg, start, end)]
    out: list[int] = []
    offset = 0
    for ch in text:
        out.append(per_byte[offset])
        offset += len(ch.encode("utf-8"))
    return out


def break_opportunities(text: str) -> list[int]:
    """Indices ``0 < i < len(text)`` where a line may start (UAX #14), within a paragraph."""
    n = len(text)
    return [i for i in line_break_boundaries(text) if 0 < i < n] if n > 1 else []


def visual_order(levels: list[int]) -> list[int]:
    """The display order of items with these levels (rule L2): indices, left to right."""
    order = list(range(len(levels)))
    if not levels:
        return order
    top = max(levels)
    odd = [x for x in levels if x % 2]
    if not odd:
        return order
    lowest_odd = min(odd)
    for level in range(top, lowest_odd - 1, -1):
        i, n = 0, len(order)
        while i < n:
            if levels[order[i]] >= level:
                j = i
                while j < n and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order
