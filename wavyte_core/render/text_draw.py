"""Draw a prepared `RichText` with any rasterizer, through the asset-kind drawing path
(`native_steps`: vector paths with Paint and Stroke, and rasters for colour glyphs and the
shadow).

`TextDrawer` is built once per asset per job (the native objects of the static drawing
made then); its ``draw`` is the per-frame call. An animated text (``restyle``) is keyed by
its sampled values: each distinct value is laid out and converted once, then reused.
"""

from __future__ import annotations

from typing import Any

from wavyte_core.plugin.asset_host import draw_steps, native_steps
from wavyte_core.plugin.prepared import RichText
from wavyte_core.plugin.roles import Affine, Rasterizer, Surface

__all__ = ["TextDrawer"]

_CACHE = 64


class TextDrawer:
    """The per-frame draw of one `RichText`."""

    __slots__ = ("_rast", "_steps", "_restyle", "_cache")

    def __init__(self, rast: Rasterizer, text: RichText) -> None:
        self._rast = rast
        self._steps = native_steps(rast, text.drawing)
        self._restyle = text.restyle
        self._cache: dict[Any, tuple[Any, ...]] = {}

    def draw(self, s: Surface, m: Affine, o: float, state: Any = None) -> None:
        steps = self._steps
        if state is not None and self._restyle is not None:
            hit = self._cache.get(state)
            if hit is None:
                if len(self._cache) >= _CACHE:
                    self._cache.pop(next(iter(self._cache)))
                hit = self._cache[state] = native_steps(self._rast, self._restyle(state))
            steps = hit
        draw_steps(self._rast, steps, s, m, o)
