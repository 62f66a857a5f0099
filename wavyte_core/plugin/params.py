"""Declared parameters of effect and transition kinds: one declaration, every use.

A kind declares its params once as `Param` values. From that declaration the core derives,
all before the first frame: load-time validation (errors name the JSON path and the param),
defaults, animation (a param may be a plain value or the format's ``Anim``, compiled once
with the same evaluator as clip props), the ``wavyte effects`` table, Markdown docs and the
JSON Schema of ``wavyte schema``.

Values reach a kind's code as a `Params` named tuple (``p.radius``, hashable and comparable,
so evaluated values can be part of the layer cache key). JSON spellings:

==========  ==============================================  ============================
type        JSON                                            value in `Params`
==========  ==============================================  ============================
number      any JSON number (finite)                        float
int         a JSON integer                                  int
bool        true / false                                    bool
colour      [r,g,b] / [r,g,b,a] (u8, straight alpha) or     (r, g, b, a) ints, straight
            "#rgb" / "#rgba" / "#rrggbb" / "#rrggbbaa"
enum        one of ``choices`` (a string)                   str
point       [x, y] or {"x": x, "y": y}                      (x, y) floats
string      a JSON string                                   str
matrix      [a, b, c, d, e, f] (an affine, kurbo order)     6 floats
==========  ==============================================  ============================

Animated values (``{"Keyframes": …}``, ``{"Procedural": …}``, ``{"Expr": …}``) are allowed
for ``animatable`` params of types number, int, colour and point. Vector values animate per
component (a ``Vec2`` procedural drives a point). Keyframe values are validated like plain
values; sampled values (procedurals may overshoot) are clamped to ``[min, max]``, ints are
rounded half away from zero and colours rounded and clamped to 0..255.
"""

from __future__ import annotations

import keyword
import math
import re
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from wavyte_core.errors import CompositionError
from wavyte_core.format import model as m
from wavyte_core.format.colour import HEX_FORMS, parse_hex_colour
from wavyte_core.format.load import describe_json, member_path, read_anim

if TYPE_CHECKING:
    from wavyte_core.timeline.anim import LevelLookup

__all__ = [
    "PARAM_TYPES",
    "BoundParams",
    "Param",
    "ParamSet",
    "Params",
    "ParamType",
]

ParamType = Literal["number", "int", "bool", "colour", "enum", "point", "string", "matrix"]
PARAM_TYPES: tuple[str, ...] = (
    "number",
    "int",
    "bool",
    "colour",
    "enum",
    "point",
    "string",
    "matrix",
)
_ANIMATABLE_TYPES = frozenset({"number", "int", "colour", "point"})
_ANIM_TAGS = frozenset({"Keyframes", "Procedural", "Expr"})
_NAME = re.compile(r"[a-z_][a-z0-9_]*")

#: Evaluated params of one effect or transition instance: a named tuple whose fields are
#: the declared params in declaration order.
Params = tuple


