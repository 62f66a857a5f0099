"""Build compositions in Python: the same model (and so the same JSON) as a document.

    b = CompositionBuilder(width=640, height=360, fps=30, duration=300, seed=1)
    b.path("bg", "M0,0 L640,0 L640,360 L0,360 Z")
    b.text("title", "Hello", font="assets/font.ttf", size_px=64)
    t = b.track("main")
    t.clip("c0", asset="bg", start=0, end=300, opacity=keyframes([(0, 0.0), (30, 1.0)]),
           transition_out=crossfade(15))
    comp = b.build()          # validated Composition; dump.composition_to_json(comp) for JSON

Numbers are stored exactly as `load` would store them when reading the equivalent JSON:
ints for integer fields (floats like ``30.0`` are rejected, as in JSON), f64 fields as the
value serde_json reads back from the number's JSON text, f32 fields rounded to f32. So
``build()`` equals ``loads_composition`` of the document with the same numbers.
Expression helpers (`sequence`, `stagger`, ...) build the Expr trees of §1.5.3.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from importlib import import_module
from typing import Any

from wavyte_core.errors import CompositionError
from wavyte_core.format import model as m
from wavyte_core.format.captions import read_captions
from wavyte_core.format.dump import ease_value
from wavyte_core.format.jsonfmt import dumps_value, format_f64
from wavyte_core.format.jsonparse import parse_json
from wavyte_core.format.load import (
    TEXT_STYLE_FIELDS,
    index_path,
    member_path,
    read_asset,
    read_ease,
    read_i32,
    read_u8,
    read_u32,
    read_u64,
    read_unit_enum,
    to_f32,
)
from wavyte_core.format.validate import validate

#: Where `CompositionBuilder.build` finds the kind checks (a layer above ``format``).
KIND_CHECK = "wavyte_core.run.job"

__all__ = [
    "CompositionBuilder",
    "TrackBuilder",
    "transform",
    "keyframes",
    "const",
    "sine",
    "noise1d",
    "envelope",
    "spring",
    "procedural_vec2",
    "delay",
    "speed",
    "reverse",
    "loop",
    "mix",
    "sequence",
    "stagger",
    "effect",
    "blur",
    "opacity_mul",
    "transform_post",
    "crossfade",
    "wipe",
    "transition",
    "cubic_bezier",
    "steps",
    "rect",
    "ellipse",
    "polygon",
    "star",
    "line",
    "svg_path",
    "solid",
    "linear_gradient",
    "radial_gradient",
    "stroke",
    "trim",
]

# ------------------------------------------------------------------------- coercions


def _f64(x: Any, what: str) -> float:
    """An f64 as JSON carries it: finite values go through their JSON text once."""
    if isinstance(x, bool) or not isinstance(x, (int, float, Fraction)):
        raise CompositionError(what, f"expected a number, got {type(x).__name__}")
    x = float(x)
    if not math.isfinite(x):
        return x  # not representable in JSON; validation reports it where it matters
    return parse_json(format_f64(x))


def _f32(x: Any, what: str) -> float:
    return to_f32(_f64(x, what))


def _ease(
    e: m.Ease | m.CubicBezier | m.Steps | str, what: str = "ease"
) -> m.Ease | m.CubicBezier | m.Steps:
    if isinstance(e, (m.CubicBezier, m.Steps)):
        return read_ease(ease_value(e), what)  # the same checks as a document
    return read_unit_enum(e.value if isinstance(e, m.Ease) else e, what, m.Ease)


def cubic_bezier(x1: float, y1: float, x2: float, y2: float) -> m.CubicBezier:
    """CSS ``cubic-bezier(x1, y1, x2, y2)`` easing (x1 and x2 in [0, 1])."""
    e = read_ease({"CubicBezier": [_f64(x1, "x1"), _f64(y1, "y1"), _f64(x2, "x2"),
                                   _f64(y2, "y2")]}, "ease")  # fmt: skip
    assert isinstance(e, m.CubicBezier)
    return e


def steps(count: int, position: str = "End") -> m.Steps:
    """CSS ``steps(count, jump-start | jump-end)`` easing: ``position`` Start or End."""
    e = read_ease({"Steps": {"count": count, "position": position}}, "ease")
    assert isinstance(e, m.Steps)
    return e


def _anim_json(v: m.Keyframes | m.Procedural | m.Expr) -> Any:
    """An animation object as the document spells it (``{"Keyframes": ...}``), for plugin
    params: integral values are written as JSON integers, so ``int`` params accept them
    (``number`` params read them as the same floats)."""
    from wavyte_core.format.dump import anim_to_value

    def value(x: Any) -> Any:
        if isinstance(x, tuple):
            return [value(c) for c in x]
        if isinstance(x, float) and x.is_integer() and abs(x) < 2**53:
            return int(x)
        return x

    return anim_to_value(v, value)


def _json_value(v: Any, what: str) -> Any:
    """Check that ``v`` is a JSON value and normalise tuples to lists and floats to JSON's.
    Animation objects (`keyframes`, `sine`, ...) become their JSON spelling."""
    if isinstance(v, (m.Keyframes, m.Procedural, m.Expr)):
        return _anim_json(v)
    if isinstance(v, dict):
        v = {
            k: _anim_json(x) if isinstance(x, (m.Keyframes, m.Procedural, m.Expr)) else x
            for k, x in v.items()
        }
    try:
        dumps_value(v)
    except TypeError as e:
        raise CompositionError(what, str(e)) from None
    if isinstance(v, dict):
        for k in v:
            if not isinstance(k, str):
                raise CompositionError(what, f"object keys must be strings, got {k!r}")
        return {k: _json_value(x, member_path(what, k)) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_value(x, index_path(what, i)) for i, x in enumerate(v)]
    if isinstance(v, float):
        return _f64(v, what)
    return v


def _pair(v: float | tuple[float, float] | m.Vec2, what: str) -> m.Vec2:
    if isinstance(v, m.Vec2):
        return m.Vec2(_f64(v.x, what + ".x"), _f64(v.y, what + ".y"))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        f = _f64(v, what)
        return m.Vec2(f, f)
    x, y = v
    return m.Vec2(_f64(x, what + ".x"), _f64(y, what + ".y"))


def _anim_value(v: Any, what: str) -> Any:
    if isinstance(v, str):  # a colour of an animated Paint ("#rrggbb")
        return v
    if isinstance(v, (tuple, list)):  # a colour [r, g, b, a] or a point [x, y]
        return tuple(c if isinstance(c, int) else _f64(c, what) for c in v)
    if isinstance(v, m.Transform2D):
        return transform(
            x=v.translate.x,
            y=v.translate.y,
            rotation_rad=v.rotation_rad,
            scale=v.scale,
            anchor=v.anchor,
        )
    return _f64(v, what)


# ------------------------------------------------------------------ values and anims


def transform(
    x: float = 0.0,
    y: float = 0.0,
    rotation_rad: float = 0.0,
    scale: float | tuple[float, float] | m.Vec2 = 1.0,
    anchor: tuple[float, float] | m.Vec2 = (0.0, 0.0),
) -> m.Transform2D:
    """A `Transform2D`: translate (x, y), rotation (radians, clockwise on screen), scale, pivot."""
    return m.Transform2D(
        translate=m.Vec2(_f64(x, "translate.x"), _f64(y, "translate.y")),
        rotation_rad=_f64(rotation_rad, "rotation_rad"),
        scale=_pair(scale, "scale"),
        anchor=_pair(anchor, "anchor"),
    )


def keyframes(
    keys: Iterable[tuple[int, Any] | tuple[int, Any, m.Ease | str]],
    mode: m.InterpMode | str = "Linear",
    default: Any = None,
) -> m.Keyframes:
    """Keyframes from ``(frame, value[, ease])`` triples (clip-local frames; ease defaults to Linear)."""
    out = []
    for i, k in enumerate(keys):
        what = index_path("keys", i)
        frame, value, *rest = k
        ease = _ease(rest[0], what + ".ease") if rest else m.Ease.Linear
        out.append(
            m.Keyframe(read_u64(frame, what + ".frame"), _anim_value(value, what + ".value"), ease)
        )
    mode_v = read_unit_enum(
        mode.value if isinstance(mode, m.InterpMode) else mode, "mode", m.InterpMode
    )
    d = None if default is None else _anim_value(default, "default")
    return m.Keyframes(keys=tuple(out), mode=mode_v, default=d)


def const(v: Any) -> m.Keyframes:
    """A constant: one Hold key at frame 0 (Rust ``Anim::constant``)."""
    return m.constant(_anim_value(v, "value"))


def _scalar_proc(p: m.Procedural | m.ProcScalar, what: str) -> m.ProcScalar:
    if isinstance(p, m.Procedural):
        if not isinstance(p.kind, m.ProcScalarKind):
            raise CompositionError(what, "expected a scalar procedural")
        return p.kind.params
    return p


def sine(amp: float, freq_hz: float, phase: float = 0.0, offset: float = 0.0) -> m.Procedural:
    """``offset + amp·sin(2π·freq_hz·secs + phase)``."""
    return m.Procedural(
        m.ProcScalarKind(
            m.Sine(
                _f64(amp, "amp"),
                _f64(freq_hz, "freq_hz"),
                _f64(phase, "phase"),
                _f64(offset, "offset"),
            )
        )
    )


def noise1d(amp: float, freq_hz: float, offset: float = 0.0) -> m.Procedural:
    """Seeded linear value noise: ``offset + amp·noise`` with noise in [-1, 1]."""
    return m.Procedural(
        m.ProcScalarKind(
            m.Noise1D(_f64(amp, "amp"), _f64(freq_hz, "freq_hz"), _f64(offset, "offset"))
        )
    )


def envelope(attack: int, decay: int, sustain: float, release: int) -> m.Procedural:
    """Attack/decay/release in frames; rises to 1, decays to ``sustain``, releases to 0."""
    return m.Procedural(
        m.ProcScalarKind(
            m.Envelope(
                read_u64(attack, "attack"),
                read_u64(decay, "decay"),
                _f64(sustain, "sustain"),
                read_u64(release, "release"),
            )
        )
    )


def spring(stiffness: float, damping: float, target: float) -> m.Procedural:
    """A critically-damped-like rise from 0 to ``target``."""
    return m.Procedural(
        m.ProcScalarKind(
            m.Spring(_f64(stiffness, "stiffness"), _f64(damping, "damping"), _f64(target, "target"))
        )
    )


def audio_level(
    asset: str,
    *,
    band_hz: tuple[float, float] | None = None,
    window_sec: float = 0.05,
    smoothing: float = 0.5,
    gain: float = 1.0,
    offset: float = 0.0,
) -> m.Procedural:
    """``offset + gain·level``: the loudness (0..1) of ``asset``'s sound at each frame, for
    any animatable number (opacity, effect and shape params). See docs/format.md."""
    band = (
        None
        if band_hz is None
        else (_f64(band_hz[0], "band_hz[0]"), _f64(band_hz[1], "band_hz[1]"))
    )
    return m.Procedural(
        m.ProcScalarKind(
            m.AudioLevel(
                asset,
                band,
                _f64(window_sec, "window_sec"),
                _f64(smoothing, "smoothing"),
                _f64(gain, "gain"),
                _f64(offset, "offset"),
            )
        )
    )


def procedural_vec2(x: m.Procedural | m.ProcScalar, y: m.Procedural | m.ProcScalar) -> m.Procedural:
    """A Vec2 procedural from two scalar ones (e.g. ``procedural_vec2(sine(1, 2), noise1d(1, 3))``)."""
    return m.Procedural(m.ProcVec2Kind(_scalar_proc(x, "x"), _scalar_proc(y, "y")))


def delay(inner: m.Anim, by: int) -> m.Expr:
    return m.Expr(m.Delay(inner, read_u64(by, "by")))


def speed(inner: m.Anim, factor: float) -> m.Expr:
    return m.Expr(m.Speed(inner, _f64(factor, "factor")))


def reverse(inner: m.Anim, duration: int) -> m.Expr:
    return m.Expr(m.Reverse(inner, read_u64(duration, "duration")))


def loop(inner: m.Anim, period: int, mode: m.LoopMode | str = "Repeat") -> m.Expr:
    mode_v = read_unit_enum(
        mode.value if isinstance(mode, m.LoopMode) else mode, "mode", m.LoopMode
    )
    return m.Expr(m.Loop(inner, read_u64(period, "period"), mode_v))


def mix(a: m.Anim, b: m.Anim, t: m.Anim | float) -> m.Expr:
    """``lerp(a, b, clamp(t, 0, 1))``; a number ``t`` becomes a constant."""
    return m.Expr(
        m.Mix(a, b, t if isinstance(t, (m.Keyframes, m.Procedural, m.Expr)) else const(t))
    )


def sequence(a: m.Anim, a_len: int, b: m.Anim) -> m.Expr:
    """``a`` until ``a_len``, then ``b`` restarting at 0: ``Mix(a, Delay(b, a_len), step)``."""
    n = read_u64(a_len, "a_len")
    step = m.Keyframes(
        keys=(m.Keyframe(0, 0.0, m.Ease.Linear), m.Keyframe(n, 1.0, m.Ease.Linear)),
        mode=m.InterpMode.Hold,
        default=None,
    )
    return m.Expr(m.Mix(a, m.Expr(m.Delay(b, n)), step))


def stagger(items: Sequence[tuple[int, m.Anim]]) -> m.Anim:
    """Each ``(offset, anim)`` starts at its offset: sorted by offset (stable), chained by
    `sequence`; an empty list is the constant 0.0."""
    if not items:
        return m.constant(0.0)
    ordered = sorted(items, key=lambda it: it[0])
    first_offset, first = ordered[0]
    out: m.Anim = m.Expr(m.Delay(first, read_u64(first_offset, "offset")))
    for offset, anim in ordered[1:]:
        out = sequence(out, offset, anim)
    return out


# ------------------------------------------------------------- effects, transitions


def effect(kind: str, **params: Any) -> m.EffectInstance:
    """Any effect by kind; keyword arguments become its ``params`` object (none → null).
    A param may be animated with `keyframes`, `sine`, ... objects (or their JSON dicts);
    the values are checked against the kind's declaration by `CompositionBuilder.build`."""
    return m.EffectInstance(kind, _json_value(params, "params") if params else None)


