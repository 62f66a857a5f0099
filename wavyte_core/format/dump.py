"""The model → JSON text exactly as Wavyte writes it (wavyte-format.md §1.1 serialization).

Struct fields come out in Rust declaration order (`load.FIELD_ORDER`), ``assets`` keys
sorted, Option fields as ``null`` except the ones serde skips when None
(``max_width_px``, ``trim_end_sec``, effect/transition ``params``), compact separators,
f64 with the zmij rules (`jsonfmt.format_f64`), f32 fields with the shortest f32 digits,
free-form ``params`` with sorted keys. ``indent=2`` gives serde_json's pretty printer
(what ``to_string_pretty`` writes, e.g. the bench scene files).

Round trip: ``loads_composition(composition_to_json(c)) == c`` for every loaded or built
composition.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from wavyte_core.format import model as m
from wavyte_core.format.jsonfmt import dumps_str, format_f64
from wavyte_core.format.load import FIELD_ORDER

__all__ = ["composition_to_json", "composition_to_value", "format_f32"]


class _F32(float):
    """Marks a value that serde writes as an f32 (shortest f32 digits)."""

    __slots__ = ()


class _Params:
    """Wraps a free-form JSON value: keys sorted, ints and floats kept apart."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _layout(digits: str, e: int) -> str:
    """zmij's layout of shortest digits ``d1.d2…dn × 10^e`` (same rules as format_f64)."""
    n = len(digits)
    if -5 <= e <= 15:
        if n - 1 <= e:
            return digits + "0" * (e + 1 - n) + ".0"
        if e >= 0:
            return digits[: e + 1] + "." + digits[e + 1 :]
        return "0." + "0" * (-e - 1) + digits
    return (
        digits[0]
        + ("." + digits[1:] if n > 1 else "")
        + "e"
        + ("-" if e < 0 else "+")
        + str(abs(e))
    )


def format_f32(x: float) -> str:
    """Format an f32 value like serde_json: shortest digits that round-trip as f32.

    The plain/scientific layout thresholds are taken to be the f64 ones (−5…15) [unsure for
    f32 outside that range; font sizes and widths never reach it].
    """
    if math.isnan(x) or math.isinf(x):
        return "null"
    if x == 0.0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    s = np.format_float_scientific(np.float32(abs(x)), unique=True, trim="-")
    mant, exp = s.split("e")
    digits = mant.replace(".", "").rstrip("0") or "0"
    return ("-" if x < 0 else "") + _layout(digits, int(exp))


# ------------------------------------------------------------------ model → JSON tree


