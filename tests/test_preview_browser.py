"""The studio page in a real headless Chromium (Debian's ``chromium``), driven by Playwright.

What the page paints is read back from its canvas (``getImageData``) and compared with the
engine's own frames: exactly on the lossless path, within a JPEG tolerance otherwise.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

import wavyte_core as wv
from tests import parts
from tests.media import write_tone
from tests.preview_helpers import (
    FRAMES,
    H,
    W,
    cli_frame,
    running_preview,
    square_comp,
    write_comp,
)
from tests.test_e2e_render import clip
from wavyte_core.output.flatten import unpremultiply_to_rgba

parts.need("chromium", module=True)  # fails unless WAVYTE_ALLOW_MISSING allows skipping
from playwright import sync_api  # noqa: E402

CHROMIUM = parts.chromium_path()
TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--autoplay-policy=no-user-gesture-required"],
        )
        yield b
        b.close()


def studio_comp() -> dict:
    """The moving square plus a second track whose clip starts at frame 15."""
    comp = square_comp()
    comp["assets"]["bar"] = {"Path": {"svg_path_d": "M0,0 H160 V10 H0 Z"}}
    comp["tracks"].append({"name": "late", "z_base": 1, "clips": [clip("bar", "bar", 15, FRAMES)]})
    return comp


def expected_frames(comp: dict, root: Path) -> dict[int, np.ndarray]:
    """Every frame as the straight RGBA a PNG of ``wavyte frame`` holds."""
    with wv.open_job(wv.load(json.dumps(comp)), assets_root=root) as job:
        return {n: unpremultiply_to_rgba(f) for n, f in job.frames()}


@dataclass
class Studio:
    page: object
    server: object
    path: Path
    errors: list[str] = field(default_factory=list)

    def wait_frame(self, n: int, rev: int = 1, scale: int = 1) -> None:
        self.page.wait_for_selector(
            f'canvas#view[data-frame="{n}"][data-rev="{rev}"][data-scale="{scale}"]',
            state="attached",
            timeout=TIMEOUT_MS,
        )

    def pixels(self) -> np.ndarray:
        """The canvas's RGBA pixels, as ``getImageData`` reads them (sent as base64)."""
        data = self.page.evaluate(
            """() => { const c = document.getElementById('view');
                 const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                 let s = '';
                 for (let i = 0; i < d.length; i += 8192)
                   s += String.fromCharCode.apply(null, d.subarray(i, i + 8192));
                 return btoa(s); }"""
        )
        return np.frombuffer(base64.b64decode(data), dtype=np.uint8).reshape(H, W, 4)

    def frame(self) -> int:
        return int(self.page.get_attribute("canvas#view", "data-frame"))

    def ruler_point(self, n: int) -> tuple[float, float]:
        """Viewport coordinates of the middle of frame ``n`` on the timeline's ruler."""
        return tuple(
            self.page.evaluate(
                """(n) => { const t = wavyte.timeline;
                     const c = document.getElementById('tl-content').getBoundingClientRect();
                     const r = document.getElementById('ruler').getBoundingClientRect();
                     return [c.left + t.x(n) + t.ppf() / 2, r.top + r.height / 2]; }""",
                n,
            )
        )

    def press(self, *keys: str) -> None:
        for k in keys:
            self.page.keyboard.press(k)


@pytest.fixture
def studio(tmp_path: Path, browser: object) -> Iterator[Studio]:
    path = write_comp(tmp_path / "comp.json", studio_comp())
    with running_preview(path) as server:
        page = browser.new_page(viewport={"width": 1000, "height": 700})
        s = Studio(page, server, path)
        page.on("pageerror", lambda e: s.errors.append(f"page error: {e}"))
        yield s
        page.close()
    assert not s.errors


def open_page(s: Studio, query: str = "?lossless=1", frame: int | None = None) -> None:
    url = s.server.url + query + (f"#f={frame}" if frame is not None else "")
    s.page.goto(url, wait_until="domcontentloaded")
    s.wait_frame(frame or 0)


