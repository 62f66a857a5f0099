"""The render loop: frames drawn and handed in order to an encoder on its own thread.

DESIGN.md §5 rules 7 and 10:
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
import threading
import time
import warnings
from collections.abc import Callable
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from wavyte_core.errors import RenderError, WavyteWarning
from wavyte_core.output.codecs import OutputSettings, output_settings
from wavyte_core.output.targets import FileTarget, SequenceTarget
from wavyte_core.run.frames import mixed_audio
from wavyte_core.run.job import Job
from wavyte_core.run.report import RenderReport

RING = 4  # frame buffers in flight: 1 drawing, up to 2 queued, 1 encoding


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


class EncoderThread:
    """Feeds an encoder session from its own thread, behind a bounded queue.

    ``submit(buf, done)`` blocks while the queue is full; ``done()`` runs once the encoder
    no longer needs ``buf``. A failure on the encoder thread stops the producer at its next
    ``submit`` (raised as `RenderError`); ``abort`` stops and joins without finalising.
    """

    def __init__(self, session: Any, write: Callable[[np.ndarray], None], maxsize: int) -> None:
        self.session = session
        self._write = write
        self._q: queue.Queue[tuple[np.ndarray, Callable[[], None]] | None] = queue.Queue(
            maxsize=maxsize
        )
        self._failure: BaseException | None = None
        #: ``perf_counter()`` when the first frame had been written (start-up reports).
        self.first_write: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="wavyte-encoder", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while True:
            item = self._q.get()
            if item is None:
                self._q.task_done()
                return
            buf, done = item
            try:
                if not self._stop.is_set():
                    self._write(buf)
                    if self.first_write is None:
                        self.first_write = time.perf_counter()
            except BaseException as exc:  # reported on the producer thread
                self._failure = exc
                self._stop.set()
            finally:
                done()
                self._q.task_done()

    def check(self) -> None:
        if self._failure is not None:
            raise RenderError(f"encoding failed: {self._failure}") from self._failure

    def submit(self, buf: np.ndarray, done: Callable[[], None]) -> None:
        while True:
            self.check()
            try:
                self._q.put((buf, done), timeout=0.5)
                return
            except queue.Full:
                continue

    def drain(self) -> None:
        """Block until every queued frame has been written (the thread keeps running)."""
        self._q.join()
        self.check()

    def finish(self) -> None:
        """Wait for every queued frame, then finalise the file."""
        self._q.put(None)
        self._thread.join()
        self.check()
        self.session.close()

    def abort(self) -> None:
        self._stop.set()
        while True:  # unblock the thread whatever the queue holds
            try:
                item = self._q.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[1]()
            self._q.task_done()
        with contextlib.suppress(queue.Full):
            self._q.put_nowait(None)
        self._thread.join(timeout=10)
        with contextlib.suppress(Exception):
            self.session.abort()


def default_workers() -> int:
    """Worker processes when the caller does not say: one per two cores, at least one
    (the encoder's own threads need the other cores)."""
    return max(1, (os.cpu_count() or 1) // 2)


def render_to_file(
    job: Job,
    out: str | Path | OutputSettings,
    *,
    start: int = 0,
    end: int | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    with_audio: bool = True,
    on_frame: Callable[[np.ndarray], None] | None = None,
    **options: Any,
) -> RenderReport:
    """Render frames ``[start, end)`` of the job's composition to ``out``: a video file, a
    GIF or an image sequence (``out/frame_%05d.png``). ``out`` is an `OutputSettings` made
    by `codecs.resolve_output`, or a path and ``options`` (`codecs.OUTPUT_OPTIONS`: ``codec``,
    ``alpha``, ``crf``, ``preset``, ``color_space`` …) that are resolved here. Everything is
    checked before the first frame is drawn.

    With ``workers > 1`` frames are drawn by worker processes into shared memory
    (`parallel`): the job's persistent pool when it has one of that size, else a pool made
    for this call. ``None`` means the job's own worker count. The output is
    byte-identical to ``workers=1``.

    ``with_audio=False`` leaves the sound out (segments: it is muxed once after the join);
    ``on_frame(buf)`` sees every frame just before the encoder does, on the encoder thread.
    """
    spec = output_settings(out, options)
    comp = job.comp
    end = comp.duration if end is None else end
    if not (0 <= start < end <= comp.duration):
        raise RenderError(f"frame range {start}:{end} is empty or outside 0:{comp.duration}")
    w, h = comp.canvas.width, comp.canvas.height
    spec.check_canvas(w, h)
    check_background(job.background, spec.alpha)
    workers = job.workers if workers is None else workers
    if workers < 1:
        raise RenderError(f"workers must be >= 1 (got {workers})")
    fps = Fraction(comp.fps.num, comp.fps.den)
    report = RenderReport()
    for message in getattr(job, "warnings", ()):
        _warn(report, message)
    audio = mixed_audio(job, start, end) if with_audio else None
    if audio is not None and spec.audio_codec is None:
        _warn(
            report,
            f"{spec.target}: {spec.codec.name} output carries no audio; the "
            "composition's audio is not written",
        )
    if spec.codec.name == "gif" and fps > 50:
        _warn(
            report,
            f"{spec.target}: GIF delays are 1/100 s and browsers show delays under "
            f"2/100 s as 1/10 s, so {float(fps):g} fps will play slower; 50 fps or less is safe",
        )
    target = SequenceTarget(spec.target) if spec.sequence else FileTarget(spec.target)
    settings = spec.settings(w, h, fps, audio, first_frame=start)
    t0 = time.perf_counter()
    try:
        encoder = job.registry.create("encoder", job.backends.encoder)
        session = encoder.open(target.temp, settings)
    except BaseException:
        target.discard()
        raise
    write = session.write if job.timer is None else job.timer.wrap("encode", session.write)
    if on_frame is not None:
        write = partial(_observed_write, on_frame, write)
    enc = EncoderThread(session, write, maxsize=RING - 2)
    ok = False
    try:
        if workers == 1:
            _render_inline(job, enc, start, end, report, progress)
        else:
            from wavyte_core.run.parallel import render_parallel

            render_parallel(job, enc, start, end, workers, report, progress)
        enc.finish()
        target.commit()
        ok = True
    finally:
        if not ok:
            enc.abort()
            target.discard()
    report.seconds = time.perf_counter() - t0
    report.first_frame_at = enc.first_write
    if job.timer is not None:
        report.stage_ms = job.timer.ms()
    return report


def _observed_write(
    on_frame: Callable[[np.ndarray], None], write: Callable[[np.ndarray], None], buf: np.ndarray
) -> None:
    on_frame(buf)
    write(buf)


def check_background(background: tuple[int, int, int, int] | None, alpha: bool) -> None:
    """Opaque outputs need an opaque background; alpha outputs a transparent one (else the
    alpha channel would be 255 everywhere)."""
    opaque = background is not None and background[3] == 255
    if alpha and opaque:
        raise RenderError(
            "alpha output needs a transparent background (open the job with alpha=True, or "
            "a background whose alpha is below 255)"
        )
    if not alpha and not opaque:
        raise RenderError("video output needs an opaque background (alpha 255), or alpha=True")


def _warn(report: RenderReport, message: str) -> None:
    report.warnings.append(message)
    warnings.warn(message, WavyteWarning, stacklevel=3)


def _render_inline(
    job: Job,
    enc: EncoderThread,
    start: int,
    end: int,
    report: RenderReport,
    progress: Callable[[int, int], None] | None,
) -> None:
    """The one-process loop: evaluate, skip unchanged frames, draw into the ring, queue."""
    ring = _Ring(job, RING)
    prev_nodes: tuple | None = None
    last = -1
    evaluate, render_into = job.evaluate_fn(), job.render_into
    releases = [partial(ring.release, i) for i in range(RING)]
    for f in range(start, end):
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
        enc.submit(ring.surfaces[last].buf, releases[last])
        report.frames += 1
        if progress is not None:
            progress(report.frames, end - start)
