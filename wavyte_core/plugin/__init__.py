"""The public API for plugins: the one package third-party kinds and backends import.

Effect and transition kinds (`Effect`, `Transition`, `Param`, `hookimpl`, …) are defined in
`wavyte_core.plugin.kinds`; asset kinds (`AssetKind`, `VectorDrawing`, `RasterDrawing`, …)
in `wavyte_core.plugin.asset_kinds`, with paths from `wavyte_core.plugin.geometry` and the
Paint/Stroke model of `wavyte_core.format.paint`; the roles a backend, decoder or encoder implements (`Rasterizer`,
`Compositor`, `Decoder`, `Encoder`, `Surface`, …) in `wavyte_core.plugin.roles`; the specs a
registration hook returns in `wavyte_core.plugin.specs`; the hooks themselves in
`wavyte_core.plugin.hookspecs`. The names a plugin needs are re-exported here, so
``from wavyte_core.plugin import Effect, Param, hookimpl`` keeps working wherever they live.

Modules inside this package never import this ``__init__`` (that would be an import cycle);
they import each other directly.
"""

from wavyte_core.format.paint import (
    Animated,
    LinearGradient,
    Paint,
    RadialGradient,
    Solid,
    Stop,
    Stroke,
)

from .api_version import API_VERSION
from .asset_kinds import (
    AssetKind,
    DrawContext,
    Drawing,
    PrepareContext,
    RasterDrawing,
    VectorDrawing,
    VectorShape,
)
from .geometry import (
    PathBuilder,
    ellipse_path,
    line_path,
    polygon_path,
    rect_path,
    star_path,
)
from .kinds import (
    Box,
    Effect,
    EffectContext,
    Margins,
    Param,
    Params,
    SetupContext,
    Transition,
    TransitionContext,
    hookimpl,
    premul_bgra,
)
from .prepared import PathGeometry, ShapedText
from .roles import (
    Affine,
    Compositor,
    Decoder,
    Encoder,
    EncoderSession,
    EncodeSettings,
    PixelEffect,
    Rasterizer,
    Surface,
    VideoOpener,
    is_opaque,
)
from .specs import AssetKindSpec, EffectKindSpec, PluginInfo, RoleSpec, TransitionKindSpec
from .trim import trim_path

__all__ = [
    "API_VERSION",
    "Affine",
    "Animated",
    "AssetKind",
    "AssetKindSpec",
    "DrawContext",
    "Drawing",
    "LinearGradient",
    "Paint",
    "PathBuilder",
    "PrepareContext",
    "RadialGradient",
    "RasterDrawing",
    "Solid",
    "Stop",
    "Stroke",
    "VectorDrawing",
    "VectorShape",
    "ellipse_path",
    "line_path",
    "polygon_path",
    "rect_path",
    "star_path",
    "trim_path",
    "Box",
    "Compositor",
    "Decoder",
    "EncodeSettings",
    "Encoder",
    "EncoderSession",
    "Effect",
    "EffectContext",
    "EffectKindSpec",
    "Margins",
    "Param",
    "Params",
    "PathGeometry",
    "PixelEffect",
    "PluginInfo",
    "Rasterizer",
    "RoleSpec",
    "SetupContext",
    "ShapedText",
    "Surface",
    "Transition",
    "TransitionContext",
    "TransitionKindSpec",
    "VideoOpener",
    "hookimpl",
    "is_opaque",
    "premul_bgra",
]
