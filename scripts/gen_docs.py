"""Regenerate the generated sections of the documentation, so they cannot drift from the code.

    python scripts/gen_docs.py            # rewrite every generated section in docs/
    python scripts/gen_docs.py --check    # exit 1 naming each section that is out of date

A generated section is the text between two marker lines in a Markdown file::

    <!-- BEGIN GENERATED schema:Track -->
    ...
    <!-- END GENERATED -->

Only the text between the markers is replaced; the markers and everything around them are
hand-written. The section's name says what goes there:

- ``schema:PATH``: the field table of one object of the format, from the JSON Schema that
  ``wavyte schema`` prints (built-in kinds only) and the defaults of the model's
  dataclasses. PATH starts at the document (``Composition``) or a ``$defs`` name and walks
  properties and tagged variants with ``/``: ``Asset/Text``, ``Clip/props``,
  ``AnimF64/Expr/Loop``, ``AnimF64/Keyframes/keys[]`` (``[]``: the array's items).
  Fields of the model's dataclass that the schema lacks are added from their annotations.
- ``model:NAME``: the field table of a dataclass of ``wavyte_core.format.model`` that the
  schema does not describe (``TextShadow``).
- ``values:PATH``: the accepted spellings of a unit enum (``Ease``, ``Track/layout_mode``).
- ``kind:NAME``: a built-in effect or transition kind, from its `Param` declarations
  (what ``wavyte effects --markdown`` prints).
- ``asset:NAME``: the declared params (and examples) of a built-in asset kind registered
  through ``wavyte_register_asset_kinds`` (``Shape``).
- ``kinds:PLUGIN``: every kind of a first-party plugin package (``effects_pack``).
- ``cli:COMMAND``: usage and options of a ``wavyte`` command (core, or added by an installed
  first-party distribution such as wavyte-conformance), from its Typer
  definition (what ``wavyte COMMAND --help`` prints).
- ``codecs``: the table of output codecs (`wavyte_core.output.codecs.CODECS`).
- ``toc``: the page's contents, from its ``##`` and ``###`` headings.
- ``layers``: the import layers of ``[tool.importlinter]`` in pyproject.toml as a Mermaid
  diagram, each package with its modules.
- ``modules``: every module of ``wavyte_core`` with the first sentence of its docstring.

Any file under docs/ (and README.md) may hold sections; a new asset kind's section in
docs/format.md is one pair of markers with ``schema:Asset/NewKind``. Descriptions come from
the schema's ``description`` when it has one, else from `FIELD_DOCS` below.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BEGIN = re.compile(r"^<!-- BEGIN GENERATED (\S+) -->$")
END = "<!-- END GENERATED -->"

# ------------------------------------------------------------------ field descriptions

#: What each field means, by ``PATH.field``. The schema carries types and required-ness;
#: the model carries defaults; these say what the field does.
FIELD_DOCS: dict[str, str] = {
    "Composition.fps": "Timeline rate, a fraction: `num/den` frames per second.",
    "Composition.canvas": "Output size in pixels.",
    "Composition.duration": "Length in frames; frames `0 … duration-1` exist.",
    "Composition.assets": "Asset table: key → asset. Clips refer to assets by key.",
    "Composition.tracks": "Tracks, in order (paint order at equal z).",
    "Composition.seed": "Seed of every procedural animation (each clip's seed hashes it "
    "with the clip id).",
    "Composition/fps.num": "Frames (numerator), > 0.",
    "Composition/fps.den": "Seconds (denominator), > 0. `30000/1001` is 29.97 fps.",
    "Composition/canvas.width": "Width in pixels, > 0 (even for yuv420p video).",
    "Composition/canvas.height": "Height in pixels, > 0 (even for yuv420p video).",
    "Asset/Text.text": "The text (UTF-8, shaped with HarfBuzz); not blank.",
    "Asset/Text.font_source": "Font file (`.ttf`, `.otf`, `.ttc`; face 0), relative to the "
    "asset root.",
    "Asset/Text.size_px": "Font size in pixels (f32), > 0.",
    "Asset/Text.max_width_px": "Wrap width in pixels (f32, > 0); no wrapping when omitted.",
    "Asset/Text.color_rgba8": "Fill colour `[r, g, b, a]`, straight alpha.",
    "Asset/Svg.source": "SVG file, relative to the asset root; rasterised once at the "
    "largest scale its clips reach.",
    "Asset/Path.svg_path_d": "SVG path data (`M L H V C S Q T A Z`, absolute and relative); "
    "filled opaque white.",
    "Asset/Image.source": "Image file (PNG, JPEG, WebP, GIF, BMP, … as the decoder reads "
    "them), relative to the asset root.",
    "Asset/Video.source": "Video file, relative to the asset root; its sound is mixed in "
    "unless muted.",
    "Asset/Video.trim_start_sec": "Source time at the clip's first frame, ≥ 0.",
    "Asset/Video.trim_end_sec": "Source time where the media ends (> trim_start_sec); the "
    "last frame is held after it. Omitted: the file's end.",
    "Asset/Video.playback_rate": "Source seconds per timeline second, > 0.",
    "Asset/Video.volume": "Gain of the sound, ≥ 0.",
    "Asset/Video.fade_in_sec": "Linear fade-in of the sound at the clip's start, ≥ 0.",
    "Asset/Video.fade_out_sec": "Linear fade-out of the sound at the clip's end, ≥ 0.",
    "Asset/Video.muted": "Leave this asset's sound out of the mix.",
    "Asset/Video.loop": "Repeat the trimmed source to fill the clip.",
    "Track.name": "A label (not checked).",
    "Track.z_base": "Paint order of the track's clips: a clip's z is `z_base + z_offset`.",
    "Track.layout_mode": "How the track places its clips (an offset added outside each "
    "clip's transform).",
    "Track.layout_gap_px": "Gap between stacked or gridded clips, ≥ 0.",
    "Track.layout_padding": "Inset of the layout box from the canvas edges.",
    "Track.layout_align_x": "Horizontal alignment inside the layout box.",
    "Track.layout_align_y": "Vertical alignment inside the layout box.",
    "Track.layout_grid_columns": "Columns of a Grid layout, > 0.",
    "Track.clips": "The track's clips.",
    "Track/layout_padding.left": "Left inset in pixels, ≥ 0.",
    "Track/layout_padding.right": "Right inset in pixels, ≥ 0.",
    "Track/layout_padding.top": "Top inset in pixels, ≥ 0.",
    "Track/layout_padding.bottom": "Bottom inset in pixels, ≥ 0.",
    "Clip.id": "Name of the clip; seeds its procedural animation and breaks paint-order ties.",
    "Clip.asset": "Key of the asset it shows (must exist in `assets`).",
    "Clip.range": "Timeline frames `[start, end)` where the clip is visible; `end ≤ duration`.",
    "Clip.props": "Transform, opacity and blend mode (animated).",
    "Clip.z_offset": "Added to the track's `z_base`; higher is painted later (on top).",
    "Clip.effects": "Effects applied in order to the clip's layer.",
    "Clip.transition_in": "Transition over the clip's first `duration_frames` frames.",
    "Clip.transition_out": "Transition over the clip's last `duration_frames` frames.",
    "Clip.matte": "Another clip (`source`, by id, any track) that masks this one through "
    "its alpha or luma (`mode`); the source clip is then not drawn by itself.",
    "Clip/range.start": "First visible timeline frame.",
    "Clip/range.end": "First frame after the clip (exclusive).",
    "Clip/props.transform": "Where the asset is drawn: an animated `Transform2D`.",
    "Clip/props.opacity": "Animated opacity, clamped to [0, 1].",
    "Clip/props.blend": "Blend mode; `Normal` is premultiplied source-over. See "
    "[Blend modes and track mattes](#blend-modes-and-track-mattes).",
    "Clip/matte.source": "The `id` of the clip whose finished layer masks this one (any "
    "track; not this clip; no cycles). That clip is not drawn by itself.",
    "Clip/matte.mode": "What multiplies this clip's layer: the source's alpha, 1 − alpha, "
    "its Rec. 709 luma times alpha, or 1 − that.",
    "Transform2D.translate": "Offset in canvas pixels.",
    "Transform2D.rotation_rad": "Rotation in radians; positive turns clockwise on screen "
    "(y points down).",
    "Transform2D.scale": "Scale factors.",
    "Transform2D.anchor": "Pivot of rotation and scale, in the asset's local pixels.",
    "Vec2.x": "Horizontal component.",
    "Vec2.y": "Vertical component (down is positive).",
    "AnimF64/Keyframes.keys": "Keys sorted by frame (equal frames allowed: a jump).",
    "AnimF64/Keyframes.mode": "`Hold` steps to each key's value; `Linear` interpolates "
    "with the segment's ease.",
    "AnimF64/Keyframes.default": "The value when `keys` is empty (then required).",
    "AnimF64/Keyframes/keys[].frame": "Clip-local frame (0 is the clip's first frame).",
    "AnimF64/Keyframes/keys[].value": "The value (a number, or a `Transform2D` in a transform).",
    "AnimF64/Keyframes/keys[].ease": "Easing of the segment from this key to the next.",
    "AnimF64/Procedural.kind": '`{"kind": "Scalar", "params": ProcScalar}` or '
    '`{"kind": "Vec2", "params": {"x": ProcScalar, "y": ProcScalar}}`.',
    "ProcScalar/Sine.amp": "Amplitude.",
    "ProcScalar/Sine.freq_hz": "Frequency in cycles per second.",
    "ProcScalar/Sine.phase": "Phase in radians.",
    "ProcScalar/Sine.offset": "Added to the wave.",
    "ProcScalar/Noise1D.amp": "Amplitude (the noise is in [-1, 1] before it).",
    "ProcScalar/Noise1D.freq_hz": "Lattice points per second (linear value noise).",
    "ProcScalar/Noise1D.offset": "Added to the noise.",
    "ProcScalar/Envelope.attack": "Frames rising 0 → 1.",
    "ProcScalar/Envelope.decay": "Frames falling 1 → sustain.",
    "ProcScalar/Envelope.sustain": "Level reached after the decay.",
    "ProcScalar/Envelope.release": "Frames falling sustain → 0 (right after the decay).",
    "ProcScalar/Spring.stiffness": "Stiffness (negative is 0).",
    "ProcScalar/Spring.damping": "Damping (negative is 0); higher is slower.",
    "ProcScalar/Spring.target": "The value the spring rises to from 0.",
    "ProcScalar/AudioLevel.asset": "Key of an Audio or Video asset whose sound is followed.",
    "ProcScalar/AudioLevel.band_hz": "`[low, high]` in Hz: only this band is measured; null: the whole spectrum.",
    "ProcScalar/AudioLevel.window_sec": "Length of the analysis window centred on the frame's time, > 0.",
    "ProcScalar/AudioLevel.smoothing": "One-pole smoothing over frames, in [0, 1): 0 follows every frame, 0.9 is slow.",
    "ProcScalar/AudioLevel.gain": "Multiplies the level (0..1).",
    "ProcScalar/AudioLevel.offset": "Added after the gain.",
    "AnimF64/Expr/Delay.inner": "The animation delayed.",
    "AnimF64/Expr/Delay.by": "Frames of delay; before it, `inner` is sampled at frame 0.",
    "AnimF64/Expr/Speed.inner": "The animation sped up or slowed down.",
    "AnimF64/Expr/Speed.factor": "Frame multiplier, > 0 (`2` plays twice as fast).",
    "AnimF64/Expr/Reverse.inner": "The animation played backwards.",
    "AnimF64/Expr/Reverse.duration": "Frames of `inner` reversed, > 0.",
    "AnimF64/Expr/Loop.inner": "The animation repeated.",
    "AnimF64/Expr/Loop.period": "Frames per cycle, > 0.",
    "AnimF64/Expr/Loop.mode": "`Repeat` restarts; `PingPong` plays forwards then back.",
    "AnimF64/Expr/Mix.a": "Value at t = 0.",
    "AnimF64/Expr/Mix.b": "Value at t = 1.",
    "AnimF64/Expr/Mix.t": "Mix factor (a number animation), clamped to [0, 1].",
    "EffectInstance.kind": "Effect kind, matched after trimming and ASCII lowercasing.",
    "EffectInstance.params": "The kind's params (see each kind below).",
    "TransitionSpec.kind": "Transition kind, matched after trimming and lowercasing; an "
    "unknown built-in spelling is a plain fade.",
    "TransitionSpec.duration_frames": "Length of the transition window in frames, > 0.",
    "TransitionSpec.ease": "Easing of the progress.",
    "TransitionSpec.params": "The kind's params (an object or null).",
}
FIELD_DOCS.update(
    {
        "Asset/Text.runs": "Styled pieces replacing `text` (exactly one of the two); a run's "
        "missing fields come from the asset.",
        "Asset/Text.align": "Line alignment; `Left` is 0.2's.",
        "Asset/Text.direction": "Paragraph direction; `Auto` follows UAX #9 per paragraph.",
        "Asset/Text.line_height": "Multiple of the font's line height; omitted: 0.2 spacing.",
        "Asset/Text.letter_spacing": "Extra advance between characters, px (animatable).",
        "Asset/Text.font_fallback": "Fonts tried in order for characters the font lacks "
        "(colour emoji fonts included).",
        "Asset/Text.fill": "Paint of the glyphs; overrides `color_rgba8` (gradient text).",
        "Asset/Text.stroke": "Outline of the glyphs.",
        "Asset/Text.paint_order": "Whether the stroke is drawn under or over the fill.",
        "Asset/Text.shadow": "Drop shadow: `{offset, blur, color}`.",
        "Asset/Text.background": "Box behind the text: `{color, padding, corner_radius, "
        "mode}`, one box (`Block`) or one per line (`Lines`).",
        "Asset/Text.fit": "Shrink to fit a box: `{width, height, min_size_px, max_lines}`; "
        "the largest size ≤ `size_px` that fits.",
    }
)
#: Types of model fields typed ``Any`` in Python (a value or an animation, a Paint, …).
FIELD_TYPES: dict[str, str] = {
    "Asset/Text.letter_spacing": "number or [Anim&lt;number&gt;](#anim)",
    "Asset/Text.fill": "[Paint](#paint-and-stroke-03) or null",
    "Asset/Text.stroke": "[Stroke](#paint-and-stroke-03) or null",
}
FIELD_DOCS["Asset/Audio.source"] = "Audio file, relative to the asset root."
for _f in ("trim_start_sec", "trim_end_sec", "playback_rate", "volume"):
    FIELD_DOCS[f"Asset/Audio.{_f}"] = FIELD_DOCS[f"Asset/Video.{_f}"]
for _f in ("fade_in_sec", "fade_out_sec", "muted"):
    FIELD_DOCS[f"Asset/Audio.{_f}"] = FIELD_DOCS[f"Asset/Video.{_f}"].replace(
        "this asset's sound", "this asset"
    )

# ------------------------------------------------------------------------- schema


def _registry() -> Any:
    from wavyte_core.plugin.registry import Registry

    return Registry.build(entrypoints=False)  # built-in kinds only: the same on every machine


def _schema() -> dict[str, Any]:
    from wavyte_core.plugin.schema import composition_schema

    return composition_schema(_registry())


class _Walk:
    """Resolves ``schema:`` paths in the composition schema."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.defs: dict[str, Any] = schema["$defs"]

    def deref(self, s: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in s:
            s = self.defs[s["$ref"].rsplit("/", 1)[1]]
        return s

    def variants(self, s: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """The variants of an externally tagged enum: name → content schema."""
        out: dict[str, dict[str, Any]] = {}
        for branch in s.get("oneOf", []):
            props = branch.get("properties", {})
            if len(props) == 1 and branch.get("maxProperties") == 1:
                ((name, content),) = props.items()
                out[name] = content
        return out

    def resolve(self, path: str) -> dict[str, Any]:
        head, *rest = path.split("/")
        s = self.schema if head == "Composition" else self.defs[head]
        for seg in rest:
            items = seg.endswith("[]")
            seg = seg.removesuffix("[]")
            s = self.deref(s)
            props = s.get("properties", {})
            if seg in props:
                s = props[seg]
            else:
                tagged = self.variants(s)
                if seg not in tagged:
                    raise KeyError(f"{path}: no property or variant {seg!r}")
                s = tagged[seg]
            if items:
                s = self.deref(s)["items"]
            s = self._unnull(self.deref(s))
        return self.deref(s)

    def _unnull(self, s: dict[str, Any]) -> dict[str, Any]:
        alts = s.get("anyOf")
        if alts and len(alts) == 2 and {"type": "null"} in alts:
            return self.deref(next(a for a in alts if a != {"type": "null"}))
        return s


_TYPE_NAMES = {
    "Number": "number or Anim&lt;number&gt;",
    "AnimF64": "Anim&lt;number&gt;",
    "AnimTransform2D": "Anim&lt;Transform2D&gt;",
}


def _int_name(s: dict[str, Any]) -> str:
    lo, hi = s.get("minimum"), s.get("maximum")
    names = {
        (0, 2**64 - 1): "u64",
        (0, 2**32 - 1): "u32",
        (0, 255): "u8",
        (-(2**31), 2**31 - 1): "i32",
        (1, 2**64 - 1): "u64 ≥ 1",
        (1, 2**32 - 1): "u32 ≥ 1",
    }
    return names.get((lo, hi), "integer")


#: The section of docs/format.md that documents each ``$defs`` name (default: its name in
#: lower case, i.e. a ``### Name`` heading).
ANCHORS = {
    "Number": "anim",
    "Paint": "paint-and-stroke-03",
    "Stroke": "paint-and-stroke-03",
    "Colour": "general-rules",
    "AnimF64": "anim",
    "AnimTransform2D": "anim",
    "Asset": "assets",
    "Track": "tracks-and-layout",
    "Clip": "clips",
    "Ease": "easing",
    "EffectInstance": "effects",
    "TransitionSpec": "transitions",
    "ProcScalar": "procedural",
    "ProceduralKind": "procedural",
}


def _anchor(name: str) -> str:
    return ANCHORS.get(name, name.lower())


def _type(w: _Walk, s: dict[str, Any]) -> str:
    """A short human type for a property schema."""
    if s.get("x-depends"):
        return "depends on `kind`"
    if "$ref" in s:
        name = s["$ref"].rsplit("/", 1)[1]
        return f"[{_TYPE_NAMES.get(name, name)}](#{_anchor(name)})"
    alts = s.get("anyOf")
    if alts:
        if len(alts) == 2 and {"type": "null"} in alts:
            return _type(w, next(a for a in alts if a != {"type": "null"})) + " or null"
        enum = next((a["enum"] for a in alts if "enum" in a), None)
        if enum is not None:
            return " | ".join(f'`"{v}"`' for v in enum)
        return " or ".join(_type(w, a) for a in alts)
    if "enum" in s:
        return " | ".join(f"`{json.dumps(v)}`" for v in s["enum"])
    t = s.get("type")
    if t == "integer":
        return _int_name(s)
    if t == "number":
        return "number"
    if t == "string":
        return "string"
    if t == "boolean":
        return "bool"
    if t == "array":
        item = _type(w, s.get("items", {}))
        n = s.get("minItems")
        if n is not None and n == s.get("maxItems"):
            return f"[{item} × {n}]"
        return f"array of {item}"
    if t == "object" or "properties" in s:
        for def_name, d in w.defs.items():  # an inline copy of a named structure (Vec2)
            if d == s:
                return f"[{_TYPE_NAMES.get(def_name, def_name)}](#{_anchor(def_name)})"
        extra = s.get("additionalProperties")
        if isinstance(extra, dict) and not s.get("properties"):
            return f"object: string → {_type(w, extra)}"
        return "object (below)"
    if isinstance(t, list):
        return " or ".join(t)
    return "any"


def _model_class(path: str) -> type | None:
    from wavyte_core.format import model

    head, *rest = path.split("/")
    if head == "Asset" and len(rest) == 1:
        by_tag = {tag: cls for cls, tag in model.ASSET_TAGS.items()}
        return by_tag.get(rest[0])
    special = {
        "Composition/fps": "Fps",
        "Composition/canvas": "Canvas",
        "Clip/range": "FrameRange",
        "Clip/props": "ClipProps",
        "Clip/matte": "Matte",
        "Track/layout_padding": "Edges",
        "ProcScalar/Sine": "Sine",
        "ProcScalar/Noise1D": "Noise1D",
        "ProcScalar/Envelope": "Envelope",
        "ProcScalar/Spring": "Spring",
        "ProcScalar/AudioLevel": "AudioLevel",
    }
    name = special.get(path) or (rest[-1].removesuffix("[]") if rest else head)
    name = {"keys": "Keyframe"}.get(name, name)
    cls = getattr(model, name, None)
    return cls if dataclasses.is_dataclass(cls) else None


def _json_default(v: Any) -> str:
    from wavyte_core.format.model import Keyframes

    if v is None:
        return "null"
    if isinstance(v, Keyframes):
        return "constant"
    if dataclasses.is_dataclass(v):
        v = dataclasses.asdict(v)  # type: ignore[arg-type]
    if hasattr(v, "value") and isinstance(v.value, str):  # an enum
        v = v.value
    if isinstance(v, tuple):
        v = list(v)
    return f"`{json.dumps(v, ensure_ascii=False)}`"


def _defaults(path: str) -> dict[str, Any]:
    cls = _model_class(path)
    if cls is None:
        return {}
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
    return out


def _hint_type(hint: Any) -> str:
    """A short human type for a model field's annotation (fields the schema lacks)."""
    import enum
    import types
    import typing

    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        inner = " or ".join(_hint_type(a) for a in rest)
        return inner + " or null" if len(rest) < len(args) else inner
    if hint is typing.Any:
        return "see below"
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return f"array of {_hint_type(args[0])}"
        if args and all(a is int for a in args):
            return f"[u8 × {len(args)}]" if len(args) == 4 else f"[integer × {len(args)}]"
        return "array"
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return " | ".join(f'`"{m.value}"`' for m in hint)
    if dataclasses.is_dataclass(hint):
        name = hint.__name__  # type: ignore[union-attr]
        return f"[{name}](#{name.lower()})" if name in ("Vec2", "Transform2D") else name
    return {float: "number", int: "integer", str: "string", bool: "bool"}.get(hint, str(hint))


def _model_rows(cls: type, skip: set[str], doc_path: str) -> list[str]:
    """Table rows for ``cls``'s fields not in ``skip`` (typed from the annotations)."""
    import typing

    hints = typing.get_type_hints(cls)
    defaults = {
        f.name: (f.default if f.default is not dataclasses.MISSING else f.default_factory())  # type: ignore[misc]
        for f in dataclasses.fields(cls)
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    }
    rows = []
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        default = _json_default(defaults[f.name]) if f.name in defaults else "required"
        desc = FIELD_DOCS.get(f"{doc_path}.{f.name}", "")
        typ = FIELD_TYPES.get(f"{doc_path}.{f.name}") or _hint_type(hints[f.name])
        rows.append(f"| `{f.name}` | {_cell(typ)} | {default} | {_cell(desc)} |")
    return rows


def model_table(name: str) -> str:
    """The field table of a model dataclass the schema does not describe (yet)."""
    from wavyte_core.format import model

    cls = getattr(model, name, None)
    if not dataclasses.is_dataclass(cls):
        raise KeyError(f"model:{name} is not a dataclass of wavyte_core.format.model")
    head = ["| field | type | default | meaning |", "| --- | --- | --- | --- |"]
    return "\n".join(head + _model_rows(cls, set(), name))  # type: ignore[arg-type]


def _doc_key(path: str) -> str:
    """Field docs are shared by every Anim<T>: ``AnimTransform2D/...`` reads ``AnimF64/...``."""
    return re.sub(r"^(AnimTransform2D|Anim_\w+)/", "AnimF64/", path)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def schema_table(path: str) -> str:
    w = _Walk(_schema())
    s = w.resolve(path)
    props = dict(s.get("properties") or {})
    for branch in s.get("oneOf", []):  # fields that depend on a discriminator (EffectInstance)
        for name in branch.get("properties", {}):
            props.setdefault(name, {"x-depends": True})
    if not props:
        raise KeyError(f"schema:{path} is not an object with fields")
    required = set(s.get("required", []))
    defaults = _defaults(path)
    lines = ["| field | type | default | meaning |", "| --- | --- | --- | --- |"]
    for name, ps in props.items():
        if name in required:
            default = "required"
        elif "default" in ps:
            default = f"`{json.dumps(ps['default'], ensure_ascii=False)}`"
        elif name in defaults:
            default = _json_default(defaults[name])
        else:
            default = "optional"
        desc = ps.get("description") or FIELD_DOCS.get(f"{_doc_key(path)}.{name}", "")
        lines.append(f"| `{name}` | {_cell(_type(w, ps))} | {default} | {_cell(desc)} |")
    cls = _model_class(path)
    if cls is not None:  # fields the model has and the schema does not describe (yet)
        lines += _model_rows(cls, set(props), _doc_key(path))
    return "\n".join(lines)


def enum_values(path: str) -> str:
    w = _Walk(_schema())
    s = w.resolve(path)
    enum = next((a["enum"] for a in s.get("anyOf", []) if "enum" in a), s.get("enum"))
    if enum is None:
        raise KeyError(f"values:{path} is not a unit enum")
    out = [f'`"{v}"`' for v in enum]
    for branch in s.get("anyOf", []):  # variants with content (`{"Steps": {...}}`)
        props = branch.get("properties", {})
        if len(props) == 1 and branch.get("maxProperties") == 1:
            ((name, content),) = props.items()
            content = w.deref(content)
            if content.get("type") == "object" and content.get("properties"):
                keys = ", ".join(f'"{k}": …' for k in content["properties"])
                out.append(f'`{{"{name}": {{{keys}}}}}`')
            else:
                out.append(f'`{{"{name}": {_type(w, content).replace("`", "")}}}`')
    return " · ".join(out)


# -------------------------------------------------------------------------- kinds


def _demote(md: str, levels: int = 1) -> str:
    return re.sub(r"^(#+) ", lambda m: "#" * (len(m.group(1)) + levels) + " ", md, flags=re.M)


def kind_section(name: str) -> str:
    from wavyte_core.plugin.kinds_doc import kinds_markdown

    reg = _registry()
    md = kinds_markdown(reg, only=name).strip()
    if not md:
        raise KeyError(f"kind:{name} is not a built-in kind")
    md = md.replace("Plugin: `builtin`.", "Built in.")
    return _demote(re.sub(r"\s*\(§[\d.]+\)", "", md))


def asset_kind_section(name: str) -> str:
    """The params of a registered (built-in) asset kind, from its declaration."""
    from wavyte_core.plugin.kinds_doc import param_dict

    spec = _registry().asset_kinds.get(name)
    if spec is None:
        raise KeyError(f"asset:{name} is not a built-in asset kind")
    lines = ["| param | type | default | range | unit | animatable | description |"]
    lines.append("| --- | --- | --- | --- | --- | --- | --- |")
    for p in spec.params:
        d = param_dict(p)
        t = p.type + (f" ({', '.join(p.choices)})" if p.choices else "")
        default = "required" if p.required else (d["default"] if d["default"] is not None else "")
        lo = "" if p.min is None else f"{p.min:g}"
        hi = "" if p.max is None else f"{p.max:g}"
        rng = f"{lo}..{hi}" if lo or hi else ""
        anim = "yes" if p.animatable else "no"
        lines.append(
            f"| `{p.name}` | {t} | {_cell(str(default))} | {rng} | {p.unit} | {anim} | "
            f"{_cell(p.description)} |"
        )
    out = "\n".join(lines)
    for ex in spec.examples:
        out += "\n\n```json\n" + json.dumps({name: ex}, ensure_ascii=False) + "\n```"
    return out


def plugin_kinds(plugin: str) -> str:
    from importlib import import_module

    from wavyte_core.plugin.kinds_doc import kinds_markdown
    from wavyte_core.plugin.registry import Registry

    module = import_module(f"wavyte_{plugin}.plugin")
    reg = Registry.build([(plugin, module)], entrypoints=False)
    owned = {k for (_role, k), owner in reg.kind_owners.items() if owner == plugin}
    parts = []
    for kind in sorted(owned, key=lambda k: (reg.effects.get(k) is None, k)):
        parts.append(_demote(kinds_markdown(reg, only=kind).strip()))
    return "\n\n".join(parts)


# ------------------------------------------------------------------- architecture


def _layers() -> list[list[str]]:
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    for c in cfg["contracts"]:
        if c["type"] == "layers":
            return [[p.strip() for p in layer.split("|")] for layer in c["layers"]]
    raise KeyError("no layers contract in [tool.importlinter]")


def _modules(package: str) -> list[str]:
    rel = Path(*package.split("."))
    pkg = ROOT / rel
    if pkg.is_dir():
        return sorted(p.stem for p in pkg.glob("*.py") if p.stem != "__init__")
    return []


def layers_mermaid() -> str:
    layers = _layers()
    lines = ["```mermaid", "flowchart TB"]
    ids: list[list[str]] = []
    for layer in layers:
        row = []
        for pkg in layer:
            short = pkg.removeprefix("wavyte_core.")
            node = short.replace(".", "_")
            mods = _modules(pkg)
            label = f"<b>{short}</b>" + (f"<br/>{', '.join(mods)}" if mods else "")
            lines.append(f'    {node}["{label}"]')
            row.append(node)
        ids.append(row)
    for upper, lower in zip(ids, ids[1:], strict=False):
        for a in upper:
            for b in lower:
                lines.append(f"    {a} --> {b}")
    lines.append("```")
    return "\n".join(lines)


_SPEC_REF = re.compile(r"\s*\((?:see )?(?:wavyte-format|DESIGN)\.md[^)]*\)")


def _summary(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    first = doc.split("\n\n")[0].replace("\n", " ").replace("``", "`").strip()
    first = _SPEC_REF.sub("", first)
    first = re.sub(r"\s*\(wavyte-format\.md[^)]*\)", "", first)
    m = re.match(r"(.+?[.!?])(\s|$)", first)
    return (m.group(1) if m else first).strip()


def modules_table() -> str:
    lines = []
    for layer in _layers():
        for pkg in layer:
            short = pkg.removeprefix("wavyte_core.")
            rel = Path(*pkg.split("."))
            if (ROOT / rel).is_dir():
                files = sorted((ROOT / rel).glob("*.py"), key=lambda p: (p.stem != "__init__", p))
            else:
                files = [ROOT / rel.with_suffix(".py")]
            lines += [f"**`{short}`**", "", "| module | what it is |", "| --- | --- |"]
            for f in files:
                name = short if f.stem == "__init__" or f.stem == rel.name else f"{short}.{f.stem}"
                summary = _summary(f) or "(a command module)" if short == "cli" else _summary(f)
                link = f.relative_to(ROOT).as_posix()
                lines.append(f"| [`{name}`](../{link}) | {_cell(summary)} |")
            lines.append("")
    return "\n".join(lines).rstrip()


# -------------------------------------------------------------------------- CLI


def _cli_command(name: str) -> tuple[Any, Any]:
    import click
    import typer

    from wavyte_core.cli.main import app

    group = typer.main.get_command(app)
    ctx = click.Context(group, info_name="wavyte")
    cmd = group.get_command(ctx, name)  # a core command or an installed plugin's
    if cmd is None:
        raise KeyError(f"cli:{name} is neither a core command nor an installed plugin's")
    return cmd, click.Context(cmd, info_name=f"wavyte {name}", parent=ctx)


def _param_type(p: Any) -> str:
    if getattr(p, "is_flag", False):
        return "flag"
    t = p.type
    name = {"integer": "int", "text": "str", "int range": "int", "float": "number"}.get(
        t.name, t.name
    )
    lo, hi = getattr(t, "min", None), getattr(t, "max", None)
    if lo is not None and hi is not None:
        return f"{name} {lo}…{hi}"
    if lo is not None:
        return f"{name} ≥ {lo}"
    return name


def cli_section(name: str) -> str:
    cmd, ctx = _cli_command(name)
    pieces = [f"wavyte {name}"]
    for p in cmd.params:
        if p.param_type_name == "argument":
            meta = (p.metavar or p.name).strip("[]").upper()
            pieces.append(meta if p.required else f"[{meta}]")
    has_opts = any(p.param_type_name == "option" for p in cmd.params)
    usage = " ".join(pieces[:1] + pieces[1:] + (["[OPTIONS]"] if has_opts else []))
    lines = [f"`{usage}`", "", " ".join((cmd.help or "").split())]
    if not cmd.params:
        return "\n".join(lines)
    lines += ["", "| argument or option | value | default | meaning |", "| --- | --- | --- | --- |"]
    for p in cmd.params:
        if p.param_type_name == "argument":
            names = f"`{(p.metavar or p.name).strip('[]').upper()}`"
            value = _param_type(p)
        else:
            names = ", ".join(f"`{o}`" for o in [*p.opts, *p.secondary_opts])
            value = _param_type(p)
        if p.required:
            default = "required"
        elif p.default is None or p.default is False or getattr(p, "is_flag", False):
            default = ""
        else:
            default = f"`{p.default}`"
        desc = " ".join((getattr(p, "help", None) or "").split())
        panel = getattr(p, "rich_help_panel", None)
        if panel:
            desc = f"{desc} *({panel.split(' (')[0].lower()})*"
        lines.append(f"| {names} | {value} | {default} | {_cell(desc)} |")
    return "\n".join(lines)


# ------------------------------------------------------------------------ driver


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def toc(text: str) -> str:
    """Contents of the page: every ``##`` section (but this one) with its ``###`` ones."""
    body = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    lines: list[str] = []
    for m in re.finditer(r"^(##|###) (.+)$", body, re.M):
        level, title = m.group(1), m.group(2).strip()
        if level == "##":
            if title.lower() == "contents":
                continue
            lines.append(f"- [{title.replace('`', '')}](#{_slug(title)})")
        elif lines:
            sep = ": " if lines[-1].endswith(")") and ": [" not in lines[-1] else ", "
            lines[-1] += f"{sep}[{title.replace('`', '')}](#{_slug(title)})"
    return "\n".join(lines)


def generate(name: str, text: str = "") -> str:
    kind, _, arg = name.partition(":")
    if kind == "toc":
        return toc(text)
    if kind == "schema":
        return schema_table(arg)
    if kind == "values":
        return enum_values(arg)
    if kind == "model":
        return model_table(arg)
    if kind == "kind":
        return kind_section(arg)
    if kind == "kinds":
        return plugin_kinds(arg)
    if kind == "asset":
        return asset_kind_section(arg)
    if kind == "codecs":
        from wavyte_core.output.codecs import codec_table_markdown

        return codec_table_markdown().strip()
    if kind == "cli":
        return cli_section(arg)
    if kind == "layers":
        return layers_mermaid()
    if kind == "modules":
        return modules_table()
    raise KeyError(f"unknown generated section {name!r}")


def regenerate(text: str, where: str = "") -> str:
    """``text`` with every generated section rewritten."""
    out: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = BEGIN.match(lines[i])
        out.append(lines[i])
        i += 1
        if not m:
            continue
        j = i
        while j < len(lines) and lines[j] != END:
            if BEGIN.match(lines[j]):
                raise ValueError(f"{where}: {m.group(1)} is not closed before the next section")
            j += 1
        if j == len(lines):
            raise ValueError(f"{where}: generated section {m.group(1)} has no '{END}'")
        out.append(generate(m.group(1), text))
        out.append(END)
        i = j + 1
    return "\n".join(out)


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def stale_files() -> list[tuple[Path, str]]:
    """(file, regenerated text) for every file whose generated sections are out of date."""
    out = []
    for path in doc_files():
        text = path.read_text()
        if "<!-- BEGIN GENERATED" not in text:
            continue
        new = text
        for _ in range(3):  # `toc` reads headings that other sections generate: to a fixed point
            before, new = new, regenerate(new, str(path.relative_to(ROOT)))
            if new == before:
                break
        if new != text:
            out.append((path, new))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if any section is stale")
    args = ap.parse_args()
    stale = stale_files()
    for path, new in stale:
        rel = path.relative_to(ROOT)
        if args.check:
            print(f"{rel}: generated sections are out of date", file=sys.stderr)
        else:
            path.write_text(new)
            print(f"rewrote {rel}")
    if args.check and stale:
        print("run: python scripts/gen_docs.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
