"""Built-in transition kinds (wavyte-format.md §1.12) and their pairing rules (§3.5)."""

from __future__ import annotations

import numpy as np
import pytest

from wavyte_core.plugin.roles import Surface
from wavyte_core.render.builtin_transitions import TRANSITION_KINDS, Crossfade, Wipe
from wavyte_core.render.compositor_numpy import NumpyCompositor

KINDS = {k.name: k for k in TRANSITION_KINDS}
wipe = KINDS["wipe"].parse
crossfade = KINDS["crossfade"].parse


def test_kinds():
    assert set(KINDS) == {"crossfade", "wipe"}
    assert isinstance(crossfade(None), Crossfade)
    assert isinstance(crossfade({"anything": 1}), Crossfade)


@pytest.mark.parametrize(
    ("dir_", "want"),
    [
        ("left_to_right", "ltr"),
        ("lefttoright", "ltr"),
        ("ltr", "ltr"),
        (" LTR ", "ltr"),
        ("right_to_left", "rtl"),
        ("righttoleft", "rtl"),
        ("rtl", "rtl"),
        ("top_to_bottom", "ttb"),
        ("toptobottom", "ttb"),
        ("ttb", "ttb"),
        ("TTB", "ttb"),
        ("bottom_to_top", "btt"),
        ("bottomtotop", "btt"),
        ("btt", "btt"),
    ],
)
def test_wipe_dir_aliases(dir_, want):
    w = wipe({"dir": dir_})
    assert w == Wipe(want, 0.0)


def test_wipe_defaults():
    assert wipe(None) == Wipe("ltr", 0.0)
    assert wipe({}) == Wipe("ltr", 0.0)
    assert wipe({"dir": 3, "soft_edge": "x"}) == Wipe("ltr", 0.0)
    assert wipe({"dir": None, "soft_edge": None}) == Wipe("ltr", 0.0)


def test_wipe_soft_edge_clamped_and_f32():
    assert wipe({"soft_edge": -5}) == Wipe("ltr", 0.0)
    assert wipe({"soft_edge": 7.5}).soft_edge == 1.0
    assert wipe({"dir": "ttb", "soft_edge": 0.2}) == Wipe("ttb", float(np.float32(0.2)))


@pytest.mark.parametrize(
    "params",
    [{"dir": "diagonal"}, {"dir": "ltr ", "soft_edge": 1e39}, [1, 2], "ltr", 3, {"dir": "ｌtr"}],
)
def test_wipe_unparseable_params_give_none(params):
    assert wipe(params) is None


def test_pairing_rules():
    cf = Crossfade()
    assert cf.can_pair(Crossfade())
    assert not cf.can_pair(Wipe())
    w = Wipe("ttb", 0.2)
    assert w.can_pair(Wipe("ttb", 0.2))
    assert w.can_pair(Wipe("ttb", float(np.float32(0.2) + np.float32(5e-7))))
    assert not w.can_pair(Wipe("ttb", 0.21))
    assert not w.can_pair(Wipe("btt", 0.2))
    assert not w.can_pair(cf)


def _solid(color, h=2, w=4):
    return Surface(np.tile(np.asarray(color, dtype=np.uint8), (h, w, 1)))


def test_composite_calls_the_compositor_ops():
    comp = NumpyCompositor()
    red, blue = [0, 0, 255, 255], [255, 0, 0, 255]
    dst = _solid([0, 0, 0, 0])
    Wipe("ltr", 0.0).composite(comp, dst, _solid(red), _solid(blue), 0.5)
    assert dst.buf[0].tolist() == [blue, blue, red, red]
    dst = _solid([0, 0, 0, 0])
    Wipe("btt", 0.0).composite(comp, dst, _solid(red), _solid(blue), 0.5)
    assert dst.buf[:, 0].tolist() == [red, blue]
    dst = _solid([0, 0, 0, 0])
    Crossfade().composite(comp, dst, _solid(red), _solid(blue), 0.5)
    assert dst.buf[0, 0].tolist() == [128, 0, 127, 255]
