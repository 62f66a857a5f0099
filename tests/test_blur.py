"""The exact Q16 blur (wavyte-format.md §4.6) against its vectors and a naive reference."""

from __future__ import annotations

import numpy as np
import pytest

from wavyte_conformance.exact_math import blur_kernel as ref_kernel
from wavyte_core.render.blur import BlurScratch, blur_q16, gaussian_kernel_q16


def ref_blur(src: np.ndarray, r: int, sigma: float) -> np.ndarray:
    """Per-pixel scalar transcription: horizontal pass, then vertical, clamp-to-edge."""
    q = ref_kernel(r, sigma)
    h, w, c = src.shape
    tmp = np.zeros_like(src)
    for y in range(h):
        for x in range(w):
            for ch in range(c):
                acc = 0
                for k in range(2 * r + 1):
                    acc += q[k] * int(src[y, min(max(x + k - r, 0), w - 1), ch])
                tmp[y, x, ch] = min((acc + 32768) >> 16, 255)
    out = np.zeros_like(src)
    for y in range(h):
        for x in range(w):
            for ch in range(c):
                acc = 0
                for k in range(2 * r + 1):
                    acc += q[k] * int(tmp[min(max(y + k - r, 0), h - 1), x, ch])
                out[y, x, ch] = min((acc + 32768) >> 16, 255)
    return out


def test_kernel_vectors():
    assert gaussian_kernel_q16(3, 2.0).tolist() == [4598, 8590, 12499, 14162, 12499, 8590, 4598]
    assert gaussian_kernel_q16(2, 1.2).tolist() == [5612, 15903, 22506, 15903, 5612]


@pytest.mark.parametrize(
    ("r", "sigma"), [(1, 0.5), (5, 2.5), (8, 4.0), (40, 3.0), (256, 128.0), (256, 1e6), (4, 0.01)]
)
def test_kernel_matches_reference_and_sums_to_one(r, sigma):
    q = gaussian_kernel_q16(r, sigma)
    assert q.tolist() == ref_kernel(r, sigma)
    assert int(q.sum()) == 65536
    assert q.tolist() == q[::-1].tolist()


def test_radius_zero_is_identity():
    rng = np.random.default_rng(0)
    src = rng.integers(0, 256, (4, 6, 4), dtype=np.uint8)
    dst = np.zeros_like(src)
    blur_q16(src, dst, 0, 1.0)
    assert np.array_equal(dst, src)


def test_constant_image_unchanged():
    src = np.full((3, 4, 4), [10, 100, 200, 255], dtype=np.uint8)
    dst = np.zeros_like(src)
    blur_q16(src, dst, 3, 2.0)
    assert np.array_equal(dst, src)


def test_single_pixel_spreads_and_keeps_energy():
    src = np.zeros((5, 5, 4), dtype=np.uint8)
    src[2, 2] = 255
    dst = np.zeros_like(src)
    blur_q16(src, dst, 2, 1.2)
    assert (dst[..., 3] > 0).sum() > 1
    assert abs(int(dst[..., 3].sum()) - 255) <= 4


@pytest.mark.parametrize(
    ("shape", "r", "sigma"),
    [
        ((7, 9, 4), 1, 0.5),
        ((7, 9, 4), 3, 2.0),
        ((11, 6, 4), 5, 1.7),
        ((5, 4, 4), 12, 6.0),
        ((3, 2, 4), 9, 30.0),
    ],
)
def test_exact_against_naive_reference(shape, r, sigma):
    rng = np.random.default_rng(r)
    src = rng.integers(0, 256, shape, dtype=np.uint8)
    dst = np.zeros_like(src)
    blur_q16(src, dst, r, sigma)
    assert np.array_equal(dst, ref_blur(src, r, sigma))


def test_in_place_and_scratch_reuse():
    rng = np.random.default_rng(9)
    scratch = BlurScratch()
    for shape in [(6, 8, 4), (5, 3, 4), (6, 8, 4)]:
        src = rng.integers(0, 256, shape, dtype=np.uint8)
        want = ref_blur(src, 2, 1.2)
        buf = src.copy()
        blur_q16(buf, buf, 2, 1.2, scratch)
        assert np.array_equal(buf, want)


def test_negative_radius_kernel_rejected():
    with pytest.raises(ValueError):
        gaussian_kernel_q16(-1, 1.0)


