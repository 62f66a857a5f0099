"""How the core runs `plugin.Effect` and `plugin.Transition` kinds.

Registration (once per process) turns a kind class into an `EffectKindSpec` /
`TransitionKindSpec` carrying its compiled `ParamSet`. Loading (once per instance) binds
the JSON params, instantiates the class and calls ``setup``. Per frame, `BoundEffect`
yields the pass to run (or None when the params make it an identity), as a small comparable
object that is part of the layer's cache key, and `PluginEffectPass` / `PluginTransition`
hand numpy views of the right region to the plugin's ``apply``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from wavyte_core.errors import CompositionError, PluginError, WavyteError
from wavyte_core.plugin.kinds import (
    Effect,
    EffectContext,
    Margins,
    SetupContext,
    Transition,
    TransitionContext,
    kind_doc,
)
from wavyte_core.plugin.params import BoundParams, Params, ParamSet
from wavyte_core.plugin.roles import Compositor, Surface
from wavyte_core.plugin.specs import EffectKindSpec, EffectOp, ParsedTransition, TransitionKindSpec

if TYPE_CHECKING:
    from wavyte_core.timeline.anim import LevelLookup

__all__ = [
    "BoundEffect",
    "PluginEffectPass",
    "PluginTransition",
    "check_kind_name",
    "effect_spec",
    "transition_spec",
]

#: A third-party kind name: ``vendor.name`` (lowercase; dots separate the namespace).
KIND_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+")


def check_kind_name(name: str, what: str) -> None:
    if not KIND_NAME.fullmatch(name):
        raise ValueError(
            f"{what} kind '{name}' must be namespaced and lowercase, like 'acme.glow' "
            "(un-namespaced names are reserved for the built-in kinds)"
        )


# ------------------------------------------------------------------ registration


def _kind_fields(cls: type, base: type, role: str) -> dict[str, Any]:
    """What an effect and a transition spec share, from the kind class (checked once)."""
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise ValueError(f"{cls!r} is not a wavyte_core.plugin.{base.__name__} subclass")
    name = cls.name.strip().lower()
    check_kind_name(name, role)
    owner = f"{role} '{name}'"
    ps = ParamSet(owner, tuple(cls.params))
    return {
        "name": name,
        "parse": None,
        "aliases": tuple(a.strip().lower() for a in cls.aliases),
        "description": cls.description,
        "params": ps.params,
        "param_set": ps,
        "doc": kind_doc(cls),
        "examples": _examples(ps, cls.examples, owner),
    }


def effect_spec(cls: type[Effect]) -> EffectKindSpec:
    """The spec of an `Effect` subclass (its declaration checked, once per process)."""
    return EffectKindSpec(effect=cls, **_kind_fields(cls, Effect, "effect"))


def transition_spec(cls: type[Transition]) -> TransitionKindSpec:
    """The spec of a `Transition` subclass. Transition params are constant over a
    transition, so none may be animatable."""
    fields = _kind_fields(cls, Transition, "transition")
    for p in cls.params:
        if p.animatable:
            raise ValueError(
                f"transition '{fields['name']}' param '{p.name}': transition params are "
                "constant over a transition; declare animatable=False"
            )
    return TransitionKindSpec(transition=cls, **fields)


def _examples(ps: ParamSet, examples: Any, owner: str) -> tuple[dict[str, Any], ...]:
    """The declared examples, each checked against the declaration (once per process)."""
    out = tuple(dict(e) for e in examples or ())
    for i, e in enumerate(out):
        try:
            ps.bind(e, f"examples[{i}]")
        except CompositionError as exc:
            raise ValueError(f"{owner}: {exc}") from None
    return out


# ------------------------------------------------------------------ effects


def _setup(obj: Any, first: Params, ctx: SetupContext) -> None:
    try:
        obj.setup(first, ctx)
    except WavyteError:
        raise
    except ValueError as exc:
        raise CompositionError(ctx.path, str(exc)) from None
    except Exception as exc:  # a plugin bug: reported by kind, not as a traceback
        raise PluginError(f"{ctx.path}: {type(obj).name} setup failed: {exc!r}") from exc


def _plugin_failed(kind: str, what: str, exc: Exception) -> PluginError:
    return PluginError(f"{kind}: {what} failed: {exc!r}")


def bind_effect(
    spec: EffectKindSpec,
    raw: Any,
    path: str,
    ctx: SetupContext | None,
    secs_per_frame: float = 1 / 30,
    levels: LevelLookup | None = None,
) -> EffectOp:
    """Validate and bind one plugin effect instance (at load). ``ctx`` None: validate only
    (no instance, no ``setup``). ``secs_per_frame`` is the composition's ``den/num``;
    ``levels`` resolves ``AudioLevel`` animations of the clip (see `compile_anim`)."""
    assert spec.param_set is not None and spec.effect is not None
    bound = spec.param_set.bind(
        raw, path, secs_per_frame=secs_per_frame, seed=ctx.seed if ctx else 0, levels=levels
    )
    if ctx is None:
        return EffectOp()
    fx = spec.effect()
    _setup(fx, bound.first, ctx)
    be = BoundEffect(fx, bound, ctx.seed, ctx.canvas)
    if be.dynamic:
        return EffectOp(pixel_at=be.pass_at)
    return EffectOp(pixel=be.pass_at(0))


class BoundEffect:
    """One plugin effect instance of a clip after load."""

    __slots__ = (
        "fx",
        "bound",
        "seed",
        "canvas",
        "dynamic",
        "_static",
        "_varying",
        "_last_params",
        "_last",
    )

    def __init__(self, fx: Effect, bound: BoundParams, seed: int, canvas: tuple[int, int]) -> None:
        self.fx = fx
        self.bound = bound
        self.seed = seed
        self.canvas = canvas
        self._varying = bool(type(fx).frame_varying)
        self.dynamic = bound.sample is not None or self._varying
        self._last_params: Params | None = None
        self._last: PluginEffectPass | None = None
        self._static = None if self.dynamic else self._make(bound.first, 0)

    def _make(self, p: Params, frame: int) -> PluginEffectPass | None:
        fx = self.fx
        try:
            if fx.is_identity(p):
                return None
            m = fx.margins(p)
        except Exception as exc:
            raise _plugin_failed(type(fx).name, "is_identity/margins", exc) from exc
        return PluginEffectPass(fx, p, m, frame, self.seed, self.canvas)

    def pass_at(self, local: int) -> PluginEffectPass | None:
        """The pass at clip-local frame ``local`` (None: identity, skipped). The plugin's
        ``is_identity``/``margins`` run only when the sampled values change."""
        if not self.dynamic:
            return self._static
        sample = self.bound.sample
        p = sample(local) if sample is not None else self.bound.first
        if p == self._last_params and not self._varying:
            return self._last
        made = self._make(p, local)
        self._last_params, self._last = p, made
        return made


class PluginEffectPass:
    """One application of a plugin effect with evaluated params: a `PixelEffect` that
    compares equal while its params (and, for frame-varying kinds, its frame) are the
    same, so the layer cache reuses the result."""

    __slots__ = ("fx", "params", "margins", "frame", "seed", "canvas", "_key")

    def __init__(
        self,
        fx: Effect,
        params: Params,
        margins: Margins,
        frame: int,
        seed: int,
        canvas: tuple[int, int],
    ) -> None:
        self.fx = fx
        self.params = params
        self.margins = margins
        self.frame = frame
        self.seed = seed
        self.canvas = canvas
        #: What equality compares: the frame only matters to frame-varying kinds.
        self._key = (params, frame) if type(fx).frame_varying else (params,)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, PluginEffectPass) and other.fx is self.fx and other._key == self._key
        )

    def __hash__(self) -> int:
        return hash((id(self.fx), self._key))

    def __repr__(self) -> str:
        return f"{type(self.fx).name}{tuple(self.params)!r}@{self.frame}"

    @property
    def pad_px(self) -> int:
        """How far the output reaches beyond the input content (the frame renderer sizes
        the layer's surface with it; `roles.PixelEffect`)."""
        m = self.margins
        return max(m.left, m.top, m.right, m.bottom, 0)

    def grow(
        self, bounds: tuple[int, int, int, int] | None, width: int, height: int
    ) -> tuple[int, int, int, int]:
        """The output box for input content ``bounds`` (None: the whole surface), in the
        surface's coordinates."""
        if bounds is None:
            return 0, 0, width, height
        m = self.margins
        x0, y0, x1, y1 = bounds
        return (
            max(x0 - m.left, 0),
            max(y0 - m.top, 0),
            min(x1 + m.right, width),
            min(y1 + m.bottom, height),
        )

    def apply(self, compositor: Compositor, src: Surface, dst: Surface) -> None:
        h, w = src.buf.shape[:2]
        b = src.bounds
        x0, y0, x1, y1 = box = self.grow(b, w, h)
        if box != (0, 0, w, h):
            dst.fill((0, 0, 0, 0))
        dst.bounds = box if b is not None else None
        if x1 <= x0 or y1 <= y0:
            return
        sv = src.buf[y0:y1, x0:x1]
        sv.flags.writeable = False
        cb = (0, 0, x1 - x0, y1 - y0) if b is None else _rel(b, box)
        ox, oy = src.origin
        ctx = EffectContext(
            (x0 + ox, y0 + oy, x1 + ox, y1 + oy), cb, self.canvas, self.frame, self.seed
        )
        try:
            self.fx.apply(sv, dst.buf[y0:y1, x0:x1], self.params, ctx)
        except Exception as exc:
            raise _plugin_failed(
                type(self.fx).name, f"apply at clip frame {self.frame}", exc
            ) from exc


def _rel(b: tuple[int, int, int, int], box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x0, y0 = box[0], box[1]
    return (
        max(b[0] - x0, 0),
        max(b[1] - y0, 0),
        max(min(b[2], box[2]) - x0, 0),
        max(min(b[3], box[3]) - y0, 0),
    )


# ------------------------------------------------------------------ transitions


def bind_transition(
    spec: TransitionKindSpec,
    raw: Any,
    path: str,
    ctx: SetupContext | None,
    levels: LevelLookup | None = None,
) -> ParsedTransition | None:
    """Validate and bind one plugin transition spec (at load). Unlike the built-in kinds,
    params that do not parse are an error naming the param, never a silent fade."""
    assert spec.param_set is not None and spec.transition is not None
    bound = spec.param_set.bind(raw, path, levels=levels)
    if ctx is None:
        return None
    tr = spec.transition()
    _setup(tr, bound.first, ctx)
    return PluginTransition(tr, bound.first, ctx.seed, ctx.canvas)


class PluginTransition(ParsedTransition):
    """A bound plugin transition: pairs through the plugin's ``can_pair`` and composites
    its ``apply`` output (computed in a job-lifetime scratch surface) over the frame."""

    #: Composites through the compositor's ``over``, which honours ``Surface.origin``.
    layer_regions = True

    def __init__(self, tr: Transition, params: Params, seed: int, canvas: tuple[int, int]) -> None:
        self.tr = tr
        self.params = params
        self.seed = seed
        self.canvas = canvas
        self.kind = type(tr).name
        self._scratch: Surface | None = None
        self._dirty: tuple[int, int, int, int] | None = None

    def can_pair(self, incoming: ParsedTransition) -> bool:
        return isinstance(incoming, PluginTransition) and self.tr.can_pair(
            self.params, incoming.tr, incoming.params
        )

    def composite(
        self, compositor: Compositor, dst: Surface, a: Surface, b: Surface, t: float
    ) -> None:
        h, w = a.buf.shape[:2]  # a and b share size and origin (the pair's region)
        box = _union(a.bounds, b.bounds, w, h)
        s = self._scratch
        if s is None or s.buf.shape != a.buf.shape:
            s = self._scratch = Surface.alloc(w, h)
            self._dirty = None
        s.origin = a.origin
        if self._dirty is not None and self._dirty != box:
            dx0, dy0, dx1, dy1 = self._dirty
            s.buf[dy0:dy1, dx0:dx1] = 0
        x0, y0, x1, y1 = box
        self._dirty = box
        s.bounds = box
        if x1 <= x0 or y1 <= y0:
            return
        av = a.buf[y0:y1, x0:x1]
        bv = b.buf[y0:y1, x0:x1]
        av.flags.writeable = False
        bv.flags.writeable = False
        tt = min(max(float(t), 0.0), 1.0)
        ox, oy = a.origin
        ctx = TransitionContext((x0 + ox, y0 + oy, x1 + ox, y1 + oy), self.canvas, self.seed)
        try:
            self.tr.apply(av, bv, s.buf[y0:y1, x0:x1], tt, self.params, ctx)
        except Exception as exc:
            raise _plugin_failed(self.kind, f"apply at progress {tt:g}", exc) from exc
        compositor.over(dst, s, 1.0)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, PluginTransition)
            and type(other.tr) is type(self.tr)
            and other.params == self.params
        )

    def __hash__(self) -> int:
        return hash((type(self.tr), self.params))

    def __repr__(self) -> str:
        return f"{self.kind}{tuple(self.params)!r}"


def _union(
    a: tuple[int, int, int, int] | None, b: tuple[int, int, int, int] | None, w: int, h: int
) -> tuple[int, int, int, int]:
    if a is None or b is None:
        return 0, 0, w, h
    return (
        max(min(a[0], b[0]), 0),
        max(min(a[1], b[1]), 0),
        min(max(a[2], b[2]), w),
        min(max(a[3], b[3]), h),
    )
