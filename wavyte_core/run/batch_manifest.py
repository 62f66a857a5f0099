"""The batch manifest: what each row was rendered from and what it produced, so that a
rerun knows which rows it can trust.

One JSON line per finished row, appended and flushed as rows finish (the last line for a
row wins; a torn last line from an interrupted write is ignored). An ``ok`` entry records

- ``inputs``: hashes of the row's data (its values, canonical JSON), of the template file,
  of the asset files the row's composition names (content, each file read once per run)
  and of the render settings;
- ``bytes`` and ``sha256`` of the output file as written.

`stale_reason` (once per row on a rerun) says why a row must be rendered again — its
output is missing, truncated or different, or one of its inputs changed — or None when
its output can be kept.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from wavyte_core.errors import AssetError
from wavyte_core.format.paths import resolve_asset_path

#: Why a row is rendered again, in the order they are checked (reports list them so).
REASONS = (
    "output missing",
    "no hashes in the manifest",
    "row data changed",
    "template changed",
    "assets changed",
    "settings changed",
    "output truncated",
    "output changed",
)


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


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def row_data_hash(values: dict[str, Any]) -> str:
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return sha256_bytes(text.encode())


class InputHasher:
    """Hashes of a batch's inputs; each asset file is read once per run (keyed by path, size
    and modification time)."""

    def __init__(self, template_hash: str, root: Path, settings: Any) -> None:
        self.root = root
        self.template = template_hash
        self.settings = sha256_bytes(repr(settings).encode())
        self._files: dict[tuple[str, int, int], str] = {}

    def _file(self, path: Path) -> str:
        st = path.stat()
        key = (str(path), st.st_size, st.st_mtime_ns)
        h = self._files.get(key)
        if h is None:
            h = self._files[key] = sha256_file(path)
        return h

    def assets(self, filled: Any) -> str:
        """One hash over every file the row's filled composition value names under
        ``assets`` (strings that resolve to a file under the asset root). A file that does
        not exist is left out: the row then fails when it renders."""
        names: set[str] = set()
        _strings(filled.get("assets", {}) if isinstance(filled, dict) else {}, names)
        parts: list[str] = []
        for name in sorted(names):
            try:
                path = resolve_asset_path(self.root, name, "")
            except (AssetError, OSError, ValueError):
                continue
            parts.append(f"{name}\0{self._file(path)}")
        return sha256_bytes("\n".join(parts).encode())

    def inputs(self, values: dict[str, Any], filled: Any) -> dict[str, str]:
        return {
            "row": row_data_hash(values),
            "template": self.template,
            "assets": self.assets(filled),
            "settings": self.settings,
        }


def _strings(v: Any, out: set[str]) -> None:
    if isinstance(v, str):
        if v and "\n" not in v and len(v) < 4096:
            out.add(v)
    elif isinstance(v, dict):
        for x in v.values():
            _strings(x, out)
    elif isinstance(v, list):
        for x in v:
            _strings(x, out)


def output_facts(path: Path) -> dict[str, Any]:
    return {"bytes": path.stat().st_size, "sha256": sha256_file(path)}


def stale_reason(prev: dict[str, Any], out: Path, inputs: dict[str, str]) -> str | None:
    """Why the row with manifest entry ``prev`` (status ``ok``) must be rendered again, or
    None when ``out`` is exactly what it wrote from the same inputs. Reads the output."""
    if prev.get("output") != str(out) or not out.is_file():
        return "output missing"
    want = prev.get("bytes")
    old = prev.get("inputs")
    if not isinstance(want, int) or not isinstance(old, dict) or "sha256" not in prev:
        return "no hashes in the manifest"
    for key, reason in (
        ("row", "row data changed"),
        ("template", "template changed"),
        ("assets", "assets changed"),
        ("settings", "settings changed"),
    ):
        if old.get(key) != inputs[key]:
            return reason
    size = out.stat().st_size
    if size < want:
        return "output truncated"
    if size != want or sha256_file(out) != prev["sha256"]:
        return "output changed"
    return None