def transition(
    kind: str, duration: int, ease: m.Ease | m.CubicBezier | m.Steps | str = "Linear", **params: Any
) -> m.TransitionSpec:
    """Any transition by kind (a plugin's ``acme.reveal`` or a built-in one): the same spec
    goes in the outgoing clip's ``transition_out`` and the incoming clip's
    ``transition_in``. ``duration`` is ``duration_frames``; keyword arguments become the
    ``params`` object (none → null), checked against the kind's declaration by
    `CompositionBuilder.build`."""
    return m.TransitionSpec(
        kind,
        read_u64(duration, "duration_frames"),
        _ease(ease),
        _json_value(params, "params") if params else None,
    )


def blur(radius_px: int, sigma: float | None = None) -> m.EffectInstance:
    """Gaussian blur; ``sigma`` defaults (at compile time) to ``radius_px / 2``."""
    params: dict[str, Any] = {"radius_px": read_u64(radius_px, "radius_px")}
    if sigma is not None:
        params["sigma"] = _f64(sigma, "sigma")
    return m.EffectInstance("blur", params)


def opacity_mul(value: float) -> m.EffectInstance:
    return m.EffectInstance("opacity_mul", {"value": _f64(value, "value")})


def transform_post(
    *,
    affine: Sequence[float] | None = None,
    translate: tuple[float, float] | None = None,
    rotation_rad: float | None = None,
    rotate_deg: float | None = None,
    scale: tuple[float, float] | None = None,
) -> m.EffectInstance:
    """Post-multiply the clip transform: either ``affine`` or ``T(translate)·R·S(scale)``."""
    params: dict[str, Any] = {}
    if affine is not None:
        params["affine"] = list(affine)
    if translate is not None:
        params["translate"] = list(translate)
    if rotation_rad is not None:
        params["rotation_rad"] = rotation_rad
    if rotate_deg is not None:
        params["rotate_deg"] = rotate_deg
    if scale is not None:
        params["scale"] = list(scale)
    return m.EffectInstance("transform_post", _json_value(params, "params"))


