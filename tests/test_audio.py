"""Audio manifest and mixer (wavyte-format.md §5.2–5.3) against vectors and a scalar
transcription of the format's per-sample loop."""

from __future__ import annotations

import math

import numpy as np
import pytest

from wavyte_core.assets.audio import (
    MIX_SAMPLE_RATE,
    AudioSegment,
    build_audio_manifest,
    frame_to_sample,
    mix_manifest,
    total_samples,
)
from wavyte_core.errors import RenderError
from wavyte_core.format.model import (
    AudioAsset,
    Canvas,
    Clip,
    Composition,
    Fps,
    FrameRange,
    ImageAsset,
    Track,
    VideoAsset,
)

F32 = np.float32


def ref_mix(segments: list[AudioSegment], total: int) -> np.ndarray:
    out = np.zeros((total, 2), dtype=np.float32)
    for seg in segments:
        seg_len = seg.timeline_end_sample - seg.timeline_start_sample
        if seg_len <= 0:
            continue
        pcm = np.asarray(seg.pcm, dtype=np.float32)
        mono = pcm.ndim == 1
        n = pcm.shape[0]
        if n == 0:
            continue
        for dst in range(seg.timeline_start_sample, seg.timeline_end_sample):
            rel_sec = float(dst - seg.timeline_start_sample) / 48000.0
            src_sec = seg.source_start_sec + rel_sec * seg.playback_rate
            if seg.source_end_sec is not None and src_sec >= seg.source_end_sec:
                break
            pos = src_sec * 48000.0
            if not math.isfinite(pos) or pos < 0.0:
                break
            f0 = math.floor(pos)
            if f0 >= n:
                break
            f1 = min(f0 + 1, n - 1)
            frac = F32(pos - float(f0))
            gain = F32(1.0)
            if seg.fade_in_sec > 0.0:
                gain = F32(gain * F32(min(max(rel_sec / seg.fade_in_sec, 0.0), 1.0)))
            if seg.fade_out_sec > 0.0:
                seg_len_sec = seg_len / 48000.0
                rem = max(seg_len_sec - rel_sec, 0.0)
                gain = F32(gain * F32(min(max(rem / seg.fade_out_sec, 0.0), 1.0)))
            gain = F32(gain * F32(seg.volume))
            if mono:
                v = F32(pcm[f0] + F32(F32(pcm[f1] - pcm[f0]) * frac))
                lr = (v, v)
            else:
                lr = tuple(
                    F32(pcm[f0, c] + F32(F32(pcm[f1, c] - pcm[f0, c]) * frac)) for c in range(2)
                )
            out[dst, 0] = F32(out[dst, 0] + F32(lr[0] * gain))
            out[dst, 1] = F32(out[dst, 1] + F32(lr[1] * gain))
    return np.clip(out, F32(-1), F32(1))


def seg(pcm, start=0, end=2000, src_start=0.0, src_end=None, rate=1.0, vol=1.0, fin=0.0, fout=0.0):
    return AudioSegment(start, end, src_start, src_end, rate, float(F32(vol)), fin, fout, pcm)


def noise(n, seed, channels=2):
    rng = np.random.default_rng(seed)
    shape = (n, channels) if channels else (n,)
    return (rng.random(shape, dtype=np.float32) * 1.6 - 0.8).astype(np.float32)


# ------------------------------------------------------------------------- frame_to_sample


def test_frame_to_sample_vectors():
    assert frame_to_sample(300, Fps(30000, 1001)) == 480480
    assert frame_to_sample(0, Fps(30, 1)) == 0
    assert frame_to_sample(1, Fps(30, 1)) == 1600
    assert frame_to_sample(15, Fps(30, 1)) == 24000
    assert frame_to_sample(1, Fps(30000, 1001)) == 1602  # 1601.6 rounds up
    assert frame_to_sample(1, Fps(7, 1)) == 6857  # 6857.14
    assert total_samples(Fps(30, 1), 10, 25) == 24000
    assert MIX_SAMPLE_RATE == 48000


def test_frame_to_sample_does_not_drift_over_long_timelines():
    fps = Fps(30000, 1001)
    n = 10 * 60 * 60 * 30  # ten hours of frames
    assert frame_to_sample(n, fps) == (n * 48000 * 1001 + 15000) // 30000


