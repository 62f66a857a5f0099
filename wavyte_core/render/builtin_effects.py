"""The built-in effect kinds (wavyte-format.md §1.11) and the §4.1 step 2 fold.

Why here and typed: effects are parsed once, at load, into `EffectOp`s (DESIGN.md rule 6),
with exactly the format's param rules and messages, so nothing in the frame loop looks at
JSON. ``parse`` raises ``ValueError(message)``; the loader wraps it into a
`CompositionError` with the JSON path.

Param values follow serde_json's accessors: ``as_f64`` accepts any JSON number (int or
float, never bool), ``as_u64`` only non-negative integers; ``get`` on a non-object (null,
an array, ...) finds nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from wavyte_core.plugin.params import Param
from wavyte_core.plugin.roles import Affine, Compositor, PixelEffect, Surface
from wavyte_core.plugin.specs import EffectKindSpec, EffectOp
from wavyte_core.timeline.affine import IDENTITY, mul, rotate, scale, translate

__all__ = [
    "EFFECT_KINDS",
    "BlurPass",
    "fold_effects",
    "parse_blur",
    "parse_opacity_mul",
    "parse_transform_post",
]

_MAX_RADIUS = 256
_U32_MAX = 2**32 - 1
_MISSING = object()
_IDENTITY_OP = EffectOp()


@dataclass(frozen=True, slots=True)
class BlurPass:
    """A parsed blur (radius > 0): one Gaussian pass on the clip's isolated layer."""

    radius: int
    sigma: float  # f32 value

    @property
    def pad_px(self) -> int:
        """The blur spreads content by its radius (`roles.PixelEffect`)."""
        return self.radius

    def grow(
        self, bounds: tuple[int, int, int, int] | None, width: int, height: int
    ) -> tuple[int, int, int, int]:
        """The output box for input content ``bounds``: grown by the radius."""
        if bounds is None:
            return 0, 0, width, height
        r = self.radius
        x0, y0, x1, y1 = bounds
        return max(x0 - r, 0), max(y0 - r, 0), min(x1 + r, width), min(y1 + r, height)

    def apply(self, compositor: Compositor, src: Surface, dst: Surface) -> None:
        compositor.blur(src, dst, self.radius, self.sigma)


# ------------------------------------------------------------------ serde_json accessors


def _get(params: Any, key: str) -> Any:
    """serde_json ``Value::get``: a key of an object, else nothing."""
    if isinstance(params, dict):
        return params.get(key, _MISSING)
    return _MISSING


