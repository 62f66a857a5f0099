"""Certify acme-fx with wavyte's contract: subclass, point at the kind, run pytest."""

from __future__ import annotations

from acme_fx.plugin import Blinds, Duotone, Gauge

from wavyte_conformance.asset_contract import AssetContract
from wavyte_conformance.effect_contract import EffectContract, TransitionContract


class TestDuotone(EffectContract):
    kind = Duotone
    neutral_params = {"amount": 0}
    example_params = [{}, {"dark": "#000000", "light": "#ff3366", "amount": 0.7}]


class TestBlinds(TransitionContract):
    kind = Blinds
    example_params = [{}, {"count": 3}]


class TestGauge(AssetContract):
    kind = Gauge
