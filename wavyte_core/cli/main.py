"""``wavyte``: render, frame, validate, eval, plugins."""

from __future__ import annotations

import typer

from . import (
    bench,
    conformance,
    effects,
    eval_cmd,
    frame,
    new_plugin,
    plugins,
    render,
    schema_cmd,
    validate,
)

app = typer.Typer(
    name="wavyte",
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


app.command("render")(render.render)
app.command("frame")(frame.frame)
app.command("validate")(validate.validate)
app.command("eval")(eval_cmd.eval_frame)
app.command("plugins")(plugins.plugins)
app.command("conformance")(conformance.conformance)
app.command("bench")(bench.bench)
app.command("effects")(effects.effects)
app.command("schema")(schema_cmd.schema)
app.command("new-plugin")(new_plugin.new_plugin)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
