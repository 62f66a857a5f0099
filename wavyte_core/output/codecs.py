"""Output codecs: one table that drives option checking, the encoder, ``--help`` and the README.

Every output format wavyte writes is a `CodecProfile` in `CODECS`. `resolve_output` turns a
target path and the user's options into one frozen `OutputSettings` — or raises a one-line
`RenderError` — *before* anything is prepared or written: an unknown codec, a container the
codec cannot go in, an option the codec does not take, an out-of-range value, alpha asked
of a codec that cannot carry it, a profile the pixel format cannot hold, or an encoder
missing from the installed FFmpeg build.

That object is the only thing that travels: the CLI (whose flags are generated from
`OUTPUT_OPTIONS`), ``wv.render``/``RenderJob.render`` (whose ``**options`` are
`resolve_output`'s keywords), segmented renders and batches all hand it down to the render
loop, which asks it for the encoder's `EncodeSettings` once the canvas is known. Adding an
option means touching `OUTPUT_OPTIONS`, `resolve_output`, `OutputSettings` and the encoder.

Colour: YUV outputs of the video codecs are converted with the BT.709 matrix and tagged
BT.709 when the canvas is HD (at least 1280 wide or 720 high), BT.601 (SMPTE 170M) below,
unless ``color_space`` says ``bt709`` or ``bt601``; always limited range
(`OutputSettings.matrix`).

Image sequences are chosen by a ``%d`` pattern in the target (``out/frame_%05d.png``);
files are numbered by the composition's frame index.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wavyte_core.errors import RenderError

if TYPE_CHECKING:  # the CLI imports this module for --help: keep it light
    import numpy as np

    from wavyte_core.plugin.roles import EncodeSettings

__all__ = [
    "CODECS",
    "COLOR_SPACES",
    "DITHERS",
    "OUTPUT_OPTIONS",
    "PALETTES",
    "CodecProfile",
    "OutputOption",
    "OutputSettings",
    "OutputSpec",
    "codec_help",
    "codec_table_markdown",
    "resolve_output",
]

X264_PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
    "placebo",
)
PALETTES = ("video", "frame")
DITHERS = (
    "sierra2_4a",
    "bayer",
    "floyd_steinberg",
    "sierra2",
    "sierra3",
    "burkes",
    "atkinson",
    "heckbert",
    "none",
)
PRORES_PROFILES = ("proxy", "lt", "standard", "hq", "4444", "4444xq")
#: ``color_space`` values: ``auto`` is BT.709 for HD canvases, BT.601 below.
COLOR_SPACES = ("auto", "bt709", "bt601")
#: The canvas is HD (BT.709 under ``color_space=auto``) from this width or this height on.
HD_WIDTH, HD_HEIGHT = 1280, 720

#: FFmpeg muxer per container suffix.
MUXERS = {
    ".mp4": "mp4",
    ".m4v": "mp4",
    ".mov": "mov",
    ".mkv": "matroska",
    ".webm": "webm",
    ".gif": "gif",
}
#: Audio encoder per muxer; muxers not listed carry no audio.
AUDIO_CODECS = {"mp4": "aac", "mov": "aac", "matroska": "aac", "webm": "libopus"}
#: Pixel formats whose chroma is subsampled horizontally / vertically (need even sizes).
_HALF_WIDTH = frozenset({"yuv420p", "yuv420p10le", "yuva420p", "yuv422p10le", "yuvj420p"})
_HALF_HEIGHT = frozenset({"yuv420p", "yuv420p10le", "yuva420p", "yuvj420p"})

_PATTERN = re.compile(r"%0?(\d*)d")


@dataclass(frozen=True, slots=True)
class CodecProfile:
    """One output format. ``options`` names the quality options it accepts."""

    name: str
    encoder: str  # FFmpeg encoder name
    suffixes: tuple[str, ...]  # accepted container (or image) suffixes, the first is the default
    pix_fmts: tuple[str, ...]  # accepted --pix-fmt values, the first is the default
    alpha_pix_fmt: str | None = None  # None: the codec cannot carry alpha
    alpha_suffixes: tuple[str, ...] = ()  # containers that keep the alpha (default: all)
    options: tuple[str, ...] = ()
    crf: tuple[int, int, int] | None = None  # (lowest, highest, default)
    profiles: tuple[str, ...] = ()
    default_profile: str | None = None
    sequence: bool = False
    summary: str = ""

    @property
    def alpha(self) -> bool:
        return self.alpha_pix_fmt is not None


CODECS: dict[str, CodecProfile] = {
    p.name: p
    for p in (
        CodecProfile(
            "h264",
            "libx264",
            (".mp4", ".mov", ".mkv", ".m4v"),
            ("yuv420p", "yuv444p", "yuv420p10le"),
            options=("crf", "preset", "bitrate", "profile", "pix_fmt", "color_space"),
            crf=(0, 51, 23),
            profiles=("baseline", "main", "high", "high10", "high444"),
            summary="H.264 (libx264); AAC audio",
        ),
        CodecProfile(
            "h265",
            "libx265",
            (".mp4", ".mov", ".mkv"),
            ("yuv420p", "yuv420p10le", "yuv444p"),
            options=("crf", "preset", "bitrate", "profile", "pix_fmt", "color_space"),
            crf=(0, 51, 28),
            profiles=("main", "main10", "main444-8"),
            summary="HEVC (libx265, tagged hvc1 for Apple players); AAC audio",
        ),
        CodecProfile(
            "vp9",
            "libvpx-vp9",
            (".webm", ".mkv"),
            ("yuv420p", "yuv444p"),
            alpha_pix_fmt="yuva420p",
            alpha_suffixes=(".webm", ".mkv"),
            options=("crf", "bitrate", "pix_fmt", "color_space"),
            crf=(0, 63, 32),
            summary="VP9 (libvpx, constant quality unless --bitrate); Opus audio in WebM",
        ),
        CodecProfile(
            "prores",
            "prores_ks",
            (".mov",),
            ("yuv422p10le", "yuv444p10le"),
            alpha_pix_fmt="yuva444p10le",
            options=("profile", "color_space"),
            profiles=PRORES_PROFILES,
            default_profile="hq",
            summary="Apple ProRes (prores_ks): 422 HQ, or 4444 with alpha; AAC audio",
        ),
        CodecProfile(
            "gif",
            "gif",
            (".gif",),
            ("pal8",),
            options=("palette", "dither"),
            summary="animated GIF, 256 colours per video or per frame; no audio",
        ),
        CodecProfile(
            "png",
            "png",
            (".png",),
            ("rgb24",),
            alpha_pix_fmt="rgba",
            sequence=True,
            summary="PNG image sequence (lossless, alpha exact); no audio",
        ),
        CodecProfile(
            "jpeg",
            "mjpeg",
            (".jpg", ".jpeg"),
            ("yuvj420p", "yuvj444p"),
            options=("qscale", "pix_fmt"),
            sequence=True,
            summary="JPEG image sequence (qscale 2 best … 31); no audio",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class OutputOption:
    """One user-facing output option: a keyword of `resolve_output` and of
    ``RenderJob.render``, and a ``wavyte render``/``wavyte batch`` flag generated from it."""

    name: str
    kind: type  # str, int or bool (a flag)
    help: str
    short: str | None = None  # one-letter CLI alias
    panel: bool = True  # listed under the CLI's quality panel

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


#: Every output option, in ``--help`` order. `resolve_output` takes exactly these keywords
#: (a test keeps the two in step); the CLI builds its flags from this table.
OUTPUT_OPTIONS: tuple[OutputOption, ...] = (
    OutputOption(
        "codec", str, "Codec (default from the suffix; .mov + --alpha = prores).", "-c", False
    ),
    OutputOption(
        "alpha",
        bool,
        "Keep transparency (prores 4444, vp9 yuva420p, png): rendered on a transparent "
        "background unless --background has alpha.",
        panel=False,
    ),
    OutputOption("crf", int, "Constant quality, lower is better:"),
    OutputOption("preset", str, "h264/h265 speed preset: ultrafast … veryslow (medium)."),
    OutputOption("bitrate", str, "Target bitrate instead of crf (h264, h265, vp9), e.g. 8M."),
    OutputOption("profile", str, "Codec profile (10-bit and 4:4:4 profiles pick their pix_fmt)."),
    OutputOption("pix_fmt", str, "Pixel format."),
    OutputOption(
        "color_space",
        str,
        "YUV matrix and tags of h264/h265/vp9/prores: auto (bt709 from 1280 wide or 720 "
        "high, else bt601), bt709, bt601.",
    ),
    OutputOption(
        "palette", str, "gif: video (one palette for the whole GIF, default) or frame (per frame)."
    ),
    OutputOption("dither", str, "gif dithering: " + ", ".join(DITHERS) + f" ({DITHERS[0]})."),
    OutputOption("qscale", int, "jpeg: quantiser 2 (best) … 31 (3)."),
)
OUTPUT_OPTION_NAMES = tuple(o.name for o in OUTPUT_OPTIONS)


def option_cli_help(opt: OutputOption) -> str:
    """The ``--help`` text of one option, with the per-codec values from `CODECS`."""
    if opt.name == "codec":
        return f"{opt.help} {codec_help()}."
    if opt.name in ("crf", "profile", "pix_fmt"):
        return f"{opt.help} {option_help(opt.name)}."
    return opt.help


@dataclass(frozen=True, slots=True)
class OutputSettings:
    """A checked output request: where to write, with what, and how. Built once by
    `resolve_output` (never by hand) and handed down unchanged; `settings` gives the
    encoder's view once the canvas size is known."""

    target: Path
    codec: CodecProfile
    muxer: str  # FFmpeg muxer name ("image2" for sequences)
    alpha: bool
    pix_fmt: str
    crf: int | None
    preset: str | None
    bitrate: int | None
    profile: str | None
    palette: str
    dither: str
    qscale: int | None
    color_space: str | None = None  # auto | bt709 | bt601; None: the codec has no YUV matrix
    #: Encoder threads (0: the codec decides) and a fixed closed GOP (None: the codec's own
    #: keyframes). Not user options: segmented renders set both (`for_segment`).
    threads: int = 0
    gop: int | None = None

    @property
    def sequence(self) -> bool:
        return self.codec.sequence

    @property
    def audio_codec(self) -> str | None:
        """The audio encoder for this container, None when it carries no audio."""
        return AUDIO_CODECS.get(self.muxer)

    def retarget(self, target: str | Path) -> OutputSettings:
        """The same settings for another file of the same kind (a batch row, a segment)."""
        path = Path(target)
        if path.suffix.lower() not in self.codec.suffixes or (
            is_sequence_pattern(path) != self.sequence
        ):
            raise RenderError(f"{path}: not a {self.codec.name} {self.target.suffix} output")
        muxer = self.muxer if self.sequence else MUXERS[path.suffix.lower()]
        return dataclasses.replace(self, target=path, muxer=muxer)

    def for_segment(self, target: str | Path, gop: int, threads: int) -> OutputSettings:
        """The settings of one segment of a segmented render: ``target``, a closed GOP of
        ``gop`` frames and a fixed encoder thread count (x264's bytes depend on it)."""
        if gop < 1:
            raise RenderError(f"gop must be >= 1 frame, got {gop}")
        if threads < 1:
            raise RenderError(f"segment encoder threads must be fixed (>= 1), got {threads}")
        return dataclasses.replace(self.retarget(target), gop=gop, threads=threads)

    def matrix(self, width: int, height: int) -> str | None:
        """The YUV matrix (and colour tags) for a ``width`` x ``height`` output: ``bt709``
        or ``bt601``; None for formats without one (GIF, PNG) and for JPEG (JFIF: BT.601
        full range, untagged)."""
        if self.color_space is None:
            return None
        if self.color_space != "auto":
            return self.color_space
        return "bt709" if width >= HD_WIDTH or height >= HD_HEIGHT else "bt601"

    def check_canvas(self, width: int, height: int) -> None:
        """Size rules of the pixel format (4:2:0 needs even sizes, 4:2:2 an even width)."""
        if (self.pix_fmt in _HALF_WIDTH and width % 2) or (
            self.pix_fmt in _HALF_HEIGHT and height % 2
        ):
            raise RenderError(
                f"canvas {width}x{height}: {self.codec.name} with {self.pix_fmt} needs an even "
                f"{'width and height' if self.pix_fmt in _HALF_HEIGHT else 'width'}"
            )

    def settings(
        self,
        width: int,
        height: int,
        fps: Fraction,
        audio: np.ndarray | None = None,
        first_frame: int = 0,
    ) -> EncodeSettings:
        """What the encoder session is opened with, for this canvas; called once per
        output file."""
        from wavyte_core.plugin.roles import EncodeSettings

        return EncodeSettings(
            width=width,
            height=height,
            fps=fps,
            crf=self.crf,
            preset=self.preset,
            codec=self.codec.encoder,
            pix_fmt=self.pix_fmt,
            threads=self.threads,
            audio=audio if self.audio_codec is not None else None,
            audio_codec=self.audio_codec or "aac",
            alpha=self.alpha,
            bitrate=self.bitrate,
            profile=self.profile,
            muxer=self.muxer,
            palette=self.palette,
            dither=self.dither,
            qscale=self.qscale,
            first_frame=first_frame,
            gop=self.gop,
            color_space=self.matrix(width, height),
        )


