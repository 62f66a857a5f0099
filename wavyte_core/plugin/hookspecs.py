"""pluggy hook specifications of wavyte (entry-point group ``wavyte``).

Every hook here is a *registration* hook: the registry calls each one **once per process**,
when the plugin manager is first built, and caches the specs it returns. No hook is ever
called per job, per frame or per layer: the frame loop calls plain bound methods of the
objects the specs' factories built when the job started (docs/architecture.md, "Plugin hooks").

Each hook returns a list (possibly empty); results of all plugins are concatenated. A spec
whose name is already taken by an earlier plugin is reported as a conflict, not silently
replaced. Plugin entry modules must import nothing heavy: put ``import skia`` inside the
factory so that ``wavyte plugins`` stays fast and a broken backend cannot break others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wavyte_core.plugin.markers import hookimpl, hookspec  # noqa: F401  (hookimpl: re-exported for plugins)
from wavyte_core.plugin.specs import EffectKindSpec, RoleSpec, TransitionKindSpec

if TYPE_CHECKING:
    from wavyte_core.plugin.asset_kinds import AssetKind
    from wavyte_core.plugin.kinds import Effect, Transition


@hookspec
def wavyte_register_rasterizers() -> list[RoleSpec]:
    """Return the rasterizers this plugin provides.

    Called once per process at registry construction. A rasterizer's factory is called
    once per job (per worker process) and returns an object implementing
    `wavyte_core.plugin.roles.Rasterizer`.
    """


@hookspec
def wavyte_register_compositors() -> list[RoleSpec]:
    """Return the compositors this plugin provides.

    Called once per process. Factories are called once per job and return a
    `wavyte_core.plugin.roles.Compositor`.
    """


@hookspec
def wavyte_register_decoders() -> list[RoleSpec]:
    """Return the decoders this plugin provides (images, video sessions, audio).

    Called once per process. Factories are called once per job; the decoder is used at
    prepare time, and its video sessions are read once per rendered frame.
    """


@hookspec
def wavyte_register_encoders() -> list[RoleSpec]:
    """Return the encoders this plugin provides.

    Called once per process. Factories are called once per render; the encoder opens one
    session per output file, fed from the encoder thread.
    """


@hookspec
def wavyte_register_effects() -> list[type[Effect] | EffectKindSpec]:
    """Return the effect kinds this plugin provides: `wavyte_core.plugin.Effect`
    subclasses (third-party kinds are namespaced, ``acme.glow``) or, for the core's
    built-ins, `EffectKindSpec` values.

    Called once per process; each class's declaration is checked then (a broken one is
    reported by plugin name). Per composition, each effect instance is validated against
    the declared params and its class instantiated once, at load; per rendered frame only
    the kind's ``apply`` runs (and only when the layer or the evaluated params changed).
    """


@hookspec
def wavyte_register_transitions() -> list[type[Transition] | TransitionKindSpec]:
    """Return the transition kinds this plugin provides: `wavyte_core.plugin.Transition`
    subclasses (namespaced) or, for the core's built-ins, `TransitionKindSpec` values.

    Called once per process. Each transition spec of a composition is validated and bound
    once at load (a plugin kind's bad params are an error naming the param); per frame the
    bound transition composites the paired layers.
    """


@hookspec
def wavyte_register_asset_kinds() -> list[type[AssetKind]]:
    """Return the asset kinds this plugin provides: `wavyte_core.plugin.AssetKind`
    subclasses. Third-party kinds are namespaced (``acme.particles``); un-namespaced names
    are reserved for the format's own kinds (``Shape``, ``Captions``, ...).

    Called once per process; each class's declaration is checked then (a broken one is
    reported by plugin name). Per composition, each asset of the kind is parsed once when
    the composition is checked; per job, the class is instantiated and ``prepare``d once
    per asset; per rendered frame only ``draw`` runs, and only when the sampled values
    changed (see `wavyte_core.plugin.asset_kinds`).
    """


@hookspec
def wavyte_register_executors() -> list[RoleSpec]:
    """Return the executors this plugin provides (where batch rows and render segments run).

    Called once per process at registry construction. An executor's factory is called once
    per batch or segmented render and returns a `wavyte_core.run.executor.Executor`; its
    ``open(options)`` starts the workers (local processes, Ray actors) once for the whole
    run. Nothing of an executor is called per frame: workers receive whole tasks (a batch
    row, a segment of frames) and return encoded files.
    """
