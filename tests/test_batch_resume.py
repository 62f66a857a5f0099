"""``wavyte batch`` end to end: unreadable rows fail alone (row and line named), resume
re-renders exactly the rows whose inputs changed or whose output is missing, truncated or
different (and says why), ``--manifest`` and ``--fresh``, values typed the same way from CSV
and JSONL, and the exit codes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scaleout_media import write_assets, write_card
from wavyte_core.run.batch import Row, RowError, Template

HEADER = "name,title,color,size,photo"


@pytest.fixture(scope="module")
def tpl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("tpl")
    write_assets(d)
    return write_card(d / "tpl.json", 64, 48, 3, placeholders=True)


def batch(*args: str | Path) -> tuple[int, dict | None, str]:
    r = subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", "batch", *map(str, args), "-w", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(r.stdout) if r.stdout.strip() else None
    return r.returncode, report, r.stderr


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_unreadable_rows_fail_alone_with_row_and_line(tpl: Path, tmp_path: Path) -> None:
    csv = tmp_path / "rows.csv"
    csv.write_text(
        f"{HEADER}\na,A,#fff,12,photo.png\nb,B,#102030,12,photo.png,extra\nc,C,#abc,13,photo.png\n"
    )
    code, rep, err = batch(tpl, csv, "-o", tmp_path / "csv" / "{name}.mp4", "--json")
    assert code == 1, err  # some rows failed
    assert err.splitlines()[0] == "error: row 2: line 3 of rows.csv: 6 cells, the header has 5"
    assert (rep["ok"], rep["failed"], rep["failed_rows"]) == (2, 1, [2])
    assert sorted(p.name for p in (tmp_path / "csv").glob("*.mp4")) == ["a.mp4", "c.mp4"]

    jsonl = tmp_path / "rows.jsonl"
    jsonl.write_text(
        '{"name": "a", "title": "A", "color": "#fff", "size": "12", "photo": "photo.png"}\n'
        "\n"
        '{"name": "b", "title": "B", "color": "#fff", "size": 12, "photo": \n'
        '{"name": "c", "title": "C", "color": [1, 2, 3, 255], "size": 13, "photo": "photo.png"}\n'
    )
    code, rep, err = batch(tpl, jsonl, "-o", tmp_path / "jsonl" / "{name}.mp4", "--json")
    assert code == 1, err
    assert err.splitlines()[0].startswith("error: row 2: line 3 of rows.jsonl: invalid JSON")
    assert (rep["ok"], rep["failed_rows"]) == (2, [2])  # "12" in JSONL is a number, as in CSV


def test_manifest_fresh_and_resume_reasons(tpl: Path, tmp_path: Path) -> None:
    data = tmp_path / "rows.csv"
    rows = [f"r{i},Card {i},#30{i}0c0,{10 + i},photo{'2' if i % 2 else ''}.png" for i in (1, 2, 3)]
    data.write_text("\n".join([HEADER, *rows]) + "\n")
    out = tmp_path / "out"
    man = tmp_path / "state" / "m.jsonl"
    common = (tpl, data, "-o", out / "{name}.mp4", "--manifest", man, "--json")
    code, rep, err = batch(*common)
    assert code == 0 and (rep["ok"], rep["skipped"], rep["rerendered"]) == (3, 0, 0), err
    assert rep["manifest"] == str(man) and not (out / "manifest.jsonl").exists()
    first = {p.name: sha(p) for p in out.glob("*.mp4")}
    entries = [json.loads(x) for x in man.read_text().splitlines()]
    assert all(e["sha256"] == first[Path(e["output"]).name] for e in entries)

    code, rep, _ = batch(*common)  # nothing changed: nothing rendered
    assert code == 0 and (rep["ok"], rep["skipped"], rep["rerendered"]) == (0, 3, 0)

    # a changed row, a truncated output and an output changed in place (same size)
    data.write_text("\n".join([HEADER, rows[0], rows[1].replace("Card 2", "Card two"), rows[2]]))
    (out / "r1.mp4").write_bytes((out / "r1.mp4").read_bytes()[:1000])
    r3 = bytearray((out / "r3.mp4").read_bytes())
    r3[-1] ^= 0xFF
    (out / "r3.mp4").write_bytes(bytes(r3))
    code, rep, err = batch(*common)
    assert code == 0, err
    assert rep["rerendered_rows"] == [
        {"row": 1, "reason": "output truncated"},
        {"row": 2, "reason": "row data changed"},
        {"row": 3, "reason": "output changed"},
    ]
    assert rep["rerender_reasons"] == {
        "output truncated": 1, "row data changed": 1, "output changed": 1
    }  # fmt: skip
    assert sha(out / "r1.mp4") == first["r1.mp4"] and sha(out / "r3.mp4") == first["r3.mp4"]
    assert sha(out / "r2.mp4") != first["r2.mp4"]

    # an asset file changed: the rows that use it, and the human summary says so
    photo = tpl.parent / "photo2.png"
    saved = photo.read_bytes()
    try:
        photo.write_bytes((tpl.parent / "photo.png").read_bytes())
        code, rep, _ = batch(*common)
        assert code == 0
        assert rep["rerendered_rows"] == [
            {"row": 1, "reason": "assets changed"},
            {"row": 3, "reason": "assets changed"},
        ]
    finally:
        photo.write_bytes(saved)
    (out / "r2.mp4").unlink()
    code, _, err = batch(*common[:-1])  # human output
    assert code == 0
    assert "rendered again: 2 assets changed, 1 output missing" in err, err

    code, rep, _ = batch(*common, "--fresh")  # everything again, whatever the manifest says
    assert code == 0 and (rep["ok"], rep["skipped"], rep["rerendered"]) == (3, 0, 0)
    assert len(man.read_text().splitlines()) == 3 + 3 + 2 + 3 + 3


def test_exit_codes_for_bad_invocation_and_unavailable_executor(tpl: Path, tmp_path: Path):
    code, _, err = batch(tpl, tmp_path / "missing.csv", "-o", tmp_path / "{name}.mp4")
    assert code == 2 and err.startswith("error: "), err
    data = tmp_path / "rows.csv"
    data.write_text(f"{HEADER}\na,A,#fff,12,photo.png\n")
    code, _, err = batch(tpl, data, "-o", tmp_path / "{name}.mp4", "--executor", "nope")
    assert code == 3 and err.startswith("error: ") and "nope" in err, err
    assert len(err.splitlines()) == 1


def test_values_typed_alike_and_errors_name_the_placeholder(tpl: Path) -> None:
    t = Template(tpl)
    base = {"title": "x", "color": "#fff", "size": "12", "photo": "photo.png"}
    for typed in (False, True):  # CSV cells and JSONL strings alike
        comp = t.fill(Row(1, base, typed))
        assert comp.assets["title"].size_px == 12.0
        assert list(comp.assets["title"].color_rgba8) == [255, 255, 255, 255]  # #fff is white
        comp = t.fill(Row(1, {**base, "color": "#f008"}, typed))
        assert list(comp.assets["title"].color_rgba8) == [255, 0, 0, 136]
        with pytest.raises(RowError, match=r"size_px: .*\(from \$\{size\} = 'big'\)$"):
            t.fill(Row(4, {**base, "size": "big"}, typed))
        with pytest.raises(RowError, match=r"^row 4: .*color_rgba8: \$\{color\} = '#ff'"):
            t.fill(Row(4, {**base, "color": "#ff"}, typed))
    with pytest.raises(RowError, match=r"size_px: .*\(from \$\{size\} = \[1\]\)$"):
        t.fill(Row(5, {**base, "size": [1]}, True))