def _as_f64(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def _as_u64(v: Any) -> int | None:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0 or v >= 2**64:
        return None
    return v


def _to_f32(x: float) -> float:
    """Rust ``x as f32`` (round to nearest; overflow becomes ±inf), back as a Python float."""
    with np.errstate(over="ignore"):
        return float(np.float32(x))


# ------------------------------------------------------------------ parsers


def _get_f32(params: Any, key: str) -> float:
    v = _get(params, key)
    if v is _MISSING:
        raise ValueError(f"missing effect param '{key}'")
    n = _as_f64(v)
    if n is None:
        raise ValueError(f"effect param '{key}' must be a number")
    f = _to_f32(n)
    if not math.isfinite(f):
        raise ValueError(f"effect param '{key}' must be finite")
    return f


def _get_u32(params: Any, key: str) -> int:
    v = _get(params, key)
    if v is _MISSING:
        raise ValueError(f"missing effect param '{key}'")
    n = _as_u64(v)
    if n is None:
        raise ValueError(f"effect param '{key}' must be an integer")
    if n > _U32_MAX:
        raise ValueError(f"effect param '{key}' is out of range")
    return n


def parse_opacity_mul(params: Any) -> EffectOp:
    """``{"value": number ≥ 0}`` (f32) → an opacity factor."""
    value = _get_f32(params, "value")
    if value < 0.0:
        raise ValueError("OpacityMul.value must be finite and >= 0")
    return EffectOp(opacity_mul=value)


def _pair(params: Any, key: str, shape_msg: str, names: tuple[str, str]) -> tuple[float, float]:
    v = _get(params, key)
    if not isinstance(v, list) or len(v) != 2:
        raise ValueError(shape_msg)
    x = _as_f64(v[0])
    if x is None:
        raise ValueError(f"transform_post.{key} {names[0]} must be number")
    y = _as_f64(v[1])
    if y is None:
        raise ValueError(f"transform_post.{key} {names[1]} must be number")
    return x, y


def _transform_post_affine(params: Any) -> Affine:
    aff = _get(params, "affine")
    if aff is not _MISSING:
        if not isinstance(aff, list):
            raise ValueError("transform_post.affine must be an array")
        if len(aff) != 6:
            raise ValueError("transform_post.affine must have length 6")
        coeffs = [_as_f64(v) for v in aff]
        if any(c is None for c in coeffs):
            raise ValueError("transform_post.affine entries must be numbers")
        return tuple(coeffs)  # type: ignore[return-value]

    t = IDENTITY
    if _get(params, "translate") is not _MISSING:
        t = translate(
            *_pair(params, "translate", "transform_post.translate must be [x,y]", ("x", "y"))
        )

    rot = IDENTITY
    rad = _get(params, "rotation_rad")
    deg = _get(params, "rotate_deg")
    if rad is not _MISSING:
        r = _as_f64(rad)
        if r is None:
            raise ValueError("transform_post.rotation_rad must be number")
        rot = rotate(r)
    elif deg is not _MISSING:
        d = _as_f64(deg)
        if d is None:
            raise ValueError("transform_post.rotate_deg must be number")
        rot = rotate(math.radians(d))

    s = IDENTITY
    if _get(params, "scale") is not _MISSING:
        s = scale(*_pair(params, "scale", "transform_post.scale must be [sx,sy]", ("sx", "sy")))

    return mul(mul(t, rot), s)


def parse_transform_post(params: Any) -> EffectOp:
    """``affine: [a,b,c,d,e,f]`` alone, or ``T(translate)·R(rotation)·S(scale)``."""
    return EffectOp(post=_transform_post_affine(params))


def parse_blur(params: Any) -> EffectOp:
    """``radius_px`` integer 0..256 (required), ``sigma`` f32 > 0 (default radius/2).

    Radius 0 is the identity (no pass, dropped by `fold_effects`).
    """
    radius = _get_u32(params, "radius_px")
    if radius > _MAX_RADIUS:
        raise ValueError("Blur.radius_px must be <= 256 in v0.2.1")
    sv = _get(params, "sigma")
    if sv is _MISSING:
        sigma = float(np.float32(radius) / np.float32(2.0))
    else:
        n = _as_f64(sv)
        if n is None:
            raise ValueError("Blur.sigma must be a number")
        sigma = _to_f32(n)
        if not math.isfinite(sigma) or sigma <= 0.0:
            raise ValueError("Blur.sigma must be finite and > 0")
    if radius == 0:
        return _IDENTITY_OP
    return EffectOp(pixel=BlurPass(radius, sigma))


_NUMBER = {"type": "number"}
_PAIR = {"type": "array", "items": _NUMBER, "minItems": 2, "maxItems": 2}

EFFECT_KINDS: list[EffectKindSpec] = [
    EffectKindSpec(
        name="opacity_mul",
        parse=parse_opacity_mul,
        aliases=("opacitymul", "opacity-mul"),
        description="Multiply the clip's opacity by params.value (f32, >= 0).",
        params=(
            Param(
                "value",
                "number",
                required=True,
                min=0,
                animatable=False,
                description="Opacity factor (taken as f32; must be finite).",
            ),
        ),
        json_schema={
            "type": "object",
            "required": ["value"],
            "properties": {"value": {"type": "number", "minimum": 0}},
        },
        doc="Folded at load: factors of all opacity_mul effects of a clip multiply (f32).",
        examples=({"value": 0.5},),
    ),
    EffectKindSpec(
        name="transform_post",
        parse=parse_transform_post,
        aliases=("transformpost", "transform-post"),
        description="Post-multiply the clip transform: affine, or translate/rotation/scale.",
        params=(
            Param(
                "affine",
                "matrix",
                default_doc="identity",
                description="[a,b,c,d,e,f]; when present it alone is used.",
            ),
            Param(
                "translate",
                "point",
                default=[0, 0],
                animatable=False,
                unit="px",
                description="[x, y] translation (applied last).",
            ),
            Param(
                "rotation_rad",
                "number",
                default=0,
                animatable=False,
                unit="rad",
                description="Rotation; takes precedence over rotate_deg.",
            ),
            Param(
                "rotate_deg",
                "number",
                default=0,
                animatable=False,
                unit="deg",
                description="Rotation in degrees.",
            ),
            Param(
                "scale",
                "point",
                default=[1, 1],
                animatable=False,
                description="[sx, sy] scale (applied first).",
            ),
        ),
        json_schema={
            "type": ["object", "null", "array", "string", "number", "boolean"],
            "properties": {
                "affine": {"type": "array", "items": _NUMBER, "minItems": 6, "maxItems": 6},
                "translate": _PAIR,
                "rotation_rad": _NUMBER,
                "rotate_deg": _NUMBER,
                "scale": _PAIR,
            },
        },
        doc="Matrix T(translate)·R(rotation)·S(scale); non-object params are the identity.",
        examples=({"translate": [4, 2]}, {"translate": [2, 1], "scale": [1.5, 1.5]}),
    ),
    EffectKindSpec(
        name="blur",
        parse=parse_blur,
        description="Exact Q16 Gaussian blur of the clip's layer (radius_px <= 256, sigma).",
        params=(
            Param(
                "radius_px",
                "int",
                required=True,
                min=0,
                max=_MAX_RADIUS,
                unit="px",
                animatable=False,
                description="Kernel radius; 0 is the identity (no pass).",
            ),
            Param(
                "sigma",
                "number",
                default_doc="radius_px / 2",
                min=0,
                min_exclusive=True,
                animatable=False,
                unit="px",
                description="Gaussian sigma (f32, finite, > 0).",
            ),
        ),
        json_schema={
            "type": "object",
            "required": ["radius_px"],
            "properties": {
                "radius_px": {"type": "integer", "minimum": 0, "maximum": _MAX_RADIUS},
                "sigma": {"type": "number", "exclusiveMinimum": 0},
            },
        },
        doc="The format's exact separable Gaussian (§4.6); grows the layer by radius_px.",
        examples=({"radius_px": 4}, {"radius_px": 8, "sigma": 2.5}),
    ),
]


def fold_effects(ops: Sequence[EffectOp]) -> tuple[float, Affine | None, tuple[PixelEffect, ...]]:
    """§4.1 step 2: fold a clip's parsed effects once, at load.

    Returns ``(opacity_mul, post, passes)``: the f32 product of the opacity factors (0 when
    not finite or negative); the post transforms multiplied left to right starting from the
    identity, or None when the clip has none; the pixel passes in list order.
    """
    opacity = np.float32(1.0)
    post: Affine | None = None
    passes: list[PixelEffect] = []
    with np.errstate(over="ignore", invalid="ignore"):
        for op in ops:
            if op.opacity_mul != 1.0:
                opacity = np.float32(opacity * np.float32(op.opacity_mul))
            if op.post is not None:
                post = mul(IDENTITY if post is None else post, op.post)
            if op.pixel is not None:
                passes.append(op.pixel)
    value = float(opacity)
    if not math.isfinite(value) or value < 0.0:
        value = 0.0
    return value, post, tuple(passes)
