"""``wavyte effects``: ``KIND --markdown`` prints the kind's Markdown (to a file with -o),
``--plugin`` keeps one plugin's kinds, transition examples are whole transition specs."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from wavyte_core.cli.main import app
from wavyte_core.plugin.registry import default_registry


def _run(*args: str) -> str:
    res = CliRunner().invoke(app, ["effects", *args])
    assert res.exit_code == 0, res.output
    return res.stdout


def test_kind_markdown_is_raw_markdown(tmp_path: Path) -> None:
    text = _run("blur", "--markdown")
    assert text.startswith("## `blur` (effect)")
    assert "| param | type |" in text
    _run("wipe", "--markdown", "-o", str(tmp_path / "wipe.md"))
    assert (tmp_path / "wipe.md").read_text().startswith("## `wipe` (transition)")


def test_transition_examples_are_whole_transition_specs() -> None:
    text = _run("wipe", "--markdown")
    examples = [
        json.loads(line) for line in text.splitlines() if line.startswith('{"kind": "wipe"')
    ]
    assert examples
    for ex in examples:
        assert ex["duration_frames"] > 0 and ex["ease"]
    blur = [ln for ln in _run("blur", "--markdown").splitlines() if ln.startswith('{"kind"')]
    assert all("duration_frames" not in ln for ln in blur)


def test_filter_by_plugin() -> None:
    kinds = {k["kind"] for k in json.loads(_run("--json", "--plugin", "builtin"))}
    assert kinds == {"blur", "opacity_mul", "transform_post", "crossfade", "wipe"}
    others = {p.name for p in default_registry().plugins if p.name != "builtin"}
    for name in others:
        got = json.loads(_run("--json", "--plugin", name))
        assert all(k["plugin"] == name for k in got)
    md = _run("--markdown", "--plugin", "builtin")
    assert "`blur`" in md and "fx." not in md
    res = CliRunner().invoke(app, ["effects", "--plugin", "nope"])
    assert res.exit_code == 2 and "no such plugin" in res.output
