"""The benchmark runner: scenes × sizes × installed combinations (× workers), with floors.

For every scene and size it measures, each in a fresh process (`measure`), ``repeats``
times:
- ``engine``: `job.render` to an MP4 with stage timings, for every combination of the
  installed rasterizers × compositors × decoders × encoders, and for each worker count
  when the engine's ``render`` takes ``workers``;
- ``render_only``: the same job's frames iterated without encoding (throughput);
- ``encode_only`` (floor): the engine's encoder alone on the same frames, same settings;
- ``hand_written`` (floor): the minimal skia + PyAV loop of `floor`, same settings;
- ``peer``: the same scene in MoviePy 2.x (`peer`), when asked for and available;
- ``codec`` (the codec axis, first scene only): the encoder alone on that scene's frames for
  every output codec (`CODEC_AXIS`), ms/frame with default settings, all codecs of one
  size measured in one process on one spool of frames (at most ``codec_frames`` frames).

Results are medians over the repeats with their spread; ratios are computed in `report`.
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import scenes as scene_docs
from .measure import supports

DEFAULT_SCENES = ("bench", "bench_blur8", "animated", "video", "many_layers", "blur40")
DEFAULT_SIZES = ((640, 360), (1920, 1080))
DEFAULT_COMBO = {"rasterizer": "skia", "compositor": "skia", "decoder": "pyav", "encoder": "pyav"}
ROLES = ("rasterizer", "compositor", "decoder", "encoder")
#: Every output codec, plus the alpha variants (which include the un-premultiply).
CODEC_AXIS = (
    "h264",
    "h265",
    "vp9",
    "prores",
    "gif",
    "png",
    "jpeg",
    "prores+alpha",
    "vp9+alpha",
    "png+alpha",
)


@dataclass
class BenchConfig:
    scenes: list[str] = field(default_factory=lambda: list(DEFAULT_SCENES))
    sizes: list[tuple[int, int]] = field(default_factory=lambda: list(DEFAULT_SIZES))
    frames: int = 300
    repeats: int = 3
    workers: list[int] = field(default_factory=lambda: [1, 2])
    peer: bool = True
    render_only: bool = True
    crf: int = 23
    preset: str = "medium"
    cache: Path = scene_docs.DEFAULT_CACHE
    only: dict[str, list[str]] = field(
        default_factory=dict
    )  # role -> names to keep (empty: all installed)
    peer_repeats: int | None = None  # None: same as repeats
    timeout: float = 3600.0
    codecs: list[str] = field(default_factory=lambda: list(CODEC_AXIS))
    codec_frames: int = 90


@dataclass
class Row:
    """One measured configuration: its runs and the medians derived from them."""

    scene: str
    size: str
    kind: str  # engine | render_only | encode_only | hand_written | peer | codec
    label: str
    combo: dict[str, str] | None = None
    workers: int = 1
    codec: str | None = None
    runs: list[dict[str, Any]] = field(default_factory=list)
    unavailable: str | None = None
    # derived
    frames: int = 0
    ms_per_frame: float | None = None
    ms_min: float | None = None
    ms_max: float | None = None
    fps: float | None = None
    stage_ms_per_frame: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float | None = None
    rendered: int | None = None
    elided: int | None = None

    def summarise(self) -> None:
        ok = [r for r in self.runs if "seconds" in r]
        errors = [r.get("error") or r.get("unavailable") for r in self.runs if "seconds" not in r]
        if not ok:
            self.unavailable = self.unavailable or (errors[0] if errors else "not run")
            return
        per = sorted(1000.0 * r["seconds"] / max(r["frames"], 1) for r in ok)
        self.frames = ok[0]["frames"]
        self.ms_per_frame = statistics.median(per)
        self.ms_min, self.ms_max = per[0], per[-1]
        self.fps = 1000.0 / self.ms_per_frame if self.ms_per_frame > 0 else None
        stages = sorted({k for r in ok for k in r.get("stage_ms", {})})
        self.stage_ms_per_frame = {
            k: statistics.median(
                r.get("stage_ms", {}).get(k, 0.0) / max(r["frames"], 1) for r in ok
            )
            for k in stages
        }
        self.peak_rss_mb = max(r.get("peak_rss_mb", 0.0) for r in ok)
        if "rendered" in ok[0]:
            self.rendered, self.elided = ok[0]["rendered"], ok[0]["elided"]


def installed_combos() -> list[dict[str, str]]:
    """Every installed (usable) rasterizer × compositor × decoder × encoder."""
    from wavyte_core.plugin.registry import default_registry

    reg = default_registry()
    names = [reg.available(role) for role in ROLES]  # type: ignore[arg-type]
    return [dict(zip(ROLES, c, strict=True)) for c in itertools.product(*names)]


def combo_label(c: dict[str, str]) -> str:
    return f"{c['rasterizer']}+{c['compositor']} / {c['decoder']} / {c['encoder']}"


def engine_workers(requested: list[int]) -> list[int]:
    """The worker counts to measure: all requested if ``render`` takes ``workers``, else [1]."""
    from wavyte_core.api import RenderJob

    return sorted(set(requested)) if supports(RenderJob.render, "workers") else [1]


def measure(spec: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(scene_docs.PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p
    )
    cmd = [sys.executable, "-m", "wavyte_conformance.bench.measure", json.dumps(spec)]
    try:
        r = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = r.stdout.strip().splitlines()
    if r.returncode != 0 or not lines:
        tail = r.stderr.strip().splitlines()[-1:] or [f"exit code {r.returncode}"]
        return {"error": tail[0]}
    return json.loads(lines[-1])


def plan(cfg: BenchConfig) -> list[Row]:
    """The rows to measure, in report order."""
    combos = [
        c
        for c in installed_combos()
        if all(c[role] in names for role, names in cfg.only.items() if names)
    ]
    workers = engine_workers(cfg.workers)
    rows: list[Row] = []
    for name, (w, h) in itertools.product(cfg.scenes, cfg.sizes):
        size = f"{w}x{h}"
        rows.append(Row(name, size, "encode_only", "floor: encoder alone"))
        rows.append(Row(name, size, "hand_written", "floor: hand-written skia+PyAV"))
        for c in combos:
            for n in workers:
                rows.append(Row(name, size, "engine", f"{combo_label(c)} w{n}", dict(c), n))
        if cfg.render_only:
            for n in workers:
                rows.append(
                    Row(
                        name,
                        size,
                        "render_only",
                        f"render only {combo_label(DEFAULT_COMBO)} w{n}",
                        dict(DEFAULT_COMBO),
                        n,
                    )
                )
        if cfg.peer:
            rows.append(Row(name, size, "peer", "peer: MoviePy 2.x"))
        if name == cfg.scenes[0]:
            for codec in cfg.codecs:
                rows.append(
                    Row(name, size, "codec", f"codec: {codec} (encoder alone)", codec=codec)
                )
    return rows


def run_suite(cfg: BenchConfig, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Measure every row ``cfg.repeats`` times; returns the report document (see `report`)."""
    say = progress or (lambda _msg: None)
    started = time.time()
    for name in cfg.scenes:  # generate sources (videos) once, before any timing
        for w, h in cfg.sizes:
            scene_docs.build(name, w, h, cfg.frames, cfg.cache)
    rows = plan(cfg)
    # Repeats go round-robin over the rows of one scene and size, so a load change on a
    # shared machine spreads over every configuration instead of skewing one ratio.
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.scene, row.size), []).append(row)
    peer_reason: str | None = None
    done = 0
    total = sum(
        cfg.peer_repeats or cfg.repeats if r.kind == "peer" else cfg.repeats
        for r in rows
        if r.kind != "codec"
    ) + cfg.repeats * len({(r.scene, r.size) for r in rows if r.kind == "codec"})
    for group in groups.values():
        for rep in range(max(cfg.repeats, cfg.peer_repeats or 0)):
            for row in group:
                w, h = (int(v) for v in row.size.split("x"))
                if row.kind == "peer":
                    if rep >= (cfg.peer_repeats or cfg.repeats) or row.unavailable:
                        continue
                    done += 1
                    say(f"[{done}/{total}] {row.scene} {row.size} {row.label} (run {rep + 1})")
                    if peer_reason is not None:
                        row.unavailable = peer_reason
                    else:
                        peer_reason = _peer_run(row, w, h, cfg)
                    continue
                if row.kind == "codec":
                    if rep < cfg.repeats and row is next(r for r in group if r.kind == "codec"):
                        done += 1
                        say(f"[{done}/{total}] {row.scene} {row.size} codec axis (run {rep + 1})")
                        _codec_run(group, w, h, cfg)
                    continue
                if rep >= cfg.repeats or any("unavailable" in r or "error" in r for r in row.runs):
                    continue  # a missing capability or a failure does not change between repeats
                done += 1
                say(f"[{done}/{total}] {row.scene} {row.size} {row.label} (run {rep + 1})")
                spec = {
                    "kind": row.kind,
                    "scene": row.scene,
                    "width": w,
                    "height": h,
                    "frames": cfg.frames,
                    "cache": str(cfg.cache),
                    "crf": cfg.crf,
                    "preset": cfg.preset,
                    "workers": row.workers,
                    **(row.combo or {}),
                }
                row.runs.append(measure(spec, cfg.timeout))
    for row in rows:
        row.summarise()
    return {
        "meta": machine_meta(cfg, started),
        "config": {
            **asdict(cfg),
            "cache": str(cfg.cache),
            "sizes": [f"{w}x{h}" for w, h in cfg.sizes],
        },
        "rows": [asdict(r) for r in rows],
    }


