"""pluggy hook specifications of wavyte (entry-point group ``wavyte``).

Every hook here is a *registration* hook: the registry calls each one **once per process**,
when the plugin manager is first built, and caches the specs it returns. No hook is ever
called per job, per frame or per layer: the frame loop calls plain bound methods of the
objects the specs' factories built when the job started (DESIGN.md §4).

Each hook returns a list (possibly empty); results of all plugins are concatenated. A spec
whose name is already taken by an earlier plugin is reported as a conflict, not silently
replaced. Plugin entry modules must import nothing heavy: put ``import skia`` inside the
factory so that ``wavyte plugins`` stays fast and a broken backend cannot break others.
"""

from __future__ import annotations

import pluggy

from .specs import EffectKindSpec, RoleSpec, TransitionKindSpec

hookspec = pluggy.HookspecMarker("wavyte")
hookimpl = pluggy.HookimplMarker("wavyte")


@hookspec
def wavyte_register_rasterizers() -> list[RoleSpec]:
    """Return the rasterizers this plugin provides.

    Called once per process at registry construction. A rasterizer's factory is called
    once per job (per worker process) and returns an object implementing
    `wavyte_core.roles.Rasterizer`.
    """


@hookspec
def wavyte_register_compositors() -> list[RoleSpec]:
    """Return the compositors this plugin provides.

    Called once per process. Factories are called once per job and return a
    `wavyte_core.roles.Compositor`.
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
def wavyte_register_effects() -> list[EffectKindSpec]:
    """Return the effect kinds this plugin provides.

    Called once per process. Each kind's ``parse`` runs once per effect instance when a
    composition is loaded; the parsed ops run per frame on the clip's layer.
    """


@hookspec
def wavyte_register_transitions() -> list[TransitionKindSpec]:
    """Return the transition kinds this plugin provides.

    Called once per process. Each kind's ``parse`` runs once per transition spec at load;
    the parsed transition composites paired layers per frame.
    """


@hookspec
def wavyte_register_executors() -> list[RoleSpec]:
    """Return the executors this plugin provides (where batch rows and render segments run).

    Called once per process at registry construction. An executor's factory is called once
    per batch or segmented render and returns a `wavyte_core.executor.Executor`; its
    ``open(options)`` starts the workers (local processes, Ray actors) once for the whole
    run. Nothing of an executor is called per frame: workers receive whole tasks (a batch
    row, a segment of frames) and return encoded files.
    """
