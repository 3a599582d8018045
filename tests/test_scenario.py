"""The what-if model (utils.metrics.whatif): table-driven cases and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.metrics import attainment, coverage
from utils.metrics import whatif as scenario
from utils.metrics import whatif_state as choices
from utils.metrics.whatif_state import Scenario
from utils.report import whatif as report


def frame(rows: list[tuple], scopes: list[str] | None = None) -> pd.DataFrame:
    """A baseline frame from (code, numerator, denominator, target) rows."""
    out = pd.DataFrame(rows, columns=["code", "numerator", "denominator", "target"])
    out["name"] = "Kab " + out["code"]
    out["province_code"] = out["code"].str[:2]
    out["province_name"] = "Prov " + out["province_code"]
    out["target_scope"] = scopes or ["national"] * len(out)
    out["numerator"] = out["numerator"].astype(float)
    out["denominator"] = out["denominator"].astype(float)
    out["target"] = out["target"].astype(float)
    return out


@pytest.mark.parametrize(
    "months, growth, expected",
    [
        (0, 0.02, 1.0),
        (12, 0.02, 1.02),
        (24, 0.10, 1.21),
        (6, 0.0, 1.0),
        (6, 0.0404, math.sqrt(1.0404)),
        (12, -0.01, 0.99),
    ],
)
def test_growth_factor(months, growth, expected):
    assert scenario.growth_factor(months, growth) == pytest.approx(expected, rel=1e-12)
    factors = scenario.growth_factors(months, growth)
    assert len(factors) == months + 1 and factors[0] == 1.0


@pytest.mark.parametrize(
    "num, den, target, gap, met",
    [
        (95970, 100000, 99.3, 3330, False),
        (102440, 100000, 99.3, 0, True),
        (993, 1000, 99.3, 0, True),  # exactly on the target
        (992, 1000, 99.3, 1, False),
        (1, 3, 50.0, 1, False),  # 1.5 - 1 = 0.5 → 1 person
        (0, 10, 0.0, 0, True),
        (5, 0, 50.0, None, None),  # no denominator
        (None, 10, 50.0, None, None),
        (5, 10, None, None, None),  # no target
    ],
)
def test_gaps_and_meets_follow_gap_people(num, den, target, gap, met):
    nan = float("nan")
    n, d, t = (np.array([nan if v is None else v], dtype=float) for v in (num, den, target))
    got_gap = scenario.gaps(n, d, t)[0]
    got_met = scenario.meets(n, d, t)[0]
    if gap is None:
        assert math.isnan(got_gap) and got_met is pd.NA
    else:
        assert got_gap == gap and bool(got_met) is met
    assert (None if math.isnan(got_gap) else int(got_gap)) == attainment.gap_people(
        num, den, target
    )


@pytest.mark.parametrize(
    "num, den, target, outreach, months, growth, expected",
    [
        (900, 1000, 95.0, 10, 12, 0.0, 5),  # 900 + 10 × 5 = 950
        (960, 1000, 95.0, 0, 12, 0.0, 0),  # already met
        (900, 1000, 95.0, 0, 12, 0.0, None),  # no outreach: never
        (900, 1000, 95.0, 10, 4, 0.0, None),  # too few months
        (950, 1000, 95.0, 0, 12, 0.05, None),  # met now, growth drops it below
        (940, 1000, 95.0, 10, 0, 0.0, None),  # no horizon
        (900, 1000, 95.0, 50, 12, 0.5, 4),  # 1100 ≥ 950 × 1.5 ** (4/12) = 1087.5; 1050 < 1051.4
    ],
)
def test_reach_month(num, den, target, outreach, months, growth, expected):
    got = scenario.reach_month(
        np.array([num], float), np.array([den], float), np.array([target]), outreach, months, growth
    )[0]
    assert (None if math.isnan(got) else int(got)) == expected


def test_reach_month_is_given_exactly_when_the_deadline_meets():
    base = frame(
        [
            ("11.01", 900, 1000, 95),
            ("11.02", 950, 1000, 95),
            ("11.03", 800, 1000, 95),
            ("11.04", None, 1000, 95),
        ]
    )
    result = scenario.evaluate(
        base, Scenario(targets={"x": 95.0}, outreach=20, months=6, growth=3.0), "x"
    )
    assert result["reach_month"].notna().tolist() == result["meets_end"].fillna(False).tolist()
    assert result["category"].tolist() == [
        "newly_passing",
        "still_meeting",
        "still_below",
        "no_data",
    ]


def test_change_categories():
    before = pd.array([True, False, True, False, None, True], dtype="boolean")
    after = pd.array([False, True, True, False, True, None], dtype="boolean")
    assert scenario.change_category(before, after).tolist() == [
        "newly_failing",
        "newly_passing",
        "still_meeting",
        "still_below",
        "no_data",
        "no_data",
    ]


def test_scenario_targets_keep_narrower_targets_and_apply_the_override():
    base = frame(
        [
            ("11.01", 1, 1, 99.4),
            ("65.01", 1, 1, 98.0),
            ("65.02", 1, 1, 97.0),
            ("66.01", 1, 1, None),
        ],
        scopes=["national", "province", "regency", np.nan],
    )
    assert scenario.scenario_targets(base, 99.0).tolist() == [99.0, 98.0, 97.0, 99.0]
    assert scenario.scenario_targets(base, 99.0, "65", 90.0).tolist() == [99.0, 90.0, 90.0, 99.0]
    assert scenario.scenario_targets(base, 99.0, "65.02", 90.0).tolist() == [99.0, 98.0, 90.0, 99.0]


@pytest.mark.parametrize(
    "picked, expected",
    [
        ((), [100, 100, 100]),
        (("65",), [0, 100, 100]),
        (("65.02", "11.01"), [100, 0, 100]),
    ],
)
def test_outreach_goes_to_the_picked_regions(picked, expected):
    base = frame([("11.01", 1, 1, 1), ("65.01", 1, 1, 1), ("65.02", 1, 1, 1)])
    assert scenario.outreach_per_region(base, 100, picked).tolist() == expected


@pytest.mark.parametrize(
    "period, months, expected",
    [
        ("2025-06-30", 0, (2025, 6)),
        ("2025-06-30", 6, (2025, 12)),
        ("2025-06-30", 7, (2026, 1)),
        ("2024-12-31", 25, (2027, 1)),
    ],
)
def test_add_months(period, months, expected):
    assert scenario.add_months(period, months) == expected


def test_month_labels_and_reach_texts():
    assert report.month_label("2025-06-30", 6, "id") == "Desember 2025"
    assert report.month_label("2025-06-30", 7, "en") == "January 2026"
    assert report.reach_text(0, "2025-06-30", "id") == "sudah"
    assert report.reach_text(float("nan"), "2025-06-30", "id") == "tidak tercapai"
    assert report.reach_text(3, "2025-06-30", "en") == "September 2025"


def test_totals_and_scope_sums():
    base = frame([("11.01", 900, 1000, 95), ("11.02", 990, 1000, 95), ("12.01", 500, 1000, 95)])
    result = scenario.evaluate(base, Scenario(targets={"x": 99.0}), "x")
    tot = scenario.totals(result)
    assert (tot.meeting_base, tot.meeting_end, tot.newly_failing) == (1, 1, 0)
    assert tot.gap_base == 50 + 450 and tot.gap_end == 90 + 0 + 490
    assert scenario.scope_sums(result, "11") == (1890.0, 2000.0)
    assert scenario.scope_sums(result, None) == (2390.0, 3000.0)


# --- links and saved forms -------------------------------------------------------------


BASE = Scenario(targets={"ktp_el": 99.4, "kia": 60.0}, months=6, indicator="ktp_el")
IND = ["ktp_el", "kia", "akta_lahir"]


def test_query_round_trip_restores_every_slider():
    scen = Scenario(
        targets={"ktp_el": 98.5, "kia": 65.0},
        scope="64",
        overrides={"kia": 70.0},
        outreach=250,
        outreach_regions=("64.01", "65"),
        months=12,
        growth=1.2,
        indicator="kia",
    )
    params = choices.to_query(scen)
    assert params["o"] == "250" and params["m"] == "12" and params["r"] == "64.01,65"
    assert choices.from_query(params, BASE, IND, {"64", "64.01", "65"}) == scen


@pytest.mark.parametrize(
    "params, check",
    [
        ({"t_ktp_el": "abc"}, lambda s: s.targets["ktp_el"] == 99.4),
        ({"t_ktp_el": "150"}, lambda s: s.targets["ktp_el"] == 100.0),
        ({"t_ktp_el": "nan"}, lambda s: s.targets["ktp_el"] == 99.4),
        ({"t_ktp_el": "99,7"}, lambda s: s.targets["ktp_el"] == 99.7),
        ({"m": "-4"}, lambda s: s.months == 0),
        ({"m": "999"}, lambda s: s.months == choices.MONTHS_MAX),
        ({"o": "1e9"}, lambda s: s.outreach == choices.OUTREACH_MAX),
        ({"g": "-50"}, lambda s: s.growth == choices.GROWTH_MIN),
        ({"i": "<script>"}, lambda s: s.indicator == "ktp_el"),
        ({"r": "64.01,../../etc,64.01"}, lambda s: s.outreach_regions == ("64.01",)),
        ({"x_kia": "70"}, lambda s: s.overrides == {}),  # no scope, no override
        ({"s": "99.99", "x_kia": "70"}, lambda s: s.scope is None),
    ],
)
def test_broken_links_fall_back_or_clip(params, check):
    assert check(choices.from_query(params, BASE, IND, {"64", "64.01"}))


def test_no_change_gives_the_defaults():
    assert choices.from_query({}, BASE, IND, set()) == BASE


# --- properties ------------------------------------------------------------------------


counts = st.integers(min_value=0, max_value=5_000_000)
targets2 = st.integers(min_value=0, max_value=10_000).map(lambda v: v / 100)


@st.composite
def baselines(draw) -> pd.DataFrame:
    size = draw(st.integers(min_value=1, max_value=30))
    rows = []
    for i in range(size):
        den = draw(st.integers(min_value=1, max_value=5_000_000))
        num = draw(st.integers(min_value=0, max_value=int(den * 1.1)))
        missing = draw(st.sampled_from([False] * 9 + [True]))
        rows.append((f"{11 + i % 3}.{i:02d}", None if missing else num, den, draw(targets2)))
    return frame(rows)


@st.composite
def scenarios(draw) -> Scenario:
    return Scenario(
        targets={"x": draw(targets2)},
        outreach=draw(st.integers(0, choices.OUTREACH_MAX)),
        months=draw(st.integers(0, choices.MONTHS_MAX)),
        growth=draw(st.integers(-20, 50).map(lambda v: v / 10)),
    )


@settings(max_examples=150, deadline=None)
@given(baselines(), scenarios(), targets2, targets2)
def test_raising_a_target_never_adds_regions_meeting_it(base, scen, a, b):
    low, high = sorted((a, b))
    for when in ("meeting_now", "meeting_end"):
        lower = scenario.totals(
            scenario.evaluate(
                base, Scenario(**{**choices.to_dict(scen), "targets": {"x": low}}), "x"
            )
        )
        higher = scenario.totals(
            scenario.evaluate(
                base, Scenario(**{**choices.to_dict(scen), "targets": {"x": high}}), "x"
            )
        )
        assert getattr(higher, when) <= getattr(lower, when)
        assert higher.gap_end >= lower.gap_end


@settings(max_examples=150, deadline=None)
@given(baselines(), scenarios(), st.integers(0, choices.OUTREACH_MAX))
def test_more_outreach_never_lowers_coverage(base, scen, extra):
    plain = dict(choices.to_dict(scen), outreach_regions=())
    less = scenario.evaluate(base, Scenario(**plain), "x")
    more = scenario.evaluate(base, Scenario(**{**plain, "outreach": scen.outreach + extra}), "x")
    known = less["percent_end"].notna()
    assert (more["percent_end"][known] >= less["percent_end"][known]).all()
    assert (more["meets_end"].fillna(False) >= less["meets_end"].fillna(False)).all()
    assert (more["gap_end"][known] <= less["gap_end"][known]).all()


@settings(max_examples=150, deadline=None)
@given(baselines(), st.integers(0, choices.MONTHS_MAX))
def test_zero_change_reproduces_the_baseline_exactly(base, months):
    # targets in force as the national slider, no outreach, no growth, any horizon
    scen = Scenario(targets={"x": float(base["target"].iloc[0])}, months=months)
    base = base.assign(target=float(base["target"].iloc[0]))
    result = scenario.evaluate(base, scen, "x")
    assert result["meets_end"].equals(result["meets_base"])
    assert np.array_equal(result["gap_end"], result["gap_base"], equal_nan=True)
    assert np.array_equal(result["percent_end"], result["percent_now"], equal_nan=True)
    assert set(result["category"]) <= {"still_meeting", "still_below", "no_data"}
    expected = [
        attainment.gap_people(n, d, t)
        for n, d, t in zip(base["numerator"], base["denominator"], base["target"], strict=True)
    ]
    got = [None if math.isnan(g) else int(g) for g in result["gap_base"]]
    assert got == expected


@settings(max_examples=200, deadline=None)
@given(counts, st.integers(min_value=1, max_value=5_000_000), targets2)
def test_vectorised_gap_equals_gap_people(num, den, target):
    got = scenario.gaps(np.array([num], float), np.array([den], float), target)[0]
    assert int(got) == attainment.gap_people(num, den, target)


# --- on the demo data, against the targets page's numbers -------------------------------


def test_demo_baseline_matches_the_attainment_module(built):
    from utils import demo
    from utils.geo import cache_record as build_record
    from utils.metrics import regions, targets

    table, regs = demo.read_demo(), regions.read_regions(build_record.cache_dir() / "regions.csv")
    registry = targets.load_targets()
    period = coverage.latest_period(table)
    year = int(period[:4])
    for indicator in ("ktp_el", "kia", "akta_lahir"):
        rows = coverage.select(table, indicator, period)
        base = scenario.baseline(
            rows, regs, scenario.in_force_targets(registry, indicator, year, regs)
        )
        national = targets.target_for(registry, indicator, year, None).percent
        result = scenario.evaluate(
            base, Scenario(targets={indicator: national}, months=6), indicator
        )
        assert len(result) == 514
        regencies = regs[regs["level"] == "regency"]
        reference = attainment.region_attainment(
            rows,
            regencies[["code", "name"]],
            attainment.scope_targets(registry, indicator, year, regencies[["code"]], regs),
        )
        merged = result.merge(reference, on="code", suffixes=("", "_ref"))
        assert (merged["gap_end"].astype("Int64") == merged["gap"]).all()
        assert (merged["meets_end"] == merged["meets"]).all()
        tot = scenario.totals(result)
        assert tot.meeting_end == attainment.count_meeting(reference)
        assert (tot.newly_failing, tot.newly_passing) == (0, 0)


# --- reporting -------------------------------------------------------------------------


def test_export_frame_has_every_region_and_indicator():
    base = frame([("11.01", 900, 1000, 95), ("11.02", None, 1000, 95)])
    result = scenario.evaluate(base, Scenario(targets={"x": 95.0}, outreach=10, months=6), "x")
    out = report.export_frame({"x": result, "y": result}, "2025-06-30", "id")
    assert len(out) == 4
    assert list(out.columns)[:3] == ["indikator", "kode", "kabupaten_kota"]
    assert out["tercapai"].tolist()[:2] == ["November 2025", "tidak tercapai"]  # 900 + 10 × 5


def test_summary_html_escapes_user_text():
    html = report.summary_html("<b>x</b>", ["a & b"], pd.DataFrame({"k": ["<script>"]}), ["n"])
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;x" in html


def test_compare_rows_puts_scenarios_side_by_side():
    base = frame([("11.01", 900, 1000, 95)])
    scen = Scenario(targets={"x": 80.0}, outreach=5, months=3)
    tot = {"x": scenario.totals(scenario.evaluate(base, scen, "x"))}
    table = report.compare_rows([("Sekarang", None, tot), ("A", scen, tot)], {"x": "X"}, "id")
    assert list(table.columns) == ["Angka", "Sekarang", "A"]
    row = table.set_index("Angka").loc["X — memenuhi target"]
    assert row.tolist() == ["0 / 1", "1 / 1"]


@pytest.mark.parametrize(
    "value, target, state",
    [
        (99.1, 99.4, "below"),
        (101.3, 99.4, "above_100"),
        (None, 60.0, "no_data"),
        (75.0, None, "no_target"),
    ],
)
def test_gauge_template_draws_what_the_gauge_module_draws(value, target, state):
    """The fast gauge (template + rows) equals utils.charts.gauges.gauge, data included."""
    from utils.charts import gauges
    from utils.charts import whatif as scenario_charts

    texts = {
        "title": "KTP-el",
        "value": "99,10 %",
        "status": "kurang 5 jiwa",
        "target": "T",
        "low": "0",
        "high": "110 %",
        "tooltip": "1 dari 2",
    }
    fast = scenario_charts.gauge_spec(value, target, state, texts)
    slow = gauges.gauge(value, target, state, texts).to_dict()
    datasets = slow.pop("datasets")
    for fast_layer, slow_layer in zip(fast["layer"], slow["layer"], strict=True):
        rows = datasets[slow_layer.pop("data")["name"]]
        assert pd.DataFrame(fast_layer.pop("data")["values"]).equals(pd.DataFrame(rows))
    assert fast == slow
