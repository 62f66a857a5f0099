"""An audiogram: a square 1080×1080 clip of a podcast excerpt with its cover, a waveform
that follows the sound and word-highlighted captions from a Whisper-style transcript.

    python examples/audiogram.py              # writes examples/audiogram.json and its assets
    wavyte render examples/audiogram.json -o audiogram.mp4

The sound (a 15 s synthetic 'voice': vowel-like harmonics in syllables and words, with
pauses) and its transcript are made here, reproducibly; the composition is built with the
Python builder and written as JSON. The cover is the demo's landscape.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from wavyte_core.format import model as m
from wavyte_core.format.builder import CompositionBuilder, keyframes
from wavyte_core.format.dump import composition_to_json

HERE = Path(__file__).parent
ASSETS = HERE / "assets"
SR = 48000
SECONDS = 15.0
WORDS = [
    "Every",
    "morning",
    "the",
    "harbour",
    "wakes",
    "before",
    "the",
    "town.",
    "Boats",
    "slide",
    "out",
    "on",
    "the",
    "grey",
    "water,",
    "gulls",
    "argue",
    "over",
    "the",
    "nets,",
    "and",
    "the",
    "first",
    "coffee",
    "of",
    "the",
    "day",
    "steams",
    "on",
    "the",
    "quay.",
    "This",
    "is",
    "where",
    "our",
    "story",
    "starts.",
]


def _timings(seed: int = 3) -> list[tuple[str, float, float]]:
    """Word start/end times: syllable-length words with short gaps, longer at full stops."""
    rng = np.random.default_rng(seed)
    t, out = 0.6, []
    for w in WORDS:
        dur = 0.12 + 0.055 * len(w.strip(".,")) + rng.uniform(0, 0.06)
        out.append((w, round(t, 3), round(t + dur, 3)))
        t += dur + (0.45 if w.endswith(".") else 0.07 + rng.uniform(0, 0.05))
    scale = (SECONDS - 0.8) / t  # fit the 15 s
    return [(w, round(s * scale, 3), round(e * scale, 3)) for w, s, e in out]


def _voice(timings: list[tuple[str, float, float]], seed: int = 5) -> np.ndarray:
    """A voice-like signal: per word a pitch contour with formant-shaped harmonics."""
    rng = np.random.default_rng(seed)
    n = int(SECONDS * SR)
    pcm = np.zeros(n, np.float64)
    for _, s, e in timings:
        i0, i1 = int(s * SR), int(e * SR)
        t = np.arange(i1 - i0) / SR
        f0 = rng.uniform(110, 160) * (1 + 0.08 * np.sin(2 * np.pi * rng.uniform(2, 4) * t))
        phase = 2 * np.pi * np.cumsum(f0) / SR
        formants = (rng.uniform(500, 800), rng.uniform(1100, 1900), 2600.0)
        sig = np.zeros_like(t)
        for h in range(1, 25):
            fh = h * f0.mean()
            gain = sum(np.exp(-(((fh - f) / 180.0) ** 2)) for f in formants) + 0.05 / h
            sig += gain * np.sin(h * phase)
        env = np.minimum(1, np.minimum(t / 0.03, (t[-1] - t) / 0.05 + 1e-3))
        pcm[i0:i1] += sig * env
    pcm *= 0.5 / np.abs(pcm).max()
    return pcm.astype(np.float32)


def write_assets() -> None:
    timings = _timings()
    transcript = {
        "segments": [
            {
                "start": timings[0][1],
                "end": timings[-1][2],
                "text": " ".join(w for w, _, _ in timings),
                "words": [{"start": s, "end": e, "word": w} for w, s, e in timings],
            }
        ]
    }
    (ASSETS / "audiogram_transcript.json").write_text(json.dumps(transcript, indent=1) + "\n")
    pcm = _voice(timings)
    with av.open(str(ASSETS / "audiogram_voice.m4a"), "w") as c:
        s = c.add_stream("aac", rate=SR, layout="stereo")
        s.bit_rate = 96000
        for i in range(0, len(pcm), 1024):
            fr = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(np.stack([pcm[i : i + 1024]] * 2)),
                format="fltp",
                layout="stereo",
            )
            fr.sample_rate, fr.pts, fr.time_base = SR, i, Fraction(1, SR)
            c.mux(s.encode(fr))
        c.mux(s.encode(None))


def build() -> str:
    fps, n = 30, int(SECONDS * 30)
    b = CompositionBuilder(width=1080, height=1080, fps=fps, duration=n, seed=11)
    b.asset_kind("bg", "Shape", {"geometry": {"Rect": {"width": 1080, "height": 1080}},
                                 "fill": {"LinearGradient": {"start": [0, 0], "end": [0, 1080], "stops": [
                                     {"offset": 0, "color": "#1b1440"}, {"offset": 1, "color": "#0b2a3a"}]}}})  # fmt: skip
    b.asset_kind("frame", "Shape", {"geometry": {"Rect": {"width": 560, "height": 373, "corner_radius": 28}},
                                    "fill": None,
                                    "stroke": {"width": 6, "paint": {"Solid": "#ffffffcc"}}})  # fmt: skip
    b.asset_kind(
        "round", "Shape", {"geometry": {"Rect": {"width": 560, "height": 373, "corner_radius": 28}}}
    )
    b.image("cover", "assets/landscape.jpg")
    b.audio("voice", "assets/audiogram_voice.m4a")
    b.asset_kind("wave", "Waveform", {
        "audio": "voice", "width": 900, "height": 150, "bars": 56, "style": "Mirror",
        "band_hz": [80, 6000], "gap": 5, "corner_radius": 4, "smoothing": 0.55,
        "fill": {"LinearGradient": {"start": [0, 0], "end": [900, 0], "stops": [
            {"offset": 0, "color": "#ff7a59"}, {"offset": 1, "color": "#8f6bff"}]}}})  # fmt: skip
    b.text("title", "Harbour Mornings · Episode 12", font="assets/fonts/NotoSansDisplay-Bold.ttf",
           size_px=46)  # fmt: skip
    b.asset_kind("subs", "Captions", {
        "source": "assets/audiogram_transcript.json", "font_source": "assets/fonts/DejaVuSans.ttf",
        "size_px": 56, "max_width_px": 900, "max_lines": 2, "style": "Karaoke",
        "color_rgba8": [255, 255, 255, 170],
        "highlight": {"color": "#ffd166", "background": None, "scale": 1.0},
        "stroke": {"width": 6, "paint": {"Solid": "#00000099"}, "join": "Round"}})  # fmt: skip

    def at(x: float, y: float, s: float = 1.0) -> m.Transform2D:
        return m.Transform2D(translate=m.Vec2(x, y), scale=m.Vec2(s, s))

    t = b.track("main")
    fade = keyframes([(0, 0.0), (15, 1.0)])
    t.clip("bg", asset="bg", start=0, end=n)
    t.clip("round", asset="round", start=0, end=n, transform=at(260, 110))  # the cover's matte
    t.clip("cover", asset="cover", start=0, end=n, transform=at(260, 110, 560 / 640), opacity=fade,
           matte=("round", "Alpha"))  # fmt: skip
    t.clip("frame", asset="frame", start=0, end=n, transform=at(260, 110), opacity=fade)
    t.clip("title", asset="title", start=0, end=n, transform=at(90, 520), opacity=fade)
    t.clip("wave", asset="wave", start=0, end=n, transform=at(90, 600))
    t.clip("voice", asset="voice", start=0, end=n)
    t.clip("subs", asset="subs", start=0, end=n, transform=at(90, 820))
    return composition_to_json(b.build(), indent=2)


if __name__ == "__main__":
    write_assets()
    (HERE / "audiogram.json").write_text(build() + "\n")
    print("wrote examples/audiogram.json and its assets")
