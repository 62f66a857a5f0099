"""Built-in effect kinds: every param rule and message of wavyte-format.md §1.11, and the
§4.1 step 2 fold."""

from __future__ import annotations

import math

import numpy as np
import pytest

from wavyte_core.plugin.roles import Surface
from wavyte_core.plugin.specs import EffectOp
from wavyte_core.render.blur import blur_q16
from wavyte_core.render.builtin_effects import EFFECT_KINDS, BlurPass, fold_effects
from wavyte_core.render.compositor_numpy import NumpyCompositor

KINDS = {k.name: k for k in EFFECT_KINDS}
opacity = KINDS["opacity_mul"].parse
post = KINDS["transform_post"].parse
blur = KINDS["blur"].parse


def test_kind_names_and_aliases():
    assert KINDS["opacity_mul"].aliases == ("opacitymul", "opacity-mul")
    assert KINDS["transform_post"].aliases == ("transformpost", "transform-post")
    assert KINDS["blur"].aliases == ()


# ----------------------------------------------------------------------- opacity_mul


def test_opacity_mul_parses_as_f32():
    assert opacity({"value": 0.5}) == EffectOp(opacity_mul=0.5)
    assert opacity({"value": 2}).opacity_mul == 2.0
    assert opacity({"value": 0.1}).opacity_mul == float(np.float32(0.1))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "missing effect param 'value'"),
        (None, "missing effect param 'value'"),
        ([0.5], "missing effect param 'value'"),
        ({"value": "0.5"}, "effect param 'value' must be a number"),
        ({"value": None}, "effect param 'value' must be a number"),
        ({"value": True}, "effect param 'value' must be a number"),
        ({"value": 1e39}, "effect param 'value' must be finite"),
        ({"value": -0.1}, "OpacityMul.value must be finite and >= 0"),
    ],
)
def test_opacity_mul_errors(params, message):
    with pytest.raises(ValueError) as e:
        opacity(params)
    assert str(e.value) == message


def test_opacity_mul_negative_zero_is_accepted():
    assert opacity({"value": -0.0}).opacity_mul == 0.0


# ----------------------------------------------------------------------- transform_post


def test_transform_post_translate_only():
    assert post({"translate": [3, 4]}).post == (1.0, 0.0, 0.0, 1.0, 3.0, 4.0)


def test_transform_post_trs_order():
    m = post({"translate": [10.0, 20.0], "rotation_rad": math.pi / 2, "scale": [2.0, 3.0]}).post
    c, s = math.cos(math.pi / 2), math.sin(math.pi / 2)
    # T·R·S: scale first, then rotate, then translate (kurbo product evaluated in full)
    assert m == (
        c * 2.0 + -s * 0.0,
        s * 2.0 + c * 0.0,
        c * 0.0 + -s * 3.0,
        s * 0.0 + c * 3.0,
        10.0,
        20.0,
    )
    x, y = 1.0, 0.0  # (1, 0) -> scale (2, 0) -> rotate 90° (0, 2) -> translate (10, 22)
    assert m[0] * x + m[2] * y + m[4] == pytest.approx(10.0)
    assert m[1] * x + m[3] * y + m[5] == pytest.approx(22.0)


def test_transform_post_affine_wins_and_rotation_precedence():
    assert post({"affine": [1, 2, 3, 4, 5, 6], "translate": [9, 9]}).post == (
        1.0,
        2.0,
        3.0,
        4.0,
        5.0,
        6.0,
    )
    by_rad = post({"rotation_rad": 0.3, "rotate_deg": 90}).post
    assert by_rad == (math.cos(0.3), math.sin(0.3), -math.sin(0.3), math.cos(0.3), 0.0, 0.0)
    by_deg = post({"rotate_deg": 30}).post
    assert by_deg[0] == math.cos(math.radians(30))


@pytest.mark.parametrize("params", [None, 3, "x", [1, 2], {}])
def test_transform_post_non_object_or_empty_is_identity(params):
    assert post(params).post == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"affine": 3}, "transform_post.affine must be an array"),
        ({"affine": [1, 2, 3]}, "transform_post.affine must have length 6"),
        ({"affine": [1, 2, 3, 4, 5, "6"]}, "transform_post.affine entries must be numbers"),
        ({"translate": 3}, "transform_post.translate must be [x,y]"),
        ({"translate": [1, 2, 3]}, "transform_post.translate must be [x,y]"),
        ({"translate": ["a", 2]}, "transform_post.translate x must be number"),
        ({"translate": [1, None]}, "transform_post.translate y must be number"),
        ({"rotation_rad": "1"}, "transform_post.rotation_rad must be number"),
        ({"rotation_rad": None, "rotate_deg": 1}, "transform_post.rotation_rad must be number"),
        ({"rotate_deg": False}, "transform_post.rotate_deg must be number"),
        ({"scale": {"x": 1}}, "transform_post.scale must be [sx,sy]"),
        ({"scale": [1]}, "transform_post.scale must be [sx,sy]"),
        ({"scale": [None, 1]}, "transform_post.scale sx must be number"),
        ({"scale": [1, "2"]}, "transform_post.scale sy must be number"),
    ],
)
def test_transform_post_errors(params, message):
    with pytest.raises(ValueError) as e:
        post(params)
    assert str(e.value) == message


