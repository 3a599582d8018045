"""No stored value can take the site down: every count is bounded where it enters.

The importer reads a number only when it is finite and stores a count only
when it is whole and plausible for its region; the store refuses anything
else on its own; what the pure layer is given it formats without raising.
"""

from __future__ import annotations

import io
import math

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utils.formatting import format_number, format_percent, format_percent_against
from utils.ingest import store as store_module
from utils.ingest.importer import Context, analyse
from utils.ingest.numbers_id import (
    MAX_PROVINCE_COUNT,
    MAX_REGENCY_COUNT,
    NumberError,
    count_limit,
    count_problem,
    parse_number,
)
from utils.metrics import map_view

HEADER = "NO;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM\n"
GOOD = "2;KOTA BONTANG;100000;95000\n"
NASTY = ["9" * 400, "1" + "0" * 308, "1e308", "1e400", "inf", "-inf", "Infinity", "NaN", "nan",
         "-0", "-0,0", "(0)", "1.7976931348623157e308", "0x10", "1_000", "²",
         "20.000.001", "100.000.001", "12,5", "1.234,5", "-1", "9" * 309, "0,0000001"]


@pytest.fixture(scope="module")
def context(regions: pd.DataFrame) -> Context:
    return Context.load(regions)


def number_texts() -> st.SearchStrategy[str]:
    """Texts an officer or an attacker might put in a count cell."""
    digits = st.text("0123456789", min_size=1, max_size=420)
    floats = st.floats(allow_nan=True, allow_infinity=True).map(repr)
    grouped = st.integers(0, 10**12).map(lambda n: f"{n:,}".replace(",", "."))
    written = st.tuples(st.integers(0, 10**9), st.integers(0, 999)).map(lambda p: f"{p[0]},{p[1]}")
    return st.one_of(st.sampled_from(NASTY), digits, floats, grouped, written,
                     st.text("0123456789.,-+e %()", min_size=1, max_size=30))


def _messages_are_clear(report, row: int, cell: str) -> list[str]:
    """The errors of ``row`` in both languages: each names the row, none shows a
    float's spelling of infinity or not-a-number that the cell did not hold."""
    texts = []
    for issue in (e for e in report.errors if e.row == row):
        for lang in ("id", "en"):
            text = issue.message(lang)
            assert text.startswith(("Baris 3", "Row 3")), text
            for word in ("inf", "nan", "e+"):
                assert word not in text.lower() or word in cell.lower(), text
            texts.append(text)
    return texts


def _stored_values_are_sound(table: pd.DataFrame) -> None:
    for code, num, den in zip(table["code"], table["numerator"], table["denominator"],
                              strict=True):
        for value in (num, den):
            assert count_problem(value, code) is None, (code, value)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=number_texts(), column=st.sampled_from(["numerator", "denominator"]))
def test_a_count_is_stored_only_when_finite_whole_and_plausible(
        context: Context, text: str, column: str) -> None:
    den, num = ("100000", text) if column == "numerator" else (text, "95000")
    body = HEADER + GOOD + f"3;KOTA SAMARINDA;{den};{num}\n"
    report = analyse(body.encode(), "ktp_2022-05-15.csv", context)
    table = report.table if report.table is not None else pd.DataFrame(columns=["code"])
    _stored_values_are_sound(table)
    if "64.72" in set(table["code"]):  # stored: the row was right, and the store agrees
        value = float(table.set_index("code").loc["64.72", column])
        assert count_problem(value, "64.72") is None
        store_module._validated(table, "2022-05-15")
    else:
        assert _messages_are_clear(report, 3, text)


@pytest.mark.parametrize("text", NASTY)
def test_nasty_numbers_never_reach_the_table(context: Context, text: str) -> None:
    body = HEADER + GOOD + f"3;KOTA SAMARINDA;{text};{text}\n"
    report = analyse(body.encode(), "ktp_2022-05-15.csv", context)
    table = report.table
    _stored_values_are_sound(table)
    if text in {"-0", "-0,0", "(0)"}:  # zero of zero: a zero denominator, refused
        assert [e.kind for e in report.errors if e.row == 3] == ["zero_denominator"]
    assert "64.72" not in set(table["code"])
    assert _messages_are_clear(report, 3, text) or text.lower() == "nan"  # NaN;NaN: a note


