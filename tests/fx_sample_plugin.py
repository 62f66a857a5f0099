"""The minimal plugin of docs/writing-a-plugin.md (Tint, Shift, Reveal), used by the tests."""

import numpy as np

from wavyte_core.plugin import Effect, Margins, Param, Transition, hookimpl


class Tint(Effect):
    """Mix each pixel's colour towards a tint colour, keeping alpha (premultiplied-correct)."""

    name = "acme.tint"
    description = "Tint the layer towards a colour."
    params = (
        Param("colour", "colour", default="#ff8800", description="Tint colour."),
        Param("amount", "number", default=0.5, min=0, max=1, description="0 = unchanged."),
    )

    def is_identity(self, p):
        return p.amount == 0

    def apply(self, src, dst, p, ctx):
        r, g, b, _ = p.colour
        a = src[..., 3:4].astype(np.float32)
        tint = a * (np.array([b, g, r], np.float32) / 255.0)  # premultiplied tint
        out = src[..., :3] + (tint - src[..., :3]) * p.amount
        dst[..., :3] = np.clip(np.rint(out), 0, a).astype(np.uint8)
        dst[..., 3] = src[..., 3]


class Shift(Effect):
    name = "acme.shift"
    params = (Param("dx", "int", default=0, min=0, max=100, unit="px"),)

    def margins(self, p):
        return Margins(right=p.dx)

    def is_identity(self, p):
        return p.dx == 0

    def apply(self, src, dst, p, ctx):
        dst[:] = 0
        w = src.shape[1]
        k = min(p.dx, w)  # a shift wider than the region leaves it empty
        dst[:, k:] = src[:, : w - k]


class Reveal(Transition):
    name = "acme.reveal"
    params = (Param("dir", "enum", default="left", choices=("left", "right")),)

    def apply(self, a, b, dst, t, p, ctx):
        w = a.shape[1]
        k = int(round(t * w))
        dst[:] = a
        if p.dir == "left":
            dst[:, :k] = b[:, :k]
        else:
            dst[:, w - k :] = b[:, w - k :]


@hookimpl
def wavyte_register_effects():
    return [Tint, Shift]


@hookimpl
def wavyte_register_transitions():
    return [Reveal]
