"""H.264 bytes depend only on the frames and the settings: not on the CPU's instruction set,
nor on what the process's memory held before the encode.

Regression for the flaky byte-equality tests of segmented renders: x264's SIMD MB-tree
propagation (AVX-512 here) made the same frames encode differently from one encode to the
next once the heap held other data, so a segment rendered in the test process differed
from the same segment rendered in a fresh one. `encoder_pyav.X264_PARAMS` turns on x264's
``cpu-independent`` mode (its C propagation). Without it, both tests below fail on an x86
CPU with SIMD (the first on any such CPU; the second on AVX-512 CPUs, where 30 encodes gave
4 different files).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from wavyte_core.output import encoder_pyav
from wavyte_core.output.encoder_pyav import PyAVEncoderSession
from wavyte_core.plugin.roles import EncodeSettings

W, H, N, GOP = 160, 90, 24, 6  # the segment tests' card: 10 macroblocks wide, GOP 6


def _frames() -> list[np.ndarray]:
    """A textured background panning right and a bright square moving down-left: motion
    that gives MB-tree propagation real work (a static scene would not)."""
    rng = np.random.default_rng(7)
    tex = rng.integers(0, 256, (H // 6 + 1, (W + 2 * N) // 6 + 1, 3), dtype=np.uint8)
    tex = np.kron(tex, np.ones((6, 6, 1), np.uint8))  # 6-pixel blocks: structure, not noise
    out = []
    for i in range(N):
        f = np.empty((H, W, 4), np.uint8)
        f[..., :3] = tex[:H, 2 * i : 2 * i + W]
        y, x = 10 + 2 * i, 120 - 3 * i
        f[y : y + 20, x : x + 20, :3] = (240, 240, 255)
        f[..., 3] = 255
        out.append(f)
    return out


def _encode(path: Path, frames: list[np.ndarray]) -> bytes:
    """Encode like a segment task does (fixed GOP, two x264 threads)."""
    session = PyAVEncoderSession(path, EncodeSettings(W, H, Fraction(30), threads=2, gop=GOP))
    for f in frames:
        session.write(f)
    session.close()
    return path.read_bytes()


def _dirty_heap(rng: np.random.Generator) -> None:
    """Allocate and free blocks of random bytes, so freed memory that the next encode may
    be handed holds different garbage each time (as in a long-lived test or worker process)."""
    junk = [rng.integers(0, 256, int(n), dtype=np.uint8) for n in rng.integers(1000, 400_000, 60)]
    del junk


def test_x264_output_equals_its_pure_c_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    frames = _frames()
    ours = _encode(tmp_path / "ours.mp4", frames)
    options = encoder_pyav.codec_options

    def no_asm(s: EncodeSettings) -> dict[str, str]:
        o = options(s)
        o["x264-params"] += ":asm=0"  # x264 with every SIMD path off: the C reference
        return o

    monkeypatch.setattr(encoder_pyav, "codec_options", no_asm)
    assert _encode(tmp_path / "c.mp4", frames) == ours


def test_same_frames_same_bytes_whatever_the_heap_held(tmp_path: Path):
    frames = _frames()
    rng = np.random.default_rng(0)
    first = _encode(tmp_path / "first.mp4", frames)
    differing = []
    for i in range(30):
        _dirty_heap(rng)
        if _encode(tmp_path / f"again{i}.mp4", frames) != first:
            differing.append(i)
    assert differing == []
