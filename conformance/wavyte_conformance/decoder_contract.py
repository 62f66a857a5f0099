"""The decoder contract as an abstract pytest class: a decoder plugin subclasses it in its
own tests to certify itself (like `contract` for backends and `effect_contract` for kinds)::

    from wavyte_conformance.decoder_contract import DecoderContract

    class TestMyDecoder(DecoderContract):
        make = staticmethod(MyDecoder)            # the object the plugin's RoleSpec makes
        capabilities = frozenset({"image", "video"})   # what its RoleSpec declares
        may_veto = frozenset({"alpha"})           # clip tags it may refuse at open

Every check uses media the contract generates with PyAV into pytest's temporary folder
(nothing from the network, nothing stored in git) and only the role interface
(`wavyte_core.plugin.roles.Decoder`, sessions as in `wavyte_core.plugin.prepared`):

- ``image``: PNG with alpha decodes to exact premultiplied BGRA (colour = round(c·a/255)),
  random PNGs exactly, JPEG opaque within a few levels; missing, truncated, non-image and
  empty files raise `AssetError` naming the file.
- ``video``: for every clip of the decoding suite (`decoding.media`: H.264 with B-frames and
  open GOP in MP4/MKV/MOV, VP9/WebM, VFR, 30000/1001, rotation, non-square pixels, odd
  sizes, colour tags and range, alpha), the frame at each requested time is the one the
  rule picks (the last frame with pts ≤ t + eps) in order, shuffled, backwards, on 60, 25
  and 29.97 fps timelines, before the start (the first frame) and past the end (the last,
  held without seeking again); alpha sources come out premultiplied. A clip may be refused
  at open only with an `AssetError` naming the file and only when its tags are in
  `may_veto`. Missing, corrupt and truncated videos (cut before the index, or after it so
  frames stop early) raise `AssetError` naming the file. A video without sound decodes to
  no audio.
- ``animated`` (when declared): animated GIF, APNG and WebP (written by OpenCV with mixed
  10/70/40/200/30 ms delays) open as video sessions whose frame at every millisecond is the
  one its own delay says, forwards and after jumps back (a loop), premultiplied where
  transparent, with ``duration`` = the sum of the delays (the loop period); a truncated
  animation raises `AssetError` naming the file.
- ``audio`` (when declared): a 44.1 kHz mono WAV comes out as float32 (n, 2) at 48 kHz with
  its level and pitch; a stereo file keeps left and right; a missing or corrupt audio file
  raises `AssetError` naming it.
- Every call runs under a watchdog (`timeout_s`): a decoder that hangs fails the check
  with "no answer" instead of stalling the test run.

Cost: generating the clips takes about a second per subclass; the whole contract runs in
a few seconds per decoder.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import av
import numpy as np
import pytest

from wavyte_core.errors import AssetError

from .decoding.cases import clip_cases, expected_index, frame_hash, stored_times
from .decoding.media import Clip, read_index, recipes, write_all

__all__ = ["DecoderContract", "write_animation", "write_png", "write_wav"]

#: The clip every single-clip check uses: H.264 in MP4 with B-frames and open GOPs.
MAIN_CLIP = "h264_mp4"


def write_png(path: Path, rgba: np.ndarray) -> Path:
    """A straight-alpha RGBA PNG, written by PyAV."""
    with av.open(str(path), "w", format="image2") as c:
        s = c.add_stream("png", rate=1)
        s.height, s.width = rgba.shape[:2]
        s.pix_fmt = "rgba"
        c.mux(s.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(rgba), format="rgba")))
        c.mux(s.encode(None))
    return path


def write_jpeg(path: Path, rgb: np.ndarray) -> Path:
    with av.open(str(path), "w", format="image2") as c:
        s = c.add_stream("mjpeg", rate=1)
        s.height, s.width = rgb.shape[:2]
        s.pix_fmt = "yuvj420p"
        c.mux(s.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")))
        c.mux(s.encode(None))
    return path


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    """16-bit PCM WAV of float samples in [-1, 1], shape (n,) mono or (n, 2) stereo."""
    stereo = samples.ndim == 2
    layout = "stereo" if stereo else "mono"
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
    with av.open(str(path), "w") as c:
        st = c.add_stream("pcm_s16le", rate=rate)
        st.layout = layout
        for k in range(0, len(pcm), 1000):
            chunk = pcm[k : k + 1000]
            plane = chunk.reshape(1, -1) if stereo else chunk[None, :]  # packed s16
            f = av.AudioFrame.from_ndarray(np.ascontiguousarray(plane), format="s16", layout=layout)
            f.sample_rate, f.pts = rate, k
            c.mux(st.encode(f))
        c.mux(st.encode(None))
    return path


def _faststart_copy(clip: Clip, path: Path) -> Path:
    """The clip's frames re-muxed with the index (moov) first, so that cutting the file
    keeps the index and frames stop early instead of the open failing."""
    with (
        av.open(str(clip.path)) as src,
        av.open(str(path), "w", container_options={"movflags": "+faststart"}) as dst,
    ):
        s_in = src.streams.video[0]
        s_out = dst.add_stream_from_template(s_in)
        for packet in src.demux(s_in):
            if packet.dts is None:
                continue
            packet.stream = s_out
            dst.mux(packet)
    return path


#: The contract's animation: frame i shows red level ANIM_RED[i] for ANIM_DELAYS_MS[i] ms.
ANIM_DELAYS_MS = (10, 70, 40, 200, 30)
ANIM_RED = (0, 72, 144, 216, 252)  # exact in a GIF palette (OpenCV writes 36-level steps)


def write_animation(path: Path) -> Path:
    """An animated GIF, APNG (``.png``) or WebP with `ANIM_DELAYS_MS`, by OpenCV."""
    import cv2

    frames = []
    for r in ANIM_RED:
        f = np.zeros((16, 32, 4), np.uint8)
        f[..., 2], f[..., 3] = r, 255
        frames.append(f)
    anim = cv2.Animation()
    anim.frames, anim.durations, anim.loop_count = frames, list(ANIM_DELAYS_MS), 0
    params = [cv2.IMWRITE_WEBP_QUALITY, 101] if path.suffix == ".webp" else []
    if not cv2.imwriteanimation(str(path), anim, params):  # pragma: no cover
        raise RuntimeError(f"OpenCV could not write {path}")
    return path


def anim_index(bgra: np.ndarray) -> int:
    """Which frame of `write_animation` a decoded frame is (by its red level)."""
    red = int(bgra[8, 16, 2])
    return int(np.argmin([abs(red - r) for r in ANIM_RED]))


def anim_frame_at(t: float) -> int:
    """The frame of `write_animation` showing at ``t`` seconds (the last one holds)."""
    start = 0.0
    for i, d in enumerate(ANIM_DELAYS_MS):
        start += d / 1000
        if t + 1e-6 < start:
            return i
    return len(ANIM_DELAYS_MS) - 1


class DecoderContract:
    """What every decoder must do (the `Decoder` role; see the module docstring)."""

    #: The decoder factory (what the plugin's `RoleSpec.factory` returns).
    make: ClassVar[Callable[[], Any]]
    #: The capabilities the plugin declares: ``image``, ``video``, ``audio``, and
    #: ``animated`` (GIF, APNG and WebP animations as video sessions).
    capabilities: ClassVar[frozenset[str]] = frozenset({"image", "video"})
    #: Clip tags (see `decoding.media.recipes`: ``alpha``, ``vfr``, ``rotation``, ``webm``…)
    #: the decoder may refuse at open with an `AssetError` naming the file.
    may_veto: ClassVar[frozenset[str]] = frozenset()
    #: Seconds one check may take before it counts as a hang.
    timeout_s: ClassVar[float] = 60.0

    # -- fixtures -----------------------------------------------------------------------

    @pytest.fixture
    def dec(self) -> Any:
        return type(self).make()

    @pytest.fixture(scope="class")
    @classmethod
    def clips(cls, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Clip]:
        """The decoding suite's clips, written once per subclass (about a second)."""
        return {c.name: c for c in write_all(tmp_path_factory.mktemp("decoder-contract"))}

    def _needs(self, capability: str) -> None:
        if capability not in self.capabilities:
            pytest.skip(f"the decoder does not declare {capability!r}")

    def _within(self, what: str, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` on a watchdog thread: its result or its exception, or a failure
        naming ``what`` when it does not return within `timeout_s`."""
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["value"] = fn(*args)
            except BaseException as exc:  # noqa: BLE001 — re-raised on the test's thread
                box["error"] = exc

        worker = threading.Thread(target=run, name=f"decoder-contract: {what}", daemon=True)
        worker.start()
        worker.join(self.timeout_s)
        if worker.is_alive():
            pytest.fail(f"{what}: no answer after {self.timeout_s:g} s (the decoder hangs)")
        if "error" in box:
            raise box["error"]
        return box.get("value")

    def _raises_naming(self, what: str, path: Path, fn: Callable[..., Any], *args: Any) -> None:
        try:
            self._within(what, fn, *args)
        except AssetError as exc:
            assert str(path) in str(exc), f"{what}: the error does not name {path}: {exc}"
            return
        pytest.fail(f"{what}: no AssetError for {path}")

    # -- images -------------------------------------------------------------------------

    def test_png_with_alpha_decodes_to_exact_premultiplied_bgra(
        self, dec: Any, tmp_path: Path
    ) -> None:
        self._needs("image")
        c, a = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
        rgba = np.stack([c, (c * 7) % 256, 255 - c, a], axis=-1).astype(np.uint8)
        path = write_png(tmp_path / "a.png", rgba)
        out = self._within("decode_image(png)", dec.decode_image, path)
        assert out.shape == (256, 256, 4) and out.dtype == np.uint8 and out.flags.c_contiguous
        r, g, b, al = (rgba[..., k].astype(np.int64) for k in range(4))
        np.testing.assert_array_equal(out[..., 0], (b * al + 127) // 255)
        np.testing.assert_array_equal(out[..., 1], (g * al + 127) // 255)
        np.testing.assert_array_equal(out[..., 2], (r * al + 127) // 255)
        np.testing.assert_array_equal(out[..., 3], al)

    def test_random_png_decodes_exactly(self, dec: Any, tmp_path: Path) -> None:
        self._needs("image")
        rgba = np.random.default_rng(5).integers(0, 256, (33, 37, 4), np.uint8)
        out = self._within(
            "decode_image(png)", dec.decode_image, write_png(tmp_path / "r.png", rgba)
        )
        want = rgba[..., [2, 1, 0, 3]].astype(np.int64)
        want[..., :3] = (want[..., :3] * want[..., 3:4] + 127) // 255
        np.testing.assert_array_equal(out, want)

    def test_jpeg_decodes_to_its_size_opaque(self, dec: Any, tmp_path: Path) -> None:
        self._needs("image")
        rgb = np.zeros((30, 50, 3), dtype=np.uint8)
        rgb[...] = (200, 100, 40)
        out = self._within(
            "decode_image(jpeg)", dec.decode_image, write_jpeg(tmp_path / "p.jpg", rgb)
        )
        assert out.shape == (30, 50, 4) and out.dtype == np.uint8
        assert (out[..., 3] == 255).all()
        assert np.abs(out[15, 25, :3].astype(int) - (40, 100, 200)).max() <= 4

    def test_missing_and_corrupt_images_name_the_file(self, dec: Any, tmp_path: Path) -> None:
        self._needs("image")
        good = write_png(tmp_path / "g.png", np.full((8, 8, 4), 255, np.uint8))
        truncated = tmp_path / "cut.png"
        truncated.write_bytes(good.read_bytes()[:40])
        text = tmp_path / "notes.png"
        text.write_text("not an image at all\n" * 20)
        empty = tmp_path / "empty.png"
        empty.write_bytes(b"")
        for path in (tmp_path / "missing.png", truncated, text, empty):
            self._raises_naming(f"decode_image({path.name})", path, dec.decode_image, path)

    # -- video --------------------------------------------------------------------------

    @pytest.mark.parametrize("clip_name", [r.name for r in recipes()])
    def test_frames_at_requested_times(
        self, dec: Any, clips: dict[str, Clip], clip_name: str
    ) -> None:
        """In order, shuffled, backwards, between frames on three timelines, past the end,
        alpha premultiplied (`decoding.cases.clip_cases`)."""
        self._needs("video")
        clip = clips[clip_name]
        results = self._within(f"video cases on {clip_name}", clip_cases, dec, "decoder", clip)
        for r in results:
            if r.status == "vetoed":
                allowed = clip.tags & self.may_veto
                assert allowed, f"{clip_name} refused at open, not allowed by may_veto: {r.detail}"
        failed = [f"{r.case}: {r.detail}" for r in results if r.status == "fail"]
        assert not failed, "\n".join(failed)

    def test_seeks_backwards_and_forwards(self, dec: Any, clips: dict[str, Clip]) -> None:
        """One session, jumps both ways across GOPs (and before the start): each frame is
        the right one and the same bytes as in sequential playback."""
        self._needs("video")
        clip = clips[MAIN_CLIP]
        times, eps = stored_times(clip.path)

        def play() -> list[str]:
            problems = []
            with dec.open_video(clip.path) as s:
                sequential = [frame_hash(s.frame_at(t)) for t in times]
            last = times[-1]
            jumps = [0.5, 0.1, last - 0.05, 0.0, 1.0, 1.03, 0.9, 0.75, 1.5, 0.2001, last, 0.4]
            jumps += random.Random(11).sample([t + 0.001 for t in times], 12)
            with dec.open_video(clip.path) as s:
                for t in [*jumps, -0.5, 0.3]:
                    frame = s.frame_at(t)
                    want = expected_index(times, eps, t)
                    got = read_index(frame)
                    if got != want:
                        problems.append(f"t={t:.4f}: shows frame {got}, expected {want}")
                    elif frame_hash(frame) != sequential[want]:
                        problems.append(f"t={t:.4f}: frame {want} differs from sequential decoding")
                if getattr(s, "opens", 1) != 1:
                    problems.append(f"the session opened the file {s.opens} times")
            return problems

        problems = self._within("seeks", play)
        assert not problems, "\n".join(problems)

    # -- animated images ------------------------------------------------------------------

    @pytest.fixture(scope="class")
    @classmethod
    def animations(cls, tmp_path_factory: pytest.TempPathFactory) -> Path:
        d = tmp_path_factory.mktemp("animations")
        for ext in ("gif", "png", "webp"):
            write_animation(d / f"a.{ext}")
        return d

    @pytest.mark.parametrize("ext", ["gif", "png", "webp"])
    def test_animated_images_show_each_frame_for_its_own_delay(
        self, dec: Any, animations: Path, ext: str
    ) -> None:
        """Every millisecond of the animation, then a loop back: the frame whose delay
        covers it (10 ms and 70 ms frames side by side), and ``duration`` its length."""
        self._needs("animated")
        path = animations / f"a.{ext}"
        total = sum(ANIM_DELAYS_MS)

        def play() -> list[str]:
            problems = []
            with dec.open_video(path) as s:
                dur = getattr(s, "duration", None)
                if dur is None or abs(dur - total / 1000) > 1e-6:
                    problems.append(f"duration {dur}, expected {total / 1000}")
                times = [i / 1000 for i in range(total + 20)] + [0.0, 0.015, 0.2]
                for t in times:
                    got = anim_index(s.frame_at(t))
                    want = anim_frame_at(t)
                    if got != want:
                        problems.append(f"t={t:.3f}: frame {got}, expected {want}")
            return problems

        problems = self._within(f"animated {ext}", play)
        assert not problems, f"{path.name}: " + "; ".join(problems[:8])

    def test_truncated_animations_name_the_file(
        self, dec: Any, animations: Path, tmp_path: Path
    ) -> None:
        self._needs("animated")
        for ext in ("gif", "webp"):
            data = (animations / f"a.{ext}").read_bytes()
            bad = tmp_path / f"cut.{ext}"
            bad.write_bytes(data[: len(data) // 3])

            def open_and_read(path: Path = bad) -> None:
                with dec.open_video(path) as s:
                    for i in range(sum(ANIM_DELAYS_MS)):
                        s.frame_at(i / 1000)

            self._raises_naming(f"truncated {ext}", bad, open_and_read)

    def test_missing_corrupt_and_truncated_videos_name_the_file(
        self, dec: Any, clips: dict[str, Clip], tmp_path: Path
    ) -> None:
        self._needs("video")
        clip = clips[MAIN_CLIP]
        times, _ = stored_times(clip.path)
        noise = tmp_path / "noise.mp4"
        noise.write_bytes(np.random.default_rng(3).integers(0, 256, 4000, np.uint8).tobytes())
        data = clip.path.read_bytes()
        cut_index = tmp_path / "cut_before_index.mp4"  # the index (moov) is at the end
        cut_index.write_bytes(data[: len(data) // 2])
        full = _faststart_copy(clip, tmp_path / "faststart.mp4")
        cut_frames = tmp_path / "cut_frames.mp4"  # the index survives, the frames stop early
        cut_frames.write_bytes(full.read_bytes()[: full.stat().st_size // 2])

        def play_all(path: Path) -> None:
            with dec.open_video(path) as s:
                for t in times:
                    s.frame_at(t)

        for path in (tmp_path / "nothere.mp4", noise, cut_index, cut_frames):
            self._raises_naming(f"video {path.name}", path, play_all, path)

    def test_video_without_sound_has_no_audio(self, dec: Any, clips: dict[str, Clip]) -> None:
        self._needs("video")
        path = clips[MAIN_CLIP].path
        assert self._within("decode_audio(silent video)", dec.decode_audio, path) is None

    # -- audio --------------------------------------------------------------------------

    def test_mono_44k1_decodes_to_48k_stereo(self, dec: Any, tmp_path: Path) -> None:
        self._needs("audio")
        rate, seconds, amp = 44100, 1.5, 0.5
        sine = amp * np.sin(2 * np.pi * 440 * np.arange(int(rate * seconds)) / rate)
        path = write_wav(tmp_path / "sine.wav", sine, rate)
        pcm = self._within("decode_audio(wav)", dec.decode_audio, path)
        assert pcm is not None and pcm.dtype == np.float32 and pcm.flags.c_contiguous
        assert pcm.ndim == 2 and pcm.shape[1] == 2
        assert abs(len(pcm) - seconds * 48000) <= 1024
        np.testing.assert_array_equal(pcm[:, 0], pcm[:, 1])
        mid = pcm[4800:-4800, 0].astype(np.float64)
        # ffmpeg's mono -> stereo matrix (the reference's `-ac 2`) is -3 dB per side.
        rms = np.sqrt(np.mean(mid**2))
        assert rms == pytest.approx(amp / np.sqrt(2) * np.sqrt(0.5), rel=0.02)
        crossings = np.count_nonzero(np.diff(np.signbit(mid)))
        assert crossings / 2 / (len(mid) / 48000) == pytest.approx(440, rel=0.01)

    def test_stereo_keeps_left_and_right(self, dec: Any, tmp_path: Path) -> None:
        self._needs("audio")
        rate = 48000
        n = rate  # one second
        left = 0.5 * np.sin(2 * np.pi * 300 * np.arange(n) / rate)
        path = write_wav(tmp_path / "lr.wav", np.stack([left, np.zeros(n)], axis=1), rate)
        pcm = self._within("decode_audio(stereo wav)", dec.decode_audio, path)
        assert pcm is not None and pcm.shape[1] == 2
        assert abs(len(pcm) - n) <= 1024
        assert np.abs(pcm[:, 1]).max() < 1e-3  # the right channel is silent
        assert np.sqrt(np.mean(pcm[:, 0].astype(np.float64) ** 2)) == pytest.approx(
            0.5 / np.sqrt(2), rel=0.02
        )

    def test_missing_and_corrupt_audio_name_the_file(self, dec: Any, tmp_path: Path) -> None:
        self._needs("audio")
        noise = tmp_path / "noise.wav"
        noise.write_bytes(np.random.default_rng(4).integers(0, 256, 3000, np.uint8).tobytes())
        for path in (tmp_path / "gone.wav", noise):
            self._raises_naming(f"decode_audio({path.name})", path, dec.decode_audio, path)
