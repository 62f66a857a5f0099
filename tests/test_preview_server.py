"""`wavyte preview` without a browser: the real server on a free port, spoken to over HTTP
and WebSocket like the page does (frames, stills, audio, render, origin checks, hot reload
of an asset, Python sources, CLI errors)."""

from __future__ import annotations

import base64
import json
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import wave
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest

import wavyte_core as wv
from tests.media import decode_video, write_png, write_solid_video, write_tone
from tests.preview_helpers import (
    FRAMES,
    H,
    W,
    cli_frame,
    decode_image,
    running_preview,
    square_comp,
    write_comp,
)
from tests.test_e2e_render import clip

websockets_sync = pytest.importorskip("websockets.sync.client")


def get(url: str, headers: dict | None = None, method: str = "GET") -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture
def comp_path(tmp_path: Path) -> Path:
    return write_comp(tmp_path / "comp.json", square_comp())


def test_frames_are_exact_and_encoded_by_transparency(comp_path: Path, tmp_path: Path) -> None:
    expected = cli_frame(comp_path, 17, tmp_path / "f17.png")
    with running_preview(comp_path) as server:
        url = server.url
        status, headers, png = get(f"{url}frame/1/17?lossless=1")
        assert status == 200 and headers["content-type"] == "image/png"
        assert np.array_equal(decode_image(png), expected)
        # The still is the very file `wavyte frame` writes.
        status, headers, still = get(f"{url}still/1/17")
        assert status == 200 and "comp_f00017.png" in headers["content-disposition"]
        assert still == (tmp_path / "f17.png").read_bytes()
        # Opaque frames come as JPEG, close to the exact frame; half size for dragging.
        status, headers, jpeg = get(f"{url}frame/1/17")
        assert headers["content-type"] == "image/jpeg"
        diff = np.abs(decode_image(jpeg).astype(int) - expected.astype(int))
        assert diff[..., :3].mean() < 2.0 and np.percentile(diff, 99) < 40
        _, headers, half = get(f"{url}frame/1/17?scale=0.5")
        assert decode_image(half).shape == (H // 2 - 1, W // 2, 4)
        # Other frames differ (the square moves), bad requests are refused clearly.
        _, _, other = get(f"{url}frame/1/30?lossless=1")
        assert not np.array_equal(decode_image(other), expected)
        status, _, body = get(f"{url}frame/1/{FRAMES}")
        assert status == 404 and b"out of range" in body
        status, _, body = get(f"{url}frame/7/0")
        assert status == 409 and json.loads(body)["rev"] == 1
        assert get(f"{url}frame/1/0?scale=0.3")[0] == 400


def test_transparent_background_gives_png(comp_path: Path, tmp_path: Path) -> None:
    expected = cli_frame(comp_path, 5, tmp_path / "t.png", "--background", "#00000000")
    with running_preview(comp_path, background=(0, 0, 0, 0)) as server:
        _, headers, data = get(f"{server.url}frame/1/5")
        assert headers["content-type"] == "image/png"
        assert np.array_equal(decode_image(data), expected)
        assert json.loads(get(f"{server.url}api/state")[2])["transparent"] is True


def test_latest_seek_wins_and_cache_serves(comp_path: Path) -> None:
    with running_preview(comp_path) as server:
        service = server.session.service
        service.note_seek(("a", 10))
        assert service.frame(1, 3, seek=("a", 9)) is None  # overtaken before it started
        assert service.frame(1, 4, seek=("b", 1)) is not None  # another page's seek
        first = service.frame(1, 3, seek=("a", 10))
        assert first is not None and service.superseded == 1
        rendered = service.rendered
        service.note_seek(("a", 11))
        assert service.frame(1, 3, seek=("a", 10)) is first  # cached frames are always served
        assert service.rendered == rendered and service.cache.hits >= 1
        # Over HTTP: a superseded seek gets 204, the newest one its frame.
        url = server.url
        assert get(f"{url}frame/1/20?page=p&seek=5")[0] == 200
        assert get(f"{url}frame/1/21?page=p&seek=4")[0] == 204
        assert get(f"{url}frame/1/21?page=q&seek=1")[0] == 200


def test_websocket_origin_and_render_token(comp_path: Path) -> None:
    with running_preview(comp_path) as server:
        ws_url = f"ws://127.0.0.1:{server.port}/ws"
        with pytest.raises(Exception, match="403"):
            websockets_sync.connect(ws_url, origin="http://evil.example")
        with pytest.raises(Exception, match="403"):
            websockets_sync.connect(ws_url)  # no Origin: not a page of this server
        # A foreign Host header (DNS rebinding) is refused too.
        assert get(server.url, headers={"Host": "evil.example"})[0] == 400
        # Rendering needs the token the page was served with.
        assert get(f"{server.url}api/render", method="POST")[0] == 403
        _, _, page = get(server.url)
        token = page.decode().split('WAVYTE_TOKEN = "')[1].split('"')[0]
        origin = f"http://127.0.0.1:{server.port}"
        with websockets_sync.connect(ws_url, origin=origin) as ws:
            hello = json.loads(ws.recv(timeout=10))
            assert hello["type"] == "reload" and hello["rev"] == 1
            assert hello["duration"] == FRAMES and hello["tracks"][0]["clips"][0]["id"] == "c"
            status, _, body = get(
                f"{server.url}api/render",
                headers={"X-Wavyte-Token": token, "Origin": origin},
                method="POST",
            )
            assert status == 200 and json.loads(body)["state"] == "running"
            states = []
            while not states or states[-1] not in ("done", "failed"):
                event = json.loads(ws.recv(timeout=60))
                if event["type"] == "render":
                    states.append(event["state"])
            assert states[-1] == "done", event
        out = Path(event["path"])
        assert out == server.session.render_out
        frames, _ = decode_video(out)
        assert len(frames) == FRAMES


def test_audio_is_the_mix_as_wav(tmp_path: Path) -> None:
    write_tone(tmp_path / "tone.wav", 2.0)
    comp = square_comp()
    comp["assets"]["tone"] = {"Audio": {"source": "tone.wav"}}
    comp["tracks"][0]["clips"].append(clip("tone", "tone", 0, FRAMES))
    path = write_comp(tmp_path / "comp.json", comp)
    with running_preview(path) as server:
        status, headers, data = get(f"{server.url}audio/1")
        assert status == 200 and headers["content-type"] == "audio/wav"
        with wave.open(BytesIO(data)) as w:
            assert (w.getnchannels(), w.getframerate()) == (2, 48000)
            assert w.getnframes() == FRAMES * 48000 // 30
            pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2")
        assert np.abs(pcm).max() > 10000  # the tone is there
    with running_preview(write_comp(tmp_path / "silent.json", square_comp())) as server:
        assert get(f"{server.url}audio/1")[0] == 204


def test_media_is_made_once_per_revision(tmp_path: Path) -> None:
    """Peaks of the clip's sound (trimmed as placed), asset details, and one computation
    per revision: asking again returns the kept result; a stale revision is 409."""
    write_tone(tmp_path / "tone.wav", 2.0)
    comp = square_comp()
    comp["assets"]["tone"] = {"Audio": {"source": "tone.wav", "trim_start_sec": 1.5}}
    comp["tracks"][0]["clips"].append(clip("tone", "tone", 0, FRAMES))
    path = write_comp(tmp_path / "comp.json", comp)
    with running_preview(path) as server:
        status, _, data = get(f"{server.url}api/media/1")
        assert status == 200
        media = json.loads(data)
        peaks = media["clips"]["0:1"]["peaks"]
        assert len(peaks) == FRAMES  # one per frame for a short clip
        # 0.5 s of tone left after the 1.5 s trim: 15 frames of sound, then silence.
        assert min(peaks[:14]) > 0.3 and max(peaks[16:]) == 0.0
        assert "0:0" not in media["clips"]  # a path clip has neither peaks nor thumbnails
        tone = next(a for a in media["assets"] if a["key"] == "tone")
        assert tone["kind"] == "Audio" and tone["fields"]["trim_start_sec"] == 1.5
        assert tone["info"]["duration"] == "2.00 s" and tone["info"]["file"] == "tone.wav"
        service, root = server.session.service, server.session.source.assets_root
        assert service.media(1, root) is service.media(1, root)
        assert get(f"{server.url}api/media/7")[0] == 409


def test_video_thumbnails_follow_the_trim_and_survive_an_edit(tmp_path: Path) -> None:
    """Four thumbnails at the clip's source times (after ``trim_start_sec``); a JSON edit
    makes a new revision whose thumbnails come from the cache, not the decoder."""
    write_solid_video(tmp_path / "v.mp4", [(255, 0, 0)] * 30 + [(0, 0, 255)] * 30)
    comp = square_comp()
    comp["assets"]["v"] = {"Video": {"source": "v.mp4", "trim_start_sec": 1.0}}
    comp["tracks"][0]["clips"].append(clip("v", "v", 0, 30))
    path = write_comp(tmp_path / "comp.json", comp)
    with running_preview(path) as server:
        thumbs = json.loads(get(f"{server.url}api/media/1")[2])["clips"]["0:1"]["thumbs"]
        assert len(thumbs) == 4
        for url in thumbs:  # all from the blue second half
            rgba = decode_image(base64.b64decode(url.split(",", 1)[1])).astype(int)
            assert rgba[..., 2].mean() > 200 and rgba[..., 0].mean() < 50
        cache = server.session.service.thumbs
        decoded = cache.decoded
        comp["tracks"][0]["clips"][0]["range"]["end"] = FRAMES - 1
        write_comp(path, comp)
        wait_for(lambda: server.session.rev == 2)
        again = json.loads(get(f"{server.url}api/media/2")[2])["clips"]["0:1"]["thumbs"]
        assert again == thumbs and cache.decoded == decoded


def wait_for(predicate, timeout: float = 15.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_asset_edit_reloads_and_bad_edit_keeps_last_revision(tmp_path: Path) -> None:
    red = np.zeros((H, W, 4), np.uint8)
    red[...] = (255, 0, 0, 255)
    write_png(tmp_path / "bg.png", red)
    comp = square_comp()
    comp["assets"]["bg"] = {"Image": {"source": "bg.png"}}
    comp["tracks"][0]["clips"].insert(0, clip("bg", "bg", 0, FRAMES))
    path = write_comp(tmp_path / "comp.json", comp)
    with running_preview(path) as server:
        session = server.session
        before = decode_image(get(f"{server.url}frame/1/0?lossless=1")[2])
        assert tuple(before[60, 100]) == (255, 0, 0, 255)
        (tmp_path / "unrelated.txt").write_text("no reload for this")
        time.sleep(0.6)
        assert session.rev == 1
        blue = red.copy()
        blue[...] = (0, 0, 255, 255)
        write_png(tmp_path / "bg.png", blue)
        wait_for(lambda: session.rev == 2)
        after = decode_image(get(f"{server.url}frame/2/0?lossless=1")[2])
        assert tuple(after[60, 100]) == (0, 0, 255, 255)
        # A broken asset: the error names the file, revision 2 keeps being served.
        (tmp_path / "bg.png").write_bytes(b"not a png")
        wait_for(lambda: session.error is not None)
        assert "bg.png" in session.error["message"] and session.rev == 2
        assert get(f"{server.url}frame/2/1")[0] == 200
        write_png(tmp_path / "bg.png", red)
        wait_for(lambda: session.rev == 3 and session.error is None)
        # An asset that does not exist yet, in a new folder: the preview reloads when it appears.
        comp["assets"]["bg"] = {"Image": {"source": "later/bg.png"}}
        (tmp_path / "later").mkdir()
        write_comp(path, comp)
        wait_for(lambda: session.error is not None and "later" in session.error["message"])
        write_png(tmp_path / "later" / "bg.png", blue)
        wait_for(lambda: session.rev == 4 and session.error is None)


def test_python_sources(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from wavyte_core.preview import start_preview
    from wavyte_core.preview.source import PythonSource

    module = tmp_path / "scene.py"
    module.write_text(
        "import json, pathlib\n"
        "import wavyte_core as wv\n"
        "from scene_settings import DURATION\n"
        "def build():\n"
        "    text = pathlib.Path(__file__).with_name('comp.json').read_text()\n"
        "    comp = json.loads(text)\n"
        "    comp['duration'] = comp['tracks'][0]['clips'][0]['range']['end'] = DURATION\n"
        "    return wv.load(json.dumps(comp))\n"
        "def broken():\n"
        "    return undefined_name\n"
    )
    helper = tmp_path / "scene_settings.py"
    helper.write_text("DURATION = 45\n")
    write_comp(tmp_path / "comp.json", square_comp())
    server = start_preview(PythonSource(f"{module}:build"), port=0)
    try:
        session = server.session
        assert session.error is None and session.rev == 1
        assert get(f"{server.url}frame/1/3")[0] == 200
        assert session.service.current.comp.duration == 45
        # Editing a helper module beside it reloads both: now a 4-frame composition.
        helper.write_text("DURATION = 4\n")
        wait_for(lambda: session.rev == 2)
        assert session.service.current.comp.duration == 4
        # And editing the module itself.
        module.write_text(module.read_text().replace("= DURATION", "= DURATION + 1"))
        wait_for(lambda: session.rev == 3)
        assert session.service.current.comp.duration == 5
    finally:
        server.stop()
    # module:function, imported from the current folder.
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        source = PythonSource("scene:build")
        assert source.file == module and source.load().duration == 5
    finally:
        sys.modules.pop("scene", None)
        sys.modules.pop("scene_settings", None)
    server = start_preview(PythonSource(f"{module}:broken"), port=0)
    try:
        assert server.session.error["message"].endswith(
            "scene.py:10: NameError: name 'undefined_name' is not defined"
        )
    finally:
        server.stop()
    # wv.preview(comp) with a Composition built in Python, not blocking.
    comp = wv.load(json.dumps(square_comp()))
    server = wv.preview(comp, port=0, open_browser=False, block=False)
    try:
        expected = wv.render_frame(comp, 9)
        data = get(f"{server.url}frame/1/9?lossless=1")[2]
        assert np.array_equal(decode_image(data)[..., :3], expected[..., 2::-1])
    finally:
        server.stop()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", "preview", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.json"], "missing.json: no such file"),
        ([], "give either COMP"),
        (["--python", "nocolon"], "--python: expected module:function"),
        (["--python", "nosuchmodule_xyz:fn"], "cannot import nosuchmodule_xyz"),
    ],
)
def test_cli_bad_input(args: list[str], message: str, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    write_comp(tmp_path / "comp.json", square_comp())
    monkeypatch.chdir(tmp_path)
    r = run_cli(*args)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], r.stderr


