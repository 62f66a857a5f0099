"""The executor role: where whole tasks (a batch row, a segment of frames) run.

An executor knows nothing about video. It runs `Task` objects — picklable, idempotent,
each a pure function of ``(shared, task)`` — on its workers and yields their `TaskResult`
as they finish, in any order. Workers keep per-process caches (a prepared `Job` per
segmented render, decoded assets keyed by file and mtime), so preparation is paid once per
worker, not once per task. ``shared`` is sent once per run (Ray: one object in the store).

Executors are registered through ``wavyte_register_executors`` (`hookspecs`); the core
registers ``local`` (this module), ``plugins/executor_ray`` registers ``ray``.

Failure model: a task that raises reports its error in the result (it is deterministic, a
retry would fail the same way); a worker that *dies* (killed, out of memory) has its
tasks run again on another worker, up to ``ExecutorOptions.max_retries`` times.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import queue
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from wavyte_core.errors import RenderError, WavyteError


class ExecutorUnavailable(RenderError):
    """The executor cannot be used: not installed, unknown, or its cluster cannot be started
    or reached (the CLI's exit code 3)."""


@dataclass(frozen=True, slots=True)
class ExecutorOptions:
    """How to start an executor. ``workers``: processes (local) or actors (Ray); None lets
    the executor decide (local: one per two cores, Ray: one per cluster CPU).
    ``address``: Ray cluster address (``auto``, ``ray://host:10001``); None starts a local
    cluster of ``num_cpus`` CPUs (None: all)."""

    workers: int | None = None
    address: str | None = None
    num_cpus: int | None = None
    max_retries: int = 3


@dataclass(slots=True)
class TaskResult:
    """What a task sends back: its key, the encoded file (bytes, so that it needs no shared
    storage), and facts for reports. ``error`` set means the task failed for good."""

    key: Any
    data: bytes | None = None
    frames: int = 0
    seconds: float = 0.0
    prepare_seconds: float = 0.0
    hashes: list[str] = field(default_factory=list)
    error: str | None = None
    worker: str = ""


class Task(Protocol):
    key: Any

    def run(self, shared: Any) -> TaskResult: ...


@runtime_checkable
class ExecutorSession(Protocol):
    """Started workers. ``run`` may be called several times; ``close`` stops what it
    started (a Ray cluster it did not start is left alone)."""

    workers: int
    startup_seconds: float
    #: Keys of the tasks that ran again because their worker was lost (once per retry).
    retried: list[Any]
    #: Set by the caller: called in the calling thread with ``(task key, frames done)``
    #: while tasks run (`report_progress`).
    on_progress: Callable[[Any, int], None] | None

    def run(self, shared: Any, tasks: Iterable[Task]) -> Iterator[TaskResult]: ...

    def close(self) -> None: ...


@runtime_checkable
class Executor(Protocol):
    name: str

    def open(self, options: ExecutorOptions) -> ExecutorSession: ...


#: Where `report_progress` sends a task's progress in this process: set by the executor
#: that runs tasks here (a pool worker's queue, a Ray actor's counter, the caller's callback).
_progress_sink: Callable[[Any, int], None] | None = None


def report_progress(key: Any, frames_done: int) -> None:
    """Called by a task while it runs (every few frames): ``frames_done`` frames of task
    ``key`` are encoded. The executor passes it on to ``ExecutorSession.on_progress`` in
    the coordinator; a no-op where nobody listens."""
    sink = _progress_sink
    if sink is not None:
        with contextlib.suppress(Exception):  # progress never fails a task
            sink(key, frames_done)


def set_progress_sink(sink: Callable[[Any, int], None] | None) -> None:
    """Where `report_progress` goes in this process (executors call it once per worker)."""
    global _progress_sink
    _progress_sink = sink


def run_task(shared: Any, task: Task) -> TaskResult:
    """Run one task in a worker; any exception becomes the result's ``error``."""
    try:
        res = task.run(shared)
    except WavyteError as exc:
        res = TaskResult(task.key, error=str(exc))
    except Exception as exc:
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        res = TaskResult(task.key, error=f"worker failed: {tb}")
    res.worker = f"{os.uname().nodename}:{os.getpid()}"
    return res


def _warm_worker(blur_threads: int, parent_pid: int, progress: Any = None) -> None:
    """The pool's initializer, once per worker process before its first task: die with the
    parent (`lifeline`; a killed coordinator leaves no worker, and so no resource tracker,
    behind), leave Ctrl-C and SIGTERM to the parent (it stops the pool), import the render
    stack and take the process's share of the CPUs for blurs."""
    import signal

    from wavyte_core.run.lifeline import die_with_parent, set_process_name

    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    set_process_name("wavyte-executor")
    if progress is not None:
        progress.cancel_join_thread()  # never wait at exit for a coordinator that is gone
        set_progress_sink(lambda key, n: progress.put_nowait((key, n)))

    from wavyte_core.render.blur import set_blur_threads
    from wavyte_core.run import job  # noqa: F401

    set_blur_threads(blur_threads)


class LocalExecutor:
    """The core's executor: this machine. ``workers=1`` runs tasks in the calling process
    (the single-process reference); more run in a pool of spawned worker processes."""

    name = "local"

    def open(self, options: ExecutorOptions) -> LocalSession:
        return LocalSession(options)


class LocalSession:
    def __init__(self, options: ExecutorOptions) -> None:
        from wavyte_core.run.render_loop import default_workers

        self.options = options
        self.workers = options.workers or default_workers()
        if self.workers < 1:
            raise RenderError(f"workers must be >= 1 (got {self.workers})")
        self.startup_seconds = 0.0
        self._pool: cf.ProcessPoolExecutor | None = None
        self._busy = False  # tasks in flight: `close` stops the workers instead of waiting
        #: Keys of tasks run again because their worker died, in order (once per retry).
        self.retried: list[Any] = []
        #: Called in the coordinator with ``(task key, frames done)`` while tasks run.
        self.on_progress: Callable[[Any, int], None] | None = None
        self._progress_q: Any = None
        from wavyte_core.run.lifeline import remove_stale_scratch

        remove_stale_scratch()

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        # spawn: no fork of a process that runs threads (encoder, progress bar).
        from wavyte_core.render.blur import blur_threads_per_worker

        ctx = multiprocessing.get_context("spawn")
        if self._progress_q is None:
            self._progress_q = ctx.Queue()
        return cf.ProcessPoolExecutor(
            self.workers,
            mp_context=ctx,
            initializer=_warm_worker,
            initargs=(blur_threads_per_worker(self.workers), os.getpid(), self._progress_q),
        )

    def _pass_progress(self) -> None:
        """Hand the workers' progress messages to ``on_progress`` (coordinator thread)."""
        q = self._progress_q
        if q is None:
            return
        while True:
            try:
                key, n = q.get_nowait()
            except (queue.Empty, OSError, ValueError):
                return
            if self.on_progress is not None:
                self.on_progress(key, n)

    def run(self, shared: Any, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        if self.workers == 1:
            for t in tasks:
                set_progress_sink(self.on_progress)
                try:
                    res = run_task(shared, t)
                finally:
                    set_progress_sink(None)
                yield res
            return
        pending = list(tasks)
        tries: dict[Any, int] = {}
        limit = 2 * self.workers  # in flight: each worker has its next task queued
        self._drop_pool_if_broken()
        self._busy = True
        while pending:
            if self._pool is None:
                self._pool = self._new_pool()
            inflight: dict[cf.Future, Task] = {}
            broken: list[Task] = []
            it = iter(pending)
            pending = []
            for t in it:
                inflight[self._pool.submit(run_task, shared, t)] = t
                if len(inflight) >= limit:
                    break
            while inflight:
                done, _ = cf.wait(inflight, timeout=0.25, return_when=cf.FIRST_COMPLETED)
                self._pass_progress()
                if not done and _lost_worker(self._pool):
                    # The pool itself may not notice for as long as another task runs
                    # (a worker spawned after its manager thread last listed them is not
                    # watched): everything in flight runs again on a new pool.
                    broken.extend(inflight.values())
                    inflight.clear()
                    break
                for fut in done:
                    t = inflight.pop(fut)
                    try:
                        yield fut.result()
                    except cf.process.BrokenProcessPool:
                        broken.append(t)
                        continue
                    if not broken:
                        nxt = next(it, None)
                        if nxt is not None:
                            inflight[self._pool.submit(run_task, shared, nxt)] = nxt
            pending = broken + list(it)
            if broken:  # a worker died: new pool, run its tasks again
                _kill_pool(self._pool)
                self._pool = None
                for t in broken:
                    tries[t.key] = tries.get(t.key, 0) + 1
                    self.retried.append(t.key)
                    if tries[t.key] > self.options.max_retries:
                        raise RenderError(
                            f"task {t.key!r}: worker died {tries[t.key]} times, giving up"
                        )
        self._busy = False

    def _drop_pool_if_broken(self) -> None:
        """Shut down a pool that lost a worker after its last task was already done.

        A worker that dies while it holds no task breaks the pool without failing any
        future: the run that saw it finishes, and the next ``submit`` would raise. So each
        run starts by checking for a dead worker and starting a new pool instead."""
        pool = self._pool
        if pool is None:
            return
        procs = getattr(pool, "_processes", None) or {}
        if getattr(pool, "_broken", False) or not all(p.is_alive() for p in procs.values()):
            _kill_pool(pool)
            self._pool = None

    @property
    def pids(self) -> list[int]:
        """Process ids of the current live worker processes (empty before the first task)."""
        procs = getattr(self._pool, "_processes", None) or {}
        return sorted(pid for pid, p in list(procs.items()) if p.is_alive())

    def close(self) -> None:
        """Stop the workers: idle ones end on their own; after an interruption (tasks still
        in flight: Ctrl-C, SIGTERM, an error) they are killed rather than waited for, so a
        stopped batch stops at once and its workers' scratch folders go with them."""
        try:
            self._stop_pool()
        finally:
            q, self._progress_q = self._progress_q, None
            if q is not None:
                q.close()

    def _stop_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if not self._busy:
            pool.shutdown(wait=True, cancel_futures=True)
            return
        _kill_pool(pool, wait=True)
        self._busy = False
        from wavyte_core.run.lifeline import remove_stale_scratch

        remove_stale_scratch()  # the killed workers' task folders


def _lost_worker(pool: cf.ProcessPoolExecutor) -> bool:
    """True when a worker of ``pool`` has ended: its workers only end at shutdown, so one
    that is gone while tasks are in flight was killed (OOM killer, a signal) or crashed."""
    procs = getattr(pool, "_processes", None) or {}
    return any(p.exitcode is not None for p in list(procs.values()))


def _kill_pool(pool: cf.ProcessPoolExecutor, *, wait: bool = False) -> None:
    """Kill every worker of ``pool``, then shut it down (``wait``: for its manager thread).

    Used for an interrupted session and for a pool that lost a worker. Every future of a
    broken pool has failed (its tasks run again on a new pool), so the survivors hold no
    work worth waiting for, and they may never end on their own: a worker SIGKILLed while
    it held the result queue's lock leaves the others blocked on that lock, and the pool's
    manager thread then spins forever sending them stop sentinels (Python 3.11
    ``terminate_broken``), which also hangs the interpreter's exit."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for p in procs:
        with contextlib.suppress(Exception):
            p.kill()
    pool.shutdown(wait=wait, cancel_futures=True)
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(5)


def open_executor(
    name: str, options: ExecutorOptions = ExecutorOptions(), registry: Any = None
) -> ExecutorSession:
    """Create the named executor (registry role ``executor``) and start its workers."""
    from wavyte_core.errors import PluginError
    from wavyte_core.plugin.registry import default_registry

    reg = registry or default_registry()
    try:
        executor = reg.create("executor", name)
    except PluginError as exc:
        raise ExecutorUnavailable(str(exc)) from None
    return executor.open(options)
