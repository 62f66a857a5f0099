"""Image comparison metrics and two-dimensional tolerances (web-platform-tests "fuzzy").

Every comparison reports the largest channel difference, the number of pixels that differ
in any channel, and the PSNR over all four premultiplied BGRA channels. A tolerance bounds
the first two (how far a pixel may be off, how many may be off) and optionally sets a
PSNR floor; all bounds must hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Metrics", "Tolerance", "compare", "amplified_difference"]


@dataclass(frozen=True, slots=True)
class Metrics:
    max_diff: int
    pixels: int  # pixels that differ in any channel
    pixels_over_1: int  # pixels that differ by more than one level in some channel
    psnr: float  # dB; inf when identical
    total: int  # pixels compared

    @property
    def identical(self) -> bool:
        return self.pixels == 0

    def short(self) -> str:
        """The figures of a matrix cell: ``max/pixels/PSNR``."""
        if self.identical:
            return "="
        psnr = "inf" if math.isinf(self.psnr) else f"{self.psnr:.1f}"
        return f"{self.max_diff}/{self.pixels}/{psnr}"

    def to_json(self) -> dict:
        return {
            "max_diff": self.max_diff,
            "pixels": self.pixels,
            "pixels_over_1": self.pixels_over_1,
            "psnr": None if math.isinf(self.psnr) else round(self.psnr, 3),
            "total": self.total,
        }


@dataclass(frozen=True, slots=True)
class Tolerance:
    """``max_diff``: the largest channel difference allowed. ``max_pixels``: how many
    pixels may differ (None: any number), counting only pixels off by more than
    ``ignore_1`` level when that is set (1-level rounding noise over a whole translucent
    shape is then allowed while anti-aliased edge differences stay bounded).
    ``min_psnr``: a floor in dB."""

    max_diff: int = 0
    max_pixels: int | None = 0
    min_psnr: float | None = None
    ignore_1: bool = False

    @classmethod
    def from_json(cls, d: dict) -> Tolerance:
        return cls(
            int(d.get("max_diff", 0)),
            d.get("max_pixels", 0),
            d.get("min_psnr"),
            bool(d.get("ignore_1", False)),
        )

    def to_json(self) -> dict:
        return {
            "max_diff": self.max_diff,
            "max_pixels": self.max_pixels,
            "min_psnr": self.min_psnr,
            "ignore_1": self.ignore_1,
        }

    def loosest(self, other: Tolerance) -> Tolerance:
        """A tolerance accepting what either accepts, used when several roles differ from
        the reference (a superset: each bound is the looser of the two)."""
        px = (
            None
            if self.max_pixels is None or other.max_pixels is None
            else max(self.max_pixels, other.max_pixels)
        )
        ps = [p for p in (self.min_psnr, other.min_psnr) if p is not None]
        psnr = min(ps) if len(ps) == 2 else None
        return Tolerance(
            max(self.max_diff, other.max_diff), px, psnr, self.ignore_1 or other.ignore_1
        )

    def accepts(self, m: Metrics) -> bool:
        if m.max_diff > self.max_diff:
            return False
        counted = m.pixels_over_1 if self.ignore_1 else m.pixels
        if self.max_pixels is not None and counted > self.max_pixels:
            return False
        return self.min_psnr is None or m.psnr >= self.min_psnr

    def describe(self) -> str:
        px = "any" if self.max_pixels is None else str(self.max_pixels)
        if self.ignore_1 and self.max_pixels is not None:
            px += " off by > 1"
        ps = f", PSNR ≥ {self.min_psnr:g}" if self.min_psnr is not None else ""
        return f"max {self.max_diff}, pixels {px}{ps}"


EXACT = Tolerance(0, 0)


def compare(expected: np.ndarray, actual: np.ndarray) -> Metrics:
    """Metrics of ``actual`` against ``expected`` (same-shape uint8 (H, W, C) arrays)."""
    if expected.shape != actual.shape:
        raise ValueError(f"shape mismatch: expected {expected.shape}, got {actual.shape}")
    diff = np.abs(expected.astype(np.int16) - actual.astype(np.int16)).astype(np.uint8)
    per_pixel = diff.max(axis=-1)
    max_diff = int(per_pixel.max()) if per_pixel.size else 0
    pixels = int(np.count_nonzero(per_pixel))
    over_1 = int(np.count_nonzero(per_pixel > 1))
    if pixels == 0:
        psnr = math.inf
    else:
        mse = float(np.mean(np.square(diff, dtype=np.float64)))
        psnr = 10.0 * math.log10(255.0 * 255.0 / mse)
    return Metrics(max_diff, pixels, over_1, psnr, int(per_pixel.size))


def amplified_difference(expected: np.ndarray, actual: np.ndarray, gain: int = 16) -> np.ndarray:
    """An opaque RGBA image of ``|expected − actual| × gain`` (clipped), for review pages."""
    diff = np.abs(expected.astype(np.int32) - actual.astype(np.int32)) * gain
    rgb = diff[..., [2, 1, 0]]
    rgb[..., 1] = np.maximum(rgb[..., 1], diff[..., 3])  # alpha differences show green
    out = np.empty(expected.shape[:2] + (4,), dtype=np.uint8)
    out[..., :3] = np.clip(rgb, 0, 255)
    out[..., 3] = 255
    return out
