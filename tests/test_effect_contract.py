"""The certification contract run on the built-in kinds and on the documented sample plugin."""

from __future__ import annotations

from tests.fx_sample_plugin import Reveal, Shift, Tint
from wavyte_conformance.effect_contract import EffectContract, TransitionContract


class TestBlurContract(EffectContract):
    kind = "blur"
    neutral_params = {"radius_px": 0}
    example_params = [{"radius_px": 3}, {"radius_px": 6, "sigma": 1.5}]


class TestOpacityMulContract(EffectContract):
    kind = "opacity_mul"
    neutral_params = {"value": 1}
    example_params = [{"value": 0.5}]
    backend_max_diff = 1  # folds into the layer opacity: each compositor's blend math


class TestTransformPostContract(EffectContract):
    kind = "transform_post"
    neutral_params = {}
    example_params = [{"translate": [3, 2]}, {"scale": [2, 1]}]


class TestCrossfadeContract(TransitionContract):
    kind = "crossfade"


class TestWipeContract(TransitionContract):
    kind = "wipe"
    example_params = [{}, {"dir": "ttb", "soft_edge": 0.25}]


class TestSampleTint(EffectContract):
    kind = Tint
    neutral_params = {"amount": 0}
    example_params = [{}, {"amount": 1, "colour": "#00ff0080"}]


class TestSampleShift(EffectContract):
    kind = Shift
    neutral_params = {"dx": 0}
    example_params = [{"dx": 5}]


class TestSampleReveal(TransitionContract):
    kind = Reveal
    example_params = [{}, {"dir": "right"}]
