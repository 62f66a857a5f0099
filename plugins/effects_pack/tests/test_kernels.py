"""Kernel unit tests: real numbers on small arrays (identity, known values, premultiplied)."""

from __future__ import annotations

import numpy as np
import pytest
from wavyte_effects_pack.kernels import chroma, color, cube, matte, stylize
from wavyte_effects_pack.kernels import transitions as tr
from wavyte_effects_pack.kernels.scratch import Scratch


def rand_premul(h: int, w: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 256, (h, w)).astype(np.uint16)
    img = np.empty((h, w, 4), np.uint8)
    img[..., 3] = a
    for c in range(3):
        img[..., c] = rng.integers(0, 256, (h, w)) * a // 255
    return img


def solid(h: int, w: int, bgra: tuple[int, int, int, int]) -> np.ndarray:
    img = np.empty((h, w, 4), np.uint8)
    img[...] = bgra
    return img


def assert_premul(img: np.ndarray) -> None:
    assert (img[..., :3] <= img[..., 3:]).all()


# ------------------------------------------------------------------------------ colour


def _adjust(img: np.ndarray, **kw: float) -> np.ndarray:
    out = np.empty_like(img)
    color.apply_color_matrix(img, out, color.color_matrix(**kw), Scratch())
    return out


def test_color_neutral_is_identity() -> None:
    img = rand_premul(9, 11)
    assert color.is_identity_matrix(color.color_matrix())
    assert np.array_equal(_adjust(img), img)


def test_color_known_values() -> None:
    opaque = solid(1, 1, (100, 100, 100, 255))
    assert _adjust(opaque, brightness=0.2)[0, 0].tolist() == [151, 151, 151, 255]
    assert _adjust(opaque, contrast=1.5)[0, 0].tolist() == [86, 86, 86, 255]
    assert _adjust(solid(1, 1, (60, 60, 60, 255)), exposure=1.0)[0, 0].tolist() == [120] * 3 + [255]
    # saturation 0 -> Rec. 709 luma of (R, G, B) = (200, 100, 50): 117.65
    rgb = solid(1, 1, (50, 100, 200, 255))
    assert _adjust(rgb, saturation=0.0)[0, 0].tolist() == [118, 118, 118, 255]
    # hue rotation keeps greys and moves red towards green at +120°
    assert _adjust(opaque, hue_deg=123.0)[0, 0].tolist() == [100, 100, 100, 255]
    red = _adjust(solid(1, 1, (0, 0, 255, 255)), hue_deg=120.0)[0, 0]
    assert red[1] > red[2] and red[1] > red[0]
    # premultiplied: brightness adds b·alpha to the premultiplied colour
    semi = solid(1, 1, (64, 64, 64, 128))
    assert _adjust(semi, brightness=0.2)[0, 0].tolist() == [90, 90, 90, 128]
    # clamped to alpha, alpha untouched
    assert _adjust(semi, brightness=1.0)[0, 0].tolist() == [128, 128, 128, 128]


def test_color_premultiplied_and_alpha_kept() -> None:
    img = rand_premul(16, 16, 3)
    out = _adjust(img, brightness=0.3, contrast=1.7, saturation=2.0, hue_deg=50, exposure=0.5)
    assert_premul(out)
    assert np.array_equal(out[..., 3], img[..., 3])
    assert not np.array_equal(out, img)


# ------------------------------------------------------------------------------ .cube

_INVERT_CUBE = 'TITLE "invert"\nLUT_3D_SIZE 2\n' + "".join(
    f"{1 - r} {1 - g} {1 - b}\n" for b in (0, 1) for g in (0, 1) for r in (0, 1)
)


def test_cube_parse_and_invert_table() -> None:
    lut = cube.parse_cube(_INVERT_CUBE, "inv.cube")
    assert (lut.title, lut.size, lut.is_3d) == ("invert", 2, True)
    table = cube.lut_table(lut)
    img = solid(2, 2, (50, 100, 200, 255))  # B, G, R
    out = np.empty_like(img)
    cube.apply_lut(img, out, table, Scratch())
    assert out[0, 0].tolist() == [205, 155, 55, 255]


