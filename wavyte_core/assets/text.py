"""Fonts for text layout: HarfBuzz faces, metrics, cmap coverage and glyph outlines.

A font file is loaded once per job (`FontCache`); glyph outlines are drawn once per glyph
and cached in font units (y up). Layout (runs, fallback, bidi, line breaking, alignment)
is `typeset`; a 0.2 Text asset goes through the same layout with one run
(`typeset.shape_text`), which reproduces the 0.2 rules exactly.

Precision: the HarfBuzz font keeps its default scale (= units per em), so shaping results
and outlines are exact font units; they are multiplied by ``size_px / upem`` in float64 by
the layout. No hinting is applied (HarfBuzz never hints).
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

__all__ = ["FontFace", "FontCache", "shape_glyphs", "missing_characters", "flatten_outline"]

#: Largest distance, in pixels at the text's own size, between a glyph curve and the line
#: segments that replace it (`FontFace.flat_outline`).
FLAT_TOLERANCE_PX = 0.02
# Segments per curve beyond which `flatten_outline` keeps the curve (reached by glyphs
# over ~40 000 px; each segment costs 16 bytes per glyph and size).
MAX_FLAT_SEGMENTS = 512

# Mandatory breaks (UAX #14 classes BK, CR, LF, NL); CR LF counts as one.
_HARD_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")


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
        self._coverage: frozenset[int] | None = None
        self._flat: dict[tuple[int, float], _GlyphOutline] = {}
        #: Colour glyph rasters by (glyph, scale), filled by `text_paint`.
        self.color_cache: dict[tuple[int, float], object] = {}

    @classmethod
    def from_file(cls, path: Path, source: str | None = None) -> FontFace:
        name = source if source is not None else str(path)
        try:
            data = path.read_bytes()
        except OSError as e:
            raise AssetError(name, f"cannot read font file: {e.strerror or e}") from e
        return cls(data, name)

    @property
    def coverage(self) -> frozenset[int]:
        """The code points the font's cmap maps (read once)."""
        cov = self._coverage
        if cov is None:
            cov = self._coverage = frozenset(self.face.unicodes)
        return cov

    @property
    def has_color(self) -> bool:
        """Whether the font has colour glyphs (COLR layers or paint, or PNG bitmaps)."""
        f = self.face
        return bool(f.has_color_layers or f.has_color_paint or f.has_color_png)

    def glyph_advance(self, gid: int) -> int:
        """The horizontal advance of glyph ``gid`` in font units."""
        return int(self.font.get_glyph_h_advance(gid))

    def flat_outline(self, gid: int, scale: float) -> _GlyphOutline:
        """The outline of glyph ``gid`` in font units with its curves flattened to lines
        within `FLAT_TOLERANCE_PX` at ``scale`` px per unit (the exact curve bbox kept).
        Cached per glyph and scale. Rasterizers cover lines analytically and identically
        enough; skia's coverage of small curves is coarse (glyph edges up to 50 levels
        from the exact area, 36 dB), which made skia and cairo text differ."""
        key = (gid, scale)
        out = self._flat.get(key)
        if out is None:
            o = self.glyph_outline(gid)
            if o.bbox is None:
                out = o
            else:
                verbs, pts = flatten_outline(o.verbs, o.points, FLAT_TOLERANCE_PX / scale)
                out = _GlyphOutline(verbs, pts, o.bbox)
            self._flat[key] = out
        return out

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


def flatten_outline(verbs: str, pts: np.ndarray, tol: float) -> tuple[str, np.ndarray]:
    """The outline with every curve replaced by line segments deviating at most ``tol``
    (Wang's bound on the number of uniform segments). Points stay exact on the curve.
    A curve that would need more than `MAX_FLAT_SEGMENTS` segments (a glyph tens of
    thousands of pixels tall) stays a curve: memory stays bounded at any ``size_px``."""
    out_v: list[str] = []
    out_p: list[np.ndarray] = []
    i = 0
    cur = np.zeros(2)
    start = cur
    for v in verbs:
        if v in "ML":
            cur = pts[i]
            if v == "M":
                start = cur
            out_v.append(v)
            out_p.append(cur[None, :])
            i += 1
        elif v in "QC":
            k = 2 if v == "Q" else 3
            ctrl = pts[i : i + k]
            i += k
            if k == 2:
                p1, p2 = ctrl
                dd = float(np.hypot(*(cur - 2 * p1 + p2)))
                nf = math.sqrt(0.25 * dd / tol) if dd > 0 else 1.0
            else:
                p1, p2, p3 = ctrl
                dd = max(
                    float(np.hypot(*(cur - 2 * p1 + p2))), float(np.hypot(*(p1 - 2 * p2 + p3)))
                )
                nf = math.sqrt(0.75 * dd / tol) if dd > 0 else 1.0
            if not nf <= MAX_FLAT_SEGMENTS:
                out_v.append(v)
                out_p.append(ctrl)
            else:
                n = max(1, math.ceil(nf))
                t = np.arange(1, n + 1, dtype=np.float64)[:, None] / n
                u = 1.0 - t
                if k == 2:
                    seg = u * u * cur + 2 * u * t * p1 + t * t * p2
                else:
                    seg = u**3 * cur + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t**3 * p3
                seg[-1] = ctrl[-1]
                out_v.append("L" * n)
                out_p.append(seg)
            cur = ctrl[-1]
        else:  # Z
            out_v.append("Z")
            cur = start
    if not out_p:
        return "", np.zeros((0, 2), dtype=np.float64)
    return "".join(out_v), np.concatenate(out_p)


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


def missing_characters(text: str, face: FontFace) -> str:
    """The distinct characters of ``text`` the font has no glyph for (drawn as .notdef).

    For one font; a fallback chain is resolved by the layout (`typeset`).
    """
    seen: dict[str, None] = {}
    for ch in text:
        if ch in seen or ch in "\n\r\t" or _HARD_BREAK.match(ch):
            continue
        gid = face.font.get_nominal_glyph(ord(ch))
        if not gid:
            seen[ch] = None
    return "".join(seen)
