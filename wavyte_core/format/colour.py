"""Colours as the format writes them: ``[r, g, b, a]`` (u8, straight alpha) or a CSS hex
string ``#rgb``, ``#rgba``, ``#rrggbb`` or ``#rrggbbaa`` (the short forms repeat each digit,
as CSS does: ``#fff`` is white). One parser for every colour field, batch data and the CLI.
"""

from __future__ import annotations

from typing import Any

from wavyte_core.errors import CompositionError

RGBA8 = tuple[int, int, int, int]

HEX_FORMS = "#rgb, #rgba, #rrggbb or #rrggbbaa"
_HEX = frozenset("0123456789abcdefABCDEF")


def parse_hex_colour(text: str) -> RGBA8 | None:
    """The straight-alpha RGBA of a CSS hex colour, or None when ``text`` is not one."""
    s = text.strip()
    if not s.startswith("#"):
        return None
    h = s[1:]
    if len(h) not in (3, 4, 6, 8) or not _HEX.issuperset(h):
        return None
    if len(h) in (3, 4):
        h = "".join(c * 2 for c in h)
    vals = [int(h[i : i + 2], 16) for i in range(0, len(h), 2)]
    if len(vals) == 3:
        vals.append(255)
    return vals[0], vals[1], vals[2], vals[3]


def colour_value(value: Any, path: str) -> RGBA8:
    """A colour field's JSON value as RGBA8; `CompositionError` names ``path`` otherwise."""
    if isinstance(value, str):
        rgba = parse_hex_colour(value)
        if rgba is None:
            raise CompositionError(path, f"{value!r} is not a colour ({HEX_FORMS})")
        return rgba
    if (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 255 for v in value)
    ):
        return value[0], value[1], value[2], value[3]
    raise CompositionError(
        path, f"expected a colour: [r, g, b, a] with integers 0..255, or a string {HEX_FORMS}"
    )
