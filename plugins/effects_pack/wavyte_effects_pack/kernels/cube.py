"""``.cube`` LUT files (Adobe/Resolve "Cube LUT Specification 1.0"): parse once, apply fast.

Why a 256³ table: input pixels are 8-bit, so the trilinear interpolation of the cube at
every possible (r, g, b) is computed once per file (separably: three small matrix
products) and packed into 2^24 uint32 entries (64 MB). Per frame the LUT is then one
un-premultiply, one gather indexed by the packed straight pixel itself, one
re-premultiply — no per-pixel interpolation. Tables are cached per file for the process.

Supported: ``TITLE``, ``LUT_3D_SIZE`` (2..256), ``LUT_1D_SIZE`` (2..65536),
``DOMAIN_MIN``/``DOMAIN_MAX``, ``LUT_3D_INPUT_RANGE``/``LUT_1D_INPUT_RANGE``, ``#``
comments; data rows are red-fastest. Errors raise `CubeError` naming the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from .premul import alpha_splat_opaque, premultiply, unpremultiply
from .scratch import Scratch

__all__ = ["CubeError", "CubeLut", "apply_lut", "lut_table", "parse_cube", "read_cube"]

_MAX_3D = 256
_MAX_1D = 65536


class CubeError(ValueError):
    """A malformed ``.cube`` file; the message names the file and line."""


@dataclass(frozen=True, eq=False)
class CubeLut:
    """A parsed LUT: ``data`` is (n, n, n, 3) indexed [b][g][r] for 3D, (n, 3) for 1D."""

    title: str
    size: int
    is_3d: bool
    data: np.ndarray
    domain_min: tuple[float, float, float]
    domain_max: tuple[float, float, float]


def _floats(parts: list[str], n: int, where: str, what: str) -> tuple[float, ...]:
    if len(parts) != n:
        raise CubeError(f"{where}: {what} needs {n} numbers, got {len(parts)}")
    try:
        vals = tuple(float(p) for p in parts)
    except ValueError:
        raise CubeError(f"{where}: {what} must be numbers, got {' '.join(parts)!r}") from None
    if not all(np.isfinite(vals)):
        raise CubeError(f"{where}: {what} must be finite")
    return vals


def parse_cube(text: str, name: str = "<cube>") -> CubeLut:
    """Parse the text of a ``.cube`` file; ``name`` is used in error messages."""
    title = ""
    size3 = size1 = 0
    dmin, dmax = (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)
    rows: list[tuple[float, ...]] = []
    first_data_line = 0
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{name}:{lineno}"
        head, _, rest = line.partition(" ")
        key = head.upper()
        if key == "TITLE":
            title = rest.strip().strip('"')
        elif key in ("LUT_3D_SIZE", "LUT_1D_SIZE"):
            if rows:
                raise CubeError(f"{where}: {key} must come before the data rows")
            try:
                n = int(rest.strip())
            except ValueError:
                raise CubeError(
                    f"{where}: {key} must be an integer, got {rest.strip()!r}"
                ) from None
            lo, hi = (2, _MAX_3D) if key == "LUT_3D_SIZE" else (2, _MAX_1D)
            if not lo <= n <= hi:
                raise CubeError(f"{where}: {key} must be in {lo}..{hi}, got {n}")
            if key == "LUT_3D_SIZE":
                size3 = n
            else:
                size1 = n
        elif key == "DOMAIN_MIN":
            dmin = _floats(rest.split(), 3, where, "DOMAIN_MIN")  # type: ignore[assignment]
        elif key == "DOMAIN_MAX":
            dmax = _floats(rest.split(), 3, where, "DOMAIN_MAX")  # type: ignore[assignment]
        elif key in ("LUT_3D_INPUT_RANGE", "LUT_1D_INPUT_RANGE"):
            lo_hi = _floats(rest.split(), 2, where, key)
            dmin, dmax = (lo_hi[0],) * 3, (lo_hi[1],) * 3
        elif head[0] in "+-.0123456789":
            if not rows:
                first_data_line = lineno
            rows.append(_floats(line.split(), 3, where, "a data row"))
        else:
            raise CubeError(f"{where}: unknown keyword {head!r}")
    if size3 and size1:
        raise CubeError(f"{name}: both LUT_3D_SIZE and LUT_1D_SIZE are given")
    if not size3 and not size1:
        raise CubeError(f"{name}: missing LUT_3D_SIZE (or LUT_1D_SIZE)")
    if any(hi <= lo for lo, hi in zip(dmin, dmax, strict=True)):
        raise CubeError(f"{name}: DOMAIN_MAX must be greater than DOMAIN_MIN in every channel")
    want = size3**3 if size3 else size1
    if len(rows) != want:
        at = f" (data from line {first_data_line})" if rows else ""
        raise CubeError(f"{name}: expected {want} data rows, found {len(rows)}{at}")
    data = np.asarray(rows, dtype=np.float64)
    if size3:
        data = data.reshape(size3, size3, size3, 3)
    return CubeLut(title, size3 or size1, bool(size3), data, dmin, dmax)


def read_cube(path: Path) -> CubeLut:
    """Read and parse a file; I/O and decode errors become `CubeError` naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CubeError(f"{path}: cannot read: {exc}") from None
    return parse_cube(text, str(path))


