"""Render the pictures of docs/format.md's "Text: typography" and "Captions" sections
into docs/img/ (one small PNG per feature), with the skia backend.

    python scripts/typography_pictures.py

Fonts: DejaVu Sans from examples/assets/fonts and, for the emoji, Debian's Noto Color
Emoji (scripts/install-fonts); a COLR picture uses a tiny font made with fontTools.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"
EMOJI = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")


def _const(v: object) -> dict:
    return {"Keyframes": {"keys": [{"frame": 0, "value": v, "ease": "Linear"}], "mode": "Hold",
                          "default": None}}  # fmt: skip


def _clip(cid: str, asset: str, x: float, y: float, frames: int) -> dict:
    t = {"translate": {"x": x, "y": y}, "rotation_rad": 0.0, "scale": {"x": 1.0, "y": 1.0},
         "anchor": {"x": 0.0, "y": 0.0}}  # fmt: skip
    return {"id": cid, "asset": asset, "range": {"start": 0, "end": frames},
            "props": {"transform": _const(t), "opacity": _const(1.0), "blend": "Normal"},
            "z_offset": 0, "effects": [], "transition_in": None, "transition_out": None}  # fmt: skip


def doc(assets: dict, places: list[tuple[str, float, float]], w: int, h: int, frames: int = 1):
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": w, "height": h},
        "duration": frames,
        "assets": assets,
        "tracks": [
            {"name": f"t{i}", "z_base": i, "clips": [_clip(f"c{i}", k, x, y, frames)]}
            for i, (k, x, y) in enumerate(places)
        ],  # fmt: skip
        "seed": 0,
    }


def text(**kw: object) -> dict:
    return {"Text": {"font_source": "dejavu.ttf", "size_px": 30, **kw}}


def pictures() -> dict[str, tuple[dict, int]]:
    """Picture name → (composition, frame)."""
    grad = {"LinearGradient": {"start": [0, 0], "end": [520, 0], "stops": [
        {"offset": 0, "color": "#ff5a36"}, {"offset": 1, "color": "#6c3cff"}]}}  # fmt: skip
    lorem = "Alignment follows the box: lines are placed left, centred, right or justified."
    out: dict[str, tuple[dict, int]] = {
        "text-runs": (
            doc(
                {
                    "t": text(
                        runs=[
                            {"text": "Runs mix "},
                            {"text": "sizes, ", "size_px": 40},
                            {"text": "colours", "color_rgba8": "#ffcc33"},
                            {"text": ", "},
                            {"text": "underlines", "underline": True},
                            {"text": " and "},
                            {"text": "backgrounds", "background": "#c03060"},
                            {"text": " in one shaped paragraph."},
                        ],
                        max_width_px=540,
                    )
                },
                [("t", 20, 16)],
                580,
                140,
            ),
            0,
        ),  # fmt: skip
        "text-align": (
            doc(
                {
                    "l": text(text=lorem, size_px=18, max_width_px=260, align="Left"),
                    "c": text(text=lorem, size_px=18, max_width_px=260, align="Center"),
                    "r": text(text=lorem, size_px=18, max_width_px=260, align="Right"),
                    "j": text(text=lorem, size_px=18, max_width_px=260, align="Justify"),
                },
                [("l", 20, 12), ("c", 300, 12), ("r", 20, 110), ("j", 300, 110)],
                580,
                200,
            ),
            0,
        ),
        "text-bidi": (
            doc(
                {
                    "a": text(
                        text="Bidi: the word שלום עולם reads right to left, 123 stays.",
                        size_px=22,
                        max_width_px=540,
                    ),
                    "b": text(
                        text="مرحبا بالعالم (hello world) 2026!",
                        size_px=26,
                        direction="Rtl",
                        align="Right",
                        max_width_px=540,
                    ),
                },
                [("a", 20, 14), ("b", 20, 80)],
                580,
                130,
            ),
            0,
        ),
        "text-fallback-emoji": (
            doc(
                {
                    "t": text(
                        text="Fallback fonts per character: 🚀 ✨ 🎬 and colour emoji",
                        size_px=28,
                        max_width_px=560,
                        font_fallback=["emoji.ttf"],
                    )
                },
                [("t", 14, 16)],
                580,
                110,
            ),
            0,
        ),
        "text-stroke-shadow-box": (
            doc(
                {
                    "s": text(
                        text="Gradient, stroke",
                        size_px=52,
                        fill=grad,
                        stroke={"width": 8, "paint": {"Solid": "#ffffff"}, "join": "Round"},
                    ),
                    "b": text(
                        text="Caption boxes per line\nwith a soft shadow",
                        size_px=26,
                        align="Center",
                        max_width_px=420,
                        shadow={"offset": {"x": 0, "y": 4}, "blur": 8, "color": "#000000c0"},
                        background={
                            "color": "#000000a0",
                            "padding": {"left": 14, "right": 14, "top": 4, "bottom": 4},
                            "corner_radius": 10,
                            "mode": "Lines",
                        },
                    ),
                },
                [("s", 24, 10), ("b", 80, 96)],
                580,
                200,
            ),
            0,
        ),  # fmt: skip
        "text-fit": (
            doc(
                {
                    "a": text(text="Short", size_px=80, fit={"width": 260, "height": 90}),
                    "b": text(
                        text="A much longer title that has to shrink to fit",
                        size_px=80,
                        fit={"width": 260, "height": 90, "min_size_px": 10, "max_lines": 2},
                        background={"color": "#304060", "padding": 0},
                    ),
                },
                [("a", 20, 20), ("b", 300, 20)],
                580,
                130,
            ),
            0,
        ),
    }
    for style in ("Static", "Karaoke", "WordPop", "WordByWord"):
        cap = {"Captions": {
            "source": "talk.json", "font_source": "dejavu.ttf", "size_px": 30,
            "max_width_px": 520, "max_lines": 2, "style": style,
            "highlight": {"color": "#ffd600", "background": "#7030a0" if style == "WordPop"
                          else None, "scale": 1.15 if style == "WordPop" else 1.0},
            "stroke": {"width": 5, "paint": {"Solid": "#000000"}, "join": "Round"}}}  # fmt: skip
        out[f"captions-{style.lower()}"] = (doc({"c": cap}, [("c", 30, 10)], 580, 100, 60), 40)
    return out


def _transcript() -> dict:
    words = ["Captions", "come", "from", "SRT", "VTT", "ASS", "or", "Whisper", "word", "timings"]
    ws = [{"start": 0.2 + 0.25 * i, "end": 0.2 + 0.25 * i + 0.2, "word": w}
          for i, w in enumerate(words)]  # fmt: skip
    return {"segments": [{"start": 0.2, "end": 3.0, "text": " ".join(words), "words": ws}]}


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from tests.fontmaker import box_font
    from wavyte_core.api import load, open_job
    from wavyte_core.output.png import write_png

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(ROOT / "examples" / "assets" / "fonts" / "DejaVuSans.ttf", root / "dejavu.ttf")
        if EMOJI.exists():
            shutil.copy(EMOJI, root / "emoji.ttf")
        else:
            box_font(root / "emoji.ttf", "")
        box_font(root / "colr.ttf", "", colr={"\u263a": [(0, (1, 0.8, 0.1, 1)),
                                                        (220, (0.9, 0.2, 0.4, 1))]})  # fmt: skip
        (root / "talk.json").write_text(json.dumps(_transcript()))
        for name, (comp_doc, frame) in pictures().items():
            comp = load(json.dumps(comp_doc).encode())
            with open_job(comp, assets_root=root, background=(18, 20, 28, 255)) as job:
                write_png(OUT / f"{name}.png", job.frame(frame))
            print(f"wrote docs/img/{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
