"""The public API for asset kinds: element types that plugins add to the format.

An asset kind is a class, declared like an effect (`wavyte_core.plugin.Effect`): a name
(namespaced for third parties, ``"acme.particles"``; the format's own kinds are
un-namespaced: ``"Shape"``, ``"Captions"``), a description, its `Param` declarations and
examples. A composition uses it as an externally tagged asset::

    "assets": {"sparks": {"acme.particles": {"count": 200, "colour": "#ffcc00"}}}

and clips place it like any other asset. A minimal kind::

    from wavyte_core.plugin import (AssetKind, Param, PathGeometry, Solid, VectorDrawing,
                                    VectorShape, hookimpl, rect_path)

    class Badge(AssetKind):
        '''A rounded badge.'''

        name = "acme.badge"
        description = "A filled rectangle."
        params = (
            Param("width", "number", default=200, min=0),
            Param("height", "number", default=80, min=0),
            Param("colour", "colour", default="#ff8800"),
        )

        def prepare(self, p, ctx):
            return (p.width, p.height)             # intrinsic size, used by layout

        def draw(self, p, ctx):
            path = rect_path(0, 0, p.width, p.height)
            return VectorDrawing((VectorShape(path, fill=Solid(p.colour)),))

    @hookimpl
    def wavyte_register_asset_kinds():
        return [Badge]

How the core uses a kind, and how often (docs/writing-a-plugin.md, "Asset kinds"):

- **registration**, once per process: the declaration is checked (a broken one is reported
  by plugin name);
- **parse**, once per asset of the composition, when it is checked (``wavyte validate``,
  ``load``, before any render): the JSON content is validated against the declared params
  (errors name the JSON path and the param; unknown keys refused), defaults filled in,
  animated params (``Keyframes``/``Procedural``/``Expr``) compiled. A kind whose JSON is
  structured (nested objects, tagged variants: Shape's geometry, Paint, Stroke) overrides
  `AssetKind.parse` and returns a typed value: frozen dataclasses, tuples and plain
  values, with `Animated` leaves where the JSON animates (`wavyte_core.format.paint` has
  the readers: ``read_number``, ``read_colour``, ``read_point``, ``read_paint``,
  ``read_stroke``, ``strict_fields``). The core compiles those leaves once and samples
  the tree per frame;
- **prepare**, once per asset per job (per worker process), with the values at clip frame
  0: do all I/O here, through ``ctx.resolve(rel)`` (confined to the asset root). Returns
  the intrinsic size ``(width, height)`` that layout uses;
- **draw**, per rendered frame **only when the sampled values changed** (the values are
  part of the layer's cache key, as an effect's params are): a kind whose values never
  change is drawn once per render. It returns a `VectorDrawing` (paths with `Paint` and
  `Stroke`, drawn natively by every rasterizer, sharp at any scale) or a `RasterDrawing`
  (premultiplied BGRA pixels placed in the asset's local coordinates). ``draw`` must be a
  pure function of its values and ``prepare``'s state: deterministic, no I/O.

Coordinates are the asset's local pixels, y down; the clip's transform maps them onto the
canvas. `AssetKind.bounds` says where the drawing stays (stroke included); the frame
renderer sizes isolated layers with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from wavyte_core.format.paint import Paint, Stroke
from wavyte_core.plugin.params import Param, Params
from wavyte_core.plugin.prepared import PathGeometry

if TYPE_CHECKING:
    from wavyte_core.format.model import Composition

__all__ = [
    "AssetKind",
    "DrawContext",
    "Drawing",
    "FILL_RULES",
    "KindSound",
    "PrepareContext",
    "RasterDrawing",
    "VectorDrawing",
    "VectorShape",
]

FILL_RULES = ("NonZero", "EvenOdd")
LocalBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class VectorShape:
    """One outline with its fill and/or stroke. The fill is drawn first, then the stroke.

    ``path`` is filled with ``fill`` under ``fill_rule`` (``"NonZero"`` or ``"EvenOdd"``);
    the stroke follows ``stroke_path`` when given (a trimmed outline: see
    `wavyte_core.plugin.trim`), else ``path``. A stroke of width 0 draws nothing. Paint
    and Stroke values are plain here (sampled: colours RGBA8 straight alpha, points
    (x, y), numbers floats); gradient points are in the local coordinates.
    """

    path: PathGeometry
    fill: Paint | None = None
    stroke: Stroke | None = None
    fill_rule: str = "NonZero"
    stroke_path: PathGeometry | None = None


@dataclass(frozen=True, slots=True)
class VectorDrawing:
    """Shapes drawn in order, as one layer: the clip's opacity applies to the group (an
    overlapping fill and stroke do not show through each other).

    ``shapes`` may also hold `RasterDrawing` items (colour glyphs, a blurred shadow): each
    is drawn in its place, between the vector shapes before and after it (those runs of
    shapes keep group opacity among themselves)."""

    shapes: tuple[VectorShape | RasterDrawing, ...]


@dataclass(frozen=True, slots=True, eq=False)
class RasterDrawing:
    """Premultiplied BGRA uint8 pixels, shape (h, w, 4), placed with pixel (0, 0)'s corner
    at local ``(x, y)``, each pixel ``scale`` local units wide (draw at 2× and say
    ``scale=0.5`` for a sharper raster). Drawn bilinear with edge clamp, like an image.
    The array must not be changed after it is returned (keep a new one per draw), unless
    ``volatile``: then ``pixels`` is the kind's own buffer, rewritten by its next ``draw``
    (no new 8 MB array per 1080p frame), and the core keeps no older drawing of the asset
    than the last one. Only a drawing returned by ``draw`` itself may be volatile."""

    pixels: np.ndarray
    x: float = 0.0
    y: float = 0.0
    scale: float = 1.0
    volatile: bool = False


Drawing = VectorDrawing | RasterDrawing


@dataclass(frozen=True, slots=True, eq=False)
class KindSound:
    """The sound of a kind asset (`AssetKind.sound`): float32 (n, 2) PCM at 48 kHz on the
    kind's own time line, placed like a video's sound: at clip-local time ``t`` the source
    time is ``start_sec + t``; it stops at ``end_sec`` (None: the end of ``pcm``), or with
    ``loop`` repeats from ``start_sec``."""

    pcm: np.ndarray
    start_sec: float = 0.0
    end_sec: float | None = None
    loop: bool = False


@dataclass(frozen=True, slots=True)
class PrepareContext:
    """What `AssetKind.prepare` may use, once per asset per job.

    ``key`` is the asset key and ``path`` the JSON path of its content (for errors);
    ``assets_root`` the directory relative paths resolve against; ``canvas`` and ``fps``
    the composition's; ``seed`` a stable seed of the asset (for deterministic noise);
    ``composition`` the whole document (a kind that reads another asset, e.g. a waveform
    of an audio asset, finds it there); ``decoder`` the job's decoder role object (images,
    video sessions, ``decode_audio``), None when the composition needs none.
    """

    key: str
    path: str
    assets_root: Path
    canvas: tuple[int, int]
    fps: float
    seed: int
    composition: Composition | None = None
    decoder: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def resolve(self, rel: str, field_name: str = "source") -> Path:
        """A path relative to the asset root, confined to it (no ``..``, no absolute
        path); raises `AssetError` naming the JSON field."""
        from wavyte_core.format.paths import resolve_asset_path

        return resolve_asset_path(self.assets_root, rel, f"{self.path}.{field_name}")


@dataclass(frozen=True, slots=True)
class DrawContext:
    """Per-call facts for `AssetKind.draw`: ``frame`` is the clip-local frame of the
    clip being drawn (only meaningful to ``frame_varying`` kinds: for the others the
    drawing is reused on every frame with the same values), ``seed`` the asset's stable
    seed, ``size`` the intrinsic size ``prepare`` returned."""

    frame: int
    seed: int
    size: tuple[float, float]
    #: For a kind that defines `AssetKind.frame_state`: the state being drawn (then
    #: ``frame`` is -1 when the core knew the state without the frame: draw from the state).
    state: Any = None
    #: The clip's first timeline frame: ``frame + clip_start`` is the timeline frame (for a
    #: kind that follows the timeline, as the Waveform follows its sound).
    clip_start: int = 0


class AssetKind:
    """Base class of an asset kind. Subclass it, set the class attributes, implement
    `prepare` and `draw`; override `parse` for structured JSON and `bounds` when the
    drawing reaches outside ``(0, 0, width, height)``.

    One instance is created per asset of the composition per job, so ``prepare`` may keep
    state on ``self`` (a parsed file, glyph outlines) for ``draw``.
    """

    #: The kind's JSON tag: ``"vendor.kind"`` (lowercase) for third parties.
    name: ClassVar[str] = ""
    #: One line for tables; the class docstring is the long description in the docs.
    description: ClassVar[str] = ""
    #: Declared params (flat kinds). A structured kind declares its top-level fields here
    #: for docs and schema, and parses them itself (`parse`).
    params: ClassVar[tuple[Param, ...]] = ()
    #: Param sets (JSON values, as in a composition) that show the kind off: docs,
    #: ``wavyte kinds``, the AssetContract. Default: the defaults.
    examples: ClassVar[tuple[dict[str, Any], ...]] = ()
    #: True when the drawing depends on the clip-local frame beyond the values: ``draw``
    #: is then called on every frame (with ``ctx.frame``) instead of on value changes.
    frame_varying: ClassVar[bool] = False
    #: JSON Schema of the content (``wavyte schema``) for structured kinds; flat kinds get
    #: one derived from ``params``.
    json_schema: ClassVar[dict[str, Any] | None] = None

    @classmethod
    def parse(cls, raw: Any, path: str) -> Any:
        """Structured kinds only: the JSON content → a typed value (frozen dataclasses,
        tuples, plain values, `Animated` leaves), raising `CompositionError` with the JSON
        path of a bad value. Called once per asset when the composition is checked. The
        default is the declared params (never called then)."""
        raise NotImplementedError

    def prepare(self, p: Params | Any, ctx: PrepareContext) -> tuple[float, float]:
        """Called once per asset per job with the values at clip frame 0; returns the
        intrinsic size ``(width, height)`` used by layout. Raise ``ValueError`` (or
        `AssetError`) naming the problem for bad input."""
        raise NotImplementedError

    def bounds(self, p: Params | Any, size: tuple[float, float]) -> LocalBox | None:
        """The local box ``(x0, y0, x1, y1)`` every pixel of ``draw(p)`` stays inside
        (stroke, shadow included); None when unknown. Default: ``(0, 0, *size)``."""
        return (0.0, 0.0, float(size[0]), float(size[1]))

    def frame_state(self, p: Params | Any, frame: int) -> Any:
        """``frame_varying`` kinds may define this: a hashable summary of what the drawing
        at clip-local ``frame`` shows (a caption page and its spoken words), called per
        frame after ``prepare``. Frames with equal states share one drawing and the layer
        is not redrawn between them; ``draw`` then gets the state in ``ctx.state``. The
        base class does not define a state (every frame is its own)."""
        raise NotImplementedError

    def draw(self, p: Params | Any, ctx: DrawContext) -> Drawing:
        """The drawing for values ``p``: called only when ``p`` changed (or every frame for
        a ``frame_varying`` kind)."""
        raise NotImplementedError

    @classmethod
    def sound(cls, p: Params | Any, ctx: PrepareContext) -> KindSound | None:
        """A kind that makes sound (a nested composition's mix) returns it here. Called at
        most once per job, by the process that mixes the audio (not the render workers),
        with the values at clip frame 0; the sound joins the mix wherever a clip shows the
        asset. Default: silent."""
        return None
