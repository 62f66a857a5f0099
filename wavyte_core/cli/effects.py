"""``wavyte effects``: installed effect and transition kinds with their params and docs."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def effects(
    kind: str | None = typer.Argument(
        None, metavar="[KIND]", help="Show one kind in full (params, docs, examples)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable list of every kind."),
    markdown: bool = typer.Option(False, "--markdown", help="The Markdown reference page."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write the --json/--markdown output to this file."
    ),
    plugin: str | None = typer.Option(
        None,
        "--plugin",
        "-p",
        help="Only the kinds of this plugin (its name in `wavyte plugins`, e.g. builtin).",
    ),
) -> None:
    """List installed effect and transition kinds with their declared params."""
    from wavyte_core.cli.common import fail
    from wavyte_core.plugin.kinds_doc import describe_kinds, kinds_markdown, param_summary
    from wavyte_core.plugin.registry import default_registry

    reg = default_registry()
    if plugin is not None and plugin not in {p.name for p in reg.plugins}:
        have = ", ".join(p.name for p in reg.plugins)
        raise fail(f"--plugin {plugin!r}: no such plugin (loaded: {have})")
    if kind is not None:
        text = kinds_markdown(reg, kind)
        if not text:
            have = ", ".join(reg.effect_kinds() + reg.transition_kinds())
            raise fail(f"unknown effect or transition kind '{kind}' (installed: {have})")
        if as_json or markdown:
            if as_json:
                key = kind.strip().lower()
                found = [k for k in describe_kinds(reg) if k["kind"] == key or key in k["aliases"]]
                text = json.dumps(found[0], indent=2) + "\n"
            _emit(text, out)
            return
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(text))
        return
    if as_json or markdown:
        text = (
            json.dumps(describe_kinds(reg, plugin), indent=2) + "\n"
            if as_json
            else kinds_markdown(reg, plugin=plugin)
        )
        _emit(text, out)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="wavyte effect and transition kinds", show_lines=True)
    for col in ("kind", "role", "plugin", "params", "description"):
        table.add_column(col, overflow="fold")
    from wavyte_core.plugin.kinds_doc import _specs

    for role, spec in _specs(reg, plugin):
        name = spec.name + (f"\n({', '.join(spec.aliases)})" if spec.aliases else "")
        table.add_row(
            name,
            role,
            reg.kind_owner(role, spec.name),
            "\n".join(param_summary(p) for p in spec.params) or "-",
            spec.description,
        )
    Console().print(table)


def _emit(text: str, out: Path | None) -> None:
    if out is not None:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)
    else:
        typer.echo(text, nl=False)
