"""``wavyte render … --executor NAME --segments N``: a segmented render on an executor."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wavyte_core.cli.common import (
    EXIT_EXECUTOR_UNAVAILABLE,
    assets_root,
    fail,
    parse_frames,
    user_errors,
)

if TYPE_CHECKING:
    from wavyte_core.output.codecs import OutputSettings


def render_segmented_cli(
    comp_path: Path,
    output: OutputSettings,
    frames: str | None,
    backend: str,
    rasterizer: str | None,
    compositor: str | None,
    decoder: str,
    encoder: str,
    workers: int | None,
    bg: tuple[int, int, int, int],
    assets: Path | None,
    quiet: bool,
    json_report: bool,
    executor: str,
    ray_address: str | None,
    segments: int | None,
    segment_frames: int | None,
    gop: int | None,
) -> None:
    from wavyte_core.api import load
    from wavyte_core.run.executor import ExecutorOptions, ExecutorUnavailable
    from wavyte_core.run.job import Backends
    from wavyte_core.run.segments import render_in_segments

    if ray_address is not None and executor != "ray":
        raise fail(f"--ray-address needs --executor ray (got --executor {executor})")
    out = output.target
    with user_errors():
        comp = load(comp_path)
        start, end = parse_frames(frames, comp.duration)
        if encoder != "pyav":
            raise typer.BadParameter(
                "segmented renders use the pyav encoder", param_hint="--encoder"
            )
        options = ExecutorOptions(workers=workers, address=ray_address)
        t0 = time.perf_counter()
        kw = dict(
            executor=executor,
            options=options,
            segments=segments,
            segment_frames=segment_frames,
            gop=gop,
            start=start,
            end=end,
            assets_root=assets_root(comp_path, assets),
            backends=Backends(rasterizer or backend, compositor or backend, decoder, encoder),
            background=bg,
        )
        try:
            if quiet or json_report:
                report = render_in_segments(comp, output, **kw)
            else:
                report = _with_progress(comp, output, kw, end - start)
        except ExecutorUnavailable as exc:
            raise fail(str(exc), EXIT_EXECUTOR_UNAVAILABLE) from None
        wall = time.perf_counter() - t0
    if json_report:
        typer.echo(
            json.dumps(
                {
                    "output": str(out),
                    "frames": report.frames,
                    "executor": executor,
                    "workers": report.workers,
                    "segments": report.segments,
                    "gop": report.gop,
                    "executor_startup_s": round(report.executor_startup_seconds, 4),
                    "render_s": round(report.seconds, 4),
                    "join_s": round(report.join_seconds, 4),
                    "audio_mux_s": round(report.mux_seconds, 4),
                    "wall_s": round(wall, 4),
                    "fps": round(report.fps, 2),
                    "retries": len(report.retried),
                    "retried_segments": report.retried,
                }
            )
        )
    elif not quiet:
        typer.echo(
            f"wrote {out}: {report.frames} frames in {report.segments} segments "
            f"(GOP {report.gop}) on {report.workers} {executor} workers in {report.seconds:.2f} s "
            f"(+{report.executor_startup_seconds:.2f} s executor start), {report.fps:.1f} fps",
            err=True,
        )


def _with_progress(comp, out: OutputSettings, kw: dict, total: int):  # noqa: ANN001, ANN202
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from wavyte_core.run.segments import render_in_segments

    with Progress(
        TextColumn("rendering segments"), BarColumn(), MofNCompleteColumn(), transient=True
    ) as bar:
        task = bar.add_task("render", total=total)
        return render_in_segments(
            comp, out, progress=lambda done, _t: bar.update(task, completed=done), **kw
        )
