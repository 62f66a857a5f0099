"""Asset paths: the format's normalisation (§1.8) and confinement to the asset root.

An asset path is relative, has no ``..`` segment, and after resolving symlinks still lies
inside the asset root. Anything else is an `AssetError` naming the JSON path of the field.
"""

from __future__ import annotations

from pathlib import Path

from wavyte_core.errors import AssetError


def normalize_rel_path(p: str) -> str:
    """wavyte-format.md §1.8 ``normalize_rel_path``: ``\\``→``/``, relative, no ``..``."""
    s = p.replace("\\", "/")
    if s.startswith("/"):
        raise ValueError("asset paths must be relative")
    if not s:
        raise ValueError("asset path must be non-empty")
    segs = [seg for seg in s.split("/") if seg not in ("", ".")]
    if any(seg == ".." for seg in segs):
        raise ValueError("asset paths must not contain '..'")
    if not segs:
        raise ValueError("asset path must contain a file name")
    return "/".join(segs)


def resolve_asset_path(root: Path, rel: str, field: str) -> Path:
    """Resolve ``rel`` under ``root``; refuse escapes (absolute, ``..``, symlinks out)."""
    try:
        norm = normalize_rel_path(rel)
    except ValueError as exc:
        raise AssetError(field, f"{exc} (got {rel!r})") from None
    if len(norm) > 1 and norm[1] == ":":  # a Windows drive letter is absolute too
        raise AssetError(field, f"asset paths must be relative (got {rel!r})")
    root_real = root.resolve()
    full = (root_real / norm).resolve()
    if full != root_real and root_real not in full.parents:
        raise AssetError(
            field, f"{rel!r} resolves outside the asset root {root_real} (symlink escape)"
        )
    if not full.exists():
        raise AssetError(field, f"file not found: {root_real / norm}")
    if not full.is_file():
        raise AssetError(field, f"not a regular file: {root_real / norm}")
    return full
