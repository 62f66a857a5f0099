"""The typed composition model: the Wavyte 0.2 format (wavyte-format.md §1) as frozen data.

These classes are what `load` produces from JSON, what the builder produces from Python and
what `dump` writes back. They mirror the format one to one (field names, defaults, enum
spellings), so a round trip is lossless. Free-form JSON (effect and transition ``params``)
is kept as plain Python values: ``dict``/``list``/``str``/``bool``/``None``, and ``int`` or
``float`` to keep serde_json's integer/float distinction.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, TypeAlias

JsonValue: TypeAlias = (
    Any  # None | bool | int | float | str | list[JsonValue] | dict[str, JsonValue]
)


# ---------------------------------------------------------------------------------- time


@dataclass(frozen=True, slots=True)
class Fps:
    num: int
    den: int

    @property
    def secs_per_frame(self) -> float:
        """``den/num`` as one f64 division, the factor used by every frame→seconds conversion."""
        return self.den / self.num

    def frames_to_secs(self, n: int) -> float:
        return float(n) * (self.den / self.num)


@dataclass(frozen=True, slots=True)
class Canvas:
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class FrameRange:
    """Half-open ``[start, end)`` in timeline frames."""

    start: int
    end: int

    def contains(self, f: int) -> bool:
        return self.start <= f < self.end

    @property
    def length(self) -> int:
        return max(self.end - self.start, 0)


# ------------------------------------------------------------------------------ geometry


@dataclass(frozen=True, slots=True)
class Vec2:
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Transform2D:
    translate: Vec2 = Vec2(0.0, 0.0)
    rotation_rad: float = 0.0
    scale: Vec2 = Vec2(1.0, 1.0)
    anchor: Vec2 = Vec2(0.0, 0.0)


# --------------------------------------------------------------------------- animation


class Ease(enum.StrEnum):
    Linear = "Linear"
    InQuad = "InQuad"
    OutQuad = "OutQuad"
    InOutQuad = "InOutQuad"
    InCubic = "InCubic"
    OutCubic = "OutCubic"
    InOutCubic = "InOutCubic"


class InterpMode(enum.StrEnum):
    Hold = "Hold"
    Linear = "Linear"


class LoopMode(enum.StrEnum):
    Repeat = "Repeat"
    PingPong = "PingPong"


@dataclass(frozen=True, slots=True)
class Keyframe:
    frame: int
    value: Any  # float or Transform2D
    ease: Ease = Ease.Linear


@dataclass(frozen=True, slots=True)
class Keyframes:
    keys: tuple[Keyframe, ...]
    mode: InterpMode
    default: Any = None  # float | Transform2D | None


@dataclass(frozen=True, slots=True)
class Sine:
    amp: float
    freq_hz: float
    phase: float
    offset: float


@dataclass(frozen=True, slots=True)
class Noise1D:
    amp: float
    freq_hz: float
    offset: float


@dataclass(frozen=True, slots=True)
class Envelope:
    attack: int
    decay: int
    sustain: float
    release: int


@dataclass(frozen=True, slots=True)
class Spring:
    stiffness: float
    damping: float
    target: float


@dataclass(frozen=True, slots=True)
class AudioLevel:
    """0.3: the loudness of an asset's sound at the frame's timeline time, 0..1 before
    ``gain`` and ``offset`` (levels are computed once per render; see assets/levels.py)."""

    asset: str
    band_hz: tuple[float, float] | None = None
    window_sec: float = 0.05
    smoothing: float = 0.5
    gain: float = 1.0
    offset: float = 0.0


ProcScalar: TypeAlias = Sine | Noise1D | Envelope | Spring | AudioLevel


@dataclass(frozen=True, slots=True)
class ProcScalarKind:
    """``{"kind": "Scalar", "params": ProcScalar}``"""

    params: ProcScalar


@dataclass(frozen=True, slots=True)
class ProcVec2Kind:
    """``{"kind": "Vec2", "params": {"x": ProcScalar, "y": ProcScalar}}``"""

    x: ProcScalar
    y: ProcScalar


@dataclass(frozen=True, slots=True)
class Procedural:
    kind: ProcScalarKind | ProcVec2Kind


@dataclass(frozen=True, slots=True)
class Delay:
    inner: Anim
    by: int


@dataclass(frozen=True, slots=True)
class Speed:
    inner: Anim
    factor: float


@dataclass(frozen=True, slots=True)
class Reverse:
    inner: Anim
    duration: int


@dataclass(frozen=True, slots=True)
class Loop:
    inner: Anim
    period: int
    mode: LoopMode


@dataclass(frozen=True, slots=True)
class Mix:
    a: Anim
    b: Anim
    t: Anim


ExprNode: TypeAlias = Delay | Speed | Reverse | Loop | Mix


@dataclass(frozen=True, slots=True)
class Expr:
    node: ExprNode


Anim: TypeAlias = Keyframes | Procedural | Expr


def constant(value: Any) -> Keyframes:
    """What the Rust ``Anim::constant(v)`` produces: one Hold key at frame 0."""
    return Keyframes(keys=(Keyframe(0, value, Ease.Linear),), mode=InterpMode.Hold, default=None)


# ------------------------------------------------------------------------------ assets


@dataclass(frozen=True, slots=True)
class TextAsset:
    text: str
    font_source: str
    size_px: float  # f32
    max_width_px: float | None = None  # f32
    color_rgba8: tuple[int, int, int, int] = (255, 255, 255, 255)  # straight alpha


@dataclass(frozen=True, slots=True)
class SvgAsset:
    source: str


@dataclass(frozen=True, slots=True)
class PathAsset:
    svg_path_d: str


@dataclass(frozen=True, slots=True)
class ImageAsset:
    source: str


@dataclass(frozen=True, slots=True)
class VideoAsset:
    source: str
    trim_start_sec: float = 0.0
    trim_end_sec: float | None = None
    playback_rate: float = 1.0
    volume: float = 1.0
    fade_in_sec: float = 0.0
    fade_out_sec: float = 0.0
    muted: bool = False
    #: 0.3: the trimmed source repeats to fill the clip (pictures and sound).
    loop: bool = False


@dataclass(frozen=True, slots=True)
class AudioAsset:
    source: str
    trim_start_sec: float = 0.0
    trim_end_sec: float | None = None
    playback_rate: float = 1.0
    volume: float = 1.0
    fade_in_sec: float = 0.0
    fade_out_sec: float = 0.0
    muted: bool = False


Asset: TypeAlias = TextAsset | SvgAsset | PathAsset | ImageAsset | VideoAsset | AudioAsset
MediaAsset: TypeAlias = VideoAsset | AudioAsset

#: The JSON tag of each asset class (externally tagged enum).
ASSET_TAGS: dict[type, str] = {
    TextAsset: "Text",
    SvgAsset: "Svg",
    PathAsset: "Path",
    ImageAsset: "Image",
    VideoAsset: "Video",
    AudioAsset: "Audio",
}

# ---------------------------------------------------------------------- tracks and clips


class LayoutMode(enum.StrEnum):
    Absolute = "Absolute"
    HStack = "HStack"
    VStack = "VStack"
    Grid = "Grid"
    Center = "Center"


class Align(enum.StrEnum):
    Start = "Start"
    Center = "Center"
    End = "End"


class BlendMode(enum.StrEnum):
    Normal = "Normal"


@dataclass(frozen=True, slots=True)
class Edges:
    left: float = 0.0
    right: float = 0.0
    top: float = 0.0
    bottom: float = 0.0


@dataclass(frozen=True, slots=True)
class EffectInstance:
    kind: str
    params: JsonValue = None


@dataclass(frozen=True, slots=True)
class TransitionSpec:
    kind: str
    duration_frames: int
    ease: Ease = Ease.Linear
    params: JsonValue = None


@dataclass(frozen=True, slots=True)
class ClipProps:
    transform: Anim = field(default_factory=lambda: constant(Transform2D()))
    opacity: Anim = field(default_factory=lambda: constant(1.0))
    blend: BlendMode = BlendMode.Normal


@dataclass(frozen=True, slots=True)
class Clip:
    id: str
    asset: str
    range: FrameRange
    props: ClipProps = field(default_factory=ClipProps)
    z_offset: int = 0
    effects: tuple[EffectInstance, ...] = ()
    transition_in: TransitionSpec | None = None
    transition_out: TransitionSpec | None = None


@dataclass(frozen=True, slots=True)
class Track:
    name: str
    z_base: int
    clips: tuple[Clip, ...]
    layout_mode: LayoutMode = LayoutMode.Absolute
    layout_gap_px: float = 0.0
    layout_padding: Edges = Edges()
    layout_align_x: Align = Align.Start
    layout_align_y: Align = Align.Start
    layout_grid_columns: int = 2


@dataclass(frozen=True, slots=True)
class Composition:
    fps: Fps
    canvas: Canvas
    duration: int
    assets: dict[str, Asset]
    tracks: tuple[Track, ...]
    seed: int
