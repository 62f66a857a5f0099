"""End to end: compositions rendered to MP4 by the API and the CLI, decoded back with PyAV.

Media are made by the tests (PyAV); rendering uses the real skia backend and PyAV encoder.
Colours are checked within a YUV tolerance (H.264 yuv420p, limited range).
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import wavyte_core as wv
from tests.media import decode_audio_samples, decode_video, write_png, write_tone

TOL = 8


def ident(x: float = 0.0, y: float = 0.0, s: float = 1.0) -> dict:
    return {
        "translate": {"x": x, "y": y},
        "rotation_rad": 0.0,
        "scale": {"x": s, "y": s},
        "anchor": {"x": 0.0, "y": 0.0},
    }


def const(v: object) -> dict:
    return {
        "Keyframes": {
            "keys": [{"frame": 0, "value": v, "ease": "Linear"}],
            "mode": "Hold",
            "default": None,
        }
    }


def clip(cid: str, asset: str, start: int, end: int, **kw: object) -> dict:
    return {
        "id": cid,
        "asset": asset,
        "range": {"start": start, "end": end},
        "props": {
            "transform": const(kw.pop("transform", ident())),
            "opacity": const(kw.pop("opacity", 1.0)),
            "blend": "Normal",
        },
        "z_offset": kw.pop("z_offset", 0),
        "effects": kw.pop("effects", []),
        "transition_in": kw.pop("transition_in", None),
        "transition_out": kw.pop("transition_out", None),
    }


def moving_square(
    width: int,
    height: int,
    frames: int,
    *,
    end_frame: int,
    to: tuple[float, float],
    ease: str = "Linear",
    opacity: float = 1.0,
    side: int = 20,
) -> dict:
    """One square path moving from (0, 0) to ``to`` over ``[0, end_frame]`` (then still)."""
    keys = [
        {"frame": 0, "value": ident(0, 0), "ease": ease},
        {"frame": end_frame, "value": ident(*to), "ease": "Linear"},
    ]
    c = clip("c", "r", 0, frames, opacity=opacity)
    c["props"]["transform"] = {"Keyframes": {"keys": keys, "mode": "Linear", "default": None}}
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": width, "height": height},
        "duration": frames,
        "assets": {"r": {"Path": {"svg_path_d": f"M0,0 H{side} V{side} H0 Z"}}},
        "tracks": [{"name": "t", "z_base": 0, "clips": [c]}],
        "seed": 0,
    }


def solid(w: int, h: int, rgba: tuple[int, int, int, int]) -> np.ndarray:
    a = np.empty((h, w, 4), np.uint8)
    a[...] = rgba
    return a


@pytest.fixture
def scene(tmp_path: Path) -> Path:
    """96×64, 30 fps, 30 frames: a half-opaque white rect, a red image, a crossfade from a
    red to a blue full-canvas image over frames 20–29, and a 440 Hz tone."""
    assets = tmp_path / "assets"
    assets.mkdir()
    write_png(assets / "red.png", solid(16, 16, (255, 0, 0, 255)))
    write_png(assets / "redfull.png", solid(96, 64, (255, 0, 0, 255)))
    write_png(assets / "bluefull.png", solid(96, 64, (0, 0, 255, 255)))
    write_tone(assets / "tone.wav", 2.0)
    xf = {"kind": "crossfade", "duration_frames": 10, "ease": "Linear"}
    comp = {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 96, "height": 64},
        "duration": 30,
        "assets": {
            "rect": {"Path": {"svg_path_d": "M0,0 H96 V64 H0 Z"}},
            "red": {"Image": {"source": "assets/red.png"}},
            "A": {"Image": {"source": "assets/redfull.png"}},
            "B": {"Image": {"source": "assets/bluefull.png"}},
            "tone": {"Audio": {"source": "assets/tone.wav"}},
        },
        "tracks": [
            {
                "name": "main",
                "z_base": 0,
                "clips": [
                    clip("rect", "rect", 0, 20, opacity=0.5),
                    clip("red", "red", 0, 20, transform=ident(40.0, 20.0)),
                    clip("tone", "tone", 0, 30),
                ],
            },
            {
                "name": "xf",
                "z_base": 1,
                "clips": [
                    clip("a", "A", 20, 30, transition_out=xf),
                    clip("b", "B", 20, 30, z_offset=1, transition_in=xf),
                ],
            },
        ],
        "seed": 1,
    }
    path = tmp_path / "comp.json"
    path.write_text(json.dumps(comp))
    return path


def near(px: np.ndarray, rgb: tuple[int, int, int], tol: int = TOL) -> bool:
    return bool(np.all(np.abs(px.astype(int) - np.array(rgb)) <= tol))


def test_render_mp4_api(scene: Path, tmp_path: Path) -> None:
    comp = wv.load(scene)
    out = tmp_path / "out.mp4"
    with wv.open_job(comp, assets_root=scene.parent, background=(0, 0, 0, 255)) as job:
        report = job.render(out)
    assert report.frames == 30
    frames, info = decode_video(out)
    assert len(frames) == 30
    assert (info["width"], info["height"]) == (96, 64)
    assert info["rate"] == 30
    assert info["duration"] == pytest.approx(1.0, abs=0.05)
    assert info["audio"]
    assert abs(decode_audio_samples(out) - 48000) <= 2048  # AAC priming/padding
    f0 = frames[0]
    assert near(f0[5, 5], (128, 128, 128))  # white rect at opacity 0.5 over black
    assert near(f0[28, 48], (255, 0, 0), 12)  # inside the red image at (40..56, 20..36)
    # Paired crossfade: frame 20 all A (red), frame 29 all B (blue), 25 about half-way.
    assert near(frames[20][32, 48], (255, 0, 0), 12)
    assert near(frames[29][32, 48], (0, 0, 255), 12)
    mid = frames[25][32, 48].astype(int)
    assert 90 < mid[0] < 175 and 90 < mid[2] < 175


def test_frames_match_video(scene: Path) -> None:
    """The numpy frames of the API are what the encoder gets (premultiplied BGRA)."""
    comp = wv.load(scene)
    with wv.open_job(comp, assets_root=scene.parent, background=(0, 0, 0, 255)) as job:
        f0 = job.frame(0)
        assert f0.shape == (64, 96, 4) and f0.dtype == np.uint8
        assert tuple(f0[28, 48]) == (0, 0, 255, 255)  # BGRA red, exact (integer translation)
        assert tuple(f0[5, 5]) in {(128, 128, 128, 255), (127, 127, 127, 255)}
        frames = [f.copy() for _, f in job.frames(0, 30)]
    assert all(np.array_equal(frames[i], frames[0]) for i in range(20))


def test_render_is_deterministic(scene: Path) -> None:
    comp = wv.load(scene)
    runs = []
    for _ in range(2):
        with wv.open_job(comp, assets_root=scene.parent) as job:
            runs.append([f.copy() for _, f in job.frames(0, 30)])
    assert all(np.array_equal(a, b) for a, b in zip(*runs, strict=True))


def test_fractional_fps(tmp_path: Path) -> None:
    comp = {
        "fps": {"num": 30000, "den": 1001},
        "canvas": {"width": 64, "height": 32},
        "duration": 12,
        "assets": {"r": {"Path": {"svg_path_d": "M0,0 H10 V10 H0 Z"}}},
        "tracks": [{"name": "t", "z_base": 0, "clips": [clip("c", "r", 0, 12)]}],
        "seed": 0,
    }
    out = tmp_path / "f.mp4"
    wv.render(wv.load(json.dumps(comp)), out, assets_root=tmp_path)
    frames, info = decode_video(out)
    assert len(frames) == 12
    assert info["rate"] == Fraction(30000, 1001)


def test_static_frames_are_elided(tmp_path: Path) -> None:
    comp = {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 64, "height": 32},
        "duration": 15,
        "assets": {"r": {"Path": {"svg_path_d": "M0,0 H10 V10 H0 Z"}}},
        "tracks": [{"name": "t", "z_base": 0, "clips": [clip("c", "r", 0, 15)]}],
        "seed": 0,
    }
    out = tmp_path / "s.mp4"
    report = wv.render(wv.load(json.dumps(comp)), out, assets_root=tmp_path)
    assert (report.frames, report.rendered, report.elided) == (15, 1, 14)
    frames, _ = decode_video(out)
    assert len(frames) == 15


def cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )


def test_cli_render_and_frame(scene: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli.mp4"
    r = cli(
        "render",
        str(scene),
        "-o",
        str(out),
        "--quiet",
        "--frames",
        "0:10",
        "--crf",
        "18",
        "--preset",
        "ultrafast",
    )
    assert r.returncode == 0, r.stderr
    frames, _ = decode_video(out)
    assert len(frames) == 10
    png = tmp_path / "f.png"
    r = cli("frame", str(scene), "--frame", "0", "-o", str(png), "--background", "#00000000")
    assert r.returncode == 0, r.stderr
    import av

    with av.open(str(png)) as c:
        rgba = next(c.decode(video=0)).to_ndarray(format="rgba")
    assert tuple(rgba[28, 48]) == (255, 0, 0, 255)
    # White at opacity 0.5 over transparent: straight white with alpha ≈ 128.
    assert rgba[5, 5, 3] in (127, 128) and rgba[5, 5, 0] >= 253


def test_cli_validate_and_plugins(scene: Path) -> None:
    r = cli("validate", str(scene))
    assert r.returncode == 0 and "ok" in r.stdout
    r = cli("plugins")
    assert r.returncode == 0
    assert "skia" in r.stdout and "pyav" in r.stdout and "numpy" in r.stdout


class _CapturingEncoder:
    """An encoder that keeps a copy of every frame it is given (runs in the parent)."""

    name = "capture"

    def __init__(self) -> None:
        self.frames: list[np.ndarray] = []

    def open(self, path: Path, settings: object) -> _CapturingEncoder:
        Path(path).write_bytes(b"")
        return self

    def write(self, frame: np.ndarray) -> None:
        self.frames.append(frame.copy())

    def close(self) -> None: ...

    def abort(self) -> None: ...


def test_two_workers_give_byte_identical_frames(tmp_path: Path) -> None:
    """A moving square over 40 frames (with a static stretch for elision): the frames the
    encoder receives from --workers 2 equal those of --workers 1, byte for byte."""
    from wavyte_core.plugin.hookspecs import hookimpl
    from wavyte_core.plugin.registry import Registry
    from wavyte_core.plugin.specs import RoleSpec

    made: list[_CapturingEncoder] = []

    def make() -> _CapturingEncoder:
        made.append(_CapturingEncoder())
        return made[-1]

    class CapturePlugin:
        @hookimpl
        def wavyte_register_encoders(self) -> list[RoleSpec]:
            return [RoleSpec(name="capture", factory=make)]

    registry = Registry.build([("capture", CapturePlugin())])
    comp = moving_square(96, 64, 40, end_frame=20, to=(50.0, 20.0), ease="InOutCubic", opacity=0.8)
    comp_obj = wv.load(json.dumps(comp))
    for workers in (1, 2):
        with wv.open_job(
            comp_obj, assets_root=tmp_path, encoder="capture", registry=registry
        ) as job:
            report = job.render(tmp_path / f"w{workers}.mp4", workers=workers)
        assert (report.frames, report.rendered, report.elided) == (40, 21, 19)
    a, b = made[0].frames, made[1].frames
    assert len(a) == len(b) == 40
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[0], a[20])  # the square really moved


def test_video_clip_with_trim_rate_and_its_audio(tmp_path: Path) -> None:
    """A video asset (red for 15 frames, then green, then blue) under a trim and a rate;
    its own audio track is mixed into the output."""
    from tests.media import write_video_with_tone

    colors = [(255, 0, 0)] * 15 + [(0, 255, 0)] * 15 + [(0, 0, 255)] * 30
    write_video_with_tone(tmp_path / "v.mp4", colors)
    comp = {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 64, "height": 48},
        "duration": 20,
        "assets": {
            "v": {"Video": {"source": "v.mp4", "trim_start_sec": 0.5, "playback_rate": 2.0}}
        },
        "tracks": [{"name": "t", "z_base": 0, "clips": [clip("v", "v", 0, 20)]}],
        "seed": 0,
    }
    comp_obj = wv.load(json.dumps(comp))
    with wv.open_job(comp_obj, assets_root=tmp_path) as job:
        # source time = 0.5 + local/30·2: frames 0..7 → green (src frames 15..29), 8.. → blue
        b, g, r, _ = (int(v) for v in job.frame(0)[24, 32])  # BGRA
        assert g > 240 and r < 16 and b < 16
        b, g, r, _ = (int(v) for v in job.frame(9)[24, 32])
        assert b > 240 and r < 16 and g < 16
        out = tmp_path / "o.mp4"
        job.render(out)
    frames, info = decode_video(out)
    assert len(frames) == 20 and info["audio"]
    assert near(frames[3][24, 32], (0, 255, 0), 12) and near(frames[12][24, 32], (0, 0, 255), 12)
    assert abs(decode_audio_samples(out) - frame_to_sample_30(20)) <= 2048


def frame_to_sample_30(n: int) -> int:
    return n * 48000 // 30


def test_null_encoder_counts_frames_through_the_render_loop(scene: Path, tmp_path: Path) -> None:
    comp = wv.load(scene)
    out = tmp_path / "n.mp4"
    with wv.open_job(comp, assets_root=scene.parent, encoder="null") as job:
        report = job.render(out, workers=2)
    assert (report.frames, report.rendered + report.elided) == (30, 30)
    assert out.exists() and out.stat().st_size == 0


def test_persistent_pool_serves_frames_and_several_renders(scene: Path, tmp_path: Path) -> None:
    """open_job(workers=2) starts the pool once; frames and two renders reuse it and match
    the one-process frames exactly."""
    comp = wv.load(scene)
    with wv.open_job(comp, assets_root=scene.parent) as job:
        expected = [f.copy() for _, f in job.frames(0, 30)]
    with wv.open_job(comp, assets_root=scene.parent, workers=2) as job:
        pids = [p.pid for p in job.pool.procs]
        got = [f for _, f in job.frames(0, 30)]
        r1 = job.render(tmp_path / "a.mp4")
        r2 = job.render(tmp_path / "b.mp4", start=5, end=25)
        assert [p.pid for p in job.pool.procs] == pids
    assert all(np.array_equal(a, b) for a, b in zip(expected, got, strict=True))
    assert (r1.frames, r2.frames) == (30, 20)
    assert job.pool is None
