"""Optional per-stage timing (DESIGN.md §5 rule 12): off unless asked for, and then one
branch and two clock reads per stage occurrence."""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from typing import Any

STAGES = ("evaluate", "plan", "decode", "draw", "composite", "effects", "encode")


class StageTimer:
    """Accumulates seconds per stage; the render loop reads ``totals`` when it is done."""

    __slots__ = ("totals",)

    def __init__(self) -> None:
        self.totals: dict[str, float] = dict.fromkeys(STAGES, 0.0)

    def add(self, stage: str, seconds: float) -> None:
        self.totals[stage] += seconds

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` timed into ``stage`` (used at job build time, never per frame)."""
        totals = self.totals

        def timed(*args: Any) -> Any:
            t = perf_counter()
            try:
                return fn(*args)
            finally:
                totals[stage] += perf_counter() - t

        return timed

    def ms(self) -> dict[str, float]:
        return {k: v * 1000.0 for k, v in self.totals.items()}
