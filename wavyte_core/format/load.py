"""Parsed JSON → the typed model, with serde's rules (wavyte-format.md §1.1–1.12).

Runs once per document. Every error is a `CompositionError` whose ``path`` names the bad
value the way a user would find it in the file (``tracks[0].clips[2].props.opacity.
Keyframes.keys[1].frame``, ``assets.logo.Svg.source``) and whose ``rule`` says what is
wrong. Only the shape and the types are checked here; the rules of §2 live in `validate`.

serde details reproduced: unknown fields ignored; a known field given twice is an error
(in ``assets`` the last one wins); externally tagged enums (bare string for unit variants,
also ``{"Linear": null}``); the adjacently tagged procedural kind (either key order, or the
``["Scalar", {...}]`` array form); structs may also be given as arrays of their fields in
declaration order (serde_json accepts that for every derived struct); Option fields missing
or null mean None; integers must be JSON integers in range; f32 fields are rounded to f32
(a value beyond the f32 range becomes infinity, as Rust's ``as f32`` does, and validation
then rejects it).
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from wavyte_core.errors import CompositionError
from wavyte_core.format import model as m
from wavyte_core.format.colour import colour_value
from wavyte_core.format.jsonfmt import dumps_str, dumps_value
from wavyte_core.format.jsonparse import parse_json

__all__ = [
    "composition_from_value",
    "loads_composition",
    "load_composition_file",
    "member_path",
    "index_path",
    "describe_json",
    "FIELD_ORDER",
]

_MISSING: Any = object()
E = TypeVar("E")

U8_MAX = 255
U32_MAX = (1 << 32) - 1
U64_MAX = (1 << 64) - 1
I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1
_F32_PACK = struct.Struct("<f")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")

#: Struct fields in Rust declaration order: the order of the array form on input and of
#: every object on output (`dump` uses the same table).
FIELD_ORDER: dict[str, tuple[str, ...]] = {
    "Composition": ("fps", "canvas", "duration", "assets", "tracks", "seed"),
    "Fps": ("num", "den"),
    "Canvas": ("width", "height"),
    "FrameRange": ("start", "end"),
    "Vec2": ("x", "y"),
    "Transform2D": ("translate", "rotation_rad", "scale", "anchor"),
    "Keyframes": ("keys", "mode", "default"),
    "Keyframe": ("frame", "value", "ease"),
    "Procedural": ("kind",),
    "ProcVec2": ("x", "y"),
    "Sine": ("amp", "freq_hz", "phase", "offset"),
    "Noise1D": ("amp", "freq_hz", "offset"),
    "Envelope": ("attack", "decay", "sustain", "release"),
    "Spring": ("stiffness", "damping", "target"),
    "AudioLevel": ("asset", "band_hz", "window_sec", "smoothing", "gain", "offset"),
    "Delay": ("inner", "by"),
    "Speed": ("inner", "factor"),
    "Reverse": ("inner", "duration"),
    "Loop": ("inner", "period", "mode"),
    "Mix": ("a", "b", "t"),
    "Text": ("text", "font_source", "size_px", "max_width_px", "color_rgba8"),
    "Svg": ("source",),
    "Path": ("svg_path_d",),
    "Image": ("source",),
    "Media": (
        "source",
        "trim_start_sec",
        "trim_end_sec",
        "playback_rate",
        "volume",
        "fade_in_sec",
        "fade_out_sec",
        "muted",
    ),
    # 0.3: a Video is a Media with ``loop`` (appended, so the 0.2 array form still loads).
    "Video": (
        "source",
        "trim_start_sec",
        "trim_end_sec",
        "playback_rate",
        "volume",
        "fade_in_sec",
        "fade_out_sec",
        "muted",
        "loop",
    ),
    "Track": (
        "name",
        "z_base",
        "layout_mode",
        "layout_gap_px",
        "layout_padding",
        "layout_align_x",
        "layout_align_y",
        "layout_grid_columns",
        "clips",
    ),
    "Edges": ("left", "right", "top", "bottom"),
    "Clip": (
        "id",
        "asset",
        "range",
        "props",
        "z_offset",
        "effects",
        "transition_in",
        "transition_out",
    ),
    "ClipProps": ("transform", "opacity", "blend"),
    "EffectInstance": ("kind", "params"),
    "TransitionSpec": ("kind", "duration_frames", "ease", "params"),
}

# ------------------------------------------------------------------------------ paths


def member_path(base: str, key: str) -> str:
    """``base.key``, or ``base["odd key"]`` when the key is not a plain identifier."""
    if _PLAIN_KEY.fullmatch(key):
        return f"{base}.{key}" if base else key
    return f"{base}[{dumps_str(key)}]"


def index_path(base: str, i: int) -> str:
    return f"{base}[{i}]"


def describe_json(v: Any) -> str:
    """A short description of a JSON value for error messages (``30.0``, ``a string "x"``)."""
    if v is None or isinstance(v, (bool, int, float)):
        return dumps_value(v)
    if isinstance(v, str):
        s = dumps_str(v if len(v) <= 40 else v[:37] + "...")
        return f"a string {s}"
    if isinstance(v, list):
        return f"an array of {len(v)} element{'s' if len(v) != 1 else ''}"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


def _err(path: str, rule: str) -> CompositionError:
    return CompositionError(path, rule)


# --------------------------------------------------------------------------- scalars


def read_u(v: Any, path: str, maximum: int = U64_MAX, type_name: str = "u64") -> int:
    """An unsigned integer field (u8/u32/u64): a JSON integer in ``0..=maximum``."""
    if type(v) is not int:
        raise _err(path, f"expected an unsigned integer, got {describe_json(v)}")
    if v < 0:
        raise _err(path, f"expected an unsigned integer, got {v}")
    if v > maximum:
        raise _err(path, f"integer {v} out of range for {type_name} (max {maximum})")
    return v


def read_u64(v: Any, path: str) -> int:
    return read_u(v, path, U64_MAX, "u64")


def read_u32(v: Any, path: str) -> int:
    return read_u(v, path, U32_MAX, "u32")


def read_u8(v: Any, path: str) -> int:
    return read_u(v, path, U8_MAX, "u8")


def read_i32(v: Any, path: str) -> int:
    if type(v) is not int:
        raise _err(path, f"expected an integer, got {describe_json(v)}")
    if not I32_MIN <= v <= I32_MAX:
        raise _err(path, f"integer {v} out of range for i32")
    return v


def read_f64(v: Any, path: str) -> float:
    """An f64 field: a JSON integer or float (integers convert with one rounding)."""
    t = type(v)
    if t is float:
        return v
    if t is int:
        return float(v)
    raise _err(path, f"expected a number, got {describe_json(v)}")


def to_f32(x: float) -> float:
    """Round an f64 to the nearest f32 (Rust ``as f32``): out of range gives ±infinity."""
    try:
        return _F32_PACK.unpack(_F32_PACK.pack(x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def read_f32(v: Any, path: str) -> float:
    return to_f32(read_f64(v, path))


def read_str(v: Any, path: str) -> str:
    if type(v) is not str:
        raise _err(path, f"expected a string, got {describe_json(v)}")
    return v


def read_bool(v: Any, path: str) -> bool:
    if v is not True and v is not False:
        raise _err(path, f"expected a boolean, got {describe_json(v)}")
    return v


def read_list(v: Any, path: str) -> list[Any]:
    if type(v) is not list:
        raise _err(path, f"expected an array, got {describe_json(v)}")
    return v


def plain_json(v: Any) -> Any:
    """Free-form JSON (``params``) as plain dicts/lists; repeated keys keep the last value."""
    if isinstance(v, dict):
        return {k: plain_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain_json(x) for x in v]
    return v


# --------------------------------------------------------------------------- structs


#: 0.3 fields of 0.2 structs, read beside `FIELD_ORDER`'s (they are not in the array form).
EXTRA_FIELDS: dict[str, tuple[str, ...]] = {
    "Text": ("runs", "align", "direction", "line_height", "letter_spacing", "font_fallback",
             "fill", "stroke", "paint_order", "shadow", "background", "fit"),
    "Clip": ("matte",),
}  # fmt: skip

#: While `collect_unknown_fields` runs: the JSON paths of fields no struct has.
_UNKNOWN: ContextVar[list[str] | None] = ContextVar("wavyte_unknown_fields", default=None)


@contextmanager
def collect_unknown_fields() -> Iterator[list[str]]:
    """Collect the JSON path of every field a 0.2 struct ignores (serde does) while loading
    inside the block: `wavyte validate` warns about them (a misspelt ``font_fallback`` must
    not pass in silence). 0.3 objects refuse unknown fields outright."""
    found: list[str] = []
    token = _UNKNOWN.set(found)
    try:
        yield found
    finally:
        _UNKNOWN.reset(token)


def _fields(v: Any, path: str, struct_name: str, expecting: str | None = None) -> dict[str, Any]:
    """The known fields of a struct given as an object (or as an array in field order)."""
    names = FIELD_ORDER[struct_name]
    if isinstance(v, dict):
        shadowed = getattr(v, "shadowed", None)
        if shadowed:
            for k in shadowed:
                if k in names:
                    raise _err(member_path(path, k), f"duplicate field `{k}`")
        unknown = _UNKNOWN.get()
        if unknown is not None:
            extra = EXTRA_FIELDS.get(struct_name, ())
            unknown.extend(member_path(path, k) for k in v if k not in names and k not in extra)
        return v
    if type(v) is list:
        if len(v) > len(names):
            raise _err(
                path, f"invalid length {len(v)}, expected {struct_name} with {len(names)} elements"
            )
        return dict(zip(names, v, strict=False))
    raise _err(path, f"expected {expecting or 'an object'} ({struct_name}), got {describe_json(v)}")


def _req(fields: dict[str, Any], name: str, path: str) -> Any:
    v = fields.get(name, _MISSING)
    if v is _MISSING:
        raise _err(path, f"missing field '{name}'")
    return v


# ----------------------------------------------------------------------------- enums


def _variant(v: Any, path: str, names: tuple[str, ...], enum_name: str) -> tuple[str, Any, str]:
    """Split an externally tagged enum value into (variant, content, content path).

    A bare string is a unit variant (content ``_MISSING``).
    """
    if type(v) is str:
        tag, content = v, _MISSING
    elif isinstance(v, dict):
        if len(v) != 1 or getattr(v, "shadowed", None):
            n = len(v) + sum(len(x) for x in getattr(v, "shadowed", {}).values())
            raise _err(
                path, f"expected {enum_name} as an object with exactly one key, got {n} keys"
            )
        ((tag, content),) = v.items()
    else:
        raise _err(
            path, f"expected {enum_name} (a string or a single-key object), got {describe_json(v)}"
        )
    if tag not in names:
        raise _err(path, f"unknown variant '{tag}', expected one of {', '.join(names)}")
    return tag, content, member_path(path, tag)


def read_unit_enum(v: Any, path: str, enum_cls: type[E]) -> E:
    """A unit-only enum (Ease, InterpMode, ...): ``"Linear"`` or ``{"Linear": null}``."""
    names = tuple(e.value for e in enum_cls)  # type: ignore[attr-defined]
    tag, content, cpath = _variant(v, path, names, enum_cls.__name__)
    if content is not _MISSING and content is not None:
        raise _err(cpath, f"expected null for unit variant '{tag}', got {describe_json(content)}")
    return enum_cls(tag)  # type: ignore[call-arg]


def read_ease(v: Any, path: str) -> m.Ease | m.CubicBezier | m.Steps:
    """An ``Ease``: a unit variant (``"InOutCubic"``) or, since 0.3,
    ``{"CubicBezier": [x1, y1, x2, y2]}`` (x1 and x2 in [0, 1]) or
    ``{"Steps": {"count": u32 >= 1, "position": "Start" | "End"}}`` (position default End)."""
    if isinstance(v, dict) and len(v) == 1 and not getattr(v, "shadowed", None):
        ((tag, content),) = v.items()
        cpath = member_path(path, tag)
        if tag == "CubicBezier":
            items = read_list(content, cpath)
            if len(items) != 4:
                raise _err(cpath, f"expected [x1, y1, x2, y2], got {len(items)} numbers")
            x1, y1, x2, y2 = (read_f64(x, index_path(cpath, i)) for i, x in enumerate(items))
            for i, x in ((0, x1), (1, y1), (2, x2), (3, y2)):
                if not math.isfinite(x):
                    raise _err(index_path(cpath, i), "must be finite")
            for i, x in ((0, x1), (2, x2)):
                if not 0.0 <= x <= 1.0:
                    raise _err(index_path(cpath, i), f"x1 and x2 must be in [0, 1], got {x!r}")
            return m.CubicBezier(x1, y1, x2, y2)
        if tag == "Steps":
            if not isinstance(content, dict):
                raise _err(cpath, f"expected {{count, position}}, got {describe_json(content)}")
            for k in content:
                if k not in ("count", "position"):
                    raise _err(
                        member_path(cpath, k), f"unknown field '{k}' (Steps takes: count, position)"
                    )
            count = read_u32(_req(content, "count", cpath), cpath + ".count")
            if count < 1:
                raise _err(cpath + ".count", "Steps count must be >= 1")
            pos = content.get("position", _MISSING)
            position = (
                m.StepPosition.End
                if pos is _MISSING
                else read_unit_enum(pos, cpath + ".position", m.StepPosition)
            )
            return m.Steps(count, position)
    return read_unit_enum(v, path, m.Ease)


def _newtype_content(tag: str, content: Any, path: str) -> Any:
    if content is _MISSING:
        raise _err(path, f"expected an object for variant '{tag}', got the bare string \"{tag}\"")
    return content


# ------------------------------------------------------------------------- geometry


def read_vec2(v: Any, path: str) -> m.Vec2:
    f = _fields(v, path, "Vec2")
    return m.Vec2(
        read_f64(_req(f, "x", path), path + ".x"),
        read_f64(_req(f, "y", path), path + ".y"),
    )


def read_transform(v: Any, path: str) -> m.Transform2D:
    f = _fields(v, path, "Transform2D")
    return m.Transform2D(
        translate=read_vec2(_req(f, "translate", path), path + ".translate"),
        rotation_rad=read_f64(_req(f, "rotation_rad", path), path + ".rotation_rad"),
        scale=read_vec2(_req(f, "scale", path), path + ".scale"),
        anchor=read_vec2(_req(f, "anchor", path), path + ".anchor"),
    )


# ------------------------------------------------------------------------ animations

ValueReader = Callable[[Any, str], Any]
_ANIM_VARIANTS = ("Keyframes", "Procedural", "Expr")
_EXPR_VARIANTS = ("Delay", "Speed", "Reverse", "Loop", "Mix")
_PROC_SCALAR_VARIANTS = ("Sine", "Noise1D", "Envelope", "Spring", "AudioLevel")
_PROC_KIND_VARIANTS = ("Scalar", "Vec2")


def read_anim(v: Any, path: str, read_value: ValueReader) -> m.Anim:
    """An ``Anim<T>``; ``read_value`` reads one T (`read_f64` or `read_transform`)."""
    tag, content, cpath = _variant(v, path, _ANIM_VARIANTS, "Anim")
    content = _newtype_content(tag, content, cpath)
    if tag == "Keyframes":
        return _read_keyframes(content, cpath, read_value)
    if tag == "Procedural":
        f = _fields(content, cpath, "Procedural")
        return m.Procedural(_read_proc_kind(_req(f, "kind", cpath), cpath + ".kind"))
    return m.Expr(_read_expr(content, cpath, read_value))


def _read_keyframes(v: Any, path: str, read_value: ValueReader) -> m.Keyframes:
    f = _fields(v, path, "Keyframes")
    kpath = path + ".keys"
    keys = []
    for i, k in enumerate(read_list(_req(f, "keys", path), kpath)):
        ipath = index_path(kpath, i)
        kf = _fields(k, ipath, "Keyframe")
        keys.append(
            m.Keyframe(
                frame=read_u64(_req(kf, "frame", ipath), ipath + ".frame"),
                value=read_value(_req(kf, "value", ipath), ipath + ".value"),
                ease=read_ease(_req(kf, "ease", ipath), ipath + ".ease"),
            )
        )
    mode = read_unit_enum(_req(f, "mode", path), path + ".mode", m.InterpMode)
    d = f.get("default")
    default = None if d is None else read_value(d, path + ".default")
    return m.Keyframes(keys=tuple(keys), mode=mode, default=default)


def _read_proc_kind(v: Any, path: str) -> m.ProcScalarKind | m.ProcVec2Kind:
    """The adjacently tagged ``{"kind": "Scalar", "params": ...}`` (or ``["Scalar", ...]``)."""
    if isinstance(v, dict):
        shadowed = getattr(v, "shadowed", None)
        for k in ("kind", "params"):
            if shadowed and k in shadowed:
                raise _err(member_path(path, k), f"duplicate field `{k}`")
        tag = v.get("kind", _MISSING)
        if tag is _MISSING:
            raise _err(path, "missing field 'kind'")
        params = v.get("params", _MISSING)
        tag_path = path + ".kind"
    elif type(v) is list:
        if len(v) != 2:
            raise _err(path, f"invalid length {len(v)}, expected the array form [kind, params]")
        tag, params = v
        tag_path = index_path(path, 0)
    else:
        raise _err(
            path, f'expected a procedural kind object {{"kind", "params"}}, got {describe_json(v)}'
        )
    if type(tag) is not str:
        raise _err(tag_path, f"expected a string, got {describe_json(tag)}")
    if tag not in _PROC_KIND_VARIANTS:
        raise _err(
            tag_path, f"unknown variant '{tag}', expected one of {', '.join(_PROC_KIND_VARIANTS)}"
        )
    if params is _MISSING:
        raise _err(path, "missing field 'params'")
    ppath = path + ".params" if isinstance(v, dict) else index_path(path, 1)
    if tag == "Scalar":
        return m.ProcScalarKind(_read_proc_scalar(params, ppath))
    f = _fields(params, ppath, "ProcVec2")
    return m.ProcVec2Kind(
        x=_read_proc_scalar(_req(f, "x", ppath), ppath + ".x"),
        y=_read_proc_scalar(_req(f, "y", ppath), ppath + ".y"),
    )


def _read_proc_scalar(v: Any, path: str) -> m.ProcScalar:
    tag, content, cpath = _variant(v, path, _PROC_SCALAR_VARIANTS, "ProcScalar")
    f = _fields(_newtype_content(tag, content, cpath), cpath, tag)

    def num(name: str) -> float:
        return read_f64(_req(f, name, cpath), f"{cpath}.{name}")

    def frames(name: str) -> int:
        return read_u64(_req(f, name, cpath), f"{cpath}.{name}")

    if tag == "Sine":
        return m.Sine(num("amp"), num("freq_hz"), num("phase"), num("offset"))
    if tag == "Noise1D":
        return m.Noise1D(num("amp"), num("freq_hz"), num("offset"))
    if tag == "Envelope":
        return m.Envelope(frames("attack"), frames("decay"), num("sustain"), frames("release"))
    if tag == "AudioLevel":
        return _read_audio_level(f, cpath)
    return m.Spring(num("stiffness"), num("damping"), num("target"))


def refuse_unknown_fields(f: dict[str, Any], path: str, struct_name: str) -> None:
    """0.3 objects refuse a field they do not have (0.2 structs ignore them, as serde does)."""
    names = FIELD_ORDER[struct_name]
    for k in f:
        if k not in names:
            raise _err(
                member_path(path, k), f"unknown field `{k}`, expected one of {', '.join(names)}"
            )


def _read_audio_level(f: dict[str, Any], path: str) -> m.AudioLevel:
    refuse_unknown_fields(f, path, "AudioLevel")
    kw: dict[str, Any] = {"asset": read_str(_req(f, "asset", path), path + ".asset")}
    band = f.get("band_hz")
    if band is not None:
        bpath = path + ".band_hz"
        items = read_list(band, bpath)
        if len(items) != 2:
            raise _err(bpath, f"expected [low, high] in Hz, got {len(items)} values")
        kw["band_hz"] = (
            read_f64(items[0], index_path(bpath, 0)),
            read_f64(items[1], index_path(bpath, 1)),
        )
    for name in ("window_sec", "smoothing", "gain", "offset"):
        x = f.get(name, _MISSING)
        if x is not _MISSING:
            kw[name] = read_f64(x, f"{path}.{name}")
    return m.AudioLevel(**kw)


def _read_expr(v: Any, path: str, read_value: ValueReader) -> m.ExprNode:
    tag, content, cpath = _variant(v, path, _EXPR_VARIANTS, "Expr")
    f = _fields(_newtype_content(tag, content, cpath), cpath, tag)
    if tag == "Mix":
        return m.Mix(
            a=read_anim(_req(f, "a", cpath), cpath + ".a", read_value),
            b=read_anim(_req(f, "b", cpath), cpath + ".b", read_value),
            t=read_anim(_req(f, "t", cpath), cpath + ".t", read_f64),
        )
    inner = read_anim(_req(f, "inner", cpath), cpath + ".inner", read_value)
    if tag == "Delay":
        return m.Delay(inner, read_u64(_req(f, "by", cpath), cpath + ".by"))
    if tag == "Speed":
        return m.Speed(inner, read_f64(_req(f, "factor", cpath), cpath + ".factor"))
    if tag == "Reverse":
        return m.Reverse(inner, read_u64(_req(f, "duration", cpath), cpath + ".duration"))
    return m.Loop(
        inner,
        read_u64(_req(f, "period", cpath), cpath + ".period"),
        read_unit_enum(_req(f, "mode", cpath), cpath + ".mode", m.LoopMode),
    )


# ---------------------------------------------------------------------------- assets

_ASSET_VARIANTS = ("Text", "Svg", "Path", "Image", "Video", "Audio")
#: A third-party asset kind's tag: ``vendor.kind`` (lowercase, dot-separated namespace).
KIND_TAG = re.compile(r"[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+")


def read_asset(v: Any, path: str) -> m.Asset:
    if isinstance(v, dict) and len(v) == 1 and not getattr(v, "shadowed", None):
        ((tag, content),) = v.items()
        if tag in m.KIND_TAGS or KIND_TAG.fullmatch(tag):
            # An asset kind: its plugin parses the content when the composition is checked.
            return m.KindAsset(tag, plain_json(content))
    try:
        tag, content, cpath = _variant(v, path, _ASSET_VARIANTS, "Asset")
    except CompositionError as exc:
        if exc.rule.startswith("unknown variant"):
            raise _err(
                exc.path,
                exc.rule + ", " + ", ".join(m.KIND_TAGS) + " or a plugin kind (vendor.kind)",
            ) from None
        raise
    content = _newtype_content(tag, content, cpath)
    if tag == "Text":
        f = _fields(content, cpath, "Text")
        mw = f.get("max_width_px")
        color = f.get("color_rgba8", _MISSING)
        runs = f.get("runs")
        text = f.get("text", _MISSING)
        if runs is not None and text is not _MISSING:
            raise _err(cpath, "give either `text` or `runs`, not both")
        return m.TextAsset(
            text="" if runs is not None else read_str(_req(f, "text", cpath), cpath + ".text"),
            font_source=read_str(_req(f, "font_source", cpath), cpath + ".font_source"),
            size_px=read_f32(_req(f, "size_px", cpath), cpath + ".size_px"),
            max_width_px=None if mw is None else read_f32(mw, cpath + ".max_width_px"),
            color_rgba8=(255, 255, 255, 255)
            if color is _MISSING
            else _read_rgba8(color, cpath + ".color_rgba8"),
            **read_typography(f, cpath),
        )
    if tag in ("Video", "Audio"):
        f = _fields(content, cpath, "Video" if tag == "Video" else "Media")
        cls = m.VideoAsset if tag == "Video" else m.AudioAsset
        kw: dict[str, Any] = {"source": read_str(_req(f, "source", cpath), cpath + ".source")}
        for name in ("trim_start_sec", "playback_rate", "volume", "fade_in_sec", "fade_out_sec"):
            x = f.get(name, _MISSING)
            if x is not _MISSING:
                kw[name] = read_f64(x, f"{cpath}.{name}")
        te = f.get("trim_end_sec")
        if te is not None:
            kw["trim_end_sec"] = read_f64(te, cpath + ".trim_end_sec")
        muted = f.get("muted", _MISSING)
        if muted is not _MISSING:
            kw["muted"] = read_bool(muted, cpath + ".muted")
        loop = f.get("loop", _MISSING) if tag == "Video" else _MISSING
        if loop is not _MISSING:
            kw["loop"] = read_bool(loop, cpath + ".loop")
        return cls(**kw)
    f = _fields(content, cpath, tag)
    if tag == "Path":
        return m.PathAsset(read_str(_req(f, "svg_path_d", cpath), cpath + ".svg_path_d"))
    source = read_str(_req(f, "source", cpath), cpath + ".source")
    return m.SvgAsset(source) if tag == "Svg" else m.ImageAsset(source)


# ------------------------------------------------------------------- text typography

#: The typography fields of a Text asset (beside the 0.2 ones), in dump order.
TEXT_STYLE_FIELDS = (
    "runs",
    "align",
    "direction",
    "line_height",
    "letter_spacing",
    "font_fallback",
    "fill",
    "stroke",
    "paint_order",
    "shadow",
    "background",
    "fit",
)


def read_colour(v: Any, path: str) -> tuple[int, int, int, int]:
    """A colour of a 0.3 field: ``[r, g, b, a]`` or a hex string."""
    return colour_value(v, path)


def strict_fields(v: Any, path: str, name: str, known: tuple[str, ...]) -> dict[str, Any]:
    """An object added by 0.3: unknown fields are refused with their JSON path."""
    if not isinstance(v, dict):
        raise _err(path, f"expected an object ({name}), got {describe_json(v)}")
    for k in v:
        if k not in known:
            raise _err(member_path(path, k), f"unknown field `{k}` of {name}")
    return v


def read_anim_or_f64(v: Any, path: str) -> Any:
    """An *anim* number: a plain number, or an Anim of numbers."""
    if type(v) in (int, float):
        return read_f64(v, path)
    return read_anim(v, path, read_f64)


def _read_edges_or_f64(v: Any, path: str) -> m.Edges:
    if type(v) in (int, float):
        x = read_f64(v, path)
        return m.Edges(x, x, x, x)
    f = strict_fields(v, path, "Edges", FIELD_ORDER["Edges"])
    return m.Edges(*(read_f64(f.get(k, 0.0), f"{path}.{k}") for k in FIELD_ORDER["Edges"]))


_RUN_FIELDS = (
    "text",
    "font_source",
    "size_px",
    "color_rgba8",
    "fill",
    "letter_spacing",
    "underline",
    "background",
)


def _opt(f: dict[str, Any], name: str, path: str, reader: Callable[[Any, str], Any]) -> Any:
    v = f.get(name)
    return None if v is None else reader(v, f"{path}.{name}")


def _read_run(v: Any, path: str) -> m.TextRun:
    f = strict_fields(v, path, "TextRun", _RUN_FIELDS)
    return m.TextRun(
        text=read_str(_req(f, "text", path), path + ".text"),
        font_source=_opt(f, "font_source", path, read_str),
        size_px=_opt(f, "size_px", path, read_f64),
        color_rgba8=_opt(f, "color_rgba8", path, read_colour),
        fill=_opt(f, "fill", path, _raw),
        letter_spacing=_opt(f, "letter_spacing", path, read_f64),
        underline=bool(_opt(f, "underline", path, read_bool)),
        background=_opt(f, "background", path, read_colour),
    )


def _read_shadow(v: Any, path: str) -> m.TextShadow:
    f = strict_fields(v, path, "TextShadow", ("offset", "blur", "color"))
    d = m.TextShadow()
    return m.TextShadow(
        offset=_opt(f, "offset", path, read_vec2) or d.offset,
        blur=_opt(f, "blur", path, read_f64) or 0.0,
        color=_opt(f, "color", path, read_colour) or d.color,
    )


def _read_background(v: Any, path: str) -> m.TextBackground:
    f = strict_fields(v, path, "TextBackground", ("color", "padding", "corner_radius", "mode"))
    d = m.TextBackground()
    return m.TextBackground(
        color=_opt(f, "color", path, read_colour) or d.color,
        padding=_opt(f, "padding", path, _read_edges_or_f64) or d.padding,
        corner_radius=_opt(f, "corner_radius", path, read_f64) or 0.0,
        mode=_opt(f, "mode", path, lambda x, p: read_unit_enum(x, p, m.BackgroundMode))
        or m.BackgroundMode.Block,
    )


def _read_fit(v: Any, path: str) -> m.TextFit:
    f = strict_fields(v, path, "TextFit", ("width", "height", "min_size_px", "max_lines"))
    return m.TextFit(
        width=read_f64(_req(f, "width", path), path + ".width"),
        height=read_f64(_req(f, "height", path), path + ".height"),
        min_size_px=_opt(f, "min_size_px", path, read_f64) or 1.0,
        max_lines=_opt(f, "max_lines", path, read_u32),
    )


def read_typography(f: dict[str, Any], path: str) -> dict[str, Any]:
    """The typography fields present in a Text (or Captions) object, as model keywords."""
    kw: dict[str, Any] = {}
    runs = f.get("runs")
    if runs is not None:
        rpath = path + ".runs"
        kw["runs"] = tuple(
            _read_run(r, index_path(rpath, i)) for i, r in enumerate(read_list(runs, rpath))
        )
    for name, cls in (
        ("align", m.TextAlign),
        ("direction", m.TextDirection),
        ("paint_order", m.PaintOrder),
    ):
        x = f.get(name)
        if x is not None:
            kw[name] = read_unit_enum(x, f"{path}.{name}", cls)
    if f.get("line_height") is not None:
        kw["line_height"] = read_f64(f["line_height"], path + ".line_height")
    if f.get("letter_spacing") is not None:
        kw["letter_spacing"] = read_anim_or_f64(f["letter_spacing"], path + ".letter_spacing")
    fb = f.get("font_fallback")
    if fb is not None:
        fpath = path + ".font_fallback"
        kw["font_fallback"] = tuple(
            read_str(x, index_path(fpath, i)) for i, x in enumerate(read_list(fb, fpath))
        )
    for name, reader in (
        ("fill", _raw),
        ("stroke", _raw),
        ("shadow", _read_shadow),
        ("background", _read_background),
        ("fit", _read_fit),
    ):
        x = f.get(name)
        if x is not None:
            kw[name] = reader(x, f"{path}.{name}")
    return kw


def _raw(v: Any, path: str) -> Any:
    """A Paint or Stroke kept as its JSON: `validate` reads it with the Paint readers
    (`wavyte_core.format.paint`, which build on this module) and names any bad value."""
    return plain_json(v)


def _read_rgba8(v: Any, path: str) -> tuple[int, int, int, int]:
    items = read_list(v, path)
    if len(items) != 4:
        raise _err(path, f"invalid length {len(items)}, expected an array of length 4")
    r, g, b, a = (read_u8(x, index_path(path, i)) for i, x in enumerate(items))
    return (r, g, b, a)


def _read_assets(v: Any, path: str) -> dict[str, m.Asset]:
    if not isinstance(v, dict):
        raise _err(path, f"expected an object (asset key → asset), got {describe_json(v)}")
    shadowed = getattr(v, "shadowed", None) or {}
    out: dict[str, m.Asset] = {}
    for key in sorted(v):  # BTreeMap order; str order equals UTF-8 byte order
        kpath = member_path(path, key)
        for earlier in shadowed.get(key, ()):  # serde reads every value, then the last wins
            read_asset(earlier, kpath)
        out[key] = read_asset(v[key], kpath)
    return out


# ---------------------------------------------------------------------- tracks, clips


def _read_effect(v: Any, path: str) -> m.EffectInstance:
    f = _fields(v, path, "EffectInstance")
    return m.EffectInstance(
        kind=read_str(_req(f, "kind", path), path + ".kind"),
        params=plain_json(f.get("params")),
    )


def _read_transition(v: Any, path: str) -> m.TransitionSpec | None:
    if v is None:
        return None
    f = _fields(v, path, "TransitionSpec")
    return m.TransitionSpec(
        kind=read_str(_req(f, "kind", path), path + ".kind"),
        duration_frames=read_u64(_req(f, "duration_frames", path), path + ".duration_frames"),
        ease=read_ease(_req(f, "ease", path), path + ".ease"),
        params=plain_json(f.get("params")),
    )


def _read_range(v: Any, path: str) -> m.FrameRange:
    f = _fields(v, path, "FrameRange")
    return m.FrameRange(
        read_u64(_req(f, "start", path), path + ".start"),
        read_u64(_req(f, "end", path), path + ".end"),
    )


def _read_clip(v: Any, path: str) -> m.Clip:
    f = _fields(v, path, "Clip")
    ppath = path + ".props"
    pf = _fields(_req(f, "props", path), ppath, "ClipProps")
    props = m.ClipProps(
        transform=read_anim(_req(pf, "transform", ppath), ppath + ".transform", read_transform),
        opacity=read_anim(_req(pf, "opacity", ppath), ppath + ".opacity", read_f64),
        blend=read_unit_enum(_req(pf, "blend", ppath), ppath + ".blend", m.BlendMode),
    )
    epath = path + ".effects"
    effects = tuple(
        _read_effect(e, index_path(epath, i))
        for i, e in enumerate(read_list(_req(f, "effects", path), epath))
    )
    return m.Clip(
        id=read_str(_req(f, "id", path), path + ".id"),
        asset=read_str(_req(f, "asset", path), path + ".asset"),
        range=_read_range(_req(f, "range", path), path + ".range"),
        props=props,
        z_offset=read_i32(_req(f, "z_offset", path), path + ".z_offset"),
        effects=effects,
        transition_in=_read_transition(f.get("transition_in"), path + ".transition_in"),
        transition_out=_read_transition(f.get("transition_out"), path + ".transition_out"),
        matte=_read_matte(f.get("matte"), path + ".matte"),
    )


#: The fields of the ``matte`` object (0.3), which refuses any other field.
MATTE_FIELDS = ("source", "mode")


def _read_matte(v: Any, path: str) -> m.Matte | None:
    """Clip ``matte`` (0.3): absent or null is no matte. A new object: unknown fields are
    refused with their path, not ignored as 0.2 structs do."""
    if v is None:
        return None
    if not isinstance(v, dict):
        raise _err(path, f"expected an object (matte), got {describe_json(v)}")
    for k in v:
        if k not in MATTE_FIELDS:
            raise _err(member_path(path, k), f"unknown field `{k}`, expected one of source, mode")
    shadowed = getattr(v, "shadowed", None)
    if shadowed:
        k = next(iter(shadowed))
        raise _err(member_path(path, k), f"duplicate field `{k}`")
    mode = v.get("mode", _MISSING)
    return m.Matte(
        source=read_str(_req(v, "source", path), path + ".source"),
        mode=m.MatteMode.Alpha
        if mode is _MISSING
        else read_unit_enum(mode, path + ".mode", m.MatteMode),
    )


def _read_edges(v: Any, path: str) -> m.Edges:
    f = _fields(v, path, "Edges")
    vals = {}
    for name in FIELD_ORDER["Edges"]:
        x = f.get(name, _MISSING)
        if x is not _MISSING:
            vals[name] = read_f64(x, f"{path}.{name}")
    return m.Edges(**vals)


def _read_track(v: Any, path: str) -> m.Track:
    f = _fields(v, path, "Track")

    def opt(name: str, read: Callable[[Any, str], Any]) -> dict[str, Any]:
        x = f.get(name, _MISSING)
        return {} if x is _MISSING else {name: read(x, f"{path}.{name}")}

    cpath = path + ".clips"
    clips = tuple(
        _read_clip(c, index_path(cpath, i))
        for i, c in enumerate(read_list(_req(f, "clips", path), cpath))
    )
    return m.Track(
        name=read_str(_req(f, "name", path), path + ".name"),
        z_base=read_i32(_req(f, "z_base", path), path + ".z_base"),
        clips=clips,
        **opt("layout_mode", lambda x, p: read_unit_enum(x, p, m.LayoutMode)),
        **opt("layout_gap_px", read_f64),
        **opt("layout_padding", _read_edges),
        **opt("layout_align_x", lambda x, p: read_unit_enum(x, p, m.Align)),
        **opt("layout_align_y", lambda x, p: read_unit_enum(x, p, m.Align)),
        **opt("layout_grid_columns", read_u32),
    )


# -------------------------------------------------------------------------- top level


def composition_from_value(v: Any) -> m.Composition:
    """Build a `Composition` from a parsed JSON value (see `parse_json`).

    Checks shape and types only; call `validate.validate` for the rules of §2.
    """
    f = _fields(v, "", "Composition")
    fps = _fields(_req(f, "fps", ""), "fps", "Fps")
    canvas = _fields(_req(f, "canvas", ""), "canvas", "Canvas")
    tracks = read_list(_req(f, "tracks", ""), "tracks")
    return m.Composition(
        fps=m.Fps(
            read_u32(_req(fps, "num", "fps"), "fps.num"),
            read_u32(_req(fps, "den", "fps"), "fps.den"),
        ),
        canvas=m.Canvas(
            read_u32(_req(canvas, "width", "canvas"), "canvas.width"),
            read_u32(_req(canvas, "height", "canvas"), "canvas.height"),
        ),
        duration=read_u64(_req(f, "duration", ""), "duration"),
        assets=_read_assets(_req(f, "assets", ""), "assets"),
        tracks=tuple(_read_track(t, index_path("tracks", i)) for i, t in enumerate(tracks)),
        seed=read_u64(_req(f, "seed", ""), "seed"),
    )


def loads_composition(text: str | bytes, *, source: str = "<composition>") -> m.Composition:
    """Parse and load a composition document (not validated: see `validate.validate`)."""
    return composition_from_value(parse_json(text, source=source))


def load_composition_file(path: str | Path) -> m.Composition:
    """Read, parse and load a composition file; read errors name the file."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise CompositionError(
            "", f"cannot read composition file '{p}': {e.strerror or e}"
        ) from None
    try:
        return loads_composition(data, source=str(p))
    except CompositionError as e:
        if e.path:
            raise
        raise CompositionError("", f"{p}: {e.rule}") from None
