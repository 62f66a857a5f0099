"""Start-up stays light: the CLI and the package import no engine module or
heavy library until a command needs it, and the lazy public names behave like eager ones."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = [
    "numpy",
    "av",
    "skia",
    "cv2",
    "cairo",
    "uharfbuzz",
    "wavyte_core.api",
    "wavyte_core.run.job",
]


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_cli_and_package_import_nothing_heavy() -> None:
    loaded = _modules_after("import wavyte_core, wavyte_core.cli.main")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_version_and_help_run_without_the_engine() -> None:
    code = (
        "import sys\n"
        "from wavyte_core.cli.main import COMMANDS, app\n"
        "try:\n"
        "    app(['--version'])\n"
        "except SystemExit:\n"
        "    pass"
    )
    loaded = _modules_after(code)
    assert not loaded & set(HEAVY)
    out = subprocess.run(
        [sys.executable, "-m", "wavyte_core.cli.main", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0
    from wavyte_core.cli.main import COMMANDS

    assert COMMANDS and all(name in out.stdout for name in COMMANDS)


def test_lazy_public_names_survive_submodule_imports() -> None:
    import wavyte_core
    import wavyte_core.api
    import wavyte_core.format.load

    assert wavyte_core.load is wavyte_core.api.load
    assert wavyte_core.render_frame is wavyte_core.api.render_frame
    assert wavyte_core.Composition.__name__ == "Composition"
    assert {"load", "open_job", "Composition"} <= set(dir(wavyte_core))


def _png_comp(tmp_path) -> str:  # noqa: ANN001
    import numpy as np

    from tests.media import write_png
    from tests.test_e2e_render import clip

    write_png(tmp_path / "a.png", np.full((8, 8, 4), 255, np.uint8))
    comp = {
        "fps": {"num": 30, "den": 1},
        "canvas": {"width": 32, "height": 16},
        "duration": 3,
        "assets": {"a": {"Image": {"source": "a.png"}}},
        "tracks": [{"name": "t", "z_base": 0, "clips": [clip("a", "a", 0, 3)]}],
        "seed": 1,
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(comp))
    return str(path)


def test_render_imports_no_pydantic_and_no_url_libraries(tmp_path) -> None:  # noqa: ANN001
    """typer ≥ 0.29 would import pydantic for every command and ``imagesize`` pulls in
    urllib/ssl/xml: neither belongs on the path of a render with a PNG."""
    args = [_png_comp(tmp_path), "-o", str(tmp_path / "o.mp4"), "--json", "--workers", "1"]
    code = (
        f"from wavyte_core.cli.main import app\napp(['render', *{args!r}], standalone_mode=False)"
    )
    loaded = _modules_after(code)
    assert "wavyte_core.run.job" in loaded  # it did render
    assert not loaded & {"pydantic", "imagesize", "urllib.request", "http.client", "ssl"}


def test_console_script_exit_codes_output_and_exit_handlers(tmp_path) -> None:  # noqa: ANN001
    """`main` ends the process without the interpreter's teardown: the exit code, the
    flushed output and the ``atexit`` handlers are those of an ordinary exit."""
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
        "sys.argv[0] = 'wavyte'\n"
        "from wavyte_core.cli.main import main\n"
        "main()\n"
    )

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120
        )

    out = tmp_path / "o.mp4"
    r = run("render", _png_comp(tmp_path), "-o", str(out), "--json", "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["frames"] == 3 and out.stat().st_size > 0
    assert "atexit ran" in r.stderr
    report = json.loads(r.stdout)
    assert 0 < report["import_s"] <= report["first_frame_s"] <= report["total_s"]
    r = run("render", str(tmp_path / "missing.json"), "-o", str(out))
    assert r.returncode == 2 and "error:" in r.stderr and "atexit ran" in r.stderr
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("wavyte ")
    r = run("no-such-command")
    assert r.returncode == 2 and "atexit ran" in r.stderr


def test_fast_exit_waits_for_a_live_thread(tmp_path) -> None:  # noqa: ANN001
    """With another thread still running the ordinary exit is kept: the thread finishes."""
    flag = tmp_path / "done"
    probe = (
        "import threading, time\n"
        "from wavyte_core.run.fast_exit import exit_now\n"
        f"def late(): time.sleep(0.3); open({str(flag)!r}, 'w').write('x')\n"
        "threading.Thread(target=late).start()\n"
        "exit_now(3)\n"
    )
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert r.returncode == 3 and flag.read_text() == "x"
