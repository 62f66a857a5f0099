"""Start-up stays light (issue 10): the CLI and the package import no engine module or
heavy library until a command needs it, and the lazy public names behave like eager ones."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["numpy", "av", "skia", "cv2", "cairo", "uharfbuzz", "wavyte_core.api", "wavyte_core.job"]


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
    import wavyte_core.load  # noqa: F401  (a submodule named like a public function)

    assert wavyte_core.load is wavyte_core.api.load
    assert wavyte_core.render_frame is wavyte_core.api.render_frame
    assert wavyte_core.Composition.__name__ == "Composition"
    assert {"load", "open_job", "Composition"} <= set(dir(wavyte_core))
