"""Indonesian number parsing: table-driven cases and property-based round-trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from utils.formatting import format_number, format_percent
from utils.ingest.numbers_id import NumberError, decimals_written, infer_decimal, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.948.162", 2948162.0),
        ("100,89%", 100.89),
        ("100,89 %", 100.89),
        ("100,89", 100.89),
        ("2948162", 2948162.0),
        ("100.89", 100.89),
        ("1,0089", 1.0089),
        ("2,948,162", 2948162.0),
        ("1.234,56", 1234.56),
        ("1,234.56", 1234.56),
        ("2.948", 2948.0),
        ("0.123", 0.123),
        ("12 345", 12345.0),
        ("12\u00a0345", 12345.0),
        ("-5", -5.0),
        ("(7)", -7.0),
        ("+3", 3.0),
        (" 42 ", 42.0),
        ("", None),
        ("-", None),
        ("–", None),
        (None, None),
        (3, 3.0),
        (2.5, 2.5),
        (float("nan"), None),
    ],
)
def test_parse_number(text: object, expected: float | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "1.2.3", "12,34,5", "1e5", "=SUM(A1:A3)", "1.234.5",
                                  "1,23,456", "12..3", "Rp", True])
def test_parse_number_rejects(text: object) -> None:
    with pytest.raises(NumberError):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "decimal", "integer", "expected"),
    [
        ("2.948", ".", False, 2.948),
        ("2.948", ",", False, 2948.0),
        ("1,234", None, True, 1234.0),
        ("1,234", None, False, 1.234),
        ("1,234", ".", False, 1234.0),
        ("2.948", None, True, 2948.0),
    ],
)
def test_parse_number_with_column_hints(text: str, decimal: str | None, integer: bool,
                                        expected: float) -> None:
    assert parse_number(text, decimal, integer) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2.948", "100,5"], ","),
        (["1,234.5"], "."),
        (["2.948.162", "12"], ","),
        (["2,948,162"], "."),
        (["100.89", "99.1"], "."),
        (["12", "13"], None),
        (["100.89", "100,89"], None),
        ([None, 12.5], None),
    ],
)
def test_infer_decimal(values: list, expected: str | None) -> None:
    assert infer_decimal(values) == expected


@pytest.mark.parametrize(("text", "places"), [("100,89", 2), ("2.948.162", 0), ("1,0089", 4),
                                             ("12", 0), (12.5, None)])
def test_decimals_written(text: object, places: int | None) -> None:
    assert decimals_written(text) == places


counts = st.integers(min_value=0, max_value=10**12)


@given(counts)
def test_indonesian_count_round_trip(value: int) -> None:
    text = format_number(value, "id")
    assert parse_number(text, integer=True) == value
    assert parse_number(text, infer_decimal([text]), integer=True) == value


@given(counts)
def test_english_count_round_trip(value: int) -> None:
    text = format_number(value, "en")
    assert parse_number(text, infer_decimal([text]), integer=True) == value


@given(counts)
def test_plain_count_round_trip(value: int) -> None:
    assert parse_number(str(value)) == value


percents = st.decimals(min_value=0, max_value=200, places=2, allow_nan=False)


@given(percents)
def test_indonesian_percent_round_trip(value) -> None:
    text = format_percent(float(value), "id")
    assert parse_number(text, ",") == pytest.approx(float(value))


@given(percents)
def test_english_percent_round_trip(value) -> None:
    text = format_percent(float(value), "en")
    assert parse_number(text, ".") == pytest.approx(float(value))


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda f: round(f, 4)))
def test_plain_python_float_text_round_trip(value: float) -> None:
    text = repr(value)
    if "e" in text:
        return
    assert parse_number(text, ".") == value


@given(st.text(max_size=12))
def test_never_crashes_unexpectedly(text: str) -> None:
    try:
        result = parse_number(text)
    except NumberError:
        return
    assert result is None or isinstance(result, float)
