"""The local executor reports which tasks ran again because their worker died (the
``retries`` of ``wavyte batch --json`` and segmented renders)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from wavyte_core.run.executor import ExecutorOptions, TaskResult, open_executor


@dataclass(frozen=True)
class _DiesOnce:
    """Kills its worker the first time it runs (module level: spawned workers import it)."""

    key: int
    marker: str

    def run(self, shared: object) -> TaskResult:
        if self.marker:
            m = Path(self.marker)
            if not m.exists():
                m.write_text("died")
                os._exit(9)
        return TaskResult(self.key, data=bytes([self.key]))


def test_tasks_of_a_dead_worker_are_reported_as_retried(tmp_path: Path) -> None:
    session = open_executor("local", ExecutorOptions(workers=2))
    tasks = [_DiesOnce(i, str(tmp_path / "marker") if i == 3 else "") for i in range(5)]
    try:
        results = {r.key: r for r in session.run(None, tasks)}
    finally:
        session.close()
    assert sorted(results) == [0, 1, 2, 3, 4]
    assert all(r.error is None for r in results.values())
    assert 3 in session.retried  # the task whose worker died ran again
    # tasks that were in flight on the broken pool ran again too; nothing else did
    assert set(session.retried) <= {0, 1, 2, 3, 4} and len(session.retried) <= 4
