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
from importlib import import_module
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


@dataclass(frozen=True, slots=True)
class CubicBezier:
    """CSS ``cubic-bezier(x1, y1, x2, y2)``: the curve from (0, 0) to (1, 1) with these two
    control points; ``x1`` and ``x2`` in [0, 1], ``y1``/``y2`` free (overshoot)."""

    x1: float
    y1: float
    x2: float
    y2: float


class StepPosition(enum.StrEnum):
    Start = "Start"
    End = "End"


@dataclass(frozen=True, slots=True)
class Steps:
    """CSS ``steps(count, jump-start | jump-end)``: ``count`` equal jumps, the first at the
    start of the interval (``Start``) or the last at its end (``End``)."""

    count: int
    position: StepPosition = StepPosition.End


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
    ease: Ease | CubicBezier | Steps = Ease.Linear


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


class TextAlign(enum.StrEnum):
    Left = "Left"
    Center = "Center"
    Right = "Right"
    Justify = "Justify"


class TextDirection(enum.StrEnum):
    Auto = "Auto"
    Ltr = "Ltr"
    Rtl = "Rtl"


class PaintOrder(enum.StrEnum):
    StrokeThenFill = "StrokeThenFill"
    FillThenStroke = "FillThenStroke"


class BackgroundMode(enum.StrEnum):
    Block = "Block"
    Lines = "Lines"


@dataclass(frozen=True, slots=True)
class TextRun:
    """One styled piece of a paragraph; a field left None comes from the asset."""

    text: str
    font_source: str | None = None
    size_px: float | None = None
    color_rgba8: tuple[int, int, int, int] | None = None
    fill: Any = None  # Paint | None
    letter_spacing: float | None = None
    underline: bool = False
    background: tuple[int, int, int, int] | None = None


@dataclass(frozen=True, slots=True)
class TextShadow:
    offset: Vec2 = Vec2(0.0, 0.0)
    blur: float = 0.0
    color: tuple[int, int, int, int] = (0, 0, 0, 255)


@dataclass(frozen=True, slots=True)
class TextBackground:
    color: tuple[int, int, int, int] = (0, 0, 0, 255)
    padding: Edges = field(default_factory=lambda: Edges())
    corner_radius: float = 0.0
    mode: BackgroundMode = BackgroundMode.Block


@dataclass(frozen=True, slots=True)
class TextFit:
    width: float
    height: float
    min_size_px: float = 1.0
    max_lines: int | None = None


@dataclass(frozen=True, slots=True)
class TextAsset:
    """A Text asset: the 0.2 fields, then the typography fields (defaults reproduce 0.2)."""

    text: str
    font_source: str
    size_px: float  # f32
    max_width_px: float | None = None  # f32
    color_rgba8: tuple[int, int, int, int] = (255, 255, 255, 255)  # straight alpha
    runs: tuple[TextRun, ...] | None = None
    align: TextAlign = TextAlign.Left
    direction: TextDirection = TextDirection.Auto
    line_height: float | None = None
    letter_spacing: Any = 0.0  # float | Anim (px)
    font_fallback: tuple[str, ...] = ()
    fill: Any = None  # Paint | None
    stroke: Any = None  # Stroke | None
    paint_order: PaintOrder = PaintOrder.StrokeThenFill
    shadow: TextShadow | None = None
    background: TextBackground | None = None
    fit: TextFit | None = None

    @property
    def typographic(self) -> bool:
        """Whether any field beyond 0.2 is set (a 0.2 text takes the 0.2 layout exactly)."""
        return (
            self.runs is not None
            or self.align is not TextAlign.Left
            or self.direction is not TextDirection.Auto
            or self.line_height is not None
            or self.letter_spacing != 0.0
            or bool(self.font_fallback)
            or self.fill is not None
            or self.stroke is not None
            or self.shadow is not None
            or self.background is not None
            or self.fit is not None
        )


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


@dataclass(frozen=True, slots=True)
class KindAsset:
    """An asset of a registered asset kind (``{"Shape": {...}}``, ``{"acme.particles":
    {...}}``): the externally tagged name and its JSON content, kept as plain JSON. The
    kind's own parser reads ``params`` when the composition is checked against the
    installed plugins (`wavyte_core.plugin.asset_kinds`)."""

    kind: str
    params: JsonValue = None


#: The un-namespaced asset kind names the format reserves for its own kinds (built into
#: the core or shipped as first-party plugins). Third-party kinds are namespaced
#: (``vendor.kind``); any other tag is an unknown variant at load.
KIND_TAGS: tuple[str, ...] = ("Shape", "Captions", "Waveform", "Lottie", "Composition")

Asset: TypeAlias = (
    TextAsset | SvgAsset | PathAsset | ImageAsset | VideoAsset | AudioAsset | KindAsset
)
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


def asset_tag(a: Asset) -> str:
    """The JSON tag of an asset (a kind asset's is its kind name)."""
    return a.kind if isinstance(a, KindAsset) else ASSET_TAGS[type(a)]


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
    """Clip ``props.blend``: how the clip's finished layer combines with what lies below
    (W3C Compositing and Blending Level 1; ``Add`` is plus-lighter, clamped)."""

    Normal = "Normal"
    Multiply = "Multiply"
    Screen = "Screen"
    Overlay = "Overlay"
    Darken = "Darken"
    Lighten = "Lighten"
    ColorDodge = "ColorDodge"
    ColorBurn = "ColorBurn"
    HardLight = "HardLight"
    SoftLight = "SoftLight"
    Difference = "Difference"
    Exclusion = "Exclusion"
    Hue = "Hue"
    Saturation = "Saturation"
    Color = "Color"
    Luminosity = "Luminosity"
    Add = "Add"


class MatteMode(enum.StrEnum):
    """What of the matte source multiplies the matted layer."""

    Alpha = "Alpha"
    AlphaInverted = "AlphaInverted"
    Luma = "Luma"
    LumaInverted = "LumaInverted"


@dataclass(frozen=True, slots=True)
class Matte:
    """Clip ``matte``: the clip with id ``source`` (any track) masks this clip and is not
    drawn by itself."""

    source: str
    mode: MatteMode = MatteMode.Alpha


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
    ease: Ease | CubicBezier | Steps = Ease.Linear
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
    matte: Matte | None = None  # 0.3: None is 0.2 (no matte)


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


#: The module that draws compositions in notebooks (`Composition._repr_mimebundle_`).
NOTEBOOK_DISPLAY = "wavyte_core.preview.notebook"


@dataclass(frozen=True, slots=True)
class Composition:
    fps: Fps
    canvas: Canvas
    duration: int
    assets: dict[str, Asset]
    tracks: tuple[Track, ...]
    seed: int

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """Jupyter's rich display: a poster frame and a summary. Drawing needs the render
        pipeline, which sits above the format: the display is provided by
        `wavyte_core.preview.notebook`, looked up by name as a plugin would be."""
        return import_module(NOTEBOOK_DISPLAY).composition_bundle(self)