def test_cli_port_in_use(comp_path: Path) -> None:
    with running_preview(comp_path) as server:
        port = server.port
        r = run_cli(str(comp_path), "--port", str(port))
    assert r.returncode == 2 and f"--port {port}" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_cli_serves_until_interrupted(comp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "wavyte_core.cli.main", "preview", str(comp_path), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([proc.stderr], [], [], 60)
        assert ready, "the server printed nothing within 60 s"
        line = proc.stderr.readline()
        assert "wavyte preview: comp.json at http://127.0.0.1:" in line, line
        url = line.split(" at ")[1].split()[0]
        status, headers, data = get(f"{url}frame/1/4?lossless=1")
        assert status == 200 and headers["content-type"] == "image/png"
        # Each reload is reported on the terminal too.
        write_comp(comp_path, square_comp(to=(10.0, 10.0)))
        ready, _, _ = select.select([proc.stderr], [], [], 30)
        assert ready and "revision 2 ready" in proc.stderr.readline()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_missing_extra_names_the_install_command(monkeypatch) -> None:  # noqa: ANN001
    import importlib.util

    from wavyte_core.errors import PluginError
    from wavyte_core.preview import require_preview_extra

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "watchfiles" else real(name)
    )
    with pytest.raises(PluginError, match=r"missing: watchfiles.*pip install 'wavyte\[preview\]'"):
        require_preview_extra()


