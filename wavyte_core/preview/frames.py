"""The frame service: exact frames by index from one warm job per revision.

A *revision* is one successful load of the composition: the job is prepared once (all I/O,
shaping, layout) and every frame the page asks for is then evaluate → draw → encode into
one reused surface, with an unchanged frame graph not drawn again. Encoded frames go into
an LRU cache keyed by (revision, frame, scale, lossless) and bounded in bytes, so a looped
range plays from memory from its second pass on.

Scheduling is *latest wins*: every scrub/seek request carries its page's id and a
sequence number; a request that reaches the render thread after a newer seek of the same
page was announced is dropped unrendered (unless its frame is already cached). Pages do not
overtake each other. Playback requests carry no sequence number and are
never dropped here; the page paces them itself. Whatever was rendered is returned, so the
page can always paint the newest frame that finished.

All methods may be called from any thread; rendering is serialised by one lock.
"""

from __future__ import annotations

import io
import threading
import wave
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wavyte_core.api import RenderJob
from wavyte_core.assets.audio import MIX_SAMPLE_RATE
from wavyte_core.errors import EvaluationError
from wavyte_core.format.model import Composition
from wavyte_core.output.png import png_bytes
from wavyte_core.preview.encode import EncodedFrame, FrameEncoder
from wavyte_core.preview.media import ThumbCache, revision_media
from wavyte_core.run.frames import mixed_audio

__all__ = ["FrameCache", "FrameService", "Revision", "StaleRevision", "SCALES"]

#: Scales the page may ask for: full size when paused, half while dragging or playing.
SCALES = (1.0, 0.5)


class StaleRevision(Exception):
    """A frame of a revision that is no longer current (and not cached) was asked for."""

    def __init__(self, current: int) -> None:
        super().__init__(f"revision changed (current: {current})")
        self.current = current


@dataclass(frozen=True, slots=True)
class FrameKey:
    rev: int
    n: int
    scale: float
    lossless: bool


