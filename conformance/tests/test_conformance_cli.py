"""``wavyte conformance`` end to end through the CLI: ``--case`` selects, the reports are
written, a missing reference fails the run, and ``--update-references`` (into a copy of the
references, never the shipped ones) writes frames that the next run passes against."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from wavyte_conformance.runner import REFERENCES_DIR
from wavyte_core.cli.main import app

CASE = "opacity_keyframes"


def _run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(
        app, ["conformance", "--quiet", "--rasterizer", "skia", "--compositor", "numpy", *args]
    )
    return res.exit_code, res.output


def test_case_selection_and_reports(tmp_path: Path) -> None:
    code, out = _run("--case", CASE, "--out", str(tmp_path / "r"))
    assert code == 0, out
    doc = json.loads((tmp_path / "r" / "parity.json").read_text())
    rows = doc["results"] if isinstance(doc, dict) else doc
    cases = {r["case"] for r in rows}
    assert cases == {CASE}, cases
    assert (tmp_path / "r" / "parity.md").exists() and (tmp_path / "r" / "parity.html").exists()


def test_missing_reference_fails_then_update_references_fixes(tmp_path: Path) -> None:
    refs = tmp_path / "refs"
    shutil.copytree(REFERENCES_DIR / CASE, refs / CASE)
    shipped = {p.name: p.read_bytes() for p in (REFERENCES_DIR / CASE).iterdir()}
    victim = sorted((refs / CASE).iterdir())[0]
    victim.unlink()
    code, out = _run("--case", CASE, "--references", str(refs), "--out", str(tmp_path / "a"))
    assert code == 1, out
    assert "missing" in out
    code, out = _run(
        "--case",
        CASE,
        "--references",
        str(refs),
        "--update-references",
        "--out",
        str(tmp_path / "b"),
    )
    assert code == 0, out
    assert victim.exists()
    assert "reference frames under" in out and str(refs) in out.replace("\n", "")
    # the shipped references are untouched
    assert {p.name: p.read_bytes() for p in (REFERENCES_DIR / CASE).iterdir()} == shipped
    code, out = _run("--case", CASE, "--references", str(refs), "--out", str(tmp_path / "c"))
    assert code == 0, out


def test_executor_and_encoder_options_add_the_delivery_check(tmp_path: Path) -> None:
    code, out = _run(
        "--case", CASE, "--executor", "local", "--encoder", "pyav", "--out", str(tmp_path / "d")
    )
    assert code == 0, out
    rows = json.loads((tmp_path / "d" / "parity.json").read_text())
    rows = rows["results"] if isinstance(rows, dict) else rows
    delivery = [r for r in rows if r["section"] == "delivery"]
    assert [r["status"] for r in delivery] == ["pass"]
    assert "executor=local" in delivery[0]["variant"] and "encoder=pyav" in delivery[0]["variant"]


def test_every_section_has_a_report_title() -> None:
    from wavyte_conformance.report import TITLES
    from wavyte_conformance.runner import SECTIONS

    assert set(TITLES) == set(SECTIONS)
