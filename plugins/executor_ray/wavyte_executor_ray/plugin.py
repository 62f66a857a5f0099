"""Registers the ``ray`` executor. Imports nothing heavy: ``import ray`` happens when a
batch or segmented render asks for this executor."""

from __future__ import annotations

from importlib.util import find_spec

from wavyte_core.plugin.hookspecs import hookimpl
from wavyte_core.plugin.specs import RoleSpec


def _check() -> str | None:
    if find_spec("ray") is None:
        return "ray is not installed"
    return None


def _factory():  # noqa: ANN202 - factory
    from .executor import RayExecutor

    return RayExecutor()


@hookimpl
def wavyte_register_executors() -> list[RoleSpec]:
    return [
        RoleSpec(
            name="ray",
            factory=_factory,
            capabilities=frozenset({"batch", "segments", "cluster", "retries"}),
            check=_check,
            install_hint="pip install wavyte-executor-ray (or: pip install 'ray>=2.9')",
            description="Ray actors on a local cluster or an existing one (--ray-address)",
        )
    ]
