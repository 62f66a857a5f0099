"""Soak: the RSS of a long render stays flat.

    .venv/bin/python scripts/benchmarks/soak_rss.py --minutes 30 --size 1280x720 --out docs/soak-rss

Writes a 720p composition with motion on every frame (eight moving, rotating, fading stars
from ``long_render_memory.py`` plus a moving blurred one, so drawing, effects and regions
all run), renders it with ``wavyte render`` in a child process, samples the RSS of that
process and of its workers once a second from /proc, and writes ``OUT.json`` (samples)
and ``OUT.png`` (the curve). ``--max-seconds`` stops the render early (Ctrl-C semantics:
the engine cleans up) and the report says how many frames were reached.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from long_render_memory import scene  # noqa: E402

FONT = (
    Path(__file__).resolve().parents[2]
    / "conformance/wavyte_conformance/scenes/bench/assets/NotoSansDisplay-Bold.ttf"
)


def soak_scene(width: int, height: int, frames: int) -> dict:
    doc = scene(width, height, frames)
    blurred = json.loads(json.dumps(doc["tracks"][0]["clips"][0]))
    blurred["id"] = "blurred"
    blurred["z_offset"] = 20
    blurred["effects"] = [{"kind": "blur", "params": {"radius_px": 12}}]
    doc["tracks"][0]["clips"].append(blurred)
    return doc


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def chart(samples: list[dict], out: Path, title: str) -> None:
    """The RSS curve (parent, workers, total) as a PNG, drawn with skia."""
    import numpy as np
    import skia

    from wavyte_core.output.png import write_png

    w, h, left, right, top, bottom = 960, 480, 70, 20, 40, 50
    buf = np.zeros((h, w, 4), np.uint8)
    surface = skia.Surface(
        buf, colorType=skia.kBGRA_8888_ColorType, alphaType=skia.kPremul_AlphaType
    )
    c = surface.getCanvas()
    c.clear(skia.ColorWHITE)
    t_max = max(s["t"] for s in samples) or 1.0
    mb_max = max(s["total_mb"] for s in samples) * 1.2 or 1.0
    face = skia.Typeface.MakeFromFile(str(FONT))
    font = skia.Font(face, 13)
    ink = skia.Paint(Color=skia.ColorBLACK, AntiAlias=True)
    grid = skia.Paint(Color=skia.Color(220, 220, 220), StrokeWidth=1)

    def xy(t: float, mb: float) -> tuple[float, float]:
        return (
            left + (w - left - right) * t / t_max,
            h - bottom - (h - top - bottom) * mb / mb_max,
        )

    for i in range(6):
        mb = mb_max * i / 5
        _, y = xy(0, mb)
        c.drawLine(left, y, w - right, y, grid)
        c.drawString(f"{mb:.0f} MB", 8, y + 4, font, ink)
    for i in range(6):
        t = t_max * i / 5
        x, _ = xy(t, 0)
        c.drawString(f"{t / 60:.1f} min", x - 18, h - bottom + 18, font, ink)
    c.drawString(title, left, 24, skia.Font(face, 15), ink)
    series = (("total_mb", skia.Color(200, 40, 40)), ("parent_mb", skia.Color(40, 90, 200)))
    for key, color in series:
        line = skia.Path()
        for i, s in enumerate(samples):
            x, y = xy(s["t"], s[key])
            line.moveTo(x, y) if i == 0 else line.lineTo(x, y)
        c.drawPath(
            line,
            skia.Paint(Color=color, Style=skia.Paint.kStroke_Style, StrokeWidth=2, AntiAlias=True),
        )
    c.drawString(
        "total RSS (parent + workers)", w - 260, top + 10, font, skia.Paint(Color=series[0][1])
    )
    c.drawString("parent RSS", w - 260, top + 28, font, skia.Paint(Color=series[1][1]))
    c.drawString("wall time of the render", w / 2 - 60, h - 12, font, ink)
    # skia drew premultiplied BGRA with an opaque background: write it as is.
    write_png(out, buf)


def main() -> None:
    ap = argparse.ArgumentParser(description="RSS over time of a long render.")
    ap.add_argument("--minutes", type=float, default=30.0, help="Video length.")
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--preset", default="ultrafast")
    ap.add_argument("--max-seconds", type=float, default=None, help="Stop the render early.")
    ap.add_argument("--out", type=Path, default=Path("docs/soak-rss"))
    a = ap.parse_args()
    width, height = (int(v) for v in a.size.split("x"))
    frames = int(a.minutes * 60 * 30)
    wavyte = Path(sys.executable).with_name("wavyte")
    samples: list[dict] = []
    with tempfile.TemporaryDirectory() as d:
        comp = Path(d) / "soak.json"
        comp.write_text(json.dumps(soak_scene(width, height, frames)))
        cmd = [
            str(wavyte),
            "render",
            str(comp),
            "-o",
            str(Path(d) / "soak.mp4"),
            "--json",
            "--workers",
            str(a.workers),
            "--preset",
            a.preset,
        ]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        stopped = False
        while proc.poll() is None:
            t = time.perf_counter() - t0
            parent = rss_kib(proc.pid)
            kids = sum(rss_kib(p) for p in children(proc.pid))
            if parent:
                samples.append(
                    {
                        "t": round(t, 1),
                        "parent_mb": parent / 1024,
                        "total_mb": (parent + kids) / 1024,
                    }
                )
            if a.max_seconds is not None and t > a.max_seconds and not stopped:
                proc.send_signal(signal.SIGINT)
                stopped = True
            time.sleep(1.0)
        report = proc.stdout.read() if proc.stdout else ""
        elapsed = time.perf_counter() - t0
    result = {
        "command": " ".join(["wavyte render soak.json -o soak.mp4", *cmd[5:]]),
        "video_minutes": a.minutes,
        "frames": frames,
        "size": a.size,
        "stopped_early": stopped,
        "wall_seconds": round(elapsed, 1),
        "render_report": json.loads(report) if report.strip() else None,
        "samples": samples,
    }
    steady = [s["total_mb"] for s in samples if s["t"] >= min(60.0, elapsed / 4)]
    if steady:
        result["steady_total_mb"] = {"min": round(min(steady), 1), "max": round(max(steady), 1)}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.with_suffix(".json").write_text(json.dumps(result, indent=1))
    done = "stopped early" if stopped else "complete"
    title = (
        f"wavyte render RSS, {a.minutes:g}-min {a.size} video ({done}, {elapsed / 60:.1f} min wall)"
    )
    if samples:
        chart(samples, a.out.with_suffix(".png"), title)
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}))
    os.sys.exit(0)


if __name__ == "__main__":
    main()
