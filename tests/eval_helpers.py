"""Small builders for evaluation tests: compositions from the model dataclasses.

``load_json_file`` reads JSON scenes (the bench scene) through the real loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wavyte_core.format import model as m

BENCH_DEFAULT = (
    Path(__file__).resolve().parent.parent
    / "conformance/wavyte_conformance/scenes/bench/bench_scene_default.json"
)


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


def load_json_file(path: Path) -> m.Composition:
    """Load a composition with the real loader (no validation)."""
    from wavyte_core.format.load import loads_composition

    return loads_composition(path.read_text())
