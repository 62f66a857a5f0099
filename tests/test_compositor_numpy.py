"""The numpy compositor against wavyte-format.md §4.5 vectors and a naive per-pixel reference.

The reference below is a direct transcription of the format's scalar formulas (one pixel at
a time, Python ints and numpy f32 scalars); the compositor must match it bit for bit.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from wavyte_core.plugin.roles import Compositor, Surface
from wavyte_core.render.compositor_numpy import NumpyCompositor, r255

F32 = np.float32


# ----------------------------------------------------------------------- naive reference


def md(x: int, y: int) -> int:
    return (x * y + 127) // 255


def ref_r255(x: float) -> int:
    v = F32(x)
    v = v if math.isnan(v) else min(max(v, F32(0)), F32(1))
    p = float(v * F32(255))
    if math.isnan(p):
        return 0
    # Rust f32::round: half away from zero; p >= 0 here.
    r = math.floor(p)
    if p - r >= 0.5:
        r += 1
    return min(max(int(r), 0), 255)


def ref_over(d, s, opacity: float):
    o = F32(opacity)
    o = o if math.isnan(o) else min(max(o, F32(0)), F32(1))
    if o <= 0 or s[3] == 0:
        return list(d)
    op = ref_r255(o)
    sa = md(s[3], op)
    if sa == 0:
        return list(d)
    inv = 255 - sa
    out = [0, 0, 0, min(sa + md(d[3], inv), 255)]
    for i in range(3):
        out[i] = min(md(s[i], op) + md(d[i], inv), 255)
    return out


def ref_crossfade(a, b, t: float):
    tt = ref_r255(t)
    it = 255 - tt
    return [min(md(a[i], it) + md(b[i], tt), 255) for i in range(4)]


def ref_smoothstep(a, b, x):
    if x <= a:
        return F32(0)
    if x >= b:
        return F32(1)
    u = F32((x - a) / (b - a))
    r = F32(F32(u * u) * F32(F32(3) - F32(2) * u))
    return min(max(r, F32(0)), F32(1))


def ref_wipe(dst, a, b, t, direction, soft):
    h, w = dst.shape[:2]
    out = dst.copy()
    t = F32(t)
    t = min(max(t, F32(0)), F32(1))
    soft = max(F32(soft), F32(0))
    axis = F32(w if direction in ("ltr", "rtl") else h)
    soft_px = F32(soft * axis)
    edge = F32(F32(t * F32(axis + F32(2) * soft_px)) - soft_px)
    lo = F32(edge - soft_px)
    hi = F32(edge + soft_px)
    for y in range(h):
        for x in range(w):
            pos = F32({"ltr": x, "rtl": w - 1 - x, "ttb": y, "btt": h - 1 - y}[direction])
            if soft_px <= 0:
                m = F32(1) if pos < edge else F32(0)
            else:
                m = F32(F32(1) - ref_smoothstep(lo, hi, pos))
            px = ref_crossfade([int(v) for v in a[y, x]], [int(v) for v in b[y, x]], m)
            out[y, x] = ref_over([int(v) for v in out[y, x]], px, 1.0)
    return out


def ref_over_img(dst, src, opacity):
    out = dst.copy()
    for y in range(dst.shape[0]):
        for x in range(dst.shape[1]):
            out[y, x] = ref_over([int(v) for v in dst[y, x]], [int(v) for v in src[y, x]], opacity)
    return out


def ref_crossfade_img(dst, a, b, t):
    out = dst.copy()
    for y in range(dst.shape[0]):
        for x in range(dst.shape[1]):
            px = ref_crossfade([int(v) for v in a[y, x]], [int(v) for v in b[y, x]], t)
            out[y, x] = ref_over([int(v) for v in dst[y, x]], px, 1.0)
    return out


# ----------------------------------------------------------------------- helpers


def surf(arr) -> Surface:
    return Surface(np.array(arr, dtype=np.uint8, order="C"))  # always a copy


def px(*rgba_like) -> np.ndarray:
    """A 1×1 surface array from channel values given in buffer order."""
    return np.asarray(rgba_like, dtype=np.uint8).reshape(1, 1, 4)


def random_premul(rng, h=13, w=17, transparent_share=0.2):
    a = rng.integers(0, 256, (h, w, 1))
    a[rng.random((h, w, 1)) < transparent_share] = 0
    a[rng.random((h, w, 1)) < 0.2] = 255
    c = (rng.integers(0, 256, (h, w, 3)) * a + 127) // 255
    return np.concatenate([c, a], axis=2).astype(np.uint8)


@pytest.fixture
def comp() -> NumpyCompositor:
    return NumpyCompositor()


# ----------------------------------------------------------------------- mul_div255


def _all_pairs(channels: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, y: every pair of bytes, as (256, 256 // channels, channels) arrays; and
    ``(x·y + 127) // 255`` for each."""
    x = np.repeat(np.arange(256, dtype=np.uint8), 256).reshape(256, -1, channels)
    y = np.tile(np.arange(256, dtype=np.uint8), 256).reshape(256, -1, channels)
    return x, y, ((x.astype(np.int64) * y + 127) // 255).astype(np.uint8)


@pytest.mark.parametrize("channels", [1, 4])
def test_crossfade_kernel_per_pixel_factors_equal_definition_for_all_pairs(comp, channels):
    # cv2.multiply(x, y, scale=1/255) rounds x·y/255 to nearest: exact for every pair.
    x, y, want = _all_pairs(channels)
    out = np.empty_like(x)
    # factor array: mul_div255(x, 255 − y) + mul_div255(0, y) == mul_div255(x, 255 − y)
    comp._crossfade_into(out, x, np.zeros_like(x), (255 - y).astype(np.uint16))
    assert np.array_equal(out, want)
    comp._crossfade_into(out, np.zeros_like(x), x, y.astype(np.uint16))
    assert np.array_equal(out, want)


def test_crossfade_kernel_constant_factor_equals_definition_for_all_pairs(comp):
    x = np.arange(256, dtype=np.uint8).reshape(1, 64, 4)
    for k in range(256):
        want = ((x.astype(np.int64) * k + 127) // 255).astype(np.uint8)
        out = np.empty_like(x)
        comp._crossfade_into(out, np.zeros_like(x), x, k)
        assert np.array_equal(out, want), k
        comp._crossfade_into(out, x, np.zeros_like(x), 255 - k)
        assert np.array_equal(out, want), k


def test_over_per_pixel_product_equals_definition_for_all_pairs(comp):
    # over at full opacity of a source whose alpha is 255 − y onto x: colour channels get
    # mul_div255(x, y) + s; with s = 0 colour that is exactly the product.
    x, y, want = _all_pairs(1)
    h, w = x.shape[:2]
    dst = np.repeat(x, 4, axis=2)
    src = np.zeros((h, w, 4), dtype=np.uint8)
    src[..., 3] = 255 - y[..., 0]
    d = surf(dst)
    comp.over(d, surf(src), 1.0)
    live = src[..., 3] > 0  # alpha 0: the early return keeps dst
    assert np.array_equal(d.buf[..., :3][live], np.repeat(want, 3, axis=2)[live])
    assert np.array_equal(d.buf[~live], dst[~live])


def test_over_opaque_source_is_a_copy(comp):
    rng = np.random.default_rng(8)
    dst = random_premul(rng)
    src = rng.integers(0, 256, dst.shape, dtype=np.uint8)
    src[..., 3] = 255
    d = surf(dst)
    comp.over(d, surf(src), 1.0)
    assert np.array_equal(d.buf, src)
    d = surf(dst)
    comp.over(d, surf(src), 0.6)  # not at full opacity: blended
    assert np.array_equal(d.buf, ref_over_img(dst, src, 0.6))


def test_r255_rounds_half_away_in_f32():
    for v in [0.0, 1.0, 0.5, 0.25, 1 / 255, 0.5 / 255, 0.0019607844, 0.7, -1.0, 2.0, float("nan")]:
        assert r255(v) == ref_r255(v), v
    assert r255(0.5) == 128  # 127.5 -> 128 (half away), not 128 by luck of even rounding
    assert r255(1.5 / 255) == ref_r255(1.5 / 255)


def test_is_a_compositor(comp):
    assert isinstance(comp, Compositor)
    assert comp.name == "numpy" and comp.direct_draw is False


# ----------------------------------------------------------------------- §4.5 / §11.1 vectors


def test_over_opacity_zero_is_noop(comp):
    d = surf(px(1, 2, 3, 4))
    comp.over(d, surf(px(200, 200, 200, 200)), 0.0)
    assert d.buf.ravel().tolist() == [1, 2, 3, 4]


def test_over_src_alpha_zero_is_noop(comp):
    d = surf(px(10, 20, 30, 40))
    comp.over(d, surf(px(255, 255, 255, 0)), 1.0)
    assert d.buf.ravel().tolist() == [10, 20, 30, 40]


def test_over_opaque_src_replaces(comp):
    d = surf(px(0, 0, 0, 255))
    comp.over(d, surf(px(255, 0, 0, 255)), 1.0)
    assert d.buf.ravel().tolist() == [255, 0, 0, 255]


def test_over_transparent_dst_returns_src(comp):
    d = surf(px(0, 0, 0, 0))
    comp.over(d, surf(px(100, 110, 120, 200)), 1.0)
    assert d.buf.ravel().tolist() == [100, 110, 120, 200]


def test_over_half_opacity(comp):
    d = surf(px(0, 0, 0, 255))
    comp.over(d, surf(px(200, 100, 50, 255)), 0.5)
    assert d.buf.ravel().tolist() == ref_over([0, 0, 0, 255], [200, 100, 50, 255], 0.5)
    assert d.buf.ravel().tolist() == [100, 50, 25, 255]


def test_crossfade_endpoints(comp):
    a, b = px(10, 20, 30, 40), px(200, 210, 220, 230)
    for t, want in [(0.0, a), (1.0, b)]:
        d = surf(px(0, 0, 0, 0))
        comp.crossfade(d, surf(a), surf(b), t)
        assert np.array_equal(d.buf, want)


RED = [0, 0, 255, 255]  # BGRA
BLUE = [255, 0, 0, 255]


def _wipe4(comp, t, soft, direction="ltr"):
    a = surf(np.array([RED] * 4).reshape(1, 4, 4))
    b = surf(np.array([BLUE] * 4).reshape(1, 4, 4))
    d = surf(np.zeros((1, 4, 4)))
    comp.wipe(d, a, b, t, direction, soft)
    return d.buf.reshape(4, 4).tolist()


def test_wipe_vectors_4x1(comp):
    assert _wipe4(comp, 0.0, 0.0) == [RED] * 4
    assert _wipe4(comp, 1.0, 0.0) == [BLUE] * 4
    assert _wipe4(comp, 0.5, 0.0) == [BLUE, BLUE, RED, RED]
    soft = _wipe4(comp, 0.5, 0.25)
    # §4.5: pixel 2 = RGBA [127, 0, 128, 255]  ->  BGRA [128, 0, 127, 255]
    assert soft[2] == [128, 0, 127, 255]
    assert soft[0] == BLUE and soft[3] == RED


def test_wipe_negative_soft_edge_is_hard(comp):
    assert _wipe4(comp, 0.5, -1.0) == [BLUE, BLUE, RED, RED]


def test_wipe_rtl_reveals_from_the_right(comp):
    assert _wipe4(comp, 0.5, 0.0, "rtl") == [RED, RED, BLUE, BLUE]


def test_wipe_rejects_unknown_direction(comp):
    with pytest.raises(ValueError):
        _wipe4(comp, 0.5, 0.0, "diagonal")


def test_fill_and_copy(comp):
    d = surf(np.zeros((3, 5, 4)))
    comp.fill(d, (1, 2, 3, 4))
    assert np.all(d.buf == np.array([1, 2, 3, 4], dtype=np.uint8))
    s = surf(np.arange(60).reshape(3, 5, 4))
    comp.copy(d, s)
    assert np.array_equal(d.buf, s.buf)


def test_blur_delegates_to_exact_blur(comp):
    src = surf(np.zeros((5, 5, 4)))
    src.buf[2, 2] = 255
    dst = surf(np.zeros((5, 5, 4)))
    comp.blur(src, dst, 2, 1.2)
    assert int(dst.buf[..., 3].sum()) in range(251, 260)
    assert (dst.buf[..., 3] > 0).sum() > 1


# ----------------------------------------------------------------------- vs naive reference

OPACITIES = [1.0, 0.5, 0.3, 0.001, 0.999, 1.7, 0.0019607844]


@pytest.mark.parametrize("opacity", OPACITIES)
def test_over_matches_reference(comp, opacity):
    rng = np.random.default_rng(1)
    dst, src = random_premul(rng), random_premul(rng)
    want = ref_over_img(dst, src, opacity)
    d = surf(dst)
    comp.over(d, surf(src), opacity)
    assert np.array_equal(d.buf, want)


def test_over_matches_reference_on_invalid_premul(comp):
    # src colour above alpha (not valid premultiplied data) still follows the formula,
    # including the early return where the scaled alpha is 0.
    rng = np.random.default_rng(5)
    dst = rng.integers(0, 256, (13, 17, 4), dtype=np.uint8)
    src = rng.integers(0, 256, (13, 17, 4), dtype=np.uint8)
    src[..., 3] = rng.integers(0, 3, (13, 17))
    for opacity in (1.0, 0.4):
        d = surf(dst)
        comp.over(d, surf(src), opacity)
        assert np.array_equal(d.buf, ref_over_img(dst, src, opacity))


@pytest.mark.parametrize("t", [0.0, 0.2, 0.5, 0.77, 1.0])
def test_crossfade_matches_reference(comp, t):
    rng = np.random.default_rng(2)
    dst, a, b = random_premul(rng), random_premul(rng), random_premul(rng)
    d = surf(dst)
    comp.crossfade(d, surf(a), surf(b), t)
    assert np.array_equal(d.buf, ref_crossfade_img(dst, a, b, t))


@pytest.mark.parametrize("direction", ["ltr", "rtl", "ttb", "btt"])
@pytest.mark.parametrize("soft", [0.0, 0.1, 0.25, 1.0])
@pytest.mark.parametrize("t", [0.0, 0.3, 0.5, 0.81, 1.0])
def test_wipe_matches_reference(comp, direction, soft, t):
    rng = np.random.default_rng(3)
    dst, a, b = random_premul(rng), random_premul(rng), random_premul(rng)
    d = surf(dst)
    comp.wipe(d, surf(a), surf(b), t, direction, soft)
    assert np.array_equal(d.buf, ref_wipe(dst, a, b, t, direction, soft))


def test_scratch_reuse_across_sizes(comp):
    rng = np.random.default_rng(4)
    for h, w in [(13, 17), (4, 3), (13, 17), (20, 9)]:
        dst, src = random_premul(rng, h, w), random_premul(rng, h, w)
        d = surf(dst)
        comp.over(d, surf(src), 0.6)
        assert np.array_equal(d.buf, ref_over_img(dst, src, 0.6))


@pytest.mark.parametrize("opacity", [1.0, 0.35])
def test_over_of_a_small_layer_only_touches_its_bounds(comp, opacity):
    rng = np.random.default_rng(6)
    dst = random_premul(rng, 20, 30)
    src = np.zeros((20, 30, 4), dtype=np.uint8)
    src[5:9, 11:14] = random_premul(rng, 4, 3, transparent_share=0.0)
    src[5, 11, 3] = 1  # nearly transparent corner: scaled alpha may round to 0
    src[5, 11, :3] = 1
    d = surf(dst)
    comp.over(d, surf(src), opacity)
    assert np.array_equal(d.buf, ref_over_img(dst, src, opacity))
    outside = np.ones((20, 30), dtype=bool)
    outside[5:9, 11:14] = False
    assert np.array_equal(d.buf[outside], dst[outside])


def test_is_opaque_reads_every_pixel_of_views() -> None:
    """The shared opaque check (blur's three-channel route, the copy taken by `over`): true
    only when every alpha is 255, on whole buffers and on strided views of a canvas."""
    from wavyte_core.plugin.roles import is_opaque

    canvas = np.zeros((6, 9, 4), np.uint8)
    canvas[1:5, 2:8, 3] = 255
    view = canvas[1:5, 2:8]
    assert is_opaque(view) and not is_opaque(canvas)
    canvas[3, 4, 3] = 254  # one interior pixel, corners still opaque
    assert not is_opaque(view)
    assert not is_opaque(canvas[:0])
