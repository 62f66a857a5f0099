"""What plugins register: small, importable-without-heavy-deps descriptions of what they offer.

A `register_*` hook returns a list of these. Nothing heavy happens until a job asks for a
role by name and the registry calls its ``factory`` (lazily importing skia, cairo, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wavyte_core.plugin.params import Param, ParamSet
    from wavyte_core.plugin.roles import Affine, Compositor, PixelEffect, Surface


@dataclass(frozen=True, slots=True)
class RoleSpec:
    """One implementation of a role (rasterizer, compositor, decoder or encoder).

    ``factory()`` builds the per-job object. ``check()`` returns None when the
    implementation can be used here, or a reason why not (a missing library, with
    ``install_hint`` telling how to get it). ``capabilities`` are free-form strings the
    core and the conformance suite ask about instead of backend names.
    """

    name: str
    factory: Callable[[], Any]
    capabilities: frozenset[str] = frozenset()
    check: Callable[[], str | None] = lambda: None
    install_hint: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class EffectOp:
    """A parsed effect instance. Effects of a clip are folded at load time:
    opacity factors multiply, post transforms compose in list order, pixel passes run in
    list order on the clip's isolated layer."""

    opacity_mul: float = 1.0
    post: Affine | None = None
    pixel: PixelEffect | None = None
    #: Plugin effects with animated params: the pass at a clip-local frame (None when
    #: the params make it an identity there). Set instead of ``pixel``.
    pixel_at: Callable[[int], PixelEffect | None] | None = None


@dataclass(frozen=True, slots=True)
class EffectKindSpec:
    """An effect kind.

    Built-in kinds set ``parse(params)``, called once per effect instance at load (it
    raises ``ValueError`` with a message naming the bad param), and declare ``params`` for
    docs and the schema (``json_schema`` overrides the schema derived from them when the
    format's rules say more). Plugin kinds are `wavyte_core.plugin.Effect` subclasses;
    the registry turns them into specs with ``effect`` and ``param_set`` set.
    """

    name: str
    parse: Callable[[Any], EffectOp] | None = None
    aliases: tuple[str, ...] = ()
    description: str = ""
    params: tuple[Param, ...] = ()
    param_set: ParamSet | None = None
    effect: type | None = None
    json_schema: dict[str, Any] | None = None
    doc: str = ""
    #: Param sets that show the kind off: docs, the contact sheet, ``wavyte conformance``.
    examples: tuple[dict[str, Any], ...] = ()


class ParsedTransition:
    """A transition kind's parsed params. Subclasses decide pairing and compositing."""

    kind: str = ""
    #: True when `composite` only uses the compositor's ops (which honour ``Surface.origin``)
    #: and so accepts layer surfaces smaller than the canvas; False gets canvas-sized ones.
    layer_regions: bool = False

    def can_pair(self, incoming: ParsedTransition) -> bool:
        """Called on the outgoing clip's transition with the incoming one's."""
        raise NotImplementedError

    def composite(
        self, compositor: Compositor, dst: Surface, a: Surface, b: Surface, t: float
    ) -> None:
        """Blend outgoing ``a`` and incoming ``b`` at progress ``t`` over ``dst``."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class TransitionKindSpec:
    """A transition kind.

    Built-in kinds set ``parse(params)``, called once per spec at load; it returns None
    when the params do not parse, and the format then treats the transition as a plain
    fade. Plugin kinds are `wavyte_core.plugin.Transition` subclasses (``transition`` and
    ``param_set`` set); their bad params are an error naming the param.
    """

    name: str
    parse: Callable[[Any], ParsedTransition | None] | None = None
    aliases: tuple[str, ...] = ()
    description: str = ""
    params: tuple[Param, ...] = ()
    param_set: ParamSet | None = None
    transition: type | None = None
    json_schema: dict[str, Any] | None = None
    doc: str = ""
    examples: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class AssetKindSpec:
    """An asset kind (`wavyte_core.plugin.AssetKind` subclass), compiled once per process
    by the registry: ``param_set`` is None for a structured kind (one that overrides
    ``parse``); ``params`` still feed docs and the schema."""

    name: str
    kind: type
    description: str = ""
    params: tuple[Param, ...] = ()
    param_set: ParamSet | None = None
    json_schema: dict[str, Any] | None = None
    doc: str = ""
    examples: tuple[dict[str, Any], ...] = ()

    @property
    def structured(self) -> bool:
        return self.param_set is None


@dataclass(slots=True)
class PluginInfo:
    name: str
    distribution: str = ""
    version: str = ""
    roles: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None
