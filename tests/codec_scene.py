"""A small scene for the codec round trips and helpers to decode every output format back.

64×48, 24 fps, 8 frames: a gradient image whose alpha ramps from 60 to 249 across, a
square at opacity 0.6 moving over it, and a 440 Hz tone — every pixel is partially
transparent somewhere, so un-premultiplication is exercised, and colours vary, so PSNR
means something.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import av
import numpy as np

from tests.media import write_png, write_tone
from tests.test_e2e_render import clip, ident

W, H, N, FPS = 64, 48, 8, 24


def make_scene(folder: Path, *, audio: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    y, x = np.mgrid[0:H, 0:W]
    g = np.zeros((H, W, 4), np.uint8)
    g[..., 0] = x * 4
    g[..., 1] = y * 5
    g[..., 2] = 255 - x * 3
    g[..., 3] = 60 + x * 3
    write_png(folder / "grad.png", g)
    keys = [
        {"frame": 0, "value": ident(0, 0), "ease": "Linear"},
        {"frame": N - 1, "value": ident(30, 20), "ease": "Linear"},
    ]
    sq = clip("sq", "r", 0, N, opacity=0.6)
    sq["props"]["transform"] = {"Keyframes": {"keys": keys, "mode": "Linear", "default": None}}
    assets: dict = {
        "g": {"Image": {"source": "grad.png"}},
        "r": {"Path": {"svg_path_d": "M0,0 H24 V16 H0 Z"}},
    }
    clips = [clip("g", "g", 0, N), sq]
    if audio:
        write_tone(folder / "tone.wav", 1.0)
        assets["tone"] = {"Audio": {"source": "tone.wav"}}
        clips.append(clip("tone", "tone", 0, N))
    comp = {
        "fps": {"num": FPS, "den": 1},
        "canvas": {"width": W, "height": H},
        "duration": N,
        "assets": assets,
        "tracks": [{"name": "t", "z_base": 0, "clips": clips}],
        "seed": 0,
    }
    path = folder / "comp.json"
    path.write_text(json.dumps(comp))
    return path


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    err = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return math.inf if err == 0 else 10 * math.log10(255.0**2 / err)


def premultiply(rgba: np.ndarray) -> np.ndarray:
    """Straight RGBA → premultiplied RGB (to compare colours where alpha is low)."""
    a = rgba[..., 3:].astype(np.int64)
    return ((rgba[..., :3].astype(np.int64) * a + 127) // 255).astype(np.uint8)


def decode_rgba(path: Path, *, vp9_alpha: bool = False) -> tuple[list[np.ndarray], dict]:
    """Every frame as straight RGBA plus stream facts. VP9 alpha needs libvpx's decoder
    (FFmpeg's own vp9 decoder drops the alpha side data)."""
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        info = {
            "codec": v.codec_context.name,
            "pix_fmt": v.codec_context.pix_fmt,
            "rate": v.average_rate,
            "tag": v.codec_tag,
            "colorspace": (v.codec_context.colorspace, v.codec_context.color_range),
            "metadata": dict(v.metadata),
            "audio": [a.codec_context.name for a in c.streams.audio],
        }
        if vp9_alpha:
            ctx = av.CodecContext.create("libvpx-vp9", "r")
            frames = [f for p in c.demux(v) for f in ctx.decode(p)]
        else:
            frames = list(c.decode(v))
        info["decoded_pix_fmt"] = frames[0].format.name
        out = [f.to_ndarray(format="rgba") for f in frames]
    return out, info


def audio_samples(path: Path) -> int:
    with av.open(str(path)) as c:
        return sum(f.samples for f in c.decode(audio=0))


def decode_sequence(folder: Path, pattern: str) -> list[np.ndarray]:
    out = []
    for f in sorted(folder.glob(pattern)):
        with av.open(str(f)) as c:
            out.append(next(c.decode(video=0)).to_ndarray(format="rgba"))
    return out


def video_bytes(path: Path) -> int:
    """Size of the video stream's packets (the audio stream left out)."""
    with av.open(str(path)) as c:
        return sum(p.size for p in c.demux(video=0))