class FrameCache:
    """Least-recently-used encoded frames, bounded by their total size in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[FrameKey, EncodedFrame] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: FrameKey) -> EncodedFrame | None:
        item = self._items.get(key)
        if item is None:
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return item

    def put(self, key: FrameKey, item: EncodedFrame) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= len(old.data)
        self._items[key] = item
        self.bytes += len(item.data)
        while self.bytes > self.max_bytes and len(self._items) > 1:
            _, dropped = self._items.popitem(last=False)
            self.bytes -= len(dropped.data)

    def drop_revisions_before(self, rev: int) -> None:
        for key in [k for k in self._items if k.rev < rev]:
            self.bytes -= len(self._items.pop(key).data)

    def frames_of(self, rev: int) -> list[int]:
        """Frame indices of ``rev`` held at any scale (for the page's cached-range bar)."""
        return sorted({k.n for k in self._items if k.rev == rev})

    def __len__(self) -> int:
        return len(self._items)


class Revision:
    """One prepared composition: its job, one reusable surface, encoders per scale."""

    def __init__(self, number: int, comp: Composition, job: RenderJob) -> None:
        self.number = number
        self.comp = comp
        self.job = job
        bg = job.background
        self.may_be_transparent = bg is None or bg[3] != 255
        self._surface = job.new_surface()
        self._drawn_nodes: tuple | None = None
        self._encoders = {s: FrameEncoder(job.width, job.height, s) for s in SCALES}
        self._audio: bytes | None = None
        self._audio_done = False
        self._media: dict | None = None

    def draw(self, n: int) -> np.ndarray:
        """Frame ``n`` in the revision's surface (valid until the next call)."""
        if not 0 <= n < self.comp.duration:
            raise EvaluationError(f"frame {n} is out of range 0..{self.comp.duration - 1}")
        graph = self.job.evaluate(n)
        if graph.nodes != self._drawn_nodes:
            self._drawn_nodes = None  # a failed draw leaves the surface undefined
            self.job.render_into(graph, self._surface)
            self._drawn_nodes = graph.nodes
        return self._surface.buf

    def encode(self, n: int, scale: float, lossless: bool) -> EncodedFrame:
        buf = self.draw(n)
        return self._encoders[scale].encode(
            buf, lossless=lossless, check_alpha=self.may_be_transparent
        )

    def audio_wav(self) -> bytes | None:
        """The whole timeline's §5 mix as 16-bit stereo WAV at 48 kHz (made once), or None
        when no clip makes sound."""
        if not self._audio_done:
            pcm = mixed_audio(self.job, 0, self.comp.duration)
            self._audio = None if pcm is None else wav_bytes(pcm)
            self._audio_done = True
        return self._audio

    def media(self, root: Path, thumbs: ThumbCache | None = None) -> dict:
        """Waveform peaks, video thumbnails and asset details (made once, on first ask)."""
        if self._media is None:
            self._media = revision_media(self.comp, self.job, root, thumbs)
        return self._media

    def close(self) -> None:
        for enc in self._encoders.values():
            enc.close()
        self.job.close()


def wav_bytes(pcm: np.ndarray) -> bytes:
    """float32 (n, 2) in [−1, 1] → a 16-bit PCM WAV file."""
    ints = np.rint(np.clip(pcm, -1.0, 1.0) * 32767.0).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(MIX_SAMPLE_RATE)
        w.writeframes(np.ascontiguousarray(ints).tobytes())
    return out.getvalue()


class FrameService:
    """The current revision, the frame cache and the latest-wins rule."""

    def __init__(self, cache_bytes: int = 256 << 20) -> None:
        self.lock = threading.Lock()
        self.cache = FrameCache(cache_bytes)
        self.current: Revision | None = None
        self._latest_seek: OrderedDict[str, int] = OrderedDict()  # page id -> newest seq
        self.rendered = 0
        self.superseded = 0
        self.thumbs = ThumbCache()  # video thumbnails, kept across revisions

    def install(self, rev: Revision) -> None:
        """Make ``rev`` current; the previous revision's job is closed."""
        with self.lock:
            old, self.current = self.current, rev
            self.cache.drop_revisions_before(rev.number)
        if old is not None:
            old.close()

    def note_seek(self, seek: tuple[str, int]) -> None:
        """A seek ``(page id, sequence number)`` was requested (called as it arrives,
        before it waits for the render thread)."""
        page, seq = seek
        latest = self._latest_seek
        if seq > latest.get(page, -1):
            latest[page] = seq
            latest.move_to_end(page)
            while len(latest) > 64:  # pages long closed
                latest.popitem(last=False)

    def _superseded(self, seek: tuple[str, int]) -> bool:
        page, seq = seek
        return seq < self._latest_seek.get(page, -1)

    def frame(
        self,
        rev: int,
        n: int,
        scale: float = 1.0,
        lossless: bool = False,
        seek: tuple[str, int] | None = None,
    ) -> EncodedFrame | None:
        """Frame ``n`` of revision ``rev`` encoded at ``scale``; None when a newer seek has
        superseded this one before it started. Raises `StaleRevision` for an old revision
        not in the cache, `EvaluationError` for a frame out of range, and whatever the
        renderer raises for a frame that cannot be drawn."""
        key = FrameKey(rev, n, scale, lossless)
        with self.lock:
            hit = self.cache.get(key)
            if hit is not None:
                return hit
            cur = self.current
            if cur is None or cur.number != rev:
                raise StaleRevision(cur.number if cur is not None else 0)
            if seek is not None and self._superseded(seek):
                self.superseded += 1
                return None
            item = cur.encode(n, scale, lossless)
            self.rendered += 1
            self.cache.put(key, item)
            return item

    def cached_frames(self, rev: int) -> list[int]:
        with self.lock:
            return self.cache.frames_of(rev)

    def still(self, rev: int, n: int) -> bytes:
        """The PNG ``wavyte frame`` writes for frame ``n``, byte for byte (not cached)."""
        with self.lock:
            cur = self.current
            if cur is None or cur.number != rev:
                raise StaleRevision(cur.number if cur is not None else 0)
            return png_bytes(cur.draw(n))

    def audio(self, rev: int) -> bytes | None:
        with self.lock:
            cur = self.current
            if cur is None or cur.number != rev:
                raise StaleRevision(cur.number if cur is not None else 0)
            return cur.audio_wav()

    def media(self, rev: int, root: Path) -> dict:
        with self.lock:
            cur = self.current
            if cur is None or cur.number != rev:
                raise StaleRevision(cur.number if cur is not None else 0)
            return cur.media(root, self.thumbs)

    def close(self) -> None:
        with self.lock:
            cur, self.current = self.current, None
        if cur is not None:
            cur.close()
