"""The version of the plugin API and the check of what a plugin says it needs.

``API_VERSION`` is ``MAJOR.MINOR``: the minor grows when the API gains something (a new
hook, a new context field), the major when something a plugin may use changes or goes.
A plugin declares the range it was written for as a module attribute of its entry-point
module (or attribute of the registered object)::

    WAVYTE_API = ">=1.0,<2"

and the registry checks it once, when it loads the plugin: a plugin whose range excludes
this wavyte is reported by ``wavyte plugins`` with the reason and is not loaded (its kinds
and backends are not registered), instead of failing later with an ``AttributeError``
in the middle of a render. A plugin without ``WAVYTE_API`` is loaded as before.
"""

from __future__ import annotations

import re

__all__ = ["API_VERSION", "api_mismatch", "parse_api_range"]

#: The plugin API this wavyte provides.
API_VERSION = "1.0"

_CLAUSE = re.compile(r"\s*(>=|<=|==|!=|~=|>|<)?\s*(\d+(?:\.\d+)*)\s*")
_OPS = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def _version(text: str) -> tuple[int, int]:
    parts = [int(x) for x in text.split(".")]
    return (parts[0], parts[1] if len(parts) > 1 else 0)


def parse_api_range(spec: str) -> list[tuple[str, tuple[int, int]]]:
    """``">=1.0,<2"`` → ``[(">=", (1, 0)), ("<", (2, 0))]``; ``ValueError`` when it is not
    a comma-separated list of comparisons (``>=``, ``<=``, ``>``, ``<``, ``==``, ``!=``,
    ``~=``) with ``MAJOR[.MINOR]`` versions. A bare version means ``==``."""
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"WAVYTE_API must be a string like '>=1.0,<2', got {spec!r}")
    out = []
    for clause in spec.split(","):
        m = _CLAUSE.fullmatch(clause)
        if m is None:
            raise ValueError(f"WAVYTE_API {spec!r}: cannot read {clause.strip()!r}")
        op, ver = m.group(1) or "==", _version(m.group(2))
        if op == "~=":  # compatible release: same major, at least this minor
            out += [(">=", ver), ("<", (ver[0] + 1, 0))]
        else:
            out.append((op, ver))
    return out


def api_mismatch(spec: object, provided: str = API_VERSION) -> str | None:
    """Why a plugin declaring ``WAVYTE_API = spec`` cannot load here, or None."""
    try:
        clauses = parse_api_range(spec)  # type: ignore[arg-type]
    except ValueError as exc:
        return str(exc)
    have = _version(provided)
    for op, ver in clauses:
        if not _OPS[op](have, ver):
            return (
                f"needs wavyte plugin API {spec}, this wavyte provides {provided} "
                "(upgrade the plugin or wavyte, whichever is older)"
            )
    return None
