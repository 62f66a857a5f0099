"""With a worker pool nothing is decoded twice (start-up): the parent decodes only
sound and takes the asset sizes from its workers; the workers draw and never decode sound.
The parent still draws correctly when asked to (it then prepares its own drawing state),
and an asset error raised in a worker keeps its type."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import wavyte_core as wv
from tests.media import write_png, write_tone, write_video_with_tone
from tests.test_e2e_render import clip
from wavyte_core.errors import AssetError
from wavyte_core.plugin.prepared import AudioPcm, Deferred, ImagePixels, VideoSource
from wavyte_core.run.frames import mixed_audio
from wavyte_core.run.job import Job


def _media_comp(root: Path, image: str = "img.png") -> wv.Composition:
    rgba = np.zeros((20, 30, 4), np.uint8)
    rgba[..., 0] = rgba[..., 3] = 255
    rgba[5:15, 10:20, 1] = 200
    write_png(root / "img.png", rgba)
    write_tone(root / "tone.wav", 1.0)
    write_video_with_tone(root / "v.mp4", [(0, 255, 0)] * 10 + [(0, 0, 255)] * 10)
    comp = {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 64, "height": 48},
        "duration": 20,
        "assets": {
            "img": {"Image": {"source": image}},
            "tone": {"Audio": {"source": "tone.wav"}},
            "v": {"Video": {"source": "v.mp4"}},
        },
        "tracks": [
            {
                "name": "t",
                "z_base": 0,
                "layout_mode": "HStack",
                "layout_gap_px": 2.0,
                "clips": [clip("v", "v", 0, 20), clip("i", "img", 0, 20)],
            },
            {"name": "a", "z_base": 1, "clips": [clip("a", "tone", 0, 20)]},
        ],
        "seed": 3,
    }
    return wv.load(json.dumps(comp))


def test_pool_parent_decodes_sound_only_and_draws_on_demand(tmp_path: Path) -> None:
    comp = _media_comp(tmp_path)
    with wv.open_job(comp, assets_root=tmp_path) as one:
        want_frames = [one.frame(f) for f in (0, 15)]
        want_audio = mixed_audio(one, 0, 20)
        want_layout = one.layout
    with wv.open_job(comp, assets_root=tmp_path, workers=2) as job:
        assert job.assets is not None
        items = dict(zip(job.assets.keys, job.assets.items, strict=True))
        assert items["img"] == Deferred()  # no image decoded in the parent
        assert isinstance(items["v"], Deferred) and items["v"].video  # no video session
        assert items["v"].video_audio is not None  # but its sound, which only it mixes
        assert isinstance(items["tone"], AudioPcm) and len(items["tone"].samples) > 0
        assert job.rast is None and job.compositor is None  # no backend started here
        assert job.layout == want_layout  # from the sizes the workers reported
        audio = mixed_audio(job, 0, 20)
        assert audio is not None and want_audio is not None
        assert np.array_equal(audio, want_audio)
        got = [f for n, f in job.frames(0, 20) if n in (0, 15)]  # drawn by the workers
        assert all(np.array_equal(a, b) for a, b in zip(want_frames, got, strict=True))
        # The parent draws when asked to: it prepares then, keeping the decoded sound.
        assert all(
            np.array_equal(job.frame(f), w) for f, w in zip((0, 15), want_frames, strict=True)
        )
        items = dict(zip(job.assets.keys, job.assets.items, strict=True))
        assert isinstance(items["img"], ImagePixels) and isinstance(items["v"], VideoSource)
        again = mixed_audio(job, 0, 20)
        assert again is not None and np.array_equal(again, want_audio)


def test_workers_decode_no_sound(tmp_path: Path) -> None:
    comp = _media_comp(tmp_path)
    with Job(comp, assets_root=tmp_path, audio=False) as job:
        assert job.assets is not None
        items = dict(zip(job.assets.keys, job.assets.items, strict=True))
        assert isinstance(items["tone"], AudioPcm) and len(items["tone"].samples) == 0
        assert isinstance(items["v"], VideoSource) and items["v"].audio is None
        with Job(comp, assets_root=tmp_path) as full:
            assert job.layout == full.layout
            assert np.array_equal(_frame(job, 3), _frame(full, 3))


def _frame(job: Job, n: int) -> np.ndarray:
    surf = job.new_surface()
    job.render_into(job.evaluate(n), surf)
    return surf.buf


def test_asset_error_from_a_worker_keeps_its_type(tmp_path: Path) -> None:
    comp = _media_comp(tmp_path, image="missing.png")
    with pytest.raises(AssetError, match="missing.png"):
        wv.open_job(comp, assets_root=tmp_path, workers=2)


def test_asset_errors_survive_pickling() -> None:
    import pickle

    from wavyte_core.errors import CompositionError

    for exc in (AssetError("a.png", "gone"), CompositionError("tracks[0]", "bad")):
        back = pickle.loads(pickle.dumps(exc))
        assert type(back) is type(exc) and str(back) == str(exc) and back.args == exc.args


def test_pool_without_sound_decodes_nothing_here(tmp_path: Path) -> None:
    comp = _media_comp(tmp_path)
    with Job(comp, assets_root=tmp_path, workers=2, audio=False) as job:
        assert job.assets is not None
        items = dict(zip(job.assets.keys, job.assets.items, strict=True))
        assert isinstance(items["tone"], AudioPcm) and len(items["tone"].samples) == 0
        assert items["v"] == Deferred(True, None) and job.decoder is None
