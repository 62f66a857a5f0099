"""The ``ray`` executor: wavyte tasks on Ray actors.

- One actor per worker slot (``num_cpus=1`` each; default: one per CPU of the cluster).
  An actor imports the render stack once and keeps its per-process caches (prepared job of
  a segmented render, decoded template assets of a batch) across the tasks it runs.
- Tasks go out two per actor (one running, one queued) and results are taken as they
  finish (`ray.wait`), so a slow task never holds back the others.
- Fault tolerance is Ray's: actors restart (``max_restarts``) and the calls they had in
  flight run again (``max_task_retries``). Tasks are idempotent, so a retried segment is
  byte-identical to the lost one.
- ``address=None`` starts a local cluster with ``num_cpus`` CPUs and shuts it down on
  ``close``; an address (``auto``, ``ray://head:10001``) joins an existing cluster, which
  is left running. If Ray is already initialised in this process, that cluster is used.
  A local cluster dies with the driver, even SIGKILLed: a `reaper` process ends what Ray's
  own fate sharing leaves running, and the next session reaps what a killed reaper left.
  It starts with token authentication on (Ray's default for a new local cluster); Ray's
  notice saying so on every start is not printed.
- Actors are ``ray::WavyteWorker`` in ``ps`` (``ray::WavyteWorker.run`` while rendering).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from wavyte_core.errors import RenderError
from wavyte_core.run.executor import ExecutorOptions, ExecutorUnavailable, Task, TaskResult

#: Object store of a cluster this executor starts itself (segments are a few MB each).
LOCAL_OBJECT_STORE_BYTES = 512 * 1024 * 1024
IN_FLIGHT_PER_ACTOR = 2
PROGRESS_POLL_S = 0.5


_TOKEN_NOTICE = "Token authentication is enabled for this Ray cluster"


class _DropTokenNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_TOKEN_NOTICE)


def _quiet_token_auth_notice() -> None:
    """Drop Ray's warning that a new local cluster uses token authentication (printed on
    every start; it is Ray's default and nothing to act on). Other warnings stay, among them
    the one that authentication is *disabled*."""
    log = logging.getLogger("ray._private.authentication.authentication_token_setup")
    if not any(isinstance(f, _DropTokenNotice) for f in log.filters):
        log.addFilter(_DropTokenNotice())


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """File descriptor 2 goes to /dev/null for the block (Python's own ``sys.stderr`` is
    flushed first). For `ray.shutdown` of a cluster this session started: the driver's
    C++ core worker logs every task still in flight as "Failed to push error to driver"
    (task_manager.cc) while a deliberately stopped cluster takes its actors down; that is
    no error of the render, and it is not Python logging that a filter could drop."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class RayExecutor:
    name = "ray"

    def open(self, options: ExecutorOptions) -> RaySession:
        return RaySession(options)


class WavyteWorker:
    """The actor body (decorated with ``ray.remote`` in `RaySession`); Ray names the
    actor's process after the class."""

    def __init__(self) -> None:
        from wavyte_core.run import job  # noqa: F401 - import the render stack once
        from wavyte_core.run.executor import set_progress_sink

        self._done: dict[Any, int] = {}  # frames done of the task running now
        set_progress_sink(self._done.__setitem__)

    def pid(self) -> int:
        return os.getpid()

    def progress(self) -> dict[Any, int]:
        """Frames done of the running task (own concurrency group: answers mid-task)."""
        return dict(self._done)

    def run(self, shared: Any, task: Task) -> TaskResult:
        from wavyte_core.run.executor import run_task

        try:
            return run_task(shared, task)
        finally:
            self._done.clear()


