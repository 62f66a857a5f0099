"""A Text asset with typography fields → `RichText`, once at prepare.

Resolves the fonts (the asset's, each run's, the fallback chain: every path confined to
the asset root), the runs' inherited fields, fit, then lays out (`typeset`) and paints
(`text_paint`). A character that no font of its chain covers is reported once per asset
as a `WavyteWarning` and drawn as the run font's ``.notdef``.

Animated values (``letter_spacing`` as an Anim, animated colours, points or widths in
``fill``/``stroke``/run fills) are sampled per frame by the job (`text_state_at`); the
text is laid out and painted again for each distinct sampled value (kept, so a looping
animation costs nothing after its first period).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wavyte_core.assets.text import FontFace
from wavyte_core.assets.text_paint import TextLook, drawing_bbox, paint_layout
from wavyte_core.assets.typeset import Layout, RunStyle, fit_size, layout_text
from wavyte_core.errors import WavyteWarning
from wavyte_core.format import model as m
from wavyte_core.format.paint import Animated, Paint, Stroke, read_paint, read_stroke
from wavyte_core.plugin.prepared import RichText
from wavyte_core.timeline.tree import compile_tree

__all__ = [
    "check_text_paints",
    "prepare_rich_text",
    "resolve_runs",
    "text_look",
    "text_values",
    "text_state_at",
    "FontLoader",
    "TextValues",
]

#: ``load(relpath, json_path)`` → the loaded face (confined to the asset root).
FontLoader = Callable[[str, str], FontFace]
#: Distinct sampled values laid out per animated text before the cache is cleared.
_RESTYLE_CACHE = 256


@dataclass(frozen=True, slots=True)
class TextValues:
    """The animatable values of a Text asset (Animated leaves until sampled)."""

    letter_spacing: float | Animated
    fill: Paint | None
    stroke: Stroke | None
    run_fills: tuple[Paint | None, ...]


def text_values(a: Any, path: str) -> TextValues:
    """Read the typed values of a Text (or Captions) asset: Paint and Stroke from their
    JSON, the letter spacing (an Anim becomes an animated leaf)."""
    ls = a.letter_spacing
    if not isinstance(ls, (int, float)):
        ls = Animated(ls, "number")
    runs = getattr(a, "runs", None) or ()
    return TextValues(
        letter_spacing=ls if isinstance(ls, Animated) else float(ls),
        fill=None if a.fill is None else read_paint(a.fill, path + ".fill"),
        stroke=None if a.stroke is None else read_stroke(a.stroke, path + ".stroke"),
        run_fills=tuple(
            None if r.fill is None else read_paint(r.fill, f"{path}.runs[{i}].fill")
            for i, r in enumerate(runs)
        ),
    )


def check_text_paints(comp: m.Composition) -> None:
    """Read every Text asset's ``fill``, ``stroke`` and run fills with the Paint readers:
    a bad one is a `CompositionError` naming its JSON path. Called once when a composition
    is checked (after `validate`)."""
    for key in sorted(comp.assets):
        a = comp.assets[key]
        if isinstance(a, m.TextAsset) and a.typographic:
            text_values(a, f"assets.{key}.Text")


def text_state_at(a: m.TextAsset, secs_per_frame: float, seed: int = 0) -> Any:
    """Per clip-local frame, the sampled `TextValues` of an animated Text; None when
    nothing in it is animated. Needs only the model (the parent of a worker pool, which
    prepares nothing, computes the same states as the workers)."""
    values = text_values(a, "text")
    _, sample = compile_tree(values, secs_per_frame=secs_per_frame, seed=seed)
    return sample


def _colour_of(p: Paint | None) -> tuple[int, int, int, int] | None:
    if p is None:
        return None
    c = getattr(p, "color", None)
    return c if isinstance(c, tuple) else None


def resolve_runs(
    asset: Any, path: str, load: FontLoader, values: TextValues | None = None
) -> tuple[RunStyle, ...]:
    """The runs of a Text (or Captions) asset with every field resolved and fonts loaded;
    ``values`` are the sampled animatable values (default: read and taken at frame 0)."""
    a = asset
    if values is None:
        values, _ = compile_tree(text_values(a, path), secs_per_frame=1.0, seed=0)
    fallback = tuple(
        load(rel, f"{path}.font_fallback[{i}]")
        for i, rel in enumerate(getattr(a, "font_fallback", ()))
    )
    base_font = load(a.font_source, f"{path}.font_source")
    spacing = float(values.letter_spacing)  # type: ignore[arg-type]
    runs = getattr(a, "runs", None)
    if runs is None:
        runs = (m.TextRun(a.text),)
    out: list[RunStyle] = []
    for i, r in enumerate(runs):
        face = (
            base_font
            if r.font_source is None
            else load(r.font_source, f"{path}.runs[{i}].font_source")
        )
        fill = values.run_fills[i] if i < len(values.run_fills) else None
        if fill is None and r.color_rgba8 is None:
            fill = values.fill
        colour = _colour_of(fill) or r.color_rgba8 or a.color_rgba8
        out.append(
            RunStyle(
                text=r.text,
                fonts=(face, *fallback) if face is base_font else (face, base_font, *fallback),
                size_px=float(a.size_px if r.size_px is None else r.size_px),
                color_rgba8=colour,
                letter_spacing=float(spacing if r.letter_spacing is None else r.letter_spacing),
                underline=r.underline,
                background=r.background,
                fill=fill,
            )
        )
    return tuple(out)


def text_look(a: Any, stroke: Stroke | None = None) -> TextLook:
    sh = getattr(a, "shadow", None)
    bg = getattr(a, "background", None)
    return TextLook(
        shadow=None if sh is None else ((sh.offset.x, sh.offset.y), float(sh.blur), sh.color),
        background=None
        if bg is None
        else (
            bg.color,
            (bg.padding.left, bg.padding.right, bg.padding.top, bg.padding.bottom),
            float(bg.corner_radius),
            bg.mode.value,
        ),
        stroke=stroke,
        stroke_first=a.paint_order is m.PaintOrder.StrokeThenFill,
    )


def layout_asset(a: m.TextAsset, runs: tuple[RunStyle, ...]) -> Layout:
    """Lay out a Text asset, with fit when asked for."""
    align, direction = a.align.value, a.direction.value
    if a.fit is None:
        box = a.max_width_px if a.max_width_px is not None and align != "Left" else None
        return layout_text(
            runs,
            max_width=a.max_width_px,
            align=align,
            direction=direction,
            line_height=a.line_height,
            box_width=box,
        )
    fit = a.fit
    width = fit.width if a.max_width_px is None else min(fit.width, a.max_width_px)
    size = float(a.size_px)

    def build(s: float) -> Layout:
        return layout_text(
            runs,
            max_width=width,
            align=align,
            direction=direction,
            line_height=a.line_height,
            scale=s / size,
            box_width=fit.width,
        )

    _, lay = fit_size(build, size, min(fit.min_size_px, size), width, fit.height, fit.max_lines)
    lay.width, lay.height = fit.width, fit.height  # the box is the intrinsic size
    return lay


def prepare_rich_text(key: str, a: m.TextAsset, load: FontLoader) -> RichText:
    """Called once per typographic Text asset at prepare."""
    path = f"assets.{key}.Text"
    typed = text_values(a, path)
    first, sample = compile_tree(typed, secs_per_frame=1.0, seed=0)
    runs = resolve_runs(a, path, load, first)
    lay = layout_asset(a, runs)
    if lay.missing:
        chars = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in lay.missing)
        warnings.warn(
            f"{path}: no font in the chain covers {chars}; drawn as .notdef",
            WavyteWarning,
            stacklevel=2,
        )
    drawing = paint_layout(lay, text_look(a, first.stroke))
    restyle = None
    bbox = drawing_bbox(drawing)
    if sample is not None:
        cache: dict[Any, Any] = {}

        def restyle(values: TextValues) -> Any:
            hit = cache.get(values)
            if hit is None:
                if len(cache) >= _RESTYLE_CACHE:
                    cache.clear()
                lay2 = layout_asset(a, resolve_runs(a, path, load, values))
                hit = cache[values] = paint_layout(lay2, text_look(a, values.stroke))
            return hit

        # the box may move with the values: the whole canvas-sized extent is unknown
        bbox = (-1e6, -1e6, 1e6, 1e6)
    return RichText(drawing, lay.width, lay.height, lay.text_lines(), bbox, restyle)
