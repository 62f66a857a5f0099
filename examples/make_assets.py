"""Regenerate the demo's image and audio assets, reproducibly (fixed seeds, no network).

    python examples/make_assets.py

The outputs are committed; this script documents how they were made.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

HERE = Path(__file__).parent / "assets"


def landscape(w: int = 640, h: int = 427, seed: int = 7) -> np.ndarray:
    """A photo-like RGB landscape: sky gradient, sun, layered noisy hills."""
    rng = np.random.default_rng(seed)
    y = np.linspace(0, 1, h)[:, None]
    x = np.linspace(0, 1, w)[None, :]
    sky = np.stack([80 + 120 * y, 130 + 90 * y, 200 + 40 * y], axis=-1) * np.ones((1, w, 1))
    sun = np.exp(-(((x - 0.7) ** 2) + ((y - 0.3) ** 2) * 1.8) / 0.004)[..., None]
    img = sky + sun * np.array([255, 230, 160]) * 0.9
    for k, (base, amp, col) in enumerate(
        [(0.55, 0.08, (70, 110, 80)), (0.68, 0.06, (50, 90, 60)), (0.8, 0.05, (35, 65, 45))]
    ):
        phase = rng.uniform(0, 6.28, 3)
        ridge = base + amp * (
            np.sin(x * 7 + phase[0]) * 0.6
            + np.sin(x * 17 + phase[1]) * 0.3
            + np.sin(x * 41 + phase[2]) * 0.1
        )
        mask = (y > ridge).astype(float)
        shade = 0.8 + 0.2 * rng.random((h, w))
        img = img * (1 - mask[..., None]) + mask[..., None] * np.array(col) * shade[..., None] * (
            1 + 0.15 * k
        )
    img += rng.normal(0, 4, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def save_jpeg(path: Path, rgb: np.ndarray) -> None:
    with av.open(str(path), "w", format="image2") as c:
        s = c.add_stream("mjpeg", rate=1)
        s.width, s.height = rgb.shape[1], rgb.shape[0]
        s.pix_fmt = "yuvj444p"
        s.options = {"qscale": "3"}
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuvj444p")
        for p in s.encode(frame):
            c.mux(p)
        for p in s.encode():
            c.mux(p)


def chime(seconds: float = 8.0, rate: int = 48000) -> np.ndarray:
    """A soft arpeggio (stereo float32) for the demo's soundtrack."""
    t = np.arange(int(seconds * rate)) / rate
    out = np.zeros((2, t.size), np.float32)
    notes = [261.63, 329.63, 392.0, 523.25, 392.0, 329.63, 293.66, 440.0]
    for i, f in enumerate(notes * 2):
        start = i * 0.5
        env = (
            np.clip((t - start) / 0.01, 0, 1)
            * np.exp(-np.clip(t - start, 0, None) * 3.0)
            * (t >= start)
        )
        tone = (np.sin(2 * np.pi * f * t) + 0.3 * np.sin(4 * np.pi * f * t)) * env * 0.18
        pan = 0.3 + 0.4 * (i % 3) / 2
        out[0] += tone * (1 - pan)
        out[1] += tone * pan
    return out


def save_m4a(path: Path, planar: np.ndarray, rate: int = 48000) -> None:
    with av.open(str(path), "w") as c:
        s = c.add_stream("aac", rate=rate, layout="stereo")
        s.bit_rate = 96000
        n = 1024
        for i in range(0, planar.shape[1], n):
            chunk = np.ascontiguousarray(planar[:, i : i + n])
            fr = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
            fr.sample_rate = rate
            fr.pts = i
            fr.time_base = Fraction(1, rate)
            for p in s.encode(fr):
                c.mux(p)
        for p in s.encode():
            c.mux(p)


if __name__ == "__main__":
    HERE.mkdir(parents=True, exist_ok=True)
    save_jpeg(HERE / "landscape.jpg", landscape())
    save_m4a(HERE / "chime.m4a", chime())
    print("wrote", HERE / "landscape.jpg", HERE / "chime.m4a")
