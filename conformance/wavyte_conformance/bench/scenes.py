"""The benchmark scenes, built as Wavyte-format JSON documents at any canvas size.

Every scene is a function ``(width, height, frames, cache) -> SceneDoc``; the document is
plain JSON (so it can be written next to a report, diffed, or handed to `wavyte render`)
and its assets live under ``SceneDoc.root``:

- ``bench`` / ``bench_blur8``: the shared benchmark scene (wavyte-format.md §9.2), loaded
  from ``wavyte_conformance/scenes/bench`` and re-laid out for other sizes and lengths the way the
  reference's ``build_benchmark_comp`` does (positions are fractions of W and H). Mostly
  static: only two triangle fades change pixels, so elision and caching matter here.
- ``animated``: every layer moves every frame: a Ken-Burns photo background, a rotating and
  scaling photo card, a spinning logo, a sliding and fading title, a paired crossfade
  between two spinning triangles, and a growing progress bar.
- ``video``: video over video: a full-canvas video with a blur (radius 8) under a
  picture-in-picture video that moves, and a title. The two source videos are generated
  once per size with PyAV into the cache.
- ``many_layers``: 50 animated layers (shapes, photo thumbnails, labels), every one moving.
- ``shapes``: 50 animated Shape assets (gradients, strokes, dashes, trims), every one
  moving, one in three also animating its own values.

Sizes scale the 640×360 design uniformly (``s = W / 640``), fonts included.
"""

from __future__ import annotations

import copy
import json
import math
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

#: The import root of ``wavyte_conformance`` (the folder that holds the package: the
#: repository's ``conformance/`` or site-packages), put on the measuring processes' path.
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parents[1] / "scenes" / "bench"
#: Built scenes and generated videos (outside the package: an installed package may be
#: read-only).
DEFAULT_CACHE = Path.home() / ".cache" / "wavyte" / "bench"
BASE_W, BASE_H = 640, 360
FONT = "NotoSansDisplay-Bold.ttf"
PHOTO = "test_image_1.jpg"  # 1024×683
LOGO = "logo.svg"


@dataclass(frozen=True)
class SceneDoc:
    """A scene ready to load: the JSON document and the asset root its paths resolve in."""

    name: str
    doc: dict[str, Any]
    root: Path

    def json_bytes(self) -> bytes:
        return json.dumps(self.doc).encode()


# ------------------------------------------------------------------- JSON helpers


def const(v: Any) -> dict[str, Any]:
    return {
        "Keyframes": {
            "keys": [{"frame": 0, "value": v, "ease": "Linear"}],
            "mode": "Hold",
            "default": None,
        }
    }


def keys(pairs: list[tuple[int, Any]], ease: str = "Linear") -> dict[str, Any]:
    ks = [{"frame": f, "value": v, "ease": ease} for f, v in pairs]
    return {"Keyframes": {"keys": ks, "mode": "Linear", "default": None}}


def xf(
    x: float,
    y: float,
    rot: float = 0.0,
    sx: float = 1.0,
    sy: float | None = None,
    ax: float = 0.0,
    ay: float = 0.0,
) -> dict[str, Any]:
    """A transform whose pivot, local point ``(ax, ay)``, lands on canvas point ``(x, y)``
    (the format's matrix is ``T(translate)·T(anchor)·R·S·T(−anchor)``)."""
    return {
        "translate": {"x": float(x - ax), "y": float(y - ay)},
        "rotation_rad": float(rot),
        "scale": {"x": float(sx), "y": float(sx if sy is None else sy)},
        "anchor": {"x": float(ax), "y": float(ay)},
    }


def clip(
    cid: str,
    asset: str,
    start: int,
    end: int,
    transform: dict[str, Any],
    opacity: dict[str, Any] | None = None,
    *,
    z: int = 0,
    effects: list[dict[str, Any]] | None = None,
    t_in: dict[str, Any] | None = None,
    t_out: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "id": cid,
        "asset": asset,
        "range": {"start": start, "end": end},
        "props": {"transform": transform, "opacity": opacity or const(1.0), "blend": "Normal"},
        "z_offset": z,
        "effects": effects or [],
        "transition_in": t_in,
        "transition_out": t_out,
    }


def crossfade(frames: int) -> dict[str, Any]:
    return {"kind": "crossfade", "duration_frames": frames, "ease": "Linear"}


def track(name: str, clips: list[dict[str, Any]], z_base: int = 0) -> dict[str, Any]:
    return {
        "name": name,
        "z_base": z_base,
        "layout_mode": "Absolute",
        "layout_gap_px": 0.0,
        "layout_padding": {"left": 0.0, "right": 0.0, "top": 0.0, "bottom": 0.0},
        "layout_align_x": "Start",
        "layout_align_y": "Start",
        "layout_grid_columns": 2,
        "clips": clips,
    }


