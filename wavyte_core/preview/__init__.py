"""``wavyte preview``: a studio page in the browser on the engine's warm job.

>>> import wavyte_core as wv
>>> wv.preview("examples/demo.json")              # serves http://127.0.0.1:8000/ until Ctrl-C
>>> server = wv.preview(comp, block=False)        # a Composition built in Python
>>> server.url; server.stop()

The web stack (Starlette, uvicorn, websockets, watchfiles) is the optional extra
``wavyte[preview]``; it is imported only here, when a preview starts.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from wavyte_core.errors import PluginError
from wavyte_core.format.model import Composition
from wavyte_core.run.job import DEFAULT_BACKGROUND

if TYPE_CHECKING:
    from wavyte_core.preview.server import PreviewServer
    from wavyte_core.preview.source import CompositionSource

__all__ = ["preview", "require_preview_extra", "start_preview"]

_EXTRA = ("starlette", "uvicorn", "websockets", "watchfiles")


def require_preview_extra() -> None:
    """Raise a `PluginError` naming the install command when the extra is missing."""
    missing = [name for name in _EXTRA if importlib.util.find_spec(name) is None]
    if missing:
        raise PluginError(
            f"wavyte preview needs the optional extra (missing: {', '.join(missing)}); "
            "run: pip install 'wavyte[preview]'"
        )


def start_preview(
    source: CompositionSource,
    *,
    port: int = 8000,
    backend: str = "skia",
    background: tuple[int, int, int, int] | None = DEFAULT_BACKGROUND,
    render_out: Path | None = None,
    watch: bool = True,
) -> PreviewServer:
    """Load ``source`` once and start serving it on a background thread. A composition
    with errors still starts (the page shows the error until the file is fixed)."""
    require_preview_extra()
    from wavyte_core.preview.server import PreviewServer
    from wavyte_core.preview.session import PreviewSession

    session = PreviewSession(source, backend=backend, background=background, render_out=render_out)
    session.reload()
    server = PreviewServer(session, port=port, watch=watch)
    server.start()
    return server


def preview(
    comp: Composition | Callable[[], Composition] | str | Path,
    *,
    assets_root: str | Path | None = None,
    port: int = 8000,
    open_browser: bool = True,
    backend: str = "skia",
    background: tuple[int, int, int, int] | None = DEFAULT_BACKGROUND,
    block: bool = True,
) -> PreviewServer | None:
    """Preview a composition in the browser: a JSON file path (hot-reloaded on edits), a
    `Composition`, or a function returning one (called again when its assets change).

    Blocks until Ctrl-C; with ``block=False`` returns the running server (``.url``,
    ``.stop()``)."""
    from wavyte_core.preview.source import FixedSource, JsonFileSource

    root = Path(assets_root) if assets_root is not None else None
    if isinstance(comp, (str, Path)):
        src: CompositionSource = JsonFileSource(Path(comp), root)
    else:
        src = FixedSource(comp, root)
    server = start_preview(src, port=port, backend=backend, background=background)
    if not block:
        if open_browser:
            import webbrowser

            webbrowser.open(server.url)
        return server
    server.serve_forever(open_browser=open_browser)
    return None
