"""Batch renders: one template, one output per data row.

>>> from wavyte_core.run.batch import run_batch
>>> report = run_batch("card.json", "people.csv", "out/{name}.mp4", executor="local")

- **Template.** A composition JSON whose strings may hold ``${field}`` placeholders. A
  string that is exactly one placeholder takes the row's value *typed* by its slot: in a
  text field (``text``, ``source``, ``font_source`` …) the value's text; in a colour slot
  (``color_rgba8``) ``#rrggbb``/``#rrggbbaa`` or ``r,g,b[,a]`` become the RGBA list;
  elsewhere a JSONL value as it is (number, bool, list) and a CSV cell as a JSON number or
  bool when it reads as one. The format's loader then checks every value with its JSON
  path. Placeholders inside longer strings are replaced by the value's text.
- **Rows** are filled, loaded and validated in the coordinator: a bad row fails alone,
  with its row number and the JSON path of the bad value, before any worker sees it.
  Asset errors (a missing image) fail the row in its worker the same way.
- **Workers** (an executor: local processes or Ray actors) render rows in parallel. They
  keep decoded assets keyed by file and mtime (`asset_cache`), so the template's shared
  images, fonts and SVGs are prepared once per worker, not once per row.
- **Manifest.** One JSONL line per finished row (row, output, status, frames, seconds,
  error), appended and flushed as rows finish. A rerun skips rows whose output exists and
  whose last manifest entry is ``ok``: an interrupted batch resumes.
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
from wavyte_core.format.jsonparse import JsonObject, parse_json
from wavyte_core.format.load import composition_from_value, index_path, member_path
from wavyte_core.format.model import Composition
from wavyte_core.output.targets import temp_path_for
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


def read_rows(path: str | Path) -> list[Row]:
    """Rows of a ``.csv`` (header line, then one row per line) or ``.jsonl`` file (one
    JSON object per non-blank line)."""
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
        for n, rec in enumerate(reader, 1):
            if None in rec:
                raise BatchError(
                    f"{p}: row {n} (line {reader.line_num}) has more cells than the header"
                )
            rows.append(Row(n, {k: v for k, v in rec.items() if v is not None}, typed=False))
        return rows
    n = 0
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        n += 1
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BatchError(f"{p}: line {line_no} (row {n}): invalid JSON: {exc.msg}") from None
        if not isinstance(rec, dict):
            raise BatchError(f"{p}: line {line_no} (row {n}): expected a JSON object")
        rows.append(Row(n, rec, typed=True))
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
        path and the rule."""
        value = self._fill(self.value, "", row)
        try:
            comp = composition_from_value(value)
            check(comp)
        except CompositionError as exc:
            raise RowError(row.number, str(exc)) from None
        except WavyteError as exc:
            raise RowError(row.number, str(exc)) from None
        return comp

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
        if row.typed:
            return raw
        return _typed_cell(raw)

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
    if isinstance(raw, list):
        return raw
    s = str(raw).strip()
    h = s.lstrip("#")
    if s.startswith("#") and len(h) in (6, 8) and all(c in "0123456789abcdefABCDEF" for c in h):
        vals = [int(h[i : i + 2], 16) for i in range(0, len(h), 2)]
        return vals + [255] * (4 - len(vals))
    parts = [p.strip() for p in s.split(",")]
    if len(parts) in (3, 4) and all(p.isdigit() for p in parts):
        vals = [int(p) for p in parts]
        return vals + [255] * (4 - len(vals))
    raise RowError(
        row.number,
        f"{path}: ${{{name}}} = {s!r} is not a colour (#rrggbb, #rrggbbaa or r,g,b[,a])",
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
    crf: int
    preset: str
    threads: int


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
                report = render_to_file(
                    job,
                    path,
                    crf=shared.crf,
                    preset=shared.preset,
                    workers=1,
                    threads=shared.threads,
                )
            data = path.read_bytes()
        finally:
            remove_scratch(tmpdir)
        return TaskResult(
            self.key, data, report.frames, time.perf_counter() - t0, prepare_seconds=prep
        )


# ---------------------------------------------------------------------------- manifest


def read_manifest(path: Path) -> dict[int, dict[str, Any]]:
    """The last entry per row (a torn last line from an interrupted write is ignored)."""
    out: dict[int, dict[str, Any]] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(rec, dict) and isinstance(rec.get("row"), int):
            out[rec["row"]] = rec
    return out


class Manifest:
    """Appends one JSON line per finished row, flushed to disk at once."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._f = path.open("a", encoding="utf-8")

    def write(self, rec: dict[str, Any]) -> None:
        self._f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self._f.flush()
        os.fsync(self._f.fileno())

    def close(self) -> None:
        self._f.close()


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
    crf: int = 23,
    preset: str = "medium",
    threads: int = 0,
    resume: bool = True,
    registry: Any = None,
    progress: Callable[[int, int], None] | None = None,
    on_row: Callable[[dict[str, Any]], None] | None = None,
) -> BatchReport:
    """Render every row of ``data`` through ``template`` to ``out_pattern``.

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
    man_path = Path(manifest) if manifest is not None else default_manifest(out_pattern)
    root = Path(assets_root) if assets_root is not None else Path(template).resolve().parent
    done_before = read_manifest(man_path) if resume else {}
    report = BatchReport(rows=len(rows), manifest=str(man_path))
    man = Manifest(man_path)
    outputs: dict[int, Path] = {}
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
                out = output_for(out_pattern, row)
                key = out.resolve()
                if key in seen:
                    raise RowError(row.number, f"output {out} is also row {seen[key]}'s output")
                seen[key] = row.number
                prev = done_before.get(row.number)
                if (
                    prev
                    and prev.get("status") == "ok"
                    and prev.get("output") == str(out)
                    and out.exists()
                ):
                    report.skipped += 1
                    if progress is not None:
                        progress(finished + report.skipped, total)
                    continue
                comp = tpl.fill(row)
            except RowError as exc:
                record(_entry(row.number, None, "failed", error=str(exc)))
                continue
            outputs[row.number] = out
            tasks.append(RowTask(row.number, comp, out.suffix))
        if tasks:
            spec = BatchSpec(str(root.resolve()), backends, background, crf, preset, threads)
            session = open_executor(executor, options, registry)
            report.executor_startup_seconds = session.startup_seconds
            report.workers = session.workers
            try:
                for res in session.run(spec, tasks):
                    record(_finish_row(res, outputs[res.key]))
            finally:
                session.close()
    finally:
        man.close()
        if not cache_was_on:
            asset_cache.disable()
    report.seconds = time.perf_counter() - t0
    return report


def _finish_row(res: TaskResult, out: Path) -> dict[str, Any]:
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
    return _entry(res.key, out, "ok", frames=res.frames, seconds=res.seconds)


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
