"""The floors the engine is measured against, each on exactly the frames of a scene.

``hand_written(scene)``: a minimal skia + PyAV loop, the way someone would write it by hand
for one scene: skia draws every layer of every frame straight into one numpy BGRA buffer
(``skia.Surface(array, kBGRA_8888, kPremul)``), and PyAV encodes that buffer through
``VideoFrame.from_numpy_buffer`` with libx264 (same CRF and preset as the engine,
``thread_type = "FRAME"``). It redraws every frame: no elision, no layer caching — that is
the point: those are what let the engine beat the floor on mostly static scenes.

The loop's per-frame work is hand-written: per layer a linear interpolation of its
keyframes, a fade factor for its transitions, one skia draw call. Setup (untimed) reads the
numbers from the scene's JSON and borrows the engine's prepare for the assets (decoded
photo, shaped text outline, rasterised SVG) so both draw the same glyphs and pixels.
Supported: Path, Text, Image, Svg and Shape assets, Linear/Hold keyframes with Linear easing,
unpaired fades and coinciding crossfades (drawn as two fades, the same opacities), and the
blur effect (a skia blur image filter). Scenes with video have no hand-written floor.

``encode_only(scene)``: the engine's encoder alone on the engine's own frames, with the
same settings. The frames are rendered first (untimed) and the distinct ones spooled to a
raw file (a 1080p, 300-frame scene is 2.4 GB: kept in the page cache, not in the process);
the timed loop reads each distinct frame once into one buffer and writes every frame to the
encoder, repeating the buffer for unchanged frames exactly as the engine does. The read
time is measured and subtracted (so the floor is, if anything, slightly optimistic).
"""

from __future__ import annotations

import bisect
import math
import tempfile
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from .scenes import SceneDoc

BACKGROUND = (18, 20, 28, 255)  # the engine's default, straight RGBA


class NoFloor(Exception):
    """The scene uses something the hand-written loop does not implement."""


@dataclass
class FloorResult:
    seconds: float
    frames: int
    read_seconds: float = 0.0


# ------------------------------------------------------------------ hand-written


@dataclass
class _Layer:
    start: int
    end: int
    tkeys: list[int]
    tvals: list[tuple[float, ...]]  # (tx, ty, rot, sx, sy, ax, ay)
    tlinear: bool
    okeys: list[int]
    ovals: list[float]
    olinear: bool
    fade_in: int
    fade_out: int
    draw: Any  # (canvas, opacity) -> None, or (canvas, opacity, local frame) for shapes
    framed: bool = False


def _keys(anim: dict[str, Any], what: str) -> tuple[list[int], list[Any], bool]:
    if "Keyframes" not in anim:
        raise NoFloor(f"{what}: only Keyframes animations")
    k = anim["Keyframes"]
    if any(e["ease"] != "Linear" for e in k["keys"]) and k["mode"] == "Linear":
        raise NoFloor(f"{what}: only Linear easing")
    return [e["frame"] for e in k["keys"]], [e["value"] for e in k["keys"]], k["mode"] == "Linear"


def _sample(keys: list[int], vals: list[Any], linear: bool, f: int) -> Any:
    i = bisect.bisect_right(keys, f)
    if i == 0:
        return vals[0]
    if i >= len(keys):
        return vals[-1]
    a, b = keys[i - 1], keys[i]
    if not linear or b == a:
        return vals[i - 1]
    t = (f - a) / (b - a)
    va, vb = vals[i - 1], vals[i]
    if isinstance(va, tuple):
        return tuple(x + (y - x) * t for x, y in zip(va, vb, strict=True))
    return va + (vb - va) * t


def _tvalue(v: dict[str, Any]) -> tuple[float, ...]:
    return (
        v["translate"]["x"],
        v["translate"]["y"],
        v["rotation_rad"],
        v["scale"]["x"],
        v["scale"]["y"],
        v["anchor"]["x"],
        v["anchor"]["y"],
    )


