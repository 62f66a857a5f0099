"""JSON text → Python values, with serde_json 1.0.149's number rules (wavyte-format.md §1.1).

Why not plain ``json.loads``: the reference engine reads numbers with serde_json built
without ``float_roundtrip``, so some float literals land one ulp away from Python's
correctly rounded ``float()``; ``-0`` is a float; integers too large for u64/i64 become
floats; ``NaN``/``Infinity`` are not JSON; nesting is limited to 127 levels; and a key
repeated in one object is an error for structs but "last wins" for maps. This module runs
the fast C scanner of ``json`` with hooks that apply those rules, and returns objects as
`JsonObject` (a ``dict`` that remembers which keys were repeated) so the loader can decide
per field whether a repetition is an error.

Called once per document, never per frame.
"""

from __future__ import annotations

import json
import re
from typing import Any

from wavyte_core.errors import CompositionError

__all__ = ["JsonObject", "parse_json", "serde_f64", "serde_int", "MAX_DEPTH"]

U64_MAX = (1 << 64) - 1
I32_MAX = (1 << 31) - 1
#: serde_json's recursion limit: the 128th nested ``[``/``{`` is an error.
MAX_DEPTH = 128
_POW10 = tuple(float(f"1e{i}") for i in range(309))
_FLOAT_LITERAL = re.compile(r"(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([-+]?)([0-9]+))?")


