"""Small builders for evaluation tests: compositions from the model dataclasses.

``comp_from_dict`` is a minimal dict→model converter covering what the bench scene and the
evaluation tests use (constant/keyframed Transform2D and f64, tracks, clips, transitions,
assets). It exists so these tests do not depend on the JSON loader; when
``wavyte_core.load`` is available, ``load_json_file`` uses it instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from wavyte_core import model as m

BENCH_DEFAULT = Path(__file__).resolve().parent.parent / "conformance/scenes/bench/bench_scene_default.json"


def tr(
    tx: float = 0.0,
    ty: float = 0.0,
    rot: float = 0.0,
    sx: float = 1.0,
    sy: float = 1.0,
    ax: float = 0.0,
    ay: float = 0.0,
) -> m.Transform2D:
    return m.Transform2D(m.Vec2(tx, ty), rot, m.Vec2(sx, sy), m.Vec2(ax, ay))


def keys(mode: m.InterpMode, *pairs: tuple[int, Any], ease: m.Ease = m.Ease.Linear) -> m.Keyframes:
    return m.Keyframes(tuple(m.Keyframe(f, v, ease) for f, v in pairs), mode, None)


def clip(
    cid: str,
    asset: str,
    start: int,
    end: int,
    *,
    transform: m.Anim | None = None,
    opacity: m.Anim | None = None,
    z_offset: int = 0,
    effects: tuple[m.EffectInstance, ...] = (),
    t_in: m.TransitionSpec | None = None,
    t_out: m.TransitionSpec | None = None,
) -> m.Clip:
    props = m.ClipProps(
        transform=transform if transform is not None else m.constant(m.Transform2D()),
        opacity=opacity if opacity is not None else m.constant(1.0),
    )
    return m.Clip(cid, asset, m.FrameRange(start, end), props, z_offset, effects, t_in, t_out)


def comp(
    tracks: list[m.Track],
    assets: dict[str, m.Asset],
    *,
    duration: int = 60,
    fps: tuple[int, int] = (30, 1),
    canvas: tuple[int, int] = (64, 64),
    seed: int = 1,
) -> m.Composition:
    return m.Composition(m.Fps(*fps), m.Canvas(*canvas), duration, assets, tuple(tracks), seed)


# ------------------------------------------------------------------ dict → model


def _vec(d: dict) -> m.Vec2:
    return m.Vec2(float(d["x"]), float(d["y"]))


def _transform(d: dict) -> m.Transform2D:
    return m.Transform2D(
        _vec(d["translate"]), float(d["rotation_rad"]), _vec(d["scale"]), _vec(d["anchor"])
    )


def _anim(d: dict, value: Any) -> m.Anim:
    ((tag, body),) = d.items()
    if tag != "Keyframes":
        raise NotImplementedError(f"test converter: {tag}")
    return m.Keyframes(
        tuple(m.Keyframe(k["frame"], value(k["value"]), m.Ease(k["ease"])) for k in body["keys"]),
        m.InterpMode(body["mode"]),
        None if body.get("default") is None else value(body["default"]),
    )


def _transition(d: dict | None) -> m.TransitionSpec | None:
    if d is None:
        return None
    return m.TransitionSpec(d["kind"], d["duration_frames"], m.Ease(d["ease"]), d.get("params"))


def _asset(d: dict) -> m.Asset:
    ((tag, body),) = d.items()
    cls = {v: k for k, v in m.ASSET_TAGS.items()}[tag]
    if cls is m.TextAsset and "color_rgba8" in body:
        body = {**body, "color_rgba8": tuple(body["color_rgba8"])}
    return cls(**body)


def comp_from_dict(d: dict) -> m.Composition:
    tracks = []
    for t in d["tracks"]:
        clips = tuple(
            m.Clip(
                c["id"],
                c["asset"],
                m.FrameRange(c["range"]["start"], c["range"]["end"]),
                m.ClipProps(
                    _anim(c["props"]["transform"], _transform),
                    _anim(c["props"]["opacity"], float),
                    m.BlendMode(c["props"]["blend"]),
                ),
                c["z_offset"],
                tuple(m.EffectInstance(e["kind"], e.get("params")) for e in c["effects"]),
                _transition(c.get("transition_in")),
                _transition(c.get("transition_out")),
            )
            for c in t["clips"]
        )
        tracks.append(
            m.Track(
                t["name"],
                t["z_base"],
                clips,
                m.LayoutMode(t.get("layout_mode", "Absolute")),
                float(t.get("layout_gap_px", 0.0)),
                m.Edges(**t.get("layout_padding", {})),
                m.Align(t.get("layout_align_x", "Start")),
                m.Align(t.get("layout_align_y", "Start")),
                t.get("layout_grid_columns", 2),
            )
        )
    return m.Composition(
        m.Fps(d["fps"]["num"], d["fps"]["den"]),
        m.Canvas(d["canvas"]["width"], d["canvas"]["height"]),
        d["duration"],
        {k: _asset(v) for k, v in d["assets"].items()},
        tuple(tracks),
        d["seed"],
    )


def load_json_file(path: Path) -> m.Composition:
    """The real loader when it exists, else the converter above."""
    text = path.read_text()
    try:
        from wavyte_core.load import loads_composition  # type: ignore[import-not-found]
    except ImportError:
        return comp_from_dict(json.loads(text))
    return loads_composition(text)
