"""Batch renders: one template, one output per data row.

>>> from wavyte_core.run.batch import run_batch
>>> report = run_batch("card.json", "people.csv", "out/{name}.mp4", executor="local")

- **Template.** A composition JSON whose strings may hold ``${field}`` placeholders. A
  string that is exactly one placeholder takes the row's value *typed* by its slot, the
  same way from CSV and JSONL: in a text field (``text``, ``source``, ``font_source`` …)
  the value's text; in a colour slot (``color_rgba8``) a CSS hex colour (`format.colour`:
  ``#rgb``, ``#rgba``, ``#rrggbb``, ``#rrggbbaa``) or ``r,g,b[,a]`` becomes the RGBA list;
  elsewhere a text value (every CSV cell, a JSONL string) becomes a JSON number or bool
  when it reads as one, and other JSONL values (number, bool, list) stay as they are. The
  format's loader then checks every value with its JSON path; an error names the
  placeholder that filled the bad value. Placeholders inside longer strings are replaced
  by the value's text.
- **Rows** are filled, loaded and validated in the coordinator: a bad row fails alone,
  with its row number and the JSON path of the bad value, before any worker sees it — so
  does a JSONL line that is not a JSON object and a CSV row with more cells than the header
  (row and line named). Asset errors (a missing image) fail the row in its worker.
- **Workers** (an executor: local processes or Ray actors) render rows in parallel. They
  keep decoded assets keyed by file and mtime (`asset_cache`), so the template's shared
  images, fonts and SVGs are prepared once per worker, not once per row.
- **Manifest** (`batch_manifest`). One JSONL line per finished row (row, output, status,
  frames, seconds, error; for ``ok`` rows the hashes of its inputs and the output's size
  and hash), appended and flushed as rows finish. A rerun keeps a row only when its output
  is exactly what was written from the same inputs, and renders the others again with the
  reason (`BatchReport.rerendered`): an interrupted batch resumes and a changed one is
  brought up to date.
"""

from __future__ import annotations

import csv
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wavyte_core.errors import CompositionError, WavyteError
from wavyte_core.format.colour import HEX_FORMS, parse_hex_colour
from wavyte_core.format.jsonparse import JsonObject, parse_json
from wavyte_core.format.load import composition_from_value, index_path, member_path
from wavyte_core.format.model import Composition
from wavyte_core.output.codecs import OutputSettings, output_settings
from wavyte_core.output.targets import temp_path_for
from wavyte_core.run.batch_manifest import (
    InputHasher,
    Manifest,
    read_manifest,
    sha256_bytes,
    stale_reason,
)
from wavyte_core.run.executor import ExecutorOptions, TaskResult, open_executor
from wavyte_core.run.job import DEFAULT_BACKGROUND, Backends, check

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
OUT_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_COLOR_KEYS = ("color_rgba8",)
#: Format fields that hold text: a row value there is always text ("2024" stays a string).
_TEXT_KEYS = frozenset(
    {"text", "font_source", "source", "svg_path_d", "id", "name", "asset", "kind", "mode", "ease"}
)


class BatchError(WavyteError):
    """The batch itself cannot run (bad template, unreadable data, bad output pattern)."""


class RowError(WavyteError):
    """One row cannot be rendered; ``row`` is its 1-based number in the data."""

    def __init__(self, row: int, message: str) -> None:
        self.row = row
        super().__init__(f"row {row}: {message}")


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # 1-based data row
    values: dict[str, Any]
    typed: bool  # JSONL values keep their JSON type; CSV cells are text
    line: int = 0  # 1-based line in the data file where the row starts
    error: str | None = None  # the row could not be read (it fails alone)


