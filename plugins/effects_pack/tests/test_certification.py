"""Every pack kind passes wavyte's certification contract (conformance/wavyte_conformance/effect_contract.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from wavyte_effects_pack import effects as fx
from wavyte_effects_pack import transitions as tr

from wavyte_conformance.effect_contract import EffectContract, TransitionContract


class TestColorAdjust(EffectContract):
    kind = fx.ColorAdjust
    neutral_params = {"brightness": 0, "contrast": 1, "saturation": 1, "hue": 0, "exposure": 0}
    example_params = [
        {},
        {"brightness": 0.1, "contrast": 1.4, "saturation": 0.3, "hue": 90, "exposure": 0.5},
    ]


class TestLut(EffectContract):
    kind = fx.Lut
    neutral_params = {"file": "grade.cube", "strength": 0}
    example_params = [{"file": "grade.cube"}, {"preset": "mono", "strength": 0.5}]

    @pytest.fixture
    def assets_root(self, tmp_path: Path) -> Path:
        rows = [
            f"{(r / 2) ** 0.7} {g / 2} {1 - b / 2}"
            for b in range(3)
            for g in range(3)
            for r in range(3)
        ]
        (tmp_path / "grade.cube").write_text("LUT_3D_SIZE 3\n" + "\n".join(rows) + "\n")
        return tmp_path


class TestDropShadow(EffectContract):
    kind = fx.DropShadow
    neutral_params = {"opacity": 0}
    example_params = [{}, {"offset": [-3.5, 2.25], "radius": 3, "colour": "#ff000080"}]


class TestGlow(EffectContract):
    kind = fx.Glow
    neutral_params = {"intensity": 0}
    example_params = [
        {},
        {"radius": 4, "colour": [0, 128, 255], "intensity": 4},
        {"radius": 22, "intensity": 3},  # the 4× downsampled blur
    ]


class TestOutline(EffectContract):
    kind = fx.Outline
    neutral_params = {"width": 0}
    example_params = [{}, {"width": 2.5, "colour": "#ffffff"}]


class TestVignette(EffectContract):
    kind = fx.Vignette
    neutral_params = {"amount": 0}
    example_params = [{}, {"amount": 1, "radius": 0.2, "softness": 0.3}]


class TestChromaKey(EffectContract):
    kind = fx.ChromaKey
    neutral_params = {"key": "#00ff0000"}
    example_params = [{}, {"key": [20, 40, 230], "tolerance": 0.3, "softness": 0, "spill": 1}]


class TestPixelate(EffectContract):
    kind = fx.Pixelate
    neutral_params = {"size": 1}
    example_params = [{}, {"size": 5}]


class TestGrain(EffectContract):
    kind = fx.Grain
    neutral_params = {"amount": 0}
    example_params = [{}, {"amount": 0.5, "size": 2.5, "mono": False, "seed": 9}]


class TestSharpen(EffectContract):
    kind = fx.Sharpen
    neutral_params = {"amount": 0}
    example_params = [{}, {"amount": 3, "radius": 1}]


class TestRoundedCorners(EffectContract):
    kind = fx.RoundedCorners
    neutral_params = {"radius": 0}
    example_params = [{}, {"radius": 6}]


class TestSlide(TransitionContract):
    kind = tr.Slide
    example_params = [{}, {"side": "top"}]


class TestPush(TransitionContract):
    kind = tr.Push
    example_params = [{}, {"side": "left"}]


class TestZoom(TransitionContract):
    kind = tr.Zoom
    example_params = [{}, {"strength": 3, "center": [0.2, 0.7]}]


class TestIris(TransitionContract):
    kind = tr.Iris
    example_params = [{}, {"mode": "close", "center": [0, 1], "softness": 10}]


class TestRadial(TransitionContract):
    kind = tr.Radial
    example_params = [{}, {"smoothness": 0}]


class TestWindowSlice(TransitionContract):
    kind = tr.WindowSlice
    example_params = [{}, {"count": 3, "smoothness": 0}]


class TestRandomSquares(TransitionContract):
    kind = tr.RandomSquares
    example_params = [{}, {"columns": 4, "rows": 3, "seed": 5}]


class TestDirectionalWarp(TransitionContract):
    kind = tr.DirectionalWarp
    example_params = [{}, {"direction": [1, 0], "smoothness": 0.5}]
