"""What the studio shows beside the frames, computed once per revision (never per frame):
waveform peaks for clips that make sound, a few thumbnails for video clips, and the asset
list with each asset's details for the side panel.

Peaks come from the sound the job already decoded, placed on the timeline exactly as the
render mixes it (`levels.placed_sound`: trims, rates, loops), so a waveform lines up with
its clip. Thumbnails are decoded with PyAV straight from the source file at the clip's
source times and stored as small PNG data URLs, kept across revisions by file, mtime and
time (`ThumbCache`), so an edit of the JSON does not decode them again. The first
``GET /api/media/{rev}`` makes the media of a revision; the revision keeps the result.
"""

from __future__ import annotations

import base64
import json
import logging
from collections import OrderedDict
from pathlib import Path
from typing import Any

import av
import numpy as np

from wavyte_core.assets.audio import MIX_SAMPLE_RATE, frame_to_sample
from wavyte_core.assets.imageheader import image_size
from wavyte_core.assets.levels import placed_sound
from wavyte_core.format.dump import composition_to_json
from wavyte_core.format.model import AudioAsset, Composition, ImageAsset, VideoAsset, asset_tag
from wavyte_core.output.png import png_bytes

__all__ = [
    "MAX_PEAKS",
    "THUMB_HEIGHT",
    "THUMBS_PER_CLIP",
    "ThumbCache",
    "clip_peaks",
    "revision_media",
]

log = logging.getLogger("wavyte.preview")

#: Peaks per clip at most (one per frame for short clips): enough for a lane at any zoom.
MAX_PEAKS = 400
#: Thumbnails per video clip, and their height in pixels.
THUMBS_PER_CLIP = 4
THUMB_HEIGHT = 36


def clip_peaks(mono: np.ndarray, a: int, b: int, count: int) -> list[float]:
    """The largest |sample| in each of ``count`` equal parts of ``mono[a:b]`` (0..1)."""
    part = np.abs(mono[a:b])
    if count <= 0 or len(part) == 0:
        return []
    edges = np.linspace(0, len(part), count + 1).astype(int)
    pairs = zip(edges[:-1], edges[1:], strict=True)
    out = [float(part[lo:hi].max()) if hi > lo else 0.0 for lo, hi in pairs]
    return [round(min(p, 1.0), 3) for p in out]


class ThumbCache:
    """Thumbnails by (file, mtime, size, time), least recently used dropped past ``limit``."""

    def __init__(self, limit: int = 512) -> None:
        self.limit = limit
        self._items: OrderedDict[tuple, str] = OrderedDict()
        self.decoded = 0  # thumbnails decoded (not served from here)

    def get(self, path: Path, times: list[float]) -> list[str]:
        try:
            st = path.stat()
        except OSError:
            return []
        keys = [(str(path), st.st_mtime_ns, st.st_size, round(t, 4)) for t in times]
        if all(k in self._items for k in keys):
            for k in keys:
                self._items.move_to_end(k)
            return [self._items[k] for k in keys]
        made = _thumbs(path, times)
        self.decoded += len(made)
        if len(made) == len(keys):
            for k, url in zip(keys, made, strict=True):
                self._items[k] = url
            while len(self._items) > self.limit:
                self._items.popitem(last=False)
        return made


def _thumbs(path: Path, times: list[float]) -> list[str]:
    """PNG data URLs of the source's pictures at ``times`` (seconds); [] when unreadable."""
    out: list[str] = []
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            tb = float(stream.time_base or 1 / 90000)
            for t in times:
                container.seek(int(max(t, 0.0) / tb), stream=stream, backward=True)
                pick = None
                for frame in container.decode(stream):
                    pick = frame
                    if frame.time is None or frame.time + 1e-3 >= t:
                        break
                if pick is None:
                    continue
                w = max(2, round(pick.width * THUMB_HEIGHT / max(pick.height, 1)))
                small = pick.reformat(w, THUMB_HEIGHT, format="bgra").to_ndarray()
                small[..., 3] = 255
                png = png_bytes(np.ascontiguousarray(small), 1)
                out.append("data:image/png;base64," + base64.b64encode(png).decode("ascii"))
    except (av.FFmpegError, IndexError, OSError) as exc:
        log.info("no thumbnails for %s: %s", path, exc)
    return out


