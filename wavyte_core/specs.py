"""What plugins register: small, importable-without-heavy-deps descriptions of what they offer.

A `register_*` hook returns a list of these. Nothing heavy happens until a job asks for a
role by name and the registry calls its ``factory`` (lazily importing skia, cairo, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .roles import Affine, Compositor, PixelEffect, Surface


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


@dataclass(frozen=True, slots=True)
class EffectKindSpec:
    """An effect kind. ``parse(params)`` is called once per effect instance at load; it
    raises ``ValueError`` with a message naming the bad param."""

    name: str
    parse: Callable[[Any], EffectOp]
    aliases: tuple[str, ...] = ()
    description: str = ""


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
    """A transition kind. ``parse(params)`` is called once per spec at load and returns
    None when the params do not parse (the format then treats it as a plain fade)."""

    name: str
    parse: Callable[[Any], ParsedTransition | None]
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(slots=True)
class PluginInfo:
    name: str
    distribution: str = ""
    version: str = ""
    roles: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None
