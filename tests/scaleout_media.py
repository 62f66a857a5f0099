"""Compositions for the scale-out tests and benchmark: a card with text, a shared image, a
moving vector shape and (optionally) a tone; ``placeholders=True`` makes it a batch template
with ``${title}``, ``${color}``, ``${size}`` and ``${photo}``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from tests.media import write_png, write_tone

FONT = (
    Path(__file__).resolve().parent.parent
    / "conformance/wavyte_conformance/cases/assets/fonts/DejaVuSans.ttf"
)


def _keys(*pairs: tuple[int, Any], mode: str = "Linear") -> dict:
    return {
        "Keyframes": {
            "keys": [{"frame": f, "value": v, "ease": "Linear"} for f, v in pairs],
            "mode": mode,
            "default": None,
        }
    }


def _tr(x: float, y: float, rot: float = 0.0, s: float = 1.0) -> dict:
    return {
        "translate": {"x": x, "y": y},
        "rotation_rad": rot,
        "scale": {"x": s, "y": s},
        "anchor": {"x": 0.0, "y": 0.0},
    }


def _clip(cid: str, asset: str, end: int, transform: dict, opacity: dict | None = None) -> dict:
    return {
        "id": cid,
        "asset": asset,
        "range": {"start": 0, "end": end},
        "props": {
            "transform": transform,
            "opacity": opacity or _keys((0, 1.0), mode="Hold"),
            "blend": "Normal",
        },
        "z_offset": 0,
        "effects": [],
        "transition_in": None,
        "transition_out": None,
    }


def write_assets(folder: Path, *, audio_seconds: float | None = None) -> None:
    """font.ttf, photo.png, photo2.png (and tone.wav) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FONT, folder / "font.ttf")
    y, x = np.mgrid[0:120, 0:160]
    rgba = np.stack(
        [x * 255 // 159, y * 255 // 119, 255 - x * 255 // 159, np.full_like(x, 255)], -1
    )
    write_png(folder / "photo.png", rgba.astype(np.uint8))
    write_png(folder / "photo2.png", rgba[::-1].astype(np.uint8).copy())
    if audio_seconds:
        write_tone(folder / "tone.wav", audio_seconds)


def card(
    width: int,
    height: int,
    frames: int,
    *,
    fps: int = 30,
    placeholders: bool = False,
    audio: bool = False,
) -> dict:
    """The card composition as a JSON value (write it next to `write_assets`' files)."""
    title = "${title}" if placeholders else "wavyte at scale"
    color = "${color}" if placeholders else [255, 220, 120, 255]
    size = "${size}" if placeholders else round(height / 8, 1)
    photo = "${photo}" if placeholders else "photo.png"
    assets: dict[str, Any] = {
        "title": {
            "Text": {
                "text": title,
                "font_source": "font.ttf",
                "size_px": size,
                "color_rgba8": color,
            }
        },
        "photo": {"Image": {"source": photo}},
        "star": {
            "Path": {
                "svg_path_d": "M 0 -20 L 6 -6 L 20 -6 L 9 3 L 13 18 L 0 9 L -13 18 L -9 3 L -20 -6 L -6 -6 Z"
            }
        },
    }
    clips = [
        _clip(
            "bg",
            "photo",
            frames,
            _keys(
                (0, _tr(0, 0, 0, width / 160)), (frames - 1, _tr(-width / 10, 0, 0, width / 130))
            ),
        ),
        _clip(
            "star",
            "star",
            frames,
            _keys(
                (0, _tr(width * 0.1, height * 0.7)),
                (frames - 1, _tr(width * 0.9, height * 0.3, 6.28, 2.0)),
            ),
        ),
        _clip(
            "title",
            "title",
            frames,
            _keys((0, _tr(width * 0.05, height * 0.1))),
            _keys((0, 0.0), (frames // 3, 1.0)),
        ),
    ]
    if audio:
        assets["tone"] = {"Audio": {"source": "tone.wav"}}
        clips.append(_clip("tone", "tone", frames, _keys((0, _tr(0, 0)), mode="Hold")))
    return {
        "fps": {"num": fps, "den": 1},
        "canvas": {"width": width, "height": height},
        "duration": frames,
        "assets": assets,
        "tracks": [{"name": "main", "z_base": 0, "clips": clips}],
        "seed": 7,
    }


def write_card(path: Path, *args: Any, **kw: Any) -> Path:
    path.write_text(json.dumps(card(*args, **kw), indent=1))
    return path
