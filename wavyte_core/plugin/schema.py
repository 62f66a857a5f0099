"""JSON Schema (draft 2020-12) of the composition format with every installed kind merged in.

``wavyte schema`` prints it; editors and CI use it to check documents before wavyte runs.
It is built from the registry once: the format's structures (docs/format.md) plus, for
each effect kind, a ``oneOf`` branch discriminated on ``kind`` whose ``params`` schema is
derived from the kind's `Param` declarations (built-ins give their exact rules in
``json_schema``). Non-validation metadata (unit, animatable, plugin, …) is carried in
``x-wavyte-*`` keywords, which validators ignore.

What JSON Schema cannot say and wavyte still checks at load: cross-field rules of §2
(``range.start <= end``, assets referenced by clips exist, keyframes sorted), serde's
integer/float distinction (``30.0`` passes ``"integer"`` here, wavyte rejects it), the
array form of structs (accepted by wavyte, not described here), and unparsable built-in
transition params (a plain fade by the format's rule, so any object passes).
"""

from __future__ import annotations

import re
from typing import Any

from wavyte_core.format.model import BlendMode, MatteMode
from wavyte_core.plugin.params import Param
from wavyte_core.plugin.registry import Registry
from wavyte_core.plugin.specs import EffectKindSpec, TransitionKindSpec

__all__ = ["composition_schema", "kind_pattern", "param_schema", "params_schema"]

