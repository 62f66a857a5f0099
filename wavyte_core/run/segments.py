"""Segmented render of one composition: frame ranges encoded by an executor's workers,
joined by remux, audio mixed and muxed once.

- **Plan.** The range is cut into segments whose length is a multiple of a fixed GOP
  (`SegmentPlan`). Every segment is encoded by a fresh x264 with the same settings
  (`segment_output`): the user's `OutputSettings` plus closed GOP, keyint = min-keyint =
  GOP, no scene cut, stitchable headers, a fixed thread count.
  So keyframes fall exactly every GOP frames, segment starts included, and a segment's
  bytes depend only on its frames and the settings — never on which worker made it (nor
  its CPU: x264 runs in cpu-independent mode, `encoder_pyav.X264_PARAMS`), or whether it
  was retried.
- **Join.** The coordinator writes segments into the output as soon as they are
  contiguous: packets are copied (no re-encode) with pts/dts shifted by the frames before
  the segment. Every segment must carry the same codec headers (SPS/PPS).
- **Audio.** The composition's sound is mixed once for the whole range and encoded once
  (one AAC stream, priming once at the start), then muxed with the joined video. Never
  per segment: per-segment AAC leaves a gap and a priming delay at every seam.

A single-process render with the same plan (``executor="local"``, ``workers=1``) gives a
byte-identical file; the frames handed to the encoders hash the same as any other render.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import math
import os
import shutil
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from wavyte_core.errors import RenderError, WavyteWarning
from wavyte_core.format.model import Composition
from wavyte_core.output.codecs import OutputSettings, output_settings
from wavyte_core.output.targets import temp_path_for
from wavyte_core.run.executor import (
    ExecutorOptions,
    ExecutorSession,
    TaskResult,
    open_executor,
    report_progress,
)
from wavyte_core.run.job import DEFAULT_BACKGROUND, Backends
from wavyte_core.run.lifeline import new_scratch, remove_scratch
from wavyte_core.run.report import RenderReport

#: Default GOP: two seconds of frames (a common streaming keyframe interval).
DEFAULT_GOP_SECONDS = 2
AAC_FRAME = 1024  # samples per AAC frame
#: x264 threads of every segment encode. Fixed, never "auto", so that the bitstream does
#: not depend on the worker's core count (x264 output depends on its frame-thread count).
SEGMENT_X264_THREADS = 2
#: A segment task reports its progress every this many frames (`executor.report_progress`).
PROGRESS_EVERY = 4


def default_gop(comp: Composition) -> int:
    return max(1, round(DEFAULT_GOP_SECONDS * comp.fps.num / comp.fps.den))


def check_segmentable(output: OutputSettings) -> None:
    """Segments are joined by remux into one MP4, so they are H.264 (with its fixed-GOP
    settings), opaque and at constant quality (a bitrate target would be met per segment)."""
    if output.codec.name != "h264" or output.alpha or output.bitrate is not None:
        raise RenderError("segmented renders write H.264 MP4 with --crf (no --alpha, --bitrate)")
    if output.target.suffix.lower() not in (".mp4", ".m4v"):
        raise RenderError(f"{output.target}: segmented renders write MP4 (.mp4)")


def segment_output(output: OutputSettings, gop: int) -> OutputSettings:
    """The settings every segment is encoded with: ``output`` (checked by
    `check_segmentable`) with a closed GOP of ``gop`` frames and `SEGMENT_X264_THREADS`
    encoder threads, writing a ``.mp4`` (each task retargets it to its own file). The
    segments' bytes, and so the joined file's, rest on exactly these settings."""
    check_segmentable(output)
    return output.for_segment(output.target.with_suffix(".mp4"), gop, SEGMENT_X264_THREADS)


@dataclass(frozen=True, slots=True)
class SegmentPlan:
    """Frames ``[start, end)`` in segments of ``length`` frames (a multiple of ``gop``);
    the last one may be shorter."""

    start: int
    end: int
    gop: int
    length: int

    @classmethod
    def make(
        cls,
        start: int,
        end: int,
        gop: int,
        *,
        segments: int | None = None,
        segment_frames: int | None = None,
    ) -> SegmentPlan:
        """``segments``: at most this many segments (their length rounded up to whole
        GOPs); ``segment_frames``: this length (must be a multiple of ``gop``)."""
        total = end - start
        if total <= 0:
            raise RenderError(f"frame range {start}:{end} is empty")
        if gop < 1:
            raise RenderError(f"--gop must be >= 1 frame (got {gop})")
        if (segments is None) == (segment_frames is None):
            raise RenderError("give either a segment count or a segment length")
        if segments is not None:
            if segments < 1:
                raise RenderError(f"--segments must be >= 1 (got {segments})")
            length = math.ceil(math.ceil(total / segments) / gop) * gop
        else:
            assert segment_frames is not None
            if segment_frames < 1 or segment_frames % gop:
                raise RenderError(
                    f"--segment-frames {segment_frames} must be a positive multiple of the GOP ({gop})"
                )
            length = segment_frames
        return cls(start, end, gop, length)

    @property
    def ranges(self) -> list[tuple[int, int]]:
        return [
            (a, min(a + self.length, self.end)) for a in range(self.start, self.end, self.length)
        ]

    @property
    def frames(self) -> int:
        return self.end - self.start


# ------------------------------------------------------------------------------- workers


@dataclass(frozen=True, slots=True)
class SegmentJobSpec:
    """Everything a worker needs to prepare the composition (sent once per render)."""

    comp: Composition
    root: str
    backends: Backends
    background: tuple[int, int, int, int] | None
    output: OutputSettings  # `segment_output`: every segment's settings
    hash_frames: bool
    key: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass(frozen=True, slots=True)
class SegmentTask:
    key: int  # segment index
    start: int
    end: int

    def run(self, shared: SegmentJobSpec) -> TaskResult:
        from wavyte_core.run.render_loop import render_to_file

        t0 = time.perf_counter()
        job = _cached_job(shared)
        prep = time.perf_counter() - t0
        hashes: list[str] = []
        on_frame = (lambda buf: hashes.append(frame_hash(buf))) if shared.hash_frames else None
        tmpdir = new_scratch("wavyte-seg-")
        try:
            path = tmpdir / f"segment-{self.key:05d}.mp4"
            report = render_to_file(
                job,
                shared.output.retarget(path),
                start=self.start,
                end=self.end,
                workers=1,
                with_audio=False,
                on_frame=on_frame,
                progress=self._progress,
            )
            data = path.read_bytes()
        finally:
            remove_scratch(tmpdir)
        return TaskResult(
            self.key, data, report.frames, report.seconds, prepare_seconds=prep, hashes=hashes
        )

    def _progress(self, done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            report_progress(self.key, done)


_JOBS: dict[str, Any] = {}


#: The caller's plugin registry by render key, for tasks that run in the calling process
#: (an in-process executor): worker processes build theirs from entry points instead.
_REGISTRIES: dict[str, Any] = {}


def _cached_job(spec: SegmentJobSpec) -> Any:
    """The worker's prepared job for this render (assets prepared once per worker)."""
    job = _JOBS.get(spec.key)
    if job is None:
        from wavyte_core.run.job import Job

        release_cached_jobs()
        job = Job(
            spec.comp,
            assets_root=spec.root,
            backends=spec.backends,
            background=spec.background,
            audio=False,  # segments are video only; the sound is mixed once after the join
            registry=_REGISTRIES.get(spec.key),
        )
        _JOBS[spec.key] = job
    return job


