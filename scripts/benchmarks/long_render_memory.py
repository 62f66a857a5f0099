"""Peak RSS of a long render does not grow with the video's length.

    .venv/bin/python scripts/benchmarks/long_render_memory.py --minutes 10 --size 1920x1080 --preset ultrafast

Renders an animated scene (every layer moves every frame, so nothing is elided) for 1
minute and for N minutes, each in a fresh process, and prints both peak RSS figures.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def scene(width: int, height: int, frames: int) -> dict:
    def tf(x: float, y: float, r: float = 0.0, s: float = 1.0) -> dict:
        return {
            "translate": {"x": x, "y": y},
            "rotation_rad": r,
            "scale": {"x": s, "y": s},
            "anchor": {"x": 60.0, "y": 60.0},
        }

    clips = []
    for i in range(8):
        keys = [
            {"frame": 0, "value": tf(60 + 90 * i, 80, 0.0, 1.0), "ease": "InOutCubic"},
            {
                "frame": frames - 1,
                "value": tf(width - 200 - 40 * i, height - 200, 50.0 + i, 2.0),
                "ease": "Linear",
            },
        ]
        opacity = {
            "Procedural": {
                "kind": {
                    "kind": "Scalar",
                    "params": {
                        "Sine": {
                            "amp": 0.3,
                            "freq_hz": 0.2 + 0.05 * i,
                            "phase": float(i),
                            "offset": 0.65,
                        }
                    },
                }
            }
        }
        clips.append(
            {
                "id": f"s{i}",
                "asset": "star",
                "range": {"start": 0, "end": frames},
                "props": {
                    "transform": {"Keyframes": {"keys": keys, "mode": "Linear", "default": None}},
                    "opacity": opacity,
                    "blend": "Normal",
                },
                "z_offset": i,
                "effects": [],
                "transition_in": None,
                "transition_out": None,
            }
        )
    return {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": width, "height": height},
        "duration": frames,
        "assets": {
            "star": {
                "Path": {
                    "svg_path_d": "M60,0 L74,42 L120,42 L83,68 L97,112 L60,85 L23,112 L37,68 L0,42 L46,42 Z"
                }
            }
        },
        "tracks": [{"name": "t", "z_base": 0, "clips": clips}],
        "seed": 3,
    }


def child(comp_path: str, preset: str) -> None:
    import wavyte_core as wv

    comp = wv.load(comp_path)
    with tempfile.TemporaryDirectory() as d, wv.open_job(comp, assets_root=d) as job:
        t = time.perf_counter()
        r = job.render(Path(d) / "long.mp4", preset=preset)
        dt = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps({"frames": r.frames, "seconds": round(dt, 1), "peak_rss_mb": round(peak_mb, 1)})
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--preset", default="ultrafast")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(*a.child)
        return
    w, h = (int(v) for v in a.size.split("x"))
    for minutes in (1.0, a.minutes):
        frames = int(minutes * 60 * 30)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(scene(w, h, frames), f)
        out = subprocess.run(
            [sys.executable, __file__, "--child", f.name, a.preset],
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"{minutes:g} min at {a.size}: {out.stdout.strip()}")
        Path(f.name).unlink()


if __name__ == "__main__":
    main()
