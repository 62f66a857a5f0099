"""The pack's effect kinds, declared on the public plugin API (`wavyte_core.plugin`).

Each class declares its params once (validation, defaults, docs, schema and animation
come from that), says how far it grows the layer (`margins`) and when it is a no-op
(`is_identity`), and calls one kernel from `.kernels` in ``apply``. Importing this module
is cheap: the kernels (and OpenCV) are imported when an instance is created, at load.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from wavyte_core.plugin import Effect, EffectContext, Margins, Param, Params, SetupContext

__all__ = [
    "EFFECTS",
    "ChromaKey",
    "ColorAdjust",
    "DropShadow",
    "Glow",
    "Grain",
    "Lut",
    "Outline",
    "Pixelate",
    "RoundedCorners",
    "Sharpen",
    "Vignette",
]


class _PackEffect(Effect):
    """Shared plumbing: lazy kernel import, one scratch per instance, identity copy."""

    def __init__(self) -> None:
        from .kernels.scratch import Scratch

        self.scratch = Scratch()

    def _copy_if_identity(self, src: np.ndarray, dst: np.ndarray, p: Params) -> bool:
        if self.is_identity(p):
            np.copyto(dst, src)
            return True
        return False


#: The LUT presets (kept in sync with `kernels.cube.PRESETS`; declared here so that importing
#: this module does not import OpenCV).
_LUT_PRESETS = ("teal_orange", "warm", "cool", "mono")


def _visible(colour: tuple[int, int, int, int]) -> bool:
    return colour[3] > 0


# ---------------------------------------------------------------------------- colour


class ColorAdjust(_PackEffect):
    """Exposure, brightness, contrast, saturation and hue in one pass.

    Applied in that order to the straight colour, on the encoded (sRGB) values like CSS
    filters: exposure multiplies by 2^ev, brightness adds, contrast scales around mid grey,
    saturation mixes with the Rec. 709 luma, hue rotates around the grey axis. All five
    are one affine colour matrix (one OpenCV transform per frame), clamped to [0, 1].
    Opaque layers are transformed as they are; layers with transparency are
    un-premultiplied first. Alpha is unchanged.
    """

    name = "fx.color_adjust"
    description = "Brightness, contrast, saturation, hue and exposure (one colour matrix)."
    params = (
        Param(
            "brightness",
            "number",
            0.0,
            min=-1,
            max=1,
            description="Added to each channel (1 = +255 levels).",
        ),
        Param(
            "contrast",
            "number",
            1.0,
            min=0,
            max=4,
            description="Scale around mid grey; 1 = unchanged, 0 = flat grey.",
        ),
        Param(
            "saturation",
            "number",
            1.0,
            min=0,
            max=4,
            description="0 = greyscale, 1 = unchanged, 2 = doubled.",
        ),
        Param("hue", "number", 0.0, min=-180, max=180, unit="deg", description="Hue rotation."),
        Param(
            "exposure",
            "number",
            0.0,
            min=-8,
            max=8,
            unit="EV",
            description="Stops: each +1 doubles the colour.",
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        from .kernels import color

        self._k = color
        self._key: Params | None = None
        self._m = np.eye(4, dtype=np.float32)

    def is_identity(self, p: Params) -> bool:
        return (p.brightness, p.contrast, p.saturation, p.hue % 360, p.exposure) == (0, 1, 1, 0, 0)

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Params, ctx: EffectContext) -> None:
        if self._copy_if_identity(src, dst, p):
            return
        if p != self._key:
            self._m = self._k.color_matrix(
                p.brightness, p.contrast, p.saturation, p.hue, p.exposure
            )
            self._key = p
        self._k.apply_color_matrix(src, dst, self._m, self.scratch)


class Lut(_PackEffect):
    """A colour lookup table — a ``.cube`` file or a built-in preset — applied with
    trilinear interpolation and mixed with the original by ``strength``.

    ``file`` is relative to the asset root. It is parsed once at load (errors name the
    file and line) and expanded into a 256³ table (64 MB, shared by every instance using
    the same LUT), so each frame costs one lookup per pixel. The LUT maps the straight
    (un-premultiplied) colour; alpha is unchanged. Give ``file`` or ``preset``, not both;
    with neither the effect does nothing.
    """

    name = "fx.lut"
    description = "Apply a .cube colour LUT or a preset look (trilinear), mixed by strength."
    params = (
        Param(
            "file", "string", "", description="Path of a .cube file, relative to the asset root."
        ),
        Param(
            "preset",
            "enum",
            "none",
            choices=("none", *_LUT_PRESETS),
            description="A built-in look instead of a file.",
        ),
        Param(
            "strength", "number", 1.0, min=0, max=1, description="0 = original, 1 = fully graded."
        ),
    )
    examples = ({"preset": "teal_orange"}, {"preset": "mono", "strength": 0.6})

    def __init__(self) -> None:
        super().__init__()
        from .kernels import cube

        self._k = cube
        self._table: np.ndarray | None = None

    def setup(self, p: Params, ctx: SetupContext) -> None:
        if p.file and p.preset != "none":
            raise ValueError("param 'preset' cannot be combined with param 'file'")
        if p.file and not p.file.lower().endswith(".cube"):
            raise ValueError(f"param 'file' must name a .cube file, got {p.file!r}")
        if ctx.assets_root is None:
            return
        try:
            if p.file:
                self._table = self._k.cached_table(ctx.resolve(p.file))
            elif p.preset != "none":
                self._table = self._k.preset_table(p.preset)
        except self._k.CubeError as exc:
            raise ValueError(f"param 'file': {exc}") from None

    def is_identity(self, p: Params) -> bool:
        return p.strength == 0 or (not p.file and p.preset == "none")

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Params, ctx: EffectContext) -> None:
        if self._copy_if_identity(src, dst, p):
            return
        if self._table is None:
            raise RuntimeError("fx.lut: apply before setup with an asset root")
        if p.strength >= 1.0:
            self._k.apply_lut(src, dst, self._table, self.scratch)
            return
        import cv2

        graded = self.scratch.get("graded", src.shape)
        self._k.apply_lut(src, graded, self._table, self.scratch)
        cv2.addWeighted(src, 1.0 - p.strength, graded, p.strength, 0.0, dst=dst)


# ---------------------------------------------------------------------------- mattes


class DropShadow(_PackEffect):
    """The layer over a blurred, coloured copy of its own shape, moved by ``offset``.

    The layer grows by the offset plus the blur's reach, so the shadow is never clipped.
    Fractional offsets are resampled bilinearly, so an animated offset moves smoothly.
    """

    name = "fx.drop_shadow"
    description = "Soft shadow of the layer's shape, offset and coloured."
    params = (
        Param(
            "offset",
            "point",
            [8.0, 8.0],
            min=-1000,
            max=1000,
            unit="px",
            description="Shadow displacement (x right, y down).",
        ),
        Param(
            "radius",
            "number",
            8.0,
            min=0,
            max=250,
            unit="px",
            description="Blur radius (Gaussian sigma = radius / 2).",
        ),
        Param(
            "colour", "colour", "#000000", description="Shadow colour; its alpha scales the shadow."
        ),
        Param("opacity", "number", 0.6, min=0, max=1, description="Shadow opacity."),
    )

    def __init__(self) -> None:
        super().__init__()
        from .kernels import matte

        self._k = matte

    def margins(self, p: Params) -> Margins:
        return Margins(*self._k.shadow_margin(p.offset[0], p.offset[1], p.radius))

    def is_identity(self, p: Params) -> bool:
        return p.opacity == 0 or not _visible(p.colour)

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Params, ctx: EffectContext) -> None:
        if self._copy_if_identity(src, dst, p):
            return
        dx, dy = p.offset
        self._k.apply_drop_shadow(
            src, dst, dx, dy, p.radius, p.colour, p.opacity, self.scratch, (ctx.box[0], ctx.box[1])
        )


class Glow(_PackEffect):
    """An outer glow: the layer's shape blurred, boosted by ``intensity`` and coloured,
    under the layer. Intensity above 1 spreads the glow (the blurred alpha saturates)."""

    name = "fx.glow"
    description = "Coloured outer glow around the layer's shape."
    params = (
        Param(
            "radius",
            "number",
            12.0,
            min=0,
            max=250,
            unit="px",
            description="Blur radius of the glow (sigma = radius / 2).",
        ),
        Param("colour", "colour", "#ffffff", description="Glow colour."),
        Param(
            "intensity",
            "number",
            1.5,
            min=0,
            max=10,
            description="Gain on the blurred shape; 0 = no glow.",
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        from .kernels import matte

        self._k = matte

    def margins(self, p: Params) -> Margins:
        return Margins(*self._k.glow_margin(p.radius))

    def is_identity(self, p: Params) -> bool:
        return p.intensity == 0 or not _visible(p.colour)

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Params, ctx: EffectContext) -> None:
        if self._copy_if_identity(src, dst, p):
            return
        self._k.apply_glow(
            src, dst, p.radius, p.colour, p.intensity, self.scratch, (ctx.box[0], ctx.box[1])
        )


class Outline(_PackEffect):
    """A solid outline ``width`` pixels wide around the layer's shape (pixels with alpha
    at least one half), with an anti-aliased outer edge, under the layer."""

    name = "fx.outline"
    description = "Solid outline (stroke outside) around the layer's shape."
    params = (
        Param("width", "number", 4.0, min=0, max=200, unit="px", description="Outline width."),
        Param("colour", "colour", "#000000", description="Outline colour."),
    )

    def __init__(self) -> None:
        super().__init__()
        from .kernels import matte

        self._k = matte

    def margins(self, p: Params) -> Margins:
        return Margins(*self._k.outline_margin(p.width))

    def is_identity(self, p: Params) -> bool:
        return p.width == 0 or not _visible(p.colour)

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Params, ctx: EffectContext) -> None:
        if self._copy_if_identity(src, dst, p):
            return
        self._k.apply_outline(src, dst, p.width, p.colour, self.scratch)


# ---------------------------------------------------------------------------- stylize


class Vignette(_PackEffect):
    """Darken the colour towards the edges of the frame (elliptical falloff).

    Distance 0 is the frame centre, 1 the middle of each side; darkening ramps (smoothstep)
    from ``radius`` to ``radius + softness`` and reaches ``amount``. The vignette belongs
    to the frame, not the layer: a layer that moves slides under it. Alpha is unchanged.
    """

    name = "fx.vignette"
    description = "Darken towards the frame's edges."
    params = (
        Param(
            "amount",
            "number",
            0.5,
            min=0,
            max=1,
            description="Darkening at the edge; 0 = none, 1 = black.",
        ),
        Param(
            "radius",
            "number",
            0.75,
            min=0,
            max=2,
            description="Where darkening starts (1 = middle of each side).",
        ),
        Param("softness", "number", 0.5, min=0, max=2, description="Width of the falloff."),
    )

    def __init__(self) -> None:
        super().__init__()
        from .kernels import stylize

        self._k = stylize
        self._key: tuple[Any, ...] | None = None
        self._mask: np.ndarray | None = None

    def is_identity(self, p: Params) -> bool:
        return p.amount == 0

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Params, ctx: EffectContext) -> None:
        if self._copy_if_identity(src, dst, p):
            return
        w, h = ctx.canvas
        key = (w, h, p.amount, p.radius, p.softness)
        if key != self._key:  # built once while canvas and params stay the same
            self._mask = self._k.vignette_mask(w, h, p.amount, p.radius, p.softness)
            self._key = key
        x0, y0, x1, y1 = ctx.box
        self._k.apply_vignette(src, dst, self._mask[y0:y1, x0:x1])  # type: ignore[index]


class Pixelate(_PackEffect):
    """Mosaic: square blocks of ``size`` pixels, each the average of its pixels. The grid
    is aligned to the canvas (a block starts at (0, 0)), so a moving layer moves under a
    fixed mosaic, like a privacy blur. A block cut by the canvas's right or bottom edge
    (when ``size`` does not divide the canvas) averages only the pixels it covers, so a
    solid layer stays solid up to the edge."""

    name = "fx.pixelate"
    description = "Mosaic of square blocks (block averages)."
    params = (
        Param(
            "size", "int", 16, min=1, max=512, unit="px", description="Block size; 1 = unchanged."
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        from .kernels import stylize

        self._k = stylize

    def margins(self, p: Params) -> Margins:
        return Margins.uniform(p.size - 1)  # a block straddling the content's edge

    def is_identity(self, p: Params) -> bool:
        return p.size <= 1

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Params, ctx: EffectContext) -> None:
        if self._copy_if_identity(src, dst, p):
            return
        self._k.apply_pixelate(src, dst, p.size, self.scratch, (ctx.box[0], ctx.box[1]), ctx.canvas)


class Grain(_PackEffect):
    """Film grain: noise added to the colour, scaled by alpha (transparent stays
    transparent). The grain belongs to the frame: it is generated for the whole canvas
    and the layer takes its part, so it does not move with the layer. Deterministic: the
    noise is a pure function of the clip's seed, the ``seed`` param and (when
    ``animated``) the frame, so every render and every worker gives the same pixels."""

    name = "fx.grain"
    description = "Seeded, deterministic film grain (mono or colour)."
    frame_varying = True
    params = (
        Param(
            "amount", "number", 0.15, min=0, max=1, description="Noise strength (1 = ±128 levels)."
        ),
        Param("size", "number", 1.0, min=1, max=16, unit="px", description="Grain size."),
        Param("mono", "bool", True, description="Same noise in every channel (luma grain)."),
        Param(
            "animated", "bool", True, description="New grain every frame; false: a fixed pattern."
        ),
        Param(
            "seed",
            "int",
            0,
            min=0,
            max=2**31 - 1,
            animatable=False,
            description="Varies the pattern.",
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        from .kernels import stylize

        self._k = stylize
        self._noise_key: tuple[Any, ...] | None = None
        self._noise: tuple[np.ndarray, np.ndarray] | None = None

    def is_identity(self, p: Params) -> bool:
        return p.amount == 0

    def _canvas_noise(self, p: Params, ctx: EffectContext) -> tuple[np.ndarray, np.ndarray]:
        """The frame's grain over the whole canvas, as the positive and negative halves
        of ``amount · (noise - 128)`` (kept while the key is unchanged)."""
        import cv2

        w, h = ctx.canvas
        seed = (ctx.seed ^ (p.seed * 0x9E3779B97F4A7C15)) & 0xFFFFFFFFFFFFFFFF
        frame = ctx.frame if p.animated else 0
        key = (w, h, seed, frame, p.size, p.mono, p.amount)
        if key == self._noise_key:
            return self._noise  # type: ignore[return-value]
        c = () if p.mono else (3,)
        size = float(p.size)
        gh, gw = max(1, math.ceil(h / size)), max(1, math.ceil(w / size))
        grid = self._k.grain_noise(
            seed, frame, gh, gw, p.mono, self.scratch.get("grid", (gh, gw, *c))
        )
        if (gh, gw) != (h, w):
            full = self.scratch.get("noise", (h, w, *c))
            cv2.resize(grid, (w, h), dst=full, interpolation=cv2.INTER_LINEAR)
            grid = full
        self._noise_key, self._noise = key, self._k.grain_halves(grid, p.amount, self.scratch)
        return self._noise

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Params, ctx: EffectContext) -> None:
        if self._copy_if_identity(src, dst, p):
            return
        x0, y0, x1, y1 = ctx.box
        pos, neg = self._canvas_noise(p, ctx)
        self._k.apply_grain(src, dst, pos[y0:y1, x0:x1], neg[y0:y1, x0:x1], self.scratch)


class Sharpen(_PackEffect):
    """Unsharp mask: ``src + amount · (src − blur(src))`` on the premultiplied pixels,
    colour clamped to alpha."""

    name = "fx.sharpen"
    description = "Unsharp-mask sharpening."
    params = (
        Param("amount", "number", 1.0, min=0, max=10, description="Strength; 0 = unchanged."),
        Param(
            "radius",
            "number",
            2.0,
            min=0.5,
            max=50,
            unit="px",
            description="Size of the detail sharpened (sigma = radius / 2).",
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        from .kernels import stylize

        self._k = stylize

    def is_identity(self, p: Params) -> bool:
        return p.amount == 0

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Params, ctx: EffectContext) -> None:
        if self._copy_if_identity(src, dst, p):
            return
        x0, y0, x1, y1 = ctx.box
        w, h = ctx.canvas
        edges = (x0 == 0, y0 == 0, x1 == w, y1 == h)
        self._k.apply_sharpen(src, dst, p.amount, p.radius, self.scratch, edges)


class RoundedCorners(_PackEffect):
    """Round the corners of the layer's visible box (the tight box of its non-transparent
    pixels, in canvas space) with an anti-aliased quarter circle of ``radius`` pixels
    (at most half the box's shorter side)."""

    name = "fx.rounded_corners"
    description = "Round the corners of the layer's box (anti-aliased)."
    params = (
        Param(
            "radius",
            "number",
            24.0,
            min=0,
            max=4096,
            unit="px",
            description="Corner radius; 0 = square.",
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        from .kernels import stylize

        self._k = stylize
        self._cov: dict[int, np.ndarray] = {}

    def is_identity(self, p: Params) -> bool:
        return round(p.radius) == 0

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Params, ctx: EffectContext) -> None:
        np.copyto(dst, src)
        if self.is_identity(p):
            return
        x0, y0, x1, y1 = ctx.content
        box = self._k.content_box(src[y0:y1, x0:x1], self.scratch)
        if box is None:
            return
        bx0, by0, bx1, by1 = box
        box = (bx0 + x0, by0 + y0, bx1 + x0, by1 + y0)
        r = min(round(p.radius), (box[2] - box[0]) // 2, (box[3] - box[1]) // 2)
        if r <= 0:
            return
        cov = self._cov.get(r)
        if cov is None:
            if len(self._cov) > 8:  # an animated radius: keep the cache small
                self._cov.clear()
            cov = self._cov[r] = self._k.corner_coverage(r)
        self._k.apply_rounded_corners(dst, box, r, cov)


# ---------------------------------------------------------------------------- keying


class ChromaKey(_PackEffect):
    """Key out a colour (a green or blue screen): pixels whose chroma (Cr, Cb) lies within
    ``tolerance`` of the key's become transparent, with a ``softness`` ramp, and the
    key's colour cast is removed from the rest by ``spill``. Distances are in [0, 1]
    chroma units (pure green is about 0.54 from grey)."""

    name = "fx.chroma_key"
    description = "Green/blue-screen keying with tolerance, softness and spill suppression."
    params = (
        Param("key", "colour", "#00ff00", description="The screen colour to remove."),
        Param(
            "tolerance", "number", 0.15, min=0, max=1, description="Chroma distance keyed fully."
        ),
        Param("softness", "number", 0.1, min=0, max=1, description="Ramp from keyed to kept."),
        Param(
            "spill",
            "number",
            0.5,
            min=0,
            max=1,
            description="How much of the key's cast to remove from kept pixels.",
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        from .kernels import chroma

        self._k = chroma
        self._key_rgb: tuple[int, int, int] | None = None
        self._chroma = (0.0, 0.0)

    def is_identity(self, p: Params) -> bool:
        return not _visible(p.key)  # a fully transparent key colour disables the key

    def apply(self, src: np.ndarray, dst: np.ndarray, p: Params, ctx: EffectContext) -> None:
        if self._copy_if_identity(src, dst, p):
            return
        rgb = p.key[:3]
        if rgb != self._key_rgb:
            self._chroma = self._k.key_chroma(rgb)
            self._key_rgb = rgb
        self._k.apply_chroma_key(
            src, dst, self._chroma, p.tolerance, p.softness, p.spill, self.scratch
        )


EFFECTS: list[type[Effect]] = [
    ColorAdjust,
    Lut,
    DropShadow,
    Glow,
    Outline,
    Vignette,
    ChromaKey,
    Pixelate,
    Grain,
    Sharpen,
    RoundedCorners,
]
