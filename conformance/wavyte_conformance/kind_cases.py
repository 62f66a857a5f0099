"""Generated conformance cases for every installed effect and transition kind.

``wavyte conformance`` adds one row per installed kind (built-in or plugin) to its matrix
(section ``effects``): a small composition using the kind with each of its declared
examples (side by side, so no layers overlap and the frame is the layers' own pixels) is
rendered on every rasterizer × compositor and compared with the reference combination,
exactly. A kind joins the matrix by being installed, like a backend.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from wavyte_core.plugin.registry import Registry

from .pngio import write_rgba_png

__all__ = ["KindCase", "kind_cases", "kind_examples", "write_kind_assets"]

W, H = 96, 64
FRAMES = (0, 3, 5)
_KF = '{{"Keyframes":{{"keys":[{{"frame":0,"value":{v},"ease":"Linear"}}],"mode":"Hold"}}}}'


@dataclass(frozen=True, slots=True)
class KindCase:
    id: str  # "effect/acme.tint"
    role: str
    kind: str
    plugin: str
    doc: dict[str, Any] = field(hash=False, compare=False)
    frames: tuple[int, ...] = FRAMES
    roles: tuple[str, ...] = ("rasterizer", "compositor")
    requires: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)


def rgba_pattern(h: int, w: int, seed: int) -> np.ndarray:
    """A straight-alpha RGBA test image: colour gradients, 6-px blocks of a seeded random
    colour, an alpha ramp and a transparent hole (smooth enough that rasterizers' bilinear
    filters agree within the image tolerance when a kind scales the layer)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    img = np.empty((h, w, 4), np.uint8)
    img[..., 0] = (x * 255 // max(w - 1, 1)).astype(np.uint8)
    img[..., 1] = (y * 255 // max(h - 1, 1)).astype(np.uint8)
    blocks = rng.integers(0, 256, (h // 6 + 1, w // 6 + 1), dtype=np.uint8)
    img[..., 2] = blocks[y // 6, x // 6]
    img[..., 3] = np.linspace(40, 255, w, dtype=np.uint8)[None, :]
    img[h // 3 : h // 2, w // 3 : w // 2, 3] = 0
    return img


def clip_json(cid: str, asset: str, start: int, end: int, x: int, y: int, **extra: Any) -> dict:
    """A clip at an integer position (images are then drawn exactly on every backend)."""
    tr = {
        "translate": {"x": x, "y": y},
        "rotation_rad": 0.0,
        "scale": {"x": 1.0, "y": 1.0},
        "anchor": {"x": 0.0, "y": 0.0},
    }
    return {
        "id": cid,
        "asset": asset,
        "range": {"start": start, "end": end},
        "props": {
            "transform": json.loads(_KF.format(v=json.dumps(tr))),
            "opacity": json.loads(_KF.format(v="1.0")),
            "blend": "Normal",
        },
        "z_offset": 0,
        "effects": extra.pop("effects", []),
        **extra,
    }


def comp_json(
    size: tuple[int, int], assets: dict[str, str], tracks: list[list[dict]], duration: int
) -> dict:
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": size[0], "height": size[1]},
        "duration": duration,
        "assets": {k: {"Image": {"source": v}} for k, v in assets.items()},
        "tracks": [
            {"name": f"t{i}", "z_base": i, "clips": clips} for i, clips in enumerate(tracks)
        ],
        "seed": 7,
    }


def write_kind_assets(root: Path) -> Path:
    """The images the generated cases use (written once; deterministic)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, (h, w, seed) in {
        "kind_small.png": (24, 36, 11),
        "kind_a.png": (H // 2, W, 12),
        "kind_b.png": (H // 2, W, 13),
    }.items():
        if not (root / name).exists():
            write_rgba_png(root / name, rgba_pattern(h, w, seed))
    return root


def kind_examples(spec: Any) -> list[dict[str, Any]]:
    """The declared examples, else the defaults (``{}``); at most two."""
    return [dict(e) for e in (spec.examples or ({},))][:2]


def _effect_doc(spec: Any) -> dict:
    clips = [
        clip_json(
            f"c{i}", "small", 0, 6, 6 + 48 * i, 20, effects=[{"kind": spec.name, "params": p}]
        )
        for i, p in enumerate(kind_examples(spec))
    ]
    return comp_json((W, H), {"small": "kind_small.png"}, [clips], 6)


def _transition_doc(spec: Any) -> dict:
    tracks = []
    for i, p in enumerate(kind_examples(spec)):
        t = {"kind": spec.name, "duration_frames": 5, "ease": "Linear", "params": p}
        y = i * (H // 2)
        tracks.append(
            [
                clip_json(f"a{i}", "a", 0, 6, 0, y, transition_out=t),
                clip_json(f"b{i}", "b", 1, 6, 0, y, transition_in=t),
            ]
        )
    return comp_json((W, H), {"a": "kind_a.png", "b": "kind_b.png"}, tracks, 6)


def kind_cases(registry: Registry) -> list[KindCase]:
    """One case per installed effect and transition kind, sorted by id."""
    out = []
    for role, table, make in (
        ("effect", registry.effects, _effect_doc),
        ("transition", registry.transitions, _transition_doc),
    ):
        seen: dict[str, Any] = {}
        for spec in table.values():
            seen.setdefault(spec.name, spec)
        for name in sorted(seen):
            out.append(
                KindCase(
                    f"{role}/{name}",
                    role,
                    name,
                    registry.kind_owner(role, name),
                    make(seen[name]),
                )
            )
    return out
