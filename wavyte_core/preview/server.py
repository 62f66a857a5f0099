"""The preview's HTTP/WebSocket server (Starlette on uvicorn), bound to 127.0.0.1.

Routes:
- ``GET /`` the studio page; ``/static/*`` its script and style (plain files, no build).
- ``GET /frame/{rev}/{n}?scale=1|0.5&lossless=0|1&page=P&seek=S`` one encoded frame (JPEG
  when opaque, PNG when transparent or ``lossless``). 204 when superseded by a newer seek
  of the same page,
  409 (with the current revision) for a revision that is gone, 500 with the engine's
  one-line error when the frame cannot be drawn.
- ``GET /audio/{rev}`` the revision's mixed audio as WAV (204 when silent).
- ``GET /api/media/{rev}`` waveform peaks of sounding clips, thumbnails of video clips and
  the asset list with details (computed once per revision).
- ``GET /api/cached/{rev}`` the frame indices held in the frame cache (the timeline's bar).
- ``GET /still/{rev}/{n}`` the exact PNG ``wavyte frame`` writes, as a download.
- ``POST /api/render`` / ``POST /api/render/cancel`` the MP4 render (needs the page's
  session token); progress arrives as WebSocket events.
- ``WS /ws`` events: ``reload`` (hello and after each good reload), ``error``, ``render``.

Local dev servers get attacked from web pages the user visits: the Host header must be
127.0.0.1/localhost (DNS rebinding), a WebSocket's Origin must be this server's own, and
requests that write files need a random token only the served page knows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
import socket
import threading
import time
import webbrowser
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from wavyte_core.errors import EvaluationError, WavyteError
from wavyte_core.preview.frames import SCALES, StaleRevision
from wavyte_core.preview.session import Event, PreviewSession, error_event
from wavyte_core.preview.watcher import watch_and_reload

__all__ = ["PreviewServer", "build_app"]

log = logging.getLogger("wavyte.preview")
LOCAL_HOSTS = ("127.0.0.1", "localhost")


class Hub:
    """Fan-out of events to every connected page; `publish` is safe from any thread."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queues: set[asyncio.Queue[Event]] = set()

    def publish(self, event: Event) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._put(event)
        else:
            with contextlib.suppress(RuntimeError):  # loop closing during shutdown
                loop.call_soon_threadsafe(self._put, event)

    def _put(self, event: Event) -> None:
        for q in self.queues:
            q.put_nowait(event)


