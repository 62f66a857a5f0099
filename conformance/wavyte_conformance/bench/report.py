"""Benchmark report: ratios, the terminal table, ``bench.json``, ``bench.md``, ``bench.png``.

Ratios follow pyperf/asv habits: every engine row is compared with the floors measured in
the same run on the same scene and size (hand-written loop, encoder alone) and with the
MoviePy peer (speed-up = peer ms / engine ms). The speed targets are evaluated and
*reported* (met / not met / n/a), never asserted: timings on a shared 2-core machine are
noisy. The chart is drawn with skia (already a dependency): per scene and size, stacked
per-stage ms/frame bars for every combination, the encode stage (on its own thread,
overlapping the others) as a thin bar underneath, and the floors and peer as plain bars.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from .scenes import BENCH_DIR, FONT

MAIN_STAGES = ("evaluate", "plan", "decode", "draw", "composite", "effects")
STAGE_COLORS = {
    "evaluate": 0xFF4E79A7,
    "plan": 0xFFF28E2B,
    "decode": 0xFF76B7B2,
    "draw": 0xFFE15759,
    "composite": 0xFF59A14F,
    "effects": 0xFFEDC948,
    "wait/other": 0xFFBAB0AC,
    "encode": 0xFFB07AA1,
}
KIND_COLORS = {
    "encode_only": 0xFF9C755F,
    "hand_written": 0xFF555555,
    "peer": 0xFFFF9DA7,
    "render_only": 0xFF86BCB6,
}


def _group(rows: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault((r["scene"], r["size"]), []).append(r)
    return out


def add_ratios(doc: dict[str, Any]) -> dict[str, Any]:
    """Add ``vs_hand_written``, ``vs_encoder_alone`` and ``speedup_vs_peer`` to engine rows,
    and the speed targets as ``doc["targets"]``."""
    for rows in _group(doc["rows"]).values():
        ref = {
            r["kind"]: r["ms_per_frame"]
            for r in rows
            if r["kind"] in ("hand_written", "encode_only", "peer")
        }
        for r in rows:
            ms = r["ms_per_frame"]
            if r["kind"] not in ("engine", "render_only") or ms is None:
                continue
            r["vs_hand_written"] = ms / ref["hand_written"] if ref.get("hand_written") else None
            r["vs_encoder_alone"] = ms / ref["encode_only"] if ref.get("encode_only") else None
            r["speedup_vs_peer"] = (
                ref["peer"] / ms if ref.get("peer") and r["kind"] == "engine" else None
            )
    doc["targets"] = targets(doc)
    return doc


def _find(
    doc: dict[str, Any],
    scene: str,
    size: str,
    kind: str,
    workers: int = 1,
    combo: dict[str, str] | None = None,
) -> dict[str, Any] | None:
    combo = combo or {
        "rasterizer": "skia",
        "compositor": "skia",
        "decoder": "pyav",
        "encoder": "pyav",
    }
    for r in doc["rows"]:
        if (
            r["scene"] == scene
            and r["size"] == size
            and r["kind"] == kind
            and r["ms_per_frame"] is not None
        ):
            if kind in ("engine", "render_only") and (
                r["workers"] != workers or r["combo"] != combo
            ):
                continue
            return r
    return None


def targets(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The speed targets for skia + default settings, as measured in this run."""
    out: list[dict[str, Any]] = []

    def check(name: str, value: float | None, limit: float, below: bool) -> None:
        met = None if value is None else (value <= limit if below else value >= limit)
        out.append({"target": name, "value": value, "limit": limit, "met": met})

    def ratio(a: dict[str, Any] | None, b: dict[str, Any] | None) -> float | None:
        return a["ms_per_frame"] / b["ms_per_frame"] if a and b else None

    for size in ("640x360", "1920x1080"):
        hw = _find(doc, "bench", size, "hand_written")
        check(
            f"bench {size} w1 / hand-written floor",
            ratio(_find(doc, "bench", size, "engine", 1), hw),
            1.15,
            True,
        )
        check(
            f"bench {size} w2 / hand-written floor",
            ratio(_find(doc, "bench", size, "engine", 2), hw),
            1.0,
            True,
        )
    check(
        "animated 1920x1080 w1 / hand-written floor",
        ratio(
            _find(doc, "animated", "1920x1080", "engine", 1),
            _find(doc, "animated", "1920x1080", "hand_written"),
        ),
        1.2,
        True,
    )
    check(
        "shapes 1920x1080 w1 / hand-written floor",
        ratio(
            _find(doc, "shapes", "1920x1080", "engine", 1),
            _find(doc, "shapes", "1920x1080", "hand_written"),
        ),
        1.2,
        True,
    )
    for scene, limit in (("animated", 6.0), ("bench", 10.0)):
        for size in ("640x360", "1920x1080"):
            check(
                f"{scene} {size}: speed-up vs MoviePy (w1)",
                ratio(_find(doc, scene, size, "peer"), _find(doc, scene, size, "engine", 1)),
                limit,
                False,
            )
    for row in doc["rows"]:
        if (
            row["kind"] == "engine"
            and row["workers"] == 2
            and row["combo"]["compositor"] == "skia"
            and row["combo"]["rasterizer"] == "skia"
        ):
            enc = _find(doc, row["scene"], row["size"], "encode_only")
            check(
                f"{row['scene']} {row['size']} w2 wall / encoder alone", ratio(row, enc), 1.25, True
            )
    for scene, size in sorted({(r["scene"], r["size"]) for r in doc["rows"]}):
        w1, w2 = (
            _find(doc, scene, size, "render_only", 1),
            _find(doc, scene, size, "render_only", 2),
        )
        if w2 is not None:
            check(f"{scene} {size} render-only throughput w2 / w1", ratio(w1, w2), 1.7, False)
    return out


