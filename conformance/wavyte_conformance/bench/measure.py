"""One measurement, run in a fresh process: ``python -m wavyte_conformance.bench.measure SPEC_JSON``.

A fresh process per measurement gives each a clean peak RSS (``ru_maxrss``) and isolates
caches and memory between combinations. Setup (loading, preparing, spooling frames) is not
timed; the timed body is the whole render or encode of the scene. Prints one JSON object.

SPEC keys: ``kind`` (engine | render_only | encode_only | hand_written), ``scene``,
``width``, ``height``, ``frames``, ``cache``, and for engine runs ``rasterizer``,
``compositor``, ``decoder``, ``encoder``, ``workers``; ``crf``, ``preset``. Kind ``codecs``
(the codec axis) takes ``codecs`` (names such as ``vp9`` or ``prores+alpha``) and
``codec_frames`` and measures them all in one process on one spool of frames.
"""

from __future__ import annotations

import inspect
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import scenes


def peak_rss_mb() -> float:
    """Peak RSS of this process plus the largest of its (finished) worker processes, in MB
    (ru_maxrss is KiB on Linux); with N workers the total is at most self + N × that."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + child) / 1024.0


def supports(fn: Any, param: str) -> bool:
    try:
        return param in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def run(spec: dict[str, Any]) -> dict[str, Any]:
    scene = scenes.build(
        spec["scene"], spec["width"], spec["height"], spec["frames"], Path(spec["cache"])
    )
    kind = spec["kind"]
    crf, preset = spec.get("crf", 23), spec.get("preset", "medium")
    with tempfile.TemporaryDirectory(prefix="wavyte-bench-") as tmp:
        out = Path(tmp) / "out.mp4"
        if kind in ("engine", "render_only"):
            return _engine(spec, scene, out, crf, preset, render_only=kind == "render_only")
        if kind == "hand_written":
            from .floor import HandWrittenScene, NoFloor

            try:
                floor = HandWrittenScene(scene)
            except NoFloor as exc:
                return {"unavailable": f"no hand-written floor for this scene ({exc})"}
            r = floor.run(out, crf, preset)
            return {"seconds": r.seconds, "frames": r.frames, "bytes": out.stat().st_size}
        if kind == "encode_only":
            from .floor import EncodeOnly

            enc = EncodeOnly(scene, Path(tmp))
            r = enc.run(out, crf, preset)
            enc.close()
            return {
                "seconds": r.seconds,
                "frames": r.frames,
                "read_seconds": r.read_seconds,
                "bytes": out.stat().st_size,
                "distinct_frames": len(set(enc.sequence)),
            }
        if kind == "codecs":
            return {"codecs": _codecs(spec, scene, Path(tmp))}
    raise ValueError(f"unknown measurement kind {kind!r}")


def _codecs(spec: dict[str, Any], scene: scenes.SceneDoc, tmp: Path) -> dict[str, Any]:
    """The codec axis: the engine's encoder alone on the scene's frames (spooled once, and
    once more on a transparent background for ``+alpha`` entries), one codec after another
    with its default settings. Returns ``{codec: {seconds, frames, bytes} | {error}}``."""
    from wavyte_core.errors import WavyteError
    from wavyte_core.output.codecs import CODECS, resolve_output

    from .floor import EncodeOnly

    limit = spec.get("codec_frames")
    sources: dict[bool, EncodeOnly] = {}
    out: dict[str, Any] = {}
    try:
        for name in spec["codecs"]:
            codec, _, flag = name.partition("+")
            alpha = flag == "alpha"
            if alpha not in sources:
                sources[alpha] = EncodeOnly(scene, tmp, alpha=alpha, limit=limit)
            src = sources[alpha]
            prof = CODECS[codec]
            folder = tmp / name.replace("+", "_")
            folder.mkdir()
            target = folder / (
                f"f_%05d{prof.suffixes[0]}" if prof.sequence else f"out{prof.suffixes[0]}"
            )
            try:
                ospec = resolve_output(target, codec=codec, alpha=alpha)
                ospec.check_canvas(src.width, src.height)
                r = src.run(target, settings=ospec.settings(src.width, src.height, src.fps))
            except WavyteError as exc:
                out[name] = {"error": str(exc)}
                continue
            size = sum(f.stat().st_size for f in folder.iterdir())
            out[name] = {"seconds": r.seconds, "frames": r.frames, "bytes": size}
            for f in folder.iterdir():
                f.unlink()
    finally:
        for src in sources.values():
            src.close()
    return out


def _engine(
    spec: dict[str, Any],
    scene: scenes.SceneDoc,
    out: Path,
    crf: int,
    preset: str,
    *,
    render_only: bool,
) -> dict[str, Any]:
    import wavyte_core as wv

    comp = wv.load(scene.json_bytes())
    workers = int(spec.get("workers", 1))
    with wv.open_job(
        comp,
        assets_root=scene.root,
        rasterizer=spec["rasterizer"],
        compositor=spec["compositor"],
        decoder=spec["decoder"],
        encoder=spec["encoder"],
        timings=True,
        workers=workers,  # the pool starts here, in the untimed setup
    ) as job:
        job.frame(0)  # warm-up, untimed (native pipelines, first draws); the floors do the same
        if job.timer is not None:
            job.timer.totals.update(dict.fromkeys(job.timer.totals, 0.0))
        if render_only:
            t0 = time.perf_counter()
            n = 0
            for _ in job.frames(0, comp.duration, copy=False):
                n += 1
            seconds = time.perf_counter() - t0
            stage_ms = job.timer.ms() if job.timer is not None else {}
            stage_ms.pop("encode", None)
            return {"seconds": seconds, "frames": n, "stage_ms": stage_ms}
        report = job.render(out, crf=crf, preset=preset)
        return {
            "seconds": report.seconds,
            "frames": report.frames,
            "rendered": report.rendered,
            "elided": report.elided,
            "stage_ms": dict(report.stage_ms),
            "bytes": out.stat().st_size,
        }


def main() -> None:
    spec = json.loads(sys.argv[1])
    try:
        result = run(spec)
    except Exception as exc:  # reported in the table, never a crash of the whole suite
        result = {"error": f"{type(exc).__name__}: {exc}"}
    result["peak_rss_mb"] = peak_rss_mb()
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
