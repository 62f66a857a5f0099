"""Animated images (GIF, APNG, animated WebP) as Video sources, and looping video.

Media is made here: animations with OpenCV's ``imwriteanimation`` (mixed per-frame delays,
one colour per frame), videos with PyAV (each frame carries its index in two flat halves).
Every rendered frame is identified and compared with the frame its time must show.
"""

from __future__ import annotations

import bisect
import json
import math
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

import wavyte_core as wv
from wavyte_core.errors import AssetError
from wavyte_core.format.dump import composition_to_json as dumps_composition
from wavyte_core.plugin.animation import AnimatedImageSession, sniff_animation
from wavyte_core.timeline.evaluate import Evaluator, loop_period, looped_source_time

W, H = 32, 16
DELAYS_MS = [10, 70, 40, 200, 30]  # mixed: 10 ms and 70 ms frames side by side
#: frame i is drawn in red level RED[i] (distinct after GIF quantisation)
RED = [20, 80, 140, 200, 250]
DECODERS = ["pyav", "opencv"]


def _write_animation(path: Path, alpha: bool = False) -> Path:
    frames = []
    for i, r in enumerate(RED):
        f = np.zeros((H, W, 4), np.uint8)
        f[..., 2] = r
        f[..., 3] = 255
        if alpha and i == 1:
            f[: H // 2, :, 3] = 0  # top half transparent in frame 1
        frames.append(f)
    anim = cv2.Animation()
    anim.frames = frames
    anim.durations = DELAYS_MS
    anim.loop_count = 0
    params = [cv2.IMWRITE_WEBP_QUALITY, 101] if path.suffix == ".webp" else []
    assert cv2.imwriteanimation(str(path), anim, params)
    return path


def _frame_showing(t: float) -> int:
    starts = np.cumsum([0, *DELAYS_MS[:-1]]) / 1000.0
    return max(bisect.bisect_right(list(starts), t + 1e-6) - 1, 0)


def _red_index(px: np.ndarray) -> int:
    return int(np.argmin([abs(int(px[2]) - r) for r in RED]))


def _comp(source: str, fps: int, duration: int, *, loop: bool = False, **media) -> dict:
    return {
        "fps": {"num": fps, "den": 1},
        "canvas": {"width": W, "height": H},
        "duration": duration,
        "assets": {"v": {"Video": {"source": source, "loop": loop, **media}}},
        "tracks": [{"name": "t", "z_base": 0, "clips": [_clip(duration)]}],
        "seed": 0,
    }


def _clip(duration: int) -> dict:
    """A clip with the 0.2 format's required fields, at the origin, opaque."""
    ident = {
        "translate": {"x": 0.0, "y": 0.0},
        "rotation_rad": 0.0,
        "scale": {"x": 1.0, "y": 1.0},
        "anchor": {"x": 0.0, "y": 0.0},
    }
    hold = {"mode": "Hold", "default": None}
    return {
        "id": "c",
        "asset": "v",
        "range": {"start": 0, "end": duration},
        "props": {
            "transform": {
                "Keyframes": {"keys": [{"frame": 0, "value": ident, "ease": "Linear"}], **hold}
            },
            "opacity": {
                "Keyframes": {"keys": [{"frame": 0, "value": 1.0, "ease": "Linear"}], **hold}
            },
            "blend": "Normal",
        },
        "z_offset": 0,
        "effects": [],
        "transition_in": None,
        "transition_out": None,
    }


def _frames(comp: dict, root: Path, decoder: str, **kw) -> list[np.ndarray]:
    c = wv.load(json.dumps(comp))
    with wv.open_job(c, assets_root=root, decoder=decoder, **kw) as job:
        return [f for _, f in job.frames()]


@pytest.fixture(scope="module")
def anims(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("anim")
    for ext in ("gif", "png", "webp"):
        _write_animation(d / f"a.{ext}")
    _write_animation(d / "alpha.webp", alpha=True)
    _write_animation(d / "alpha.png", alpha=True)
    return d


# -- sniffing and sessions ----------------------------------------------------------------


def test_sniff_tells_animated_images_from_stills(anims: Path, tmp_path: Path) -> None:
    assert sniff_animation(anims / "a.gif") == "gif"
    assert sniff_animation(anims / "a.png") == "apng"
    assert sniff_animation(anims / "a.webp") == "webp"
    still = tmp_path / "still.png"
    cv2.imwrite(str(still), np.zeros((4, 4, 3), np.uint8))
    assert sniff_animation(still) is None
    still_webp = tmp_path / "still.webp"
    cv2.imwrite(str(still_webp), np.zeros((4, 4, 3), np.uint8))
    assert sniff_animation(still_webp) is None


@pytest.mark.parametrize("ext", ["gif", "png", "webp"])
@pytest.mark.parametrize("decoder", DECODERS)
def test_each_frame_shows_for_its_own_delay(anims: Path, ext: str, decoder: str) -> None:
    """At 1000 fps every millisecond is a frame: each source frame must show exactly
    during its own delay (10 ms next to 70 ms), then the last one holds."""
    total = sum(DELAYS_MS)
    frames = _frames(_comp(f"a.{ext}", 1000, total + 20), anims, decoder)
    got = [_red_index(f[H - 1, 0]) for f in frames]
    want = [_frame_showing(i / 1000) for i in range(total + 20)]
    assert got == want


@pytest.mark.parametrize("decoder", DECODERS)
def test_animated_webp_and_apng_keep_alpha_premultiplied(anims: Path, decoder: str) -> None:
    for name in ("alpha.webp", "alpha.png"):
        frames = _frames(_comp(name, 100, 10), anims, decoder, background=None)
        f = frames[2]  # t = 20 ms: frame 1, top half transparent
        assert _red_index(f[H - 1, 0]) == 1
        assert f[0, 0].tolist() == [0, 0, 0, 0]  # transparent over the (transparent) canvas


@pytest.mark.parametrize("decoder", DECODERS)
def test_session_duration_includes_the_last_delay(anims: Path, decoder: str) -> None:
    from wavyte_core.plugin.registry import default_registry

    dec = default_registry().create("decoder", decoder)
    for ext in ("gif", "png", "webp"):
        with dec.open_video(anims / f"a.{ext}") as s:
            assert s.duration == pytest.approx(sum(DELAYS_MS) / 1000, abs=1e-6), ext


def test_in_memory_session_never_decodes_per_frame(anims: Path) -> None:
    s = AnimatedImageSession.open(anims / "a.webp")
    for t in np.linspace(0, 1, 50):
        s.frame_at(float(t))
    assert (s.opens, s.seeks, s.decoded) == (1, 0, len(DELAYS_MS))


# -- looping ------------------------------------------------------------------------------


@pytest.mark.parametrize("ext", ["gif", "webp"])
@pytest.mark.parametrize("decoder", DECODERS)
def test_looping_animation_repeats_frame_exact(anims: Path, ext: str, decoder: str) -> None:
    total = sum(DELAYS_MS)  # 350 ms
    n = 3 * total + 17
    frames = _frames(_comp(f"a.{ext}", 1000, n, loop=True), anims, decoder)
    got = [_red_index(f[H - 1, 0]) for f in frames]
    assert got == [_frame_showing((i % total) / 1000) for i in range(n)]


def _index_frame(i: int, w: int = 64, h: int = 48) -> np.ndarray:
    rgb = np.empty((h, w, 3), dtype=np.uint8)
    rgb[:, : w // 2] = 16 + 32 * (i // 8)
    rgb[:, w // 2 :] = 16 + 32 * (i % 8)
    return rgb


def _index_of(bgra: np.ndarray) -> int:
    h, w = bgra.shape[:2]
    hi = round((int(bgra[h // 2, w // 4, 1]) - 16) / 32)
    lo = round((int(bgra[h // 2, 3 * w // 4, 1]) - 16) / 32)
    return hi * 8 + lo


def _write_index_clip(path: Path, fps: int, n: int, tone: bool = False) -> Path:
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        s.options = {"g": "6"}
        a = c.add_stream("aac", rate=48000, layout="stereo") if tone else None
        for i in range(n):
            c.mux(s.encode(av.VideoFrame.from_ndarray(_index_frame(i), format="rgb24")))
        c.mux(s.encode(None))
        if a is not None:
            # a ramp: the level says where in the source a sample comes from
            total = n * 48000 // fps
            ramp = np.linspace(-0.8, 0.8, total, dtype=np.float32)
            for i in range(0, total, 1024):
                chunk = np.ascontiguousarray(np.stack([ramp[i : i + 1024]] * 2))
                fr = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
                fr.sample_rate, fr.pts, fr.time_base = 48000, i, Fraction(1, 48000)
                c.mux(a.encode(fr))
            c.mux(a.encode(None))
    return path


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_index_clip(tmp_path_factory.mktemp("loop") / "c.mp4", 24, 18, tone=True)


def _index_comp(duration: int, **media) -> dict:
    comp = _comp("c.mp4", 24, duration, loop=True, **media)
    comp["canvas"] = {"width": 64, "height": 48}
    return comp


@pytest.mark.parametrize("decoder", DECODERS)
def test_looping_video_is_frame_exact_across_the_loop_point(clip: Path, decoder: str) -> None:
    frames = _frames(_index_comp(60), clip.parent, decoder)
    assert [_index_of(f) for f in frames] == [i % 18 for i in range(60)]


@pytest.mark.parametrize("decoder", DECODERS)
def test_looping_a_trimmed_range(clip: Path, decoder: str) -> None:
    # source frames 4..11 (trim 4/24 s .. 12/24 s) repeat
    comp = _index_comp(30, trim_start_sec=4 / 24, trim_end_sec=12 / 24)
    frames = _frames(comp, clip.parent, decoder)
    assert [_index_of(f) for f in frames] == [4 + i % 8 for i in range(30)]


def test_a_loop_seeks_once_per_lap_and_never_reopens(clip: Path) -> None:
    c = wv.load(json.dumps(_index_comp(90)))
    with wv.open_job(c, assets_root=clip.parent, decoder="pyav") as job:
        for _ in job.frames(copy=False):
            pass
        (session,) = [it.session for it in job.assets.items if hasattr(it, "session")]
        laps = 90 // 18
        assert session.opens == 1
        assert session.seeks <= laps - 1 + 1  # one seek back per wrap (the last lap ends early)
        assert session.decoded <= 90 + 6 * laps  # forward decoding only, GOP 6 after each seek


def test_worker_pool_loops_like_one_process(clip: Path) -> None:
    c = wv.load(json.dumps(_index_comp(40)))
    with wv.open_job(c, assets_root=clip.parent, workers=2) as job:
        got = [_index_of(f) for _, f in job.frames()]
    assert got == [i % 18 for i in range(40)]


def test_the_sound_of_a_looping_video_repeats(clip: Path) -> None:
    c = wv.load(json.dumps(_index_comp(54)))
    with wv.open_job(c, assets_root=clip.parent) as job:
        from wavyte_core.run.frames import mixed_audio

        pcm = mixed_audio(job, 0, 54)
    assert pcm is not None
    lap = 18 * 48000 // 24  # 36000 samples per lap
    first, second = pcm[100 : lap - 100], pcm[lap + 100 : 2 * lap - 100]
    assert np.abs(first).max() > 0.1  # the ramp is audible
    np.testing.assert_allclose(first, second, atol=1e-6)
    np.testing.assert_allclose(pcm[2 * lap + 100 : 3 * lap - 100], first, atol=1e-6)


def test_loop_arithmetic_lands_on_the_loop_point() -> None:
    # 60 frames at 30 fps of a 2 s loop: frame 60 must show the loop's first frame,
    # although 60·(1/30) is 1.9999999999999998 in floats
    assert looped_source_time(0.0, 60 * 1 / 30, 2.0) == 0.0
    assert looped_source_time(0.5, 60 * 1 / 30, 2.0) == 0.5
    assert looped_source_time(0.0, 2.5, 2.0) == pytest.approx(0.5)
    assert looped_source_time(0.0, 0.0, 2.0) == 0.0


def test_loop_period_rules() -> None:
    from wavyte_core.format.model import VideoAsset

    assert loop_period(VideoAsset("v.mp4"), 3.0) is None  # not looping
    assert loop_period(VideoAsset("v.mp4", loop=True), 3.0) == 3.0
    assert loop_period(VideoAsset("v.mp4", loop=True, trim_start_sec=1.0), 3.0) == 2.0
    assert loop_period(VideoAsset("v.mp4", loop=True, trim_end_sec=2.5), None) == 2.5
    assert loop_period(VideoAsset("v.mp4", loop=True), None) is None  # unknown: play once
    assert loop_period(VideoAsset("v.mp4", loop=True, trim_start_sec=4.0), 3.0) is None


def test_eval_wraps_a_loop_whose_trim_end_is_known() -> None:
    comp = wv.load(json.dumps(_index_comp(30, trim_end_sec=0.5)))
    ev = Evaluator(comp)
    times = [ev.evaluate(f).nodes[0].source_time_s for f in (0, 11, 12, 13, 25)]
    assert times == pytest.approx([0.0, 11 / 24, 0.0, 1 / 24, 1 / 24])


# -- the format -----------------------------------------------------------------------


def test_loop_round_trips_and_is_omitted_at_its_default() -> None:
    looped = wv.load(json.dumps(_index_comp(10)))
    assert looped.assets["v"].loop is True
    text = dumps_composition(looped)
    assert json.loads(text)["assets"]["v"]["Video"]["loop"] is True
    assert wv.load(text).assets["v"].loop is True
    plain = _index_comp(10)
    del plain["assets"]["v"]["Video"]["loop"]
    assert '"loop"' not in dumps_composition(wv.load(json.dumps(plain)))


def test_loop_must_be_a_boolean() -> None:
    comp = _index_comp(10)
    comp["assets"]["v"]["Video"]["loop"] = "yes"
    with pytest.raises(wv.CompositionError, match=r"assets\.v\.Video\.loop"):
        wv.load(json.dumps(comp))


def test_builder_makes_a_looping_video() -> None:
    from wavyte_core.format.builder import CompositionBuilder

    b = CompositionBuilder(fps=24, width=64, height=48, duration=10)
    b.video("v", "c.mp4", loop=True)
    assert b.build().assets["v"].loop is True


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("decoder", DECODERS)
def test_a_truncated_animation_is_an_error_naming_the_file(
    anims: Path, tmp_path: Path, decoder: str
) -> None:
    for ext in ("gif", "webp"):
        data = (anims / f"a.{ext}").read_bytes()
        bad = tmp_path / f"bad.{ext}"
        bad.write_bytes(data[: len(data) // 3])
        with pytest.raises(AssetError, match=f"bad.{ext}"):
            _frames(_comp(f"bad.{ext}", 100, 5), tmp_path, decoder)


def test_cli_refuses_a_broken_webp_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "x.webp").write_bytes(
        b"RIFF\x20\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x02" + b"\0" * 20
    )
    (tmp_path / "c.json").write_text(json.dumps(_comp("x.webp", 10, 5)))
    out = tmp_path / "o.mp4"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "wavyte_core.cli.main",
            "render",
            str(tmp_path / "c.json"),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2, r.stderr
    assert "x.webp" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == sorted(["x.webp", "c.json"]) or set(
        p.name for p in tmp_path.iterdir()
    ) == {"x.webp", "c.json"}


def test_math_floor_guard() -> None:
    assert math.isclose(looped_source_time(0.0, 4.0000000001, 2.0), 0.0, abs_tol=1e-6)


# -- audio-reactive values ------------------------------------------------------------------


def _write_loud_quiet(path: Path, spans: list[tuple[float, float]]) -> Path:
    """A 440 Hz tone whose amplitude is ``a`` during each ``(seconds, a)`` span (WAV, PCM)."""
    pcm = np.concatenate(
        [a * np.sin(2 * np.pi * 440 * np.arange(int(s * 48000)) / 48000) for s, a in spans]
    ).astype(np.float32)
    with av.open(str(path), "w", format="wav") as c:
        s = c.add_stream("pcm_s16le", rate=48000, layout="stereo")
        for i in range(0, len(pcm), 4800):
            chunk = np.ascontiguousarray(np.stack([pcm[i : i + 4800]] * 2))
            fr = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
            fr.sample_rate, fr.pts, fr.time_base = 48000, i, Fraction(1, 48000)
            c.mux(s.encode(fr))
        c.mux(s.encode(None))
    return path


def _level_comp(duration: int, level: dict, placed: bool = True) -> dict:
    comp = _comp("v.mp4", 10, duration)
    comp["assets"] = {
        "m": {"Audio": {"source": "music.wav", "muted": True}},
        "dot": {"Path": {"svg_path_d": "M0 0 H32 V16 H0 Z"}},
    }
    dot = _clip(duration)
    dot["asset"] = "dot"
    dot["props"]["opacity"] = {
        "Procedural": {"kind": {"kind": "Scalar", "params": {"AudioLevel": level}}}
    }
    clips = [dot]
    if placed:
        music = _clip(duration)
        music["id"], music["asset"] = "music", "m"
        clips.append(music)
    comp["tracks"][0]["clips"] = clips
    return comp


def test_audio_level_follows_loud_and_quiet_passages(tmp_path: Path) -> None:
    """1 s at full scale, 1 s at −20 dBFS (amplitude 0.1), 1 s of silence: the level is
    1, 2/3 and 0 (dBFS −60..0 → 0..1), whether the stem is placed or not, muted or not."""
    _write_loud_quiet(tmp_path / "music.wav", [(1.0, 1.0), (1.0, 0.1), (1.0, 0.0)])
    for placed in (True, False):
        comp = wv.load(json.dumps(_level_comp(30, {"asset": "m", "smoothing": 0.0}, placed)))
        with wv.open_job(comp, assets_root=tmp_path, background=None) as job:
            levels = [job.evaluate(f).nodes[0].opacity for f in range(30)]
        assert levels[2:8] == pytest.approx([1.0] * 6, abs=0.01)
        assert levels[12:18] == pytest.approx([2 / 3] * 6, abs=0.01)
        assert levels[22:30] == pytest.approx([0.0] * 8, abs=1e-9)


def test_audio_level_band_gain_offset_and_smoothing(tmp_path: Path) -> None:
    _write_loud_quiet(tmp_path / "music.wav", [(1.0, 1.0), (2.0, 0.0)])
    spec = {"asset": "m", "smoothing": 0.5, "gain": 0.5, "offset": 0.25, "band_hz": [20, 200]}
    comp = wv.load(json.dumps(_level_comp(30, spec)))
    with wv.open_job(comp, assets_root=tmp_path) as job:
        vals = [job.evaluate(f).nodes[0].opacity for f in range(30)]
    # 440 Hz lies outside 20–200 Hz: the band hears (almost) nothing
    assert max(vals) < 0.25 + 0.5 * 0.35
    spec["band_hz"] = [300, 600]
    comp = wv.load(json.dumps(_level_comp(30, spec)))
    with wv.open_job(comp, assets_root=tmp_path) as job:
        vals = [job.evaluate(f).nodes[0].opacity for f in range(30)]
    # in band: rises towards 0.25 + 0.5·1 with one-pole smoothing 0.5 (0.5, 0.75, 0.875…)
    assert vals[0] == pytest.approx(0.25 + 0.5 * 0.5 * vals_level0(tmp_path), abs=0.02)
    assert vals[5] == pytest.approx(0.75, abs=0.02)
    assert vals[25] == pytest.approx(0.25, abs=0.01)  # decayed back in the silence


def vals_level0(tmp_path: Path) -> float:
    """Frame 0's raw level: its window is half silence (before the sound), so RMS halves."""
    from wavyte_core.assets.levels import dbfs_to_level

    return dbfs_to_level(20 * math.log10(math.sqrt(2) * math.sqrt(0.5 * 0.5)))


def test_audio_level_is_the_same_in_a_worker_pool(tmp_path: Path) -> None:
    _write_loud_quiet(tmp_path / "music.wav", [(0.5, 1.0), (0.5, 0.05), (1.0, 0.5)])
    comp = wv.load(json.dumps(_level_comp(20, {"asset": "m"})))
    with wv.open_job(comp, assets_root=tmp_path) as job:
        one = [f for _, f in job.frames()]
    with wv.open_job(comp, assets_root=tmp_path, workers=2) as job:
        two = [f for _, f in job.frames()]
    assert len({f.tobytes() for f in one}) > 3  # the dot's opacity changes
    for a, b in zip(one, two, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("level", "path", "rule"),
    [
        ({"asset": "nope"}, "AudioLevel.asset", "unknown asset 'nope'"),
        ({"asset": "dot"}, "AudioLevel.asset", "has no sound"),
        ({"asset": "m", "window_sec": 0}, "AudioLevel.window_sec", "> 0"),
        ({"asset": "m", "smoothing": 1.0}, "AudioLevel.smoothing", r"\[0, 1\)"),
        ({"asset": "m", "band_hz": [500, 100]}, "AudioLevel.band_hz", "low < high"),
        ({"asset": "m", "band_hz": [1]}, "AudioLevel.band_hz", "expected"),
        ({"asset": "m", "gian": 2}, "AudioLevel.gian", "unknown field"),
    ],
)
def test_bad_audio_levels_are_refused_with_their_path(level: dict, path: str, rule: str) -> None:
    with pytest.raises(wv.CompositionError, match=rf"{path}.*{rule}|{path}: .*{rule}"):
        wv.load(json.dumps(_level_comp(10, level)))


def test_audio_level_round_trips_with_defaults_omitted() -> None:
    comp = wv.load(json.dumps(_level_comp(10, {"asset": "m", "gain": 2.0})))
    text = dumps_composition(comp)
    lvl = json.loads(text)["tracks"][0]["clips"][0]["props"]["opacity"]["Procedural"]
    assert lvl["kind"]["params"] == {"AudioLevel": {"asset": "m", "gain": 2.0}}
    assert wv.load(text) == comp


def test_wavyte_eval_shows_audio_levels_and_loops(tmp_path: Path, clip: Path) -> None:
    _write_loud_quiet(tmp_path / "music.wav", [(1.0, 1.0), (1.0, 0.0)])
    (tmp_path / "c.json").write_text(json.dumps(_level_comp(20, {"asset": "m", "smoothing": 0})))

    def opacity_at(frame: int) -> float:
        cmd = [sys.executable, "-m", "wavyte_core.cli.main", "eval", str(tmp_path / "c.json")]
        r = subprocess.run([*cmd, "-f", str(frame)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)["nodes"][0]["opacity"]

    assert opacity_at(5) == pytest.approx(1.0, abs=0.01)  # loud
    assert opacity_at(15) == 0.0  # silent


def test_audio_level_drives_effect_params_and_shapes(tmp_path: Path) -> None:
    """Not only opacity: a shape's width and an effect's param follow the sound too, read
    at the clip's own timeline frames (the shape's clip starts at frame 10)."""
    _write_loud_quiet(tmp_path / "music.wav", [(1.0, 0.0), (1.0, 1.0), (1.0, 0.0)])
    params = {"asset": "m", "smoothing": 0.0, "gain": 20.0, "offset": 1.0}
    level = {"Procedural": {"kind": {"kind": "Scalar", "params": {"AudioLevel": params}}}}
    comp = _level_comp(30, {"asset": "m", "smoothing": 0.0})
    comp["assets"]["bar"] = {"Shape": {"geometry": {"Rect": {"width": level, "height": 4}}}}
    bar = _clip(30)
    bar["id"], bar["asset"] = "bar", "bar"
    bar["range"] = {"start": 10, "end": 30}
    bar["effects"] = [{"kind": "fx.outline", "params": {"width": level}}]
    comp["tracks"][0]["clips"] = [bar, comp["tracks"][0]["clips"][1]]  # the bar, the music
    c = wv.load(json.dumps(comp))
    with wv.open_job(c, assets_root=tmp_path, background=None) as job:

        def bar_node(frame: int):  # noqa: ANN202
            return next(n for n in job.evaluate(frame).nodes if n.clip == 0)

        loud, quiet = bar_node(15), bar_node(25)  # timeline 1.5 s and 2.5 s
        assert loud.fx != quiet.fx  # the outline width follows the sound
        assert loud.state != quiet.state  # so does the shape's width
        job_frames = {f: job.frame(f) for f in (15, 25)}
    # without the outline's reach the bar's own width is offset + 20·level: 21 px, 1 px
    widths = {f: int((fr[12:14, :, 3] > 0).any(axis=0).sum()) for f, fr in job_frames.items()}
    assert widths[15] > widths[25] + 15


# -- the Waveform asset ---------------------------------------------------------------------


def _waveform_comp(duration: int, wave: dict, start: int = 0) -> dict:
    comp = _level_comp(duration, {"asset": "m"})
    comp["canvas"] = {"width": 160, "height": 40}
    comp["assets"] = {"m": comp["assets"]["m"], "w": {"Waveform": wave}}
    clip = _clip(duration - start)
    clip["id"], clip["asset"] = "w", "w"
    clip["range"] = {"start": start, "end": duration}
    music = _clip(duration)
    music["id"], music["asset"] = "music", "m"
    comp["tracks"][0]["clips"] = [clip, music]
    return comp


def _bar_heights(frame: np.ndarray, bars: int) -> list[int]:
    slot = frame.shape[1] // bars
    return [int((frame[:, i * slot + slot // 2, 3] > 128).sum()) for i in range(bars)]


def test_waveform_bars_follow_the_band_of_the_sound(tmp_path: Path) -> None:
    """A 440 Hz tone for 1 s, then silence: at 8 log-spaced bands over 20–8000 Hz only the
    band holding 440 Hz (and its window-leak neighbours) rises, to nearly full height."""
    _write_loud_quiet(tmp_path / "music.wav", [(1.0, 1.0), (1.0, 0.0)])
    wave = {"audio": "m", "width": 160, "height": 40, "bars": 8, "gap": 4, "smoothing": 0.0,
            "fill": {"Solid": "#ffffff"}}  # fmt: skip
    comp = wv.load(json.dumps(_waveform_comp(20, wave)))
    with wv.open_job(comp, assets_root=tmp_path, background=None) as job:
        loud, silent = job.frame(5), job.frame(15)
    heights = _bar_heights(loud, 8)
    band = int(np.searchsorted(np.geomspace(20, 8000, 9), 440)) - 1  # band 4
    assert heights[band] >= 36 and heights.index(max(heights)) == band
    assert heights[0] == 0 and heights[7] < heights[band] // 2
    assert silent[..., 3].max() == 0  # silence draws nothing


@pytest.mark.parametrize("style", ["Mirror", "Line"])
def test_waveform_mirror_and_line_are_symmetric(tmp_path: Path, style: str) -> None:
    _write_loud_quiet(tmp_path / "music.wav", [(1.0, 0.5)])
    wave = {"audio": "m", "width": 160, "height": 40, "bars": 16, "style": style, "smoothing": 0}
    comp = wv.load(json.dumps(_waveform_comp(10, wave)))
    with wv.open_job(comp, assets_root=tmp_path, background=None) as job:
        a = job.frame(5)[..., 3].astype(int)
    assert a.max() > 0
    assert np.abs(a - a[::-1]).max() <= 2  # mirrored about the middle line


def test_waveform_reads_the_timeline_frame_of_a_late_clip(tmp_path: Path) -> None:
    """A waveform clip starting at frame 10 shows the sound at timeline frames: silent
    for 1 s then loud, so its first frames are loud."""
    _write_loud_quiet(tmp_path / "music.wav", [(1.0, 0.0), (1.0, 1.0)])
    wave = {"audio": "m", "width": 160, "height": 40, "bars": 8, "smoothing": 0.0}
    comp = wv.load(json.dumps(_waveform_comp(20, wave, start=10)))
    with wv.open_job(comp, assets_root=tmp_path, background=None) as job:
        assert job.frame(12)[..., 3].max() > 0
        assert job.frame(5)[..., 3].max() == 0  # before the clip: nothing


@pytest.mark.parametrize(
    ("wave", "path", "rule"),
    [
        ({"audio": "m", "width": 10}, "Waveform", "missing field 'height'"),
        ({"audio": "m", "width": 10, "height": 5, "bars": 0}, "Waveform.bars", "1..1024"),
        ({"audio": "m", "width": 10, "height": 5, "style": "Dots"}, "Waveform.style", "Bars"),
        ({"audio": "m", "width": 10, "height": 5, "band_hz": [900, 20]}, "Waveform.band_hz", "low"),
        ({"audio": "m", "width": 10, "height": 5, "colour": 1}, "Waveform.colour", "unknown field"),
    ],
)
def test_bad_waveforms_are_refused_with_their_path(wave: dict, path: str, rule: str) -> None:
    with pytest.raises(wv.CompositionError, match=rf"{path}.*{rule}"):
        wv.load(json.dumps(_waveform_comp(10, wave)))


def test_a_waveform_of_a_silent_asset_names_it(tmp_path: Path) -> None:
    wave = {"audio": "nope", "width": 10, "height": 5}
    _write_loud_quiet(tmp_path / "music.wav", [(0.5, 0.5)])
    with pytest.raises(wv.WavyteError, match="nope"):
        comp = wv.load(json.dumps(_waveform_comp(10, wave)))
        wv.open_job(comp, assets_root=tmp_path).close()


def test_the_audiogram_example_is_current_and_renders() -> None:
    """examples/audiogram.json is what examples/audiogram.py builds, and it renders: the
    waveform moves with the voice and the captions show the transcript's words."""
    import importlib.util

    root = Path(__file__).resolve().parents[1] / "examples"
    spec = importlib.util.spec_from_file_location("audiogram", root / "audiogram.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    assert (root / "audiogram.json").read_text() == mod.build() + "\n"
    comp = wv.load(root / "audiogram.json")
    assert (comp.canvas.width, comp.canvas.height) == (1080, 1080)
    with wv.open_job(comp, assets_root=root) as job:
        a, b = job.frame(200), job.frame(205)
    wave = (slice(600, 750), slice(90, 990))
    assert not np.array_equal(a[wave], b[wave])  # the waveform follows the sound