@dataclass(frozen=True, slots=True)
class Param:
    """One declared parameter of an effect or transition kind.

    ``default`` is used when the param is absent (it must itself be valid); a param with
    ``required=True`` has no default; ``default_doc`` describes a default computed from
    other params (the value is then None when absent). ``min``/``max`` bound numbers, ints and each point
    component (inclusive unless ``min_exclusive``/``max_exclusive``). ``choices`` lists the
    values of an enum. ``unit`` (``"px"``, ``"deg"``, ``"%"``…) and ``description`` feed the
    docs. ``animatable`` defaults to True for number, int, colour and point.
    """

    name: str
    type: ParamType
    default: Any = None
    min: float | None = None
    max: float | None = None
    unit: str = ""
    description: str = ""
    animatable: bool | None = None
    choices: tuple[str, ...] = ()
    required: bool = False
    min_exclusive: bool = False
    max_exclusive: bool = False
    default_doc: str = ""

    def __post_init__(self) -> None:
        if self.animatable is None:
            object.__setattr__(self, "animatable", self.type in _ANIMATABLE_TYPES)
        if isinstance(self.choices, list):
            object.__setattr__(self, "choices", tuple(self.choices))

    # ----------------------------------------------------------------- declaration

    def check_declaration(self, owner: str) -> None:
        """Raise ``ValueError`` when the declaration itself is wrong (called once at
        registration, so a broken plugin is reported by name)."""
        where = f"{owner} param '{self.name}'"
        if not _NAME.fullmatch(self.name) or keyword.iskeyword(self.name):
            raise ValueError(f"{where}: name must be a lowercase identifier")
        if self.type not in PARAM_TYPES:
            raise ValueError(f"{where}: unknown type '{self.type}' (one of {PARAM_TYPES})")
        if self.animatable and self.type not in _ANIMATABLE_TYPES:
            raise ValueError(f"{where}: a {self.type} param cannot be animatable")
        if self.type == "enum" and not self.choices:
            raise ValueError(f"{where}: an enum needs choices")
        if self.type != "enum" and self.choices:
            raise ValueError(f"{where}: only enums have choices")
        if (self.min is not None or self.max is not None) and self.type not in (
            "number",
            "int",
            "point",
        ):
            raise ValueError(f"{where}: min/max only apply to number, int and point")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"{where}: min > max")
        if self.required:
            if self.default is not None:
                raise ValueError(f"{where}: a required param has no default")
            return
        if self.default is None:
            if self.default_doc:
                return
            raise ValueError(f"{where}: needs a default (or required=True)")
        try:
            self.read(self.default, "default")
        except CompositionError as exc:
            raise ValueError(f"{where}: default {self.default!r} is invalid: {exc.rule}") from None

    # ----------------------------------------------------------------- values

    def read(self, v: Any, path: str) -> Any:
        """A plain (not animated) JSON value → the typed value, or `CompositionError`."""
        t = self.type
        if t == "number":
            return self._bounded(_number(v, path, self), path)
        if t == "int":
            if type(v) is not int:
                raise self._err(path, f"must be an integer, got {describe_json(v)}")
            return int(self._bounded(v, path))
        if t == "bool":
            if v is not True and v is not False:
                raise self._err(path, f"must be true or false, got {describe_json(v)}")
            return v
        if t == "string":
            if type(v) is not str:
                raise self._err(path, f"must be a string, got {describe_json(v)}")
            return v
        if t == "enum":
            if type(v) is not str or v not in self.choices:
                raise self._err(
                    path, f"must be one of {', '.join(self.choices)}; got {describe_json(v)}"
                )
            return v
        if t == "colour":
            return _colour(v, path, self)
        if t == "matrix":
            if type(v) is not list or len(v) != 6:
                raise self._err(path, f"must be [a, b, c, d, e, f], got {describe_json(v)}")
            return tuple(_number(c, path, self) for c in v)
        # point
        if isinstance(v, dict) and set(v) >= {"x", "y"}:
            xy = (v["x"], v["y"])
        elif type(v) is list and len(v) == 2:
            xy = (v[0], v[1])
        else:
            raise self._err(path, f"must be [x, y] or {{x, y}}, got {describe_json(v)}")
        return tuple(self._bounded(_number(c, path, self), path) for c in xy)

    def _bounded(self, x: float, path: str) -> float:
        lo, hi = self.min, self.max
        if lo is not None and (x < lo or (self.min_exclusive and x == lo)):
            raise self._err(
                path, f"must be {'>' if self.min_exclusive else '>='} {_fmt(lo)}, got {_fmt(x)}"
            )
        if hi is not None and (x > hi or (self.max_exclusive and x == hi)):
            raise self._err(
                path, f"must be {'<' if self.max_exclusive else '<='} {_fmt(hi)}, got {_fmt(x)}"
            )
        return x

    def _err(self, path: str, rule: str) -> CompositionError:
        return CompositionError(path, f"param '{self.name}' {rule}")

    def clamp(self, x: float) -> float:
        """Clamp a sampled component into ``[min, max]`` (procedurals may overshoot)."""
        if self.min is not None and x < self.min:
            x = self.min
        if self.max is not None and x > self.max:
            x = self.max
        return x

    @property
    def components(self) -> int:
        return {"colour": 4, "point": 2}.get(self.type, 1)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def _number(v: Any, path: str, p: Param) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise p._err(path, f"must be a number, got {describe_json(v)}")
    x = float(v)
    if not math.isfinite(x):
        raise p._err(path, "must be finite")
    return x