def _probe(path: Path) -> dict[str, Any]:
    """Size, duration and streams of a media file, as text for the panel."""
    info: dict[str, Any] = {}
    try:
        with av.open(str(path)) as c:
            if c.duration:
                info["duration"] = f"{c.duration / av.time_base:.2f} s"
            for s in c.streams.video[:1]:
                rate = s.average_rate
                info["video"] = f"{s.width}×{s.height}" + (
                    f" @ {float(rate):.3g} fps" if rate else ""
                )
            for s in c.streams.audio[:1]:
                info["audio"] = f"{s.sample_rate} Hz, {s.channels} ch"
    except (av.FFmpegError, OSError) as exc:
        info["error"] = str(exc)
    return info


def _asset_info(asset: Any, root: Path) -> dict[str, Any]:
    source = getattr(asset, "source", None) or getattr(asset, "font_source", None)
    info: dict[str, Any] = {}
    if not isinstance(source, str):
        return info
    path = (root / source).resolve()
    info["file"] = source
    try:
        info["bytes"] = f"{path.stat().st_size:,}"
    except OSError:
        info["bytes"] = "missing"
        return info
    if isinstance(asset, ImageAsset):
        size = image_size(path)
        if size is not None:
            info["pixels"] = f"{size[0]}×{size[1]}"
    elif isinstance(asset, (VideoAsset, AudioAsset)):
        info.update(_probe(path))
    return info


def revision_media(
    comp: Composition, job: Any, root: Path, thumbs: ThumbCache | None = None
) -> dict[str, Any]:
    """``{"clips": {"track:clip": {"peaks": [...]} | {"thumbs": [...]}}, "assets": [...]}``
    for one revision (called once per revision; the caller keeps the result)."""
    clips: dict[str, dict[str, Any]] = {}
    thumbs = thumbs or ThumbCache()
    periods = getattr(job, "loop_periods", None) or {}
    pcm = job.audio_pcm()
    placed: dict[str, np.ndarray] = {}
    for ti, track in enumerate(comp.tracks):
        for ci, clip in enumerate(track.clips):
            asset = comp.assets.get(clip.asset)
            entry: dict[str, Any] = {}
            sound = pcm.get(clip.asset)
            if sound is not None and len(sound):
                if clip.asset not in placed:
                    placed[clip.asset] = placed_sound(comp, clip.asset, sound, job.loop_periods)
                a = frame_to_sample(clip.range.start, comp.fps)
                b = frame_to_sample(clip.range.end, comp.fps)
                count = min(MAX_PEAKS, max(clip.range.end - clip.range.start, 1))
                entry["peaks"] = clip_peaks(placed[clip.asset], a, b, count)
            if isinstance(asset, VideoAsset):
                times = _thumb_times(comp, clip, asset, periods.get(clip.asset))
                entry["thumbs"] = thumbs.get((root / asset.source).resolve(), times)
            if entry:
                clips[f"{ti}:{ci}"] = entry
    fields = json.loads(composition_to_json(comp)).get("assets", {})
    assets = []
    for key in sorted(comp.assets):
        asset = comp.assets[key]
        body = fields.get(key, {})
        tag = asset_tag(asset)
        assets.append(
            {
                "key": key,
                "kind": tag,
                "info": _asset_info(asset, root),
                "fields": body.get(tag, body) if isinstance(body, dict) else body,
            }
        )
    return {"clips": clips, "assets": assets, "sample_rate": MIX_SAMPLE_RATE}


def _thumb_times(
    comp: Composition, clip: Any, asset: VideoAsset, loop_period: float | None
) -> list[float]:
    """Source times (seconds) of the thumbnails, each in the middle of an equal part of the
    clip: trim and rate applied, clamped to the trim end, or wrapped when the asset loops."""
    fps = comp.fps.num / comp.fps.den
    length = max(clip.range.end - clip.range.start, 1)
    count = min(THUMBS_PER_CLIP, length)
    lo = asset.trim_start_sec
    times = []
    for i in range(count):
        local = int((i + 0.5) * length / count)
        t = lo + local / fps * asset.playback_rate
        if asset.loop and loop_period:
            t = lo + (t - lo) % loop_period
        elif asset.trim_end_sec is not None:
            t = min(t, max(asset.trim_end_sec, lo))
        times.append(max(t, 0.0))
    return times
