"""The rules of ``Composition::validate`` (wavyte-format.md §2), in their order, with their
messages, plus wavyte's explicit resource limits.

Run once per job, before anything is prepared or rendered (DESIGN.md §5 rule 1); never
in the frame loop. The first broken rule raises `CompositionError(path, message)`, where
``path`` is the JSON path of the offending value as `load` names it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from wavyte_core.errors import CompositionError
from wavyte_core.format import model as m
from wavyte_core.format.load import index_path, member_path

__all__ = [
    "validate",
    "validate_anim",
    "MAX_CANVAS_SIDE",
    "MAX_CANVAS_PIXELS",
    "MAX_DURATION_FRAMES",
]

#: Resource limits (DESIGN.md §8), checked after the format's own rules.
MAX_CANVAS_SIDE = 16384
MAX_CANVAS_PIXELS = 16384 * 16384 // 4
MAX_DURATION_FRAMES = 10_000_000

_EDGES = ("left", "right", "top", "bottom")


def _fail(path: str, message: str) -> CompositionError:
    return CompositionError(path, message)


def _finite_ge0(x: float) -> bool:
    return math.isfinite(x) and x >= 0.0


def _finite_gt0(x: float) -> bool:
    return math.isfinite(x) and x > 0.0


def validate(comp: m.Composition) -> None:
    """Raise `CompositionError` for the first rule of §2 (then the limits) ``comp`` breaks."""
    if comp.fps.num == 0 or comp.fps.den == 0:
        raise _fail("fps", "fps must have num>0 and den>0")
    if comp.canvas.width == 0 or comp.canvas.height == 0:
        raise _fail("canvas", "canvas width/height must be > 0")
    if comp.duration == 0:
        raise _fail("duration", "duration must be > 0 frames")

    for ti, track in enumerate(comp.tracks):
        tpath = index_path("tracks", ti)
        _validate_track_layout(track, tpath)
        for ci, clip in enumerate(track.clips):
            _validate_clip(comp, clip, index_path(tpath + ".clips", ci))

    _validate_mattes(comp)

    for key in sorted(comp.assets):
        _validate_asset(key, comp.assets[key], member_path("assets", key))

    _validate_limits(comp)


def _validate_track_layout(track: m.Track, tpath: str) -> None:
    if not _finite_ge0(track.layout_gap_px):
        raise _fail(tpath + ".layout_gap_px", "track layout_gap_px must be finite and >= 0")
    for edge in _EDGES:
        if not _finite_ge0(getattr(track.layout_padding, edge)):
            raise _fail(
                f"{tpath}.layout_padding.{edge}",
                f"track layout_padding.{edge} must be finite and >= 0",
            )
    if track.layout_mode == m.LayoutMode.Grid and track.layout_grid_columns == 0:
        raise _fail(
            tpath + ".layout_grid_columns",
            "track layout_grid_columns must be > 0 for Grid layout",
        )


def _validate_clip(comp: m.Composition, clip: m.Clip, cpath: str) -> None:
    if clip.asset not in comp.assets:
        raise _fail(
            cpath + ".asset", f"clip '{clip.id}' references missing asset key '{clip.asset}'"
        )
    if clip.range.start > clip.range.end:
        raise _fail(cpath + ".range", f"clip '{clip.id}' has invalid range (start > end)")
    if clip.range.end > comp.duration:
        raise _fail(cpath + ".range", f"clip '{clip.id}' range exceeds composition duration")
    validate_anim(clip.props.opacity, cpath + ".props.opacity", comp.assets)
    validate_anim(clip.props.transform, cpath + ".props.transform", comp.assets)
    for name in ("transition_in", "transition_out"):
        spec = getattr(clip, name)
        if spec is not None:
            _validate_transition(spec, f"{cpath}.{name}")


def _validate_mattes(comp: m.Composition) -> None:
    """Clip ``matte`` (0.3): the source names exactly one clip, not the clip itself, and
    following sources from any clip never comes back to it (no cycle of mattes)."""
    where: dict[str, list[tuple[str, m.Clip]]] = {}
    for ti, track in enumerate(comp.tracks):
        for ci, clip in enumerate(track.clips):
            where.setdefault(clip.id, []).append((f"tracks[{ti}].clips[{ci}]", clip))
    for entries in where.values():
        for cpath, clip in entries:
            matte = clip.matte
            if matte is None:
                continue
            spath = cpath + ".matte.source"
            found = where.get(matte.source)
            if not found:
                raise _fail(
                    spath, f"clip '{clip.id}' has matte source '{matte.source}', no such clip"
                )
            if len(found) > 1:
                raise _fail(
                    spath,
                    f"clip '{clip.id}' has matte source '{matte.source}', an id of {len(found)} clips",
                )
            if found[0][1] is clip:
                raise _fail(spath, f"clip '{clip.id}' cannot be its own matte")
    for entries in where.values():
        for cpath, clip in entries:
            seen = [clip.id]
            cur = clip
            while cur.matte is not None:
                nxt = where[cur.matte.source][0][1]
                if nxt.id in seen:
                    chain = " -> ".join([*seen[seen.index(nxt.id) :], nxt.id])
                    raise _fail(cpath + ".matte.source", f"mattes form a cycle: {chain}")
                seen.append(nxt.id)
                cur = nxt


def _validate_transition(spec: m.TransitionSpec, path: str) -> None:
    if not spec.kind.strip():
        raise _fail(path + ".kind", "transition kind must be non-empty")
    if spec.duration_frames == 0:
        raise _fail(path + ".duration_frames", "transition duration_frames must be > 0")
    if spec.params is not None and not isinstance(spec.params, dict):
        raise _fail(path + ".params", "transition params must be an object when set")


def validate_anim(anim: m.Anim, path: str, assets: Mapping[str, m.Asset] | None = None) -> None:
    """The animation rules of §2, recursing into Expr trees; ``path`` names ``anim``.
    With ``assets``, an ``AudioLevel`` must name an Audio or Video asset."""
    if isinstance(anim, m.Keyframes):
        kpath = path + ".Keyframes"
        if not anim.keys and anim.default is None:
            raise _fail(kpath, "Keyframes must have at least one key or a default value")
        keys = anim.keys
        for i in range(1, len(keys)):
            if keys[i].frame < keys[i - 1].frame:
                raise _fail(
                    index_path(kpath + ".keys", i) + ".frame",
                    "Keyframes keys must be sorted by frame",
                )
        return
    if isinstance(anim, m.Procedural):
        kind = anim.kind
        scalars = (kind.params,) if isinstance(kind, m.ProcScalarKind) else (kind.x, kind.y)
        for p in scalars:
            if isinstance(p, m.AudioLevel):
                _validate_audio_level(p, f"{path}.Procedural.kind.params.AudioLevel", assets)
        return
    node = anim.node
    epath = f"{path}.Expr.{type(node).__name__}"
    if isinstance(node, m.Delay):
        validate_anim(node.inner, epath + ".inner")
    elif isinstance(node, m.Speed):
        if node.factor <= 0.0:  # a NaN factor passes, as in v0.2.1
            raise _fail(epath + ".factor", "Speed factor must be > 0")
        validate_anim(node.inner, epath + ".inner")
    elif isinstance(node, m.Reverse):
        if node.duration == 0:
            raise _fail(epath + ".duration", "Reverse duration must be > 0")
        validate_anim(node.inner, epath + ".inner")
    elif isinstance(node, m.Loop):
        if node.period == 0:
            raise _fail(epath + ".period", "Loop period must be > 0")
        validate_anim(node.inner, epath + ".inner")
    else:
        validate_anim(node.a, epath + ".a")
        validate_anim(node.b, epath + ".b")
        validate_anim(node.t, epath + ".t")


def _validate_audio_level(p: m.AudioLevel, path: str, assets: Mapping[str, m.Asset] | None) -> None:
    if assets is not None:
        asset = assets.get(p.asset)
        if asset is None:
            raise _fail(path + ".asset", f"unknown asset '{p.asset}'")
        if not isinstance(asset, (m.AudioAsset, m.VideoAsset)):
            raise _fail(
                path + ".asset", f"asset '{p.asset}' has no sound (AudioLevel needs Audio or Video)"
            )
    if not (math.isfinite(p.window_sec) and p.window_sec > 0.0):
        raise _fail(path + ".window_sec", "window_sec must be finite and > 0")
    if not (0.0 <= p.smoothing < 1.0):
        raise _fail(path + ".smoothing", "smoothing must be in [0, 1)")
    for name in ("gain", "offset"):
        if not math.isfinite(getattr(p, name)):
            raise _fail(f"{path}.{name}", f"{name} must be finite")
    if p.band_hz is not None:
        lo, hi = p.band_hz
        if not (math.isfinite(lo) and math.isfinite(hi) and 0.0 <= lo < hi):
            raise _fail(path + ".band_hz", "band_hz must be [low, high] with 0 <= low < high")


def _check_source(source: str, field: str, path: str) -> None:
    """The relative-source rule: only the blank test trims; the others see the raw string."""
    if not source.strip():
        raise _fail(path, f"{field} must be non-empty")
    s = source.replace("\\", "/")
    if s.startswith("/"):
        raise _fail(path, f"{field} must be a relative path")
    if ".." in s.split("/"):
        raise _fail(path, f"{field} must not contain '..'")


_MEDIA_RULES = (
    ("trim_start_sec", _finite_ge0, "must be finite and >= 0"),
    ("playback_rate", _finite_gt0, "must be finite and > 0"),
    ("volume", _finite_ge0, "must be finite and >= 0"),
    ("fade_in_sec", _finite_ge0, "must be finite and >= 0"),
    ("fade_out_sec", _finite_ge0, "must be finite and >= 0"),
)


def _validate_asset(key: str, asset: m.Asset, apath: str) -> None:
    if not key.strip():
        raise _fail(apath, "asset key must be non-empty")
    tag = m.asset_tag(asset)
    vpath = f"{apath}.{tag}"
    if isinstance(asset, m.KindAsset):
        return  # checked by its kind's parser against the installed plugins (job.check)
    if isinstance(asset, m.TextAsset):
        if asset.runs is None and not asset.text.strip():
            raise _fail(vpath + ".text", "text asset text must be non-empty")
        _check_source(asset.font_source, "text asset font_source", vpath + ".font_source")
        validate_typography(asset, vpath)
        if not _finite_gt0(asset.size_px):
            raise _fail(vpath + ".size_px", "text asset size_px must be finite and > 0")
        if asset.max_width_px is not None and not _finite_gt0(asset.max_width_px):
            raise _fail(
                vpath + ".max_width_px",
                "text asset max_width_px must be finite and > 0 when set",
            )
    elif isinstance(asset, (m.SvgAsset, m.ImageAsset)):
        _check_source(asset.source, f"{tag.lower()} asset source", vpath + ".source")
    elif isinstance(asset, (m.VideoAsset, m.AudioAsset)):
        kind = tag.lower()
        _check_source(asset.source, f"{kind} asset source", vpath + ".source")
        name, ok, rule = _MEDIA_RULES[0]
        if not ok(asset.trim_start_sec):
            raise _fail(f"{vpath}.{name}", f"{kind} asset {name} {rule}")
        te = asset.trim_end_sec
        if te is not None and not (math.isfinite(te) and te > asset.trim_start_sec):
            raise _fail(
                vpath + ".trim_end_sec",
                f"{kind} asset trim_end_sec must be finite and > trim_start_sec",
            )
        for name, ok, rule in _MEDIA_RULES[1:]:
            if not ok(getattr(asset, name)):
                raise _fail(f"{vpath}.{name}", f"{kind} asset {name} {rule}")
    elif isinstance(asset, m.PathAsset) and not asset.svg_path_d.strip():
        raise _fail(vpath + ".svg_path_d", "path asset svg_path_d must be non-empty")


def validate_typography(a: Any, vpath: str) -> None:
    """The rules of the typography fields of a Text (or Captions) asset."""
    runs = getattr(a, "runs", None)
    if runs is not None:
        if not runs or not "".join(r.text for r in runs).strip():
            raise _fail(vpath + ".runs", "runs must hold some non-blank text")
        for i, r in enumerate(runs):
            rp = f"{vpath}.runs[{i}]"
            if r.font_source is not None:
                _check_source(r.font_source, "run font_source", rp + ".font_source")
            if r.size_px is not None and not _finite_gt0(r.size_px):
                raise _fail(rp + ".size_px", "run size_px must be finite and > 0")
            if r.letter_spacing is not None and not math.isfinite(r.letter_spacing):
                raise _fail(rp + ".letter_spacing", "letter_spacing must be finite")
    for i, rel in enumerate(a.font_fallback):
        _check_source(rel, "fallback font", f"{vpath}.font_fallback[{i}]")
    if a.line_height is not None and not _finite_gt0(a.line_height):
        raise _fail(vpath + ".line_height", "line_height must be finite and > 0")
    ls = a.letter_spacing
    if isinstance(ls, (int, float)):
        if not math.isfinite(ls):
            raise _fail(vpath + ".letter_spacing", "letter_spacing must be finite")
    else:
        validate_anim(ls, vpath + ".letter_spacing")
    sh = a.shadow
    if sh is not None and not _finite_ge0(sh.blur):
        raise _fail(vpath + ".shadow.blur", "shadow blur must be finite and >= 0")
    bg = a.background
    if bg is not None:
        pad = bg.padding
        if not all(_finite_ge0(x) for x in (pad.left, pad.right, pad.top, pad.bottom)):
            raise _fail(vpath + ".background.padding", "padding must be finite and >= 0")
        if not _finite_ge0(bg.corner_radius):
            raise _fail(vpath + ".background.corner_radius", "must be finite and >= 0")
    fit = getattr(a, "fit", None)
    if fit is not None:
        for name in ("width", "height", "min_size_px"):
            if not _finite_gt0(getattr(fit, name)):
                raise _fail(f"{vpath}.fit.{name}", f"fit {name} must be finite and > 0")
        if fit.max_lines is not None and fit.max_lines < 1:
            raise _fail(vpath + ".fit.max_lines", "fit max_lines must be >= 1 when set")


def _validate_limits(comp: m.Composition) -> None:
    w, h = comp.canvas.width, comp.canvas.height
    if w > MAX_CANVAS_SIDE or h > MAX_CANVAS_SIDE:
        raise _fail(
            "canvas",
            f"canvas {w}x{h} exceeds the limit of {MAX_CANVAS_SIDE} pixels per side",
        )
    if w * h > MAX_CANVAS_PIXELS:
        raise _fail(
            "canvas",
            f"canvas {w}x{h} has {w * h} pixels, more than the limit of {MAX_CANVAS_PIXELS}",
        )
    if comp.duration > MAX_DURATION_FRAMES:
        raise _fail(
            "duration",
            f"duration {comp.duration} frames exceeds the limit of {MAX_DURATION_FRAMES} frames",
        )


def check_sampling(comp: m.Composition) -> None:
    """Animations that the format accepts but that fail whenever they are sampled (§1.5.2):
    a Procedural anywhere in a transform animation, a ``Vec2`` procedural in an f64 one.
    The reference reports these at the first frame that shows the clip; wavyte reports
    them at load, with their JSON path, so no render starts that cannot finish."""
    for ti, track in enumerate(comp.tracks):
        for ci, clip in enumerate(track.clips):
            base = f"tracks[{ti}].clips[{ci}].props"
            _check_kind(clip.props.transform, "transform", base + ".transform")
            _check_kind(clip.props.opacity, "f64", base + ".opacity")


def _check_kind(anim: m.Anim, kind: str, path: str) -> None:
    if isinstance(anim, m.Procedural):
        if kind == "transform":
            raise _fail(
                path + ".Procedural", "procedural sampling for Transform2D is not supported in v0.2"
            )
        if isinstance(anim.kind, m.ProcVec2Kind):
            raise _fail(path + ".Procedural.kind", "procedural kind Vec2 cannot be sampled as f64")
        return
    if isinstance(anim, m.Expr):
        node = anim.node
        epath = f"{path}.Expr.{type(node).__name__}"
        if isinstance(node, m.Mix):
            _check_kind(node.a, kind, epath + ".a")
            _check_kind(node.b, kind, epath + ".b")
            _check_kind(node.t, "f64", epath + ".t")
        else:
            _check_kind(node.inner, kind, epath + ".inner")
