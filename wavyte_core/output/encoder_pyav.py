"""The core's PyAV encoder: every format of `codecs.CODECS` (H.264, HEVC, VP9, ProRes in
MP4/MOV/MKV/WebM with AAC or Opus audio; PNG/JPEG image sequences; GIF in `encoder_gif`).

Replaces the reference's ``ffmpeg`` child process (wavyte-format.md §6) with the FFmpeg
libraries in-process: no PATH check, no pipe, no zombie process after a killed render.
Defaults equal the ffmpeg CLI's (CRF 23, preset medium, yuv420p, AAC at the codec's
default bitrate, ``movflags=+faststart`` for MP4).

Per frame, the premultiplied BGRA buffer is wrapped without a copy
(`VideoFrame.from_numpy_buffer`) and converted to the codec's YUV format by swscale with the
matrix of ``settings.color_space`` (BT.709 or BT.601, limited range; `ColorConversion`) —
so the encoder's lookahead holds the converted copy, never the caller's buffer, which may
be reused as soon as ``write`` returns. The same matrix is written as the stream's colour
tags (codec context: x264/x265 VUI, VP9 header, the container's ``colr``/Colour element)
and on every frame (ProRes writes the frame's tags into each frame header).

With ``settings.alpha`` the frame is un-premultiplied once into a scratch buffer
(`flatten.Unpremultiplier`) — swscale treats BGRA as straight alpha — and that buffer
is handed over the same way; the swscale conversion copies it before ``encode`` returns.

Audio, when given, is encoded alongside the video (PyAV re-chunks it to the codec's frame
size: 1024 for AAC, 960 for Opus), keeping the file interleaved; its total length is cut or zero-padded to exactly
``frame_to_sample(frames written)`` so audio and video end together (§5.2).
"""

from __future__ import annotations

import contextlib
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from wavyte_core.assets.audio import MIX_SAMPLE_RATE
from wavyte_core.assets.audio import frame_to_sample as audio_frame_to_sample
from wavyte_core.errors import RenderError
from wavyte_core.format.model import Fps
from wavyte_core.output.codecs import AUDIO_CODECS, MUXERS
from wavyte_core.output.flatten import Unpremultiplier
from wavyte_core.output.session_checks import check_settings
from wavyte_core.plugin.roles import EncodeSettings

if TYPE_CHECKING:
    from wavyte_core.output.encoder_gif import GifSession

AUDIO_CHUNK = 1024  # samples per frame handed to PyAV (it re-chunks for the codec)
_FASTSTART_FORMATS = frozenset({"mp4", "mov"})
#: FFmpeg's AVCOL_SPC/PRI/TRC value (the same number in all three tables) per matrix name.
COLOR_TAGS = {"bt709": 1, "bt601": 6}  # BT.709; SMPTE 170M (BT.601, 525-line)
_LIMITED_RANGE = 1  # AVCOL_RANGE_MPEG


def frame_to_sample(n: int, fps: Fraction) -> int:
    """Audio samples (48 kHz) covering ``n`` video frames (§5.2), for a Fraction rate."""
    return audio_frame_to_sample(n, Fps(fps.numerator, fps.denominator))


class PyAVEncoder:
    """`wavyte_core.plugin.roles.Encoder` writing every format of `codecs.CODECS` through PyAV."""

    name = "pyav"

    def open(self, path: Path, settings: EncodeSettings) -> PyAVEncoderSession | GifSession:
        """Open the output file and configure the streams; nothing is written until frames
        arrive. Raises `RenderError` for settings the codec cannot take. For an image
        sequence ``path`` is the file pattern (``dir/frame_%05d.png``)."""
        if settings.codec == "gif":
            from wavyte_core.output.encoder_gif import GifSession

            return GifSession(Path(path), settings)
        return PyAVEncoderSession(Path(path), settings)