#: The former name of `OutputSettings`.
OutputSpec = OutputSettings


def is_sequence_pattern(target: str | Path) -> bool:
    return _PATTERN.search(Path(target).name) is not None


def parse_bitrate(text: str | int) -> int:
    """``8M``, ``2500k``, ``800000`` → bits per second."""
    if isinstance(text, int):
        value = text
    else:
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
        if m is None:
            raise RenderError(f"bitrate {text!r}: expected a number of bits/s like 8M or 2500k")
        scale = {"": 1, "k": 1000, "m": 1_000_000}[m.group(2).lower()]
        value = int(float(m.group(1)) * scale)
    if not 10_000 <= value <= 2_000_000_000:
        raise RenderError(f"bitrate {text!r}: expected 10k … 2000M bits/s")
    return value


def _infer_codec(target: Path, alpha: bool) -> CodecProfile:
    suffix = target.suffix.lower()
    if is_sequence_pattern(target):
        for p in CODECS.values():
            if p.sequence and suffix in p.suffixes:
                return p
        raise RenderError(f"{target}: image sequences are .png or .jpg (e.g. out/frame_%05d.png)")
    if suffix == ".webm":
        return CODECS["vp9"]
    if suffix == ".gif":
        return CODECS["gif"]
    if suffix in (".png", ".jpg", ".jpeg"):
        raise RenderError(
            f"{target}: an image sequence needs a frame-number pattern, "
            f"e.g. {target.with_name(target.stem + '_%05d' + target.suffix)}"
        )
    if suffix == ".mov" and alpha:
        return CODECS["prores"]
    if suffix not in MUXERS:
        known = ", ".join(sorted({s for p in CODECS.values() for s in p.suffixes}))
        raise RenderError(f"{target}: unsupported output type {target.suffix!r} (use {known})")
    return CODECS["h264"]


