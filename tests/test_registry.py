"""The plugin registry: discovery once, broken plugins isolated, env restrictions, errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from wavyte_core.errors import PluginError
from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.registry import Registry
from wavyte_core.plugin.specs import RoleSpec


class CountingPlugin:
    calls = 0

    @hookimpl
    def wavyte_register_encoders(self) -> list[RoleSpec]:
        CountingPlugin.calls += 1
        return [RoleSpec(name="counting", factory=lambda: "enc", check=lambda: None)]


class BrokenPlugin:
    @hookimpl
    def wavyte_register_rasterizers(self) -> list[RoleSpec]:
        raise RuntimeError("boom")


class UnavailablePlugin:
    @hookimpl
    def wavyte_register_compositors(self) -> list[RoleSpec]:
        return [
            RoleSpec(
                name="gpu",
                factory=lambda: None,
                check=lambda: "no GPU here",
                install_hint="buy one",
            )
        ]


def test_explicit_plugins_without_entry_points() -> None:
    CountingPlugin.calls = 0
    reg = Registry.build(
        [("counting", CountingPlugin()), ("broken", BrokenPlugin()), ("gpu", UnavailablePlugin())],
        entrypoints=False,
    )
    assert CountingPlugin.calls == 1  # registration hooks run once, at build
    assert reg.create("encoder", "counting") == "enc"
    assert reg.create("encoder", "counting") == "enc"
    assert CountingPlugin.calls == 1
    broken = next(p for p in reg.plugins if p.name == "broken")
    assert broken.error is not None and "boom" in broken.error
    assert "numpy" in reg.names("compositor")  # the built-in plugin still registered
    with pytest.raises(PluginError, match="unavailable: no GPU here; install with: buy one"):
        reg.create("compositor", "gpu")
    with pytest.raises(PluginError, match=r"unknown rasterizer 'nope' \(installed: none\)"):
        reg.create("rasterizer", "nope")


def test_name_conflicts_are_reported_not_replaced() -> None:
    class Dup:
        @hookimpl
        def wavyte_register_compositors(self) -> list[RoleSpec]:
            return [RoleSpec(name="numpy", factory=lambda: "impostor")]

    reg = Registry.build([("dup", Dup())], entrypoints=False)
    assert reg.create("compositor", "numpy") != "impostor"
    assert "already registered" in (next(p for p in reg.plugins if p.name == "dup").error or "")


def test_env_disables_an_entry_point_plugin() -> None:
    code = "from wavyte_core.plugin.registry import Registry; r = Registry.build(); print(sorted(r.names('rasterizer')))"
    env = {"WAVYTE_DISABLE_PLUGINS": "skia", "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "'skia'" not in out
    env = {"WAVYTE_PLUGINS": "skia", "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert out.strip() == "['skia']"
