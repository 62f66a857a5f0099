"""How the core runs `AssetKind` plugins.

Registration (once per process) turns a kind class into an `AssetKindSpec`. Checking a
composition (once) binds each kind asset's JSON: `bind_asset` validates it (declared
params, or the kind's own ``parse`` for structured JSON) and compiles its animated leaves.
A job then instantiates the kind and calls ``prepare`` once per asset (`prepare_kind`), and
the frame loop calls a `KindDrawer` per drawn layer: it asks the kind to ``draw`` only when
the sampled values differ from the ones it has a native handle for, converts the drawing to
the rasterizer's native objects once (``prepare_vector`` / ``prepare_image``), and draws
that handle.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wavyte_core.errors import CompositionError, PluginError, WavyteError
from wavyte_core.plugin.asset_kinds import (
    AssetKind,
    DrawContext,
    PrepareContext,
    RasterDrawing,
    VectorDrawing,
)
from wavyte_core.plugin.kinds import kind_doc
from wavyte_core.plugin.params import ParamSet
from wavyte_core.plugin.roles import Surface
from wavyte_core.plugin.specs import AssetKindSpec
from wavyte_core.timeline.affine import Affine, mul
from wavyte_core.timeline.tree import compile_tree

__all__ = [
    "BoundAsset",
    "KindDrawer",
    "PreparedKind",
    "asset_kind_spec",
    "bind_asset",
    "prepare_kind",
]


# ------------------------------------------------------------------ registration


def asset_kind_spec(cls: Any, *, first_party: bool) -> AssetKindSpec:
    """The spec of an `AssetKind` subclass (its declaration checked, once per process).
    Third-party names must be namespaced; first-party ones may use the format's reserved
    names (`wavyte_core.format.model.KIND_TAGS`)."""
    from wavyte_core.format.load import KIND_TAG
    from wavyte_core.format.model import KIND_TAGS

    if not (isinstance(cls, type) and issubclass(cls, AssetKind)):
        raise ValueError(f"{cls!r} is not a wavyte_core.plugin.AssetKind subclass")
    name = cls.name.strip()
    if not KIND_TAG.fullmatch(name) and not (first_party and name in KIND_TAGS):
        raise ValueError(
            f"asset kind '{name}' must be namespaced and lowercase, like 'acme.particles' "
            f"(un-namespaced names are reserved for the format's kinds: {', '.join(KIND_TAGS)})"
        )
    owner = f"asset kind '{name}'"
    structured = cls.parse.__func__ is not AssetKind.parse.__func__  # type: ignore[attr-defined]
    ps = None if structured else ParamSet(owner, tuple(cls.params))
    if structured:  # declared params only document a structured kind's fields
        for p in cls.params:
            p.check_declaration(owner)
    examples = tuple(dict(e) for e in cls.examples or ())
    spec = AssetKindSpec(
        name=name,
        kind=cls,
        description=cls.description,
        params=tuple(cls.params),
        param_set=ps,
        json_schema=cls.json_schema,
        doc=kind_doc(cls),
        examples=examples,
    )
    for i, e in enumerate(examples):
        try:
            bind_asset(spec, e, f"examples[{i}]")
        except CompositionError as exc:
            raise ValueError(f"{owner}: {exc}") from None
    return spec


# ------------------------------------------------------------------ binding (check time)


@dataclass(frozen=True, slots=True)
class BoundAsset:
    """One kind asset after checking: its values at clip frame 0 and, when anything is
    animated, ``sample(clip_local_frame)``."""

    spec: AssetKindSpec
    first: Any
    sample: Callable[[int], Any] | None
    seed: int

    @property
    def static(self) -> bool:
        """Nothing changes from frame to frame: the kind is drawn once per job."""
        return self.sample is None and not self.spec.kind.frame_varying

    def state_at(self) -> Callable[[int], Any] | None:
        """Per clip-local frame, the value the layer cache keys on (None when static)."""
        if self.static:
            return None
        sample = self.sample
        if self.spec.kind.frame_varying:
            first = self.first
            if sample is None:
                return lambda f: (f, first)
            return lambda f: (f, sample(f))
        return sample


def bind_asset(
    spec: AssetKindSpec, raw: Any, path: str, *, secs_per_frame: float = 1 / 30, seed: int = 0
) -> BoundAsset:
    """Validate one kind asset's JSON content (``path`` names it) and compile its animated
    values. Raises `CompositionError` naming the bad value's path."""
    if spec.param_set is not None:
        bp = spec.param_set.bind(raw, path, secs_per_frame=secs_per_frame, seed=seed)
        return BoundAsset(spec, bp.first, bp.sample, seed)
    try:
        value = spec.kind.parse(raw, path)
    except WavyteError:
        raise
    except ValueError as exc:
        raise CompositionError(path, str(exc)) from None
    except Exception as exc:  # a plugin bug: reported by kind
        raise PluginError(f"{path}: asset kind '{spec.name}' parse failed: {exc!r}") from exc
    first, sample = compile_tree(value, secs_per_frame=secs_per_frame, seed=seed, path=path)
    return BoundAsset(spec, first, sample, seed)


