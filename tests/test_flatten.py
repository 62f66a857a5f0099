"""Flatten over an opaque background (wavyte-format.md §6) and unpremultiply for PNGs."""

from __future__ import annotations

import numpy as np

from wavyte_core.output.flatten import flatten_onto, unpremultiply_to_rgba


def bgra(*rgba):
    r, g, b, a = rgba
    return np.array([[[b, g, r, a]]], dtype=np.uint8)


def ref_flatten(frame, bg_rgba):
    out = frame.copy()
    bg_bgr = (bg_rgba[2], bg_rgba[1], bg_rgba[0])
    for y in range(frame.shape[0]):
        for x in range(frame.shape[1]):
            a = int(frame[y, x, 3])
            for c in range(3):
                out[y, x, c] = min(int(frame[y, x, c]) + (bg_bgr[c] * (255 - a) + 127) // 255, 255)
            out[y, x, 3] = 255
    return out


def test_flatten_vector_over_black():
    out = flatten_onto(bgra(128, 0, 0, 128), (0, 0, 0, 255))
    assert out.ravel().tolist() == bgra(128, 0, 0, 255).ravel().tolist()


def test_flatten_over_colour_ignores_bg_alpha_and_keeps_channel_order():
    out = flatten_onto(bgra(0, 0, 0, 0), (200, 100, 50, 0))
    assert out.ravel().tolist() == bgra(200, 100, 50, 255).ravel().tolist()
    opaque = bgra(1, 2, 3, 255)
    assert flatten_onto(opaque, (200, 100, 50, 255)).tolist() == opaque.tolist()


def test_flatten_matches_reference_and_works_in_place():
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (9, 11, 4), dtype=np.uint8)  # includes invalid premul: saturates
    bg = (18, 20, 28, 255)
    want = ref_flatten(frame, bg)
    assert np.array_equal(flatten_onto(frame, bg), want)
    out = np.zeros_like(frame)
    assert flatten_onto(frame, bg, out) is out and np.array_equal(out, want)
    flatten_onto(frame, bg, frame)
    assert np.array_equal(frame, want)


def test_unpremultiply_rounds_and_swaps_to_rgba():
    frame = np.concatenate(
        [bgra(128, 0, 64, 128), bgra(10, 20, 30, 0), bgra(1, 2, 3, 255), bgra(1, 1, 1, 3)], axis=1
    )
    out = unpremultiply_to_rgba(frame)
    assert out[0, 0].tolist() == [(128 * 255 + 64) // 128, 0, (64 * 255 + 64) // 128, 128]
    assert out[0, 1].tolist() == [0, 0, 0, 0]
    assert out[0, 2].tolist() == [1, 2, 3, 255]
    assert out[0, 3].tolist() == [(255 + 1) // 3] * 3 + [3]


def test_unpremultiply_matches_formula_everywhere():
    a = np.repeat(np.arange(256), 256)
    c = np.tile(np.arange(256), 256)
    frame = np.stack([c, c, c, a], axis=1).astype(np.uint8).reshape(256, 256, 4)
    out = unpremultiply_to_rgba(frame).astype(np.int64).reshape(-1, 4)
    safe = np.maximum(a, 1)
    want = np.where(a == 0, 0, np.minimum((c * 255 + a // 2) // safe, 255))
    assert np.array_equal(out[:, 0], want) and np.array_equal(out[:, 2], want)
    assert np.array_equal(out[:, 3], a)


def test_unpremultiply_then_premultiply_round_trips_valid_pixels():
    rng = np.random.default_rng(1)
    a = rng.integers(1, 256, (50, 1))
    straight = rng.integers(0, 256, (50, 3))
    premul = (straight * a + 127) // 255
    frame = np.concatenate([premul[:, ::-1], a], axis=1).astype(np.uint8).reshape(1, 50, 4)
    back = unpremultiply_to_rgba(frame).reshape(50, 4).astype(np.int64)
    again = (back[:, :3] * a + 127) // 255
    assert np.array_equal(again, premul)