SCHEMA_ID = "https://wavyte.dev/schema/composition.json"
_U64 = {"type": "integer", "minimum": 0, "maximum": 2**64 - 1}
_U32 = {"type": "integer", "minimum": 0, "maximum": 2**32 - 1}
_U8 = {"type": "integer", "minimum": 0, "maximum": 255}
_I32 = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
_F64 = {"type": "number"}
_STR = {"type": "string"}
_EASES = ["Linear", "InQuad", "OutQuad", "InOutQuad", "InCubic", "OutCubic", "InOutCubic"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _struct(props: dict[str, Any], required: list[str], **extra: Any) -> dict[str, Any]:
    """A serde struct as an object (unknown fields are ignored by the format)."""
    out: dict[str, Any] = {"type": "object", "properties": props, "required": required}
    out.update(extra)
    return out


def _opt(schema: dict[str, Any]) -> dict[str, Any]:
    """An ``Option<T>``: missing or null is None."""
    return {"anyOf": [{"type": "null"}, schema]}


def _unit_enum(names: list[str]) -> dict[str, Any]:
    """A unit enum: a bare string, or serde's map form ``{"Linear": null}``."""
    return {
        "anyOf": [
            {"enum": names},
            {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 1,
                "propertyNames": {"enum": names},
                "additionalProperties": {"type": "null"},
            },
        ]
    }


def _strict(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """An object added by 0.3: unknown fields are refused."""
    return _struct(props, required, additionalProperties=False)


def _text_style() -> dict[str, Any]:
    """The typography fields of a Text asset (docs/format.md "Text: typography")."""
    colour = _ref("Colour")
    edges = _strict({k: _F64 for k in ("left", "right", "top", "bottom")}, [])
    run = _strict(
        {
            "text": _STR,
            "font_source": _opt(_STR),
            "size_px": _opt(_F64),
            "color_rgba8": _opt(colour),
            "fill": _opt(_ref("Paint")),
            "letter_spacing": _opt(_F64),
            "underline": {"type": "boolean"},
            "background": _opt(colour),
        },
        ["text"],
    )
    return {
        "runs": _opt({"type": "array", "items": run}),
        "align": _unit_enum(["Left", "Center", "Right", "Justify"]),
        "direction": _unit_enum(["Auto", "Ltr", "Rtl"]),
        "line_height": _opt(_F64),
        "letter_spacing": _ref("Number"),
        "font_fallback": {"type": "array", "items": _STR},
        "fill": _opt(_ref("Paint")),
        "stroke": _opt(_ref("Stroke")),
        "paint_order": _unit_enum(["StrokeThenFill", "FillThenStroke"]),
        "shadow": _opt(_strict({"offset": _ref("Vec2"), "blur": _F64, "color": colour}, [])),
        "background": _opt(
            _strict(
                {
                    "color": colour,
                    "padding": {"anyOf": [_F64, edges]},
                    "corner_radius": _F64,
                    "mode": _unit_enum(["Block", "Lines"]),
                },
                [],
            )
        ),
        "fit": _opt(
            _strict(
                {
                    "width": _F64,
                    "height": _F64,
                    "min_size_px": _F64,
                    "max_lines": _opt(_U32),
                },
                ["width", "height"],
            )
        ),
    }


def _tagged(variants: dict[str, Any]) -> dict[str, Any]:
    """An externally tagged enum: exactly one key, the variant's name."""
    return {
        "oneOf": [
            {
                "type": "object",
                "required": [name],
                "minProperties": 1,
                "maxProperties": 1,
                "properties": {name: schema},
            }
            for name, schema in variants.items()
        ]
    }


def kind_pattern(names: tuple[str, ...]) -> str:
    """A regex matching the names the way kinds are matched: trimmed, any ASCII case."""

    def ci(name: str) -> str:
        return "".join(
            f"[{c}{c.upper()}]" if c.isalpha() and c.isascii() else re.escape(c) for c in name
        )

    return r"^\s*(?:" + "|".join(ci(n) for n in names) + r")\s*$"


# ------------------------------------------------------------------------ anims


def _anim_defs(defs: dict[str, Any], name: str, value: dict[str, Any], proc: str) -> None:
    """``$defs[name]`` = Anim<T> for values matching ``value`` (recursive through Expr).
    ``proc`` says which procedural kinds are allowed: "any" (the format's validation),
    "Scalar" or "Vec2" (plugin params, checked at load)."""
    me = _ref(name)
    keyframe = _struct(
        {"frame": _U64, "value": value, "ease": _ref("Ease")}, ["frame", "value", "ease"]
    )
    keyframes = _struct(
        {
            "keys": {"type": "array", "items": keyframe},
            "mode": _unit_enum(["Hold", "Linear"]),
            "default": _opt(value),
        },
        ["keys", "mode"],
    )
    kind: dict[str, Any] = _ref("ProceduralKind")
    if proc != "any":
        kind = {"allOf": [kind, {"properties": {"kind": {"const": proc}}}]}
    procedural = _struct({"kind": kind}, ["kind"])
    expr = _tagged(
        {
            "Delay": _struct({"inner": me, "by": _U64}, ["inner", "by"]),
            "Speed": _struct({"inner": me, "factor": _F64}, ["inner", "factor"]),
            "Reverse": _struct({"inner": me, "duration": _U64}, ["inner", "duration"]),
            "Loop": _struct(
                {"inner": me, "period": _U64, "mode": _unit_enum(["Repeat", "PingPong"])},
                ["inner", "period", "mode"],
            ),
            "Mix": _struct({"a": me, "b": me, "t": _ref("AnimF64")}, ["a", "b", "t"]),
        }
    )
    defs[name] = _tagged({"Keyframes": keyframes, "Procedural": procedural, "Expr": expr})


def _proc_defs(defs: dict[str, Any]) -> None:
    scalar = _tagged(
        {
            "Sine": _struct(
                {"amp": _F64, "freq_hz": _F64, "phase": _F64, "offset": _F64},
                ["amp", "freq_hz", "phase", "offset"],
            ),
            "Noise1D": _struct(
                {"amp": _F64, "freq_hz": _F64, "offset": _F64}, ["amp", "freq_hz", "offset"]
            ),
            "Envelope": _struct(
                {"attack": _U64, "decay": _U64, "sustain": _F64, "release": _U64},
                ["attack", "decay", "sustain", "release"],
            ),
            "Spring": _struct(
                {"stiffness": _F64, "damping": _F64, "target": _F64},
                ["stiffness", "damping", "target"],
            ),
            "AudioLevel": {
                **_struct(
                    {
                        "asset": _STR,
                        "band_hz": _opt(
                            {"type": "array", "items": _F64, "minItems": 2, "maxItems": 2}
                        ),
                        "window_sec": _F64,
                        "smoothing": _F64,
                        "gain": _F64,
                        "offset": _F64,
                    },
                    ["asset"],
                ),
                "additionalProperties": False,
                "description": "The level (0..1 before gain) of an asset's sound at the "
                "frame's timeline time: windowed RMS in dBFS mapped from -60..0 to 0..1.",
            },
        }
    )
    defs["ProcScalar"] = scalar
    defs["ProceduralKind"] = {
        "oneOf": [
            _struct(
                {"kind": {"const": "Scalar"}, "params": _ref("ProcScalar")}, ["kind", "params"]
            ),
            _struct(
                {
                    "kind": {"const": "Vec2"},
                    "params": _struct(
                        {"x": _ref("ProcScalar"), "y": _ref("ProcScalar")}, ["x", "y"]
                    ),
                },
                ["kind", "params"],
            ),
        ]
    }


# ------------------------------------------------------------------------ params


def param_schema(p: Param) -> dict[str, Any]:
    """The schema of one plain (not animated) value of ``p``."""
    t = p.type
    bounds: dict[str, Any] = {}
    if p.min is not None:
        bounds["exclusiveMinimum" if p.min_exclusive else "minimum"] = p.min
    if p.max is not None:
        bounds["exclusiveMaximum" if p.max_exclusive else "maximum"] = p.max
    if t == "number":
        return {"type": "number", **bounds}
    if t == "int":
        return {"type": "integer", **bounds}
    if t == "bool":
        return {"type": "boolean"}
    if t == "string":
        return {"type": "string"}
    if t == "enum":
        return {"enum": list(p.choices)}
    if t == "colour":
        return {
            "anyOf": [
                {"type": "array", "items": _U8, "minItems": 3, "maxItems": 4},
                {"type": "string", "pattern": r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$"},
            ]
        }
    if t == "matrix":
        return {"type": "array", "items": _F64, "minItems": 6, "maxItems": 6}
    comp = {"type": "number", **bounds}
    return {
        "anyOf": [
            {"type": "array", "items": comp, "minItems": 2, "maxItems": 2},
            _struct({"x": comp, "y": comp}, ["x", "y"]),
        ]
    }


def _meta(p: Param) -> dict[str, Any]:
    out: dict[str, Any] = {"x-wavyte-type": p.type, "x-wavyte-animatable": bool(p.animatable)}
    if p.description:
        out["description"] = p.description
    if p.unit:
        out["x-wavyte-unit"] = p.unit
    if p.default is not None:
        out["default"] = list(p.default) if isinstance(p.default, tuple) else p.default
    elif p.default_doc:
        out["x-wavyte-default"] = p.default_doc
    return out


def params_schema(
    spec: EffectKindSpec | TransitionKindSpec, defs: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The schema of a kind's ``params`` (animatable params also accept an ``Anim``,
    defined in ``defs``)."""
    if spec.json_schema is not None:
        out = dict(spec.json_schema)
        props = out.get("properties")
        if props:
            metas = {p.name: _meta(p) for p in spec.params}
            out["properties"] = {k: {**v, **metas.get(k, {})} for k, v in props.items()}
        return out
    defs = {} if defs is None else defs
    props: dict[str, Any] = {}
    for p in spec.params:
        plain = param_schema(p)
        if p.animatable:
            name = f"Anim_{_def_name(spec.name)}_{p.name}"
            _anim_defs(defs, name, plain, "Vec2" if p.type == "point" else "Scalar")
            plain = {"anyOf": [plain, _ref(name)]}
        props[p.name] = {**plain, **_meta(p)}
    return {
        "type": ["object", "null"],
        "properties": props,
        "required": [p.name for p in spec.params if p.required],
        "additionalProperties": False,
    }


def paint_defs(defs: dict[str, Any]) -> None:
    """``$defs`` of the 0.3 value types: Colour, Point, Anim leaves, Paint, Stop, Stroke
    (kinds' schemas refer to them as ``#/$defs/Paint`` …)."""
    colour = {
        "anyOf": [
            {"type": "array", "items": _U8, "minItems": 4, "maxItems": 4},
            {"type": "string", "pattern": "^#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$"},
        ],
        "description": "[r, g, b, a] (u8, straight alpha) or #rrggbb / #rrggbbaa",
    }
    point = {
        "anyOf": [
            {"type": "array", "items": _F64, "minItems": 2, "maxItems": 2},
            _struct({"x": _F64, "y": _F64}, ["x", "y"]),
        ]
    }
    defs["Colour"] = colour
    defs["Point"] = point
    _anim_defs(defs, "AnimColourValue", colour, "none")
    _anim_defs(defs, "AnimPointValue", point, "Vec2")
    defs["Number"] = {"anyOf": [_F64, _ref("AnimF64")]}
    defs["AnimColour"] = {"anyOf": [_ref("Colour"), _ref("AnimColourValue")]}
    defs["AnimPoint"] = {"anyOf": [_ref("Point"), _ref("AnimPointValue")]}
    extend = {"enum": ["Pad", "Repeat", "Reflect"], "default": "Pad"}
    stop = _struct(
        {"offset": {**_F64, "minimum": 0, "maximum": 1}, "color": _ref("Colour")},
        ["offset", "color"],
        additionalProperties=False,
    )
    stop["properties"]["color"] = _ref("AnimColour")
    defs["Stop"] = stop
    stops = {"type": "array", "items": _ref("Stop"), "minItems": 2}
    defs["Paint"] = _tagged(
        {
            "Solid": _ref("AnimColour"),
            "LinearGradient": _struct(
                {"start": _ref("AnimPoint"), "end": _ref("AnimPoint"), "stops": stops,
                 "extend": extend},
                ["start", "end", "stops"],
                additionalProperties=False,
            ),
            "RadialGradient": _struct(
                {"center": _ref("AnimPoint"), "radius": _ref("Number"),
                 "focal": _ref("AnimPoint"), "stops": stops, "extend": extend},
                ["center", "radius", "stops"],
                additionalProperties=False,
            ),
        }
    )  # fmt: skip
    defs["Stroke"] = _struct(
        {
            "width": _ref("Number"),
            "paint": _ref("Paint"),
            "join": {"enum": ["Miter", "Round", "Bevel"], "default": "Miter"},
            "cap": {"enum": ["Butt", "Round", "Square"], "default": "Butt"},
            "miter_limit": _ref("Number"),
            "dash": {"type": "array", "items": {**_F64, "minimum": 0}},
            "dash_offset": _ref("Number"),
        },
        [],
        additionalProperties=False,
    )


def asset_kind_schema(spec: Any, defs: dict[str, Any]) -> dict[str, Any]:
    """The schema of an asset kind's content: its ``json_schema`` (structured kinds),
    else one derived from its declared params."""
    if spec.json_schema is not None:
        return dict(spec.json_schema)
    return params_schema(spec, defs)


def _def_name(kind: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", kind)


# ------------------------------------------------------------------------ document


def composition_schema(registry: Registry) -> dict[str, Any]:
    """The whole composition format with every installed kind merged in."""
    from wavyte_core.version import __version__

    defs: dict[str, Any] = {}
    ease = _unit_enum(_EASES)
    ease["anyOf"] += _tagged(
        {
            "CubicBezier": {
                "type": "array",
                "items": _F64,
                "minItems": 4,
                "maxItems": 4,
                "description": "CSS cubic-bezier(x1, y1, x2, y2); x1 and x2 in [0, 1].",
            },
            "Steps": _struct(
                {
                    "count": {**_U64, "minimum": 1},
                    "position": {"enum": ["Start", "End"], "default": "End"},
                },
                ["count"],
                additionalProperties=False,
            ),
        }
    )["oneOf"]
    defs["Ease"] = ease
    vec2 = _struct({"x": _F64, "y": _F64}, ["x", "y"])
    defs["Vec2"] = vec2
    defs["Transform2D"] = _struct(
        {"translate": vec2, "rotation_rad": _F64, "scale": vec2, "anchor": vec2},
        ["translate", "rotation_rad", "scale", "anchor"],
    )
    _proc_defs(defs)
    _anim_defs(defs, "AnimF64", _F64, "any")
    _anim_defs(defs, "AnimTransform2D", _ref("Transform2D"), "any")

    media = {
        "source": _STR,
        "trim_start_sec": _F64,
        "trim_end_sec": _opt(_F64),
        "playback_rate": _F64,
        "volume": _F64,
        "fade_in_sec": _F64,
        "fade_out_sec": _F64,
        "muted": {"type": "boolean"},
    }
    defs["Asset"] = _tagged(
        {
            "Text": _struct(
                {
                    "text": _STR,
                    "font_source": _STR,
                    "size_px": _F64,
                    "max_width_px": _opt(_F64),
                    "color_rgba8": {"type": "array", "items": _U8, "minItems": 4, "maxItems": 4},
                    **_text_style(),
                },
                ["font_source", "size_px"],
                oneOf=[{"required": ["text"]}, {"required": ["runs"]}],
            ),
            "Svg": _struct({"source": _STR}, ["source"]),
            "Path": _struct({"svg_path_d": _STR}, ["svg_path_d"]),
            "Image": _struct({"source": _STR}, ["source"]),
            "Video": _struct({**media, "loop": {"type": "boolean"}}, ["source"]),
            "Audio": _struct(media, ["source"]),
        }
    )
    paint_defs(defs)
    for name in registry.asset_kind_names():
        spec = registry.asset_kinds[name]
        content = asset_kind_schema(spec, defs)
        defs["Asset"]["oneOf"].append(
            _struct(
                {name: content},
                [name],
                minProperties=1,
                maxProperties=1,
                **_kind_meta(registry, "asset_kind", spec),
            )
        )

    effect_specs = _unique(registry.effects.values())
    branches = []
    for spec in effect_specs:
        branch = _struct(
            {
                "kind": {"type": "string", "pattern": kind_pattern((spec.name, *spec.aliases))},
                "params": params_schema(spec, defs),
            },
            ["kind"],
            **_kind_meta(registry, "effect", spec),
        )
        branches.append(branch)
    defs["EffectInstance"] = {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": _STR},
        "discriminator": {"propertyName": "kind"},
        "oneOf": branches,
        "x-wavyte-kinds": [s.name for s in effect_specs],
    }

    rules = []
    for spec in _unique(registry.transitions.values()):
        rules.append(
            {
                "if": _struct(
                    {
                        "kind": {
                            "type": "string",
                            "pattern": kind_pattern((spec.name, *spec.aliases)),
                        }
                    },
                    ["kind"],
                ),
                "then": {"properties": {"params": params_schema(spec, defs)}},
                **_kind_meta(registry, "transition", spec),
            }
        )
    defs["TransitionSpec"] = _struct(
        {
            "kind": {"type": "string", "pattern": r"\S"},
            "duration_frames": {**_U64, "minimum": 1},
            "ease": _ref("Ease"),
            "params": {"type": ["object", "null"]},
        },
        ["kind", "duration_frames", "ease"],
        allOf=rules,
        description=(
            "Unknown kinds are accepted (a plain fade, by the format's rule); so are built-in "
            "kinds whose params do not parse. Plugin kinds' params are checked."
        ),
        **{"x-wavyte-kinds": [s.name for s in _unique(registry.transitions.values())]},
    )

    edges = _struct({k: _F64 for k in ("left", "right", "top", "bottom")}, [])
    align = _unit_enum(["Start", "Center", "End"])
    defs["Clip"] = _struct(
        {
            "id": _STR,
            "asset": _STR,
            "range": _struct({"start": _U64, "end": _U64}, ["start", "end"]),
            "props": _struct(
                {
                    "transform": _ref("AnimTransform2D"),
                    "opacity": _ref("AnimF64"),
                    "blend": _unit_enum([b.value for b in BlendMode]),
                },
                ["transform", "opacity", "blend"],
            ),
            "z_offset": _I32,
            "effects": {"type": "array", "items": _ref("EffectInstance")},
            "transition_in": _opt(_ref("TransitionSpec")),
            "transition_out": _opt(_ref("TransitionSpec")),
            "matte": _opt(
                _struct(
                    {"source": _STR, "mode": _unit_enum([m.value for m in MatteMode])},
                    ["source"],
                    additionalProperties=False,
                    description=(
                        "Track matte: the clip with id `source` masks this clip by its alpha, "
                        "1 - alpha, Rec. 709 luma or 1 - luma, and is not drawn by itself."
                    ),
                )
            ),
        },
        ["id", "asset", "range", "props", "z_offset", "effects"],
    )
    defs["Track"] = _struct(
        {
            "name": _STR,
            "z_base": _I32,
            "layout_mode": _unit_enum(["Absolute", "HStack", "VStack", "Grid", "Center"]),
            "layout_gap_px": _F64,
            "layout_padding": edges,
            "layout_align_x": align,
            "layout_align_y": align,
            "layout_grid_columns": _U32,
            "clips": {"type": "array", "items": _ref("Clip")},
        },
        ["name", "z_base", "clips"],
    )
    positive_u32 = {**_U32, "minimum": 1}
    doc = _struct(
        {
            "fps": _struct({"num": positive_u32, "den": positive_u32}, ["num", "den"]),
            "canvas": _struct({"width": positive_u32, "height": positive_u32}, ["width", "height"]),
            "duration": {**_U64, "minimum": 1},
            "assets": {"type": "object", "additionalProperties": _ref("Asset")},
            "tracks": {"type": "array", "items": _ref("Track")},
            "seed": _U64,
        },
        ["fps", "canvas", "duration", "assets", "tracks", "seed"],
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Wavyte composition (format 0.2.1)",
        "x-wavyte-version": __version__,
        "x-wavyte-format": "0.2.1",
        **doc,
        "$defs": defs,
    }


def _unique(specs: Any) -> list[Any]:
    seen: dict[str, Any] = {}
    for s in specs:
        seen.setdefault(s.name, s)
    return [seen[k] for k in sorted(seen)]


def _kind_meta(registry: Registry, role: str, spec: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"x-wavyte-kind": spec.name}
    if getattr(spec, "aliases", ()):
        out["x-wavyte-aliases"] = list(spec.aliases)
    owner = registry.kind_owner(role, spec.name)
    if owner:
        out["x-wavyte-plugin"] = owner
    if spec.description:
        out["description"] = spec.description
    return out