def test_cube_trilinear_midpoint_and_red_fastest_order() -> None:
    # 3-point LUT: identity except the red output of the centre sample is 1.0 (not 0.5)
    rows = []
    for b in range(3):
        for g in range(3):
            for r in range(3):
                red = 1.0 if (r, g, b) == (1, 1, 1) else r / 2
                rows.append(f"{red} {g / 2} {b / 2}")
    lut = cube.parse_cube("LUT_3D_SIZE 3\n" + "\n".join(rows), "x.cube")
    table = cube.lut_table(lut)
    idx = lambda r, g, b: (r << 16) | (g << 8) | b  # noqa: E731
    mid = int(table[idx(255 // 2 + 1, 128, 128)])
    # 128/255 is just past the centre sample: red ≈ 1.0 blended with a little of 0.5/1.0
    assert (mid >> 16) & 255 >= 250
    assert int(table[idx(255, 0, 0)]) == 255 << 16
    assert int(table[idx(0, 255, 0)]) == 255 << 8
    assert int(table[idx(0, 0, 255)]) == 255


def test_cube_semi_transparent_is_premultiplied() -> None:
    table = cube.lut_table(cube.parse_cube(_INVERT_CUBE, "inv.cube"))
    img = rand_premul(8, 8, 5)
    out = np.empty_like(img)
    cube.apply_lut(img, out, table, Scratch())
    assert_premul(out)
    assert np.array_equal(out[..., 3], img[..., 3])
    assert (out[img[..., 3] == 0] == 0).all()


def test_cube_1d() -> None:
    lut = cube.parse_cube("LUT_1D_SIZE 2\n0 0 0\n0.5 1 1\n", "one.cube")
    table = cube.lut_table(lut)
    out = np.empty((1, 1, 4), np.uint8)
    cube.apply_lut(solid(1, 1, (255, 255, 255, 255)), out, table, Scratch())
    assert out[0, 0].tolist() == [255, 255, 128, 255]


@pytest.mark.parametrize("name", cube.PRESETS)
def test_cube_presets_round_trip_through_cube_text(name: str) -> None:
    lut = cube.preset_lut(name, size=5)
    back = cube.parse_cube(cube.cube_text(lut), "p.cube")
    assert back.size == 5 and np.allclose(back.data, lut.data, atol=1e-6)
    assert not np.allclose(lut.data, cube.preset_lut("warm" if name != "warm" else "cool", 5).data)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("LUT_3D_SIZE 2\n0 0 0\n", "bad.cube: expected 8 data rows, found 1 (data from line 2)"),
        ("LUT_3D_SIZE 2\n0 0\n", "bad.cube:2: a data row needs 3 numbers, got 2"),
        ("LUT_3D_SIZE 2\n0 0 x\n", "bad.cube:2: a data row must be numbers"),
        ("# hi\nLUT_3D_SIZE 1\n", "bad.cube:2: LUT_3D_SIZE must be in 2..256, got 1"),
        ("LUT_3D_SIZE two\n", "bad.cube:1: LUT_3D_SIZE must be an integer"),
        ("FOO 1\n", "bad.cube:1: unknown keyword 'FOO'"),
        ("0 0 0\n", "bad.cube: missing LUT_3D_SIZE"),
        ("LUT_3D_SIZE 2\nDOMAIN_MIN 1 1 1\nDOMAIN_MAX 1 1 1\n", "DOMAIN_MAX must be greater"),
    ],
)
def test_cube_errors_name_file_and_line(text: str, fragment: str) -> None:
    with pytest.raises(cube.CubeError) as e:
        cube.parse_cube(text, "bad.cube")
    assert fragment in str(e.value)


# ------------------------------------------------------------------------------ mattes


def _square(h: int, w: int, box: tuple[int, int, int, int], bgra=(0, 0, 255, 255)) -> np.ndarray:
    img = np.zeros((h, w, 4), np.uint8)
    x0, y0, x1, y1 = box
    img[y0:y1, x0:x1] = bgra
    return img


def test_drop_shadow_offset_colour_and_layer_on_top() -> None:
    img = _square(20, 20, (4, 4, 8, 8))
    out = np.empty_like(img)
    matte.apply_drop_shadow(img, out, 5, 3, 0.0, (0, 255, 0, 255), 0.5, Scratch())
    assert out[5, 5].tolist() == [0, 0, 255, 255]  # the layer itself
    assert out[10, 11].tolist() == [0, 128, 0, 128]  # shadow only: green at 50%
    assert out[2, 2].tolist() == [0, 0, 0, 0]
    assert_premul(out)
    assert matte.shadow_margin(5, -3, 0) == (0, 3, 5, 0)


def test_drop_shadow_blur_spreads_within_margin() -> None:
    img = _square(40, 40, (15, 15, 25, 25))
    out = np.empty_like(img)
    matte.apply_drop_shadow(img, out, 0, 0, 6.0, (0, 0, 0, 255), 1.0, Scratch())
    left, top, right, bottom = matte.shadow_margin(0, 0, 6.0)
    assert out[20, 13, 3] > 0  # blurred past the edge
    assert (out[:, : 15 - left, 3] == 0).all() and (out[: 15 - top, :, 3] == 0).all()
    assert_premul(out)


def test_glow_around_opaque_shape() -> None:
    img = _square(30, 30, (10, 10, 20, 20))
    out = np.empty_like(img)
    matte.apply_glow(img, out, 4.0, (255, 255, 0, 255), 2.0, Scratch())
    assert out[15, 15].tolist() == [0, 0, 255, 255]
    b, g, r, a = out[15, 8].tolist()
    assert a > 0 and r == g and b == 0  # yellow glow outside
    assert_premul(out)


def test_outline_width() -> None:
    img = _square(30, 30, (10, 10, 20, 20))
    out = np.empty_like(img)
    matte.apply_outline(img, out, 3.0, (255, 255, 255, 255), Scratch())
    assert out[15, 8].tolist() == [255, 255, 255, 255]  # 2 px outside: outline
    assert out[15, 10].tolist() == [0, 0, 255, 255]  # the layer
    assert out[15, 5].tolist() == [0, 0, 0, 0]  # 5 px outside: nothing
    assert out[15, 6, 3] == 0
    matte.apply_outline(img, out, 3.5, (255, 255, 255, 255), Scratch())
    assert out[15, 6].tolist() == [128, 128, 128, 128]  # half-covered by a 3.5 px outline


# ------------------------------------------------------------------------------ stylize


def test_vignette_centre_kept_corners_darkened() -> None:
    img = solid(21, 21, (200, 200, 200, 255))
    mask = stylize.vignette_mask(21, 21, 0.5, 0.5, 0.5)
    out = np.empty_like(img)
    stylize.apply_vignette(img, out, mask)
    assert out[10, 10].tolist() == [200, 200, 200, 255]
    assert out[0, 0].tolist() == [100, 100, 100, 255]
    assert np.array_equal(stylize.vignette_mask(8, 8, 0.0, 0.5, 0.5), np.full((8, 8, 4), 255))


def test_pixelate_block_means() -> None:
    img = np.zeros((4, 6, 4), np.uint8)
    img[0, 0] = img[1, 1] = (40, 40, 40, 200)
    out = np.empty_like(img)
    stylize.apply_pixelate(img, out, 2, Scratch())
    assert out[0, 0].tolist() == out[1, 0].tolist() == [20, 20, 20, 100]
    assert (out[:, 2:] == 0).all()
    # 3-px blocks on a 4x6 region: the edge block averages its part with transparency
    stylize.apply_pixelate(solid(4, 6, (30, 30, 30, 90)), out, 3, Scratch())
    assert out[0, 0].tolist() == [30, 30, 30, 90] and out[3, 0].tolist() == [10, 10, 10, 30]


def test_pixelate_block_cut_by_the_canvas_edge_averages_what_it_covers() -> None:
    # a solid 1080-row layer with 16-px blocks: the last block row has 8 rows on the canvas
    img = solid(1080, 40, (30, 60, 90, 255))
    out = np.empty_like(img)
    stylize.apply_pixelate(img, out, 16, Scratch(), (0, 0), (40, 1080))
    assert np.array_equal(out, img)
    # the same region placed at (16, 1008) of a 56 x 2088 canvas: cut on both edges
    out2 = np.empty_like(img)
    stylize.apply_pixelate(img, out2, 16, Scratch(), (16, 1008), (56, 2088))
    assert np.array_equal(out2, img)
    # pixels outside the region but inside the canvas still count as transparent
    stylize.apply_pixelate(img, out2, 16, Scratch(), (8, 0), (48, 1080))
    assert out2[0, 0].tolist() == [15, 30, 45, 128]  # block 0..15 holds 8 of the layer's columns
    assert out2[0, 39].tolist() == [30, 60, 90, 255]  # block 40..55 is cut at 48: all layer
    # a two-colour edge block: the mean of the covered pixels only, rounded to nearest
    two = np.zeros((5, 5, 4), np.uint8)
    two[:, :3] = (10, 10, 10, 255)
    two[:, 3:] = (0, 0, 0, 255)
    stylize.apply_pixelate(two, out := np.empty_like(two), 4, Scratch(), (0, 0), (5, 5))
    assert out[4, 0].tolist() == [8, 8, 8, 255]  # (3·10 + 1·0) / 4 = 7.5
    assert out[4, 4].tolist() == [0, 0, 0, 255] and out[0, 4].tolist() == [0, 0, 0, 255]


def test_grain_deterministic_premultiplied() -> None:
    img = rand_premul(32, 32, 7)
    img[:4] = 0
    n1 = stylize.grain_noise(42, 3, 32, 32, True, np.empty((32, 32), np.uint8))
    n2 = stylize.grain_noise(42, 3, 32, 32, True, np.empty((32, 32), np.uint8))
    n3 = stylize.grain_noise(42, 4, 32, 32, True, np.empty((32, 32), np.uint8))
    assert np.array_equal(n1, n2) and not np.array_equal(n1, n3)
    out = np.empty_like(img)
    stylize.apply_grain(img, out, *stylize.grain_halves(n1, 0.0, Scratch()), Scratch())
    assert np.array_equal(out, img)
    stylize.apply_grain(img, out, *stylize.grain_halves(n1, 0.3, Scratch()), Scratch())
    assert_premul(out)
    assert (out[:4] == 0).all() and np.array_equal(out[..., 3], img[..., 3])
    assert not np.array_equal(out, img)
    colour = stylize.grain_noise(42, 3, 32, 32, False, np.empty((32, 32, 3), np.uint8))
    stylize.apply_grain(img, out, *stylize.grain_halves(colour, 0.3, Scratch()), Scratch())
    assert_premul(out)


def test_grain_known_value() -> None:
    img = solid(1, 1, (100, 100, 100, 255))
    out = np.empty_like(img)
    halves = stylize.grain_halves(np.full((1, 1), 228, np.uint8), 0.5, Scratch())
    stylize.apply_grain(img, out, *halves, Scratch())
    assert out[0, 0].tolist() == [150, 150, 150, 255]  # + 0.5 · (228 - 128)


def test_sharpen_identity_flat_and_edge_overshoot() -> None:
    img = np.zeros((20, 20, 4), np.uint8)
    img[:, :10] = (60, 60, 60, 255)
    img[:, 10:] = (180, 180, 180, 255)
    out = np.empty_like(img)
    stylize.apply_sharpen(img, out, 0.0, 2.0, Scratch())
    assert np.array_equal(out, img)
    stylize.apply_sharpen(img, out, 1.0, 2.0, Scratch())
    assert out[10, 9, 0] < 60 and out[10, 10, 0] > 180
    assert out[10, 4, 0] == 60 and out[10, 15, 0] == 180


def test_rounded_corners() -> None:
    img = solid(20, 30, (10, 20, 30, 255))
    cov = stylize.corner_coverage(6)
    stylize.apply_rounded_corners(img, (0, 0, 30, 20), 6, cov)
    assert img[0, 0].tolist() == [0, 0, 0, 0] and img[19, 29].tolist() == [0, 0, 0, 0]
    assert img[10, 15].tolist() == [10, 20, 30, 255] and img[0, 15].tolist() == [10, 20, 30, 255]
    assert 0 < img[1, 2, 3] < 255
    assert_premul(img)
    assert np.array_equal(img[:6, :6], img[:6, -6:][:, ::-1])  # symmetric corners


# ------------------------------------------------------------------------------ chroma


def test_chroma_key_green_removed_red_kept_spill() -> None:
    img = np.zeros((1, 3, 4), np.uint8)
    img[0, 0] = (0, 255, 0, 255)  # pure green (BGRA)
    img[0, 1] = (0, 0, 255, 255)  # red
    img[0, 2] = (120, 170, 120, 255)  # greenish grey
    key = chroma.key_chroma((0, 255, 0))
    out = np.empty_like(img)
    chroma.apply_chroma_key(img, out, key, 0.2, 0.1, 0.0, Scratch())
    assert out[0, 0].tolist() == [0, 0, 0, 0]
    assert out[0, 1].tolist() == [0, 0, 255, 255]
    assert out[0, 2, 3] == 255 and out[0, 2, 1] == 170
    chroma.apply_chroma_key(img, out, key, 0.2, 0.1, 1.0, Scratch())
    b, g, r, _ = out[0, 2].tolist()
    assert g < 160 and abs(g - r) <= 12  # spill gone: near neutral
    assert_premul(out)


# ------------------------------------------------------------------------------ transitions


def _ab(h: int = 24, w: int = 32) -> tuple[np.ndarray, np.ndarray]:
    return solid(h, w, (0, 0, 200, 255)), solid(h, w, (200, 0, 0, 255))


@pytest.mark.parametrize("t", [0.0, 1.0])
def test_transition_kernels_exact_endpoints(t: float) -> None:
    a, b = rand_premul(24, 32, 1), rand_premul(24, 32, 2)
    want = a if t == 0.0 else b
    out = np.empty_like(a)
    f, sc = tr.Fields(), Scratch()
    for direction in ("left", "right", "up", "down"):
        tr.slide(a, b, t, out, direction)
        assert np.array_equal(out, want), direction
        tr.push(a, b, t, out, direction)
        assert np.array_equal(out, want), direction
    tr.zoom(a, b, t, out, 0.5, (0.5, 0.5), sc)
    assert np.abs(out.astype(int) - want).max() <= 1
    m8 = np.empty((24, 32), np.uint8)
    for m in (
        tr.iris_mask(t, 24, 32, (0.3, 0.6), 4.0, f, m8),
        tr.radial_mask(t, 24, 32, 1.0, f, m8),
        tr.radial_mask(t, 24, 32, 0.0, f, m8),
    ):
        assert np.all(m == round(255 * t))
        tr.mix_u8(a, b, m, out, sc)
        assert np.array_equal(out, want)
    assert np.all(tr.windowslice_columns(t, 32, 10.0, 0.5, f) == bool(t))
    assert np.all(tr.randomsquares_grid(t, 10, 10, 0.5, 7, f) == round(255 * t))
    tr.directionalwarp(a, b, t, out, (-1.0, 1.0), 0.1, f, sc)
    assert np.array_equal(out, want)


def test_slide_and_push_midway() -> None:
    a, b = _ab()
    out = np.empty_like(a)
    tr.slide(a, b, 0.25, out, "right")  # b enters from the right: 8 of 32 columns
    assert (out[:, 24:] == b[:, 24:]).all() and (out[:, :24] == a[:, :24]).all()
    tr.push(a, b, 0.5, out, "down")  # b from the bottom pushes a up
    assert (out[12:] == b[12:]).all() and (out[:12] == a[:12]).all()


def test_iris_and_mix_midway() -> None:
    a, b = _ab(41, 41)
    f, sc = tr.Fields(), Scratch()
    m = tr.iris_mask(0.5, 41, 41, (0.5, 0.5), 1.0, f, np.empty((41, 41), np.uint8))
    out = np.empty_like(a)
    tr.mix_u8(a, b, m, out, sc)
    assert out[20, 20].tolist() == b[0, 0].tolist() and out[0, 0].tolist() == a[0, 0].tolist()
    assert_premul(out)


def test_gl_ports_progress_is_monotonic() -> None:
    f = tr.Fields()
    prev = None
    for t in np.linspace(0, 1, 11):
        cov = float(tr.radial_mask(float(t), 20, 20, 0.5, f, np.empty((20, 20), np.uint8)).mean())
        if prev is not None:
            assert cov >= prev
        prev = cov
    cols = [int(tr.windowslice_columns(float(t), 100, 10.0, 0.5, f).sum()) for t in (0.2, 0.5, 0.8)]
    assert cols[0] < cols[1] < cols[2]
    sq = [float(tr.randomsquares_grid(float(t), 10, 10, 0.5, 3, f).mean()) for t in (0.3, 0.6)]
    assert 0 < sq[0] < sq[1] < 255
