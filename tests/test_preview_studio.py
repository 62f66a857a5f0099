"""The studio's timeline, transport and panels in headless Chromium: sub-lanes for
overlapping clips, one playhead aligned with the clips at every zoom, distinct transport
icons, the clamped frame box, exact transparent frames, the view kept in the URL, stage
zoom, waveforms, thumbnails and the asset panel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests import parts
from tests.media import write_png, write_solid_video, write_tone
from tests.preview_helpers import FRAMES, W, cli_frame, running_preview, square_comp, write_comp
from tests.test_e2e_render import clip, moving_square

parts.need("chromium", module=True)  # fails unless WAVYTE_ALLOW_MISSING allows skipping
from tests.test_preview_browser import TIMEOUT_MS, Studio, browser, studio_comp  # noqa: E402, F401

TRANSPARENT = (0, 0, 0, 0)


def overlapping_comp() -> dict:
    """The studio composition plus a track of three clips: x [0, 20), y [10, 30) and
    z [25, 45) — y overlaps both."""
    comp = studio_comp()
    comp["tracks"].append(
        {
            "name": "stack",
            "z_base": 2,
            "clips": [clip("x", "bar", 0, 20), clip("y", "bar", 10, 30), clip("z", "bar", 25, 45)],
        }
    )
    return comp


@pytest.fixture
def open_studio(tmp_path: Path, browser: object) -> Iterator:  # noqa: F811
    """Start a preview of a composition and open the page: ``open_studio(comp, **kw)``."""
    started: list = []

    def start(
        comp: dict, hash_: str = "", query: str = "?lossless=1", scale: float = 1, **kw: object
    ) -> Studio:
        path = write_comp(tmp_path / "comp.json", comp)
        ctx = running_preview(path, **kw)
        server = ctx.__enter__()
        page = browser.new_page(viewport={"width": 1000, "height": 700}, device_scale_factor=scale)
        s = Studio(page, server, path)
        page.on("pageerror", lambda e: s.errors.append(f"page error: {e}"))
        started.append((ctx, s))
        page.goto(server.url + query + hash_, wait_until="domcontentloaded")
        return s

    yield start
    for ctx, s in started:
        s.page.close()
        ctx.__exit__(None, None, None)
        assert not s.errors


def boxes(s: Studio, selector: str) -> list[dict]:
    return s.page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)].map((e) => {
             const r = e.getBoundingClientRect();
             return {id: e.dataset.id, lane: e.dataset.lane, left: r.left, right: r.right,
                     top: r.top, bottom: r.bottom}; })""",
        selector,
    )


def playhead_x(s: Studio) -> float:
    return s.page.evaluate(
        """() => { const r = document.getElementById('playhead').getBoundingClientRect();
             return r.left + r.width / 2; }"""
    )


def test_overlapping_clips_get_sub_lanes_and_overlaps_are_marked(open_studio) -> None:
    s = open_studio(overlapping_comp())
    s.wait_frame(0)
    clips = {
        b["id"]: b for b in boxes(s, '.clip[data-id="x"], .clip[data-id="y"], .clip[data-id="z"]')
    }
    assert (clips["x"]["lane"], clips["y"]["lane"], clips["z"]["lane"]) == ("0", "1", "0")
    assert clips["y"]["top"] >= clips["x"]["bottom"] - 0.5  # stacked, not on top of each other
    # Every clip can be seen and clicked: the element at its middle is the clip itself.
    for cid, b in clips.items():
        hit = s.page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y)?.closest('.clip')?.dataset.id ?? null",
            [(b["left"] + b["right"]) / 2, (b["top"] + b["bottom"]) / 2],
        )
        assert hit == cid
    overlaps = s.page.evaluate(
        """() => [...document.querySelectorAll('.overlap')].map(
             (e) => [Number(e.dataset.start), Number(e.dataset.end)])"""
    )
    assert sorted(overlaps) == [[10, 20], [25, 30]]
    assert s.page.get_attribute(".track:nth-child(3)", "data-lanes") == "2"
    # A track without overlaps keeps one lane.
    assert s.page.get_attribute(".track:nth-child(1)", "data-lanes") == "1"