class HandWrittenScene:
    """Setup for the hand-written loop: native skia objects and per-layer keyframe tables."""

    def __init__(self, scene: SceneDoc) -> None:
        import skia

        import wavyte_core as wv
        from wavyte_core.plugin.asset_host import PreparedKind
        from wavyte_core.plugin.prepared import ImagePixels, PathGeometry, ShapedText, SvgRaster

        self.skia = skia
        doc = scene.doc
        self.width, self.height = doc["canvas"]["width"], doc["canvas"]["height"]
        self.frames = doc["duration"]
        self.fps = Fraction(doc["fps"]["num"], doc["fps"]["den"])
        comp = wv.load(scene.json_bytes())
        if any("Video" in a or "Audio" in a for a in doc["assets"].values()):
            raise NoFloor("video/audio assets")
        with wv.open_job(
            comp, assets_root=scene.root
        ) as job:  # prepare only: decode, shape, rasterise
            assert job.assets is not None
            prepared = dict(zip(job.assets.keys, job.assets.items, strict=True))
        self._keep: list[np.ndarray] = []
        native: dict[str, tuple[str, Any]] = {}
        for key, item in prepared.items():
            if isinstance(item, PathGeometry):
                native[key] = ("path", self._path(item))
            elif isinstance(item, ShapedText):
                native[key] = ("path", self._path(item.outline))
            elif isinstance(item, ImagePixels):
                native[key] = ("image", (self._image(item.pixels), 1.0, 1.0))
            elif isinstance(item, SvgRaster):
                native[key] = ("image", (self._image(item.pixels), *item.local_scale))
            elif isinstance(item, PreparedKind) and "Shape" in doc["assets"][key]:
                native[key] = ("shape", HandShape(doc["assets"][key]["Shape"], item))
            else:
                raise NoFloor(f"asset {key}: {type(item).__name__}")
        order = []
        for ti, tr in enumerate(doc["tracks"]):
            if tr["layout_mode"] != "Absolute":
                raise NoFloor("layout")
            for c in tr["clips"]:
                order.append(((tr["z_base"] + c["z_offset"], ti, c["range"]["start"], c["id"]), c))
        self.layers = [
            self._layer(c, native[c["asset"]]) for _, c in sorted(order, key=lambda p: p[0])
        ]
        self.clear = skia.Color(*BACKGROUND)  # skia.Color takes (r, g, b, a)
        self.buf = np.zeros((self.height, self.width, 4), np.uint8)
        self.surface = skia.Surface(
            self.buf, colorType=skia.kBGRA_8888_ColorType, alphaType=skia.kPremul_AlphaType
        )
        self.canvas = self.surface.getCanvas()
        self.draw(0)  # warm-up, untimed (the engine's measurement warms up one frame too)

    def _path(self, geom: Any) -> Any:
        from wavyte_backend_skia.rasterizer import build_path

        return build_path(geom)

    def _image(self, pixels: np.ndarray) -> Any:
        px = np.ascontiguousarray(pixels)
        self._keep.append(px)
        return self.skia.Image.fromarray(
            px,
            colorType=self.skia.kBGRA_8888_ColorType,
            alphaType=self.skia.kPremul_AlphaType,
            copy=False,
        )

    def _layer(self, c: dict[str, Any], native: tuple[str, Any]) -> _Layer:
        skia = self.skia
        tk, tv, tl = _keys(c["props"]["transform"], c["id"])
        ok, ov, ol = _keys(c["props"]["opacity"], c["id"])
        blur = 0.0
        for fx in c["effects"]:
            if fx["kind"] != "blur":
                raise NoFloor(f"effect {fx['kind']}")
            blur = fx["params"].get("sigma", fx["params"]["radius_px"] / 2)
        if c["props"]["blend"] != "Normal":
            raise NoFloor("blend modes")
        kind, obj = native
        if kind == "shape":
            return _Layer(
                c["range"]["start"], c["range"]["end"], tk, [_tvalue(v) for v in tv], tl,
                ok, ov, ol, 0, 0, obj.draw, True,
            )  # fmt: skip
        paint = skia.Paint(AntiAlias=True)
        if native[0] == "image":
            # The known skia-python trick (DESIGN.md): an identity colour filter moves image
            # sampling to the float pipeline, ~3x faster for a transformed photo. A floor
            # must be a competent loop, not a strawman.
            paint.setColorFilter(
                skia.ColorFilters.Matrix(
                    [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]
                )
            )
        if blur > 0:
            paint.setImageFilter(skia.ImageFilters.Blur(blur, blur))
        if kind == "path":

            def draw(canvas: Any, o: float, path: Any = obj, paint: Any = paint) -> None:
                paint.setColor4f(skia.Color4f(1.0, 1.0, 1.0, o))
                canvas.drawPath(path, paint)
        else:
            image, lx, ly = obj
            sampling = skia.SamplingOptions(skia.FilterMode.kLinear)

            def draw(
                canvas: Any,
                o: float,
                image: Any = image,
                lx: float = lx,
                ly: float = ly,
                paint: Any = paint,
            ) -> None:
                paint.setAlphaf(o)
                if lx != 1.0 or ly != 1.0:
                    canvas.scale(lx, ly)
                canvas.drawImage(image, 0, 0, sampling, paint)

        length = c["range"]["end"] - c["range"]["start"]
        fin = min(c["transition_in"]["duration_frames"], length) if c["transition_in"] else 0
        fout = min(c["transition_out"]["duration_frames"], length) if c["transition_out"] else 0
        return _Layer(
            c["range"]["start"],
            c["range"]["end"],
            tk,
            [_tvalue(v) for v in tv],
            tl,
            ok,
            ov,
            ol,
            fin,
            fout,
            draw,
        )

    def draw(self, f: int) -> None:
        """Draw frame ``f`` into ``self.buf``: every layer, every time."""
        canvas = self.canvas
        canvas.clear(self.clear)
        degrees = 180.0 / math.pi
        for L in self.layers:
            if not L.start <= f < L.end:
                continue
            lf = f - L.start
            o = _sample(L.okeys, L.ovals, L.olinear, lf)
            if L.fade_in:
                o *= 1.0 if L.fade_in == 1 else min(lf / (L.fade_in - 1), 1.0)
            if L.fade_out:
                k = lf - (L.end - L.start - L.fade_out)
                if k >= 0:
                    o *= 1.0 - (1.0 if L.fade_out == 1 else k / (L.fade_out - 1))
            if o <= 0.0:
                continue
            tx, ty, rot, sx, sy, ax, ay = _sample(L.tkeys, L.tvals, L.tlinear, lf)
            canvas.save()
            canvas.translate(tx + ax, ty + ay)
            if rot:
                canvas.rotate(rot * degrees)
            canvas.scale(sx, sy)
            if ax or ay:
                canvas.translate(-ax, -ay)
            if L.framed:
                L.draw(canvas, min(o, 1.0), lf)
            else:
                L.draw(canvas, min(o, 1.0))
            canvas.restore()

    def run(self, out: Path, crf: int = 23, preset: str = "medium") -> FloorResult:
        """The timed loop: draw every frame, encode it, close the file."""
        import av

        buf, draw = self.buf, self.draw
        t0 = time.perf_counter()
        with av.open(str(out), "w") as container:
            st = container.add_stream("libx264", rate=self.fps)
            st.width, st.height, st.pix_fmt = self.width, self.height, "yuv420p"
            st.options = {"crf": str(crf), "preset": preset}
            st.codec_context.thread_type = "FRAME"
            for f in range(self.frames):
                draw(f)
                vf = av.VideoFrame.from_numpy_buffer(buf, format="bgra")
                vf.pts = f
                container.mux(st.encode(vf))
            container.mux(st.encode(None))
        return FloorResult(time.perf_counter() - t0, self.frames)


