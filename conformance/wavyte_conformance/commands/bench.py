"""``wavyte bench``: every installed backend combination timed against the floors (and MoviePy).

Added to ``wavyte`` by this distribution's ``wavyte.commands`` entry point; the benchmark
modules are imported when the command runs, not when ``wavyte --help`` lists it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer


def fail(message: str) -> typer.Exit:
    """One ``error:`` line on stderr; the exit (code 2, bad input) for the caller to raise."""
    print(f"error: {message}", file=sys.stderr)
    return typer.Exit(2)


def bench(
    scene: list[str] = typer.Option([], "--scene", help="Scene(s) to run (default: all)."),
    size: list[str] = typer.Option(
        [], "--size", help="Canvas size(s) WxH (default: 640x360 and 1920x1080)."
    ),
    frames: int = typer.Option(300, "--frames", min=1, help="Frames per scene."),
    repeats: int = typer.Option(
        3, "--repeats", min=1, help="Measured runs per configuration (median reported)."
    ),
    workers: str = typer.Option(
        "1,2", "--workers", help="Worker counts, comma-separated (when the engine supports them)."
    ),
    out: Path = typer.Option(
        Path("bench-results"), "--out", help="Folder for bench.json, bench.md, bench.png."
    ),
    smoke: bool = typer.Option(
        False,
        "--smoke",
        help="CI smoke run: one short scene, 30 frames, 640x360, 1 repeat, no peer.",
    ),
    peer: bool = typer.Option(
        True, "--peer/--no-peer", help="Also time the same scenes in MoviePy 2.x (own venv)."
    ),
    rasterizer: list[str] = typer.Option(
        [], "--rasterizer", help="Only these rasterizers (default: every installed one)."
    ),
    compositor: list[str] = typer.Option([], "--compositor", help="Only these compositors."),
    decoder: list[str] = typer.Option([], "--decoder", help="Only these decoders."),
    encoder: list[str] = typer.Option([], "--encoder", help="Only these encoders."),
    peer_repeats: int | None = typer.Option(
        None, "--peer-repeats", min=1, help="Runs of the MoviePy peer (default: --repeats)."
    ),
    render_only: bool = typer.Option(
        True, "--render-only/--no-render-only", help="Also time rendering without encoding."
    ),
    codec: list[str] = typer.Option(
        [],
        "--codec",
        help="Codec axis (encoder alone on the first scene's frames): only these, e.g. vp9 or "
        "prores+alpha (default: every codec and alpha variant; 'none' skips the axis).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines or table."),
    kind: list[str] = typer.Option(
        [],
        "--kind",
        help="Instead: time these installed effect/transition kinds on a full 1080p layer "
        "(each declared example) and flag those above the per-kind budget.",
    ),
    budget_ms: float = typer.Option(
        10.0, "--budget-ms", min=0.1, help="The per-kind budget for --kind, in ms."
    ),
) -> None:
    """Benchmark every installed backend combination against the floors (and MoviePy)."""
    if kind:
        _bench_kinds(kind, repeats, budget_ms)
        return
    try:
        from wavyte_conformance.bench.report import add_ratios, print_table, write_all
        from wavyte_conformance.bench.runner import (
            CODEC_AXIS,
            DEFAULT_SCENES,
            BenchConfig,
            run_suite,
        )
        from wavyte_conformance.bench.scenes import SCENES
    except ImportError as exc:
        raise fail(
            f"the benchmark suite needs the repository checkout (conformance/): {exc}"
        ) from None

    unknown = [s for s in scene if s not in SCENES]
    if unknown:
        raise fail(f"--scene {unknown[0]!r}: expected one of {', '.join(SCENES)}")
    bad = [c for c in codec if c not in (*CODEC_AXIS, "none")]
    if bad:
        raise fail(f"--codec {bad[0]!r}: expected none or one of {', '.join(CODEC_AXIS)}")
    sizes = [_parse_size(s) for s in size]
    try:
        counts = sorted({int(n) for n in workers.split(",") if n.strip()})
    except ValueError:
        raise fail(f"--workers {workers!r}: expected integers like 1,2") from None
    if not counts or counts[0] < 1:
        raise fail("--workers: counts must be >= 1")
    cfg = BenchConfig(
        scenes=scene or list(DEFAULT_SCENES),
        frames=frames,
        repeats=repeats,
        workers=counts,
        peer=peer,
        render_only=render_only,
        peer_repeats=peer_repeats,
        only={
            "rasterizer": rasterizer,
            "compositor": compositor,
            "decoder": decoder,
            "encoder": encoder,
        },
    )
    if codec:
        cfg.codecs = [c for c in codec if c != "none"]
    if sizes:
        cfg.sizes = sizes
    if smoke:
        cfg.scenes, cfg.sizes, cfg.frames, cfg.repeats, cfg.peer = (
            (scene or ["bench"])[:1],
            [(640, 360)],
            30,
            1,
            False,
        )
        cfg.workers = counts[:1]
        cfg.codecs = cfg.codecs if codec else ["jpeg", "png+alpha"]
    doc = add_ratios(run_suite(cfg, progress=None if quiet else lambda m: typer.echo(m, err=True)))
    paths = write_all(doc, out)
    if not quiet:
        print_table(doc)
        typer.echo(f"wrote {paths['json']}, {paths['md']}, {paths['png']}", err=True)


def _bench_kinds(names: list[str], repeats: int, budget_ms: float) -> None:
    """``--kind``: one line per example of each kind, ``OVER BUDGET`` when above it."""
    import json

    from wavyte_conformance.bench.kind_bench import bench_kind
    from wavyte_core.plugin.registry import default_registry

    reg = default_registry()
    over = 0
    for name in names:
        try:
            timings = bench_kind(name, reg, repeats=max(repeats, 3))
        except KeyError:
            have = ", ".join(reg.effect_kinds() + reg.transition_kinds())
            raise fail(
                f"--kind {name!r}: no such effect or transition kind (installed: {have})"
            ) from None
        for t in timings:
            params = json.dumps(t.params, sort_keys=True)
            if t.median_ms is None:
                typer.echo(f"{t.kind} ({t.role}) {params}: - ({t.note})")
                continue
            flag = f"  OVER BUDGET ({budget_ms:g} ms)" if t.over(budget_ms) else "  ok"
            over += t.over(budget_ms)
            typer.echo(
                f"{t.kind} ({t.role}) {params}: {t.median_ms:.1f} ms per 1920x1080 layer "
                f"(median of {len(t.runs_ms)}){flag}"
            )
    if over:
        typer.echo(
            f"{over} over the {budget_ms:g} ms budget: see docs/writing-a-plugin.md, "
            "'Rules of the hot loop'",
            err=True,
        )


def _parse_size(text: str) -> tuple[int, int]:
    w, sep, h = text.lower().partition("x")
    try:
        size = int(w), int(h)
    except ValueError:
        raise fail(f"--size {text!r}: expected WxH, e.g. 1920x1080") from None
    if not sep or size[0] <= 0 or size[1] <= 0 or size[0] % 2 or size[1] % 2:
        raise fail(f"--size {text!r}: width and height must be positive and even")
    return size
