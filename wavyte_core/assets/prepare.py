"""Asset preparation: all I/O of a job, done once before the first frame (DESIGN.md §2).

Images are decoded (and premultiplied) by the decoder plugin; text is shaped with HarfBuzz
into outlines; ``svg_path_d`` is parsed into a backend-neutral path; SVG files are rendered
once at the largest scale their clips reach; video files get a persistent decoding
session; audio is decoded to 48 kHz stereo float. Errors name the asset's JSON path and
the file.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from wavyte_core.assets.asset_cache import cached
from wavyte_core.assets.imageheader import image_size
from wavyte_core.assets.rich_text import prepare_rich_text
from wavyte_core.assets.svgpath import parse_svg_path
from wavyte_core.assets.svgsize import MAX_SVG_BYTES, svg_natural_size
from wavyte_core.assets.text import FontCache, FontFace
from wavyte_core.assets.typeset import shape_text
from wavyte_core.assets.video_cursors import share_if_reused
from wavyte_core.errors import AssetError, CompositionError, WavyteError
from wavyte_core.format.model import (
    AudioAsset,
    Composition,
    ImageAsset,
    KindAsset,
    PathAsset,
    SvgAsset,
    TextAsset,
    VideoAsset,
)
from wavyte_core.format.paths import resolve_asset_path
from wavyte_core.plugin.prepared import (
    AudioPcm,
    Deferred,
    ImagePixels,
    Prepared,
    PreparedAssets,
    SvgRaster,
    VideoSource,
)

#: Largest side of an SVG raster; beyond it the raster is capped (and drawn scaled up).
MAX_SVG_RASTER_SIDE = 8192
#: Largest decoded image, in pixels (explicit resource limit, DESIGN.md §8).
MAX_IMAGE_PIXELS = 16384 * 16384


def _field(key: str, tag: str, name: str) -> str:
    return f"assets.{key}.{tag}.{name}"


def prepare_assets(
    comp: Composition,
    root: Path,
    decoder: Any,
    *,
    svg_renderer: Any | None,
    svg_scales: dict[str, tuple[float, float]],
    audio_decoder: Any | None = None,
    visual: bool = True,
    audio: bool = True,
    kinds: dict[str, Any] | None = None,
    kind_extra: dict[str, Any] | None = None,
) -> PreparedAssets:
    """Prepare every asset (sorted key order). ``svg_scales`` maps an Svg asset key to the
    largest (sx, sy) any of its clips reaches; ``svg_renderer`` has ``render_svg``;
    ``audio_decoder`` decodes sound when ``decoder`` has no audio (default: ``decoder``).

    With a worker pool the work is split, so nothing is decoded twice: the workers prepare
    with ``audio=False`` (they never mix sound: Audio assets get empty PCM, videos no
    sound), the parent with ``visual=False`` (it draws nothing: visual assets become
    `Deferred`, and only the sound of Audio and Video assets is decoded)."""
    keys = tuple(sorted(comp.assets))
    out = PreparedAssets(keys=keys)
    fonts = FontCache()
    uses = Counter(clip.asset for track in comp.tracks for clip in track.clips)
    media = _Media(decoder, audio_decoder or decoder, uses, audio)
    try:
        for key in keys:
            asset = comp.assets[key]
            if isinstance(asset, KindAsset):
                if not visual:
                    out.items.append(Deferred())
                    continue
                out.items.append(_prepare_kind(comp, key, asset, root, decoder, kinds, kind_extra))
                continue
            if visual or isinstance(asset, AudioAsset):
                item = _prepare_one(key, asset, root, media, fonts, svg_renderer, svg_scales)
            elif isinstance(asset, VideoAsset):
                item = Deferred(
                    True,
                    _video_audio(key, asset, root, media),
                    _loop_duration(key, asset, root, media),
                )
            else:
                item = Deferred()
            out.items.append(item)
    except BaseException:
        out.close()
        raise
    return out


def _prepare_kind(
    comp: Composition,
    key: str,
    asset: KindAsset,
    root: Path,
    decoder: Any,
    kinds: dict[str, Any] | None,
    extra: dict[str, Any] | None = None,
) -> Prepared:
    from wavyte_core.format.load import member_path
    from wavyte_core.plugin.asset_host import prepare_kind
    from wavyte_core.plugin.asset_kinds import PrepareContext

    bound = (kinds or {}).get(key)
    path = member_path(member_path("assets", key), asset.kind)
    if bound is None:  # pragma: no cover - the job binds every kind asset first
        raise CompositionError(path, f"asset kind '{asset.kind}' was not checked")
    fps = comp.fps.num / comp.fps.den if comp.fps.den else 0.0
    ctx = PrepareContext(
        key=key,
        path=path,
        assets_root=Path(root),
        canvas=(comp.canvas.width, comp.canvas.height),
        fps=fps,
        seed=bound.seed,
        composition=comp,
        decoder=decoder,
        extra=dict(extra or {}),
    )
    return prepare_kind(bound, ctx)  # type: ignore[return-value]


class _Media(NamedTuple):
    decoder: Any
    audio: Any
    uses: Counter[str]
    decode_audio: bool = True


def _loop_duration(key: str, asset: VideoAsset, root: Path, media: _Media) -> float | None:
    """The media duration of a looping video without a trim end, for a process that does
    not draw it (the parent of a worker pool evaluates frames, so it needs the period):
    one session opened and closed at prepare."""
    if not asset.loop or asset.trim_end_sec is not None or media.decoder is None:
        return None
    path = resolve_asset_path(root, asset.source, _field(key, "Video", "source"))
    session = media.decoder.open_video(path)
    try:
        return getattr(session, "duration", None)
    finally:
        session.close()


def _video_audio(key: str, asset: VideoAsset, root: Path, media: _Media) -> Any:
    """A video's sound as float PCM, or None (muted, silent, not wanted, or no decoder)."""
    if not media.decode_audio or asset.muted or asset.volume <= 0:
        return None
    if not hasattr(media.audio, "decode_audio"):
        return None
    path = resolve_asset_path(root, asset.source, _field(key, "Video", "source"))
    return media.audio.decode_audio(path)


