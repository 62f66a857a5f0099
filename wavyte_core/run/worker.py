"""A render worker process: ``python -m wavyte_core.run.worker READ_FD WRITE_FD PARENT_PID``.

Started by `parallel` (never imports the user's ``__main__``, unlike multiprocessing's
spawn). Protocol over two pipes (pickled messages):

parent → worker: ``("init", spec)`` once; then any of ``("free", slot)`` (the parent is
done with a slot), ``("task", [frames])`` (render these, in order), ``("timings", None)``
(send and reset the stage timings), ``("stop", None)``; closing the pipe also stops it.
worker → parent: ``("ready", sizes)`` (each asset's layout size: the parent prepares no
visual asset itself), ``("frame", (frame, slot))``, ``("timings", dict)``, or
``("error", message or WavyteError)``.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import traceback
from collections import deque
from multiprocessing import shared_memory
from multiprocessing.connection import Connection

import numpy as np


def serve(rx: Connection, tx: Connection) -> None:
    from wavyte_core.errors import WavyteError, debug_enabled
    from wavyte_core.plugin.roles import Surface
    from wavyte_core.render.blur import set_blur_threads
    from wavyte_core.run.job import Job

    shm = None
    job = None
    try:
        kind, spec = rx.recv()
        assert kind == "init"
        set_blur_threads(spec.get("blur_threads", 1))
        job = Job(
            spec["comp"],
            assets_root=spec["root"],
            backends=spec["backends"],
            background=spec["background"],
            timings=spec["timings"],
            audio=False,  # the parent mixes the sound; the workers only draw
        )
        shm = shared_memory.SharedMemory(name=spec["shm"])
        _untrack(shm)
        h, w = job.height, job.width
        size = h * w * 4
        slots = [
            Surface(np.ndarray((h, w, 4), np.uint8, buffer=shm.buf, offset=i * size))
            for i in range(spec["nslots"])
        ]
        free: deque[int] = deque(range(spec["nslots"]))
        todo: deque[int] = deque()
        # Warm up before reporting ready, as the parent's own setup does: fault in the
        # shared slots and draw once (native pipelines, first-draw caches). The slot is
        # overwritten by the first real frame.
        for slot in slots:
            slot.fill((0, 0, 0, 0))
        job.render_into(job.evaluate(0), slots[0])
        if job.timer is not None:
            job.timer.totals = dict.fromkeys(job.timer.totals, 0.0)
        tx.send(("ready", job.assets.sizes() if job.assets is not None else {}))
        evaluate, render_into = job.evaluate, job.render_into
        while True:
            while todo and free:
                f = todo.popleft()
                s = free.popleft()
                render_into(evaluate(f), slots[s])
                tx.send(("frame", (f, s)))
            kind, arg = rx.recv()
            if kind == "free":
                free.append(arg)
            elif kind == "task":
                todo.extend(arg)
            elif kind == "timings":
                tx.send(("timings", job.timer.ms() if job.timer is not None else None))
                if job.timer is not None:
                    job.timer.totals = dict.fromkeys(job.timer.totals, 0.0)
            else:
                break
    except EOFError:
        return  # the parent went away: just exit
    except WavyteError as exc:
        if debug_enabled():  # the parent gets one line; the traceback is only here
            traceback.print_exc()
        _send_quietly(tx, ("error", _portable(exc)))
    except BaseException:
        _send_quietly(tx, ("error", f"worker crashed:\n{traceback.format_exc()}"))
    finally:
        if job is not None:
            job.close()
        if shm is not None:
            with contextlib.suppress(BufferError):
                shm.close()


def _portable(exc: Exception) -> Exception | str:
    """The error itself when it survives pickling (the parent raises the same type, e.g.
    an `AssetError` naming the file), else its message."""
    import pickle

    try:
        back = pickle.loads(pickle.dumps(exc))
    except Exception:
        return str(exc)
    return back if type(back) is type(exc) and str(back) == str(exc) else str(exc)


def _untrack(shm: shared_memory.SharedMemory) -> None:
    """The parent owns the segment: keep this process's resource tracker from unlinking it."""
    from multiprocessing import resource_tracker

    with contextlib.suppress(Exception):
        resource_tracker.unregister(shm._name, "shared_memory")  # type: ignore[attr-defined]


def _send_quietly(tx: Connection, msg: tuple) -> None:
    with contextlib.suppress(Exception):
        tx.send(msg)


def main() -> None:
    from wavyte_core.run.lifeline import die_with_parent, set_process_name

    # The parent owns Ctrl-C and SIGTERM (a process manager signals the whole group): it
    # stops the workers by closing their pipes once it has cleaned up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    set_process_name("wavyte-render")
    die_with_parent(int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    rx = Connection(int(sys.argv[1]), writable=False)
    tx = Connection(int(sys.argv[2]), readable=False)
    serve(rx, tx)
    # The job is closed and the shared memory detached: skip the interpreter's teardown
    # (≈0.1 s), which the parent's close waits for.
    from wavyte_core.run.fast_exit import exit_now

    exit_now(0)


if __name__ == "__main__":
    main()
