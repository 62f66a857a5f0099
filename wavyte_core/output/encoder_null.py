"""The ``null`` encoder: accepts frames and writes an empty file.

For measuring render-only throughput through the real render loop (workers, elision,
queues) without the cost of H.264: ``wavyte render comp.json -o /tmp/x.mp4 --encoder null``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from wavyte_core.plugin.roles import EncodeSettings


class NullSession:
    def __init__(self, path: Path, sequence: bool = False) -> None:
        self.path = path
        self.frames_written = 0
        if not sequence:  # an image sequence writes no files at all
            path.write_bytes(b"")

    def write(self, frame: np.ndarray) -> None:
        self.frames_written += 1

    def close(self) -> None:
        return None

    def abort(self) -> None:
        return None


class NullEncoder:
    name = "null"

    def open(self, path: Path, settings: EncodeSettings) -> NullSession:
        return NullSession(Path(path), settings.muxer == "image2")