def _axis_weights(n: int, lo: float, hi: float) -> np.ndarray:
    """(256, n) linear-interpolation weights of each 8-bit input value over n samples."""
    x = (np.arange(256) / 255.0 - lo) / (hi - lo) * (n - 1)
    x = np.clip(x, 0.0, n - 1)
    i0 = np.minimum(np.floor(x).astype(np.int64), n - 2)
    f = x - i0
    w = np.zeros((256, n))
    w[np.arange(256), i0] = 1.0 - f
    w[np.arange(256), i0 + 1] += f
    return w


def _pack(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) float RGB in [0, 1] → uint32 ``B | G << 8 | R << 16`` (alpha byte 0)."""
    q = np.rint(np.clip(rgb, 0.0, 1.0) * 255.0).astype(np.uint32)
    return q[..., 2] | (q[..., 1] << 8) | (q[..., 0] << 16)


def lut_table(lut: CubeLut) -> np.ndarray:
    """The 2^24-entry uint32 table indexed by ``R << 16 | G << 8 | B`` of a straight pixel."""
    wr = _axis_weights(lut.size, lut.domain_min[0], lut.domain_max[0])
    wg = _axis_weights(lut.size, lut.domain_min[1], lut.domain_max[1])
    wb = _axis_weights(lut.size, lut.domain_min[2], lut.domain_max[2])
    table = np.empty((256, 256, 256), dtype=np.uint32)  # [r][g][b]
    if not lut.is_3d:
        r = _pack_channel(wr @ lut.data[:, 0])
        g = _pack_channel(wg @ lut.data[:, 1])
        b = _pack_channel(wb @ lut.data[:, 2])
        table[...] = (r[:, None, None] << 16) | (g[None, :, None] << 8) | b[None, None, :]
        return table.reshape(-1)
    d = lut.data.astype(np.float32)  # [B][G][R][c]
    # Interpolate along B then G (small): t[b_in][g_in][R][c].
    t = np.einsum("xi,ijkc->xjkc", wb.astype(np.float32), d)
    t = np.einsum("yj,xjkc->xykc", wg.astype(np.float32), t)  # (256, 256, n, 3)
    wr32 = wr.astype(np.float32)
    for r0 in range(0, 256, 16):  # R last, in slabs to bound the float temporaries
        slab = np.einsum("zk,xykc->zyxc", wr32[r0 : r0 + 16], t)  # [r][g][b][c]
        table[r0 : r0 + 16] = _pack(slab)
    return table.reshape(-1)


def _pack_channel(v: np.ndarray) -> np.ndarray:
    return np.rint(np.clip(v, 0.0, 1.0) * 255.0).astype(np.uint32)


@lru_cache(maxsize=4)
def cached_table(path: str, mtime_ns: int, size: int) -> np.ndarray:
    """`lut_table` of a file, cached by (path, mtime, size) for the process."""
    return lut_table(read_cube(Path(path)))


def apply_lut(src: np.ndarray, dst: np.ndarray, table: np.ndarray, scratch: Scratch) -> None:
    """``dst`` = the LUT applied to the straight colour of ``src``, re-premultiplied.

    ``src`` and ``dst`` are (h, w, 4) and may be the same array. Alpha is kept.
    """
    h, w = src.shape[:2]
    a3 = alpha_splat_opaque(src, scratch.get("a3", (h, w, 4)))
    straight = unpremultiply(src, a3, scratch.get("straight", (h, w, 4)))
    idx = straight.view(np.uint32).reshape(h, w)
    np.bitwise_and(idx, 0x00FFFFFF, out=idx)
    mapped = scratch.get("mapped", (h, w), np.uint32)
    np.take(table, idx, out=mapped)
    out8 = mapped.view(np.uint8).reshape(h, w, 4)
    cv2.mixChannels([src], [out8], [3, 3])
    premultiply(out8, a3, dst)
