"""Commands that installed distributions add to ``wavyte``: the ``wavyte.commands`` group.

A distribution declares each command as an entry point, name → ``module:attribute``::

    [project.entry-points."wavyte.commands"]
    conformance = "wavyte_conformance.commands.conformance:conformance"

The attribute is a command function (Typer builds the command from its signature; its
docstring is the help), a ``typer.Typer`` app (its commands become ``wavyte NAME SUB``; an
app with one command and no callback is that command) or a click command.

When: the group is read only when the command line names a command that is not built in, or
when ``--help`` lists the commands (`names`); a plugin's module is imported only when its
command is built (`build`): to run it, or for its line in ``--help``. A command whose module
fails to import, or whose attribute is missing or not a command, becomes a stand-in
(`broken`) that ``--help`` lists with the error and that, when invoked, prints the error and
exits 1: one broken plugin never breaks ``wavyte`` or the other commands. A name that a
built-in command already has is not replaced; a name two distributions declare runs neither
(the stand-in names both).
"""

from __future__ import annotations

import sys
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import click
import typer

#: The entry-point group plugin commands are declared in.
GROUP = "wavyte.commands"

#: Exit code of a broken plugin command.
EXIT_BROKEN = 1

#: The ``--help`` panel plugin commands are listed in (unless the command names its own).
PANEL = "Plugin commands"

#: Commands of wavyte's own optional distributions: when one is not installed, its command
#: says what to install instead of click's "No such command".
NOT_INSTALLED: dict[str, tuple[str, str]] = {
    "conformance": ("wavyte-conformance", "conformance"),
    "bench": ("wavyte-conformance", "conformance"),
}


@cache
def declared() -> dict[str, list[EntryPoint]]:
    """Every declared command name → its entry points (more than one: a conflict); read
    once per process, the first time a non-built-in name or the command list is needed."""
    found: dict[str, list[EntryPoint]] = {}
    for ep in entry_points(group=GROUP):
        same = found.setdefault(ep.name, [])
        if all(e.value != ep.value for e in same):  # one distribution seen twice on the path
            same.append(ep)
    return dict(sorted(found.items()))


def names(builtin: set[str] | dict[str, Any]) -> list[str]:
    """The plugin command names that do not shadow a built-in command, sorted."""
    return [n for n in declared() if n not in builtin]


@cache
def build(name: str) -> click.Command | None:
    """The click command for plugin command ``name`` (None: no plugin declares it), built
    once per process. Never raises: a failure to load or to build gives the `broken`
    stand-in."""
    eps = declared().get(name)
    if not eps:
        return _not_installed(name) if name in NOT_INSTALLED else None
    origin = _origin(eps[0])
    if len(eps) > 1:
        both = " and ".join(_origin(ep) for ep in eps)
        return broken(name, f"declared by {both}; uninstall one of them")
    try:
        target = eps[0].load()
        cmd = _as_command(name, target)
    except Exception as exc:  # noqa: BLE001 — any failure of a plugin is reported, not raised
        return broken(name, f"{origin}: {type(exc).__name__}: {exc}")
    cmd.name = name
    if not getattr(cmd, "rich_help_panel", None):
        cmd.rich_help_panel = PANEL  # type: ignore[attr-defined]
    return cmd


def summary(builtin: set[str] | dict[str, Any]) -> list[str]:
    """One line per declared plugin command for ``wavyte plugins``: name, distribution, and
    why it does not run when it does not (builds every command: imports their modules)."""
    lines = []
    for name, eps in declared().items():
        where = ", ".join(_origin(ep) for ep in eps)
        if name in builtin:
            lines.append(f"{name}: {where}: ignored, a core command has this name")
            continue
        cmd = build(name)
        error = getattr(cmd, "broken_error", None)
        lines.append(f"{name}: {where}" + (f": broken: {error}" if error else ""))
    return lines


def broken(name: str, error: str) -> click.Command:
    """A stand-in for a plugin command that cannot be built: listed with ``error``, and when
    invoked (with any arguments) prints it and exits `EXIT_BROKEN`."""

    def run() -> None:
        print(f"error: plugin command {name!r} is broken: {error}", file=sys.stderr)
        sys.exit(EXIT_BROKEN)

    from rich.markup import escape  # the help is rich markup: "[x]" in an error is text

    first_line = error.splitlines()[0] if error else "unknown error"
    cmd = click.Command(
        name,
        callback=run,
        help=escape(f"(broken plugin command) {error}"),
        short_help=escape(f"(broken) {first_line}"),
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        add_help_option=False,
    )
    cmd.rich_help_panel = PANEL  # type: ignore[attr-defined]
    cmd.broken_error = error  # type: ignore[attr-defined]
    return cmd


def _not_installed(name: str) -> click.Command:
    """A stand-in for a command of a wavyte distribution that is not installed: running it
    says what to install and exits 2."""
    dist, folder = NOT_INSTALLED[name]

    def run() -> None:
        print(
            f"error: `wavyte {name}` comes from the {dist} distribution, which is not "
            f"installed: pip install {dist} (in a wavyte checkout: pip install -e {folder})",
            file=sys.stderr,
        )
        sys.exit(2)

    return click.Command(
        name,
        callback=run,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        add_help_option=False,
        hidden=True,
    )


def _as_command(name: str, target: Any) -> click.Command:
    if isinstance(target, click.Command):
        return target
    if isinstance(target, typer.Typer):
        return typer.main.get_command(target)
    if callable(target):
        single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        single.command(name)(target)
        return typer.main.get_command(single)
    raise TypeError(
        f"{target!r} is not a command (expected a function, a typer.Typer or a click command)"
    )


def _origin(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    label = f"{dist.name} {dist.version}" if dist is not None else "?"
    return f"{label} ({ep.value})"
