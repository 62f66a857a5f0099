"""Entry module of the acme-fx plugin: one effect (``acme.duotone``), one transition
(``acme.blinds``) and one asset kind (``acme.gauge``), written only against wavyte's public
plugin API (`wavyte_core.plugin`).

Pixels are premultiplied BGRA uint8 arrays (H, W, 4). Both kinds are whole-array numpy:
no Python loop over pixels.
"""

from __future__ import annotations

import numpy as np

from wavyte_core.plugin import (
    AssetKind,
    DrawContext,
    Effect,
    EffectContext,
    Param,
    Params,
    PrepareContext,
    Solid,
    Stroke,
    Transition,
    TransitionContext,
    VectorDrawing,
    VectorShape,
    ellipse_path,
    hookimpl,
    trim_path,
)

# Rec. 709 luma weights in the arrays' B, G, R channel order.
#: The wavyte plugin API this plugin is written for (checked when wavyte loads it).
WAVYTE_API = ">=1.0,<2"

_LUMA_BGR = np.array([0.0722, 0.7152, 0.2126], dtype=np.float32)


class Duotone(Effect):
    """Map the layer's brightness onto a gradient between two colours (dark → light),
    mixed with the original by ``amount``. Alpha is kept; the output stays premultiplied
    because the gradient colour is multiplied by each pixel's alpha."""

    name = "acme.duotone"
    description = "Two-colour gradient map of the layer's brightness."
    params = (
        Param("dark", "colour", "#1b1f6b", description="Colour of the shadows."),
        Param("light", "colour", "#ffd27a", description="Colour of the highlights."),
        Param("amount", "number", 1.0, min=0, max=1, description="0 = original, 1 = full duotone."),
    )
    examples = ({}, {"dark": "#000000", "light": "#ff3366", "amount": 0.7})

    def is_identity(self, p: Params) -> bool:
        return p.amount == 0

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Params, ctx: EffectContext) -> None:
        if p.amount == 0:
            dst[:] = src
            return
        alpha = src[..., 3].astype(np.float32)
        # The premultiplied luma divided by alpha is the straight luma in [0, 1].
        luma = src[..., :3].astype(np.float32) @ _LUMA_BGR
        t = np.divide(luma, alpha, out=np.zeros_like(luma), where=alpha > 0)
        dark = np.array(p.dark[2::-1], np.float32)  # (r, g, b) → B, G, R
        light = np.array(p.light[2::-1], np.float32)
        straight = dark + (light - dark) * t[..., None]  # 0..255, straight alpha
        tone = straight * (alpha[..., None] / 255.0)  # premultiplied
        out = src[..., :3] + (tone - src[..., :3]) * p.amount
        dst[..., :3] = np.minimum(np.rint(out), alpha[..., None]).astype(np.uint8)
        dst[..., 3] = src[..., 3]


class Blinds(Transition):
    """Venetian blinds: the box is cut into ``count`` horizontal bands; in each band the
    incoming layer grows from the band's top edge until it fills the band."""

    name = "acme.blinds"
    description = "Horizontal blinds reveal the incoming layer."
    params = (
        Param("count", "int", 8, min=1, max=100, animatable=False, description="Number of bands."),
    )
    examples = ({}, {"count": 3})

    def apply(
        self,
        a: np.ndarray,
        b: np.ndarray,
        dst: np.ndarray,
        t: float,
        p: Params,
        ctx: TransitionContext,
    ) -> None:
        h = a.shape[0]
        rows = np.arange(h)
        band = h / p.count
        # A row shows b when its position inside its band is below t · band height.
        pos = rows - np.floor(rows / band) * band
        show_b = pos < t * band
        if t >= 1.0:
            show_b[:] = True
        dst[:] = np.where(show_b[:, None, None], b, a)


class Gauge(AssetKind):
    """A progress ring: a full circular track and, over it, an arc from the top, clockwise,
    covering ``value`` of the circle with round ends. Animate ``value`` from 0 to 1 for a
    loading ring; the ring is redrawn only on frames where a value changes."""

    name = "acme.gauge"
    description = "A progress ring (animatable value, colours and thickness)."
    params = (
        Param("size", "number", 120, min=1, max=4096, unit="px", description="Diameter."),
        Param("thickness", "number", 14, min=0, max=512, unit="px", description="Ring width."),
        Param("value", "number", 0.66, min=0, max=1, description="Fraction of the ring shown."),
        Param("track", "colour", "#ffffff33", description="Colour of the empty ring."),
        Param("colour", "colour", "#42d392", description="Colour of the progress arc."),
    )
    examples = ({}, {"size": 80, "thickness": 6, "value": 0.25, "colour": "#ff6b6b"})

    def prepare(self, p: Params, ctx: PrepareContext) -> tuple[float, float]:
        return (p.size, p.size)  # the intrinsic size layout uses

    def draw(self, p: Params, ctx: DrawContext) -> VectorDrawing:
        t = min(p.thickness, p.size / 2)
        r = (p.size - t) / 2  # the stroke stays inside (0, 0)–(size, size)
        ring = ellipse_path(p.size / 2, p.size / 2, r, r)  # starts at the top, clockwise
        shapes = [VectorShape(ring, stroke=Stroke(width=t, paint=Solid(p.track)))]
        if p.value > 0 and t > 0:
            arc = Stroke(width=t, paint=Solid(p.colour), cap="Round")
            shapes.append(VectorShape(ring, stroke=arc, stroke_path=trim_path(ring, 0, p.value, 0)))
        return VectorDrawing(tuple(shapes))


@hookimpl
def wavyte_register_asset_kinds() -> list[type[AssetKind]]:
    return [Gauge]


@hookimpl
def wavyte_register_effects() -> list[type[Effect]]:
    return [Duotone]


@hookimpl
def wavyte_register_transitions() -> list[type[Transition]]:
    return [Blinds]
