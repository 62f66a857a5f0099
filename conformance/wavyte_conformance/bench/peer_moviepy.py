"""The peer comparison: the benchmark scenes written with MoviePy 2.x.

Standalone on purpose: it runs in its own virtual environment
(``~/.cache/wavyte/bench/venv-moviepy``, created by ``wavyte_conformance.bench.peer`` on
demand), so MoviePy is never a
dependency of wavyte, and it imports nothing from wavyte. It builds the scene the way a
MoviePy user would (ImageClip, TextClip, shapes as RGBA images, CompositeVideoClip,
CrossFadeIn/Out, per-frame resize/rotate/position functions), writes it with the same codec
settings as the engine (libx264, preset medium, CRF 23, 30 fps, yuv420p, no audio), and
prints one JSON object: ``{"seconds", "frames", "peak_rss_mb", "moviepy"}``.

Clip construction is setup and not timed; ``write_videofile`` is. SVG is given as a PNG
raster made by the caller (MoviePy reads no SVG).

    python peer_moviepy.py --scene animated --width 640 --height 360 --frames 300 \
        --assets DIR --out out.mp4
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np

FPS = 30
PHOTO = "test_image_1.jpg"
FONT = "NotoSansDisplay-Bold.ttf"
LOGO_PNG = "logo.png"  # the 240×240 logo rasterised by the caller


def triangle(size: int, up: bool) -> np.ndarray:
    """A white RGBA triangle (anti-aliasing is not needed for timing)."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
    half = size / 2
    inside = np.abs(x - half) <= (y / 2 if up else (size - y) / 2)
    img = np.zeros((size, size, 4), np.uint8)
    img[inside] = 255
    return img


def rgba_clip(img: np.ndarray):  # -> ImageClip with a mask
    from moviepy import ImageClip

    clip = ImageClip(img[..., :3])
    mask = ImageClip(img[..., 3].astype(np.float32) / 255.0, is_mask=True)
    return clip.with_mask(mask)


