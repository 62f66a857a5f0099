"""fx.lut errors at load: one line naming the JSON path, the param and the file (and line)."""

from __future__ import annotations

from pathlib import Path

import pytest
from wavyte_effects_pack.effects import Lut
from wavyte_effects_pack.kernels import cube

from wavyte_core.errors import WavyteError
from wavyte_core.plugin import SetupContext
from wavyte_core.plugin.host import bind_effect, effect_spec


def _bind(params: dict, root: Path | None) -> None:
    ctx = SetupContext((32, 32), 30.0, 1, "tracks[0].clips[0].effects[0].params", root)
    bind_effect(effect_spec(Lut), params, "tracks[0].clips[0].effects[0].params", ctx)


@pytest.mark.parametrize(
    ("params", "fragments"),
    [
        ({"file": "broken.cube"}, ["param 'file'", "broken.cube:3", "data row needs 3 numbers"]),
        ({"file": "short.cube"}, ["param 'file'", "short.cube", "expected 8 data rows, found 1"]),
        ({"file": "missing.cube"}, ["missing.cube"]),
        ({"file": "look.png"}, ["param 'file'", "must name a .cube file"]),
        ({"file": "../escape.cube"}, ["escape.cube"]),
        ({"file": "ok.cube", "preset": "warm"}, ["param 'preset'", "param 'file'"]),
    ],
)
def test_lut_setup_errors(tmp_path: Path, params: dict, fragments: list[str]) -> None:
    (tmp_path / "broken.cube").write_text("LUT_3D_SIZE 2\n0 0 0\n0 0\n")
    (tmp_path / "short.cube").write_text("LUT_3D_SIZE 2\n0 0 0\n")
    (tmp_path / "ok.cube").write_text(cube.cube_text(cube.preset_lut("warm", 2)))
    with pytest.raises(WavyteError) as info:
        _bind(params, tmp_path)
    msg = str(info.value)
    assert "\n" not in msg and "tracks[0].clips[0].effects[0].params" in msg
    for f in fragments:
        assert f in msg


def test_lut_validation_only_does_no_io(tmp_path: Path) -> None:
    _bind({"file": "not-there-yet.cube"}, None)  # `wavyte validate`: no asset root, no I/O


def test_broken_lut_through_wavyte_render(tmp_path: Path) -> None:
    """The path a user takes: one ``error:`` line naming the file and line, exit code 2,
    no output file."""
    import json
    import shutil

    from typer.testing import CliRunner

    from wavyte_core.cli.main import app

    examples = Path(__file__).resolve().parent.parent / "examples"
    doc = json.loads((examples / "lut.json").read_text())
    (tmp_path / "assets").mkdir()
    shutil.copy(examples / "assets" / "landscape.jpg", tmp_path / "assets")
    doc["tracks"][0]["clips"][0]["effects"][0]["params"]["file"] = "bad.cube"
    (tmp_path / "bad.cube").write_text("LUT_3D_SIZE 2\n0 0 0\n1 1\n")
    comp = tmp_path / "comp.json"
    comp.write_text(json.dumps(doc))
    out = tmp_path / "out.mp4"
    r = CliRunner().invoke(app, ["render", str(comp), "-o", str(out)])
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), r.output
    assert "effects[0].params" in lines[0] and "bad.cube:3" in lines[0]
    assert not out.exists()
