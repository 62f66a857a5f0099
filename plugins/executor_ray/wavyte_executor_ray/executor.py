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
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from wavyte_core.errors import RenderError
from wavyte_core.run.executor import ExecutorOptions, Task, TaskResult

#: Object store of a cluster this executor starts itself (segments are a few MB each).
LOCAL_OBJECT_STORE_BYTES = 512 * 1024 * 1024
IN_FLIGHT_PER_ACTOR = 2


class RayExecutor:
    name = "ray"

    def open(self, options: ExecutorOptions) -> RaySession:
        return RaySession(options)


class _Worker:
    """The actor body (decorated with ``ray.remote`` in `RaySession`)."""

    def __init__(self) -> None:
        from wavyte_core.run import job  # noqa: F401 - import the render stack once

    def pid(self) -> int:
        return os.getpid()

    def run(self, shared: Any, task: Task) -> TaskResult:
        from wavyte_core.run.executor import run_task

        return run_task(shared, task)


class RaySession:
    def __init__(self, options: ExecutorOptions) -> None:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        import ray

        self._ray = ray
        self.options = options
        t0 = time.perf_counter()
        self._owns_cluster = False
        if not ray.is_initialized():
            kw: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "logging_level": "warning",
            }
            if options.address is None:
                kw["num_cpus"] = options.num_cpus
                kw["object_store_memory"] = LOCAL_OBJECT_STORE_BYTES
            try:
                ray.init(address=options.address, **kw)
            except Exception as exc:
                where = options.address or "a local cluster"
                raise RenderError(f"cannot start Ray ({where}): {exc}") from None
            self._owns_cluster = True
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = options.workers or max(1, cpus)
        if self.workers < 1:
            raise RenderError(f"workers must be >= 1 (got {self.workers})")
        retries = max(0, options.max_retries)
        actor_cls = ray.remote(num_cpus=1, max_restarts=retries, max_task_retries=retries)(_Worker)
        self.actors = [actor_cls.remote() for _ in range(self.workers)]
        try:
            self.pids = ray.get([a.pid.remote() for a in self.actors])
        except Exception as exc:
            self.close()
            raise RenderError(f"Ray workers did not start: {exc}") from None
        self.startup_seconds = time.perf_counter() - t0

    def run(self, shared: Any, tasks: Iterable[Task]) -> Iterator[TaskResult]:
        ray = self._ray
        shared_ref = ray.put(shared)
        todo = deque(tasks)
        load = [0] * len(self.actors)
        inflight: dict[Any, tuple[int, Task]] = {}

        def submit() -> None:
            while todo:
                i = min(range(len(load)), key=load.__getitem__)
                if load[i] >= IN_FLIGHT_PER_ACTOR:
                    return
                t = todo.popleft()
                inflight[self.actors[i].run.remote(shared_ref, t)] = (i, t)
                load[i] += 1

        submit()
        while inflight:
            ready, _ = ray.wait(list(inflight), num_returns=1)
            for ref in ready:
                i, task = inflight.pop(ref)
                load[i] -= 1
                try:
                    res = ray.get(ref)
                except ray.exceptions.RayError as exc:
                    raise RenderError(
                        f"task {task.key!r} failed on Ray after {self.options.max_retries} "
                        f"retries: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                    ) from None
                submit()
                yield res

    def close(self) -> None:
        ray = self._ray
        for a in getattr(self, "actors", []):
            with contextlib.suppress(Exception):  # an actor that is already gone
                ray.kill(a)
        self.actors = []
        if self._owns_cluster and ray.is_initialized():
            ray.shutdown()
            self._owns_cluster = False
