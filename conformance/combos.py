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

from wavyte_core.registry import ROLES, Registry

__all__ = ["Combo", "enumerate_combos", "missing_capabilities", "expectation_for", "MATRIX_ROLES"]

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


def enumerate_combos(registry: Registry, roles: tuple[str, ...], only: dict[str, list[str]] | None = None) -> list[Combo]:
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


def missing_capabilities(registry: Registry, combo: Combo, requires: dict[str, tuple[str, ...]]) -> list[str]:
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


def _plugin_expectations(registry: Registry, role: str, name: str) -> dict[str, str]:
    """A plugin's known conformance failures for one of its implementations.

    A plugin declares them beside its hook implementations, in the module that defines the
    role's factory (its entry module, normally)::

        CONFORMANCE_EXPECTATIONS = {"compositor": {"crossfade": "8-bit pipeline: within 4 levels"}}

    Keys are roles; patterns are globs over the case id, or ``section/id`` for the other
    sections (``exact/crossfade_*``, ``reftest/...``, ``determinism/...``).
    """
    spec = registry.roles.get(role, {}).get(name)
    if spec is None:
        return {}
    module = sys.modules.get(getattr(spec.factory, "__module__", "") or "")
    table = getattr(module, "CONFORMANCE_EXPECTATIONS", None) or {}
    return dict(table.get(role, {}))


def expectation_for(registry: Registry, combo: Combo, section: str, case_id: str) -> str | None:
    """The reason a combination is expected to fail ``section/case_id``, if any plugin says so."""
    keys = (f"{section}/{case_id}", case_id) if section == "render" else (f"{section}/{case_id}",)
    reasons = []
    for role, name in combo.picks:
        for pattern, reason in _plugin_expectations(registry, role, name).items():
            if any(fnmatch.fnmatchcase(k, pattern) for k in keys):
                reasons.append(f"{role} {name}: {reason}")
                break
    return "; ".join(reasons) or None
