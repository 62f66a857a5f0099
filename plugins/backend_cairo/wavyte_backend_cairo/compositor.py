"""The "cairo" compositor: the format's composite ops (§4.5) as cairo (pixman) blends.

Why this is exact: pixman's 8-bit ``OVER`` with a constant mask computes
``s' = mul_div255(s, op)``, ``d = sat(s' + mul_div255(d, 255 − s'.a))`` with the same
rounding division as the format, and ``paint_with_alpha(op / 255)`` reaches pixman as
exactly ``op`` (cairo's 16-bit colour is ``op·257``, whose high byte is ``op``). So:

- ``over``  = ``paint_with_alpha`` with the r255-quantised opacity (one pass);
- ``crossfade`` = a cleared scratch surface, ``ADD`` A with alpha ``255 − tt``, ``ADD`` B
  with alpha ``tt`` (saturating), then ``OVER`` the scratch. (cairo's ``SOURCE`` with a
  mask is a lerp with the destination, off by 1 against the format: not used.)
- ``wipe`` = clipped rectangle overs of B and A where the mask is 1 or 0 (a hard edge is
  only that), and for the soft band the crossfade above with a one-pixel-wide A8 mask of
  the exact per-column (or per-row) factors repeated along the other axis.

The tests hold every op to the numpy reference compositor bit for bit. Blur is the exact
§4.6 kernel (`wavyte_core.render.blur.blur_q16`); fill and copy are numpy.

``direct_draw`` is True: drawing a plain layer straight into the frame with paint alpha is
what ``over`` does here anyway.
"""

from __future__ import annotations

import cairo
import numpy as np

from wavyte_core.plugin.roles import Surface
from wavyte_core.render.blur import BlurScratch, blur_surface
from wavyte_core.render.compositor_numpy import NumpyCompositor, r255

from .native import CairoTarget, cached_target, target

HORIZONTAL = frozenset({"ltr", "rtl"})
#: clip ``props.blend`` → cairo's (pixman's) operator; ``Add`` is the saturating ADD.
BLEND_OPERATORS = {
    "Normal": cairo.OPERATOR_OVER,
    "Multiply": cairo.OPERATOR_MULTIPLY,
    "Screen": cairo.OPERATOR_SCREEN,
    "Overlay": cairo.OPERATOR_OVERLAY,
    "Darken": cairo.OPERATOR_DARKEN,
    "Lighten": cairo.OPERATOR_LIGHTEN,
    "ColorDodge": cairo.OPERATOR_COLOR_DODGE,
    "ColorBurn": cairo.OPERATOR_COLOR_BURN,
    "HardLight": cairo.OPERATOR_HARD_LIGHT,
    "SoftLight": cairo.OPERATOR_SOFT_LIGHT,
    "Difference": cairo.OPERATOR_DIFFERENCE,
    "Exclusion": cairo.OPERATOR_EXCLUSION,
    "Hue": cairo.OPERATOR_HSL_HUE,
    "Saturation": cairo.OPERATOR_HSL_SATURATION,
    "Color": cairo.OPERATOR_HSL_COLOR,
    "Luminosity": cairo.OPERATOR_HSL_LUMINOSITY,
    "Add": cairo.OPERATOR_ADD,
}
_HSL_MODES = frozenset({"Hue", "Saturation", "Color", "Luminosity"})
DIRECTIONS = frozenset({"ltr", "rtl", "ttb", "btt"})
_F255 = np.float32(255.0)


def wipe_factors(n: int, t: float, direction: str, soft_edge: float) -> np.ndarray:
    """The 8-bit wipe factor (255 = incoming B) of each of the ``n`` columns or rows, in
    device order: ``r255`` of the format's f32 mask (§4.5), as uint8."""
    m = NumpyCompositor.wipe_mask(n, t, direction, soft_edge)
    m = np.clip(np.nan_to_num(m, nan=0.0), 0.0, 1.0).astype(np.float32) * _F255  # f32 product
    return np.minimum(np.floor(m.astype(np.float64) + 0.5), 255.0).astype(np.uint8)


def _source(surface: Surface) -> cairo.ImageSurface:
    """``surface`` as a cairo source, told that another library may have written it."""
    s = target(surface).surface
    s.mark_dirty()
    return s


def _dest(surface: Surface) -> cairo.Context:
    t = target(surface)
    t.surface.mark_dirty()
    return t.ctx


def _numpy_wrote(surface: Surface) -> None:
    t = cached_target(surface)
    if t is not None:
        t.surface.mark_dirty()


def _numpy_reads(surface: Surface) -> None:
    t = cached_target(surface)
    if t is not None:
        t.surface.flush()


