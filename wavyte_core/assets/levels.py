"""Audio levels for ``AudioLevel`` animations (and the Waveform asset): how loud an asset's
sound is at each frame, computed once per render, never per pixel or per frame.

What is measured, for timeline frame ``f`` (time ``t = f / fps``):

1. **The sound.** When clips place the asset on the timeline, its sound as placed there:
   the clips' trims, playback rates and loops, mixed exactly as the render mixes it
   (`audio.build_audio_manifest`) but at unit volume, unmuted and without fades — a muted
   music stem still drives the picture. When no clip uses the asset, its sound from
   ``trim_start_sec`` plays from timeline time 0. Stereo is averaged to mono.
2. **The window.** ``window_sec`` seconds of samples centred on ``t`` (zero outside the
   sound), weighted by a Hann window.
3. **The level.** The window's RMS — over the whole spectrum, or over ``band_hz`` only
   (numpy's real FFT; the band's share of the power, Parseval) — in dBFS, where a
   full-scale sine is 0 dBFS: ``20·log10(√2·rms)``. dBFS from −60 to 0 map linearly to 0..1
   (clamped): −60 dBFS and quieter is 0, full scale is 1.
4. **Smoothing.** One pole over frames, in frame order from frame 0:
   ``y[f] = s·y[f−1] + (1−s)·x[f]`` with ``y[−1] = 0`` and ``s`` = ``smoothing`` in [0, 1).

The result does not depend on how a render is split (workers, segments): each process
computes the whole table from frame 0. An ``AudioLevel`` value is then
``offset + gain·level``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping

import numpy as np

from wavyte_core.assets.audio import (
    MIX_SAMPLE_RATE,
    build_audio_manifest,
    frame_to_sample,
    mix_manifest,
)
from wavyte_core.errors import AssetError
from wavyte_core.format.model import AudioAsset, AudioLevel, Composition, VideoAsset

__all__ = ["DB_FLOOR", "AudioLevels", "placed_sound", "level_table"]

#: dBFS mapped to level 0 (and everything quieter)
DB_FLOOR = -60.0
_FRAMES_PER_BLOCK = 256  # frames analysed per vectorised block (bounds temporaries)


def placed_sound(
    comp: Composition,
    key: str,
    pcm: np.ndarray,
    loop_periods: Mapping[str, float | None] | None = None,
) -> np.ndarray:
    """The asset's sound as the timeline places it (step 1 above), mono float32 at 48 kHz,
    covering the whole timeline."""
    total = frame_to_sample(comp.duration, comp.fps)
    asset = comp.assets[key]
    uses = [
        dataclasses.replace(t, clips=tuple(c for c in t.clips if c.asset == key))
        for t in comp.tracks
    ]
    if any(t.clips for t in uses):
        unit = dataclasses.replace(
            asset, volume=1.0, muted=False, fade_in_sec=0.0, fade_out_sec=0.0
        )
        only = dataclasses.replace(comp, assets={key: unit}, tracks=tuple(uses))
        segs = build_audio_manifest(only, {key: pcm}, 0, comp.duration, loop_periods)
        stereo = mix_manifest(segs, total)
    else:
        start = max(int(round(asset.trim_start_sec * MIX_SAMPLE_RATE)), 0)
        stereo = np.zeros((total, 2), np.float32)
        src = np.asarray(pcm, np.float32)
        if src.ndim == 1:
            src = np.stack([src, src], axis=1)
        part = src[start : start + total]
        stereo[: len(part)] = part[:, :2] if part.shape[1] >= 2 else part
    return stereo.mean(axis=1, dtype=np.float32)


def level_table(mono: np.ndarray, comp: Composition, spec: AudioLevel) -> list[float]:
    """Levels 0..1 (before gain and offset) of every timeline frame (steps 2–4 above)."""
    fps = comp.fps
    n = comp.duration
    win = max(int(round(spec.window_sec * MIX_SAMPLE_RATE)), 1)
    hann = np.hanning(win + 2)[1:-1] if win > 2 else np.ones(win)
    wsum = float(np.sum(hann * hann))
    half = win // 2
    padded = np.concatenate([np.zeros(half, np.float32), mono, np.zeros(win, np.float32)])
    starts = np.array([frame_to_sample(f, fps) for f in range(n)], dtype=np.int64)
    band = None
    if spec.band_hz is not None:
        freqs = np.fft.rfftfreq(win, 1.0 / MIX_SAMPLE_RATE)
        band = (freqs >= spec.band_hz[0]) & (freqs <= spec.band_hz[1])
        weights = np.where((freqs == 0) | (freqs == MIX_SAMPLE_RATE / 2), 1.0, 2.0)
    rms = np.empty(n, np.float64)
    offsets = np.arange(win)
    for b0 in range(0, n, _FRAMES_PER_BLOCK):
        idx = starts[b0 : b0 + _FRAMES_PER_BLOCK, None] + offsets[None, :]
        x = padded[idx].astype(np.float64) * hann
        if band is None:
            power = np.sum(x * x, axis=1) / wsum
        else:
            spec_pow = np.abs(np.fft.rfft(x, axis=1)) ** 2
            power = np.sum(spec_pow[:, band] * weights[band], axis=1) / (win * wsum)
        rms[b0 : b0 + len(power)] = np.sqrt(power)
    with np.errstate(divide="ignore"):
        db = 20.0 * np.log10(np.sqrt(2.0) * rms)
    raw = np.clip((db - DB_FLOOR) / -DB_FLOOR, 0.0, 1.0)
    s = spec.smoothing
    out: list[float] = []
    y = 0.0
    for v in raw.tolist():
        y = s * y + (1.0 - s) * v
        out.append(y)
    return out


class AudioLevels:
    """The level tables of one job, computed on first use (at prepare time: the job asks
    for every ``AudioLevel`` while it compiles its animations) and kept for the job.

    ``pcm_of(key)`` returns an asset's decoded sound (float32 (n, 2) at 48 kHz) or None.
    """

    def __init__(
        self,
        comp: Composition,
        pcm_of: Callable[[str], np.ndarray | None],
        loop_periods: Mapping[str, float | None]
        | Callable[[], Mapping[str, float | None]]
        | None = None,
    ) -> None:
        self.comp = comp
        self._pcm_of = pcm_of
        self._loops = loop_periods
        self._mono: dict[str, np.ndarray] = {}
        self._tables: dict[AudioLevel, list[float]] = {}

    def table(self, spec: AudioLevel) -> list[float]:
        t = self._tables.get(spec)
        if t is None:
            t = self._tables[spec] = level_table(self._sound(spec.asset), self.comp, spec)
        return t

    def _sound(self, key: str) -> np.ndarray:
        mono = self._mono.get(key)
        if mono is None:
            asset = self.comp.assets.get(key)
            if not isinstance(asset, (AudioAsset, VideoAsset)):
                raise AssetError(f"assets.{key}", "AudioLevel needs an Audio or Video asset")
            pcm = self._pcm_of(key)
            if pcm is None or len(pcm) == 0:
                raise AssetError(asset.source, f"asset '{key}' has no sound to follow (AudioLevel)")
            loops = self._loops() if callable(self._loops) else self._loops
            mono = self._mono[key] = placed_sound(self.comp, key, pcm, loops)
        return mono

    def lookup_at(self, clip_start: int) -> Callable[[AudioLevel], Callable[[int], float]]:
        """The `compile_anim` ``levels`` argument for a clip starting at ``clip_start``:
        clip-local frames become timeline frames; outside the timeline the level is 0."""

        def lookup(spec: AudioLevel) -> Callable[[int], float]:
            table = self.table(spec)
            n = len(table)

            def level(f: int) -> float:
                i = clip_start + f
                return table[i] if 0 <= i < n else 0.0

            return level

        return lookup


def dbfs_to_level(db: float) -> float:
    """The documented mapping, for tests and docs: dBFS → 0..1."""
    if math.isnan(db):
        return 0.0
    return min(max((db - DB_FLOOR) / -DB_FLOOR, 0.0), 1.0)


def band_edges(lo: float, hi: float, bands: int) -> np.ndarray:
    """``bands + 1`` edges from ``lo`` to ``hi`` Hz, evenly spaced on a log scale (as the
    ear hears pitch; 0 Hz is taken as 1 Hz)."""
    lo = max(lo, 1.0)
    return np.geomspace(lo, max(hi, lo * 1.0001), bands + 1)


def band_level_tables(
    mono: np.ndarray,
    comp: Composition,
    edges: np.ndarray,
    window_sec: float,
    smoothing: float,
) -> np.ndarray:
    """Levels 0..1 of every timeline frame in each band between consecutive ``edges``
    (float32, shape (frames, bands)): the `level_table` steps per band from one FFT per
    frame (a band narrower than the FFT's bin spacing takes its nearest bin)."""
    fps = comp.fps
    n = comp.duration
    win = max(int(round(window_sec * MIX_SAMPLE_RATE)), 2)
    hann = np.hanning(win + 2)[1:-1]
    wsum = float(np.sum(hann * hann))
    half = win // 2
    padded = np.concatenate([np.zeros(half, np.float32), mono, np.zeros(win, np.float32)])
    starts = np.array([frame_to_sample(f, fps) for f in range(n)], dtype=np.int64)
    freqs = np.fft.rfftfreq(win, 1.0 / MIX_SAMPLE_RATE)
    weights = np.where((freqs == 0) | (freqs == MIX_SAMPLE_RATE / 2), 1.0, 2.0)
    bands = len(edges) - 1
    # bin → band matrix (bins × bands), each band at least its nearest bin
    member = np.zeros((len(freqs), bands))
    for b in range(bands):
        sel = (freqs >= edges[b]) & (freqs < edges[b + 1])
        if not sel.any():
            sel = np.zeros(len(freqs), bool)
            sel[int(np.argmin(np.abs(freqs - np.sqrt(edges[b] * edges[b + 1]))))] = True
        member[sel, b] = 1.0
    member *= weights[:, None]
    power = np.empty((n, bands), np.float64)
    offsets = np.arange(win)
    for b0 in range(0, n, _FRAMES_PER_BLOCK):
        idx = starts[b0 : b0 + _FRAMES_PER_BLOCK, None] + offsets[None, :]
        x = padded[idx].astype(np.float64) * hann
        spec_pow = np.abs(np.fft.rfft(x, axis=1)) ** 2
        power[b0 : b0 + len(x)] = spec_pow @ member / (win * wsum)
    with np.errstate(divide="ignore"):
        db = 20.0 * np.log10(np.sqrt(2.0 * power))
    raw = np.clip((db - DB_FLOOR) / -DB_FLOOR, 0.0, 1.0)
    out = np.empty_like(raw)
    y = np.zeros(bands)
    for f in range(n):
        y = smoothing * y + (1.0 - smoothing) * raw[f]
        out[f] = y
    return out.astype(np.float32)