def test_one_playhead_on_the_ruler_aligned_with_clips_at_every_zoom(open_studio) -> None:
    s = open_studio(overlapping_comp())
    s.wait_frame(0)
    assert s.page.query_selector("#scrubber") is None  # no second scrubber
    for zoom_clicks in (0, 1, 3):
        s.page.click("#tl-fit")
        for _ in range(zoom_clicks):
            s.page.click("#tl-in")
        for cid, n in (("x", 0), ("bar", 15), ("y", 10), ("z", 25)):
            s.page.evaluate(f"wavyte.seek({n})")
            s.wait_frame(n)
            left = boxes(s, f'.clip[data-id="{cid}"]')[0]["left"]
            assert abs(playhead_x(s) - left) <= 1.0, (zoom_clicks, cid, n)
    # Dragging the ruler moves the one playhead (and the frame) with the mouse.
    s.page.click("#tl-fit")
    x, y = s.ruler_point(30)
    s.page.mouse.move(x, y)
    s.page.mouse.down()
    s.page.mouse.move(*s.ruler_point(33))
    s.page.mouse.up()
    s.wait_frame(33)
    assert (
        abs(
            playhead_x(s)
            - s.page.evaluate(
                "wavyte.timeline.x(33) + "
                "document.getElementById('tl-content').getBoundingClientRect().left"
            )
        )
        <= 1.0
    )
    # Ctrl+wheel zooms the timeline.
    before = s.page.evaluate("wavyte.timeline.zoom")
    s.page.mouse.move(x, y + 40)
    s.page.keyboard.down("Control")
    s.page.mouse.wheel(0, -100)
    s.page.keyboard.up("Control")
    s.page.wait_for_function(f"wavyte.timeline.zoom > {before}", timeout=TIMEOUT_MS)


def test_transport_icons_are_distinct_and_labelled(open_studio) -> None:
    s = open_studio(studio_comp())
    s.wait_frame(0)
    buttons = s.page.evaluate(
        """() => ['first', 'prev', 'play', 'next', 'last'].map((id) => {
             const b = document.getElementById(id);
             return {id, title: b.title, label: b.getAttribute('aria-label'),
                     d: b.querySelector('svg path').getAttribute('d'), text: b.textContent.trim()}; })"""
    )
    assert len({b["d"] for b in buttons}) == 5, buttons
    for b in buttons:
        assert b["title"] and b["label"] and not b["text"], b
    assert s.page.get_attribute("#play", "aria-label") == "Play"
    s.press("Space")
    s.page.wait_for_function(
        "document.getElementById('play').getAttribute('aria-label') === 'Pause'"
    )
    s.press("Space")
    assert s.page.get_attribute("#play", "aria-label") == "Play"


def test_the_frame_box_clamps_what_is_typed(open_studio) -> None:
    s = open_studio(studio_comp())
    s.wait_frame(0)
    for typed, n in (("500", FRAMES - 1), ("-3", 0), ("12", 12), ("", 12), ("2.6", 3)):
        s.page.fill("#goto", typed)
        s.page.press("#goto", "Enter")
        s.wait_frame(n)
        assert s.page.input_value("#goto") == str(n), typed


def test_exact_transparent_frames_equal_wavyte_frame(open_studio, tmp_path: Path) -> None:
    # Random colours at random alpha (where an 8-bit canvas's premultiplied store loses
    # bits), a half-transparent square moving by fractions of a pixel over them.
    rgba = np.random.default_rng(7).integers(0, 256, (90, 160, 4), dtype=np.uint8)
    write_png(tmp_path / "noise.png", rgba)
    comp = moving_square(160, 90, FRAMES, end_frame=FRAMES - 1, to=(133.3, 61.7), opacity=0.37)
    comp["assets"]["noise"] = {"Image": {"source": "noise.png"}}
    comp["tracks"].insert(
        0, {"name": "noise", "z_base": -1, "clips": [clip("n", "noise", 0, FRAMES)]}
    )
    s = open_studio(comp, hash_="#f=17", background=TRANSPARENT)
    s.wait_frame(17)
    got = s.pixels()
    want = cli_frame(s.path, 17, tmp_path / "f17.png", "--background", "#00000000")
    alpha = want[..., 3]
    assert ((alpha > 0) & (alpha < 255)).sum() > 300  # really a transparent frame
    assert np.array_equal(got, want), np.argwhere(np.any(got != want, axis=-1))[:5]


def test_the_view_survives_a_refresh_and_stage_zoom_is_one_to_one(open_studio) -> None:
    s = open_studio(studio_comp(), query="", hash_="#f=9")
    s.wait_frame(9)
    s.press("e")
    s.page.select_option("#zoom", "1")
    s.page.click("#tl-in")
    s.page.wait_for_function(
        "location.hash.includes('exact=1') && location.hash.includes('zoom=1')"
    )
    s.page.reload(wait_until="domcontentloaded")
    s.wait_frame(9)
    assert s.page.get_attribute("#exact", "aria-pressed") == "true"
    assert s.page.input_value("#zoom") == "1"
    assert s.page.evaluate("wavyte.timeline.zoom") == pytest.approx(1.5)
    width = lambda: s.page.evaluate("document.getElementById('view').getBoundingClientRect().width")  # noqa: E731
    assert width() == W
    s.page.select_option("#zoom", "2")
    assert width() == 2 * W
    s.page.select_option("#zoom", "0.5")
    assert width() == W / 2


