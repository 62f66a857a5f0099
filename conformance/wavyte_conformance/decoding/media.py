"""Test videos for the decoding conformance suite, generated with PyAV (no network, no files in git).

Every frame carries its own index as eight vertical bars in its top half (bit 7 on the
left; black = 0, white = 1), which survives any codec at any quality and can be read back
from the premultiplied BGRA frame a decoder returns. The bottom half holds three
saturated colour patches (red, green, blue), where decoders that disagree about colour
matrices or range would show it; in alpha sources the bottom half is 50 % transparent.

A `Clip` names the generated file and what a correct decoder must see: display size,
presentation time of each frame, alpha. Frames are *designed* in display orientation and
rotated back before encoding when the stream carries rotation metadata, so a decoder that
honours the display matrix shows upright bars.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

BITS = 8
MAX_FRAMES = 1 << BITS
PATCHES_RGB = ((200, 40, 40), (40, 190, 60), (50, 60, 210))
ALPHA_BOTTOM = 128  # alpha of the bottom half in sources with alpha


@dataclass(frozen=True, slots=True)
class Clip:
    """A generated video and the truth about it."""

    name: str
    path: Path
    width: int  # display width (after rotation), native pixels (SAR not applied)
    height: int
    times: tuple[float, ...]  # presentation time of frame i, seconds from the stream start
    alpha: bool = False
    lossless: bool = False
    tags: frozenset[str] = field(default_factory=frozenset)

    @property
    def frames(self) -> int:
        return len(self.times)


def pattern_rgba(index: int, width: int, height: int, alpha: bool = False) -> np.ndarray:
    """The display-oriented straight RGBA picture of frame ``index``."""
    img = np.zeros((height, width, 4), np.uint8)
    img[..., 3] = 255
    top = height // 2
    for bit in range(BITS):
        x0, x1 = _bar(bit, width)
        if (index >> (BITS - 1 - bit)) & 1:
            img[:top, x0:x1, :3] = 255
    for k, rgb in enumerate(PATCHES_RGB):
        x0, x1 = width * k // 3, width * (k + 1) // 3
        img[top:, x0:x1, :3] = rgb
    if alpha:
        img[top:, :, 3] = ALPHA_BOTTOM
    return img


def _bar(bit: int, width: int) -> tuple[int, int]:
    return width * bit // BITS, width * (bit + 1) // BITS


def read_index(bgra: np.ndarray) -> int:
    """The index a decoded premultiplied BGRA frame shows (bars sampled mid-bar, top quarter)."""
    h, w = bgra.shape[:2]
    y0, y1 = max(h // 8, 0), max(3 * h // 8, 1)
    value = 0
    for bit in range(BITS):
        x0, x1 = _bar(bit, w)
        m = max((x1 - x0) // 4, 0)
        cell = bgra[y0:y1, x0 + m : max(x1 - m, x0 + m + 1), 1]
        value = (value << 1) | int(cell.mean() > 127)
    return value


def patch_colours(bgra: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Mean premultiplied BGRA of the centre of each colour patch."""
    h, w = bgra.shape[:2]
    y0, y1 = h // 2 + h // 8, h - h // 8
    out = []
    for k in range(3):
        x0, x1 = w * k // 3, w * (k + 1) // 3
        m = (x1 - x0) // 4
        cell = bgra[y0:y1, x0 + m : x1 - m].reshape(-1, 4).mean(axis=0)
        out.append(tuple(int(round(v)) for v in cell))
    return out


# -- writers ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recipe:
    """How to encode one clip."""

    name: str
    container: str  # file suffix: mp4, mkv, mov, webm
    codec: str
    pix_fmt: str
    size: tuple[int, int] = (96, 64)  # display size
    fps: Fraction = Fraction(24)
    frames: int = 48
    options: tuple[tuple[str, str], ...] = ()
    rotation: int = 0  # display rotation, degrees counter-clockwise (a multiple of 90)
    sar: Fraction | None = None
    vfr: bool = False
    alpha: bool = False
    lossless: bool = False
    colorspace: str | None = None  # "bt709" tags the stream (and encodes) as BT.709
    full_range: bool = False
    tags: frozenset[str] = field(default_factory=frozenset)


H264_OPTS = (("g", "12"), ("bframes", "3"), ("x264-params", "open-gop=1"), ("crf", "18"))


