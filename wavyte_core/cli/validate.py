from __future__ import annotations

from pathlib import Path

import typer

from wavyte_core.cli.common import user_errors


def validate(
    comp_path: Path = typer.Argument(..., metavar="COMP", help="Composition JSON file."),
) -> None:
    """Check a composition: JSON syntax, the format's rules, installed effect kinds."""
    from wavyte_core.api import load

    with user_errors():
        comp = load(comp_path)
    n = sum(len(t.clips) for t in comp.tracks)
    typer.echo(
        f"ok: {comp_path} ({comp.canvas.width}x{comp.canvas.height}, {comp.duration} frames, {n} clips)"
    )
