"""Shapes, paints, strokes and the asset-kind API: loading the note's JSON exactly, bad
input named by path, skia/cairo parity, draw only on value changes, third-party kinds."""

from __future__ import annotations

import copy
import json
from typing import Any, ClassVar

import numpy as np
import pytest

from wavyte_core import api
from wavyte_core.errors import CompositionError
from wavyte_core.format.dump import composition_to_json
from wavyte_core.format.load import loads_composition
from wavyte_core.plugin import (
    AssetKind,
    Param,
    RasterDrawing,
    Solid,
    VectorDrawing,
    VectorShape,
    hookimpl,
    rect_path,
)
from wavyte_core.plugin.registry import Registry


def ident(x: float = 0.0, y: float = 0.0, rot: float = 0.0) -> dict[str, Any]:
    v = {"translate": {"x": x, "y": y}, "rotation_rad": rot, "scale": {"x": 1.0, "y": 1.0},
         "anchor": {"x": 0.0, "y": 0.0}}  # fmt: skip
    return {"Keyframes": {"keys": [{"frame": 0, "value": v, "ease": "Linear"}], "mode": "Hold"}}


def clip(cid: str, asset: str, n: int, x: float = 0, y: float = 0, op: float = 1.0) -> dict:
    return {"id": cid, "asset": asset, "range": {"start": 0, "end": n},
            "props": {"transform": ident(x, y),
                      "opacity": {"Keyframes": {"keys": [{"frame": 0, "value": op,
                                                          "ease": "Linear"}], "mode": "Hold"}},
                      "blend": "Normal"},
            "z_offset": 0, "effects": []}  # fmt: skip


def doc(assets: dict, clips: list, n: int = 6, w: int = 240, h: int = 160) -> dict:
    return {"fps": {"num": 30, "den": 1}, "canvas": {"width": w, "height": h}, "duration": n,
            "assets": assets, "tracks": [{"name": "t", "z_base": 0, "clips": clips}],
            "seed": 7}  # fmt: skip


def ramp(a: float, b: float, n: int) -> dict:
    return {"Keyframes": {"keys": [{"frame": 0, "value": a, "ease": "Linear"},
                                   {"frame": n, "value": b, "ease": "Linear"}], "mode": "Linear"}}  # fmt: skip


GRAD = {"LinearGradient": {"start": [0, 0], "end": [100, 0], "stops": [
    {"offset": 0, "color": "#ff0000"}, {"offset": 1, "color": [0, 0, 255, 0]}]}}  # fmt: skip

SHAPES: dict[str, Any] = {
    "rect": {"Shape": {"geometry": {"Rect": {"width": 100, "height": 60, "corner_radius": 10}},
                       "fill": GRAD, "stroke": {"width": 5, "dash": [8, 4], "join": "Round"}}},
    "ell": {"Shape": {"geometry": {"Ellipse": {"width": ramp(40, 90, 5), "height": 50}},
                      "fill": {"RadialGradient": {"center": [45, 25], "radius": 40,
                               "focal": [30, 20], "extend": "Reflect", "stops": [
                                   {"offset": 0, "color": "#ffff00"},
                                   {"offset": 1, "color": "#008800"}]}},
                      "stroke": {"width": 3, "paint": {"Solid": "#000000"}},
                      "trim": {"start": 0, "end": ramp(0.2, 1.0, 5)}}},
    "star": {"Shape": {"geometry": {"Star": {"points": 5, "outer_radius": 30,
                                              "inner_radius": 12}},
                       "fill_rule": "EvenOdd", "stroke": {"width": 2, "cap": "Square",
                                                          "paint": {"Solid": "#00ffff"}}}},
    "poly": {"Shape": {"geometry": {"Polygon": {"sides": 6, "radius": 25, "corner_radius": 5}},
                       "fill": {"Solid": [255, 128, 0, 200]}}},
    "line": {"Shape": {"geometry": {"Line": {"from": [0, 0], "to": [80, 30]}},
                       "stroke": {"width": 6, "cap": "Round", "paint": {"Solid": "#ffffff"}}}},
    "path": {"Shape": {"geometry": {"Path": {"svg_path_d": "M0 0 L40 0 L20 30 Z M10 5 L30 5 L20 20 Z"}},
                       "fill_rule": "EvenOdd", "fill": {"Solid": "#88ff88"}}},
}  # fmt: skip