def natural_svg_size(
    key: str, asset: SvgAsset, root: Path
) -> tuple[bytes, Path, tuple[float, float]]:
    path = resolve_asset_path(root, asset.source, _field(key, "Svg", "source"))
    data = _read(path, _field(key, "Svg", "source"), MAX_SVG_BYTES)
    try:
        size = svg_natural_size(data)
    except ValueError as exc:
        raise AssetError(str(path), f"invalid SVG: {exc}") from None
    return data, path, size


def _read(path: Path, field: str, limit: int) -> bytes:
    """The file's bytes; a file larger than ``limit`` is refused before it is read."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise AssetError(str(path), f"file is {size} bytes, larger than the limit of {limit}")
        return path.read_bytes()
    except OSError as exc:
        raise AssetError(field, f"cannot read {path}: {exc.strerror or exc}") from None


def check_image_header(path: Path) -> None:
    """Refuse an image whose header claims more than `MAX_IMAGE_PIXELS` before any decoder
    allocates for it (a decompression bomb: a few KB claiming 50000×50000). Formats the
    header reader does not know are left to the decoder and the check after decoding."""
    size = image_size(path)
    if size is None:  # unknown or unreadable header: the decoder reports it
        return
    w, h = size
    if w > 0 and h > 0 and w * h > MAX_IMAGE_PIXELS:
        raise AssetError(
            str(path),
            f"image header claims {w}x{h}, larger than the limit of {MAX_IMAGE_PIXELS} pixels "
            "(refused before decoding)",
        )


def load_font(root: Path, fonts: FontCache, rel: str, field: str) -> FontFace:
    """The font file ``rel`` (confined to ``root``; ``field`` names it in errors), loaded
    once per job (and once per process across jobs, by the asset cache)."""
    path = resolve_asset_path(root, rel, field)
    try:
        return cached("font", path, None, partial(fonts.load, path))
    except WavyteError:
        raise
    except Exception as exc:
        raise AssetError(str(path), f"not a usable font file: {exc}") from None


def _prepare_one(
    key: str,
    asset: Any,
    root: Path,
    media: _Media,
    fonts: FontCache,
    svg_renderer: Any | None,
    svg_scales: dict[str, tuple[float, float]],
) -> Prepared:
    if isinstance(asset, PathAsset):
        try:
            return parse_svg_path(asset.svg_path_d)
        except ValueError as exc:
            raise CompositionError(_field(key, "Path", "svg_path_d"), str(exc)) from None
    if isinstance(asset, TextAsset):
        load = partial(load_font, root, fonts)
        if asset.typographic:
            return prepare_rich_text(key, asset, load)
        return shape_text(asset, load(asset.font_source, _field(key, "Text", "font_source")))
    if isinstance(asset, ImageAsset):
        path = resolve_asset_path(root, asset.source, _field(key, "Image", "source"))
        check_image_header(path)
        pixels = cached(
            "image", path, type(media.decoder), partial(media.decoder.decode_image, path)
        )
        h, w = pixels.shape[:2]
        if w * h > MAX_IMAGE_PIXELS:
            raise AssetError(
                str(path), f"image is {w}x{h}, larger than the limit of {MAX_IMAGE_PIXELS} pixels"
            )
        pixels.flags.writeable = False
        return ImagePixels(pixels)
    if isinstance(asset, SvgAsset):
        data, path, (nw, nh) = natural_svg_size(key, asset, root)
        if svg_renderer is None:
            raise AssetError(
                str(path),
                "no installed rasterizer can render SVG files (install wavyte-backend-skia)",
            )
        sx, sy = svg_scales.get(key, (1.0, 1.0))
        pw = min(max(math.ceil(nw * sx), 1), MAX_SVG_RASTER_SIDE)
        ph = min(max(math.ceil(nh * sy), 1), MAX_SVG_RASTER_SIDE)
        try:
            pixels = cached(
                "svg",
                path,
                (type(svg_renderer), pw, ph),
                partial(svg_renderer.render_svg, data, path.parent, pw, ph, nw, nh),
            )
        except Exception as exc:
            raise AssetError(str(path), f"cannot render SVG: {exc}") from None
        pixels.flags.writeable = False
        return SvgRaster(pixels, nw, nh)
    if isinstance(asset, VideoAsset):
        path = resolve_asset_path(root, asset.source, _field(key, "Video", "source"))
        session = media.decoder.open_video(path)
        session = share_if_reused(session, partial(media.decoder.open_video, path), media.uses[key])
        try:
            audio = _video_audio(key, asset, root, media)
        except BaseException:
            session.close()
            raise
        return VideoSource(session, session.width, session.height, audio)
    if isinstance(asset, AudioAsset):
        path = resolve_asset_path(root, asset.source, _field(key, "Audio", "source"))
        pcm = (
            None
            if asset.muted or asset.volume <= 0 or not media.decode_audio
            else cached("audio", path, type(media.audio), partial(media.audio.decode_audio, path))
        )
        if pcm is None and media.decode_audio and not (asset.muted or asset.volume <= 0):
            raise AssetError(str(path), "the file has no audio stream")
        import numpy as np

        return AudioPcm(pcm if pcm is not None else np.zeros((0, 2), np.float32))
    raise AssetError(key, f"unsupported asset type {type(asset).__name__}")  # pragma: no cover
