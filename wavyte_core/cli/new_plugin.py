"""``wavyte new-plugin NAME``: write a skeleton effects plugin package."""

from __future__ import annotations

from pathlib import Path

import typer

from wavyte_core.cli.common import fail


def new_plugin(
    name: str = typer.Argument(..., help="Distribution name, e.g. acme-fx."),
    directory: Path = typer.Option(Path("."), "--dir", "-d", help="Where to create it."),
    namespace: str | None = typer.Option(
        None, "--namespace", help="Kind namespace (default: the package name): NS.tint."
    ),
) -> None:
    """Create a plugin package: entry point, one effect, one transition, contract tests."""
    from wavyte_core.plugin.skeleton import write_skeleton

    try:
        files = write_skeleton(name, directory, namespace)
    except (ValueError, FileExistsError) as exc:
        raise fail(str(exc)) from None
    root = files[0].parent
    for f in files:
        typer.echo(f"wrote {f}")
    typer.echo(f"next: pip install -e '{root}[test]' && wavyte effects && pytest {root}")
