"""The whole suite under pytest: every case × every installed combination (one item each),
through the same runner and the same base class third-party plugins use."""

from __future__ import annotations

from wavyte_conformance.plugin_suite import PluginConformance


class TestAllCombinations(PluginConformance):
    """No role fixed: every installed rasterizer × compositor (× decoder where used)."""