def _available(encoder: str) -> bool:
    import av

    return encoder in av.codecs_available


def resolve_output(
    target: str | Path,
    *,
    codec: str | None = None,
    alpha: bool = False,
    crf: int | None = None,
    preset: str | None = None,
    bitrate: str | int | None = None,
    profile: str | None = None,
    pix_fmt: str | None = None,
    color_space: str | None = None,
    palette: str | None = None,
    dither: str | None = None,
    qscale: int | None = None,
) -> OutputSettings:
    """Check an output request completely; nothing is touched on disk. Called once per
    render (or batch), before anything is prepared.

    ``codec`` None picks one from the suffix (.webm → vp9, .gif → gif, a ``%05d.png``
    pattern → png, .mov with alpha → prores, otherwise h264). Options left None take the
    codec's defaults; an option the codec does not take is an error, not ignored. A 10-bit
    or 4:4:4 ``profile`` without ``pix_fmt`` picks the pixel format it needs (high10 →
    yuv420p10le); with a ``pix_fmt`` it cannot hold, the request is refused.
    """
    path = Path(target)
    if codec is None:
        prof = _infer_codec(path, alpha)
    else:
        prof = CODECS.get(codec.strip().lower())  # type: ignore[assignment]
        if prof is None:
            raise RenderError(f"codec {codec!r}: expected one of {', '.join(CODECS)}")
    suffix = path.suffix.lower()
    name = prof.name
    if prof.sequence:
        if not is_sequence_pattern(path):
            raise RenderError(
                f"{path}: codec {name} writes an image sequence; give a pattern like "
                f"out/frame_%05d{prof.suffixes[0]}"
            )
        if suffix not in prof.suffixes:
            raise RenderError(f"{path}: codec {name} writes {' or '.join(prof.suffixes)} files")
        if len(_PATTERN.findall(path.name)) != 1:
            raise RenderError(f"{path}: the file name needs exactly one %d / %05d pattern")
        muxer = "image2"
    else:
        if is_sequence_pattern(path):
            raise RenderError(
                f"{path}: a %d pattern is for image sequences (codec png or jpeg), not {name}"
            )
        if suffix not in prof.suffixes:
            raise RenderError(
                f"{path}: codec {name} cannot go in a {suffix or 'suffix-less'} file "
                f"(use {', '.join(prof.suffixes)})"
            )
        muxer = MUXERS[suffix]
    given = {
        "crf": crf,
        "preset": preset,
        "bitrate": bitrate,
        "profile": profile,
        "pix_fmt": pix_fmt,
        "color_space": color_space,
        "palette": palette,
        "dither": dither,
        "qscale": qscale,
    }
    for opt, value in given.items():
        if value is not None and opt not in prof.options:
            takes = ", ".join(prof.options) or "no quality options"
            raise RenderError(f"option {opt} does not apply to codec {name} (it takes: {takes})")
    if alpha:
        if not prof.alpha:
            with_alpha = ", ".join(p.name for p in CODECS.values() if p.alpha)
            raise RenderError(f"codec {name} cannot carry alpha (use {with_alpha})")
        if prof.alpha_suffixes and suffix not in prof.alpha_suffixes:
            raise RenderError(
                f"{path}: {name} alpha needs a {' or '.join(prof.alpha_suffixes)} container"
            )
        if pix_fmt is not None:
            raise RenderError(
                f"option pix_fmt cannot be combined with alpha ({name} uses {prof.alpha_pix_fmt})"
            )
    if crf is not None and prof.crf is not None:
        lo, hi, _ = prof.crf
        if not lo <= crf <= hi:
            raise RenderError(f"crf {crf}: {name} takes {lo} … {hi}")
    if crf is not None and bitrate is not None:
        raise RenderError("give crf or bitrate, not both")
    if preset is not None and preset not in X264_PRESETS:
        raise RenderError(f"preset {preset!r}: expected one of {', '.join(X264_PRESETS)}")
    if pix_fmt is not None and pix_fmt not in prof.pix_fmts:
        raise RenderError(f"pix_fmt {pix_fmt!r}: {name} takes {', '.join(prof.pix_fmts)}")
    if profile is not None and profile not in prof.profiles:
        raise RenderError(f"profile {profile!r}: {name} takes {', '.join(prof.profiles)}")
    if color_space is not None and color_space not in COLOR_SPACES:
        raise RenderError(f"color_space {color_space!r}: expected one of {', '.join(COLOR_SPACES)}")
    if palette is not None and palette not in PALETTES:
        raise RenderError(f"palette {palette!r}: expected one of {', '.join(PALETTES)}")
    if dither is not None and dither not in DITHERS:
        raise RenderError(f"dither {dither!r}: expected one of {', '.join(DITHERS)}")
    if qscale is not None and not 2 <= qscale <= 31:
        raise RenderError(f"qscale {qscale}: expected 2 (best) … 31")
    rate = None if bitrate is None else parse_bitrate(bitrate)

    if name == "prores":
        profile = profile or ("4444" if alpha else prof.default_profile)
        if alpha and profile not in ("4444", "4444xq"):
            raise RenderError(f"profile {profile}: ProRes alpha needs profile 4444 or 4444xq")
        fmt = (
            prof.alpha_pix_fmt
            if alpha
            else ("yuv444p10le" if profile.startswith("4444") else "yuv422p10le")
        )
    elif name in ("h264", "h265") and profile is not None:
        fmt = _x26x_pix_fmt(name, profile, pix_fmt)
    else:
        fmt = prof.alpha_pix_fmt if alpha else (pix_fmt or prof.pix_fmts[0])
    assert fmt is not None

    spec = OutputSettings(
        target=path,
        codec=prof,
        muxer=muxer,
        alpha=alpha,
        pix_fmt=fmt,
        crf=(crf if crf is not None else prof.crf[2]) if prof.crf and rate is None else None,
        preset=(preset or "medium") if "preset" in prof.options else None,
        bitrate=rate,
        profile=profile,
        palette=palette or PALETTES[0],
        dither=dither or DITHERS[0],
        qscale=(qscale if qscale is not None else 3) if "qscale" in prof.options else None,
        color_space=(color_space or "auto") if "color_space" in prof.options else None,
    )
    missing = [e for e in (prof.encoder, spec.audio_codec) if e is not None and not _available(e)]
    if missing:
        raise RenderError(
            f"codec {name}: the installed PyAV's FFmpeg has no {missing[0]} encoder "
            "(install a PyAV wheel built with it)"
        )
    return spec


