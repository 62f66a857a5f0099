"""Nested compositions: a composition file drawn as a clip's layer in another.

Children are written by the tests: a 'card' whose one Path clip moves one pixel per frame
(so the child frame shown can be read off the pixels), static children, children in
sub-folders with their own assets, cycles and too-deep chains.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import wavyte_core as wv

W, H = 40, 20


def _clip(cid: str, asset: str, start: int, end: int, x: float = 0.0, moving: bool = False) -> dict:
    def tf(v: float) -> dict:
        return {"translate": {"x": v, "y": 0.0}, "rotation_rad": 0.0,
                "scale": {"x": 1.0, "y": 1.0}, "anchor": {"x": 0.0, "y": 0.0}}  # fmt: skip

    keys = [{"frame": 0, "value": tf(x), "ease": "Linear"}]
    if moving:  # one pixel per frame, from x at frame 0
        keys.append({"frame": 100, "value": tf(x + 100), "ease": "Linear"})
    return {
        "id": cid, "asset": asset, "range": {"start": start, "end": end},
        "props": {"transform": {"Keyframes": {"keys": keys, "mode": "Linear", "default": None}},
                  "opacity": {"Keyframes": {"keys": [{"frame": 0, "value": 1.0, "ease": "Linear"}],
                                            "mode": "Hold", "default": None}},
                  "blend": "Normal"},
        "z_offset": 0, "effects": [], "transition_in": None, "transition_out": None,
    }  # fmt: skip


def _comp(assets: dict, clips: list, duration: int, fps: int = 10, size=(W, H)) -> dict:
    return {"fps": {"num": fps, "den": 1}, "canvas": {"width": size[0], "height": size[1]},
            "duration": duration, "assets": assets,
            "tracks": [{"name": "t", "z_base": 0, "clips": clips}], "seed": 0}  # fmt: skip


def _card(duration: int = 20, fps: int = 10) -> dict:
    """A 1 px wide white bar at x = child frame (a 'card' whose frame can be read)."""
    return _comp({"bar": {"Path": {"svg_path_d": "M0 0 H1 V20 H0 Z"}}},
                 [_clip("bar", "bar", 0, duration, moving=True)], duration, fps)  # fmt: skip


def _parent(child: str, duration: int, start: int = 0, x: float = 0.0, **nested) -> dict:
    return _comp({"kid": {"Composition": {"source": child, **nested}}},
                 [_clip("kid", "kid", start, duration, x=x)], duration)  # fmt: skip


def _bar_x(frame: np.ndarray) -> int | None:
    cols = np.nonzero(frame[10, :, 3] > 128)[0]
    return int(cols[0]) if len(cols) else None


def _render(comp: dict, root: Path, frames, **kw) -> list[np.ndarray]:
    c = wv.load(json.dumps(comp))
    with wv.open_job(c, assets_root=root, background=None, **kw) as job:
        return [job.frame(f) for f in frames]


def test_the_child_frame_is_the_clip_local_frame_plus_trim(tmp_path: Path) -> None:
    (tmp_path / "card.json").write_text(json.dumps(_card()))
    got = _render(_parent("card.json", 30, start=5, x=3), tmp_path, range(30))
    # before the clip nothing; then child frame f - 5 at x = 3 + (f - 5); past 20 frames, nothing
    want = [None] * 5 + [3 + i for i in range(20)] + [None] * 5
    assert [_bar_x(f) for f in got] == want
    got = _render(_parent("card.json", 10, trim_start_frames=7), tmp_path, range(10))
    assert [_bar_x(f) for f in got] == [7 + i for i in range(10)]


def test_a_looping_child_repeats_from_its_trim(tmp_path: Path) -> None:
    (tmp_path / "card.json").write_text(json.dumps(_card(duration=6)))
    got = _render(_parent("card.json", 14, loop=True, trim_start_frames=2), tmp_path, range(14))
    assert [_bar_x(f) for f in got] == [2 + i % 4 for i in range(14)]


def test_a_child_at_another_frame_rate_is_sampled_by_time(tmp_path: Path) -> None:
    (tmp_path / "card.json").write_text(json.dumps(_card(duration=40, fps=20)))
    got = _render(_parent("card.json", 10), tmp_path, range(10))  # parent at 10 fps
    assert [_bar_x(f) for f in got] == [2 * i for i in range(10)]


def test_the_child_draws_exactly_as_it_renders_alone(tmp_path: Path) -> None:
    """Pixels of the nested layer equal the child's own render (transparent background),
    on every frame: nothing is resampled at an identity transform."""
    child = _card()
    child["assets"]["dot"] = {"Path": {"svg_path_d": "M10 5 C14 5 14 12 10 12 C6 12 6 5 10 5 Z"}}
    child["tracks"][0]["clips"].append(_clip("dot", "dot", 3, 15, x=1.5))
    (tmp_path / "card.json").write_text(json.dumps(child))
    nested = _render(_parent("card.json", 20), tmp_path, range(20))
    alone = _render(child, tmp_path, range(20))
    for a, b in zip(nested, alone, strict=True):
        np.testing.assert_array_equal(a, b)


def test_assets_resolve_beside_the_child(tmp_path: Path) -> None:
    (tmp_path / "parts" / "img").mkdir(parents=True)
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[..., 0] = 255
    rgba[..., 3] = 255
    import av

    with av.open(str(tmp_path / "parts" / "img" / "red.png"), "w", format="image2") as c:
        s = c.add_stream("png", rate=1)
        s.width, s.height, s.pix_fmt = 4, 4, "rgba"
        c.mux(s.encode(av.VideoFrame.from_ndarray(rgba, format="rgba")))
        c.mux(s.encode(None))
    child = _comp({"red": {"Image": {"source": "img/red.png"}}}, [_clip("r", "red", 0, 5)], 5)
    (tmp_path / "parts" / "child.json").write_text(json.dumps(child))
    (f,) = _render(_parent("parts/child.json", 5), tmp_path, [2])
    assert f[1, 1].tolist() == [0, 0, 255, 255]  # BGRA red, from parts/img/red.png


def test_a_static_child_is_drawn_once(tmp_path: Path) -> None:
    static = _comp(
        {"bar": {"Path": {"svg_path_d": "M0 0 H5 V5 H0 Z"}}}, [_clip("b", "bar", 0, 50)], 50
    )
    (tmp_path / "still.json").write_text(json.dumps(static))
    c = wv.load(json.dumps(_parent("still.json", 50)))
    with wv.open_job(c, assets_root=tmp_path) as job:
        for _ in job.frames(copy=False):
            pass
        (kind,) = [it.kind for it in job.assets.items if hasattr(it, "kind")]
        child_stats = kind.job.renderer.stats
        assert child_stats.frames <= 1  # the child job drew its frame once


def test_one_child_used_by_two_clips_is_prepared_once(tmp_path: Path) -> None:
    (tmp_path / "card.json").write_text(json.dumps(_card()))
    comp = _parent("card.json", 10)
    comp["tracks"][0]["clips"].append(_clip("kid2", "kid", 0, 10, x=20))
    c = wv.load(json.dumps(comp))
    with wv.open_job(c, assets_root=tmp_path, background=None) as job:
        kinds = [it.kind for it in job.assets.items if hasattr(it, "kind")]
        f = job.frame(3)
    assert len(kinds) == 1
    assert np.nonzero(f[10, :, 3] > 128)[0].tolist() == [3, 23]


def test_two_clips_of_one_child_at_different_frames(tmp_path: Path) -> None:
    """One child job serves both clips, rendering into one buffer (a volatile drawing):
    each clip shows its own child frame on every parent frame, also when the child's
    states come back (looping)."""
    (tmp_path / "card.json").write_text(json.dumps(_card(duration=4)))
    comp = _parent("card.json", 12, loop=True)
    comp["tracks"][0]["clips"].append(_clip("kid2", "kid", 2, 12, x=20))
    got = _render(comp, tmp_path, range(12))
    want = [[f % 4] + ([20 + (f - 2) % 4] if f >= 2 else []) for f in range(12)]
    assert [np.nonzero(f[10, :, 3] > 128)[0].tolist() for f in got] == want


def test_nesting_two_levels_and_a_worker_pool(tmp_path: Path) -> None:
    (tmp_path / "card.json").write_text(json.dumps(_card()))
    (tmp_path / "mid.json").write_text(json.dumps(_parent("card.json", 20, x=2)))
    top = _parent("mid.json", 12, x=1)
    one = _render(top, tmp_path, range(12))
    assert [_bar_x(f) for f in one] == [3 + i for i in range(12)]
    c = wv.load(json.dumps(top))
    with wv.open_job(c, assets_root=tmp_path, background=None, workers=2) as job:
        pooled = [f for _, f in job.frames()]
    for a, b in zip(one, pooled, strict=True):
        np.testing.assert_array_equal(a, b)


def test_cycles_and_depth_are_refused_with_the_chain(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(_parent("b.json", 5)))
    (tmp_path / "b.json").write_text(json.dumps(_parent("a.json", 5)))
    with pytest.raises(
        wv.CompositionError, match=r"include each other: .*a\.json → b\.json → a\.json"
    ):
        _render(_parent("a.json", 5), tmp_path, [0])
    for i in range(10):
        nxt = f"d{i + 1}.json" if i < 9 else "card.json"
        (tmp_path / f"d{i}.json").write_text(json.dumps(_parent(nxt, 5)))
    (tmp_path / "card.json").write_text(json.dumps(_card()))
    with pytest.raises(wv.CompositionError, match="nested deeper than 8"):
        _render(_parent("d0.json", 5), tmp_path, [0])


def test_a_broken_child_is_named(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"fps": {"num": 10, "den": 1}}')
    with pytest.raises(
        wv.CompositionError, match=r"assets\.kid\.Composition\.source: bad\.json: .*canvas"
    ):
        _render(_parent("bad.json", 5), tmp_path, [0])
    with pytest.raises(wv.WavyteError, match="missing.json"):
        _render(_parent("missing.json", 5), tmp_path, [0])


def test_bad_fields_are_refused_at_load(tmp_path: Path) -> None:
    for nested, rule in (
        ({"source": "x.json", "loop": "yes"}, r"Composition\.loop"),
        ({"source": "x.json", "trim_start_frames": -1}, r"Composition\.trim_start_frames"),
        ({"source": "x.json", "speed": 2}, r"Composition\.speed.*unknown field"),
    ):
        comp = _parent("x.json", 5)
        comp["assets"]["kid"]["Composition"] = nested
        with pytest.raises(wv.CompositionError, match=rule):
            wv.load(json.dumps(comp))


def test_cli_reports_a_cycle_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(_parent("a.json", 5)))
    out = tmp_path / "o.mp4"
    r = subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", "render", str(tmp_path / "a.json"), "-o", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert r.returncode == 2, r.stderr
    assert "include each other" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


def _tone_wav(path: Path, seconds: float, freq: float = 440.0) -> None:
    from fractions import Fraction

    import av

    n = int(seconds * 48000)
    pcm = (0.5 * np.sin(2 * np.pi * freq * np.arange(n) / 48000)).astype(np.float32)
    with av.open(str(path), "w", format="wav") as c:
        s = c.add_stream("pcm_s16le", rate=48000, layout="stereo")
        for i in range(0, n, 4800):
            fr = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(np.stack([pcm[i : i + 4800]] * 2)),
                format="fltp",
                layout="stereo",
            )
            fr.sample_rate, fr.pts, fr.time_base = 48000, i, Fraction(1, 48000)
            c.mux(s.encode(fr))
        c.mux(s.encode(None))


@pytest.mark.parametrize("workers", [1, 2])
def test_the_childs_sound_joins_the_parents_mix(tmp_path: Path, workers: int) -> None:
    """A child with 1 s of tone, placed from parent frame 5 (0.5 s) with trim 2 frames:
    the parent's mix is silent until 0.5 s, then the child's sound from its 0.2 s."""
    _tone_wav(tmp_path / "tone.wav", 1.0)
    child = _card(duration=10)
    child["assets"]["t"] = {"Audio": {"source": "tone.wav"}}
    child["tracks"][0]["clips"].append(_clip("t", "t", 0, 10))
    (tmp_path / "child.json").write_text(json.dumps(child))
    parent = wv.load(json.dumps(_parent("child.json", 15, start=5, trim_start_frames=2)))
    with wv.open_job(child_comp := wv.load(json.dumps(child)), assets_root=tmp_path) as job:
        from wavyte_core.run.frames import mixed_audio

        alone = mixed_audio(job, 0, 10)
    with wv.open_job(parent, assets_root=tmp_path, workers=workers) as job:
        mix = mixed_audio(job, 0, 15)
    assert child_comp.duration == 10 and alone is not None and mix is not None
    assert np.abs(mix[: 24000 - 10]).max() == 0.0  # before the clip
    # from 0.5 s: the child's mix from its 0.2 s (trim) to its end (1.0 s) = 0.8 s
    np.testing.assert_allclose(mix[24000 : 24000 + 38400], alone[9600:48000], atol=1e-6)
    assert np.abs(mix[24000 + 38400 + 10 :]).max() == 0.0  # the child ended


def test_segmented_render_mixes_the_childs_sound(tmp_path: Path) -> None:
    _tone_wav(tmp_path / "tone.wav", 1.0)
    child = _card(duration=10)
    child["assets"]["t"] = {"Audio": {"source": "tone.wav"}}
    child["tracks"][0]["clips"].append(_clip("t", "t", 0, 10))
    (tmp_path / "child.json").write_text(json.dumps(child))
    (tmp_path / "p.json").write_text(json.dumps(_parent("child.json", 10)))
    from wavyte_core.run.job import Backends
    from wavyte_core.run.segments import SegmentPlan, _mix_audio

    comp = wv.load(tmp_path / "p.json")
    mix = _mix_audio(comp, tmp_path, Backends(), None, SegmentPlan.make(0, 10, 5, segments=2))
    assert mix is not None and np.abs(mix).max() > 0.4


def test_the_builder_makes_nested_waveform_and_lottie_assets() -> None:
    from wavyte_core.format.builder import CompositionBuilder

    b = CompositionBuilder(width=W, height=H, fps=10, duration=5)
    b.composition("kid", "card.json", trim_start_frames=2, loop=True)
    b.waveform("wave", "m", 40, 10, bars=8, style="Mirror")
    b.lottie("lot", "a.json", loop=False)
    b.audio("m", "tone.wav")
    assets = b.build().assets
    assert assets["kid"].params == {"source": "card.json", "trim_start_frames": 2, "loop": True}
    assert assets["wave"].kind == "Waveform" and assets["wave"].params["bars"] == 8
    assert assets["lot"].params == {"source": "a.json", "loop": False}