def test_page_loads_and_shows_the_exact_frame(studio: Studio, tmp_path: Path) -> None:
    open_page(studio, frame=12)
    page = studio.page
    assert page.text_content("#label") == "comp.json"
    assert page.text_content("#total") == str(FRAMES - 1)
    assert page.text_content("#timecode") == "00:00:00:12"
    assert page.is_hidden("#error") and page.is_hidden("#banner")
    assert np.array_equal(studio.pixels(), cli_frame(studio.path, 12, tmp_path / "f12.png"))
    # The default path is JPEG: close, not exact.
    page.click("#exact")
    studio.press("ArrowRight")
    studio.wait_frame(13)
    expected = expected_frames(studio_comp(), studio.path.parent)[13].astype(int)
    diff = np.abs(studio.pixels().astype(int) - expected)
    assert diff[..., :3].mean() < 2.0 and np.percentile(diff, 99) < 40


def test_stepping_scrubbing_and_timeline_land_on_exact_frames(studio: Studio) -> None:
    frames = expected_frames(studio_comp(), studio.path.parent)
    open_page(studio)
    steps = [
        (("ArrowRight", "ArrowRight", "ArrowRight"), 3),
        (("Shift+ArrowRight",), 33),
        (("ArrowLeft",), 32),
        (("End",), FRAMES - 1),
        (("Home",), 0),
    ]
    for keys, n in steps:
        studio.press(*keys)
        studio.wait_frame(n)
        assert np.array_equal(studio.pixels(), frames[n]), f"frame {n}"
    studio.press("g")
    studio.page.keyboard.type("21")
    studio.press("Enter")
    studio.wait_frame(21)
    assert np.array_equal(studio.pixels(), frames[21])
    # Scrubbing: drag on the ruler; half-size frames while dragging, exact when released.
    mouse = studio.page.mouse
    mouse.move(*studio.ruler_point(22))
    mouse.down()
    for n in range(24, 41, 2):
        mouse.move(*studio.ruler_point(n))
    mouse.move(*studio.ruler_point(27))
    mouse.up()
    studio.wait_frame(27)
    assert np.array_equal(studio.pixels(), frames[27])
    assert studio.page.evaluate("location.hash") == "#f=27&exact=1"
    # The timeline's bar shows the frames the server has cached.
    studio.page.wait_for_function(
        "Number(document.getElementById('cached').dataset.count) >= 8", timeout=TIMEOUT_MS
    )
    # A click on a clip jumps to its first frame.
    studio.page.click('.clip[data-id="bar"]')
    studio.wait_frame(15)
    assert np.array_equal(studio.pixels(), frames[15])


def test_edit_reloads_keeping_the_playhead_and_errors_show_until_fixed(studio: Studio) -> None:
    open_page(studio, frame=20)
    page = studio.page
    before = studio.pixels()
    moved = studio_comp()
    moved["tracks"][0]["clips"][0]["props"]["transform"]["Keyframes"]["keys"][1]["value"][
        "translate"
    ] = {"x": 10.0, "y": 60.0}
    write_comp(studio.path, moved)
    studio.wait_frame(20, rev=2)
    after = studio.pixels()
    assert not np.array_equal(after, before)
    assert np.array_equal(after, expected_frames(moved, studio.path.parent)[20])
    # A rule broken: the engine's line with the JSON path, over the last good frame.
    broken = json.loads(json.dumps(moved))
    broken["tracks"][0]["clips"][0]["range"] = {"start": 30, "end": 10}
    write_comp(studio.path, broken)
    page.wait_for_selector("#error:not([hidden])", timeout=TIMEOUT_MS)
    text = page.text_content("#error-text")
    assert text.startswith("tracks[0].clips[0].range"), text
    assert np.array_equal(studio.pixels(), after)
    # Broken JSON: line and column.
    studio.path.write_text(studio.path.read_text()[:-10])
    page.wait_for_function(
        "document.getElementById('error-text').textContent.includes('invalid JSON at line')",
        timeout=TIMEOUT_MS,
    )
    # Fixed: the overlay goes, the playhead stays, also across a manual refresh (#f=20).
    write_comp(studio.path, moved)
    studio.wait_frame(20, rev=3)
    assert page.is_hidden("#error")
    page.reload(wait_until="domcontentloaded")
    studio.wait_frame(20, rev=3)


