"""Typesetting of styled text: runs, fallback fonts, bidi, line breaking, alignment, fit.

Called at prepare, once per Text asset with typography fields (and once per captions page).
The steps, per paragraph (text between hard line breaks):

1. every character gets a font: the first font of its run's chain (the run's font, then
   the asset's ``font_fallback`` fonts) whose cmap covers it; combining marks, joiners and
   variation selectors stay with the font of the character before them; a character no
   font covers keeps the run's font and is drawn as its ``.notdef`` (reported once);
2. bidi levels (UAX #9) and break opportunities (UAX #14) for the paragraph
   (`bidi_lines`);
3. items = maximal ranges of one font, size and level; each is shaped with HarfBuzz over
   the whole item, across run boundaries (colour, underline and background changes do not
   break shaping), with the paragraph as context;
4. greedy line breaking at the opportunities with the shaped advances (trailing spaces
   hang; a word wider than the box overflows on its own line);
5. per line: trailing whitespace at the paragraph level (L1), items reordered (L2), each
   item's line part shaped again (line ends may shape differently), glyphs placed;
6. alignment (Left, Center, Right, Justify: extra space spread over the spaces of every
   line but a paragraph's last) and line boxes.

The vertical metrics follow the 0.2 layout exactly for text in one font and size: line
pitch = ascent + descent + line gap (times ``line_height``), baseline =
``round(top) + round(ascent) + floor(half-leading)``; mixed sizes take the largest
metrics of the line. A 0.2 Text asset (no typography field) is laid out by `shape_text` (one run).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import uharfbuzz as hb

from wavyte_core.assets.bidi_lines import (
    bidi_levels,
    break_opportunities,
    paragraph_level,
    visual_order,
)
from wavyte_core.assets.text import FontFace, _round
from wavyte_core.format.model import TextAsset
from wavyte_core.plugin.prepared import PathGeometry, ShapedText, TextLine

__all__ = [
    "RunStyle",
    "Paragraphs",
    "PlacedGlyph",
    "Layout",
    "layout_text",
    "fit_size",
    "shape_text",
    "outline_of",
]

_HARD_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
_FIT_EPSILON = 1e-4
_SPACES = frozenset(
    " \t\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000"
)
#: Characters that take the font of the character before them (they join its cluster).
_JOINERS = frozenset("\u200d\u200c\ufe0e\ufe0f\u20e3")


def _attaches(ch: str) -> bool:
    cp = ord(ch)
    return (
        ch in _JOINERS
        or 0x1F3FB <= cp <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= cp <= 0xE007F  # tag characters (flag sequences)
        or 0xFE00 <= cp <= 0xFE0F
        or unicodedata.category(ch) in ("Mn", "Me")
    )


@dataclass(frozen=True, slots=True)
class RunStyle:
    """One run with every field resolved: its font chain (run font first), size, colour."""

    text: str
    fonts: tuple[FontFace, ...]
    size_px: float
    color_rgba8: tuple[int, int, int, int]
    letter_spacing: float = 0.0
    underline: bool = False
    background: tuple[int, int, int, int] | None = None
    fill: Any = None


@dataclass(frozen=True, slots=True)
class PlacedGlyph:
    face: FontFace
    gid: int
    x: float  # pen origin, px (text-box coordinates, y down)
    y: float  # baseline, px
    scale: float  # px per font unit
    char: int  # index into the whole text (all runs)
    run: int
    line: int


@dataclass(slots=True)
class LineBox:
    top: float
    bottom: float
    baseline: float
    x0: float  # left of the line's content (after alignment)
    x1: float  # right of the content (trailing spaces excluded)
    advance: float  # including trailing spaces
    ascent: float
    descent: float
    leading: float
    spans: dict[int, tuple[float, float]] = field(default_factory=dict)  # run → x0, x1


@dataclass(slots=True)
class Layout:
    glyphs: list[PlacedGlyph]
    lines: list[LineBox]
    width: float
    height: float
    missing: dict[str, None]  # characters no font covers, in order of appearance
    runs: tuple[RunStyle, ...]
    text: str
    fits: bool = True  # every line within the width (no over-long word)

    def text_lines(self) -> tuple[TextLine, ...]:
        return tuple(
            TextLine(ln.baseline, ln.advance, ln.ascent, ln.descent, ln.leading)
            for ln in self.lines
        )


class Paragraphs:
    """The text of all runs, split at hard breaks, with the run of every character."""

    def __init__(self, runs: tuple[RunStyle, ...]) -> None:
        self.runs = runs
        self.text = "".join(r.text for r in runs)
        run_of = np.zeros(len(self.text), dtype=np.int32)
        pos = 0
        for i, r in enumerate(runs):
            run_of[pos : pos + len(r.text)] = i
            pos += len(r.text)
        self.run_of = run_of.tolist()
        spans: list[tuple[int, int]] = []
        start = 0
        for mt in _HARD_BREAK.finditer(self.text):
            spans.append((start, mt.start()))
            start = mt.end()
        spans.append((start, len(self.text)))
        self.spans = spans


# ------------------------------------------------------------------------------ shaping


def _font_of_chars(text: str, start: int, end: int, p: Paragraphs, missing: dict) -> list[int]:
    """Per character of text[start:end]: the index of its font in its run's chain."""
    out: list[int] = []
    prev_run, prev_font = -1, 0
    for i in range(start, end):
        ch = text[i]
        run = p.run_of[i]
        fonts = p.runs[run].fonts
        if run == prev_run and _attaches(ch):
            out.append(prev_font)
            continue
        cp = ord(ch)
        chosen = -1
        for k, face in enumerate(fonts):
            if cp in face.coverage:
                chosen = k
                break
        if chosen < 0:
            chosen = 0
            if ch not in _SPACES and not _HARD_BREAK.match(ch) and cp >= 0x20:
                missing.setdefault(ch, None)
        out.append(chosen)
        prev_run, prev_font = run, chosen
    return out