def read_rows(path: str | Path) -> list[Row]:
    """Rows of a ``.csv`` (header line, then one row per line) or ``.jsonl`` file (one
    JSON object per non-blank line). A row that cannot be read — a CSV row with more cells
    than the header, a JSONL line that is not a JSON object — is returned with its
    ``error`` set, so that it fails alone; `BatchError` only when the file as a whole
    cannot be read."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise BatchError(f"{p}: data must be .csv or .jsonl (got {p.suffix or 'no suffix'})")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BatchError(f"{p}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise BatchError(f"{p}: not UTF-8 text (byte {exc.start})") from None
    rows: list[Row] = []
    if suffix == ".csv":
        reader = csv.DictReader(text.splitlines())
        if not reader.fieldnames:
            raise BatchError(f"{p}: no header line")
        try:
            for n, rec in enumerate(reader, 1):
                if None in rec:
                    extra = len(rec[None])  # type: ignore[index]
                    cells = len(reader.fieldnames) + extra
                    rows.append(Row(n, {}, False, reader.line_num, (
                        f"line {reader.line_num} of {p.name}: {cells} cells, the header has "
                        f"{len(reader.fieldnames)}"
                    )))  # fmt: skip
                    continue
                values = {k: v for k, v in rec.items() if v is not None}
                rows.append(Row(n, values, typed=False, line=reader.line_num))
        except csv.Error as exc:
            raise BatchError(f"{p}: line {reader.line_num}: {exc}") from None
        return rows
    n = 0
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        n += 1
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            where = f"line {line_no} of {p.name}"
            rows.append(
                Row(n, {}, True, line_no, f"{where}: invalid JSON: {exc.msg} (column {exc.colno})")
            )
            continue
        if not isinstance(rec, dict):
            rows.append(
                Row(
                    n,
                    {},
                    True,
                    line_no,
                    f"line {line_no} of {p.name}: expected a JSON object, got {type(rec).__name__}",
                )
            )
            continue
        rows.append(Row(n, rec, typed=True, line=line_no))
    return rows


class Template:
    """A composition JSON with ``${field}`` placeholders, parsed once."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            text = self.path.read_bytes()
        except OSError as exc:
            raise BatchError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
        try:
            self.value = parse_json(text, source=str(self.path))
        except CompositionError as exc:
            raise BatchError(f"{self.path}: {exc}") from None
        self.fields: dict[str, list[str]] = {}  # field → JSON paths that use it
        self._scan(self.value, "")
        self.source_hash = sha256_bytes(text)

    def _scan(self, v: Any, path: str) -> None:
        if isinstance(v, str):
            for name in PLACEHOLDER.findall(v):
                self.fields.setdefault(name, []).append(path)
        elif isinstance(v, dict):
            for k, x in v.items():
                self._scan(x, member_path(path, k))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                self._scan(x, index_path(path, i))

    def fill(self, row: Row) -> Composition:
        """The row's composition, loaded and validated; `RowError` names the row, the JSON
        path, the placeholder that filled it and the rule."""
        return self.fill_value(row)[0]

    def fill_value(self, row: Row) -> tuple[Composition, Any]:
        """`fill`, and the filled JSON value (its asset file names are hashed for resume)."""
        value = self._fill(self.value, "", row)
        try:
            comp = composition_from_value(value)
            check(comp)
        except WavyteError as exc:
            raise RowError(row.number, self.explain(str(exc), row)) from None
        return comp, value

    def placeholder_at(self, path: str) -> str | None:
        """The placeholder whose template string is at ``path`` or contains it."""
        best: tuple[int, str] | None = None
        for name, paths in self.fields.items():
            for p in paths:
                inside = path == p or path.startswith((p + ".", p + "["))
                if inside and (best is None or len(p) > best[0]):
                    best = (len(p), name)
        return None if best is None else best[1]

    def explain(self, message: str, row: Row) -> str:
        """``message`` (``JSON.PATH: rule``) with the placeholder that filled that path and
        its value, when a placeholder did and the message does not name it already."""
        path = message.partition(": ")[0]
        name = self.placeholder_at(path) if " " not in path else None
        if name is None or f"${{{name}}}" in message:
            return message
        value = row.values.get(name)
        return f"{message} (from ${{{name}}} = {value!r})"

    def _fill(self, v: Any, path: str, row: Row) -> Any:
        if isinstance(v, str):
            return _fill_string(v, path, row)
        if isinstance(v, JsonObject):
            out = JsonObject([(k, self._fill(x, member_path(path, k), row)) for k, x in v.items()])
            out.shadowed = v.shadowed
            return out
        if isinstance(v, dict):
            return {k: self._fill(x, member_path(path, k), row) for k, x in v.items()}
        if isinstance(v, list):
            return [self._fill(x, index_path(path, i), row) for i, x in enumerate(v)]
        return v


