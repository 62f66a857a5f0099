"""`run_plugin_conformance` with each role named alone and in combination, a third-party
executor registered through ``wavyte_register_executors``, and one that loses work."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from wavyte_conformance.plugin_suite import plugin_runner, run_plugin_conformance
from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.registry import Registry, default_registry
from wavyte_core.plugin.specs import RoleSpec
from wavyte_core.run.executor import ExecutorOptions, run_task

CASE = "opacity_keyframes"


def _installed(role: str, name: str) -> bool:
    return name in default_registry().available(role)  # type: ignore[arg-type]


ROLE_PICKS = [
    {"rasterizer": "skia"},
    {"rasterizer": "cairo"},
    {"compositor": "cairo"},
    {"compositor": "skia"},
    {"decoder": "opencv"},
    {"encoder": "pyav"},
    {"executor": "local"},
    {"rasterizer": "cairo", "compositor": "skia"},
    {"compositor": "cairo", "encoder": "pyav", "executor": "local"},
]


@pytest.mark.parametrize(
    "picks", ROLE_PICKS, ids=lambda p: "+".join(f"{k}={v}" for k, v in p.items())
)
def test_each_role_alone_and_combined(picks: dict[str, str]) -> None:
    for role, name in picks.items():
        if not _installed(role, name):
            pytest.skip(f"{role} {name} is not installed")
    results = run_plugin_conformance(cases=CASE, **picks)
    assert results, "nothing was run"
    bad = [
        f"{r.section}/{r.case} {r.column} {r.variant}: {r.status} {r.reason}"
        for r in results
        if r.failed
    ]
    assert not bad, bad
    renders = [r for r in results if r.section == "render"]
    for role in ("rasterizer", "compositor"):
        if role in picks:  # the named implementation is the one under test
            assert all(picks[role] in r.column for r in renders)
    delivery = [r for r in results if r.section == "delivery"]
    assert bool(delivery) == bool({"encoder", "executor"} & set(picks))
    if "executor" in picks:
        assert all(f"executor={picks['executor']}" in r.variant for r in delivery)


class _Session:
    """Runs the tasks in this process, last first (results may arrive in any order)."""

    workers = 1
    startup_seconds = 0.0

    def __init__(self, drop: bool) -> None:
        self.drop = drop

    def run(self, shared: Any, tasks: Iterable[Any]) -> Iterator[Any]:
        todo = list(tasks)[::-1]
        if self.drop:
            todo = todo[:1]  # a broken executor: loses every other segment
        for t in todo:
            yield run_task(shared, t)

    def close(self) -> None:
        pass


class _Executor:
    def __init__(self, name: str, drop: bool) -> None:
        self.name, self.drop = name, drop

    def open(self, options: ExecutorOptions) -> _Session:
        return _Session(self.drop)


class _ThirdParty:
    @hookimpl
    def wavyte_register_executors(self) -> list[RoleSpec]:
        return [
            RoleSpec(
                name="acme-inline",
                factory=lambda: _Executor("acme-inline", drop=False),
                capabilities=frozenset({"segments"}),
            ),
            RoleSpec(
                name="acme-lossy",
                factory=lambda: _Executor("acme-lossy", drop=True),
                capabilities=frozenset({"segments"}),
            ),
            RoleSpec(name="acme-batch-only", factory=lambda: _Executor("x", drop=False)),
        ]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.build([("acme", _ThirdParty())])


def test_third_party_executor_passes(registry: Registry) -> None:
    results = run_plugin_conformance(cases=CASE, executor="acme-inline", registry=registry)
    delivery = [r for r in results if r.section == "delivery"]
    assert [r.status for r in delivery] == ["pass"], [(r.status, r.reason) for r in delivery]
    assert "executor=acme-inline" in delivery[0].variant


def test_executor_that_loses_segments_fails(registry: Registry) -> None:
    results = run_plugin_conformance(cases=CASE, executor="acme-lossy", registry=registry)
    delivery = [r for r in results if r.section == "delivery"]
    assert [r.status for r in delivery] == ["error"]
    assert "fewer segments" in delivery[0].reason


def test_executor_without_the_capability_is_unsupported(registry: Registry) -> None:
    runner = plugin_runner(cases=CASE, executor="acme-batch-only", registry=registry)
    items = [i for i in runner.items() if i.section == "delivery"]
    (res,) = runner.run_item(items[0])
    assert res.status == "unsupported" and "lacks segments" in res.reason


class _DroppingSession:
    """An encoder session that loses every other frame (a broken third-party encoder)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.n = inner, 0

    def write(self, frame: Any) -> None:
        self.n += 1
        if self.n % 2:
            self.inner.write(frame)

    def close(self) -> None:
        self.inner.close()

    def abort(self) -> None:
        self.inner.abort()


class _Encoders:
    """Third-party encoders: the core's PyAV encoder under another name, and a lossy one."""

    @hookimpl
    def wavyte_register_encoders(self) -> list[RoleSpec]:
        base = default_registry().roles["encoder"]["pyav"]

        class Lossy:
            name = "acme-lossy-enc"

            def open(self, path: Any, settings: Any) -> _DroppingSession:
                return _DroppingSession(base.factory().open(path, settings))

        return [
            RoleSpec(name="acme-enc", factory=base.factory, capabilities=base.capabilities),
            RoleSpec(name="acme-lossy-enc", factory=Lossy, capabilities=base.capabilities),
        ]


def test_third_party_encoders_in_the_delivery_check() -> None:
    reg = Registry.build([("acme-enc", _Encoders())])
    good = run_plugin_conformance(cases=CASE, encoder="acme-enc", registry=reg)
    (d,) = [r for r in good if r.section == "delivery"]
    assert d.status == "pass" and "encoder=acme-enc" in d.variant, d.reason
    bad = run_plugin_conformance(cases=CASE, encoder="acme-lossy-enc", registry=reg)
    (d,) = [r for r in bad if r.section == "delivery"]
    assert d.failed and "has 3 frames, expected 6" in d.reason, (d.status, d.reason)
