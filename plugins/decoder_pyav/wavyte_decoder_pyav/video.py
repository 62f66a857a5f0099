"""A persistent, sequential video decoding session (DESIGN.md §5 rule 3).

One container is opened per session and read forward as the timeline advances: the
reference spawned ffmpeg per 12-frame batch and per cache miss (wavyte-format.md §4.4.5,
weakness 7), which is what this replaces. A seek happens only on a backwards jump or a
forward jump longer than ``max(SEEK_AHEAD_SEC, observed GOP)``; after a seek frames are
decoded forward to the exact one.

Frame choice: ``frame_at(t)`` returns the frame whose presentation interval contains
``t`` — the last frame with ``pts_time <= t + eps`` (times relative to the stream's start),
``eps`` = 1 µs, or 0.5 ms for streams whose time base is 1 ms or coarser: half a tick
absorbs the rounding of millisecond timestamps (Matroska/WebM store frame 1 of a 24 fps
clip at 42 ms, not 41.667). The opencv decoder applies the same rule.
Before the first frame it returns the first frame; past the end of the stream it holds the
last frame (the reference failed there; a hold is what an editor shows).

Colour: swscale's BGRA conversion (flags: see `convert`), which in PyAV 18 honours the frame's colour tags
(``colorspace``/``color_range`` from the stream: BT.709 when tagged so) and falls back to
swscale's default, BT.601 limited range, for untagged streams — the same as the
reference's ffmpeg CLI. Streams with an alpha channel are premultiplied once per frame.
Rotation metadata (display matrix) is honoured in multiples of 90°. Non-square pixels
(SAR) are not resampled: the native pixel size is drawn (wavyte-format.md §3.4). VP8/VP9
with alpha in WebM/Matroska (``alpha_mode=1``: the alpha plane travels as block
additional data, which FFmpeg's native decoders ignore) is decoded with libvpx instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from wavyte_core.errors import AssetError

from .convert import bgra_interpolation
from .premultiply import Premultiplier
from .reasons import reason

TIME_EPS = 1e-6
MS_EPS = 0.5e-3  # for millisecond (or coarser) timestamps: half a tick
SEEK_AHEAD_SEC = 2.0  # forward jumps longer than this (or the GOP) seek instead of decoding through
_MAX_SEEK_RETRIES = 6  # each retry lands 2× further back when a seek overshoots the target


class PyAVVideoSession:
    """A `wavyte_core.plugin.prepared.VideoSession` over the first video stream of one file.

    ``opens``, ``seeks`` and ``decoded`` count container opens, seeks and decoded frames,
    so tests and benchmarks can check that playback stays sequential.
    """

    def __init__(self, path: Path) -> None:
        self._src = str(path)
        self.opens = 0
        self.seeks = 0
        self.decoded = 0
        if not path.is_file():
            raise AssetError(self._src, "video file not found")
        try:
            self._container = av.open(self._src)
        except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
            raise AssetError(self._src, f"cannot open video: {reason(exc)}") from None
        self.opens = 1
        self._frames: Iterator[av.VideoFrame] | None = None
        try:
            self._setup()
        except BaseException:
            self._container.close()
            raise

    def _setup(self) -> None:
        container = self._container
        if not container.streams.video:
            raise AssetError(self._src, "file has no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        self._stream = stream
        self._tb = float(stream.time_base) if stream.time_base else 0.0
        self._eps = MS_EPS if self._tb >= 1e-3 else TIME_EPS
        self._vpx = _libvpx_alpha_decoder(stream)
        self._start = (
            stream.start_time * self._tb if stream.start_time is not None and self._tb else 0.0
        )
        rate = stream.average_rate or stream.guessed_rate
        self.fps: Fraction | None = Fraction(rate) if rate else None
        self._frame_dur = 1.0 / float(self.fps) if self.fps else 0.0
        if stream.duration is not None and self._tb:
            self.duration: float | None = stream.duration * self._tb
        elif container.duration is not None:
            self.duration = container.duration / av.time_base
        else:
            self.duration = None
        if self.duration is None and container.format.name in _ANIMATION_FORMATS:
            self.duration = _scan_end(self._src, self._start)
        # Only the stream's own duration is trusted for truncation checks (the container's
        # may include a longer audio track).
        self._declared_end = (
            stream.duration * self._tb if stream.duration is not None and self._tb else None
        )
        self._truncation_slack = max(0.05, 2.5 * self._frame_dur)
        self._reformatter = VideoReformatter()
        self._premultiply = Premultiplier()
        self._gop = 0.0
        self._last_key: float | None = None
        self._prev_time = -math.inf

        # Prime: decode the first frame now, so a file that cannot be decoded fails at
        # open, and so the output size accounts for rotation.
        self._frames = self._decode()
        first, first_time = self._read()
        if first is None:
            raise AssetError(self._src, "video stream has no decodable frames")
        self._first_time = first_time
        self._cur: av.VideoFrame = first
        self._cur_time = first_time
        self._next, self._next_time = self._read()
        # The decoded pixel format is authoritative (codec parameters may not know it yet).
        self.has_alpha = any(c.is_alpha for c in first.format.components)
        self._rot_k = int(round((first.rotation or 0) / 90.0)) % 4
        w, h = first.width, first.height
        if self._rot_k % 2:
            w, h = h, w
        self.width: int = w
        self.height: int = h
        self._buf = np.empty((h, w, 4), dtype=np.uint8)
        self._interp = bgra_interpolation(first.width)
        # swscale's sliced (threaded) accurate path corrupts row starts at slice boundaries
        # now and then (seen at 100x60: row 40, 4 pixels); keep it single-threaded.
        self._sws_threads = 1 if self._interp is not None else 0
        self._shown: av.VideoFrame | None = None
        self._out = self._buf

    # -- decoding -------------------------------------------------------------------------

    def _read(self) -> tuple[av.VideoFrame | None, float]:
        """Next decoded frame and its time, or ``(None, inf)`` at the end of the stream."""
        try:
            frame = next(self._frames)  # type: ignore[arg-type]
        except StopIteration:
            self._check_complete()
            return None, math.inf
        except av.FFmpegError as exc:
            raise AssetError(
                self._src, f"video decoding failed after t={self._prev_time:.3f}s: {reason(exc)}"
            ) from None
        self.decoded += 1
        t = self._time_of(frame)
        if frame.key_frame:
            if self._last_key is not None and t > self._last_key:
                self._gop = max(self._gop, t - self._last_key)
            self._last_key = t
        return frame, t

    def _decode(self) -> Iterator[av.VideoFrame]:
        """Frames of the stream from the current position, through libvpx when needed."""
        if self._vpx is None:
            return self._container.decode(self._stream)
        return self._decode_vpx(self._vpx)

    def _decode_vpx(self, ctx: av.CodecContext) -> Iterator[av.VideoFrame]:
        ctx.flush_buffers()
        for packet in self._container.demux(self._stream):
            yield from ctx.decode(packet)  # the final empty packet flushes the decoder

    def _check_complete(self) -> None:
        """At the end of the stream: fail if it ended well before its declared duration.

        A truncated MP4 whose index survived (faststart) just stops yielding packets; without
        this check its tail would silently show a held frame instead of an error.
        """
        end = self._declared_end
        last = self._prev_time
        if end is not None and last > -math.inf and last + self._truncation_slack < end:
            raise AssetError(
                self._src,
                f"video ends at t={last:.3f}s but declares {end:.3f}s (truncated or corrupt file)",
            )

    def _time_of(self, frame: av.VideoFrame) -> float:
        """Presentation time relative to the stream start; estimated when pts is missing."""
        pts = frame.pts
        if pts is None:
            t = self._prev_time + self._frame_dur if self._prev_time > -math.inf else 0.0
        else:
            t = pts * self._tb - self._start
        self._prev_time = t
        return t

    def _seek(self, target: float) -> None:
        """Seek to the keyframe at or before ``target`` and load the first frame after it.

        Demuxers may land after the target (inexact indexes); then seek again further back.
        """
        self.seeks += 1
        stream = self._stream
        back = 0.0
        for _ in range(_MAX_SEEK_RETRIES):
            at = max(target - back, 0.0)
            pts = int(math.floor((at + self._start) / self._tb)) if self._tb else 0
            try:
                self._container.seek(pts, stream=stream, backward=True, any_frame=False)
            except av.FFmpegError as exc:
                raise AssetError(
                    self._src, f"seek to t={target:.3f}s failed: {reason(exc)}"
                ) from None
            if self._frames is not None:
                self._frames.close()
            self._frames = self._decode()
            self._last_key = None
            self._prev_time = -math.inf
            first, t = self._read()
            if first is not None:
                if t <= target or at <= 0.0:
                    self._cur, self._cur_time = first, t
                    self._next, self._next_time = self._read()
                    return
            elif at <= 0.0:
                break
            back = max(back * 2.0, 1.0)
        raise AssetError(self._src, f"cannot seek to t={target:.3f}s: no frame decodes there")

    # -- the per-frame call ---------------------------------------------------------------

    def frame_at(self, t: float) -> np.ndarray:
        """Premultiplied BGRA (h, w, 4) of the frame showing at ``t`` seconds.

        The array is owned by the session and may be reused by the next call.
        """
        target = max(t + self._eps, self._first_time)
        if self._needs_seek(target):
            self._seek(target)
        while self._next is not None and self._next_time <= target:
            self._cur, self._cur_time = self._next, self._next_time
            self._next, self._next_time = self._read()
        return self._pixels()

    def would_seek(self, t: float) -> bool:
        """Whether ``frame_at(t)`` would seek (rather than return or decode forward)."""
        return self._needs_seek(max(t + self._eps, self._first_time))

    def _needs_seek(self, target: float) -> bool:
        cur_time = self._cur_time
        return target < cur_time or (
            self._next is not None
            and target - cur_time > max(SEEK_AHEAD_SEC, self._gop)
            and target >= self._next_time
        )

    def _pixels(self) -> np.ndarray:
        frame = self._cur
        if frame is self._shown:
            return self._out
        bgra = self._reformatter.reformat(
            frame, format="bgra", interpolation=self._interp, threads=self._sws_threads
        ).to_ndarray()
        if self._rot_k:
            bgra = np.rot90(bgra, self._rot_k)
        if bgra.flags.c_contiguous:
            out = bgra  # a fresh swscale buffer: hand it out without a copy
        else:
            out = self._buf
            np.copyto(out, bgra)
        if self.has_alpha:
            self._premultiply(out)
        self._shown = frame
        self._out = out
        return out

    def close(self) -> None:
        """Release the container; safe to call twice."""
        if self._frames is not None:
            self._frames.close()
            self._frames = None
        self._container.close()

    def __enter__(self) -> PyAVVideoSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: Demuxers of animated images: small files whose duration is read by scanning packets
#: when the header does not say (APNG never does); the loop period needs it.
_ANIMATION_FORMATS = frozenset({"apng", "gif"})


def _scan_end(src: str, start: float) -> float | None:
    """The end of the last frame (pts + duration of the last packet), by demuxing once."""
    end = None
    with av.open(src) as c:
        stream = c.streams.video[0]
        tb = float(stream.time_base) if stream.time_base else 0.0
        if not tb:
            return None
        for p in c.demux(stream):
            if p.pts is not None:
                e = (p.pts + (p.duration or 0)) * tb - start
                end = e if end is None or e > end else end
    return end


def _libvpx_alpha_decoder(stream: av.VideoStream) -> av.CodecContext | None:
    """A libvpx decoder for VP8/VP9 streams that carry alpha, else None (use the default)."""
    name = stream.codec_context.name
    if name not in ("vp8", "vp9") or stream.metadata.get("alpha_mode") != "1":
        return None
    try:
        ctx = av.CodecContext.create("libvpx-vp9" if name == "vp9" else "libvpx", "r")
    except (av.FFmpegError, ValueError):
        return None  # no libvpx in this build: decode without alpha
    if stream.codec_context.extradata:
        ctx.extradata = stream.codec_context.extradata
    ctx.thread_count = 0
    return ctx