def _static_text(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


def build_app(session: PreviewSession, *, watch: bool = True) -> Starlette:
    """The ASGI app of one session."""
    token = secrets.token_urlsafe(16)
    hub = Hub()
    limiter = anyio.CapacityLimiter(1)  # frames and reloads: one at a time, in order
    session.render.publish = hub.publish
    page = _static_text("index.html").replace("{{TOKEN}}", token)

    async def reload() -> Event:
        return await anyio.to_thread.run_sync(session.reload, limiter=limiter)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        hub.loop = asyncio.get_running_loop()
        stop = anyio.Event()
        async with anyio.create_task_group() as tg:
            if watch:
                tg.start_soon(watch_and_reload, session, reload, hub.publish, stop)
            try:
                yield
            finally:
                stop.set()
                tg.cancel_scope.cancel()

    async def index(request: Request) -> Response:
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    async def state(request: Request) -> Response:
        return JSONResponse(session.state())

    async def frame(request: Request) -> Response:
        rev = request.path_params["rev"]
        n = request.path_params["n"]
        q = request.query_params
        try:
            scale = float(q.get("scale", "1"))
            seek = (q.get("page", ""), int(q["seek"])) if "seek" in q else None
        except ValueError:
            return JSONResponse({"error": "scale and seek must be numbers"}, 400)
        if scale not in SCALES:
            return JSONResponse({"error": f"scale must be one of {SCALES}"}, 400)
        lossless = q.get("lossless", "0") == "1"
        if seek is not None:
            session.service.note_seek(seek)
        try:
            item = await anyio.to_thread.run_sync(
                session.service.frame, rev, n, scale, lossless, seek, limiter=limiter
            )
        except StaleRevision as exc:
            return JSONResponse({"error": "stale revision", "rev": exc.current}, 409)
        except EvaluationError as exc:
            return JSONResponse({"error": str(exc)}, 404)
        except Exception as exc:
            if not isinstance(exc, WavyteError):
                log.exception("frame %d failed", n)
            return JSONResponse({"error": f"frame {n}: {error_event(exc)['message']}"}, 500)
        if item is None:
            return Response(status_code=204)
        return Response(
            item.data,
            media_type=item.media_type,
            headers={"Cache-Control": "no-store", "X-Frame": str(n), "X-Rev": str(rev)},
        )

    async def cached(request: Request) -> Response:
        frames = session.service.cached_frames(request.path_params["rev"])
        return JSONResponse({"frames": frames})

    async def audio(request: Request) -> Response:
        try:
            wav = await anyio.to_thread.run_sync(
                session.service.audio, request.path_params["rev"], limiter=limiter
            )
        except StaleRevision as exc:
            return JSONResponse({"error": "stale revision", "rev": exc.current}, 409)
        if wav is None:
            return Response(status_code=204)
        return Response(wav, media_type="audio/wav", headers={"Cache-Control": "no-store"})

    async def media(request: Request) -> Response:
        try:
            body = await anyio.to_thread.run_sync(
                session.service.media,
                request.path_params["rev"],
                session.source.assets_root,
                limiter=limiter,
            )
        except StaleRevision as exc:
            return JSONResponse({"error": "stale revision", "rev": exc.current}, 409)
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    async def still(request: Request) -> Response:
        rev, n = request.path_params["rev"], request.path_params["n"]
        try:
            png = await anyio.to_thread.run_sync(session.service.still, rev, n, limiter=limiter)
        except StaleRevision as exc:
            return JSONResponse({"error": "stale revision", "rev": exc.current}, 409)
        except EvaluationError as exc:
            return JSONResponse({"error": str(exc)}, 404)
        except Exception as exc:
            return JSONResponse({"error": f"frame {n}: {error_event(exc)['message']}"}, 500)
        name = f"{session.source.stem}_f{n:05d}.png"
        return Response(
            png,
            media_type="image/png",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    def allowed(request: Request) -> bool:
        origin = request.headers.get("origin")
        port = request.scope["server"][1]
        same = origin is None or origin in {f"http://{h}:{port}" for h in LOCAL_HOSTS}
        return same and secrets.compare_digest(request.headers.get("x-wavyte-token", ""), token)

    async def render_start(request: Request) -> Response:
        if not allowed(request):
            return JSONResponse({"error": "forbidden"}, 403)
        return JSONResponse(session.render.start())

    async def render_cancel(request: Request) -> Response:
        if not allowed(request):
            return JSONResponse({"error": "forbidden"}, 403)
        await anyio.to_thread.run_sync(session.render.cancel)
        return JSONResponse(session.render.status())

    async def events(ws: WebSocket) -> None:
        port = ws.scope["server"][1]
        if ws.headers.get("origin") not in {f"http://{h}:{port}" for h in LOCAL_HOSTS}:
            await ws.close(code=1008)  # before accept: the handshake gets HTTP 403
            return
        await ws.accept()
        q: asyncio.Queue[Event] = asyncio.Queue()
        hub.queues.add(q)
        try:
            await ws.send_json(session.state())
            if session.error is not None:
                await ws.send_json(session.error)

            async def send() -> None:
                while True:
                    await ws.send_json(await q.get())

            async def receive() -> None:
                while (await ws.receive())["type"] != "websocket.disconnect":
                    pass

            tasks = [asyncio.create_task(send()), asyncio.create_task(receive())]
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for t in pending:
                t.cancel()
            for t in done:  # a closed socket ends the page's session; nothing to report
                if not t.cancelled():
                    t.exception()
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            hub.queues.discard(q)

    static_dir = resources.files(__package__).joinpath("static")
    routes = [
        Route("/", index),
        Route("/api/state", state),
        Route("/frame/{rev:int}/{n:int}", frame),
        Route("/audio/{rev:int}", audio),
        Route("/api/cached/{rev:int}", cached),
        Route("/api/media/{rev:int}", media),
        Route("/still/{rev:int}/{n:int}", still),
        Route("/api/render", render_start, methods=["POST"]),
        Route("/api/render/cancel", render_cancel, methods=["POST"]),
        WebSocketRoute("/ws", events),
        Mount("/static", StaticFiles(directory=str(static_dir)), name="static"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(LOCAL_HOSTS))],
    )
    app.state.token = token
    app.state.hub = hub
    return app


class PreviewServer:
    """uvicorn serving `build_app` on 127.0.0.1, in this thread or a background one."""

    def __init__(self, session: PreviewSession, *, port: int = 8000, watch: bool = True) -> None:
        self.session = session
        self.app = build_app(session, watch=watch)
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            ws="websockets-sansio",
            timeout_graceful_shutdown=2,
        )
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        """The bound port (known once started; stays readable after `stop`)."""
        if self._port is None:
            self._port = self.server.servers[0].sockets[0].getsockname()[1]
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 30.0) -> str:
        """Serve on a background thread; returns the URL once the socket is listening."""
        if self._thread is not None:
            return self.url
        port = self.server.config.port
        if port:
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    raise WavyteError(
                        f"--port {port}: 127.0.0.1:{port} is in use (try another --port, or 0)"
                    ) from None
        self._thread = threading.Thread(target=self.server.run, name="wavyte-preview", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise WavyteError("the preview server did not start (is the port in use?)")
            time.sleep(0.02)
        self._port = None
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.session.close()

    def serve_forever(self, *, open_browser: bool = False, announce: Any = print) -> None:
        """Serve until Ctrl-C or SIGTERM (blocking), then shut down cleanly."""
        url = self.start()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, _interrupt)
        announce(f"wavyte preview: {self.session.source.label} at {url}  (Ctrl-C stops)")
        if open_browser:
            webbrowser.open(url)
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
