"""Plan and draw one frame: FrameGraph → composite ops → pixels in a frame surface.

Everything here runs per frame, so it is plain Python over tuples, with every decision that
does not depend on the frame taken before (`ClipRuntime`, built once per job). The plan
follows wavyte-format.md §4.1 and §3.5 (culling, effect folding, pairing); execution uses
three reuse rules from DESIGN.md §5:

- a layer that needs isolation (pixel effects, paired transitions, a compositor without
  direct draw) keeps its pixels while its evaluated state is unchanged (rule 11): a static
  blurred background is blurred once;
- plain layers are drawn straight into the frame when the compositor allows it (rule 9);
- the surface of a layer isolated for pixel effects or a paired transition covers only
  its region of the canvas (its device bounds, grown by what its effects spread, on a
  32-pixel grid) when the compositor places surfaces at their origin (``layer_regions``):
  a small blurred or cross-faded layer pays for its region, not for full-canvas clears
  and blends (rule 9). The grid keeps a moving layer on one surface size for many frames.
  The layer is still drawn in canvas coordinates (on a shared canvas-sized scratch, its
  region then copied out: `_draw_at_origin`), because rasterizers resampling an image
  under a matrix shifted by the region origin round some pixels apart; so region and
  canvas-sized isolation give the same bytes (conformance/tests/test_region_isolation.py).
  Plain layers isolated only because the compositor has no direct draw (the exact numpy
  compositor) keep canvas-sized surfaces;
- the frame after its longest unchanged prefix of ops is snapshotted once, and later frames
  start from that snapshot instead of redrawing the prefix (a static background under a
  moving title costs one copy);
- before that, ops unchanged since the previous frame move ahead of changed ones they do
  not overlap (`_reorder`), so static titles above a spinning logo join the snapshot
  instead of being redrawn every frame. Every op changes only pixels inside its box (a
  direct draw its device bounds, an isolated layer or a region-placed transition its
  region: what the region surfaces already rely on), and each pixel depends only on its
  own earlier value; so ops with disjoint boxes commute, and as every overlapping pair
  keeps its order, every pixel sees the same ops in the same order: the bytes do not
  change (the tests compare against the plan order).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import Any

import numpy as np

from wavyte_core.plugin.roles import Affine, Compositor, PixelEffect, Rasterizer, Surface
from wavyte_core.plugin.specs import ParsedTransition
from wavyte_core.render.compositor_numpy import NumpyCompositor
from wavyte_core.render.matte import MatteKernel
from wavyte_core.render.timing import StageTimer
from wavyte_core.timeline.affine import mul
from wavyte_core.timeline.evaluate import EvalNode, FrameGraph

_pack_f32 = struct.Struct("f")


def f32(x: float) -> float:
    """Round a Python float to the nearest f32 (the format computes opacities in f32)."""
    return _pack_f32.unpack(_pack_f32.pack(x))[0]


DrawFn = Callable[[Surface, Affine, float, Any], None]


@dataclass(eq=False, slots=True)
class ClipRuntime:
    """What the frame loop needs of one clip, resolved once per job."""

    index: int
    draw: DrawFn | None  # None: nothing to draw (audio)
    opacity_mul: float = 1.0
    post: Affine | None = None
    pixel: tuple[PixelEffect, ...] = ()
    #: The passes depend on the frame: each EvalNode carries them (``fx``), not ``pixel``.
    dynamic_fx: bool = False
    t_in: ParsedTransition | None = None
    t_out: ParsedTransition | None = None
    has_in: bool = False
    has_out: bool = False
    #: The drawn content's box in local coordinates (x0, y0, x1, y1), or None if unknown.
    local_bounds: tuple[float, float, float, float] | None = None


class SurfacePool:
    """Surfaces by size, reused for the whole job: canvas-sized ones (snapshots, layers of
    unknown extent) and region-sized ones for layers. At most ``max_free`` idle surfaces
    are kept (the oldest go first), so a layer whose region keeps changing size does not
    make memory grow."""

    def __init__(self, width: int, height: int, max_free: int = 8) -> None:
        self.width, self.height = width, height
        self.max_free = max_free
        self._free: list[Surface] = []
        self.allocated = 0

    def take(self, width: int | None = None, height: int | None = None) -> Surface:
        w = self.width if width is None else width
        h = self.height if height is None else height
        free = self._free
        for i in range(len(free) - 1, -1, -1):
            s = free[i]
            if s.buf.shape[1] == w and s.buf.shape[0] == h:
                del free[i]
                return s
        self.allocated += 1
        return Surface.alloc(w, h)

    def give(self, s: Surface) -> None:
        s.origin = (0, 0)
        s.bounds = None
        self._free.append(s)
        if len(self._free) > self.max_free:
            del self._free[0]


@dataclass(slots=True)
class _Cached:
    key: tuple | None  # None: the surface holds no finished layer
    surface: Surface
    spare: Surface | None  # ping-pong partner for pixel effects


@dataclass
class FrameStats:
    frames: int = 0
    prefix_hits: int = 0
    layer_hits: int = 0
    layers_drawn: int = 0


class FrameRenderer:
    """Renders evaluated frames into caller-provided frame surfaces."""

    def __init__(
        self,
        clips: list[ClipRuntime],
        rasterizer: Rasterizer,
        compositor: Compositor,
        width: int,
        height: int,
        background_bgra: tuple[int, int, int, int] | None,
        *,
        unpaired_opacity: Callable[[float | None, float | None], float],
        timer: StageTimer | None = None,
    ) -> None:
        self.clips = clips
        self.rast = rasterizer
        self.comp = compositor
        self.direct = bool(getattr(compositor, "direct_draw", False))
        self._invalidate = rasterizer.invalidate
        self.pool = SurfacePool(width, height)
        self.width, self.height = width, height
        self._canvas = (0, 0, width, height)
        self.regions = bool(getattr(compositor, "layer_regions", False))
        #: How far each clip's pixel effects spread its content (None: unknown → canvas).
        self._pads = [_effects_pad(rt.pixel) for rt in clips]
        self.bg = background_bgra if background_bgra is not None else (0, 0, 0, 0)
        self.unpaired_opacity = unpaired_opacity
        #: ``blend(dst, src, opacity, mode)`` of the compositor; one without it gets the
        #: core's exact kernels, which work on any surface under the pixel contract.
        self._blend = getattr(compositor, "blend", None) or NumpyCompositor().blend
        self._matte = MatteKernel()
        self._cache: dict[int, _Cached] = {}
        self._prev_ops: list[tuple] = []
        self._snap: Surface | None = None
        self._snap_ops: list[tuple] = []
        #: Canvas-sized: where layers placed at a region origin are drawn (cleared first).
        self._origin_scratch: Surface | None = None
        self.stats = FrameStats()
        self.timer = timer
        #: Move unchanged ops ahead of changed ones they do not overlap (`_reorder`).
        self.reorder = True

    # ---------------------------------------------------------------------- planning

    def plan(self, graph: FrameGraph) -> list[tuple]:
        """Composite ops of a frame (§4.1 + §3.5). Each op is a comparable tuple:
        ``(0, layer, opacity)`` for Over, ``(1, layer_a, layer_b, t)`` for a pair,
        ``(2, layer, opacity, mode)`` for a blend mode other than Normal, where a layer is
        ``(clip_index, affine, draw_opacity, source_time, pixel_passes, matte)`` (the
        passes, with their evaluated params, are part of the layer's cache key; for an
        animated asset kind ``source_time`` holds its sampled values instead, handed to
        its draw call; ``matte`` is None or ``(mode, source layer or None)``, the source
        layer drawn at its whole opacity, transition fades included, None where the source
        is not active). Layers with a blend mode other than Normal are never paired with a
        transition."""
        clips = self.clips
        layers: list[tuple] = []
        for node in graph.nodes:
            rt = clips[node.clip]
            if rt.draw is None:
                continue
            layer = self._plan_layer(node, rt)
            if layer is None:
                continue
            layers.append((layer, node.progress_in, node.progress_out, node.blend))
        ops: list[tuple] = []
        i, n = 0, len(layers)
        while i < n:
            la, p_in_a, p_out_a, blend_a = layers[i]
            if i + 1 < n and p_out_a is not None and blend_a == "Normal":
                lb, p_in_b, _, blend_b = layers[i + 1]
                ta = clips[la[0]].t_out
                tb = clips[lb[0]].t_in
                if p_in_b is not None and ta is not None and tb is not None and blend_b == "Normal":
                    t_in = min(max(f32(p_in_b), 0.0), 1.0)
                    t_out = min(max(f32(p_out_a), 0.0), 1.0)
                    if abs(f32(t_in - t_out)) <= f32(0.05) and ta.can_pair(tb):
                        ops.append((1, la, lb, t_in))
                        i += 2
                        continue
            o = self.unpaired_opacity(p_in_a, p_out_a)
            if o > 0.0:
                ops.append((0, la, o) if blend_a == "Normal" else (2, la, o, blend_a))
            i += 1
        return ops

    def _plan_layer(self, node: EvalNode, rt: ClipRuntime) -> tuple | None:
        """The layer tuple of a node (see `plan`); None when it draws nothing."""
        op = f32(node.opacity) * rt.opacity_mul
        if op <= 0.0:
            return None
        if op > 1.0:
            op = 1.0
        m = node.transform if rt.post is None else mul(node.transform, rt.post)
        passes = node.fx if rt.dynamic_fx else rt.pixel
        matte = None
        if node.matte is not None:
            mode, src = node.matte
            ml = None
            if src is not None:
                srt = self.clips[src.clip]
                if srt.draw is not None:
                    ml = self._plan_layer(src, srt)
                    if ml is not None:
                        fade = self.unpaired_opacity(src.progress_in, src.progress_out)
                        ml = None if fade <= 0.0 else (*ml[:2], f32(ml[2] * fade), *ml[3:])
            matte = (mode, ml)
        src_time = node.source_time_s if node.state is None else node.state
        return (node.clip, m, f32(op), src_time, passes, matte)

    # --------------------------------------------------------------------- execution

    def render(self, graph: FrameGraph, dst: Surface) -> None:
        timer = self.timer
        if timer is not None:
            t0 = perf_counter()
            ops = self._reorder(self.plan(graph))
            timer.add("plan", perf_counter() - t0)
        else:
            ops = self._reorder(self.plan(graph))
        self.stats.frames += 1
        snap_ops = self._snap_ops
        start = 0
        if snap_ops and len(snap_ops) <= len(ops) and ops[: len(snap_ops)] == snap_ops:
            np.copyto(dst.buf, self._snap.buf)  # type: ignore[union-attr]
            self._invalidate(dst)
            start = len(snap_ops)
            self.stats.prefix_hits += 1
        else:
            dst.fill(self.bg)
            self._invalidate(dst)
        keep = _common_prefix(ops, self._prev_ops)
        # Layers inside the snapshot keep their cached pixels: when the snapshot breaks (a
        # layer under them changes), a static blurred layer is not blurred again.
        used: set[int] = {i for i in _clip_indices(ops[:start]) if i in self._cache}
        for i in range(start, len(ops)):
            if i == keep and i > 0 and i != len(snap_ops):
                self._snapshot(dst, ops[:i])
            if timer is not None:
                self._execute_timed(ops[i], dst, used, timer)
            else:
                self._execute(ops[i], dst, used)
        self.rast.flush(dst)
        self._prev_ops = ops
        self._release_unused(used)

    def _reorder(self, ops: list[tuple]) -> list[tuple]:
        """``ops`` with those unchanged since the previous frame moved ahead of changed ones
        wherever their boxes are disjoint from everything they pass (see the module
        docstring for why the pixels cannot change). An op that overlaps an op held back
        is held back too, behind it, so overlapping ops never swap. Linear in the number
        of ops; boxes are computed only when an unchanged op has to pass changed ones."""
        if not self.reorder or not self._prev_ops:
            return ops
        before = {op[1][0]: op for op in self._prev_ops}  # an op by its first clip
        out: list[tuple] = []
        held: list[tuple] = []
        boxes: list[tuple[int, int, int, int]] = []
        for op in ops:
            if before.get(op[1][0]) != op:
                held.append(op)
                continue
            if not held:
                out.append(op)
                continue
            for i in range(len(boxes), len(held)):
                boxes.append(self._op_box(held[i]))
            box = self._op_box(op)
            if all(_disjoint(box, b) for b in boxes):
                out.append(op)
            else:
                held.append(op)
                boxes.append(box)
        if not held:
            return ops
        out.extend(held)
        return out

    def _op_box(self, op: tuple) -> tuple[int, int, int, int]:
        """The canvas box outside which ``op`` leaves every pixel as it is."""
        if op[0] != 1:
            layer = op[1]
            rt = self.clips[layer[0]]
            if op[0] == 0 and self.direct and not _isolated(layer):
                b = device_bounds(rt.local_bounds, layer[1], self.width, self.height)
                return self._canvas if b is None else b
            # isolated: composited (over or blended) from its surface's region; a blend
            # leaves every pixel where the source is transparent as it is
            return self._iso_region(rt, layer, op[0] == 2)
        _, la, lb, _ = op
        rta = self.clips[la[0]]
        if getattr(rta.t_out, "layer_regions", False):
            return _union(self._region(rta, la), self._region(self.clips[lb[0]], lb))
        return self._canvas

    def _snapshot(self, dst: Surface, ops: list[tuple]) -> None:
        self.rast.flush(dst)
        if self._snap is None:
            self._snap = self.pool.take()
        np.copyto(self._snap.buf, dst.buf)
        self._snap_ops = ops

    def _execute(self, op: tuple, dst: Surface, used: set[int]) -> None:
        if op[0] != 1:
            layer, opacity = op[1], op[2]
            rt = self.clips[layer[0]]
            if op[0] == 0 and self.direct and not _isolated(layer):
                rt.draw(dst, layer[1], f32(layer[2] * opacity), layer[3])  # type: ignore[misc]
                self.stats.layers_drawn += 1
                return
            src = self._layer(rt, layer, used, self._iso_region(rt, layer, op[0] == 2))
            self.rast.flush(dst)
            t0 = perf_counter() if self.timer is not None else 0.0
            if op[0] == 0:
                self.comp.over(dst, src, opacity)
            else:
                self._blend(dst, src, opacity, op[3])
            if self.timer is not None:
                self.timer.add("composite", perf_counter() - t0)
            self._invalidate(dst)
        else:
            _, la, lb, t = op
            rta = self.clips[la[0]]
            rtb = self.clips[lb[0]]
            if getattr(rta.t_out, "layer_regions", False):
                region = _union(self._region(rta, la), self._region(rtb, lb))
            else:
                region = self._canvas
            a = self._layer(rta, la, used, region)
            b = self._layer(rtb, lb, used, region)
            self.rast.flush(dst)
            t0 = perf_counter() if self.timer is not None else 0.0
            rta.t_out.composite(self.comp, dst, a, b, t)  # type: ignore[union-attr]
            if self.timer is not None:
                self.timer.add("composite", perf_counter() - t0)
            self._invalidate(dst)

    def _execute_timed(self, op: tuple, dst: Surface, used: set[int], timer: StageTimer) -> None:
        """`_execute` with the op's time split into draw / effects / composite."""
        t0 = perf_counter()
        before = dict(timer.totals)
        self._execute(op, dst, used)
        spent = perf_counter() - t0
        inner = sum(timer.totals[k] - before[k] for k in ("decode", "effects", "composite"))
        timer.add("draw", spent - inner)

    def _iso_region(
        self, rt: ClipRuntime, layer: tuple, blended: bool
    ) -> tuple[int, int, int, int]:
        """The region of an isolated unpaired layer's surface. Plain layers isolated only
        because the compositor cannot draw directly keep the canvas: rasterizers resample
        images under a shifted matrix a level apart, and the numpy reference must match
        direct drawing byte for byte. Layers with pixel effects get their region; so do
        blended and matted layers on a compositor that draws directly (they have no direct
        form to match)."""
        if layer[4] or (self.direct and (blended or layer[5] is not None)):
            return self._region(rt, layer)
        return self._canvas

    def _region(self, rt: ClipRuntime, layer: tuple) -> tuple[int, int, int, int]:
        """The canvas rectangle an isolated layer's surface covers: its device bounds grown
        by its effects' spread, snapped outwards to the region grid, clipped to the canvas;
        the whole canvas when the compositor cannot place regions or the extent is unknown."""
        w, h = self.width, self.height
        if not self.regions:
            return (0, 0, w, h)
        # frame-dependent passes (animated plugin params) carry their spread per frame
        pad = _effects_pad(layer[4]) if rt.dynamic_fx else self._pads[rt.index]
        m = layer[1]
        if pad is None:
            return (0, 0, w, h)
        b = device_bounds(rt.local_bounds, m, w, h)
        if b is None:
            return (0, 0, w, h)
        g = _REGION_GRID
        x0 = max((b[0] - pad) // g * g, 0)
        y0 = max((b[1] - pad) // g * g, 0)
        x1 = min(-(-(b[2] + pad) // g) * g, w)
        y1 = min(-(-(b[3] + pad) // g) * g, h)
        if x1 <= x0 or y1 <= y0:  # entirely off the canvas: a small surface that stays empty
            return (0, 0, min(g, w), min(g, h))
        return (x0, y0, x1, y1)

    def _layer(
        self, rt: ClipRuntime, layer: tuple, used: set[int], region: tuple[int, int, int, int]
    ) -> Surface:
        """The isolated pixels of a layer on a surface covering ``region`` of the canvas,
        reused while its state and region are unchanged."""
        used.add(rt.index)
        key = (layer[1:], region)
        c = self._cache.get(rt.index)
        if c is not None and c.key == key:
            self.stats.layer_hits += 1
            return c.surface
        passes = layer[4]
        x0, y0, x1, y1 = region
        rw, rh = x1 - x0, y1 - y0
        if c is not None and (c.surface.width, c.surface.height) != (rw, rh):
            self._drop(rt.index)
            c = None
        if c is None:
            c = _Cached(None, self.pool.take(rw, rh), None)
            self._cache[rt.index] = c
        if passes and c.spare is None:
            c.spare = self.pool.take(rw, rh)
        # Marked as holding ``key`` only once drawn: a draw or an effect that raises leaves
        # an entry that matches nothing, so the next frame draws the layer again.
        c.key = None
        s = c.surface
        s.origin = (x0, y0)
        m = layer[1]
        if x0 or y0:
            self._draw_at_origin(rt, layer, s)
            a, b, cc, d, e, f = m
            m = (a, b, cc, d, e - x0, f - y0)
        else:  # the canvas's own coordinates: the surface only ends earlier
            self.rast.clear(s)
            rt.draw(s, m, layer[2], layer[3])  # type: ignore[misc]
            self.rast.flush(s)
        s.bounds = device_bounds(rt.local_bounds, m, rw, rh)
        self.stats.layers_drawn += 1
        for fx in passes:
            out = c.spare
            out.origin = s.origin  # type: ignore[union-attr]
            out.bounds = None  # type: ignore[union-attr]  # an effect that knows better (blur) sets it
            if self.timer is not None:
                t0 = perf_counter()
                fx.apply(self.comp, s, out)  # type: ignore[arg-type]
                self.timer.add("effects", perf_counter() - t0)
            else:
                fx.apply(self.comp, s, out)  # type: ignore[arg-type]
            c.surface, c.spare = out, s  # type: ignore[assignment]
            s = out  # type: ignore[assignment]
        if layer[5] is not None:
            self._apply_matte(s, layer[5], used)
        if passes or layer[5] is not None:
            self._invalidate(s)
        c.key = key
        return s

    def _apply_matte(self, s: Surface, matte: tuple, used: set[int]) -> None:
        """Multiply a freshly drawn layer by its matte. The source's finished layer (its
        own effects and matte included) comes from the layer cache: drawn once per frame
        however many clips it mattes, and not at all while it stays unchanged."""
        mode, ml = matte
        src = None
        if ml is not None:
            mrt = self.clips[ml[0]]
            src = self._layer(mrt, ml, used, self._region(mrt, ml))
        t0 = perf_counter() if self.timer is not None else 0.0
        self._matte.apply(s, src, mode)
        if self.timer is not None:
            self.timer.add("effects", perf_counter() - t0)

    def _draw_at_origin(self, rt: ClipRuntime, layer: tuple, s: Surface) -> None:
        """Draw ``layer`` into ``s`` (a region surface placed at ``s.origin``) with exactly
        the pixels a canvas-sized surface would get there.

        Rasterizers are not exact under a matrix shifted by the region origin: skia and
        cairo resample images through the inverse matrix in float / fixed point and
        quantise the bilinear weights, so ``e − x0`` instead of ``e`` moves some weights
        a step (up to 5 levels on a downscaled photo's edges). So the layer is drawn as
        canvas-sized isolation draws it — the rasterizer clears a canvas-sized scratch
        (shared by all layers) and draws with the canvas matrix — and the region is
        copied out. The clear is the rasterizer's own, not a numpy zeroing: cairo
        composites onto a surface it knows to be clear with another operator (SOURCE for
        OVER), which rounds some edge pixels a level apart. Everything drawn lies inside
        the layer's device bounds, which the region contains (the region surfaces rely on
        that already). Called once per redrawn isolated layer whose region does not start
        at the canvas origin; costs the canvas-sized clear canvas-sized isolation pays
        plus a copy of the region as 32-bit pixels (0.18 ms for 352×256 on the loaded
        2-core machine), small next to the blur or the blend the region is isolated for."""
        d = self._origin_scratch
        if d is None:
            d = self._origin_scratch = self.pool.take()
        x0, y0 = s.origin
        y1, x1 = y0 + s.height, x0 + s.width
        self.rast.clear(d)
        rt.draw(d, layer[1], layer[2], layer[3])  # type: ignore[misc]
        self.rast.flush(d)
        # whole pixels as uint32: a strided copy of 4-byte items, 4× fewer than bytes
        np.copyto(s.buf.view(np.uint32), d.buf.view(np.uint32)[y0:y1, x0:x1])
        self._invalidate(s)

    def _drop(self, idx: int) -> None:
        c = self._cache.pop(idx)
        self.pool.give(c.surface)
        if c.spare is not None:
            self.pool.give(c.spare)

    def _release_unused(self, used: set[int]) -> None:
        if len(self._cache) == len(used):
            return
        for idx in [k for k in self._cache if k not in used]:
            self._drop(idx)


#: Anti-aliasing and bilinear sampling reach this far outside the exact geometry.
_AA_MARGIN = 2
#: Layer regions are snapped outwards to multiples of this many pixels.
_REGION_GRID = 32


def _effects_pad(effects: tuple[PixelEffect, ...]) -> int | None:
    """Total spread of a chain of pixel effects; None if one does not declare ``pad_px``."""
    total = 0
    for fx in effects:
        pad = getattr(fx, "pad_px", None)
        if not isinstance(pad, int) or pad < 0:
            return None
        total += pad
    return total


def _clip_indices(ops: list[tuple]) -> list[int]:
    """The clips drawn by ``ops`` (a pair op draws two), matte sources included."""
    out: list[int] = []
    for op in ops:
        _layer_clips(op[1], out)
        if op[0] == 1:
            _layer_clips(op[2], out)
    return out


def _layer_clips(layer: tuple, out: list[int]) -> None:
    out.append(layer[0])
    matte = layer[5]
    while matte is not None and matte[1] is not None:
        out.append(matte[1][0])
        matte = matte[1][5]


def _isolated(layer: tuple) -> bool:
    """The layer needs its own surface whatever the compositor: pixel passes or a matte."""
    return bool(layer[4]) or layer[5] is not None


def _disjoint(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def _union(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def device_bounds(
    local: tuple[float, float, float, float] | None, m: Affine, width: int, height: int
) -> tuple[int, int, int, int] | None:
    """Pixel box (clamped to the canvas) that holds everything drawn from ``local`` under
    ``m``, with a margin for anti-aliasing; None when unknown or not finite."""
    if local is None:
        return None
    x0, y0, x1, y1 = local
    a, b, c, d, e, f = m
    xs = (a * x0 + c * y0 + e, a * x1 + c * y0 + e, a * x0 + c * y1 + e, a * x1 + c * y1 + e)
    ys = (b * x0 + d * y0 + f, b * x1 + d * y0 + f, b * x0 + d * y1 + f, b * x1 + d * y1 + f)
    lo_x, hi_x, lo_y, hi_y = min(xs), max(xs), min(ys), max(ys)
    if not all(math.isfinite(v) for v in (lo_x, hi_x, lo_y, hi_y)):
        return None
    bx0 = min(max(math.floor(lo_x) - _AA_MARGIN, 0), width)
    by0 = min(max(math.floor(lo_y) - _AA_MARGIN, 0), height)
    bx1 = max(min(math.ceil(hi_x) + _AA_MARGIN, width), bx0)
    by1 = max(min(math.ceil(hi_y) + _AA_MARGIN, height), by0)
    return bx0, by0, bx1, by1


def _common_prefix(a: list[tuple], b: list[tuple]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i