def _lookup(row: Row, name: str, path: str) -> Any:
    if name not in row.values:
        raise RowError(
            row.number, f"{path or 'template'}: no field '{name}' in the data for ${{{name}}}"
        )
    return row.values[name]


def _fill_string(s: str, path: str, row: Row) -> Any:
    if "${" not in s:
        return s
    whole = PLACEHOLDER.fullmatch(s)
    if whole is not None:
        name = whole.group(1)
        raw = _lookup(row, name, path)
        slot = path.rsplit(".", 1)[-1]
        if slot in _COLOR_KEYS:
            return _color(raw, path, name, row)
        if slot in _TEXT_KEYS and not isinstance(raw, (dict, list)):
            return _text(raw)
        if isinstance(raw, str):  # a CSV cell or a JSONL string: typed the same way
            return _typed_cell(raw)
        return raw

    def text(m: re.Match[str]) -> str:
        raw = _lookup(row, m.group(1), path)
        if isinstance(raw, (dict, list)):
            raise RowError(
                row.number,
                f"{path}: ${{{m.group(1)}}} inside text needs a scalar, got {type(raw).__name__}",
            )
        return _text(raw)

    return PLACEHOLDER.sub(text, s)


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    return str(v)


def _typed_cell(cell: str) -> Any:
    """A CSV cell as JSON would read it when it is a number or bool, else the text."""
    t = cell.strip()
    if _JSON_NUMBER.fullmatch(t):
        return int(t) if re.fullmatch(r"-?(0|[1-9][0-9]*)", t) else float(t)
    if t in ("true", "false"):
        return t == "true"
    return cell


def _color(raw: Any, path: str, name: str, row: Row) -> Any:
    """A colour slot's value: a list as it is (the loader checks it), a CSS hex colour
    (`format.colour`, one parser for every colour) or ``r,g,b[,a]`` as the RGBA list."""
    if isinstance(raw, list):
        return raw
    s = str(raw).strip()
    rgba = parse_hex_colour(s)
    if rgba is not None:
        return list(rgba)
    parts = [p.strip() for p in s.split(",")]
    if len(parts) in (3, 4) and all(p.isdigit() and int(p) <= 255 for p in parts):
        vals = [int(p) for p in parts]
        return vals + [255] * (4 - len(vals))
    raise RowError(
        row.number,
        f"{path}: ${{{name}}} = {s!r} is not a colour ({HEX_FORMS} or r,g,b[,a] with 0..255)",
    )


