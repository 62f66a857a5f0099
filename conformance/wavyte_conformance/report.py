"""The parity matrix: a terminal table, ``parity.json``, ``parity.md`` and ``parity.html``.

Rows are cases (with the decoder/encoder a row variant uses), columns are combinations
(rasterizer+compositor, or the compositor alone in the exact section); a cell is the worst
status over the case's frames with its figures ``max diff/differing pixels/PSNR``. Every
section has a footer row with the pass rate of each combination. The HTML page is
self-contained (images are data URIs) and shows expected | actual | difference ×16 for
every failure and known failure.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import html
import json
import math
import platform
from collections import defaultdict
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from wavyte_core.output.flatten import unpremultiply_to_rgba

from .metrics import Metrics, amplified_difference
from .pngio import encode_rgba_png
from .runner import SECTIONS, Result

__all__ = ["Cell", "Matrix", "build_matrix", "print_matrix", "write_reports"]

# Worst first: a cell shows the worst status among its results.
SEVERITY = {
    "error": 6,
    "missing": 5,
    "fail": 4,
    "xfail": 3,
    "xpass": 2,
    "unsupported": 1,
    "pass": 0,
}
MARK = {
    "pass": "✓",
    "xpass": "✓!",
    "xfail": "≈",
    "fail": "✗",
    "error": "ERR",
    "missing": "no ref",
    "unsupported": "n/a",
}
STYLE = {
    "pass": "green",
    "xpass": "yellow",
    "xfail": "yellow",
    "fail": "bold red",
    "error": "bold red",
    "missing": "red",
    "unsupported": "dim",
}
TITLES = {
    "render": "Cases vs stored references (skia rasterizer + numpy compositor)",
    "exact": "Exact math (§4.5–4.6) on random premultiplied images",
    "reftest": "Reftests (two compositions that must render the same)",
    "effects": "Installed effect and transition kinds (declared examples, against skia+numpy)",
    "determinism": "Determinism (same frames rendered again in another order: identical bytes)",
    "delivery": "Delivery (segments through the executor and encoder: the in-process frames)",
}


@dataclass
class Cell:
    status: str
    metrics: Metrics | None
    reason: str
    results: list[Result]

    def text(self) -> str:
        if self.status == "unsupported":
            return MARK["unsupported"]
        fig = self.metrics.short() if self.metrics is not None else ""
        return f"{MARK[self.status]} {fig}".strip()


def _worst_metrics(ms: list[Metrics]) -> Metrics | None:
    if not ms:
        return None
    return Metrics(
        max(m.max_diff for m in ms),
        max(m.pixels for m in ms),
        max(m.pixels_over_1 for m in ms),
        min(m.psnr for m in ms),
        max(m.total for m in ms),
    )


@dataclass
class Matrix:
    """Cells by section → row → column, in first-seen order."""

    cells: dict[str, dict[str, dict[str, Cell]]]
    columns: dict[str, list[str]]

    def pass_rate(self, section: str, column: str) -> tuple[int, int, int, int]:
        """(passed, known failures, judged, unsupported) of a column."""
        ok = known = judged = unsup = 0
        for row in self.cells[section].values():
            c = row.get(column)
            if c is None:
                continue
            if c.status == "unsupported":
                unsup += 1
                continue
            judged += 1
            ok += c.status in ("pass", "xpass")
            known += c.status == "xfail"
        return ok, known, judged, unsup


def build_matrix(results: list[Result]) -> Matrix:
    grouped: dict[str, dict[str, dict[str, list[Result]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    columns: dict[str, list[str]] = defaultdict(list)
    for r in results:
        row = f"{r.case} [{r.variant}]" if r.variant else r.case
        grouped[r.section][row][r.column].append(r)
        if r.column not in columns[r.section]:
            columns[r.section].append(r.column)
    cells: dict[str, dict[str, dict[str, Cell]]] = {}
    for section in SECTIONS:
        if section not in grouped:
            continue
        cells[section] = {}
        for row, by_col in grouped[section].items():
            cells[section][row] = {}
            for col, rs in by_col.items():
                worst = max(rs, key=lambda r: SEVERITY[r.status])
                reason = next((r.reason for r in rs if r.status == worst.status and r.reason), "")
                cells[section][row][col] = Cell(
                    worst.status, _worst_metrics([r.metrics for r in rs if r.metrics]), reason, rs
                )
        columns[section] = sorted(columns[section])
    return Matrix(cells, dict(columns))


def _rate_text(m: Matrix, section: str, col: str) -> str:
    ok, known, judged, unsup = m.pass_rate(section, col)
    pct = f"{100.0 * ok / judged:.0f}%" if judged else "-"
    extra = []
    if known:
        extra.append(f"{known} known")
    if unsup:
        extra.append(f"{unsup} n/a")
    return f"{ok}/{judged} {pct}" + (f" ({', '.join(extra)})" if extra else "")


# ---------------------------------------------------------------------------- terminal


def print_matrix(m: Matrix, console: object | None = None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    con = console if console is not None else Console(width=max(160, Console().width))
    for section, rows in m.cells.items():
        cols = m.columns[section]
        table = Table(
            title=TITLES[section], title_justify="left", show_lines=False, header_style="bold"
        )
        table.add_column("case", no_wrap=True)
        for c in cols:
            table.add_column(c, no_wrap=True)
        for row, by_col in rows.items():
            cells = []
            for c in cols:
                cell = by_col.get(c)
                cells.append(
                    Text("") if cell is None else Text(cell.text(), style=STYLE[cell.status])
                )
            table.add_row(Text(row), *cells)
        table.add_section()
        table.add_row(
            Text("pass rate", style="bold"),
            *[Text(_rate_text(m, section, c), style="bold") for c in cols],
        )
        con.print(table)  # type: ignore[attr-defined]
    con.print(
        "cell: status max-diff/differing-pixels/PSNR(dB) over premultiplied BGRA (worst frame); '=' identical; ≈ known failure (plugin expectation); n/a: lacks a capability"
    )  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------- files


def _meta() -> dict:
    versions = {}
    for dist in (
        "wavyte",
        "wavyte-backend-skia",
        "wavyte-backend-cairo",
        "wavyte-decoder-pyav",
        "wavyte-decoder-opencv",
        "skia-python",
        "pycairo",
        "av",
        "opencv-python-headless",
        "numpy",
    ):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[dist] = metadata.version(dist)
    return {
        "generated": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def _summary(m: Matrix) -> dict:
    out: dict[str, dict] = {}
    for section in m.cells:
        out[section] = {}
        for c in m.columns[section]:
            ok, known, judged, unsup = m.pass_rate(section, c)
            out[section][c] = {
                "passed": ok,
                "known_failures": known,
                "judged": judged,
                "unsupported": unsup,
            }
    return out


def _md_cell(c: Cell | None) -> str:
    return "" if c is None else c.text().replace("|", "\\|")


def to_markdown(m: Matrix, meta: dict) -> str:
    lines = [
        "# wavyte conformance: parity matrix",
        "",
        f"Generated {meta['generated']} on Python {meta['python']} ({meta['platform']}).",
        "",
    ]
    lines.append(
        "Cell: status, then `max channel diff/differing pixels/PSNR dB` (worst frame); `=` identical; ✓ pass, ✗ fail, ≈ known failure, n/a lacks a capability."
    )
    for section, rows in m.cells.items():
        cols = m.columns[section]
        lines += [
            "",
            f"## {TITLES[section]}",
            "",
            "| case | " + " | ".join(cols) + " |",
            "|---" * (len(cols) + 1) + "|",
        ]
        for row, by_col in rows.items():
            lines.append(f"| {row} | " + " | ".join(_md_cell(by_col.get(c)) for c in cols) + " |")
        lines.append(
            "| **pass rate** | " + " | ".join(_rate_text(m, section, c) for c in cols) + " |"
        )
    notes = [
        (s, row, col, c)
        for s, rows in m.cells.items()
        for row, by in rows.items()
        for col, c in by.items()
        if c.status not in ("pass",) and c.reason
    ]
    if notes:
        lines += ["", "## Notes", ""]
        lines += [
            f"- `{s}` **{row}** on `{col}`: {c.status}: {c.reason}" for s, row, col, c in notes
        ]
    return "\n".join(lines) + "\n"


def _data_uri(img_bgra_premul: np.ndarray | None, *, already_rgba: bool = False) -> str:
    if img_bgra_premul is None:
        return ""
    rgba = img_bgra_premul if already_rgba else unpremultiply_to_rgba(img_bgra_premul)
    return "data:image/png;base64," + base64.b64encode(encode_rgba_png(rgba, level=3)).decode()


_CSS = """
body{font:13px/1.4 system-ui,sans-serif;margin:20px;color:#222}
table{border-collapse:collapse;margin:8px 0 24px}
td,th{border:1px solid #ccc;padding:2px 6px;white-space:nowrap;font-family:ui-monospace,monospace;font-size:12px}
.pass{background:#e3f6e3}.xpass{background:#fff4c2}.xfail{background:#fff0c2}.fail,.error,.missing{background:#fbd3d3}
.unsupported{background:#eee;color:#888}
.trip{display:flex;gap:8px;align-items:flex-start}
.trip figure{margin:0}.trip img{image-rendering:pixelated;max-width:480px;
 background:repeating-conic-gradient(#ccc 0% 25%,#fff 0% 50%) 50%/16px 16px}
figcaption{font-size:11px;color:#555}
"""


def to_html(m: Matrix, meta: dict, results: list[Result]) -> str:
    h: list[str] = [
        "<!doctype html><meta charset=utf-8><title>wavyte parity</title>",
        f"<style>{_CSS}</style>",
        "<h1>wavyte conformance: parity matrix</h1>",
    ]
    h.append(
        f"<p>Generated {html.escape(meta['generated'])}; Python {html.escape(meta['python'])}; "
        + ", ".join(f"{html.escape(k)} {html.escape(v)}" for k, v in meta["versions"].items())
        + "</p>"
    )
    h.append(
        "<p>Cell: status, <code>max diff/differing pixels/PSNR</code> (worst frame). Failures and known failures are shown below as expected | actual | |difference|×16.</p>"
    )
    for section, rows in m.cells.items():
        cols = m.columns[section]
        h.append(
            f"<h2>{html.escape(TITLES[section])}</h2><table><tr><th>case</th>"
            + "".join(f"<th>{html.escape(c)}</th>" for c in cols)
            + "</tr>"
        )
        for row, by_col in rows.items():
            tds = []
            for c in cols:
                cell = by_col.get(c)
                if cell is None:
                    tds.append("<td></td>")
                else:
                    tds.append(
                        f'<td class="{cell.status}" title="{html.escape(cell.reason)}">{html.escape(cell.text())}</td>'
                    )
            h.append(f"<tr><td>{html.escape(row)}</td>{''.join(tds)}</tr>")
        h.append(
            "<tr><th>pass rate</th>"
            + "".join(f"<th>{html.escape(_rate_text(m, section, c))}</th>" for c in cols)
            + "</tr></table>"
        )
    shown = [r for r in results if r.status in ("fail", "xfail", "error", "missing")]
    h.append(f"<h2>Failures and known failures ({len(shown)})</h2>")
    for r in shown:
        title = f"{r.section} / {r.case} / {r.column} {r.variant}" + (
            f" / frame {r.frame}" if r.frame is not None else ""
        )
        figs = (
            f" — {r.metrics.short()} (pixels off by &gt;1: {r.metrics.pixels_over_1})"
            if r.metrics
            else ""
        )
        h.append(
            f'<h3 class="{r.status}">{html.escape(r.status)}: {html.escape(title)}{figs}</h3><p>{html.escape(r.reason)}</p>'
        )
        if r.expected is not None or r.actual is not None:
            h.append('<div class="trip">')
            h.append(
                f'<figure><img src="{_data_uri(r.expected)}"><figcaption>expected</figcaption></figure>'
            )
            h.append(
                f'<figure><img src="{_data_uri(r.actual)}"><figcaption>actual</figcaption></figure>'
            )
            if r.expected is not None and r.actual is not None:
                diff = amplified_difference(r.expected, r.actual)
                h.append(
                    f'<figure><img src="{_data_uri(diff, already_rgba=True)}"><figcaption>|difference| ×16</figcaption></figure>'
                )
            h.append("</div>")
    return "\n".join(h) + "\n"


def write_reports(
    results: list[Result], out_dir: Path, matrix: Matrix | None = None
) -> dict[str, Path]:
    """Write ``parity.json``, ``parity.md`` and ``parity.html`` into ``out_dir``."""
    m = matrix or build_matrix(results)
    meta = _meta()
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": out_dir / "parity.json",
        "md": out_dir / "parity.md",
        "html": out_dir / "parity.html",
    }
    doc = {"meta": meta, "summary": _summary(m), "results": [r.to_json() for r in results]}
    paths["json"].write_text(
        json.dumps(doc, indent=1, allow_nan=False, default=_json_default) + "\n"
    )
    paths["md"].write_text(to_markdown(m, meta))
    paths["html"].write_text(to_html(m, meta, results))
    return paths


def _json_default(o: object) -> object:
    if isinstance(o, float) and not math.isfinite(o):
        return None
    raise TypeError(type(o).__name__)
