"""Issue 10's targets side by side, in one run: the blur and every composition's loop/whole.

    .venv/bin/python scripts/issue10_report.py [--repeats 3] [--frames 150] \
        [--out docs/issue10-report.md]

1. The exact §4.6 blur at radius 40 on 1280×720 and 1920×1080 layers
   (`scripts/blur_speed.py`; targets ≤ 6 ms and ≤ 12 ms).
2. `scripts/loop_vs_encoder.py` over every composition in ``conformance/wavyte_conformance/scenes`` and the
   examples, plus the bench's blur-heavy scene ``blur40`` (a canvas-covering photo drifting
   under a radius-40 blur, and a sliding title) at 1280×720 and 1920×1080 — render loop
   against the x264 encoder alone on the same frames (target ≤ 1.15×), whole process
   (target ≤ 1.4×), time to the first encoded frame.

The report names the machine's load average before and after, because this machine may be
shared and wall times move with it.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from loop_vs_encoder import default_comps  # noqa: E402

from wavyte_conformance.bench.scenes import blur40  # noqa: E402


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _run(args: list[str]) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=REPO, capture_output=True, text=True, check=True
    )
    return done.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--frames", type=int, default=150, help="Frames of the blur40 scenes.")
    ap.add_argument("--out", type=Path, default=None, help="Also write the report here.")
    a = ap.parse_args()
    load_before = _load()
    blur = _run(["scripts/blur_speed.py", "--repeats", str(max(10, 5 * a.repeats))])
    with tempfile.TemporaryDirectory() as tmp:
        scenes = []
        for w, h in ((1280, 720), (1920, 1080)):
            doc = blur40(w, h, a.frames, Path(tmp) / "cache")
            path = doc.root / f"blur40_{w}x{h}.json"
            path.write_bytes(doc.json_bytes())
            scenes.append(str(path))
        table_md = Path(tmp) / "table.md"
        comps = [str(p) for p in default_comps()]
        _run(
            [
                "scripts/loop_vs_encoder.py",
                *comps,
                *scenes,
                "--repeats",
                str(a.repeats),
                "--out",
                str(table_md),
            ]
        )
        table = table_md.read_text().split("\n\n", 1)[1].strip()
        table = table.replace(str(Path(tmp) / "cache" / "root") + "/", "(bench) ")
    cmd = "scripts/issue10_report.py " + " ".join(sys.argv[1:])
    report = f"""# Issue 10 targets, one run

- command: `.venv/bin/python {cmd}`
- machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}
- load average (1, 5, 15 min) before: {load_before}; after: {_load()}

## Exact blur, radius 40 (targets: 1280×720 ≤ 6 ms, 1920×1080 ≤ 12 ms)

```
{blur.strip()}
```

## Render loop and whole process against the x264 encoder alone (1 worker)

Targets: loop / enc ≤ 1.15, whole / enc ≤ 1.4. "(bench) blur40_…" is the bench's
blur-heavy scene, {a.frames} frames.

{table}
"""
    print(report)
    if a.out is not None:
        a.out.write_text(report)


if __name__ == "__main__":
    main()