def crossfade(frames: int, ease: m.Ease | str = "Linear") -> m.TransitionSpec:
    return m.TransitionSpec("crossfade", read_u64(frames, "duration_frames"), _ease(ease), None)


def wipe(
    frames: int, dir: str = "ltr", soft_edge: float = 0.0, ease: m.Ease | str = "Linear"
) -> m.TransitionSpec:
    """A wipe; ``dir`` is ltr/rtl/ttb/btt (or the long spellings), ``soft_edge`` in [0, 1]."""
    return m.TransitionSpec(
        "wipe",
        read_u64(frames, "duration_frames"),
        _ease(ease),
        {"dir": dir, "soft_edge": _f64(soft_edge, "soft_edge")},
    )


# ---------------------------------------------------------------------- the builders


# ------------------------------------------------------------------ shapes and paints
#
# These build the JSON of the 0.3 objects (what a document would hold); every number may
# be an Anim built with `keyframes`, `sine`, ... (colour keyframes take "#rrggbb" or
# (r, g, b, a) values, point keyframes (x, y)). `CompositionBuilder.shape` checks the
# result exactly as loading the document would.


def _leaf(v: Any, what: str) -> Any:
    if isinstance(v, (m.Keyframes, m.Procedural, m.Expr)):
        from wavyte_core.format.dump import anim_to_value

        def value(x: Any) -> Any:
            if isinstance(x, tuple):
                return [c if isinstance(c, int) else float(c) for c in x]
            return x if isinstance(x, str) else float(x)

        return anim_to_value(v, value)
    if isinstance(v, m.Vec2):
        return [_f64(v.x, what + ".x"), _f64(v.y, what + ".y")]
    if isinstance(v, (tuple, list)):
        return [c if isinstance(c, int) and not isinstance(c, bool) else _f64(c, what) for c in v]
    if isinstance(v, str):
        return v
    return _f64(v, what)