class HandShape:
    """A Shape asset drawn the way one would by hand in skia: the outline built once (the
    engine's geometry, so both draw the same curves), paints and stroke settings built
    once, and per frame only what animates rebuilt natively: a gradient shader whose end
    moves, a dash effect whose offset marches, a trimmed outline cut with
    ``skia.PathMeasure.getSegment``. Supports what the ``shapes`` scene uses (static
    geometry; animated gradient ``end``, ``dash_offset`` and ``trim.end``)."""

    def __init__(self, body: dict[str, Any], item: Any) -> None:
        import skia
        from wavyte_backend_skia.rasterizer import build_path

        from wavyte_core.assets.shape_kind import geometry_path

        self.skia = skia
        spec = item.bound.first
        if item.bound.sample is not None and not set(_animated(body)) <= {
            "fill.LinearGradient.end", "stroke.dash_offset", "trim.end",
        }:  # fmt: skip
            raise NoFloor(f"shape animates {_animated(body)}")
        self.path = build_path(geometry_path(spec.geometry))
        self.length = skia.PathMeasure(self.path, False).getLength()
        self.fill = self.stroke = None
        self.fill_alpha = self.stroke_alpha = 1.0
        self.grad_end: Any = None
        fill = body.get("fill", {"Solid": "#ffffff"})
        if fill is not None:
            self.fill, self.fill_alpha = self._paint(fill)
        st = body.get("stroke")
        self.dash: tuple[list[float], Any] | None = None
        if st is not None:
            self.stroke, self.stroke_alpha = self._paint(st.get("paint", {"Solid": "#ffffff"}))
            p = self.stroke
            p.setStyle(skia.Paint.kStroke_Style)
            p.setStrokeWidth(st["width"])
            p.setStrokeJoin(
                {"Miter": skia.Paint.kMiter_Join, "Round": skia.Paint.kRound_Join,
                 "Bevel": skia.Paint.kBevel_Join}[st.get("join", "Miter")]
            )  # fmt: skip
            p.setStrokeCap(
                {"Butt": skia.Paint.kButt_Cap, "Round": skia.Paint.kRound_Cap,
                 "Square": skia.Paint.kSquare_Cap}[st.get("cap", "Butt")]
            )  # fmt: skip
            if st.get("dash"):
                off = st.get("dash_offset", 0.0)
                if isinstance(off, dict):
                    self.dash = (list(st["dash"]), _keys(off, "dash_offset"))
                else:
                    p.setPathEffect(skia.DashPathEffect.Make(list(st["dash"]), off))
        trim = body.get("trim")
        self.trim = (
            _keys(trim["end"], "trim.end") if trim and isinstance(trim.get("end"), dict) else None
        )

    def _paint(self, paint: dict[str, Any]) -> tuple[Any, float]:
        skia = self.skia
        p = skia.Paint(AntiAlias=True)
        ((tag, v),) = paint.items()
        if tag == "Solid":
            r, g, b, a = _rgba(v)
            p.setColor4f(skia.Color4f(r, g, b, a))
            return p, a
        cols = [skia.Color4f(*_rgba(s["color"])) for s in v["stops"]]
        pos = [s["offset"] for s in v["stops"]]
        flags = int(skia.GradientShader.kInterpolateColorsInPremul_Flag)
        if tag == "LinearGradient":
            if isinstance(v["end"], dict):
                self.grad_end = (v["start"], cols, pos, _keys(v["end"], "end"))
            else:
                p.setShader(skia.GradientShader.MakeLinear(
                    [skia.Point(*v["start"]), skia.Point(*v["end"])], cols, pos,
                    skia.TileMode.kClamp, flags=flags))  # fmt: skip
        else:
            p.setShader(skia.GradientShader.MakeTwoPointConical(
                skia.Point(*v["focal"]), 0.0, skia.Point(*v["center"]), v["radius"], cols, pos,
                skia.TileMode.kClamp, flags=flags))  # fmt: skip
        return p, 1.0

    def draw(self, canvas: Any, o: float, lf: int) -> None:
        skia = self.skia
        if self.fill is not None:
            if self.grad_end is not None:
                start, cols, pos, (k, v, lin) = self.grad_end
                end = _sample(k, [tuple(x) for x in v], lin, lf)
                self.fill.setShader(skia.GradientShader.MakeLinear(
                    [skia.Point(*start), skia.Point(*end)], cols, pos, skia.TileMode.kClamp,
                    flags=int(skia.GradientShader.kInterpolateColorsInPremul_Flag)))  # fmt: skip
            self.fill.setAlphaf(self.fill_alpha * o)
            canvas.drawPath(self.path, self.fill)
        if self.stroke is not None:
            path = self.path
            if self.trim is not None:
                k, v, lin = self.trim
                end = _sample(k, v, lin, lf)
                path = skia.Path()
                skia.PathMeasure(self.path, False).getSegment(0.0, end * self.length, path, True)
            if self.dash is not None:
                intervals, (k, v, lin) = self.dash
                phase = _sample(k, v, lin, lf)
                self.stroke.setPathEffect(skia.DashPathEffect.Make(intervals, phase))
            self.stroke.setAlphaf(self.stroke_alpha * o)
            canvas.drawPath(path, self.stroke)