def recipes() -> list[Recipe]:
    """Every clip of the suite: containers × codecs, B-frames and open GOP, VFR, rotation,
    non-square pixels, odd sizes, alpha, colour tags and range."""
    r = [
        Recipe(
            "h264_mp4",
            "mp4",
            "libx264",
            "yuv420p",
            options=H264_OPTS,
            tags=frozenset({"bframes", "open-gop"}),
        ),
        Recipe(
            "h264_mkv",
            "mkv",
            "libx264",
            "yuv420p",
            options=H264_OPTS,
            tags=frozenset({"bframes", "open-gop"}),
        ),
        Recipe(
            "h264_mov",
            "mov",
            "libx264",
            "yuv420p",
            options=H264_OPTS,
            tags=frozenset({"bframes", "open-gop"}),
        ),
        Recipe(
            "vp9_webm",
            "webm",
            "libvpx-vp9",
            "yuv420p",
            options=(
                ("g", "12"),
                ("crf", "20"),
                ("b", "0"),
                ("deadline", "realtime"),
                ("cpu-used", "8"),
            ),
        ),
        Recipe(
            "h264_bt709_mp4",
            "mp4",
            "libx264",
            "yuv420p",
            options=H264_OPTS,
            colorspace="bt709",
            tags=frozenset({"bt709"}),
        ),
        Recipe(
            "h264_fullrange_mp4",
            "mp4",
            "libx264",
            "yuvj420p",
            options=H264_OPTS,
            full_range=True,
            tags=frozenset({"full-range"}),
        ),
        Recipe(
            "h264_30000_1001_mp4",
            "mp4",
            "libx264",
            "yuv420p",
            fps=Fraction(30000, 1001),
            options=H264_OPTS,
        ),
        Recipe(
            "h264_vfr_mkv",
            "mkv",
            "libx264",
            "yuv420p",
            vfr=True,
            options=(("g", "12"), ("bframes", "0"), ("crf", "18")),
            tags=frozenset({"vfr"}),
        ),
        Recipe(
            "h264_rot90_mp4",
            "mp4",
            "libx264",
            "yuv420p",
            size=(64, 96),
            rotation=90,
            options=H264_OPTS,
            tags=frozenset({"rotation"}),
        ),
        Recipe(
            "h264_sar2_mp4",
            "mp4",
            "libx264",
            "yuv420p",
            sar=Fraction(2, 1),
            options=H264_OPTS,
            tags=frozenset({"sar"}),
        ),
        Recipe(
            "h264_w100_mp4",
            "mp4",
            "libx264",
            "yuv420p",
            size=(100, 60),
            options=H264_OPTS,
            tags=frozenset({"odd-width"}),
        ),
        Recipe(
            "vp9_odd_webm",
            "webm",
            "libvpx-vp9",
            "yuv420p",
            size=(75, 45),
            options=(
                ("g", "12"),
                ("crf", "20"),
                ("b", "0"),
                ("deadline", "realtime"),
                ("cpu-used", "8"),
            ),
            tags=frozenset({"odd-size"}),
        ),
        Recipe(
            "png_rgba_mov",
            "mov",
            "png",
            "rgba",
            size=(75, 45),
            frames=24,
            alpha=True,
            lossless=True,
            tags=frozenset({"alpha", "odd-size"}),
        ),
        Recipe(
            "qtrle_argb_mov",
            "mov",
            "qtrle",
            "argb",
            frames=24,
            alpha=True,
            lossless=True,
            tags=frozenset({"alpha"}),
        ),
        Recipe(
            "vp9_alpha_webm",
            "webm",
            "libvpx-vp9",
            "yuva420p",
            frames=24,
            alpha=True,
            options=(
                ("g", "12"),
                ("crf", "20"),
                ("b", "0"),
                ("deadline", "realtime"),
                ("cpu-used", "8"),
            ),
            tags=frozenset({"alpha"}),
        ),
    ]
    return r


def vfr_times(n: int) -> list[float]:
    """Irregular presentation times in ms: gaps cycling 30, 50, 20, 70, 40 ms."""
    gaps = (30, 50, 20, 70, 40)
    t, out = 0, []
    for i in range(n):
        out.append(t)
        t += gaps[i % len(gaps)]
    return out