def rect(width: Any, height: Any, corner_radius: Any = 0.0) -> dict[str, Any]:
    """Rect geometry spanning (0, 0)–(width, height), corners rounded by ``corner_radius``."""
    body = {"width": _leaf(width, "width"), "height": _leaf(height, "height")}
    if corner_radius != 0.0:
        body["corner_radius"] = _leaf(corner_radius, "corner_radius")
    return {"Rect": body}


def ellipse(width: Any, height: Any) -> dict[str, Any]:
    """Ellipse geometry inscribed in (0, 0)–(width, height)."""
    return {"Ellipse": {"width": _leaf(width, "width"), "height": _leaf(height, "height")}}


def polygon(sides: int, radius: Any, corner_radius: Any = 0.0) -> dict[str, Any]:
    """Regular polygon centred at (radius, radius), first vertex up."""
    body: dict[str, Any] = {"sides": read_u32(sides, "sides"), "radius": _leaf(radius, "radius")}
    if corner_radius != 0.0:
        body["corner_radius"] = _leaf(corner_radius, "corner_radius")
    return {"Polygon": body}


def star(points: int, outer_radius: Any, inner_radius: Any) -> dict[str, Any]:
    """Star centred at (outer_radius, outer_radius), first tip up."""
    return {"Star": {"points": read_u32(points, "points"),
                     "outer_radius": _leaf(outer_radius, "outer_radius"),
                     "inner_radius": _leaf(inner_radius, "inner_radius")}}  # fmt: skip