class PyAVEncoderSession:
    """One output file. ``write`` is called once per frame, in order, from one thread."""

    def __init__(self, path: Path, s: EncodeSettings) -> None:
        import av  # the core imports PyAV only when it encodes

        self._av = av
        fmt = s.muxer or MUXERS.get(path.suffix.lower())
        if fmt is None or fmt == "gif":
            known = ", ".join(sorted(k for k, v in MUXERS.items() if v != "gif"))
            raise RenderError(f"{path}: unsupported output container {path.suffix!r} (use {known})")
        fps = check_settings(s)
        if s.audio is not None and fmt not in AUDIO_CODECS:
            raise RenderError(f"{path}: {fmt} output carries no audio")
        self._fps = fps
        self._size = (s.height, s.width)
        self._frames = 0
        self._closed = False
        self._unpremul = Unpremultiplier(s.height, s.width) if s.alpha else None
        self._convert: ColorConversion | None = None
        container_options = {"movflags": "+faststart"} if fmt in _FASTSTART_FORMATS else {}
        if fmt == "image2":
            container_options = {"start_number": str(s.first_frame)}
        try:
            self._container = av.open(
                str(path), mode="w", format=fmt, container_options=container_options
            )
        except (av.FFmpegError, OSError) as exc:
            raise RenderError(f"{path}: cannot create output file: {exc}") from None
        try:
            self._video = self._add_video(s, fps)
            self._audio = None
            self._pcm = None
            self._audio_pos = 0
            if s.audio is not None:
                self._pcm = s.audio
                self._audio = self._container.add_stream(s.audio_codec, rate=MIX_SAMPLE_RATE)
                self._audio.layout = "stereo"
                self._audio.time_base = Fraction(1, MIX_SAMPLE_RATE)
        except BaseException:
            self._container.close()
            raise

    def _add_video(self, s: EncodeSettings, fps: Fraction):  # -> av.VideoStream
        av = self._av
        try:
            stream = self._container.add_stream(s.codec, rate=fps)
        except (av.FFmpegError, ValueError) as exc:
            raise RenderError(f"video codec {s.codec!r} is not available: {exc}") from None
        stream.width = s.width
        stream.height = s.height
        stream.pix_fmt = s.pix_fmt
        stream.time_base = Fraction(fps.denominator, fps.numerator)
        cc = stream.codec_context
        cc.time_base = stream.time_base
        cc.framerate = fps
        options = codec_options(s)
        if s.bitrate is not None:
            cc.bit_rate = s.bitrate
        matrix = yuv_matrix(s)
        if matrix is not None:
            # Say which matrix converted the frames, or players guess (BT.709 for HD, BT.601
            # below) and shift the colours when the guess is wrong.
            cc.colorspace = cc.color_primaries = cc.color_trc = COLOR_TAGS[matrix]
            cc.color_range = _LIMITED_RANGE
            self._convert = ColorConversion(s.pix_fmt, matrix)
        if s.codec == "libx265" and self._container.format.name in ("mp4", "mov"):
            cc.codec_tag = "hvc1"  # what Apple players and browsers look for
        stream.options = options
        # Frame threading beats the default slice threading for x264 (DESIGN.md, measured);
        # the other codecs pick their own kind (prores_ks: slices; libvpx: row-mt).
        cc.thread_type = "FRAME" if s.codec == "libx264" else "AUTO"
        if s.threads > 0:
            cc.thread_count = s.threads
        return stream

    def write(self, frame: np.ndarray) -> None:
        """Encode one premultiplied BGRA (H, W, 4) frame; the buffer is not kept."""
        if self._closed:
            raise RenderError("write() after the encoder session was closed")
        av = self._av
        if self._unpremul is not None:
            frame = self._unpremul(frame)
        vf = av.VideoFrame.from_numpy_buffer(frame, format="bgra")
        if self._convert is not None:
            vf = self._convert(vf, self._video.codec_context.thread_count)
        vf.pts = self._frames
        self._frames += 1
        try:
            packets = self._video.encode(vf)
            if self._audio is not None:
                packets += self._encode_audio_until(frame_to_sample(self._frames, self._fps), False)
            self._container.mux(packets)
        except av.FFmpegError as exc:
            raise RenderError(f"encoding frame {self._frames - 1} failed: {exc}") from None

    def _encode_audio_until(self, end: int, final: bool) -> list:
        """Encode whole chunks up to sample ``end`` (and the partial tail if ``final``)."""
        av = self._av
        pcm = self._pcm
        stream = self._audio
        packets: list = []
        pos = self._audio_pos
        while end - pos >= AUDIO_CHUNK or (final and end > pos):
            n = min(AUDIO_CHUNK, end - pos)
            planar = np.zeros((2, n), dtype=np.float32)
            avail = min(max(len(pcm) - pos, 0), n)
            if avail:
                planar[:, :avail] = pcm[pos : pos + avail].T
            af = av.AudioFrame.from_ndarray(planar, format="fltp", layout="stereo")
            af.sample_rate = MIX_SAMPLE_RATE
            af.pts = pos
            af.time_base = Fraction(1, MIX_SAMPLE_RATE)
            packets += stream.encode(af)
            pos += n
        self._audio_pos = pos
        return packets

    def close(self) -> None:
        """Flush both encoders, write the trailer (and the faststart rewrite), close."""
        if self._closed:
            return
        self._closed = True
        av = self._av
        try:
            packets = self._video.encode(None)
            if self._video.codec_context.name == "libx265" and self._frames < X265_DTS_FRAMES:
                _fix_x265_short_dts(packets)
            if self._audio is not None:
                packets += self._encode_audio_until(frame_to_sample(self._frames, self._fps), True)
                packets += self._audio.encode(None)
            self._container.mux(packets)
            self._container.close()
        except av.FFmpegError as exc:
            self._quiet_close()
            raise RenderError(f"finalising the output failed: {exc}") from None

    def abort(self) -> None:
        """Stop without flushing the encoders; the caller deletes the file."""
        if self._closed:
            return
        self._closed = True
        self._quiet_close()

    def _quiet_close(self) -> None:
        with contextlib.suppress(Exception):  # aborting: the file is discarded anyway
            self._container.close()

    @property
    def frames_written(self) -> int:
        return self._frames


