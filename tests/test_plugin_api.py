"""The effect/transition plugin API end to end: registration, declared params (validation,
defaults, animation), per-frame params in the layer cache, identity skip, declared margins,
plugin transitions, and the guarantee that nothing per frame validates or re-parses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from tests.fx_sample_plugin import Reveal, Shift, Tint
from tests.test_e2e_render import clip, ident
from wavyte_core import api
from wavyte_core.errors import CompositionError, PluginError
from wavyte_core.plugin import Effect, Margins, Transition
from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.params import Param, ParamSet
from wavyte_core.plugin.registry import Registry


class Level(Effect):
    """Sets every pixel of the layer's box to a grey level (alpha 255): makes the
    evaluated param visible in the frame, and counts its calls."""

    name = "test.level"
    params = (
        Param("level", "int", default=0, min=0, max=255),
        Param("tint", "colour", default=[0, 0, 0, 255]),
        Param("at", "point", default=[0, 0]),
    )
    calls: ClassVar[list[tuple]] = []

    def is_identity(self, p: Any) -> bool:
        return p.level == 255

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Any, ctx: Any) -> None:
        type(self).calls.append((ctx.frame, tuple(p)))
        dst[:] = src
        dst[..., :3] = np.minimum(dst[..., :3], p.level)
        dst[..., 0] = np.minimum(dst[..., 0], p.tint[2])


class Grain(Effect):
    name = "test.grain"
    frame_varying = True
    params = ()

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Any, ctx: Any) -> None:
        dst[:] = src
        dst[..., 0] = np.minimum(src[..., 0], ctx.frame % 7)


class Plug:
    @hookimpl
    def wavyte_register_effects(self) -> list:
        return [Level, Grain, Tint, Shift]

    @hookimpl
    def wavyte_register_transitions(self) -> list:
        return [Reveal]


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry.build([("testfx", Plug())])


def kf(*pairs: tuple[int, Any], mode: str = "Linear") -> dict:
    keys = [{"frame": f, "value": v, "ease": "Linear"} for f, v in pairs]
    return {"Keyframes": {"keys": keys, "mode": mode, "default": None}}


def doc(effects: list, frames: int = 10, **clip_kw: Any) -> dict:
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 48, "height": 32},
        "duration": frames,
        "assets": {"r": {"Path": {"svg_path_d": "M0,0 H16 V12 H0 Z"}}},
        "tracks": [
            {
                "name": "t",
                "z_base": 0,
                "clips": [
                    clip("c", "r", 0, frames, transform=ident(8, 6), effects=effects, **clip_kw)
                ],
            }
        ],
        "seed": 3,
    }


def job(d: dict, reg: Registry, **kw: Any) -> api.RenderJob:
    comp = api.load(json.dumps(d), registry=reg)
    kw.setdefault("background", None)
    return api.open_job(comp, registry=reg, **kw)


# ------------------------------------------------------------------ registration


def test_kind_classes_register_with_their_declarations(reg: Registry) -> None:
    assert {"test.level", "test.grain", "acme.tint", "acme.shift"} <= set(reg.effect_kinds())
    assert "acme.reveal" in reg.transition_kinds()
    spec = reg.effects["test.level"]
    assert [p.name for p in spec.params] == ["level", "tint", "at"]
    assert spec.param_set.defaults == (0, (0, 0, 0, 255), (0.0, 0.0))
    assert reg.kind_owner("effect", "test.level") == "testfx"
    assert spec.doc.startswith("Sets every pixel")


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (type("E", (Effect,), {"name": "glow"}), "must be namespaced"),
        (type("E", (Effect,), {"name": "a.b", "params": (Param("x", "number"),)}), "default"),
        (
            type("E", (Effect,), {"name": "a.b", "params": (Param("x", "int", default=5, max=3),)}),
            "default 5 is invalid",
        ),
        (
            type(
                "E",
                (Effect,),
                {"name": "a.b", "params": (Param("x", "string", default="", animatable=True),)},
            ),
            "cannot be animatable",
        ),
        (
            type("T", (Transition,), {"name": "a.t", "params": (Param("x", "number", default=0),)}),
            "constant over a transition",
        ),
        ("not a class", "is not a EffectKindSpec"),
    ],
)
def test_broken_declarations_are_reported_by_plugin_name(kind: Any, message: str) -> None:
    hook = (
        "wavyte_register_transitions"
        if isinstance(kind, type) and issubclass(kind, Transition)
        else "wavyte_register_effects"
    )

    class Broken:
        pass

    setattr(Broken, hook, hookimpl(lambda self: [kind]))
    r = Registry.build([("broken", Broken())], entrypoints=False)
    info = next(p for p in r.plugins if p.name == "broken")
    assert info.error is not None and message in info.error
    assert "glow" not in r.effects and "a.b" not in r.effects


# ------------------------------------------------------------------ params at load


@pytest.mark.parametrize(
    ("params", "path", "rule"),
    [
        ({"level": 300}, "params.level", "param 'level' must be <= 255, got 300"),
        ({"level": 1.5}, "params.level", "param 'level' must be an integer"),
        (
            {"levl": 1},
            "params.levl",
            "unknown param 'levl' (effect 'test.level' takes: at, level, tint)",
        ),
        ({"tint": "#12"}, "params.tint", "param 'tint' must be [r,g,b]"),
        ({"tint": [1, 2, 300]}, "params.tint", "0..255"),
        ({"at": [1]}, "params.at", "param 'at' must be [x, y]"),
        ([1, 2], "params", "params must be an object"),
        (
            {"level": kf((0, 0), (5, 999))},
            "params.level.Keyframes.keys[1].value",
            "param 'level' must be <= 255, got 999",
        ),
        (
            {"level": kf((5, 0), (1, 9))},
            "params.level.Keyframes.keys[1].frame",
            "Keyframes keys must be sorted by frame",
        ),
        (
            {
                "at": {
                    "Procedural": {
                        "kind": {
                            "kind": "Scalar",
                            "params": {"Sine": {"amp": 1, "freq_hz": 1, "phase": 0, "offset": 0}},
                        }
                    }
                }
            },
            "params.at",
            "a point param needs a Vec2 procedural",
        ),
        (
            {
                "tint": {
                    "Procedural": {
                        "kind": {
                            "kind": "Scalar",
                            "params": {"Spring": {"stiffness": 1, "damping": 0, "target": 9}},
                        }
                    }
                }
            },
            "params.tint",
            "procedurals drive number, int and point params only",
        ),
    ],
)
def test_bad_params_name_the_json_path_and_param(
    reg: Registry, params: Any, path: str, rule: str
) -> None:
    d = doc([{"kind": "Test.Level ", "params": params}])
    with pytest.raises(CompositionError) as info:
        api.load(json.dumps(d), registry=reg)
    assert info.value.path == f"tracks[0].clips[0].effects[0].{path}"
    assert rule in info.value.rule


def test_plugin_transition_with_bad_params_is_an_error_not_a_fade(reg: Registry) -> None:
    spec = {"kind": "acme.reveal", "duration_frames": 4, "ease": "Linear", "params": {"dir": "up"}}
    d = doc([], transition_out=spec)
    with pytest.raises(
        CompositionError,
        match=r"transition_out\.params\.dir: param 'dir' must be one of left, right",
    ):
        api.load(json.dumps(d), registry=reg)
    # the built-in rule is unchanged: an unparsable wipe is accepted (a plain fade)
    d = doc([], transition_out={**spec, "kind": "wipe", "params": {"dir": "up"}})
    api.load(json.dumps(d), registry=reg)


def test_colour_and_point_spellings() -> None:
    ps = ParamSet(
        "effect 'x.y'",
        (Param("c", "colour", default="#ff000080"), Param("p", "point", default={"x": 1, "y": 2})),
    )
    assert ps.defaults == ((255, 0, 0, 128), (1.0, 2.0))
    b = ps.bind({"c": [1, 2, 3], "p": [3, 4.5]}, "params")
    assert b.first == ((1, 2, 3, 255), (3.0, 4.5)) and b.sample is None


def test_vector_params_animate_per_component_with_the_prop_evaluator() -> None:
    ps = ParamSet(
        "effect 'x.y'",
        (
            Param("c", "colour", default=[0, 0, 0, 255]),
            Param("p", "point", default=[0, 0], min=-5, max=5),
        ),
    )
    sine = {"Sine": {"amp": 10.0, "freq_hz": 1.0, "phase": 0.0, "offset": 0.0}}
    b = ps.bind(
        {
            "c": kf((0, [0, 100, 200, 255]), (10, [100, 0, 200, 55])),
            "p": {"Procedural": {"kind": {"kind": "Vec2", "params": {"x": sine, "y": sine}}}},
        },
        "params",
        secs_per_frame=1 / 40,
        seed=0,
    )
    assert b.sample is not None
    assert b.sample(5).c == (50, 50, 200, 155)
    assert b.sample(20).c == (100, 0, 200, 55)  # held after the last key
    assert b.sample(10).p == (5.0, 5.0)  # sin(2π·0.25)·10 = 10, clamped to max
    assert b.sample(0).p == (0.0, 0.0)


# ------------------------------------------------------------------ rendering


def test_animated_param_is_sampled_per_frame_and_keys_the_layer_cache(reg: Registry) -> None:
    Level.calls.clear()
    d = doc(
        [
            {
                "kind": "test.level",
                "params": {"level": kf((0, 0), (4, 200)), "tint": [0, 0, 255, 255]},
            }
        ]
    )
    with job(d, reg) as j:
        frames = [j.frame(f) for f in range(8)]
        hits = j.renderer.stats.layer_hits
    levels = [int(f[10, 12, 1]) for f in frames]
    assert levels == [0, 50, 100, 150, 200, 200, 200, 200]
    assert [c[0] for c in Level.calls] == [0, 1, 2, 3, 4]  # frames 5–7 reuse frame 4's layer
    assert hits == 3


def test_static_params_are_computed_once(reg: Registry) -> None:
    Level.calls.clear()
    with job(doc([{"kind": "test.level", "params": {"level": 99}}]), reg) as j:
        for f in range(6):
            j.frame(f)
    assert len(Level.calls) == 1


def test_identity_params_skip_the_pass(reg: Registry) -> None:
    Level.calls.clear()
    plain = doc([])
    with (
        job(doc([{"kind": "test.level", "params": {"level": 255}}]), reg) as j,
        job(plain, reg) as k,
    ):
        assert np.array_equal(j.frame(0), k.frame(0))
        assert not j.renderer.clips[0].pixel and not j.renderer.clips[0].dynamic_fx
    assert Level.calls == []
    # identity only on some frames: skipped exactly there
    Level.calls.clear()
    with job(
        doc([{"kind": "test.level", "params": {"level": kf((0, 255), (2, 0), mode="Hold")}}]), reg
    ) as j:
        for f in range(4):
            j.frame(f)
    assert [c[0] for c in Level.calls] == [2]


def test_frame_varying_kind_is_recomputed_each_frame_and_not_elided(
    reg: Registry, tmp_path: Path
) -> None:
    with job(doc([{"kind": "test.grain"}]), reg) as j:
        vals = [int(j.frame(f)[10, 12, 0]) for f in range(9)]
        assert vals == [f % 7 for f in range(9)]
    opaque = (0, 0, 0, 255)
    with job(doc([{"kind": "test.grain"}]), reg, background=opaque) as j:
        report = j.render(tmp_path / "g.mp4", workers=1)
    assert report.elided == 0
    with job(doc([{"kind": "test.level", "params": {"level": 9}}]), reg, background=opaque) as j:
        assert j.render(tmp_path / "s.mp4", workers=1).elided == 9


def test_margins_grow_the_isolation_bounds(reg: Registry) -> None:
    shift = [{"kind": "acme.shift", "params": {"dx": 6}}]
    with job(doc(shift), reg) as j:
        f = j.frame(0)
    # the 16×12 rect at (8, 6) moves right by 6: columns 14..29 covered, 8..13 empty
    assert f[10, 29, 3] == 255 and f[10, 30, 3] == 0 and f[10, 13, 3] == 0
    # chained with the built-in blur: the blur grows the box first, then the shift
    chain = [{"kind": "blur", "params": {"radius_px": 3}}, *shift]
    with job(doc(chain), reg) as j:
        g = j.frame(0)
    assert g[10, 32, 3] > 0  # blurred right edge (24 + 3) shifted by 6 → 33
    assert not g[:, :11].any()  # nothing left of 8 − 3 + 6


def test_animated_margins(reg: Registry) -> None:
    d = doc([{"kind": "acme.shift", "params": {"dx": kf((0, 0), (4, 8))}}])
    with job(d, reg) as j:
        cols = [int(np.nonzero(j.frame(f)[10, :, 3])[0].max()) for f in (0, 2, 4)]
    assert cols == [23, 27, 31]


def test_plugin_transition_pairs_and_composites(reg: Registry) -> None:
    spec = {
        "kind": "acme.reveal",
        "duration_frames": 4,
        "ease": "Linear",
        "params": {"dir": "right"},
    }
    d = doc([], frames=12)
    a = clip("a", "r", 0, 8, transform=ident(0, 0), transition_out=spec)
    b = clip("b", "r", 4, 12, transform=ident(16, 0), transition_in=spec)
    d["tracks"][0]["clips"] = [a, b]
    with job(d, reg) as j:
        f4, f6 = j.frame(4), j.frame(6)
        assert isinstance(j.renderer.clips[0].t_out, type(j.renderer.clips[1].t_in))
    # The box is the union of both layers (x 0..34 with the AA margin). Progress 0 shows
    # only A (x 0..16); at frame 6 (progress 2/3) B is revealed from the right over the
    # last round(2/3·34) = 23 columns, so column 13 shows B (empty there) instead of A.
    assert f4[5, 5, 3] == 255 and f4[5, 13, 3] == 255 and f4[5, 25, 3] == 0
    assert f6[5, 5, 3] == 255 and f6[5, 13, 3] == 0 and f6[5, 25, 3] == 255


def test_validation_only_load_does_not_set_up(reg: Registry, tmp_path: Path) -> None:
    seen: list[Any] = []

    class NeedsFile(Effect):
        name = "test.needs_file"
        params = (Param("file", "string", required=True),)

        def setup(self, p: Any, ctx: Any) -> None:
            seen.append(ctx.assets_root)
            ctx.resolve(p.file)

        def apply(self, src, dst, p, ctx) -> None:  # noqa: ANN001
            dst[:] = src

    class P:
        @hookimpl
        def wavyte_register_effects(self) -> list:
            return [NeedsFile]

    r = Registry.build([("nf", P())])
    d = doc([{"kind": "test.needs_file", "params": {"file": "lut.cube"}}])
    comp = api.load(json.dumps(d), registry=r)  # validation only: no setup, no I/O
    assert seen == []
    with pytest.raises(
        Exception, match=r"tracks\[0\]\.clips\[0\]\.effects\[0\]\.params: file not found"
    ):
        api.open_job(comp, registry=r, assets_root=tmp_path)
    (tmp_path / "lut.cube").write_text("x")
    api.open_job(comp, registry=r, assets_root=tmp_path).close()
    assert seen == [tmp_path, tmp_path]


def test_margins_helper() -> None:
    assert Margins.uniform(2.2) == Margins(3, 3, 3, 3)
    assert not Margins() and Margins(top=1)


def test_a_failing_plugin_is_one_error_naming_its_kind() -> None:
    class Boom(Effect):
        name = "test.boom"
        params = (Param("when", "enum", default="apply", choices=("apply", "setup")),)

        def setup(self, p: Any, ctx: Any) -> None:
            if p.when == "setup":
                raise TypeError("bad table")

        def apply(self, src: np.ndarray, dst: np.ndarray, p: Any, ctx: Any) -> None:
            raise RuntimeError("kaput")

    class P:
        @hookimpl
        def wavyte_register_effects(self) -> list:
            return [Boom]

    r = Registry.build([("boom", P())])
    with (
        job(doc([{"kind": "test.boom"}]), r) as j,
        pytest.raises(
            PluginError, match=r"test\.boom: apply at clip frame 0 failed: RuntimeError\('kaput'\)"
        ),
    ):
        j.frame(0)
    with pytest.raises(
        PluginError, match=r"effects\[0\]\.params: test\.boom setup failed: TypeError"
    ):
        job(doc([{"kind": "test.boom", "params": {"when": "setup"}}]), r)


def test_expr_nodes_remap_vector_params() -> None:
    ps = ParamSet("effect 'x.y'", (Param("p", "point", default=[0, 0]),))
    ramp = kf((0, [0, 0]), (4, [4, 8]))
    b = ps.bind({"p": {"Expr": {"Delay": {"inner": ramp, "by": 2}}}}, "params")
    assert [b.sample(f).p for f in (0, 2, 3, 6)] == [(0, 0), (0, 0), (1, 2), (4, 8)]
    mix = {"Expr": {"Mix": {"a": ramp, "b": kf((0, [10, 10])), "t": kf((0, 0.5))}}}
    assert ps.bind({"p": mix}, "params").sample(4).p == (7.0, 9.0)
