"""The built-in ``Captions`` asset kind: subtitles and word-timed transcripts drawn as
caption pages (Static, Karaoke, WordPop, WordByWord), on the asset-kind API.

- **parse** (once, when the composition is checked): `format.captions.read_captions`,
  Paint and Stroke read with the Paint readers (their colours may animate);
- **prepare** (once per job): the file is read (`subtitles.read_cues`: a file that does not
  parse, a cue ending before it starts or a negative time is an error naming the file and
  line; overlapping cues are a warning), fonts loaded, cues paginated and measured
  (`captions.CaptionPages`). The intrinsic size is fixed: ``max_width_px`` ×
  ``max_lines`` lines, so the layout never jumps;
- **frame_state** (per frame, a bisection): ``(page, started words)``, or None between cues;
  frames with the same state share one drawing and the layer is not redrawn;
- **draw** (once per state): the page's `VectorDrawing`, built once and kept.
"""

from __future__ import annotations

import unicodedata
import warnings
from dataclasses import replace
from functools import partial
from typing import Any

from wavyte_core.assets.asset_cache import cached
from wavyte_core.assets.captions import CaptionPages, PageLook
from wavyte_core.assets.rich_text import text_look
from wavyte_core.assets.subtitles import read_cues
from wavyte_core.assets.text import FontCache, FontFace
from wavyte_core.assets.typeset import RunStyle, _metrics
from wavyte_core.errors import AssetError, WavyteError, WavyteWarning
from wavyte_core.format.captions import CAPTIONS_FIELDS, CaptionsSpec, read_captions
from wavyte_core.format.paint import Solid, read_paint, read_stroke
from wavyte_core.plugin.asset_kinds import (
    AssetKind,
    DrawContext,
    PrepareContext,
    VectorDrawing,
)
from wavyte_core.plugin.params import Param

__all__ = ["CaptionsKind", "CAPTIONS_SCHEMA"]

_EMPTY = VectorDrawing(())
_COLOUR = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "integer"}}]}
CAPTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["source", "font_source", "size_px"],
    "additionalProperties": False,
    "properties": {
        "source": {"type": "string", "description": ".srt, .vtt, .ass/.ssa or .json"},
        "font_source": {"type": "string"},
        "size_px": {"type": "number", "exclusiveMinimum": 0},
        "color_rgba8": _COLOUR,
        "max_width_px": {"type": "number", "exclusiveMinimum": 0},
        "max_lines": {"type": "integer", "minimum": 1},
        "max_words_per_page": {"type": ["integer", "null"], "minimum": 1},
        "style": {"enum": ["Static", "Karaoke", "WordPop", "WordByWord"]},
        "highlight": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "color": _COLOUR,
                "background": {"oneOf": [*_COLOUR["oneOf"], {"type": "null"}]},
                "scale": {"type": "number", "exclusiveMinimum": 0},
            },
        },
        "time_offset_sec": {"type": "number"},
        "align": {"enum": ["Left", "Center", "Right", "Justify"]},
        "direction": {"enum": ["Auto", "Ltr", "Rtl"]},
        "line_height": {"type": "number", "exclusiveMinimum": 0},
        "letter_spacing": {"type": "number"},
        "font_fallback": {"type": "array", "items": {"type": "string"}},
        "fill": {"type": "object"},
        "stroke": {"type": "object"},
        "paint_order": {"enum": ["StrokeThenFill", "FillThenStroke"]},
        "shadow": {"type": "object"},
        "background": {"type": "object"},
    },
}
assert set(CAPTIONS_SCHEMA["properties"]) == set(CAPTIONS_FIELDS)


