import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import i18n
from utils.demo import PERIODS, build_demo, read_demo
from utils.metrics.coverage import with_percent
from utils.metrics.indicators import load_indicators
from utils.metrics.targets import load_targets, scopes_for, target_for, targets_in_force


@pytest.fixture(scope="module")
def demo(built):
    return with_percent(read_demo())


def test_demo_covers_every_regency_indicator_and_period(demo):
    from utils.demo import KECAMATAN_REGENCIES
    from utils.metrics.kecamatan import split

    demo, lower = split(demo)
    assert demo["code"].nunique() == 514
    assert set(lower["code"].str[:5]) == set(KECAMATAN_REGENCIES)  # and a few regencies' kecamatan
    assert lower["is_demo"].all()
    assert sorted(demo["indicator"].unique()) == sorted(load_indicators())
    per_cell = demo.groupby(["code", "indicator", "period"]).size()
    assert (per_cell == 1).all() and len(per_cell) == 514 * len(load_indicators()) * len(PERIODS)
    assert sorted(demo["period"].unique()) == PERIODS and len(PERIODS) >= 4
    assert demo["is_demo"].all()
    assert (demo["numerator"] >= 0).all() and (demo["denominator"] > 0).all()


@pytest.mark.parametrize(("indicator", "low", "high"),
                         [("ktp_el", 93, 103), ("kia", 30, 100), ("akta_lahir", 75, 100),
                          ("ikd", 5, 35)])
def test_demo_is_plausible_in_the_latest_period(demo, indicator, low, high):
    from utils.metrics.kecamatan import split

    demo = split(demo)[0]  # the regencies (their kecamatan are split from them)
    last = demo[(demo["indicator"] == indicator) & (demo["period"] == PERIODS[-1])]["percent"]
    assert last.between(low, high).mean() > 0.95


def test_demo_is_deterministic_and_skips_missing_population():
    regs = pd.DataFrame({"code": ["64.74", "64.08"], "population": pd.array([191811, None],
                                                                           dtype="Int64")})
    first, second = build_demo(regs, ["ktp_el"]), build_demo(regs, ["ktp_el"])
    pd.testing.assert_frame_equal(first, second)
    assert set(first["code"]) == {"64.74"}


@pytest.mark.parametrize(
    ("indicator", "year", "code", "expected", "scope"),
    [("ktp_el", 2022, "64.74", 99.3, "national"), ("ktp_el", 2020, "65.01", 98.0, "65"),
     ("ktp_el", 2022, "65", 99.3, "national"), ("kia", 2025, None, 60.0, "national"),
     ("kia", 2022, "64", 40.0, "national"), ("akta_lahir", 2020, "65", 92.0, "65")],
)
def test_target_in_force(indicator, year, code, expected, scope):
    target = target_for(load_targets(), indicator, year, code)
    assert target.percent == expected and target.scope == scope


def _rule(registry: pd.DataFrame, year: int, code: str | None) -> tuple | None:
    """The rule read literally: latest year not after ``year``, then the narrowest scope."""
    scopes = scopes_for(code)
    rows = registry[(registry["year"] <= year) & registry["scope"].isin(scopes)]
    if rows.empty:
        return None
    latest = rows[rows["year"] == rows["year"].max()]
    row = latest.loc[latest["scope"].map(scopes.index).idxmin()]
    return int(row["year"]), row["scope"], float(row["target_percent"])


@settings(deadline=None, max_examples=200)
@given(st.lists(st.tuples(st.integers(2018, 2026), st.sampled_from(
    ["national", "64", "65", "64.74", "65.71"]), st.floats(10, 110)), max_size=12),
    st.integers(2017, 2027))
def test_many_regions_at_once_follow_the_same_rule(entries, year):
    registry = pd.DataFrame(entries or None, columns=["year", "scope", "target_percent"])
    registry = registry.assign(indicator="kia", source="s").astype({"year": int})
    codes = [None, "64", "65", "64.74", "64.08", "65.71", "66.01"]
    found = targets_in_force(registry, "kia", year, codes)
    for code in codes:
        got = found[code]
        assert ((got.year, got.scope, got.percent) if got else None) == _rule(registry, year, code)
        assert target_for(registry, "kia", year, code) == got


def test_no_target_is_invented():
    assert target_for(load_targets(), "ktp_el", 2019, None) is None
    assert scopes_for("65.71") == ["65.71", "65", "national"]


def test_both_languages_have_the_same_keys_and_placeholders():
    ind, en = i18n.texts("id"), i18n.texts("en")
    assert ind.keys() == en.keys()
    for key in ind:
        assert set(re.findall(r"{(\w+)}", ind[key])) <= set(re.findall(r"{(\w+)}", en[key])) | {
            "what"}, key
