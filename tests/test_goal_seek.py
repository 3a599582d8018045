"""Goal-seek (utils.metrics.goal_seek, its words and the what-if page's section)."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.page_support import run_page
from utils.i18n import t, texts
from utils.metrics import goal_seek as gs
from utils.metrics import whatif as model
from utils.metrics.indicators import load_indicators
from utils.metrics.whatif_state import Scenario
from utils.report import goal_seek as words

NAN = math.nan
DEFS = load_indicators()


def arr(*values: float) -> np.ndarray:
    return np.array(values, dtype=float)


@pytest.mark.parametrize(
    "num, den, target, months, growth, expected",
    [
        (900, 1000, 95.0, 10, 0.0, 5),  # 50 missing over 10 months
        (900, 1000, 95.0, 3, 0.0, 17),  # ceil(50 / 3)
        (990, 1000, 95.0, 10, 0.0, 0),  # already above
        (950, 1000, 95.0, 10, 0.0, 0),  # exactly on the target
        (950, 1000, 95.0, 12, 0.02, 2),  # growth: 95 % of 1 020 = 969 → 19 over 12 months
        (950, 1000, 95.0, 12, -0.02, 0),  # shrinking denominator: met without extra
        (900, 1000, 95.0, 0, 0.0, NAN),  # deadline is now, not met: no number
        (990, 1000, 95.0, 0, 0.0, 0),  # deadline is now, met
        (NAN, 1000, 95.0, 6, 0.0, NAN),
        (900, NAN, 95.0, 6, 0.0, NAN),
        (900, 0, 95.0, 6, 0.0, NAN),
        (900, 1000, NAN, 6, 0.0, NAN),
        (0, 10, 0.0, 6, 0.0, 0),
    ],
)
def test_needed_per_month(num, den, target, months, growth, expected):
    got = gs.needed_per_month(arr(num), arr(den), arr(target), months, growth)[0]
    assert (math.isnan(got) and math.isnan(expected)) or got == expected


counts = st.integers(0, 3_000_000)
targets = st.integers(0, 1000).map(lambda v: v / 10)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(counts, st.integers(1, 3_000_000), targets), min_size=1, max_size=8),
       st.integers(1, 36), st.integers(-20, 50).map(lambda v: v / 1000))
def test_the_need_is_the_fewest_that_meets_the_target_in_the_model(rows, months, growth):
    """Put in as capacity, the need makes the what-if model meet the target at the
    deadline; one person a month fewer does not."""
    num, den, target = (np.array(c, dtype=float) for c in zip(*rows, strict=True))
    need = gs.needed_per_month(num, den, target, months, growth)
    base = pd.DataFrame({"code": [f"64.{i:02d}" for i in range(len(rows))], "province_code": "64",
                         "numerator": num, "denominator": den, "target": target,
                         "target_scope": "regency", "name": "x", "province_name": "y"})
    capacity = tuple(("x", c, float(v)) for c, v in zip(base["code"], need, strict=True))
    result = model.evaluate(base, Scenario(targets={"x": 50.0}, months=months,
                                           growth=growth * 100, capacity=capacity), "x")
    assert result["meets_end"].all()
    fewer = model.project(num, den, np.maximum(need - 1, 0), months, growth)
    assert not model.meets(*fewer, target)[need > 0].any()


@pytest.mark.parametrize(
    "num, den, target, pace, growth, expected",
    [
        (900, 1000, 95.0, 10, 0.0, 5),
        (900, 1000, 95.0, 9, 0.0, 6),  # 5.6 months → the 6th
        (960, 1000, 95.0, 0, 0.0, 0),  # already there
        (900, 1000, 95.0, 0, 0.0, NAN),  # no pace: never
        (900, 1000, 95.0, -5, 0.0, NAN),  # going backwards: never
        (900, 1000, 95.0, 0, -0.05, 13),  # a shrinking denominator gets there alone
        (900, 1000, 95.0, 0.1, 0.0, NAN),  # 500 months: beyond the horizon
        (900, 1000, 95.0, 10, NAN, NAN),
        (900, 1000, 95.0, NAN, 0.0, NAN),
    ],
)
def test_own_pace_month(num, den, target, pace, growth, expected):
    got = gs.own_pace_month(arr(num), arr(den), arr(target), arr(pace), arr(growth))[0]
    assert (math.isnan(got) and math.isnan(expected)) or got == expected


@settings(max_examples=200, deadline=None)
@given(counts, st.integers(1, 3_000_000), targets, st.integers(-500, 5000),
       st.integers(-20, 50).map(lambda v: v / 1000))
def test_the_own_pace_month_is_the_first_month_met(num, den, target, pace, growth):
    month = gs.own_pace_month(arr(num), arr(den), arr(target), arr(pace), arr(growth))[0]
    steps = np.arange(gs.REACH_HORIZON + 1)
    met = model.meets(num + pace * steps, den * (1 + growth) ** (steps / 12), target)
    met = met.to_numpy(dtype=bool)
    assert (math.isnan(month) and not met.any()) or (met[int(month)]
                                                   and not met[:int(month)].any())


def coverage_rows(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period", "code", "indicator", "numerator",
                                       "denominator"])


def test_history_uses_the_last_two_periods_with_counts():
    table = coverage_rows([
        ("2024-06-30", "64.01", "kia", 100, 1000),
        ("2024-12-31", "64.01", "kia", 160, 1010),
        ("2025-06-30", "64.01", "kia", 220, 1020),
        ("2025-06-30", "64.02", "kia", 500, 1000),  # one period only
        ("2024-12-31", "64.03", "kia", 100, 1000),  # its last period is older
        ("2024-06-30", "64.03", "kia", 90, 1000),
        ("2024-12-31", "64.04", "kia", 100, 1000),
        ("2025-06-30", "64.04", "kia", None, None),  # latest without counts
        ("2024-12-31", "64.05", "kia", 100, 0),
        ("2025-06-30", "64.05", "kia", 112, 10),  # earlier denominator 0: no growth
        ("2024-12-31", "64.01", "ikd", 1, 1),  # another indicator
        ("2025-12-31", "64.01", "kia", 999, 999),  # after the baseline
    ])
    got = gs.history(table, "kia", "2025-06-30").set_index("code")
    assert sorted(got.index) == ["64.01", "64.05"]
    assert got.loc["64.01", "pace"] == 10.0 and got.loc["64.01", "since"] == "2024-12-31"
    assert got.loc["64.01", "yearly_growth"] == pytest.approx((1020 / 1010) ** 2 - 1)
    assert got.loc["64.05", "pace"] == 2.0 and math.isnan(got.loc["64.05", "yearly_growth"])


def evaluated(rows: list[tuple], months: int, growth: float = 0.0) -> pd.DataFrame:
    base = pd.DataFrame(rows, columns=["code", "numerator", "denominator", "target",
                                       "without_counts"])
    base = base.assign(name="Kab " + base["code"], province_code="64", province_name="P",
                       target_scope="national")
    return model.evaluate(base, Scenario(targets={"x": 95.0}, months=months, growth=growth), "x")


def test_goal_table_statuses_sources_and_order():
    result = evaluated([
        ("64.01", 900, 1000, 95.0, False),  # needs 5 a month, own pace 10 → month 5
        ("64.02", 990, 1000, 95.0, False),  # meets it already
        ("64.03", None, None, 95.0, True),  # percent only
        ("64.04", None, None, 95.0, False),  # no data
        ("64.05", 800, 1000, 95.0, False),  # needs 15, no history
        ("64.06", 900, 1000, 95.0, False),  # needs 5, pace 0 → never
    ], months=10)
    past = pd.DataFrame({"code": ["64.01", "64.02", "64.06"], "pace": [10.0, 1.0, 0.0],
                         "yearly_growth": [0.0, 0.0, 0.0], "since": "2024-12-31",
                         "months_apart": 6})
    got = gs.goal_table(result, past, 10, 1.0)
    assert got["code"].tolist() == ["64.05", "64.01", "64.06", "64.02", "64.03", "64.04"]
    by = got.set_index("code")
    assert by["need_status"].to_dict() == {"64.05": "needs", "64.01": "needs", "64.06": "needs",
                                           "64.02": "met", "64.03": "no_counts",
                                           "64.04": "no_data"}
    assert by["own_status"].to_dict() == {"64.05": "no_history", "64.01": "month",
                                          "64.06": "never", "64.02": "now",
                                          "64.03": "no_counts", "64.04": "no_data"}
    assert by.loc["64.05", "growth_source"] == "scenario" and by.loc["64.05",
                                                                     "growth_used"] == 1.0
    assert by.loc["64.01", "growth_source"] == "data" and by.loc["64.01", "growth_used"] == 0
    assert by["on_time"].tolist() == [pd.NA, True, False, True, pd.NA, pd.NA] or \
        by["on_time"].astype(object).where(by["on_time"].notna(), None).tolist() == [
            None, True, False, True, None, None]
    totals = gs.goal_totals(got)
    assert totals == gs.GoalTotals(computed=4, needing=3, at_target=1, not_computable=2,
                                   needed=int(by.loc[["64.05", "64.01", "64.06"],
                                                     "needed"].sum()),
                                   on_time=2, without_history=1)
    assert gs.grand_total({"x": totals, "y": totals}) == 2 * totals.needed


def test_no_time_when_the_deadline_is_the_data_period():
    got = gs.goal_table(evaluated([("64.01", 900, 1000, 95.0, False)], months=0),
                        pd.DataFrame(columns=gs.HISTORY_COLUMNS), 0, 0.0)
    assert got["need_status"].tolist() == ["no_time"] and math.isnan(got["needed"][0])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_status_has_words_in_both_languages(lang):
    for status in gs.NEED_STATUSES:
        assert "goal." not in words.need_text(7.0, status, lang)
    for status in gs.OWN_STATUSES:
        assert "goal." not in words.own_text(3.0, status, "2025-06-30", lang)
    assert set(k for k in texts("id") if k.startswith(("goal.", "capacity."))) == set(
        k for k in texts("en") if k.startswith(("goal.", "capacity.")))


@pytest.mark.parametrize(
    "needed, status, month, own, lang, need_words, own_words",
    [
        (1204.0, "needs", 3.0, "month", "id", "1.204", "September 2025"),
        (0.0, "met", 0.0, "now", "id", "0 (memenuhi pada tenggat)", "sudah memenuhi"),
        (NAN, "no_counts", NAN, "no_counts", "en", "cannot be computed: percent only, no counts",
         "cannot be computed: percent only, no counts"),
        (5.0, "needs", NAN, "beyond", "en", "5", "not within 10 years at this pace"),
        (5.0, "needs", NAN, "never", "id", "5", "tidak pernah dengan laju ini"),
    ],
)
def test_words(needed, status, month, own, lang, need_words, own_words):
    assert words.need_text(needed, status, lang) == need_words
    assert words.own_text(month, own, "2025-06-30", lang) == own_words


def test_totals_table_sums_people_not_regions():
    tot = gs.GoalTotals(computed=3, needing=2, at_target=1, not_computable=0, needed=1500,
                        on_time=1, without_history=0)
    table = words.totals_table({"kia": tot, "ikd": tot}, DEFS, "id")
    assert table.iloc[-1].tolist() == ["Semua indikator", "", "", "", "3.000", ""]
    assert table.iloc[0].tolist()[:5] == [DEFS["kia"].label("id"), "2", "1", "0", "1.500"]


@pytest.fixture
def demo_store(built, tmp_path, monkeypatch):
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_page_section_and_demo_labelled_csv(demo_store, made, lang):
    files = made
    at = run_page("pages/whatif.py", lang, t_ktp_el="99.5", m="6")
    title = t("goal.title", lang, indicator=DEFS["ktp_el"].label(lang))
    assert title in [s.value for s in at.subheader]
    shown = at.dataframe[-1].value
    assert len(shown) == 514 and shown.columns[1] == t("goal.col.needed", lang)
    name = next(n for n in files if n.startswith("kebutuhan-"))
    rows = list(csv.reader(io.StringIO(files[name].decode("utf-8-sig")), delimiter=";"))
    where = rows[0].index(t("provenance.column", lang))
    assert len(rows) == 1 + 514 * len(DEFS)
    assert all(r[where] == t("provenance.demo", lang) for r in rows[1:])
    needed = rows[0].index(t("goal.csv.needed", lang))
    code = rows[0].index(t("whatif.csv.code", lang))
    first = {r[code]: r[needed] for r in rows[1:515]}
    top = shown.iloc[0]
    assert top[t("goal.col.needed", lang)].replace(".", "").replace(",", "") == max(
        (v for v in first.values() if v), key=int)
