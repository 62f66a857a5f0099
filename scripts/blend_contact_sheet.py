"""Render docs/img/blend-modes.png: the 17 blend modes of one colour layer over a photo.

    .venv/bin/python scripts/blend_contact_sheet.py [--backend skia] [-o docs/img/blend-modes.png]

Every tile is a frame rendered by the engine from one composition built here with the
Python builder: examples/assets/landscape.jpg, and above it a hue sweep (left to right)
with a lightness ramp (top to bottom), fading out at its bottom, blended with the tile's
mode; the first tile is the photo alone. Only the label strips are drawn here (OpenCV's
Hershey font, so the sheet needs no font file).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import cv2
import numpy as np

from wavyte_core.api import render_frame
from wavyte_core.format.builder import CompositionBuilder, transform
from wavyte_core.render.blend_modes import BLEND_MODES

ROOT = Path(__file__).resolve().parent.parent
PHOTO = ROOT / "examples" / "assets" / "landscape.jpg"
W, H = 320, 214
TILE_W, TILE_H, LABEL_H, GAP, COLS = 240, 160, 22, 6, 6
BG = (28, 20, 18)  # BGR


def swatch(path: Path) -> None:
    """The blended layer: hue sweep × lightness ramp, alpha fading over its lowest fifth."""
    h, w = 150, 280
    y, x = np.mgrid[0:h, 0:w]
    hsv = np.stack([x * 179 // w, np.full_like(x, 230), 255 - y * 150 // h], axis=-1).astype(
        np.uint8
    )
    bgr = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)
    a = np.clip((h - y) * 255 // (h // 5), 0, 255).astype(np.uint8)
    cv2.imwrite(str(path), np.dstack([bgr, a]))


def render_tiles(backend: str, root: Path) -> list[tuple[str, np.ndarray]]:
    tiles = []
    for mode in ("(photo)", *BLEND_MODES):
        b = CompositionBuilder(width=W, height=H, fps=30, duration=1)
        b.image("photo", PHOTO.name)
        b.image("swatch", "swatch.png")
        b.track("photo").clip(
            "photo", asset="photo", start=0, end=1, transform=transform(scale=0.5)
        )
        if mode != "(photo)":
            b.track("top", z_base=1).clip(
                "top", asset="swatch", start=0, end=1, transform=transform(x=20, y=16), blend=mode
            )
        frame = render_frame(b.build(), 0, assets_root=root, backend=backend)
        bgr = np.ascontiguousarray(frame[..., :3])  # opaque background: premul == straight
        tiles.append((mode, cv2.resize(bgr, (TILE_W, TILE_H), interpolation=cv2.INTER_AREA)))
    return tiles


def sheet(tiles: list[tuple[str, np.ndarray]]) -> np.ndarray:
    rows = -(-len(tiles) // COLS)
    w = COLS * TILE_W + (COLS + 1) * GAP
    h = rows * (TILE_H + LABEL_H) + (rows + 1) * GAP
    out = np.empty((h, w, 3), np.uint8)
    out[...] = BG
    for i, (label, tile) in enumerate(tiles):
        r, c = divmod(i, COLS)
        x = GAP + c * (TILE_W + GAP)
        y = GAP + r * (TILE_H + LABEL_H + GAP)
        out[y : y + TILE_H, x : x + TILE_W] = tile
        cv2.putText(
            out,
            label,
            (x + 3, y + TILE_H + 16),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.5,
            (235, 235, 235),
            1,
            cv2.LINE_AA,
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backend", default="skia")
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "img" / "blend-modes.png")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / PHOTO.name).write_bytes(PHOTO.read_bytes())
        swatch(root / "swatch.png")
        img = sheet(render_tiles(args.backend, root))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(args.output), img, [cv2.IMWRITE_PNG_COMPRESSION, 9]):
        raise SystemExit(f"error: cannot write {args.output}")
    print(f"wrote {args.output} ({img.shape[1]}x{img.shape[0]})")


if __name__ == "__main__":
    main()
