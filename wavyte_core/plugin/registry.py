"""The plugin registry: discovers plugins once, collects what they register, builds roles.

Discovery reads the entry-point group ``wavyte`` once per process. Each plugin's
registration hooks are called once, one plugin at a time, so a plugin that fails to import
or raises is recorded as broken (by name) without affecting the others.

Environment:
- ``WAVYTE_PLUGINS=a,b``: load only these entry points (the core's ``builtin`` is always
  loaded);
- ``WAVYTE_DISABLE_PLUGINS=a,b``: skip these entry points.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from importlib.metadata import PackageNotFoundError, entry_points
from importlib.metadata import version as metadata_version
from types import ModuleType
from typing import Any, Literal

import pluggy

from wavyte_core.errors import PluginError
from wavyte_core.plugin import hookspecs
from wavyte_core.plugin.api_version import api_mismatch
from wavyte_core.plugin.specs import (
    AssetKindSpec,
    EffectKindSpec,
    PluginInfo,
    RoleSpec,
    TransitionKindSpec,
)

Role = Literal["rasterizer", "compositor", "decoder", "encoder", "executor"]
ROLES: tuple[Role, ...] = ("rasterizer", "compositor", "decoder", "encoder", "executor")
_ROLE_HOOKS: dict[str, str] = {
    "rasterizer": "wavyte_register_rasterizers",
    "compositor": "wavyte_register_compositors",
    "decoder": "wavyte_register_decoders",
    "encoder": "wavyte_register_encoders",
    "executor": "wavyte_register_executors",
    "effect": "wavyte_register_effects",
    "transition": "wavyte_register_transitions",
    "asset_kind": "wavyte_register_asset_kinds",
}
BUILTIN = "builtin"

#: First-party asset kinds shipped as optional distributions (kept out of the core, e.g.
#: for their licence): kind → how to install it. Named in errors and `wavyte plugins`.
OPTIONAL_KINDS: dict[str, str] = {
    "Lottie": "pip install wavyte-asset-lottie (rlottie-python, LGPL)",
}
#: The core's own plugin, loaded by name like an entry point (it sits above the registry:
#: it registers the numpy compositor, the encoders and the local executor).
BUILTIN_MODULE = "wavyte_core.builtin_plugins"


def _env_list(name: str) -> set[str] | None:
    raw = os.environ.get(name)
    if raw is None:
        return None
    return {p.strip() for p in raw.split(",") if p.strip()}


@dataclass
class Registry:
    """Specs registered by every loaded plugin, by role and name."""

    roles: dict[str, dict[str, RoleSpec]] = field(default_factory=lambda: {r: {} for r in ROLES})
    effects: dict[str, EffectKindSpec] = field(default_factory=dict)  # every alias → spec
    transitions: dict[str, TransitionKindSpec] = field(default_factory=dict)
    #: Asset kinds by their JSON tag (exact spelling: ``Shape``, ``acme.particles``).
    asset_kinds: dict[str, AssetKindSpec] = field(default_factory=dict)
    plugins: list[PluginInfo] = field(default_factory=list)
    owners: dict[tuple[str, str], str] = field(default_factory=dict)  # (role, name) → plugin
    kind_owners: dict[tuple[str, str], str] = field(default_factory=dict)  # ("effect", kind)

    # ------------------------------------------------------------------ construction

    @classmethod
    def build(
        cls, extra: list[tuple[str, Any]] | None = None, *, entrypoints: bool = True
    ) -> Registry:
        """Load the core's built-in plugin, then entry points (unless disabled), then
        ``extra`` ``(name, module_or_object)`` pairs given explicitly (tests use these)."""
        reg = cls()
        pm = pluggy.PluginManager("wavyte")
        pm.add_hookspecs(hookspecs)
        builtin = import_module(BUILTIN_MODULE)
        reg._add(pm, BUILTIN, builtin, "wavyte", _dist_version("wavyte"))
        if entrypoints:
            only = _env_list("WAVYTE_PLUGINS")
            skip = _env_list("WAVYTE_DISABLE_PLUGINS") or set()
            for ep in sorted(entry_points(group="wavyte"), key=lambda e: e.name):
                if (
                    ep.name == BUILTIN
                    or ep.name in skip
                    or (only is not None and ep.name not in only)
                ):
                    continue
                dist = ep.dist.name if ep.dist else ""
                try:
                    module = ep.load()
                except Exception as exc:  # a broken plugin must not break the others
                    reg.plugins.append(
                        PluginInfo(ep.name, dist, _version(ep), error=f"import failed: {exc!r}")
                    )
                    continue
                reg._add(pm, ep.name, module, dist, _version(ep))
        for name, obj in extra or []:
            reg._add(pm, name, obj, "")
        return reg

    def _add(
        self,
        pm: pluggy.PluginManager,
        name: str,
        obj: ModuleType | Any,
        dist: str,
        version: str = "",
    ) -> None:
        info = PluginInfo(name, dist, version)
        self.plugins.append(info)
        wanted = getattr(obj, "WAVYTE_API", None)
        if wanted is not None:
            why = api_mismatch(wanted)
            if why is not None:  # not loaded: nothing of it is registered
                info.error = why
                return
        try:
            pm.register(obj, name=name)
        except Exception as exc:
            info.error = f"registration failed: {exc}"
            return
        for kind, hook_name in _ROLE_HOOKS.items():
            impl = getattr(obj, hook_name, None)
            if impl is None:
                continue
            try:
                specs = list(impl() or [])
            except Exception as exc:
                info.error = f"{hook_name} raised {exc!r}"
                continue
            for spec in specs:
                self._record(info, kind, spec)

    def _record(self, info: PluginInfo, kind: str, spec: Any) -> None:
        info.roles.setdefault(kind, []).append(str(getattr(spec, "name", spec)))
        if kind in ROLES:
            table = self.roles[kind]
            if spec.name in table:
                info.error = (
                    f"{kind} '{spec.name}' already registered by '{self.owners[(kind, spec.name)]}'"
                )
                return
            table[spec.name] = spec
            self.owners[(kind, spec.name)] = info.name
            return
        if kind == "asset_kind":
            self._record_asset_kind(info, spec)
            return
        try:
            spec = _kind_spec(kind, spec, third_party=info.name != BUILTIN)
        except ValueError as exc:
            info.error = str(exc)
            info.roles[kind].pop()
            return
        info.roles[kind][-1] = spec.name
        table2: dict[str, Any] = self.effects if kind == "effect" else self.transitions
        for alias in (spec.name, *spec.aliases):
            key = alias.strip().lower()
            if key in table2 and table2[key] is not spec:
                info.error = f"{kind} kind '{key}' already registered"
                continue
            table2[key] = spec
        self.kind_owners[(kind, spec.name)] = info.name

    def _record_asset_kind(self, info: PluginInfo, cls: Any) -> None:
        from wavyte_core.plugin.asset_host import asset_kind_spec

        try:
            spec = asset_kind_spec(cls, first_party=info.name == BUILTIN or _first_party(info))
        except ValueError as exc:
            info.error = str(exc)
            info.roles["asset_kind"].pop()
            return
        info.roles["asset_kind"][-1] = spec.name
        if spec.name in self.asset_kinds:
            info.error = f"asset kind '{spec.name}' already registered"
            return
        self.asset_kinds[spec.name] = spec
        self.kind_owners[("asset_kind", spec.name)] = info.name

    # ------------------------------------------------------------------- lookups

    def names(self, role: Role) -> list[str]:
        return sorted(self.roles[role])

    def available(self, role: Role) -> list[str]:
        return [n for n in self.names(role) if self.roles[role][n].check() is None]

    def spec(self, role: Role, name: str) -> RoleSpec:
        table = self.roles[role]
        if name not in table:
            have = ", ".join(self.names(role)) or "none"
            raise PluginError(f"unknown {role} '{name}' (installed: {have})")
        spec = table[name]
        reason = spec.check()
        if reason is not None:
            hint = f"; install with: {spec.install_hint}" if spec.install_hint else ""
            raise PluginError(f"{role} '{name}' is unavailable: {reason}{hint}")
        return spec

    def create(self, role: Role, name: str) -> Any:
        spec = self.spec(role, name)
        try:
            return spec.factory()
        except Exception as exc:
            raise PluginError(f"{role} '{name}' failed to start: {exc}") from exc

    def kind_owner(self, role: str, name: str) -> str:
        """The plugin that registered effect/transition kind ``name`` ("" if unknown)."""
        return self.kind_owners.get((role, name), "")

    def effect_kinds(self) -> list[str]:
        return sorted({s.name for s in self.effects.values()})

    def asset_kind_names(self) -> list[str]:
        return sorted(self.asset_kinds)

    def transition_kinds(self) -> list[str]:
        return sorted({s.name for s in self.transitions.values()})

    def not_loaded(self) -> str:
        """``"; not loaded: plugin 'x' (reason)"`` for each plugin that failed to load
        (appended to "unknown kind" errors, so the real cause is in the same line), or
        ``""``."""
        broken = [f"plugin '{p.name}' ({p.error})" for p in self.plugins if p.error]
        return f"; not loaded: {', '.join(broken)}" if broken else ""


def _kind_spec(kind: str, spec: Any, *, third_party: bool) -> Any:
    """A registered effect/transition as its spec: `plugin.Effect`/`plugin.Transition`
    classes are compiled here (their declarations checked once); third-party kinds must
    be namespaced (``acme.glow``)."""
    from wavyte_core.plugin import host as plugin_host

    if isinstance(spec, type):
        if kind == "effect":
            return plugin_host.effect_spec(spec)
        return plugin_host.transition_spec(spec)
    want = EffectKindSpec if kind == "effect" else TransitionKindSpec
    if not isinstance(spec, want):
        raise ValueError(f"{kind} registration {spec!r} is not a {want.__name__} or a kind class")
    if third_party:
        plugin_host.check_kind_name(spec.name, kind)
    return spec


def _first_party(info: PluginInfo) -> bool:
    """Plugins shipped with wavyte (distributions named ``wavyte-…``) may register the
    format's reserved un-namespaced kind names (``Lottie``)."""
    return info.distribution.lower().replace("_", "-").startswith("wavyte")


def _dist_version(name: str) -> str:
    try:
        return metadata_version(name)
    except PackageNotFoundError:
        return ""


def _version(ep: Any) -> str:
    try:
        return ep.dist.version if ep.dist else ""
    except Exception:
        return ""


@cache
def default_registry() -> Registry:
    """The process-wide registry (entry points honoured), built on first use."""
    return Registry.build()