def release_cached_jobs() -> None:
    """Close the jobs this process keeps for segment tasks."""
    while _JOBS:
        _JOBS.popitem()[1].close()


def frame_hash(buf: np.ndarray) -> str:
    """The hash of a frame as handed to the encoder (premultiplied BGRA bytes)."""
    return hashlib.blake2b(
        memoryview(np.ascontiguousarray(buf)).cast("B"), digest_size=16
    ).hexdigest()


# --------------------------------------------------------------------------------- join


class SegmentJoiner:
    """Appends encoded segments to one video-only file, in order, by stream copy.

    ``add`` accepts segments in any order; each is written as soon as every segment
    before it has been. Out-of-order segments wait on disk in ``workdir``, not in memory.
    """

    def __init__(self, out: Path, plan: SegmentPlan, fps: Fraction, workdir: Path) -> None:
        self.out, self.plan, self.fps, self.workdir = out, plan, fps, workdir
        self.ranges = plan.ranges
        self.next = 0
        self.frames = 0
        self.keyframes: list[int] = []
        self._waiting: dict[int, Path] = {}
        self._container: Any = None
        self._stream: Any = None
        self._extradata: bytes | None = None
        self.join_seconds = 0.0

    def add(self, index: int, data: bytes) -> None:
        path = self.workdir / f"segment-{index:05d}.mp4"
        path.write_bytes(data)
        self._waiting[index] = path
        while self.next in self._waiting:
            p = self._waiting.pop(self.next)
            t0 = time.perf_counter()
            self._append(self.next, p)
            self.join_seconds += time.perf_counter() - t0
            p.unlink(missing_ok=True)
            self.next += 1

    @property
    def complete(self) -> bool:
        return self.next == len(self.ranges)

    def _open(self, template: Any) -> None:
        import av

        self._container = av.open(str(self.out), "w", format="mp4")
        try:
            self._stream = self._container.add_stream_from_template(template)
        except AttributeError:  # PyAV < 12
            self._stream = self._container.add_stream(template=template)
        self._stream.time_base = template.time_base

    def _append(self, index: int, path: Path) -> None:
        import av

        a, b = self.ranges[index]
        with av.open(str(path)) as src:
            vs = src.streams.video[0]
            extradata = bytes(vs.codec_context.extradata or b"")
            if self._container is None:
                self._open(vs)
                self._extradata = extradata
            elif extradata != self._extradata:
                raise RenderError(
                    f"segment {index} (frames {a}:{b}) has other codec headers than segment 0; "
                    "segments must be encoded with identical settings"
                )
            offset = Fraction(self.frames) / self.fps / vs.time_base
            if offset.denominator != 1:
                raise RenderError(
                    f"segment {index}: time base {vs.time_base} cannot shift by whole ticks"
                )
            shift = int(offset)
            count = 0
            for pkt in src.demux(vs):
                if pkt.size == 0 or pkt.pts is None:
                    continue
                if pkt.is_keyframe:
                    self.keyframes.append(self.frames + round(pkt.pts * vs.time_base * self.fps))
                pkt.pts += shift
                pkt.dts = (pkt.dts if pkt.dts is not None else pkt.pts - shift) + shift
                pkt.stream = self._stream
                self._container.mux(pkt)
                count += 1
        if count != b - a:
            raise RenderError(f"segment {index} has {count} frames, expected {b - a}")
        self.frames += count

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None


