"""Frame evaluation: Composition + frame → FrameGraph (wavyte-format.md §3.1–3.6).

``Evaluator`` does all the work that does not depend on the frame once, when the job
starts: per-clip seeds, compiled animations, constant transforms and opacities hoisted into
finished matrices and values (a clip whose state never changes has its whole ``EvalNode``
built up front), sort keys, transition windows, video time constants, and an interval index
that maps any frame to the visible clips already in paint order. ``evaluate(frame)`` is then
a bounds check, one ``bisect`` and, for animated clips only, a few closure calls. It is pure:
the same frame always gives the same graph, which is what elision and parallel rendering
rely on.
"""

from __future__ import annotations

import math
import struct
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from wavyte_core.errors import EvaluationError, WavyteError
from wavyte_core.format.model import (
    Asset,
    Clip,
    Composition,
    Fps,
    FrameRange,
    TransitionSpec,
    VideoAsset,
)
from wavyte_core.timeline.affine import Affine, mul, parts_to_affine, translate
from wavyte_core.timeline.anim import LevelLookup, compile_anim, is_constant
from wavyte_core.timeline.ease import ease_fn
from wavyte_core.timeline.rng import stable_hash64

__all__ = [
    "ClipInfo",
    "EvalNode",
    "Evaluator",
    "FrameGraph",
    "transition_progress",
    "unpaired_opacity",
    "video_source_time",
]


class EvalNode(NamedTuple):
    """One visible clip at one frame. Plain numbers only, so nodes hash and compare fast."""

    clip: int  # global clip index: position in Evaluator.clips (track-major, clip order)
    z: int
    transform: Affine  # layout offset applied as the kurbo product [1,0,0,1,ox,oy]·M
    opacity: float  # clamped f64
    source_time_s: float | None  # Video assets only (§3.6)
    progress_in: float | None  # §3.5: None when no transition_in or outside its window
    progress_out: float | None
    #: The clip's pixel passes at this frame when they depend on the frame (animated
    #: plugin effect params); () otherwise. Part of equality, so elision stays exact.
    fx: tuple = ()
    #: An animated asset kind's sampled values at this frame (what its drawing depends
    #: on); None for every other asset. Part of equality, like ``fx``.
    state: Any = None
    #: The clip's ``props.blend`` (a `BlendMode` name); "Normal" is 0.2's only mode.
    blend: str = "Normal"
    #: The clip's track matte at this frame: ``(mode, source node)``, the source node None
    #: where the source clip is not active; None for a clip without a matte. Part of
    #: equality: a matted layer changes when its matte does.
    matte: tuple[str, EvalNode | None] | None = None


@dataclass(frozen=True, slots=True)
class FrameGraph:
    frame: int
    nodes: tuple[EvalNode, ...]  # paint order (§3.1 stable sort)


@dataclass(frozen=True, slots=True)
class ClipInfo:
    index: int
    track_index: int
    clip: Clip
    asset_key: str
    asset: Asset
    seed: int


# ------------------------------------------------------------------ standalone helpers


def _clamp01(x: float) -> float:
    """Rust ``x.clamp(0.0, 1.0)`` (NaN passes through)."""
    if x < 0.0:
        return 0.0
    if x > 1.0:
        return 1.0
    return x


def transition_progress(
    spec: TransitionSpec, clip_range: FrameRange, frame: int, edge: Literal["in", "out"]
) -> float | None:
    """§3.5: the eased progress of ``spec`` on ``edge`` of a clip, or None outside its window.

    Both edges count upward: 0 on the window's first frame, 1 on its last.
    """
    s, e = clip_range.start, clip_range.end
    length = e - s if e > s else 0
    if spec.duration_frames == 0 or length == 0:
        return None
    dur = min(spec.duration_frames, length)
    ws = s if edge == "in" else e - dur
    if not (ws <= frame < ws + dur):
        return None
    t = 1.0 if dur == 1 else float(frame - ws) / float(dur - 1)
    return _clamp01(ease_fn(spec.ease)(_clamp01(t)))


def video_source_time(asset: VideoAsset, fps: Fps, clip_local: int) -> float:
    """§3.6: ``trim_start + (local·(den/num))·rate``, capped at the trim end, floored at 0."""
    src = asset.trim_start_sec + (float(clip_local) * (fps.den / fps.num)) * asset.playback_rate
    return _cap_source_time(src, _trim_cap(asset))


