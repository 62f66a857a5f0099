"""A render job: a composition bound to backends, with everything prepared once.

``Job(comp, ...)`` does all the work that must not happen per frame: it creates the role
objects (one plugin factory call each), parses effects and transitions into typed objects,
prepares assets (all I/O), solves the layout, compiles the evaluator, converts prepared
assets to the rasterizer's native handles, and resolves per clip the bound method that
draws it. After that, `render_into` is evaluate → plan → draw, nothing else.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from wavyte_core.assets.levels import AudioLevels
from wavyte_core.assets.prepare import prepare_assets
from wavyte_core.assets.rich_text import check_text_paints, text_state_at
from wavyte_core.errors import CompositionError, PluginError, RenderError, WavyteError
from wavyte_core.format.model import (
    AudioAsset,
    Composition,
    ImageAsset,
    KindAsset,
    SvgAsset,
    TextAsset,
    VideoAsset,
)
from wavyte_core.format.paths import resolve_asset_path
from wavyte_core.format.validate import check_sampling, validate
from wavyte_core.plugin.asset_host import (
    BoundAsset,
    KindDrawer,
    PreparedKind,
    bind_asset,
    keyed_state_at,
)
from wavyte_core.plugin.asset_kinds import AssetKind, KindSound
from wavyte_core.plugin.host import bind_effect, bind_transition
from wavyte_core.plugin.kinds import SetupContext
from wavyte_core.plugin.prepared import (
    AudioPcm,
    Deferred,
    ImagePixels,
    PathGeometry,
    PreparedAssets,
    RichText,
    ShapedText,
    SvgRaster,
    VideoSource,
)
from wavyte_core.plugin.registry import OPTIONAL_KINDS, Registry, default_registry
from wavyte_core.plugin.roles import Surface
from wavyte_core.plugin.specs import EffectOp, ParsedTransition
from wavyte_core.render.frame_renderer import ClipRuntime, FrameRenderer
from wavyte_core.render.text_draw import TextDrawer
from wavyte_core.render.timing import StageTimer
from wavyte_core.run.transition_check import transition_warnings
from wavyte_core.timeline.affine import IDENTITY, max_scale, mul, transform_to_affine
from wavyte_core.timeline.affine import scale as scale_affine
from wavyte_core.timeline.anim import LevelLookup, audio_levels_in, compile_anim, is_constant
from wavyte_core.timeline.evaluate import Evaluator, FrameGraph, loop_period, unpaired_opacity
from wavyte_core.timeline.layout import solve_layout
from wavyte_core.timeline.rng import stable_hash64

#: The CLI's and the reference's background, #12141c.
DEFAULT_BACKGROUND = (18, 20, 28, 255)
WHITE = (255, 255, 255, 255)


#: The decoder a job uses unless told otherwise (not required when nothing is decoded).
DEFAULT_DECODER = "pyav"


@dataclass(frozen=True, slots=True)
class Backends:
    rasterizer: str = "skia"
    compositor: str = "skia"
    decoder: str = DEFAULT_DECODER
    encoder: str = "pyav"


@dataclass(frozen=True, slots=True)
class ClipEffects:
    opacity_mul: float
    post: tuple | None
    pixel: tuple
    t_in: ParsedTransition | None
    t_out: ParsedTransition | None
    #: Set when a pass depends on the frame (animated plugin params): the clip's passes at
    #: a clip-local frame; ``pixel`` is then unused.
    pixel_at: Callable[[int], tuple] | None = None


def check(comp: Composition, *, registry: Registry | None = None) -> None:
    """Everything checked before a render starts: the format's validation rules, animations
    that could never be sampled, and that every effect kind is installed."""
    validate(comp)
    check_text_paints(comp)
    check_sampling(comp)
    reg = registry or default_registry()
    parse_asset_kinds(comp, reg, levels_at=silent_levels)
    parse_clip_effects(comp, reg, levels_at=silent_levels)


def silent_levels(clip_start: int) -> LevelLookup:
    """The ``AudioLevel`` lookup of checks made before any sound is decoded: level 0."""

    def lookup(spec: Any) -> Callable[[int], float]:
        return lambda f: 0.0

    return lookup


def parse_asset_kinds(
    comp: Composition,
    registry: Registry,
    levels_at: Callable[[int], LevelLookup] | None = None,
) -> dict[str, BoundAsset]:
    """Bind every kind asset (``{"Shape": ...}``, ``{"acme.particles": ...}``) to its
    installed kind: its JSON validated, its animated values compiled. An uninstalled kind
    or a bad value is a `CompositionError` naming its JSON path."""
    from wavyte_core.format.load import member_path
    from wavyte_core.timeline.rng import stable_hash64

    out: dict[str, BoundAsset] = {}
    spf = comp.fps.den / comp.fps.num if comp.fps.num else 1 / 30
    for key in sorted(comp.assets):
        asset = comp.assets[key]
        if not isinstance(asset, KindAsset):
            continue
        apath = member_path("assets", key)
        spec = registry.asset_kinds.get(asset.kind)
        if spec is None:
            have = ", ".join(registry.asset_kind_names()) or "none"
            raise CompositionError(
                member_path(apath, asset.kind),
                f"unknown asset kind '{asset.kind}' (installed: {have})"
                + (
                    f"; install it: {OPTIONAL_KINDS[asset.kind]}"
                    if asset.kind in OPTIONAL_KINDS
                    else ""
                ),
            )
        out[key] = bind_asset(
            spec,
            asset.params,
            member_path(apath, asset.kind),
            secs_per_frame=spf,
            seed=stable_hash64(comp.seed, key),
            levels=levels_at(0) if levels_at is not None else None,
        )
    return out


def follows_sound(asset: KindAsset) -> bool:
    """Whether a kind asset animates a value with ``AudioLevel`` (then each clip binds it
    with its own start: levels are read at timeline frames)."""
    return "AudioLevel" in json.dumps(asset.params, default=str)


def kind_sounds(
    comp: Composition,
    root: Path,
    kinds: dict[str, BoundAsset],
    extra: dict[str, Any],
    decoder: Any = None,
) -> dict[str, KindSound]:
    """The sound of every kind asset that makes one (`AssetKind.sound`), asked once, by
    the process that mixes the audio."""
    from wavyte_core.format.load import member_path
    from wavyte_core.plugin.asset_kinds import PrepareContext

    out: dict[str, KindSound] = {}
    fps = comp.fps.num / comp.fps.den if comp.fps.den else 0.0
    used = {c.asset for t in comp.tracks for c in t.clips}
    for key, bound in kinds.items():
        cls = bound.spec.kind
        if key not in used or cls.sound.__func__ is AssetKind.sound.__func__:  # type: ignore[attr-defined]
            continue
        asset = comp.assets[key]
        ctx = PrepareContext(
            key=key,
            path=member_path(member_path("assets", key), getattr(asset, "kind", "")),
            assets_root=root,
            canvas=(comp.canvas.width, comp.canvas.height),
            fps=fps,
            seed=bound.seed,
            composition=comp,
            decoder=decoder,
            extra=dict(extra),
        )
        try:
            sound = cls.sound(bound.first, ctx)
        except WavyteError:
            raise
        except Exception as exc:
            raise PluginError(f"{ctx.path}: asset kind '{cls.name}' sound failed: {exc!r}") from exc
        if sound is not None and len(sound.pcm):
            out[key] = sound
    return out


def loop_periods(comp: Composition, assets: PreparedAssets | None) -> dict[str, float | None]:
    """The loop period of every looping Video asset (None: unknown, plays once)."""
    durations = assets.media_durations() if assets is not None else {}
    return {
        key: loop_period(a, durations.get(key))
        for key, a in comp.assets.items()
        if isinstance(a, VideoAsset) and a.loop
    }


def parse_clip_effects(
    comp: Composition,
    registry: Registry,
    assets_root: Path | None = None,
    levels_at: Callable[[int], LevelLookup] | None = None,
) -> list[ClipEffects]:
    """Parse every effect and transition of every clip (track-major order) into plugin
    objects. An unknown effect kind or a bad param is a `CompositionError` naming its JSON
    path; unknown un-namespaced transition kinds are allowed (the format treats them as
    fades), an unknown namespaced kind (``vendor.kind``) and plugin transition kinds with
    bad params are errors.

    With ``assets_root`` None this only validates: plugin kinds are not instantiated (no
    ``setup``, no I/O)."""
    from wavyte_core.timeline.rng import stable_hash64

    out: list[ClipEffects] = []
    fps = comp.fps.num / comp.fps.den if comp.fps.den else 0.0
    spf = comp.fps.den / comp.fps.num if comp.fps.num else 1 / 30  # §1.3, one division
    canvas = (comp.canvas.width, comp.canvas.height)
    for ti, track in enumerate(comp.tracks):
        for ci, clip in enumerate(track.clips):
            base = f"tracks[{ti}].clips[{ci}]"
            seed = stable_hash64(comp.seed, clip.id)
            levels = levels_at(clip.range.start) if levels_at is not None else None

            def ctx(path: str) -> SetupContext | None:
                if assets_root is None:
                    return None
                return SetupContext(canvas, fps, seed, path, Path(assets_root))  # noqa: B023

            ops: list[EffectOp] = []
            for ei, fx in enumerate(clip.effects):
                kind = fx.kind.strip().lower()
                where = f"{base}.effects[{ei}]"
                if not kind:
                    raise CompositionError(f"{where}.kind", "effect kind must be non-empty")
                spec = registry.effects.get(kind)
                if spec is None:
                    have = ", ".join(registry.effect_kinds()) or "none"
                    raise CompositionError(
                        f"{where}.kind",
                        f"unknown effect kind '{kind}' (installed: {have}){registry.not_loaded()}",
                    )
                if spec.effect is not None:
                    ops.append(
                        bind_effect(
                            spec, fx.params, f"{where}.params", ctx(f"{where}.params"), spf, levels
                        )
                    )
                    continue
                try:
                    ops.append(spec.parse(fx.params))  # type: ignore[misc]
                except ValueError as exc:
                    raise CompositionError(f"{where}.params", str(exc)) from None
            t_in = _parse_transition(
                clip.transition_in, registry, f"{base}.transition_in", ctx, levels
            )
            t_out = _parse_transition(
                clip.transition_out, registry, f"{base}.transition_out", ctx, levels
            )
            out.append(_fold(ops, t_in, t_out))
    return out


def _fold(
    ops: list[EffectOp], t_in: ParsedTransition | None, t_out: ParsedTransition | None
) -> ClipEffects:
    """§4.1 step 2: opacity factors multiply, posts compose left to right, passes in order."""
    o = 1.0
    post = None
    for op in ops:
        o *= op.opacity_mul
        if op.post is not None:
            post = mul(post if post is not None else IDENTITY, op.post)
    if not math.isfinite(o) or o < 0:
        o = 0.0
    pixel = tuple(op.pixel for op in ops if op.pixel is not None)
    if not any(op.pixel_at is not None for op in ops):
        return ClipEffects(o, post, pixel, t_in, t_out)
    items = tuple(
        (op.pixel_at, None) if op.pixel_at is not None else (None, op.pixel)
        for op in ops
        if op.pixel_at is not None or op.pixel is not None
    )

    def pixel_at(local: int) -> tuple:
        out = []
        for fn, fixed in items:
            p = fn(local) if fn is not None else fixed
            if p is not None:
                out.append(p)
        return tuple(out)

    return ClipEffects(o, post, (), t_in, t_out, pixel_at)


def _parse_transition(
    spec: Any,
    registry: Registry,
    path: str,
    ctx: Callable[[str], SetupContext | None],
    levels: LevelLookup | None = None,
) -> ParsedTransition | None:
    if spec is None:
        return None
    name = spec.kind.strip().lower()
    kind = registry.transitions.get(name)
    if kind is None:
        if "." in name:  # a plugin's namespace: a typo or a plugin not installed
            have = ", ".join(k for k in registry.transition_kinds() if "." in k) or "none"
            raise CompositionError(
                f"{path}.kind",
                f"unknown transition kind '{name}' (plugin transition kinds installed: {have}; "
                "only the format's own un-namespaced kinds fall back to a fade)"
                + registry.not_loaded(),
            )
        return None
    if kind.transition is not None:
        return bind_transition(kind, spec.params, path + ".params", ctx(path + ".params"), levels)
    try:
        return kind.parse(spec.params)  # type: ignore[misc]
    except ValueError:
        return None


class Job:
    """A composition prepared for rendering on chosen backends. Close it when done."""

    def __init__(
        self,
        comp: Composition,
        *,
        assets_root: str | Path = ".",
        backends: Backends = Backends(),
        background: tuple[int, int, int, int] | None = DEFAULT_BACKGROUND,
        registry: Registry | None = None,
        timings: bool = False,
        workers: int = 1,
        audio: bool = True,
        chain: tuple[Path, ...] = (),
    ) -> None:
        """``workers > 1`` starts a pool of render processes that prepare and draw; this
        process then prepares only sound and takes the asset sizes (for the layout) from
        the workers — it prepares its own drawing state on first use (``render_into``).
        ``audio=False`` leaves sound undecoded (the workers' jobs: they never mix it).
        ``chain``: the composition files this one is nested in (outermost first), for
        nested ``Composition`` assets to refuse cycles and depth."""
        self.comp = comp
        self.chain = chain
        self.pool: Any = None
        self.timer = StageTimer() if timings else None
        self.backends = backends
        self.registry = reg = registry or default_registry()
        self.root = Path(assets_root)
        #: level tables of AudioLevel animations, computed on first use (at prepare time)
        self.levels = AudioLevels(comp, self._pcm_for_levels, self._level_loop_periods)
        self.kinds = parse_asset_kinds(comp, reg, self.levels.lookup_at)
        self.effects = parse_clip_effects(comp, reg, self.root, self.levels.lookup_at)
        #: Plugin transitions that cannot pair (they render as plain fades), reported by
        #: every render of the job (`transition_check`).
        self.warnings: list[str] = transition_warnings(comp, reg)
        self.background = background
        self.assets: PreparedAssets | None = None
        self._renderer: FrameRenderer | None = None
        self.rast: Any = None
        self.compositor: Any = None
        self.decoder: Any = None
        self.audio_decoder: Any = None
        if backends.decoder != DEFAULT_DECODER and not self._needs_decoder():
            # A decoder named explicitly is checked even when nothing needs decoding: a
            # misspelt --decoder is an error, not silently ignored until media is added.
            reg.spec("decoder", backends.decoder)
        try:
            if workers > 1:
                # The workers start first: their interpreter start, imports and preparation
                # run while this process checks the backends and decodes the sound.
                for role in ("rasterizer", "compositor"):
                    reg.spec(role, getattr(backends, role))  # unknown or unavailable: now
                if self._needs_decoder():
                    reg.spec("decoder", backends.decoder)
                from wavyte_core.run.parallel import WorkerPool

                self.pool = WorkerPool(self, workers, wait=False)
                if audio and self._has_sound():
                    if "audio" in reg.spec("decoder", backends.decoder).capabilities:
                        self.decoder = reg.create("decoder", backends.decoder)
                    self.audio_decoder = self._audio_decoder()
                if self.decoder is None and self._probes_loops():
                    self.decoder = reg.create("decoder", backends.decoder)
                self.assets = prepare_assets(
                    comp, self.root, self.decoder, svg_renderer=None, svg_scales={},
                    audio_decoder=self.audio_decoder, visual=False, audio=audio,
                    kinds=self.kinds, kind_extra=self._kind_extra(),
                )  # fmt: skip
                sizes = self.pool.wait_ready(every=False)
                self._layout(sizes)
            else:
                self._create_roles(audio)
                self._prepare(audio)
        except BaseException:
            self.close()
            raise

    # ----------------------------------------------------------------- preparation

    def _needs_decoder(self) -> bool:
        return any(
            isinstance(a, (ImageAsset, VideoAsset, AudioAsset)) for a in self.comp.assets.values()
        )

    def _probes_loops(self) -> bool:
        """Whether a looping video needs its media duration read (no trim end given)."""
        return any(
            isinstance(a, VideoAsset) and a.loop and a.trim_end_sec is None
            for a in self.comp.assets.values()
        )

    def _has_sound(self) -> bool:
        return any(isinstance(a, (VideoAsset, AudioAsset)) for a in self.comp.assets.values())

    def _create_roles(self, audio: bool) -> None:
        reg, backends = self.registry, self.backends
        self.rast = reg.create("rasterizer", backends.rasterizer)
        self.compositor = reg.create("compositor", backends.compositor)
        if self._needs_decoder():
            if self.decoder is None:
                self.decoder = reg.create("decoder", backends.decoder)
            if self.audio_decoder is None:
                self.audio_decoder = self._audio_decoder() if audio else self.decoder

    def _prepare(self, audio: bool) -> None:
        """Everything this process needs to draw: assets, layout, evaluator, renderer."""
        comp = self.comp
        # SVG files are read and measured once, in prepare_assets (not here as well).
        has_svg = any(isinstance(a, SvgAsset) for a in comp.assets.values())
        svg_scales = self._svg_scales() if has_svg else {}
        self.assets = prepare_assets(
            comp,
            self.root,
            self.decoder,
            svg_renderer=self._svg_renderer() if has_svg else None,
            svg_scales=svg_scales,
            audio_decoder=self.audio_decoder,
            audio=audio,
            kinds=self.kinds,
            kind_extra=self._kind_extra(),
        )
        self._layout(self.assets.sizes())
        self._renderer = self._build_renderer()

    def _layout(self, sizes: dict[str, tuple[float, float]]) -> None:
        self.sizes = sizes
        self.layout = solve_layout(self.comp, sizes)
        #: Video asset key → loop period (s) of the looping videos: picture and sound repeat
        self.loop_periods = loop_periods(self.comp, self.assets)
        states = [self._kind_state(c) for t in self.comp.tracks for c in t.clips]
        self.evaluator = Evaluator(
            self.comp,
            self.layout,
            effect_passes=[fx.pixel_at for fx in self.effects],
            asset_states=states if any(st is not None for st in states) else None,
            media_durations=self.assets.media_durations() if self.assets is not None else None,
            levels_at=self.levels.lookup_at,
        )

    def _state_fn(self, key: str, clip_start: int = 0) -> Callable[[int], Any] | None:
        """Per clip-local frame, what an asset's drawing depends on (None: nothing changes):
        an animated or frame-varying kind's values (or its own frame state, when prepared
        here), a Text asset's animated letter spacing and paint."""
        if key in self.kinds:
            item = None
            if self.assets is not None and key in self.assets.keys:
                item = self.assets.items[self.assets.keys.index(key)]
            if isinstance(item, PreparedKind):
                keyed = keyed_state_at(item)
                if keyed is not None:
                    return keyed
            return self.kinds[key].state_at(clip_start)
        asset = self.comp.assets.get(key)
        if isinstance(asset, TextAsset) and asset.typographic:
            seed = stable_hash64(self.comp.seed, key)
            return text_state_at(asset, self.comp.fps.secs_per_frame, seed)
        return None

    def _build_renderer(self) -> FrameRenderer:
        comp = self.comp
        runtimes = [self._runtime(info) for info in self.evaluator.clips]
        blends = any(
            info.clip.props.blend != "Normal" or info.clip.matte is not None
            for info in self.evaluator.clips
        )
        if blends or any(rt.pixel or rt.dynamic_fx or rt.t_out is not None for rt in runtimes):
            from wavyte_core.render.blur import opencv

            opencv()  # the exact blur, blend and matte kernels: imported now, not in the first frame
        w, h = comp.canvas.width, comp.canvas.height
        bg = None if self.background is None else _premul_bgra(self.background)
        return FrameRenderer(
            runtimes,
            self.rast,
            self.compositor,
            w,
            h,
            bg,
            unpaired_opacity=unpaired_opacity,
            timer=self.timer,
        )

    @property
    def renderer(self) -> FrameRenderer:
        """The frame renderer; a pool's parent prepares its drawing state on first use."""
        if self._renderer is None:
            self._prepare_to_draw()
            assert self._renderer is not None
        return self._renderer

    def _prepare_to_draw(self) -> None:
        """A pool's parent asked to draw (``job.frame(n)``, ``render(workers=1)``): prepare
        the visual assets here too, keeping the sound already decoded."""
        sound = self.assets
        sizes = self.sizes
        self.assets = None
        try:
            self._create_roles(audio=False)  # the sound is decoded already: kept below
            self._prepare(audio=False)
        finally:
            if sound is not None:
                sound.close()
        assert self.assets is not None
        if self.assets.sizes() != sizes:  # pragma: no cover (same code, same files)
            raise RenderError("asset sizes differ between this process and its workers")
        if sound is not None:
            for i, item in enumerate(sound.items):
                if isinstance(item, AudioPcm):
                    self.assets.items[i] = item
                elif isinstance(item, Deferred) and item.video:
                    src = self.assets.items[i]
                    assert isinstance(src, VideoSource)
                    src.audio = item.video_audio

    def _audio_decoder(self) -> Any:
        """The job's decoder when it decodes audio, else any installed one that does."""
        if "audio" in self.registry.spec("decoder", self.backends.decoder).capabilities:
            return self.decoder
        has_audio = any(isinstance(a, (VideoAsset, AudioAsset)) for a in self.comp.assets.values())
        if has_audio:
            for name in self.registry.available("decoder"):
                if "audio" in self.registry.roles["decoder"][name].capabilities:
                    return self.registry.create("decoder", name)
        return self.decoder

    def _svg_renderer(self) -> Any:
        """The job's rasterizer when it renders SVG, else any installed one that does."""
        if hasattr(self.rast, "render_svg"):
            return self.rast
        for name in self.registry.available("rasterizer"):
            spec = self.registry.roles["rasterizer"][name]
            if "svg" in spec.capabilities:
                return self.registry.create("rasterizer", name)
        return None

    def _svg_scales(self) -> dict[str, tuple[float, float]]:
        """Largest (sx, sy) each SVG asset reaches over its clips' lives (§4.4.3), so it is
        rasterised once, never per frame."""
        comp = self.comp
        spf = comp.fps.secs_per_frame
        out: dict[str, tuple[float, float]] = {}
        gi = 0
        from wavyte_core.timeline.rng import stable_hash64

        for track in comp.tracks:
            for clip in track.clips:
                fx = self.effects[gi]
                gi += 1
                if not isinstance(comp.assets.get(clip.asset), SvgAsset):
                    continue
                sample = compile_anim(
                    clip.props.transform,
                    "transform",
                    secs_per_frame=spf,
                    seed=stable_hash64(comp.seed, clip.id),
                )
                n = 1 if is_constant(clip.props.transform) else max(clip.range.length, 1)
                bx, by = out.get(clip.asset, (0.0, 0.0))
                for f in range(n):
                    m = transform_to_affine(sample(f))
                    if fx.post is not None:
                        m = mul(m, fx.post)
                    sx, sy = max_scale(m)
                    bx, by = max(bx, sx), max(by, sy)
                out[clip.asset] = (bx, by)
        return out

    def _runtime(self, info: Any) -> ClipRuntime:
        fx = self.effects[info.index]
        clip = info.clip
        rt = ClipRuntime(
            index=info.index,
            draw=None if isinstance(info.asset, AudioAsset) else self._draw_fn(info.asset_key),
            opacity_mul=fx.opacity_mul,
            post=fx.post,
            pixel=fx.pixel,
            dynamic_fx=fx.pixel_at is not None,
            t_in=fx.t_in,
            t_out=fx.t_out,
            has_in=clip.transition_in is not None,
            has_out=clip.transition_out is not None,
            local_bounds=self._local_bounds(info.asset_key),
        )
        return rt

    def _local_bounds(self, key: str) -> tuple[float, float, float, float] | None:
        """The box an asset's pixels occupy in its local coordinates (for content-sized
        effects such as blur); None for anything whose extent is not known."""
        assert self.assets is not None
        item = self.assets.items[self.assets.keys.index(key)]
        if isinstance(item, PathGeometry):
            return item.bbox
        if isinstance(item, ShapedText):
            x0, y0, x1, y1 = item.outline.bbox
            return min(x0, 0.0), min(y0, 0.0), max(x1, item.width), max(y1, item.height)
        if isinstance(item, RichText):
            x0, y0, x1, y1 = item.bbox
            return min(x0, 0.0), min(y0, 0.0), max(x1, item.width), max(y1, item.height)
        if isinstance(item, (ImagePixels, SvgRaster, VideoSource)):
            w, h = item.size
            return 0.0, 0.0, w, h
        if isinstance(item, PreparedKind):
            return item.bounds  # None while its values animate
        return None

    def _draw_fn(self, key: str) -> Callable[[Surface, Any, float, Any], None]:
        """The bound draw call for an asset, with its native handle made once."""
        assert self.assets is not None
        if not hasattr(self, "_handles"):
            self._handles: dict[str, Callable] = {}
        if key in self._handles:
            return self._handles[key]
        item = self.assets.items[self.assets.keys.index(key)]
        r = self.rast
        fn: Callable
        if isinstance(item, PathGeometry):
            fn = partial(_fill_path, r.fill_path, r.prepare_path(item))
        elif isinstance(item, ShapedText):
            fn = partial(_draw_text, r.draw_text, r.prepare_text(item))
        elif isinstance(item, RichText):
            fn = TextDrawer(r, item).draw
        elif isinstance(item, ImagePixels):
            fn = partial(_draw_image, r.draw_image, r.prepare_image(item.pixels))
        elif isinstance(item, SvgRaster):
            fn = partial(
                _draw_svg,
                r.draw_image,
                r.prepare_image(item.pixels),
                scale_affine(*item.local_scale),
            )
        elif isinstance(item, VideoSource):
            frame_at = item.session.frame_at
            if self.timer is not None:
                frame_at = self.timer.wrap("decode", frame_at)
            fn = partial(_draw_video, r.draw_pixels, frame_at)
        elif isinstance(item, PreparedKind):
            fn = KindDrawer(item, r)
        elif isinstance(item, AudioPcm):
            fn = _draw_nothing
        else:  # pragma: no cover
            raise PluginError(f"cannot draw {type(item).__name__}")
        self._handles[key] = fn
        return fn

    # --------------------------------------------------------------------- frames

    @property
    def width(self) -> int:
        return self.comp.canvas.width

    @property
    def height(self) -> int:
        return self.comp.canvas.height

    def evaluate(self, frame: int) -> FrameGraph:
        return self.evaluator.evaluate(frame)

    def evaluate_fn(self) -> Callable[[int], FrameGraph]:
        """The per-frame evaluate call, timed when the job records stage timings."""
        fn = self.evaluator.evaluate
        return self.timer.wrap("evaluate", fn) if self.timer is not None else fn

    def render_into(self, graph: FrameGraph, dst: Surface) -> None:
        (self._renderer or self.renderer).render(graph, dst)

    def new_surface(self) -> Surface:
        return Surface.alloc(self.width, self.height)

    def _kind_extra(self) -> dict[str, Any]:
        """What asset kinds may use beyond `PrepareContext`'s fields (see `nested`)."""
        return {
            "backends": self.backends,
            "registry": self.registry,
            "chain": self.chain,
            "audio_decoder": self.audio_decoder,
        }

    def _kind_state(self, clip: Any) -> Callable[[int], Any] | None:
        """The per-frame state of a clip's asset (`_state_fn`). A kind that follows a
        sound is bound again for this clip: its levels are read at the clip's timeline
        frames."""
        bound = self.kinds.get(clip.asset)
        asset = self.comp.assets.get(clip.asset)
        if (
            bound is not None
            and clip.range.start != 0
            and isinstance(asset, KindAsset)
            and follows_sound(asset)
        ):
            from wavyte_core.format.load import member_path
            from wavyte_core.timeline.rng import stable_hash64

            spf = self.comp.fps.den / self.comp.fps.num
            bound = bind_asset(
                bound.spec,
                asset.params,
                member_path(member_path("assets", clip.asset), asset.kind),
                secs_per_frame=spf,
                seed=stable_hash64(self.comp.seed, clip.asset),
                levels=self.levels.lookup_at(clip.range.start),
            )
            return bound.state_at(clip.range.start)
        return self._state_fn(clip.asset, clip.range.start)

    def _level_loop_periods(self) -> dict[str, float | None]:
        """Loop periods for the sound level tables: from the prepared assets when they
        exist, else read now (a level table can be needed while effects are bound)."""
        if getattr(self, "loop_periods", None) is not None:
            return self.loop_periods
        durations: dict[str, float | None] = {}
        for key, a in self.comp.assets.items():
            if isinstance(a, VideoAsset) and a.loop and a.trim_end_sec is None:
                path = resolve_asset_path(self.root, a.source, f"assets.{key}.Video.source")
                decoder = getattr(self, "decoder", None) or self.registry.create(
                    "decoder", self.backends.decoder
                )
                session = decoder.open_video(path)
                try:
                    durations[key] = getattr(session, "duration", None)
                finally:
                    session.close()
        return {
            key: loop_period(a, durations.get(key))
            for key, a in self.comp.assets.items()
            if isinstance(a, VideoAsset) and a.loop
        }

    def _pcm_for_levels(self, key: str) -> np.ndarray | None:
        """An asset's sound for its level table: the decoded PCM when this process has it,
        else decoded now (render workers and muted stems are not decoded for the mix)."""
        pcm = self.audio_pcm().get(key) if getattr(self, "assets", None) is not None else None
        if pcm is not None and len(pcm):
            return pcm
        asset = self.comp.assets[key]
        tag = "Audio" if isinstance(asset, AudioAsset) else "Video"
        path = resolve_asset_path(self.root, asset.source, f"assets.{key}.{tag}.source")
        reg = self.registry
        names = [self.backends.decoder, *reg.available("decoder")]
        name = next((n for n in names if "audio" in reg.spec("decoder", n).capabilities), None)
        if name is None:
            return None
        return reg.create("decoder", name).decode_audio(path)

    def kind_sounds(self) -> dict[str, KindSound]:
        """The sound of the kind assets that make one (nested compositions), computed on
        first use (when the mix is made) and kept."""
        sounds = getattr(self, "_kind_sounds", None)
        if sounds is None:
            sounds = self._kind_sounds = kind_sounds(
                self.comp, self.root, self.kinds, self._kind_extra(), self.audio_decoder
            )
        return sounds

    def audio_pcm(self) -> dict[str, np.ndarray | None]:
        """Decoded PCM per asset key (Audio assets and Video assets with sound)."""
        out: dict[str, np.ndarray | None] = {}
        if self.assets is None:
            return out
        for key, item in zip(self.assets.keys, self.assets.items, strict=True):
            if isinstance(item, AudioPcm):
                out[key] = item.samples
            elif isinstance(item, VideoSource):
                out[key] = item.audio
            elif isinstance(item, Deferred) and item.video:
                out[key] = item.video_audio
        return out

    @property
    def workers(self) -> int:
        return len(self.pool.procs) if self.pool is not None else 1

    def close_pool(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def close(self) -> None:
        self.close_pool()
        if self.assets is not None:
            self.assets.close()
            self.assets = None

    def __enter__(self) -> Job:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _premul_bgra(rgba: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    r, g, b, a = rgba
    return ((b * a + 127) // 255, (g * a + 127) // 255, (r * a + 127) // 255, a)


def _fill_path(fill: Callable, handle: Any, s: Surface, m: Any, o: float, _t: Any) -> None:
    fill(s, handle, m, WHITE, o)


def _draw_text(draw: Callable, handle: Any, s: Surface, m: Any, o: float, _t: Any) -> None:
    draw(s, handle, m, o)


def _draw_image(draw: Callable, handle: Any, s: Surface, m: Any, o: float, _t: Any) -> None:
    draw(s, handle, m, o)


def _draw_svg(
    draw: Callable, handle: Any, adjust: Any, s: Surface, m: Any, o: float, _t: Any
) -> None:
    draw(s, handle, mul(m, adjust), o)


def _draw_video(draw: Callable, frame_at: Callable, s: Surface, m: Any, o: float, t: float) -> None:
    draw(s, frame_at(t), m, o)


def _draw_nothing(s: Surface, m: Any, o: float, t: Any) -> None:
    return None


def evaluator_for(
    comp: Composition, root: str | Path, registry: Registry | None = None
) -> Evaluator:
    """The evaluator `wavyte eval` uses: the composition alone when that is enough, else a
    prepared job's (layout sizes, looping videos' durations and ``AudioLevel`` tables come
    from the assets)."""
    from wavyte_core.format.model import LayoutMode

    needs_assets = (
        any(t.layout_mode != LayoutMode.Absolute for t in comp.tracks)
        or any(
            isinstance(a, VideoAsset) and a.loop and a.trim_end_sec is None
            for a in comp.assets.values()
        )
        or any(audio_levels_in(c.props.opacity) for t in comp.tracks for c in t.clips)
    )
    if not needs_assets:
        return Evaluator(comp, layout_for(comp, root, registry))
    with Job(comp, assets_root=root, registry=registry) as job:
        return job.evaluator


def layout_for(
    comp: Composition, root: str | Path, registry: Registry | None = None
) -> list[list[tuple[float, float]]]:
    """Layout offsets of every clip. Absolute tracks need no asset sizes; otherwise the
    assets are prepared (with the default backends) to learn their intrinsic sizes."""
    from wavyte_core.format.model import LayoutMode

    if all(t.layout_mode == LayoutMode.Absolute for t in comp.tracks):
        return [[(0.0, 0.0)] * len(t.clips) for t in comp.tracks]
    with Job(comp, assets_root=root, registry=registry) as job:
        return job.layout
