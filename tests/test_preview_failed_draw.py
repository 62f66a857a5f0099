"""A draw that fails leaves nothing marked as drawn: asked again, the preview draws the
frame again and serves the same bytes as a fresh render, not the half-drawn layer."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import numpy as np
import pytest

from tests.test_e2e_render import clip, ident
from wavyte_core import api
from wavyte_core.errors import PluginError, RenderError
from wavyte_core.plugin import Effect
from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.registry import Registry
from wavyte_core.preview.frames import FrameService, Revision


class Flaky(Effect):
    """Inverts the layer's colour; the first ``failures`` calls raise (a transient failure:
    a resource that was briefly unavailable)."""

    name = "test.flaky"
    params = ()
    failures: ClassVar[int] = 0

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Any, ctx: Any) -> None:
        if type(self).failures > 0:
            type(self).failures -= 1
            raise RenderError("effect test.flaky: resource unavailable")
        dst[..., :3] = src[..., 3:] - src[..., :3]
        dst[..., 3] = src[..., 3]


class Plug:
    @hookimpl
    def wavyte_register_effects(self) -> list:
        return [Flaky]


DOC = {
    "fps": {"num": 30, "den": 1},
    "canvas": {"width": 48, "height": 32},
    "duration": 4,
    "assets": {"r": {"Path": {"svg_path_d": "M0,0 H16 V12 H0 Z"}}},
    "tracks": [
        {
            "name": "t",
            "z_base": 0,
            "clips": [
                clip("c", "r", 0, 4, transform=ident(8, 6), effects=[{"kind": "test.flaky"}])
            ],
        }
    ],
    "seed": 3,
}


@pytest.mark.parametrize("compositor", ["skia", "numpy"])
def test_failed_draw_is_drawn_again_not_served_half_drawn(compositor: str) -> None:
    reg = Registry.build([("testfx", Plug())])
    comp = api.load(json.dumps(DOC), registry=reg)
    fresh = Revision(1, comp, api.open_job(comp, registry=reg, backend="skia"))
    expected = fresh.draw(2).copy()
    fresh.close()
    assert (expected[6:18, 8:24, :3] == 0).all()  # the white square inverted: black

    service = FrameService()
    job = api.open_job(comp, registry=reg, rasterizer="skia", compositor=compositor)
    service.install(Revision(2, comp, job))
    Flaky.failures = 1
    with pytest.raises(PluginError, match="resource unavailable"):
        service.frame(2, 2, lossless=True)
    assert Flaky.failures == 0
    served = service.frame(2, 2, lossless=True)  # drawn again (nothing cached)
    assert served is not None and service.rendered == 1
    assert np.array_equal(service.current.draw(2), expected)  # type: ignore[union-attr]
    service.close()