def loop_period(asset: VideoAsset, media_duration: float | None) -> float | None:
    """The length in source seconds of one pass of a looping video (``loop: true``): from
    ``trim_start_sec`` to ``trim_end_sec``, or to the end of the media (``media_duration``,
    known after prepare) when no trim end is given. None when the asset does not loop or
    the period is unknown or not positive (then the clip holds its last frame, as in 0.2)."""
    if not asset.loop:
        return None
    end = asset.trim_end_sec if asset.trim_end_sec is not None else media_duration
    if end is None or not end - asset.trim_start_sec > 0.0:
        return None
    return end - asset.trim_start_sec


#: Positions within this many periods of a loop boundary snap to it, so that frame
#: ``k·period·fps`` shows the loop's first frame despite float rounding.
_LOOP_SNAP = 1e-9


def looped_source_time(trim_start: float, elapsed: float, period: float) -> float:
    """``trim_start + (elapsed mod period)`` for a looping video; ``elapsed`` is the
    unwrapped source time since the trim start (clip-local seconds × playback rate)."""
    if not elapsed > 0.0:  # the first frame, or NaN
        return trim_start
    laps = math.floor(elapsed / period + _LOOP_SNAP)
    return trim_start + max(elapsed - laps * period, 0.0)


def _trim_cap(asset: VideoAsset) -> float | None:
    """``max(trim_end, trim_start)`` with Rust ``f64::max`` semantics, or None."""
    te = asset.trim_end_sec
    if te is None:
        return None
    ts = asset.trim_start_sec
    if te != te:
        return ts
    if ts != ts:
        return te
    return te if te > ts else ts


def _cap_source_time(src: float, cap: float | None) -> float:
    if cap is not None and (src != src or cap < src):  # Rust f64::min: NaN yields the other
        src = cap
    if src != src or src < 0.0:  # Rust f64::max(src, 0.0)
        src = 0.0
    return src


_F32 = struct.Struct("<f")


def _f32(x: float) -> float:
    return _F32.unpack(_F32.pack(x))[0]


def unpaired_opacity(p_in: float | None, p_out: float | None) -> float:
    """§3.5 composite opacity of an unpaired layer, in f32: ``1·p_in·(1−p_out)`` clamped.

    ``1 − p_out`` is computed in f64 before the f32 conversion, as the reference does.
    Products of two f32 values are exact in f64, so rounding once to f32 matches f32 math.
    """
    o = 1.0
    if p_in is not None:
        o = _f32(o * _f32(p_in))
    if p_out is not None:
        o = _f32(o * _f32(1.0 - p_out))
    return _clamp01(o)


# --------------------------------------------------------------------- per-clip program


class _Window(NamedTuple):
    start: int
    end: int  # exclusive
    den: float  # dur − 1 as f64; unused when dur == 1
    dur1: bool
    ease: Callable[[float], float]


def _window(spec: TransitionSpec | None, rng: FrameRange, edge: str) -> _Window | None:
    if spec is None:
        return None
    length = rng.end - rng.start if rng.end > rng.start else 0
    if spec.duration_frames == 0 or length == 0:
        return None
    dur = min(spec.duration_frames, length)
    ws = rng.start if edge == "in" else rng.end - dur
    return _Window(ws, ws + dur, float(dur - 1), dur == 1, ease_fn(spec.ease))


def _progress(w: _Window | None, frame: int) -> float | None:
    if w is None or not (w.start <= frame < w.end):
        return None
    t = 1.0 if w.dur1 else float(frame - w.start) / w.den
    return _clamp01(w.ease(_clamp01(t)))