def mux_audio(video: Path, out: Path, pcm: np.ndarray, frames: int, fps: Fraction) -> None:
    """Copy the video stream of ``video`` into ``out`` and add ``pcm`` (float32 (n, 2) at
    48 kHz, cut or padded to exactly ``frames`` at ``fps``) encoded once as AAC,
    interleaved by time, MP4 with faststart."""
    import av

    from wavyte_core.assets.audio import MIX_SAMPLE_RATE
    from wavyte_core.output.encoder_pyav import frame_to_sample

    total = frame_to_sample(frames, fps)
    with (
        av.open(str(video)) as src,
        av.open(str(out), "w", format="mp4", container_options={"movflags": "+faststart"}) as dst,
    ):
        vs = src.streams.video[0]
        try:
            ovs = dst.add_stream_from_template(vs)
        except AttributeError:  # PyAV < 12
            ovs = dst.add_stream(template=vs)
        ovs.time_base = vs.time_base
        oas = dst.add_stream("aac", rate=MIX_SAMPLE_RATE)
        oas.layout = "stereo"
        oas.time_base = Fraction(1, MIX_SAMPLE_RATE)
        audio: list[Any] = []
        for pos in range(0, total, AAC_FRAME):
            n = min(AAC_FRAME, total - pos)
            planar = np.zeros((2, n), dtype=np.float32)
            avail = min(max(len(pcm) - pos, 0), n)
            if avail:
                planar[:, :avail] = pcm[pos : pos + avail].T
            af = av.AudioFrame.from_ndarray(planar, format="fltp", layout="stereo")
            af.sample_rate = MIX_SAMPLE_RATE
            af.pts = pos
            af.time_base = Fraction(1, MIX_SAMPLE_RATE)
            audio.extend(oas.encode(af))
        audio.extend(oas.encode(None))
        ai = 0
        for pkt in src.demux(vs):
            if pkt.size == 0 or pkt.dts is None:
                continue
            t = pkt.dts * vs.time_base
            while ai < len(audio) and audio[ai].dts * audio[ai].time_base <= t:
                dst.mux(audio[ai])
                ai += 1
            pkt.stream = ovs
            dst.mux(pkt)
        for p in audio[ai:]:
            dst.mux(p)


