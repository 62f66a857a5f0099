"""Scale-out figures, measured side by side in one run; prints a table and writes a report.

    .venv/bin/python scripts/benchmarks/scaleout.py                 # full run (≈ 15–25 min on 2 cores)
    .venv/bin/python scripts/benchmarks/scaleout.py --quick         # a smoke run of the script itself

1. Batch: ROWS variants of a 3 s 720p card (text, shared image, moving shape; the title,
   colour, size and image vary per row): rows/minute with ``wavyte batch`` on the local
   executor (2 worker processes), on Ray (local 2-CPU cluster, started by the command;
   its startup reported separately) and as ROWS separate ``wavyte render`` processes
   (one after the other, each paying interpreter start, imports and preparation).
2. Segmented render of a 1080p card with sound: Ray with 2 CPUs (segments on 2 actors)
   vs the local 2-worker render (``workers=2``: frame-parallel, one encoder), both in this
   process through the API, Ray startup reported separately; the local executor's
   segmented render (2 processes) for reference.
3. A simulated-scale estimate of a 10-minute 1080p render on 8/32/128 nodes, from the
   measured per-frame cost of a segment, actor preparation, join and audio-mux throughput.

The machine may be shared: figures are noisy. The report records the load average.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import wavyte_core as wv  # noqa: E402
from tests.scaleout_media import write_assets, write_card  # noqa: E402
from wavyte_core.run.batch import Row, Template, read_rows  # noqa: E402
from wavyte_core.run.executor import ExecutorOptions, open_executor  # noqa: E402
from wavyte_core.run.segments import SegmentPlan, render_segmented  # noqa: E402

WAVYTE = [sys.executable, "-m", "wavyte_core.cli.main"]
ENV = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}


def run(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return wall, r


def make_batch(work: Path, rows: int, seconds: float, w: int, h: int) -> tuple[Path, Path]:
    write_assets(work)
    tpl = write_card(work / "tpl.json", w, h, round(30 * seconds), placeholders=True)
    data = work / "rows.csv"
    with data.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["name", "title", "color", "size", "photo"])
        for i in range(rows):
            out.writerow([f"v{i:03d}", f"Hello customer {i}", f"#{(i * 53) % 256:02x}a0{(i * 29) % 256:02x}",
                          60 + i % 20, "photo2.png" if i % 2 else "photo.png"])  # fmt: skip
    return tpl, data


def bench_batch(
    work: Path, rows: int, seconds: float, size: tuple[int, int], skip_separate: bool
) -> dict:
    tpl, data = make_batch(work, rows, seconds, *size)
    res: dict = {"rows": rows, "seconds_per_row": seconds, "size": f"{size[0]}x{size[1]}"}
    wall, r = run([*WAVYTE, "batch", str(tpl), str(data), "-o", str(work / "local" / "{name}.mp4"),
                   "--executor", "local", "-w", "2", "--json", "--fresh"])  # fmt: skip
    res["local"] = {"wall": wall, **json.loads(r.stdout)}
    wall, r = run([*WAVYTE, "batch", str(tpl), str(data), "-o", str(work / "ray" / "{name}.mp4"),
                   "--executor", "ray", "--json", "--fresh"])  # fmt: skip
    res["ray"] = {"wall": wall, **json.loads(r.stdout)}
    if not skip_separate:
        t = Template(tpl)
        (work / "sep").mkdir(exist_ok=True)
        walls = []
        for row in read_rows(data):
            doc = work / "sep" / f"{row.values['name']}.json"
            doc.write_text(json.dumps(t._fill(t.value, "", Row(row.number, row.values, False))))
            wall, _ = run([*WAVYTE, "render", str(doc), "-o", str(doc.with_suffix(".mp4")),
                           "--assets", str(work), "--quiet"])  # fmt: skip
            walls.append(wall)
        res["separate"] = {"wall": sum(walls), "per_row": sum(walls) / len(walls)}
    return res


def bench_segments(work: Path, seconds: float, size: tuple[int, int], gop: int) -> dict:
    frames = round(30 * seconds)
    write_assets(work, audio_seconds=seconds)
    card = write_card(work / "card.json", size[0], size[1], frames, audio=True)
    comp = wv.load(card)
    res: dict = {"frames": frames, "size": f"{size[0]}x{size[1]}", "gop": gop}

    t0 = time.perf_counter()
    with wv.open_job(comp, assets_root=work, workers=2) as job:
        prep = time.perf_counter() - t0
        job.render(work / "local2.mp4")
    res["local_workers2"] = {"wall": time.perf_counter() - t0, "prepare": prep}

    segments = 4
    plan = SegmentPlan.make(0, frames, gop, segments=segments)
    t0 = time.perf_counter()
    session = open_executor("ray", ExecutorOptions(num_cpus=2))
    startup = time.perf_counter() - t0
    try:
        t1 = time.perf_counter()
        rep = render_segmented(comp, work / "ray.mp4", session, plan, assets_root=work)
        wall = time.perf_counter() - t1
    finally:
        session.close()
    res["ray"] = {
        "wall": wall,
        "startup": startup,
        "segments": len(plan.ranges),
        "segment_frames": plan.length,
        "segment_seconds": rep.segment_seconds,
        "prepare_seconds": rep.segment_prepare_seconds,
        "segment_bytes": rep.segment_bytes,
        "join_seconds": rep.join_seconds,
        "mux_seconds": rep.mux_seconds,
    }
    t0 = time.perf_counter()
    local = open_executor("local", ExecutorOptions(workers=2))
    try:
        render_segmented(comp, work / "localseg.mp4", local, plan, assets_root=work)
    finally:
        local.close()
    res["local_segmented2"] = {"wall": time.perf_counter() - t0}
    res["identical_ray_local_segmented"] = (work / "ray.mp4").read_bytes() == (
        work / "localseg.mp4"
    ).read_bytes()
    return res


def estimate(seg: dict, nodes: list[int], workers_per_node: int = 2) -> list[dict]:
    """Wall time of a 10-minute 1080p render from the measured segment figures."""
    r = seg["ray"]
    frames_measured = seg["frames"]
    per_frame = sum(r["segment_seconds"]) / frames_measured  # one actor, node fully loaded
    prepare = max(r["prepare_seconds"])
    join_fps = frames_measured / max(r["join_seconds"], 1e-9)
    mux_per_frame = r["mux_seconds"] / frames_measured
    bytes_per_frame = sum(r["segment_bytes"]) / frames_measured
    gop = seg["gop"]
    total = 10 * 60 * 30
    out = []
    for n in nodes:
        w = n * workers_per_node
        length = max(gop, math.ceil(total / w / gop) * gop)
        nseg = math.ceil(total / length)
        waves = math.ceil(nseg / w)
        compute = prepare + waves * length * per_frame
        join = total / join_fps
        ingress = total * bytes_per_frame / 125e6  # 1 Gbit/s into the coordinator
        tail = length / join_fps + total * mux_per_frame
        wall = max(compute, join, ingress) + tail
        out.append({"nodes": n, "workers": w, "segment_frames": length, "segments": nseg,
                    "compute": compute, "join": join, "ingress": ingress, "tail": tail,
                    "wall": wall})  # fmt: skip
    return out


def report(
    batch: dict | None, seg: dict | None, est: list[dict], started_load: tuple, path: Path
) -> str:
    lines = [f"# Scale-out figures, {dt.date.today().isoformat()}", ""]
    lines += [
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"ray {_ray_version()}. Load average at start {started_load[0]:.2f}, at end "
        f"{os.getloadavg()[0]:.2f}: the machine is shared with other work, so every figure is "
        "noisy (one run, no repetitions).",
        "",
        "Reproduce: `.venv/bin/python scripts/benchmarks/scaleout.py`",
        "",
    ]
    if batch is not None:
        n = batch["rows"]
        loc, ray = batch["local"], batch["ray"]
        ray_no_start = ray["wall"] - ray["executor_startup_s"]
        lines += [
            f"## Batch: {n} variants of a {batch['seconds_per_row']:g} s {batch['size']} card",
            "",
            "| how | wall s | rows/min | speed vs separate processes |",
            "|---|---:|---:|---:|",
        ]
        sep = batch.get("separate")
        base = sep["wall"] if sep else None

        def row(name: str, wall: float) -> str:
            ratio = f"{base / wall:.2f}×" if base else "-"
            return f"| {name} | {wall:.1f} | {60 * n / wall:.1f} | {ratio} |"

        lines.append(row("`wavyte batch --executor local -w 2`", loc["wall"]))
        lines.append(row("`wavyte batch --executor ray` (incl. Ray start)", ray["wall"]))
        lines.append(row("same, Ray start excluded", ray_no_start))
        if sep:
            lines.append(f"| {n} × `wavyte render` (one after the other) | {sep['wall']:.1f} | "
                         f"{60 * n / sep['wall']:.1f} | 1.00× |")  # fmt: skip
        lines += [
            "",
            f"Ray startup (cluster + {ray['workers']} actors): {ray['executor_startup_s']:.1f} s.",
            "",
        ]
    if seg is not None:
        loc = seg["local_workers2"]
        ray = seg["ray"]
        lines += [
            f"## Segmented render: {seg['frames']} frames {seg['size']} with sound, GOP {seg['gop']}",
            "",
            "| how | wall s | vs local 2 workers |",
            "|---|---:|---:|",
            f"| local render, `workers=2` (prepare included) | {loc['wall']:.1f} | 1.00× |",
            f"| Ray, 2 CPUs, {ray['segments']} segments of {ray['segment_frames']} frames | "
            f"{ray['wall']:.1f} | {ray['wall'] / loc['wall']:.2f}× |",
            f"| local executor, 2 processes, same plan | {seg['local_segmented2']['wall']:.1f} | "
            f"{seg['local_segmented2']['wall'] / loc['wall']:.2f}× |",
            "",
            f"Ray startup (cluster + 2 actors), not included above: {ray['startup']:.1f} s. "
            f"Join (remux as segments arrived): {ray['join_seconds']:.2f} s; audio mix-down mux: "
            f"{ray['mux_seconds']:.2f} s. Ray file byte-identical to the local executor's: "
            f"{seg['identical_ray_local_segmented']}.",
            "",
        ]
    if est:
        r = seg["ray"] if seg else {}
        per_frame = sum(r["segment_seconds"]) / seg["frames"]
        lines += [
            "## Simulated scale: a 10-minute 1080p30 render (18 000 frames)",
            "",
            f"From the run above: {1000 * per_frame:.0f} ms per frame per actor on a loaded 2-CPU node "
            f"(render + x264, 2 actors per node), actor preparation {max(r['prepare_seconds']):.2f} s, "
            f"join {seg['frames'] / max(r['join_seconds'], 1e-9):.0f} frames/s, "
            f"{sum(r['segment_bytes']) / seg['frames'] / 1024:.0f} KiB per frame. Model: segments of "
            "whole GOPs, as many as workers (at least one GOP each); wall = max(preparation + "
            "waves × segment × per-frame cost, all frames / join rate, all bytes / 1 Gbit/s) + "
            "the last segment's join + the audio mux. Cluster start and scheduling jitter are "
            "not modelled.",
            "",
            "| nodes (2 CPUs each) | workers | segment frames | segments | compute s | join s | wall s |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for e in est:
            lines.append(f"| {e['nodes']} | {e['workers']} | {e['segment_frames']} | {e['segments']} | "
                         f"{e['compute']:.1f} | {e['join']:.1f} | {e['wall']:.1f} |")  # fmt: skip
        lines.append("")
    text = "\n".join(lines)
    path.write_text(text)
    return text


def _ray_version() -> str:
    try:
        import ray

        return ray.__version__
    except ImportError:
        return "not installed"


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rows", type=int, default=50)
    ap.add_argument("--row-seconds", type=float, default=3.0)
    ap.add_argument("--segment-seconds", type=float, default=20.0)
    ap.add_argument("--gop", type=int, default=60)
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--skip-segments", action="store_true")
    ap.add_argument("--skip-separate", action="store_true")
    ap.add_argument("--quick", action="store_true", help="tiny sizes: check the script runs")
    ap.add_argument(
        "--out", type=Path, default=ROOT / "docs" / f"scaleout-{dt.date.today().isoformat()}.md"
    )
    a = ap.parse_args()
    batch_size, seg_size = (1280, 720), (1920, 1080)
    if a.quick:
        a.rows, a.row_seconds, a.segment_seconds, a.gop = 4, 0.5, 2.0, 10
        batch_size, seg_size = (320, 180), (480, 270)
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="wavyte-scaleout-") as tmp:
        work = Path(tmp)
        batch = seg = None
        if not a.skip_batch:
            batch = bench_batch(work / "batch", a.rows, a.row_seconds, batch_size, a.skip_separate)
            print(json.dumps(batch, indent=1), flush=True)
        if not a.skip_segments:
            seg = bench_segments(work / "seg", a.segment_seconds, seg_size, a.gop)
            print(json.dumps(seg, indent=1), flush=True)
    est = estimate(seg, [8, 32, 128]) if seg else []
    print(report(batch, seg, est, load0, a.out))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
