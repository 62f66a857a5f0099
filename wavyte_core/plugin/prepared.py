"""Backend-neutral prepared assets: what `prepare` turns each asset into, once per job.

Every rasterizer converts these to its native objects once (a skia.Path, a cairo path, a
wrapped image); the frame loop then only draws. Geometry is in the asset's local
coordinates (pixels, y down); the clip transform maps it to the canvas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

# Path verbs, as in skia's path representation. Point counts per verb: M 1, L 1, Q 2, C 3, Z 0.
MOVE, LINE, QUAD, CUBIC, CLOSE = "M", "L", "Q", "C", "Z"
VERB_POINTS = {MOVE: 1, LINE: 1, QUAD: 2, CUBIC: 3, CLOSE: 0}


@dataclass(frozen=True, slots=True)
class PathGeometry:
    """A filled outline (fill rule non-zero), absolute coordinates, arcs already as cubics.

    ``verbs`` is a string of verb letters; ``points`` holds, in order, the points each verb
    consumes (shape ``(n, 2)``, float64).
    """

    verbs: str
    points: np.ndarray
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 (exact, curve extrema included)

    def segments(self) -> Iterator[tuple[str, np.ndarray]]:
        """Yield ``(verb, points)`` pairs; used once per backend to build a native path."""
        i = 0
        for v in self.verbs:
            n = VERB_POINTS[v]
            yield v, self.points[i : i + n]
            i += n

    @property
    def size(self) -> tuple[float, float]:
        """Intrinsic layout size (docs/format.md, "Tracks and layout"): bbox size, at least 1×1."""
        x0, y0, x1, y1 = self.bbox
        return max(x1 - x0, 1.0), max(y1 - y0, 1.0)


@dataclass(frozen=True, slots=True)
class TextLine:
    baseline_y: float
    advance: float  # includes trailing whitespace
    ascent: float
    descent: float
    leading: float


@dataclass(frozen=True, slots=True)
class ShapedText:
    """Text shaped once with HarfBuzz, laid out in lines, turned into glyph outlines.

    ``outline`` is every glyph of every line, positioned, in text-box coordinates (origin at
    the top-left of the layout box). It is filled with ``color_bgra_premul``.
    """

    outline: PathGeometry
    color_rgba8: tuple[int, int, int, int]  # straight, as in the JSON
    width: float
    height: float
    lines: tuple[TextLine, ...]
    family: str

    @property
    def size(self) -> tuple[float, float]:
        return max(self.width, 1.0), max(self.height, 1.0)


@dataclass(frozen=True, slots=True, eq=False)
class RichText:
    """Styled text laid out once: a `VectorDrawing` (paths with Paint and Stroke, glyph and
    shadow rasters) in paint order, in text-box coordinates.

    Made by the typesetter for a Text asset that uses typography fields (runs, alignment,
    fallback fonts, colour glyphs, boxes, shadow, stroke, fit). Every rasterizer draws the
    same outlines and the same rasters, so backends stay comparable. ``restyle`` (None for
    a static text) gives the drawing for other sampled values (animated letter spacing or
    paint), as ``job`` samples them per frame.
    """

    drawing: Any  # wavyte_core.plugin.asset_kinds.VectorDrawing
    width: float
    height: float
    lines: tuple[TextLine, ...]
    bbox: tuple[float, float, float, float]  # where the drawing reaches (all values)
    restyle: Callable[[Any], Any] | None = None

    @property
    def size(self) -> tuple[float, float]:
        return max(self.width, 1.0), max(self.height, 1.0)


@dataclass(frozen=True, slots=True)
class ImagePixels:
    """A decoded still: premultiplied BGRA uint8, shape (h, w, 4), C-contiguous, read-only."""

    pixels: np.ndarray

    @property
    def size(self) -> tuple[float, float]:
        h, w = self.pixels.shape[:2]
        return float(w), float(h)


@dataclass(frozen=True, slots=True)
class SvgRaster:
    """An SVG rasterised once at the largest scale its clips reach.

    ``pixels`` (premultiplied BGRA) covers the SVG's natural box ``natural_w × natural_h``;
    drawing it under ``transform · S(natural_w/px_w, natural_h/px_h)`` places it exactly
    where the vector would be.
    """

    pixels: np.ndarray
    natural_w: float
    natural_h: float

    @property
    def size(self) -> tuple[float, float]:
        return self.natural_w, self.natural_h

    @property
    def local_scale(self) -> tuple[float, float]:
        h, w = self.pixels.shape[:2]
        return self.natural_w / w, self.natural_h / h


class VideoSession(Protocol):
    """A persistent decoding session on one video asset, opened once per job (per worker)."""

    width: int
    height: int
    #: Seconds from the first frame's start to the last frame's end (its own display time
    #: included: an animated GIF's last delay counts), or None when the file does not say.
    #: Read once at prepare: the loop period of ``"loop": true`` clips.
    duration: float | None

    def frame_at(self, t: float) -> np.ndarray:
        """The premultiplied BGRA frame (h, w, 4) showing at source time ``t`` seconds.

        Called once per rendered frame that shows the clip. Reads forward sequentially;
        seeks only on a backwards or far-forward jump. The returned array may be reused by
        the next call: draw it before asking for another frame.
        """
        ...

    def close(self) -> None: ...


@dataclass(slots=True)
class VideoSource:
    session: VideoSession
    width: int
    height: int
    audio: np.ndarray | None = None  # float32 (n, 2) at 48 kHz, or None

    @property
    def duration(self) -> float | None:
        return getattr(self.session, "duration", None)

    @property
    def size(self) -> tuple[float, float]:
        return float(self.width), float(self.height)


@dataclass(frozen=True, slots=True)
class AudioPcm:
    samples: np.ndarray  # float32 (n, 2) at 48 kHz

    @property
    def size(self) -> tuple[float, float]:
        return 0.0, 0.0


@dataclass(frozen=True, slots=True)
class Deferred:
    """A visual asset this process has not prepared: the parent of a worker pool draws
    nothing itself, so its workers alone decode images, rasterise SVGs, shape text and
    open video sessions (nothing decoded twice). ``video_audio`` is a Video
    asset's sound, which only the parent mixes (None for other assets or a silent video)."""

    video: bool = False
    video_audio: np.ndarray | None = None
    #: A looping video's media duration (probed once by the parent: it evaluates frames)
    duration: float | None = None


Prepared = (
    PathGeometry
    | ShapedText
    | RichText
    | ImagePixels
    | SvgRaster
    | VideoSource
    | AudioPcm
    | Deferred
)


@dataclass(slots=True)
class PreparedAssets:
    """All prepared assets of a job, addressed by asset index (sorted key order)."""

    keys: tuple[str, ...]
    items: list[Prepared] = field(default_factory=list)

    def sizes(self) -> dict[str, tuple[float, float]]:
        """Intrinsic layout size per asset key (the layout's input)."""
        return {k: it.size for k, it in zip(self.keys, self.items, strict=True)}  # type: ignore[union-attr]

    def media_durations(self) -> dict[str, float | None]:
        """Media duration per Video asset key (loop periods are derived from it)."""
        out: dict[str, float | None] = {}
        for k, it in zip(self.keys, self.items, strict=True):
            if isinstance(it, (VideoSource, Deferred)):
                out[k] = it.duration
        return out

    def close(self) -> None:
        for it in self.items:
            if isinstance(it, VideoSource):
                it.session.close()
            else:  # a prepared asset kind that holds resources (a nested composition's job)
                close = getattr(getattr(it, "kind", None), "close", None)
                if callable(close):
                    close()