# ------------------------------------------------------------------------- coordinator


@dataclass
class SegmentedReport(RenderReport):
    segments: int = 0
    gop: int = 0
    workers: int = 0
    executor_startup_seconds: float = 0.0
    join_seconds: float = 0.0  # remuxing segments as they arrived
    mux_seconds: float = 0.0  # encoding the mixed audio and muxing it with the joined video
    segment_seconds: list[float] = field(default_factory=list)  # render+encode, per task
    segment_prepare_seconds: list[float] = field(default_factory=list)  # job ready, per task
    segment_bytes: list[int] = field(default_factory=list)
    frame_hashes: list[str] = field(default_factory=list)
    keyframes: list[int] = field(default_factory=list)
    retried_workers: set[str] = field(default_factory=set)
    #: Segments that ran again because their worker was lost (once per retry).
    retried: list[int] = field(default_factory=list)


def render_segmented(
    comp: Composition,
    out: str | Path | OutputSettings,
    session: ExecutorSession,
    plan: SegmentPlan,
    *,
    assets_root: str | Path = ".",
    backends: Backends = Backends(),
    background: tuple[int, int, int, int] | None = DEFAULT_BACKGROUND,
    hash_frames: bool = False,
    registry: Any = None,
    progress: Callable[[int, int], None] | None = None,
    **output_options: Any,
) -> SegmentedReport:
    """Render ``plan`` of ``comp`` to ``out`` (MP4) on ``session``'s workers.

    ``out`` is `OutputSettings` from `resolve_output`, or a path and ``output_options``
    (``crf``, ``preset``, ``profile``, ``pix_fmt``, ``color_space`` of H.264).
    ``hash_frames``: the report lists the hash of every frame handed to the encoders (in
    frame order), for comparing with any other render.
    """
    output = output_settings(out, output_options)
    check_segmentable(output)
    target = output.target
    if target.is_dir():
        raise RenderError(f"{target} is a directory")
    output.check_canvas(comp.canvas.width, comp.canvas.height)
    if background is None or background[3] != 255:
        raise RenderError("video output needs an opaque background (alpha 255)")
    if not (0 <= plan.start < plan.end <= comp.duration):
        raise RenderError(f"frame range {plan.start}:{plan.end} is outside 0:{comp.duration}")
    fps = Fraction(comp.fps.num, comp.fps.den)
    spec = SegmentJobSpec(
        comp,
        str(Path(assets_root).resolve()),
        backends,
        background,
        segment_output(output, plan.gop),
        hash_frames,
    )
    report = SegmentedReport(segments=len(plan.ranges), gop=plan.gop, workers=session.workers)
    from wavyte_core.plugin.registry import default_registry
    from wavyte_core.run.transition_check import transition_warnings

    for message in transition_warnings(comp, registry or default_registry()):
        report.warnings.append(message)
        warnings.warn(message, WavyteWarning, stacklevel=2)
    report.executor_startup_seconds = session.startup_seconds
    t0 = time.perf_counter()
    pcm = _mix_audio(comp, Path(spec.root), backends, registry, plan)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path_for(target)
    workdir = Path(tempfile.mkdtemp(prefix=f".wavyte-join-{os.getpid()}-", dir=target.parent))
    joined = tmp if pcm is None else workdir / "video.mp4"
    joiner = SegmentJoiner(joined, plan, fps, workdir)
    hashes: dict[int, list[str]] = {}
    partial: dict[int, int] = {}  # frames done of the segments still running

    def on_progress(key: int, done: int) -> None:
        if key in hashes:
            return
        partial[key] = max(partial.get(key, 0), done)
        if progress is not None:
            progress(report.frames + sum(partial.values()), plan.frames)

    retried_before = len(getattr(session, "retried", []))
    with contextlib.suppress(AttributeError):  # progress moves by frames, not by segments
        session.on_progress = on_progress
    ok = False
    if registry is not None:
        _REGISTRIES[spec.key] = registry
    try:
        tasks = [SegmentTask(i, a, b) for i, (a, b) in enumerate(plan.ranges)]
        for res in session.run(spec, tasks):
            if res.error is not None:
                a, b = plan.ranges[res.key]
                raise RenderError(f"segment {res.key} (frames {a}:{b}): {res.error}")
            assert res.data is not None
            joiner.add(res.key, res.data)
            hashes[res.key] = res.hashes
            report.segment_seconds.append(res.seconds)
            report.segment_prepare_seconds.append(res.prepare_seconds)
            report.segment_bytes.append(len(res.data))
            report.frames += res.frames
            partial.pop(res.key, None)
            if progress is not None:
                progress(report.frames + sum(partial.values()), plan.frames)
        if not joiner.complete:
            raise RenderError("the executor returned fewer segments than planned")
        missing = sorted({a - plan.start for a, _ in plan.ranges} - set(joiner.keyframes))
        if missing:
            raise RenderError(f"joined video lacks keyframes at segment starts {missing}")
        joiner.close()
        if pcm is not None:
            t1 = time.perf_counter()
            mux_audio(joined, tmp, pcm, plan.frames, fps)
            report.mux_seconds = time.perf_counter() - t1
        os.replace(tmp, target)
        ok = True
    finally:
        with contextlib.suppress(AttributeError):
            session.on_progress = None
        report.retried = [int(k) for k in getattr(session, "retried", [])[retried_before:]]
        joiner.close()
        if not ok:
            tmp.unlink(missing_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)
        release_cached_jobs()  # the in-process (workers=1) executor's job
        _REGISTRIES.pop(spec.key, None)
    report.join_seconds = joiner.join_seconds
    report.keyframes = joiner.keyframes
    report.rendered = report.frames
    report.frame_hashes = [h for i in sorted(hashes) for h in hashes[i]]
    report.seconds = time.perf_counter() - t0
    return report