class _ClipProgram:
    """Everything needed to evaluate one clip, decided once.

    ``node`` is the finished EvalNode when nothing about the clip changes over time;
    otherwise ``make(frame)`` builds it.
    """

    __slots__ = (
        "index",
        "start",
        "end",
        "z",
        "node",
        "opacity_const",
        "opacity_fn",
        "affine_const",
        "transform_fn",
        "offset",
        "video",
        "loop",
        "win_in",
        "win_out",
        "bad_effect",
        "fx_at",
        "blend",
        "matte_mode",
        "matte_src",
        "state_at",
    )

    def __init__(
        self,
        info: ClipInfo,
        z: int,
        offset: tuple[float, float],
        fps: Fps,
        fx_at: Callable[[int], tuple] | None = None,
        period: float | None = None,
        state_at: Callable[[int], Any] | None = None,
        levels: LevelLookup | None = None,
    ) -> None:
        clip = info.clip
        spf = fps.den / fps.num
        self.index = info.index
        self.start = clip.range.start
        self.end = clip.range.end
        self.z = z
        self.offset: Affine = translate(float(offset[0]), float(offset[1]))
        self.bad_effect = any(not e.kind.strip() for e in clip.effects)
        self.fx_at = fx_at
        self.blend = str(clip.props.blend)
        self.matte_mode = None if clip.matte is None else str(clip.matte.mode)
        #: The source clip's program, linked by the evaluator once all programs exist.
        self.matte_src: _ClipProgram | None = None
        self.state_at = state_at

        props = clip.props
        op_fn = compile_anim(
            props.opacity, "f64", secs_per_frame=spf, seed=info.seed, levels=levels
        )
        tr_fn = compile_anim(props.transform, "parts", secs_per_frame=spf, seed=info.seed)
        self.opacity_const: float | None = None
        self.opacity_fn = op_fn
        if is_constant(props.opacity):
            self.opacity_const = _clamp01(op_fn(0))
        self.affine_const: Affine | None = None
        self.transform_fn = tr_fn
        if is_constant(props.transform):
            self.affine_const = mul(self.offset, parts_to_affine(*tr_fn(0)))

        asset = info.asset
        self.video: tuple[float, float, float, float | None] | None = None
        #: ``(trim_start, fps.den, fps.num, rate, period)`` of a looping video, else None
        self.loop: tuple[float, int, int, float, float] | None = None
        if isinstance(asset, VideoAsset):
            self.video = (asset.trim_start_sec, spf, asset.playback_rate, _trim_cap(asset))
            if period is not None:
                self.loop = (asset.trim_start_sec, fps.den, fps.num, asset.playback_rate, period)

        self.win_in = _window(clip.transition_in, clip.range, "in")
        self.win_out = _window(clip.transition_out, clip.range, "out")

        self.node: EvalNode | None = None
        if (
            self.opacity_const is not None
            and self.affine_const is not None
            and self.video is None
            and self.win_in is None
            and self.win_out is None
            and not self.bad_effect
            and fx_at is None
            and self.matte_mode is None
            and state_at is None
        ):
            self.node = EvalNode(
                self.index,
                z,
                self.affine_const,
                self.opacity_const,
                None,
                None,
                None,
                blend=self.blend,
            )

    def active(self, frame: int) -> bool:
        return self.start <= frame < self.end

    def at(self, frame: int) -> EvalNode:
        return self.node if self.node is not None else self.make(frame)

    def make(self, frame: int) -> EvalNode:
        """Evaluate at ``frame`` in the reference's order: opacity, transform, time, effects."""
        local = frame - self.start
        opacity = self.opacity_const
        if opacity is None:
            opacity = _clamp01(self.opacity_fn(local))
        m = self.affine_const
        if m is None:
            m = mul(self.offset, parts_to_affine(*self.transform_fn(local)))
        src = None
        if self.loop is not None:
            ts, den, num, rate, period = self.loop
            # local·den/num in one rounding: frame k·period·fps lands on the loop point
            src = looped_source_time(ts, (local * den / num) * rate, period)
        elif self.video is not None:
            ts, spf, rate, cap = self.video
            src = _cap_source_time(ts + (float(local) * spf) * rate, cap)
        if self.bad_effect:
            raise EvaluationError("effect kind must be non-empty")
        matte = None
        if self.matte_mode is not None:
            mp = self.matte_src
            assert mp is not None
            matte = (self.matte_mode, mp.at(frame) if mp.active(frame) else None)
        return EvalNode(
            self.index,
            self.z,
            m,
            opacity,
            src,
            _progress(self.win_in, frame),
            _progress(self.win_out, frame),
            () if self.fx_at is None else self.fx_at(local),
            None if self.state_at is None else self.state_at(local),
            self.blend,
            matte,
        )


class _Segment(NamedTuple):
    programs: tuple[_ClipProgram, ...]  # visible clips in paint order
    static_nodes: tuple[EvalNode, ...] | None  # all nodes, when every clip is static


# ---------------------------------------------------------------------------- evaluator


