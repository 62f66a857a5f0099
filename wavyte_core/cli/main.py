"""``wavyte``: render, batch, frame, validate, captions, eval, plugins, effects, schema, new-plugin,
preview, and the commands installed plugins add (``wavyte conformance`` and ``wavyte bench``
come from the ``wavyte-conformance`` distribution).

Start-up: a command's module is imported only when that command runs (or when
``--help`` lists it), and each module imports its heavy libraries inside the command. Add
a built-in command with one line: ``command("name", "module:function")``. Plugin commands
(`plugin_commands`, entry-point group ``wavyte.commands``) are looked up only for a name
that is not built in, or when ``--help`` lists every command.
"""

from __future__ import annotations

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
command("captions", "captions_cmd:captions")
command("eval", "eval_cmd:eval_frame")
command("plugins", "plugins:plugins")
command("effects", "effects:effects")
command("kinds", "kinds:kinds")
command("schema", "schema_cmd:schema")
command("new-plugin", "new_plugin:new_plugin")
command("preview", "preview:preview")


class _LazyGroup(TyperGroup):
    """A Typer group that builds a registered command from its module on first use, then the
    plugins' commands (listed after the built-in ones)."""

    _loaded: dict[str, Any] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        from wavyte_core.cli import plugin_commands

        eager = [n for n in super().list_commands(ctx) if n not in COMMANDS]
        builtin = [*COMMANDS, *eager]
        return [*builtin, *plugin_commands.names(set(builtin))]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        target = COMMANDS.get(cmd_name)
        if target is None:
            cmd = super().get_command(ctx, cmd_name)
            if cmd is not None:
                return cmd
            from wavyte_core.cli import plugin_commands

            return plugin_commands.build(cmd_name)
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
        from wavyte_core.version import __version__

        typer.echo(f"wavyte {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
    debug: bool = typer.Option(
        False,
        "--debug",
        help="On an error, also print its traceback (e.g. of a failing plugin call), in "
        "worker processes too; the same as WAVYTE_DEBUG=1.",
    ),
) -> None:
    """Programmatic video: render Wavyte-format compositions to MP4 and PNG."""
    if debug:
        import os

        os.environ["WAVYTE_DEBUG"] = "1"  # worker processes inherit it


def main() -> None:
    """The console script; once the command is done the process ends without the
    interpreter's teardown (`fast_exit`)."""
    from wavyte_core.cli.common import EXIT_TERMINATED, terminate_on_sigterm
    from wavyte_core.errors import Terminated
    from wavyte_core.run.fast_exit import exit_now

    terminate_on_sigterm()
    try:
        app()
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    except Terminated:  # outside a command's own handling (e.g. while importing it)
        print("error: terminated (SIGTERM)", file=sys.stderr)
        code = EXIT_TERMINATED
    exit_now(code)


if __name__ == "__main__":  # pragma: no cover
    main()
