"""Captions speed: preparing 10 minutes of word-timed captions, and drawing a captions frame
at 1080×1920 after prepare.

    python scripts/benchmarks/captions_speed.py [--minutes 10] [--frames 600] [--backend skia]

Makes a Whisper-style transcript (2.5 words per second, segments of 6–12 words), then
reports: the prepare time of the Captions asset (file read, fonts, pagination and
measuring; the first page laid out), and the median and 95th-percentile time per frame of
``evaluate + render`` into one reused 1080×1920 frame over ``--frames`` consecutive frames
(a WordPop style: the drawing changes with every word, about every 12 frames at 30 fps),
and the same for frames whose page state does not change. Figures, not pass/fail: run it
on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORDS = [
    "the",
    "quick",
    "harbour",
    "light",
    "morning",
    "boats",
    "gulls",
    "circle",
    "over",
    "quiet",
    "water",
    "wake",
    "one",
    "by",
    "fishing",
    "nets",
    "rope",
    "tide",
    "salt",
    "wind",
    "sails",
    "drift",
    "slowly",
    "past",
    "stone",
    "walls",
    "and",
    "bells",
    "ring",
]


def transcript(minutes: float) -> dict:
    segs = []
    t = 0.3
    i = 0
    end = minutes * 60.0
    while t < end:
        n = 6 + (i * 7) % 7
        ws = []
        for k in range(n):
            w = WORDS[(i * 13 + k * 5) % len(WORDS)]
            ws.append({"start": round(t, 3), "end": round(t + 0.32, 3), "word": w})
            t += 0.4
        segs.append({"start": ws[0]["start"], "end": ws[-1]["end"],
                     "text": " ".join(w["word"] for w in ws), "words": ws})  # fmt: skip
        t += 0.5
        i += 1
    return {"segments": segs}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--frames", type=int, default=600)
    ap.add_argument("--backend", default="skia")
    ap.add_argument("--plain", action="store_true", help="no stroke, shadow or highlight box")
    ap.add_argument("--drop", default="", help="comma-separated fields to leave out")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from wavyte_core.api import load, open_job
    from wavyte_core.plugin.registry import default_registry

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(ROOT / "examples" / "assets" / "fonts" / "DejaVuSans.ttf", root / "f.ttf")
        doc = transcript(args.minutes)
        (root / "talk.json").write_text(json.dumps(doc))
        n_words = sum(len(s["words"]) for s in doc["segments"])
        cap = {
            "source": "talk.json",
            "font_source": "f.ttf",
            "size_px": 72,
            "max_width_px": 920,
            "max_lines": 2,
            "style": "WordPop",
            "highlight": {"color": "#ffd600", "background": "#7030a0", "scale": 1.15},
            "stroke": {"width": 8, "paint": {"Solid": "#000000"}, "join": "Round"},
            "shadow": {"offset": {"x": 0, "y": 4}, "blur": 8, "color": "#000000a0"},
        }
        if args.plain:
            for name in ("stroke", "shadow"):
                del cap[name]
            cap["highlight"] = {"color": "#ffd600"}
        for name in filter(None, args.drop.split(",")):
            cap.pop(name, None)
        frames = int(args.minutes * 60 * 30)
        t = {
            "translate": {"x": 80, "y": 1300},
            "rotation_rad": 0.0,
            "scale": {"x": 1.0, "y": 1.0},
            "anchor": {"x": 0.0, "y": 0.0},
        }

        def k(v: object) -> dict:
            return {
                "Keyframes": {
                    "keys": [{"frame": 0, "value": v, "ease": "Linear"}],
                    "mode": "Hold",
                    "default": None,
                }
            }

        comp_doc = {
            "fps": {"num": 30, "den": 1}, "canvas": {"width": 1080, "height": 1920},
            "duration": frames, "assets": {"cap": {"Captions": cap}},
            "tracks": [{"name": "c", "z_base": 0, "clips": [{
                "id": "c", "asset": "cap", "range": {"start": 0, "end": frames},
                "props": {"transform": k(t), "opacity": k(1.0), "blend": "Normal"},
                "z_offset": 0, "effects": [], "transition_in": None, "transition_out": None}]}],
            "seed": 0,
        }  # fmt: skip
        comp = load(json.dumps(comp_doc).encode())
        default_registry()
        from wavyte_core.assets.captions_kind import CaptionsKind
        from wavyte_core.plugin.asset_kinds import PrepareContext

        # prepare alone (what a job does once per asset)
        spec = CaptionsKind.parse(cap, "assets.cap.Captions")
        ctx = PrepareContext("cap", "assets.cap.Captions", root, (1080, 1920), 30.0, 0, comp)
        t0 = time.perf_counter()
        kind = CaptionsKind()
        kind.prepare(spec, ctx)
        kind.pages.drawing(kind.pages.state(kind.pages.pages[0].start + 0.01) or (0, 1))
        prep = time.perf_counter() - t0
        print(f"transcript: {args.minutes:g} min, {n_words} words, "
              f"{len(kind.pages.pages)} pages")  # fmt: skip
        print(f"prepare: {prep * 1000:.0f} ms")
        with open_job(comp, assets_root=root, backend=args.backend,
                      background=(0, 0, 0, 255)) as job:  # fmt: skip
            surf = job.new_surface()
            start = 300  # 10 s in
            times = []
            layer = []  # the captions layer alone: its draw call into the frame
            changed = []
            prev = None
            draw = job._draw_fn("cap")
            for f in range(start, start + args.frames):
                t0 = time.perf_counter()
                g = job.evaluate(f)
                job.render_into(g, surf)
                times.append(time.perf_counter() - t0)
                st = g.nodes[0].state if g.nodes else None
                if g.nodes:
                    t1 = time.perf_counter()
                    draw(surf, g.nodes[0].transform, 1.0, st)
                    layer.append(time.perf_counter() - t1)
                changed.append(st != prev)
                prev = st
        ch = [x for x, c in zip(times, changed, strict=True) if c]
        same = [x for x, c in zip(times, changed, strict=True) if not c]

        def fmt(xs: list[float]) -> str:
            xs = sorted(xs)
            p95 = xs[int(0.95 * (len(xs) - 1))]
            return f"median {statistics.median(xs) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"

        print(f"frame 1080x1920 ({args.backend}), all {len(times)}: {fmt(times)}")
        print(f"  frames whose page state changed ({len(ch)}): {fmt(ch)}")
        print(f"  frames showing the same state ({len(same)}): {fmt(same)}")
        print(f"captions layer draw alone (same frames, drawn again): {fmt(layer)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
