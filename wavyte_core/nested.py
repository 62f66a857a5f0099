"""The built-in ``Composition`` asset kind: a composition inside a composition (After
Effects' precomps, Remotion's ``<Sequence>`` of a component): a lower third, an intro or
a branded frame reused as one unit.

``{"Composition": {"source": "parts/lower_third.json", "trim_start_frames": 0, "loop": false}}``

- **The child** is another composition file, resolved like any asset (relative to the
  parent's asset root, confined to it). Its own assets resolve relative to its own
  folder (paths never contain ``..``, so they stay inside the parent's root). It is loaded
  and checked when the parent's job is prepared; any error of its own is reported with the
  child's file named.
- **Drawing.** The child renders at its own canvas size, on a transparent background, as
  the clip's layer (the clip's transform, opacity, effects, blend and matte apply to it).
  Child frame = ``trim_start_frames`` + the clip-local frame; when the frame rates
  differ, the child is sampled by time (``floor(local / parent_fps · child_fps)``). With
  ``loop`` the child repeats from ``trim_start_frames``; without, it shows nothing after
  its last frame.
- **Caching.** The layer's state is the child's evaluated frame graph: frames where the
  child does not change are not redrawn (a static lower third is drawn once per render).
  A child used by several clips is prepared once per job (one asset, one child job).
- **Sound.** The child's mix joins the parent's, placed like a video's sound.
- **Nesting** is limited to `MAX_DEPTH` levels; a cycle (a child that includes one of its
  ancestors) is refused with the chain named.

This module sits above the run layer (it opens a child `Job`) and below the built-in
plugin that registers the kind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wavyte_core.errors import CompositionError, WavyteError
from wavyte_core.format.load import load_composition_file
from wavyte_core.format.model import Composition
from wavyte_core.format.paint import strict_fields
from wavyte_core.plugin.asset_kinds import (
    AssetKind,
    DrawContext,
    KindSound,
    PrepareContext,
    RasterDrawing,
    VectorDrawing,
)
from wavyte_core.plugin.params import Param
from wavyte_core.run.frames import mixed_audio
from wavyte_core.run.job import Backends, Job, check

__all__ = ["MAX_DEPTH", "CompositionKind", "NestedSpec"]

#: Compositions nested deeper than this are refused (the parent is level 0).
MAX_DEPTH = 8
_FIELDS = ("source", "trim_start_frames", "loop")


@dataclass(frozen=True, slots=True)
class NestedSpec:
    source: str
    trim_start_frames: int = 0
    loop: bool = False


def read_nested(raw: Any, path: str) -> NestedSpec:
    f = strict_fields(raw, path, "Composition", _FIELDS, ("source",))
    source = f["source"]
    if not isinstance(source, str) or not source.strip():
        raise CompositionError(path + ".source", "expected a composition file path")
    trim = f.get("trim_start_frames", 0)
    if isinstance(trim, bool) or not isinstance(trim, int) or trim < 0:
        raise CompositionError(path + ".trim_start_frames", "must be an integer >= 0")
    loop = f.get("loop", False)
    if not isinstance(loop, bool):
        raise CompositionError(path + ".loop", "must be true or false")
    return NestedSpec(source, trim, loop)


NESTED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["source"],
    "properties": {
        "source": {"type": "string", "description": "another composition JSON file"},
        "trim_start_frames": {"type": "integer", "minimum": 0, "default": 0},
        "loop": {"type": "boolean", "default": False},
    },
}


def _chain_text(chain: tuple[Path, ...]) -> str:
    return " → ".join(p.name for p in chain)


def _load_child(p: NestedSpec, ctx: PrepareContext) -> tuple[Path, Composition]:
    """The child's resolved file and checked composition; refuses cycles and depth."""
    chain: tuple[Path, ...] = tuple(ctx.extra.get("chain", ()))
    where = ctx.path + ".source"
    path = ctx.resolve(p.source).resolve()
    if path in chain:
        loop = (*chain[chain.index(path) :], path)
        raise CompositionError(where, f"compositions include each other: {_chain_text(loop)}")
    if len(chain) >= MAX_DEPTH:
        raise CompositionError(
            where, f"compositions nested deeper than {MAX_DEPTH}: {_chain_text((*chain, path))}"
        )
    try:
        child = load_composition_file(path)
        check(child, registry=ctx.extra.get("registry"))
    except WavyteError as exc:
        raise CompositionError(where, f"{path.name}: {exc}") from None
    return path, child