def output_settings(out: str | Path | OutputSettings, options: dict[str, Any]) -> OutputSettings:
    """``out`` when it is already resolved (then no ``options`` may come with it), else
    `resolve_output` of ``out`` and ``options``; an unknown option is a `RenderError`.
    Where the API's ``**options`` meet the one settings object."""
    if isinstance(out, OutputSettings):
        if options:
            raise RenderError(f"options {sorted(options)} given with resolved OutputSettings")
        return out
    unknown = sorted(set(options) - set(OUTPUT_OPTION_NAMES))
    if unknown:
        raise RenderError(
            f"unknown output option {unknown[0]!r} (expected {', '.join(OUTPUT_OPTION_NAMES)})"
        )
    return resolve_output(out, **options)


#: The pixel formats each x264/x265 profile writes, the first one picked when no pix_fmt is
#: given. x264 and x265 treat a profile as a ceiling: 8-bit input under ``high10`` would be
#: written as plain 8-bit High, so a profile never gets a pixel format outside its list.
X26X_PROFILE_PIX_FMTS = {
    "baseline": ("yuv420p",),
    "main": ("yuv420p",),
    "high": ("yuv420p",),
    "high10": ("yuv420p10le",),
    "main10": ("yuv420p10le",),
    "high444": ("yuv444p",),
    "main444-8": ("yuv444p",),
}


