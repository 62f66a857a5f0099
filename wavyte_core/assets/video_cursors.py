"""Several playheads on one video asset without thrashing one decoding session.

The job keeps one session per video asset. When two clips show the same asset at
different source times, a single session would seek back and forth on every frame (each
seek costs 150–1000 ms at 1080p). `SharedVideoSession` keeps a small, bounded pool of
sessions on the file (at most ``MAX_CURSORS``) and serves each request from a session that
can reach the time without seeking. A second session is opened only when the first one
has already served frames and would have to seek; past the bound, the least recently
used session seeks. A single clip played sequentially therefore opens the file once.

Sessions opt in by providing ``would_seek(t) -> bool`` (both first-party decoders do);
prepare wraps a session only when its asset is used by more than one clip.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

MAX_CURSORS = 3


class SharedVideoSession:
    """A `prepared.VideoSession` over up to ``MAX_CURSORS`` sessions on one file."""

    def __init__(
        self, open_session: Callable[[], Any], first: Any, max_cursors: int = MAX_CURSORS
    ) -> None:
        self._open = open_session
        self._cursors: list[Any] = [first]  # most recently used first
        self._served = [0]
        self._max = max(1, max_cursors)
        self.width: int = first.width
        self.height: int = first.height

    def frame_at(self, t: float) -> np.ndarray:
        cursors = self._cursors
        k = 0
        while k < len(cursors) and cursors[k].would_seek(t):
            k += 1
        if k == len(cursors):
            if len(cursors) < self._max and self._served[-1] > 0:
                cursors.append(self._open())
                self._served.append(0)
            k = len(cursors) - 1  # the new session, or the least recently used one
        if k:
            cursors.insert(0, cursors.pop(k))
            self._served.insert(0, self._served.pop(k))
        self._served[0] += 1
        return cursors[0].frame_at(t)

    def _total(self, name: str) -> int:
        return sum(int(getattr(c, name, 0)) for c in self._cursors)

    @property
    def opens(self) -> int:
        return self._total("opens")

    @property
    def seeks(self) -> int:
        return self._total("seeks")

    @property
    def decoded(self) -> int:
        return self._total("decoded")

    @property
    def cursors(self) -> int:
        return len(self._cursors)

    def close(self) -> None:
        for c in self._cursors:
            c.close()


def share_if_reused(session: Any, open_session: Callable[[], Any], uses: int) -> Any:
    """Wrap ``session`` when several clips use its asset and it can tell when it would seek."""
    if uses > 1 and callable(getattr(session, "would_seek", None)):
        return SharedVideoSession(open_session, session)
    return session
