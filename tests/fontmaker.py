"""Tiny fonts made with fontTools for the text tests (no font of the machine is needed).

``box_font`` maps the given characters to box-shaped glyphs (each a different width, so
layouts are checkable); ``colr_font`` adds COLRv0 colour glyphs (two coloured layers).
"""

from __future__ import annotations

from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

UPEM = 1000


def _box(x0: int, y0: int, x1: int, y1: int) -> object:
    pen = TTGlyphPen(None)
    pen.moveTo((x0, y0))
    pen.lineTo((x0, y1))
    pen.lineTo((x1, y1))
    pen.lineTo((x1, y0))
    pen.closePath()
    return pen.glyph()


def _empty() -> object:
    return TTGlyphPen(None).glyph()


def box_font(
    path: Path,
    chars: str,
    *,
    advance: int = 600,
    family: str = "Box",
    colr: dict[str, list[tuple[int, tuple[float, float, float, float]]]] | None = None,
) -> Path:
    """A TrueType font covering ``chars`` (space is empty); ``.notdef`` is a hollow box.
    ``colr`` maps a character to COLRv0 layers: (layer inset, RGBA 0..1 colour)."""
    names = [".notdef"]
    cmap: dict[int, str] = {}
    glyphs = {".notdef": _box(50, 0, 450, 700)}
    metrics = {".notdef": (500, 50)}
    for ch in chars:
        name = f"u{ord(ch):04X}"
        names.append(name)
        cmap[ord(ch)] = name
        if ch == " ":
            glyphs[name] = _empty()
            metrics[name] = (advance // 2, 0)
        else:
            glyphs[name] = _box(50, 0, advance - 50, 700)
            metrics[name] = (advance, 50)
    layers: dict[str, list[tuple[str, int]]] = {}
    palette: list[tuple[float, float, float, float]] = []
    for ch, spec in (colr or {}).items():
        base = f"u{ord(ch):04X}"
        if base not in glyphs:
            names.append(base)
            cmap[ord(ch)] = base
            glyphs[base] = _box(0, 0, advance, 800)
            metrics[base] = (advance, 0)
        layers[base] = []
        for k, (inset, rgba) in enumerate(spec):
            lname = f"{base}.l{k}"
            names.append(lname)
            glyphs[lname] = _box(inset, inset, advance - inset, 800 - inset)
            metrics[lname] = (advance, inset)
            palette.append(rgba)
            layers[base].append((lname, len(palette) - 1))
    fb = FontBuilder(UPEM, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap(cmap)
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics(metrics)
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": family, "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    if layers:
        fb.setupCOLR(layers, version=0)
        fb.setupCPAL([palette])
    fb.save(str(path))
    return path