def bench(w: int, h: int, frames: int, assets: Path, blur: int = 0):
    from moviepy import ColorClip, CompositeVideoClip, ImageClip, TextClip, vfx

    d = frames / FPS
    fade = 30 / FPS
    img = ImageClip(str(assets / PHOTO)).resized(0.65)
    if blur:
        from PIL import Image, ImageFilter

        img = img.image_transform(
            lambda a: np.asarray(Image.fromarray(a).filter(ImageFilter.GaussianBlur(blur / 2)))
        )
    # The 120 px triangle paths scaled 3× (at every size, as in §9.2): 360 px images.
    tri = [rgba_clip(triangle(360, up)) for up in (True, False)]
    clips = [
        ColorClip((w, h), color=(255, 255, 255)).with_duration(d),
        img.with_position((0.55 * w, 0.15 * h)).with_duration(d),
        ImageClip(str(assets / LOGO_PNG)).with_position((0.10 * w, 0.10 * h)).with_duration(d),
        tri[0]
        .with_position((0.78 * w, 0.55 * h))
        .with_duration(d)
        .with_effects([vfx.CrossFadeOut(fade)]),
        TextClip(
            font=str(assets / FONT),
            text="wavyte v0.2.1 benchmark",
            font_size=64,
            color="white",
            method="caption",
            size=(w - 80, None),
        )
        .with_position((24, max(h - 88, 0)))
        .with_duration(d),
        tri[1]
        .with_position((0.78 * w, 0.55 * h))
        .with_start((frames // 2) / FPS)
        .with_duration(d - (frames // 2) / FPS)
        .with_effects([vfx.CrossFadeIn(fade)]),
    ]
    return CompositeVideoClip(clips, size=(w, h)).with_duration(d)


def animated(w: int, h: int, frames: int, assets: Path):
    """The engine's ``animated`` scene (conformance/wavyte_conformance/bench/scenes.py), the same motion."""
    from moviepy import ColorClip, CompositeVideoClip, ImageClip, TextClip, vfx

    s = w / 640
    d = frames / FPS
    last = max(frames - 1, 1) / FPS
    half = frames // 2
    fade_frames = min(30, max(half // 2, 1))
    fade = fade_frames / FPS
    cover = max(w / 1024, h / 683)

    def lerp(a: float, b: float, t: float, t1: float = last) -> float:
        return a + (b - a) * min(max(t / t1, 0.0), 1.0)

    photo = ImageClip(str(assets / PHOTO)).with_duration(d)
    # Ken Burns: zoom 1 → 1.15 about the centre, drifting right.
    bg = photo.resized(lambda t: cover * lerp(1.0, 1.15, t)).with_position(
        lambda t: (
            w / 2 + lerp(0, 20 * s, t) - 512 * cover * lerp(1.0, 1.15, t),
            h / 2 - 341.5 * cover * lerp(1.0, 1.15, t),
        )
    )
    card = (
        photo.with_mask()
        .resized(lambda t: lerp(0.25, 0.40, t) * s)
        .rotated(lambda t: -np.degrees(lerp(-0.3, 1.27, t)))
        .with_position(lambda t: (lerp(420, 500, t) * s - 200 * s, lerp(120, 200, t) * s - 150 * s))
    )
    logo = (
        ImageClip(str(assets / LOGO_PNG))
        .with_duration(d)
        .resized(0.5 * s)
        .rotated(lambda t: -np.degrees(lerp(0, 2 * np.pi, t)))
        .with_position(lambda t: (lerp(80, 200, t) * s - 60 * s, lerp(70, 150, t) * s - 60 * s))
    )
    title = (
        TextClip(
            font=str(assets / FONT), text="wavyte animated", font_size=int(48 * s), color="white"
        )
        .with_duration(d)
        .with_position(lambda t: (lerp(-200, 40, t) * s, lerp(280, 270, t) * s))
        .with_effects([vfx.CrossFadeIn(fade), vfx.CrossFadeOut(fade)])
    )
    a_end = (half + fade_frames // 2) / FPS
    b_start = (half + fade_frames // 2 - fade_frames) / FPS
    tri_a = (
        rgba_clip(triangle(120, True))
        .with_duration(a_end)
        .resized(lambda t: lerp(0.8, 1.0, t, a_end) * s)
        .rotated(lambda t: -np.degrees(lerp(0, np.pi, t, a_end)))
        .with_position(
            lambda t: (lerp(520, 540, t, a_end) * s - 60 * s, lerp(80, 120, t, a_end) * s - 60 * s)
        )
        .with_duration(a_end)
        .with_effects([vfx.CrossFadeOut(fade)])
    )
    tri_b = (
        rgba_clip(triangle(120, False))
        .with_duration(d - b_start)
        .resized(lambda t: lerp(1.0, 0.8, t, d - b_start) * s)
        .rotated(lambda t: -np.degrees(lerp(0, -np.pi, t, d - b_start)))
        .with_position(
            lambda t: (
                lerp(540, 520, t, d - b_start) * s - 60 * s,
                lerp(120, 160, t, d - b_start) * s - 60 * s,
            )
        )
        .with_start(b_start)
        .with_duration(d - b_start)
        .with_effects([vfx.CrossFadeIn(fade)])
    )
    # Progress bar: a full-width bar sliding in from the left (the engine scales it; MoviePy's
    # per-frame resize of a ColorClip does not take a size function reliably).
    bar = (
        ColorClip((int(560 * s), max(int(8 * s), 1)), color=(255, 255, 255))
        .with_duration(d)
        .with_opacity(0.8)
        .with_position(lambda t: (40 * s - 560 * s * lerp(0.99, 0.0, t), 340 * s))
    )
    clips = [bg, card, logo, title, tri_a, tri_b, bar]
    base = ColorClip((w, h), color=(18, 20, 28)).with_duration(d)
    return CompositeVideoClip([base, *clips], size=(w, h)).with_duration(d)


SCENES = {
    "bench": bench,
    "bench_blur8": lambda w, h, n, a: bench(w, h, n, a, blur=8),
    "animated": animated,
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scene", required=True, choices=sorted(SCENES))
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--height", type=int, default=360)
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--assets", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--crf", type=int, default=23)
    ap.add_argument("--preset", default="medium")
    a = ap.parse_args()
    comp = SCENES[a.scene](a.width, a.height, a.frames, a.assets)
    t0 = time.perf_counter()
    comp.write_videofile(
        str(a.out),
        fps=FPS,
        codec="libx264",
        preset=a.preset,
        audio=False,
        logger=None,
        ffmpeg_params=["-crf", str(a.crf), "-pix_fmt", "yuv420p"],
    )
    seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0  # the ffmpeg process
    print(
        json.dumps(
            {
                "seconds": seconds,
                "frames": a.frames,
                "peak_rss_mb": rss,
                "ffmpeg_peak_rss_mb": child,
                "moviepy": version("moviepy"),
                "bytes": a.out.stat().st_size,
            }
        )
    )


if __name__ == "__main__":
    main()