def scene() -> dict:
    pos = {"rect": (10, 10), "ell": (130, 10), "star": (10, 90), "poly": (80, 90),
           "line": (140, 90), "path": (190, 100)}  # fmt: skip
    clips = [clip(k, k, 6, *pos[k], op=0.8 if k == "rect" else 1.0) for k in SHAPES]
    return doc(copy.deepcopy(SHAPES), clips)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(((a.astype(np.float64) - b.astype(np.float64)) ** 2).mean())
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def test_note_json_loads_dumps_and_round_trips() -> None:
    comp = api.load(json.dumps(scene()))
    text = composition_to_json(comp)
    assert loads_composition(text) == comp
    assert '"Shape":{"fill":' in text  # params written with sorted keys


def test_skia_and_cairo_agree_on_every_frame() -> None:
    comp = api.load(json.dumps(scene()))
    frames = {}
    for b in ("skia", "cairo"):
        with api.open_job(comp, backend=b) as job:
            frames[b] = [job.frame(i).copy() for i in range(6)]
    for i in range(6):
        assert psnr(frames["skia"][i], frames["cairo"][i]) >= 35.0, i
    # the animated ellipse really changes, the static frame area does not
    assert not np.array_equal(frames["skia"][0], frames["skia"][5])


@pytest.mark.parametrize(
    ("mutate", "path", "rule"),
    [
        (lambda s: s.update(geometry={"Hexagon": {}}), "assets.k.Shape.geometry",
         "unknown geometry 'Hexagon'"),
        (lambda s: s.update(geometry={"Rect": {"width": -1, "height": 4}}),
         "assets.k.Shape.geometry.Rect.width", "must be >= 0"),
        (lambda s: s.update(fill={"LinearGradient": {"start": [0, 0], "end": [1, 0],
                                                     "stops": [{"offset": 0, "color": "#fff"}]}}),
         "assets.k.Shape.fill.LinearGradient.stops", "at least 2 stops"),
        (lambda s: s.update(fill={"LinearGradient": {"start": [0, 0], "end": [1, 0], "stops": [
            {"offset": 0.8, "color": "#fff"}, {"offset": 0.5, "color": "#000"}]}}),
         "assets.k.Shape.fill.LinearGradient.stops[1].offset", "non-decreasing"),
        (lambda s: s.update(stroke={"width": 2, "dash": [4, -1]}),
         "assets.k.Shape.stroke.dash[1]", "dash lengths must be >= 0"),
        (lambda s: s.update(stroke={"width": 2, "dash": [0, 0]}),
         "assets.k.Shape.stroke.dash", "all zeros"),
        (lambda s: s.update(stroke={"width": 2, "colour": "#fff"}),
         "assets.k.Shape.stroke.colour", "unknown field 'colour'"),
        (lambda s: s.update(sides=3), "assets.k.Shape.sides", "unknown field 'sides'"),
    ],
)  # fmt: skip
def test_bad_shapes_name_path_and_rule(mutate: Any, path: str, rule: str) -> None:
    shape: dict[str, Any] = {"geometry": {"Rect": {"width": 10, "height": 10}}}
    mutate(shape)
    d = doc({"k": {"Shape": shape}}, [clip("a", "k", 6)])
    with pytest.raises(CompositionError) as ei:
        api.load(json.dumps(d))
    assert ei.value.path == path and rule in ei.value.rule, (ei.value.path, ei.value.rule)


def test_unknown_tags() -> None:
    d = doc({"k": {"acme.nothing": {}}}, [clip("a", "k", 6)])
    with pytest.raises(CompositionError, match="unknown asset kind 'acme.nothing'"):
        api.load(json.dumps(d))
    d = doc({"k": {"Nope": {}}}, [clip("a", "k", 6)])
    with pytest.raises(CompositionError, match="unknown variant 'Nope'"):
        loads_composition(json.dumps(d))