# ------------------------------------------------------------------ prepare (once per job)


@dataclass(slots=True)
class PreparedKind:
    """A kind asset prepared for a job: the kind instance (with its prepare-time state),
    its bound values, intrinsic size and, when static, the local box it draws in."""

    kind: AssetKind
    bound: BoundAsset
    width: float
    height: float
    bounds: tuple[float, float, float, float] | None

    @property
    def size(self) -> tuple[float, float]:
        return self.width, self.height


def prepare_kind(bound: BoundAsset, ctx: PrepareContext) -> PreparedKind:
    """Instantiate the kind and run its ``prepare`` (all its I/O) once."""
    name = bound.spec.name
    kind = bound.spec.kind()
    try:
        size = kind.prepare(bound.first, ctx)
        w, h = float(size[0]), float(size[1])
    except WavyteError:
        raise
    except ValueError as exc:
        raise CompositionError(ctx.path, str(exc)) from None
    except Exception as exc:
        raise PluginError(f"{ctx.path}: asset kind '{name}' prepare failed: {exc!r}") from exc
    if not (math.isfinite(w) and math.isfinite(h) and w >= 0 and h >= 0):
        raise PluginError(f"{ctx.path}: asset kind '{name}' returned a bad size {size!r}")
    box = None
    if bound.static:
        try:
            box = kind.bounds(bound.first, (w, h))
        except Exception as exc:
            raise PluginError(f"{ctx.path}: asset kind '{name}' bounds failed: {exc!r}") from exc
    return PreparedKind(kind, bound, w, h, box)


# ------------------------------------------------------------------ per frame

#: Native handles kept per drawer: a few clips may show one asset at different values.
_CACHE_SIZE = 8


class KindDrawer:
    """The frame loop's draw call for one kind asset: ``drawer(surface, m, opacity,
    state)``, where ``state`` is what `BoundAsset.state_at` gave for the clip's frame
    (None: static). The kind's ``draw`` and the native conversion run only for values not
    seen recently; otherwise this is one native draw."""

    __slots__ = ("item", "rast", "_cache", "_ctx_seed", "_size")

    def __init__(self, item: PreparedKind, rast: Any) -> None:
        self.item = item
        self.rast = rast
        self._cache: dict[Any, tuple[Any, Any]] = {}
        self._ctx_seed = item.bound.seed
        self._size = item.size

    def native(self, state: Any) -> tuple[Any, Any]:
        """``(handle, adjust)`` for ``state``: a vector handle (adjust None) or an image
        handle and the affine that places it in local coordinates."""
        hit = self._cache.get(state)
        if hit is not None:
            return hit
        item = self.item
        frame = 0
        if state is None:
            values = item.bound.first
        elif item.bound.spec.kind.frame_varying:
            frame, values = state
        else:
            values = state
        try:
            drawing = item.kind.draw(values, DrawContext(frame, self._ctx_seed, self._size))
        except WavyteError:
            raise
        except Exception as exc:
            raise PluginError(f"asset kind '{item.bound.spec.name}': draw failed: {exc!r}") from exc
        if isinstance(drawing, VectorDrawing):
            made: tuple[Any, Any] = (self.rast.prepare_vector(drawing), None)
        elif isinstance(drawing, RasterDrawing):
            adjust: Affine = (drawing.scale, 0.0, 0.0, drawing.scale, drawing.x, drawing.y)
            made = (self.rast.prepare_image(drawing.pixels), adjust)
        else:
            raise PluginError(
                f"asset kind '{item.bound.spec.name}': draw returned {type(drawing).__name__}, "
                "not a VectorDrawing or RasterDrawing"
            )
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
        self._cache[state] = made
        return made

    def __call__(self, s: Surface, m: Affine, o: float, state: Any) -> None:
        handle, adjust = self.native(state)
        if adjust is None:
            self.rast.draw_vector(s, handle, m, o)
        else:
            self.rast.draw_image(s, handle, mul(m, adjust), o)