def write(recipe: Recipe, directory: Path) -> Clip:
    """Encode ``recipe`` into ``directory`` and return the clip with its truth."""
    path = directory / f"{recipe.name}.{recipe.container}"
    w, h = recipe.size
    enc_w, enc_h = (h, w) if recipe.rotation % 180 else (w, h)
    if recipe.vfr:
        tb = Fraction(1, 1000)
        pts = vfr_times(recipe.frames)
        times = tuple(p / 1000 for p in pts)
    else:
        tb = 1 / recipe.fps
        pts = list(range(recipe.frames))
        times = tuple(float(i / recipe.fps) for i in range(recipe.frames))
    with av.open(str(path), "w") as c:
        s = c.add_stream(recipe.codec, rate=recipe.fps)
        s.width, s.height, s.pix_fmt = enc_w, enc_h, recipe.pix_fmt
        s.time_base = tb
        s.codec_context.time_base = tb
        if recipe.options:
            s.options = dict(recipe.options)
        if recipe.sar is not None:
            s.codec_context.sample_aspect_ratio = recipe.sar
        if recipe.colorspace == "bt709":
            s.codec_context.colorspace = 1  # AVCOL_SPC_BT709
            s.codec_context.color_primaries = 1
            s.codec_context.color_trc = 1
        if recipe.full_range:
            s.codec_context.color_range = 2  # AVCOL_RANGE_JPEG
        if recipe.rotation:
            s.set_display_rotation(recipe.rotation)
        for i in range(recipe.frames):
            rgba = pattern_rgba(i, w, h, recipe.alpha)
            if recipe.rotation:
                # display = rot(coded, +rotation ccw)  ⇒  coded = rot(display, −rotation)
                rgba = np.ascontiguousarray(np.rot90(rgba, -recipe.rotation // 90))
            frame = _to_frame(rgba, recipe)
            frame.pts = pts[i]
            frame.time_base = tb
            c.mux(s.encode(frame))
        c.mux(s.encode(None))
    return Clip(
        recipe.name,
        path,
        w,
        h,
        times,
        recipe.alpha,
        recipe.lossless,
        recipe.tags | {recipe.container},
    )


def _to_frame(rgba: np.ndarray, recipe: Recipe) -> av.VideoFrame:
    if recipe.alpha:
        frame = av.VideoFrame.from_ndarray(rgba, format="rgba")
    else:
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgba[..., :3]), format="rgb24")
    if recipe.pix_fmt in ("rgba", "rgb24", "argb"):
        return frame if recipe.pix_fmt != "argb" else frame.reformat(format="argb")
    if recipe.colorspace == "bt709" or recipe.full_range:
        return frame.reformat(
            format=recipe.pix_fmt,
            dst_colorspace="ITU709" if recipe.colorspace == "bt709" else None,
            dst_color_range="JPEG" if recipe.full_range else None,
        )
    return frame.reformat(format=recipe.pix_fmt)


def write_all(directory: Path, only: set[str] | None = None) -> list[Clip]:
    directory.mkdir(parents=True, exist_ok=True)
    return [write(r, directory) for r in recipes() if only is None or r.name in only]


def write_big(
    path: Path, width: int = 1920, height: int = 1080, frames: int = 120, fps: int = 30
) -> Path:
    """A benchmark clip: moving gradient + index bars, H.264 (B-frames, GOP 48)."""
    yy, xx = np.mgrid[0:height, 0:width]
    base = ((xx + yy) % 256).astype(np.uint8)
    # Detail that moves, so the stream costs what real footage costs to decode.
    noise = np.random.default_rng(1).integers(0, 64, (height, width + frames * 4), np.uint8)
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = width, height, "yuv420p"
        s.options = {"g": "48", "preset": "veryfast", "crf": "23"}
        for i in range(frames):
            rgb = np.empty((height, width, 3), np.uint8)
            detail = noise[:, i * 4 : i * 4 + width]
            rgb[..., 0] = base + detail
            rgb[..., 1] = base[::-1] + np.uint8(i % 256)
            rgb[..., 2] = 128 + detail
            bars = pattern_rgba(i % MAX_FRAMES, width, height // 4)[..., :3]
            rgb[: height // 4] = bars
            c.mux(s.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        c.mux(s.encode(None))
    return path