class RaySession:
    def __init__(self, options: ExecutorOptions) -> None:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        import ray

        self._ray = ray
        self.options = options
        t0 = time.perf_counter()
        self._owns_cluster = False
        self._reaper: subprocess.Popen | None = None
        if not ray.is_initialized():
            kw: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "logging_level": "warning",
            }
            before: set[int] = set()
            if options.address is None:
                kw["num_cpus"] = options.num_cpus
                kw["object_store_memory"] = LOCAL_OBJECT_STORE_BYTES
                _quiet_token_auth_notice()
                if sys.platform.startswith("linux"):
                    from .reaper import children_by_parent, reap_orphans

                    reap_orphans()
                    before = set(children_by_parent().get(os.getpid(), []))
            main = threading.current_thread() is threading.main_thread()
            on_term = signal.getsignal(signal.SIGTERM) if main else None
            try:
                ray.init(address=options.address, **kw)
            except Exception as exc:
                where = options.address or "a local cluster"
                raise ExecutorUnavailable(f"cannot start Ray ({where}): {exc}") from None
            finally:
                if on_term is not None:  # Ray's driver installs its own SIGTERM handler
                    signal.signal(signal.SIGTERM, on_term)
            self._owns_cluster = True
            if options.address is None and sys.platform.startswith("linux"):
                self._start_reaper(before)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = options.workers or max(1, cpus)
        if self.workers < 1:
            raise RenderError(f"workers must be >= 1 (got {self.workers})")
        retries = max(0, options.max_retries)
        body = type("WavyteWorker", (WavyteWorker,), {})  # the progress method's group:
        body.progress = ray.method(concurrency_group="progress")(WavyteWorker.progress)
        actor_cls = ray.remote(
            num_cpus=1,
            max_restarts=retries,
            max_task_retries=retries,
            concurrency_groups={"progress": 1},
        )(body)
        self.actors = [actor_cls.remote() for _ in range(self.workers)]
        #: Keys of tasks that ran again because their actor was lost, in order (a key
        #: appears once per retry).
        self.retried: list[Any] = []
        #: Called with ``(task key, frames done)`` while tasks run (polled every
        #: ``PROGRESS_POLL_S`` from the actors).
        self.on_progress: Any = None
        self._inflight: dict[Any, tuple[int, Task, int]] = {}
        try:
            self.pids = ray.get([a.pid.remote() for a in self.actors])
        except Exception as exc:
            self.close()
            raise ExecutorUnavailable(f"Ray workers did not start: {exc}") from None
        self.startup_seconds = time.perf_counter() - t0

    def run(self, shared: Any, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        ray = self._ray
        shared_ref = ray.put(shared)
        todo = deque(tasks)
        load = [0] * len(self.actors)
        inflight = self._inflight

        def submit() -> None:
            while todo:
                i = min(range(len(load)), key=load.__getitem__)
                if load[i] >= IN_FLIGHT_PER_ACTOR:
                    return
                t = todo.popleft()
                inflight[self.actors[i].run.remote(shared_ref, t)] = (i, t, self.pids[i])
                load[i] += 1

        submit()
        polled = time.monotonic()
        while inflight:
            ready, _ = ray.wait(list(inflight), num_returns=1, timeout=PROGRESS_POLL_S)
            if time.monotonic() - polled >= PROGRESS_POLL_S:
                self._poll_progress()
                polled = time.monotonic()
            for ref in ready:
                i, task, pid = inflight.pop(ref)
                load[i] -= 1
                try:
                    res = ray.get(ref)
                except ray.exceptions.RayError as exc:
                    raise RenderError(
                        f"task {task.key!r} failed on Ray after {self.options.max_retries} "
                        f"retries: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                    ) from None
                ran_on = int(res.worker.rpartition(":")[2] or 0)
                if ran_on and ran_on != pid:  # the actor was restarted: the task ran again
                    self.retried.append(task.key)
                    self.pids[i] = ran_on
                submit()
                yield res

    def _poll_progress(self) -> None:
        if self.on_progress is None:
            return
        try:
            counts = self._ray.get([a.progress.remote() for a in self.actors], timeout=5)
        except Exception:  # an actor being restarted: the next poll will do
            return
        for done in counts:
            for key, n in done.items():
                self.on_progress(key, n)

    def _start_reaper(self, before: set[int]) -> None:
        """Start the `reaper` for the processes ``ray.init`` just started."""
        from .reaper import children_by_parent

        roots = sorted(set(children_by_parent().get(os.getpid(), [])) - before)
        self._reaper = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "wavyte_executor_ray.reaper",
                str(os.getpid()),
                *map(str, roots),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            start_new_session=True,  # not in the driver's process group: outlives a group kill
        )

    def close(self) -> None:
        """Stop the actors (and the cluster this session started). A deliberate stop is
        quiet: an own cluster is shut down with its actors still in it (they end with the
        driver's job, and no "task failed, will be retried" notice is printed); on a
        joined cluster, tasks in flight are cancelled before the actors are killed."""
        ray = self._ray
        if not (self._owns_cluster and ray.is_initialized()):
            for ref in list(getattr(self, "_inflight", {})):
                with contextlib.suppress(Exception):
                    ray.cancel(ref)
            for a in getattr(self, "actors", []):
                with contextlib.suppress(Exception):  # an actor that is already gone
                    ray.kill(a)
        self.actors = []
        if self._owns_cluster and ray.is_initialized():
            with _native_stderr_silenced():
                ray.shutdown()
            self._owns_cluster = False
        reaper, self._reaper = self._reaper, None
        if reaper is not None:  # end what shutdown left running, then the reaper
            with contextlib.suppress(OSError):
                reaper.stdin.close()  # type: ignore[union-attr]
            with contextlib.suppress(subprocess.TimeoutExpired):
                reaper.wait(10)
