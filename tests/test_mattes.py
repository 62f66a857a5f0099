"""Track mattes (clip ``matte``): the four modes against the formula written in
`wavyte_core.render.matte`, sources with transforms, opacity and effects, inactive sources,
a source shared by two clips drawn once per frame, a static source drawn once per render,
the source never drawn by itself, and the refusals of bad mattes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.media import write_png
from tests.test_blend_modes import _compositors, count_draws
from wavyte_core.api import open_job
from wavyte_core.errors import CompositionError
from wavyte_core.format.builder import CompositionBuilder, blur, keyframes, transform
from wavyte_core.format.dump import composition_to_json
from wavyte_core.format.load import loads_composition
from wavyte_core.format.validate import validate
from wavyte_core.timeline.evaldump import dump_frame_graph
from wavyte_core.timeline.evaluate import Evaluator

W, H = 64, 48
MODES = ("Alpha", "AlphaInverted", "Luma", "LumaInverted")


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("matte_media")
    yy, xx = np.mgrid[0:H, 0:W]
    photo = np.stack(
        [xx * 4 % 256, yy * 5 % 256, (xx + yy) * 3 % 256, np.full_like(xx, 255)], -1
    ).astype(np.uint8)
    write_png(root / "photo.png", photo)
    rng = np.random.default_rng(5)
    mask = rng.integers(0, 256, (24, 32, 4)).astype(np.uint8)  # straight RGBA
    mask[:4] = (255, 255, 255, 255)
    mask[4:8, :, 3] = 0
    write_png(root / "mask.png", mask)
    return root


def _mul(x: np.ndarray, f: np.ndarray) -> np.ndarray:
    return ((x.astype(np.int64) * f[..., None] + 127) // 255).astype(np.uint8)


def _factor(m: np.ndarray, mode: str) -> np.ndarray:
    """The written formula, from a premultiplied BGRA matte buffer."""
    m = m.astype(np.int64)
    if mode.startswith("Alpha"):
        f = m[..., 3]
    else:
        f = (13933 * m[..., 2] + 46871 * m[..., 1] + 4732 * m[..., 0] + 32768) >> 16
    return 255 - f if mode.endswith("Inverted") else f


def _comp(mode: str, *, source_end: int = 4, source_fx: list | None = None, n: int = 4):
    b = CompositionBuilder(width=W, height=H, fps=30, duration=n, seed=2)
    b.image("photo", "photo.png")
    b.image("mask", "mask.png")
    b.track("photo").clip("photo", asset="photo", start=0, end=n, matte=("m", mode))
    b.track("mattes", z_base=5).clip(
        "m",
        asset="mask",
        start=0,
        end=source_end,
        transform=transform(x=10, y=12),
        effects=source_fx or [],
    )
    return b.build()


def _alone(comp, clip_id: str):
    """``comp`` with only clip ``clip_id`` and no mattes (the pieces of the expectation)."""
    doc = json.loads(composition_to_json(comp))
    for t in doc["tracks"]:
        t["clips"] = [c for c in t["clips"] if c["id"] == clip_id]
        for c in t["clips"]:
            c.pop("matte", None)
    return loads_composition(json.dumps(doc))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", _compositors())
def test_matte_modes_follow_the_formula(media: Path, name: str, mode: str) -> None:
    rast = "cairo" if name == "cairo" else "skia"
    kw = {"assets_root": media, "rasterizer": rast, "compositor": name, "background": None}
    comp = _comp(mode)
    with open_job(comp, **kw) as job:
        got = job.frame(0)
    with open_job(_alone(comp, "photo"), **kw) as job:
        layer = job.frame(0)
    with open_job(_alone(comp, "m"), **kw) as job:
        matte = job.frame(0)
    want = _mul(layer, _factor(matte, mode))
    assert np.array_equal(got, want)
    # the matte is not trivial: parts of the photo are kept, parts removed
    assert got.any() and (got[..., 3] < layer[..., 3]).any()


@pytest.mark.parametrize("mode", MODES)
def test_inactive_source(media: Path, mode: str) -> None:
    """Where the source is not active, Alpha/Luma hide the clip, the inverted modes keep it."""
    comp = _comp(mode, source_end=2)
    with open_job(comp, assets_root=media, compositor="numpy", background=None) as job:
        on = job.frame(1)
        off = job.frame(3)
    with open_job(_alone(comp, "photo"), assets_root=media, background=None) as job:
        photo = job.frame(3)
    if mode.endswith("Inverted"):
        assert np.array_equal(off, photo) and not np.array_equal(on, photo)
    else:
        assert not off.any() and on.any()


@pytest.mark.parametrize("name", _compositors())
def test_source_with_transform_opacity_and_effects(media: Path, name: str) -> None:
    """The source is rendered with its own rotation, opacity and blur before it mattes."""
    rast = "cairo" if name == "cairo" else "skia"
    kw = {"assets_root": media, "rasterizer": rast, "compositor": name, "background": None}
    b = CompositionBuilder(width=W, height=H, fps=30, duration=1)
    b.image("photo", "photo.png")
    b.image("mask", "mask.png")
    b.track("photo").clip("photo", asset="photo", start=0, end=1, matte=("m", "Luma"))
    b.track("mattes").clip(
        "m",
        asset="mask",
        start=0,
        end=1,
        transform=transform(x=30, y=4, rotation_rad=0.4, scale=1.3),
        opacity=0.75,
        effects=[blur(3)],
    )
    comp = b.build()
    with open_job(comp, **kw) as job:
        got = job.frame(0)
    with open_job(_alone(comp, "photo"), **kw) as job:
        layer = job.frame(0)
    with open_job(_alone(comp, "m"), **kw) as job:
        matte = job.frame(0)
    want = _mul(layer, _factor(matte, "Luma"))
    diff = np.abs(got.astype(int) - want)
    assert diff.max() <= 1  # the source drawn on its own region vs the canvas
    assert (got != 0).any() and (want[..., 3] < 255).any()


def test_source_is_never_drawn_by_itself(media: Path) -> None:
    comp = _comp("Alpha")
    ev = Evaluator(comp)
    assert [n.clip for n in ev.evaluate(0).nodes] == [0]
    node = ev.evaluate(0).nodes[0]
    assert node.matte is not None and node.matte[0] == "Alpha" and node.matte[1].clip == 1
    text = dump_frame_graph(ev, ev.evaluate(0))
    assert '"matte":{"mode":"Alpha","source":{"clip_id":"m"' in text
    assert text.count('"clip_id"') == 2


def test_fingerprint_follows_the_matte() -> None:
    """Static-frame elision keys on the matte too: a moving source changes the key of a
    static matted clip, a static source does not."""
    from wavyte_core.timeline.evaldump import fingerprint

    b = CompositionBuilder(width=W, height=H, fps=30, duration=3)
    b.path("sq", "M0,0 L20,0 L20,20 L0,20 Z")
    b.track("t").clip("a", asset="sq", start=0, end=3, matte="m")
    moving = keyframes([(0, transform(x=0)), (2, transform(x=10))])
    b.track("m").clip("m", asset="sq", start=0, end=3, transform=moving)
    ev = Evaluator(b.build())
    keys = [fingerprint(ev, ev.evaluate(f)) for f in range(3)]
    assert len(set(keys)) == 3
    assert [n.clip for n in ev.evaluate(1).nodes] == [0]


def _shared(moving_source: bool, n: int = 5):
    b = CompositionBuilder(width=W, height=H, fps=30, duration=n)
    b.image("photo", "photo.png")
    b.image("mask", "mask.png")
    b.path("sq", "M0,0 L20,0 L20,20 L0,20 Z")
    tr = b.track("clips")
    tr.clip("a", asset="photo", start=0, end=n, matte=("m", "Alpha"))
    moving = keyframes([(0, transform(x=0, y=0)), (n - 1, transform(x=40, y=20))])
    tr.clip("b", asset="sq", start=0, end=n, transform=moving, matte=("m", "LumaInverted"))
    src = keyframes([(0, transform(x=0, y=0)), (n - 1, transform(x=30, y=10))])
    b.track("mattes", z_base=-1).clip(
        "m", asset="mask", start=0, end=n, transform=src if moving_source else transform(x=8)
    )
    return b.build()


@pytest.mark.parametrize("name", _compositors())
def test_shared_matte_is_drawn_once_per_frame(media: Path, name: str) -> None:
    rast = "cairo" if name == "cairo" else "skia"
    with open_job(_shared(True), assets_root=media, rasterizer=rast, compositor=name) as job:
        draws = count_draws(job, "m")
        for f in range(5):
            job.frame(f)
            assert draws == [f + 1]


@pytest.mark.parametrize("name", _compositors())
def test_static_matte_is_drawn_once(media: Path, name: str) -> None:
    """The source does not change, the matted square moves: the matte comes from the cache."""
    rast = "cairo" if name == "cairo" else "skia"
    with open_job(_shared(False), assets_root=media, rasterizer=rast, compositor=name) as job:
        draws = count_draws(job, "m")
        sq = count_draws(job, "b")
        frames = [job.frame(f).copy() for f in range(5)]
    assert draws == [1] and sq == [5]
    assert not np.array_equal(frames[0], frames[4])


def test_chained_mattes(media: Path) -> None:
    """A matte source may have its own matte (no cycle): the chain multiplies."""
    b = CompositionBuilder(width=W, height=H, fps=30, duration=1)
    b.image("photo", "photo.png")
    b.image("mask", "mask.png")
    b.path("half", f"M0,0 L{W // 2},0 L{W // 2},{H} L0,{H} Z")
    b.track("t").clip("photo", asset="photo", start=0, end=1, matte="m")
    b.track("u").clip("m", asset="mask", start=0, end=1, transform=transform(x=8), matte="h")
    b.track("v").clip("h", asset="half", start=0, end=1)
    comp = b.build()
    with open_job(comp, assets_root=media, compositor="numpy", background=None) as job:
        got = job.frame(0)
    assert not got[:, W // 2 + 2 :].any()  # cut by the half-canvas matte of the matte
    assert got[:, 8 : W // 2 - 2].any()


@pytest.mark.parametrize("mode", MODES)
def test_factor_is_the_written_one(mode: str) -> None:
    """A million random premultiplied matte pixels through the kernel (in bands), against
    the written integer formula; the layer is white, so each channel is the factor."""
    from wavyte_core.plugin.roles import Surface
    from wavyte_core.render.matte import MatteKernel

    rng = np.random.default_rng(9)
    a = rng.integers(0, 256, (1024, 1024))
    c = (rng.integers(0, 256, (1024, 1024, 3)) * a[..., None] + 127) // 255
    m = np.concatenate([c, a[..., None]], -1).astype(np.uint8)
    m[0, :4] = ((255, 255, 255, 255), (0, 0, 0, 255), (0, 0, 0, 0), (17, 9, 200, 200))
    layer = Surface(np.full((1024, 1024, 4), 255, np.uint8))
    MatteKernel().apply(layer, Surface(m), mode)
    f = _factor(m, mode)
    assert np.array_equal(layer.buf, np.repeat(f[..., None], 4, -1).astype(np.uint8))
    assert layer.buf[0, 0, 0] == (0 if mode.endswith("Inverted") else 255)


# ----------------------------------------------------------------------------- refusals


def _doc() -> dict:
    b = CompositionBuilder(width=W, height=H, fps=30, duration=2)
    b.path("sq", "M0,0 L20,0 L20,20 L0,20 Z")
    tr = b.track("t")
    tr.clip("a", asset="sq", start=0, end=2, matte="b")
    tr.clip("b", asset="sq", start=0, end=2)
    tr.clip("c", asset="sq", start=0, end=2)
    return json.loads(composition_to_json(b.build()))


def _clip(doc: dict, i: int) -> dict:
    return doc["tracks"][0]["clips"][i]


BAD = [
    (
        "unknown source",
        lambda d: _clip(d, 0).update(matte={"source": "zz"}),
        "tracks[0].clips[0].matte.source",
        "no such clip",
    ),
    (
        "own matte",
        lambda d: _clip(d, 0).update(matte={"source": "a"}),
        "tracks[0].clips[0].matte.source",
        "its own matte",
    ),
    (
        "cycle",
        lambda d: (
            _clip(d, 1).update(matte={"source": "c"}),
            _clip(d, 2).update(matte={"source": "a"}),
        ),
        "tracks[0].clips[0].matte.source",
        "cycle: a -> b -> c -> a",
    ),
    (
        "unknown mode",
        lambda d: _clip(d, 0).update(matte={"source": "b", "mode": "Lumen"}),
        "tracks[0].clips[0].matte.mode",
        "unknown variant 'Lumen'",
    ),
    (
        "unknown field",
        lambda d: _clip(d, 0).update(matte={"source": "b", "invert": True}),
        "tracks[0].clips[0].matte.invert",
        "unknown field",
    ),
    (
        "not an object",
        lambda d: _clip(d, 0).update(matte="b"),
        "tracks[0].clips[0].matte",
        "expected an object",
    ),
    (
        "unknown blend",
        lambda d: _clip(d, 1)["props"].update(blend="Dodge"),
        "tracks[0].clips[1].props.blend",
        "unknown variant 'Dodge'",
    ),
]


@pytest.mark.parametrize(("name", "mutate", "path", "rule"), BAD, ids=[b[0] for b in BAD])
def test_bad_mattes_and_blends_are_refused(name: str, mutate, path: str, rule: str) -> None:
    doc = _doc()
    mutate(doc)
    with pytest.raises(CompositionError) as e:
        validate(loads_composition(json.dumps(doc)))
    assert e.value.path == path and rule in str(e.value), str(e.value)


@pytest.mark.parametrize("case", [BAD[2], BAD[6]], ids=["cycle", "blend"])
def test_cli_refuses_with_one_line(tmp_path: Path, case) -> None:
    doc = _doc()
    case[1](doc)
    (tmp_path / "comp.json").write_text(json.dumps(doc))
    out = tmp_path / "out.mp4"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "wavyte_core.cli.main",
            "render",
            "comp.json",
            "-o",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and case[2] in lines[0] and case[3] in lines[0], r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["comp.json"]


def test_dump_round_trip_and_defaults() -> None:
    doc = _doc()
    _clip(doc, 1)["props"]["blend"] = "SoftLight"
    _clip(doc, 2)["matte"] = {"source": "b", "mode": "LumaInverted"}
    comp = loads_composition(json.dumps(doc))
    text = composition_to_json(comp)
    assert loads_composition(text) == comp
    out = json.loads(text)
    assert _clip(out, 0)["matte"] == {"source": "b"}  # Alpha is the default: omitted
    assert _clip(out, 2)["matte"] == {"source": "b", "mode": "LumaInverted"}
    assert "matte" not in _clip(out, 1)
