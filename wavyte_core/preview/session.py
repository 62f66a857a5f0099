"""One preview session: the source, the current revision, the last error, the MP4 render.

`reload()` is the whole hot-reload step: load the source again, check it exactly as a
render would (`wavyte_core.check`), prepare a new job, and make it the current revision.
If anything fails the previous revision stays current (its frames keep being served) and
the error is kept until a later reload succeeds. Both outcomes are returned as the event
the page receives.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wavyte_core.api import check, open_job
from wavyte_core.errors import AssetError, CompositionError, RenderError, WavyteError
from wavyte_core.format.model import Asset, Composition, asset_tag
from wavyte_core.plugin.registry import Registry
from wavyte_core.preview.frames import FrameService, Revision
from wavyte_core.preview.source import CompositionSource, asset_files
from wavyte_core.run.job import DEFAULT_BACKGROUND

__all__ = ["PreviewSession", "error_event"]

log = logging.getLogger("wavyte.preview")

Event = dict[str, Any]


def error_event(exc: BaseException) -> Event:
    """The page's error overlay: the engine's one-line message plus its structured parts
    (the JSON path and rule of a composition error, the file of an asset error)."""
    event: Event = {"type": "error", "message": str(exc)}
    if isinstance(exc, CompositionError):
        event.update(path=exc.path, rule=exc.rule)
    elif isinstance(exc, AssetError):
        event.update(source=exc.source, rule=exc.rule)
    elif not isinstance(exc, WavyteError):
        event["message"] = f"{type(exc).__name__}: {exc}"
    return event


def _asset_kind(asset: Asset | None) -> str:
    """The clip's class on the timeline: the asset's JSON tag in lower case."""
    return "missing" if asset is None else asset_tag(asset).lower()


def composition_summary(comp: Composition) -> Event:
    """What the page needs to lay out its player and its read-only timeline."""
    tracks = [
        {
            "name": t.name,
            "clips": [
                {
                    "id": c.id,
                    "asset": c.asset,
                    "kind": _asset_kind(comp.assets.get(c.asset)),
                    "start": c.range.start,
                    "end": c.range.end,
                }
                for c in t.clips
            ],
        }
        for t in comp.tracks
    ]
    return {
        "width": comp.canvas.width,
        "height": comp.canvas.height,
        "fps": {"num": comp.fps.num, "den": comp.fps.den},
        "duration": comp.duration,
        "tracks": tracks,
    }


class PreviewSession:
    """Everything the server shares between requests; thread-safe where it says so."""

    def __init__(
        self,
        source: CompositionSource,
        *,
        backend: str = "skia",
        background: tuple[int, int, int, int] | None = DEFAULT_BACKGROUND,
        registry: Registry | None = None,
        render_out: Path | None = None,
        cache_bytes: int = 256 << 20,
    ) -> None:
        self.source = source
        self.backend = backend
        self.background = background
        self.registry = registry
        self.service = FrameService(cache_bytes)
        self.error: Event | None = None
        self._next_rev = 1
        self._asset_files: set[Path] = set()
        self.render_out = render_out or (source.assets_root / f"{source.stem}.mp4")
        self.render = RenderTask(self)
        #: Called with one line per reload outcome (the CLI prints them on stderr).
        self.notify: Callable[[str], None] = lambda line: None

    # ------------------------------------------------------------------- revisions

    @property
    def rev(self) -> int:
        cur = self.service.current
        return cur.number if cur is not None else 0

    def reload(self) -> Event:
        """Load, check and prepare the source again (blocking: run it off the event loop).
        Returns a ``reload`` event on success, an ``error`` event otherwise."""
        t0 = time.perf_counter()
        try:
            comp = self.source.load()
            # Watch the files this version names even if it fails below (a missing asset
            # must reload the preview when it appears).
            self._asset_files = asset_files(comp, self.source.assets_root)
            check(comp, registry=self.registry)
            job = open_job(
                comp,
                assets_root=self.source.assets_root,
                backend=self.backend,
                background=self.background,
                registry=self.registry,
            )
        except Exception as exc:  # the page shows it; the last good revision stays
            if not isinstance(exc, WavyteError):
                log.exception("reload failed")
            self.error = error_event(exc)
            self.error["rev"] = self.rev
            self.notify(f"error: {self.error['message']}")
            return self.error
        try:
            rev = Revision(self._next_rev, comp, job)
        except BaseException:
            job.close()
            raise
        self.service.install(rev)
        self._next_rev += 1
        self.error = None
        self.notify(f"revision {rev.number} ready ({time.perf_counter() - t0:.2f} s)")
        return self.state()

    def state(self) -> Event:
        """The ``reload`` event of the current revision (or the pending error)."""
        cur = self.service.current
        if cur is None:
            return self.error or {"type": "error", "message": "nothing loaded yet", "rev": 0}
        event: Event = {
            "type": "reload",
            "rev": cur.number,
            "label": self.source.label,
            "transparent": cur.may_be_transparent,
            "error": self.error,
            "render": self.render.status(),
            **composition_summary(cur.comp),
        }
        return event

    def is_relevant(self, changed: set[Path]) -> bool:
        """Whether a change to these files can change what the preview shows."""
        return any(p in self._asset_files or self.source.is_own_file(p) for p in changed)

    def watch_dirs(self) -> list[Path]:
        """The folders holding the source and the files it names (watched one level deep:
        an asset root may be a large tree)."""
        files = self.source.own_files() | self._asset_files
        return sorted({p.parent for p in files if p.parent.is_dir()})

    def close(self) -> None:
        self.render.cancel()
        self.service.close()


class RenderTask:
    """The page's "render MP4" button: one render at a time on its own thread, with its
    own job (so the preview's job stays warm), reporting progress through ``publish``."""

    def __init__(self, session: PreviewSession) -> None:
        self.session = session
        self.publish: Callable[[Event], None] = lambda event: None
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._status: Event = {"state": "idle"}

    def status(self) -> Event:
        return dict(self._status)

    def _set(self, **status: Any) -> None:
        self._status = status
        self.publish({"type": "render", **status})

    def start(self) -> Event:
        """Start rendering the current revision; an error status when one is running or
        nothing is loaded."""
        cur = self.session.service.current
        if self._thread is not None and self._thread.is_alive():
            return {"state": "error", "message": "a render is already running"}
        if cur is None:
            return {"state": "error", "message": "nothing to render: the composition has errors"}
        self._cancel.clear()
        out = self.session.render_out
        self._set(state="running", done=0, total=cur.comp.duration, path=str(out))
        self._thread = threading.Thread(
            target=self._run, args=(cur.comp, out), name="wavyte-preview-render", daemon=True
        )
        self._thread.start()
        return self.status()

    def cancel(self) -> None:
        self._cancel.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self, comp: Composition, out: Path) -> None:
        s = self.session
        bg = s.background if s.background is not None and s.background[3] == 255 else None
        total = comp.duration
        step = max(1, total // 100)

        def progress(done: int, total: int) -> None:
            if self._cancel.is_set():
                raise RenderError("render cancelled")
            if done % step == 0 or done == total:
                self._set(state="running", done=done, total=total, path=str(out))

        try:
            with open_job(
                comp,
                assets_root=s.source.assets_root,
                backend=s.backend,
                background=bg or DEFAULT_BACKGROUND,
                registry=s.registry,
            ) as job:
                report = job.render(out, progress=progress)
        except Exception as exc:
            state = "cancelled" if self._cancel.is_set() else "failed"
            if not isinstance(exc, WavyteError):
                log.exception("render failed")
            self._set(state=state, message=error_event(exc)["message"], path=str(out))
            return
        self._set(
            state="done",
            done=total,
            total=total,
            path=str(out),
            seconds=round(report.seconds, 2),
            fps=round(report.fps, 1),
        )
