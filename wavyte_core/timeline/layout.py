"""The track layout solver (wavyte-format.md §3.4), run once per job after prepare.

Each clip of a laid-out track gets a static translation placed *outside* its own transform.
Layout ignores time (hidden clips keep their slot), ignores clip scale, gives Audio clips a
(0, 0) slot that still counts a gap, and never aligns the Grid as a whole — all as the
reference does, because changing any of these would move pixels.
"""

from __future__ import annotations

from wavyte_core.errors import EvaluationError
from wavyte_core.format.model import Align, AudioAsset, Composition, LayoutMode, Track

__all__ = ["align_offset", "solve_layout"]

Size = tuple[float, float]
Offset = tuple[float, float]


def _fmax0(x: float) -> float:
    """Rust ``x.max(0.0)`` (NaN → 0.0)."""
    return x if x > 0.0 else 0.0


def align_offset(container: float, content: float, align: Align) -> float:
    """Start → 0, Center → rem/2, End → rem, with ``rem = max(container − content, 0)``."""
    rem = _fmax0(container - content)
    if align == Align.Start:
        return 0.0
    if align == Align.Center:
        return rem / 2.0
    return rem


def _track_sizes(comp: Composition, track: Track, sizes: dict[str, Size]) -> list[Size]:
    out: list[Size] = []
    for clip in track.clips:
        asset = comp.assets.get(clip.asset)
        if isinstance(asset, AudioAsset):
            out.append((0.0, 0.0))
            continue
        try:
            w, h = sizes[clip.asset]
        except KeyError:
            raise EvaluationError(f"unknown asset key '{clip.asset}'") from None
        out.append((float(w), float(h)))
    return out


def _solve_track(comp: Composition, track: Track, sz: list[Size]) -> list[Offset]:
    n = len(sz)
    mode = track.layout_mode
    if mode == LayoutMode.Absolute or n == 0:
        return [(0.0, 0.0)] * n

    pad = track.layout_padding
    gap = track.layout_gap_px
    ax, ay = track.layout_align_x, track.layout_align_y
    x0, y0 = pad.left, pad.top
    avail_w = _fmax0(float(comp.canvas.width) - pad.left - pad.right)
    avail_h = _fmax0(float(comp.canvas.height) - pad.top - pad.bottom)

    if mode == LayoutMode.Center:
        return [
            (
                x0 + align_offset(avail_w, w, Align.Center),
                y0 + align_offset(avail_h, h, Align.Center),
            )
            for w, h in sz
        ]

    if mode == LayoutMode.HStack:
        total_w = 0.0
        for w, _ in sz:
            total_w += w
        total_w += float(n - 1) * gap
        x = x0 + align_offset(avail_w, total_w, ax)
        out: list[Offset] = []
        for w, h in sz:
            out.append((x, y0 + align_offset(avail_h, h, ay)))
            x += w + gap
        return out

    if mode == LayoutMode.VStack:
        total_h = 0.0
        for _, h in sz:
            total_h += h
        total_h += float(n - 1) * gap
        y = y0 + align_offset(avail_h, total_h, ay)
        out = []
        for w, h in sz:
            out.append((x0 + align_offset(avail_w, w, ax), y))
            y += h + gap
        return out

    # Grid: fixed cells of the largest item; the grid itself is not aligned.
    cols = max(track.layout_grid_columns, 1)
    cell_w = 0.0
    cell_h = 0.0
    for w, h in sz:
        cell_w = w if w > cell_w else cell_w
        cell_h = h if h > cell_h else cell_h
    out = []
    for i, (w, h) in enumerate(sz):
        row, col = divmod(i, cols)
        bx = x0 + float(col) * (cell_w + gap)
        by = y0 + float(row) * (cell_h + gap)
        out.append((bx + align_offset(cell_w, w, ax), by + align_offset(cell_h, h, ay)))
    return out


def solve_layout(comp: Composition, sizes: dict[str, Size]) -> list[list[Offset]]:
    """Per track, per clip (array order): the layout offset ``(ox, oy)``.

    ``sizes`` maps asset key → intrinsic unscaled ``(w, h)`` as prepare measured it; Audio
    assets need no entry. Every other clip's asset must have one, even on Absolute tracks
    (the reference looks every size up).
    """
    return [_solve_track(comp, t, _track_sizes(comp, t, sizes)) for t in comp.tracks]