def output_for(pattern: str, row: Row) -> Path:
    """The row's output path: ``{field}`` replaced by the row's value (``{row}``: its
    number). Values may not add folders."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name == "row" and "row" not in row.values:
            return str(row.number)
        if name not in row.values:
            raise RowError(
                row.number, f"output pattern: no field '{name}' in the data for {{{name}}}"
            )
        value = _text(row.values[name])
        if not value or "/" in value or "\\" in value or value in (".", "..") or "\0" in value:
            raise RowError(row.number, f"output pattern: {{{name}}} = {value!r} is not a file name")
        return value

    return Path(OUT_FIELD.sub(sub, pattern))


# ------------------------------------------------------------------------------ workers


@dataclass(frozen=True, slots=True)
class BatchSpec:
    """What every row shares (sent once per batch)."""

    root: str
    backends: Backends
    background: tuple[int, int, int, int] | None
    output: OutputSettings  # every row's settings, retargeted to the row's file


@dataclass(frozen=True, slots=True)
class RowTask:
    key: int  # row number
    comp: Composition
    suffix: str

    def run(self, shared: BatchSpec) -> TaskResult:
        from wavyte_core.assets import asset_cache
        from wavyte_core.run.job import Job
        from wavyte_core.run.lifeline import new_scratch, remove_scratch
        from wavyte_core.run.render_loop import render_to_file

        asset_cache.enable()
        t0 = time.perf_counter()
        tmpdir = new_scratch("wavyte-row-")
        try:
            with Job(
                self.comp,
                assets_root=shared.root,
                backends=shared.backends,
                background=shared.background,
            ) as job:
                prep = time.perf_counter() - t0
                path = tmpdir / f"row-{self.key}{self.suffix}"
                report = render_to_file(job, shared.output.retarget(path), workers=1)
            data = path.read_bytes()
        finally:
            remove_scratch(tmpdir)
        return TaskResult(
            self.key, data, report.frames, time.perf_counter() - t0, prepare_seconds=prep
        )


# ------------------------------------------------------------------------- coordinator


@dataclass
class BatchReport:
    rows: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    frames: int = 0
    seconds: float = 0.0
    executor_startup_seconds: float = 0.0
    workers: int = 0
    manifest: str = ""
    failures: list[tuple[int, str]] = field(default_factory=list)
    #: Rows rendered again although the manifest had an ``ok`` entry: ``(row, reason)``
    #: (`batch_manifest.REASONS`).
    rerendered: list[tuple[int, str]] = field(default_factory=list)
    #: Rows that ran again because their worker was lost (a row once per retry).
    retried: list[int] = field(default_factory=list)

    @property
    def rerender_reasons(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _, why in self.rerendered:
            out[why] = out.get(why, 0) + 1
        return out

    @property
    def rows_per_minute(self) -> float:
        done = self.ok + self.failed
        return 60.0 * done / self.seconds if self.seconds > 0 else 0.0


def default_manifest(pattern: str) -> Path:
    parent = Path(pattern).parent
    if OUT_FIELD.search(str(parent)):
        raise BatchError(
            f"output pattern {pattern!r} puts rows in different folders: give --manifest"
        )
    return parent / "manifest.jsonl"


def run_batch(
    template: str | Path,
    data: str | Path,
    out_pattern: str,
    *,
    executor: str = "local",
    options: ExecutorOptions = ExecutorOptions(),
    manifest: str | Path | None = None,
    assets_root: str | Path | None = None,
    backends: Backends = Backends(),
    background: tuple[int, int, int, int] | None = DEFAULT_BACKGROUND,
    output: OutputSettings | None = None,
    resume: bool = True,
    registry: Any = None,
    progress: Callable[[int, int], None] | None = None,
    on_row: Callable[[dict[str, Any]], None] | None = None,
    **output_options: Any,
) -> BatchReport:
    """Render every row of ``data`` through ``template`` to ``out_pattern``.

    Every row is encoded with the same `OutputSettings`: ``output`` (from
    `resolve_output`), or the ``output_options`` (``crf``, ``preset``, ``codec`` …)
    resolved once for the pattern's suffix.

    Returns when every row has finished or failed; one bad row never stops the others.
    ``progress(done, total)`` is called after each row, ``on_row(entry)`` with each
    manifest entry. `BatchError` is raised only when the batch as a whole cannot start.
    """
    from wavyte_core.assets import asset_cache

    t0 = time.perf_counter()
    cache_was_on = asset_cache.is_enabled()  # in-process rows (local, workers=1) enable it
    tpl = Template(template)
    rows = read_rows(data)
    if not rows:
        raise BatchError(f"{data}: no data rows")
    if not OUT_FIELD.search(out_pattern):
        raise BatchError(
            f"output pattern {out_pattern!r} has no {{field}}: every row would overwrite one file"
        )
    suffix = Path(out_pattern).suffix.lower()
    if suffix not in (".mp4", ".m4v", ".mov", ".mkv"):
        raise BatchError(f"output pattern {out_pattern!r}: use a .mp4, .mov or .mkv file name")
    row_output = output_settings(output or Path(out_pattern), output_options)
    if output is not None:
        row_output = row_output.retarget(out_pattern)
    man_path = Path(manifest) if manifest is not None else default_manifest(out_pattern)
    root = Path(assets_root) if assets_root is not None else Path(template).resolve().parent
    spec = BatchSpec(str(root.resolve()), backends, background, row_output)
    hasher = InputHasher(tpl.source_hash, root, spec)
    done_before = read_manifest(man_path) if resume else {}
    report = BatchReport(rows=len(rows), manifest=str(man_path))
    man = Manifest(man_path)
    outputs: dict[int, tuple[Path, dict[str, str]]] = {}
    by_number = {row.number: row for row in rows}
    seen: dict[Path, int] = {}
    tasks: list[RowTask] = []
    total = len(rows)
    finished = 0

    def record(entry: dict[str, Any]) -> None:
        nonlocal finished
        man.write(entry)
        finished += 1
        if entry["status"] == "ok":
            report.ok += 1
            report.frames += entry["frames"]
        else:
            report.failed += 1
            report.failures.append((entry["row"], entry["error"]))
        if on_row is not None:
            on_row(entry)
        if progress is not None:
            progress(finished + report.skipped, total)

    try:
        for row in rows:
            try:
                if row.error is not None:
                    raise RowError(row.number, row.error)
                out = output_for(out_pattern, row)
                key = out.resolve()
                if key in seen:
                    raise RowError(row.number, f"output {out} is also row {seen[key]}'s output")
                seen[key] = row.number
                comp, filled = tpl.fill_value(row)
                inputs = hasher.inputs(row.values, filled)
                prev = done_before.get(row.number)
                if prev is not None and prev.get("status") == "ok":
                    why = stale_reason(prev, out, inputs)
                    if why is None:
                        report.skipped += 1
                        if progress is not None:
                            progress(finished + report.skipped, total)
                        continue
                    report.rerendered.append((row.number, why))
            except RowError as exc:
                record(_entry(row.number, None, "failed", error=str(exc)))
                continue
            outputs[row.number] = (out, inputs)
            tasks.append(RowTask(row.number, comp, out.suffix))
        if tasks:
            session = open_executor(executor, options, registry)
            report.executor_startup_seconds = session.startup_seconds
            report.workers = session.workers
            try:
                for res in session.run(spec, tasks):
                    if res.error is not None:
                        res.error = tpl.explain(res.error, by_number[res.key])
                    record(_finish_row(res, *outputs[res.key]))
            finally:
                report.retried = [int(k) for k in getattr(session, "retried", [])]
                session.close()
    finally:
        man.close()
        if not cache_was_on:
            asset_cache.disable()
    report.seconds = time.perf_counter() - t0
    return report


def _finish_row(res: TaskResult, out: Path, inputs: dict[str, str]) -> dict[str, Any]:
    """Write a finished row's output (atomically, beside it first) and its manifest entry."""
    if res.error is not None:
        return _entry(
            res.key, out, "failed", seconds=res.seconds, error=f"row {res.key}: {res.error}"
        )
    assert res.data is not None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = temp_path_for(out)
        try:
            tmp.write_bytes(res.data)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        return _entry(res.key, out, "failed", error=f"row {res.key}: {out}: {exc.strerror or exc}")
    entry = _entry(res.key, out, "ok", frames=res.frames, seconds=res.seconds)
    entry.update(inputs=inputs, bytes=len(res.data), sha256=sha256_bytes(res.data))
    return entry


def _entry(
    row: int,
    out: Path | None,
    status: str,
    *,
    frames: int = 0,
    seconds: float = 0.0,
    error: str | None = None,
) -> dict[str, Any]:
    return {
        "row": row,
        "output": None if out is None else str(out),
        "status": status,
        "frames": frames,
        "seconds": round(seconds, 4),
        "error": error,
    }
