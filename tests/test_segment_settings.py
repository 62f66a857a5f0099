"""What segmented renders' determinism rests on, pinned.

A segmented file is byte-identical however many workers made it only because every segment
is encoded with exactly the same x264 settings (`segments.segment_output`): a closed,
fixed GOP and a fixed thread count. Changing any of them (threads to "auto", ``open-gop=1``,
a scene cut) changes the bytes, so these tests fail on such a change:

- the settings the segments are built with, field by field and as FFmpeg options;
- the settings x264 really ran with, read back from the options string it writes into
  the stream (its SEI "x264 - core N - … options: …"), in a segmented file made here;
- a golden hash of that file's video packets (and of the frames handed to the encoder,
  so that a failure says whether the frames or the encoding changed).

The golden hash also depends on the x264 build: it was taken with libx264 core
`GOLDEN_X264_CORE` (PyAV 18.1.0's wheel); on another build the golden comparison is
skipped, naming both versions.
"""

from __future__ import annotations

import hashlib
import re
from fractions import Fraction
from pathlib import Path

import av
import pytest

import wavyte_core as wv
from tests.codec_scene import make_scene
from wavyte_core.output.codecs import resolve_output
from wavyte_core.output.encoder_pyav import codec_options
from wavyte_core.run.executor import ExecutorOptions
from wavyte_core.run.segments import SEGMENT_X264_THREADS, render_in_segments, segment_output

GOP = 2
SEGMENT_FRAMES = 4  # the 8-frame scene in two segments of two GOPs each

GOLDEN_X264_CORE = "165"
#: sha256 of the frames handed to the encoders (their blake2b hashes, concatenated).
GOLDEN_FRAMES = "b32e3b44133ffdbb0c6c919ebb00593628a73a7cefcf0eb7e655120674aa2444"
#: sha256 of the segmented file's video packets (payload, pts, dts, keyframe flag).
GOLDEN_VIDEO = "e5477c1d67c4b13dc4c3c3bd7db62227b92098008a200aa6a368d18913f59d59"


def test_the_settings_segments_are_built_with(tmp_path: Path) -> None:
    assert SEGMENT_X264_THREADS == 2  # fixed, never 0 ("auto": depends on the core count)
    seg = segment_output(resolve_output(tmp_path / "out.mp4"), 6)
    assert (seg.gop, seg.threads, seg.codec.encoder, seg.target.suffix) == (6, 2, "libx264", ".mp4")
    s = seg.settings(160, 90, Fraction(30))
    assert (s.gop, s.threads, s.pix_fmt, s.crf, s.preset, s.bitrate) == (
        6, 2, "yuv420p", 23, "medium", None,
    )  # fmt: skip
    assert codec_options(s) == {
        "crf": "23",
        "preset": "medium",
        "g": "6",
        "keyint_min": "6",
        "sc_threshold": "0",
        "x264-params": (
            "cpu-independent=1:keyint=6:min-keyint=6:scenecut=0:open-gop=0:stitchable=1"
        ),
    }
    # The user's own settings come along; only GOP and threads are the segments' own.
    user = resolve_output(tmp_path / "o.m4v", crf=18, preset="fast", color_space="bt709")
    s = segment_output(user, 6).settings(160, 90, Fraction(30))
    assert (s.crf, s.preset, s.color_space, s.gop, s.threads) == (18, "fast", "bt709", 6, 2)
    with pytest.raises(wv.RenderError, match="segmented renders write H.264"):
        segment_output(resolve_output(tmp_path / "o.webm"), 6)


def _x264_options(first_packet: bytes) -> tuple[str, dict[str, str]]:
    """x264's core version and options, from the SEI it writes into the first packet."""
    m = re.search(rb"x264 - core (\d+)[^\0]*? - options: ([^\0]*)", first_packet)
    assert m is not None, "no x264 options SEI in the first packet"
    opts = dict(kv.split("=", 1) for kv in m.group(2).decode().split() if "=" in kv)
    return m.group(1).decode(), opts


@pytest.fixture(scope="module")
def segmented(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("golden")
    scene = make_scene(folder, audio=False)
    out = folder / "seg.mp4"
    report = render_in_segments(
        wv.load(scene),
        out,
        executor="local",
        options=ExecutorOptions(workers=1),
        segment_frames=SEGMENT_FRAMES,
        gop=GOP,
        assets_root=folder,
        hash_frames=True,
    )
    assert report.segments == 2
    return out, report.frame_hashes


def test_x264_ran_with_the_segment_settings(segmented: tuple[Path, list[str]]) -> None:
    out, _ = segmented
    with av.open(str(out)) as c:
        first = bytes(next(p for p in c.demux(video=0) if p.size))
    core, opts = _x264_options(first)
    print(f"libx264 core {core}: {' '.join(f'{k}={v}' for k, v in sorted(opts.items()))}")
    assert {k: opts[k] for k in ("threads", "open_gop", "keyint", "keyint_min", "scenecut")} == {
        "threads": str(SEGMENT_X264_THREADS),
        "open_gop": "0",
        "keyint": str(GOP),
        "keyint_min": str(GOP),
        "scenecut": "0",
    }
    assert (opts["stitchable"], opts["sliced_threads"], opts["rc"]) == ("1", "0", "crf")


def test_segmented_file_matches_its_golden_hash(segmented: tuple[Path, list[str]]) -> None:
    out, frame_hashes = segmented
    h = hashlib.sha256()
    with av.open(str(out)) as c:
        packets = [p for p in c.demux(video=0) if p.size]
        core, _ = _x264_options(bytes(packets[0]))
        for p in packets:
            h.update(bytes(p))
            h.update(f"{p.pts},{p.dts},{int(p.is_keyframe)};".encode())
    frames = hashlib.sha256("".join(frame_hashes).encode()).hexdigest()
    print(f"libx264 core {core} (golden: core {GOLDEN_X264_CORE}); video {h.hexdigest()}")
    assert frames == GOLDEN_FRAMES, "the frames handed to the encoder changed (not the encoder)"
    if core != GOLDEN_X264_CORE:
        pytest.skip(
            f"golden hash taken with libx264 core {GOLDEN_X264_CORE}, this build is core {core}"
        )
    assert h.hexdigest() == GOLDEN_VIDEO, "the segment encoder settings or x264 changed"


def test_segments_keep_the_users_settings_through_the_join(tmp_path: Path) -> None:
    """The user's colour space (and the rest of the settings) reach every segment, and the
    remux join keeps the stream's colour tags."""
    scene = make_scene(tmp_path, audio=False)
    out = tmp_path / "seg709.mp4"
    render_in_segments(
        wv.load(scene), out, executor="local", options=ExecutorOptions(workers=1),
        segment_frames=SEGMENT_FRAMES, gop=GOP, assets_root=tmp_path, color_space="bt709",
        crf=30,
    )  # fmt: skip
    with av.open(str(out)) as c:
        v = c.streams.video[0]
        cc = v.codec_context
        assert (cc.colorspace, cc.color_primaries, cc.color_trc, cc.color_range) == (1, 1, 1, 1)
        frames = list(c.decode(v))
    assert len(frames) == 8 and all(f.colorspace == 1 for f in frames)
    with av.open(str(out)) as c:
        _, opts = _x264_options(bytes(next(p for p in c.demux(video=0) if p.size)))
    assert opts["crf"] == "30.0"
