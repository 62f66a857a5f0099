"""Render-level decoding cases: index-pattern video on a timeline, through the whole engine.

Every output frame of `job.frames()` must show the source frame the format picks: the
source time of §3.6 (trim, playback rate, timeline rate), then the frame rule (the last
frame with pts <= t + eps; the last frame held past the end). Run with every installed
video decoder. Also: one open per file in a sequential render, two clips on one asset
without thrashing, and sample-exact audio over a long timeline of many short clips.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

import wavyte_core as wv
from wavyte_conformance.decoding.cases import expected_index, stored_times
from wavyte_conformance.decoding.media import Recipe, read_index, write
from wavyte_core.assets.audio import build_audio_manifest, frame_to_sample, mix_manifest
from wavyte_core.format.builder import CompositionBuilder
from wavyte_core.format.model import Transform2D, Vec2
from wavyte_core.plugin.registry import default_registry

W, H = 96, 64


def _video_decoders() -> list[str]:
    reg = default_registry()
    return [n for n in reg.available("decoder") if "video" in reg.roles["decoder"][n].capabilities]


DECODERS = _video_decoders()
SOURCE_RATES = {"24": Fraction(24), "30": Fraction(30), "30000_1001": Fraction(30000, 1001)}
# (source, timeline rate, playback rates, trim_start_sec, trim_end_sec)
SCENARIOS = [
    ("24", Fraction(30), (0.25, 0.5, 1.0, 2.0, 3.0), 0.0, None),
    ("30", Fraction(25), (0.5, 1.0, 2.0), 0.4, None),
    ("30000_1001", Fraction(30000, 1001), (1.0, 0.5, 3.0), 0.0, None),
    ("24", Fraction(24), (1.0, 2.0), 0.5, 1.5),  # trim_end holds the frame at 1.5 s
]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("render_src")
    out = {}
    for key, fps in SOURCE_RATES.items():
        r = Recipe(
            f"src{key}",
            "mp4",
            "libx264",
            "yuv420p",
            size=(W, H),
            fps=fps,
            frames=120,
            options=(("g", "12"), ("bframes", "3"), ("crf", "18")),
        )
        out[key] = write(r, d).path
    return out


def _source_time(
    local: int, fps: Fraction, trim_start: float, trim_end: float | None, rate: float
) -> float:
    """§3.6, with the same f64 operations as the evaluator."""
    src = trim_start + (float(local) * (fps.denominator / fps.numerator)) * rate
    if trim_end is not None:
        src = min(src, max(trim_end, trim_start))
    return max(src, 0.0)


def _comp(
    source: str,
    fps: Fraction,
    rates: tuple[float, ...],
    trim_start: float,
    trim_end: float | None,
    n: int,
):
    """One asset per playback rate, clips back to back, ``n`` frames each."""
    b = CompositionBuilder(width=W, height=H, fps=fps, duration=n * len(rates))
    t = b.track("video")
    for k, rate in enumerate(rates):
        fields = {"trim_start_sec": trim_start, "playback_rate": rate, "muted": True}
        if trim_end is not None:
            fields["trim_end_sec"] = trim_end
        key = b.video(f"v{k}", source, **fields)
        t.clip(f"c{k}", asset=key, start=k * n, end=(k + 1) * n)
    return b.build()


@pytest.mark.parametrize("decoder", DECODERS)
@pytest.mark.parametrize(
    "scenario", range(len(SCENARIOS)), ids=lambda i: f"{SCENARIOS[i][0]}to{SCENARIOS[i][1]}"
)
def test_every_output_frame_shows_the_expected_source_frame(
    decoder: str, scenario: int, sources: dict[str, Path]
) -> None:
    key, fps, rates, trim_start, trim_end = SCENARIOS[scenario]
    path = sources[key]
    times, eps = stored_times(path)
    n = 45
    comp = _comp(path.name, fps, rates, trim_start, trim_end, n)
    wrong = []
    with wv.open_job(comp, assets_root=path.parent, decoder=decoder) as job:
        for f, frame in job.frames(0, comp.duration):
            k, local = divmod(f, n)
            t = _source_time(local, fps, trim_start, trim_end, rates[k])
            want = expected_index(times, eps, t)
            got = read_index(frame)
            if got != want:
                wrong.append(
                    f"frame {f} (rate {rates[k]}, t={t:.5f}): shows {got}, expected {want}"
                )
        sessions = [item.session for item in job.assets.items]
    assert not wrong, "\n".join(wrong[:10])
    assert all(getattr(s, "opens", 1) == 1 for s in sessions)
    assert all(getattr(s, "seeks", 0) <= 1 for s in sessions)  # at most the trim's first jump


@pytest.mark.parametrize("decoder", DECODERS)
def test_a_sequential_render_opens_each_file_once(
    decoder: str, sources: dict[str, Path], tmp_path: Path
) -> None:
    path = sources["30"]
    b = CompositionBuilder(width=W, height=H, fps=30, duration=120)
    b.track("v").clip("c", asset=b.video("v", path.name, muted=True), start=0, end=120)
    comp = b.build()
    with wv.open_job(comp, assets_root=path.parent, decoder=decoder) as job:
        report = job.render(tmp_path / "out.mp4", preset="ultrafast")
        (item,) = job.assets.items
        assert (item.session.opens, item.session.seeks) == (1, 0)
        assert item.session.decoded <= 121
    assert report.frames == 120


@pytest.mark.parametrize("decoder", DECODERS)
def test_two_clips_on_one_asset_do_not_thrash(decoder: str, sources: dict[str, Path]) -> None:
    """Two clips show one file 3 s apart at the same time: each keeps its own playhead
    (a second session), instead of one session seeking back and forth every frame."""
    path = sources["30"]
    times, eps = stored_times(path)
    b = CompositionBuilder(width=W * 2, height=H, fps=30, duration=120)
    src = b.video("v", path.name, muted=True)
    b.track("left").clip("l", asset=src, start=0, end=120)
    b.track("right").clip(
        "r", asset=src, start=90, end=120, transform=Transform2D(translate=Vec2(W, 0))
    )
    comp = b.build()
    with wv.open_job(comp, assets_root=path.parent, decoder=decoder) as job:
        for f, frame in job.frames(0, 120):
            assert read_index(frame[:, :W]) == expected_index(times, eps, f / 30), f
            if f >= 90:
                assert read_index(frame[:, W:]) == expected_index(times, eps, (f - 90) / 30), f
        (item,) = job.assets.items
        shared = item.session
        assert shared.opens == 2, "one session per playhead"
        assert shared.seeks <= 2, f"{shared.seeks} seeks: the playheads thrash one session"


# -- audio ---------------------------------------------------------------------------------


def _write_av(path: Path, seconds: float, fps: int = 30, rate: int = 44100) -> Path:
    """A tiny H.264 + AAC clip (sine) of ``seconds``."""
    with av.open(str(path), "w") as c:
        v = c.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt = 32, 32, "yuv420p"
        v.options = {"preset": "ultrafast"}
        a = c.add_stream("aac", rate=rate, layout="mono")
        n = int(seconds * fps)
        for i in range(n):
            img = np.full((32, 32, 3), (i * 5) % 256, np.uint8)
            c.mux(v.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        c.mux(v.encode(None))
        total = int(seconds * rate)
        tt = np.arange(total) / rate
        pcm = (np.sin(2 * np.pi * 330 * tt) * 0.3).astype(np.float32)[None, :]
        for i in range(0, total, 1024):
            fr = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(pcm[:, i : i + 1024]), format="flt", layout="mono"
            )
            fr.sample_rate, fr.pts, fr.time_base = rate, i, Fraction(1, rate)
            c.mux(a.encode(fr))
        c.mux(a.encode(None))
    return path


@pytest.mark.parametrize("decoder", DECODERS)
@pytest.mark.parametrize("fps", [Fraction(30), Fraction(30000, 1001)])
def test_ten_minutes_of_short_clips_mix_without_drift(
    decoder: str, fps: Fraction, tmp_path: Path
) -> None:
    """600 s of 2-second clips alternating a video's sound and an audio file: the mix is
    exactly frame_to_sample(duration) long and every clip's sound starts at its frame.
    A decoder without audio gets the sound from one that has it."""
    _write_av(tmp_path / "v.mp4", 2.5)
    from tests.media import write_tone

    write_tone(tmp_path / "a.wav", 2.5, freq=550.0)
    clip_frames = int(round(2 * fps))
    n_clips = int(600 * fps) // clip_frames
    duration = n_clips * clip_frames
    b = CompositionBuilder(width=16, height=16, fps=fps, duration=duration)
    v = b.video("v", "v.mp4")
    a = b.audio("a", "a.wav")
    tr = b.track("t")
    for i in range(n_clips):
        tr.clip(
            f"c{i}", asset=v if i % 2 == 0 else a, start=i * clip_frames, end=(i + 1) * clip_frames
        )
    comp = b.build()
    with wv.open_job(comp, assets_root=tmp_path, decoder=decoder) as job:
        pcm = job.audio_pcm()
    assert all(p is not None and len(p) > 48000 * 2 for p in pcm.values())
    segments = build_audio_manifest(comp, pcm, 0, duration)
    total = frame_to_sample(duration, comp.fps)
    mix = mix_manifest(segments, total)
    assert mix.shape == (total, 2)
    video_seconds = duration * fps.denominator / fps.numerator
    assert abs(total / 48000 - video_seconds) <= 1024 / 48000  # within one AAC frame
    # No drift: the last clip's sound starts exactly at its first sample, not before/after.
    starts = [frame_to_sample(i * clip_frames, comp.fps) for i in range(n_clips)]
    assert [s.timeline_start_sample for s in segments] == starts
    last = starts[max(i for i in range(n_clips) if i % 2 == 1)]  # the last tone clip
    assert np.abs(mix[last - 200 : last - 1]).max() > 0.05  # the previous clip still sounds
    assert np.abs(mix[last]).max() < 0.01  # the tone starts at phase 0 on its first sample
    assert np.abs(mix[last + 8]).max() > 0.1  # ... and is sounding 8 samples later
