"""``wavyte kinds``: installed asset kinds (``Shape``, plugin kinds) with their fields."""

from __future__ import annotations

import json
from typing import Any

import typer


def describe_asset_kinds(reg: Any) -> list[dict[str, Any]]:
    """Every installed asset kind as data: name, plugin, description, params, examples."""
    from wavyte_core.plugin.kinds_doc import param_summary

    out = []
    for name in reg.asset_kind_names():
        spec = reg.asset_kinds[name]
        out.append(
            {
                "kind": name,
                "plugin": reg.kind_owner("asset_kind", name),
                "description": spec.description,
                "structured": spec.structured,
                "params": [_field(p) if spec.structured else param_summary(p) for p in spec.params],
                "examples": list(spec.examples),
                "doc": spec.doc,
            }
        )
    return out


def _field(p: Any) -> str:
    """One line for a structured kind's field: its description and default."""
    default = "required" if p.required else (p.default_doc or repr(p.default))
    return f"{p.name}: {p.description or p.type} (default: {default})"


def kinds(
    kind: str | None = typer.Argument(
        None, metavar="[KIND]", help="Show one asset kind in full (fields, docs, examples)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable list of every kind."),
) -> None:
    """List installed asset kinds (Shape, plugin kinds) with their declared fields."""
    from wavyte_core.cli.common import fail
    from wavyte_core.plugin.registry import default_registry

    reg = default_registry()
    found = describe_asset_kinds(reg)
    if kind is not None:
        found = [k for k in found if k["kind"] == kind]
        if not found:
            have = ", ".join(reg.asset_kind_names()) or "none"
            raise fail(f"unknown asset kind '{kind}' (installed: {have})")
    if as_json:
        typer.echo(json.dumps(found if kind is None else found[0], indent=2))
        return
    if kind is not None:
        k = found[0]
        lines = [f"# {k['kind']}  ({k['plugin']})", "", k["doc"] or k["description"], ""]
        lines += ["Fields:", *(f"  - {p}" for p in k["params"]), ""]
        for i, e in enumerate(k["examples"]):
            lines.append(f"Example {i + 1}: " + json.dumps({k["kind"]: e}))
        typer.echo("\n".join(lines))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="wavyte asset kinds", show_lines=True)
    for col in ("kind", "plugin", "fields", "description"):
        table.add_column(col, overflow="fold")
    for k in found:
        table.add_row(k["kind"], k["plugin"], "\n".join(k["params"]) or "-", k["description"])
    Console().print(table)
