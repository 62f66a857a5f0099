"""The ``Captions`` asset's JSON → a typed `CaptionsSpec` (checked once, when the
composition is checked). Unknown fields are refused with their JSON path; the Text styling
fields (align, direction, line_height, letter_spacing, font_fallback, fill, stroke,
paint_order, shadow, background) are read as on a Text asset."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from wavyte_core.errors import CompositionError
from wavyte_core.format import model as m
from wavyte_core.format.load import (
    TEXT_STYLE_FIELDS,
    read_colour,
    read_f64,
    read_str,
    read_typography,
    read_u32,
    read_unit_enum,
    strict_fields,
)
from wavyte_core.format.validate import validate_typography

__all__ = ["CaptionStyle", "Highlight", "CaptionsSpec", "read_captions", "CAPTIONS_FIELDS"]


class CaptionStyle(enum.StrEnum):
    Static = "Static"
    Karaoke = "Karaoke"
    WordPop = "WordPop"
    WordByWord = "WordByWord"


@dataclass(frozen=True, slots=True)
class Highlight:
    color: tuple[int, int, int, int] = (255, 214, 0, 255)
    background: tuple[int, int, int, int] | None = None
    scale: float = 1.0


@dataclass(frozen=True, slots=True)
class CaptionsSpec:
    """A Captions asset: the file, the look of its pages, the highlight of spoken words."""

    source: str
    font_source: str
    size_px: float
    color_rgba8: tuple[int, int, int, int] = (255, 255, 255, 255)
    max_width_px: float = 900.0
    max_lines: int = 2
    max_words_per_page: int | None = None
    style: CaptionStyle = CaptionStyle.Static
    highlight: Highlight = Highlight()
    time_offset_sec: float = 0.0
    align: m.TextAlign = m.TextAlign.Center
    direction: m.TextDirection = m.TextDirection.Auto
    line_height: float | None = None
    letter_spacing: float = 0.0
    font_fallback: tuple[str, ...] = ()
    fill: Any = None
    stroke: Any = None
    paint_order: m.PaintOrder = m.PaintOrder.StrokeThenFill
    shadow: m.TextShadow | None = None
    background: m.TextBackground | None = None


_OWN = (
    "source",
    "font_source",
    "size_px",
    "color_rgba8",
    "max_width_px",
    "max_lines",
    "max_words_per_page",
    "style",
    "highlight",
    "time_offset_sec",
)
CAPTIONS_FIELDS = _OWN + tuple(f for f in TEXT_STYLE_FIELDS if f not in ("runs", "fit"))


def _gt0(x: float, path: str) -> float:
    if not (x > 0 and x < float("inf")):
        raise CompositionError(path, "must be finite and > 0")
    return x


def read_captions(raw: Any, path: str) -> CaptionsSpec:
    f = strict_fields(raw, path, "Captions", CAPTIONS_FIELDS)
    for name in ("source", "font_source", "size_px"):
        if name not in f:
            raise CompositionError(path, f"missing field '{name}'")
    kw: dict[str, Any] = {
        "source": read_str(f["source"], path + ".source"),
        "font_source": read_str(f["font_source"], path + ".font_source"),
        "size_px": _gt0(read_f64(f["size_px"], path + ".size_px"), path + ".size_px"),
    }
    if f.get("color_rgba8") is not None:
        kw["color_rgba8"] = read_colour(f["color_rgba8"], path + ".color_rgba8")
    if f.get("max_width_px") is not None:
        p = path + ".max_width_px"
        kw["max_width_px"] = _gt0(read_f64(f["max_width_px"], p), p)
    if f.get("max_lines") is not None:
        n = read_u32(f["max_lines"], path + ".max_lines")
        if n < 1:
            raise CompositionError(path + ".max_lines", "max_lines must be >= 1")
        kw["max_lines"] = n
    if f.get("max_words_per_page") is not None:
        n = read_u32(f["max_words_per_page"], path + ".max_words_per_page")
        if n < 1:
            raise CompositionError(path + ".max_words_per_page", "must be >= 1 when set")
        kw["max_words_per_page"] = n
    if f.get("style") is not None:
        kw["style"] = read_unit_enum(f["style"], path + ".style", CaptionStyle)
    if f.get("highlight") is not None:
        kw["highlight"] = _read_highlight(f["highlight"], path + ".highlight")
    if f.get("time_offset_sec") is not None:
        kw["time_offset_sec"] = read_f64(f["time_offset_sec"], path + ".time_offset_sec")
    style = read_typography(f, path)
    ls = style.get("letter_spacing")
    if ls is not None and not isinstance(ls, float):
        raise CompositionError(
            path + ".letter_spacing", "captions letter_spacing is a number (not animated)"
        )
    kw.update(style)
    spec = CaptionsSpec(**kw)
    _check(spec, path)
    return spec


def _read_highlight(v: Any, path: str) -> Highlight:
    f = strict_fields(v, path, "Highlight", ("color", "background", "scale"))
    d = Highlight()
    scale = d.scale
    if f.get("scale") is not None:
        scale = _gt0(read_f64(f["scale"], path + ".scale"), path + ".scale")
    return Highlight(
        color=d.color if f.get("color") is None else read_colour(f["color"], path + ".color"),
        background=None
        if f.get("background") is None
        else read_colour(f["background"], path + ".background"),
        scale=scale,
    )


def _check(spec: CaptionsSpec, path: str) -> None:
    validate_typography(spec, path)