# ------------------------------------------------------------------------- mixer


def test_mix_two_segments_repository_vector():
    # §11.1 audio/mix.rs ran at a 4 Hz rate with a 0.5 s (2-sample) fade-in; at 48 kHz the
    # same shape is a constant 0.25 plus a 1.0 segment from sample 2 with a 2-sample fade.
    # The Rust indices out[0], out[4], out[6] are interleaved: samples 0, 2 and 3 (left).
    quiet = np.full((8, 2), 0.25, dtype=np.float32)
    loud = np.full((8, 2), 1.0, dtype=np.float32)
    segs = [seg(quiet, 0, 8), seg(loud, 2, 8, fin=2 / 48000)]
    out = mix_manifest(segs, 8)
    assert out[0, 0] == 0.25
    assert out[2, 0] >= 0.25
    assert out[3, 0] > out[2, 0]
    assert np.array_equal(out, ref_mix(segs, 8))


@pytest.mark.parametrize(
    "kw",
    [
        dict(rate=1.0),
        dict(rate=0.5),
        dict(rate=1.25),
        dict(rate=2.0),
        dict(rate=1.25, fin=0.01, fout=0.02, vol=0.8),
        dict(src_start=0.01, src_end=0.03, rate=1.25),  # trim end stops the segment
        dict(src_start=0.02, rate=2.0, fout=0.05),  # runs out of source
        dict(start=100, end=900, vol=0.3, fin=0.004),
        dict(src_start=0.0123456, rate=0.7, vol=1.7),
    ],
)
def test_mix_matches_scalar_reference(kw):
    pcm = noise(3000, 1)
    segs = [seg(pcm, **kw), seg(noise(500, 2), 50, 1500, rate=0.5, vol=0.5)]
    got = mix_manifest(segs, 2000)
    assert got.dtype == np.float32 and got.shape == (2000, 2)
    assert np.array_equal(got, ref_mix(segs, 2000))


def test_mix_mono_source_feeds_both_channels():
    segs = [seg(noise(700, 3, channels=0), 0, 1000, rate=1.25, fin=0.002)]
    got = mix_manifest(segs, 1000)
    assert np.array_equal(got, ref_mix(segs, 1000))
    assert np.array_equal(got[:, 0], got[:, 1])


def test_mix_long_segment_spans_several_blocks():
    pcm = noise(200_000, 4)
    segs = [seg(pcm, 0, 150_000, src_start=0.5, rate=1.1, fin=0.3, fout=0.7, vol=0.9)]
    got = mix_manifest(segs, 150_000)
    want = ref_mix(
        [seg(pcm, 0, 150_000, src_start=0.5, rate=1.1, fin=0.3, fout=0.7, vol=0.9)], 150_000
    )
    assert np.array_equal(got, want)


def test_mix_clamps_and_skips_empty_sources():
    loud = np.full((100, 2), 0.9, dtype=np.float32)
    segs = [seg(loud, 0, 100), seg(loud, 0, 100), seg(np.zeros((0, 2), np.float32), 0, 100)]
    out = mix_manifest(segs, 100)
    assert out.max() == 1.0
    assert mix_manifest([], 5).tolist() == [[0.0, 0.0]] * 5


def test_fade_out_reaches_small_gain_at_segment_end():
    ones = np.ones((48000, 2), dtype=np.float32)
    out = mix_manifest([seg(ones, 0, 4800, fout=0.1)], 4800)
    assert out[-1, 0] == pytest.approx((1 / 48000) / 0.1, rel=1e-5)
    assert out[0, 0] == 1.0


# ------------------------------------------------------------------------- manifest


def _comp(clips_by_track, assets):
    tracks = tuple(
        Track(name=f"t{i}", z_base=0, clips=tuple(c)) for i, c in enumerate(clips_by_track)
    )
    return Composition(Fps(30, 1), Canvas(64, 64), 100, assets, tracks, 0)


