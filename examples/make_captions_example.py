"""Make the vertical captions example: a 20-second background video, a word-timed
transcript and the composition that puts word-highlighted captions over them.

    python examples/make_captions_example.py      # writes the three files below
    wavyte render examples/captions.json -o captions.mp4

Outputs (committed; this script documents how they were made, reproducibly):
- ``examples/assets/captions_background.mp4``: 20 s, 540×960, 30 fps, H.264; slow
  drifting colour fields (drawn with numpy, encoded with PyAV), shown at 2× on the canvas;
- ``examples/assets/captions_transcript.json``: Whisper-style segments with word times;
- ``examples/captions.json``: 1080×1920, 600 frames: the video, a title with styled runs,
  and ``WordPop`` captions (highlight box and scale, stroke, shadow) in the lower third.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

HERE = Path(__file__).parent
ASSETS = HERE / "assets"
FPS, SECONDS = 30, 20
W, H = 540, 960

SCRIPT = [
    # (start, text): each sentence's words are spread over its span by their lengths
    (0.4, "Six months ago this harbour was empty."),
    (3.1, "Now every morning forty boats head out before sunrise,"),
    (6.9, "and by noon the market is full of voices."),
    (10.0, "We asked the fishermen what changed."),
    (12.6, "Their answer was simple: the young ones came back."),
    (16.2, "Caught on camera, captioned by wavyte."),
]


def background_frame(i: int) -> np.ndarray:
    """Frame ``i`` of the background: two drifting colour fields over a dark gradient."""
    t = i / FPS
    y = np.linspace(0.0, 1.0, H, dtype=np.float32)[:, None]
    x = np.linspace(0.0, 1.0, W, dtype=np.float32)[None, :]
    img = np.empty((H, W, 3), np.float32)
    base = 0.12 + 0.10 * y
    for k, (cx, cy, col, sp) in enumerate(
        [(0.3, 0.3, (0.95, 0.45, 0.25), 0.11), (0.7, 0.7, (0.2, 0.5, 0.95), 0.07)]
    ):
        px = cx + 0.25 * np.sin(t * sp * 6.283 + k)
        py = cy + 0.2 * np.cos(t * sp * 4.0 + 2 * k)
        blob = np.exp(-(((x - px) ** 2) + ((y - py) ** 2) * 0.5) / 0.06)
        for c in range(3):
            img[..., c] = (base if k == 0 else img[..., c]) + 0.75 * blob * col[c]
    waves = 0.03 * np.sin(y * 40.0 + t * 1.5) * np.sin(x * 9.0 - t)
    img += waves[..., None]
    return (np.clip(img, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def write_background(path: Path) -> None:
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=FPS)
        s.width, s.height, s.pix_fmt = W, H, "yuv420p"
        s.options = {"crf": "30", "preset": "medium"}
        s.time_base = Fraction(1, FPS)
        for i in range(FPS * SECONDS):
            frame = av.VideoFrame.from_ndarray(background_frame(i), format="rgb24")
            frame.pts = i
            for p in s.encode(frame):
                c.mux(p)
        for p in s.encode():
            c.mux(p)


def transcript() -> dict:
    """Whisper-style segments; word times in proportion to word length, small gaps."""
    segs = []
    for n, (start, text) in enumerate(SCRIPT):
        end = SCRIPT[n + 1][0] - 0.35 if n + 1 < len(SCRIPT) else SECONDS - 0.5
        words = text.split()
        weights = [len(w) + 2 for w in words]
        total = sum(weights)
        t = start
        ws = []
        for w, k in zip(words, weights, strict=True):
            d = (end - start) * k / total
            ws.append({"start": round(t, 3), "end": round(t + d * 0.85, 3), "word": w})
            t += d
        segs.append({"start": start, "end": round(end, 3), "text": text, "words": ws})
    return {"segments": segs}


def const(v: object) -> dict:
    return {"Keyframes": {"keys": [{"frame": 0, "value": v, "ease": "Linear"}], "mode": "Hold",
                          "default": None}}  # fmt: skip


def place(x: float, y: float, s: float = 1.0) -> dict:
    return {"translate": {"x": x, "y": y}, "rotation_rad": 0.0, "scale": {"x": s, "y": s},
            "anchor": {"x": 0.0, "y": 0.0}}  # fmt: skip


def clip(cid: str, asset: str, t: dict, opacity: object = 1.0) -> dict:
    return {"id": cid, "asset": asset, "range": {"start": 0, "end": FPS * SECONDS},
            "props": {"transform": const(t),
                      "opacity": opacity if isinstance(opacity, dict) else const(opacity),
                      "blend": "Normal"},
            "z_offset": 0, "effects": [], "transition_in": None, "transition_out": None}  # fmt: skip


def composition() -> dict:
    font = "assets/fonts/DejaVuSans.ttf"
    bold = "assets/fonts/NotoSansDisplay-Bold.ttf"
    title = {
        "Text": {
            "runs": [
                {"text": "HARBOUR ", "font_source": bold},
                {"text": "stories", "color_rgba8": "#ffd600", "font_source": bold},
            ],
            "font_source": font,
            "size_px": 96,
            "max_width_px": 960,
            "align": "Center",
            "letter_spacing": 2.0,
            "shadow": {"offset": {"x": 0, "y": 6}, "blur": 16, "color": "#000000a0"},
        }
    }
    captions = {
        "Captions": {
            "source": "assets/captions_transcript.json",
            "font_source": bold,
            "size_px": 76,
            "max_width_px": 940,
            "max_lines": 2,
            "max_words_per_page": 6,
            "style": "WordPop",
            "highlight": {"color": "#ffffff", "background": "#e0306a", "scale": 1.12},
            "stroke": {"width": 10, "paint": {"Solid": "#000000"}, "join": "Round"},
            "shadow": {"offset": {"x": 0, "y": 6}, "blur": 10, "color": "#00000090"},
        }
    }
    fade = {
        "Keyframes": {
            "keys": [
                {"frame": 0, "value": 0.0, "ease": "OutCubic"},
                {"frame": 20, "value": 1.0, "ease": "Linear"},
            ],
            "mode": "Linear",
            "default": None,
        }
    }
    return {
        "fps": {"num": FPS, "den": 1},
        "canvas": {"width": 1080, "height": 1920},
        "duration": FPS * SECONDS,
        "assets": {
            "bg": {"Video": {"source": "assets/captions_background.mp4", "muted": True}},
            "title": title,
            "captions": captions,
        },
        "tracks": [
            {"name": "video", "z_base": 0, "clips": [clip("bg", "bg", place(0, 0, 2.0))]},
            {"name": "title", "z_base": 1, "clips": [clip("title", "title", place(60, 180),
                                                          fade)]},
            {"name": "captions", "z_base": 2,
             "clips": [clip("captions", "captions", place(70, 1250))]},
        ],
        "seed": 7,
    }  # fmt: skip


def main() -> None:
    ASSETS.mkdir(exist_ok=True)
    write_background(ASSETS / "captions_background.mp4")
    (ASSETS / "captions_transcript.json").write_text(json.dumps(transcript(), indent=1) + "\n")
    (HERE / "captions.json").write_text(json.dumps(composition(), indent=1) + "\n")
    print("wrote examples/captions.json and its assets")


if __name__ == "__main__":
    main()
