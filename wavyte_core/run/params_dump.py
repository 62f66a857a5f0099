"""The params of every effect and transition at one frame, as a kind's code sees them
(``wavyte eval --params``): plugin params validated, defaults filled in and animated
params sampled at the clip-local frame, exactly as the renderer samples them.

Called once per ``wavyte eval`` run; binds each instance once (no ``setup``, no I/O).
``AudioLevel`` animations are sampled silent (level 0): no sound is decoded here.
"""

from __future__ import annotations

from typing import Any

from wavyte_core.format.model import Composition
from wavyte_core.plugin.registry import Registry

__all__ = ["sampled_params"]


def _json(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_json(x) for x in v]
    return v


def _plugin_values(spec: Any, raw: Any, path: str, spf: float, seed: int, local: int) -> dict:
    from wavyte_core.run.job import silent_levels

    bound = spec.param_set.bind(raw, path, secs_per_frame=spf, seed=seed, levels=silent_levels(0))
    p = bound.sample(local) if bound.sample is not None else bound.first
    return {k: _json(v) for k, v in p._asdict().items()}


def sampled_params(comp: Composition, frame: int, registry: Registry) -> list[dict[str, Any]]:
    """One entry per clip active at ``frame`` (track-major order) that has effects or
    transitions: ``{"clip_id", "local_frame", "effects": [{"kind", "params"}],
    "transition_in"/"transition_out": {"kind", "params"}}``. Plugin kinds show every
    declared param (defaults filled, animations sampled); built-in kinds their JSON."""
    from wavyte_core.timeline.rng import stable_hash64

    spf = comp.fps.den / comp.fps.num if comp.fps.num else 1 / 30
    out: list[dict[str, Any]] = []
    for ti, track in enumerate(comp.tracks):
        for ci, clip in enumerate(track.clips):
            if not clip.range.start <= frame < clip.range.end:
                continue
            if not (clip.effects or clip.transition_in or clip.transition_out):
                continue
            base = f"tracks[{ti}].clips[{ci}]"
            seed = stable_hash64(comp.seed, clip.id)
            local = frame - clip.range.start
            entry: dict[str, Any] = {"clip_id": clip.id, "local_frame": local, "effects": []}
            for ei, fx in enumerate(clip.effects):
                kind = fx.kind.strip().lower()
                spec = registry.effects.get(kind)
                if spec is not None and spec.effect is not None:
                    where = f"{base}.effects[{ei}].params"
                    values = _plugin_values(spec, fx.params, where, spf, seed, local)
                else:
                    values = fx.params
                entry["effects"].append({"kind": kind, "params": values})
            for edge in ("in", "out"):
                t = getattr(clip, f"transition_{edge}")
                if t is None:
                    continue
                kind = t.kind.strip().lower()
                spec = registry.transitions.get(kind)
                if spec is not None and spec.transition is not None:
                    where = f"{base}.transition_{edge}.params"
                    values = _plugin_values(spec, t.params, where, spf, seed, 0)
                else:
                    values = t.params
                entry[f"transition_{edge}"] = {"kind": kind, "params": values}
            out.append(entry)
    return out
