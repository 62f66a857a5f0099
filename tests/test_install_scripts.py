"""`make test` fails loudly when it cannot install a part it promises to test: the install
scripts exit 1 with the command to run, unless ``WAVYTE_ALLOW_MISSING`` names the part.

The scripts run with a PATH holding only an ``id`` that reports a non-root user, so neither
apt-get, pkg-config nor chromium is found: the situation of a machine without root."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _run(script: str, tmp_path: Path, allow: str | None) -> subprocess.CompletedProcess:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake_id = bin_dir / "id"
    fake_id.write_text("#!/bin/sh\necho 1000\n")
    fake_id.chmod(0o755)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    if allow is not None:
        env["WAVYTE_ALLOW_MISSING"] = allow
    return subprocess.run(
        ["/bin/bash", str(REPO / "scripts" / script), "/bin/true"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("script", "part"), [("install-cairo", "cairo"), ("install-chromium", "chromium")]
)
def test_missing_part_fails_the_install(script: str, part: str, tmp_path: Path) -> None:
    r = _run(script, tmp_path, None)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "sudo apt-get install" in r.stderr and f"WAVYTE_ALLOW_MISSING={part}" in r.stderr


@pytest.mark.parametrize(
    ("script", "part"), [("install-cairo", "cairo"), ("install-chromium", "chromium")]
)
@pytest.mark.parametrize("allow", ["{part}", "emoji,{part}", "all"])
def test_allowed_missing_part_is_a_note(script: str, part: str, allow: str, tmp_path: Path) -> None:
    r = _run(script, tmp_path, allow.format(part=part))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "note:" in r.stdout and r.stderr == ""


def test_other_parts_do_not_allow_it(tmp_path: Path) -> None:
    assert _run("install-cairo", tmp_path, "chromium,emoji").returncode == 1
    assert os.access(REPO / "scripts" / "install-fonts", os.X_OK)
