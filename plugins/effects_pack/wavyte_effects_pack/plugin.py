"""Entry module of the effects pack (entry-point group ``wavyte``).

Imported by the registry at startup, so it imports nothing heavy: the kind classes only
declare params; numpy/OpenCV kernels are imported when an instance is created at load.
"""

from __future__ import annotations

from wavyte_core.plugin import Effect, Transition, hookimpl

from .effects import EFFECTS
from .transitions import TRANSITIONS


@hookimpl
def wavyte_register_effects() -> list[type[Effect]]:
    return list(EFFECTS)


@hookimpl
def wavyte_register_transitions() -> list[type[Transition]]:
    return list(TRANSITIONS)
