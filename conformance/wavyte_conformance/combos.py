"""Backend combinations: which installed implementations a case is run on.

Only the roles a case uses are multiplied (a path case is rasterizer × compositor; an
image case adds the decoder). Each role is enumerated from the plugin registry, so a
third-party backend joins the matrix by being installed, and a combination whose
implementation lacks a capability the case needs is reported as unsupported (Skia DM's
"veto"), never dropped.
"""

from __future__ import annotations

import fnmatch
import itertools
import sys
from dataclasses import dataclass
from typing import Any

from wavyte_core.plugin.registry import ROLES, Registry

from .metrics import Tolerance

__all__ = [
    "Combo",
    "enumerate_combos",
    "missing_capabilities",
    "expectation_for",
    "Expectation",
    "MATRIX_ROLES",
    "expectation_entries",
]

#: Roles that name a matrix column; the others (decoder, encoder) name row variants.
MATRIX_ROLES = ("rasterizer", "compositor")


@dataclass(frozen=True, slots=True)
class Combo:
    """One implementation per used role, in `ROLES` order."""

    picks: tuple[tuple[str, str], ...]

    def get(self, role: str, default: str | None = None) -> str | None:
        for r, n in self.picks:
            if r == role:
                return n
        return default

    @property
    def column(self) -> str:
        """The matrix column: the rasterizer and compositor (or whichever of them is used)."""
        return "+".join(n for r, n in self.picks if r in MATRIX_ROLES) or "-"

    @property
    def variant(self) -> str:
        """The other roles (``decoder=pyav``), shown beside the case name in its row."""
        return " ".join(f"{r}={n}" for r, n in self.picks if r not in MATRIX_ROLES)

    @property
    def label(self) -> str:
        return " ".join(f"{r}={n}" for r, n in self.picks)

    @property
    def slug(self) -> str:
        return "-".join(n for _, n in self.picks)


def enumerate_combos(
    registry: Registry, roles: tuple[str, ...], only: dict[str, list[str]] | None = None
) -> list[Combo]:
    """Every combination of available implementations of ``roles``.

    ``only`` restricts a role to some names (CLI ``--rasterizer skia,cairo``); a name that
    is not available is kept so that the run reports it instead of ignoring it.
    """
    ordered = [r for r in ROLES if r in roles]
    choices = []
    for role in ordered:
        names = registry.available(role)  # type: ignore[arg-type]
        if only and only.get(role):
            names = list(only[role])
        choices.append(names)
    return [Combo(tuple(zip(ordered, pick, strict=True))) for pick in itertools.product(*choices)]


def missing_capabilities(
    registry: Registry, combo: Combo, requires: dict[str, tuple[str, ...]]
) -> list[str]:
    """What the combination lacks for a case, e.g. ``["compositor 'x' lacks blur"]``."""
    out: list[str] = []
    for role, name in combo.picks:
        spec = registry.roles[role].get(name)
        if spec is None or spec.check() is not None:
            out.append(f"{role} '{name}' is not available")
            continue
        lacking = [c for c in requires.get(role, ()) if c not in spec.capabilities]
        if lacking:
            out.append(f"{role} '{name}' lacks {', '.join(lacking)}")
    return out


@dataclass(frozen=True, slots=True)
class Expectation:
    """A known failure. With a ``bound`` it is only expected within that bound (a result
    beyond it is a plain failure, and a result within the case's own tolerance is a plain
    pass); without one, any failure is expected and a pass is reported as ``xpass``."""

    reason: str
    bound: Tolerance | None = None


def _plugin_expectations(registry: Registry, role: str, name: str) -> dict[str, Any]:
    """A plugin's known conformance failures for one of its implementations.

    A plugin declares them beside its hook implementations, in the module that defines the
    role's factory (its entry module, normally)::

        CONFORMANCE_EXPECTATIONS = {
            "compositor": {
                "crossfade": "not implemented yet",                      # any failure
                "*": {"reason": "8-bit blends", "max_diff": 3, "max_pixels": None},  # bounded
                "scene_x": [                                     # per exact combination
                    {"combination": {"rasterizer": "skia", "decoder": "pyav"},
                     "reason": "...", "max_diff": 2, "max_pixels": 900},
                ],
            }
        }

    Keys are roles; patterns are globs over the case id, or ``section/id`` for the other
    sections (``exact/crossfade_*``, ``reftest/...``, ``determinism/...``); the first
    matching pattern wins. A dict value carries a bound in `Tolerance` form; a list holds
    bounded entries that apply only to the ``combination`` they name (every named role
    must have that implementation in the combination): the first that matches applies,
    and a pattern none of whose entries matches is passed over.
    """
    spec = registry.roles.get(role, {}).get(name)
    if spec is None:
        return {}
    module = sys.modules.get(getattr(spec.factory, "__module__", "") or "")
    table = getattr(module, "CONFORMANCE_EXPECTATIONS", None) or {}
    return dict(table.get(role, {}))


def _for_combination(value: Any, combo: Combo) -> str | dict | None:
    """The entry of an expectation value that applies to ``combo`` (None: none does)."""
    if not isinstance(value, list):
        return value
    for entry in value:
        wanted = entry.get("combination") or {}
        if all(combo.get(r) == n for r, n in wanted.items()):
            return entry
    return None


def expectation_for(
    registry: Registry, combo: Combo, section: str, case_id: str
) -> Expectation | None:
    """What the combination's plugins expect of ``section/case_id`` (None: nothing known)."""
    keys = (f"{section}/{case_id}", case_id) if section == "render" else (f"{section}/{case_id}",)
    reasons: list[str] = []
    bound: Tolerance | None = None
    unbounded = False
    for role, name in combo.picks:
        for pattern, value in _plugin_expectations(registry, role, name).items():
            if any(fnmatch.fnmatchcase(k, pattern) for k in keys):
                entry = _for_combination(value, combo)
                if entry is None:
                    continue
                if isinstance(entry, dict):
                    reasons.append(f"{role} {name}: {entry.get('reason', '')}")
                    t = Tolerance.from_json(entry)
                    bound = t if bound is None else bound.loosest(t)
                else:
                    reasons.append(f"{role} {name}: {entry}")
                    unbounded = True
                break
    if not reasons:
        return None
    return Expectation("; ".join(reasons), None if unbounded else bound)


def expectation_entries(module: Any) -> list[tuple[str, str, str | dict]]:
    """Every declared expectation of a plugin module as ``(role, pattern, entry)`` (a list
    value gives one row per combination entry): for audits of the declarations."""
    table = getattr(module, "CONFORMANCE_EXPECTATIONS", None) or {}
    out: list[tuple[str, str, str | dict]] = []
    for role, patterns in table.items():
        for pattern, value in patterns.items():
            for entry in value if isinstance(value, list) else [value]:
                out.append((role, pattern, entry))
    return out