#: libx265 derives its DTS offset (the B-frame delay) when its third frame arrives; a file
#: of one or two frames gets DTS from an unset value (garbage: the MP4 muxer refuses it with
#: "Not yet implemented", Matroska stores it).
X265_DTS_FRAMES = 3


def _fix_x265_short_dts(packets: list) -> None:
    """Decode-order DTS for the packets of a libx265 file shorter than `X265_DTS_FRAMES`,
    as x265 stamps longer files: packet ``i`` gets ``i − 2`` (never after its PTS). Called
    once, at ``close``, with every packet of the file (x265's lookahead holds them all)."""
    for i, p in enumerate(packets):
        if p.pts is not None:
            p.dts = min(i - (X265_DTS_FRAMES - 1), p.pts)


def yuv_matrix(s: EncodeSettings) -> str | None:
    """The matrix the session converts with and tags: ``s.color_space``, BT.601 when it
    is None; None for formats that are not limited-range YUV (RGB, palette, JPEG's yuvj)."""
    if not s.pix_fmt.startswith("yuv") or s.pix_fmt.startswith("yuvj"):
        return None
    matrix = s.color_space or "bt601"
    if matrix not in COLOR_TAGS:
        raise RenderError(f"color_space {matrix!r}: expected {' or '.join(COLOR_TAGS)}")
    return matrix


