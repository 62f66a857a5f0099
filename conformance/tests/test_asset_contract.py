"""The AssetContract certifies the built-in Shape kind and a third-party kind, and catches
a kind that draws outside its declared bounds."""

from __future__ import annotations

from typing import Any

import pytest

from wavyte_conformance.asset_contract import AssetContract
from wavyte_core.plugin import AssetKind, Param, Solid, VectorDrawing, VectorShape, rect_path


class TestShape(AssetContract):
    kind = "Shape"
    extra_bad_params = [  # noqa: RUF012
        ({"geometry": {"Hexagon": {}}}, "geometry"),
        ({"geometry": {"Rect": {"width": -1, "height": 2}}}, "width"),
        ({"geometry": {"Rect": {"width": 1, "height": 2}}, "stroke": {"dash": [1, -1]}}, "dash"),
        ({"geometry": {"Ellipse": {"width": 1, "height": 2}},
          "fill": {"LinearGradient": {"start": [0, 0], "end": [1, 1], "stops": []}}}, "stops"),
    ]  # fmt: skip


class Bar(AssetKind):
    """A bar."""

    name = "contract.bar"
    description = "A bar of a given width."
    params = (
        Param("width", "number", default=30, min=0, max=100),
        Param("colour", "colour", default="#00ff88"),
    )
    examples = ({"width": 50},)

    def prepare(self, p: Any, ctx: Any) -> tuple[float, float]:
        return (p.width, 10.0)

    def draw(self, p: Any, ctx: Any) -> VectorDrawing:
        return VectorDrawing((VectorShape(rect_path(0, 0, p.width, 10), fill=Solid(p.colour)),))


class TestBar(AssetContract):
    kind = Bar


class Leaky(Bar):
    """Draws beyond the size it declares."""

    name = "contract.leaky"

    def draw(self, p: Any, ctx: Any) -> VectorDrawing:
        return VectorDrawing(
            (VectorShape(rect_path(0, 0, p.width + 20, 10), fill=Solid(p.colour)),)
        )


def test_the_contract_catches_drawing_outside_the_bounds(tmp_path: Any) -> None:
    class T(AssetContract):
        kind = Leaky

    with pytest.raises(AssertionError, match="outside the declared bounds"):
        T().test_draws_inside_declared_bounds(tmp_path)
