"""``wavyte``: render, batch, frame, validate, eval, plugins, conformance, bench, effects, schema,
new-plugin.

Start-up (issue 10): a command's module is imported only when that command runs (or when
``--help`` lists it), and each module imports its heavy libraries inside the command. Add
a command with one line: ``command("name", "module:function")``.
"""

from __future__ import annotations

import atexit
import os
import sys
import time
from importlib import import_module
from typing import Any

#: When the CLI started (after the interpreter's own start-up): the origin of the
#: ``first_frame_s`` figure of ``wavyte render --json``. Under ``python -m
#: wavyte_core.cli.main`` this module also runs as ``__main__``, first: keep its time.
STARTED: float = getattr(sys.modules.get("__main__"), "STARTED", None) or time.perf_counter()

import typer  # noqa: E402  (after STARTED on purpose)
from typer.core import TyperGroup  # noqa: E402

#: Command name → ``"module:function"`` inside ``wavyte_core.cli``, in ``--help`` order.
COMMANDS: dict[str, str] = {}


def command(name: str, target: str) -> None:
    """Register a lazily imported command."""
    COMMANDS[name] = target


command("render", "render:render")
command("batch", "batch:batch")
command("frame", "frame:frame")
command("validate", "validate:validate")
command("eval", "eval_cmd:eval_frame")
command("plugins", "plugins:plugins")
command("conformance", "conformance:conformance")
command("bench", "bench:bench")
command("effects", "effects:effects")
command("schema", "schema_cmd:schema")
command("new-plugin", "new_plugin:new_plugin")
command("preview", "preview:preview")


class _LazyGroup(TyperGroup):
    """A Typer group that builds a registered command from its module on first use."""

    _loaded: dict[str, Any] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        eager = [n for n in super().list_commands(ctx) if n not in COMMANDS]
        return [*COMMANDS, *eager]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        cmd = self._loaded.get(cmd_name)
        if cmd is None:
            module, func = target.split(":")
            fn: Any = getattr(import_module(f"{__package__}.{module}"), func)
            single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
            single.command(cmd_name)(fn)
            cmd = typer.main.get_command(single)
            cmd.name = cmd_name
            self._loaded[cmd_name] = cmd
        return cmd


app = typer.Typer(
    name="wavyte",
    cls=_LazyGroup,
    help="Programmatic video: render Wavyte-format compositions to MP4 and PNG.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"wavyte {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Programmatic video: render Wavyte-format compositions to MP4 and PNG."""


def main() -> None:
    """The console script. After the command, skip the interpreter's teardown.

    Tearing down the modules of a render (numpy, PyAV, skia, the plugins: thousands of
    objects) takes ≈0.1 s after the output is already written (issue 10, start-up). So
    when the command has finished and no other thread is alive, the exit handlers run
    (multiprocessing, shared memory, ``atexit`` users) and the process ends at once.
    With a thread still running the ordinary exit is kept, which waits for it."""
    try:
        app()
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    _fast_exit(code)


def _fast_exit(code: Any) -> None:
    import threading

    if threading.active_count() > 1:
        sys.exit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): print it as the interpreter would
        print(code, file=sys.stderr)
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: the interpreter's exit would say 120
        status = status or 120
    atexit._run_exitfuncs()
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    main()
