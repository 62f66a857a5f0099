"""The built-in ``Waveform`` asset kind: an audiogram's bars (or line) following the sound
of an Audio or Video asset, band by band.

Built on the asset-kind API (`wavyte_core.plugin.asset_kinds`). ``prepare`` decodes the
sound once and computes every frame's band levels (`wavyte_core.assets.levels`: the same
measure as ``AudioLevel``: Hann-windowed FFT power per band, dBFS −60..0 → 0..1, one-pole
smoothing); ``draw`` only looks the frame up and builds rectangles, never touching audio.
The kind is frame-varying: bars are read at the timeline frame (clip-local frame + the
clip's start), so a waveform clip starting at 5 s shows the sound at 5 s.

Styles: ``Bars`` (bars grow up from the bottom), ``Mirror`` (bars grow both ways from the
middle line), ``Line`` (a filled band through the bar tops, mirrored about the middle).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from wavyte_core.assets.levels import band_edges, band_level_tables, placed_sound
from wavyte_core.errors import AssetError
from wavyte_core.format.model import AudioAsset, VideoAsset
from wavyte_core.format.paint import (
    Paint,
    Solid,
    enum_field,
    read_number,
    read_paint,
    strict_fields,
)
from wavyte_core.plugin.asset_kinds import (
    AssetKind,
    DrawContext,
    PrepareContext,
    VectorDrawing,
    VectorShape,
)
from wavyte_core.plugin.geometry import PathBuilder, path_bbox, rect_path
from wavyte_core.plugin.params import Param
from wavyte_core.plugin.prepared import PathGeometry

__all__ = ["WaveformKind", "WaveformSpec"]

STYLES = ("Bars", "Line", "Mirror")
_FIELDS = (
    "audio", "width", "height", "style", "bars", "band_hz", "fill", "gap", "corner_radius",
    "window_sec", "smoothing",
)  # fmt: skip
#: Bars below this height (px) are not drawn (silence leaves the box empty).
_MIN_BAR = 0.5


@dataclass(frozen=True, slots=True)
class WaveformSpec:
    audio: str
    width: float
    height: float
    style: str = "Bars"
    bars: int = 64
    band_hz: tuple[float, float] = (20.0, 8000.0)
    fill: Paint = Solid((255, 255, 255, 255))
    gap: float = 2.0
    corner_radius: float = 0.0
    window_sec: float = 0.05
    smoothing: float = 0.5


def read_waveform(raw: Any, path: str) -> WaveformSpec:
    from wavyte_core.errors import CompositionError

    f = strict_fields(raw, path, "Waveform", _FIELDS, ("audio", "width", "height"))
    audio = f["audio"]
    if not isinstance(audio, str) or not audio:
        raise CompositionError(path + ".audio", "expected the key of an Audio or Video asset")

    def num(name: str, default: float, lo: float = 0.0, **kw: Any) -> float:
        if name not in f:
            return default
        return float(read_number(f[name], f"{path}.{name}", min=lo, animatable=False, **kw))

    bars = f.get("bars", 64)
    if isinstance(bars, bool) or not isinstance(bars, int) or not 1 <= bars <= 1024:
        raise CompositionError(path + ".bars", "bars must be an integer in 1..1024")
    band = f.get("band_hz", [20.0, 8000.0])
    if (
        type(band) is not list
        or len(band) != 2
        or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in band)
        or not 0 <= band[0] < band[1] <= 24000
    ):
        raise CompositionError(
            path + ".band_hz", "band_hz must be [low, high] with 0 <= low < high <= 24000"
        )
    smoothing = num("smoothing", 0.5)
    if smoothing >= 1.0:
        raise CompositionError(path + ".smoothing", "smoothing must be in [0, 1)")
    return WaveformSpec(
        audio=audio,
        width=num("width", 0.0, min_exclusive=True),
        height=num("height", 0.0, min_exclusive=True),
        style=enum_field(f.get("style", "Bars"), path + ".style", STYLES, "style"),
        bars=bars,
        band_hz=(float(band[0]), float(band[1])),
        fill=read_paint(f["fill"], path + ".fill") if "fill" in f else Solid((255, 255, 255, 255)),
        gap=num("gap", 2.0),
        corner_radius=num("corner_radius", 0.0),
        window_sec=num("window_sec", 0.05, min_exclusive=True),
        smoothing=smoothing,
    )


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


WAVEFORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["audio", "width", "height"],
    "properties": {
        "audio": {"type": "string", "description": "key of an Audio or Video asset"},
        "width": {"type": "number", "exclusiveMinimum": 0},
        "height": {"type": "number", "exclusiveMinimum": 0},
        "style": {"enum": list(STYLES), "default": "Bars"},
        "bars": {"type": "integer", "minimum": 1, "maximum": 1024, "default": 64},
        "band_hz": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2,
                    "default": [20, 8000]},
        "fill": _ref("Paint"),
        "gap": {"type": "number", "minimum": 0, "default": 2.0},
        "corner_radius": {"type": "number", "minimum": 0, "default": 0.0},
        "window_sec": {"type": "number", "exclusiveMinimum": 0, "default": 0.05},
        "smoothing": {"type": "number", "minimum": 0, "exclusiveMaximum": 1, "default": 0.5},
    },
}  # fmt: skip


class WaveformKind(AssetKind):
    """An audiogram: ``bars`` bands of ``audio``'s sound between ``band_hz`` (log-spaced),
    each as tall as its level (0..1 of ``height``), in a ``width`` × ``height`` box, filled
    with ``fill`` (gradient points in the box's coordinates). ``gap`` px between bars,
    ``corner_radius`` rounds them; ``window_sec`` and ``smoothing`` as for AudioLevel."""

    name = "Waveform"
    description = "Audiogram bars, mirror bars or a line following an asset's sound."
    params = (
        Param("audio", "string", required=True, animatable=False,
              description="Key of an Audio or Video asset."),
        Param("width", "number", required=True, min=0, animatable=False, unit="px"),
        Param("height", "number", required=True, min=0, animatable=False, unit="px"),
        Param("style", "enum", default="Bars", choices=STYLES),
        Param("bars", "int", default=64, min=1, max=1024, animatable=False),
        Param("band_hz", "string", default_doc="[20, 8000]", animatable=False,
              description="[low, high] Hz, split into `bars` log-spaced bands"),
        Param("fill", "string", default_doc="white Solid", animatable=False,
              description="Paint (colours animatable)"),
        Param("gap", "number", default=2.0, min=0, animatable=False, unit="px"),
        Param("corner_radius", "number", default=0.0, min=0, animatable=False, unit="px"),
        Param("window_sec", "number", default=0.05, min=0, animatable=False, unit="s"),
        Param("smoothing", "number", default=0.5, min=0, max=0.999, animatable=False),
    )  # fmt: skip
    json_schema = WAVEFORM_SCHEMA
    frame_varying = True

    @classmethod
    def parse(cls, raw: Any, path: str) -> WaveformSpec:
        return read_waveform(raw, path)

    def prepare(self, p: WaveformSpec, ctx: PrepareContext) -> tuple[float, float]:
        comp = ctx.composition
        asset = comp.assets.get(p.audio) if comp is not None else None
        if not isinstance(asset, (AudioAsset, VideoAsset)):
            raise AssetError(ctx.path + ".audio", f"'{p.audio}' is not an Audio or Video asset")
        decoder = ctx.decoder
        if decoder is None or not hasattr(decoder, "decode_audio"):
            raise AssetError(ctx.path + ".audio", "no decoder with audio is installed")
        src = ctx.resolve(asset.source)
        pcm = decoder.decode_audio(src)
        if pcm is None or len(pcm) == 0:
            raise AssetError(str(src), f"asset '{p.audio}' has no sound (Waveform)")
        mono = placed_sound(comp, p.audio, pcm)  # type: ignore[arg-type]
        edges = band_edges(p.band_hz[0], p.band_hz[1], p.bars)
        self._levels = band_level_tables(mono, comp, edges, p.window_sec, p.smoothing)  # type: ignore[arg-type]
        return (p.width, p.height)

    def draw(self, p: WaveformSpec, ctx: DrawContext) -> VectorDrawing:
        tf = ctx.frame + ctx.clip_start
        levels = self._levels
        row = levels[tf] if 0 <= tf < len(levels) else np.zeros(p.bars, np.float32)
        path = _bars_path(p, row) if p.style != "Line" else _line_path(p, row)
        if path is None:
            return VectorDrawing(())
        return VectorDrawing((VectorShape(path, fill=p.fill),))


def _bars_path(p: WaveformSpec, row: np.ndarray) -> PathGeometry | None:
    slot = p.width / p.bars
    bar_w = max(slot - p.gap, 0.0)
    if bar_w <= 0:
        return None
    parts: list[PathGeometry] = []
    for i, level in enumerate(row.tolist()):
        h = level * p.height
        if h < _MIN_BAR:
            continue
        x = i * slot + (slot - bar_w) / 2.0
        y = p.height - h if p.style == "Bars" else (p.height - h) / 2.0
        r = min(p.corner_radius, bar_w / 2.0, h / 2.0)
        parts.append(rect_path(x, y, bar_w, h, r))
    return _concat(parts) if parts else None


def _concat(parts: list[PathGeometry]) -> PathGeometry:
    """One outline made of several closed sub-paths (drawn as one fill)."""
    verbs = "".join(g.verbs for g in parts)
    pts = np.concatenate([g.points for g in parts])
    return PathGeometry(verbs, pts, path_bbox(verbs, pts))


def _line_path(p: WaveformSpec, row: np.ndarray) -> PathGeometry | None:
    """A band mirrored about the middle line through the bar centres' heights."""
    if not row.any():
        return None
    slot = p.width / p.bars
    mid = p.height / 2.0
    xs = [(i + 0.5) * slot for i in range(p.bars)]
    hs = [max(float(v) * p.height / 2.0, 0.25) for v in row.tolist()]
    pb = PathBuilder()
    pb.move_to(0.0, mid)
    for x, h in zip(xs, hs, strict=True):
        pb.line_to(x, mid - h)
    pb.line_to(p.width, mid)
    for x, h in zip(reversed(xs), reversed(hs), strict=True):
        pb.line_to(x, mid + h)
    pb.close()
    return pb.build()
