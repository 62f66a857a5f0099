from __future__ import annotations

import json
import time
from pathlib import Path

import typer

from .common import assets_root, fail, parse_color, parse_frames, user_errors


def render(
    comp_path: Path = typer.Argument(..., metavar="COMP", help="Composition JSON file."),
    out: Path = typer.Option(..., "--out", "-o", help="Output video (.mp4, .mov, .mkv)."),
    frames: str | None = typer.Option(None, "--frames", help="Frame range A:B (half-open)."),
    backend: str = typer.Option("skia", help="Rasterizer and compositor."),
    rasterizer: str | None = typer.Option(None, help="Override the rasterizer."),
    compositor: str | None = typer.Option(None, help="Override the compositor."),
    decoder: str = typer.Option("pyav", help="Image/video/audio decoder."),
    encoder: str = typer.Option("pyav", help="Video encoder."),
    crf: int = typer.Option(23, min=0, max=51, help="x264 constant rate factor."),
    workers: int | None = typer.Option(
        None, "--workers", "-w", min=1, help="Render processes (default: one per two cores)."
    ),
    preset: str = typer.Option("medium", help="x264 preset (ultrafast … veryslow)."),
    background: str = typer.Option("#12141c", help="Opaque background colour #rrggbb."),
    assets: Path | None = typer.Option(
        None, "--assets", help="Asset root (default: the composition's folder)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    json_report: bool = typer.Option(False, "--json", help="Print a JSON report on stdout."),
) -> None:
    """Render a composition to a video file."""
    from ..api import load, open_job
    from ..render_loop import default_workers

    presets = {
        "ultrafast",
        "superfast",
        "veryfast",
        "faster",
        "fast",
        "medium",
        "slow",
        "slower",
        "veryslow",
        "placebo",
    }
    if preset not in presets:
        raise fail(f"--preset {preset!r}: expected one of {', '.join(sorted(presets))}")
    bg = parse_color(background)
    with user_errors():
        comp = load(comp_path)
        start, end = parse_frames(frames, comp.duration)
        nworkers = workers or default_workers()
        t0 = time.perf_counter()
        with open_job(
            comp,
            assets_root=assets_root(comp_path, assets),
            backend=backend,
            rasterizer=rasterizer,
            compositor=compositor,
            decoder=decoder,
            encoder=encoder,
            background=bg,
            workers=nworkers,
        ) as job:
            prep = time.perf_counter() - t0
            if quiet or json_report:
                report = job.render(out, start=start, end=end, crf=crf, preset=preset)
            else:
                report = _with_progress(job, out, start, end, crf, preset)
    if json_report:
        typer.echo(
            json.dumps(
                {
                    "output": str(out),
                    "frames": report.frames,
                    "rendered": report.rendered,
                    "elided": report.elided,
                    "workers": nworkers,
                    "prepare_s": round(prep, 4),
                    "render_s": round(report.seconds, 4),
                    "fps": round(report.fps, 2),
                    "ms_per_frame": round(1000 * report.seconds / max(report.frames, 1), 3),
                    "first_frame_s": _since_start(report.first_frame_at),
                }
            )
        )
    elif not quiet:
        typer.echo(
            f"wrote {out}: {report.frames} frames ({report.elided} unchanged) in {report.seconds:.2f} s, "
            f"{report.fps:.1f} fps, {1000 * report.seconds / max(report.frames, 1):.2f} ms/frame",
            err=True,
        )


def _since_start(t: float | None) -> float | None:
    """Seconds from the CLI's start to ``t`` (a ``perf_counter`` value)."""
    from .main import STARTED

    return None if t is None else round(t - STARTED, 4)


def _with_progress(job, out: Path, start: int, end: int, crf: int, preset: str):  # noqa: ANN001, ANN202
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("rendering"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[fps]} fps"),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("render", total=end - start, fps="-")
        t0 = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if done % 10 == 0 or done == total:
                el = time.perf_counter() - t0
                bar.update(task, completed=done, fps=f"{done / el:.0f}" if el > 0 else "-")

        return job.render(out, start=start, end=end, crf=crf, preset=preset, progress=progress)
