"""The one output-settings object, 10-bit profiles, and the colour of the outputs.

Every output is probed with PyAV: the stream's colour tags (read before any frame is
decoded: what the container and the bitstream headers say), the decoded frame's tags, the
luma the encoder wrote for a known colour (which matrix really converted the frames), and
the RGB a tag-honouring decoder gets back.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from pathlib import Path

import av
import numpy as np
import pytest
from typer.testing import CliRunner

import wavyte_core as wv
from tests.media import write_png
from tests.test_e2e_render import clip
from wavyte_core.cli.main import app
from wavyte_core.errors import RenderError
from wavyte_core.output.codecs import OUTPUT_OPTION_NAMES, OUTPUT_OPTIONS, resolve_output

#: Colour bands of the test card, left to right (straight RGB).
BANDS = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (200, 120, 40), (128, 128, 128)]
#: Kr, Kb of each matrix (Kg = 1 − Kr − Kb).
COEFFS = {"bt709": (0.2126, 0.0722), "bt601": (0.299, 0.114)}
TAG = {"bt709": 1, "bt601": 6}  # AVCOL_SPC/PRI/TRC_BT709, _SMPTE170M


def luma(rgb: tuple[int, int, int], matrix: str) -> float:
    """Limited-range 8-bit Y' of a colour under ``matrix``."""
    kr, kb = COEFFS[matrix]
    r, g, b = rgb
    return 16 + 219 * (kr * r + (1 - kr - kb) * g + kb * b) / 255


def bands_scene(folder: Path, width: int, height: int) -> Path:
    """A still card of `BANDS`, three frames."""
    folder.mkdir(parents=True, exist_ok=True)
    img = np.zeros((height, width, 4), np.uint8)
    img[..., 3] = 255
    step = width // len(BANDS)
    for i, rgb in enumerate(BANDS):
        img[:, i * step : (i + 1) * step, :3] = rgb
    write_png(folder / "bands.png", img)
    comp = {
        "fps": {"num": 24, "den": 1},
        "canvas": {"width": width, "height": height},
        "duration": 3,
        "assets": {"b": {"Image": {"source": "bands.png"}}},
        "tracks": [{"name": "t", "z_base": 0, "clips": [clip("b", "b", 0, 3)]}],
        "seed": 0,
    }
    path = folder / "bands.json"
    path.write_text(json.dumps(comp))
    return path


def probe(path: Path) -> dict:
    """Tags of the stream (before decoding) and of the first decoded frame, its luma plane
    (8-bit scale) and its RGB as a tag-honouring conversion gives it."""
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        cc = v.codec_context
        stream = (cc.colorspace, cc.color_primaries, cc.color_trc, cc.color_range)
        facts = {"stream": stream, "pix_fmt": cc.pix_fmt, "profile": cc.profile}
        frame = next(c.decode(v))
    facts["frame"] = (frame.colorspace, frame.color_primaries, frame.color_trc, frame.color_range)
    plane = frame.planes[0]
    deep = frame.format.name.endswith(("10le", "12le"))
    y = np.frombuffer(plane, np.uint16 if deep else np.uint8)
    y = y.reshape(plane.height, -1)[:, : plane.width].astype(np.float64)
    facts["luma"] = y / 4 if deep else y
    facts["rgb"] = frame.to_ndarray(format="rgb24")
    return facts


def band_values(img: np.ndarray) -> list[np.ndarray]:
    """The mean of an 8x8 block at the middle of each band."""
    h, w = img.shape[:2]
    step = w // len(BANDS)
    return [
        img[h // 2 - 4 : h // 2 + 4, i * step + step // 2 - 4 : i * step + step // 2 + 4].mean(
            axis=(0, 1)
        )
        for i in range(len(BANDS))
    ]


def check_colour(path: Path, matrix: str) -> dict:
    """Tagged ``matrix`` (stream and frame), converted with it (luma), decoded back to the
    bands' colours."""
    facts = probe(path)
    tag = TAG[matrix]
    assert facts["stream"] == (tag, tag, tag, 1), f"{path.name}: stream tags"
    if path.suffix in (".mp4", ".mov"):  # the container's own tag, what QuickTime reads
        data = path.read_bytes()
        at = data.find(b"colr")
        assert at > 0, f"{path.name}: no colr atom"
        kind, values = data[at + 4 : at + 8], data[at + 8 : at + 14]
        assert kind in (b"nclx", b"nclc") and values == bytes([0, tag] * 3)
    assert facts["frame"] == (tag, tag, tag, 1), f"{path.name}: frame tags"
    for rgb, y in zip(BANDS, band_values(facts["luma"]), strict=True):
        assert abs(float(y) - luma(rgb, matrix)) <= 1.5, f"{path.name}: luma of {rgb}"
    for rgb, got in zip(BANDS, band_values(facts["rgb"]), strict=True):
        assert np.abs(got - np.array(rgb)).max() <= 4, f"{path.name}: {rgb} decoded as {got}"
    return facts


