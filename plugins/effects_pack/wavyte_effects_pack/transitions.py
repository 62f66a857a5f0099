"""The pack's transition kinds, declared on the public plugin API (`wavyte_core.plugin`).

The core hands ``apply`` views of the union of both layers' boxes (the canvas for
full-frame clips); motion (slide, push, zoom) and masks (iris, radial, …) are relative to
that box. Every kind shows exactly ``a`` at ``t = 0`` and exactly ``b`` at ``t = 1``.
Transition params are constant over a transition, so none is animatable.

`Zoom`, `Radial`, `WindowSlice`, `RandomSquares` and `DirectionalWarp` are numpy ports of
MIT-licensed gl-transitions shaders (authors and links in the pack's NOTICE).
"""

from __future__ import annotations

import math

import numpy as np

from wavyte_core.plugin import Param, Params, SetupContext, Transition, TransitionContext

__all__ = [
    "TRANSITIONS",
    "DirectionalWarp",
    "Iris",
    "Push",
    "Radial",
    "RandomSquares",
    "Slide",
    "WindowSlice",
    "Zoom",
]

_SIDES = ("right", "left", "top", "bottom")
# The kernels take the side the incoming layer enters from as an offset direction.
_SIDE_DIR = {"right": "right", "left": "left", "top": "up", "bottom": "down"}


class _PackTransition(Transition):
    """Shared plumbing: lazy kernel import, scratch and fields per instance, exact ends."""

    def __init__(self) -> None:
        from .kernels import transitions
        from .kernels.scratch import Scratch

        self._k = transitions
        self.scratch = Scratch()
        self.fields = transitions.Fields()

    def apply(
        self,
        a: np.ndarray,
        b: np.ndarray,
        dst: np.ndarray,
        t: float,
        p: Params,
        ctx: TransitionContext,
    ) -> None:
        if t <= 0.0:
            np.copyto(dst, a)
        elif t >= 1.0:
            np.copyto(dst, b)
        else:
            self.mix(a, b, dst, t, p)

    def mix(self, a: np.ndarray, b: np.ndarray, dst: np.ndarray, t: float, p: Params) -> None:
        raise NotImplementedError


def _fixed(name: str, type_: str, default: object, **kw: object) -> Param:
    return Param(name, type_, default, animatable=False, **kw)  # type: ignore[arg-type]


class Slide(_PackTransition):
    """The incoming layer slides in from ``side`` and covers the outgoing one, which
    stays in place."""

    name = "fx.slide"
    description = "Incoming layer slides in over the outgoing one."
    params = (
        Param(
            "side",
            "enum",
            "right",
            choices=_SIDES,
            description="Side the incoming layer enters from.",
        ),
    )

    def mix(self, a: np.ndarray, b: np.ndarray, dst: np.ndarray, t: float, p: Params) -> None:
        self._k.slide(a, b, t, dst, _SIDE_DIR[p.side])


class Push(_PackTransition):
    """The incoming layer enters from ``side`` and pushes the outgoing one out of the
    opposite side."""

    name = "fx.push"
    description = "Incoming layer pushes the outgoing one out."
    params = (
        Param(
            "side",
            "enum",
            "right",
            choices=_SIDES,
            description="Side the incoming layer enters from.",
        ),
    )

    def mix(self, a: np.ndarray, b: np.ndarray, dst: np.ndarray, t: float, p: Params) -> None:
        self._k.push(a, b, t, dst, _SIDE_DIR[p.side])


class Zoom(_PackTransition):
    """gl-transitions "SimpleZoom" (0gust1, MIT): the camera zooms into the outgoing layer
    towards ``center`` (fast at first, full strength at ``quickness``) while the incoming
    layer, at its own size, fades in over the last part (from ``quickness − 0.2`` to the
    end). Change from the shader: the zoom ends at ``1 + strength`` times instead of
    collapsing to one pixel. Neither layer is shrunk, so two opaque layers stay opaque
    all through the transition (no dip to the background)."""

    name = "fx.zoom"
    description = "Zoom into the outgoing layer, fading to the incoming one (SimpleZoom)."
    params = (
        _fixed(
            "strength",
            "number",
            1.0,
            min=0.05,
            max=10,
            description="Magnification of the outgoing layer at the end, minus one.",
        ),
        _fixed(
            "center",
            "point",
            [0.5, 0.5],
            min=0,
            max=1,
            description="Zoom centre, fractions of the box.",
        ),
        _fixed(
            "quickness",
            "number",
            0.8,
            min=0.2,
            max=1,
            description="Progress at which the zoom is complete (the shader's zoom_quickness); "
            "the fade runs from quickness − 0.2 to the end.",
        ),
    )

    def mix(self, a: np.ndarray, b: np.ndarray, dst: np.ndarray, t: float, p: Params) -> None:
        self._k.zoom(a, b, t, dst, p.strength, p.center, self.scratch, p.quickness)


