"""The ``Lottie`` asset kind: frame-exact timing, loop, rate, size, premultiplied pixels,
dotLottie, the Lottie features people ship (shapes, masks, trim paths, precomps) checked
frame by frame against rlottie alone, bad files, and the AssetContract.

Every Lottie file here is written by the test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import wavyte_core as wv
from wavyte_conformance.asset_contract import AssetContract

rlottie = pytest.importorskip("rlottie_python")

S = 100  # the animations' size
RED, GREEN, BLUE = [1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1]


def _tr() -> dict:
    return {"ty": "tr", "p": {"a": 0, "k": [0, 0]}, "a": {"a": 0, "k": [0, 0]},
            "s": {"a": 0, "k": [100, 100]}, "r": {"a": 0, "k": 0}, "o": {"a": 0, "k": 100}}  # fmt: skip


def _ks(x: float = 50, y: float = 50) -> dict:
    return {"o": {"a": 0, "k": 100}, "r": {"a": 0, "k": 0}, "p": {"a": 0, "k": [x, y, 0]},
            "a": {"a": 0, "k": [0, 0, 0]}, "s": {"a": 0, "k": [100, 100, 100]}}  # fmt: skip


def _shape_layer(items: list, ip: int, op: int, ind: int = 1, **extra) -> dict:
    return {"ddd": 0, "ind": ind, "ty": 4, "nm": f"l{ind}", "sr": 1, "ip": ip, "op": op, "st": 0,
            "ks": _ks(), "shapes": [{"ty": "gr", "it": [*items, _tr()]}], **extra}  # fmt: skip


def _doc(
    layers: list, ip: int = 10, op: int = 70, fr: int = 30, assets: list | None = None
) -> dict:
    return {"v": "5.7.0", "fr": fr, "ip": ip, "op": op, "w": S, "h": S, "nm": "t", "ddd": 0,
            "assets": assets or [], "layers": layers}  # fmt: skip


def _rect(w: float = 100, h: float = 100) -> dict:
    return {
        "ty": "rc",
        "d": 1,
        "s": {"a": 0, "k": [w, h]},
        "p": {"a": 0, "k": [0, 0]},
        "r": {"a": 0, "k": 0},
    }


def _fill(colour_keys: list | None = None, opacity: float = 100, colour=RED) -> dict:
    c = {"a": 1, "k": colour_keys} if colour_keys else {"a": 0, "k": colour}
    return {"ty": "fl", "c": c, "o": {"a": 0, "k": opacity}, "r": 1}


#: red from frame 10 (ip), green from 40, blue from 69 (hold keys): the frame shown is
#: readable from one pixel
TIMED = _doc([_shape_layer([_rect(), _fill([
    {"t": 10, "s": RED, "h": 1}, {"t": 40, "s": GREEN, "h": 1}, {"t": 69, "s": BLUE}])], 10, 70)])  # fmt: skip


def _colour_at(frame: np.ndarray) -> str:
    b, g, r, a = frame[S // 2, S // 2].tolist()
    return {(0, 0, 255): "R", (0, 255, 0): "G", (255, 0, 0): "B"}.get((b, g, r), f"{(b, g, r, a)}")


def _expected(lottie_frame: int) -> str:
    t = 10 + lottie_frame
    return "R" if t < 40 else ("G" if t < 69 else "B")


def _comp(assets: dict, duration: int, fps: int = 30, size: int = S) -> dict:
    tf = {"translate": {"x": 0.0, "y": 0.0}, "rotation_rad": 0.0, "scale": {"x": 1.0, "y": 1.0},
          "anchor": {"x": 0.0, "y": 0.0}}  # fmt: skip
    clips = [
        {"id": k, "asset": k, "range": {"start": 0, "end": duration},
         "props": {"transform": {"Keyframes": {"keys": [{"frame": 0, "value": tf, "ease": "Linear"}],
                                               "mode": "Hold", "default": None}},
                   "opacity": {"Keyframes": {"keys": [{"frame": 0, "value": 1.0, "ease": "Linear"}],
                                             "mode": "Hold", "default": None}},
                   "blend": "Normal"},
         "z_offset": 0, "effects": [], "transition_in": None, "transition_out": None}
        for k in assets
    ]  # fmt: skip
    return {"fps": {"num": fps, "den": 1}, "canvas": {"width": size, "height": size},
            "duration": duration, "assets": assets,
            "tracks": [{"name": "t", "z_base": 0, "clips": clips}], "seed": 0}  # fmt: skip


def _frames(comp: dict, root: Path, frames) -> list[np.ndarray]:
    c = wv.load(json.dumps(comp))
    with wv.open_job(c, assets_root=root, background=None) as job:
        return [job.frame(f) for f in frames]


@pytest.fixture
def timed(tmp_path: Path) -> Path:
    (tmp_path / "timed.json").write_text(json.dumps(TIMED))
    return tmp_path


def test_frames_are_exact_and_loop_every_op_minus_ip(timed: Path) -> None:
    got = _frames(_comp({"a": {"Lottie": {"source": "timed.json"}}}, 130), timed, range(130))
    assert [_colour_at(f) for f in got] == [_expected(i % 60) for i in range(130)]


def test_without_loop_the_last_frame_holds(timed: Path) -> None:
    comp = _comp({"a": {"Lottie": {"source": "timed.json", "loop": False}}}, 80)
    got = _frames(comp, timed, [0, 59, 60, 79])
    assert [_colour_at(f) for f in got] == ["R", "B", "B", "B"]


def test_playback_rate_and_composition_rate_map_time(timed: Path) -> None:
    fast = _frames(
        _comp({"a": {"Lottie": {"source": "timed.json", "playback_rate": 2}}}, 30), timed, range(30)
    )
    assert [_colour_at(f) for f in fast] == [_expected((2 * i) % 60) for i in range(30)]
    at60 = _frames(_comp({"a": {"Lottie": {"source": "timed.json"}}}, 60, fps=60), timed, range(60))
    assert [_colour_at(f) for f in at60] == [_expected(i // 2) for i in range(60)]


def test_pixels_are_rlotties_premultiplied_bgra(tmp_path: Path) -> None:
    half = _doc([_shape_layer([_rect(), _fill(opacity=50)], 0, 10)], ip=0, op=10)
    (tmp_path / "half.json").write_text(json.dumps(half))
    (f,) = _frames(_comp({"a": {"Lottie": {"source": "half.json"}}}, 5), tmp_path, [2])
    assert f[S // 2, S // 2].tolist() == [0, 0, 127, 127]  # 50 % red, premultiplied


def test_width_and_height_render_sharp_at_that_size(timed: Path) -> None:
    comp = _comp(
        {"a": {"Lottie": {"source": "timed.json", "width": 200, "height": 200}}}, 2, size=200
    )
    (f,) = _frames(comp, timed, [0])
    anim = rlottie.LottieAnimation.from_data(json.dumps(TIMED))
    want = np.frombuffer(anim.lottie_animation_render(frame_num=0, width=200, height=200), np.uint8)
    np.testing.assert_array_equal(f, want.reshape(200, 200, 4))


def test_dotlottie_reads_the_first_animation(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "a.lottie", "w") as z:
        z.writestr("manifest.json", json.dumps({"animations": [{"id": "main"}]}))
        z.writestr("animations/main.json", json.dumps(TIMED))
    got = _frames(_comp({"a": {"Lottie": {"source": "a.lottie"}}}, 61), tmp_path, [0, 35, 60])
    assert [_colour_at(f) for f in got] == ["R", "G", "R"]


# -- what Lottie files from the wild use, against rlottie alone -------------------------------


def _trim_doc() -> dict:
    path = {
        "ty": "sh",
        "ks": {
            "a": 0,
            "k": {
                "c": False,
                "v": [[-40, 0], [40, 0]],
                "i": [[0, 0], [0, 0]],
                "o": [[0, 0], [0, 0]],
            },
        },
    }
    stroke = {
        "ty": "st",
        "c": {"a": 0, "k": [1, 1, 1, 1]},
        "o": {"a": 0, "k": 100},
        "w": {"a": 0, "k": 8},
        "lc": 2,
        "lj": 2,
    }
    trim = {"ty": "tm", "s": {"a": 0, "k": 0}, "o": {"a": 0, "k": 0}, "m": 1,
            "e": {"a": 1, "k": [{"t": 0, "s": [0], "o": {"x": [0], "y": [0]}, "i": {"x": [1], "y": [1]}},
                                 {"t": 30, "s": [100]}]}}  # fmt: skip
    return _doc([_shape_layer([path, stroke, trim], 0, 30)], ip=0, op=30)


def _mask_doc() -> dict:
    mask = {"mode": "a", "inv": False, "o": {"a": 0, "k": 100}, "x": {"a": 0, "k": 0},
            "pt": {"a": 1, "k": [
                {"t": 0, "s": [{"c": True, "v": [[-10, -10], [10, -10], [10, 10], [-10, 10]],
                                "i": [[0, 0]] * 4, "o": [[0, 0]] * 4}],
                 "o": {"x": [0], "y": [0]}, "i": {"x": [1], "y": [1]}},
                {"t": 20, "s": [{"c": True, "v": [[-45, -45], [45, -45], [45, 45], [-45, 45]],
                                 "i": [[0, 0]] * 4, "o": [[0, 0]] * 4}]}]}}  # fmt: skip
    layer = _shape_layer(
        [_rect(), _fill(colour=GREEN)], 0, 20, hasMask=True, masksProperties=[mask]
    )
    return _doc([layer], ip=0, op=20)


def _precomp_doc() -> dict:
    inner = [_shape_layer([_rect(40, 40), _fill(colour=BLUE)], 0, 40)]
    inner[0]["ks"]["p"] = {"a": 1, "k": [
        {"t": 0, "s": [20, 50, 0], "o": {"x": [0], "y": [0]}, "i": {"x": [1], "y": [1]}},
        {"t": 40, "s": [80, 50, 0]}]}  # fmt: skip
    pre = {"ddd": 0, "ind": 1, "ty": 0, "nm": "pre", "refId": "comp_0", "sr": 1, "ks": _ks(0, 0),
           "w": S, "h": S, "ip": 0, "op": 40, "st": 0}  # fmt: skip
    return _doc([pre], ip=0, op=40, assets=[{"id": "comp_0", "layers": inner}])


@pytest.mark.parametrize(
    ("name", "doc", "frames"),
    [("trim", _trim_doc, 30), ("mask", _mask_doc, 20), ("precomp", _precomp_doc, 40)],
)
def test_features_match_rlottie_alone_on_every_frame(tmp_path: Path, name, doc, frames) -> None:
    d = doc()
    (tmp_path / f"{name}.json").write_text(json.dumps(d))
    got = _frames(
        _comp({"a": {"Lottie": {"source": f"{name}.json"}}}, frames), tmp_path, range(frames)
    )
    anim = rlottie.LottieAnimation.from_data(json.dumps(d))
    drawn = 0
    for i, f in enumerate(got):
        want = np.frombuffer(anim.lottie_animation_render(frame_num=i, width=S, height=S), np.uint8)
        np.testing.assert_array_equal(f, want.reshape(S, S, 4), err_msg=f"{name} frame {i}")
        drawn += int(f[..., 3].any())
    assert drawn >= frames - 1  # the animation draws (the trim starts empty)
    assert len({f.tobytes() for f in got}) > frames // 2  # and it moves


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        ("not json at all", "invalid JSON"),
        ('{"nope": 1}', "rlottie rejects"),
        ("[1, 2]", "not an object"),
    ],
)
def test_a_file_rlottie_rejects_is_named(tmp_path: Path, content: str, rule: str) -> None:
    (tmp_path / "bad.json").write_text(content)
    with pytest.raises(wv.WavyteError, match=rf"bad\.json.*{rule}"):
        _frames(_comp({"a": {"Lottie": {"source": "bad.json"}}}, 2), tmp_path, [0])


@pytest.mark.parametrize(
    ("lottie", "rule"),
    [
        ({"source": "a.gif"}, r"Lottie\.source.*\.json or \.lottie"),
        ({"source": "a.json", "loop": "no"}, r"Lottie\.loop"),
        ({"source": "a.json", "playback_rate": 0}, r"Lottie\.playback_rate"),
        ({"source": "a.json", "fps": 30}, r"Lottie\.fps.*unknown field"),
    ],
)
def test_bad_fields_are_refused_at_load(lottie: dict, rule: str) -> None:
    with pytest.raises(wv.CompositionError, match=rule):
        wv.load(json.dumps(_comp({"a": {"Lottie": lottie}}, 2)))


def test_cli_exit_2_one_line_nothing_written(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"nope": 1}')
    (tmp_path / "c.json").write_text(
        json.dumps(_comp({"a": {"Lottie": {"source": "bad.json"}}}, 2))
    )
    out = tmp_path / "o.mp4"
    r = subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", "render", str(tmp_path / "c.json"), "-o", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "bad.json" in r.stderr and not out.exists()


# -- certification ----------------------------------------------------------------------------


class TestLottieContract(AssetContract):
    kind = "Lottie"
    example_params = [{"source": "timed.json"}, {"source": "timed.json", "width": 60, "height": 40}]
    extra_bad_params = [({"source": "timed.json", "colour": 1}, "colour")]

    @pytest.fixture
    def assets_root(self, tmp_path: Path) -> Path:
        (tmp_path / "timed.json").write_text(json.dumps(TIMED))
        return tmp_path


def test_without_the_plugin_the_error_says_how_to_install_it(timed: Path) -> None:
    import os

    (timed / "c.json").write_text(json.dumps(_comp({"a": {"Lottie": {"source": "timed.json"}}}, 2)))
    env = {**os.environ, "WAVYTE_DISABLE_PLUGINS": "lottie"}
    r = subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", "validate", str(timed / "c.json")],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert r.returncode == 2
    assert (
        "unknown asset kind 'Lottie'" in r.stderr and "pip install wavyte-asset-lottie" in r.stderr
    )
    r = subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", "plugins"], capture_output=True, text=True, env=env
    )  # fmt: skip
    assert "asset kind Lottie: not installed (pip install wavyte-asset-lottie" in r.stdout
