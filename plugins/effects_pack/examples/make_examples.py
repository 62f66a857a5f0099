"""Write the effects pack's example compositions (one per effect and transition) and their
generated assets. Run from anywhere:

    python plugins/effects_pack/examples/make_examples.py

Each ``<name>.json`` is a small (320×180) composition that uses one pack kind over the
same photo, so the skia/cairo comparison test, the contact sheet and a reader all see one
feature at a time. ``index.json`` maps each kind to its file and the frame that shows it.
``showcase.json`` puts several effects and an animated param into one scene.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from wavyte_effects_pack.kernels import cube

from wavyte_core.format import builder as b
from wavyte_core.format.dump import composition_to_json
from wavyte_core.format.model import TransitionSpec

HERE = Path(__file__).resolve().parent
W, H, FPS, D = 320, 180, 30, 30
STAR = "M50,0 L61.8,35.1 L98.9,35.1 L68.9,56.8 L80.3,91.9 L50,70.2 L19.7,91.9 L31.1,56.8 L1.1,35.1 L38.2,35.1 Z"
CARD = "M0,0 H150 V96 H0 Z"
SHOW_FRAME = 15  # effects: any frame; transitions: the middle (t = 0.5)


def write_assets() -> None:
    """A green-screen still (a figure with green fringes) and a small teal/orange LUT."""
    assets = HERE / "assets"
    img = np.zeros((120, 160, 4), np.uint8)
    img[...] = (40, 200, 30, 255)  # BGRA green screen, slightly uneven
    img[:, :, 1] = np.clip(180 + np.arange(160)[None, :] // 4, 0, 255)
    cv2.circle(img, (80, 50), 28, (60, 120, 230, 255), -1, cv2.LINE_AA)  # face (orange)
    cv2.ellipse(img, (80, 118), (50, 40), 0, 180, 360, (160, 70, 40, 255), -1, cv2.LINE_AA)
    cv2.circle(img, (80, 50), 30, (90, 200, 110, 255), 2, cv2.LINE_AA)  # green spill rim
    bgr = img[..., :3]
    cv2.imwrite(str(assets / "greenscreen.png"), bgr)
    # the "teal_orange" preset as a file, to show a .cube loaded from the asset root
    lut = cube.preset_lut("teal_orange", size=9)
    (assets / "teal_orange.cube").write_text(cube.cube_text(lut), encoding="utf-8")


def _base() -> b.CompositionBuilder:
    c = b.CompositionBuilder(width=W, height=H, fps=FPS, duration=D, seed=7)
    c.image("photo", "assets/landscape.jpg")
    return c


def _background(c: b.CompositionBuilder) -> None:
    c.track("background", z_base=0).clip(
        "bg", asset="photo", start=0, end=D, transform=b.transform(scale=0.5)
    )


def effect_example(kind: str, params: dict[str, Any], subject: str) -> str:
    """The photo as background, one subject layer carrying the effect."""
    c = _base()
    t = b.transform
    if subject == "photo":  # the effect on a framed photo
        sub, tr = "photo", t(60, 30, scale=0.3)
        _background(c)
    elif subject == "star":
        c.path("star", STAR)
        sub, tr = "star", t(110, 40)
        _background(c)
    elif subject == "card":
        c.path("card", CARD)
        sub, tr = "card", t(85, 42)
        _background(c)
    elif subject == "green":
        c.image("green", "assets/greenscreen.png")
        sub, tr = "green", t(80, 30)
        _background(c)
    else:  # "full": the effect on the full-frame photo
        sub, tr = "photo", t(scale=0.5)
    c.track("subject", z_base=1).clip(
        "subject", asset=sub, start=0, end=D, transform=tr, effects=[b.effect(kind, **params)]
    )
    return composition_to_json(c.build(check=False), indent=1)


def transition_example(kind: str, params: dict[str, Any] | None) -> str:
    """The photo (outgoing) into a tinted, flipped copy (incoming) over frames 5..25."""
    c = _base()
    spec = TransitionSpec(kind, 20, b._ease("Linear"), params)
    c.track("main", z_base=0).clip(
        "a", asset="photo", start=0, end=25, transform=b.transform(scale=0.5), transition_out=spec
    ).clip(
        "b",
        asset="photo",
        start=5,
        end=D,
        transform=b.transform(320, 0, scale=(-0.5, 0.5)),
        effects=[b.effect("fx.color_adjust", hue=150.0, saturation=1.4)],
        transition_in=spec,
    )
    return composition_to_json(c.build(check=False), indent=1)


EFFECT_EXAMPLES: dict[str, tuple[dict[str, Any], str]] = {
    "fx.color_adjust": (
        {"brightness": 0.05, "contrast": 1.3, "saturation": 1.6, "hue": -20.0},
        "full",
    ),
    "fx.lut": ({"file": "assets/teal_orange.cube"}, "full"),
    "fx.drop_shadow": ({"offset": [8.0, 8.0], "radius": 10.0, "opacity": 0.8}, "star"),
    "fx.glow": ({"radius": 16.0, "colour": "#ffd040", "intensity": 2.0}, "star"),
    "fx.outline": ({"width": 4.0, "colour": "#202040"}, "star"),
    "fx.vignette": ({"amount": 0.8, "radius": 0.5, "softness": 0.8}, "full"),
    "fx.chroma_key": (
        {"key": "#28c828", "tolerance": 0.12, "softness": 0.08, "spill": 0.8},
        "green",
    ),
    "fx.pixelate": ({"size": 10}, "photo"),
    "fx.grain": ({"amount": 0.25, "size": 1.5}, "full"),
    "fx.sharpen": ({"amount": 2.5, "radius": 3.0}, "full"),
    "fx.rounded_corners": ({"radius": 24.0}, "photo"),
}

TRANSITION_EXAMPLES: dict[str, dict[str, Any] | None] = {
    "fx.slide": {"side": "right"},
    "fx.push": {"side": "bottom"},
    "fx.zoom": {"strength": 1.0},
    "fx.iris": {"softness": 6.0},
    "fx.radial": None,
    "fx.windowslice": {"count": 8.0},
    "fx.randomsquares": {"columns": 16, "rows": 9, "seed": 3},
    "fx.directionalwarp": {"direction": [-1.0, 1.0]},
}


#: skia vs cairo tolerances (wavyte_conformance.metrics.Tolerance as JSON) for examples whose
#: layers have anti-aliased edges the two rasterizers draw differently; the pack's numpy
#: work on top is the same. An outline thresholds alpha at ½, so an edge pixel that one
#: backend covers 49 % and the other 51 % flips; glow/shadow spread edge differences.
#: Everything else must match exactly.
TOLERANCES: dict[str, dict[str, Any]] = {
    "fx.drop_shadow": {"max_diff": 48, "max_pixels": 2400, "min_psnr": 45.0},
    "fx.glow": {"max_diff": 48, "max_pixels": 3200, "min_psnr": 45.0},
    "fx.outline": {"max_diff": 100, "max_pixels": 720, "min_psnr": 40.0},
    "fx.pixelate": {"max_diff": 2, "max_pixels": 3600, "min_psnr": 60.0},
    "fx.rounded_corners": {"max_diff": 10, "max_pixels": 9000, "min_psnr": 55.0},
    "showcase": {"max_diff": 128, "max_pixels": 8500, "min_psnr": 38.0},
}
EXACT: dict[str, Any] = {"max_diff": 0, "max_pixels": 0, "min_psnr": None}


def showcase() -> str:
    """Several pack effects in one scene, one param animated (hue keyframes)."""
    c = _base()
    c.path("star", STAR)
    c.path("card", CARD)
    hue = {
        "Keyframes": {
            "keys": [
                {"frame": 0, "value": -60.0, "ease": "InOutCubic"},
                {"frame": D - 1, "value": 60.0, "ease": "Linear"},
            ],
            "mode": "Linear",
            "default": None,
        }
    }
    t = b.transform
    c.track("background", z_base=0).clip(
        "bg",
        asset="photo",
        start=0,
        end=D,
        transform=t(scale=0.5),
        effects=[
            b.effect("fx.color_adjust", hue=hue, saturation=1.3),
            b.effect("fx.vignette", amount=0.6),
            b.effect("fx.grain", amount=0.12),
        ],
    )
    c.track("cards", z_base=1).clip(
        "card",
        asset="photo",
        start=0,
        end=D,
        transform=t(24, 24, scale=0.22),
        effects=[
            b.effect("fx.rounded_corners", radius=14.0),
            b.effect("fx.drop_shadow", offset=[5.0, 6.0], radius=8.0),
        ],
    ).clip(
        "star",
        asset="star",
        start=0,
        end=D,
        z_offset=1,
        transform=t(200, 50),
        effects=[b.effect("fx.outline", width=3.0), b.effect("fx.glow", colour="#ffe070")],
    )
    return composition_to_json(c.build(check=False), indent=1)


def _entry(kind: str, role: str, file: str, frames: list[int]) -> dict[str, Any]:
    """An index row: the first frame is the one the contact sheet shows."""
    tol = TOLERANCES.get(kind, EXACT)
    return {"kind": kind, "role": role, "file": file, "frames": frames, "tolerance": tol}


def main() -> None:
    write_assets()
    index: list[dict[str, Any]] = []
    for kind, (params, subject) in EFFECT_EXAMPLES.items():
        name = kind.split(".", 1)[1]
        (HERE / f"{name}.json").write_text(effect_example(kind, params, subject) + "\n")
        index.append(_entry(kind, "effect", f"{name}.json", [SHOW_FRAME]))
    for kind, tparams in TRANSITION_EXAMPLES.items():
        name = kind.split(".", 1)[1]
        (HERE / f"{name}.json").write_text(transition_example(kind, tparams) + "\n")
        index.append(_entry(kind, "transition", f"{name}.json", [SHOW_FRAME, 10]))
    (HERE / "showcase.json").write_text(showcase() + "\n")
    index.append(_entry("showcase", "scene", "showcase.json", [SHOW_FRAME, 29]))
    (HERE / "index.json").write_text(json.dumps(index, indent=1) + "\n")


if __name__ == "__main__":
    main()
