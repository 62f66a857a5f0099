"""Text shaping with HarfBuzz: a Text asset becomes positioned glyph outlines, once.

Shaping, line breaking and outline extraction all happen at prepare, in the core, so every
rasterizer fills the same ``PathGeometry`` and text is pixel-comparable across backends
(DESIGN.md §4). The layout follows wavyte-format.md §3.4.1 (Parley 0.7 with quantize):
line height = ascent + descent + line gap at the font size, greedy breaking at Unicode
break opportunities when ``max_width_px`` is set, start (left) alignment, and the
quantized baseline ``round(y_i) + round(ascent) + floor(leading_rounded / 2)``.

Glyphs are positioned (the §4.4.4 [bug] is not reproduced): pen x = Σ previous advances +
x_offset, y = baseline − y_offset, origin at the top-left of the layout box.

Precision: the HarfBuzz font keeps its default scale (= units per em), so shaping results
and outlines are exact font units; they are multiplied by ``size_px / upem`` in float64
here. No hinting is applied (HarfBuzz never hints).

Limits (documented, not silent): one direction per paragraph (the one HarfBuzz guesses
from the paragraph's first strong script), so Latin embedded in Arabic comes out in RTL
order; RTL paragraphs are left-aligned like LTR ones; line breaking implements the common
UAX #14 opportunities (after spaces and hyphens, around CJK ideographs and kana, after
ZWSP), not the full algorithm; there is no font fallback (missing characters draw
``.notdef``; see ``missing_characters``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import uharfbuzz as hb

from wavyte_core.assets.svgpath import path_bbox
from wavyte_core.errors import AssetError
from wavyte_core.format.model import TextAsset
from wavyte_core.plugin.prepared import PathGeometry, ShapedText, TextLine

__all__ = [
    "FontFace",
    "FontCache",
    "shape_text",
    "shape_glyphs",
    "break_opportunities",
    "missing_characters",
]

# Mandatory breaks (UAX #14 classes BK, CR, LF, NL); CR LF counts as one.
_HARD_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
# Break-after spaces (class SP and the breaking spaces of BA); NBSP and U+2007 are glue.
_SPACES = frozenset(
    " \t\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000"
)
_ZWSP = "\u200b"
_HYPHENS = frozenset("-\u00ad\u058a\u2010\u2012\u2013")
# CJK punctuation that must not start a line (CL/NS) or end one (OP).
_NO_LINE_START = frozenset(
    "、。，．：；！？）」』】〕〉》〗〙〛ー々〻ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ・゛゜ヽヾゝゞ〜～!),.:;?]}"
)
_NO_LINE_END = frozenset("（「『【〔〈《〖〘〚([{")
_CJK_RANGES = (
    (0x2E80, 0x2FDF),  # radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3100, 0x31BF),  # bopomofo
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xAC00, 0xD7AF),  # hangul syllables
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms
    (0x20000, 0x3FFFF),  # supplementary ideographic planes
)
_FIT_EPSILON = 1e-4  # px; absorbs float noise when a line fits exactly
_EMPTY_POINTS = np.zeros((0, 2), dtype=np.float64)


def _is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES) and ch not in _SPACES


def _round(x: float) -> float:
    """Rust ``f32::round`` (half away from zero)."""
    return float(math.floor(x + 0.5)) if x >= 0.0 else -float(math.floor(-x + 0.5))


# ------------------------------------------------------------------------------ fonts


@dataclass(frozen=True, slots=True)
class _GlyphOutline:
    """One glyph's outline in font units (y up), with its exact bbox; cached per face."""

    verbs: str
    points: np.ndarray  # (n, 2) float64
    bbox: tuple[float, float, float, float] | None  # None when the glyph draws nothing


class _OutlineRecorder:
    """Collects HarfBuzz draw callbacks into verbs and points for one glyph."""

    __slots__ = ("verbs", "pts")

    def __init__(self) -> None:
        self.verbs: list[str] = []
        self.pts: list[float] = []