class CairoCompositor:
    """`wavyte_core.plugin.roles.Compositor` on pycairo (blends) and numpy (fill, copy, blur)."""

    name = "cairo"
    direct_draw = True
    layer_regions = True  # sources are painted at their ``Surface.origin``

    def __init__(self) -> None:
        self._scratch: dict[tuple[int, int], Surface] = {}
        self._blur = BlurScratch()

    def _scratch_for(self, like: Surface) -> CairoTarget:
        """A job-lifetime scratch surface of ``like``'s size (crossfade and wipe bands)."""
        key = (like.height, like.width)
        s = self._scratch.get(key)
        if s is None:
            s = self._scratch[key] = Surface.alloc(like.width, like.height)
        return target(s)

    # -- exact byte operations ---------------------------------------------------------------

    def fill(self, dst: Surface, bgra_premul: tuple[int, int, int, int]) -> None:
        dst.fill(bgra_premul)
        _numpy_wrote(dst)

    def copy(self, dst: Surface, src: Surface) -> None:
        _numpy_reads(src)
        np.copyto(dst.buf, src.buf)
        _numpy_wrote(dst)

    def blur(self, src: Surface, dst: Surface, radius_px: int, sigma: float) -> None:
        _numpy_reads(src)
        blur_surface(src, dst, radius_px, sigma, self._blur)
        _numpy_wrote(dst)

    # -- blends ------------------------------------------------------------------------------

    def over(self, dst: Surface, src: Surface, opacity: float) -> None:
        op = r255(opacity)
        if op == 0:
            return
        ctx = _dest(dst)
        ctx.set_source_surface(_source(src), *src.origin)
        if op == 255:
            ctx.paint()
        else:
            ctx.paint_with_alpha(op / 255.0)

    def blend(self, dst: Surface, src: Surface, opacity: float, mode: str) -> None:
        """Clip ``props.blend``: one pixman composite of ``src`` at its origin with the
        mode's operator and the r255-quantised opacity as a constant mask, clipped to
        ``src.bounds`` when known."""
        if mode == "Normal":
            self.over(dst, src, opacity)
            return
        op = r255(opacity)
        if op == 0:
            return
        source = _source(src)
        if op != 255 and mode in _HSL_MODES:
            self._hsl_translucent(dst, src, source, op, mode)
            return
        ctx = _dest(dst)
        ctx.save()
        ox, oy = src.origin
        b = src.bounds
        if b is not None:
            ctx.rectangle(ox + b[0], oy + b[1], b[2] - b[0], b[3] - b[1])
            ctx.clip()
        ctx.set_operator(BLEND_OPERATORS[mode])
        ctx.set_source_surface(source, ox, oy)
        if op == 255:
            ctx.paint()
        else:
            ctx.paint_with_alpha(op / 255.0)
        ctx.restore()

    def _hsl_translucent(
        self, dst: Surface, src: Surface, source: cairo.ImageSurface, op: int, mode: str
    ) -> None:
        """A translucent HSL blend. pixman applies a constant mask to its HSL operators
        wrongly (≈100 levels off), and scaling the source to 8 bits first moves the hue of
        near-grey pixels (≈25 levels). But the W3C result is linear in the opacity α
        (``co(α) = (1 − α)·cb + α·co(1)``, the straight source colour does not depend on
        α), so: blend at full opacity into a copy of the backdrop, then move the backdrop
        towards it by α (``SOURCE`` with a constant mask, a lerp)."""
        ox, oy = src.origin
        scratch = self._scratch_for(src)
        sc = scratch.ctx
        sc.save()
        sc.set_operator(cairo.OPERATOR_SOURCE)
        sc.set_source_surface(_source(dst), -ox, -oy)
        sc.paint()
        sc.set_operator(BLEND_OPERATORS[mode])
        sc.set_source_surface(source, 0, 0)
        sc.paint()
        sc.restore()
        ctx = _dest(dst)
        ctx.save()
        b = src.bounds or (0, 0, src.width, src.height)
        ctx.rectangle(ox + b[0], oy + b[1], b[2] - b[0], b[3] - b[1])
        ctx.clip()
        ctx.set_operator(cairo.OPERATOR_SOURCE)
        ctx.set_source_surface(scratch.surface, ox, oy)
        ctx.paint_with_alpha(op / 255.0)
        ctx.restore()

    def crossfade(self, dst: Surface, a: Surface, b: Surface, t: float) -> None:
        tt = r255(t)
        if tt == 0:
            self.over(dst, a, 1.0)
            return
        if tt == 255:
            self.over(dst, b, 1.0)
            return
        # The mix is made in the scratch's top-left a.width × a.height and lands at a's origin.
        scratch = self._scratch_for(dst)
        sc = scratch.ctx
        sc.save()
        sc.rectangle(0, 0, a.width, a.height)
        sc.clip()
        sc.set_operator(cairo.OPERATOR_CLEAR)
        sc.paint()
        sc.set_operator(cairo.OPERATOR_ADD)
        sc.set_source_surface(_source(a), 0, 0)
        sc.paint_with_alpha((255 - tt) / 255.0)  # mul_div255(a, 255 − tt)
        sc.set_source_surface(_source(b), 0, 0)
        sc.paint_with_alpha(tt / 255.0)  # sat(… + mul_div255(b, tt))
        sc.restore()  # operator back to OVER, clip removed
        ox, oy = a.origin
        ctx = _dest(dst)
        ctx.save()
        ctx.rectangle(ox, oy, a.width, a.height)
        ctx.clip()
        ctx.set_source_surface(scratch.surface, ox, oy)
        ctx.paint()
        ctx.restore()

    def wipe(
        self, dst: Surface, a: Surface, b: Surface, t: float, direction: str, soft_edge: float
    ) -> None:
        """§4.5 wipe: the exact per-line factors are computed once per call (a vector along
        the wipe axis); the leading and trailing runs of 0 or 255 are clipped overs of A or
        B, whatever lies between is the soft band."""
        if direction not in DIRECTIONS:
            raise ValueError(f"unknown wipe direction {direction!r}")
        horizontal = direction in HORIZONTAL
        w, h = dst.width, dst.height
        n = w if horizontal else h
        if w == 0 or h == 0:
            return
        f = wipe_factors(n, t, direction, soft_edge)
        lead = _run(f) if f[0] in (0, 255) else 0
        trail = _run(f[::-1]) if lead < n and f[-1] in (0, 255) else 0
        if lead:
            self._span(dst, b if f[0] == 255 else a, 0, lead, horizontal)
        if trail:
            self._span(dst, b if f[-1] == 255 else a, n - trail, n, horizontal)
        if lead + trail < n:
            self._band(dst, a, b, f[lead : n - trail], lead, horizontal)

    def _span(self, dst: Surface, src: Surface, p0: int, p1: int, horizontal: bool) -> None:
        """Over ``src`` onto ``dst`` on columns (or rows) [p0, p1): a pixel-aligned clip."""
        ctx = _dest(dst)
        ctx.save()
        _clip_lines(ctx, p0, p1, horizontal, dst.width, dst.height)
        ctx.set_source_surface(_source(src), *src.origin)
        ctx.paint()
        ctx.restore()

    def _band(
        self, dst: Surface, a: Surface, b: Surface, f: np.ndarray, p0: int, horizontal: bool
    ) -> None:
        """Crossfade A and B with per-line factors ``f`` on lines [p0, p0 + len(f)) into the
        scratch surface (two masked passes), then over it onto ``dst`` there."""
        w, h = dst.width, dst.height
        p1 = p0 + f.size
        mask_b = _line_mask(f, p0, horizontal)
        mask_a = _line_mask(255 - f, p0, horizontal)
        scratch = self._scratch_for(dst)
        sc = scratch.ctx
        sc.save()
        _clip_lines(sc, p0, p1, horizontal, w, h)
        sc.set_operator(cairo.OPERATOR_CLEAR)
        sc.paint()
        sc.set_operator(cairo.OPERATOR_ADD)
        sc.set_source_surface(_source(a), *a.origin)
        sc.mask(mask_a)  # mul_div255(a, 255 − m)
        sc.set_source_surface(_source(b), *b.origin)
        sc.mask(mask_b)  # sat(… + mul_div255(b, m))
        sc.restore()  # operator back to OVER, clip removed
        ctx = _dest(dst)
        ctx.save()
        _clip_lines(ctx, p0, p1, horizontal, w, h)
        ctx.set_source_surface(scratch.surface, 0, 0)
        ctx.paint()
        ctx.restore()