@pytest.fixture(scope="module")
def hd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bands_scene(tmp_path_factory.mktemp("hd"), 1280, 720)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bands_scene(tmp_path_factory.mktemp("small"), 320, 180)


# --------------------------------------------------------------------- the settings object


def test_resolve_output_takes_exactly_the_option_table() -> None:
    params = inspect.signature(resolve_output).parameters
    assert list(params)[0] == "target"
    assert set(params) - {"target"} == set(OUTPUT_OPTION_NAMES)


def test_cli_flags_come_from_the_option_table() -> None:
    import typer.main

    group = typer.main.get_command(app)
    flags = {
        name: {f for p in group.get_command(None, name).params for f in p.opts}  # type: ignore[attr-defined]
        for name in ("render", "batch")
    }
    for opt in OUTPUT_OPTIONS:
        assert opt.flag in flags["render"]
        batch_takes = opt.name not in ("alpha", "palette", "dither", "qscale")  # video files
        assert (opt.flag in flags["batch"]) == batch_takes
    help_text = CliRunner().invoke(app, ["render", "--help"], terminal_width=200).stdout
    assert "--color-space" in help_text and "bt709" in help_text


def test_one_frozen_object_from_the_api_to_the_encoder(small: Path, tmp_path: Path) -> None:
    spec = wv.resolve_output(tmp_path / "a.mp4", crf=30, color_space="bt709")
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.crf = 20  # type: ignore[misc]
    wv.render(small, spec, workers=1)
    check_colour(spec.target, "bt709")  # the option reached the encoder
    with wv.open_job(wv.load(small), assets_root=small.parent) as job:
        job.render(spec.retarget(tmp_path / "b.mp4"))
        assert (tmp_path / "b.mp4").read_bytes() == spec.target.read_bytes()
        with pytest.raises(RenderError, match="given with resolved OutputSettings"):
            job.render(spec, crf=20)
        with pytest.raises(RenderError, match="unknown output option 'colour_space'"):
            job.render(tmp_path / "c.mp4", colour_space="bt709")
    with pytest.raises(RenderError, match="not a h264 .mp4 output"):
        spec.retarget(tmp_path / "c.webm")
    assert not (tmp_path / "c.mp4").exists()


# ------------------------------------------------------------------------ 10-bit profiles


def test_profiles_pick_the_pixel_format_they_need(tmp_path: Path) -> None:
    picks = {
        ("h264", "high10"): "yuv420p10le",
        ("h264", "high444"): "yuv444p",
        ("h264", "high"): "yuv420p",
        ("h265", "main10"): "yuv420p10le",
        ("h265", "main444-8"): "yuv444p",
    }
    for (codec, profile), pix_fmt in picks.items():
        assert resolve_output(tmp_path / "a.mp4", codec=codec, profile=profile).pix_fmt == pix_fmt
    for codec, profile in (("h264", "high10"), ("h265", "main10")):
        with pytest.raises(RenderError, match=f"profile {profile} of {codec} cannot hold") as e:
            resolve_output(tmp_path / "a.mp4", codec=codec, profile=profile, pix_fmt="yuv420p")
        assert "\n" not in str(e.value)
    with pytest.raises(RenderError, match="cannot hold pix_fmt yuv420p10le"):
        resolve_output(tmp_path / "a.mp4", profile="high", pix_fmt="yuv420p10le")


@pytest.mark.parametrize(
    ("codec", "profile", "want_profile", "want_pix_fmt"),
    [
        ("h264", "high10", "High 10", "yuv420p10le"),
        ("h265", "main10", "Main 10", "yuv420p10le"),
        ("h264", "high444", "High 4:4:4 Predictive", "yuv444p"),
    ],
)
def test_ten_bit_profiles_are_written_as_asked(
    small: Path, tmp_path: Path, codec: str, profile: str, want_profile: str, want_pix_fmt: str
) -> None:
    out = tmp_path / "p.mp4"
    wv.render(small, out, codec=codec, profile=profile, preset="ultrafast", workers=1)
    facts = check_colour(out, "bt601")
    assert (facts["profile"], facts["pix_fmt"]) == (want_profile, want_pix_fmt)


# -------------------------------------------------------------------------------- colour


