"""Render loop and whole process against the x264 encoder alone, per composition.

    .venv/bin/python scripts/benchmarks/loop_vs_encoder.py [COMP.json ...] [--out docs/loop-vs-encoder.md]

For every composition (default: conformance/wavyte_conformance/scenes/**/*.json and examples/**/*.json), in
one run, side by side:

- ``whole``: wall time of ``wavyte render COMP -o out.mp4 --workers 1 --json`` as a fresh
  process (imports, load, prepare, render, encode, finalise);
- ``loop``: the render loop of that same process (its ``render_s``: draw + encode + mux);
- ``encode``: the same encoder (PyAV, libx264, same preset, crf and audio) fed the same
  frames from memory, in this process, nothing else;
- ``import``: seconds from the CLI's start until the render command has imported the
  pipeline and PyAV (its ``import_s``; the plugins are imported by ``load``, the
  rasterizer's library in preparation);
- ``first``: seconds from the CLI's start to the first encoded frame.

``--bytecode`` lets the ``wavyte`` child use and write ``__pycache__`` even when this
environment sets ``PYTHONDONTWRITEBYTECODE`` (as an installed wavyte has its bytecode
compiled at install time); without it, an editable checkout compiles every wavyte module
on each run.

Targets: loop ≤ 1.15 × encode, whole ≤ 1.4 × encode. The machine may be shared: every
figure is the median of ``--repeats`` runs, and noisy all the same.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]


def default_comps() -> list[Path]:
    found = sorted((REPO / "conformance" / "wavyte_conformance" / "scenes").rglob("*.json"))
    found += sorted((REPO / "examples").rglob("*.json"))
    return [p for p in found if "assets" not in p.parts]


def encoder_alone(comp_path: Path, preset: str, crf: int, work: Path) -> tuple[float, int]:
    """Render every frame to a memory map first, then time the encoder on them alone."""
    import wavyte_core as wv
    from wavyte_core.plugin.roles import EncodeSettings
    from wavyte_core.run.frames import mixed_audio

    comp = wv.load(comp_path)
    w, h, n = comp.canvas.width, comp.canvas.height, comp.duration
    frames = np.lib.format.open_memmap(work / "frames.npy", "w+", np.uint8, (n, h, w, 4))
    with wv.open_job(comp, assets_root=comp_path.parent) as job:
        for f, buf in job.frames(copy=False):
            frames[f] = buf
        settings = EncodeSettings(
            width=w,
            height=h,
            fps=Fraction(comp.fps.num, comp.fps.den),
            crf=crf,
            preset=preset,
            audio=mixed_audio(job, 0, n),
        )
        encoder = job.registry.create("encoder", job.backends.encoder)
        for f in range(n):  # page the frames in before timing
            frames[f].view(np.uint32).max()
        t0 = time.perf_counter()
        session = encoder.open(work / "enc.mp4", settings)
        for f in range(n):
            session.write(frames[f])
        session.close()
        dt = time.perf_counter() - t0
    del frames
    (work / "frames.npy").unlink()
    return dt, n


def whole_process(
    comp_path: Path, preset: str, crf: int, work: Path, env: dict[str, str] | None = None
) -> dict:
    wavyte = Path(sys.executable).with_name("wavyte")
    cmd = [
        str(wavyte),
        "render",
        str(comp_path),
        "-o",
        str(work / "out.mp4"),
        "--workers",
        "1",
        "--json",
        "--preset",
        preset,
        "--crf",
        str(crf),
    ]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    wall = time.perf_counter() - t0
    return {"whole_s": wall, **json.loads(out.stdout)}


def main() -> None:
    ap = argparse.ArgumentParser(description="Render loop and whole process vs encoder alone.")
    ap.add_argument("comps", nargs="*", type=Path)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--preset", default="medium")
    ap.add_argument("--crf", type=int, default=23)
    ap.add_argument("--out", type=Path, default=None, help="Also write a Markdown table here.")
    ap.add_argument("--bytecode", action="store_true", help="Let wavyte use __pycache__.")
    a = ap.parse_args()
    env = dict(os.environ)
    if a.bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    import wavyte_core as wv

    load_before = os.getloadavg()[0]
    comps = a.comps or default_comps()
    rows = []
    for comp in comps:
        comp = comp.resolve()
        enc, whole, loop, first, imp = [], [], [], [], []
        frames = 0
        try:
            wv.load(comp)
        except wv.WavyteError as e:  # e.g. an example that needs a plugin not installed here
            print(f"skipped {comp}: {e}", file=sys.stderr, flush=True)
            continue
        for _ in range(a.repeats):
            with tempfile.TemporaryDirectory() as d:
                dt, frames = encoder_alone(comp, a.preset, a.crf, Path(d))
                enc.append(dt)
                r = whole_process(comp, a.preset, a.crf, Path(d), env)
                whole.append(r["whole_s"])
                loop.append(r["render_s"])
                first.append(r.get("first_frame_s") or float("nan"))
                imp.append(r.get("import_s") or float("nan"))
        e, wl, lp = statistics.median(enc), statistics.median(whole), statistics.median(loop)
        row = {
            "comp": str(comp.relative_to(REPO)) if comp.is_relative_to(REPO) else str(comp),
            "frames": frames,
            "encode_s": round(e, 3),
            "loop_s": round(lp, 3),
            "whole_s": round(wl, 3),
            "import_s": round(statistics.median(imp), 3),
            "first_frame_s": round(statistics.median(first), 3),
            "loop_x": round(lp / e, 3),
            "whole_x": round(wl / e, 3),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    lines = [
        "| composition | frames | encoder alone s | render loop s | whole process s | "
        "import s | first frame s | loop / enc (≤1.15) | whole / enc (≤1.4) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['comp']} | {r['frames']} | {r['encode_s']:.2f} | {r['loop_s']:.2f} | "
            f"{r['whole_s']:.2f} | {r['import_s']:.2f} | {r['first_frame_s']:.2f} | "
            f"{r['loop_x']:.2f} | "
            f"{r['whole_x']:.2f} |"
        )
    table = "\n".join(lines)
    print(table)
    if a.out is not None:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        cmd = "scripts/benchmarks/loop_vs_encoder.py " + " ".join(sys.argv[1:])
        load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
        a.out.write_text(
            f"Measured with `.venv/bin/python {cmd}`, medians of {a.repeats} ({load}; "
            "2 cores shared with other work).\n\n"
            f"{table}\n"
        )


if __name__ == "__main__":
    main()