def _move_to(x: float, y: float, r: _OutlineRecorder) -> None:
    r.verbs.append("M")
    r.pts += (x, y)


def _line_to(x: float, y: float, r: _OutlineRecorder) -> None:
    r.verbs.append("L")
    r.pts += (x, y)


def _quad_to(cx: float, cy: float, x: float, y: float, r: _OutlineRecorder) -> None:
    r.verbs.append("Q")
    r.pts += (cx, cy, x, y)


def _cubic_to(
    c1x: float, c1y: float, c2x: float, c2y: float, x: float, y: float, r: _OutlineRecorder
) -> None:
    r.verbs.append("C")
    r.pts += (c1x, c1y, c2x, c2y, x, y)


def _close(r: _OutlineRecorder) -> None:
    r.verbs.append("Z")


def _make_draw_funcs() -> hb.DrawFuncs:
    funcs = hb.DrawFuncs()
    funcs.set_move_to_func(_move_to)
    funcs.set_line_to_func(_line_to)
    funcs.set_quadratic_to_func(_quad_to)
    funcs.set_cubic_to_func(_cubic_to)
    funcs.set_close_path_func(_close)
    return funcs


class FontFace:
    """One font file, loaded once per job: HarfBuzz face (index 0), font, metrics, outlines.

    Metrics come from ``hb_font_get_extents`` (OS/2 typo metrics when USE_TYPO_METRICS is
    set, else hhea), in font units; ``descender`` is stored positive (below the baseline).
    """

    def __init__(self, data: bytes, source: str = "<font>") -> None:
        self.source = source
        self._blob = hb.Blob(data)
        self.face = hb.Face(self._blob, 0)
        if self.face.glyph_count == 0:
            raise AssetError(source, "not a usable font file (no glyphs in face 0)")
        self.font = hb.Font(self.face)  # default scale = upem: positions in font units
        self.units_per_em = int(self.face.upem)
        ext = self.font.get_font_extents("ltr")
        self.ascender = float(ext.ascender)
        self.descender = float(-ext.descender)
        self.line_gap = float(ext.line_gap)
        self.family = self.face.get_name(16) or self.face.get_name(1) or ""
        self._outlines: dict[int, _GlyphOutline] = {}
        self._draw_funcs = _make_draw_funcs()

    @classmethod
    def from_file(cls, path: Path, source: str | None = None) -> FontFace:
        name = source if source is not None else str(path)
        try:
            data = path.read_bytes()
        except OSError as e:
            raise AssetError(name, f"cannot read font file: {e.strerror or e}") from e
        return cls(data, name)

    def glyph_outline(self, gid: int) -> _GlyphOutline:
        """The outline of glyph ``gid`` in font units, drawn once and cached."""
        out = self._outlines.get(gid)
        if out is None:
            rec = _OutlineRecorder()
            self.font.draw_glyph(gid, self._draw_funcs, rec)
            verbs = "".join(rec.verbs)
            pts = np.array(rec.pts, dtype=np.float64).reshape(-1, 2)
            bbox = path_bbox(verbs, pts) if pts.size else None
            out = _GlyphOutline(verbs, pts, bbox)
            self._outlines[gid] = out
        return out


class FontCache:
    """Fonts keyed by resolved path, so Text assets sharing a font file load it once."""

    def __init__(self) -> None:
        self._faces: dict[Path, FontFace] = {}

    def load(self, path: Path, source: str | None = None) -> FontFace:
        """The face of the font file at ``path``, read and parsed on first use only.

        Raises ``AssetError`` (named ``source``, default the path) if unreadable or not a font.
        """
        key = path.resolve()
        face = self._faces.get(key)
        if face is None:
            face = FontFace.from_file(key, source if source is not None else str(path))
            self._faces[key] = face
        return face

    get = load

    def __len__(self) -> int:
        return len(self._faces)


# ---------------------------------------------------------------------- line breaking


