from __future__ import annotations

from pathlib import Path

import typer

from wavyte_core.cli.common import assets_root, fail, parse_color, user_errors


def frame(
    comp_path: Path = typer.Argument(..., metavar="COMP", help="Composition JSON file."),
    n: int = typer.Option(..., "--frame", "-f", help="Frame index."),
    out: Path = typer.Option(..., "--out", "-o", help="Output PNG."),
    backend: str = typer.Option("skia", help="Rasterizer and compositor."),
    rasterizer: str | None = typer.Option(None, help="Override the rasterizer."),
    compositor: str | None = typer.Option(None, help="Override the compositor."),
    decoder: str = typer.Option("pyav", help="Image/video decoder."),
    background: str = typer.Option(
        "#12141c", help="Background #rgb[a] or #rrggbb[aa]; #00000000 for transparent."
    ),
    assets: Path | None = typer.Option(
        None, "--assets", help="Asset root (default: the composition's folder)."
    ),
) -> None:
    """Render one frame to a PNG (straight alpha)."""
    from wavyte_core.api import load, open_job

    bg = parse_color(background)
    with user_errors():
        comp = load(comp_path)
        if not 0 <= n < comp.duration:
            raise fail(f"--frame {n}: out of range 0..{comp.duration - 1}")
        with open_job(
            comp,
            assets_root=assets_root(comp_path, assets),
            backend=backend,
            rasterizer=rasterizer,
            compositor=compositor,
            decoder=decoder,
            background=bg,
        ) as job:
            job.save_png(n, out)
    typer.echo(f"wrote {out}", err=True)