@dataclass(frozen=True, slots=True)
class _Item:
    start: int  # paragraph-relative character range
    end: int
    face: FontFace
    size: float
    level: int


def _items(
    para_start: int, n: int, fonts: list[int], levels: list[int], p: Paragraphs
) -> list[_Item]:
    items: list[_Item] = []
    i = 0
    while i < n:
        run = p.runs[p.run_of[para_start + i]]
        face, size, level = run.fonts[fonts[i]], run.size_px, levels[i]
        j = i + 1
        while j < n:
            r2 = p.runs[p.run_of[para_start + j]]
            if r2.fonts[fonts[j]] is not face or r2.size_px != size or levels[j] != level:
                break
            j += 1
        items.append(_Item(i, j, face, size, level))
        i = j
    return items


def _shape(
    face: FontFace, para: str, start: int, end: int, level: int
) -> list[tuple[int, int, int, int, int]]:
    """Shape ``para[start:end]`` with the paragraph as context: ``(gid, cluster, x_advance,
    x_offset, y_offset)`` in font units, in visual order; clusters index ``para``."""
    buf = hb.Buffer()
    buf.add_str(para, start, end - start)
    buf.guess_segment_properties()
    buf.direction = "rtl" if level % 2 else "ltr"
    hb.shape(face.font, buf, {})
    return [
        (i.codepoint, i.cluster, p.x_advance, p.x_offset, p.y_offset)
        for i, p in zip(buf.glyph_infos, buf.glyph_positions, strict=True)
    ]


# ----------------------------------------------------------------------------- layout


def _greedy(
    text: str, cum: np.ndarray, cands: list[int], max_width: float
) -> tuple[list[tuple[int, int]], bool]:
    """Greedy breaking: (start, end) per line, and whether every line fits."""
    n = len(text)
    limit = max_width + _FIT_EPSILON
    lines: list[tuple[int, int]] = []
    fits = True
    start, last_fit, i = 0, -1, 0
    cands = [*cands, n]
    while i < len(cands):
        bp = cands[i]
        if cum[_content_end(text, start, bp)] - cum[start] <= limit:
            last_fit = bp
            i += 1
        elif last_fit > start:
            lines.append((start, last_fit))
            start, last_fit = last_fit, -1
        else:
            lines.append((start, bp))
            fits = False
            start, last_fit = bp, -1
            i += 1
    if start < n or not lines:
        lines.append((start, n))
    return lines, fits


def _content_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _SPACES:
        end -= 1
    return end


