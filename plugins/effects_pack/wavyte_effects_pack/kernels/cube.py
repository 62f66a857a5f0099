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

import hashlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from .premul import alpha_plane, is_opaque, premultiply, unpremultiply
from .scratch import Scratch

__all__ = [
    "CubeError",
    "CubeLut",
    "apply_lut",
    "PRESETS",
    "cached_table",
    "cube_text",
    "lut_table",
    "parse_cube",
    "preset_lut",
    "preset_table",
]

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


def lut_table(lut: CubeLut) -> np.ndarray:
    """The 2^24-entry uint32 table indexed by ``R << 16 | G << 8 | B`` of a straight pixel;
    each entry is the LUT's output packed as the bytes (B, G, R, 0)."""
    n = lut.size
    wr, wg, wb = (
        _axis_weights(n, lut.domain_min[c], lut.domain_max[c]).astype(np.float32) for c in range(3)
    )
    table = np.zeros((256, 256, 256, 4), dtype=np.uint8)  # [r][g][b][B, G, R, 0]
    if not lut.is_3d:
        d = lut.data.astype(np.float32)
        r = _to_u8(wr @ d[:, 0])
        g = _to_u8(wg @ d[:, 1])
        b = _to_u8(wb @ d[:, 2])
        table[..., 2] = r[:, None, None]
        table[..., 1] = g[None, :, None]
        table[..., 0] = b[None, None, :]
        return table.view(np.uint32).reshape(-1)
    d = lut.data.astype(np.float32)[..., ::-1] * np.float32(255.0)  # [B][G][R][b, g, r]·255
    # Separable trilinear: along B, then G (small arrays), then R in slabs (BLAS matmuls).
    t = np.tensordot(wb, d, axes=(1, 0))  # [b_in][G][R][c]
    t = np.tensordot(wg, t, axes=(1, 1))  # [g_in][b_in][R][c]
    t = np.ascontiguousarray(np.moveaxis(t, 2, 0)).reshape(n, -1)  # [R][g_in·b_in·c]
    slab = 16
    buf = np.empty((slab, t.shape[1]), np.float32)
    for r0 in range(0, 256, slab):
        np.matmul(wr[r0 : r0 + slab], t, out=buf)
        buf += np.float32(0.5)
        np.clip(buf, 0.0, 255.0, out=buf)
        table[r0 : r0 + slab, :, :, :3] = buf.reshape(slab, 256, 256, 3)  # truncates: rounds
    return table.view(np.uint32).reshape(-1)


def _to_u8(v: np.ndarray) -> np.ndarray:
    return np.rint(np.clip(v, 0.0, 1.0) * 255.0).astype(np.uint8)


_TABLES: dict[str, np.ndarray] = {}
_TABLES_KEEP = 4


def cached_table(path: Path) -> np.ndarray:
    """`lut_table` of a file, shared by every instance using the same LUT content (one
    64 MB table per distinct LUT in the process, the last few kept)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CubeError(f"{path}: cannot read: {exc.strerror}") from None
    key = hashlib.sha1(raw).hexdigest()
    table = _TABLES.get(key)
    if table is None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CubeError(f"{path}: not a text file") from None
        table = lut_table(parse_cube(text, str(path)))
        if len(_TABLES) >= _TABLES_KEEP:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[key] = table
    return table


# ------------------------------------------------------------------ presets

#: Built-in looks, generated as 17-point 3D LUTs (no file needed).
PRESETS = ("teal_orange", "warm", "cool", "mono")


def preset_lut(name: str, size: int = 17) -> CubeLut:
    """A built-in look as a `CubeLut` (the same data a ``.cube`` file would hold)."""
    v = np.linspace(0.0, 1.0, size)
    b, g, r = np.meshgrid(v, v, v, indexing="ij")  # [b][g][r], red fastest like .cube
    luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
    s_curve = luma * luma * (3.0 - 2.0 * luma) - luma  # contrast added to every channel
    if name == "teal_orange":  # warm highlights, teal shadows, more contrast
        out = (
            r + s_curve + 0.08 * (luma - 0.3),
            g + s_curve + 0.02,
            b + s_curve - 0.08 * (luma - 0.6),
        )
    elif name == "warm":
        out = (r * 1.06 + 0.02, g * 1.01 + 0.01, b * 0.88)
    elif name == "cool":
        out = (r * 0.9, g * 0.98 + 0.01, b * 1.08 + 0.03)
    elif name == "mono":  # black and white with an S-curve
        y = luma + 1.2 * s_curve
        out = (y, y, y)
    else:
        raise ValueError(f"unknown LUT preset {name!r} (one of {', '.join(PRESETS)})")
    data = np.clip(np.stack(out, axis=-1), 0.0, 1.0)
    return CubeLut(name, size, True, data, (0.0, 0.0, 0.0), (1.0, 1.0, 1.0))


def cube_text(lut: CubeLut) -> str:
    """A 3D `CubeLut` as ``.cube`` file text."""
    rows = lut.data.reshape(-1, 3)
    head = [f'TITLE "{lut.title}"', f"LUT_3D_SIZE {lut.size}", ""]
    return "\n".join(head + [f"{r:.6f} {g:.6f} {b:.6f}" for r, g, b in rows]) + "\n"


def preset_table(name: str) -> np.ndarray:
    """`lut_table` of a preset, shared like file tables."""
    key = "preset:" + name
    table = _TABLES.get(key)
    if table is None:
        table = lut_table(preset_lut(name))
        if len(_TABLES) >= _TABLES_KEEP:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[key] = table
    return table


def apply_lut(src: np.ndarray, dst: np.ndarray, table: np.ndarray, scratch: Scratch) -> None:
    """``dst`` = the LUT applied to the straight colour of ``src``, re-premultiplied.

    ``src`` and ``dst`` are (h, w, 4) and may be the same array. Alpha is kept. An opaque
    layer skips the un-premultiply and re-premultiply (they are the identity there). The
    gather (`np.take` over a 64 MB table) dominates the cost: ≈2 cache misses per pixel.
    """
    h, w = src.shape[:2]
    a = alpha_plane(src, scratch.get("alpha", (h, w)))
    opaque = is_opaque(a)
    if opaque:
        straight = src
    else:
        a3 = scratch.get("a3", (h, w, 4))
        cv2.cvtColor(a, cv2.COLOR_GRAY2BGRA, dst=a3)
        straight = unpremultiply(src, a3, scratch.get("straight", (h, w, 4)))
    # the index as intp up front: np.take would otherwise allocate a converted copy
    idx = scratch.get("idx", (h, w), np.intp)
    np.bitwise_and(straight.view(np.uint32).reshape(h, w), 0x00FFFFFF, out=idx)
    mapped = scratch.get("mapped", (h, w), np.uint32)
    np.take(table, idx, out=mapped)
    out8 = mapped.view(np.uint8).reshape(h, w, 4)
    cv2.insertChannel(a, out8, 3)
    if opaque:
        np.copyto(dst, out8)
    else:
        premultiply(out8, a3, dst)
