"""``wavyte eval`` prints the reference engine's frame dump byte for byte (§1.14)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.test_e2e_render import clip, ident

FRAME_18 = (
    '{"frame":18,"nodes":[{"clip_id":"c0","asset":"t0","z":0,"transform":[1.0,0.0,0.0,1.0,0.0,0.0],'
    '"opacity":1.0,"blend":"Normal","source_time_s":null,"effects":[],"transition_in":null,'
    '"transition_out":{"kind":"crossfade","progress":0.5,"params":null}}]}'
)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_eval_frame_18_vector(tmp_path: Path) -> None:
    c = clip(
        "c0",
        "t0",
        0,
        20,
        transition_out={"kind": "crossfade", "duration_frames": 3, "ease": "Linear"},
    )
    comp = {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 64, "height": 64},
        "duration": 20,
        "assets": {"t0": {"Path": {"svg_path_d": "M0,0 L10,0 L10,10 Z"}}},
        "tracks": [{"name": "main", "z_base": 0, "clips": [c]}],
        "seed": 1,
    }
    p = tmp_path / "c.json"
    p.write_text(json.dumps(comp))
    r = run("eval", str(p), "--frame", "18")
    assert r.returncode == 0, r.stderr
    assert r.stdout == FRAME_18 + "\n"


def test_eval_layout_offsets_and_params(tmp_path: Path) -> None:
    """HStack layout (needs prepared asset sizes) and effect params echoed with sorted keys."""
    comp = {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 100, "height": 40},
        "duration": 5,
        "assets": {
            "a": {"Path": {"svg_path_d": "M0,0 H10 V10 H0 Z"}},
            "b": {"Path": {"svg_path_d": "M0,0 H20 V10 H0 Z"}},
        },
        "tracks": [
            {
                "name": "row",
                "z_base": 0,
                "layout_mode": "HStack",
                "layout_gap_px": 5.0,
                "layout_align_y": "Center",
                "clips": [
                    clip(
                        "a",
                        "a",
                        0,
                        5,
                        effects=[{"kind": "blur", "params": {"sigma": 1e-5, "radius_px": 2}}],
                    ),
                    clip("b", "b", 0, 5, transform=ident(1.0, 0.0)),
                ],
            }
        ],
        "seed": 0,
    }
    p = tmp_path / "c.json"
    p.write_text(json.dumps(comp))
    r = run("eval", str(p), "--frame", "0")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [n["transform"][4:] for n in out["nodes"]] == [[0.0, 15.0], [16.0, 15.0]]
    assert '"params":{"radius_px":2,"sigma":0.00001}' in r.stdout


def test_eval_out_of_range_frame(tmp_path: Path) -> None:
    comp = {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 8, "height": 8},
        "duration": 5,
        "assets": {},
        "tracks": [],
        "seed": 0,
    }
    p = tmp_path / "c.json"
    p.write_text(json.dumps(comp))
    r = run("eval", str(p), "--frame", "5")
    assert r.returncode == 2 and r.stderr.startswith("error:") and "out of range" in r.stderr
