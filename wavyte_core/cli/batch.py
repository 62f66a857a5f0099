"""``wavyte batch TEMPLATE.json DATA.{csv,jsonl} -o 'OUT/{name}.mp4'``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from wavyte_core.cli.common import (
    EXIT_EXECUTOR_UNAVAILABLE,
    EXIT_ROWS_FAILED,
    fail,
    parse_color,
    user_errors,
)
from wavyte_core.cli.output_options import with_output_options


@with_output_options(exclude=("alpha", "palette", "dither", "qscale"))  # video files only
def batch(
    template: Path = typer.Argument(
        ..., metavar="TEMPLATE", help="Composition JSON with ${field} placeholders."
    ),
    data: Path = typer.Argument(..., metavar="DATA", help="Rows: .csv (with a header) or .jsonl."),
    out: str = typer.Option(
        ..., "--out", "-o", help="Output pattern, e.g. 'out/{name}.mp4' ({row}: row number)."
    ),
    executor: str = typer.Option("local", "--executor", help="Where rows render: local, ray."),
    ray_address: str | None = typer.Option(
        None, "--ray-address", help="Ray cluster: auto or ray://host:10001 (default: start one)."
    ),
    workers: int | None = typer.Option(
        None, "--workers", "-w", min=1, help="Rows in parallel (local processes / Ray actors)."
    ),
    manifest: Path | None = typer.Option(
        None, "--manifest", help="JSONL manifest (default: manifest.jsonl beside the outputs)."
    ),
    fresh: bool = typer.Option(
        False, "--fresh", help="Render every row again (ignore the manifest)."
    ),
    backend: str = typer.Option("skia", help="Rasterizer and compositor."),
    decoder: str = typer.Option("pyav", help="Image/video/audio decoder."),
    background: str = typer.Option("#12141c", help="Opaque background colour #rrggbb."),
    assets: Path | None = typer.Option(
        None, "--assets", help="Asset root (default: the template's folder)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    json_report: bool = typer.Option(False, "--json", help="Print a JSON report on stdout."),
    output_options: dict | None = None,
) -> None:
    """Render one output per data row of a template; resumable, one bad row fails alone.
    Exit code 0: every row done; 1: some rows failed; 2: bad invocation, template or data;
    3: executor unavailable; 130/143: interrupted (Ctrl-C / SIGTERM)."""
    from wavyte_core.run.batch import run_batch
    from wavyte_core.run.executor import ExecutorOptions, ExecutorUnavailable
    from wavyte_core.run.job import Backends

    bg = parse_color(background)
    if ray_address is not None and executor != "ray":
        raise fail(f"--ray-address needs --executor ray (got --executor {executor})")
    kw = dict(
        executor=executor,
        options=ExecutorOptions(workers=workers, address=ray_address),
        manifest=manifest,
        assets_root=assets,
        backends=Backends(backend, backend, decoder, "pyav"),
        background=bg,
        resume=not fresh,
        on_row=_print_failure,
        **(output_options or {}),
    )
    with user_errors():
        try:
            if quiet or json_report:
                report = run_batch(template, data, out, **kw)
            else:
                report = _with_progress(template, data, out, kw)
        except ExecutorUnavailable as exc:
            raise fail(str(exc), EXIT_EXECUTOR_UNAVAILABLE) from None
    if json_report:
        typer.echo(
            json.dumps(
                {
                    "rows": report.rows,
                    "ok": report.ok,
                    "failed": report.failed,
                    "skipped": report.skipped,
                    "frames": report.frames,
                    "executor": executor,
                    "workers": report.workers,
                    "executor_startup_s": round(report.executor_startup_seconds, 4),
                    "seconds": round(report.seconds, 4),
                    "rows_per_minute": round(report.rows_per_minute, 2),
                    "manifest": report.manifest,
                    "rerendered": len(report.rerendered),
                    "rerender_reasons": report.rerender_reasons,
                    "rerendered_rows": [{"row": r, "reason": w} for r, w in report.rerendered],
                    "retries": len(report.retried),
                    "retried_rows": report.retried,
                    "failed_rows": [r for r, _ in report.failures],
                }
            )
        )
    elif not quiet:
        typer.echo(_summary(report), err=True)
    if report.failed:
        raise fail(
            f"{report.failed} of {report.rows} rows failed (see above and {report.manifest})",
            EXIT_ROWS_FAILED,
        )


def _summary(report) -> str:  # noqa: ANN001
    again = ""
    if report.rerendered:
        why = ", ".join(f"{n} {reason}" for reason, n in report.rerender_reasons.items())
        again = f" ({len(report.rerendered)} rendered again: {why})"
    retried = ""
    if report.retried:
        retried = f"; {len(report.retried)} retried after a lost worker (rows {report.retried})"
    return (
        f"batch: {report.ok} ok{again}, {report.failed} failed, {report.skipped} already done "
        f"of {report.rows} rows in {report.seconds:.1f} s ({report.rows_per_minute:.1f} "
        f"rows/min){retried}; manifest {report.manifest}"
    )


def _print_failure(entry: dict) -> None:
    if entry["status"] != "ok":
        print(f"error: {entry['error']}", file=sys.stderr, flush=True)


def _with_progress(template: Path, data: Path, out: str, kw: dict):  # noqa: ANN202
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from wavyte_core.run.batch import run_batch

    with Progress(
        TextColumn("rows"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=True
    ) as bar:
        task = bar.add_task("batch", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return run_batch(template, data, out, progress=progress, **kw)