# ----------------------------------------------------------------------- blur


def test_blur_parse_and_default_sigma():
    op = blur({"radius_px": 3, "sigma": 2})
    assert op == EffectOp(pixel=BlurPass(3, 2.0))
    assert blur({"radius_px": 5}).pixel == BlurPass(5, 2.5)
    assert blur({"radius_px": 3, "sigma": 0.1}).pixel.sigma == float(np.float32(0.1))
    assert blur({"radius_px": 256}).pixel.radius == 256


def test_blur_radius_zero_is_identity():
    assert blur({"radius_px": 0}) == EffectOp()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "missing effect param 'radius_px'"),
        (None, "missing effect param 'radius_px'"),
        ({"radius_px": 3.0}, "effect param 'radius_px' must be an integer"),
        ({"radius_px": -1}, "effect param 'radius_px' must be an integer"),
        ({"radius_px": "3"}, "effect param 'radius_px' must be an integer"),
        ({"radius_px": 2**32}, "effect param 'radius_px' is out of range"),
        ({"radius_px": 257}, "Blur.radius_px must be <= 256 in v0.2.1"),
        ({"radius_px": 3, "sigma": None}, "Blur.sigma must be a number"),
        ({"radius_px": 3, "sigma": "2"}, "Blur.sigma must be a number"),
        ({"radius_px": 3, "sigma": 0}, "Blur.sigma must be finite and > 0"),
        ({"radius_px": 3, "sigma": -1.0}, "Blur.sigma must be finite and > 0"),
        ({"radius_px": 3, "sigma": 1e-50}, "Blur.sigma must be finite and > 0"),
        ({"radius_px": 3, "sigma": 1e39}, "Blur.sigma must be finite and > 0"),
        ({"radius_px": 0, "sigma": None}, "Blur.sigma must be a number"),
    ],
)
def test_blur_errors(params, message):
    with pytest.raises(ValueError) as e:
        blur(params)
    assert str(e.value) == message


def test_blur_pass_applies_through_compositor():
    src = Surface(np.zeros((5, 5, 4), dtype=np.uint8))
    src.buf[2, 2] = 255
    dst = Surface(np.zeros((5, 5, 4), dtype=np.uint8))
    blur({"radius_px": 2, "sigma": 1.2}).pixel.apply(NumpyCompositor(), src, dst)
    want = np.zeros_like(src.buf)
    blur_q16(src.buf, want, 2, 1.2)
    assert np.array_equal(dst.buf, want)
    assert (dst.buf[..., 3] > 0).sum() > 1


# ----------------------------------------------------------------------- fold


def test_fold_multiplies_opacity_and_drops_identity_blur():
    ops = [opacity({"value": 0.5}), opacity({"value": 0.25}), blur({"radius_px": 0})]
    assert fold_effects(ops) == (0.125, None, ())


def test_fold_opacity_is_an_f32_product():
    ops = [opacity({"value": 0.1}), opacity({"value": 0.3})]
    want = float(np.float32(np.float32(0.1) * np.float32(0.3)))
    assert fold_effects(ops)[0] == want
    assert want != 0.1 * 0.3  # the f64 product would differ


def test_fold_overflowing_opacity_becomes_zero():
    ops = [opacity({"value": 1e30}), opacity({"value": 1e30})]
    assert fold_effects(ops)[0] == 0.0


def test_fold_composes_posts_left_to_right_and_keeps_pass_order():
    b1, b2 = blur({"radius_px": 3}), blur({"radius_px": 1, "sigma": 0.7})
    ops = [post({"translate": [3, 4]}), b1, post({"scale": [2, 2]}), b2]
    o, m, passes = fold_effects(ops)
    assert o == 1.0
    assert m == (2.0, 0.0, 0.0, 2.0, 3.0, 4.0)  # T·S: scale first
    assert passes == (b1.pixel, b2.pixel)


def test_fold_spec_case_opacity_and_translate():
    o, m, _ = fold_effects([opacity({"value": 0.5}), post({"translate": [3, 4]})])
    assert o == 0.5 and (m[4], m[5]) == (3.0, 4.0)


def test_fold_starts_posts_from_identity():
    # I·E with the full kurbo product turns -0.0 entries into +0.0 (1·-0 + 0·x).
    _, m, _ = fold_effects([post({"affine": [1, -0.0, -0.0, 1, 0, 0]})])
    assert math.copysign(1.0, m[1]) == 1.0
