"""The conformance suite as importable tests, for wavyte's own CI and third-party plugins.

A plugin tests itself by subclassing `PluginConformance` in its own test module (the
fsspec/pandas-extension pattern: nothing is copied, the cases and tolerances stay here)::

    from wavyte_conformance.plugin_suite import PluginConformance

    class TestMyCompositor(PluginConformance):
        compositor = "mine"          # roles not set use the reference implementation

Each case × combination becomes one pytest item: failures fail, a missing capability is a
visible skip with the reason, a failure the plugin declares in its
``CONFORMANCE_EXPECTATIONS`` is an xfail. `run_plugin_conformance` returns the same
results as data (and `wavyte_conformance.report` turns them into the matrix and reports).
"""

from __future__ import annotations

from functools import cache

import pytest

from wavyte_core.plugin.registry import Registry

from .catalog import load_catalog
from .runner import Result, Runner, WorkItem

__all__ = ["PluginConformance", "run_plugin_conformance", "plugin_runner", "check_item"]

#: The roles a plugin can put under test (the frame roles; ``encoder`` and ``executor``
#: are checked by the ``delivery`` section).
ROLES_UNDER_TEST = ("rasterizer", "compositor", "decoder", "encoder", "executor")


def plugin_runner(
    rasterizer: str | None = None,
    compositor: str | None = None,
    decoder: str | None = None,
    cases: str | None = None,
    *,
    encoder: str | None = None,
    executor: str | None = None,
    registry: Registry | None = None,
) -> Runner:
    """A runner whose combinations pair the given implementations with the reference for
    every other role; with no implementation given, every installed combination. Naming
    an ``encoder`` or ``executor`` adds the ``delivery`` section for it. ``registry``:
    the plugins to use (default: the installed ones)."""
    if registry is not None:  # not cached: a registry is built per test
        return _runner.__wrapped__(
            rasterizer, compositor, decoder, cases, encoder, executor, registry
        )
    return _runner(rasterizer, compositor, decoder, cases, encoder, executor, None)


@cache
def _runner(
    rasterizer: str | None,
    compositor: str | None,
    decoder: str | None,
    cases: str | None,
    encoder: str | None,
    executor: str | None,
    registry: Registry | None,
) -> Runner:
    picked = {
        "rasterizer": rasterizer,
        "compositor": compositor,
        "decoder": decoder,
        "encoder": encoder,
    }
    catalog = load_catalog().select(cases)
    only: dict[str, list[str]] = {}
    if any(picked.values()) or executor:
        only = {
            role: [picked.get(role) or name]  # type: ignore[list-item]
            for role, name in catalog.reference.items()
            if role in picked
        }
    return Runner(
        catalog,
        registry,
        only=only,
        executors=[executor] if executor else None,
        encoders=[encoder] if encoder else None,
    )


def run_plugin_conformance(
    *,
    rasterizer: str | None = None,
    compositor: str | None = None,
    decoder: str | None = None,
    encoder: str | None = None,
    executor: str | None = None,
    cases: str | None = None,
    registry: Registry | None = None,
) -> list[Result]:
    """Every conformance result for the named implementation(s), each role not named
    using the reference implementation (see `plugin_runner`)."""
    runner = plugin_runner(
        rasterizer,
        compositor,
        decoder,
        cases,
        encoder=encoder,
        executor=executor,
        registry=registry,
    )
    return runner.run()


def check_item(runner: Runner, item: WorkItem) -> None:
    """Run one item under pytest: fail, skip (unsupported) or xfail (known) accordingly."""
    results = runner.run_item(item)
    bad = [r for r in results if r.failed]
    if bad:
        lines = [
            f"{r.section}/{r.case} [{r.column} {r.variant}] frame {r.frame}: {r.status}: {r.reason}"
            + (f" — {r.metrics.short()}" if r.metrics else "")
            for r in bad
        ]
        pytest.fail("\n".join(lines), pytrace=False)
    if results and all(r.status == "unsupported" for r in results):
        pytest.skip(f"unsupported: {results[0].reason}")
    known = [r for r in results if r.status == "xfail"]
    if known:
        figs = ", ".join(r.metrics.short() for r in known if r.metrics)
        pytest.xfail(f"{known[0].reason} ({figs})")


class PluginConformance:
    """Base class: set ``rasterizer``/``compositor``/``decoder``/``encoder``/``executor``
    to the implementation(s) under test, optionally ``cases`` (globs). Leave them all None to run every combination."""

    rasterizer: str | None = None
    compositor: str | None = None
    decoder: str | None = None
    encoder: str | None = None
    executor: str | None = None
    cases: str | None = None

    def _runner(self) -> Runner:
        return plugin_runner(
            self.rasterizer,
            self.compositor,
            self.decoder,
            self.cases,
            encoder=self.encoder,
            executor=self.executor,
        )

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "conformance_item" in metafunc.fixturenames:
            items = self._runner().items()
            metafunc.parametrize("conformance_item", items, ids=[i.id for i in items])

    def test_conformance(self, conformance_item: WorkItem) -> None:
        check_item(self._runner(), conformance_item)
