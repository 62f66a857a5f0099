"""Rendering with several worker processes (DESIGN.md §5 rules 8 and 10).

- Workers are persistent for the whole job: each builds its own `Job` once (assets
  prepared, decoder sessions open, caches warm) and then renders what it is sent.
- The parent evaluates every frame (microseconds) and decides elision itself: only frames
  whose graph differs from the previous one are sent out; duplicates reuse the buffer.
- Unique frames go out in contiguous chunks; a worker draws each frame into a slot of its
  own shared-memory block and reports ``(frame, slot)``. The parent hands slots to the
  encoder strictly in frame order and returns a slot to its worker once encoded.
- Memory is bounded: each worker has a fixed number of slots (chunk size × 2, capped by a
  byte budget), so nothing grows with the video's length.
- Evaluation and drawing are pure functions of (composition, frame), so the pixels do not
  depend on which worker drew a frame: the file is byte-identical to ``workers=1``.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from functools import partial
from multiprocessing import shared_memory
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from wavyte_core.errors import RenderError, WavyteError
from wavyte_core.render.blur import blur_threads_per_worker
from wavyte_core.run.report import RenderReport

SLOT_BUDGET_BYTES = 128 * 1024 * 1024  # per worker
MAX_CHUNK = 16


def _chunk_size(frame_bytes: int) -> int:
    return int(max(2, min(MAX_CHUNK, SLOT_BUDGET_BYTES // (2 * frame_bytes))))


class WorkerPool:
    """Persistent worker processes (``python -m wavyte_core.run.worker``), their shared memory
    and pipes. Built once per job (or per render), closed with it.

    One reader thread per worker turns its messages into ``(kind, wid, payload)`` on a
    single queue; a worker that dies shows up there as ``("error", ...)``, never a hang.

    Start-up overlaps the parent's own preparation: with ``wait=False`` the processes are
    spawned (their Python start, imports and asset preparation run meanwhile) and
    `wait_ready` blocks later, after the parent has prepared. Workers never outlive the
    parent: each watches its parent process id and exits when it is re-parented, and also
    exits on the end of its command pipe; the shared-memory segments are unlinked by
    ``close`` or, if the parent is killed, by multiprocessing's resource tracker.
    """

    def __init__(self, job: Any, workers: int, *, wait: bool = True) -> None:
        self.frame_bytes = job.width * job.height * 4
        self.chunk = _chunk_size(self.frame_bytes)
        self.nslots = self.chunk * 2
        self.inbox: queue.Queue[tuple[str, int, Any]] = queue.Queue()
        self.shms: list[shared_memory.SharedMemory] = []
        self.views: list[list[np.ndarray]] = []
        self.procs: list[subprocess.Popen] = []
        self.txs: list[Connection] = []
        self._locks: list[threading.Lock] = []
        h, w = job.height, job.width
        spec = {
            "comp": job.comp,
            "root": str(Path(job.root).resolve()),
            "backends": job.backends,
            "background": job.background,
            "timings": job.timer is not None,
            "nslots": self.nslots,
            "blur_threads": blur_threads_per_worker(workers),
        }
        for wid in range(workers):
            shm = shared_memory.SharedMemory(create=True, size=self.frame_bytes * self.nslots)
            self.shms.append(shm)
            self.views.append(
                [
                    np.ndarray((h, w, 4), np.uint8, buffer=shm.buf, offset=i * self.frame_bytes)
                    for i in range(self.nslots)
                ]
            )
            for v in self.views[-1]:  # fault the pages in now, not during the first frames
                v.view(np.uint32).fill(0)
            c_rx, p_tx = os.pipe()
            p_rx, c_tx = os.pipe()
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "wavyte_core.run.worker",
                    str(c_rx),
                    str(c_tx),
                    str(os.getpid()),
                ],
                pass_fds=(c_rx, c_tx),
                stdin=subprocess.DEVNULL,
            )
            os.close(c_rx)
            os.close(c_tx)
            self.procs.append(proc)
            tx = Connection(p_tx, readable=False)
            self.txs.append(tx)
            self._locks.append(threading.Lock())
            tx.send(("init", {**spec, "shm": shm.name}))
            threading.Thread(
                target=self._read, args=(wid, Connection(p_rx, writable=False)), daemon=True
            ).start()
        if wait:
            self.wait_ready()

    def wait_ready(self, every: bool = True) -> dict[str, tuple[float, float]]:
        """Block until every worker (``every=False``: the first one) has prepared its job;
        return the asset sizes it reports (the same from each: same code, same files).

        Tasks may be sent to a worker that is still preparing: it reads them once ready,
        so the first frames need not wait for the slowest worker. Its late ``ready`` is
        then skipped by the readers of the inbox, which only take the kinds they expect."""
        sizes: dict[str, tuple[float, float]] | None = None
        try:
            for _ in range(len(self.procs) if every else 1):
                kind, wid, payload = self.get()
                if kind != "ready":  # pragma: no cover (protocol)
                    raise RenderError(f"worker {wid}: expected ready, got {kind}")
                if sizes is None:
                    sizes = payload
                elif payload != sizes:  # pragma: no cover
                    raise RenderError("workers disagree on asset sizes")
        except BaseException:
            self.close()
            raise
        return sizes or {}

    def collect_timings(self, job: Any) -> None:
        """Fold the workers' stage timings since the last call into the job's timer."""
        if job.timer is None:
            return
        for wid in range(len(self.procs)):
            self.send(wid, ("timings", None))
        got = 0
        while got < len(self.procs):
            kind, _wid, payload = self.get()
            if kind == "timings":
                got += 1
                for k, v in (payload or {}).items():
                    if k != "evaluate":  # the parent evaluates every frame itself
                        job.timer.totals[k] += v / 1000.0

    def _read(self, wid: int, rx: Connection) -> None:
        try:
            while True:
                kind, payload = rx.recv()
                self.inbox.put((kind, wid, payload))
        except (EOFError, OSError):
            code = self.procs[wid].wait()
            if code != 0:
                self.inbox.put(("error", wid, f"worker process {wid} died (exit code {code})"))
        except Exception as exc:  # an unreadable message: an error, never a silent hang
            self.inbox.put(("error", wid, f"worker {wid}: unreadable message: {exc!r}"))
        finally:
            rx.close()

    def send(self, wid: int, msg: tuple) -> None:
        with self._locks[wid]:  # the encoder thread frees slots while the main thread sends tasks
            self.txs[wid].send(msg)

    def get(self) -> tuple[str, int, Any]:
        kind, wid, payload = self.inbox.get()
        if kind == "error":
            if isinstance(payload, WavyteError):
                raise payload  # e.g. an AssetError naming the file, as without workers
            raise RenderError(payload)
        return kind, wid, payload

    def close(self) -> None:
        for wid, tx in enumerate(self.txs):
            with contextlib.suppress(OSError), self._locks[wid]:
                tx.close()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.views.clear()
        for shm in self.shms:
            with contextlib.suppress(BufferError):
                shm.close()
            with contextlib.suppress(FileNotFoundError):
                shm.unlink()


def _unique_runs(job: Any, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``(frame, copies)`` for each frame that differs from its predecessor; ``copies`` is
    how many output frames show it (itself plus the unchanged frames after it)."""
    evaluate = job.evaluate_fn()
    prev = None
    first = start
    for f in range(start, end):
        nodes = evaluate(f).nodes
        if f > start and nodes != prev:
            yield first, f - first
            first = f
        prev = nodes
    yield first, end - first


