"""Notebooks: a composition, a job and ``wv.show`` display in a real Jupyter kernel
(the notebook is executed with nbclient, as Jupyter would run it)."""

from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

import wavyte_core as wv

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo.json"


def test_composition_displays_its_middle_frame_and_a_summary() -> None:
    comp = wv.load(DEMO)
    bundle = comp._repr_mimebundle_()
    assert "960×540 · 30 fps · 240 frames" in bundle["text/plain"]
    page = bundle["text/html"]
    b64 = page.split("data:image/png;base64,")[1].split('"')[0]
    png = base64.b64decode(b64)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # the poster is the middle frame, scaled to 640 px wide (PNG IHDR: width, height)
    assert int.from_bytes(png[16:20], "big") == 640
    assert int.from_bytes(png[20:24], "big") == 360


def test_show_one_frame_is_that_frame(tmp_path: Path) -> None:
    comp = wv.load(DEMO)
    shown = wv.show(comp, 42, width=960)
    assert shown.mime == "image/png"
    import av

    (tmp_path / "f.png").write_bytes(shown.data)
    with av.open(str(tmp_path / "f.png")) as c:
        rgba = next(c.decode(video=0)).to_ndarray(format="rgba")
    want = wv.render_frame(comp, 42, assets_root=DEMO.parent)
    # the PNG is un-premultiplied RGBA of the (opaque) BGRA frame
    np.testing.assert_array_equal(rgba[..., :3], want[..., 2::-1][..., :3])


def test_show_a_range_is_an_inline_h264_player() -> None:
    comp = wv.load(DEMO)
    shown = wv.show(comp, (0, 15))
    assert shown.mime == "video/mp4" and shown.data[4:8] == b"ftyp"
    assert "<video" in shown._repr_html_() and "data:video/mp4;base64," in shown._repr_html_()
    with pytest.raises(ValueError, match="start < end"):
        wv.show(comp, (10, 5))


def test_a_composition_that_cannot_draw_still_displays() -> None:
    comp = wv.load(json.dumps(json.loads(DEMO.read_text())))  # no file: root is the cwd
    bundle = comp._repr_mimebundle_()
    assert "cannot draw a poster frame" in bundle["text/plain"]


def test_a_real_kernel_displays_composition_job_and_player(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(f"import wavyte_core as wv\ncomp = wv.load({str(DEMO)!r})\ncomp"),
        nbformat.v4.new_code_cell(
            "job = wv.open_job(comp, assets_root=comp_root)\njob".replace(
                "comp_root", repr(str(DEMO.parent))
            )
        ),
        nbformat.v4.new_code_cell("wv.show(job, (0, 10))"),
        nbformat.v4.new_code_cell("wv.show(comp, 3)"),
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.km_kwargs = {"env": env}  # type: ignore[attr-defined]
    client.execute(env=env)
    outs = [c.outputs for c in nb.cells]
    html0 = outs[0][0]["data"]["text/html"]
    assert "data:image/png;base64," in html0 and "240 frames" in html0
    assert "data:image/png;base64," in outs[1][0]["data"]["text/html"]
    assert "data:video/mp4;base64," in outs[2][0]["data"]["text/html"]
    assert "image/png" in outs[3][0]["data"]
