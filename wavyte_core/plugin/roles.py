"""The interfaces of the four backend roles plus effects and transitions.

A plugin's factory (see `hookspecs`) returns one of these objects per job. The frame loop
calls their plain bound methods: no pluggy, no lookups, no validation per frame.

Pixel contract (docs/writing-a-plugin.md): every buffer is a premultiplied BGRA uint8 numpy array of
shape (H, W, 4), C-contiguous. A `Surface` owns one such buffer for the whole job and
keeps the native wrappers backends build around it (a skia.Surface, a cairo.ImageSurface),
so wrapping happens once, not per frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from wavyte_core.plugin.prepared import PathGeometry, ShapedText
from wavyte_core.timeline.affine import Affine

if TYPE_CHECKING:
    from wavyte_core.plugin.asset_kinds import VectorDrawing


@dataclass(eq=False, slots=True)
class Surface:
    """A pooled premultiplied BGRA buffer and the native wrappers built around it once."""

    buf: np.ndarray
    native: dict[str, Any] = field(default_factory=dict)
    #: ``(x0, y0, x1, y1)``: every pixel outside is transparent (0). None: unknown. Set by
    #: the frame renderer on isolated layers so blurs work on the content, not the canvas.
    bounds: tuple[int, int, int, int] | None = None
    #: Canvas position of ``buf[0, 0]``. A frame is the whole canvas at (0, 0); the frame
    #: renderer's isolated layers cover only their region of the canvas (their device bounds
    #: plus what their effects add) when the compositor says ``layer_regions``. ``bounds``
    #: are in buffer coordinates.
    origin: tuple[int, int] = (0, 0)

    @classmethod
    def alloc(cls, width: int, height: int) -> Surface:
        return cls(np.zeros((height, width, 4), dtype=np.uint8))

    def fill(self, bgra_premul: tuple[int, int, int, int]) -> None:
        """Set every pixel to one premultiplied BGRA colour (a 32-bit fill: ~20× faster
        than broadcasting the 4-byte colour)."""
        self.buf.view(np.uint32).fill(int(np.array(bgra_premul, dtype=np.uint8).view(np.uint32)[0]))

    @property
    def width(self) -> int:
        return self.buf.shape[1]

    @property
    def height(self) -> int:
        return self.buf.shape[0]


def is_opaque(buf: np.ndarray) -> bool:
    """Every pixel of a premultiplied BGRA buffer (or view) has alpha 255.

    Whole pixels are read as little-endian uint32, alpha in the top byte (the pixel
    contract's byte order). A layer with a transparent corner — most isolated layers — is
    answered from two pixels, without a scan."""
    h, w = buf.shape[:2]
    if h == 0 or w == 0 or buf[0, 0, 3] != 255 or buf[-1, -1, 3] != 255:
        return False
    if buf.strides[1:] != (4, 1):
        return bool((buf[..., 3] == 255).all())
    return bool(buf.view(np.uint32).min() >= _U32_OPAQUE)


_U32_OPAQUE = np.uint32(0xFF000000)


@runtime_checkable
class Rasterizer(Protocol):
    """Turns prepared assets into pixels on a surface, under an affine and an opacity.

    ``prepare_*`` are called once per asset per job and return a native handle
    (``prepare_vector``: once per distinct drawing of an asset kind); the ``draw_*``
    methods are called once per visible layer per rendered frame. Drawing is
    source-over onto whatever the surface holds, with anti-aliasing, fill rule non-zero.
    """

    name: str

    def prepare_path(self, geom: PathGeometry) -> Any: ...

    def prepare_text(self, text: ShapedText) -> Any: ...

    def prepare_image(self, pixels: np.ndarray) -> Any:
        """Wrap a premultiplied BGRA still (image, SVG raster) once."""
        ...

    def clear(self, surface: Surface) -> None:
        """Make the surface fully transparent."""
        ...

    def fill_path(
        self,
        surface: Surface,
        handle: Any,
        m: Affine,
        color_bgra_premul: tuple[int, int, int, int],
        opacity: float,
    ) -> None: ...

    def draw_text(self, surface: Surface, handle: Any, m: Affine, opacity: float) -> None: ...

    def draw_image(self, surface: Surface, handle: Any, m: Affine, opacity: float) -> None:
        """Draw a prepared image with its top-left at the local origin, bilinear with edge
        clamp (nearest when ``m`` is an integer translation)."""
        ...

    def draw_pixels(self, surface: Surface, pixels: np.ndarray, m: Affine, opacity: float) -> None:
        """Like `draw_image` for a frame that changes every call (video)."""
        ...

    def prepare_vector(self, drawing: VectorDrawing) -> Any:
        """Convert an asset kind's `VectorDrawing` to native objects once: paths (fill rule
        per shape), paints (solid colours; gradient shaders/patterns), stroke settings.

        Called when a kind's sampled values change (once per job for a static shape),
        never per frame otherwise. Semantics every rasterizer follows:

        - shapes in order, each filled (``fill``, ``fill_rule`` NonZero/EvenOdd) and then
          stroked (``stroke_path`` or ``path``), anti-aliased, source-over;
        - colours are straight RGBA8; ``LinearGradient`` runs from ``start`` to ``end``;
          ``RadialGradient`` from the ``focal`` point (radius 0; default the centre) to the
          circle (``center``, ``radius``), a two-point conical gradient as in SVG;
          ``extend`` Pad/Repeat/Reflect (skia Clamp/Repeat/Mirror, cairo
          EXTEND_PAD/REPEAT/REFLECT); stops interpolate in premultiplied sRGB (CSS): skia
          ``kInterpolateColorsInPremul_Flag``, cairo through
          `wavyte_core.plugin.paints.premul_stops`; a gradient that spans nothing paints
          its last stop (`paints.degenerate_colour`);
        - gradient points, stroke widths and dash lengths are local units (the draw's
          affine scales them); joins Miter/Round/Bevel with ``miter_limit``, caps
          Butt/Round/Square; ``dash`` on/off lengths (an odd count repeats, as SVG),
          starting ``dash_offset`` into the pattern; a stroke of width 0 draws nothing.
          Trimming is already done by the core (``stroke_path``), and a dashed stroke's
          outline arrives flattened to a polyline (`geometry.flatten_path`), so dash
          lengths do not depend on how each library measures curves.
        """
        ...

    def draw_vector(self, surface: Surface, handle: Any, m: Affine, opacity: float) -> None:
        """Draw a prepared vector drawing under ``m`` with ``opacity`` applied to the
        drawing as a group (a stroke over its fill does not show the fill through).
        Called once per visible layer per rendered frame."""
        ...

    def flush(self, surface: Surface) -> None:
        """Make every pending draw visible in ``surface.buf`` (called before compositing)."""
        ...

    def invalidate(self, surface: Surface) -> None:
        """``surface.buf`` was written outside the rasterizer (numpy, a compositor): forget
        any state that mirrors it (cairo's ``mark_dirty``). A no-op for skia."""
        ...


@runtime_checkable
class Compositor(Protocol):
    """Combines layer surfaces into the frame (the semantics of docs/format.md).

    All methods are called per rendered frame, once per composite op of the plan.
    ``direct_draw`` says that "rasterizer draws the layer straight into the frame with
    paint opacity" is an acceptable implementation of `over` for this compositor; the
    planner then skips isolation surfaces for plain layers. The exact reference compositor
    says False.

    ``layer_regions`` (optional, default False) says that the compositor places a source
    surface at its ``origin`` on ``dst``: the frame renderer may then give isolated layers
    surfaces sized to their region of the canvas instead of the whole canvas (no
    full-canvas clears and blends for small layers). ``dst`` is always a whole frame; the
    two layers of a pair always share origin and size.
    """

    name: str
    direct_draw: bool

    def fill(self, dst: Surface, bgra_premul: tuple[int, int, int, int]) -> None: ...

    def over(self, dst: Surface, src: Surface, opacity: float) -> None: ...

    def crossfade(self, dst: Surface, a: Surface, b: Surface, t: float) -> None:
        """``dst = over(dst, crossfade(a, b, t), 1)``."""
        ...

    def wipe(
        self, dst: Surface, a: Surface, b: Surface, t: float, direction: str, soft_edge: float
    ) -> None:
        """``dst = over(dst, crossfade(a, b, mask), 1)``; direction in ltr/rtl/ttb/btt."""
        ...

    def blur(self, src: Surface, dst: Surface, radius_px: int, sigma: float) -> None:
        """Separable Gaussian of §4.6 from ``src`` into ``dst`` (same size)."""
        ...

    # Optional (0.3): ``blend(dst, src, opacity, mode) -> None`` — clip ``props.blend``. See
    # `Blender`; a compositor without it gets the core's exact kernels.

    def copy(self, dst: Surface, src: Surface) -> None: ...


@runtime_checkable
class Blender(Protocol):
    """The optional blend operation of a compositor (clip ``props.blend``).

    ``blend(dst, src, opacity, mode)`` is called once per blended layer per rendered frame
    (a layer whose blend mode is not ``Normal`` is always isolated, never drawn straight
    into the frame): blend ``src`` (a layer surface placed at its ``origin``, premultiplied)
    scaled by ``opacity`` onto ``dst`` (the whole frame) with ``mode``, one of
    ``wavyte_core.render.blend_modes.BLEND_MODES`` ("Normal" is `Compositor.over`). The
    formulas are W3C Compositing and Blending Level 1 with source-over (``Add`` is
    plus-lighter, clamped); the numpy compositor's rounding, written down in
    `wavyte_core.render.blend_modes`, is the reference the conformance suite holds a
    native implementation to (within 3 levels). ``src.bounds``, when set, holds every
    non-transparent pixel: a transparent source pixel must leave ``dst`` unchanged, so
    the work may be clipped to it. A compositor that does not define ``blend`` still
    renders blended clips: the frame renderer then runs the core's exact kernels on the
    buffers (the pixel contract makes that work with any compositor). Advertise the
    capability ``"blend"`` in the `RoleSpec` when you implement it.

    Track mattes need nothing of the compositor: the core multiplies the matted layer by
    its matte (`wavyte_core.render.matte`), the same on every backend.
    """

    def blend(self, dst: Surface, src: Surface, opacity: float, mode: str) -> None: ...


class VideoOpener(Protocol):
    def __call__(self, path: Path) -> Any: ...


@runtime_checkable
class Decoder(Protocol):
    """Reads media files. Every method is called at prepare time, never per frame, except
    the sessions' ``frame_at`` (see `prepared.VideoSession`)."""

    name: str

    def decode_image(self, path: Path) -> np.ndarray:
        """Decode a still to premultiplied BGRA (h, w, 4)."""
        ...

    def open_video(self, path: Path) -> Any:
        """Open a persistent `VideoSession` on the first video stream."""
        ...

    def decode_audio(self, path: Path) -> np.ndarray | None:
        """Decode the first audio stream to float32 (n, 2) at 48 kHz; None when there is none."""
        ...


@dataclass(frozen=True, slots=True)
class EncodeSettings:
    """What an encoder session writes. Built by `codecs.OutputSettings.settings` after the
    request was checked; every field is a keyword with a default, so new options extend it
    without breaking encoders that ignore them."""

    width: int
    height: int
    fps: Fraction
    crf: int | None = 23  # None: bitrate mode, or a codec without crf
    preset: str | None = "medium"
    codec: str = "libx264"  # FFmpeg encoder name
    pix_fmt: str = "yuv420p"
    threads: int = 0  # 0 = let the codec decide
    audio: np.ndarray | None = None  # float32 (n, 2) at 48 kHz
    audio_codec: str = "aac"  # FFmpeg audio encoder (libopus in WebM)
    #: Frames keep their alpha: the session un-premultiplies them once (the pixel contract).
    alpha: bool = False
    bitrate: int | None = None  # bits/s; replaces crf
    profile: str | None = None
    muxer: str | None = None  # FFmpeg muxer; None: chosen from the file suffix
    palette: str = "video"  # GIF: one palette for the whole file, or one per frame
    dither: str = "sierra2_4a"  # GIF dithering (FFmpeg paletteuse)
    qscale: int | None = None  # JPEG quantiser (2 best … 31)
    first_frame: int = 0  # number of the first file of an image sequence
    #: Fixed closed GOP of this many frames (keyint = min-keyint, no scene cut): segments
    #: encoded with it can be joined by remux. None: the codec's own keyframe placement.
    gop: int | None = None
    #: YUV matrix of the RGB → YUV conversion, and the colour tags written: ``bt709`` or
    #: ``bt601`` (SMPTE 170M), limited range. None: BT.601 for YUV formats (what swscale
    #: does by default), nothing for the others. `codecs.OutputSettings.matrix` picks it.
    color_space: str | None = None


class EncoderSession(Protocol):
    def write(self, frame: np.ndarray) -> None:
        """Encode one premultiplied BGRA frame (opaque unless the settings ask for alpha).
        Called once per output frame, in order, from the encoder thread. The frame buffer
        must not be kept after return."""
        ...

    def close(self) -> None:
        """Flush and finalise the file."""
        ...

    def abort(self) -> None:
        """Stop without finalising; the caller deletes the file."""
        ...


@runtime_checkable
class Encoder(Protocol):
    name: str

    def open(self, path: Path, settings: EncodeSettings) -> EncoderSession: ...


class PixelEffect(Protocol):
    """A parsed per-layer pixel pass (e.g. blur). Created at load, applied per frame."""

    #: Optional ``pad_px: int``: how far (pixels) the output can reach beyond the input's
    #: non-transparent content (a blur: its radius). Declared, it lets the frame renderer
    #: size the layer's surface to its content; without it the layer gets the whole canvas.

    def apply(self, compositor: Compositor, src: Surface, dst: Surface) -> None:
        """Called per rendered frame on the layer's isolated surface; ``dst`` has the same
        size and origin as ``src``."""
        ...
