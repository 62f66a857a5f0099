"""Screenshots of the `wavyte preview` page for the README, taken in headless Chromium.

    .venv/bin/python scripts/preview_screenshots.py [--out docs]

Previews a copy of examples/ (so the demo can be broken on purpose for the second shot)
and writes docs/preview.png (the demo paused on a frame, in/out points set, an asset open
in the side panel), docs/preview-zoom.png (an Exact frame at 100 % with the timeline zoomed
in) and docs/preview-error.png (the error overlay after a bad edit). Needs the preview extra,
playwright and Debian's chromium (`make .venv/.installed-dev` installs them).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wavyte_core.preview import start_preview  # noqa: E402
from wavyte_core.preview.source import JsonFileSource  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "examples"
        shutil.copytree(ROOT / "examples", work, ignore=shutil.ignore_patterns("*.mp4"))
        comp_path = work / "demo.json"
        server = start_preview(JsonFileSource(comp_path), port=0)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=args.chromium, headless=True)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"{server.url}#f=60", wait_until="domcontentloaded")
                page.wait_for_selector('canvas[data-frame="60"][data-scale="1"]', state="attached")
                page.keyboard.press("i")
                page.evaluate("wavyte.seek(150)")
                page.keyboard.press("o")
                page.evaluate("wavyte.seek(104)")
                page.wait_for_selector('canvas[data-frame="104"][data-scale="1"]', state="attached")
                page.keyboard.press("l")
                page.wait_for_selector("body[data-media='1']", state="attached")
                page.click('.asset[data-key="music"] summary')
                page.screenshot(path=str(args.out / "preview.png"))
                page.keyboard.press("e")
                page.select_option("#zoom", "1")
                for _ in range(3):
                    page.click("#tl-in")
                page.wait_for_selector('canvas[data-frame="104"][data-scale="1"]', state="attached")
                page.screenshot(path=str(args.out / "preview-zoom.png"))
                page.select_option("#zoom", "fit")
                page.click("#tl-fit")
                comp = json.loads(comp_path.read_text())
                comp["tracks"][1]["clips"][0]["range"]["end"] = -5
                comp_path.write_text(json.dumps(comp, indent=2))
                page.wait_for_selector("#error:not([hidden])", timeout=20_000)
                page.screenshot(path=str(args.out / "preview-error.png"))
                browser.close()
        finally:
            server.stop()
    print(f"wrote preview.png, preview-zoom.png and preview-error.png in {args.out}")


if __name__ == "__main__":
    main()
