"""Shared by the preview tests: a tiny composition on disk, a running server, image decoding."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import av
import numpy as np
import pytest

from tests.test_e2e_render import moving_square

pytest.importorskip(
    "starlette", reason="the preview extra is not installed: pip install '.[preview]'"
)
pytest.importorskip("watchfiles", reason="the preview extra is not installed")

W, H, FRAMES = 160, 90, 45


def square_comp(to: tuple[float, float] = (140.0, 70.0)) -> dict:
    """160×90 at 30 fps, 45 frames: a white square moving from (0, 0) to ``to``."""
    return moving_square(W, H, FRAMES, end_frame=FRAMES - 1, to=to, side=20)


def write_comp(path: Path, comp: dict) -> Path:
    """Write like an editor does: a temporary file renamed over the original."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(comp, indent=1))
    tmp.replace(path)
    return path


def decode_image(data: bytes) -> np.ndarray:
    """PNG or JPEG bytes → straight RGBA (h, w, 4) uint8."""
    with av.open(io.BytesIO(data)) as c:
        frame = next(c.decode(video=0))
        return frame.to_ndarray(format="rgba")


def cli_frame(comp_path: Path, n: int, out: Path, *extra: str) -> np.ndarray:
    """``wavyte frame`` as a user runs it; returns its PNG's RGBA pixels."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "wavyte_core.cli.main",
            "frame",
            str(comp_path),
            "-f",
            str(n),
            "-o",
            str(out),
            *extra,
        ],
        check=True,
        capture_output=True,
    )
    return decode_image(out.read_bytes())


@contextmanager
def running_preview(comp_path: Path, **kw: object) -> Iterator[object]:
    """A preview server for ``comp_path`` on a free port, stopped afterwards."""
    from wavyte_core.preview import start_preview
    from wavyte_core.preview.source import JsonFileSource

    server = start_preview(JsonFileSource(comp_path), port=0, **kw)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()
