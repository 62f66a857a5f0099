"""End a finished process without the interpreter's teardown (start-up).

Tearing down the modules of a render (numpy, PyAV, skia, the plugins: thousands of
objects) takes ≈0.1 s after the output is already written. `exit_now` runs the ``atexit``
handlers (multiprocessing, shared memory, temporary folders), flushes stdout and stderr and
ends the process at once. The console script (`cli.main`) and the render workers
(`worker`) use it; with a non-daemon thread still running it keeps the ordinary exit, which
waits for that thread (daemon threads are not waited for by either).
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import Any


def exit_now(code: Any = 0) -> None:
    """``sys.exit(code)``, minus the teardown; ``code`` as ``SystemExit.code``."""
    main = threading.main_thread()
    if any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate()):
        sys.exit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): print it as the interpreter would
        print(code, file=sys.stderr)
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: the interpreter's exit would say 120
        status = status or 120
    atexit._run_exitfuncs()
    os._exit(status)
