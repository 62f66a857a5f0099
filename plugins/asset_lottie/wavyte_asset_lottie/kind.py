"""The ``Lottie`` asset kind: Lottie (``.json``) and dotLottie (``.lottie``) animations,
drawn by rlottie (the renderer Telegram and Samsung ship).

``{"Lottie": {"source": "anim/confetti.json", "playback_rate": 1.0, "loop": true,
"width": 400, "height": 400}}``

- **Time.** At clip-local frame ``f`` the animation shows its frame
  ``floor(f / fps × playback_rate × lottie_fps)`` counted from its in point ``ip``; with
  ``loop`` it repeats every ``op − ip`` frames (Lottie's out point is exclusive, as in
  lottie-web), without it the last frame holds. Frame-exact: a Lottie frame is a
  composition frame when the rates match.
- **Size.** Rendered at ``width`` × ``height`` (default: the animation's ``w`` × ``h``),
  rlottie scaling the vectors, so edges stay sharp at any size; that is the intrinsic
  size used by layout.
- **Pixels.** rlottie renders premultiplied BGRA, wavyte's own format: no conversion.
  A frame is rendered only when the Lottie frame shown changes (the layer's state is the
  Lottie frame number), so a slow Lottie in a fast composition renders each frame once.

The file is read, parsed and checked by rlottie once per job (``prepare``); a file rlottie
rejects is an error naming it.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from wavyte_core.errors import AssetError, CompositionError
from wavyte_core.format.paint import read_number, strict_fields
from wavyte_core.plugin import (
    AssetKind,
    DrawContext,
    Param,
    PrepareContext,
    RasterDrawing,
)

__all__ = ["LottieKind", "LottieSpec", "load_lottie_json"]

_FIELDS = ("source", "playback_rate", "loop", "width", "height")
#: Largest rendered side (px): rlottie allocates width × height × 4 per frame.
MAX_SIDE = 8192


@dataclass(frozen=True, slots=True)
class LottieSpec:
    source: str
    playback_rate: float = 1.0
    loop: bool = True
    width: float | None = None
    height: float | None = None


def read_lottie(raw: Any, path: str) -> LottieSpec:
    f = strict_fields(raw, path, "Lottie", _FIELDS, ("source",))
    src = f["source"]
    if not isinstance(src, str) or not src.strip():
        raise CompositionError(path + ".source", "expected a .json or .lottie file path")
    if not src.lower().endswith((".json", ".lottie")):
        raise CompositionError(path + ".source", f"expected a .json or .lottie file, got {src!r}")
    loop = f.get("loop", True)
    if not isinstance(loop, bool):
        raise CompositionError(path + ".loop", "must be true or false")

    def size(name: str) -> float | None:
        v = f.get(name)
        if v is None:
            return None
        x = read_number(v, f"{path}.{name}", min=0.0, min_exclusive=True, animatable=False)
        if x > MAX_SIDE:
            raise CompositionError(f"{path}.{name}", f"must be <= {MAX_SIDE}")
        return float(x)  # type: ignore[arg-type]

    rate = 1.0
    if "playback_rate" in f:
        rate = float(
            read_number(  # type: ignore[arg-type]
                f["playback_rate"], path + ".playback_rate", min=0.0, min_exclusive=True,
                animatable=False,
            )
        )  # fmt: skip
    return LottieSpec(src, rate, loop, size("width"), size("height"))


def load_lottie_json(path: Path) -> str:
    """The animation JSON of a ``.json`` file, or of the first animation of a dotLottie
    (``.lottie``: a zip with ``manifest.json`` and ``animations/<id>.json``)."""
    data = path.read_bytes()
    if path.suffix.lower() != ".lottie":
        return data.decode("utf-8")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            anim = None
            if "manifest.json" in names:
                manifest = json.loads(z.read("manifest.json"))
                first = (manifest.get("animations") or [{}])[0].get("id")
                if first and f"animations/{first}.json" in names:
                    anim = f"animations/{first}.json"
            if anim is None:
                anim = next((n for n in sorted(names) if n.startswith("animations/")), None)
            if anim is None:
                raise AssetError(str(path), "dotLottie file has no animations/*.json")
            return z.read(anim).decode("utf-8")
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise AssetError(str(path), f"not a dotLottie file: {exc}") from None


def _bind_render(fn: Any, anim_type: Any) -> Any:
    """``lottie_animation_render(animation, frame, buffer, width, height, stride)`` with a
    raw buffer address (a fresh ctypes function object: the wrapper re-types the shared
    one on every call)."""
    import ctypes

    bound = ctypes.CFUNCTYPE(
        None, anim_type, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t,
        ctypes.c_size_t,
    )(ctypes.cast(fn, ctypes.c_void_p).value)  # fmt: skip
    return bound


LOTTIE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["source"],
    "properties": {
        "source": {"type": "string", "description": ".json or .lottie file"},
        "playback_rate": {"type": "number", "exclusiveMinimum": 0, "default": 1.0},
        "loop": {"type": "boolean", "default": True},
        "width": {"type": "number", "exclusiveMinimum": 0},
        "height": {"type": "number", "exclusiveMinimum": 0},
    },
}


class LottieKind(AssetKind):
    """A Lottie or dotLottie animation drawn by rlottie at ``width`` × ``height`` (default:
    the animation's size): frame ``floor(local / fps · playback_rate · lottie_fps)`` from
    its in point; ``loop`` repeats every ``op − ip`` frames, else the last frame holds."""

    name = "Lottie"
    description = "Lottie / dotLottie animations (rlottie), frame-exact, premultiplied."
    params = (
        Param("source", "string", required=True, animatable=False,
              description=".json or .lottie file, relative to the asset root."),
        Param("playback_rate", "number", default=1.0, min=0, animatable=False),
        Param("loop", "bool", default=True, animatable=False),
        Param("width", "number", default_doc="the animation's w", min=0, animatable=False,
              unit="px"),
        Param("height", "number", default_doc="the animation's h", min=0, animatable=False,
              unit="px"),
    )  # fmt: skip
    json_schema = LOTTIE_SCHEMA
    frame_varying = True

    @classmethod
    def parse(cls, raw: Any, path: str) -> LottieSpec:
        return read_lottie(raw, path)

    def prepare(self, p: LottieSpec, ctx: PrepareContext) -> tuple[float, float]:
        try:
            from rlottie_python import LottieAnimation
        except ImportError:
            raise AssetError(
                ctx.path, "rlottie is not installed: pip install rlottie-python"
            ) from None
        path = ctx.resolve(p.source)
        text = load_lottie_json(path)
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AssetError(str(path), f"not a Lottie file: invalid JSON ({exc})") from None
        if not isinstance(doc, dict):
            raise AssetError(str(path), "not a Lottie file: the document is not an object")
        anim = LottieAnimation.from_data(text)
        frames = anim.lottie_animation_get_totalframe() if anim.animation_p else 0
        fps = anim.lottie_animation_get_framerate() if frames else 0.0
        w0, h0 = anim.lottie_animation_get_size() if frames else (0, 0)
        if frames <= 0 or not fps > 0 or w0 <= 0 or h0 <= 0:
            raise AssetError(
                str(path), "rlottie rejects this Lottie file (no frames, rate or size)"
            )
        ip, op = doc.get("ip", 0), doc.get("op", frames)
        period = int(round(op - ip)) if isinstance(op, (int, float)) else frames - 1
        self._anim = anim
        fn = anim.rlottie_lib.lottie_animation_render
        self._c_render = _bind_render(fn, type(anim.animation_p))
        self._fps = float(fps)
        self._period = max(min(period, frames), 1)  # op is exclusive; rlottie counts it
        self._ratio = p.playback_rate * self._fps / ctx.fps if ctx.fps else 1.0
        self._loop = p.loop
        w = p.width if p.width is not None else float(w0)
        h = p.height if p.height is not None else float(h0)
        self._w, self._h = max(int(round(w)), 1), max(int(round(h)), 1)
        self._pixels: np.ndarray | None = None
        if self._w > MAX_SIDE or self._h > MAX_SIDE:
            raise AssetError(str(path), f"animation size {self._w}x{self._h} is over {MAX_SIDE}")
        return w, h

    def lottie_frame(self, local: int) -> int:
        """The Lottie frame (from the in point) shown at clip-local frame ``local``."""
        f = math.floor(local * self._ratio + 1e-9)
        if self._loop:
            return f % self._period
        return min(max(f, 0), self._period - 1)

    def frame_state(self, p: LottieSpec, frame: int) -> int:
        return self.lottie_frame(frame)

    def draw(self, p: LottieSpec, ctx: DrawContext) -> RasterDrawing:
        n = ctx.state if isinstance(ctx.state, int) else self.lottie_frame(ctx.frame)
        pixels = self._pixels
        if pixels is None:  # one buffer per job, rewritten by every draw: no fresh pages
            pixels = self._pixels = np.empty((self._h, self._w, 4), dtype=np.uint8)
        self._render(n, pixels)  # rlottie writes every pixel
        sx = (p.width if p.width is not None else self._w) / self._w
        return RasterDrawing(pixels, scale=sx, volatile=True)

    def _render(self, n: int, out: np.ndarray) -> None:
        """rlottie's C render straight into ``out`` (the wrapper's own call allocates a
        zeroed buffer and copies it to bytes: two passes over 8 MB at 1080p)."""
        fn = self._c_render
        h, w = out.shape[:2]
        fn(self._anim.animation_p, n, out.ctypes.data, w, h, w * 4)
