from __future__ import annotations

from pathlib import Path

import typer

from wavyte_core.cli.common import fail, parse_color, user_errors


def preview(
    comp_path: Path | None = typer.Argument(
        None, metavar="[COMP]", help="Composition JSON file (or use --python)."
    ),
    python: str | None = typer.Option(
        None,
        "--python",
        help="module:function or file.py:function returning a Composition (or a builder).",
    ),
    port: int = typer.Option(
        8000, "--port", "-p", min=0, max=65535, help="Port on 127.0.0.1 (0: any free one)."
    ),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in the browser."),
    backend: str = typer.Option("skia", help="Rasterizer and compositor."),
    background: str = typer.Option(
        "#12141c",
        help="Background #rgb[a] or #rrggbb[aa]; #0000 shows transparency on a checkerboard.",
    ),
    assets: Path | None = typer.Option(
        None, "--assets", help="Asset root (default: the composition's or module's folder)."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Where the page's 'render MP4' button writes (default: COMP.mp4)."
    ),
) -> None:
    """Serve a studio page for a composition: exact frames, playback, timeline, hot reload."""
    from wavyte_core.preview import require_preview_extra, start_preview
    from wavyte_core.preview.source import JsonFileSource, PythonSource

    if (comp_path is None) == (python is None):
        raise fail("give either COMP (a JSON file) or --python module:function")
    bg = parse_color(background)
    with user_errors():
        require_preview_extra()
        if comp_path is not None:
            if not comp_path.is_file():
                raise fail(f"{comp_path}: no such file")
            source = JsonFileSource(comp_path, assets)
        else:
            assert python is not None
            source = PythonSource(python, assets)
        server = start_preview(source, port=port, backend=backend, background=bg, render_out=out)
    if server.session.error is not None:
        typer.echo(f"error: {server.session.error['message']} (fix it; the page reloads)", err=True)
    server.session.notify = lambda line: typer.echo(f"wavyte preview: {line}", err=True)
    server.serve_forever(
        open_browser=open_browser, announce=lambda line: typer.echo(line, err=True)
    )
