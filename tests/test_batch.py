"""Batch renders on the local executor: typed placeholders, per-row errors, manifest, resume."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.media import decode_video
from tests.scaleout_media import card, write_assets, write_card
from wavyte_core.assets import asset_cache
from wavyte_core.run.batch import BatchError, Row, RowError, Template, read_rows, run_batch
from wavyte_core.run.executor import ExecutorOptions


@pytest.fixture(scope="module")
def tpl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("batch")
    write_assets(d)
    return write_card(d / "tpl.json", 96, 64, 6, placeholders=True)


def test_placeholders_are_typed(tpl: Path):
    t = Template(tpl)
    assert set(t.fields) == {"title", "color", "size", "photo"}
    csv_row = Row(
        4, {"title": "Hi ${x} 7", "color": "#ff8000", "size": "20", "photo": "p.png"}, False
    )
    comp = t.fill(csv_row)
    text = comp.assets["title"]
    assert text.text == "Hi ${x} 7"  # a value is inserted once, never expanded again
    assert list(text.color_rgba8) == [255, 128, 0, 255] and text.size_px == 20.0
    assert comp.assets["photo"].source == "p.png"
    json_row = Row(1, {"title": 12, "color": [1, 2, 3, 4], "size": 9.5, "photo": "q.png"}, True)
    comp = t.fill(json_row)
    assert comp.assets["title"].text == "12"  # a text slot takes the value's text
    assert list(comp.assets["title"].color_rgba8) == [1, 2, 3, 4]
    assert comp.assets["title"].size_px == 9.5
    assert t.fill(Row(2, {**csv_row.values, "title": "2024"}, False)).assets["title"].text == "2024"


def test_row_errors_name_row_and_path(tpl: Path):
    t = Template(tpl)
    base = {"title": "x", "color": "#ffffff", "size": "12", "photo": "photo.png"}
    with pytest.raises(RowError, match=r"^row 3: assets\.title\.Text\.size_px: expected a number"):
        t.fill(Row(3, {**base, "size": "big"}, False))
    with pytest.raises(
        RowError, match=r"^row 5: assets\.title\.Text\.color_rgba8: \$\{color\} = 'red'"
    ):
        t.fill(Row(5, {**base, "color": "red"}, False))
    with pytest.raises(RowError, match=r"^row 2: assets\.photo\.Image\.source: no field 'photo'"):
        t.fill(Row(2, {k: v for k, v in base.items() if k != "photo"}, False))
    with pytest.raises(RowError, match=r"^row 6: assets\.title\.Text\.size_px"):
        t.fill(Row(6, {**base, "size": "-4"}, False))  # typed, then validated by the format's rules


def test_data_files(tmp_path: Path):
    (tmp_path / "a.jsonl").write_text('{"name": "a", "size": 3}\n\n{"name": "b"}\n')
    rows = read_rows(tmp_path / "a.jsonl")
    assert [r.number for r in rows] == [1, 2] and rows[0].values["size"] == 3 and rows[0].typed
    (tmp_path / "b.jsonl").write_text('{"name": "a"}\n[1]\n{"name": \n')
    bad = read_rows(tmp_path / "b.jsonl")  # unreadable lines fail as their rows
    assert [(r.number, r.line) for r in bad] == [(1, 1), (2, 2), (3, 3)]
    assert bad[0].error is None
    assert bad[1].error == "line 2 of b.jsonl: expected a JSON object, got list"
    assert bad[2].error.startswith("line 3 of b.jsonl: invalid JSON: Expecting value")
    (tmp_path / "c.txt").write_text("x")
    with pytest.raises(BatchError, match="must be .csv or .jsonl"):
        read_rows(tmp_path / "c.txt")


def _rows_csv(path: Path, n: int, bad: dict[int, str]) -> Path:
    lines = ["name,title,color,size,photo"]
    for i in range(1, n + 1):
        lines.append(
            bad.get(i, f"v{i},Card {i},#30{i:02d}c0,{10 + i},photo{'2' if i % 2 else ''}.png")
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def test_batch_local_one_bad_row_and_resume(tpl: Path, tmp_path: Path):
    data = _rows_csv(tmp_path / "rows.csv", 6, {4: "v4,Card 4,#ffffff,12,missing.png"})
    out = str(tmp_path / "out" / "{name}.mp4")
    seen: list[dict] = []

    def stop_after_two(entry: dict) -> None:
        seen.append(entry)
        if len(seen) == 2:
            raise KeyboardInterrupt  # the coordinator is interrupted mid-batch

    opts = ExecutorOptions(workers=2)
    with pytest.raises(KeyboardInterrupt):
        run_batch(tpl, data, out, options=opts, on_row=stop_after_two)
    man = tmp_path / "out" / "manifest.jsonl"
    first = [json.loads(x) for x in man.read_text().splitlines()]
    assert len(first) == 2
    done_ok = {e["row"]: Path(e["output"]).stat().st_mtime_ns for e in first if e["status"] == "ok"}
    rep = run_batch(tpl, data, out, options=opts)
    assert rep.rows == 6 and rep.skipped == len(done_ok)
    assert rep.ok + rep.skipped == 5 and rep.failed == 1
    assert rep.failures[0][0] == 4 and "missing.png" in rep.failures[0][1]
    assert rep.failures[0][1].startswith("row 4: assets.photo.Image.source")
    for row, mtime in done_ok.items():  # resumed rows were not rendered again
        assert Path(out.format(name=f"v{row}")).stat().st_mtime_ns == mtime
    for i in (1, 2, 3, 5, 6):
        frames, info = decode_video(Path(out.format(name=f"v{i}")))
        assert len(frames) == 6 and (info["width"], info["height"]) == (96, 64)
    assert not Path(out.format(name="v4")).exists()
    entries = [json.loads(x) for x in man.read_text().splitlines()]
    assert {e["row"] for e in entries} == {1, 2, 3, 4, 5, 6}
    ok = next(e for e in entries if e["status"] == "ok")
    assert set(ok) == {"row", "output", "status", "frames", "seconds", "error", "inputs", "bytes",
                       "sha256"}  # fmt: skip
    assert set(ok["inputs"]) == {"row", "template", "assets", "settings"}


def test_asset_cache_decodes_shared_assets_once(tpl: Path, tmp_path: Path):
    data = _rows_csv(tmp_path / "rows.csv", 3, {})
    asset_cache.disable()
    asset_cache.stats.update(hits=0, misses=0)
    # workers=1 runs rows in this process, so its cache can be inspected
    run_batch(tpl, data, str(tmp_path / "{name}.mp4"), options=ExecutorOptions(workers=1))
    # 3 rows × (font + image): font once, photo.png and photo2.png once each
    assert asset_cache.stats == {"hits": 3, "misses": 3}
    assert not asset_cache.is_enabled()  # the caller's process keeps no cache afterwards


def test_cli_batch_bad_template_and_rows(tpl: Path, tmp_path: Path):
    bad_tpl = tmp_path / "broken.json"
    bad_tpl.write_text('{"fps": ')
    data = _rows_csv(tmp_path / "rows.csv", 2, {2: "v2,x,#zzz,12,photo.png"})
    cmd = [sys.executable, "-m", "wavyte_core.cli.main", "batch"]
    r = subprocess.run([*cmd, str(bad_tpl), str(data), "-o", str(tmp_path / "{name}.mp4")],
                       capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 2 and r.stderr.startswith(f"error: {bad_tpl}: invalid JSON")
    r = subprocess.run([*cmd, str(tpl), str(data), "-o", str(tmp_path / "o" / "{name}.mp4"),
                        "-w", "1", "--json"], capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 1  # some rows failed
    assert "error: row 2: assets.title.Text.color_rgba8: ${color} = '#zzz'" in r.stderr
    assert json.loads(r.stdout)["ok"] == 1
    assert (tmp_path / "o" / "v1.mp4").exists() and not (tmp_path / "o" / "v2.mp4").exists()


def test_card_template_marks_fields():
    doc = card(16, 16, 2, placeholders=True)
    assert doc["assets"]["title"]["Text"]["color_rgba8"] == "${color}"