def _rgba(v: Any) -> tuple[float, float, float, float]:
    if isinstance(v, str):
        h = v.lstrip("#")
        vals = [int(h[i : i + 2], 16) for i in range(0, len(h), 2)] + [255]
        return (vals[0] / 255, vals[1] / 255, vals[2] / 255, vals[3] / 255)
    return (v[0] / 255, v[1] / 255, v[2] / 255, v[3] / 255)


def _animated(v: Any, path: str = "") -> list[str]:
    """The JSON paths of the Keyframes in a shape's body."""
    if isinstance(v, dict):
        if "Keyframes" in v:
            return [path]
        return [x for k, w in v.items() for x in _animated(w, f"{path}.{k}" if path else k)]
    return []


# -------------------------------------------------------------------- encode only


class EncodeOnly:
    """Setup for the encoder-alone floor: the engine's frames spooled to a raw file.

    ``alpha`` renders on a transparent background (for the alpha codecs of the codec axis);
    ``limit`` keeps only the first frames."""

    def __init__(
        self,
        scene: SceneDoc,
        spool_dir: Path | None = None,
        *,
        alpha: bool = False,
        limit: int | None = None,
    ) -> None:
        import wavyte_core as wv

        comp = wv.load(scene.json_bytes())
        self.comp = comp
        self.width, self.height = comp.canvas.width, comp.canvas.height
        self.fps = Fraction(comp.fps.num, comp.fps.den)
        self.sequence: list[int] = []  # distinct-frame index per output frame
        self._file = tempfile.TemporaryFile(dir=spool_dir)  # noqa: SIM115 (closed by close())
        prev: np.ndarray | None = None
        end = comp.duration if limit is None else min(limit, comp.duration)
        with wv.open_job(comp, assets_root=scene.root, alpha=alpha) as job:
            self.registry = job.registry
            for _, frame in job.frames(0, end, copy=False):
                if prev is None or not np.array_equal(prev, frame):
                    self._file.write(memoryview(frame).cast("B"))
                    prev = frame.copy()
                    self.sequence.append(len(self.sequence) and self.sequence[-1] + 1)
                else:
                    self.sequence.append(self.sequence[-1])
        self._file.flush()

    def run(
        self, out: Path, crf: int = 23, preset: str = "medium", settings: Any = None
    ) -> FloorResult:
        """Encode the spooled frames to ``out`` (H.264 with ``crf``/``preset``, or with the
        given `EncodeSettings`); can run several times, `close` when done."""
        from wavyte_core.plugin.roles import EncodeSettings

        if settings is None:
            settings = EncodeSettings(
                width=self.width, height=self.height, fps=self.fps, crf=crf, preset=preset
            )
        encoder = self.registry.create("encoder", "pyav")
        buf = np.empty((self.height, self.width, 4), np.uint8)
        view = memoryview(buf).cast("B")
        f = self._file
        f.seek(0)
        read = 0.0
        loaded = -1
        t0 = time.perf_counter()
        session = encoder.open(out, settings)
        for idx in self.sequence:
            if idx != loaded:
                tr = time.perf_counter()
                f.readinto(view)
                read += time.perf_counter() - tr
                loaded = idx
            session.write(buf)
        session.close()
        total = time.perf_counter() - t0
        return FloorResult(total - read, len(self.sequence), read)

    def close(self) -> None:
        self._file.close()
