"""Writing results: the render loop feeding an encoder thread, and PNG stills.

The render loop (DESIGN.md §5 rules 7 and 10):
- the encoder runs on its own thread behind a bounded queue, so drawing frame N+1 overlaps
  encoding frame N;
- frames are drawn into a small ring of pooled buffers; a buffer is reused only after the
  encoder is done with it, so memory does not grow with the video's length;
- a frame whose evaluated graph equals the previous one is not drawn again: the same
  buffer is queued again (static-frame elision, never a copy);
- output goes to a temporary file beside the target, renamed on success; on any error or
  Ctrl-C the encoder is aborted, its thread joined and the temporary file removed.
"""

from __future__ import annotations

import contextlib
import os
import queue
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from .audio import build_audio_manifest, frame_to_sample, mix_manifest
from .errors import RenderError
from .flatten import unpremultiply_to_rgba
from .job import Job
from .roles import EncodeSettings

RING = 4  # frame buffers in flight: 1 drawing, up to 2 queued, 1 encoding
_STOP = None


@dataclass
class RenderReport:
    frames: int = 0
    rendered: int = 0
    elided: int = 0
    seconds: float = 0.0
    render_seconds: float = 0.0
    encode_wait_seconds: float = 0.0
    stage_ms: dict[str, float] = field(default_factory=dict)

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0


def temp_path_for(target: Path) -> Path:
    """A hidden sibling of ``target`` with the same suffix (muxers pick formats by it)."""
    return target.with_name(f".{target.stem}.part-{os.getpid()}{target.suffix}")


def mixed_audio(job: Job, start: int, end: int) -> np.ndarray | None:
    """The §5 mix of the render range, or None when no clip makes sound."""
    segments = build_audio_manifest(job.comp, job.audio_pcm(), start, end)
    if not segments:
        return None
    return mix_manifest(segments, frame_to_sample(end - start, job.comp.fps))


class _Ring:
    """Frame buffers with reference counts shared by the render and encoder threads."""

    def __init__(self, job: Job, n: int) -> None:
        self.surfaces = [job.new_surface() for _ in range(n)]
        self.refs = [0] * n
        self.cond = threading.Condition()

    def acquire(self, avoid: int) -> int:
        with self.cond:
            while True:
                for i, r in enumerate(self.refs):
                    if r == 0 and i != avoid:
                        self.refs[i] = 1
                        return i
                self.cond.wait(0.5)

    def retain(self, i: int) -> None:
        with self.cond:
            self.refs[i] += 1

    def release(self, i: int) -> None:
        with self.cond:
            self.refs[i] -= 1
            self.cond.notify_all()


def render_to_file(
    job: Job,
    out: str | Path,
    *,
    start: int = 0,
    end: int | None = None,
    crf: int = 23,
    preset: str = "medium",
    progress: Callable[[int, int], None] | None = None,
) -> RenderReport:
    """Render frames ``[start, end)`` of the job's composition to ``out`` (MP4/MOV/MKV)."""
    comp = job.comp
    end = comp.duration if end is None else end
    if not (0 <= start < end <= comp.duration):
        raise RenderError(f"frame range {start}:{end} is empty or outside 0:{comp.duration}")
    w, h = comp.canvas.width, comp.canvas.height
    if w % 2 or h % 2:
        raise RenderError(f"canvas {w}x{h}: H.264 with yuv420p needs an even width and height")
    if job.background is None or job.background[3] != 255:
        raise RenderError("video output needs an opaque background (alpha 255)")
    target = Path(out)
    if target.exists() and target.is_dir():
        raise RenderError(f"{target} is a directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path_for(target)
    settings = EncodeSettings(
        width=w, height=h, fps=Fraction(comp.fps.num, comp.fps.den), crf=crf, preset=preset,
        audio=mixed_audio(job, start, end),
    )
    encoder = job.registry.create("encoder", job.backends.encoder)
    report = RenderReport()
    t0 = time.perf_counter()
    session = encoder.open(tmp, settings)
    ring = _Ring(job, RING)
    q: queue.Queue[int | None] = queue.Queue(maxsize=RING - 2)
    failure: list[BaseException] = []
    stop = threading.Event()

    write = session.write if job.timer is None else job.timer.wrap("encode", session.write)

    def encode_loop() -> None:
        try:
            while True:
                i = q.get()
                if i is _STOP:
                    return
                if not stop.is_set():
                    write(ring.surfaces[i].buf)
                ring.release(i)
        except BaseException as exc:  # reported on the render thread
            failure.append(exc)
            stop.set()
            while True:  # drain so the producer never blocks on a dead consumer
                try:
                    i = q.get_nowait()
                except queue.Empty:
                    break
                if i is not _STOP:
                    ring.release(i)

    thread = threading.Thread(target=encode_loop, name="wavyte-encoder", daemon=True)
    thread.start()
    ok = False
    try:
        prev_nodes: tuple | None = None
        last = -1
        evaluate, render_into = job.evaluate_fn(), job.render_into
        for f in range(start, end):
            if stop.is_set():
                break
            graph = evaluate(f)
            if last >= 0 and graph.nodes == prev_nodes:
                ring.retain(last)
                report.elided += 1
            else:
                i = ring.acquire(last)
                render_into(graph, ring.surfaces[i])
                last = i
                prev_nodes = graph.nodes
                report.rendered += 1
            _put(q, last, stop)
            report.frames += 1
            if progress is not None:
                progress(report.frames, end - start)
        _put(q, _STOP, stop)
        thread.join()
        if failure:
            raise RenderError(f"encoding failed: {failure[0]}") from failure[0]
        session.close()
        os.replace(tmp, target)
        ok = True
    finally:
        if not ok:
            stop.set()
            with contextlib.suppress(queue.Full):
                q.put_nowait(_STOP)
            thread.join(timeout=10)
            with contextlib.suppress(Exception):
                session.abort()
            tmp.unlink(missing_ok=True)
    report.seconds = time.perf_counter() - t0
    if job.timer is not None:
        report.stage_ms = job.timer.ms()
    return report


def _put(q: queue.Queue, item: int | None, stop: threading.Event) -> None:
    while True:
        try:
            q.put(item, timeout=0.5)
            return
        except queue.Full:
            if stop.is_set():
                return


def iter_frames(job: Job, start: int = 0, end: int | None = None, *, copy: bool = True):
    """Yield ``(frame_index, premultiplied BGRA array)``; with ``copy=False`` the same
    buffer is reused (and unchanged frames are not redrawn)."""
    end = job.comp.duration if end is None else end
    surf = job.new_surface()
    prev = None
    for f in range(start, end):
        graph = job.evaluate(f)
        if graph.nodes != prev:
            job.render_into(graph, surf)
            prev = graph.nodes
        yield f, (surf.buf.copy() if copy else surf.buf)


def write_png(path: str | Path, frame_bgra_premul: np.ndarray) -> None:
    """Write a premultiplied BGRA frame as an un-premultiplied RGBA PNG, atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    rgba = unpremultiply_to_rgba(frame_bgra_premul)
    h, w = rgba.shape[:2]
    raw = np.empty((h, 1 + w * 4), dtype=np.uint8)
    raw[:, 0] = 0  # filter type None
    raw[:, 1:] = rgba.reshape(h, w * 4)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6))
        + chunk(b"IEND", b"")
    )
    tmp = temp_path_for(target)
    try:
        tmp.write_bytes(png)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
