"""The public API for effect and transition plugins (the only module a plugin imports).

An effect or transition kind is a class: a namespaced ``name``, a ``description``, its
declared `Param` s, and an ``apply`` that works on numpy arrays (premultiplied BGRA uint8,
(H, W, 4): the pixel contract, docs/writing-a-plugin.md), so a plugin is independent of
the rasterizer and compositor in use::

    import numpy as np
    from wavyte_core.plugin import Effect, Margins, Param, hookimpl

    class Tint(Effect):
        '''Mix the layer's colour towards a tint, keeping its alpha.'''

        name = "acme.tint"
        params = (
            Param("colour", "colour", default="#ff8800", description="Tint colour."),
            Param("amount", "number", default=0.5, min=0, max=1, description="0 = unchanged."),
        )

        def is_identity(self, p):
            return p.amount == 0

        def apply(self, src, dst, p, ctx):
            ...  # write every pixel of dst from src

    @hookimpl
    def wavyte_register_effects():
        return [Tint]

How the core uses a kind (all of it decided before the first frame; docs/writing-a-plugin.md,
"Rules of the hot loop"):

- at load, once per instance in the composition: params are validated against the
  declaration (errors name the JSON path and the param), defaults filled in, animated
  params compiled; then the class is instantiated and `Effect.setup` called once with the
  frame-0 values (read files, build tables here);
- per rendered frame: animated params are sampled into a `Params` named tuple; when
  `Effect.is_identity` says so the pass is skipped; otherwise `Effect.margins` says how far
  the output may reach beyond the input's content, the core hands ``apply`` read-only
  ``src`` and writable ``dst`` views of that region, and caches the result while the
  params (and the layer) stay the same.

Built-in kinds (opacity_mul, transform_post, blur, crossfade, wipe) keep the exact rules of
the Wavyte 0.2 format; their declarations feed the docs and the schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from wavyte_core.plugin.markers import hookimpl
from wavyte_core.plugin.params import Param, Params

__all__ = [
    "Box",
    "Effect",
    "EffectContext",
    "Margins",
    "Param",
    "Params",
    "SetupContext",
    "Transition",
    "TransitionContext",
    "hookimpl",
    "premul_bgra",
]

#: A pixel box ``(x0, y0, x1, y1)`` in canvas pixels, half-open.
Box = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Margins:
    """How many pixels an effect's output may reach beyond its input's content on each
    side (a blur of radius r: ``Margins.uniform(r)``; a drop shadow offset by (dx, dy) with
    blur r: ``Margins(left=max(r - dx, 0), ...)``). The core sizes the region it hands to
    ``apply`` with this, clamped to the canvas."""

    left: int = 0
    top: int = 0
    right: int = 0
    bottom: int = 0

    @classmethod
    def uniform(cls, n: float) -> Margins:
        k = max(int(np.ceil(n)), 0)
        return cls(k, k, k, k)

    def __bool__(self) -> bool:
        return bool(self.left or self.top or self.right or self.bottom)


NO_MARGINS = Margins()


@dataclass(frozen=True, slots=True)
class SetupContext:
    """What `Effect.setup` / `Transition.setup` may use, once per instance at load.

    ``assets_root`` is the directory relative asset paths resolve against (None when the
    composition is only being validated: do no I/O then). ``path`` is the JSON path of the
    instance's ``params`` (for error messages). ``seed`` is the clip's stable seed.
    """

    canvas: tuple[int, int]
    fps: float
    seed: int
    path: str
    assets_root: Path | None = None

    def resolve(self, rel: str) -> Path:
        """An asset path relative to the asset root, confined to it (no ``..``, no absolute
        paths); raises `AssetError` naming the file."""
        from wavyte_core.errors import AssetError
        from wavyte_core.format.paths import resolve_asset_path

        if self.assets_root is None:
            raise AssetError(self.path, "no asset root while validating")
        return resolve_asset_path(self.assets_root, rel, self.path)


@dataclass(frozen=True, slots=True)
class EffectContext:
    """Per-call facts for `Effect.apply`.

    ``box`` is where the ``src``/``dst`` arrays sit on the canvas; ``content`` is the part
    of the arrays (array coordinates) where ``src`` may be non-transparent (outside it
    ``src`` is 0). ``seed`` is the clip's stable seed: use it (never global randomness)
    for noise, so renders are deterministic.

    ``frame`` is the clip-local frame **only for kinds that set ``frame_varying``** (they
    are applied every frame). Any other kind's result is cached while its params stay the
    same, so ``frame`` is 0 when the params are static and, when they are animated, the
    frame at which the current values were first sampled: a kind whose pixels depend on
    the frame must set ``frame_varying = True``.
    """

    box: Box
    content: Box
    canvas: tuple[int, int]
    frame: int
    seed: int


@dataclass(frozen=True, slots=True)
class TransitionContext:
    """Per-call facts for `Transition.apply`: ``box`` is where the ``a``/``b``/``dst``
    arrays sit on the canvas (the union of both layers' content), ``canvas`` the canvas
    size and ``seed`` the outgoing clip's stable seed. There is no frame: a transition is
    a function of its progress ``t`` (passed to ``apply``) and its constant params."""

    box: Box
    canvas: tuple[int, int]
    seed: int


class Effect:
    """Base class of an effect kind. Subclass it, set the class attributes, implement
    `apply`; override `margins`, `is_identity` and `setup` when they apply.

    One instance is created per effect instance of the composition (at load), so
    ``setup`` may keep state on ``self`` (a LUT table, a kernel). ``apply`` must be a pure
    function of its inputs and that state: deterministic, no I/O, vectorised numpy/OpenCV.
    """

    #: The kind's name, namespaced for third parties: ``"vendor.effect"`` (lowercase).
    name: ClassVar[str] = ""
    #: One line for tables; the class docstring is the long description in the docs.
    description: ClassVar[str] = ""
    params: ClassVar[tuple[Param, ...]] = ()
    aliases: ClassVar[tuple[str, ...]] = ()
    #: Param sets that show the kind off (JSON values, as in a composition): used by the
    #: docs, contact sheets and ``wavyte conformance``. Default: the defaults.
    examples: ClassVar[tuple[dict[str, Any], ...]] = ()
    #: True when the output depends on the frame beyond the params (animated grain):
    #: the layer is then recomputed every frame instead of cached.
    frame_varying: ClassVar[bool] = False

    def setup(self, p: Params, ctx: SetupContext) -> None:
        """Called once per instance at load with the frame-0 values (do I/O only when
        ``ctx.assets_root`` is set). Raise ``ValueError`` naming the param for bad input."""

    def margins(self, p: Params) -> Margins:
        """How far the output reaches beyond the input content (default: not at all)."""
        return NO_MARGINS

    def is_identity(self, p: Params) -> bool:
        """True when these params leave every pixel unchanged (the pass is skipped)."""
        return False

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Params, ctx: EffectContext) -> None:
        """Write every pixel of ``dst`` from ``src`` (same shape; ``src`` is read-only).
        Both are premultiplied BGRA uint8; the output must stay premultiplied (each colour
        ≤ alpha)."""
        raise NotImplementedError


class Transition:
    """Base class of a transition kind: blends the outgoing layer ``a`` into the
    incoming ``b`` as progress ``t`` goes 0 → 1 (0 shows only ``a``, 1 only ``b``).

    Params are constant over a transition (the progress is what animates). Two clips pair
    when the outgoing one's `can_pair` accepts the incoming one (default: same kind and
    the same params); an unpaired transition is the format's plain fade.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    params: ClassVar[tuple[Param, ...]] = ()
    aliases: ClassVar[tuple[str, ...]] = ()
    examples: ClassVar[tuple[dict[str, Any], ...]] = ()

    def setup(self, p: Params, ctx: SetupContext) -> None:
        """Called once per instance at load (see `Effect.setup`)."""

    def can_pair(self, p: Params, other: Transition, other_p: Params) -> bool:
        return type(other) is type(self) and other_p == p

    def apply(
        self,
        a: np.ndarray,
        b: np.ndarray,
        dst: np.ndarray,
        t: float,
        p: Params,
        ctx: TransitionContext,
    ) -> None:
        """Write every pixel of ``dst`` (premultiplied BGRA, same shape as ``a`` and
        ``b``, which are read-only): the transition at progress ``t`` in [0, 1]. The core
        composites ``dst`` over the frame."""
        raise NotImplementedError


def premul_bgra(rgba: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """A straight RGBA colour param → premultiplied BGRA (the format's rounding)."""
    r, g, b, a = rgba
    return ((b * a + 127) // 255, (g * a + 127) // 255, (r * a + 127) // 255, a)


def kind_doc(cls: type[Any]) -> str:
    """The long description of a kind: its docstring, dedented."""
    import inspect

    return (inspect.getdoc(cls) or "") if cls.__doc__ else ""
