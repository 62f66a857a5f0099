"""The wavyte-conformance distribution ships its data: every file of the package that is not
Python (cases, their assets, reference frames, benchmark scenes) matches a package-data
pattern of conformance/pyproject.toml, so an installed wheel has what `wavyte conformance`
and `wavyte bench` read; and its commands are declared in the ``wavyte.commands`` group."""

from __future__ import annotations

import tomllib
from pathlib import Path

import wavyte_conformance

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(wavyte_conformance.__file__).resolve().parent


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _shipped() -> set[Path]:
    """The files the package-data patterns select (setuptools globs each pattern in the
    directory of the package it is listed under)."""
    out: set[Path] = set()
    for package, patterns in _config()["tool"]["setuptools"]["package-data"].items():
        base = ROOT.joinpath(*package.split("."))
        for pattern in patterns:
            out |= {p for p in base.glob(pattern) if p.is_file()}
    return out


def _data_files() -> set[Path]:
    return {
        p
        for p in PACKAGE.rglob("*")
        if p.is_file()
        and p.suffix not in (".py", ".pyc")
        and "__pycache__" not in p.parts
        and not p.name.startswith(".")
    }


def test_every_data_file_is_package_data() -> None:
    assert PACKAGE == ROOT / "wavyte_conformance"
    data = _data_files()
    missing = sorted(str(p.relative_to(ROOT)) for p in data - _shipped())
    assert not missing, f"not shipped in the wheel (add a package-data pattern): {missing}"
    # What the suite reads at run time is among them.
    names = {str(p.relative_to(PACKAGE)) for p in data}
    assert "cases/index.json" in names
    assert any(n.startswith("references/") and n.endswith(".png") for n in names)
    assert "scenes/bench/bench_scene_default.json" in names


def test_the_commands_are_declared_for_the_cli() -> None:
    commands = _config()["project"]["entry-points"]["wavyte.commands"]
    assert set(commands) == {"conformance", "bench"}
    for target in commands.values():
        module, attr = target.split(":")
        assert callable(getattr(__import__(module, fromlist=[attr]), attr))