class Badge(AssetKind):
    """A test kind: a solid rectangle; counts its draws."""

    name = "acme.badge"
    description = "A filled rectangle."
    params = (
        Param("width", "number", default=40, min=0),
        Param("colour", "colour", default="#ff8800"),
        Param("raster", "bool", default=False),
    )
    draws: ClassVar[list[tuple]] = []

    def prepare(self, p: Any, ctx: Any) -> tuple[float, float]:
        return (p.width, 20.0)

    def draw(self, p: Any, ctx: Any) -> Any:
        type(self).draws.append(tuple(p))
        if p.raster:
            px = np.zeros((20, int(p.width), 4), np.uint8)
            px[...] = (0, 136, 255, 255)
            return RasterDrawing(px)
        return VectorDrawing((VectorShape(rect_path(0, 0, p.width, 20), fill=Solid(p.colour)),))


class _Plug:
    @hookimpl
    def wavyte_register_asset_kinds(self) -> list[type]:
        return [Badge]


@pytest.mark.parametrize("raster", [False, True])
def test_third_party_kind_draws_only_when_values_change(raster: bool) -> None:
    reg = Registry.build([("acme", _Plug())])
    assets = {"b": {"acme.badge": {"width": ramp(20, 40, 2), "raster": raster}},
              "s": {"acme.badge": {"raster": raster}}}  # fmt: skip
    d = doc(assets, [clip("a", "b", 6, 10, 10), clip("c", "s", 6, 10, 60)], n=6)
    comp = api.load(json.dumps(d), registry=reg)
    Badge.draws.clear()
    with api.open_job(comp, registry=reg, backend="skia") as job:
        frames = [job.frame(i).copy() for i in range(6)]
    # the animated badge: 3 distinct widths (frames 0, 1, 2..5); the static one: once
    assert len(Badge.draws) == 4
    assert tuple(frames[0][15, 12, :3]) == (0, 136, 255)  # orange, BGR
    assert frames[5][15, 45, 2] == 255 and frames[0][15, 45, 2] == 18  # grew to 40 wide
    with pytest.raises(CompositionError) as ei:
        api.load(json.dumps(doc({"b": {"acme.badge": {"wide": 3}}}, [clip("a", "b", 6)])),
                 registry=reg)  # fmt: skip
    assert ei.value.path == 'assets.b["acme.badge"].wide'


#: Colour index shown at each frame by `Flip`: states come back (0 after 1, after 2), and
#: the last one is held for a second frame.
FLIP_STATES = (0, 1, 0, 1, 2, 0, 0)
FLIP_BGRA = ((255, 0, 0, 255), (0, 255, 0, 255), (0, 0, 255, 255))


class Flip(AssetKind):
    """A test kind: a 20×20 raster whose colour follows `FLIP_STATES`; with ``volatile``
    it rewrites one buffer per draw (like a nested composition or a Lottie)."""

    name = "acme.flip"
    description = "A square that changes colour."
    params = (Param("volatile", "bool", default=False),)
    frame_varying = True
    draws: ClassVar[list[int]] = []

    def prepare(self, p: Any, ctx: Any) -> tuple[float, float]:
        self._buf = np.zeros((20, 20, 4), np.uint8)
        return (20.0, 20.0)

    def frame_state(self, p: Any, frame: int) -> int:
        return FLIP_STATES[frame]

    def draw(self, p: Any, ctx: Any) -> Any:
        type(self).draws.append(ctx.state)
        if p.volatile:
            self._buf[...] = FLIP_BGRA[ctx.state]
            return RasterDrawing(self._buf, volatile=True)
        return RasterDrawing(np.full((20, 20, 4), FLIP_BGRA[ctx.state], np.uint8))


class _FlipPlug:
    @hookimpl
    def wavyte_register_asset_kinds(self) -> list[type]:
        return [Flip]


@pytest.mark.parametrize("backend", ["skia", "cairo"])
@pytest.mark.parametrize("volatile", [False, True])
def test_a_volatile_raster_is_never_drawn_after_its_buffer_changed(
    volatile: bool, backend: str
) -> None:
    """A kind that rewrites one buffer per draw (``RasterDrawing(volatile=True)``): a state
    that comes back is drawn again, not taken from the host's cache, whose drawing would
    show the buffer's newer content; unchanged frames still reuse the last drawing."""
    reg = Registry.build([("acme", _FlipPlug())])
    n = len(FLIP_STATES)
    d = doc({"f": {"acme.flip": {"volatile": volatile}}}, [clip("a", "f", n, 10, 10)], n=n)
    comp = api.load(json.dumps(d), registry=reg)
    Flip.draws.clear()
    with api.open_job(comp, registry=reg, backend=backend) as job:
        shown = [tuple(int(v) for v in job.frame(i)[20, 20]) for i in range(n)]
    assert shown == [FLIP_BGRA[s] for s in FLIP_STATES]
    # kept drawings: each distinct state once; a volatile buffer: every change of state
    assert Flip.draws == ([0, 1, 2] if not volatile else [0, 1, 0, 1, 2, 0])


