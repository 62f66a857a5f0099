"""Hot reload: watch the folders of the source and of its assets, reload on relevant changes.

The folders holding those files are watched (one level deep), not the files themselves:
editors save by writing a temporary file and renaming it over the original, which a watch
on the file would lose. Changes are filtered to the composition (or Python module) and
the asset files its latest version names, so a render written beside the composition
does not trigger a reload. The debounce is short (watchfiles' default of 1.6 s feels
broken in an editor loop).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
from watchfiles import awatch

from wavyte_core.preview.session import Event, PreviewSession

__all__ = ["watch_and_reload"]

DEBOUNCE_MS = 150


async def watch_and_reload(
    session: PreviewSession,
    reload: Callable[[], Awaitable[Event]],
    publish: Callable[[Event], None],
    stop: anyio.Event,
) -> None:
    """Until ``stop`` is set: on every batch of relevant changes call ``reload`` (which
    runs `PreviewSession.reload` off the event loop) and publish its event. When a reload
    changes the set of folders (an asset moved elsewhere), the watch starts again on the
    new set."""
    while not stop.is_set():
        dirs = session.watch_dirs()
        if not dirs:
            await stop.wait()
            return
        async for changes in awatch(
            *dirs,
            debounce=DEBOUNCE_MS,
            step=50,
            stop_event=stop,
            rust_timeout=500,
            recursive=False,
        ):
            changed = {Path(p).resolve() for _, p in changes}
            if session.is_relevant(changed):
                publish(await reload())
                if session.watch_dirs() != dirs:
                    break
