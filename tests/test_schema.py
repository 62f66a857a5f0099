"""``wavyte schema`` validated with the ``jsonschema`` package: every example and conformance
composition passes, broken ones fail (and the loader agrees), installed kinds are merged in."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.test_plugin_api import Plug, doc, kf
from wavyte_core import api
from wavyte_core.errors import WavyteError
from wavyte_core.plugin.registry import Registry
from wavyte_core.plugin.schema import composition_schema

jsonschema = pytest.importorskip("jsonschema")
ROOT = Path(__file__).resolve().parents[1]
GOOD = sorted(
    [
        *(
            p
            for p in (ROOT / "conformance" / "wavyte_conformance" / "cases").glob("*.json")
            if p.name != "index.json"
        ),
        *(ROOT / "conformance" / "wavyte_conformance" / "scenes").rglob("*.json"),
        *(ROOT / "examples").glob("*.json"),
    ]
)


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry.build([("testfx", Plug())])


@pytest.fixture(scope="module")
def validator(reg: Registry) -> Any:
    schema = composition_schema(reg)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_there_are_compositions_to_check() -> None:
    assert len(GOOD) >= 50


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_every_example_and_conformance_composition_is_valid(validator: Any, path: Path) -> None:
    errors = [
        f"{e.json_path}: {e.message}" for e in validator.iter_errors(json.loads(path.read_text()))
    ]
    assert not errors, errors[:3]


def _set(*path_value: Any) -> Callable[[dict], None]:
    *path, value = path_value

    def apply(d: dict) -> None:
        for p in path[:-1]:
            d = d[p]
        if value is _DELETE:
            del d[path[-1]]
        else:
            d[path[-1]] = value

    return apply


_DELETE = object()
C = ("tracks", 0, "clips", 0)
FX = (*C, "effects")

BAD: list[tuple[str, Callable[[dict], None]]] = [
    ("missing seed", _set("seed", _DELETE)),
    ("fps num 0", _set("fps", "num", 0)),
    ("duration 0", _set("duration", 0)),
    ("negative canvas", _set("canvas", "width", -4)),
    (
        "asset with two tags",
        _set("assets", "r", {"Path": {"svg_path_d": "M0,0"}, "Svg": {"source": "a.svg"}}),
    ),
    ("text without size", _set("assets", "t", {"Text": {"text": "x", "font_source": "f.ttf"}})),
    ("lowercase ease", _set(*C, "props", "opacity", "Keyframes", "keys", 0, "ease", "linear")),
    ("keyframes without mode", _set(*C, "props", "opacity", "Keyframes", "mode", _DELETE)),
    ("clip without effects", _set(*C, "effects", _DELETE)),
    ("z_offset out of i32", _set(*C, "z_offset", 2**31)),
    ("unknown effect kind", _set(*FX, [{"kind": "glitter"}])),
    ("blank effect kind", _set(*FX, [{"kind": "  "}])),
    ("blur radius 300", _set(*FX, [{"kind": "blur", "params": {"radius_px": 300}}])),
    ("blur without radius", _set(*FX, [{"kind": "Blur", "params": {"sigma": 2}}])),
    ("blur sigma 0", _set(*FX, [{"kind": "blur", "params": {"radius_px": 2, "sigma": 0}}])),
    ("opacity_mul negative", _set(*FX, [{"kind": "opacity-mul", "params": {"value": -1}}])),
    (
        "transform_post short affine",
        _set(*FX, [{"kind": "transform_post", "params": {"affine": [1, 0]}}]),
    ),
    (
        "transition duration 0",
        _set(*C, "transition_in", {"kind": "crossfade", "duration_frames": 0, "ease": "Linear"}),
    ),
    (
        "transition params array",
        _set(
            *C,
            "transition_in",
            {"kind": "wipe", "duration_frames": 3, "ease": "Linear", "params": [1]},
        ),
    ),
    ("plugin param out of range", _set(*FX, [{"kind": "test.level", "params": {"level": 256}}])),
    ("plugin param unknown", _set(*FX, [{"kind": "test.level", "params": {"lvl": 1}}])),
    ("plugin param wrong type", _set(*FX, [{"kind": "acme.tint", "params": {"colour": "red"}}])),
    (
        "plugin keyframe value out of range",
        _set(*FX, [{"kind": "test.level", "params": {"level": kf((0, 1), (2, 999))}}]),
    ),
    (
        "plugin number given a string",
        _set(*FX, [{"kind": "acme.tint", "params": {"amount": "half"}}]),
    ),
    (
        "plugin point given a Scalar procedural",
        _set(
            *FX,
            [
                {
                    "kind": "test.level",
                    "params": {
                        "at": {
                            "Procedural": {
                                "kind": {
                                    "kind": "Scalar",
                                    "params": {
                                        "Spring": {"stiffness": 1, "damping": 1, "target": 1}
                                    },
                                }
                            }
                        }
                    },
                }
            ],
        ),
    ),
    (
        "plugin transition bad param",
        _set(
            *C,
            "transition_out",
            {
                "kind": "acme.reveal",
                "duration_frames": 3,
                "ease": "Linear",
                "params": {"dir": "up"},
            },
        ),
    ),
]


def _good() -> dict:
    d = doc([{"kind": "test.level", "params": {"level": kf((0, 0), (4, 200)), "tint": "#ff0000"}}])
    d["tracks"][0]["clips"][0]["transition_out"] = {
        "kind": "acme.reveal",
        "duration_frames": 3,
        "ease": "Linear",
        "params": {"dir": "right"},
    }
    d["tracks"][0]["clips"][0]["transition_in"] = {
        "kind": "fade",
        "duration_frames": 3,
        "ease": {"Linear": None},
    }
    return d


def test_a_composition_using_plugin_kinds_is_valid(validator: Any, reg: Registry) -> None:
    d = _good()
    assert not list(validator.iter_errors(d))
    api.load(json.dumps(d), registry=reg)


@pytest.mark.parametrize(("name", "mutate"), BAD, ids=[b[0] for b in BAD])
def test_bad_compositions_are_rejected_by_schema_and_loader(
    validator: Any, reg: Registry, name: str, mutate: Callable[[dict], None]
) -> None:
    d = copy.deepcopy(_good())
    mutate(d)
    assert not validator.is_valid(d), f"schema accepts: {name}"
    with pytest.raises(WavyteError):
        api.load(json.dumps(d), registry=reg)


def test_kinds_are_discriminated_and_carry_metadata(reg: Registry) -> None:
    s = composition_schema(reg)
    fx = s["$defs"]["EffectInstance"]
    assert fx["discriminator"] == {"propertyName": "kind"}
    kinds = {b["x-wavyte-kind"]: b for b in fx["oneOf"]}
    assert {"blur", "opacity_mul", "transform_post", "test.level", "acme.tint"} <= set(kinds)
    level = kinds["test.level"]["properties"]["params"]["properties"]["level"]
    assert level["x-wavyte-animatable"] is True and level["default"] == 0
    assert kinds["acme.tint"]["x-wavyte-plugin"] == "testfx"
    assert "acme.reveal" in s["$defs"]["TransitionSpec"]["x-wavyte-kinds"]