def test_manifest_fields_and_order():
    pcm_a = noise(48000, 5)
    pcm_v = noise(48000, 6)
    assets = {
        "a": AudioAsset("a.wav", trim_start_sec=0.5, trim_end_sec=0.9, volume=0.3, fade_in_sec=0.1),
        "v": VideoAsset("v.mp4", playback_rate=2.0, fade_out_sec=0.2),
        "img": ImageAsset("i.png"),
        "mute": AudioAsset("m.wav", muted=True),
        "silent": AudioAsset("s.wav", volume=0.0),
        "noaudio": VideoAsset("n.mp4"),
    }
    comp = _comp(
        [
            [Clip("c1", "v", FrameRange(0, 20)), Clip("c2", "img", FrameRange(0, 20))],
            [
                Clip("c3", "a", FrameRange(5, 50)),
                Clip("c4", "mute", FrameRange(0, 50)),
                Clip("c5", "silent", FrameRange(0, 50)),
                Clip("c6", "noaudio", FrameRange(0, 50)),
                Clip("c7", "a", FrameRange(40, 60)),  # outside the range
            ],
        ],
        assets,
    )
    pcm = {"a": pcm_a, "v": pcm_v, "mute": pcm_a, "silent": pcm_a, "noaudio": None}
    segs = build_audio_manifest(comp, pcm, 10, 30)
    assert len(segs) == 2
    v, a = segs
    assert (v.timeline_start_sample, v.timeline_end_sample) == (0, 16000)
    assert v.source_start_sec == pytest.approx(10 / 30 * 2.0)
    assert v.source_end_sec is None and v.playback_rate == 2.0 and v.fade_out_sec == 0.2
    assert v.pcm is pcm_v
    assert (a.timeline_start_sample, a.timeline_end_sample) == (0, 32000)
    # local frame 5 -> 0.5 + 5/30 = 0.6667 s, below the trim end
    assert a.source_start_sec == 0.5 + (5.0 * (1 / 30)) * 1.0
    assert a.source_end_sec == 0.9
    assert a.volume == float(np.float32(0.3))
    assert a.fade_in_sec == 0.1


def test_manifest_source_time_clamps_to_trim_end():
    assets = {"a": AudioAsset("a.wav", trim_start_sec=1.0, trim_end_sec=10.0, playback_rate=2.0)}
    comp = _comp([[Clip("c", "a", FrameRange(0, 200))]], assets)
    segs = build_audio_manifest(comp, {"a": noise(10, 1)}, 15, 16)
    assert segs[0].source_start_sec == 2.0  # Appendix A 9: trim 1, rate 2, frame 15 at 30 fps
    segs = build_audio_manifest(comp, {"a": noise(10, 1)}, 150, 151)  # 1 + 10 s > trim end
    assert segs[0].source_start_sec == 10.0


def test_manifest_audio_asset_without_samples_gets_a_silent_segment():
    comp = _comp([[Clip("c", "a", FrameRange(0, 10))]], {"a": AudioAsset("a.wav")})
    segs = build_audio_manifest(comp, {"a": None}, 0, 10)
    assert len(segs) == 1 and segs[0].pcm.shape == (0, 2)
    assert not mix_manifest(segs, total_samples(comp.fps, 0, 10)).any()


def test_manifest_rejects_empty_range():
    comp = _comp([], {})
    with pytest.raises(RenderError, match="non-empty"):
        build_audio_manifest(comp, {}, 5, 5)


def test_manifest_then_mix_end_to_end():
    assets = {
        "v": VideoAsset(
            "v.mp4",
            trim_start_sec=0.1,
            trim_end_sec=0.8,
            playback_rate=1.25,
            volume=0.8,
            fade_in_sec=0.05,
            fade_out_sec=0.05,
        ),
        "a": AudioAsset("a.wav", trim_end_sec=0.9, volume=0.5),
    }
    comp = _comp([[Clip("v", "v", FrameRange(0, 15))], [Clip("a", "a", FrameRange(0, 15))]], assets)
    t = np.arange(48000) / 48000
    sine = np.stack([np.sin(2 * np.pi * 440 * t)] * 2, axis=1).astype(np.float32)
    tone = np.stack([np.sin(2 * np.pi * 220 * t)] * 2, axis=1).astype(np.float32)
    segs = build_audio_manifest(comp, {"v": sine, "a": tone}, 0, 15)
    total = total_samples(comp.fps, 0, 15)
    assert total == frame_to_sample(15, comp.fps) == 24000
    out = mix_manifest(segs, total)
    assert np.abs(out).max() > 0.1
    assert np.array_equal(out, ref_mix(segs, total))
