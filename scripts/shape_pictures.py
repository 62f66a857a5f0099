"""Render the pictures of docs/format.md's "Shape", "Paint and stroke" and "Easing"
sections into docs/img/ (one small PNG per feature), with the skia backend.

    python scripts/shape_pictures.py
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"
TEXT_FONT = ROOT / "examples" / "assets" / "fonts" / "DejaVuSans.ttf"


def _const(v: object) -> dict:
    return {"Keyframes": {"keys": [{"frame": 0, "value": v, "ease": "Linear"}], "mode": "Hold",
                          "default": None}}  # fmt: skip


def _tf(x: float, y: float) -> dict:
    return {"translate": {"x": x, "y": y}, "rotation_rad": 0.0, "scale": {"x": 1.0, "y": 1.0},
            "anchor": {"x": 0.0, "y": 0.0}}  # fmt: skip


def _clip(cid: str, asset: str, x: float, y: float, frames: int, t: dict | None = None) -> dict:
    return {"id": cid, "asset": asset, "range": {"start": 0, "end": frames},
            "props": {"transform": t or _const(_tf(x, y)), "opacity": _const(1.0),
                      "blend": "Normal"},
            "z_offset": 0, "effects": [], "transition_in": None, "transition_out": None}  # fmt: skip


def doc(assets: dict, places: list, w: int, h: int, frames: int = 1) -> dict:
    return {"fps": {"num": 30, "den": 1}, "canvas": {"width": w, "height": h},
            "duration": frames, "assets": assets,
            "tracks": [{"name": f"t{i}", "z_base": i,
                        "clips": [_clip(f"c{i}", p[0], p[1], p[2], frames, *p[3:])]}
                       for i, p in enumerate(places)],
            "seed": 0}  # fmt: skip


def shape(geometry: dict, **kw: object) -> dict:
    return {"Shape": {"geometry": geometry, **kw}}


def label(s: str) -> dict:
    return {"Text": {"text": s, "font_source": str(TEXT_FONT.name), "size_px": 13,
                     "color_rgba8": [200, 205, 220, 255]}}  # fmt: skip


def stops(*cs: object) -> list[dict]:
    n = len(cs) - 1
    return [{"offset": i / n, "color": c} for i, c in enumerate(cs)]


def with_labels(assets: dict, places: list, names: list[tuple[str, float, float]]) -> None:
    for i, (s, x, y) in enumerate(names):
        assets[f"label{i}"] = label(s)
        places.append((f"label{i}", x, y))


def pictures() -> dict[str, tuple[dict, int]]:
    out: dict[str, tuple[dict, int]] = {}
    white = {"width": 3, "paint": {"Solid": "#ffffff"}, "join": "Round"}
    a = {
        "rect": shape({"Rect": {"width": 90, "height": 60, "corner_radius": 14}},
                      fill={"Solid": "#ff5a36"}),
        "ellipse": shape({"Ellipse": {"width": 90, "height": 60}}, fill={"Solid": "#118ab2"}),
        "polygon": shape({"Polygon": {"sides": 6, "radius": 34, "corner_radius": 6}},
                         fill={"Solid": "#06d6a0"}),
        "star": shape({"Star": {"points": 5, "outer_radius": 36, "inner_radius": 15}},
                      fill={"Solid": "#ffd166"}),
        "line": shape({"Line": {"from": [0, 60], "to": [90, 0]}}, stroke={**white, "width": 5,
                                                                           "cap": "Round"}),
        "path": shape({"Path": {"svg_path_d": "M0 60 C20 -10 70 -10 90 60 Z M30 45 L60 45 L45 20 Z"}},
                      fill={"Solid": "#c77dff"}, fill_rule="EvenOdd"),
    }  # fmt: skip
    places = [(k, 20 + 112 * i, 20) for i, k in enumerate(a)]
    with_labels(a, places, [(k, 20 + 112 * i, 100) for i, k in enumerate(
        ["Rect", "Ellipse", "Polygon", "Star", "Line", "Path (EvenOdd)"])])  # fmt: skip
    out["shapes-geometry"] = (doc(a, places, 690, 124), 0)

    g3 = stops("#ff0000", "#ffff00", [0, 0, 255, 0])
    a = {}
    places = []
    names = []
    for i, ext in enumerate(("Pad", "Repeat", "Reflect")):
        a[f"l{ext}"] = shape(
            {"Rect": {"width": 120, "height": 70, "corner_radius": 8}},
            fill={
                "LinearGradient": {"start": [40, 10], "end": [80, 50], "stops": g3, "extend": ext}
            },
        )
        a[f"r{ext}"] = shape({"Ellipse": {"width": 120, "height": 70}},
                             fill={"RadialGradient": {"center": [60, 35], "radius": 30,
                                                      "focal": [45, 25], "stops": g3,
                                                      "extend": ext}})  # fmt: skip
        places += [(f"l{ext}", 20 + 140 * i, 16), (f"r{ext}", 20 + 140 * i, 100)]
        names.append((ext, 20 + 140 * i + 40, 176))
    a["stroked"] = shape({"Star": {"points": 7, "outer_radius": 40, "inner_radius": 20}},
                         fill=None, stroke={"width": 8, "join": "Round", "paint": {
                             "LinearGradient": {"start": [0, 0], "end": [80, 80],
                                                "stops": stops("#00ffcc", "#ff00aa")}}})  # fmt: skip
    places.append(("stroked", 450, 50))
    names.append(("gradient stroke", 445, 176))
    with_labels(a, places, names)
    out["shapes-paint"] = (doc(a, places, 560, 200), 0)

    a = {}
    places = []
    names = []
    for i, (join, cap) in enumerate((("Miter", "Butt"), ("Round", "Round"), ("Bevel", "Square"))):
        a[f"j{i}"] = shape({"Path": {"svg_path_d": "M0 50 L40 0 L80 50"}}, fill=None,
                           stroke={"width": 14, "join": join, "cap": cap,
                                   "paint": {"Solid": "#ffffff"}})  # fmt: skip
        places.append((f"j{i}", 24 + 110 * i, 24))
        names.append((f"{join} / {cap}", 20 + 110 * i, 96))
    a["dash"] = shape(
        {"Rect": {"width": 110, "height": 60, "corner_radius": 16}},
        fill={"Solid": "#203040"},
        stroke={"width": 4, "paint": {"Solid": "#7fdbff"}, "dash": [12, 5, 3, 5]},
    )
    a["dots"] = shape({"Ellipse": {"width": 80, "height": 60}}, fill=None,
                      stroke={"width": 6, "cap": "Round", "paint": {"Solid": "#ffdc00"},
                              "dash": [0.5, 11.5]})  # fmt: skip
    places += [("dash", 350, 20), ("dots", 490, 20)]
    names += [("dash [12, 5, 3, 5]", 350, 96), ("dash [0.5, 11.5]", 478, 96)]
    with_labels(a, places, names)
    out["shapes-stroke"] = (doc(a, places, 600, 120), 0)

    a = {}
    places = []
    names = []
    for i, end in enumerate((0.15, 0.4, 0.7, 1.0)):
        a[f"t{i}"] = shape({"Star": {"points": 5, "outer_radius": 40, "inner_radius": 17}},
                           fill=None, stroke={"width": 5, "join": "Round", "cap": "Round",
                                              "paint": {"Solid": "#2ecc40"}},
                           trim={"start": 0, "end": end})  # fmt: skip
        places.append((f"t{i}", 24 + 110 * i, 14))
        names.append((f"end {end}", 40 + 110 * i, 104))
    a["wrap"] = shape({"Ellipse": {"width": 80, "height": 80}}, fill=None,
                      stroke={"width": 6, "cap": "Round", "paint": {"Solid": "#ff851b"}},
                      trim={"start": 0, "end": 0.3, "offset": 0.85})  # fmt: skip
    places.append(("wrap", 470, 14))
    names.append(("offset 0.85 (wraps)", 446, 104))
    with_labels(a, places, names)
    out["shapes-trim"] = (doc(a, places, 600, 126), 0)

    # easing: dots at 12 equally spaced frames of each ease, one row per ease
    a = {"dot": shape({"Ellipse": {"width": 10, "height": 10}}, fill={"Solid": "#ffd166"})}
    places = []
    names = []
    eases = [("Linear", "Linear"), ("InOutCubic", "InOutCubic"),
             ("CubicBezier [0.68, -0.6, 0.32, 1.6]", {"CubicBezier": [0.68, -0.6, 0.32, 1.6]}),
             ("Steps 4 End", {"Steps": {"count": 4, "position": "End"}}),
             ("Steps 4 Start", {"Steps": {"count": 4, "position": "Start"}})]  # fmt: skip
    frames = 12
    for r, (name, e) in enumerate(eases):
        y = 12 + 30 * r
        for f in range(frames):
            # the dot at this frame of a keyframed x from 330 to 560 with ease e
            t = {"Keyframes": {"keys": [{"frame": 0, "value": _tf(330, y), "ease": e},
                                        {"frame": frames - 1, "value": _tf(560, y),
                                         "ease": "Linear"}],
                               "mode": "Linear", "default": None}}  # fmt: skip
            places.append(("dot", 0, 0, t, f))
        names.append((name, 10, y - 2))
    out["easing"] = (_easing_doc(a, places, names, frames), frames)
    return out


def _easing_doc(a: dict, places: list, names: list, frames: int) -> dict:
    """Each dot is its own clip, frozen at one frame of the animation (a Hold copy)."""
    tracks = []
    for i, (asset, _x, _y, t, f) in enumerate(places):
        # the clip starts frames-1-f frames in: on the last frame it shows frame f
        clip = _clip(f"d{i}", asset, 0, 0, frames, t)
        clip["range"] = {"start": frames - 1 - f, "end": frames}
        tracks.append({"name": f"d{i}", "z_base": 1, "clips": [clip]})
    assets = dict(a)
    for i, (s, x, y) in enumerate(names):
        assets[f"n{i}"] = label(s)
        tracks.append({"name": f"n{i}", "z_base": 2, "clips": [_clip(f"n{i}", f"n{i}", x, y,
                                                                     frames)]})  # fmt: skip
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 580, "height": 160},
        "duration": frames,
        "assets": assets,
        "tracks": tracks,
        "seed": 0,
    }


def main() -> None:
    import wavyte_core as wv
    from wavyte_core.output.png import write_png

    OUT.mkdir(parents=True, exist_ok=True)
    for name, (d, frame) in pictures().items():
        comp = wv.load(json.dumps(d))
        with wv.open_job(comp, assets_root=TEXT_FONT.parent, backend="skia") as job:
            f = min(frame, comp.duration - 1)
            write_png(OUT / f"{name}.png", job.frame(f))
        print(f"wrote docs/img/{name}.png")


if __name__ == "__main__":
    main()
