"""JSON output exactly as the reference engine writes it (serde_json 1.0.149 + zmij 1.0.20).

wavyte-format.md §1.1: compact, floats with the zmij rules (plain decimal for decimal
exponents −5…15, else ``d.ddde±X`` with no padding), integers plain, strings escaped like
``json.dumps(ensure_ascii=False)``, object keys of free-form values sorted by byte order.
"""

from __future__ import annotations

import json
import math
from typing import Any

_encode_str = json.JSONEncoder(ensure_ascii=False).encode


def format_f64(x: float) -> str:
    """Format a float like serde_json/zmij: ``1.0``, ``0.00001``, ``1e+16``, ``1.5e-7``."""
    if math.isnan(x) or math.isinf(x):
        return "null"
    if x == 0.0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    sign = "-" if x < 0 else ""
    r = repr(abs(x))
    # Split repr into digits and the decimal exponent of the first digit.
    if "e" in r:
        mant, exp_s = r.split("e")
        exp = int(exp_s)
    else:
        mant, exp = r, 0
    if "." in mant:
        ip, fp = mant.split(".")
    else:
        ip, fp = mant, ""
    digits = (ip + fp).lstrip("0")
    # exponent of first significant digit
    if ip.strip("0"):
        e = exp + len(ip.lstrip("0")) - 1
    else:
        lead = len(fp) - len(fp.lstrip("0"))
        e = exp - lead - 1
    digits = digits.rstrip("0") or "0"
    n = len(digits)
    if -5 <= e <= 15:
        if n - 1 <= e:
            s = digits + "0" * (e + 1 - n) + ".0"
        elif e >= 0:
            s = digits[: e + 1] + "." + digits[e + 1 :]
        else:
            s = "0." + "0" * (-e - 1) + digits
    else:
        s = (
            digits[0]
            + ("." + digits[1:] if n > 1 else "")
            + "e"
            + ("-" if e < 0 else "+")
            + str(abs(e))
        )
    return sign + s


def dumps_value(v: Any, *, sort_keys: bool = True) -> str:
    """Serialise a free-form JSON value (effect/transition params) like serde_json::Value."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format_f64(v)
    if isinstance(v, str):
        return _encode_str(v)
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(dumps_value(x, sort_keys=sort_keys) for x in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: k.encode("utf-8")) if sort_keys else list(v)
        return (
            "{"
            + ",".join(_encode_str(k) + ":" + dumps_value(v[k], sort_keys=sort_keys) for k in keys)
            + "}"
        )
    raise TypeError(f"not a JSON value: {type(v).__name__}")


def dumps_str(s: str) -> str:
    return _encode_str(s)