def layout_text(
    runs: tuple[RunStyle, ...],
    *,
    max_width: float | None,
    align: str = "Left",
    direction: str = "Auto",
    line_height: float | None = None,
    scale: float = 1.0,
    box_width: float | None = None,
) -> Layout:
    """Lay out ``runs`` (sizes and letter spacing multiplied by ``scale``, for fit).

    ``max_width`` wraps lines; ``box_width`` is the width alignment works in (default: the
    widest line)."""
    if scale != 1.0:
        runs = tuple(
            RunStyle(
                r.text,
                r.fonts,
                r.size_px * scale,
                r.color_rgba8,
                r.letter_spacing * scale,
                r.underline,
                r.background,
                r.fill,
            )
            for r in runs
        )
    p = Paragraphs(runs)
    text = p.text
    missing: dict[str, None] = {}
    raw_lines: list[tuple[list[tuple[Any, ...]], float, float, int, bool, tuple]] = []
    all_fit = True
    for ps, pe in p.spans:
        para = text[ps:pe]
        n = pe - ps
        if n == 0:
            run = p.runs[p.run_of[ps]] if ps < len(p.run_of) else p.runs[-1]
            if ps >= len(p.run_of) and ps > 0:
                run = p.runs[p.run_of[ps - 1]]
            raw_lines.append(([], 0.0, 0.0, 0, True, _metrics([(run.fonts[0], run.size_px)])))
            continue
        fonts = _font_of_chars(text, ps, pe, p, missing)
        base = paragraph_level(para, direction)
        levels = bidi_levels(para, base)
        items = _items(ps, n, fonts, levels, p)
        # per-character advances (px) from shaping each item over the paragraph
        adv = np.zeros(n, dtype=np.float64)
        for it in items:
            s = it.size / it.face.units_per_em
            for _gid, cl, xa, _xo, _yo in _shape(it.face, para, it.start, it.end, it.level):
                adv[cl] += xa * s
        spacing = [p.runs[r].letter_spacing for r in p.run_of[ps:pe]]
        if any(spacing):
            adv += np.asarray(spacing)
        if max_width is None:
            spans = [(0, n)]
        else:
            cum = np.concatenate(([0.0], np.cumsum(adv)))
            spans, ok = _greedy(para, cum, break_opportunities(para), max_width)
            all_fit = all_fit and ok
        last = len(spans) - 1
        for li, (a, b) in enumerate(spans):
            raw_lines.append(_line(p, ps, para, a, b, fonts, levels, base, li == last))
    # vertical metrics and placement
    pitch_factor = 1.0 if line_height is None else float(line_height)
    glyphs: list[PlacedGlyph] = []
    boxes: list[LineBox] = []
    tops: list[float] = []
    pitches = [m[0] + m[1] + m[2] for *_, m in raw_lines]
    if line_height is not None:
        pitches = [x * pitch_factor for x in pitches]
    uniform = len(set(pitches)) <= 1
    acc = 0.0
    for i, pitch in enumerate(pitches):
        tops.append(i * pitches[0] if uniform else acc)
        acc += pitch
    widths = [w for _g, w, _c, *_ in raw_lines]
    contents = [c for _g, _w, c, *_ in raw_lines]
    natural = max(widths) if widths else 0.0
    avail = box_width if box_width is not None else max(max(contents, default=0.0), 0.0)
    for index, (gl, width, content, n_spaces, last_of_para, m) in enumerate(raw_lines):
        ascent, descent, gap = m
        pitch = pitches[index]
        leading_rounded = pitch - (_round(ascent) + _round(descent))
        top = tops[index]
        baseline = _round(top) + _round(ascent) + math.floor(leading_rounded / 2.0)
        if align == "Center":
            dx = (avail - content) / 2.0
        elif align == "Right":
            dx = avail - content
        else:
            dx = 0.0
        extra = 0.0
        if align == "Justify" and not last_of_para and n_spaces and avail > content:
            extra = (avail - content) / n_spaces
        box = LineBox(
            top=top,
            bottom=top + pitch,
            baseline=float(baseline),
            x0=dx,
            x1=dx + content + extra * n_spaces,
            advance=width + extra * n_spaces,
            ascent=ascent,
            descent=descent,
            leading=gap,
        )
        shift = 0.0
        for face, gid, x, y_off, sc, ch, run, is_space, xa in gl:
            gx = dx + x + shift
            glyphs.append(PlacedGlyph(face, gid, gx, baseline - y_off, sc, ch, run, index))
            ext = box.spans.get(run)
            right = dx + xa + shift
            if ext is None:
                box.spans[run] = (gx, right)
            else:
                box.spans[run] = (min(ext[0], gx), max(ext[1], right))
            if is_space and extra:
                shift += extra
        boxes.append(box)
    if not pitches:
        height = 0.0
    elif uniform:
        height = pitches[0] * len(pitches)
    else:
        height = tops[-1] + pitches[-1]
    width = max(natural, box_width or 0.0) if align != "Left" else natural
    if align != "Left" and box_width is None:
        width = avail
    return Layout(glyphs, boxes, width, float(height), missing, runs, text, all_fit)


