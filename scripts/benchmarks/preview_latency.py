"""Report how fast `wavyte preview` answers: frame latency per kind, cache hits, hot reload.

    .venv/bin/python scripts/benchmarks/preview_latency.py [COMP.json] [--frames 60] [--browser]

Runs the real server on a free port (as `wavyte preview` does) and asks for frames over
HTTP like the page: cold full-size JPEG, half-size JPEG (dragging/playing), lossless PNG,
then the same frames again from the cache. Also times a hot reload (file rewritten →
new revision prepared) on a copy of the composition's folder. Medians and 90th
percentiles in ms; nothing is asserted. With ``--browser`` it also plays the composition
in headless Chromium (Debian's ``chromium``) for a few seconds and reports the fps the
page shows and the frames it dropped.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from wavyte_core.preview import start_preview  # noqa: E402
from wavyte_core.preview.source import JsonFileSource  # noqa: E402


def fetch(url: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        n = len(r.read())
    return (time.perf_counter() - t0) * 1000, n


def row(name: str, samples: list[tuple[float, int]]) -> str:
    ms = sorted(s[0] for s in samples)
    p90 = ms[min(len(ms) - 1, int(0.9 * len(ms)))]
    kib = statistics.median(s[1] for s in samples) / 1024
    return f"| {name} | {statistics.median(ms):.1f} | {p90:.1f} | {kib:.1f} |"


def play_in_browser(url: str, chromium: str, fps: float, seconds: float = 4.0) -> None:
    """Play from frame 0 for ``seconds`` (new revision, so the first pass is uncached,
    then again from the cache) and print what the page measured."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_selector('canvas[data-scale="1"]', state="attached")
        page.keyboard.press("l")  # loop, so a short composition keeps playing
        for label in ("first pass (uncached)", "second pass (cached)"):
            page.evaluate("wavyte.pause(); wavyte.seek(0)")
            page.keyboard.press("Space")
            painted0 = int(page.get_attribute("canvas", "data-paints") or 0)
            time.sleep(seconds)
            shown = page.text_content("#fps")
            painted = int(page.get_attribute("canvas", "data-paints") or 0) - painted0
            page.keyboard.press("Space")
            print(
                f"browser playback, {label}: page shows '{shown}'; "
                f"{painted / seconds:.1f} frames painted/s (target {fps:g})"
            )
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("comp", nargs="?", type=Path, default=ROOT / "examples" / "demo.json")
    ap.add_argument("--frames", type=int, default=60, help="frames per kind (spread evenly)")
    ap.add_argument("--browser", action="store_true", help="also measure playback in Chromium")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "src"
        shutil.copytree(args.comp.parent, work, ignore=shutil.ignore_patterns("*.mp4"))
        comp_path = work / args.comp.name
        t0 = time.perf_counter()
        server = start_preview(JsonFileSource(comp_path), port=0)
        start_ms = (time.perf_counter() - t0) * 1000
        try:
            session = server.session
            comp = session.service.current.comp
            dur = comp.duration
            picks = sorted(
                {round(i * (dur - 1) / max(args.frames - 1, 1)) for i in range(args.frames)}
            )
            base = server.url
            kinds = [
                ("JPEG full size (paused)", "scale=1"),
                ("JPEG half size (drag/play)", "scale=0.5"),
                ("PNG full size (exact)", "scale=1&lossless=1"),
            ]
            print(
                f"{args.comp.name}: {comp.canvas.width}x{comp.canvas.height}, {dur} frames; "
                f"server start incl. prepare {start_ms:.0f} ms"
            )
            print("\n| request | median ms | p90 ms | median KiB |\n|---|---|---|---|")
            for name, q in kinds:
                print(row(f"{name}, cold", [fetch(f"{base}frame/1/{n}?{q}") for n in picks]))
            for name, q in kinds[:2]:
                print(row(f"{name}, cached", [fetch(f"{base}frame/1/{n}?{q}") for n in picks]))
            # Sequential playback at half size, uncached (a new revision).
            text = comp_path.read_text()
            t0 = time.perf_counter()
            comp_path.write_text(text + " ")
            while session.rev < 2:
                time.sleep(0.005)
            reload_ms = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            for n in range(dur):
                fetch(f"{base}frame/2/{n}?scale=0.5")
            seq_fps = dur / (time.perf_counter() - t0)
            print(
                f"\nhot reload (write → new revision prepared, incl. the 150 ms debounce): "
                f"{reload_ms:.0f} ms"
            )
            print(f"sequential half-size frames, uncached: {seq_fps:.1f} frames/s")
            if args.browser:
                play_in_browser(base, args.chromium, comp.fps.num / comp.fps.den)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