def break_opportunities(text: str) -> list[int]:
    """Indices ``i`` (0 < i < len) where a line may start, within one paragraph.

    Covers the UAX #14 cases that matter for titles and captions: after a run of spaces,
    after ZWSP, after a hyphen that follows a letter (not before a digit), and before/after
    CJK ideographs and kana except before closing or after opening punctuation.
    """
    out: list[int] = []
    for i in range(1, len(text)):
        prev, ch = text[i - 1], text[i]
        if ch in _SPACES:
            continue  # never break before a space
        if prev in _SPACES or prev == _ZWSP:
            out.append(i)
        elif prev in _HYPHENS:
            if i >= 2 and text[i - 2] not in _SPACES and not ch.isdigit():
                out.append(i)
        elif (
            (_is_cjk(prev) or _is_cjk(ch))
            and ch not in _NO_LINE_START
            and prev not in _NO_LINE_END
            and ch != _ZWSP
        ):
            out.append(i)
    return out


def _content_end(text: str, start: int, end: int) -> int:
    """``end`` moved back over trailing spaces: they hang and never make a line overflow."""
    while end > start and text[end - 1] in _SPACES:
        end -= 1
    return end


def _greedy_lines(text: str, char_adv: np.ndarray, max_width: float) -> list[tuple[int, int]]:
    """Greedy line breaking of one paragraph: each line takes as many break-delimited
    pieces as fit in ``max_width``; a piece wider than the box overflows on its own line."""
    n = len(text)
    cum = np.concatenate(([0.0], np.cumsum(char_adv)))
    limit = max_width + _FIT_EPSILON
    lines: list[tuple[int, int]] = []
    cands = [*break_opportunities(text), n]
    start, last_fit, i = 0, -1, 0
    while i < len(cands):
        bp = cands[i]
        if cum[_content_end(text, start, bp)] - cum[start] <= limit:
            last_fit = bp
            i += 1
        elif last_fit > start:
            lines.append((start, last_fit))
            start, last_fit = last_fit, -1
        else:  # an over-long word: it overflows, never broken inside
            lines.append((start, bp))
            start, last_fit = bp, -1
            i += 1
    if start < n or not lines:
        lines.append((start, n))
    return lines


# --------------------------------------------------------------------------- shaping


@dataclass(frozen=True, slots=True)
class _SegmentProps:
    direction: str
    script: str | None
    language: str | None


def _new_buffer(text: str, props: _SegmentProps | None) -> tuple[hb.Buffer, _SegmentProps]:
    buf = hb.Buffer()
    buf.add_str(text)
    if props is None:
        buf.guess_segment_properties()
        props = _SegmentProps(buf.direction, buf.script, buf.language)
    else:
        buf.direction = props.direction
        if props.script:
            buf.script = props.script
        if props.language:
            buf.language = props.language
    return buf, props


def _shape(
    face: FontFace, text: str, props: _SegmentProps | None
) -> tuple[hb.Buffer, _SegmentProps]:
    buf, props = _new_buffer(text, props)
    hb.shape(face.font, buf, {})
    return buf, props


def shape_glyphs(face: FontFace, text: str) -> list[tuple[int, int, int, int, int]]:
    """Shape one line: ``(glyph id, cluster, x_advance, x_offset, y_offset)`` in font units.

    Glyphs come in visual (left-to-right) order, clusters are character indices. This is
    what ``shape_text`` places; exposed for diagnostics and tests.
    """
    buf, _ = _shape(face, text, None)
    return [
        (i.codepoint, i.cluster, p.x_advance, p.x_offset, p.y_offset)
        for i, p in zip(buf.glyph_infos, buf.glyph_positions, strict=True)
    ]


def _char_advances(buf: hb.Buffer, n_chars: int) -> np.ndarray:
    """Advance per character (font units): each glyph's advance goes to its cluster."""
    adv = np.zeros(n_chars, dtype=np.float64)
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
        adv[info.cluster] += pos.x_advance
    return adv