def test_cancelled_render_leaves_no_file(tmp_path: Path) -> None:
    comp = square_comp()
    comp["duration"] = 3000
    comp["tracks"][0]["clips"][0]["range"]["end"] = 3000
    path = write_comp(tmp_path / "long.json", comp)
    with running_preview(path) as server:
        task = server.session.render
        assert task.start()["state"] == "running"
        assert task.start()["message"] == "a render is already running"
        task.cancel()
        assert task.status()["state"] == "cancelled"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.json"]


def test_frame_cache_is_bounded_in_bytes_least_recently_used_first() -> None:
    from wavyte_core.preview.encode import EncodedFrame
    from wavyte_core.preview.frames import FrameCache, FrameKey

    cache = FrameCache(max_bytes=300)
    item = EncodedFrame(b"x" * 100, "image/jpeg")
    for n in range(3):
        cache.put(FrameKey(1, n, 1.0, False), item)
    assert cache.get(FrameKey(1, 0, 1.0, False)) is item  # 0 is now the most recent
    cache.put(FrameKey(1, 3, 0.5, False), item)  # evicts frame 1, the least recent
    assert cache.get(FrameKey(1, 1, 1.0, False)) is None
    assert cache.bytes == 300 and cache.frames_of(1) == [0, 2, 3]
    cache.drop_revisions_before(2)
    assert len(cache) == 0 and cache.bytes == 0


def test_functions_named_like_submodules_stay_callable() -> None:
    """``wv.load`` and ``wv.preview`` share their names with submodules; importing those
    submodules first (as the CLI and the tests do) must not shadow the functions."""
    code = (
        "import wavyte_core.run.job, wavyte_core.format.load, wavyte_core.preview.source\n"
        "import wavyte_core as wv\n"
        "assert callable(wv.load) and callable(wv.preview), (wv.load, wv.preview)\n"
        "from wavyte_core.format.load import loads_composition\n"
        "from wavyte_core.preview import start_preview\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