class CompositionKind(AssetKind):
    """Another composition file drawn as this clip's layer, at its own canvas size: child
    frame = ``trim_start_frames`` + clip-local frame (sampled by time when the frame rates
    differ); ``loop`` repeats it. Its sound joins the mix; its assets resolve beside it."""

    name = "Composition"
    description = "A composition file inside this one (a reusable lower third, intro, …)."
    params = (
        Param("source", "string", required=True, animatable=False,
              description="Composition JSON file, relative to the asset root."),
        Param("trim_start_frames", "int", default=0, min=0, animatable=False,
              description="Child frame shown at the clip's first frame."),
        Param("loop", "bool", default=False, animatable=False,
              description="Repeat the child after its last frame."),
    )  # fmt: skip
    json_schema = NESTED_SCHEMA
    frame_varying = True

    @classmethod
    def parse(cls, raw: Any, path: str) -> NestedSpec:
        return read_nested(raw, path)

    # -- prepare (once per job) ------------------------------------------------------------

    def prepare(self, p: NestedSpec, ctx: PrepareContext) -> tuple[float, float]:
        chain: tuple[Path, ...] = tuple(ctx.extra.get("chain", ()))
        where = ctx.path + ".source"
        registry = ctx.extra.get("registry")
        path, child = _load_child(p, ctx)
        self.child: Composition = child
        self.spec = p
        parent_fps = ctx.fps
        child_fps = child.fps.num / child.fps.den
        self._same_rate = math.isclose(parent_fps, child_fps, rel_tol=0, abs_tol=1e-12)
        self._ratio = child_fps / parent_fps if parent_fps else 1.0
        try:
            self.job = Job(
                child,
                assets_root=path.parent,
                backends=ctx.extra.get("backends") or Backends(),
                background=None,
                registry=registry,
                audio=False,
                chain=(*chain, path),
            )
        except WavyteError as exc:
            raise CompositionError(where, f"{path.name}: {exc}") from None
        self._surface = self.job.new_surface()
        self._graph_of: dict[Any, Any] = {}
        self.path = path
        return float(child.canvas.width), float(child.canvas.height)

    @classmethod
    def sound(cls, p: NestedSpec, ctx: PrepareContext) -> KindSound | None:
        """The child's whole mix, placed from ``trim_start_frames`` (looping with the
        picture). A child job of its own decodes it, in the process that mixes."""
        path, child = _load_child(p, ctx)
        chain: tuple[Path, ...] = tuple(ctx.extra.get("chain", ()))
        with Job(
            child,
            assets_root=path.parent,
            backends=ctx.extra.get("backends") or Backends(),
            background=None,
            registry=ctx.extra.get("registry"),
            chain=(*chain, path),
        ) as job:
            pcm = mixed_audio(job, 0, child.duration)
        if pcm is None:
            return None
        fps = child.fps.num / child.fps.den
        return KindSound(pcm, p.trim_start_frames / fps, child.duration / fps, p.loop)

    def close(self) -> None:
        """Called when the parent job closes: the child's decoders and sessions go too."""
        job = getattr(self, "job", None)
        if job is not None:
            job.close()
            self.job = None  # type: ignore[assignment]

    # -- per frame ---------------------------------------------------------------------------

    def child_frame(self, local: int) -> int | None:
        """The child frame shown at clip-local frame ``local`` (None: nothing shows)."""
        f = local if self._same_rate else math.floor(local * self._ratio + 1e-9)
        f += self.spec.trim_start_frames
        n = self.child.duration
        if self.spec.loop and n > self.spec.trim_start_frames:
            start = self.spec.trim_start_frames
            f = start + (f - start) % (n - start)
        return f if 0 <= f < n else None

    def frame_state(self, p: NestedSpec, frame: int) -> Any:
        """The child's evaluated nodes at the frame shown: unchanged child frames share one
        drawing (a static child is drawn once)."""
        cf = self.child_frame(frame)
        if cf is None:
            return None
        graph = self.job.evaluate(cf)
        nodes = graph.nodes
        self._graph_of[nodes] = graph
        if len(self._graph_of) > 64:
            self._graph_of.pop(next(iter(self._graph_of)))
        return nodes

    def draw(self, p: NestedSpec, ctx: DrawContext) -> RasterDrawing | VectorDrawing:
        nodes = ctx.state
        if nodes is None:
            return VectorDrawing(())
        graph = self._graph_of.get(nodes)
        if graph is None:  # pragma: no cover - frame_state always records it first
            graph = self.job.evaluate(self.child_frame(ctx.frame) or 0)
        self.job.render_into(graph, self._surface)
        # drawn straight from the child's surface: the next draw rewrites it, so the host
        # keeps only this drawing (a looping child's old states are rendered again)
        return RasterDrawing(self._surface.buf, volatile=True)