def _colour(v: Any, path: str, p: Param) -> tuple[int, int, int, int]:
    rgba = parse_hex_colour(v) if type(v) is str and v.startswith("#") else None
    if rgba is not None:
        vals = list(rgba)
    elif type(v) is list and len(v) in (3, 4) and all(type(c) is int for c in v):
        vals = list(v)
    else:
        raise p._err(
            path, f"must be [r,g,b], [r,g,b,a] or a string {HEX_FORMS}, got {describe_json(v)}"
        )
    if any(not 0 <= c <= 255 for c in vals):
        raise p._err(path, "colour components must be 0..255")
    if len(vals) == 3:
        vals.append(255)
    return (vals[0], vals[1], vals[2], vals[3])


def is_anim(v: Any) -> bool:
    """A JSON value in the ``Anim`` spelling (a one-key object tagged Keyframes/
    Procedural/Expr)."""
    return isinstance(v, dict) and len(v) == 1 and next(iter(v)) in _ANIM_TAGS


# --------------------------------------------------------------------------- sets


@dataclass(frozen=True, slots=True)
class BoundParams:
    """One instance's params after load: ``first`` are the values at clip frame 0;
    ``sample`` is None when nothing is animated (then ``first`` holds at every frame)."""

    first: Params
    sample: Callable[[int], Params] | None = None


@dataclass(slots=True)
class ParamSet:
    """The compiled declaration of one kind: validates and binds params, once per
    instance at load (never per frame)."""

    owner: str  # "effect 'acme.glow'"
    params: tuple[Param, ...]
    strict: bool = True  # unknown keys are errors
    values_type: type = field(init=False)
    defaults: Params = field(init=False)

    def __post_init__(self) -> None:
        self.params = tuple(self.params)
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.owner}: duplicate param names")
        for p in self.params:
            p.check_declaration(self.owner)
        self.values_type = namedtuple("Params", names)  # type: ignore[misc]  # noqa: PYI024
        self.defaults = self.values_type(
            *(
                None if p.required or p.default is None else p.read(p.default, "default")
                for p in self.params
            )
        )

    def names(self) -> list[str]:
        return [p.name for p in self.params]

    def bind(
        self,
        raw: Any,
        path: str,
        *,
        secs_per_frame: float = 1 / 30,
        seed: int = 0,
        levels: LevelLookup | None = None,
    ) -> BoundParams:
        """Validate ``raw`` (the JSON ``params``) against the declaration.

        ``path`` is the JSON path of ``params``. Raises `CompositionError` naming the path
        of the bad value and the param. Animated params are compiled here, once.
        """
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise CompositionError(path, f"params must be an object, got {describe_json(raw)}")
        if self.strict:
            known = {p.name for p in self.params}
            for key in raw:
                if key not in known:
                    have = ", ".join(sorted(known)) or "no params"
                    raise CompositionError(
                        member_path(path, key),
                        f"unknown param '{key}' ({self.owner} takes: {have})",
                    )
        values: list[Any] = []
        samplers: list[tuple[int, Callable[[int], Any]]] = []
        for i, p in enumerate(self.params):
            ppath = member_path(path, p.name)
            v = raw.get(p.name, _ABSENT)
            if v is _ABSENT:
                if p.required:
                    raise CompositionError(ppath, f"missing required param '{p.name}'")
                values.append(self.defaults[i])
                continue
            if is_anim(v):
                if not p.animatable:
                    raise CompositionError(ppath, f"param '{p.name}' cannot be animated")
                fn = _compile_param_anim(p, v, ppath, secs_per_frame, seed, levels)
                values.append(fn(0))
                samplers.append((i, fn))
            else:
                values.append(p.read(v, ppath))
        first = self.values_type(*values)
        if not samplers:
            return BoundParams(first)
        make = self.values_type._make
        base = list(values)

        def sample(local: int) -> Params:
            vals = base.copy()
            for i, fn in samplers:
                vals[i] = fn(local)
            return make(vals)

        return BoundParams(first, sample)


