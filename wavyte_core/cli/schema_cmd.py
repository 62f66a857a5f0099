"""``wavyte schema``: the JSON Schema of the format with every installed kind merged in."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def schema(
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the schema to this file."),
) -> None:
    """Print the JSON Schema (draft 2020-12) of compositions, installed kinds included."""
    from wavyte_core.plugin.registry import default_registry
    from wavyte_core.plugin.schema import composition_schema

    text = json.dumps(composition_schema(default_registry()), indent=2) + "\n"
    if out is not None:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)
    else:
        typer.echo(text, nl=False)
