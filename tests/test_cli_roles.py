"""`wavyte render --backend / --rasterizer / --compositor / --decoder / --encoder` end to end,
with the real skia, cairo, PyAV and OpenCV plugins: every choice renders, the output decodes,
and its pixels agree with the reference combination (skia rasterizer + numpy compositor +
pyav decoder, through the Python API) within the conformance suite's tolerance for the roles
that differ. An unknown name is one line on stderr, exit 2, nothing written.

The composition exercises every role: paths and an image (rasterizer), a blurred layer and
a crossfade (compositor), an H.264 video made here with PyAV (decoder), PNG sequence and MP4
outputs (encoder)."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from tests import parts
from tests.media import write_png
from tests.test_e2e_render import cli, clip, ident
from wavyte_conformance.catalog import load_catalog
from wavyte_conformance.metrics import EXACT, Tolerance, compare
from wavyte_core.api import load, open_job

W, H, N = 96, 64, 8
REFERENCE = {"rasterizer": "skia", "compositor": "numpy", "decoder": "pyav"}


def _pattern_video(path: Path) -> None:
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=30, options={"threads": "1"})
        s.width, s.height, s.pix_fmt = 48, 32, "yuv420p"
        yy, xx = np.mgrid[0:32, 0:48]
        for i in range(N):
            img = np.stack([(xx * 5 + i * 9) % 256, (yy * 7) % 256, (xx + yy) * 2 % 256], -1)
            c.mux(s.encode(av.VideoFrame.from_ndarray(img.astype(np.uint8), format="rgb24")))
        c.mux(s.encode(None))


@pytest.fixture(scope="module")
def comp_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("roles")
    rgba = np.zeros((20, 24, 4), np.uint8)
    rgba[..., 0] = np.arange(24)[None, :] * 10
    rgba[..., 1] = 200
    rgba[..., 3] = 255
    rgba[:4, :4, 3] = 0  # a transparent corner
    write_png(d / "photo.png", rgba)
    _pattern_video(d / "clip.mp4")
    fade = {"kind": "crossfade", "duration_frames": 4, "ease": "Linear"}
    doc = {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": W, "height": H},
        "duration": N,
        "assets": {
            "tri": {"Path": {"svg_path_d": "M8,4 L40,10 L20,40 Z"}},
            "sq": {"Path": {"svg_path_d": "M0,0 H30 V20 H0 Z"}},
            "photo": {"Image": {"source": "photo.png"}},
            "video": {"Video": {"source": "clip.mp4"}},
        },
        "tracks": [
            {"name": "v", "z_base": 0, "clips": [clip("v", "video", 0, N, transform=ident(4, 4))]},
            {
                "name": "fx",
                "z_base": 1,
                "clips": [
                    clip(
                        "p",
                        "photo",
                        0,
                        N,
                        transform=ident(60, 30),
                        effects=[{"kind": "blur", "params": {"radius_px": 3}}],
                    )
                ],
            },
            {
                "name": "pair",
                "z_base": 2,
                "clips": [
                    clip("a", "tri", 0, 6, transition_out=fade),
                    clip("b", "sq", 2, N, transform=ident(50, 2), transition_in=fade),
                ],
            },
        ],
        "seed": 5,
    }
    path = d / "comp.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture(scope="module")
def reference(comp_path: Path) -> list[np.ndarray]:
    with open_job(load(comp_path), assets_root=comp_path.parent, **REFERENCE) as job:
        return [job.frame(f).copy() for f in range(N)]


def _tolerance(picks: dict[str, str]) -> Tolerance:
    """The conformance tolerance of the "video" category for the roles that differ from
    the reference (the looser bound of each), as the suite applies it."""
    case = next(c for c in load_catalog().cases if c.category == "video")
    tol: Tolerance | None = None
    for role, name in picks.items():
        if REFERENCE[role] != name:
            t = case.tolerance.get(role, EXACT)
            tol = t if tol is None else tol.loosest(t)
    return tol or EXACT


def _premultiplied_bgra(rgba: np.ndarray) -> np.ndarray:
    """A PNG's straight RGBA (opaque here: the background is opaque) as the engine's BGRA."""
    assert (rgba[..., 3] == 255).all()
    return np.ascontiguousarray(rgba[..., [2, 1, 0, 3]])


def _read_sequence(folder: Path) -> list[np.ndarray]:
    files = sorted(folder.glob("f_*.png"))
    out = []
    for f in files:
        with av.open(str(f)) as c:
            out.append(_premultiplied_bgra(next(c.decode(video=0)).to_ndarray(format="rgba")))
    return out


CHOICES = [
    ([], {}),
    (["--backend", "skia"], {}),
    (["--backend", "cairo"], {"rasterizer": "cairo", "compositor": "cairo"}),
    (["--rasterizer", "skia", "--compositor", "numpy"], {"compositor": "numpy"}),
    (["--backend", "skia", "--compositor", "cairo"], {"compositor": "cairo"}),
    (["--rasterizer", "cairo", "--compositor", "numpy"], {"rasterizer": "cairo", "compositor": "numpy"}),
    (["--decoder", "opencv"], {"decoder": "opencv"}),
    (["--backend", "cairo", "--decoder", "opencv"], {"rasterizer": "cairo", "compositor": "cairo", "decoder": "opencv"}),
    (["--encoder", "pyav"], {}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "picks"), CHOICES, ids=[" ".join(a) or "defaults" for a, _ in CHOICES]
)
def test_render_choice_agrees_with_the_reference(
    comp_path: Path, reference: list[np.ndarray], tmp_path: Path, args: list[str], picks: dict
) -> None:
    if "cairo" in picks.values():
        parts.need("cairo")
    full = {"rasterizer": "skia", "compositor": "skia", "decoder": "pyav", **picks}
    out = tmp_path / "seq" / "f_%03d.png"
    r = cli("render", str(comp_path), "-o", str(out), "--quiet", "-w", "1", *args)
    assert r.returncode == 0, r.stderr
    frames = _read_sequence(out.parent)
    assert len(frames) == N
    tol = _tolerance(full)
    for f, (want, got) in enumerate(zip(reference, frames, strict=True)):
        m = compare(want, got)
        assert tol.accepts(m), f"{args} frame {f}: {m.short()} exceeds {tol.describe()}"


@pytest.mark.parametrize("args", [["--backend", "cairo"], ["--decoder", "opencv"]])
def test_mp4_output_decodes(
    comp_path: Path, reference: list[np.ndarray], tmp_path: Path, args: list[str]
) -> None:
    if "cairo" in args:
        parts.need("cairo")
    out = tmp_path / "o.mp4"
    r = cli("render", str(comp_path), "-o", str(out), "--quiet", *args)
    assert r.returncode == 0, r.stderr
    with av.open(str(out)) as c:
        frames = [f.to_ndarray(format="bgra") for f in c.decode(video=0)]
    assert len(frames) == N and frames[0].shape == (H, W, 4)
    for want, got in zip(reference, frames, strict=True):  # H.264 4:2:0: close, not exact
        assert compare(want[..., :3], got[..., :3]).psnr > 30


def test_null_encoder_renders_and_writes_nothing(comp_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.mp4"
    r = cli("render", str(comp_path), "-o", str(out), "--json", "--encoder", "null", "-w", "1")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["frames"] == N and out.stat().st_size == 0


@pytest.mark.parametrize(
    "option", ["--backend", "--rasterizer", "--compositor", "--decoder", "--encoder"]
)
def test_unknown_name_is_one_line_exit_2(comp_path: Path, tmp_path: Path, option: str) -> None:
    out = tmp_path / "o.mp4"
    r = cli("render", str(comp_path), "-o", str(out), "--quiet", option, "nosuch")
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "nosuch" in lines[0] and "Traceback" not in r.stderr, r.stderr
    assert list(tmp_path.iterdir()) == []


def test_unknown_decoder_is_refused_even_without_media(tmp_path: Path) -> None:
    doc = {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 32, "height": 16},
        "duration": 2,
        "assets": {"sq": {"Path": {"svg_path_d": "M0,0 H8 V8 H0 Z"}}},
        "tracks": [{"name": "t", "z_base": 0, "clips": [clip("c", "sq", 0, 2)]}],
        "seed": 1,
    }
    (tmp_path / "c.json").write_text(json.dumps(doc))
    out = tmp_path / "o.mp4"
    r = cli("render", str(tmp_path / "c.json"), "-o", str(out), "--quiet", "--decoder", "nosuch")
    assert r.returncode == 2 and "unknown decoder 'nosuch'" in r.stderr and not out.exists()
    ok = cli("render", str(tmp_path / "c.json"), "-o", str(out), "--quiet", "--decoder", "opencv")
    assert ok.returncode == 0, ok.stderr  # a known decoder nothing needs is fine