class Evaluator:
    """Precomputed evaluation of one composition; ``evaluate(frame)`` is cheap and pure.

    ``layout_offsets`` is the output of ``layout.solve_layout`` (per track, per clip);
    None means every offset is (0, 0). ``effect_passes`` (per global clip index, from the
    job) gives the clips whose pixel passes depend on the frame: their nodes carry the
    passes of each frame in ``EvalNode.fx``. ``asset_states`` (per global clip index)
    gives the clips whose asset kind has animated values: their nodes carry the values of
    each frame in ``EvalNode.state``. ``media_durations`` (asset key → seconds, from
    prepare) gives the loop period of looping videos without a ``trim_end_sec``; without
    it such a clip plays once and holds its last frame (as `wavyte eval` shows it).
    ``levels_at(clip_start)`` gives the ``AudioLevel`` lookup of a clip (see `compile_anim`).
    """

    def __init__(
        self,
        comp: Composition,
        layout_offsets: list[list[tuple[float, float]]] | None = None,
        effect_passes: Sequence[Callable[[int], tuple] | None] | None = None,
        media_durations: Mapping[str, float | None] | None = None,
        asset_states: Sequence[Callable[[int], Any] | None] | None = None,
        levels_at: Callable[[int], LevelLookup] | None = None,
    ) -> None:
        self.comp = comp
        self._dump_parts: list | None = None  # evaldump's per-clip string cache
        self.duration = comp.duration
        infos: list[ClipInfo] = []
        programs: list[_ClipProgram] = []
        keys: list[tuple[int, int, int, bytes, int]] = []
        for ti, track in enumerate(comp.tracks):
            offsets = layout_offsets[ti] if layout_offsets is not None else None
            for ci, clip in enumerate(track.clips):
                idx = len(infos)
                info = ClipInfo(
                    index=idx,
                    track_index=ti,
                    clip=clip,
                    asset_key=clip.asset,
                    asset=comp.assets[clip.asset],
                    seed=stable_hash64(comp.seed, clip.id),
                )
                infos.append(info)
                z = track.z_base + clip.z_offset
                off = offsets[ci] if offsets is not None else (0.0, 0.0)
                fx_at = effect_passes[idx] if effect_passes is not None else None
                asset = info.asset
                period = None
                if isinstance(asset, VideoAsset) and asset.loop:
                    dur = media_durations.get(clip.asset) if media_durations else None
                    period = loop_period(asset, dur)
                st_at = asset_states[idx] if asset_states is not None else None
                levels = levels_at(clip.range.start) if levels_at is not None else None
                programs.append(_ClipProgram(info, z, off, comp.fps, fx_at, period, st_at, levels))
                # Stable sort by (z, track, start, id): the global index breaks ties.
                keys.append((z, ti, clip.range.start, clip.id.encode("utf-8"), idx))
        self.clips: tuple[ClipInfo, ...] = tuple(infos)
        self._programs = tuple(programs)
        by_id = {info.clip.id: i for i, info in reversed(list(enumerate(infos)))}
        sources: set[int] = set()
        for info, prog in zip(infos, programs, strict=True):
            if info.clip.matte is not None:
                src = by_id.get(info.clip.matte.source)
                if src is None:
                    raise EvaluationError(
                        f"clip '{info.clip.id}' has matte source "
                        f"'{info.clip.matte.source}', no such clip"
                    )
                prog.matte_src = programs[src]
                sources.add(src)
        #: global indices of the clips used as track mattes: never drawn by themselves
        self.matte_sources: frozenset[int] = frozenset(sources)
        #: global clip indices in paint order (over all clips, visible or not)
        self.paint_order: tuple[int, ...] = tuple(k[-1] for k in sorted(keys))
        self._build_index()

    def _build_index(self) -> None:
        """Split the timeline at every clip start/end; each piece has a fixed visible set."""
        bounds = sorted(
            {
                b
                for info in self.clips
                if info.clip.range.start < info.clip.range.end
                for b in (info.clip.range.start, info.clip.range.end)
            }
        )
        self._bounds = tuple(bounds)
        segments: list[_Segment] = []
        starts = [-1, *bounds]  # segment k covers [starts[k], bounds[k]) (first: before all)
        for k in range(len(starts)):
            probe = starts[k] if k > 0 else -1
            progs = tuple(
                self._programs[i]
                for i in self.paint_order
                if self.clips[i].clip.range.start <= probe < self.clips[i].clip.range.end
                and i not in self.matte_sources
            )
            static = None
            if all(p.node is not None for p in progs):
                static = tuple(p.node for p in progs)  # type: ignore[misc]
            segments.append(_Segment(progs, static))
        self._segments = tuple(segments)

    def visible(self, frame: int) -> tuple[int, ...]:
        """Global indices of the clips visible at ``frame``, in paint order."""
        return tuple(p.index for p in self._segments[bisect_right(self._bounds, frame)].programs)

    def evaluate(self, frame: int) -> FrameGraph:
        """The frame graph at ``frame`` (§3): visible clips in paint order with their values."""
        if frame >= self.duration or frame < 0:
            raise EvaluationError(f"frame {frame} is out of bounds (duration {self.duration})")
        seg = self._segments[bisect_right(self._bounds, frame)]
        if seg.static_nodes is not None:
            return FrameGraph(frame, seg.static_nodes)
        try:
            nodes = tuple([p.node if p.node is not None else p.make(frame) for p in seg.programs])
        except WavyteError:
            # The reference evaluates clips in track order before sorting: report the error
            # of the first failing clip in that order (error path only, cost irrelevant).
            for p in sorted(seg.programs, key=lambda p: p.index):
                p.make(frame)
            raise
        return FrameGraph(frame, nodes)
