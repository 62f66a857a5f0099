"""Compositions and render jobs in Jupyter (and any front end that speaks IPython's rich
display protocol), with nothing to install beyond wavyte.

- A `Composition` or `RenderJob` as the last expression of a cell shows a poster frame
  (the middle frame, at most ``POSTER_WIDTH`` px wide) and a one-line summary;
- ``wv.show(comp, frames=...)`` shows one frame (an int) as a PNG, or a range of frames
  (``(start, end)``, ``range`` or ``slice``; default: the whole timeline) as a small inline
  player: an H.264 MP4 rendered with the job's own encoder and embedded in the page (the
  notebook file carries it: keep ranges short).

The asset root of a composition loaded from a file is that file's folder (``wv.load``
remembers it); otherwise the working directory, or ``assets_root=``.
"""

from __future__ import annotations

import base64
import html
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from wavyte_core import api
from wavyte_core.format.model import Composition
from wavyte_core.output.png import png_bytes

__all__ = ["POSTER_WIDTH", "Shown", "composition_bundle", "job_bundle", "show"]

#: The widest poster frame a display shows (pixels; larger canvases are scaled down).
POSTER_WIDTH = 640


class Shown:
    """What `show` returns: displays itself in a notebook (HTML), and keeps the bytes."""

    def __init__(self, mime: str, data: bytes, html_text: str) -> None:
        self.mime = mime  # "image/png" or "video/mp4"
        self.data = data
        self._html = html_text

    def _repr_html_(self) -> str:
        return self._html

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/html": self._html, "text/plain": repr(self)}
        if self.mime == "image/png":
            bundle["image/png"] = base64.b64encode(self.data).decode("ascii")
        return bundle

    def __repr__(self) -> str:
        return f"<wavyte {self.mime} {len(self.data)} bytes>"


def _root(comp: Composition, assets_root: str | Path | None) -> Path:
    if assets_root is not None:
        return Path(assets_root)
    return api.root_of(comp) or Path.cwd()


def _scaled(frame: np.ndarray, width: int) -> np.ndarray:
    """Shrink a premultiplied BGRA frame to ``width`` (area filter); never enlarge."""
    h, w = frame.shape[:2]
    if w <= width:
        return frame
    import cv2

    return cv2.resize(frame, (width, max(1, round(h * width / w))), interpolation=cv2.INTER_AREA)


def _summary(comp: Composition) -> str:
    fps = comp.fps.num / comp.fps.den
    kinds: dict[str, int] = {}
    for a in comp.assets.values():
        name = type(a).__name__.removesuffix("Asset")
        kinds[name] = kinds.get(name, 0) + 1
    clips = sum(len(t.clips) for t in comp.tracks)
    assets = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return (
        f"{comp.canvas.width}×{comp.canvas.height} · {fps:g} fps · {comp.duration} frames "
        f"({comp.duration / fps:.2f} s) · {len(comp.tracks)} tracks, {clips} clips · "
        f"assets: {assets or 'none'}"
    )


def _poster(job: api.RenderJob, width: int) -> bytes:
    return png_bytes(_scaled(job.frame(job.comp.duration // 2), width), level=3)


def _bundle(comp: Composition, png: bytes) -> dict[str, Any]:
    summary = _summary(comp)
    b64 = base64.b64encode(png).decode("ascii")
    page = (
        f'<figure style="margin:0"><img src="data:image/png;base64,{b64}" '
        f'alt="frame {comp.duration // 2}"/><figcaption style="font:12px sans-serif">'
        f"{html.escape(summary)} · poster: frame {comp.duration // 2}</figcaption></figure>"
    )
    # the page carries the picture; a bare image/png beside it would double the notebook
    return {"text/html": page, "text/plain": f"Composition({summary})"}


def composition_bundle(comp: Composition, width: int = POSTER_WIDTH) -> dict[str, Any]:
    """The rich display of a composition: its middle frame and a summary. A composition
    that cannot be drawn here (a missing asset) shows the summary and the error."""
    try:
        with api.open_job(comp, assets_root=_root(comp, None)) as job:
            png = _poster(job, width)
    except Exception as exc:  # display must not raise: show what went wrong instead
        text = f"{_summary(comp)} · cannot draw a poster frame: {exc}"
        return {"text/plain": text, "text/html": f"<pre>{html.escape(text)}</pre>"}
    return _bundle(comp, png)


def job_bundle(job: api.RenderJob, width: int = POSTER_WIDTH) -> dict[str, Any]:
    """The rich display of an open job (its prepared assets are reused)."""
    return _bundle(job.comp, _poster(job, width))


def _range(frames: Any, duration: int) -> tuple[int, int] | int:
    if frames is None:
        return 0, duration
    if isinstance(frames, int):
        return frames
    if isinstance(frames, range | slice):
        start, stop, step = frames.start or 0, frames.stop, frames.step or 1
        if step != 1:
            raise ValueError("frames: a range with step 1")
        return start, duration if stop is None else stop
    start, end = frames
    return int(start), int(end)


def show(
    comp: Composition | api.RenderJob,
    frames: int | tuple[int, int] | range | slice | None = None,
    *,
    assets_root: str | Path | None = None,
    width: int = POSTER_WIDTH,
    crf: int = 23,
    **job_options: Any,
) -> Shown:
    """Show frame ``frames`` (an int) as a PNG, or a range of frames as an inline player
    (H.264 MP4, ``crf`` quality, ``width`` px wide on the page). ``comp`` may be an open
    `RenderJob` (nothing is prepared again); ``job_options`` go to `open_job`."""
    if isinstance(comp, api.RenderJob):
        return _show(comp, frames, width, crf)
    with api.open_job(comp, assets_root=_root(comp, assets_root), **job_options) as job:
        return _show(job, frames, width, crf)


def _show(job: api.RenderJob, frames: Any, width: int, crf: int) -> Shown:
    duration = job.comp.duration
    r = _range(frames, duration)
    if isinstance(r, int):
        png = png_bytes(_scaled(job.frame(r), width), level=3)
        b64 = base64.b64encode(png).decode("ascii")
        return Shown("image/png", png, f'<img src="data:image/png;base64,{b64}" alt="frame {r}"/>')
    start, end = r
    if not 0 <= start < end <= duration:
        raise ValueError(f"frames: need 0 <= start < end <= {duration}, got {start}, {end}")
    with tempfile.TemporaryDirectory(prefix="wavyte-show-") as tmp:
        out = Path(tmp) / "show.mp4"
        job.render(out, start=start, end=end, crf=crf)
        data = out.read_bytes()
    b64 = base64.b64encode(data).decode("ascii")
    shown_w = min(width, job.comp.canvas.width)
    page = (
        f'<video controls loop autoplay muted playsinline width="{shown_w}" '
        f'src="data:video/mp4;base64,{b64}"></video>'
    )
    return Shown("video/mp4", data, page)
