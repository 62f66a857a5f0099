"""`wavyte validate` warns about fields the format ignores (0.2 structs skip unknown keys,
as serde does): a misspelt field must not pass in silence. Every shipped example and
conformance case uses only known fields."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import wavyte_core as wv
from wavyte_core.format.load import collect_unknown_fields

ROOT = Path(__file__).resolve().parents[1]
DOCS = [
    *sorted((ROOT / "examples").glob("*.json")),
    *sorted((ROOT / "conformance" / "wavyte_conformance" / "cases").glob("*.json")),
]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_shipped_documents_have_no_unknown_fields(path: Path) -> None:
    text = path.read_text()
    if '"fps"' not in text:
        pytest.skip("not a composition (an index)")
    from wavyte_core.format.load import loads_composition

    with collect_unknown_fields() as unknown:
        loads_composition(text)
    assert unknown == []


def test_validate_warns_about_each_misspelt_field(tmp_path: Path) -> None:
    d = json.loads((ROOT / "examples" / "demo.json").read_text())
    d["assets"]["title"]["Text"]["font_fallbak"] = ["fonts/x.ttf"]
    d["tracks"][0]["clips"][0]["propz"] = 1
    d["tracks"][0]["clips"][0]["props"]["blendd"] = "Multiply"
    (tmp_path / "c.json").write_text(json.dumps(d))
    r = subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", "validate", str(tmp_path / "c.json")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert r.returncode == 0  # a warning, not an error: 0.2 documents keep loading
    warned = [ln for ln in r.stderr.splitlines() if "unknown field" in ln]
    assert warned == [
        "warning: assets.title.Text.font_fallbak: unknown field (ignored)",
        "warning: tracks[0].clips[0].propz: unknown field (ignored)",
        "warning: tracks[0].clips[0].props.blendd: unknown field (ignored)",
    ]
    assert "3 warnings" in r.stdout


def test_collection_is_scoped_to_the_block() -> None:
    d = json.loads((ROOT / "examples" / "demo.json").read_text())
    d["tracks"][0]["extra"] = 1
    wv.load(json.dumps(d))  # outside a block: nothing collected, nothing raised
    with collect_unknown_fields() as unknown:
        wv.load(json.dumps(d))
    assert unknown == ["tracks[0].extra"]
