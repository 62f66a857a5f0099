"""The shipped demo: loads, equals its builder version, and renders frames."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import wavyte_core as wv
from wavyte_core.format.dump import composition_to_json

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
sys.path.insert(0, str(EXAMPLES))

from demo_builder import build_demo  # noqa: E402


def test_builder_demo_equals_json_demo() -> None:
    loaded = wv.load(EXAMPLES / "demo.json")
    built = build_demo()
    assert built == loaded
    assert composition_to_json(built) == composition_to_json(loaded)


def test_demo_frames_render_with_every_feature() -> None:
    comp = wv.load(EXAMPLES / "demo.json")
    with wv.open_job(comp, assets_root=EXAMPLES) as job:
        f100 = job.frame(100)  # crossfade from the blurred to the sharp photo
        f190 = job.frame(190)  # soft wipe photo → backdrop, Devanagari + Arabic text
        assert f100.shape == (540, 960, 4)
        assert not np.array_equal(f100, f190)
        assert job.renderer.stats.frames == 2
        pcm = job.audio_pcm()["music"]
        assert pcm is not None and pcm.shape[1] == 2 and float(np.abs(pcm).max()) > 0.05
