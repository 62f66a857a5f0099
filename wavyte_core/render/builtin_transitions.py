"""The built-in transition kinds, crossfade and wipe (wavyte-format.md §1.12, §3.5).

Why typed objects: a transition spec is parsed once at load; the planner then only asks
``outgoing.can_pair(incoming)`` and calls ``composite`` per frame (DESIGN.md rule 6).
Params that do not parse make ``parse`` return None: the format accepts them and the clip
acts as a plain opacity fade.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

from wavyte_core.plugin.params import Param
from wavyte_core.plugin.roles import Compositor, Surface
from wavyte_core.plugin.specs import ParsedTransition, TransitionKindSpec

__all__ = ["TRANSITION_KINDS", "Crossfade", "Wipe", "parse_crossfade", "parse_wipe"]

WipeDirection = Literal["ltr", "rtl", "ttb", "btt"]

_DIR_ALIASES: dict[str, WipeDirection] = {
    "left_to_right": "ltr",
    "lefttoright": "ltr",
    "ltr": "ltr",
    "right_to_left": "rtl",
    "righttoleft": "rtl",
    "rtl": "rtl",
    "top_to_bottom": "ttb",
    "toptobottom": "ttb",
    "ttb": "ttb",
    "bottom_to_top": "btt",
    "bottomtotop": "btt",
    "btt": "btt",
}
_SOFT_PAIR_TOLERANCE = np.float32(1e-6)


class Crossfade(ParsedTransition):
    """Blend the outgoing and incoming layers by progress; pairs with another crossfade."""

    kind = "crossfade"
    layer_regions = True
    __slots__ = ()

    def can_pair(self, incoming: ParsedTransition) -> bool:
        return isinstance(incoming, Crossfade)

    def composite(
        self, compositor: Compositor, dst: Surface, a: Surface, b: Surface, t: float
    ) -> None:
        compositor.crossfade(dst, a, b, t)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Crossfade)

    def __hash__(self) -> int:
        return hash(Crossfade)

    def __repr__(self) -> str:
        return "Crossfade()"


class Wipe(ParsedTransition):
    """Reveal the incoming layer from the ``direction`` side, with an optional soft edge
    (a fraction of the axis length, f32 in [0, 1])."""

    kind = "wipe"
    layer_regions = True
    __slots__ = ("direction", "soft_edge")

    def __init__(self, direction: WipeDirection = "ltr", soft_edge: float = 0.0) -> None:
        self.direction: WipeDirection = direction
        self.soft_edge = soft_edge

    def can_pair(self, incoming: ParsedTransition) -> bool:
        if not isinstance(incoming, Wipe) or incoming.direction != self.direction:
            return False
        diff = abs(np.float32(self.soft_edge) - np.float32(incoming.soft_edge))
        return bool(diff <= _SOFT_PAIR_TOLERANCE)

    def composite(
        self, compositor: Compositor, dst: Surface, a: Surface, b: Surface, t: float
    ) -> None:
        compositor.wipe(dst, a, b, t, self.direction, self.soft_edge)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Wipe)
            and other.direction == self.direction
            and other.soft_edge == self.soft_edge
        )

    def __hash__(self) -> int:
        return hash((Wipe, self.direction, self.soft_edge))

    def __repr__(self) -> str:
        return f"Wipe(direction={self.direction!r}, soft_edge={self.soft_edge!r})"


_CROSSFADE = Crossfade()


def parse_crossfade(params: Any) -> Crossfade:
    """Crossfade takes no params; whatever is given is ignored."""
    return _CROSSFADE


def parse_wipe(params: Any) -> Wipe | None:
    """``{"dir": str, "soft_edge": number}`` (both optional) or null; None when unparseable.

    A missing or non-string ``dir`` is left-to-right; an unknown one does not parse.
    ``soft_edge`` is taken as f32 and clamped to [0, 1]; missing or non-number is 0; a
    value that is not finite as f32 does not parse.
    """
    if params is None:
        return Wipe()
    if not isinstance(params, dict):
        return None
    direction: WipeDirection = "ltr"
    d = params.get("dir")
    if isinstance(d, str):
        found = _DIR_ALIASES.get(d.strip().lower() if d.isascii() else _ascii_lower(d.strip()))
        if found is None:
            return None
        direction = found
    soft = 0.0
    s = params.get("soft_edge")
    if isinstance(s, (int, float)) and not isinstance(s, bool):
        with np.errstate(over="ignore"):
            f = np.float32(float(s))
        if not math.isfinite(f):
            return None
        soft = float(min(max(f, np.float32(0.0)), np.float32(1.0)))
    return Wipe(direction, soft)


def _ascii_lower(s: str) -> str:
    """Rust ``to_ascii_lowercase``: only A–Z change."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


_ANY_PARAMS = {"type": ["object", "null"]}

TRANSITION_KINDS: list[TransitionKindSpec] = [
    TransitionKindSpec(
        name="crossfade",
        parse=parse_crossfade,
        description="Blend outgoing into incoming by progress (pairs with a crossfade).",
        json_schema=_ANY_PARAMS,
        doc="Takes no params; whatever is given is ignored.",
        examples=({},),
    ),
    TransitionKindSpec(
        name="wipe",
        parse=parse_wipe,
        description="Reveal the incoming clip from one side; params dir, soft_edge.",
        params=(
            Param(
                "dir",
                "enum",
                default="ltr",
                choices=("ltr", "rtl", "ttb", "btt"),
                description="Direction (also left_to_right, right_to_left, top_to_bottom, "
                "bottom_to_top; matched after trim and lowercasing). An unknown direction "
                "makes the wipe a plain fade.",
            ),
            Param(
                "soft_edge",
                "number",
                default=0,
                min=0,
                max=1,
                animatable=False,
                description="Soft band as a fraction of the axis (clamped to [0, 1]).",
            ),
        ),
        json_schema=_ANY_PARAMS,
        doc=(
            "Built-in rule of the format (kept exactly): params that do not parse make the "
            "wipe a plain opacity fade on its own clip instead of an error."
        ),
        examples=({"dir": "ltr"}, {"dir": "ttb", "soft_edge": 0.25}),
    ),
]
