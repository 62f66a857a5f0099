"""``wavyte conformance``: the pixel-parity suite over every installed backend combination.

Added to ``wavyte`` by this distribution's ``wavyte.commands`` entry point; the suite's
modules are imported when the command runs, not when ``wavyte --help`` lists it.
"""

from __future__ import annotations

from pathlib import Path

import typer


def _names(text: str | None) -> list[str]:
    return [n.strip() for n in (text or "").split(",") if n.strip()]


def conformance(
    out: Path = typer.Option(
        Path("conformance-report"),
        "--out",
        "-o",
        help="Folder for parity.json, parity.md and parity.html.",
    ),
    case: str | None = typer.Option(
        None, "--case", "-k", help="Only cases whose id matches these globs (comma-separated)."
    ),
    update_references: bool = typer.Option(
        False,
        "--update-references",
        help="Re-render the stored references with the reference combination first.",
    ),
    rasterizer: str | None = typer.Option(None, help="Only these rasterizers (comma-separated)."),
    compositor: str | None = typer.Option(None, help="Only these compositors (comma-separated)."),
    decoder: str | None = typer.Option(None, help="Only these decoders (comma-separated)."),
    encoder: str | None = typer.Option(
        None, help="Check delivery through these encoders (comma-separated)."
    ),
    executor: str | None = typer.Option(
        None, help="Check delivery through these executors (comma-separated), e.g. local,ray."
    ),
    references: Path | None = typer.Option(
        None,
        "--references",
        help="Folder of reference frames (default: the ones shipped with the suite). "
        "With --update-references, where the new frames are written.",
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="No matrix on the terminal; the summary line only."
    ),
) -> None:
    """Pixel parity of every installed backend combination against the reference frames.

    Renders every conformance case on every combination, prints the parity matrix and
    writes the reports. Exits 1 when any result fails."""
    from rich.console import Console
    from rich.progress import Progress

    from wavyte_conformance.catalog import load_catalog
    from wavyte_conformance.report import build_matrix, print_matrix, write_reports
    from wavyte_conformance.runner import REFERENCES_DIR, Runner

    only = {
        "rasterizer": _names(rasterizer),
        "compositor": _names(compositor),
        "decoder": _names(decoder),
    }
    runner = Runner(
        load_catalog().select(case),
        references=references or REFERENCES_DIR,
        update_references=update_references,
        only=only,
        executors=_names(executor),
        encoders=_names(encoder),
    )
    console = Console(stderr=True)
    if update_references:
        written = runner.write_references()
        console.print(f"wrote {len(written)} reference frames under {runner.references}")
    runner.update_references = False
    items = runner.items()
    results = []
    with Progress(console=console, transient=True, disable=quiet) as bar:
        task = bar.add_task("conformance", total=len(items))
        for item in items:
            bar.update(task, description=item.id[:60])
            results += runner.run_item(item)
            bar.advance(task)
    matrix = build_matrix(results)
    if not quiet:
        print_matrix(matrix)
    paths = write_reports(results, out, matrix)
    failed = [r for r in results if r.failed]
    counts = {
        s: sum(r.status == s for r in results)
        for s in ("pass", "xpass", "xfail", "fail", "error", "missing", "unsupported")
    }
    summary = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
    console.print(
        f"{len(results)} results: {summary}. Reports: {paths['md']}, {paths['json']}, {paths['html']}"
    )
    if failed:
        raise typer.Exit(1)