def _metrics(faces: list[tuple[FontFace, float]]) -> tuple[float, float, float]:
    asc = max(f.ascender * (s / f.units_per_em) for f, s in faces)
    desc = max(f.descender * (s / f.units_per_em) for f, s in faces)
    gap = max(f.line_gap * (s / f.units_per_em) for f, s in faces)
    return asc, desc, gap


def _line(
    p: Paragraphs,
    ps: int,
    para: str,
    a: int,
    b: int,
    fonts: list[int],
    levels: list[int],
    base: int,
    last_of_para: bool,
) -> tuple[list[tuple[Any, ...]], float, float, int, bool, tuple[float, float, float]]:
    """Glyphs of one line, left to right, at pen positions from 0: (face, gid, x, y_offset,
    scale, char, run, is_space); the advance, the content width (trailing spaces out),
    the number of justifiable spaces and the line's vertical metrics."""
    lv = levels[a:b]
    cend = _content_end(para, a, b)
    lv = [base if a + i >= cend else x for i, x in enumerate(lv)]  # L1: trailing spaces
    sub_items = _items(ps + a, b - a, fonts[a:b], lv, p)
    order = visual_order([it.level for it in sub_items])
    out: list[tuple[Any, ...]] = []
    # pen = base (px: earlier items and letter spacing) + units * s: with one item and no
    # spacing this is the 0.2 arithmetic, (Σ advances + x_offset) · s, bit for bit
    base_px = 0.0
    pen = 0.0
    content_w = 0.0
    n_spaces = 0
    faces: list[tuple[FontFace, float]] = []
    for k in order:
        it = sub_items[k]
        s = it.size / it.face.units_per_em
        faces.append((it.face, it.size))
        shaped = _shape(it.face, para, a + it.start, a + it.end, it.level)
        units = 0
        for gi, (gid, cl, xa, xo, yo) in enumerate(shaped):
            ch = ps + cl
            run = p.run_of[ch]
            c = para[cl]
            is_space = c == " " and cl < cend
            x = base_px + (units + xo) * s
            units += xa
            pen = base_px + units * s
            out.append((it.face, gid, x, yo * s, s, ch, run, is_space, pen))
            nxt = shaped[gi + 1][1] if gi + 1 < len(shaped) else -1
            if nxt != cl and p.runs[run].letter_spacing:
                base_px += p.runs[run].letter_spacing
                pen = base_px + units * s
            if cl < cend:
                content_w = max(content_w, pen)
            if is_space and nxt != cl:
                n_spaces += 1
        base_px = pen
    if not faces:
        run = p.runs[p.run_of[ps + a]] if b > a else p.runs[0]
        faces.append((run.fonts[0], run.size_px))
    if cend == a:
        content_w = 0.0
    return out, pen, content_w, n_spaces, last_of_para, _metrics(faces)


def fit_size(
    build: Callable[[float], Layout],
    size_px: float,
    min_size_px: float,
    width: float,
    height: float,
    max_lines: int | None,
) -> tuple[float, Layout]:
    """The largest size on a 1/4-px grid ≤ ``size_px`` (never below ``min_size_px``) whose
    layout fits ``width`` × ``height`` and ``max_lines``, and that layout. ``build(size)``
    lays the text out at ``size``. Deterministic: a bisection over integers."""

    def fits(lay: Layout) -> bool:
        return (
            lay.fits
            and lay.height <= height + _FIT_EPSILON
            and (max_lines is None or len(lay.lines) <= max_lines)
            and all(ln.x1 - ln.x0 <= width + _FIT_EPSILON for ln in lay.lines)
        )

    top = build(size_px)
    if fits(top) or size_px <= min_size_px:
        return size_px, top
    lo = math.ceil(min_size_px * 4)  # quarter pixels
    hi = math.floor(size_px * 4)
    best: tuple[float, Layout] | None = None
    while lo <= hi:
        mid = (lo + hi) // 2
        lay = build(mid / 4.0)
        if fits(lay):
            best = (mid / 4.0, lay)
            lo = mid + 1
        else:
            hi = mid - 1
    if best is None:
        return min_size_px, build(min_size_px)
    return best