def _codec_run(group: list[Row], w: int, h: int, cfg: BenchConfig) -> None:
    """One run of the codec axis for a scene and size: every codec in one process."""
    rows = [r for r in group if r.kind == "codec"]
    spec = {
        "kind": "codecs",
        "scene": rows[0].scene,
        "width": w,
        "height": h,
        "frames": cfg.frames,
        "cache": str(cfg.cache),
        "codecs": [r.codec for r in rows],
        "codec_frames": cfg.codec_frames,
    }
    result = measure(spec, cfg.timeout)
    for r in rows:
        if "codecs" not in result:
            r.runs.append({"error": result.get("error", "no result")})
        else:
            r.runs.append(
                {
                    **result["codecs"].get(r.codec, {"error": "not measured"}),
                    "peak_rss_mb": result.get("peak_rss_mb", 0.0),
                }
            )


def _peer_run(row: Row, w: int, h: int, cfg: BenchConfig) -> str | None:
    """One MoviePy run for ``row``. Returns a reason that holds for every later peer row
    (the peer's venv could not be made), else None."""
    from .peer import SCENES, PeerUnavailable, run_peer

    if row.scene not in SCENES:
        row.unavailable = f"no MoviePy version of scene '{row.scene}'"
        return None
    with tempfile.TemporaryDirectory(prefix="wavyte-peer-") as tmp:
        try:
            row.runs.append(
                run_peer(row.scene, w, h, cfg.frames, cfg.cache, Path(tmp) / "out.mp4", cfg.timeout)
            )
        except PeerUnavailable as exc:
            row.unavailable = str(exc)
            return str(exc) if exc.permanent else None
    return None


def machine_meta(cfg: BenchConfig, started: float) -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    def ver(dist: str) -> str | None:
        try:
            return version(dist)
        except PackageNotFoundError:
            return None

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "duration_s": round(time.time() - started, 1),
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "load_avg_at_end": load,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": {d: ver(d) for d in ("wavyte", "skia-python", "av", "numpy", "pluggy")},
    }