def shape_text(asset: TextAsset, face: FontFace) -> ShapedText:
    """Shape, break and outline a Text asset (wavyte-format.md §3.4, §3.4.1, §4.4.4).

    Called once per Text asset at prepare. Glyph outlines come from the per-face cache;
    the result is one non-zero ``PathGeometry`` in text-box pixels (y down).
    """
    s = float(asset.size_px) / face.units_per_em
    ascent, descent, gap = face.ascender * s, face.descender * s, face.line_gap * s
    line_height = ascent + descent + gap
    leading_rounded = line_height - (_round(ascent) + _round(descent))
    baseline_shift = _round(ascent) + math.floor(leading_rounded / 2.0)
    max_w = asset.max_width_px
    max_units = None if max_w is None else float(max_w) / s

    # (text of the line, paragraph properties) in visual top-to-bottom order
    line_texts: list[tuple[str, _SegmentProps | None]] = []
    for para in _HARD_BREAK.split(asset.text):
        if max_units is None or not para:
            line_texts.append((para, None))
            continue
        buf, props = _shape(face, para, None)
        spans = _greedy_lines(para, _char_advances(buf, len(para)), max_units)
        line_texts += [(para[a:b], props) for a, b in spans]

    lines: list[TextLine] = []
    verbs: list[str] = []
    unit_pts: list[np.ndarray] = []
    origins: list[tuple[float, float]] = []  # per placed glyph: pixel origin
    counts: list[int] = []
    boxes: list[tuple[float, float, float, float]] = []
    for index, (text, props) in enumerate(line_texts):
        baseline = _round(index * line_height) + baseline_shift
        pen = 0  # font units
        if text:
            buf, _ = _shape(face, text, props)
            for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
                g = face.glyph_outline(info.codepoint)
                if g.bbox is not None:
                    ox = (pen + pos.x_offset) * s
                    oy = baseline - pos.y_offset * s
                    verbs.append(g.verbs)
                    unit_pts.append(g.points)
                    counts.append(len(g.points))
                    origins.append((ox, oy))
                    boxes.append(g.bbox)
                pen += pos.x_advance
        lines.append(TextLine(float(baseline), pen * s, ascent, descent, gap))

    outline = _assemble_outline(verbs, unit_pts, counts, origins, boxes, s)
    return ShapedText(
        outline=outline,
        color_rgba8=asset.color_rgba8,
        width=max(line.advance for line in lines),
        height=line_height * len(lines),
        lines=tuple(lines),
        family=face.family,
    )


def _assemble_outline(
    verbs: list[str],
    unit_pts: list[np.ndarray],
    counts: list[int],
    origins: list[tuple[float, float]],
    boxes: list[tuple[float, float, float, float]],
    s: float,
) -> PathGeometry:
    """Place cached font-unit outlines at their pixel origins (y flipped) in one array."""
    if not unit_pts:
        return PathGeometry(verbs="", points=_EMPTY_POINTS.copy(), bbox=(0.0, 0.0, 0.0, 0.0))
    flip = np.array([s, -s])
    org = np.asarray(origins, dtype=np.float64)
    pts = np.concatenate(unit_pts) * flip + np.repeat(org, counts, axis=0)
    b = np.asarray(boxes, dtype=np.float64)  # font units, y up: x0, y0, x1, y1
    x0 = org[:, 0] + b[:, 0] * s
    x1 = org[:, 0] + b[:, 2] * s
    y0 = org[:, 1] - b[:, 3] * s
    y1 = org[:, 1] - b[:, 1] * s
    bbox = (float(x0.min()), float(y0.min()), float(x1.max()), float(y1.max()))
    return PathGeometry(verbs="".join(verbs), points=pts, bbox=bbox)


def missing_characters(text: str, face: FontFace) -> str:
    """The distinct characters of ``text`` the font has no glyph for (drawn as .notdef).

    There is no font fallback (§3.4.1); the preparer can warn with this list.
    """
    seen: dict[str, None] = {}
    for ch in text:
        if ch in seen or ch in "\n\r\t" or _HARD_BREAK.match(ch):
            continue
        gid = face.font.get_nominal_glyph(ord(ch))
        if not gid:
            seen[ch] = None
    return "".join(seen)
