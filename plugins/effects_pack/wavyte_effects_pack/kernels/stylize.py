"""Effects that keep the layer's size: vignette, pixelate, grain, sharpen, rounded corners.

All work on premultiplied pixels directly: scaling a pixel (vignette, corners), averaging
pixels (pixelate) and unsharp masking are linear, so they are premultiplied-correct as they
are; grain adds straight-colour noise scaled by alpha (``Δc_p = Δc · a``). Results are
clamped so that each colour stays <= alpha.
"""

from __future__ import annotations

import cv2
import numpy as np

from .premul import alpha_plane, clamp_to_alpha
from .scratch import Scratch

__all__ = [
    "apply_grain",
    "apply_pixelate",
    "apply_rounded_corners",
    "apply_sharpen",
    "apply_vignette",
    "content_box",
    "corner_coverage",
    "grain_halves",
    "grain_noise",
    "vignette_mask",
]

# ------------------------------------------------------------------------------ vignette


def vignette_mask(w: int, h: int, amount: float, radius: float, softness: float) -> np.ndarray:
    """(h, w, 4) uint8 multiplier over a w × h frame: 255 in the middle, ``255·(1 - amount)``
    past the edge.

    The distance is elliptical over the frame: 0 at its centre, 1 at the middle of each side
    (√2 in the corners). Darkening ramps (smoothstep) from ``radius`` to ``radius +
    softness``. The alpha plane of the mask is 255: the vignette darkens colour only.
    """
    ys = (np.arange(h, dtype=np.float32) + 0.5) / (h / 2.0) - 1.0
    xs = (np.arange(w, dtype=np.float32) + 0.5) / (w / 2.0) - 1.0
    d = np.sqrt(ys[:, None] ** 2 + xs[None, :] ** 2)
    soft = max(softness, 1e-6)
    t = np.clip((d - radius) / soft, 0.0, 1.0)
    v = t * t * (3.0 - 2.0 * t)
    m = np.rint(255.0 * (1.0 - amount * v)).astype(np.uint8)
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = m[..., None]
    out[..., 3] = 255
    return out


def apply_vignette(src: np.ndarray, dst: np.ndarray, mask: np.ndarray) -> None:
    """``dst = src · mask / 255`` (colour only; the mask's alpha plane is 255)."""
    cv2.multiply(src, mask, dst=dst, scale=1.0 / 255.0)


# ------------------------------------------------------------------------------ pixelate


