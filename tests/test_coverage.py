import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from utils.metrics.coverage import aggregate, percent, select


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