def test_the_matrix_follows_the_canvas_unless_told(tmp_path: Path) -> None:
    auto = resolve_output(tmp_path / "a.mp4")
    for size, matrix in {
        (1280, 720): "bt709",
        (1920, 1080): "bt709",
        (1080, 1920): "bt709",  # vertical HD
        (1280, 536): "bt709",  # scope HD
        (1278, 718): "bt601",
        (640, 360): "bt601",
    }.items():
        assert auto.matrix(*size) == matrix, size
    assert resolve_output(tmp_path / "a.mp4", color_space="bt601").matrix(1920, 1080) == "bt601"
    assert resolve_output(tmp_path / "a.mov", codec="prores").matrix(1920, 1080) == "bt709"
    for out in ("a.gif", "s/f_%03d.png", "s/f_%03d.jpg"):
        assert resolve_output(tmp_path / out).matrix(1920, 1080) is None
    with pytest.raises(RenderError, match="color_space does not apply to codec gif"):
        resolve_output(tmp_path / "a.gif", color_space="bt709")
    with pytest.raises(RenderError, match="color_space 'rec709': expected one of auto"):
        resolve_output(tmp_path / "a.mp4", color_space="rec709")


@pytest.mark.parametrize(
    ("name", "opts"),
    [
        ("h264.mp4", {"preset": "ultrafast"}),
        ("h265.mp4", {"codec": "h265", "preset": "ultrafast"}),
        ("vp9.webm", {}),
        ("prores.mov", {"codec": "prores", "profile": "lt"}),
    ],
)
def test_hd_outputs_are_bt709(hd: Path, tmp_path: Path, name: str, opts: dict) -> None:
    out = tmp_path / name
    wv.render(hd, out, workers=1, **opts)
    check_colour(out, "bt709")


def test_small_outputs_stay_bt601_and_the_option_overrides(
    hd: Path, small: Path, tmp_path: Path
) -> None:
    for name, opts in (("h264.mp4", {}), ("prores.mov", {"codec": "prores", "profile": "lt"})):
        wv.render(small, tmp_path / name, workers=1, **opts)
        check_colour(tmp_path / name, "bt601")
    wv.render(hd, tmp_path / "hd601.mp4", workers=1, preset="ultrafast", color_space="bt601")
    check_colour(tmp_path / "hd601.mp4", "bt601")


def test_cli_color_space(small: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "x.mp4"
    args = ["render", str(small), "-o", str(out), "--json", "-w", "1", "--color-space", "bt709"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.stderr
    report = json.loads(res.stdout)
    assert (report["color_space"], report["pix_fmt"]) == ("bt709", "yuv420p")
    check_colour(out, "bt709")
    res = runner.invoke(app, ["render", str(small), "-o", str(tmp_path / "x.gif")]
                        + ["--color-space", "bt709"])  # fmt: skip
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines() == [
        "error: option color_space does not apply to codec gif (it takes: palette, dither)"
    ]
    assert not (tmp_path / "x.gif").exists()


def test_frames_handed_to_the_encoder_do_not_depend_on_the_matrix(hd: Path) -> None:
    """The conversion happens inside the encoder session: the rendered BGRA frames (what
    frame digests hash) are the same whatever the output's colour space."""
    from wavyte_core.run.segments import frame_hash

    with wv.open_job(wv.load(hd), assets_root=hd.parent) as job:
        seen: dict[str, list[str]] = {}
        from wavyte_core.run.render_loop import render_to_file

        for cs in ("bt709", "bt601"):
            seen[cs] = []
            render_to_file(
                job,
                resolve_output(hd.parent / f"{cs}.mp4", color_space=cs, preset="ultrafast"),
                workers=1,
                on_frame=lambda buf, cs=cs: seen[cs].append(frame_hash(buf)),
            )
        ref = [frame_hash(f) for _, f in job.frames()]
    assert seen["bt709"] == seen["bt601"] == ref


def test_batch_rows_are_encoded_with_the_settings(tmp_path: Path) -> None:
    from tests.scaleout_media import write_assets, write_card
    from wavyte_core.run.batch import run_batch
    from wavyte_core.run.executor import ExecutorOptions

    write_assets(tmp_path)
    tpl = write_card(tmp_path / "tpl.json", 96, 64, 4, placeholders=True)
    data = tmp_path / "rows.csv"
    data.write_text(
        "name,title,color,size,photo\na,A,#3040c0,12,photo.png\nb,B,#c04030,14,photo2.png\n"
    )
    one = ExecutorOptions(workers=1)
    report = run_batch(tpl, data, str(tmp_path / "out" / "{name}.mkv"), options=one,
                       codec="h265", color_space="bt709", preset="ultrafast")  # fmt: skip
    assert report.ok == 2
    for name in ("a", "b"):
        facts = probe(tmp_path / "out" / f"{name}.mkv")
        assert facts["stream"] == (1, 1, 1, 1) and facts["profile"] == "Main"
    spec = resolve_output(tmp_path / "x.mp4", crf=30)
    with pytest.raises(RenderError, match="given with resolved OutputSettings"):
        run_batch(tpl, data, str(tmp_path / "o2" / "{name}.mp4"), options=one, output=spec, crf=3)
    report = run_batch(tpl, data, str(tmp_path / "o3" / "{name}.mp4"), options=one, output=spec)
    assert report.ok == 2 and probe(tmp_path / "o3" / "a.mp4")["stream"] == (6, 6, 6, 1)