def test_kinds_command_lists_shape() -> None:
    from typer.testing import CliRunner

    from wavyte_core.cli.main import app

    r = CliRunner().invoke(app, ["kinds", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    shape = [k for k in data if k["kind"] == "Shape"]
    assert shape and shape[0]["plugin"] == "builtin" and shape[0]["structured"]
    r = CliRunner().invoke(app, ["kinds", "acme.none"])
    assert r.exit_code == 2 and "unknown asset kind 'acme.none'" in r.output


def test_trim_cuts_by_length_and_wraps() -> None:
    from wavyte_core.plugin import ellipse_path, line_path, rect_path, trim_path

    line = line_path(0, 0, 100, 0)
    t = trim_path(line, 0.25, 0.5, 0.0)
    assert t.verbs == "ML" and t.points.tolist() == [[25.0, 0.0], [50.0, 0.0]]
    assert trim_path(line, 0.5, 0.25, 0.0).points.tolist() == t.points.tolist()  # swapped
    assert trim_path(line, 0.0, 1.0, 0.3) is line  # the whole outline
    assert trim_path(line, 0.4, 0.4, 0.0).verbs == ""  # nothing
    # a wrapping window on an open line: two pieces, the end then the start
    w = trim_path(line, 0.0, 0.2, 0.9)
    assert w.verbs == "MLML"
    assert np.allclose(w.points, [[90, 0], [100, 0], [0, 0], [10, 0]], atol=1e-9)
    # on a closed square the wrapped window continues through the seam (a join, no move)
    sq = trim_path(rect_path(0, 0, 10, 10), 0.0, 0.25, 0.875)
    assert sq.verbs == "MLL" and np.allclose(sq.points, [[0, 5], [0, 0], [5, 0]], atol=1e-9)
    # half a circle (clockwise from the top) ends at the bottom, on the curve
    half = trim_path(ellipse_path(50, 50, 50, 50), 0.0, 0.5, 0.0)
    end = half.points[-1]
    assert abs(end[0] - 50) < 0.05 and abs(end[1] - 100) < 0.05
    q = trim_path(ellipse_path(50, 50, 50, 50), 0.0, 0.125, 0.0).points[-1]
    assert abs(np.hypot(q[0] - 50, q[1] - 50) - 50) < 0.05  # stays on the circle
    assert abs(q[0] - (50 + 50 * np.sqrt(0.5))) < 0.3  # at 45°


def test_schema_and_builder_cover_shapes() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from wavyte_core.format import builder as b
    from wavyte_core.plugin.registry import default_registry
    from wavyte_core.plugin.schema import composition_schema

    schema = composition_schema(default_registry())
    v = jsonschema.Draft202012Validator(schema)
    assert not list(v.iter_errors(scene()))
    bad = scene()
    bad["assets"]["rect"]["Shape"]["stroke"]["dsh"] = [1]
    assert list(v.iter_errors(bad))
    cb = b.CompositionBuilder(width=200, height=120, duration=10)
    cb.shape(
        "s",
        b.star(5, 40, 16),
        fill=b.linear_gradient((0, 0), (80, 0), [(0, "#ff0000"), (1, (0, 0, 255, 255))]),
        stroke=b.stroke(b.keyframes([(0, 1.0), (9, 6.0, b.cubic_bezier(0.4, 0, 0.2, 1))]),
                        b.solid("#ffffff"), dash=[4, 2]),
        trim=b.trim(end=b.keyframes([(0, 0.0), (9, 1.0)])),
    )  # fmt: skip
    cb.track("t").clip("c", asset="s", start=0, end=10)
    comp = cb.build()
    assert loads_composition(composition_to_json(comp)) == comp
    api.load(composition_to_json(comp))
    with pytest.raises(CompositionError, match="unknown geometry"):
        cb.shape("bad", {"Hexagon": {}})