class JsonObject(dict):
    """A JSON object: a ``dict`` (last value wins) plus the values its repeated keys shadowed.

    ``shadowed`` maps each repeated key to the earlier values, in document order. It is
    empty for almost every object, so it costs one attribute.
    """

    __slots__ = ("shadowed",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__()
        self.shadowed: dict[str, list[Any]] = {}
        for k, v in pairs:
            if k in self:
                self.shadowed.setdefault(k, []).append(self[k])
            self[k] = v


class _NumberOutOfRange(ValueError):
    pass


class _NotJson(ValueError):
    pass


def _f64_from_parts(negative: bool, significand: int, exponent: int) -> float:
    """serde_json ``f64_from_parts``: one rounding of the significand, then one ×/÷ 10^|e|."""
    f = float(significand)
    while True:
        a = -exponent if exponent < 0 else exponent
        if a <= 308:
            if exponent >= 0:
                f *= _POW10[a]
                if f == float("inf"):
                    raise _NumberOutOfRange
            else:
                f /= _POW10[a]
            break
        if f == 0.0:
            break
        if exponent >= 0:
            raise _NumberOutOfRange
        f /= 1e308
        exponent += 308
    return -f if negative else f


def _gather(significand: int, digits: str) -> tuple[int, int]:
    """Accumulate ``digits`` into a u64 until the next digit would overflow.

    Returns the significand and how many digits were taken.
    """
    taken = 0
    for ch in digits:
        nxt = significand * 10 + (ord(ch) - 48)
        if nxt > U64_MAX:
            break
        significand = nxt
        taken += 1
    return significand, taken


def _serde_float_parts(
    negative: bool, int_digits: str, frac_digits: str, exp_sign: str, exp_digits: str
) -> float:
    significand, taken = _gather(0, int_digits)
    exponent = len(int_digits) - taken  # dropped integer digits
    if frac_digits:
        # Also after dropped integer digits (parse_long_integer → parse_decimal), fraction
        # digits are gathered while they fit; the first one that does not ends the gathering.
        significand, ftaken = _gather(significand, frac_digits)
        exponent -= ftaken
    if exp_digits:
        e = int(exp_digits)
        if e > I32_MAX:  # parse_exponent_overflow
            if significand != 0 and exp_sign != "-":
                raise _NumberOutOfRange
            return -0.0 if negative else 0.0
        exponent = exponent - e if exp_sign == "-" else exponent + e
        exponent = max(min(exponent, I32_MAX), -I32_MAX - 1)  # i32 saturating add/sub
    return _f64_from_parts(negative, significand, exponent)


def serde_f64(literal: str) -> float:
    """The f64 serde_json (no ``float_roundtrip``) reads from a float literal.

    Raises ``ValueError`` for a literal that is not a JSON number or is out of range.
    """
    m = _FLOAT_LITERAL.fullmatch(literal)
    if m is None:
        raise _NotJson(literal)
    neg, ip, fp, es, ed = m.groups()
    return _serde_float_parts(neg == "-", ip, fp or "", es or "", ed or "")


def serde_int(literal: str) -> int | float:
    """Classify an integer literal as serde_json does: u64, i64, or (``-0``, too big) f64."""
    negative = literal[0] == "-"
    digits = literal[1:] if negative else literal
    n = int(digits)
    if n > U64_MAX:
        return _serde_float_parts(negative, digits, "", "", "")
    if not negative:
        return n
    if n == 0 or n > (1 << 63):
        return -float(n)
    return -n


def _parse_int_hook(literal: str) -> int | float:
    return serde_int(literal)


def _parse_float_hook(literal: str) -> float:
    return serde_f64(literal)


def _parse_constant_hook(name: str) -> Any:
    raise _NotJson(name)


_DECODER = json.JSONDecoder(
    object_pairs_hook=JsonObject,
    parse_int=_parse_int_hook,
    parse_float=_parse_float_hook,
    parse_constant=_parse_constant_hook,
)

# Error-path only: find where in the text a hook failed or nesting went too deep.
_TOKENS = re.compile(
    r'"(?:[^"\\]|\\.)*"'
    r"|(?P<num>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)"
    r"|(?P<const>NaN|-?Infinity)"
    r"|(?P<open>[\[{])|(?P<close>[\]}])",
    re.S,
)


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def _fail(text: str, pos: int, what: str) -> CompositionError:
    line, col = _line_col(text, pos)
    return CompositionError("", f"invalid JSON at line {line} column {col}: {what}")


def _locate_bad_token(text: str) -> CompositionError:
    depth = 0
    for m in _TOKENS.finditer(text):
        kind = m.lastgroup
        if kind == "open":
            depth += 1
            if depth >= MAX_DEPTH:
                return _fail(text, m.start(), "recursion limit exceeded")
        elif kind == "close":
            depth -= 1
        elif kind == "const":
            return _fail(
                text,
                m.start(),
                f"'{m.group()}' is not valid JSON (NaN and infinities are not allowed)",
            )
        elif kind == "num":
            try:
                if any(c in m.group() for c in ".eE"):
                    serde_f64(m.group())
            except _NumberOutOfRange:
                return _fail(text, m.end() - 1, "number out of range")
    return _fail(text, 0, "invalid number")


def _max_depth_reached(v: Any, depth: int = 1) -> bool:
    """True when a container sits at nesting level ``MAX_DEPTH`` or deeper."""
    if depth >= MAX_DEPTH:
        return True
    if isinstance(v, dict):
        return any(
            isinstance(x, (dict, list)) and _max_depth_reached(x, depth + 1) for x in v.values()
        )
    return any(isinstance(x, (dict, list)) and _max_depth_reached(x, depth + 1) for x in v)


def parse_json(text: str | bytes, *, source: str = "<composition>") -> Any:
    """Parse one JSON document with serde_json's rules; objects come back as `JsonObject`.

    Raises `CompositionError` (path ``""``) with the line and column of the problem.
    ``source`` only names the document in the message when the bytes are not UTF-8.
    """
    if isinstance(text, (bytes, bytearray, memoryview)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as e:
            raise CompositionError(
                "", f"invalid JSON in {source}: not UTF-8 (byte {e.start})"
            ) from None
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as e:
        raise CompositionError(
            "", f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}"
        ) from None
    except (_NumberOutOfRange, _NotJson, RecursionError):
        raise _locate_bad_token(text) from None
    if isinstance(value, (dict, list)) and _max_depth_reached(value):
        raise _locate_bad_token(text)
    return value