# --------------------------------------------------------------------- text forms


def _fmt(v: float | None, nd: int = 2, suffix: str = "") -> str:
    return "—" if v is None else f"{v:.{nd}f}{suffix}"


TABLE_COLUMNS = (
    "scene",
    "size",
    "configuration",
    "ms/frame",
    "spread",
    "fps",
    "stages ms/frame",
    "RSS MB",
    "× hand",
    "× enc",
    "vs MoviePy",
)


def table_rows(doc: dict[str, Any]) -> list[tuple[str, ...]]:
    out = []
    for r in doc["rows"]:
        if r["ms_per_frame"] is None:
            out.append(
                (
                    r["scene"],
                    r["size"],
                    r["label"],
                    "unavailable",
                    r["unavailable"] or "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                )
            )
            continue
        stages = " ".join(
            f"{k[:4]} {v:.1f}" for k, v in r["stage_ms_per_frame"].items() if v >= 0.05
        )
        if r.get("elided"):
            stages += f" ({r['elided']} elided)"
        out.append(
            (
                r["scene"],
                r["size"],
                r["label"],
                _fmt(r["ms_per_frame"]),
                f"{_fmt(r['ms_min'])}–{_fmt(r['ms_max'])}",
                _fmt(r["fps"], 1),
                stages,
                _fmt(r["peak_rss_mb"], 0),
                _fmt(r.get("vs_hand_written"), 2, "×"),
                _fmt(r.get("vs_encoder_alone"), 2, "×"),
                _fmt(r.get("speedup_vs_peer"), 1, "× faster"),
            )
        )
    return out


def print_table(doc: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(
        title="wavyte bench: median ms/frame; ratios against the floors of the same run (stages: bench.md)"
    )
    keep = [i for i, c in enumerate(TABLE_COLUMNS) if c != "stages ms/frame"]
    for i in keep:
        t.add_column(TABLE_COLUMNS[i], overflow="fold")
    prev = None
    for row in table_rows(doc):
        if prev is not None and row[:2] != prev:
            t.add_section()
        prev = row[:2]
        t.add_row(*(row[i] for i in keep))
    console = Console(width=max(Console().width, 150))
    console.print(t)
    for tg in doc.get("targets", []):
        mark = "n/a" if tg["met"] is None else ("met" if tg["met"] else "NOT met")
        console.print(f"  target {tg['target']}: {_fmt(tg['value'])} (limit {tg['limit']}) {mark}")


def markdown(doc: dict[str, Any]) -> str:
    m = doc["meta"]
    cfg = doc["config"]
    lines = [
        "# wavyte benchmark",
        "",
        f"{m['date']} · {m['cpu']} · {m['cpu_count']} CPUs · Python {m['python']} · "
        + " · ".join(f"{k} {v}" for k, v in m["versions"].items() if v),
        "",
        f"Frames {cfg['frames']}, repeats {cfg['repeats']}, libx264 preset {cfg['preset']} CRF {cfg['crf']}. "
        "Medians of ms/frame end to end (setup not timed); spread = min–max over repeats; per-stage "
        "ms/frame from the engine's stage timers (encode runs on its own thread, overlapping the "
        "others; with N workers they add up over the worker processes and can exceed the wall "
        "time; parallel rendering includes starting the worker pool). × hand / × enc: ratio to the hand-written skia+PyAV loop and to the encoder alone on "
        f"the same frames, measured in the same run. Load average at the end: {m.get('load_avg_at_end')} — "
        "timings on a shared machine are noisy and are reported, never asserted.",
        "",
        "| " + " | ".join(TABLE_COLUMNS) + " |",
        "|" + "---|" * len(TABLE_COLUMNS),
    ]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in table_rows(doc)]
    lines += [
        "",
        "## Targets (reported, not asserted)",
        "",
        "| target | measured | limit | |",
        "|---|---|---|---|",
    ]
    for tg in doc.get("targets", []):
        mark = "n/a" if tg["met"] is None else ("met" if tg["met"] else "**not met**")
        lines.append(f"| {tg['target']} | {_fmt(tg['value'])} | {tg['limit']} | {mark} |")
    lines.append("")
    return "\n".join(lines)


# -------------------------------------------------------------------------- chart


def chart(doc: dict[str, Any], path: Path) -> None:
    """Stacked per-stage ms/frame bars, one panel per scene and size, drawn with skia."""
    import skia

    groups = _group([r for r in doc["rows"]])
    row_h, head_h, label_w, bar_w, pad = 22, 34, 360, 760, 16
    legend_h = 40
    height = legend_h + sum(head_h + row_h * len(rs) + 10 for rs in groups.values()) + pad
    width = label_w + bar_w + 140
    surface = skia.Surface(width, height)
    c = surface.getCanvas()
    c.clear(skia.ColorWHITE)
    tf = skia.Typeface.MakeFromFile(str(BENCH_DIR / "assets" / FONT))
    font, bold = skia.Font(tf, 12), skia.Font(tf, 15)
    ink = skia.Paint(AntiAlias=True, Color=0xFF222222)
    faint = skia.Paint(AntiAlias=True, Color=0xFF888888)
    x = pad
    for name in (*MAIN_STAGES, "wait/other", "encode"):
        c.drawRect(skia.Rect.MakeXYWH(x, 14, 12, 12), skia.Paint(Color=STAGE_COLORS[name]))
        label = "encode (own thread)" if name == "encode" else name
        c.drawString(label, x + 16, 25, font, ink)
        x += 26 + font.measureText(label)
    y = legend_h
    for (scene, size), rs in groups.items():
        c.drawString(f"{scene} — {size}  (ms/frame)", pad, y + 22, bold, ink)
        y += head_h
        top = max([r["ms_per_frame"] or 0.0 for r in rs] + [1e-9])
        scale = bar_w / _nice(top)
        for r in rs:
            c.drawString(r["label"][:52], pad, y + 15, font, ink)
            x0 = label_w
            ms = r["ms_per_frame"]
            if ms is None:
                c.drawString("unavailable", x0, y + 15, font, faint)
                y += row_h
                continue
            if r["kind"] in ("engine", "render_only") and r["stage_ms_per_frame"]:
                x = x0
                used = sum(r["stage_ms_per_frame"].get(st, 0.0) for st in MAIN_STAGES)
                # With workers, stage times add up over processes: draw them as shares.
                fit = min(1.0, ms / used) if used > 0 else 1.0
                for st in MAIN_STAGES:
                    v = r["stage_ms_per_frame"].get(st, 0.0) * fit
                    c.drawRect(
                        skia.Rect.MakeXYWH(x, y + 3, v * scale, 12),
                        skia.Paint(Color=STAGE_COLORS[st]),
                    )
                    x += v * scale
                rest = max(ms - used * fit, 0.0)
                c.drawRect(
                    skia.Rect.MakeXYWH(x, y + 3, rest * scale, 12),
                    skia.Paint(Color=STAGE_COLORS["wait/other"]),
                )
                enc = min(r["stage_ms_per_frame"].get("encode", 0.0), ms)
                c.drawRect(
                    skia.Rect.MakeXYWH(x0, y + 16, enc * scale, 4),
                    skia.Paint(Color=STAGE_COLORS["encode"]),
                )
            else:
                c.drawRect(
                    skia.Rect.MakeXYWH(x0, y + 3, ms * scale, 14),
                    skia.Paint(Color=KIND_COLORS.get(r["kind"], 0xFF999999)),
                )
            c.drawString(f"{ms:.2f}", x0 + ms * scale + 6, y + 15, font, ink)
            y += row_h
        y += 10
    surface.makeImageSnapshot().save(str(path), skia.kPNG)


def _nice(v: float) -> float:
    """A round axis maximum ≥ v."""
    e = 10 ** math.floor(math.log10(v)) if v > 0 else 1.0
    for m in (1, 2, 2.5, 5, 10):
        if m * e >= v:
            return m * e
    return 10 * e


def write_all(doc: dict[str, Any], out: Path) -> dict[str, Path]:
    """Write ``bench.json``, ``bench.md`` and ``bench.png`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "bench.json", "md": out / "bench.md", "png": out / "bench.png"}
    paths["json"].write_text(json.dumps(doc, indent=2) + "\n")
    paths["md"].write_text(markdown(doc))
    chart(doc, paths["png"])
    return paths
