from __future__ import annotations

from pathlib import Path

import typer

from wavyte_core.cli.common import user_errors


def validate(
    comp_path: Path = typer.Argument(..., metavar="COMP", help="Composition JSON file."),
) -> None:
    """Check a composition: JSON syntax, format rules, installed kinds, unpairable transitions.

    A plugin transition that cannot pair with its neighbour renders as a plain fade: warned."""
    from wavyte_core.api import load, warnings_for
    from wavyte_core.format.load import collect_unknown_fields

    with user_errors():
        with collect_unknown_fields() as unknown:
            comp = load(comp_path)
        found = [f"{p}: unknown field (ignored)" for p in unknown] + warnings_for(comp)
    for message in found:
        typer.echo(f"warning: {message}", err=True)
    n = sum(len(t.clips) for t in comp.tracks)
    more = f", {len(found)} warning{'s' if len(found) != 1 else ''}" if found else ""
    typer.echo(
        f"ok: {comp_path} ({comp.canvas.width}x{comp.canvas.height}, {comp.duration} frames, "
        f"{n} clips{more})"
    )