def line(start: Any, end: Any) -> dict[str, Any]:
    """Line geometry from ``start`` to ``end`` (points); stroke it (no fill by default)."""
    return {"Line": {"from": _leaf(start, "from"), "to": _leaf(end, "to")}}


def svg_path(d: str) -> dict[str, Any]:
    """Path geometry from SVG path data."""
    return {"Path": {"svg_path_d": str(d)}}


def solid(colour: Any) -> dict[str, Any]:
    """A solid Paint: ``"#rrggbb[aa]"``, ``(r, g, b, a)`` or keyframes of those."""
    return {"Solid": _leaf(colour, "Solid")}


def _stops(stops: Iterable[tuple[float, Any]]) -> list[dict[str, Any]]:
    return [{"offset": _f64(o, "offset"), "color": _leaf(c, "color")} for o, c in stops]


def linear_gradient(
    start: Any, end: Any, stops: Iterable[tuple[float, Any]], extend: str = "Pad"
) -> dict[str, Any]:
    """A linear gradient Paint from ``start`` to ``end``; ``stops`` are (offset, colour)."""
    body = {"start": _leaf(start, "start"), "end": _leaf(end, "end"), "stops": _stops(stops)}
    if extend != "Pad":
        body["extend"] = extend
    return {"LinearGradient": body}


def radial_gradient(
    center: Any,
    radius: Any,
    stops: Iterable[tuple[float, Any]],
    *,
    focal: Any = None,
    extend: str = "Pad",
) -> dict[str, Any]:
    """A radial gradient Paint: circles from ``focal`` (default the centre) to the circle
    (``center``, ``radius``)."""
    body: dict[str, Any] = {"center": _leaf(center, "center"), "radius": _leaf(radius, "radius")}
    if focal is not None:
        body["focal"] = _leaf(focal, "focal")
    body["stops"] = _stops(stops)
    if extend != "Pad":
        body["extend"] = extend
    return {"RadialGradient": body}


def stroke(
    width: Any = 1.0,
    paint: dict[str, Any] | None = None,
    *,
    join: str = "Miter",
    cap: str = "Butt",
    miter_limit: Any = 4.0,
    dash: Iterable[float] = (),
    dash_offset: Any = 0.0,
) -> dict[str, Any]:
    """A Stroke (defaults omitted from the JSON)."""
    out: dict[str, Any] = {"width": _leaf(width, "width")}
    if paint is not None:
        out["paint"] = paint
    if join != "Miter":
        out["join"] = join
    if cap != "Butt":
        out["cap"] = cap
    if miter_limit != 4.0:
        out["miter_limit"] = _leaf(miter_limit, "miter_limit")
    dash = [_f64(d, "dash") for d in dash]
    if dash:
        out["dash"] = dash
    if dash_offset != 0.0:
        out["dash_offset"] = _leaf(dash_offset, "dash_offset")
    return out


def trim(start: Any = 0.0, end: Any = 1.0, offset: Any = 0.0) -> dict[str, Any]:
    """Keep the stroke from ``start`` to ``end`` (fractions of the outline), shifted by
    ``offset``: animate ``end`` from 0 to 1 for a draw-on."""
    out: dict[str, Any] = {}
    for name, v, d in (("start", start, 0.0), ("end", end, 1.0), ("offset", offset, 0.0)):
        if isinstance(v, (m.Keyframes, m.Procedural, m.Expr)) or v != d:
            out[name] = _leaf(v, name)
    return out