class ParallelFrames:
    """Frames of ``[start, end)`` from a `WorkerPool`, in order, as shared-memory views.

    Iterating yields ``(frame, view, done)``: ``view`` shows the frame until ``done()`` is
    called (once per yielded item). Unchanged frames are yielded again with the same view
    (``elided`` counts them). Nothing is drawn twice and at most the pool's slots are held.
    """

    def __init__(self, job: Any, pool: WorkerPool, start: int, end: int) -> None:
        self.job, self.pool, self.start, self.end = job, pool, start, end
        self.rendered = 0
        self.elided = 0
        self._refs: dict[tuple[int, int], int] = {}
        self._lock = threading.Lock()

    def _release(self, key: tuple[int, int]) -> None:
        with self._lock:
            self._refs[key] -= 1
            last = self._refs[key] == 0
            if last:
                del self._refs[key]
        if last:
            with contextlib.suppress(OSError):  # a worker that already stopped
                self.pool.send(key[0], ("free", key[1]))

    def __iter__(self) -> Iterator[tuple[int, np.ndarray, Callable[[], None]]]:
        pool = self.pool
        workers = len(pool.procs)
        runs = _unique_runs(self.job, self.start, self.end)
        order: deque[tuple[int, int]] = deque()  # (frame, copies) in output order
        chunk_ends: deque[int] = deque()  # last frame of each chunk in flight
        done: dict[int, tuple[int, int]] = {}
        exhausted = False
        next_worker = 0

        def dispatch() -> None:
            nonlocal exhausted, next_worker
            while not exhausted and len(chunk_ends) < 2 * workers:
                chunk = list(itertools.islice(runs, pool.chunk))
                if len(chunk) < pool.chunk:
                    exhausted = True
                if not chunk:
                    return
                pool.send(next_worker, ("task", [f for f, _ in chunk]))
                next_worker = (next_worker + 1) % workers
                order.extend(chunk)
                chunk_ends.append(chunk[-1][0])

        dispatch()
        out = self.start
        while order:
            f, copies = order[0]
            while f not in done:
                kind, wid, payload = pool.get()
                if kind == "frame":
                    done[payload[0]] = (wid, payload[1])
            key = done.pop(f)
            order.popleft()
            with self._lock:
                self._refs[key] = copies
            view = pool.views[key[0]][key[1]]
            release = partial(self._release, key)
            self.rendered += 1
            self.elided += copies - 1
            for _ in range(copies):
                yield out, view, release
                out += 1
            if f == chunk_ends[0]:
                chunk_ends.popleft()
                dispatch()


def render_parallel(
    job: Any,
    enc: Any,
    start: int,
    end: int,
    workers: int,
    report: RenderReport,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Encode ``[start, end)`` drawn by the job's pool (or a pool made for this call)."""
    pool = job.pool if job.pool is not None and len(job.pool.procs) == workers else None
    own = pool is None
    if own:
        pool = WorkerPool(job, workers)
    ok = False
    try:
        frames = ParallelFrames(job, pool, start, end)
        for _f, view, done in frames:
            enc.submit(view, done)
            report.frames += 1
            if progress is not None:
                progress(report.frames, end - start)
        report.rendered += frames.rendered
        report.elided += frames.elided
        enc.drain()  # every frame read out of shared memory before it can be reused
        pool.collect_timings(job)
        ok = True
    finally:
        if not ok:
            enc.abort()  # stop reading shared memory before it goes away
            if not own:
                job.close_pool()  # its slots may still be held: never reuse it
        if own:
            pool.close()
