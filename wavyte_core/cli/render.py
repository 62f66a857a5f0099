from __future__ import annotations

import json
import time
from pathlib import Path

import typer

from wavyte_core.cli.common import (
    assets_root,
    parse_color,
    parse_frames,
    print_warnings,
    user_errors,
)
from wavyte_core.cli.output_options import with_output_options


@with_output_options()
def render(
    comp_path: Path = typer.Argument(..., metavar="COMP", help="Composition JSON file."),
    out: Path = typer.Option(
        ...,
        "--out",
        "-o",
        help="Output: a video (.mp4 .mov .mkv .webm), a .gif, or an image sequence "
        "pattern such as out/frame_%05d.png (files numbered by frame index).",
    ),
    frames: str | None = typer.Option(None, "--frames", help="Frame range A:B (half-open)."),
    backend: str = typer.Option("skia", help="Rasterizer and compositor."),
    rasterizer: str | None = typer.Option(None, help="Override the rasterizer."),
    compositor: str | None = typer.Option(None, help="Override the compositor."),
    decoder: str = typer.Option("pyav", help="Image/video/audio decoder."),
    encoder: str = typer.Option("pyav", help="Video encoder."),
    workers: int | None = typer.Option(
        None, "--workers", "-w", min=1, help="Render processes (default: one per two cores)."
    ),
    background: str | None = typer.Option(
        None,
        help="Background #rgb, #rgba, #rrggbb or #rrggbbaa (default #12141c; transparent with --alpha).",
    ),
    assets: Path | None = typer.Option(
        None, "--assets", help="Asset root (default: the composition's folder)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    json_report: bool = typer.Option(False, "--json", help="Print a JSON report on stdout."),
    executor: str | None = typer.Option(
        None,
        "--executor",
        help="Render in segments on an executor: local, ray (wavyte plugins lists them).",
    ),
    ray_address: str | None = typer.Option(
        None, "--ray-address", help="Ray cluster: auto or ray://host:10001 (default: start one)."
    ),
    segments: int | None = typer.Option(
        None, "--segments", min=1, help="Split into at most N segments (whole GOPs each)."
    ),
    segment_frames: int | None = typer.Option(
        None, "--segment-frames", min=1, help="Segment length in frames (a multiple of --gop)."
    ),
    gop: int | None = typer.Option(
        None, "--gop", min=1, help="Fixed keyframe interval of segments (default: 2 s)."
    ),
    output_options: dict | None = None,
) -> None:
    """Render a composition to a video, a GIF or an image sequence."""
    from wavyte_core.api import load, open_job
    from wavyte_core.output.codecs import resolve_output
    from wavyte_core.run.render_loop import check_background, default_workers

    bg = parse_color(background) if background is not None else None
    with user_errors(), print_warnings():
        spec = resolve_output(out, **(output_options or {}))
        alpha = spec.alpha
        # The pipeline and PyAV (which resolve_output asks for its encoders) are imported.
        imported = time.perf_counter()
        if bg is None:
            bg = None if alpha else parse_color("#12141c")
        check_background(bg, alpha)
        if (
            executor is not None
            or segments is not None
            or segment_frames is not None
            or ray_address
        ):
            from wavyte_core.cli.render_segmented import render_segmented_cli
            from wavyte_core.run.segments import check_segmentable

            check_segmentable(spec)
            assert bg is not None
            return render_segmented_cli(
                comp_path, spec, frames, backend, rasterizer, compositor, decoder, encoder,
                workers, bg, assets, quiet, json_report, executor or "local", ray_address,
                segments, segment_frames, gop,
            )  # fmt: skip
        t_load = time.perf_counter()
        comp = load(comp_path)
        loaded = time.perf_counter()
        start, end = parse_frames(frames, comp.duration)
        spec.check_canvas(comp.canvas.width, comp.canvas.height)
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
                report = job_render(job, spec, start, end, None)
            else:
                report = _with_progress(job, spec, start, end)
    if json_report:
        typer.echo(
            json.dumps(
                {
                    "output": str(out),
                    "codec": spec.codec.name,
                    "alpha": spec.alpha,
                    "pix_fmt": spec.pix_fmt,
                    "color_space": spec.matrix(comp.canvas.width, comp.canvas.height),
                    "frames": report.frames,
                    "rendered": report.rendered,
                    "elided": report.elided,
                    "workers": nworkers,
                    "import_s": _since_start(imported),
                    "load_s": round(loaded - t_load, 4),
                    "prepare_s": round(prep, 4),
                    "render_s": round(report.seconds, 4),
                    "fps": round(report.fps, 2),
                    "ms_per_frame": round(1000 * report.seconds / max(report.frames, 1), 3),
                    "first_frame_s": _since_start(report.first_frame_at),
                    "total_s": _since_start(time.perf_counter()),
                    "warnings": report.warnings,
                }
            )
        )
    elif not quiet:
        typer.echo(
            f"wrote {out} ({spec.codec.name}{', alpha' if spec.alpha else ''}): "
            f"{report.frames} frames ({report.elided} unchanged) in {report.seconds:.2f} s, "
            f"{report.fps:.1f} fps, {1000 * report.seconds / max(report.frames, 1):.2f} ms/frame",
            err=True,
        )


def _since_start(t: float | None) -> float | None:
    """Seconds from the CLI's start to ``t`` (a ``perf_counter`` value)."""
    from wavyte_core.cli.main import STARTED

    return None if t is None else round(t - STARTED, 4)


def job_render(job, spec, start: int, end: int, progress):  # noqa: ANN001, ANN201
    from wavyte_core.run.render_loop import render_to_file

    return render_to_file(job, spec, start=start, end=end, progress=progress)


def _with_progress(job, spec, start: int, end: int):  # noqa: ANN001, ANN202
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

        return job_render(job, spec, start, end, progress)
