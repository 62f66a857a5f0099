"""CSS hex colours, one parser everywhere: ``#rgb``, ``#rgba``, ``#rrggbb``, ``#rrggbbaa``
(short forms repeat each digit: ``#fff`` is white) in the format's colour fields, plugin
colour params and the CLI's ``--background``; anything else is refused with one line."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from tests.test_e2e_render import cli, clip
from wavyte_core.errors import CompositionError
from wavyte_core.format.colour import colour_value, parse_hex_colour
from wavyte_core.plugin.params import Param

FORMS = [
    ("#fff", (255, 255, 255, 255)),
    ("#F0a", (255, 0, 170, 255)),
    ("#1234", (0x11, 0x22, 0x33, 0x44)),
    ("#abcdef", (0xAB, 0xCD, 0xEF, 255)),
    ("#abcdef80", (0xAB, 0xCD, 0xEF, 0x80)),
]
BAD = ["#ff", "#fffff", "#fffffff", "#ggg", "fff", "#", "#abcdef801", ""]


@pytest.mark.parametrize(("text", "rgba"), FORMS)
def test_every_hex_form_in_every_parser(text: str, rgba: tuple[int, int, int, int]) -> None:
    assert parse_hex_colour(text) == rgba
    assert colour_value(text, "x.color") == rgba  # format colour fields
    assert Param("tint", "colour", [0, 0, 0, 255]).read(text, "fx.tint") == rgba  # plugins


@pytest.mark.parametrize("text", BAD)
def test_not_a_colour_is_refused_naming_the_path(text: str) -> None:
    assert parse_hex_colour(text) is None
    with pytest.raises(CompositionError) as e:
        colour_value(text, "tracks[0].fill")
    assert e.value.path == "tracks[0].fill" and "#rgb" in e.value.rule
    with pytest.raises(CompositionError) as e:
        Param("tint", "colour", [0, 0, 0, 255]).read(text, "effects[0].params.tint")
    assert "effects[0].params.tint" in str(e.value) and "#rgb" in str(e.value)


def _comp(tmp_path: Path) -> Path:
    doc = {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 32, "height": 16},
        "duration": 1,
        "assets": {"sq": {"Path": {"svg_path_d": "M0,0 H8 V8 H0 Z"}}},
        "tracks": [{"name": "t", "z_base": 0, "clips": [clip("c", "sq", 0, 1)]}],
        "seed": 1,
    }
    p = tmp_path / "c.json"
    p.write_text(json.dumps(doc))
    return p


def _png(path: Path) -> np.ndarray:
    with av.open(str(path)) as f:
        return next(f.decode(video=0)).to_ndarray(format="rgba")


@pytest.mark.parametrize(
    ("arg", "rgba"),
    [("#0a0", (0, 170, 0, 255)), ("#f008", (255, 0, 0, 136)), ("204060", (32, 64, 96, 255))],
)
def test_cli_background_short_forms(tmp_path: Path, arg: str, rgba: tuple) -> None:
    out = tmp_path / "f.png"
    r = cli("frame", str(_comp(tmp_path)), "--frame", "0", "-o", str(out), "--background", arg)
    assert r.returncode == 0, r.stderr
    assert tuple(_png(out)[12, 20]) == rgba  # a pixel of the background (PNG: straight alpha)


def test_cli_background_refused_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "f.png"
    r = cli("frame", str(_comp(tmp_path)), "--frame", "0", "-o", str(out), "--background", "#12")
    assert r.returncode == 2 and not out.exists()
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "--background" in lines[0] and "#rgb" in lines[0], r.stderr
