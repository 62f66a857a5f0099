"""Captions: cues → pages that fit the box, the page and word state of a frame, and the draw
ops of a state.

Prepared once per Captions asset (`CaptionPages.build`): every cue's words are measured
(once per distinct word), greedily filled into lines of ``max_width_px`` and pages of
``max_lines`` lines and at most ``max_words_per_page`` words; each page is laid out once
(`typeset.layout_text`, its lines as hard breaks, so the page never reflows). Per frame,
`CaptionPages.state` is a bisection over page start times and words: ``(page, n)`` where
``n`` is the number of the page's words that have started (the style decides what ``n``
changes). The ops of a state are built on first use and kept: a page that does not change
is not laid out or painted again, and frames with the same state share one drawing.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace

from wavyte_core.assets.subtitles import Cue, Word
from wavyte_core.assets.text_paint import TextLook, paint_layout
from wavyte_core.assets.typeset import Layout, PlacedGlyph, RunStyle, layout_text, rounded_rect
from wavyte_core.format.paint import Paint, Solid
from wavyte_core.plugin.asset_kinds import VectorDrawing, VectorShape

__all__ = ["Page", "CaptionPages", "PageLook"]

RGBA = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Page:
    start: float  # seconds from the clip's first frame (offset applied)
    end: float
    words: tuple[Word, ...]  # times with the offset applied
    lines: tuple[tuple[int, ...], ...]  # word indices per line

    @property
    def text(self) -> str:
        return "\n".join(" ".join(self.words[i].text for i in line) for line in self.lines)


@dataclass(frozen=True, slots=True)
class PageLook:
    style: str  # "Static" | "Karaoke" | "WordPop" | "WordByWord"
    align: str
    direction: str
    line_height: float | None
    max_width: float
    box_height: float
    highlight: RGBA
    highlight_bg: RGBA | None
    highlight_scale: float
    look: TextLook


def _measure(run: RunStyle, direction: str):  # noqa: ANN202 - a closure
    cache: dict[str, float] = {}

    def width(word: str) -> float:
        w = cache.get(word)
        if w is None:
            lay = layout_text((RunStyle(word, *_rest(run)),), max_width=None, direction=direction)
            w = cache[word] = lay.lines[0].x1 - lay.lines[0].x0 if lay.lines else 0.0
        return w

    return width


def _rest(r: RunStyle) -> tuple:
    return (r.fonts, r.size_px, r.color_rgba8, r.letter_spacing, r.underline, r.background, r.fill)


def paginate(
    cues: list[Cue],
    width_of,  # noqa: ANN001 - str -> float
    space: float,
    max_width: float,
    max_lines: int,
    max_words: int | None,
    offset: float,
) -> list[Page]:
    """Split every cue into pages (greedy lines, then pages of ``max_lines`` lines and
    ``max_words`` words); each page is shown from its first word (the cue start for the
    first page) until the next page of the cue (the cue end for the last)."""
    pages: list[Page] = []
    for cue in cues:
        words = cue.words
        groups: list[list[list[int]]] = []  # pages → lines → word indices
        lines: list[list[int]] = []
        line: list[int] = []
        line_w = 0.0
        n_words = 0
        for i, w in enumerate(words):
            ww = width_of(w.text)
            fits = not line or line_w + space + ww <= max_width + 1e-6
            if not fits:
                lines.append(line)
                line, line_w = [], 0.0
            full = len(lines) >= max_lines or (max_words is not None and n_words >= max_words)
            if full:
                if line:
                    lines.append(line)
                groups.append(lines)
                lines, line, line_w, n_words = [], [], 0.0, 0
            line_w = ww if not line else line_w + space + ww
            line.append(i)
            n_words += 1
        if line:
            lines.append(line)
        if lines:
            groups.append(lines)
        for k, g in enumerate(groups):
            first = g[0][0]
            last = g[-1][-1]
            start = cue.start if k == 0 else words[first].start
            end = cue.end if k == len(groups) - 1 else words[last + 1].start
            sub = words[first : last + 1]
            shifted = tuple(Word(w.start + offset, w.end + offset, w.text) for w in sub)
            rel = tuple(tuple(i - first for i in ln) for ln in g)
            pages.append(Page(start + offset, end + offset, shifted, rel))
    pages.sort(key=lambda p: p.start)  # stable: overlapping cues keep file order
    return pages


class CaptionPages:
    """The prepared captions of one asset: pages, their layouts (lazily), state lookup and
    the ops per state (cached)."""

    def __init__(self, pages: list[Page], run: RunStyle, look: PageLook) -> None:
        self.pages = pages
        self.run = run
        self.look = look
        self.starts = [p.start for p in pages]
        self._layouts: dict[int, tuple[Layout, list[int]]] = {}
        self._ops: dict[tuple[int, int], VectorDrawing] = {}

    @classmethod
    def build(
        cls,
        cues: list[Cue],
        run: RunStyle,
        look: PageLook,
        max_lines: int,
        max_words: int | None,
        offset: float,
    ) -> CaptionPages:
        width_of = _measure(run, look.direction)
        space = width_of("x x") - 2 * width_of("x")
        pages = paginate(cues, width_of, space, look.max_width, max_lines, max_words, offset)
        return cls(pages, run, look)

    # ------------------------------------------------------------------ per frame

    def state(self, t: float) -> tuple[int, int] | None:
        """What a frame at clip time ``t`` shows: ``(page, started words)``, or None."""
        i = bisect_right(self.starts, t) - 1
        while i >= 0:
            p = self.pages[i]
            if p.start <= t < p.end:
                break
            if p.start < t and i > 0 and self.pages[i - 1].end > t:
                i -= 1
                continue
            return None
        else:
            return None
        if self.look.style == "Static":
            return (i, 0)
        n = 0
        for w in p.words:
            if w.start <= t:
                n += 1
            else:
                break
        return (i, n)

    # ------------------------------------------------------------------ drawing

    def layout(self, i: int) -> tuple[Layout, list[int]]:
        """Page ``i`` laid out once, centred vertically in the fixed box: the layout and
        the word of every glyph (-1 for spaces)."""
        hit = self._layouts.get(i)
        if hit is not None:
            return hit
        page = self.pages[i]
        lk = self.look
        lay = layout_text(
            (RunStyle(page.text, *_rest(self.run)),),
            max_width=None,
            align=lk.align,
            direction=lk.direction,
            line_height=lk.line_height,
            box_width=lk.max_width,
        )
        dy = (lk.box_height - lay.height) / 2.0
        if dy:
            lay.glyphs = [replace(g, y=g.y + dy) for g in lay.glyphs]
            for ln in lay.lines:
                ln.top += dy
                ln.bottom += dy
                ln.baseline += dy
        word_of_char: list[int] = []
        for li, line in enumerate(page.lines):
            for j, wi in enumerate(line):
                word_of_char += [wi] * len(page.words[wi].text)
                if j < len(line) - 1:
                    word_of_char.append(-1)
            if li < len(page.lines) - 1:
                word_of_char.append(-1)
        words = [word_of_char[g.char] if g.char < len(word_of_char) else -1 for g in lay.glyphs]
        hit = self._layouts[i] = (lay, words)
        return hit

    def drawing(self, state: tuple[int, int]) -> VectorDrawing:
        """The drawing of a state, in box coordinates; built once per state (the same
        object is returned for the same state)."""
        hit = self._ops.get(state)
        if hit is not None:
            return hit
        i, n = state
        lay, words_of = self.layout(i)
        lk = self.look
        style = lk.style
        current = n - 1  # the word being spoken (the last started one)
        if style == "Static" or current < 0:
            emph: frozenset[int] = frozenset()
        elif style == "Karaoke":
            emph = frozenset(range(n))
        else:
            emph = frozenset((current,))
        glyphs: list[PlacedGlyph] = []
        hot: set[int] = set()  # indices into ``glyphs`` drawn in the highlight colour
        under: list[VectorShape] = []
        pop = style == "WordPop" and current >= 0 and lk.highlight_scale != 1.0
        box = None
        if current >= 0 and style != "Static" and (pop or lk.highlight_bg is not None):
            box = _word_box(lay, words_of, current)
        k = lk.highlight_scale if pop else 1.0
        for g, w in zip(lay.glyphs, words_of, strict=True):
            if style == "WordByWord" and not 0 <= w < n:
                continue
            if w in emph:
                hot.add(len(glyphs))
            if pop and w == current and box is not None:
                cx, cy = (box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0
                g = replace(g, x=cx + (g.x - cx) * k, y=cy + (g.y - cy) * k, scale=g.scale * k)
            glyphs.append(g)
        if box is not None and lk.highlight_bg is not None and lk.highlight_bg[3]:
            x0, y0, x1, y1 = box
            cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
            pad = 0.1 * self.run.size_px
            under.append(
                VectorShape(
                    rounded_rect(
                        cx + (x0 - cx) * k - pad,
                        cy + (y0 - cy) * k,
                        cx + (x1 - cx) * k + pad,
                        cy + (y1 - cy) * k,
                        0.25 * self.run.size_px * k,
                    ),
                    fill=Solid(lk.highlight_bg),
                )
            )
        index = {id(g): j for j, g in enumerate(glyphs)}

        hi: Paint = Solid(lk.highlight)

        def paint(g: PlacedGlyph) -> Paint:
            if index[id(g)] in hot:
                return hi
            r = lay.runs[g.run]
            return r.fill if r.fill is not None else Solid(r.color_rgba8)

        out = paint_layout(lay, lk.look, paint, glyphs, under)
        if len(self._ops) > 4096:
            self._ops.clear()
        self._ops[state] = out
        return out


def _word_box(lay: Layout, words_of: list[int], w: int) -> tuple[float, float, float, float]:
    """The box of word ``w``: its glyphs' advances across, its line's box down."""
    gl = [g for g, k in zip(lay.glyphs, words_of, strict=True) if k == w]
    x0 = min(g.x for g in gl)
    x1 = max(g.x + g.face.glyph_advance(g.gid) * g.scale for g in gl)
    line = lay.lines[gl[0].line]
    return x0, line.top, x1, line.bottom
