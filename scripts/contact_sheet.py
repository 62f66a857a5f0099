"""Render docs/effects-contact-sheet.png: one labelled tile per effects-pack kind.

    .venv/bin/python scripts/contact_sheet.py [--backend skia] [-o docs/effects-contact-sheet.png]

Every tile is a frame rendered by the engine from the pack's example compositions
(plugins/effects_pack/examples/index.json: effects at frame 15, transitions at their
midpoint); only the label strip under each tile is drawn here (OpenCV's Hershey font, so
the sheet needs no font file).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

from wavyte_core.api import load, render_frame

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "plugins" / "effects_pack" / "examples"
TILE_W, TILE_H, LABEL_H, GAP, COLS = 224, 126, 22, 6, 5
BG = (28, 20, 18)  # BGR


def render_tiles(backend: str) -> list[tuple[str, np.ndarray]]:
    tiles = []
    for entry in json.loads((EXAMPLES / "index.json").read_text()):
        comp = load(EXAMPLES / entry["file"])
        frame = render_frame(comp, entry["frames"][0], assets_root=EXAMPLES, backend=backend)
        bgr = np.ascontiguousarray(frame[..., :3])  # opaque background: premul == straight
        tile = cv2.resize(bgr, (TILE_W, TILE_H), interpolation=cv2.INTER_AREA)
        label = entry["kind"] + ("" if entry["role"] != "transition" else "  (t = 0.5)")
        tiles.append((label, tile))
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
    ap.add_argument(
        "-o", "--output", type=Path, default=ROOT / "docs" / "effects-contact-sheet.png"
    )
    args = ap.parse_args()
    img = sheet(render_tiles(args.backend))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(args.output), img, [cv2.IMWRITE_PNG_COMPRESSION, 9]):
        raise SystemExit(f"error: cannot write {args.output}")
    print(f"wrote {args.output} ({img.shape[1]}x{img.shape[0]})")


if __name__ == "__main__":
    main()
