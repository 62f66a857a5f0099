from __future__ import annotations

from pathlib import Path

import typer

from wavyte_core.cli.common import fail, user_errors


def eval_frame(
    comp_path: Path = typer.Argument(..., metavar="COMP", help="Composition JSON file."),
    frame: int = typer.Option(..., "--frame", "-f", help="Frame index."),
    assets: Path | None = typer.Option(
        None, "--assets", help="Asset root (default: the composition's folder)."
    ),
    params: bool = typer.Option(
        False,
        "--params",
        help="Print instead, as JSON, every effect's and transition's params at this frame as "
        "the kind sees them (plugin params with defaults filled in, animations sampled).",
    ),
) -> None:
    """Print the evaluated frame graph in the reference engine's dump format (§1.14)."""
    from wavyte_core.api import load
    from wavyte_core.run.job import evaluator_for
    from wavyte_core.timeline.evaldump import dump_frame_graph

    with user_errors():
        comp = load(comp_path)
        if not 0 <= frame < comp.duration:
            raise fail(f"--frame {frame}: out of range 0..{comp.duration - 1}")
        if params:
            import json

            from wavyte_core.plugin.registry import default_registry
            from wavyte_core.run.params_dump import sampled_params

            found = sampled_params(comp, frame, default_registry())
            typer.echo(json.dumps({"frame": frame, "clips": found}, indent=1))
            return
        ev = evaluator_for(comp, assets if assets is not None else comp_path.resolve().parent)
        typer.echo(dump_frame_graph(ev, ev.evaluate(frame)))