def test_stage_zoom_counts_device_pixels_on_hidpi_screens(open_studio) -> None:
    s = open_studio(studio_comp(), hash_="#f=3&zoom=1", scale=2)
    s.wait_frame(3)
    css = s.page.evaluate("document.getElementById('view').getBoundingClientRect().width")
    assert css * 2 == W  # 100 %: one frame pixel per device pixel


def test_dropped_counts_only_frames_meant_to_be_shown(open_studio) -> None:
    s = open_studio(studio_comp())
    s.wait_frame(0)
    got = s.page.evaluate(
        """async () => { const m = await import('/static/frames.js');
             return [m.droppedBetween(0, 2, 2), m.droppedBetween(0, 4, 2), m.droppedBetween(0, 1, 1),
                     m.droppedBetween(0, 3, 1), m.droppedBetween(-1, 9, 1), m.playStep(2),
                     m.playStep(1.5), m.playStep(0.5)]; }"""
    )
    assert got == [0, 1, 0, 2, 0, 2, 1, 1]


def test_audio_waveform_video_thumbnails_and_asset_panel(open_studio, tmp_path: Path) -> None:
    write_tone(tmp_path / "tone.wav", 1.0)
    write_solid_video(tmp_path / "clip.mp4", [(255, 0, 0)] * 30 + [(0, 0, 255)] * 30)
    comp = studio_comp()
    comp["assets"]["tone"] = {"Audio": {"source": "tone.wav"}}
    comp["assets"]["movie"] = {"Video": {"source": "clip.mp4"}}
    comp["tracks"].append(
        {
            "name": "media",
            "z_base": 3,
            "clips": [clip("tone", "tone", 0, FRAMES), clip("movie", "movie", 5, FRAMES)],
        }
    )
    s = open_studio(comp)
    s.page.wait_for_selector("body[data-media='1']", state="attached", timeout=TIMEOUT_MS)
    # The tone (0.5 of full scale) for 1 s = 30 frames, then silence: the peaks say so.
    wave = '.clip[data-id="tone"] .wave'
    peaks = s.page.evaluate(
        f"""() => {{ const p = document.querySelector('{wave} polygon');
             return p.getAttribute('points').split(' ').map((q) => Number(q.split(',')[1])); }}"""
    )
    heights = [1 - y for y in peaks[: len(peaks) // 2]]
    assert max(heights) == pytest.approx(0.9)  # drawn to fill the lane
    assert heights[-1] == 0 and heights[0] > 0.5  # the sound stops after 1 s of 1.5
    # (mixed as the render mixes it: a mono source is panned to the centre at −3 dB)
    loudest = float(s.page.get_attribute(wave, "data-max"))
    assert loudest == pytest.approx(0.5 / 2**0.5, abs=0.02)
    thumbs = s.page.evaluate(
        """() => [...document.querySelectorAll('.clip[data-id="movie"] .thumbs img')].map((i) => i.src)"""
    )
    assert len(thumbs) == 4 and all(t.startswith("data:image/png;base64,") for t in thumbs)
    assert thumbs[0] != thumbs[-1]  # red at the start, blue later
    panel = s.page.text_content("#assets")
    for key in ("bar", "r", "tone", "movie"):
        assert s.page.query_selector(f'.asset[data-key="{key}"]') is not None, key
    assert "64×48" in panel and "tone.wav" in panel and "Audio" in panel
    assert "160 × 90" in s.page.text_content("#comp-props")


def test_first_play_keeps_its_requests(open_studio, tmp_path: Path) -> None:
    write_tone(tmp_path / "tone.wav", 2.0)
    comp = studio_comp()
    comp["assets"]["tone"] = {"Audio": {"source": "tone.wav"}}
    comp["tracks"][0]["clips"].append(clip("tone", "tone", 0, FRAMES))
    s = open_studio(comp, query="")
    s.wait_frame(0)
    s.press("Space")
    s.page.wait_for_function("wavyte.audio.source !== null", timeout=TIMEOUT_MS)
    s.page.wait_for_function("wavyte.state.frame >= 10", timeout=TIMEOUT_MS)
    assert s.page.evaluate("wavyte.frames.aborted") == 0


def test_broken_from_the_start_shows_no_frame_numbers(open_studio) -> None:
    s = open_studio(square_comp() | {"duration": -1})
    s.page.wait_for_selector("#error:not([hidden])", timeout=TIMEOUT_MS)
    assert s.page.text_content("#total") == "–"
    assert "last good frame" not in s.page.text_content("#error-hint")
    assert s.page.input_value("#goto") == ""
