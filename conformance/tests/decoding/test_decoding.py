"""The decoding suite across installed video decoders: they agree with each other, and the
cases as data (`run_decoder_conformance`) can fail. Each decoder certifies itself with
`wavyte_conformance.decoder_contract.DecoderContract` in its own tests (the pyav and opencv
plugins' tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wavyte_conformance.decoding.cases import compare_decoders, run_decoder_conformance
from wavyte_conformance.decoding.media import Clip, write_all
from wavyte_core.plugin.registry import default_registry


def _video_decoders() -> list[str]:
    reg = default_registry()
    return [n for n in reg.available("decoder") if "video" in reg.roles["decoder"][n].capabilities]


DECODERS = _video_decoders()


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Clip]:
    return write_all(tmp_path_factory.mktemp("decoding"))


@pytest.mark.skipif(len(DECODERS) < 2, reason="cross-decoder agreement needs two video decoders")
def test_decoders_agree_within_tolerance(clips: list[Clip]) -> None:
    reg = default_registry()
    ref, others = DECODERS[0], DECODERS[1:]
    for other in others:
        results = compare_decoders(
            lambda: reg.create("decoder", ref), lambda o=other: reg.create("decoder", o), clips
        )
        failed = [f"{r.clip}: {r.detail}" for r in results if r.status == "fail"]
        assert not failed, "\n".join(failed)
        assert sum(r.status == "pass" for r in results) >= len(clips) - 3


def test_the_suite_catches_a_decoder_that_ignores_the_frame_rule(
    clips: list[Clip], tmp_path: Path
) -> None:
    """The cases can fail: a decoder that rounds to the nearest frame is caught."""
    reg = default_registry()

    class Nearest:
        name = "nearest"

        def __init__(self) -> None:
            self.inner = reg.create("decoder", DECODERS[0])

        def open_video(self, path: Path):
            s = self.inner.open_video(path)
            fps = float(s.fps)
            orig = s.frame_at
            s.frame_at = lambda t: orig((round(t * fps) + 0.0) / fps)
            return s

    results = run_decoder_conformance(Nearest, [c for c in clips if c.name == "h264_mp4"])
    assert any(r.case == "between" and r.status == "fail" for r in results)