def _obj(
    struct_name: str, values: dict[str, Any], skip_none: tuple[str, ...] = ()
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in FIELD_ORDER[struct_name]:
        v = values[name]
        if v is None and name in skip_none:
            continue
        out[name] = v
    return out


def _vec2(v: m.Vec2) -> dict[str, Any]:
    return {"x": float(v.x), "y": float(v.y)}


def _transform(t: m.Transform2D) -> dict[str, Any]:
    return {
        "translate": _vec2(t.translate),
        "rotation_rad": float(t.rotation_rad),
        "scale": _vec2(t.scale),
        "anchor": _vec2(t.anchor),
    }


def _value(v: Any) -> Any:
    """One animated value: an f64 or a Transform2D."""
    return _transform(v) if isinstance(v, m.Transform2D) else float(v)


def _proc_scalar(p: m.ProcScalar) -> dict[str, Any]:
    name = type(p).__name__
    if isinstance(p, m.AudioLevel):
        body = {"asset": p.asset}
        if p.band_hz is not None:
            body["band_hz"] = [float(p.band_hz[0]), float(p.band_hz[1])]
        for f, default in (
            ("window_sec", 0.05),
            ("smoothing", 0.5),
            ("gain", 1.0),
            ("offset", 0.0),
        ):
            v = float(getattr(p, f))
            if v != default:
                body[f] = v
        return {name: body}
    if isinstance(p, m.Envelope):
        body: dict[str, Any] = {
            "attack": p.attack,
            "decay": p.decay,
            "sustain": float(p.sustain),
            "release": p.release,
        }
    else:
        body = {f: float(getattr(p, f)) for f in FIELD_ORDER[name]}
    return {name: body}


def ease_value(e: m.Ease | m.CubicBezier | m.Steps) -> Any:
    """An easing as JSON: a unit variant's name, or the tagged 0.3 forms."""
    if isinstance(e, m.CubicBezier):
        return {"CubicBezier": [float(e.x1), float(e.y1), float(e.x2), float(e.y2)]}
    if isinstance(e, m.Steps):
        return {"Steps": {"count": e.count, "position": e.position.value}}
    return e.value


def _anim(a: m.Anim, value: Any = _value) -> dict[str, Any]:
    if isinstance(a, m.Keyframes):
        keys = [
            {"frame": k.frame, "value": value(k.value), "ease": ease_value(k.ease)} for k in a.keys
        ]
        default = None if a.default is None else value(a.default)
        return {"Keyframes": {"keys": keys, "mode": a.mode.value, "default": default}}
    if isinstance(a, m.Procedural):
        k = a.kind
        if isinstance(k, m.ProcScalarKind):
            kind = {"kind": "Scalar", "params": _proc_scalar(k.params)}
        else:
            kind = {"kind": "Vec2", "params": {"x": _proc_scalar(k.x), "y": _proc_scalar(k.y)}}
        return {"Procedural": {"kind": kind}}
    node = a.node
    name = type(node).__name__
    if isinstance(node, m.Mix):
        body: dict[str, Any] = {
            "a": _anim(node.a, value),
            "b": _anim(node.b, value),
            "t": _anim(node.t),
        }
    elif isinstance(node, m.Delay):
        body = {"inner": _anim(node.inner, value), "by": node.by}
    elif isinstance(node, m.Speed):
        body = {"inner": _anim(node.inner, value), "factor": float(node.factor)}
    elif isinstance(node, m.Reverse):
        body = {"inner": _anim(node.inner, value), "duration": node.duration}
    else:
        body = {"inner": _anim(node.inner, value), "period": node.period, "mode": node.mode.value}
    return {"Expr": {name: body}}


def anim_to_value(a: m.Anim, value: Any) -> dict[str, Any]:
    """An Anim as a JSON tree; ``value`` writes one keyframe value (Mix ``t`` is f64)."""
    return _anim(a, value)


def _asset(a: m.Asset) -> dict[str, Any]:
    if isinstance(a, m.KindAsset):
        return {a.kind: _Params(a.params)}
    tag = m.ASSET_TAGS[type(a)]
    if isinstance(a, m.TextAsset):
        body = _obj(
            "Text",
            {
                "text": a.text,
                "font_source": a.font_source,
                "size_px": _F32(a.size_px),
                "max_width_px": None if a.max_width_px is None else _F32(a.max_width_px),
                "color_rgba8": list(a.color_rgba8),
            },
            skip_none=("max_width_px",),
        )
        if a.runs is not None:
            del body["text"]
        body.update(typography_fields(a))
    elif isinstance(a, (m.VideoAsset, m.AudioAsset)):
        loop = isinstance(a, m.VideoAsset) and a.loop
        body = _obj(
            "Video" if loop else "Media",
            {
                "source": a.source,
                "trim_start_sec": float(a.trim_start_sec),
                "trim_end_sec": None if a.trim_end_sec is None else float(a.trim_end_sec),
                "playback_rate": float(a.playback_rate),
                "volume": float(a.volume),
                "fade_in_sec": float(a.fade_in_sec),
                "fade_out_sec": float(a.fade_out_sec),
                "muted": bool(a.muted),
                "loop": True if loop else None,
            },
            skip_none=("trim_end_sec", "loop"),
        )
    elif isinstance(a, m.PathAsset):
        body = {"svg_path_d": a.svg_path_d}
    else:
        body = {"source": a.source}
    return {tag: body}


def _edges(e: m.Edges) -> Any:
    if e.left == e.right == e.top == e.bottom:
        return float(e.left)
    return {"left": e.left, "right": e.right, "top": e.top, "bottom": e.bottom}


def _run(r: m.TextRun) -> dict[str, Any]:
    out: dict[str, Any] = {"text": r.text}
    for name in ("font_source", "size_px", "letter_spacing"):
        v = getattr(r, name)
        if v is not None:
            out[name] = v if isinstance(v, str) else float(v)
    if r.color_rgba8 is not None:
        out["color_rgba8"] = list(r.color_rgba8)
    if r.fill is not None:
        out["fill"] = _Params(r.fill)
    if r.underline:
        out["underline"] = True
    if r.background is not None:
        out["background"] = list(r.background)
    return out


def typography_fields(a: Any) -> dict[str, Any]:
    """The typography fields of a Text (or Captions) asset that differ from their defaults,
    in `load.TEXT_STYLE_FIELDS` order (a 0.2 text dumps none of them)."""
    out: dict[str, Any] = {}
    if getattr(a, "runs", None) is not None:
        out["runs"] = [_run(r) for r in a.runs]
    if a.align is not m.TextAlign.Left and type(a) is m.TextAsset:
        out["align"] = a.align.value
    if a.direction is not m.TextDirection.Auto:
        out["direction"] = a.direction.value
    if a.line_height is not None:
        out["line_height"] = float(a.line_height)
    ls = a.letter_spacing
    if isinstance(ls, (int, float)):
        if ls != 0.0:
            out["letter_spacing"] = float(ls)
    else:
        out["letter_spacing"] = _anim(ls)
    if a.font_fallback:
        out["font_fallback"] = list(a.font_fallback)
    if a.fill is not None:
        out["fill"] = _Params(a.fill)
    if a.stroke is not None:
        out["stroke"] = _Params(a.stroke)
    if a.paint_order is not m.PaintOrder.StrokeThenFill:
        out["paint_order"] = a.paint_order.value
    if a.shadow is not None:
        sh = a.shadow
        out["shadow"] = {
            "offset": _vec2(sh.offset),
            "blur": float(sh.blur),
            "color": list(sh.color),
        }
    if a.background is not None:
        bg = a.background
        out["background"] = {
            "color": list(bg.color),
            "padding": _edges(bg.padding),
            "corner_radius": float(bg.corner_radius),
            "mode": bg.mode.value,
        }
    if a.fit is not None:
        ft = a.fit
        fit: dict[str, Any] = {"width": float(ft.width), "height": float(ft.height)}
        fit["min_size_px"] = float(ft.min_size_px)
        if ft.max_lines is not None:
            fit["max_lines"] = ft.max_lines
        out["fit"] = fit
    return out


def _effect(e: m.EffectInstance) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": e.kind}
    if e.params is not None:
        out["params"] = _Params(e.params)
    return out


def _transition(t: m.TransitionSpec | None) -> dict[str, Any] | None:
    if t is None:
        return None
    out: dict[str, Any] = {
        "kind": t.kind,
        "duration_frames": t.duration_frames,
        "ease": ease_value(t.ease),
    }
    if t.params is not None:
        out["params"] = _Params(t.params)
    return out


def _clip(c: m.Clip) -> dict[str, Any]:
    out = _clip_02(c)
    if c.matte is not None:  # 0.3: written only when set; "mode" only when not Alpha
        matte: dict[str, Any] = {"source": c.matte.source}
        if c.matte.mode != m.MatteMode.Alpha:
            matte["mode"] = c.matte.mode.value
        out["matte"] = matte
    return out


def _clip_02(c: m.Clip) -> dict[str, Any]:
    return {
        "id": c.id,
        "asset": c.asset,
        "range": {"start": c.range.start, "end": c.range.end},
        "props": {
            "transform": _anim(c.props.transform),
            "opacity": _anim(c.props.opacity),
            "blend": c.props.blend.value,
        },
        "z_offset": c.z_offset,
        "effects": [_effect(e) for e in c.effects],
        "transition_in": _transition(c.transition_in),
        "transition_out": _transition(c.transition_out),
    }


def _track(t: m.Track) -> dict[str, Any]:
    p = t.layout_padding
    return {
        "name": t.name,
        "z_base": t.z_base,
        "layout_mode": t.layout_mode.value,
        "layout_gap_px": float(t.layout_gap_px),
        "layout_padding": {
            "left": float(p.left),
            "right": float(p.right),
            "top": float(p.top),
            "bottom": float(p.bottom),
        },
        "layout_align_x": t.layout_align_x.value,
        "layout_align_y": t.layout_align_y.value,
        "layout_grid_columns": t.layout_grid_columns,
        "clips": [_clip(c) for c in t.clips],
    }


def composition_to_value(comp: m.Composition) -> dict[str, Any]:
    """The composition as an ordered JSON tree (plain dicts/lists; params wrapped)."""
    return {
        "fps": {"num": comp.fps.num, "den": comp.fps.den},
        "canvas": {"width": comp.canvas.width, "height": comp.canvas.height},
        "duration": comp.duration,
        "assets": {k: _asset(comp.assets[k]) for k in sorted(comp.assets)},
        "tracks": [_track(t) for t in comp.tracks],
        "seed": comp.seed,
    }


# ---------------------------------------------------------------------- JSON tree → text


def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if type(v) is _F32:
        return format_f32(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format_f64(v)
    if isinstance(v, str):
        return dumps_str(v)
    raise TypeError(f"not a JSON value: {type(v).__name__}")


def _write_compact(v: Any, out: list[str]) -> None:
    if isinstance(v, _Params):
        _write_compact(_sorted(v.value), out)
    elif isinstance(v, dict):
        out.append("{")
        first = True
        for k, x in v.items():
            if not first:
                out.append(",")
            first = False
            out.append(dumps_str(k))
            out.append(":")
            _write_compact(x, out)
        out.append("}")
    elif isinstance(v, (list, tuple)):
        out.append("[")
        for i, x in enumerate(v):
            if i:
                out.append(",")
            _write_compact(x, out)
        out.append("]")
    else:
        out.append(_scalar(v))


def _write_pretty(v: Any, out: list[str], indent: str, level: int) -> None:
    """serde_json's PrettyFormatter: one member per line, ``": "``, empty ``{}``/``[]``."""
    if isinstance(v, _Params):
        _write_pretty(_sorted(v.value), out, indent, level)
    elif isinstance(v, dict):
        if not v:
            out.append("{}")
            return
        inner = "\n" + indent * (level + 1)
        out.append("{")
        first = True
        for k, x in v.items():
            out.append(inner if first else "," + inner)
            first = False
            out.append(dumps_str(k))
            out.append(": ")
            _write_pretty(x, out, indent, level + 1)
        out.append("\n" + indent * level + "}")
    elif isinstance(v, (list, tuple)):
        if not v:
            out.append("[]")
            return
        inner = "\n" + indent * (level + 1)
        out.append("[")
        for i, x in enumerate(v):
            out.append("," + inner if i else inner)
            _write_pretty(x, out, indent, level + 1)
        out.append("\n" + indent * level + "]")
    else:
        out.append(_scalar(v))


def _sorted(v: Any) -> Any:
    """A free-form value with object keys in byte order (serde_json without preserve_order)."""
    if isinstance(v, dict):
        return {k: _sorted(v[k]) for k in sorted(v, key=lambda k: k.encode("utf-8"))}
    if isinstance(v, (list, tuple)):
        return [_sorted(x) for x in v]
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    raise TypeError(f"params must be JSON values, got {type(v).__name__}")


def composition_to_json(comp: m.Composition, *, indent: int | None = None) -> str:
    """Serialise ``comp`` like Wavyte: compact by default, serde's pretty form with ``indent``.

    The pretty form has no trailing newline (as ``serde_json::to_string_pretty``).
    """
    tree = composition_to_value(comp)
    out: list[str] = []
    if indent is None:
        _write_compact(tree, out)
    else:
        _write_pretty(tree, out, " " * indent, 0)
    return "".join(out)