_DEFAULT: Any = object()


def _fps(fps: int | Fraction | tuple[int, int]) -> m.Fps:
    if isinstance(fps, tuple):
        num, den = fps
    elif isinstance(fps, Fraction):
        num, den = fps.numerator, fps.denominator
    elif isinstance(fps, int) and not isinstance(fps, bool):
        num, den = fps, 1
    else:
        raise CompositionError("fps", f"expected an int, a Fraction or (num, den), got {fps!r}")
    return m.Fps(read_u32(num, "fps.num"), read_u32(den, "fps.den"))


def _matte(v: m.Matte | tuple[str, m.MatteMode | str] | str | None, path: str) -> m.Matte | None:
    if v is None or isinstance(v, m.Matte):
        return v
    if isinstance(v, str):
        return m.Matte(v)
    source, mode = v
    return m.Matte(str(source), read_unit_enum(str(mode), path + ".mode", m.MatteMode))


class TrackBuilder:
    """Adds clips to one track; returned by `CompositionBuilder.track`."""

    def __init__(self, index: int, name: str, fields: dict[str, Any]) -> None:
        self._path = index_path("tracks", index)
        self.name = name
        self._fields = fields
        self._clips: list[m.Clip] = []

    def clip(
        self,
        id: str,
        *,
        asset: str,
        start: int,
        end: int,
        transform: m.Transform2D | m.Anim | None = None,
        opacity: float | m.Anim = 1.0,
        z_offset: int = 0,
        effects: Iterable[m.EffectInstance] = (),
        transition_in: m.TransitionSpec | None = None,
        transition_out: m.TransitionSpec | None = None,
        blend: m.BlendMode | str = m.BlendMode.Normal,
        matte: m.Matte | tuple[str, m.MatteMode | str] | str | None = None,
    ) -> TrackBuilder:
        """Add a clip shown on timeline frames ``[start, end)``; returns the track (chainable).

        ``transform`` and ``opacity`` take a plain value (made constant) or any Anim.
        ``blend`` is a blend mode name (``"Multiply"`` …). ``matte`` names the clip whose
        pixels mask this one: a clip id (Alpha matte), ``(id, mode)`` or a `Matte`.
        """
        path = index_path(self._path + ".clips", len(self._clips))
        if transform is None:
            tr: m.Anim = m.constant(m.Transform2D())
        elif isinstance(transform, m.Transform2D):
            tr = const(transform)
        else:
            tr = transform
        op = opacity if isinstance(opacity, (m.Keyframes, m.Procedural, m.Expr)) else const(opacity)
        self._clips.append(
            m.Clip(
                id=str(id),
                asset=str(asset),
                range=m.FrameRange(
                    read_u64(start, path + ".range.start"), read_u64(end, path + ".range.end")
                ),
                props=m.ClipProps(
                    transform=tr,
                    opacity=op,
                    blend=read_unit_enum(str(blend), path + ".props.blend", m.BlendMode),
                ),
                z_offset=read_i32(z_offset, path + ".z_offset"),
                effects=tuple(effects),
                transition_in=transition_in,
                transition_out=transition_out,
                matte=_matte(matte, path + ".matte"),
            )
        )
        return self

    def _build(self) -> m.Track:
        return m.Track(name=self.name, clips=tuple(self._clips), **self._fields)


