"""Animated GIF through PyAV: FFmpeg's palettegen/paletteuse filters and its GIF encoder.

Palettes:
- ``video`` (default): one 256-colour palette for the whole file, computed from every
  frame. Frames are spooled as raw BGRA to a file beside the output while palettegen
  collects their colours; at ``close`` the palette is made and the spool is read back
  through paletteuse. Memory stays one frame, whatever the length; disk holds the spool
  until the file is finished.
- ``frame``: a palette per frame (palettegen ``stats_mode=single``, paletteuse ``new=1``),
  streamed with no spool; better colour for scenes that change, larger files.

Timing: GIF delays are whole hundredths of a second. Frame ``i`` is stamped
``round(100·i/fps)`` centiseconds and lasts until the next stamp, so rounding never
accumulates: the file's total length is ``round(100·n/fps)`` cs for any rate (29.97 fps
alternates 3 and 4 cs delays). Browsers show delays under 2 cs as 10 cs, so rates above
50 fps play slower than asked (the render warns).
"""

from __future__ import annotations

import contextlib
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from wavyte_core.errors import RenderError
from wavyte_core.output.session_checks import check_settings
from wavyte_core.plugin.roles import EncodeSettings

CENTI = Fraction(1, 100)


def centiseconds(i: int, fps: Fraction) -> int:
    """Start of frame ``i`` in 1/100 s, rounded half up (exact rational arithmetic)."""
    x = Fraction(100 * i) / fps
    return (x.numerator * 2 + x.denominator) // (2 * x.denominator)


