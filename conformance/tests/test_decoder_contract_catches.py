"""The decoder contract can fail: deliberately broken decoders (the pyav decoder with one
fault each) are caught by the check that covers the fault."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from wavyte_decoder_pyav.decoder import PyAVDecoder

from wavyte_conformance.decoder_contract import MAIN_CLIP, DecoderContract
from wavyte_conformance.decoding.media import Clip, write_all
from wavyte_core.errors import AssetError


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Clip]:
    only = {MAIN_CLIP, "png_rgba_mov"}
    return {c.name: c for c in write_all(tmp_path_factory.mktemp("catches"), only)}


class _Session:
    """Wraps a real session; ``shift`` maps the requested time."""

    def __init__(self, inner: Any, shift: Any) -> None:
        self.inner, self.shift = inner, shift
        self.width, self.height, self.fps = inner.width, inner.height, inner.fps

    def frame_at(self, t: float) -> np.ndarray:
        return self.inner.frame_at(self.shift(t))

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.inner.close()


class Nearest(PyAVDecoder):
    """Rounds to the nearest frame instead of showing the frame on screen at t."""

    def open_video(self, path: Path) -> Any:
        s = super().open_video(path)
        fps = float(s.fps)
        return _Session(s, lambda t: round(t * fps) / fps)


class StraightAlpha(PyAVDecoder):
    """Returns straight (un-premultiplied) colour for stills."""

    def decode_image(self, path: Path) -> np.ndarray:
        out = super().decode_image(path).astype(np.int64)
        a = out[..., 3:4]
        out[..., :3] = np.where(a > 0, np.minimum(out[..., :3] * 255 // np.maximum(a, 1), 255), 0)
        return out.astype(np.uint8)


class Anonymous(PyAVDecoder):
    """Errors that do not say which file."""

    def decode_image(self, path: Path) -> np.ndarray:
        try:
            return super().decode_image(path)
        except AssetError:
            raise AssetError("image", "cannot decode") from None

    def open_video(self, path: Path) -> Any:
        try:
            return super().open_video(path)
        except AssetError:
            raise AssetError("video", "cannot open") from None


RELEASE = threading.Event()


class Hangs(PyAVDecoder):
    """A session that never answers a backwards jump."""

    def open_video(self, path: Path) -> Any:
        s = super().open_video(path)
        seen = [0.0]

        def shift(t: float) -> float:
            if t < seen[0]:
                RELEASE.wait()
            seen[0] = t
            return t

        return _Session(s, shift)


class RefusesAlpha(PyAVDecoder):
    def open_video(self, path: Path) -> Any:
        if "rgba" in path.name:
            raise AssetError(str(path), "alpha is not supported")
        return super().open_video(path)


class MonoAudio(PyAVDecoder):
    """One channel instead of the two the role promises."""

    def decode_audio(self, path: Path) -> np.ndarray | None:
        pcm = super().decode_audio(path)
        return None if pcm is None else np.ascontiguousarray(pcm[:, :1])


def _contract(decoder: type, **attrs: object) -> DecoderContract:
    caps = frozenset({"image", "video", "audio"})
    cls = type("T", (DecoderContract,), {"make": staticmethod(decoder), "capabilities": caps})
    for k, v in attrs.items():
        setattr(cls, k, v)
    return cls()


def test_the_unbroken_decoder_passes_the_checks_used_below(
    clips: dict[str, Clip], tmp_path: Path
) -> None:
    c = _contract(PyAVDecoder)
    dec = PyAVDecoder()
    c.test_frames_at_requested_times(dec, clips, MAIN_CLIP)
    c.test_frames_at_requested_times(dec, clips, "png_rgba_mov")
    c.test_seeks_backwards_and_forwards(dec, clips)
    c.test_png_with_alpha_decodes_to_exact_premultiplied_bgra(dec, tmp_path)
    c.test_missing_and_corrupt_images_name_the_file(dec, tmp_path)
    c.test_missing_corrupt_and_truncated_videos_name_the_file(dec, clips, tmp_path)
    c.test_mono_44k1_decodes_to_48k_stereo(dec, tmp_path)


def test_wrong_frame_choice_is_caught(clips: dict[str, Clip]) -> None:
    c = _contract(Nearest)
    with pytest.raises(AssertionError, match="between"):
        c.test_frames_at_requested_times(Nearest(), clips, MAIN_CLIP)
    with pytest.raises(AssertionError, match="expected"):
        c.test_seeks_backwards_and_forwards(Nearest(), clips)


def test_straight_alpha_is_caught(tmp_path: Path) -> None:
    c = _contract(StraightAlpha)
    with pytest.raises(AssertionError):
        c.test_png_with_alpha_decodes_to_exact_premultiplied_bgra(StraightAlpha(), tmp_path)


def test_errors_that_do_not_name_the_file_are_caught(
    clips: dict[str, Clip], tmp_path: Path
) -> None:
    c = _contract(Anonymous)
    with pytest.raises(AssertionError, match="does not name"):
        c.test_missing_and_corrupt_images_name_the_file(Anonymous(), tmp_path)
    with pytest.raises(AssertionError, match="does not name"):
        c.test_missing_corrupt_and_truncated_videos_name_the_file(Anonymous(), clips, tmp_path)


def test_a_hang_is_caught(clips: dict[str, Clip]) -> None:
    c = _contract(Hangs, timeout_s=2.0)
    try:
        with pytest.raises(pytest.fail.Exception, match="no answer"):
            c.test_seeks_backwards_and_forwards(Hangs(), clips)
    finally:
        RELEASE.set()


def test_a_veto_needs_may_veto(clips: dict[str, Clip]) -> None:
    with pytest.raises(AssertionError, match="may_veto"):
        _contract(RefusesAlpha).test_frames_at_requested_times(
            RefusesAlpha(), clips, "png_rgba_mov"
        )
    allowed = _contract(RefusesAlpha, may_veto=frozenset({"alpha"}))
    allowed.test_frames_at_requested_times(RefusesAlpha(), clips, "png_rgba_mov")


def test_wrong_audio_layout_is_caught(tmp_path: Path) -> None:
    with pytest.raises(AssertionError):
        _contract(MonoAudio).test_mono_44k1_decodes_to_48k_stereo(MonoAudio(), tmp_path)