def _x26x_pix_fmt(name: str, profile: str, pix_fmt: str | None) -> str:
    """The pixel format of an x264/x265 ``profile``: the one it needs when none is given;
    a given one it cannot hold (libx264 would fail late, or write another profile) is an
    error."""
    need = X26X_PROFILE_PIX_FMTS[profile]
    if pix_fmt is None:
        return need[0]
    if pix_fmt not in need:
        raise RenderError(
            f"profile {profile} of {name} cannot hold pix_fmt {pix_fmt} "
            f"(it writes {' or '.join(need)}; leave pix_fmt out to get it)"
        )
    return pix_fmt


def codec_help() -> str:
    """One line per codec for ``wavyte render --help``."""
    lines = []
    for p in CODECS.values():
        extra = " (alpha)" if p.alpha else ""
        lines.append(f"{p.name}{extra}: {'/'.join(p.suffixes)}")
    return "; ".join(lines)


def option_help(option: str) -> str:
    """Which codecs take ``option`` and their values/defaults, for ``--help``, from `CODECS`."""
    parts = []
    for p in CODECS.values():
        if option not in p.options:
            continue
        if option == "crf" and p.crf:
            parts.append(f"{p.name} {p.crf[0]}-{p.crf[1]} ({p.crf[2]})")
        elif option == "profile":
            dflt = f" (default {p.default_profile}; 4444 with --alpha)" if p.default_profile else ""
            parts.append(f"{p.name}: {', '.join(p.profiles)}{dflt}")
        elif option == "pix_fmt":
            parts.append(f"{p.name}: {', '.join(p.pix_fmts)} (default {p.pix_fmts[0]})")
        else:
            parts.append(p.name)
    return "; ".join(parts)


