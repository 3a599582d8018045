"""Attainment maths: gaps in people, ranks, extremes, counts, province ranks, changes."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from utils.metrics import attainment as at
from utils.metrics.targets import load_targets

REGIONS = pd.DataFrame(
    [("64", "Kalimantan Timur", "province", "64"),
     ("64.08", "Kabupaten Kutai Timur", "regency", "64"),
     ("64.72", "Kota Samarinda", "regency", "64"), ("64.74", "Kota Bontang", "regency", "64"),
     ("64.11", "Kabupaten Mahakam Ulu", "regency", "64"),
     ("65", "Kalimantan Utara", "province", "65"), ("65.71", "Kota Tarakan", "regency", "65"),
     ("65.01", "Kabupaten Bulungan", "regency", "65"),
     ("66", "Provinsi Tanpa Data", "province", "66"),
     ("66.01", "Kabupaten Kosong", "regency", "66")],
    columns=["code", "name", "level", "province_code"])
TARGETS = pd.DataFrame(
    [("ktp_el", 2024, "national", 99.0, "n"), ("ktp_el", 2024, "65", 98.0, "p"),
     ("ktp_el", 2024, "64.11", 90.0, "r")],
    columns=["indicator", "year", "scope", "target_percent", "source"])


def coverage_rows(period: str, values: dict[str, tuple[int, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"period": period, "code": c, "indicator": "ktp_el", "numerator": n,
                          "denominator": d, "is_demo": False} for c, (n, d) in values.items()])


TABLE = pd.concat([
    coverage_rows("2024-06-30", {"64.08": (950, 1000), "64.72": (1000, 1000),
                                 "64.74": (500, 500), "65.71": (970, 1000),
                                 "65.01": (990, 1000)}),
    coverage_rows("2024-12-31", {"64.08": (960, 1000), "64.72": (1010, 1000),
                                 "64.74": (505, 500), "64.11": (95, 100),
                                 "65.71": (985, 1000), "65.01": (980, 1000)}),
], ignore_index=True)


@pytest.mark.parametrize(("numerator", "denominator", "target", "gap"), [
    (993, 1000, 99.3, 0),          # exactly on target: 0.993 × 1000 must not round up
    (992, 1000, 99.3, 1),
    (95970, 100000, 99.3, 3330),
    (102440, 100000, 99.3, 0),     # above 100 %
    (1, 3, 50, 1),                 # 1.5 − 1 = 0.5 → 1 person
    (0, 10, 99.3, 10),             # 9.93 → 10
    (467701, 458845, 98, 0),
    (None, 1000, 99.3, None),
    (990, None, 99.3, None),
    (990, 0, 99.3, None),          # no denominator: no coverage, no gap
    (990, 1000, None, None),       # no target: never invented
    (float("nan"), 1000, 99.3, None),
])
def test_gap_people(numerator, denominator, target, gap):
    assert at.gap_people(numerator, denominator, target) == gap


@given(st.integers(0, 10**7), st.integers(1, 10**7),
       st.floats(0, 120, allow_nan=False).map(lambda v: round(v, 2)))
def test_gap_is_zero_iff_target_met_and_is_minimal(numerator, denominator, target):
    gap = at.gap_people(numerator, denominator, target)
    met = at.meets_target(numerator, denominator, target)
    assert (gap == 0) == met
    assert at.meets_target(numerator + gap, denominator, target)
    if gap > 0:
        assert not at.meets_target(numerator + gap - 1, denominator, target)
    assert (gap == 0) == (Fraction(100 * numerator, denominator) >= Fraction(repr(target)))


@pytest.mark.parametrize(("values", "ranks"), [
    ([90.0, 95.0, 95.0, None], [3, 1, 1, None]),
    ([101.0, 99.0, 100.0], [1, 3, 2]),
    ([None, None], [None, None]),
    ([50.0], [1]),
    ([80.0, 80.0, 80.0, 70.0], [1, 1, 1, 4]),
])
def test_rank_min_ties_and_missing(values, ranks):
    got = at.rank_min(pd.Series(values, dtype=float)).tolist()
    assert [None if pd.isna(v) else v for v in got] == ranks


@given(st.lists(st.one_of(st.none(), st.floats(0, 150, allow_nan=False)), min_size=1,
                max_size=40))
def test_rank_one_is_the_maximum(values):
    series = pd.Series(values, dtype=float)
    ranks = at.rank_min(series)
    known = series.dropna()
    if known.empty:
        assert ranks.isna().all()
        return
    assert set(series[ranks == 1]) == {known.max()}
    assert ranks.isna().equals(series.isna())
    assert int(ranks.max()) <= len(known)


@pytest.mark.parametrize(("rows", "highest", "lowest"), [
    ([("A", 95.0), ("B", 102.0), ("C", 97.0)], (("B",), 102.0), (("A",), 95.0)),
    ([("A", 99.0), ("B", 99.0), ("C", 90.0)], (("A", "B"), 99.0), (("C",), 90.0)),
    ([("A", 90.0), ("B", None), ("C", 90.0)], (("A", "C"), 90.0), (("A", "C"), 90.0)),
    ([("A", None)], None, None),
])
def test_extremes_list_every_tied_region(rows, highest, lowest):
    frame = pd.DataFrame(rows, columns=["name", "percent"])
    high, low = at.extremes(frame)
    assert (high and (high.names, high.percent)) == (highest or None)
    assert (low and (low.names, low.percent)) == (lowest or None)


@pytest.mark.parametrize(("current", "previous", "expected"), [
    (100.5, 99.9, 0.6), (90.0, 92.5, -2.5), (None, 90.0, None), (90.0, None, None),
])
def test_change_in_points(current, previous, expected):
    got = at.change(current, previous)
    assert got == pytest.approx(expected) if expected is not None else got is None


@pytest.mark.parametrize(("periods", "period", "expected"), [
    (["2024-06-30", "2024-12-31", "2023-12-31"], "2024-12-31", "2024-06-30"),
    (["2024-06-30"], "2024-06-30", None),
    (["2025-06-30", "2024-06-30"], "2024-12-31", "2024-06-30"),
])
def test_previous_period(periods, period, expected):
    assert at.previous_period(periods, period) == expected


@pytest.mark.parametrize(("code", "level", "names"), [
    (None, "national", ["Kalimantan Timur", "Kalimantan Utara", "Provinsi Tanpa Data"]),
    ("65", "province", ["Kota Tarakan", "Kabupaten Bulungan"]),
    ("64.74", "regency", ["Kota Bontang"]),
])
def test_scope_levels_and_members(code, level, names):
    assert at.scope_level(code) == level
    assert list(at.regions_in_scope(REGIONS, code)["name"]) == names


def test_region_attainment_keeps_regions_without_data_last():
    rows = TABLE[TABLE["period"] == "2024-06-30"]
    scope = at.regions_in_scope(REGIONS, "64")
    targets = at.scope_targets(TARGETS, "ktp_el", 2024, scope, REGIONS)
    assert targets["64.11"] == 90.0 and targets["64.08"] == 99.0  # regency target wins
    table = at.region_attainment(rows, scope, targets)
    assert list(table["name"]) == ["Kota Bontang", "Kota Samarinda", "Kabupaten Kutai Timur",
                                   "Kabupaten Mahakam Ulu"]
    assert table["rank"].tolist()[:3] == [1, 1, 3] and pd.isna(table["rank"].iloc[3])
    assert table["gap"].tolist()[:3] == [0, 0, 40] and pd.isna(table["gap"].iloc[3])
    assert at.count_meeting(table) == 2
    below = at.shortfalls(table)
    assert [(b.name, b.gap) for b in below] == [("Kabupaten Kutai Timur", 40)]


def test_province_ranks_by_coverage_and_by_count():
    rows = TABLE[TABLE["period"] == "2024-12-31"]
    ranks = at.province_ranks(rows, REGIONS, TARGETS, "ktp_el", 2024).set_index("code")
    # Kaltim: (960+1010+505+95)/(1000+1000+500+100) = 98.85 %; Kaltara (985+980)/2000 = 98.25 %
    assert ranks.loc["64", "percent"] == pytest.approx(2570 / 26)
    assert ranks.loc["64", "rank_percent"] == 1 and ranks.loc["65", "rank_percent"] == 2
    assert pd.isna(ranks.loc["66", "rank_percent"])  # no data: not ranked, not last
    # Kaltim: Samarinda, Bontang, Mahakam Ulu (own target 90) meet; Kaltara both meet 98 %
    assert ranks.loc["64", "meeting"] == 3 and ranks.loc["65", "meeting"] == 2
    assert ranks.loc["64", "rank_meeting"] == 1 and ranks.loc["65", "rank_meeting"] == 2
    assert pd.isna(ranks.loc["66", "meeting"]) and ranks.loc["66", "regencies"] == 1


def test_scope_facts_for_a_province():
    facts, table = at.scope_facts(TABLE, REGIONS, TARGETS, "ktp_el", "2024-12-31", "64")
    assert facts.scope_level == "province" and facts.scope_name == "Kalimantan Timur"
    assert facts.percent == pytest.approx(2570 / 26)
    assert facts.target.percent == 99.0 and facts.gap == at.gap_people(2570, 2600, 99.0) == 4
    assert facts.highest.names == ("Kota Bontang", "Kota Samarinda")  # tie at 101 %, by name
    assert facts.lowest.names == ("Kabupaten Mahakam Ulu",)  # 95 %, yet meets its own 90 %
    assert facts.meeting == 3 and facts.with_data == 4 and facts.missing == ()
    assert facts.rank == 1 and facts.rank_of == 2 and facts.rank_meeting == 1
    assert facts.previous_period == "2024-06-30"
    assert facts.change == pytest.approx(2570 / 26 - 2450 / 25)
    assert len(table) == 4


def test_scope_facts_national_reports_missing_and_no_rank():
    facts, table = at.scope_facts(TABLE, REGIONS, TARGETS, "ktp_el", "2024-06-30", None)
    assert facts.missing == ("Provinsi Tanpa Data",) and facts.with_data == 2
    assert facts.rank is None and facts.previous_period is None and facts.change is None
    assert list(table["code"]) == ["64", "65", "66"]


def test_scope_facts_without_target_or_data():
    facts, _ = at.scope_facts(TABLE, REGIONS, TARGETS.iloc[0:0], "ktp_el", "2024-12-31", "66")
    assert facts.percent is None and facts.target is None and facts.gap is None
    assert facts.missing == ("Kabupaten Kosong",)
    facts, table = at.scope_facts(TABLE, REGIONS, TARGETS.iloc[0:0], "ktp_el", "2024-12-31", "65")
    assert facts.target is None and facts.gap is None and facts.meeting == 0
    assert table["meets"].isna().all() and facts.below == ()


def test_real_targets_registry_applies_province_targets(built):
    from utils.geo import build as boundaries
    from utils.metrics.regions import read_regions
    regions = read_regions(boundaries.cache_dir() / "regions.csv")
    scope = at.regions_in_scope(regions, "65")
    targets = at.scope_targets(load_targets(), "kia", 2020, scope, regions)
    assert set(targets) == {50.0}
    national = at.scope_targets(load_targets(), "kia", 2020, at.regions_in_scope(regions, None),
                                regions)
    assert national["65"] == 50.0 and national["64"] == 20.0 and len(national) == 38