class GifSession:
    """One GIF file. ``write`` is called once per frame, in order, from one thread."""

    def __init__(self, path: Path, s: EncodeSettings) -> None:
        import av
        import av.filter

        self._av = av
        self._fps = check_settings(s)
        if s.audio is not None:
            raise RenderError(f"{path}: GIF carries no audio")
        if s.alpha:
            raise RenderError(f"{path}: GIF output is opaque (no alpha)")
        if s.palette not in ("video", "frame"):
            raise RenderError(f"GIF palette {s.palette!r}: expected video or frame")
        self._w, self._h = s.width, s.height
        self._dither = s.dither
        self._per_frame = s.palette == "frame"
        self._frames = 0
        self._encoded = 0
        self._closed = False
        # ``.out.part-PID.spool`` beside ``.out.part-PID.gif``: a killed render's spool is
        # removed with its part file (`output.remove_stale_parts`).
        self._spool_path = path.with_suffix(".spool")
        self._spool: Any = None
        self._graphs: list[Any] = []
        try:
            self._container = av.open(str(path), mode="w", format="gif")
        except (av.FFmpegError, OSError) as exc:
            raise RenderError(f"{path}: cannot create output file: {exc}") from None
        try:
            stream = self._container.add_stream("gif", rate=self._fps)
            stream.width, stream.height, stream.pix_fmt = s.width, s.height, "pal8"
            stream.time_base = CENTI
            stream.codec_context.time_base = CENTI
            self._stream = stream
            if self._per_frame:
                self._src, self._sink = self._per_frame_graph()
            else:
                self._src, self._sink = self._palettegen_graph()
                self._spool = open(self._spool_path, "wb")  # noqa: SIM115 - closed in close/abort
        except BaseException:
            self._quiet_close()
            raise

    def _new_graph(self) -> tuple[Any, Any, Any]:
        """A filter graph with one BGRA buffer source and one sink, not yet linked. The
        session keeps the graph: its filter contexts do not (PyAV frees it otherwise)."""
        g = self._av.filter.Graph()
        self._graphs.append(g)
        src = g.add_buffer(width=self._w, height=self._h, format="bgra", time_base=CENTI)
        return g, src, g.add("buffersink")

    def _palettegen_graph(self) -> tuple[Any, Any]:
        """source → palettegen (whole-video statistics) → sink: one palette at EOF."""
        g, src, sink = self._new_graph()
        gen = g.add("palettegen", "stats_mode=full")
        src.link_to(gen)
        gen.link_to(sink)
        g.configure()
        return src, sink

    def _per_frame_graph(self) -> tuple[Any, Any]:
        """source → split → (palettegen per frame, the frame) → paletteuse new=1 → sink."""
        g, src, sink = self._new_graph()
        split = g.add("split")
        gen = g.add("palettegen", "stats_mode=single")
        use = g.add("paletteuse", f"new=1:dither={self._dither}")
        src.link_to(split)
        split.link_to(use, 0, 0)
        split.link_to(gen, 1, 0)
        gen.link_to(use, 0, 1)
        use.link_to(sink)
        g.configure()
        return src, sink

    def write(self, frame: np.ndarray) -> None:
        """Feed one opaque premultiplied BGRA frame; the buffer is not kept."""
        if self._closed:
            raise RenderError("write() after the encoder session was closed")
        av = self._av
        i = self._frames
        self._frames += 1
        vf = av.VideoFrame.from_ndarray(frame, format="bgra")  # a copy: the graph queues it
        vf.pts = centiseconds(i, self._fps)
        try:
            if self._spool is not None:
                self._spool.write(memoryview(np.ascontiguousarray(frame)).cast("B"))
                self._src.push(vf)
                _drain(self._sink)  # palettegen only accumulates; this runs it
            else:
                self._src.push(vf)
                self._encode(_drain(self._sink))
        except av.FFmpegError as exc:
            raise RenderError(f"encoding frame {i} failed: {exc}") from None

    def _encode(self, frames: list) -> None:
        """Stamp each paletted frame with its centisecond start and duration and mux it."""
        packets: list = []
        for vf in frames:
            i = self._encoded
            start, nxt = centiseconds(i, self._fps), centiseconds(i + 1, self._fps)
            vf.pts = start
            vf.time_base = CENTI
            vf.duration = nxt - start
            packets += self._stream.encode(vf)
            self._encoded += 1
        self._container.mux(packets)

    def close(self) -> None:
        """Make the palette (per-video mode), encode every frame, write the trailer."""
        if self._closed:
            return
        self._closed = True
        av = self._av
        try:
            self._src.push(None)
            if self._spool is not None:
                palette = _drain(self._sink)
                self._spool.close()
                if self._frames:
                    self._encode_spool(palette[-1])
            else:
                self._encode(_drain(self._sink))
            self._container.mux(self._stream.encode(None))
            self._container.close()
        except av.FFmpegError as exc:
            self._quiet_close()
            raise RenderError(f"finalising the GIF failed: {exc}") from None
        finally:
            self._spool_path.unlink(missing_ok=True)

    def _encode_spool(self, palette: Any) -> None:
        """Second pass of the per-video mode: the spooled frames through paletteuse."""
        av = self._av
        g, src, sink = self._new_graph()
        pal = g.add_buffer(
            width=palette.width, height=palette.height, format=palette.format.name, time_base=CENTI
        )
        use = g.add("paletteuse", f"dither={self._dither}")
        src.link_to(use, 0, 0)
        pal.link_to(use, 0, 1)
        use.link_to(sink)
        g.configure()
        palette.pts = 0
        pal.push(palette)
        pal.push(None)
        buf = np.empty((self._h, self._w, 4), np.uint8)
        with open(self._spool_path, "rb") as f:
            for i in range(self._frames):
                f.readinto(memoryview(buf).cast("B"))
                vf = av.VideoFrame.from_ndarray(buf, format="bgra")
                vf.pts = centiseconds(i, self._fps)
                src.push(vf)
                self._encode(_drain(sink))
        src.push(None)
        self._encode(_drain(sink))

    def abort(self) -> None:
        """Stop without finalising; the caller deletes the file."""
        if self._closed:
            return
        self._closed = True
        self._quiet_close()

    def _quiet_close(self) -> None:
        with contextlib.suppress(Exception):  # aborting: the file is discarded anyway
            if self._spool is not None:
                self._spool.close()
        self._spool_path.unlink(missing_ok=True)
        with contextlib.suppress(Exception):
            self._container.close()

    @property
    def frames_written(self) -> int:
        return self._frames


def _drain(sink: Any) -> list:
    """Every frame the sink has ready (runs the graph); stops at EAGAIN or EOF."""
    import av

    out = []
    while True:
        try:
            out.append(sink.pull())
        except (av.BlockingIOError, av.EOFError):
            return out
