"""CI smoke run of the benchmark suite: outputs exist and are well-formed. No timing is
asserted (a shared 2-core machine is noisy); only structure and sanity."""

from __future__ import annotations

import json
import math

import numpy as np
import skia
from typer.testing import CliRunner

from wavyte_conformance.bench.report import TABLE_COLUMNS
from wavyte_conformance.bench.runner import installed_combos
from wavyte_core.cli.main import app


def test_bench_smoke_writes_json_md_and_chart(tmp_path):
    result = CliRunner().invoke(app, ["bench", "--smoke", "--quiet", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output

    doc = json.loads((tmp_path / "bench.json").read_text())
    assert doc["config"]["frames"] == 30 and doc["config"]["sizes"] == ["640x360"]
    assert doc["meta"]["cpu_count"] >= 1 and doc["meta"]["versions"]["skia-python"]
    kinds = {r["kind"] for r in doc["rows"]}
    assert {"encode_only", "hand_written", "engine", "render_only", "codec"} <= kinds
    engine = [r for r in doc["rows"] if r["kind"] == "engine"]
    assert len(engine) == len(installed_combos())  # every installed combination, none skipped
    for r in doc["rows"]:
        # every row is measured or says why not; measured rows are complete and sane
        assert (r["ms_per_frame"] is None) == bool(r["unavailable"]), r
        if r["ms_per_frame"] is not None:
            assert r["frames"] == 30 and r["ms_per_frame"] > 0 and math.isfinite(r["ms_per_frame"])
            assert r["ms_min"] <= r["ms_per_frame"] <= r["ms_max"] and r["peak_rss_mb"] > 10
    default = next(r for r in engine if r["label"].startswith("skia+skia / pyav / pyav"))
    assert default["ms_per_frame"] is not None, default
    assert set(default["stage_ms_per_frame"]) >= {"evaluate", "plan", "draw", "encode"}
    assert default["rendered"] + default["elided"] == 30
    assert default["vs_hand_written"] > 0 and default["vs_encoder_alone"] > 0
    assert any(t["target"].startswith("bench 640x360 w1") and t["value"] for t in doc["targets"])

    md = (tmp_path / "bench.md").read_text()
    assert "| " + " | ".join(TABLE_COLUMNS) + " |" in md
    assert md.count("\n| bench | 640x360 |") == len(doc["rows"])

    png = skia.Image.open(str(tmp_path / "bench.png"))
    assert png.width() > 800 and png.height() > 200
    pixels = png.toarray()
    assert len(np.unique(pixels.reshape(-1, 4), axis=0)) > 5  # bars and text, not a blank image