@pytest.mark.parametrize(
    "box", [(20, 15, 40, 30), (0, 0, 12, 9), (50, 30, 64, 48), (0, 10, 64, 20)]
)
@pytest.mark.parametrize("radius", [1, 3, 8])
def test_blur_surface_on_content_bounds_equals_full_blur(
    box: tuple[int, int, int, int], radius: int
) -> None:
    """A layer that is transparent outside ``bounds`` blurs to the same bytes whether the
    whole canvas or only the content region is processed, also when chained."""
    from wavyte_core.plugin.roles import Surface
    from wavyte_core.render.blur import blur_surface

    rng = np.random.default_rng(radius)
    src = Surface.alloc(64, 48)
    x0, y0, x1, y1 = box
    a = rng.integers(0, 256, (y1 - y0, x1 - x0, 1), dtype=np.uint16)
    src.buf[y0:y1, x0:x1, :3] = (rng.integers(0, 256, (y1 - y0, x1 - x0, 3)) * a // 255).astype(
        np.uint8
    )
    src.buf[y0:y1, x0:x1, 3:] = a.astype(np.uint8)
    full = np.empty_like(src.buf)
    blur_q16(src.buf, full, radius, radius / 2)
    full2 = np.empty_like(full)
    blur_q16(full, full2, radius, radius / 2)
    src.bounds = box
    mid, out = Surface.alloc(64, 48), Surface.alloc(64, 48)
    out.buf[...] = 77  # stale content must not survive
    mid.buf[...] = 77
    scratch = BlurScratch()
    blur_surface(src, mid, radius, radius / 2, scratch)
    np.testing.assert_array_equal(mid.buf, full)
    blur_surface(mid, out, radius, radius / 2, scratch)
    np.testing.assert_array_equal(out.buf, full2)
    assert mid.bounds is not None and mid.bounds[2] - mid.bounds[0] <= (x1 - x0) + 2 * radius


@pytest.mark.parametrize(("r", "sigma"), [(64, 32.0), (65, 32.5), (100, 7.0), (256, 128.0)])
def test_wide_kernels_exact_against_int64_reference(r: int, sigma: float) -> None:
    """Both convolution routes (direct filter up to 129 taps, separable engine above) agree
    with the int64 transcription, also when the kernel is wider than the image."""
    from wavyte_conformance.exact_math import blur as int64_blur

    rng = np.random.default_rng(r)
    src = rng.integers(0, 256, (23, 300, 4), dtype=np.uint8)
    dst = np.empty_like(src)
    blur_q16(src, dst, r, sigma)
    np.testing.assert_array_equal(dst, int64_blur(src, r, sigma))


def test_into_views_of_larger_arrays() -> None:
    """Source and destination may be strided sub-rectangles of canvas-sized buffers."""
    from wavyte_conformance.exact_math import blur as int64_blur

    rng = np.random.default_rng(5)
    canvas = rng.integers(0, 256, (40, 50, 4), dtype=np.uint8)
    out = np.full_like(canvas, 7)
    blur_q16(canvas[5:30, 10:45], out[5:30, 10:45], 6, 3.0)
    np.testing.assert_array_equal(out[5:30, 10:45], int64_blur(canvas[5:30, 10:45], 6, 3.0))
    assert (out[:5] == 7).all() and (out[:, :10] == 7).all()


def test_float64_route_when_weights_sum_above_one() -> None:
    """§4.6's middle-weight clamp can leave Σq > 65536; sums may then pass 2^24 and the
    pass switches to float64, still saturating at 255 like ``min(…, 255)``."""
    import cv2

    from wavyte_core.render.blur import _rows_pass

    q = np.array([30000, 40000, 30000], dtype=np.int64)  # Σq = 100000
    k = (q / 65536.0).reshape(1, -1)
    src = np.array([[[255], [255], [0], [128], [255]]], dtype=np.uint8)
    out = np.empty_like(src)
    _rows_pass(cv2, src, out, k, True, BlurScratch(), 0)
    p = np.pad(src[0, :, 0].astype(np.int64), 1, mode="edge")
    want = [min((int(q @ p[i : i + 3]) + 32768) >> 16, 255) for i in range(5)]
    assert out[0, :, 0].tolist() == want


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_threaded_bands_exact_against_int64_reference(threads: int) -> None:
    """Large enough to split each pass across threads and into several row bands per
    thread (with a short last band): the bytes do not depend on the split."""
    from wavyte_conformance.exact_math import blur as int64_blur
    from wavyte_core.render import blur as blur_mod

    rng = np.random.default_rng(threads)
    src = rng.integers(0, 256, (181, 307, 4), dtype=np.uint8)
    assert src.size >= blur_mod._PARALLEL_MIN_VALUES
    before = blur_mod.blur_threads()
    blur_mod.set_blur_threads(threads)
    try:
        dst = np.empty_like(src)
        blur_q16(src, dst, 21, 9.5, BlurScratch())
    finally:
        blur_mod.set_blur_threads(before)
    np.testing.assert_array_equal(dst, int64_blur(src, 21, 9.5))


