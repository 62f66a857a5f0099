"""``wavyte captions FILE --check``: read a subtitle or transcript file the way a Captions
asset does and report its cue problems with the file and line."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from wavyte_core.cli.common import fail, user_errors


def captions(
    source: Path = typer.Argument(
        ..., metavar="FILE", help="Subtitle (.srt .vtt .ass .ssa) or word-timing .json file."
    ),
    check: bool = typer.Option(
        False, "--check", help="Report cue problems (overlaps, negative times, end before start)."
    ),
) -> None:
    """Read a captions file: its cues and words, or (--check) its problems, one a line.
    Exits 2 when the file does not parse or has a problem."""
    from wavyte_core.assets.subtitles import read_cues

    with user_errors():
        cues, problems = read_cues(source, str(source))
    if check:
        for p in problems:
            print(f"{'error' if p.fatal else 'warning'}: {p}", file=sys.stderr)
        if problems:
            raise typer.Exit(2)
        n = sum(len(c.words) for c in cues)
        typer.echo(f"ok: {source} ({len(cues)} cues, {n} words)")
        return
    for c in cues:
        typer.echo(f"{c.start:9.3f} {c.end:9.3f}  {c.text}")
    if any(p.fatal for p in problems):
        raise fail(str(next(p for p in problems if p.fatal)))