def apply_pixelate(
    src: np.ndarray,
    dst: np.ndarray,
    block: int,
    scratch: Scratch,
    origin: tuple[int, int] = (0, 0),
    canvas: tuple[int, int] | None = None,
) -> None:
    """Blocks of ``block`` × ``block`` pixels, each filled with the mean of its
    premultiplied pixels. The grid is aligned so that a block starts at ``-origin``
    (pass the region's canvas position to align blocks to the canvas: the result then does
    not depend on which region is processed). Parts of a block outside the region but
    inside the canvas count as transparent, which is what the layer holds there; parts
    outside the canvas (``canvas`` = (width, height); None = no edge) do not exist and are
    left out of the mean, so a block cut by the canvas edge averages only what it covers.
    Called once per frame per pixelated layer."""
    h, w = src.shape[:2]
    if block <= 1:
        if dst is not src:
            np.copyto(dst, src)
        return
    ox, oy = origin[0] % block, origin[1] % block
    bw, bh = -(-(w + ox) // block), -(-(h + oy) // block)
    pw, ph = bw * block, bh * block
    if (pw, ph, ox, oy) != (w, h, 0, 0):
        padded = scratch.get("padded", (ph, pw, 4))
        padded[:oy] = 0
        padded[oy + h :] = 0
        padded[oy : oy + h, :ox] = 0
        padded[oy : oy + h, ox + w :] = 0
        padded[oy : oy + h, ox : ox + w] = src
    else:
        padded = src
    small = scratch.get("small", (bh, bw, 4))
    cv2.resize(padded, (bw, bh), dst=small, interpolation=cv2.INTER_AREA)
    if canvas is not None:
        # how much of the last block column / row lies inside the canvas
        cw = max(1, min(block, canvas[0] - (origin[0] - ox) - (bw - 1) * block))
        ch = max(1, min(block, canvas[1] - (origin[1] - oy) - (bh - 1) * block))
        if cw < block:
            _edge_means(padded[:, pw - block :], block, cw, ch, small[:, -1:])
        if ch < block:
            _edge_means(padded[ph - block :], block, cw, ch, small[-1:])
    big = scratch.get("big", (ph, pw, 4))
    cv2.resize(small, (pw, ph), dst=big, interpolation=cv2.INTER_NEAREST)
    np.copyto(dst, big[oy : oy + h, ox : ox + w])


def _edge_means(strip: np.ndarray, block: int, cw: int, ch: int, out: np.ndarray) -> None:
    """Means of the blocks of ``strip`` (a last block row or column of the padded array)
    over their pixels inside the canvas: the last block column has ``cw`` columns there,
    the last block row ``ch`` rows. Pixels outside the canvas are 0 in ``strip``, so block
    sums are plain sums; only the counts shrink. Rounded to nearest."""
    bh, bw = out.shape[:2]
    sums = strip.reshape(bh, block, bw, block, 4).sum(axis=(1, 3), dtype=np.uint32)
    rows = np.full(bh, block, np.uint32)
    cols = np.full(bw, block, np.uint32)
    rows[-1] = ch
    cols[-1] = cw
    count = (rows[:, None] * cols[None, :])[..., None]
    np.copyto(out, ((sums + count // 2) // count).astype(np.uint8))


# ------------------------------------------------------------------------------ grain


def grain_noise(seed: int, frame: int, h: int, w: int, mono: bool, out: np.ndarray) -> np.ndarray:
    """Uniform noise bytes for one frame: a pure function of (seed, frame, size).

    PCG64 seeded with (seed, frame) fills ``out`` ((h, w) for mono, (h, w, 3) for colour).
    """
    rng = np.random.Generator(np.random.PCG64([seed & 0xFFFFFFFFFFFFFFFF, frame & 0xFFFFFFFF]))
    n = h * w * (1 if mono else 3)
    out.reshape(-1)[:] = np.frombuffer(rng.bytes(n), dtype=np.uint8)
    return out


def grain_halves(
    noise: np.ndarray, amount: float, scratch: Scratch
) -> tuple[np.ndarray, np.ndarray]:
    """Split uniform noise bytes into the positive and negative halves of
    ``amount · (noise - 128)`` (uint8 each, same shape as ``noise``).

    Call it on the whole canvas's noise, then slice: the values of a pixel then never
    depend on which region is processed.
    """
    mid = (
        np.full(noise.shape, 128, np.uint8) if noise.ndim == 3 else scratch.get("mid", noise.shape)
    )
    if noise.ndim == 2:
        mid.fill(128)
    pos = scratch.get("pos", noise.shape)
    neg = scratch.get("neg", noise.shape)
    cv2.subtract(noise, mid, dst=pos)  # max(n - 128, 0)
    cv2.subtract(mid, noise, dst=neg)  # max(128 - n, 0)
    cv2.convertScaleAbs(pos, dst=pos, alpha=amount)
    cv2.convertScaleAbs(neg, dst=neg, alpha=amount)
    return pos, neg


def apply_grain(
    src: np.ndarray,
    dst: np.ndarray,
    pos: np.ndarray,
    neg: np.ndarray,
    scratch: Scratch,
) -> None:
    """Add ``pos - neg`` straight-colour levels (from `grain_halves`), scaled by alpha.

    ``pos``/``neg`` are (h, w) uint8 (the same for B, G, R) or (h, w, 3). Fully transparent
    pixels stay transparent; colour is clamped to [0, alpha]. Everything is saturating
    8-bit OpenCV (one add, one subtract) instead of 16-bit temporaries.
    """
    h, w = src.shape[:2]
    a = alpha_plane(src, scratch.get("alpha", (h, w)))
    zero = scratch.zeros("zero", (h, w))
    d4 = scratch.get("d4", (h, w, 4))
    for i, half in enumerate((pos, neg)):
        if half.ndim == 2:
            p = scratch.get(f"p{i}", (h, w))
            cv2.multiply(half, a, dst=p, scale=1.0 / 255.0)
            cv2.merge([p, p, p, zero], dst=d4)
        else:
            a3 = scratch.get("a3", (h, w, 3))
            cv2.merge([a, a, a], dst=a3)
            p3 = scratch.get(f"p3{i}", (h, w, 3))
            cv2.multiply(half, a3, dst=p3, scale=1.0 / 255.0)
            cv2.cvtColor(p3, cv2.COLOR_BGR2BGRA, dst=d4)
            cv2.insertChannel(zero, d4, 3)
        if i == 0:
            cv2.add(src, d4, dst=dst)
        else:
            cv2.subtract(dst, d4, dst=dst)
    clamp_to_alpha(dst, scratch.get("a4", (h, w, 4)), a)


# ------------------------------------------------------------------------------ sharpen


def apply_sharpen(
    src: np.ndarray,
    dst: np.ndarray,
    amount: float,
    radius: float,
    scratch: Scratch,
    open_sides: tuple[bool, bool, bool, bool] = (False, False, False, False),
) -> None:
    """Unsharp mask of the premultiplied pixels: ``src + amount · (src - blur(src))``,
    Gaussian sigma ``radius / 2``, colour clamped to alpha.

    Outside the region the layer is transparent, except on the ``open_sides`` (left, top,
    right, bottom) where the region meets the canvas edge: the picture goes on there, so
    those borders are replicated instead of inventing a dark or bright rim.
    """
    h, w = src.shape[:2]
    sigma = max(radius, 1e-3) / 2.0
    if all(open_sides) or not any(open_sides):  # one border rule: no padded copy needed
        border = cv2.BORDER_REPLICATE if open_sides[0] else cv2.BORDER_CONSTANT
        blurred = scratch.get("blurred", src.shape)
        cv2.GaussianBlur(src, (0, 0), sigma, dst=blurred, borderType=border)
        cv2.addWeighted(src, 1.0 + amount, blurred, -amount, 0.0, dst=dst)
        clamp_to_alpha(dst, scratch.get("a4", src.shape), scratch.get("alpha", src.shape[:2]))
        return
    r = int(round(sigma * 3)) + 1  # OpenCV's 8-bit Gaussian reach (rounding aside)
    pad = scratch.get("pad", (h + 2 * r, w + 2 * r, 4))
    cv2.copyMakeBorder(src, r, r, r, r, cv2.BORDER_REPLICATE, dst=pad)
    left, top, right, bottom = open_sides
    if not left:
        pad[:, :r] = 0
    if not top:
        pad[:r] = 0
    if not right:
        pad[:, r + w :] = 0
    if not bottom:
        pad[r + h :] = 0
    blurred = scratch.get("blurred", pad.shape)
    cv2.GaussianBlur(pad, (0, 0), sigma, dst=blurred, borderType=cv2.BORDER_REPLICATE)
    cv2.addWeighted(src, 1.0 + amount, blurred[r : r + h, r : r + w], -amount, 0.0, dst=dst)
    clamp_to_alpha(dst, scratch.get("a4", src.shape), scratch.get("alpha", src.shape[:2]))


# ------------------------------------------------------------------------------ corners


def corner_coverage(radius: int) -> np.ndarray:
    """(r, r, 4) uint8 coverage of the top-left corner of a box rounded by ``radius``:
    the area of each pixel inside the quarter circle (4×4 supersampled)."""
    r = radius
    sub = (np.arange(4, dtype=np.float64) + 0.5) / 4.0
    px = np.arange(r, dtype=np.float64)
    xs = (px[:, None] + sub[None, :]).reshape(-1)  # r*4 sample positions
    dx = r - xs
    inside = (dx[None, :] ** 2 + dx[:, None] ** 2) <= r * r  # [y][x] over samples
    cov = inside.reshape(r, 4, r, 4).mean(axis=(1, 3))
    m = np.rint(cov * 255.0).astype(np.uint8)
    return np.repeat(m[:, :, None], 4, axis=2)


def apply_rounded_corners(
    buf: np.ndarray, box: tuple[int, int, int, int], radius: int, cov: np.ndarray
) -> None:
    """Round the corners of ``box`` (x0, y0, x1, y1) in ``buf`` in place, scaling the
    premultiplied pixels by the corner coverage ``cov`` (from `corner_coverage`)."""
    x0, y0, x1, y1 = box
    r = min(radius, (x1 - x0) // 2, (y1 - y0) // 2)
    if r <= 0:
        return
    c = cov if cov.shape[0] == r else corner_coverage(r)
    s = 1.0 / 255.0
    tl = buf[y0 : y0 + r, x0 : x0 + r]
    cv2.multiply(tl, c, dst=tl, scale=s)
    tr = buf[y0 : y0 + r, x1 - r : x1]
    cv2.multiply(tr, c[:, ::-1], dst=tr, scale=s)
    bl = buf[y1 - r : y1, x0 : x0 + r]
    cv2.multiply(bl, c[::-1, :], dst=bl, scale=s)
    br = buf[y1 - r : y1, x1 - r : x1]
    cv2.multiply(br, c[::-1, ::-1], dst=br, scale=s)


def content_box(src: np.ndarray, scratch: Scratch) -> tuple[int, int, int, int] | None:
    """Tight (x0, y0, x1, y1) box of the non-transparent pixels of ``src``, or None."""
    a = alpha_plane(src, scratch.get("alpha", src.shape[:2]))
    x, y, w, h = cv2.boundingRect(a)
    if w == 0 or h == 0:
        return None
    return x, y, x + w, y + h
