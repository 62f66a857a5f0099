"""serde_json 1.0.149 number rules, NaN rejection, duplicate keys and the nesting limit."""

from __future__ import annotations

import math

import pytest

from wavyte_core.errors import CompositionError
from wavyte_core.format.jsonparse import JsonObject, parse_json, serde_f64, serde_int


def is_neg_zero(x: object) -> bool:
    return isinstance(x, float) and x == 0.0 and math.copysign(1.0, x) < 0


def test_appendix_a13_vector_is_not_correctly_rounded() -> None:
    v = parse_json("2078400771.9238894")
    assert v.hex() == "0x1.ef87840fb2102p+30"
    assert float("2078400771.9238894").hex() == "0x1.ef87840fb2101p+30"
    assert repr(v) == "2078400771.9238896"


def test_integer_and_float_classification() -> None:
    v = parse_json("[8, 8.0, 1e2, -0, -0.0, 0, -5, 1E+2]")
    assert [type(x) for x in v] == [int, float, float, float, float, int, int, float]
    assert v[0] == 8 and v[1] == 8.0 and v[2] == 100.0 and v[7] == 100.0
    assert is_neg_zero(v[3]) and is_neg_zero(v[4])
    assert v[6] == -5


@pytest.mark.parametrize(
    ("literal", "expected_type", "expected"),
    [
        ("18446744073709551615", int, 18446744073709551615),
        ("18446744073709551616", float, 1.8446744073709552e19),
        ("-9223372036854775808", int, -9223372036854775808),
        ("-9223372036854775809", float, -9.223372036854776e18),
        ("-18446744073709551616", float, -1.8446744073709552e19),
    ],
)
def test_integers_beyond_u64_i64_become_floats(
    literal: str, expected_type: type, expected: float
) -> None:
    v = parse_json(literal)
    assert type(v) is expected_type
    assert v == expected


@pytest.mark.parametrize(
    "lit", ["0.1", "1.5", "123.456", "3.14159", "1e-5", "2.5e10", "0.3", "640.0", "1e22", "-7.25"]
)
def test_short_literals_equal_correct_rounding(lit: str) -> None:
    assert parse_json(lit) == float(lit)


def test_long_literal_uses_u64_significand_then_one_multiply() -> None:
    # 20 significant digits: the 20th does not fit in u64 and is dropped (exponent +1).
    lit = "98765432109876543210"
    assert serde_int(lit) == float(9876543210987654321) * 10.0
    # fraction digits after a u64 overflow are ignored.
    assert serde_f64("1.23456789012345678901234") == float(12345678901234567890) / 1e19


def test_tiny_exponent_divides_by_1e308_repeatedly() -> None:
    assert serde_f64("1e-320") == 1.0 / 1e308 / 1e12
    assert serde_f64("1e-400") == 0.0
    assert parse_json("0e999999999999") == 0.0
    assert is_neg_zero(parse_json("-1e-99999999999"))


@pytest.mark.parametrize("lit", ["1e309", "1.8e308", "1e99999999999", "-1e400"])
def test_number_out_of_range(lit: str) -> None:
    with pytest.raises(CompositionError, match="number out of range") as ei:
        parse_json('{"a": [1, ' + lit + "]}")
    assert "line 1" in str(ei.value)


@pytest.mark.parametrize("tok", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_rejected(tok: str) -> None:
    with pytest.raises(CompositionError, match="invalid JSON at line 2 column 6") as ei:
        parse_json('{"a":\n  [1,' + tok + "]}")
    assert tok in str(ei.value)


def test_duplicate_keys_are_remembered_last_wins() -> None:
    v = parse_json('{"a": 1, "b": 2, "a": 3, "a": 4}')
    assert isinstance(v, JsonObject)
    assert v == {"a": 4, "b": 2}
    assert v.shadowed == {"a": [1, 3]}
    assert parse_json('{"x": 1}').shadowed == {}


def test_nesting_limit_matches_serde() -> None:
    ok = parse_json("[" * 127 + "]" * 127)
    depth = 0
    while isinstance(ok, list) and ok:
        ok = ok[0]
        depth += 1
    assert depth == 126
    with pytest.raises(CompositionError, match="line 1 column 128: recursion limit exceeded"):
        parse_json("[" * 128 + "]" * 128)
    with pytest.raises(CompositionError, match="recursion limit exceeded"):
        parse_json('{"a":' * 5000 + "1" + "}" * 5000)


def test_syntax_errors_have_line_and_column() -> None:
    with pytest.raises(CompositionError, match=r"invalid JSON at line 2 column \d+") as ei:
        parse_json('{"a": 1,\n "b": }')
    assert ei.value.path == ""
    with pytest.raises(CompositionError, match="invalid JSON"):
        parse_json("[1, 2,]")
    with pytest.raises(CompositionError, match="invalid JSON"):
        parse_json("01")


def test_bytes_must_be_utf8() -> None:
    assert parse_json('{"t": "é"}'.encode()) == {"t": "é"}
    with pytest.raises(CompositionError, match="not UTF-8"):
        parse_json(b'{"t": "\xff"}', source="x.json")
