"""Regenerate the conformance cases (compositions, index, generated images), reproducibly.

    .venv/bin/python -m wavyte_conformance.cases.make_cases

The outputs are committed data: ``*.json`` compositions, ``reftests/*.json`` pairs,
``assets/*.png`` images and ``index.json`` (per-case frames, roles, capabilities and
tolerances). This module only documents and regenerates them; the runner reads the data,
never this code. Every case exercises one feature at 320×180 unless it is a scene.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from wavyte_conformance.pngio import write_rgba_png

HERE = Path(__file__).parent
W, H = 320, 180
BG = [18, 20, 28, 255]
EASES = ["Linear", "InQuad", "OutQuad", "InOutQuad", "InCubic", "OutCubic", "InOutCubic"]
DEJAVU = "assets/fonts/DejaVuSans.ttf"
DEVANAGARI = "assets/fonts/NotoSansDevanagari-Regular.ttf"

# ---------------------------------------------------------------------- JSON helpers


def tf(
    x: float = 0.0,
    y: float = 0.0,
    rot: float = 0.0,
    sx: float = 1.0,
    sy: float | None = None,
    ax: float = 0.0,
    ay: float = 0.0,
) -> dict:
    return {
        "translate": {"x": float(x), "y": float(y)},
        "rotation_rad": float(rot),
        "scale": {"x": float(sx), "y": float(sx if sy is None else sy)},
        "anchor": {"x": float(ax), "y": float(ay)},
    }


def const(v: Any) -> dict:
    return {
        "Keyframes": {
            "keys": [{"frame": 0, "value": v, "ease": "Linear"}],
            "mode": "Hold",
            "default": None,
        }
    }


def keys(pairs: list[tuple[int, Any]], ease: Any = "Linear", mode: str = "Linear") -> dict:
    return {
        "Keyframes": {
            "keys": [{"frame": f, "value": v, "ease": ease} for f, v in pairs],
            "mode": mode,
            "default": None,
        }
    }


def clip(
    cid: str,
    asset: str,
    start: int = 0,
    end: int = 10,
    *,
    t: dict | None = None,
    opacity: Any = 1.0,
    z: int = 0,
    effects: list | None = None,
    tin: dict | None = None,
    tout: dict | None = None,
) -> dict:
    return {
        "id": cid,
        "asset": asset,
        "range": {"start": start, "end": end},
        "props": {
            "transform": t if t is not None and "Keyframes" in t else const(t or tf()),
            "opacity": opacity if isinstance(opacity, dict) else const(float(opacity)),
            "blend": "Normal",
        },
        "z_offset": z,
        "effects": effects or [],
        "transition_in": tin,
        "transition_out": tout,
    }


def track(name: str, clips: list[dict], z: int = 0, **layout: Any) -> dict:
    return {"name": name, "z_base": z, **layout, "clips": clips}


def comp(assets: dict, tracks: list[dict], duration: int = 10, w: int = W, h: int = H) -> dict:
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": w, "height": h},
        "duration": duration,
        "assets": assets,
        "tracks": tracks,
        "seed": 1,
    }


def path(d: str) -> dict:
    return {"Path": {"svg_path_d": d}}


def text(
    s: str,
    font: str = DEJAVU,
    size: float = 28.0,
    color: list[int] | None = None,
    max_width: float | None = None,
) -> dict:
    body: dict[str, Any] = {
        "text": s,
        "font_source": font,
        "size_px": size,
        "color_rgba8": color or [255, 255, 255, 255],
    }
    if max_width is not None:
        body["max_width_px"] = max_width
    return {"Text": body}


def image(src: str) -> dict:
    return {"Image": {"source": src}}


def trans(kind: str, dur: int, **params: Any) -> dict:
    return {"kind": kind, "duration_frames": dur, "ease": "Linear", "params": params or None}


# --------------------------------------------------------------------- generated media


def make_images() -> None:
    """Deterministic test images (straight-alpha RGBA PNGs)."""
    out = HERE / "assets"
    y, x = np.mgrid[0:96, 0:128]
    photo = np.stack([x * 2, y * 2 + 40, 255 - x - y, np.full_like(x, 255)], axis=-1)
    photo[(x // 16 + y // 16) % 2 == 0, :3] //= 2  # checker: hard edges show the filter
    write_rgba_png(out / "photo.png", np.clip(photo, 0, 255).astype(np.uint8))
    alpha = np.stack([np.full_like(x, 250), 120 + y, x * 2, np.clip(x * 2, 0, 255)], axis=-1)
    write_rgba_png(out / "alpha_ramp.png", np.clip(alpha, 0, 255).astype(np.uint8))
    yy, xx = np.mgrid[0:H, 0:W]
    a = np.stack(
        [xx * 255 // W, 60 + yy // 2, np.full_like(xx, 200), np.full_like(xx, 255)], axis=-1
    )
    a[(xx // 20 + yy // 20) % 2 == 0, 1] = 30
    write_rgba_png(out / "layer_a.png", a.astype(np.uint8))
    b = np.stack([np.full_like(xx, 240), 255 - yy, xx * 255 // W, np.full_like(xx, 255)], axis=-1)
    b[((xx + yy) // 24) % 2 == 0, 2] = 20
    write_rgba_png(out / "layer_b.png", b.astype(np.uint8))
    semi = np.stack(
        [np.full_like(xx, 30), np.full_like(xx, 200), 255 - yy, (xx * 255 // W)], axis=-1
    )
    write_rgba_png(out / "semi.png", semi.astype(np.uint8))
    # blend tiles: saturated hue sweep left to right, lightness top to bottom, and an alpha
    # that fades out in the bottom quarter (translucent source pixels)
    ty, tx = np.mgrid[0:52, 0:48]
    hue = tx / 48.0 * 6.0
    sector = np.floor(hue).astype(int) % 6
    f = hue - np.floor(hue)
    light = 1.0 - ty / 80.0
    ramps = {
        0: (1, f, 0),
        1: (1 - f, 1, 0),
        2: (0, 1, f),
        3: (0, 1 - f, 1),
        4: (f, 0, 1),
        5: (1, 0, 1 - f),
    }
    rgb = np.zeros((52, 48, 3))
    for k, (r, g, b) in ramps.items():
        sel = sector == k
        for ch, v in enumerate((r, g, b)):
            rgb[..., ch][sel] = v if np.isscalar(v) else v[sel]
    rgb = rgb * light[..., None] * 255
    alpha = np.where(ty < 39, 255, 255 - (ty - 38) * 15)
    tile = np.concatenate([rgb, alpha[..., None]], axis=-1)
    write_rgba_png(out / "blend_tile.png", np.clip(np.round(tile), 0, 255).astype(np.uint8))
    # a matte source: a radial luma ramp in colour, opaque in the middle, fading at the rim
    my, mx = np.mgrid[0:72, 0:120]
    r = np.hypot((mx - 60) / 60.0, (my - 36) / 36.0)
    matte = np.stack(
        [
            np.clip(255 * (1 - r), 0, 255),
            np.clip(255 * (1.2 - r) * (mx / 120.0), 0, 255),
            np.clip(255 * (my / 72.0), 0, 255),
            np.clip(255 * (1.3 - r) * 2, 0, 255),
        ],
        axis=-1,
    )
    write_rgba_png(out / "matte_src.png", np.round(matte).astype(np.uint8))


# ------------------------------------------------------------------------------ cases

Case = tuple[str, dict, dict]


def geometry() -> list[Case]:
    c: list[Case] = []

    def one(cid: str, d: str, t: dict, note: str) -> None:
        c.append(
            (
                cid,
                comp({"p": path(d)}, [track("t", [clip("c", "p", t=t)])]),
                {"category": "geometry", "note": note},
            )
        )

    one(
        "path_rect_aligned",
        "M40,30 L280,30 L280,150 L40,150 Z",
        tf(),
        "pixel-aligned rectangle: no anti-aliased edge",
    )
    one(
        "path_curves",
        "M20,150 C60,10 120,10 160,90 S260,170 300,30 L300,160 Q160,120 20,160 Z",
        tf(),
        "cubic, smooth cubic and quadratic segments",
    )
    one(
        "path_arcs",
        "M60,90 A70,50 0 1,1 200,90 A40,40 0 0,0 280,90 L280,150 A30,30 0 0,1 60,150 Z",
        tf(),
        "elliptical arcs (large-arc and sweep flags)",
    )
    one(
        "path_holes",
        "M40,20 L280,20 L280,160 L40,160 Z M100,50 L100,130 L220,130 L220,50 Z M250,40 L270,40 L270,60 L250,60 Z",
        tf(),
        "nonzero fill: a hole (opposite winding) and an inner square (same winding)",
    )
    one(
        "path_star_selfintersect",
        "M160,10 L205,160 L80,65 L240,65 L115,160 Z",
        tf(),
        "self-intersecting star: nonzero fills the centre",
    )
    one(
        "path_transform_rotated",
        "M0,0 L100,0 L100,60 L0,60 Z",
        tf(112.37, 55.61, 0.41, 1.3, 0.85, 50, 30),
        "rotation, anisotropic scale, anchor, fractional translation",
    )
    one(
        "path_subpixel_thin",
        "M10,20.5 L310,21.25 L310,22 L10,21.5 Z M20.3,40 L21.1,40 L21.1,170 L20.3,170 Z",
        tf(0.25, 0.5),
        "sub-pixel-thin lines (coverage only)",
    )
    return c


def texts() -> list[Case]:
    c: list[Case] = []

    def one(cid: str, asset: dict, t: dict, note: str, frames: list[int] | None = None) -> None:
        meta: dict[str, Any] = {
            "category": "text",
            "note": note,
            "requires": {"rasterizer": ["text"]},
        }
        if frames:
            meta["frames"] = frames
        c.append((cid, comp({"t": asset}, [track("t", [clip("c", "t", t=t)])]), meta))

    one(
        "text_latin",
        text("Wavyte: Hamburgefonstiv 0123", size=26),
        tf(12, 20),
        "one line of Latin text",
    )
    one(
        "text_wrap",
        text(
            "The quick brown fox jumps over the lazy dog, then wraps onto several lines.",
            size=22,
            max_width=280,
        ),
        tf(16, 10),
        "Unicode line breaking at max_width_px",
    )
    one(
        "text_multiline",
        text("first line\nsecond, longer line\nthird", size=24),
        tf(16, 16),
        "explicit newlines",
    )
    one(
        "text_arabic",
        text("مرحبا بالعالم", size=40),
        tf(40, 40),
        "Arabic shaping (joining forms, RTL run)",
    )
    one(
        "text_devanagari",
        text("नमस्ते दुनिया", font=DEVANAGARI, size=40),
        tf(30, 40),
        "Devanagari shaping (conjuncts, matras)",
    )
    one(
        "text_color_alpha",
        text("semi-transparent", size=34, color=[255, 180, 40, 140]),
        tf(20, 60),
        "straight-alpha text colour premultiplied once",
    )
    one(
        "text_rotated",
        text("rotated text", size=30),
        tf(60.5, 40.25, 0.35, 1.2),
        "text under rotation and scale",
    )
    return c


TALK = "assets/captions_talk.json"


def make_transcript() -> None:
    """A Whisper-style word-timing transcript for the captions cases (0.3 s per word)."""
    words = [
        "Captions",
        "show",
        "the",
        "spoken",
        "word",
        "in",
        "colour",
        "as",
        "the",
        "voice",
        "goes",
        "on",
    ]
    ws = [{"start": round(0.1 + 0.3 * i, 3), "end": round(0.35 + 0.3 * i, 3), "word": w}
          for i, w in enumerate(words)]  # fmt: skip
    doc = {"segments": [{"start": 0.1, "end": ws[-1]["end"], "text": " ".join(words),
                         "words": ws}]}  # fmt: skip
    (HERE / TALK).write_text(json.dumps(doc, indent=1) + "\n")


def typography() -> list[Case]:
    """Text typography (runs, bidi, alignment, paint, stroke, shadow, boxes, fit) and the
    Captions asset, drawn by every rasterizer from the same outlines and rasters."""
    c: list[Case] = []
    meta = {"category": "typography", "requires": {"rasterizer": ["text"]}}
    runs = {"Text": {
        "runs": [{"text": "Runs: "}, {"text": "big ", "size_px": 30},
                 {"text": "gold", "color_rgba8": "#ffcc33", "underline": True},
                 {"text": " and שלום עולם 42 ", "background": "#c03060"},
                 {"text": "wrapped, centred."}],
        "font_source": DEJAVU, "size_px": 20, "max_width_px": 290, "align": "Center",
        "letter_spacing": 0.5}}  # fmt: skip
    c.append(
        (
            "text_runs_bidi",
            comp({"t": runs}, [track("t", [clip("c", "t", t=tf(15, 20))])]),
            {**meta, "note": "styled runs, mixed-direction paragraph, centred lines"},
        )
    )
    grad = {
        "LinearGradient": {
            "start": [0, 0],
            "end": [280, 0],
            "stops": [{"offset": 0, "color": "#ff5a36"}, {"offset": 1, "color": "#6c3cff"}],
        }
    }
    look = {"Text": {
        "text": "Stroke, shadow\nand line boxes", "font_source": DEJAVU, "size_px": 34,
        "align": "Center", "max_width_px": 280, "fill": grad,
        "stroke": {"width": 4, "paint": {"Solid": "#ffffff"}, "join": "Round"},
        "shadow": {"offset": {"x": 3, "y": 4}, "blur": 6, "color": "#000000b0"},
        "background": {"color": "#20304880", "padding": 6, "corner_radius": 8,
                       "mode": "Lines"}}}  # fmt: skip
    c.append(
        (
            "text_paint_boxes",
            comp({"t": look}, [track("t", [clip("c", "t", t=tf(20, 30))])]),
            {**meta, "note": "gradient fill, stroke under it, blurred shadow, per-line boxes"},
        )
    )
    fit = {"Text": {"text": "A long title shrunk to fit its box", "font_source": DEJAVU,
                    "size_px": 90, "fit": {"width": 280, "height": 120, "max_lines": 2},
                    "background": {"color": "#304060", "padding": 0}}}  # fmt: skip
    c.append(
        (
            "text_fit",
            comp({"t": fit}, [track("t", [clip("c", "t", t=tf(20, 30))])]),
            {**meta, "note": "fit: the largest size at which two lines fit the box"},
        )
    )
    for style, frames in (("Karaoke", [0, 9, 25]), ("WordPop", [5, 20, 40])):
        cap = {"Captions": {
            "source": TALK, "font_source": DEJAVU, "size_px": 26, "max_width_px": 290,
            "max_lines": 2, "style": style,
            "highlight": {"color": "#ffd600",
                          "background": "#7030a0" if style == "WordPop" else None,
                          "scale": 1.15 if style == "WordPop" else 1.0},
            "stroke": {"width": 4, "paint": {"Solid": "#000000"}, "join": "Round"},
            "shadow": {"offset": {"x": 0, "y": 3}, "blur": 4, "color": "#000000a0"}}}  # fmt: skip
        doc = comp({"cap": cap}, [track("t", [clip("c", "cap", t=tf(15, 40), end=60)])],
                   duration=60)  # fmt: skip
        c.append(
            (
                f"captions_{style.lower()}",
                doc,
                {**meta, "frames": frames, "note": f"Captions, {style} style"},
            )
        )
    return c


def images() -> list[Case]:
    c: list[Case] = []

    def one(cid: str, src: str, t: dict, note: str) -> None:
        c.append(
            (
                cid,
                comp({"i": image(src)}, [track("t", [clip("c", "i", t=t)])]),
                {
                    "category": "image",
                    "note": note,
                    "roles": ["rasterizer", "compositor", "decoder"],
                    "requires": {"rasterizer": ["images"]},
                },
            )
        )

    one(
        "image_identity",
        "assets/photo.png",
        tf(40, 30),
        "integer translation: nearest sampling, exact copy",
    )
    one("image_scale_up", "assets/photo.png", tf(10.5, 5.25, 0, 2.3, 1.7), "bilinear upscaling")
    one(
        "image_scale_down",
        "assets/layer_a.png",
        tf(30, 20, 0, 0.37, 0.41),
        "downscaling a 320x180 image",
    )
    one(
        "image_rotated",
        "assets/photo.png",
        tf(160, 90, 0.6, 1.1, None, 64, 48),
        "rotation about the image centre",
    )
    one(
        "image_alpha",
        "assets/alpha_ramp.png",
        tf(50, 40, 0, 1.5),
        "straight-alpha PNG premultiplied at decode, then scaled",
    )
    svg = comp(
        {"s": {"Svg": {"source": "assets/logo.svg"}}},
        [track("t", [clip("c", "s", t=tf(100, 10, 0.1, 0.65))])],
    )
    c.append(
        (
            "svg_logo",
            svg,
            {
                "category": "svg",
                "note": "SVG rasterised once at the clip's largest scale (by an installed rasterizer with the svg capability; the job's rasterizer draws the raster)",
            },
        )
    )
    return c


def compositing() -> list[Case]:
    c: list[Case] = []
    rect = path("M30,30 L200,30 L200,150 L30,150 Z")
    rect2 = path("M120,60 L290,60 L290,170 L120,170 Z")
    c.append(
        (
            "opacity_half",
            comp({"r": rect}, [track("t", [clip("c", "r", opacity=0.5)])]),
            {"category": "composite", "note": "opacity 0.5 of an opaque path"},
        )
    )
    c.append(
        (
            "opacity_overlap",
            comp(
                {"r": rect, "q": rect2},
                [track("t", [clip("a", "r", opacity=0.7), clip("b", "q", opacity=0.35, z=1)])],
            ),
            {"category": "composite", "note": "two translucent layers overlapping"},
        )
    )
    img_roles = {
        "roles": ["rasterizer", "compositor", "decoder"],
        "requires": {"rasterizer": ["images"]},
    }
    c.append(
        (
            "premul_semi_over_semi",
            comp(
                {
                    "s": image("assets/semi.png"),
                    "t": text("over", size=80, color=[255, 60, 120, 150]),
                },
                [track("t", [clip("a", "s"), clip("b", "t", t=tf(60, 30), opacity=0.8, z=1)])],
            ),
            {
                "category": "composite",
                "background": None,
                "note": "semi-transparent text over a semi-transparent image on a transparent frame",
                **img_roles,
                "requires": {"rasterizer": ["images", "text"]},
            },
        )
    )
    c.append(
        (
            "premul_transparent_bg",
            comp(
                {"r": rect, "i": image("assets/alpha_ramp.png")},
                [
                    track(
                        "t",
                        [
                            clip("a", "r", opacity=0.6),
                            clip("b", "i", t=tf(100, 40), opacity=0.75, z=1),
                        ],
                    )
                ],
            ),
            {
                "category": "composite",
                "background": None,
                "note": "premultiplied output with no background",
                **img_roles,
            },
        )
    )
    # Every easing: a square moving with one ease; frames sample the curve.
    sq = path("M0,0 L40,0 L40,40 L0,40 Z")
    for ease in EASES:
        t = keys([(0, tf(20, 30)), (10, tf(260, 110, 0.0, 1.5))], ease=ease)
        c.append(
            (
                f"ease_{ease}",
                comp({"s": sq}, [track("t", [clip("c", "s", 0, 12, t=t)])], duration=12),
                {
                    "category": "animation",
                    "frames": [2, 5, 8],
                    "note": f"keyframed transform with ease {ease}",
                },
            )
        )
    t = keys([(0, tf(20, 20)), (4, tf(140.5, 70.5)), (8, tf(250, 120))], mode="Hold")
    c.append(
        (
            "keyframes_hold",
            comp({"s": sq}, [track("t", [clip("c", "s", 0, 12, t=t)])], duration=12),
            {
                "category": "animation",
                "frames": [3, 4, 7, 9],
                "note": "Hold keyframes jump at each key",
            },
        )
    )
    op = keys([(0, 0.0), (10, 1.0)], ease="InOutCubic")
    c.append(
        (
            "opacity_keyframes",
            comp({"r": rect}, [track("t", [clip("c", "r", 0, 12, opacity=op)])], duration=12),
            {"category": "animation", "frames": [3, 6], "note": "animated opacity"},
        )
    )
    return c


BLEND_MODES = [
    "Normal",
    "Multiply",
    "Screen",
    "Overlay",
    "Darken",
    "Lighten",
    "ColorDodge",
    "ColorBurn",
    "HardLight",
    "SoftLight",
    "Difference",
    "Exclusion",
    "Hue",
    "Saturation",
    "Color",
    "Luminosity",
    "Add",
]
HSL_MODES = {"Hue", "Saturation", "Color", "Luminosity"}
MATTE_MODES = ["Alpha", "AlphaInverted", "Luma", "LumaInverted"]


def blends() -> list[Case]:
    """Every blend mode over a photo, and the four track matte modes."""
    c: list[Case] = []
    img = {"roles": ["rasterizer", "compositor", "decoder"]}
    bg_photo = clip("photo", "p", t=tf(0, 0, 0.0, 2.5))
    tiles = []
    for i, mode in enumerate(BLEND_MODES):
        col, row = i % 6, i // 6
        tile = clip(
            f"tile_{mode}",
            "t",
            t=tf(6 + col * 52, 4 + row * 58),
            opacity=1.0 if mode in HSL_MODES or i % 2 == 0 else 0.8,
            z=1,
        )
        tile["props"]["blend"] = mode
        tiles.append(tile)
    c.append(
        (
            "blend_modes_photo",
            comp(
                {"p": image("assets/photo.png"), "t": image("assets/blend_tile.png")},
                [track("photo", [bg_photo]), track("tiles", tiles, z=1)],
            ),
            {
                "category": "blend",
                "note": "the 17 blend modes (left to right, top to bottom in format order) "
                "of a hue/lightness tile over a photo; translucent tiles and rows",
                **img,
                "requires": {"rasterizer": ["images"], "compositor": ["blend"]},
            },
        )
    )
    mattes = []
    sources = []
    for i, mode in enumerate(MATTE_MODES):
        x, y = 20 + (i % 2) * 150, 10 + (i // 2) * 86
        m = clip(f"photo_{mode}", "p", t=tf(x, y, 0.0, 1.0))
        m["matte"] = {"source": f"matte_{mode}", "mode": mode}
        mattes.append(m)
        sources.append(clip(f"matte_{mode}", "m", t=tf(x + 4, y + 6), opacity=0.9))
    c.append(
        (
            "matte_modes",
            comp(
                {"p": image("assets/photo.png"), "m": image("assets/matte_src.png")},
                [track("matted", mattes), track("mattes", sources, z=5)],
            ),
            {
                "category": "blend",
                "note": "Alpha, AlphaInverted, Luma, LumaInverted mattes of a photo by a "
                "colour ramp image at 0.9 opacity (the sources are not drawn themselves)",
                **img,
                "requires": {"rasterizer": ["images"]},
            },
        )
    )
    # a rotated, blurred, animated text matte shared by two clips; one of them blended
    word = clip(
        "word",
        "w",
        0,
        12,
        t=keys([(0, tf(40, 50, -0.2)), (11, tf(70, 60, 0.15))]),
        opacity=0.85,
        effects=[{"kind": "blur", "params": {"radius_px": 3}}],
    )
    cut = clip("cut", "p", 0, 12, t=tf(0, 0, 0.0, 2.5))
    cut["matte"] = {"source": "word", "mode": "Luma"}
    hole = clip("hole", "t", 0, 12, t=tf(150, 40, 0.0, 3.0), z=1)
    hole["matte"] = {"source": "word", "mode": "AlphaInverted"}
    hole["props"]["blend"] = "Screen"
    c.append(
        (
            "matte_shared_transformed",
            comp(
                {
                    "p": image("assets/photo.png"),
                    "t": image("assets/blend_tile.png"),
                    "w": text("MATTE", size=72, color=[255, 230, 120, 255]),
                },
                [track("a", [cut]), track("b", [hole], z=1), track("m", [word], z=9)],
                duration=12,
            ),
            {
                "category": "blend",
                "frames": [0, 7],
                "note": "a rotating, blurred, translucent text matte shared by two clips "
                "(Luma; AlphaInverted on a Screen-blended layer)",
                **img,
                "requires": {"rasterizer": ["images", "text"], "compositor": ["blur", "blend"]},
            },
        )
    )
    return c


def shape(geometry: dict, **fields: Any) -> dict:
    return {"Shape": {"geometry": geometry, **fields}}


def grad(kind: str, stops: list[tuple[float, Any]], **fields: Any) -> dict:
    return {kind: {**fields, "stops": [{"offset": o, "color": c} for o, c in stops]}}


def shapes() -> list[Case]:
    """Shapes of every geometry, every paint, every stroke option, trims and the 0.3
    easings (format 0.3). Vector shapes are drawn natively by each rasterizer: these are
    held to the shapes tolerance (PSNR), not to exact bytes."""
    c: list[Case] = []
    stroke_w = {"width": 3, "paint": {"Solid": "#ffffff"}}
    a = {
        "rect": shape({"Rect": {"width": 70, "height": 44, "corner_radius": 10}},
                      fill={"Solid": "#ff5a36"}, stroke={**stroke_w, "join": "Round"}),
        "ellipse": shape({"Ellipse": {"width": 70, "height": 44}}, fill={"Solid": [60, 160, 255, 200]},
                         stroke={"width": 4, "paint": {"Solid": "#102040"}}),
        "poly": shape({"Polygon": {"sides": 6, "radius": 26, "corner_radius": 6}},
                      fill={"Solid": "#7bd88f"}),
        "star": shape({"Star": {"points": 5, "outer_radius": 30, "inner_radius": 12}},
                      fill={"Solid": "#ffd166"}, stroke={"width": 2, "paint": {"Solid": "#6b3e00"},
                                                         "join": "Miter", "miter_limit": 10}),
        "line": shape({"Line": {"from": [0, 40], "to": [70, 0]}},
                      stroke={"width": 6, "cap": "Round", "paint": {"Solid": "#e0e0ff"}}),
        "path": shape({"Path": {"svg_path_d": "M0 0 L60 0 L60 50 L0 50 Z M15 12 L45 12 L45 38 L15 38 Z"}},
                      fill={"Solid": "#c77dff"}, fill_rule="EvenOdd"),
        "path_nz": shape({"Path": {"svg_path_d": "M0 0 L60 0 L60 50 L0 50 Z M15 12 L45 12 L45 38 L15 38 Z"}},
                         fill={"Solid": "#c77dff"}),
    }  # fmt: skip
    pos = {"rect": (10, 12), "ellipse": (100, 12), "poly": (190, 10), "star": (250, 6),
           "line": (14, 110), "path": (100, 100), "path_nz": (190, 100)}  # fmt: skip
    clips = [clip(k, k, t=tf(*pos[k], 0.12 if k == "star" else 0.0)) for k in a]
    c.append(
        (
            "shapes_geometry",
            comp(a, [track("t", clips)]),
            {"category": "shape", "note": "Rect (rounded), Ellipse (translucent), Polygon "
             "(rounded corners), Star (rotated, mitred stroke), Line (round caps), Path "
             "EvenOdd and NonZero"},
        )
    )  # fmt: skip
    stops = [(0.0, "#ff0000"), (0.5, "#ffff00"), (1.0, [0, 0, 255, 0])]
    g = {}
    for ext in ("Pad", "Repeat", "Reflect"):
        g[f"lin_{ext}"] = shape(
            {"Rect": {"width": 90, "height": 60}},
            fill=grad("LinearGradient", stops, start=[30, 10], end=[60, 40], extend=ext),
        )
        g[f"rad_{ext}"] = shape(
            {"Ellipse": {"width": 90, "height": 70}},
            fill=grad("RadialGradient", stops, center=[45, 35], radius=28, focal=[35, 25],
                      extend=ext),
        )  # fmt: skip
    g["stroke_grad"] = shape(
        {"Star": {"points": 6, "outer_radius": 20, "inner_radius": 9}},
        fill=None,
        stroke={"width": 5, "join": "Round", "paint": grad(
            "LinearGradient", [(0, "#00ffcc"), (1, "#ff00aa")], start=[0, 0], end=[40, 40])},
    )  # fmt: skip
    gclips = []
    for i, ext in enumerate(("Pad", "Repeat", "Reflect")):
        gclips.append(clip(f"l{i}", f"lin_{ext}", t=tf(8 + 100 * i, 8)))
        gclips.append(clip(f"r{i}", f"rad_{ext}", t=tf(8 + 100 * i, 98)))
    gclips.append(clip("sg", "stroke_grad", t=tf(272, 64)))
    c.append(
        (
            "shapes_gradients",
            comp(g, [track("t", gclips)]),
            {"category": "shape", "note": "linear (top) and focal radial (bottom) gradients, "
             "Pad / Repeat / Reflect, a transparent stop (premultiplied interpolation), a "
             "gradient stroke"},
        )
    )  # fmt: skip
    st = {}
    for i, join in enumerate(("Miter", "Round", "Bevel")):
        st[f"j{i}"] = shape(
            {"Path": {"svg_path_d": "M0 40 L30 0 L60 40"}}, fill=None,
            stroke={"width": 10, "join": join, "cap": ("Butt", "Round", "Square")[i],
                    "paint": {"Solid": "#ffffff"}},
        )  # fmt: skip
    st["dash"] = shape(
        {"Rect": {"width": 120, "height": 50, "corner_radius": 14}}, fill={"Solid": "#203040"},
        stroke={"width": 4, "paint": {"Solid": "#7fdbff"}, "dash": [10, 4, 2, 4],
                "dash_offset": 3},
    )  # fmt: skip
    st["dash_odd"] = shape(
        {"Ellipse": {"width": 80, "height": 50}}, fill=None,
        stroke={"width": 3, "cap": "Round", "paint": {"Solid": "#ffdc00"}, "dash": [0, 7, 5]},
    )  # fmt: skip
    st["miter_cut"] = shape(
        {"Path": {"svg_path_d": "M0 30 L50 24 L0 18"}}, fill=None,
        stroke={"width": 6, "miter_limit": 1.5, "paint": {"Solid": "#ff851b"}},
    )  # fmt: skip
    sclips = [clip(f"j{i}", f"j{i}", t=tf(14 + 80 * i, 14)) for i in range(3)]
    sclips += [clip("d", "dash", t=tf(16, 100)), clip("o", "dash_odd", t=tf(160, 104)),
               clip("m", "miter_cut", t=tf(260, 110))]  # fmt: skip
    c.append(
        (
            "shapes_strokes",
            comp(st, [track("t", sclips)]),
            {"category": "shape", "note": "joins Miter/Round/Bevel with caps Butt/Round/"
             "Square, dashes with an offset, an odd dash array with round caps, a miter "
             "limit that bevels"},
        )
    )  # fmt: skip
    ease = {"CubicBezier": [0.25, 0.1, 0.25, 1.0]}
    anim = {
        "draw": shape(
            {"Star": {"points": 5, "outer_radius": 40, "inner_radius": 17}}, fill=None,
            stroke={"width": 4, "join": "Round", "paint": {"Solid": keys(
                [(0, "#ff4136"), (11, "#2ecc40")])}},
            trim={"start": 0, "end": keys([(0, 0.05), (11, 1.0)], ease=ease), "offset": 0.25},
        ),
        "grow": shape(
            {"Rect": {"width": keys([(0, 20.0), (11, 110.0)], ease=ease), "height": 40,
                      "corner_radius": keys([(0, 0.0), (11, 20.0)])}},
            fill=grad("LinearGradient", [(0, "#0074d9"), (1, "#b10dc9")], start=[0, 0],
                      end=keys([(0, [20, 0]), (11, [110, 40])])),
        ),
        "wrap": shape(
            {"Ellipse": {"width": 70, "height": 70}}, fill=None,
            stroke={"width": 5, "cap": "Round", "paint": {"Solid": "#ffffff"}},
            trim={"start": 0.0, "end": 0.3, "offset": keys([(0, 0.0), (11, 0.9)])},
        ),
    }  # fmt: skip
    aclips = [clip("d", "draw", 0, 12, t=tf(20, 40)), clip("g", "grow", 0, 12, t=tf(130, 20)),
              clip("w", "wrap", 0, 12, t=tf(180, 90))]  # fmt: skip
    c.append(
        (
            "shapes_animated",
            comp(anim, [track("t", aclips)], duration=12),
            {"category": "shape", "frames": [0, 4, 8, 11], "note": "draw-on trim with a "
             "bezier ease and a keyframed colour, a growing rounded rect with a moving "
             "gradient end, a trim window wrapping around the seam"},
        )
    )  # fmt: skip
    sq = path("M0,0 L40,0 L40,40 L0,40 Z")
    for name, e in (("CubicBezier", {"CubicBezier": [0.68, -0.6, 0.32, 1.6]}),
                    ("Steps", {"Steps": {"count": 4, "position": "Start"}})):  # fmt: skip
        t = keys([(0, tf(20, 30)), (10, tf(260, 110, 0.0, 1.5))], ease=e)  # type: ignore[arg-type]
        c.append(
            (
                f"ease_{name}",
                comp({"s": sq}, [track("t", [clip("c", "s", 0, 12, t=t)])], duration=12),
                {"category": "animation", "frames": [2, 5, 8],
                 "note": f"keyframed transform with a {name} ease (format 0.3)"},
            )
        )  # fmt: skip
    return c


def layouts() -> list[Case]:
    c: list[Case] = []
    assets = {
        "a": path("M0,0 L60,0 L60,40 L0,40 Z"),
        "b": path("M0,0 L30,0 L30,70 L0,70 Z"),
        "t": text("grid", size=20),
    }
    items = [("a", "a"), ("b", "b"), ("t", "t"), ("a2", "a"), ("b2", "b")]
    modes = {
        "HStack": {
            "layout_gap_px": 8.5,
            "layout_align_x": "Center",
            "layout_align_y": "End",
            "layout_padding": {"left": 10.0, "right": 10.0, "top": 10.0, "bottom": 10.0},
        },
        "VStack": {"layout_gap_px": 4.0, "layout_align_x": "End", "layout_align_y": "Center"},
        "Grid": {
            "layout_gap_px": 6.0,
            "layout_grid_columns": 3,
            "layout_align_x": "Center",
            "layout_align_y": "Center",
            "layout_padding": {"left": 20.0, "top": 12.0},
        },
        "Center": {},
    }
    for mode, extra in modes.items():
        use = items[:3] if mode in ("VStack", "Center") else items
        clips = [clip(cid, key, opacity=1.0 if mode != "Center" else 0.6) for cid, key in use]
        c.append(
            (
                f"layout_{mode.lower()}",
                comp(assets, [track("t", clips, layout_mode=mode, **extra)]),
                {
                    "category": "layout",
                    "note": f"{mode} layout offsets",
                    "requires": {"rasterizer": ["text"]},
                },
            )
        )
    return c


def transitions() -> list[Case]:
    c: list[Case] = []
    assets = {"a": image("assets/layer_a.png"), "b": image("assets/layer_b.png")}
    base = {
        "category": "transition",
        "roles": ["rasterizer", "compositor", "decoder"],
        "requires": {"rasterizer": ["images"], "compositor": ["crossfade"]},
    }

    def pair(kind: str, **params: Any) -> dict:
        return comp(
            assets,
            [
                track(
                    "t",
                    [
                        clip("a", "a", 0, 12, tout=trans(kind, 8, **params)),
                        clip("b", "b", 4, 20, z=1, tin=trans(kind, 8, **params)),
                    ],
                )
            ],
            duration=20,
        )

    c.append(
        (
            "crossfade",
            pair("crossfade"),
            {**base, "frames": [5, 7, 10], "note": "paired crossfade at t = 1/7, 3/7, 6/7"},
        )
    )
    for d in ("ltr", "rtl", "ttb", "btt"):
        wipe_base = {**base, "requires": {"rasterizer": ["images"], "compositor": ["wipe"]}}
        c.append(
            (
                f"wipe_{d}_hard",
                pair("wipe", dir=d),
                {**wipe_base, "frames": [6, 9], "note": f"hard wipe {d}"},
            )
        )
        c.append(
            (
                f"wipe_{d}_soft",
                pair("wipe", dir=d, soft_edge=0.2),
                {**wipe_base, "frames": [6, 9], "note": f"soft wipe {d}, soft_edge 0.2"},
            )
        )
    return c


def blurs() -> list[Case]:
    c: list[Case] = []
    assets = {"i": image("assets/photo.png"), "t": text("blur", size=60)}
    for r, sigma in ((1, None), (4, None), (8, 1.5), (24, None)):
        params: dict[str, Any] = {"radius_px": r}
        if sigma is not None:
            params["sigma"] = sigma
        fx = [{"kind": "blur", "params": params}]
        clips = [
            clip("i", "i", t=tf(20, 20), effects=fx),
            clip("t", "t", t=tf(170, 50), effects=fx),
        ]
        name = f"blur_r{r}" + (f"_s{sigma}".replace(".", "_") if sigma else "")
        c.append(
            (
                name,
                comp(assets, [track("t", clips)]),
                {
                    "category": "blur",
                    "roles": ["rasterizer", "compositor", "decoder"],
                    "requires": {"rasterizer": ["images", "text"], "compositor": ["blur"]},
                    "note": f"Gaussian blur r {r}" + (f", sigma {sigma}" if sigma else ""),
                },
            )
        )
    return c


def video() -> list[Case]:
    v = {"Video": {"source": "pattern.mp4", "trim_start_sec": 0.1}}
    cc = comp({"v": v}, [track("t", [clip("c", "v", 0, 10, t=tf(16.5, 10.25, 0.05, 0.9))])])
    return [
        (
            "video_frames",
            cc,
            {
                "category": "video",
                "frames": [0, 4, 9],
                "assets_root": "@media",
                "roles": ["rasterizer", "compositor", "decoder"],
                "requires": {"rasterizer": ["images"], "decoder": ["video"]},
                "note": "H.264 frames (generated at run time) drawn rotated",
            },
        )
    ]


def scenes() -> list[tuple[str, dict]]:
    common = {
        "category": "scene",
        "roles": ["rasterizer", "compositor", "decoder"],
        "requires": {"rasterizer": ["paths", "text", "images"]},
    }
    return [
        (
            "scene_bench_default",
            {
                **common,
                "file": "../scenes/bench/bench_scene_default.json",
                "frames": [0, 75, 165, 285],
                "note": "the benchmark scene at full size",
            },
        ),
        (
            "scene_bench_blur8",
            {
                **common,
                "file": "../scenes/bench/bench_scene_blur8.json",
                "frames": [0, 165],
                "requires": {**common["requires"], "compositor": ["blur"]},
                "note": "the benchmark scene with blur 8",
            },
        ),
    ]


def reftests() -> list[dict]:
    """Pairs that must render the same, with no stored image."""
    out: list[dict] = []

    def pair(
        rid: str, a: dict, b: dict, note: str, frames: list[int] | None = None, **meta: Any
    ) -> None:
        (HERE / "reftests").mkdir(exist_ok=True)
        for side, doc in (("a", a), ("b", b)):
            (HERE / "reftests" / f"{rid}.{side}.json").write_text(
                json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
            )
        out.append(
            {
                "id": rid,
                "a": f"reftests/{rid}.a.json",
                "b": f"reftests/{rid}.b.json",
                "frames": frames or [0],
                "note": note,
                **meta,
            }
        )

    def one(asset: dict, t: dict | None = None, **kw: Any) -> dict:
        return comp({"p": asset}, [track("t", [clip("c", "p", t=t or tf(), **kw)])])

    pair(
        "rect_path_vs_scaled_unit",
        one(path("M40,30 L280,30 L280,150 L40,150 Z")),
        one(path("M0,0 L1,0 L1,1 L0,1 Z"), tf(40, 30, 0, 240, 120)),
        "a rect as a path vs a unit square scaled by the transform",
    )
    pair(
        "rect_abs_vs_relative",
        one(path("M40.5,30.25 L280.5,30.25 L280.5,150.75 L40.5,150.75 Z")),
        one(path("m40.5,30.25 h240 v120.5 h-240 z")),
        "absolute vs relative commands for the same rect",
    )
    pair(
        "translate_vs_transform_post",
        one(path("M0,0 L90,0 L45,80 Z"), tf(100.5, 40.25)),
        one(
            path("M0,0 L90,0 L45,80 Z"),
            effects=[{"kind": "transform_post", "params": {"translate": [100.5, 40.25]}}],
        ),
        "clip translate vs transform_post translate",
    )
    pair(
        "opacity_vs_opacity_mul",
        one(path("M30,30 L200,30 L200,150 L30,150 Z"), opacity=0.5),
        one(
            path("M30,30 L200,30 L200,150 L30,150 Z"),
            effects=[{"kind": "opacity_mul", "params": {"value": 0.5}}],
        ),
        "opacity 0.5 vs opacity_mul 0.5",
    )
    rect = path("M30,30 L200,30 L200,150 L30,150 Z")
    off = path("M-50,-50 L-40,-50 L-40,-40 Z")  # a layer with no pixels on the canvas
    xf = comp(
        {"r": rect, "o": off},
        [
            track(
                "t",
                [
                    clip("o", "o", 0, 6, tout=trans("crossfade", 5)),
                    clip("r", "r", 1, 10, z=1, tin=trans("crossfade", 5)),
                ],
            )
        ],
    )
    half = comp({"r": rect}, [track("t", [clip("r", "r", 0, 10, opacity=0.5)])])
    pair(
        "opacity_half_vs_crossfade_transparent",
        half,
        xf,
        "opacity 0.5 vs a crossfade at t = 0.5 against a transparent layer",
        frames=[3],
        requires={"compositor": ["crossfade"]},
    )
    hold = comp(
        {"p": path("M0,0 L50,0 L50,50 Z")},
        [
            track(
                "t",
                [
                    clip(
                        "c",
                        "p",
                        0,
                        10,
                        t=keys([(0, tf(10, 10)), (5, tf(200.5, 90.5))], mode="Hold"),
                    )
                ],
            )
        ],
    )
    fixed = comp(
        {"p": path("M0,0 L50,0 L50,50 Z")}, [track("t", [clip("c", "p", 0, 10, t=tf(200.5, 90.5))])]
    )
    pair(
        "hold_vs_constant",
        hold,
        fixed,
        "a Hold keyframe after its key vs the constant value",
        frames=[5, 9],
    )
    sizes = {"a": path("M0,0 L60,0 L60,40 L0,40 Z"), "b": path("M0,0 L30,0 L30,70 L0,70 Z")}
    hs = comp(
        sizes,
        [
            track(
                "t",
                [clip("a", "a"), clip("b", "b")],
                layout_mode="HStack",
                layout_gap_px=10.0,
                layout_align_y="Center",
            )
        ],
    )
    ab = comp(sizes, [track("t", [clip("a", "a", t=tf(0, 70)), clip("b", "b", t=tf(70, 55))])])
    pair("hstack_vs_absolute", hs, ab, "HStack layout vs the same offsets as translations")
    wrap = text("alpha beta gamma delta", size=24, max_width=150)
    nl = text("alpha beta\ngamma\ndelta", size=24)
    pair(
        "wrap_vs_newline",
        one(wrap, tf(20, 20)),
        one(nl, tf(20, 20)),
        "wrapping at max_width vs explicit newlines at the same breaks",
        requires={"rasterizer": ["text"]},
    )
    wipe1 = comp(
        {"a": image("assets/layer_a.png"), "b": image("assets/layer_b.png")},
        [
            track(
                "t",
                [
                    clip("a", "a", 0, 12, tout=trans("wipe", 8, dir="ltr", soft_edge=0.3)),
                    clip("b", "b", 4, 20, z=1, tin=trans("wipe", 8, dir="ltr", soft_edge=0.3)),
                ],
            )
        ],
        duration=20,
    )
    only_b = comp(
        {"b": image("assets/layer_b.png")}, [track("t", [clip("b", "b", 0, 20)])], duration=20
    )
    pair(
        "wipe_end_vs_incoming",
        wipe1,
        only_b,
        "a soft wipe at t = 1 shows only the incoming layer",
        frames=[11],
        roles=["rasterizer", "compositor", "decoder"],
        requires={"rasterizer": ["images"], "compositor": ["wipe"]},
    )
    return out


# ---------------------------------------------------------------------------- writing

# Per category, against the stored reference (skia rasterizer + numpy compositor), keyed
# by the role whose implementation differs from the reference's; when several differ the
# loosest of their tolerances applies, and the reference combination itself must match its
# stored images exactly. max_diff: the largest channel difference allowed; max_pixels: how
# many pixels may differ at all (null: any number); min_psnr: dB over premultiplied BGRA.
# Set from measured data: see conformance/README.md.
EXACT = {"max_diff": 0, "max_pixels": 0}
ONE_LEVEL = {"max_diff": 1, "max_pixels": None}


def edges(max_diff: int, max_pixels: int, min_psnr: float) -> dict:
    """Anti-aliasing differences: up to ``max_pixels`` pixels off by more than one level
    (edges), any number off by one (coverage and alpha rounding), and a PSNR floor."""
    return {"max_diff": max_diff, "max_pixels": max_pixels, "ignore_1": True, "min_psnr": min_psnr}


# Measured worst cases (cairo rasterizer vs skia, opencv decoder vs pyav; 2026-11) are in
# conformance/README.md; each bound is that figure with a small margin.
TOLERANCES = {
    "geometry": {"rasterizer": edges(64, 1000, 42.0), "compositor": ONE_LEVEL},
    "text": {"rasterizer": edges(80, 3500, 40.0), "compositor": ONE_LEVEL},
    "image": {"rasterizer": edges(32, 4000, 50.0), "compositor": ONE_LEVEL, "decoder": EXACT},
    "svg": {"rasterizer": edges(8, 150, 58.0), "compositor": ONE_LEVEL},
    "composite": {"rasterizer": edges(32, 700, 50.0), "compositor": ONE_LEVEL, "decoder": EXACT},
    "animation": {"rasterizer": edges(32, 250, 48.0), "compositor": ONE_LEVEL},
    # Shapes are drawn natively by each rasterizer (gradients, strokes, dashes): the
    # format's parity target is 35 dB on every frame. A translucent paint drawn straight
    # into the frame (skia, cairo) is blended by the rasterizer, not composited from an
    # isolated layer as on the exact compositor: two roundings apart, up to 2 levels.
    "shape": {
        "rasterizer": edges(255, None, 35.0),
        "compositor": {"max_diff": 2, "max_pixels": None},
    },
    # Styled text and captions: the same outlines and rasters on every rasterizer, held to
    # 40 dB between them (glyph curves are flattened in the core: skia's coverage of small
    # curves was 36 dB from the exact area). Translucent boxes, shadows and strokes drawn
    # straight into the frame are two roundings from the isolated layer: up to 2 levels.
    "typography": {
        "rasterizer": edges(80, None, 40.0),
        "compositor": {"max_diff": 2, "max_pixels": None},
    },
    "layout": {"rasterizer": edges(64, 450, 42.0), "compositor": ONE_LEVEL},
    "transition": {"rasterizer": EXACT, "compositor": ONE_LEVEL, "decoder": EXACT},
    "blur": {"rasterizer": edges(48, 1000, 48.0), "compositor": ONE_LEVEL, "decoder": EXACT},
    "video": {"rasterizer": edges(32, 900, 48.0), "compositor": ONE_LEVEL, "decoder": ONE_LEVEL},
    "scene": {
        "rasterizer": edges(32, 600, 52.0),
        "compositor": ONE_LEVEL,
        "decoder": edges(2, 100, 70.0),
    },
    "blend": {
        "rasterizer": edges(32, 4000, 48.0),
        "compositor": {"max_diff": 3, "max_pixels": None},
        "decoder": EXACT,
    },
    "reftest": {"same": {"max_diff": 0, "max_pixels": 0}},
}


def exact_ops() -> list[dict]:
    """Rows of the exact-math section: composite ops on random premultiplied images."""
    ops: list[dict] = [
        {"id": f"over_{o}".replace(".", "_"), "op": "over", "params": {"opacity": o}}
        for o in (1.0, 0.5, 0.137)
    ]
    ops += [
        {"id": f"crossfade_{t}".replace(".", "_"), "op": "crossfade", "params": {"t": t}}
        for t in (0.3, 0.5, 0.91)
    ]
    for d in ("ltr", "rtl", "ttb", "btt"):
        ops.append({"id": f"wipe_{d}_hard", "op": "wipe", "params": {"t": 0.4, "dir": d}})
        ops.append(
            {
                "id": f"wipe_{d}_soft",
                "op": "wipe",
                "params": {"t": 0.4, "dir": d, "soft_edge": 0.25},
            }
        )
    for r, sigma in ((1, None), (3, 2.0), (8, None), (20, 6.5)):
        params: dict[str, Any] = {"radius_px": r}
        if sigma is not None:
            params["sigma"] = sigma
        ops.append({"id": f"blur_r{r}", "op": "blur", "params": params})
    # blend modes against real-valued W3C formulas: within 3 levels on every compositor
    # (the numpy reference rounds three times, skia's 8-bit pipeline a little more)
    for mode in BLEND_MODES[1:]:
        for o in (1.0, 0.6):
            ops.append(
                {
                    "id": f"blend_{mode}_{o}".replace(".", "_"),
                    "op": "blend",
                    "params": {"mode": mode, "opacity": o},
                    "tolerance": {"max_diff": 3, "max_pixels": None},
                }
            )
    return ops


def main() -> None:
    make_images()
    make_transcript()
    index_cases: list[dict] = []
    for cid, doc, meta in [
        *geometry(),
        *texts(),
        *images(),
        *compositing(),
        *layouts(),
        *transitions(),
        *blurs(),
        *video(),
        *blends(),
        *shapes(),
        *typography(),
    ]:
        (HERE / f"{cid}.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
        entry = {
            "id": cid,
            "file": f"{cid}.json",
            "frames": [0],
            "roles": ["rasterizer", "compositor"],
            "background": BG,
            **meta,
        }
        index_cases.append(entry)
    for cid, meta in scenes():
        index_cases.append(
            {
                "id": cid,
                "frames": [0],
                "roles": ["rasterizer", "compositor"],
                "background": BG,
                **meta,
            }
        )
    index = {
        "format": 1,
        "reference": {
            "rasterizer": "skia",
            "compositor": "numpy",
            "decoder": "pyav",
            "encoder": "pyav",
        },
        "tolerances": TOLERANCES,
        "cases": index_cases,
        "reftests": reftests(),
        "exact": {
            "size": [97, 61],
            "seed": 20261126,
            # A compositor with the "exact" capability must match bit for bit; the others
            # are held to the target for compositing ops: within 1 level.
            "tolerance": {
                "exact": {"max_diff": 0, "max_pixels": 0},
                "native": {"max_diff": 1, "max_pixels": None},
            },
            "ops": exact_ops(),
        },
    }
    (HERE / "index.json").write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(index_cases)} cases and {len(index['reftests'])} reftests")


if __name__ == "__main__":
    main()
