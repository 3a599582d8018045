import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from utils.metrics.coverage import (
    OPTIONAL,
    aggregate,
    percent,
    select,
    with_optional,
    with_percent,
)


def _table(rows):
    return pd.DataFrame(rows, columns=["period", "code", "indicator", "numerator", "denominator",
                                       "is_demo"])


def test_aggregate_is_sum_over_sum_not_mean_of_percentages():
    table = _table([("2022-05-15", "64.74", "ktp_el", 99, 100, False),
                    ("2022-05-15", "64.08", "ktp_el", 500, 1000, False)])
    out = aggregate(table.assign(p="64"), "p").iloc[0]
    assert out["percent"] == pytest.approx(100 * 599 / 1100)  # not (99 + 50) / 2
    assert out["regions"] == 2


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [(102.44, 100, 102.44), (0, 10, 0.0), (5, 0, math.nan), (5, None, math.nan)],
)
def test_percent(num, den, expected):
    got = percent(pd.Series([num]), pd.Series([den], dtype="float")).iloc[0]
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


def test_select_keeps_coverage_above_100():
    table = _table([("2022-05-15", "64.74", "ktp_el", 1100, 1000, False)])
    assert select(table, "ktp_el", "2022-05-15")["percent"].iloc[0] == pytest.approx(110.0)


@given(st.lists(st.tuples(st.integers(0, 10**7), st.integers(1, 10**7)), min_size=1, max_size=30))
def test_aggregate_lies_between_the_extremes(pairs):
    table = _table([("p", str(i), "k", n, d, False) for i, (n, d) in enumerate(pairs)])
    total = aggregate(table.assign(g=1), "g")["percent"].iloc[0]
    each = [100 * n / d for n, d in pairs]
    assert min(each) - 1e-9 <= total <= max(each) + 1e-9


def test_with_percent_uses_the_given_percent_only_where_counts_are_missing():
    table = _table([("p", "64.01", "k", 90, 100, False), ("p", "64.74", "k", None, None, False),
                    ("p", "64.72", "k", None, None, False)])
    table["percent_given"] = [50.0, 99.5, math.nan]
    out = with_percent(table)["percent"].tolist()
    assert out[:2] == [90.0, 99.5] and math.isnan(out[2])  # counts win; neither: missing


def test_tables_without_optional_columns_read_as_before():
    table = _table([("p", "64.01", "k", 90, 100, False)])
    filled = with_optional(table)
    assert list(filled.columns) == [*table.columns, *OPTIONAL]
    assert filled.iloc[0][list(OPTIONAL)].tolist()[1:] == ["", 0.0]
    assert with_percent(table)["percent"].tolist() == [90.0]


def test_aggregate_reports_rows_without_counts_instead_of_a_complete_figure():
    table = _table([("p", "64.01", "k", 90, 100, False), ("p", "64.74", "k", None, None, False),
                    ("p", "65.01", "k", 5, 10, False)])
    table["percent_given"] = [math.nan, 99.5, math.nan]
    out = aggregate(table.assign(g=table["code"].str[:2]), "g").set_index("g")
    assert out.loc["64", "without_counts"] == 1 and not out.loc["64", "complete"]
    assert math.isnan(out.loc["64", "percent"]) and out.loc["64", "partial_numerator"] == 90
    assert out.loc["65", "percent"] == 50.0 and out.loc["65", "complete"]