def _mix_audio(
    comp: Composition, root: Path, backends: Backends, registry: Any, plan: SegmentPlan
) -> np.ndarray | None:
    """The §5 mix of the plan's range, decoded and mixed once in the coordinator."""
    from wavyte_core.assets.audio import build_audio_manifest, frame_to_sample, mix_manifest
    from wavyte_core.format.model import AudioAsset, KindAsset, VideoAsset
    from wavyte_core.format.paths import resolve_asset_path
    from wavyte_core.plugin.registry import default_registry

    sound = {
        k: a
        for k, a in comp.assets.items()
        if isinstance(a, (AudioAsset, VideoAsset)) and not a.muted and a.volume > 0
    }
    used = {clip.asset for track in comp.tracks for clip in track.clips}
    kinds_used = any(isinstance(comp.assets.get(k), KindAsset) for k in used)
    if not sound.keys() & used and not kinds_used:
        return None
    reg = registry or default_registry()
    name = backends.decoder
    if "audio" not in reg.spec("decoder", name).capabilities:
        name = next(
            (
                n
                for n in reg.available("decoder")
                if "audio" in reg.roles["decoder"][n].capabilities
            ),
            name,
        )
    decoder = reg.create("decoder", name)
    pcm: dict[str, np.ndarray | None] = {}
    for key, asset in sound.items():
        tag = "Audio" if isinstance(asset, AudioAsset) else "Video"
        path = resolve_asset_path(root, asset.source, f"assets.{key}.{tag}.source")
        pcm[key] = decoder.decode_audio(path)
    from wavyte_core.run.job import kind_sounds, parse_asset_kinds

    kinds = parse_asset_kinds(comp, reg)
    extra = {"backends": backends, "registry": reg, "chain": (), "audio_decoder": decoder}
    segs = build_audio_manifest(
        comp,
        pcm,
        plan.start,
        plan.end,
        _loop_periods(comp, root, backends, reg),
        kind_sounds(comp, root, kinds, extra, decoder),
    )
    if not segs:
        return None
    return mix_manifest(segs, frame_to_sample(plan.frames, comp.fps))