def composition(
    w: int, h: int, frames: int, assets: dict[str, Any], tracks: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": w, "height": h},
        "duration": frames,
        "assets": assets,
        "tracks": tracks,
        "seed": 1,
    }


def rect_d(w: float, h: float) -> str:
    return f"M0,0 L{w:g},0 L{w:g},{h:g} L0,{h:g} Z"


def text_asset(text: str, size: float, max_width: float | None = None) -> dict[str, Any]:
    t: dict[str, Any] = {
        "text": text,
        "font_source": f"assets/{FONT}",
        "size_px": float(size),
        "color_rgba8": [255, 255, 255, 255],
    }
    if max_width is not None:
        t["max_width_px"] = float(max_width)
    return {"Text": t}


# ---------------------------------------------------------------- the bench scene


def bench(w: int, h: int, frames: int, cache: Path, blur: int = 0) -> SceneDoc:
    """§9.2 ``build_benchmark_comp``: the shared JSON, re-laid out for ``w×h`` and ``frames``."""
    src = "bench_scene_blur8.json" if blur else "bench_scene_default.json"
    doc = json.loads((BENCH_DIR / src).read_text())
    if (w, h, frames) == (BASE_W, BASE_H, 300):
        return SceneDoc("bench_blur8" if blur else "bench", doc, BENCH_DIR)
    doc = copy.deepcopy(doc)
    doc["canvas"] = {"width": w, "height": h}
    doc["duration"] = frames
    doc["assets"]["bg"]["Path"]["svg_path_d"] = f"M0,0 L{w},0 L{w},{h} L0,{h} Z"
    doc["assets"]["txt"]["Text"]["max_width_px"] = float(w - 80)
    where = {
        "bg": (0.0, 0.0),
        "svg": (0.10 * w, 0.10 * h),
        "img": (0.55 * w, 0.15 * h),
        "txt": (24.0, float(max(h - 88, 0))),
        "tri_a": (0.78 * w, 0.55 * h),
        "tri_b": (0.78 * w, 0.55 * h),
    }
    for c in doc["tracks"][0]["clips"]:
        value = c["props"]["transform"]["Keyframes"]["keys"][0]["value"]
        x, y = where[c["id"]]
        value["translate"] = {"x": x, "y": y}
        c["range"] = {"start": frames // 2 if c["id"] == "tri_b" else 0, "end": frames}
    return SceneDoc("bench_blur8" if blur else "bench", doc, BENCH_DIR)


def bench_blur8(w: int, h: int, frames: int, cache: Path) -> SceneDoc:
    return bench(w, h, frames, cache, blur=8)


# ------------------------------------------------------------- generated scenes


def asset_root(cache: Path) -> Path:
    """A cache folder holding copies of the bench assets (asset paths may not leave the root)."""
    root = cache / "root"
    (root / "assets").mkdir(parents=True, exist_ok=True)
    for name in (FONT, PHOTO, LOGO):
        dst = root / "assets" / name
        if not dst.exists():
            shutil.copy(BENCH_DIR / "assets" / name, dst)
    return root


def animated(w: int, h: int, frames: int, cache: Path) -> SceneDoc:
    """Every layer moves every frame (ANIMATED_SPEC documents the same motion for peers)."""
    root = asset_root(cache)
    s = w / BASE_W
    last = max(frames - 1, 1)
    cover = max(w / 1024, h / 683)
    assets = {
        "photo": {"Image": {"source": f"assets/{PHOTO}"}},
        "logo": {"Svg": {"source": f"assets/{LOGO}"}},
        "title": text_asset("wavyte animated", 48 * s),
        "tri_a": {"Path": {"svg_path_d": "M60,0 L120,120 L0,120 Z"}},
        "tri_b": {"Path": {"svg_path_d": "M0,0 L120,0 L60,120 Z"}},
        "bar": {"Path": {"svg_path_d": rect_d(560 * s, 8 * s)}},
    }
    half = frames // 2
    fade = min(30, max(half // 2, 1))
    clips = [
        # Ken Burns: zoom 1.0 → 1.15 about the centre, drifting right.
        clip(
            "bg",
            "photo",
            0,
            frames,
            keys(
                [
                    (0, xf(w / 2, h / 2, 0.0, cover, ax=512, ay=341.5)),
                    (last, xf(w / 2 + 20 * s, h / 2, 0.0, cover * 1.15, ax=512, ay=341.5)),
                ]
            ),
        ),
        # Photo card: rotates a quarter turn while scaling 0.25 → 0.4 and crossing the canvas.
        clip(
            "card",
            "photo",
            0,
            frames,
            keys(
                [
                    (0, xf(420 * s, 120 * s, -0.3, 0.25 * s, ax=512, ay=341.5)),
                    (last, xf(500 * s, 200 * s, 1.27, 0.40 * s, ax=512, ay=341.5)),
                ]
            ),
            z=1,
        ),
        # Logo: a full turn while moving down-right.
        clip(
            "logo",
            "logo",
            0,
            frames,
            keys(
                [
                    (0, xf(80 * s, 70 * s, 0.0, 0.5 * s, ax=120, ay=120)),
                    (last, xf(200 * s, 150 * s, 2 * math.pi, 0.5 * s, ax=120, ay=120)),
                ]
            ),
            z=2,
        ),
        # Title: slides in from the left and fades in, then fades out at the end.
        clip(
            "title",
            "title",
            0,
            frames,
            keys([(0, xf(-200 * s, 280 * s)), (last, xf(40 * s, 270 * s))]),
            keys([(0, 0.0), (fade, 1.0), (max(last - fade, fade), 1.0), (last, 0.3)]),
            z=3,
        ),
        # Two spinning triangles crossfading (paired: same track, adjacent, coinciding windows).
        clip(
            "tri_a",
            "tri_a",
            0,
            half + fade // 2,
            keys(
                [
                    (0, xf(520 * s, 80 * s, 0.0, 0.8 * s, ax=60, ay=60)),
                    (half + fade // 2, xf(540 * s, 120 * s, math.pi, 1.0 * s, ax=60, ay=60)),
                ]
            ),
            z=4,
            t_out=crossfade(fade),
        ),
        clip(
            "tri_b",
            "tri_b",
            half + fade // 2 - fade,
            frames,
            keys(
                [
                    (0, xf(540 * s, 120 * s, 0.0, 1.0 * s, ax=60, ay=60)),
                    (max(frames - half, 1), xf(520 * s, 160 * s, -math.pi, 0.8 * s, ax=60, ay=60)),
                ]
            ),
            z=5,
            t_in=crossfade(fade),
        ),
        # Progress bar: grows from 0 to full width.
        clip(
            "bar",
            "bar",
            0,
            frames,
            keys(
                [
                    (0, xf(40 * s, 340 * s, 0.0, 0.01, 1.0)),
                    (last, xf(40 * s, 340 * s, 0.0, 1.0, 1.0)),
                ]
            ),
            const(0.8),
            z=6,
        ),
    ]
    return SceneDoc("animated", composition(w, h, frames, assets, [track("main", clips)]), root)


def blur40(w: int, h: int, frames: int, cache: Path) -> SceneDoc:
    """Blur-heavy: a canvas-covering photo drifting every frame under a radius-40
    blur, so the exact §4.6 blur runs over the whole canvas on every frame, plus a title that
    slides over it. Run it at 1280x720 and 1920x1080."""
    root = asset_root(cache)
    s = w / BASE_W
    last = max(frames - 1, 1)
    cover = max(w / 1024, h / 683) * 1.1
    assets = {
        "photo": {"Image": {"source": f"assets/{PHOTO}"}},
        "title": text_asset("blurred background", 40 * s),
    }
    blur = {"kind": "blur", "params": {"radius_px": 40}}
    clips = [
        clip(
            "bg",
            "photo",
            0,
            frames,
            keys(
                [
                    (0, xf(w / 2, h / 2, 0.0, cover, ax=512, ay=341.5)),
                    (last, xf(w / 2 + 30 * s, h / 2 - 10 * s, 0.0, cover, ax=512, ay=341.5)),
                ]
            ),
            effects=[blur],
        ),
        clip(
            "title",
            "title",
            0,
            frames,
            keys([(0, xf(-200 * s, 150 * s)), (last, xf(60 * s, 150 * s))]),
            z=1,
        ),
    ]
    return SceneDoc("blur40", composition(w, h, frames, assets, [track("main", clips)]), root)


def video(w: int, h: int, frames: int, cache: Path) -> SceneDoc:
    """A blurred full-canvas video under a moving picture-in-picture video and a title."""
    root = asset_root(cache)
    s = w / BASE_W
    last = max(frames - 1, 1)
    back = source_video(root, "back", w, h, frames)
    front = source_video(root, "front", w, h, frames)
    assets = {
        "back": {"Video": {"source": back}},
        "front": {"Video": {"source": front}},
        "title": text_asset("video over video", 40 * s),
    }
    clips = [
        clip(
            "back",
            "back",
            0,
            frames,
            const(xf(0, 0)),
            effects=[{"kind": "blur", "params": {"radius_px": 8}}],
        ),
        clip(
            "front",
            "front",
            0,
            frames,
            keys([(0, xf(40 * s, 40 * s, 0.0, 0.45)), (last, xf(320 * s, 150 * s, 0.0, 0.45))]),
            z=1,
        ),
        clip(
            "title",
            "title",
            0,
            frames,
            keys([(0, xf(30 * s, 300 * s)), (last, xf(60 * s, 300 * s))]),
            z=2,
        ),
    ]
    return SceneDoc("video", composition(w, h, frames, assets, [track("main", clips)]), root)


def many_layers(w: int, h: int, frames: int, cache: Path, n: int = 50) -> SceneDoc:
    """``n`` animated layers: shapes, photo thumbnails and labels, each on its own path."""
    root = asset_root(cache)
    s = w / BASE_W
    last = max(frames - 1, 1)
    rng = random.Random(50)
    assets: dict[str, Any] = {
        "bg": {"Path": {"svg_path_d": rect_d(w, h)}},
        "photo": {"Image": {"source": f"assets/{PHOTO}"}},
        "sq": {"Path": {"svg_path_d": rect_d(40, 40)}},
        "tri": {"Path": {"svg_path_d": "M20,0 L40,40 L0,40 Z"}},
        "logo": {"Svg": {"source": f"assets/{LOGO}"}},
    }
    clips = [clip("bg", "bg", 0, frames, const(xf(0, 0)), const(0.15))]
    kinds = ["sq", "tri", "photo", "logo", "label"]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        asset = kind
        if kind == "label":
            asset = f"label{i}"
            assets[asset] = text_asset(f"layer {i}", 18 * s)
        scale = {"photo": 0.06 * s, "logo": 0.2 * s}.get(kind, s)
        x0, y0 = rng.uniform(0, 600) * s, rng.uniform(0, 330) * s
        x1, y1 = rng.uniform(0, 600) * s, rng.uniform(0, 330) * s
        spin = rng.uniform(-2 * math.pi, 2 * math.pi)
        o0, o1 = rng.uniform(0.3, 1.0), rng.uniform(0.3, 1.0)
        clips.append(
            clip(
                f"l{i:02d}",
                asset,
                0,
                frames,
                keys(
                    [
                        (0, xf(x0, y0, 0.0, scale)),
                        (last, xf(x1, y1, spin, scale)),
                    ]
                ),
                keys([(0, o0), (last, o1)]),
                z=1 + i,
            )
        )
    return SceneDoc("many_layers", composition(w, h, frames, assets, [track("main", clips)]), root)


def shapes(w: int, h: int, frames: int, cache: Path, n: int = 50) -> SceneDoc:
    """``n`` animated Shape assets (format 0.3) in a 10-column grid: rounded rects,
    ellipses, stars, polygons and lines with solid, linear and radial gradient fills,
    strokes (every third dashed). Every shape moves and turns (its transform); one in three
    also animates its own values: a draw-on trim, a marching dash offset, or a moving
    gradient end (so its drawing changes every frame)."""
    root = asset_root(cache)
    s = w / BASE_W
    last = max(frames - 1, 1)
    rng = random.Random(18)
    palette = ["#ff5a36", "#ffd166", "#06d6a0", "#118ab2", "#c77dff", "#ef476f"]
    assets: dict[str, Any] = {"bg": {"Path": {"svg_path_d": rect_d(w, h)}}}
    clips = [clip("bg", "bg", 0, frames, const(xf(0, 0)), const(0.1))]
    for i in range(n):
        size = 40 * s
        kind = ("rect", "ellipse", "star", "polygon", "line")[i % 5]
        geometry = {
            "rect": {"Rect": {"width": size, "height": size * 0.7, "corner_radius": 8 * s}},
            "ellipse": {"Ellipse": {"width": size, "height": size * 0.8}},
            "star": {"Star": {"points": 5, "outer_radius": size / 2, "inner_radius": size / 4.5}},
            "polygon": {"Polygon": {"sides": 6, "radius": size / 2, "corner_radius": 4 * s}},
            "line": {"Line": {"from": [0, size], "to": [size, 0]}},
        }[kind]
        c0, c1 = palette[i % 6], palette[(i + 2) % 6]
        animated_values = i % 3 == 0
        fill: Any
        paint = i % 3
        if kind == "line":
            fill = None
        elif paint == 0:
            fill = {"Solid": c0}
        elif paint == 1:
            end: Any = [size, size]
            if animated_values:
                end = keys([(0, [size * 0.2, 0.0]), (last, [size, size])])
            fill = {"LinearGradient": {"start": [0, 0], "end": end, "stops": [
                {"offset": 0, "color": c0}, {"offset": 1, "color": c1}]}}  # fmt: skip
        else:
            fill = {"RadialGradient": {"center": [size / 2, size / 2], "radius": size / 2,
                    "focal": [size * 0.35, size * 0.35], "stops": [
                        {"offset": 0, "color": "#ffffff"}, {"offset": 1, "color": c0}]}}  # fmt: skip
        body: dict[str, Any] = {"geometry": geometry}
        if fill is not None or kind != "line":
            body["fill"] = fill
        if kind == "line" or i % 2 == 0:
            stroke: dict[str, Any] = {"width": 3 * s, "paint": {"Solid": c1}, "join": "Round"}
            if kind == "line":
                stroke["cap"] = "Round"
            if i % 3 == 1 or kind == "line":
                stroke["dash"] = [8 * s, 4 * s]
                if animated_values:
                    stroke["dash_offset"] = keys([(0, 0.0), (last, 48 * s)])
            body["stroke"] = stroke
            if animated_values and "dash" not in stroke:
                body["trim"] = {"end": keys([(0, 0.0), (last, 1.0)])}
        assets[f"s{i:02d}"] = {"Shape": body}
        col, row = i % 10, i // 10
        x0, y0 = (20 + col * 62) * s, (20 + row * 68) * s
        dx, dy = rng.uniform(-15, 15) * s, rng.uniform(-15, 15) * s
        spin = rng.uniform(-math.pi, math.pi)
        clips.append(
            clip(
                f"s{i:02d}",
                f"s{i:02d}",
                0,
                frames,
                keys(
                    [
                        (0, xf(x0 + size / 2, y0 + size / 2, 0.0, 1.0, 1.0, size / 2, size / 2)),
                        (
                            last,
                            xf(
                                x0 + dx + size / 2,
                                y0 + dy + size / 2,
                                spin,
                                1.0,
                                1.0,
                                size / 2,
                                size / 2,
                            ),
                        ),
                    ]
                ),  # fmt: skip
                const(1.0),
                z=1 + i,
            )
        )
    return SceneDoc("shapes", composition(w, h, frames, assets, [track("main", clips)]), root)


# ---------------------------------------------------------------- source videos


def source_video(root: Path, name: str, w: int, h: int, frames: int) -> str:
    """Generate (once, cached) a moving H.264 test video; returns its asset-relative path."""
    rel = f"assets/{name}_{w}x{h}_{frames}.mp4"
    path = root / rel
    if path.exists():
        return rel
    import av

    tmp = path.with_suffix(".part.mp4")
    rng = np.random.default_rng(7 if name == "back" else 11)
    # A 2×-wide textured strip scrolled horizontally: cheap to make, real motion to decode.
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    x = np.linspace(0, 2, 2 * w, dtype=np.float32)[None, :]
    base = np.stack(
        [
            127 + 100 * np.sin(6 * x + 3 * y),
            127 + 100 * np.sin(4 * x - 5 * y + 1),
            127 + 100 * np.cos(3 * x * y + 2),
        ],
        axis=-1,
    )
    base += rng.normal(0, 12, base.shape).astype(np.float32)
    strip = np.clip(base, 0, 255).astype(np.uint8)
    with av.open(str(tmp), "w") as out:
        st = out.add_stream("libx264", rate=Fraction(30))
        st.width, st.height, st.pix_fmt = w, h, "yuv420p"
        st.options = {"crf": "20", "preset": "veryfast"}
        for f in range(frames):
            off = (f * 3) % w
            rgb = np.ascontiguousarray(strip[:, off : off + w])
            vf = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            vf.pts = f
            out.mux(st.encode(vf))
        out.mux(st.encode(None))
    tmp.replace(path)
    return rel


SCENES: dict[str, Callable[[int, int, int, Path], SceneDoc]] = {
    "bench": bench,
    "bench_blur8": bench_blur8,
    "animated": animated,
    "video": video,
    "many_layers": many_layers,
    "blur40": blur40,
    "shapes": shapes,
}


def build(name: str, w: int, h: int, frames: int, cache: Path = DEFAULT_CACHE) -> SceneDoc:
    if name not in SCENES:
        raise KeyError(f"unknown scene {name!r} (have: {', '.join(SCENES)})")
    return SCENES[name](w, h, frames, cache)