class CompositionBuilder:
    """Collects assets and tracks; `build` returns a validated `Composition`."""

    def __init__(
        self,
        *,
        width: int,
        height: int,
        fps: int | Fraction | tuple[int, int] = 30,
        duration: int,
        seed: int = 0,
    ) -> None:
        self._fps = _fps(fps)
        self._canvas = m.Canvas(read_u32(width, "canvas.width"), read_u32(height, "canvas.height"))
        self._duration = read_u64(duration, "duration")
        self._seed = read_u64(seed, "seed")
        self._assets: dict[str, m.Asset] = {}
        self._tracks: list[TrackBuilder] = []

    # -- assets (a key may be used once, as in the Rust DSL)

    def _add(self, key: str, asset: m.Asset) -> str:
        if key in self._assets:
            raise CompositionError(member_path("assets", key), f"duplicate asset key '{key}'")
        self._assets[key] = asset
        return key

    def path(self, key: str, svg_path_d: str) -> str:
        """A vector path (SVG ``d`` syntax), filled opaque white."""
        return self._add(key, m.PathAsset(svg_path_d))

    def text(
        self,
        key: str,
        text: str | None = None,
        *,
        font: str,
        size_px: float,
        max_width_px: float | None = None,
        color: tuple[int, int, int, int] = (255, 255, 255, 255),
        runs: list[dict[str, Any]] | None = None,
        **style: Any,
    ) -> str:
        """Text in a font file (relative to the asset root); ``color`` is straight RGBA8.

        Typography (docs/format.md "Text: typography") as keywords with the JSON shapes:
        ``runs`` (instead of ``text``: dicts with ``text``, ``font_source``, ``size_px``,
        ``color_rgba8``, ``fill``, ``letter_spacing``, ``underline``, ``background``),
        ``align``, ``direction``, ``line_height``, ``letter_spacing`` (a number or an Anim),
        ``font_fallback``, ``fill``, ``stroke``, ``paint_order``, ``shadow``,
        ``background``, ``fit``. Checked now, as the document would be."""
        what = member_path("assets", key) + ".Text"
        rgba = tuple(read_u8(c, index_path(what + ".color_rgba8", i)) for i, c in enumerate(color))
        if len(rgba) != 4:
            raise CompositionError(what + ".color_rgba8", f"expected 4 channels, got {len(rgba)}")
        if not style and runs is None:
            if text is None:
                raise CompositionError(what, "give `text` or `runs`")
            return self._add(
                key,
                m.TextAsset(
                    text=text,
                    font_source=font,
                    size_px=_f32(size_px, what + ".size_px"),
                    max_width_px=None
                    if max_width_px is None
                    else _f32(max_width_px, what + ".max_width_px"),
                    color_rgba8=rgba,  # type: ignore[arg-type]
                ),
            )
        for name in style:
            if name not in TEXT_STYLE_FIELDS:
                raise CompositionError(f"{what}.{name}", f"unknown Text field `{name}`")
        body: dict[str, Any] = {"font_source": font, "size_px": size_px, "color_rgba8": list(rgba)}
        if text is not None:
            body["text"] = text
        if runs is not None:
            body["runs"] = runs
        if max_width_px is not None:
            body["max_width_px"] = max_width_px
        body.update(style)
        body = _json_value(body, what)
        asset = read_asset({"Text": body}, member_path("assets", key))
        return self._add(key, asset)

    def captions(self, key: str, source: str, *, font: str, size_px: float, **fields: Any) -> str:
        """Captions from a subtitle or word-timing file (``max_width_px``, ``max_lines``,
        ``max_words_per_page``, ``style``, ``highlight``, ``time_offset_sec`` and the Text
        styling fields: docs/format.md "Captions"). Checked now, as the document would be."""
        body = {"source": source, "font_source": font, "size_px": size_px, **fields}
        what = member_path("assets", key) + ".Captions"
        body = _json_value(body, what)
        read_captions(body, what)
        return self._add(key, m.KindAsset("Captions", body))

    def shape(
        self,
        key: str,
        geometry: dict[str, Any],
        *,
        fill: dict[str, Any] | None = _DEFAULT,
        stroke: dict[str, Any] | None = None,
        fill_rule: str = "NonZero",
        trim: dict[str, Any] | None = None,
    ) -> str:
        """A Shape asset: ``geometry`` from `rect`, `ellipse`, `polygon`, `star`, `line` or
        `svg_path`; ``fill`` a Paint (`solid`, `linear_gradient`, `radial_gradient`;
        default white, none for a line; None: no fill); ``stroke`` from `stroke`; ``trim``
        from `trim`. Checked now, as the document would be."""
        from wavyte_core.format.shape import read_shape

        body: dict[str, Any] = {"geometry": geometry}
        if fill is not _DEFAULT:
            body["fill"] = fill
        if stroke is not None:
            body["stroke"] = stroke
        if fill_rule != "NonZero":
            body["fill_rule"] = fill_rule
        if trim is not None:
            body["trim"] = trim
        body = _json_value(body, member_path("assets", key) + ".Shape")
        read_shape(body, member_path("assets", key) + ".Shape")
        return self._add(key, m.KindAsset("Shape", body))

    def asset_kind(self, key: str, kind: str, params: dict[str, Any] | None = None) -> str:
        """An asset of any installed kind (``"acme.particles"``) with its JSON content;
        checked against the installed kind when the composition is loaded or rendered."""
        what = member_path("assets", key)
        return self._add(key, m.KindAsset(kind, _json_value(params or {}, what)))

    def waveform(self, key: str, audio: str, width: float, height: float, **fields: Any) -> str:
        """An audiogram of asset ``audio``'s sound (``style``, ``bars``, ``band_hz``, ``fill``,
        ``gap``, ``corner_radius``, ``window_sec``, ``smoothing``: see docs/format.md)."""
        return self.asset_kind(
            key, "Waveform", {"audio": audio, "width": width, "height": height, **fields}
        )

    def composition(
        self, key: str, source: str, *, trim_start_frames: int = 0, loop: bool = False
    ) -> str:
        """Another composition file drawn as a layer (a nested composition)."""
        fields: dict[str, Any] = {"source": source}
        if trim_start_frames:
            fields["trim_start_frames"] = trim_start_frames
        if loop:
            fields["loop"] = True
        return self.asset_kind(key, "Composition", fields)

    def lottie(self, key: str, source: str, **fields: Any) -> str:
        """A Lottie / dotLottie file (``playback_rate``, ``loop``, ``width``, ``height``);
        needs the optional plugin wavyte-asset-lottie to render."""
        return self.asset_kind(key, "Lottie", {"source": source, **fields})

    def image(self, key: str, source: str) -> str:
        return self._add(key, m.ImageAsset(source))

    def svg(self, key: str, source: str) -> str:
        return self._add(key, m.SvgAsset(source))

    def _media(self, cls: type, tag: str, key: str, source: str, fields: dict[str, Any]) -> str:
        what = member_path("assets", key) + "." + tag
        allowed = (
            "trim_start_sec",
            "trim_end_sec",
            "playback_rate",
            "volume",
            "fade_in_sec",
            "fade_out_sec",
            "muted",
        ) + (("loop",) if cls is m.VideoAsset else ())
        kw: dict[str, Any] = {"source": source}
        for name, v in fields.items():
            if name not in allowed:
                raise CompositionError(f"{what}.{name}", f"unknown media field '{name}'")
            if name in ("muted", "loop"):
                kw[name] = bool(v)
            elif v is not None:
                kw[name] = _f64(v, f"{what}.{name}")
        return self._add(key, cls(**kw))

    def video(self, key: str, source: str, **fields: Any) -> str:
        """A video file, or an animated GIF, WebP or APNG; ``fields`` are the media controls
        (trim_start_sec, trim_end_sec, playback_rate, volume, muted, ``loop=True`` …)."""
        return self._media(m.VideoAsset, "Video", key, source, fields)

    def audio(self, key: str, source: str, **fields: Any) -> str:
        return self._media(m.AudioAsset, "Audio", key, source, fields)

    # -- tracks

    def track(
        self,
        name: str,
        *,
        z_base: int = 0,
        layout_mode: m.LayoutMode | str = "Absolute",
        gap: float = 0.0,
        padding: float | tuple[float, float, float, float] | m.Edges = 0.0,
        align_x: m.Align | str = "Start",
        align_y: m.Align | str = "Start",
        grid_columns: int = 2,
    ) -> TrackBuilder:
        """A new track (painted above the previous ones at equal z); padding is (l, r, t, b)."""
        path = index_path("tracks", len(self._tracks))
        if isinstance(padding, m.Edges):
            padding = (padding.left, padding.right, padding.top, padding.bottom)
        elif not isinstance(padding, tuple):
            padding = (padding, padding, padding, padding)
        left, right, top, bottom = (_f64(p, f"{path}.layout_padding") for p in padding)

        def enum(v: Any, cls: type, field: str) -> Any:
            return read_unit_enum(v.value if isinstance(v, cls) else v, f"{path}.{field}", cls)

        fields = {
            "z_base": read_i32(z_base, path + ".z_base"),
            "layout_mode": enum(layout_mode, m.LayoutMode, "layout_mode"),
            "layout_gap_px": _f64(gap, path + ".layout_gap_px"),
            "layout_padding": m.Edges(left, right, top, bottom),
            "layout_align_x": enum(align_x, m.Align, "layout_align_x"),
            "layout_align_y": enum(align_y, m.Align, "layout_align_y"),
            "layout_grid_columns": read_u32(grid_columns, path + ".layout_grid_columns"),
        }
        t = TrackBuilder(len(self._tracks), str(name), fields)
        self._tracks.append(t)
        return t

    def build(self, *, check: bool = True, registry: Any = None) -> m.Composition:
        """The `Composition`, checked unless ``check=False`` exactly as `wavyte_core.api.load`
        checks a document: the format's rules (§2 and the resource limits), and every effect,
        transition and asset kind against ``registry`` (default: the installed plugins) —
        plugin params are validated here, errors naming the JSON path and the param."""
        comp = m.Composition(
            fps=self._fps,
            canvas=self._canvas,
            duration=self._duration,
            assets={k: self._assets[k] for k in sorted(self._assets)},
            tracks=tuple(t._build() for t in self._tracks),
            seed=self._seed,
        )
        if check:
            validate(comp)
            # The kinds live in the plugin layer above this one: looked up by name.
            import_module(KIND_CHECK).check(comp, registry=registry)
        return comp