def _loop_periods(
    comp: Composition, root: Path, backends: Backends, reg: Any
) -> dict[str, float | None]:
    """Loop periods of the looping videos (their sound repeats with the picture); a
    video without a trim end is opened once to read its duration."""
    from wavyte_core.format.model import VideoAsset
    from wavyte_core.format.paths import resolve_asset_path
    from wavyte_core.timeline.evaluate import loop_period

    out: dict[str, float | None] = {}
    decoder = None
    for key, asset in comp.assets.items():
        if not (isinstance(asset, VideoAsset) and asset.loop):
            continue
        duration = None
        if asset.trim_end_sec is None:
            decoder = decoder or reg.create("decoder", backends.decoder)
            path = resolve_asset_path(root, asset.source, f"assets.{key}.Video.source")
            session = decoder.open_video(path)
            try:
                duration = getattr(session, "duration", None)
            finally:
                session.close()
        out[key] = loop_period(asset, duration)
    return out


# ------------------------------------------------------------------------------ checks


@dataclass
class VideoFacts:
    """What a file's container says, read without decoding video."""

    frames: int
    keyframes: list[int]
    pts_increasing: bool
    dts_increasing: bool
    duration: Fraction
    audio_samples: int | None  # audio length on the timeline, 48 kHz samples


def probe(path: str | Path) -> VideoFacts:
    """Frame count, keyframe frame indices, timestamp order, video duration (from the
    timestamps) and the audio length in 48 kHz samples: where the last AAC packet ends on
    the timeline (the encoder's priming lies before 0 and the last packet carries only the
    real samples; decoders still output whole 1024-sample frames)."""
    import av

    from wavyte_core.assets.audio import MIX_SAMPLE_RATE

    with av.open(str(path)) as c:
        vs = c.streams.video[0]
        pkts = [(p.pts, p.dts, p.duration, p.is_keyframe) for p in c.demux(vs) if p.size]
        audio = None
        if c.streams.audio:
            c.seek(0)
            a = c.streams.audio[0]
            ends = [(p.pts or 0) + (p.duration or 0) for p in c.demux(a) if p.size]
            audio = int(max(ends, default=0) * a.time_base * MIX_SAMPLE_RATE)
        tb = vs.time_base
    dts = [d for _, d, _, _ in pkts]
    by_pts = sorted(pkts, key=lambda p: p[0])
    keyframes = [i for i, p in enumerate(by_pts) if p[3]]
    pts_sorted = [p[0] for p in by_pts]
    end = by_pts[-1][0] + (by_pts[-1][2] or 0) if by_pts else 0
    start = by_pts[0][0] if by_pts else 0
    return VideoFacts(
        frames=len(pkts),
        keyframes=keyframes,
        pts_increasing=all(b > a for a, b in itertools.pairwise(pts_sorted)),
        dts_increasing=all(b > a for a, b in itertools.pairwise(dts)),
        duration=Fraction(end - start) * tb,
        audio_samples=audio,
    )


def render_in_segments(
    comp: Composition,
    out: str | Path | OutputSettings,
    *,
    executor: str = "local",
    options: ExecutorOptions = ExecutorOptions(),
    segments: int | None = None,
    segment_frames: int | None = None,
    gop: int | None = None,
    start: int = 0,
    end: int | None = None,
    assets_root: str | Path = ".",
    backends: Backends = Backends(),
    background: tuple[int, int, int, int] | None = DEFAULT_BACKGROUND,
    hash_frames: bool = False,
    registry: Any = None,
    progress: Callable[[int, int], None] | None = None,
    **output_options: Any,
) -> SegmentedReport:
    """One call: start ``executor`` (``local``, ``ray``), plan, render, join, stop it.
    ``out`` and ``output_options`` as for `render_segmented`.

    Without ``segments`` or ``segment_frames``: two segments per worker. The file depends
    only on the plan (and the settings), so pass ``segment_frames`` for a file that is the
    same whatever the number of workers.

    >>> from wavyte_core.run.segments import render_in_segments
    >>> render_in_segments(comp, "out.mp4", executor="ray", segments=8)
    """
    output = output_settings(out, output_options)  # a bad request fails before any work
    check_segmentable(output)
    end = comp.duration if end is None else end
    gop = default_gop(comp) if gop is None else gop
    session = open_executor(executor, options, registry)
    try:
        if segments is None and segment_frames is None:
            segments = 2 * session.workers
        plan = SegmentPlan.make(start, end, gop, segments=segments, segment_frames=segment_frames)
        return render_segmented(
            comp,
            output,
            session,
            plan,
            assets_root=assets_root,
            backends=backends,
            background=background,
            hash_frames=hash_frames,
            registry=registry,
            progress=progress,
        )
    finally:
        session.close()
