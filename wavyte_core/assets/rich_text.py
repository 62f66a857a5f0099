"""A Text asset with typography fields → `RichText`, once at prepare.

Resolves the fonts (the asset's, each run's, the fallback chain: every path confined to
the asset root), the runs' inherited fields, fit, then lays out (`typeset`) and paints
(`text_paint`). A character that no font of its chain covers is reported once per asset
as a `WavyteWarning` and drawn as the run font's ``.notdef``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

from wavyte_core.assets.text import FontFace
from wavyte_core.assets.text_paint import TextLook, ops_bbox, paint_layout
from wavyte_core.assets.typeset import Layout, RunStyle, fit_size, layout_text
from wavyte_core.errors import WavyteWarning
from wavyte_core.format import model as m
from wavyte_core.plugin.prepared import RichText

__all__ = ["prepare_rich_text", "resolve_runs", "text_look", "FontLoader"]

#: ``load(relpath, json_path)`` → the loaded face (confined to the asset root).
FontLoader = Callable[[str, str], FontFace]


def _solid(paint: object) -> tuple[int, int, int, int] | None:
    """The colour of a Solid paint (gradients are not drawn yet: their first stop)."""
    if paint is None:
        return None
    if isinstance(paint, tuple) and len(paint) == 2 and paint[0] == "Solid":
        return paint[1]  # type: ignore[return-value]
    colour = getattr(paint, "color", None)
    if colour is not None:
        return tuple(colour)  # type: ignore[return-value]
    return None


def resolve_runs(asset: object, path: str, load: FontLoader) -> tuple[RunStyle, ...]:
    """The runs of a Text (or Captions) asset with every field resolved and fonts loaded."""
    a = asset
    fallback = tuple(
        load(rel, f"{path}.font_fallback[{i}]")
        for i, rel in enumerate(getattr(a, "font_fallback", ()))
    )
    base_font = load(a.font_source, f"{path}.font_source")  # type: ignore[attr-defined]
    base_colour = _solid(getattr(a, "fill", None)) or a.color_rgba8  # type: ignore[attr-defined]
    spacing = getattr(a, "letter_spacing", 0.0)
    spacing = spacing if isinstance(spacing, (int, float)) else 0.0
    runs = getattr(a, "runs", None)
    if runs is None:
        runs = (m.TextRun(a.text),)  # type: ignore[attr-defined]
    out: list[RunStyle] = []
    for i, r in enumerate(runs):
        face = (
            base_font
            if r.font_source is None
            else load(r.font_source, f"{path}.runs[{i}].font_source")
        )
        out.append(
            RunStyle(
                text=r.text,
                fonts=(face, *fallback) if face is base_font else (face, base_font, *fallback),
                size_px=float(a.size_px if r.size_px is None else r.size_px),  # type: ignore[attr-defined]
                color_rgba8=_solid(r.fill) or r.color_rgba8 or base_colour,
                letter_spacing=float(spacing if r.letter_spacing is None else r.letter_spacing),
                underline=r.underline,
                background=r.background,
            )
        )
    return tuple(out)


def text_look(a: object) -> TextLook:
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
    runs = resolve_runs(a, path, load)
    lay = layout_asset(a, runs)
    if lay.missing:
        chars = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in lay.missing)
        warnings.warn(
            f"{path}: no font in the chain covers {chars}; drawn as .notdef",
            WavyteWarning,
            stacklevel=2,
        )
    ops = paint_layout(lay, text_look(a))
    return RichText(ops, lay.width, lay.height, lay.text_lines(), ops_bbox(ops))