class ColorConversion:
    """BGRA → the codec's YUV format with one matrix, limited range, frames tagged with it.

    Called once per frame on the encoder thread. What PyAV's ``encode`` would do by itself
    (swscale, bilinear, the codec's thread count), but with the matrix said explicitly:
    left alone, swscale uses BT.601 whatever the tags claim. The result is a new frame, so
    the caller's buffer is free when this returns."""

    def __init__(self, pix_fmt: str, matrix: str) -> None:
        from av.video.reformatter import ColorRange, Colorspace, VideoReformatter

        self._reformatter = VideoReformatter()
        self._pix_fmt = pix_fmt
        self._space = Colorspace.ITU709 if matrix == "bt709" else Colorspace.ITU601
        self._range = ColorRange.MPEG
        self._tag = COLOR_TAGS[matrix]

    def __call__(self, vf: Any, threads: int) -> Any:  # av.VideoFrame -> av.VideoFrame
        out = self._reformatter.reformat(
            vf,
            format=self._pix_fmt,
            dst_colorspace=self._space,
            dst_color_range=self._range,
            threads=threads,
        )
        out.colorspace = out.color_primaries = out.color_trc = self._tag
        out.color_range = _LIMITED_RANGE
        return out


def codec_options(s: EncodeSettings) -> dict[str, str]:
    """The FFmpeg encoder options (AVOptions) for the settings' quality fields."""
    o: dict[str, str] = {}
    if s.codec in ("libx264", "libx265"):
        if s.bitrate is None and s.crf is not None:
            o["crf"] = str(s.crf)
        if s.preset is not None:
            o["preset"] = s.preset
        if s.profile is not None:
            o["profile"] = s.profile
        if s.codec == "libx264":
            o.update(_x264_options(s.gop))
        if s.codec == "libx265":
            o["x265-params"] = "log-level=error"  # x265 prints its banner to stderr otherwise
    elif s.codec == "libvpx-vp9":
        if s.bitrate is None:
            o["crf"] = str(s.crf if s.crf is not None else 32)
            o["b"] = "0"  # constant quality
        o.update({"deadline": "good", "cpu-used": "4", "row-mt": "1"})
    elif s.codec == "prores_ks":
        o["profile"] = s.profile or ("4444" if s.alpha else "hq")
        o["vendor"] = "apl0"  # Final Cut / QuickTime read it as Apple's own
    elif s.codec == "mjpeg":
        q = str(s.qscale if s.qscale is not None else 3)
        o.update({"qmin": q, "qmax": q})
    return o


#: x264's own parameters for every H.264 encode. ``cpu-independent=1`` makes x264 use its C
#: MB-tree propagation (``mbtree_propagate_cost``/``_list``) instead of the SIMD versions,
#: which approximate in float and so differ per instruction set. Without it the bytes depend
#: on the CPU (a segment encoded on an AVX2 worker differs from one made on an AVX-512
#: worker) and, worse, on memory: with AVX-512 the same frames and settings gave different
#: bytes from one encode to the next in a process whose heap held other data (measured:
#: 4 outputs in 30 encodes at 160x90; the flaky byte-equality tests of segments.py). With
#: it the output equals x264's pure-C output (``asm=0``) on every CPU.
X264_PARAMS = ("cpu-independent=1",)


def _x264_options(gop: int | None) -> dict[str, str]:
    """x264 options: `X264_PARAMS`, and with ``gop`` (`EncodeSettings.gop`) a fixed closed
    GOP: a keyframe exactly every ``gop`` frames and nowhere else, headers independent of
    the content (``stitchable``), so separately encoded segments join by remux."""
    params = list(X264_PARAMS)
    o: dict[str, str] = {}
    if gop is not None:
        if gop < 1:
            raise RenderError(f"gop must be >= 1 frame, got {gop}")
        o.update({"g": str(gop), "keyint_min": str(gop), "sc_threshold": "0"})
        params += [f"keyint={gop}", f"min-keyint={gop}", "scenecut=0", "open-gop=0", "stitchable=1"]
    o["x264-params"] = ":".join(params)
    return o