class Iris(_PackTransition):
    """A circle opens from ``center`` revealing the incoming layer (``open``), or closes
    on the outgoing one revealing the incoming layer around it (``close``)."""

    name = "fx.iris"
    description = "Circular iris opening (or closing) onto the incoming layer."
    params = (
        _fixed(
            "center",
            "point",
            [0.5, 0.5],
            min=0,
            max=1,
            description="Circle centre, fractions of the box.",
        ),
        _fixed(
            "softness",
            "number",
            2.0,
            min=0,
            max=500,
            unit="px",
            description="Width of the soft edge (at least 1 px).",
        ),
        Param(
            "mode",
            "enum",
            "open",
            choices=("open", "close"),
            description="open: b grows from the centre; close: a shrinks to it.",
        ),
    )

    def mix(self, a: np.ndarray, b: np.ndarray, dst: np.ndarray, t: float, p: Params) -> None:
        h, w = a.shape[:2]
        k = self._k
        m = self.scratch.get("mask", (h, w))
        if p.mode == "open":
            k.iris_mask(t, h, w, p.center, p.softness, self.fields, m)
        else:  # a shrinking circle of a: the complement of an opening one, played backwards
            k.iris_mask(1.0 - t, h, w, p.center, p.softness, self.fields, m)
            np.subtract(np.uint8(255), m, out=m)
        k.mix_u8(a, b, m, dst, self.scratch)


class Radial(_PackTransition):
    """gl-transitions "Radial" (Xaychru, MIT): a clock hand sweeps around the centre,
    revealing the incoming layer. The sweep is rescaled so that it starts and ends exactly
    at t = 0 and 1."""

    name = "fx.radial"
    description = "Clock wipe around the centre (gl-transitions Radial)."
    params = (
        _fixed(
            "smoothness",
            "number",
            1.0,
            min=0,
            max=3,
            unit="rad",
            description="Softness of the hand's edge.",
        ),
    )

    def mix(self, a: np.ndarray, b: np.ndarray, dst: np.ndarray, t: float, p: Params) -> None:
        h, w = a.shape[:2]
        m = self._k.radial_mask(
            t, h, w, p.smoothness, self.fields, self.scratch.get("mask", (h, w))
        )
        self._k.mix_u8(a, b, m, dst, self.scratch)


class WindowSlice(_PackTransition):
    """gl-transitions "windowslice" (gre, MIT): the incoming layer appears through
    vertical slices that widen from left to right."""

    name = "fx.windowslice"
    description = "Vertical slices that widen (gl-transitions windowslice)."
    params = (
        _fixed("count", "number", 10.0, min=1, max=200, description="Number of slices."),
        _fixed(
            "smoothness", "number", 0.5, min=0, max=5, description="How staggered the slices open."
        ),
    )

    def mix(self, a: np.ndarray, b: np.ndarray, dst: np.ndarray, t: float, p: Params) -> None:
        cols = self._k.windowslice_columns(t, a.shape[1], p.count, p.smoothness, self.fields)
        np.copyto(dst, a)
        # the slices are whole columns: copy b in spans (one numpy slice copy per slice)
        edges = np.flatnonzero(np.diff(np.concatenate(([False], cols, [False])).astype(np.int8)))
        for x0, x1 in zip(edges[::2], edges[1::2], strict=True):
            dst[:, x0:x1] = b[:, x0:x1]


class RandomSquares(_PackTransition):
    """gl-transitions "randomsquares" (gre, MIT): the incoming layer appears square by
    square in a seeded random order (an integer hash replaces the shader's ``sin``
    hash, so the order is the same on every machine)."""

    name = "fx.randomsquares"
    description = "Squares switch in random order (gl-transitions randomsquares)."
    params = (
        _fixed("columns", "int", 10, min=1, max=256, description="Squares across."),
        _fixed("rows", "int", 10, min=1, max=256, description="Squares down."),
        _fixed(
            "smoothness",
            "number",
            0.5,
            min=0,
            max=5,
            description="How gradual each square's switch is.",
        ),
        _fixed("seed", "int", 0, min=0, max=2**31 - 1, description="Varies the order."),
    )

    def mix(self, a: np.ndarray, b: np.ndarray, dst: np.ndarray, t: float, p: Params) -> None:
        import cv2

        h, w = a.shape[:2]
        grid = self._k.randomsquares_grid(t, p.columns, p.rows, p.smoothness, p.seed, self.fields)
        m = self.scratch.get("mask", (h, w))
        cv2.resize(grid, (w, h), dst=m, interpolation=cv2.INTER_NEAREST)
        self._k.mix_u8(a, b, m, dst, self.scratch)


class DirectionalWarp(_PackTransition):
    """gl-transitions "directionalwarp" (pschroen, MIT): a soft front sweeps along
    ``direction``; behind it the outgoing layer shrinks into the centre and the incoming
    one unfolds from it. ``direction`` uses the shader's axes (x right, y up)."""

    name = "fx.directionalwarp"
    description = "Warping sweep along a direction (gl-transitions directionalwarp)."
    params = (
        _fixed(
            "direction",
            "point",
            [-1.0, 1.0],
            min=-1,
            max=1,
            description="Sweep direction (x right, y up); not (0, 0).",
        ),
        _fixed("smoothness", "number", 0.1, min=0, max=2, description="Width of the front."),
    )

    def setup(self, p: Params, ctx: SetupContext) -> None:
        if math.hypot(*p.direction) == 0.0:
            raise ValueError("param 'direction' must not be (0, 0)")

    def mix(self, a: np.ndarray, b: np.ndarray, dst: np.ndarray, t: float, p: Params) -> None:
        self._k.directionalwarp(a, b, t, dst, p.direction, p.smoothness, self.fields, self.scratch)


TRANSITIONS: list[type[Transition]] = [
    Slide,
    Push,
    Zoom,
    Iris,
    Radial,
    WindowSlice,
    RandomSquares,
    DirectionalWarp,
]