def _run(v: np.ndarray) -> int:
    """Length of the leading run of ``v[0]`` in ``v``."""
    diff = np.flatnonzero(v != v[0])
    return int(diff[0]) if diff.size else int(v.size)


def _clip_lines(ctx: cairo.Context, p0: int, p1: int, horizontal: bool, w: int, h: int) -> None:
    if horizontal:
        ctx.rectangle(p0, 0, p1 - p0, h)
    else:
        ctx.rectangle(0, p0, w, p1 - p0)
    ctx.clip()


def _line_mask(f: np.ndarray, p0: int, horizontal: bool) -> cairo.SurfacePattern:
    """An A8 mask pattern holding factor ``f[i]`` on line ``p0 + i``: one row (or column)
    of pixels, repeated along the other axis, sampled nearest."""
    n = int(f.size)
    if horizontal:
        stride = cairo.ImageSurface.format_stride_for_width(cairo.FORMAT_A8, n)
        data = np.zeros((1, stride), np.uint8)
        data[0, :n] = f
        surface = cairo.ImageSurface.create_for_data(data, cairo.FORMAT_A8, n, 1, stride)
        offset = cairo.Matrix(x0=-p0)
    else:
        stride = cairo.ImageSurface.format_stride_for_width(cairo.FORMAT_A8, 1)
        data = np.zeros((n, stride), np.uint8)
        data[:, 0] = f
        surface = cairo.ImageSurface.create_for_data(data, cairo.FORMAT_A8, 1, n, stride)
        offset = cairo.Matrix(y0=-p0)
    pattern = cairo.SurfacePattern(surface)
    pattern.set_extend(cairo.EXTEND_REPEAT)
    pattern.set_filter(cairo.FILTER_NEAREST)
    pattern.set_matrix(offset)  # user (device) space → mask space
    return pattern