def test_play_advances_and_loops_between_in_and_out(studio: Studio) -> None:
    open_page(studio, query="")
    page = studio.page
    studio.press("Space")
    page.wait_for_function(f"wavyte.state.frame >= {FRAMES // 2}", timeout=TIMEOUT_MS)
    assert page.text_content("#fps").endswith("fps of 30") or "dropped" in page.text_content("#fps")
    # Without loop, play stops on the last frame and shows it at full size.
    studio.wait_frame(FRAMES - 1)
    assert page.text_content("#fps") == "paused"
    # Loop over [5, 15].
    page.evaluate("wavyte.seek(5)")
    studio.press("i")
    page.evaluate("wavyte.seek(15)")
    studio.press("o", "l", "Space")
    seen = []
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline:
        seen.append(page.evaluate("wavyte.state.frame"))
        time.sleep(0.03)
    studio.press("Space")
    assert all(5 <= n <= 15 for n in seen), seen
    assert len(set(seen)) > 5 and any(b < a for a, b in zip(seen, seen[1:], strict=False)), seen


def test_audio_plays_with_the_picture(tmp_path: Path, browser: object) -> None:
    write_tone(tmp_path / "tone.wav", 2.0)
    comp = studio_comp()
    comp["assets"]["tone"] = {"Audio": {"source": "tone.wav"}}
    comp["tracks"][0]["clips"].append(clip("tone", "tone", 0, FRAMES))
    path = write_comp(tmp_path / "comp.json", comp)
    with running_preview(path) as server:
        page = browser.new_page()
        try:
            page.goto(server.url, wait_until="domcontentloaded")
            page.wait_for_selector('canvas#view[data-frame="0"]', state="attached")
            page.keyboard.press("Space")
            page.wait_for_function("wavyte.audio.source !== null", timeout=TIMEOUT_MS)
            duration = page.evaluate("wavyte.audio.buffer.duration")
            assert duration == pytest.approx(FRAMES / 30, abs=1e-3)
        finally:
            page.close()


def test_banner_when_the_server_is_gone(studio: Studio) -> None:
    open_page(studio)
    assert studio.page.is_hidden("#banner")
    studio.server.stop()
    studio.page.wait_for_selector("#banner:not([hidden])", timeout=TIMEOUT_MS)


def test_save_still_and_render_buttons(studio: Studio, tmp_path: Path) -> None:
    open_page(studio, query="", frame=8)
    page = studio.page
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        studio.press("s")
    assert download.value.suggested_filename == "comp_f00008.png"
    cli_frame(studio.path, 8, tmp_path / "f8.png")
    assert Path(download.value.path()).read_bytes() == (tmp_path / "f8.png").read_bytes()
    page.click("#render")
    page.wait_for_selector('body[data-render="done"]', timeout=60_000)
    assert "wrote" in page.text_content("#render-status")
    assert (studio.path.parent / "comp.mp4").stat().st_size > 0


def test_a_composition_broken_from_the_start_shows_once_fixed(
    tmp_path: Path, browser: object
) -> None:
    path = tmp_path / "comp.json"
    path.write_text('{"fps": {"num": 30, "den": 1},')
    with running_preview(path) as server:
        page = browser.new_page()
        try:
            page.goto(server.url, wait_until="domcontentloaded")
            page.wait_for_selector("#error:not([hidden])", timeout=TIMEOUT_MS)
            assert "invalid JSON at line 1" in page.text_content("#error-text")
            write_comp(path, studio_comp())
            page.wait_for_selector('canvas#view[data-frame="0"][data-rev="1"]', state="attached")
            assert page.is_hidden("#error")
        finally:
            page.close()