_ABSENT: Any = object()


# --------------------------------------------------------------------------- anims


def _compile_param_anim(
    p: Param, v: Any, path: str, spf: float, seed: int, levels: LevelLookup | None = None
) -> Callable[[int], Any]:
    """Compile an animated param into ``sample(clip_local_frame) -> value``.

    Vector params are split into one ``Anim<f64>`` per component (same keys and eases, so
    sampling them is exactly a component-wise lerp) and each is compiled by the same
    `compile_anim` as clip props.
    """
    from wavyte_core.timeline.anim import compile_anim

    n = p.components

    def read_value(val: Any, vpath: str) -> Any:
        x = p.read(val, vpath)
        return (float(x),) if n == 1 else tuple(float(c) for c in x)

    from wavyte_core.format.validate import validate_anim

    anim = read_anim(v, path, read_value)
    validate_anim(anim, path)
    parts = [_component(anim, k, n, path) for k in range(n)]
    fns = [compile_anim(a, "f64", secs_per_frame=spf, seed=seed, levels=levels) for a in parts]
    clamp = p.clamp
    if p.type == "number":
        f0 = fns[0]
        return lambda f: clamp(f0(f))
    if p.type == "int":
        f0 = fns[0]
        return lambda f: int(_round_away(clamp(f0(f))))
    if p.type == "point":
        fx, fy = fns
        return lambda f: (clamp(fx(f)), clamp(fy(f)))

    def colour(f: int) -> tuple[int, ...]:
        return tuple(min(max(int(_round_away(fn(f))), 0), 255) for fn in fns)

    return colour


def _round_away(x: float) -> float:
    if not math.isfinite(x):
        return 0.0
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def _component(anim: m.Anim, k: int, n: int, path: str) -> m.Anim:
    """Component ``k`` of a vector-valued Anim tree as an Anim<f64> tree."""
    if isinstance(anim, m.Keyframes):
        keys = tuple(
            m.Keyframe(frame=key.frame, value=key.value[k], ease=key.ease) for key in anim.keys
        )
        default = None if anim.default is None else anim.default[k]
        return m.Keyframes(keys=keys, mode=anim.mode, default=default)
    if isinstance(anim, m.Procedural):
        kind = anim.kind
        if isinstance(kind, m.ProcVec2Kind):
            if n != 2:
                raise CompositionError(path, "a Vec2 procedural drives only point params")
            return m.Procedural(m.ProcScalarKind(kind.x if k == 0 else kind.y))
        if n == 2:
            raise CompositionError(path, "a point param needs a Vec2 procedural")
        if n != 1:
            raise CompositionError(path, "procedurals drive number, int and point params only")
        return anim
    node = anim.node  # Expr
    if isinstance(node, m.Mix):
        return m.Expr(
            m.Mix(a=_component(node.a, k, n, path), b=_component(node.b, k, n, path), t=node.t)
        )
    inner = _component(node.inner, k, n, path)
    return m.Expr(_replace_inner(node, inner))


def _replace_inner(node: Any, inner: m.Anim) -> Any:
    return replace(node, inner=inner)