def codec_table_markdown() -> str:
    """The README's codec table, generated from `CODECS` (kept in sync by a test)."""
    rows = [
        "| codec | files | alpha | options (default) | notes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for p in CODECS.values():
        opts = []
        for o in p.options:
            if o == "crf" and p.crf:
                opts.append(f"crf {p.crf[0]}–{p.crf[1]} ({p.crf[2]})")
            elif o == "preset":
                opts.append("preset (medium)")
            elif o == "profile":
                opts.append(
                    f"profile {'/'.join(p.profiles)}"
                    + (f" ({p.default_profile})" if p.default_profile else "")
                )
            elif o == "pix_fmt":
                opts.append(f"pix_fmt {'/'.join(p.pix_fmts)} ({p.pix_fmts[0]})")
            elif o == "palette":
                opts.append("palette video/frame (video)")
            elif o == "dither":
                opts.append(f"dither ({DITHERS[0]})")
            elif o == "qscale":
                opts.append("qscale 2–31 (3)")
            elif o == "color_space":
                opts.append("color_space auto/bt709/bt601 (auto)")
            else:
                opts.append(o)
        files = ", ".join(("…_%05d" if p.sequence else "") + s for s in p.suffixes)
        alpha = p.alpha_pix_fmt or "—"
        rows.append(f"| {p.name} | {files} | {alpha} | {', '.join(opts) or '—'} | {p.summary} |")
    return "\n".join(rows)