# ------------------------------------------------------------------------ geometry helpers


def outline_of(glyphs: list[PlacedGlyph], flat: float = 1.0) -> PathGeometry:
    """The outlines of ``glyphs`` placed (y flipped) in one non-zero geometry, curves
    flattened (`FontFace.flat_outline`) with ``flat`` times the fill tolerance (strokes
    use a coarser one: a stroker joins every segment, and its outline edges are offset
    from the segments anyway)."""
    verbs: list[str] = []
    chunks: list[np.ndarray] = []
    boxes: list[tuple[float, float, float, float]] = []
    for g in glyphs:
        o = g.face.flat_outline(g.gid, g.scale / flat)
        if o.bbox is None:
            continue
        s = g.scale
        verbs.append(o.verbs)
        chunks.append(o.points * (s, -s) + (g.x, g.y))
        x0, y0, x1, y1 = o.bbox
        boxes.append((g.x + x0 * s, g.y - y1 * s, g.x + x1 * s, g.y - y0 * s))
    return _geometry(verbs, chunks, boxes)


def _geometry(
    verbs: list[str], chunks: list[np.ndarray], boxes: list[tuple[float, float, float, float]]
) -> PathGeometry:
    if not chunks:
        return PathGeometry("", np.zeros((0, 2), dtype=np.float64), (0.0, 0.0, 0.0, 0.0))
    b = np.asarray(boxes, dtype=np.float64)
    bbox = (float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max()))
    return PathGeometry("".join(verbs), np.concatenate(chunks), bbox)


def join_geometry(parts: list[PathGeometry]) -> PathGeometry:
    parts = [g for g in parts if g.verbs]
    return _geometry([g.verbs for g in parts], [g.points for g in parts], [g.bbox for g in parts])


_K = 0.5522847498307936  # cubic approximation of a quarter circle


def rounded_rect(x0: float, y0: float, x1: float, y1: float, r: float) -> PathGeometry:
    """A closed rectangle with corners of radius ``r`` (clamped to half the sides)."""
    r = max(0.0, min(r, (x1 - x0) / 2.0, (y1 - y0) / 2.0))
    if r <= 0.0:
        pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        return PathGeometry("MLLLZ", np.asarray(pts, dtype=np.float64), (x0, y0, x1, y1))
    k = r * _K
    pts = [
        (x0 + r, y0),
        (x1 - r, y0),
        (x1 - r + k, y0), (x1, y0 + r - k), (x1, y0 + r),
        (x1, y1 - r),
        (x1, y1 - r + k), (x1 - r + k, y1), (x1 - r, y1),
        (x0 + r, y1),
        (x0 + r - k, y1), (x0, y1 - r + k), (x0, y1 - r),
        (x0, y0 + r),
        (x0, y0 + r - k), (x0 + r - k, y0), (x0 + r, y0),
    ]  # fmt: skip
    return PathGeometry("MLCLCLCLCZ", np.asarray(pts, dtype=np.float64), (x0, y0, x1, y1))


def shape_text(asset: TextAsset, face: FontFace) -> ShapedText:
    """A 0.2 Text asset (one string, one font, left-aligned): laid out as one run, drawn as
    one outline filled with its colour (wavyte-format.md §3.4, §3.4.1). Called once per
    asset at prepare."""
    run = RunStyle(asset.text, (face,), float(asset.size_px), asset.color_rgba8)
    lay = layout_text((run,), max_width=asset.max_width_px)
    return ShapedText(
        outline=outline_of(lay.glyphs),
        color_rgba8=asset.color_rgba8,
        width=lay.width,
        height=lay.height,
        lines=lay.text_lines(),
        family=face.family,
    )
