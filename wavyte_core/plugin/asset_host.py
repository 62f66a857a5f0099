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
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from wavyte_core.errors import CompositionError, PluginError, WavyteError
from wavyte_core.plugin.asset_kinds import (
    AssetKind,
    DrawContext,
    PrepareContext,
    RasterDrawing,
    VectorDrawing,
    VectorShape,
)
from wavyte_core.plugin.geometry import flatten_path
from wavyte_core.plugin.kinds import kind_doc
from wavyte_core.plugin.params import ParamSet
from wavyte_core.plugin.roles import Surface
from wavyte_core.plugin.specs import AssetKindSpec
from wavyte_core.timeline.affine import Affine, mul
from wavyte_core.timeline.tree import compile_tree

if TYPE_CHECKING:
    from wavyte_core.timeline.anim import LevelLookup

__all__ = [
    "FrameKey",
    "keyed_state_at",
    "draw_steps",
    "native_steps",
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

    def state_at(self, clip_start: int = 0) -> Callable[[int], Any] | None:
        """Per clip-local frame, the value the layer cache keys on (None when static). A
        frame-varying kind's state carries the frame, and the clip's first timeline frame
        when it is not 0 (`DrawContext.clip_start`)."""
        if self.static:
            return None
        sample = self.sample
        if self.spec.kind.frame_varying:
            first = self.first
            if clip_start:
                if sample is None:
                    return lambda f: (f, first, clip_start)
                return lambda f: (f, sample(f), clip_start)
            if sample is None:
                return lambda f: (f, first)
            return lambda f: (f, sample(f))
        return sample


def bind_asset(
    spec: AssetKindSpec,
    raw: Any,
    path: str,
    *,
    secs_per_frame: float = 1 / 30,
    seed: int = 0,
    levels: LevelLookup | None = None,
) -> BoundAsset:
    """Validate one kind asset's JSON content (``path`` names it) and compile its animated
    values (``levels`` resolves ``AudioLevel``: see `compile_anim`). Raises
    `CompositionError` naming the bad value's path."""
    if spec.param_set is not None:
        bp = spec.param_set.bind(raw, path, secs_per_frame=secs_per_frame, seed=seed, levels=levels)
        return BoundAsset(spec, bp.first, bp.sample, seed)
    try:
        value = spec.kind.parse(raw, path)
    except WavyteError:
        raise
    except ValueError as exc:
        raise CompositionError(path, str(exc)) from None
    except Exception as exc:  # a plugin bug: reported by kind
        raise PluginError(f"{path}: asset kind '{spec.name}' parse failed: {exc!r}") from exc
    first, sample = compile_tree(
        value, secs_per_frame=secs_per_frame, seed=seed, path=path, levels=levels
    )
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


def for_rasterizers(drawing: VectorDrawing) -> VectorDrawing:
    """The drawing as rasterizers receive it: dashed strokes follow a flattened outline
    (`geometry.flatten_path`), so every library places the dashes at the same lengths."""
    if not any(s.stroke is not None and s.stroke.dash for s in drawing.shapes):
        return drawing
    shapes = []
    for s in drawing.shapes:
        if s.stroke is not None and s.stroke.dash:
            src = s.stroke_path if s.stroke_path is not None else s.path
            s = replace(s, stroke_path=flatten_path(src))
        shapes.append(s)
    return VectorDrawing(tuple(shapes))


@dataclass(frozen=True, slots=True)
class FrameKey:
    """A frame-varying kind's state (`AssetKind.frame_state`) in place of the frame."""

    state: Any


def keyed_state_at(item: PreparedKind) -> Callable[[int], Any] | None:
    """Per clip-local frame, ``(FrameKey(kind.frame_state(values, frame)), values)`` for a
    prepared frame-varying kind that defines ``frame_state``; None otherwise (the frame
    itself is then the state). Frames with equal keys are equal layer states."""
    kind = item.kind
    bound = item.bound
    if not bound.spec.kind.frame_varying:
        return None
    if type(kind).frame_state is AssetKind.frame_state:
        return None
    fs = kind.frame_state
    first, sample = bound.first, bound.sample
    if sample is None:
        return lambda f: (FrameKey(fs(first, f)), first)

    def at(f: int) -> Any:
        v = sample(f)
        return (FrameKey(fs(v, f)), v)

    return at


#: Native handles kept per drawer: a few clips may show one asset at different values.
_CACHE_SIZE = 8


class KindDrawer:
    """The frame loop's draw call for one kind asset: ``drawer(surface, m, opacity,
    state)``, where ``state`` is what `BoundAsset.state_at` gave for the clip's frame
    (None: static). The kind's ``draw`` and the native conversion run only for values not
    seen recently; otherwise this is one native draw."""

    __slots__ = ("item", "rast", "_cache", "_made", "_ctx_seed", "_size")

    def __init__(self, item: PreparedKind, rast: Any) -> None:
        self.item = item
        self.rast = rast
        self._cache: dict[Any, tuple[Any, ...]] = {}
        #: Native steps per drawing object: a kind that returns the same drawing again (a
        #: caption page whose words did not change) is not converted again.
        self._made: dict[int, tuple[Any, tuple[Any, ...]]] = {}
        self._ctx_seed = item.bound.seed
        self._size = item.size

    def native(self, state: Any) -> tuple[Any, ...]:
        """The native steps (`native_steps`) of the drawing for ``state``."""
        hit = self._cache.get(state)
        if hit is not None:
            return hit
        item = self.item
        frame = 0
        key = None
        if state is None:
            values = item.bound.first
        clip_start = 0
        if state is None:
            values = item.bound.first
        elif item.bound.spec.kind.frame_varying:
            frame, values, *rest = state
            if rest:
                clip_start = rest[0]
            if isinstance(frame, FrameKey):
                frame, key = -1, frame.state
        else:
            values = state
        try:
            ctx = DrawContext(frame, self._ctx_seed, self._size, key, clip_start)
            drawing = item.kind.draw(values, ctx)
        except WavyteError:
            raise
        except Exception as exc:
            raise PluginError(f"asset kind '{item.bound.spec.name}': draw failed: {exc!r}") from exc
        if not isinstance(drawing, (VectorDrawing, RasterDrawing)):
            raise PluginError(
                f"asset kind '{item.bound.spec.name}': draw returned {type(drawing).__name__}, "
                "not a VectorDrawing or RasterDrawing"
            )
        if isinstance(drawing, RasterDrawing) and drawing.volatile:
            # its buffer is rewritten by the next draw: no older drawing may be drawn again
            self._cache.clear()
            self._made.clear()
        made = self._made.get(id(drawing))
        if made is None or made[0] is not drawing:
            made = (drawing, native_steps(self.rast, drawing))
            if len(self._made) >= _CACHE_SIZE:
                self._made.pop(next(iter(self._made)))
            self._made[id(drawing)] = made
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
        self._cache[state] = made[1]
        return made[1]

    def __call__(self, s: Surface, m: Affine, o: float, state: Any) -> None:
        draw_steps(self.rast, self.native(state), s, m, o)


class NativeSteps(tuple):
    """Native draw steps of one drawing, with the local box they draw in (``bbox``, None
    when empty): a drawing of several steps drawn with opacity < 1 is drawn as a group."""

    bbox: tuple[float, float, float, float] | None = None


def _item_box(sh: VectorShape | RasterDrawing) -> tuple[float, float, float, float]:
    if isinstance(sh, RasterDrawing):
        h, w = sh.pixels.shape[:2]
        return (sh.x, sh.y, sh.x + w * sh.scale, sh.y + h * sh.scale)
    x0, y0, x1, y1 = (sh.stroke_path or sh.path).bbox if sh.stroke else sh.path.bbox
    if sh.stroke is not None:
        st = sh.stroke
        r = float(st.width) / 2.0 * max(float(st.miter_limit), 1.5)  # type: ignore[arg-type]
        if sh.fill is not None:
            fx0, fy0, fx1, fy1 = sh.path.bbox
            x0, y0, x1, y1 = min(x0, fx0), min(y0, fy0), max(x1, fx1), max(y1, fy1)
        return (x0 - r, y0 - r, x1 + r, y1 + r)
    return (x0, y0, x1, y1)


def native_steps(rast: Any, drawing: VectorDrawing | RasterDrawing) -> NativeSteps:
    """A drawing converted to the rasterizer's native objects: ``(handle, adjust)`` steps,
    a vector handle (adjust None) per run of vector shapes, an image handle and the affine
    that places it per raster. Called once per distinct drawing."""
    if isinstance(drawing, RasterDrawing):
        out = NativeSteps((_raster_step(rast, drawing),))
        out.bbox = _item_box(drawing)
        return out
    steps: list[tuple[Any, Any]] = []
    run: list[VectorShape] = []
    for sh in drawing.shapes:
        if isinstance(sh, RasterDrawing):
            if run:
                steps.append(
                    (rast.prepare_vector(for_rasterizers(VectorDrawing(tuple(run)))), None)
                )
                run = []
            steps.append(_raster_step(rast, sh))
        else:
            run.append(sh)
    if run or not steps:
        steps.append((rast.prepare_vector(for_rasterizers(VectorDrawing(tuple(run)))), None))
    out = NativeSteps(steps)
    if len(steps) > 1:  # the group box is only needed to draw several steps as one
        boxes = [_item_box(sh) for sh in drawing.shapes]
        out.bbox = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
    return out


def _raster_step(rast: Any, r: RasterDrawing) -> tuple[Any, Affine]:
    adjust: Affine = (r.scale, 0.0, 0.0, r.scale, r.x, r.y)
    return (rast.prepare_image(r.pixels), adjust)


def draw_steps(rast: Any, steps: tuple[Any, ...], s: Surface, m: Affine, o: float) -> None:
    """Draw native steps (`native_steps`) under ``m`` with opacity ``o``: per frame.

    Several steps (vector runs and rasters: a text's shadow, glyph images) with ``o < 1``
    are drawn as one group, like a VectorDrawing's shapes: at full opacity on a scratch
    surface covering their device box, then that surface with opacity ``o`` (so the
    shadow does not show through the text while it fades)."""
    if o < 1.0 and len(steps) > 1 and getattr(steps, "bbox", None) is not None:
        _draw_group(rast, steps, s, m, o)
        return
    for handle, adjust in steps:
        if adjust is None:
            rast.draw_vector(s, handle, m, o)
        else:
            rast.draw_image(s, handle, mul(m, adjust), o)


def _draw_group(rast: Any, steps: Any, s: Surface, m: Affine, o: float) -> None:
    if o <= 0.0:
        return
    bx0, by0, bx1, by1 = steps.bbox
    a, b, c, d, e, f = m
    xs = [a * x + c * y + e for x, y in ((bx0, by0), (bx1, by0), (bx0, by1), (bx1, by1))]
    ys = [b * x + d * y + f for x, y in ((bx0, by0), (bx1, by0), (bx0, by1), (bx1, by1))]
    if not all(math.isfinite(v) for v in (*xs, *ys)):
        return
    h, w = s.buf.shape[:2]
    x0 = max(int(math.floor(min(xs))) - 2, 0)
    y0 = max(int(math.floor(min(ys))) - 2, 0)
    x1 = min(int(math.ceil(max(xs))) + 2, w)
    y1 = min(int(math.ceil(max(ys))) + 2, h)
    if x1 <= x0 or y1 <= y0:
        return
    scratch = Surface.alloc(x1 - x0, y1 - y0)
    inner = (a, b, c, d, e - x0, f - y0)
    for handle, adjust in steps:
        if adjust is None:
            rast.draw_vector(scratch, handle, inner, 1.0)
        else:
            rast.draw_image(scratch, handle, mul(inner, adjust), 1.0)
    rast.flush(scratch)
    rast.draw_pixels(s, scratch.buf, (1.0, 0.0, 0.0, 1.0, float(x0), float(y0)), o)
    scratch.native.clear()