@pytest.mark.parametrize("shape", [(9, 13, 4), (181, 307, 4)])
def test_opaque_layer_shortcut_exact(shape: tuple[int, int, int]) -> None:
    """An all-opaque layer takes the three-channel route (alpha stays 255 by §4.6's
    arithmetic): same bytes as the int64 transcription, also in place inside a canvas, and
    one translucent pixel sends it back to the four-channel route, still exact."""
    from wavyte_conformance.exact_math import blur as int64_blur

    rng = np.random.default_rng(shape[0])
    src = rng.integers(0, 256, shape, dtype=np.uint8)
    src[..., 3] = 255
    want = int64_blur(src, 11, 4.5)
    assert (want[..., 3] == 255).all()
    dst = np.zeros_like(src)
    blur_q16(src, dst, 11, 4.5)
    np.testing.assert_array_equal(dst, want)
    canvas = np.full((shape[0] + 4, shape[1] + 6, 4), 9, dtype=np.uint8)
    canvas[2:-2, 3:-3] = src
    blur_q16(canvas[2:-2, 3:-3], canvas[2:-2, 3:-3], 11, 4.5)
    np.testing.assert_array_equal(canvas[2:-2, 3:-3], want)
    assert (canvas[:2] == 9).all() and (canvas[:, :3] == 9).all()
    src[shape[0] // 2, shape[1] // 3, 3] = 254
    blur_q16(src, dst, 11, 4.5)
    np.testing.assert_array_equal(dst, int64_blur(src, 11, 4.5))


def _routes() -> list[str]:
    from wavyte_core.render import blur as blur_mod

    native = blur_mod._native_rows()
    isas = range(native.best_isa + 1) if native is not None else []
    return ["opencv", *(f"native-isa{i}" for i in isas)]


@pytest.mark.parametrize("route", _routes())
@pytest.mark.parametrize(
    ("shape", "r", "sigma"),
    [
        ((181, 307, 4), 21, 9.5),
        ((37, 203, 3), 40, 20.0),
        ((9, 5, 4), 12, 6.0),
        ((40, 90, 4), 200, 100.0),
    ],
)
def test_every_row_route_exact(
    route: str, shape: tuple[int, int, int], r: int, sigma: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OpenCV route and each variant of the C row pass (plain C, AVX2, AVX-512, as far as
    this CPU goes) give the int64 transcription's bytes: wide rows, rows narrower than the
    kernel, three and four channels, opaque and translucent."""
    from wavyte_conformance.exact_math import blur as int64_blur
    from wavyte_core.render import blur as blur_mod

    if route == "opencv":
        monkeypatch.setattr(blur_mod, "_native", None)
    else:
        native = blur_mod._native_rows()
        assert native is not None
        monkeypatch.setattr(native, "isa", int(route.removeprefix("native-isa")))
    rng = np.random.default_rng(r)
    src = rng.integers(0, 256, shape, dtype=np.uint8)
    dst = np.empty_like(src)
    blur_q16(src, dst, r, sigma, BlurScratch())
    np.testing.assert_array_equal(dst, int64_blur(src, r, sigma))
    if shape[2] == 4:
        src[..., 3] = 255
        blur_q16(src, dst, r, sigma, BlurScratch())
        np.testing.assert_array_equal(dst, int64_blur(src, r, sigma))


def test_native_row_pass_is_built_here() -> None:
    """`make` builds the optional C row pass on this machine (a silent fallback to OpenCV
    would keep the bytes but lose half the speed)."""
    from wavyte_core.render import blur as blur_mod

    assert blur_mod._native_rows() is not None