@pytest.mark.parametrize(("num", "den", "kind"), [
    (95000, 10**308, "implausible"),
    (95000, MAX_REGENCY_COUNT + 1, "implausible"),
    (1e308, 1e308, "implausible"),
    (95000.5, 100000, "not_whole"),
])
def test_workbook_numbers_are_bounded(context: Context, num: float, den: float,
                                      kind: str) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NO", "KABUPATEN/KOTA", "WAJIB KTP-EL", "SUDAH REKAM"])
    sheet.append([1, "KOTA BONTANG", 100000, 95000])
    sheet.append([2, "KOTA SAMARINDA", den, num])
    buffer = io.BytesIO()
    book.save(buffer)
    report = analyse(buffer.getvalue(), "ktp_2022-05-15.xlsx", context)
    assert [e.kind for e in report.errors if e.row == 3] == [kind]
    assert list(report.table["code"]) == ["64.74"]
    message = next(e for e in report.errors if e.row == 3).message("id")
    assert len(message) < 200 and ("20.000.000" in message or "95.000,50" in message), message


def test_a_derived_denominator_is_bounded_too(context: Context) -> None:
    header = "NO;KABUPATEN/KOTA;SUDAH REKAM;% REKAM\n"
    body = header + "1;KOTA BONTANG;95000;95,00\n2;KOTA SAMARINDA;95000;0,0000001\n"
    report = analyse(body.encode(), "ktp_2022-05-15.csv", context)
    assert [e.kind for e in report.errors if e.row == 3] == ["implausible"]
    assert list(report.table["code"]) == ["64.74"]


@pytest.mark.parametrize(("value", "code", "expected"), [
    (0.0, "64.74", None), (5_600_000.0, "32.01", None), (float(MAX_REGENCY_COUNT), "64.74", None),
    (MAX_REGENCY_COUNT + 1.0, "64.74", "implausible"), (50_000_000.0, "32", None),
    (MAX_PROVINCE_COUNT + 1.0, "32", "implausible"), (float("inf"), "64", "implausible"),
    (float("-inf"), "64", "implausible"), (float("nan"), "64", "implausible"),
    (1e308, "64", "implausible"), (-1.0, "64", "negative"), (2.5, "64", "not_whole"),
    (-0.0, "64", None),
])
def test_count_problem(value: float, code: str, expected: str | None) -> None:
    assert count_problem(value, code) == expected


def test_limits_are_plausible_and_fit_the_map() -> None:
    assert count_limit("32.01") == MAX_REGENCY_COUNT and count_limit("32") == MAX_PROVINCE_COUNT
    # Kabupaten Bogor (~5,6 million) and Jawa Barat (~50 million) fit with room to grow
    assert MAX_REGENCY_COUNT > 3 * 5_600_000 and MAX_PROVINCE_COUNT > 1.5 * 50_000_000
    assert 38 * MAX_REGENCY_COUNT < 2**31 - 1  # a province's sum fits the map's Int32


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), 10**400, "9" * 400, "1e400"])
def test_parse_number_never_returns_a_non_finite_value(value: object) -> None:
    with pytest.raises(NumberError):
        parse_number(value, integer=True)


@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**400, 10**400),
                 st.text(max_size=420)))
def test_parse_number_is_finite_or_refuses(value: object) -> None:
    try:
        number = parse_number(value, integer=True)
    except NumberError:
        return
    assert number is None or math.isfinite(number)
    assert number != 0 or math.copysign(1.0, number) == 1.0  # never -0


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), pd.NA, None,
                                   10**400, "12", object()])
def test_formatting_of_no_figure_never_raises(value: object) -> None:
    assert format_number(value, "id") == "–"  # type: ignore[arg-type]
    assert format_percent(value, "en") == "–"  # type: ignore[arg-type]
    assert format_percent_against(value, 99.3, "id", meets=False) == "–"  # type: ignore[arg-type]
    assert format_percent_against(99.0, value, "id") == "99,00 %"  # type: ignore[arg-type]


@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True,
                                                                 allow_infinity=True),
       st.sampled_from([None, True, False]))
def test_formatting_any_float_never_raises(value: float, target: float,
                                           meets: bool | None) -> None:
    for lang in ("id", "en"):
        assert isinstance(format_number(value, lang), str)
        assert isinstance(format_percent_against(value, target, lang, meets), str)


def test_map_rows_without_a_possible_figure_show_no_data() -> None:
    rows = pd.DataFrame({
        "code": ["64.01", "64.02", "64.03", "64.04", "64.05", "64.06"],
        "numerator": [90.0, float("inf"), 5.0, 5.0, -1.0, None],
        "denominator": [100.0, float("inf"), float("inf"), 0.0, 10.0, None],
        "percent": [90.0, float("nan"), 0.0, float("inf"), -10.0, 80.0]})
    assert list(map_view.usable(rows)["code"]) == ["64.01", "64.06"]
