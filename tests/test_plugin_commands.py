"""Commands added by installed distributions (entry-point group ``wavyte.commands``), end to
end: the test writes two small distributions (a dist-info folder and a module each) into a
folder it puts on the path of a ``wavyte`` subprocess: one good, one broken."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = '''
import typer

def hello(name: str = typer.Option("world", "--name", help="Who.")) -> None:
    """Say hello from a plugin."""
    typer.echo(f"hello {name}")

app = typer.Typer(help="Two sub-commands from a plugin.")

@app.command()
def up() -> None:
    typer.echo("up!")

@app.command()
def down(steps: int) -> None:
    typer.echo(f"down {steps}")

NOT_A_COMMAND = 42
'''

RAISES = """
raise RuntimeError("the plugin refuses to load")
"""


def _dist(site: Path, name: str, entry_points: str) -> None:
    info = site / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[wavyte.commands]\n{entry_points}\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    (site / "cmdtest_good.py").write_text(GOOD)
    (site / "cmdtest_raises.py").write_text(RAISES)
    _dist(
        site,
        "cmdtest_good",
        "hello = cmdtest_good:hello\n"
        "updown = cmdtest_good:app\n"
        "render = cmdtest_good:hello\n"  # a built-in name: the built-in command stays
        "twice = cmdtest_good:hello\n",
    )
    _dist(
        site,
        "cmdtest_broken",
        "missing-module = cmdtest_nowhere:cmd\n"
        "raises = cmdtest_raises:cmd\n"
        "missing-attr = cmdtest_good:nothing_here\n"
        "not-callable = cmdtest_good:NOT_A_COMMAND\n"
        "twice = cmdtest_good:app\n",  # the same name as the other distribution's
    )
    return site


def _wavyte(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), env.get("PYTHONPATH")) if p)
    env["COLUMNS"] = "200"  # one help line per command
    return subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_help_lists_plugin_commands_and_the_broken_ones_with_their_error(site: Path) -> None:
    out = _wavyte(site, "--help")
    assert out.returncode == 0, out.stderr
    rows = [line.split() for line in out.stdout.splitlines()]
    lines = {r[1]: " ".join(r) for r in rows if len(r) > 2 and r[0] == "│"}
    assert "Plugin commands" in out.stdout
    assert "Say hello from a plugin." in lines["hello"]
    assert "Two sub-commands from a plugin." in lines["updown"]
    assert "(broken)" in lines["missing-module"] and "cmdtest_nowhere" in lines["missing-module"]
    assert "(broken)" in lines["raises"] and "the plugin refuses to load" in lines["raises"]
    assert "(broken)" in lines["missing-attr"]
    assert "(broken)" in lines["not-callable"] and "not a command" in lines["not-callable"]
    assert "(broken)" in lines["twice"] and "cmdtest_good" in lines["twice"]
    assert "cmdtest_broken" in lines["twice"]
    # Built-in commands are listed once, with their own help.
    assert sum(len(r) > 2 and r[1] == "render" for r in rows) == 1
    assert "Render a composition" in lines["render"]


def test_plugin_commands_run(site: Path) -> None:
    out = _wavyte(site, "hello", "--name", "plugin")
    assert (out.returncode, out.stdout) == (0, "hello plugin\n"), out.stderr
    out = _wavyte(site, "updown", "down", "3")
    assert (out.returncode, out.stdout) == (0, "down 3\n"), out.stderr
    out = _wavyte(site, "updown", "--help")
    assert out.returncode == 0 and "up" in out.stdout and "down" in out.stdout


@pytest.mark.parametrize(
    ("command", "needle"),
    [
        ("missing-module", "No module named 'cmdtest_nowhere'"),
        ("raises", "RuntimeError: the plugin refuses to load"),
        ("missing-attr", "nothing_here"),
        ("not-callable", "is not a command"),
        ("twice", "uninstall one"),
    ],
)
def test_a_broken_plugin_command_fails_alone_naming_its_error(
    site: Path, command: str, needle: str
) -> None:
    out = _wavyte(site, command, "--any", "args")
    assert out.returncode == 1
    assert out.stderr.startswith(f"error: plugin command {command!r} is broken: "), out.stderr
    assert needle in out.stderr
    assert "Traceback" not in out.stderr


def test_built_in_commands_work_beside_broken_plugins(site: Path, tmp_path: Path) -> None:
    comp = {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 32, "height": 16},
        "duration": 3,
        "assets": {},
        "tracks": [],
        "seed": 1,
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(comp))
    out = _wavyte(site, "validate", str(path))
    assert out.returncode == 0, out.stderr
    out = _wavyte(site, "render", "--help")
    assert out.returncode == 0 and "--name" not in out.stdout  # the built-in, not the plugin's
    out = _wavyte(site, "no-such-command")
    assert out.returncode == 2 and "No such command" in out.stderr


def test_a_built_in_command_does_not_read_the_entry_points() -> None:
    code = (
        "import sys\n"
        "from wavyte_core.cli.main import app\n"
        "try:\n"
        "    app(['schema', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('plugin_commands' in str(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "False"


def test_wavyte_plugins_lists_the_commands_with_their_state(site: Path) -> None:
    out = _wavyte(site, "plugins")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split("commands:", 1)[1].strip().splitlines()
    by_name = {line.split(":", 1)[0].strip(): line for line in lines}
    assert "broken" not in by_name["hello"] and "cmdtest_good 0.1" in by_name["hello"]
    assert "broken: cmdtest_broken 0.1" in by_name["raises"]
    assert "the plugin refuses to load" in by_name["raises"]
    assert "ignored, a core command" in by_name["render"]
    assert "uninstall one" in by_name["twice"]


def test_a_missing_wavyte_distribution_says_what_to_install(monkeypatch) -> None:  # noqa: ANN001
    """Without wavyte-conformance installed, `wavyte bench` names the distribution to install
    (in-process: the test environment has it installed, so the group is emptied here)."""
    from typer.testing import CliRunner

    from wavyte_core.cli import plugin_commands
    from wavyte_core.cli.main import app

    monkeypatch.setattr(plugin_commands, "declared", lambda: {})
    plugin_commands.build.cache_clear()
    try:
        out = CliRunner().invoke(app, ["bench", "--smoke"])
        assert out.exit_code == 2
        assert "pip install wavyte-conformance" in out.output
        help_out = CliRunner().invoke(app, ["--help"])
        assert help_out.exit_code == 0 and " bench " not in help_out.output
        assert CliRunner().invoke(app, ["nonsense"]).exit_code == 2
    finally:
        plugin_commands.build.cache_clear()