class CaptionsKind(AssetKind):
    """Captions from a subtitle file (SRT, VTT, ASS/SSA: karaoke ``\\k`` tags give word
    times) or a Whisper-style word-timing JSON, shown page by page in a fixed box
    (``max_width_px`` × ``max_lines`` lines) with the spoken words highlighted."""

    name = "Captions"
    description = "Word-timed captions from SRT, VTT, ASS or Whisper JSON, page by page."
    params = (
        Param("source", "string", required=True, animatable=False,
              description="subtitle or transcript file (.srt .vtt .ass .ssa .json)"),
        Param("font_source", "string", required=True, animatable=False),
        Param("size_px", "number", required=True, animatable=False, min=0),
        Param("color_rgba8", "colour", default="#ffffff", animatable=False),
        Param("max_width_px", "number", default=900.0, animatable=False, min=0),
        Param("max_lines", "int", default=2, animatable=False, min=1),
        Param("max_words_per_page", "int", default_doc="no limit", animatable=False),
        Param("style", "enum", default="Static", animatable=False,
              choices=("Static", "Karaoke", "WordPop", "WordByWord")),
        Param("highlight", "string", default_doc='{"color": "#ffd600", "scale": 1.0}',
              animatable=False, description="{color, background, scale}"),
        Param("time_offset_sec", "number", default=0.0, animatable=False),
        Param("align", "enum", default="Center", animatable=False,
              choices=("Left", "Center", "Right", "Justify")),
    )  # fmt: skip
    json_schema = CAPTIONS_SCHEMA
    frame_varying = True

    @classmethod
    def parse(cls, raw: Any, path: str) -> CaptionsSpec:
        spec = read_captions(raw, path)
        return replace(
            spec,
            fill=None if spec.fill is None else read_paint(spec.fill, path + ".fill"),
            stroke=None if spec.stroke is None else read_stroke(spec.stroke, path + ".stroke"),
        )

    def prepare(self, p: CaptionsSpec, ctx: PrepareContext) -> tuple[float, float]:
        src = ctx.resolve(p.source, "source")
        cues, problems = read_cues(src, p.source)
        fatal = [x for x in problems if x.fatal]
        if fatal:
            raise AssetError(fatal[0].where, fatal[0].rule)
        if problems:
            warnings.warn(
                f"{ctx.path}.source: {problems[0]}"
                + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
                WavyteWarning,
                stacklevel=2,
            )
        fonts = FontCache()

        def load(rel: str, field: str) -> FontFace:
            path = ctx.resolve(rel, field)
            try:
                return cached("font", path, None, partial(fonts.load, path))
            except WavyteError:
                raise
            except Exception as exc:
                raise AssetError(str(path), f"not a usable font file: {exc}") from None

        base = load(p.font_source, "font_source")
        chain = (base, *(load(r, f"font_fallback[{i}]") for i, r in enumerate(p.font_fallback)))
        _warn_missing(cues, chain, ctx.path)
        colour = p.fill.color if isinstance(p.fill, Solid) else p.color_rgba8
        run = RunStyle("", chain, float(p.size_px), colour, float(p.letter_spacing), False, None,
                       p.fill)  # fmt: skip
        asc, desc, gap = _metrics([(base, float(p.size_px))])
        pitch = (asc + desc + gap) * (1.0 if p.line_height is None else float(p.line_height))
        box_h = pitch * p.max_lines
        look = PageLook(
            style=p.style.value,
            align=p.align.value,
            direction=p.direction.value,
            line_height=p.line_height,
            max_width=float(p.max_width_px),
            box_height=box_h,
            highlight=p.highlight.color,
            highlight_bg=p.highlight.background,
            highlight_scale=float(p.highlight.scale),
            look=text_look(p, p.stroke),
        )
        self.pages = CaptionPages.build(
            cues, run, look, p.max_lines, p.max_words_per_page, float(p.time_offset_sec)
        )
        comp = ctx.composition
        if comp is not None:
            self.spf = comp.fps.secs_per_frame  # den / num, as every frame → seconds
        else:
            self.spf = 1.0 / ctx.fps if ctx.fps > 0 else 1.0 / 30.0
        return float(p.max_width_px), box_h

    def bounds(self, p: CaptionsSpec, size: tuple[float, float]) -> tuple[float, ...]:
        w, h = size
        reach = 0.0
        if p.background is not None:
            pad = p.background.padding
            reach = max(pad.left, pad.right, pad.top, pad.bottom)
        if p.shadow is not None:
            sh = p.shadow
            reach = max(reach, max(abs(sh.offset.x), abs(sh.offset.y)) + 1.5 * sh.blur + 2)
        if p.stroke is not None:
            reach = max(reach, float(p.stroke.width) * 2.0)  # type: ignore[arg-type]
        k = max(float(p.highlight.scale), 1.0)
        grow = (k - 1.0) * p.size_px + 0.2 * p.size_px * k
        # a word wider than the box overflows it (drawn, not clipped): allow a box more
        r = reach + grow + 4.0
        return (-w / 2.0 - r, -r, 1.5 * w + r, h + r)

    def frame_state(self, p: CaptionsSpec, frame: int) -> Any:
        return self.pages.state(frame * self.spf)

    def draw(self, p: CaptionsSpec, ctx: DrawContext) -> VectorDrawing:
        state = ctx.state if ctx.frame == -1 else self.pages.state(ctx.frame * self.spf)
        if state is None:
            return _EMPTY
        return self.pages.drawing(state)


def _warn_missing(cues: list, chain: tuple[FontFace, ...], path: str) -> None:
    """One warning naming the characters of the file that no font of the chain covers
    (they are drawn as the font's .notdef)."""
    seen: dict[str, None] = {}
    for cue in cues:
        for w in cue.words:
            for ch in w.text:
                seen.setdefault(ch, None)
    missing = [
        ch
        for ch in seen
        if not unicodedata.category(ch).startswith(("M", "C", "Z"))
        and not any(ord(ch) in f.coverage for f in chain)
    ]
    if missing:
        chars = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing[:12])
        more = f" and {len(missing) - 12} more" if len(missing) > 12 else ""
        warnings.warn(
            f"{path}: no font in the chain covers {chars}{more}; drawn as .notdef",
            WavyteWarning,
            stacklevel=3,
        )
