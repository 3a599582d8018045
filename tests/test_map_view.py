"""The map page's state (URL) and per-region table: pure functions."""

from __future__ import annotations

from html import escape

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.charts import choropleth as charts
from utils.formatting import format_number
from utils.metrics import map_view

INDICATORS = ["ktp_el", "kia", "akta_lahir"]
PERIODS = ["2024-12-31", "2025-06-30"]
PROVINCES = ["11", "64", "65"]


@pytest.mark.parametrize(("params", "expected"), [
    ({}, map_view.MapState("ktp_el", "2025-06-30")),
    ({"ind": "kia", "per": "2024-12-31"}, map_view.MapState("kia", "2024-12-31")),
    ({"wil": "64", "tampil": "petak"}, map_view.MapState("ktp_el", "2025-06-30", "64", "prov",
                                                        "petak")),
    ({"lvl": "kab"}, map_view.MapState("ktp_el", "2025-06-30", "", "kab")),
    # Anything unknown falls back to the default instead of failing.
    ({"ind": "<script>", "per": "1999-01-01", "wil": "99", "lvl": "x", "tampil": "3d"},
     map_view.MapState("ktp_el", "2025-06-30")),
    ({"wil": "64.01"}, map_view.MapState("ktp_el", "2025-06-30")),  # a regency is not a scope
])
def test_parse_state(params, expected):
    assert map_view.parse_state(params, INDICATORS, PERIODS, PROVINCES) == expected


@given(st.sampled_from(INDICATORS), st.sampled_from(PERIODS), st.sampled_from(["", *PROVINCES]),
       st.sampled_from(map_view.LEVELS), st.sampled_from(map_view.VIEWS))
def test_a_link_reproduces_the_state(indicator, period, scope, level, view):
    state = map_view.MapState(indicator, period, scope, level, view)
    params = map_view.state_params(state)
    assert map_view.parse_state(params, INDICATORS, PERIODS, PROVINCES) == state


def test_default_parts_stay_out_of_the_link():
    state = map_view.MapState("kia", "2025-06-30")
    assert map_view.state_params(state) == {"ind": "kia", "per": "2025-06-30"}


def test_regions_level_follows_scope_and_level():
    assert map_view.MapState("kia", "p").regions_level == "province"
    assert map_view.MapState("kia", "p", level="kab").regions_level == "regency"
    assert map_view.MapState("kia", "p", scope="64").regions_level == "regency"


def _regions() -> pd.DataFrame:
    rows = [("64", "Kalimantan Timur", "province", "64"), ("65", "Kalimantan Utara", "province",
                                                           "65"),
            ("64.01", "Kabupaten Paser", "regency", "64"),
            ("64.74", "Kota Bontang", "regency", "64"),
            ("64.08", "Kabupaten Kutai Timur", "regency", "64"),
            ("65.01", "Kabupaten Malinau", "regency", "65"),
            ("65.71", "Kota Tarakan", "regency", "65")]
    frame = pd.DataFrame(rows, columns=["code", "name", "level", "province_code"])
    names = dict(zip(frame["code"], frame["name"], strict=True))
    frame["province_name"] = frame["province_code"].map(names)
    return frame


def _coverage() -> pd.DataFrame:
    values = {"64.01": (90, 100), "64.74": (1010, 1000), "64.08": (50, 100), "65.01": (99, 100)}
    return pd.DataFrame([
        {"period": "2025-06-30", "code": c, "indicator": "kia", "numerator": n,
         "denominator": d, "is_demo": False} for c, (n, d) in values.items()])


TARGETS = pd.DataFrame([{"indicator": "kia", "year": 2024, "scope": "national",
                         "target_percent": 60.0, "source": "x"},
                        {"indicator": "kia", "year": 2025, "scope": "65",
                         "target_percent": 99.5, "source": "y"}])


def test_regency_table_ranks_gaps_and_missing():
    out = map_view.regency_table(_coverage(), _regions(), TARGETS, "kia", "2025-06-30")
    row = out.set_index("code")
    assert row.loc["64.74", "percent"] == pytest.approx(101.0)  # above 100 % stays
    assert row.loc["64.74", "rank_national"] == 1 and row.loc["64.74", "rank_province"] == 1
    assert row.loc["64.08", "rank_province"] == 3 and row.loc["64.08", "of_province"] == 3
    assert row.loc["64.08", "gap"] == 10  # 60 % of 100 minus 50
    assert row.loc["65.01", "target"] == 99.5  # the province's own target wins
    assert row.loc["65.01", "gap"] == 1  # ceil(99.5 - 99)
    assert pd.isna(row.loc["65.71", "percent"])  # no data: missing, not zero
    assert pd.isna(row.loc["65.71", "rank_national"])
    assert row.loc["65.71", "of_national"] == 4


def test_province_values_are_sums_not_averages():
    out = map_view.province_table(_coverage(), _regions(), TARGETS, "kia", "2025-06-30")
    kaltim = out.set_index("code").loc["64"]
    assert kaltim["numerator"] == 1150 and kaltim["denominator"] == 1200
    assert kaltim["percent"] == pytest.approx(100 * 1150 / 1200)  # not mean(90, 101, 50)


def test_view_table_of_a_province_keeps_its_regencies_only():
    state = map_view.MapState("kia", "2025-06-30", scope="65")
    out = map_view.view_table(_coverage(), _regions(), TARGETS, state)
    assert list(out["code"]) == ["65.01", "65.71"]  # sorted by coverage, missing last


def test_table_frame_and_styling_keep_numbers_numeric():
    state = map_view.MapState("kia", "2025-06-30", level="kab")
    rows = map_view.view_table(_coverage(), _regions(), TARGETS, state)
    frame = map_view.table_frame(rows, state)
    assert frame["percent"].dtype.kind == "f"
    html = map_view.styled(frame, "id").to_html()
    assert "101,00" in html and "1.010" in html
    assert "1,010" in map_view.styled(frame, "en").to_html()
    provinces = map_view.table_frame(rows, map_view.MapState("kia", "2025-06-30"))
    assert "rank_province" not in provinces and "province" not in provinces


@pytest.mark.parametrize(("percent", "target", "expected"), [
    (89.29, 99.3, 0), (89.3, 99.3, 1), (94.3, 99.3, 2), (97.3, 99.3, 3), (99.29, 99.3, 3),
    (99.3, 99.3, 4), (100.0, 99.3, 4), (100.01, 99.3, 5), (None, 99.3, None),
    (29.9, 60.0, 0), (30.0, 60.0, 1), (60.0, 60.0, 4), (150.0, 60.0, 5),
    (99.99, 100.0, 3), (100.0, 100.0, 4), (120.0, 100.0, 4),  # no "above 100 %" class
    (59.0, None, 0), (95.0, None, 4), (100.5, None, 5),
])
def test_classes_against_the_target(percent, target, expected):
    got = charts.classify(pd.Series([percent], dtype="Float64"), target)[0]
    assert (None if pd.isna(got) else int(got)) == expected


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(0, 250, allow_nan=False)), min_size=1,
                max_size=40), st.one_of(st.none(), st.floats(40, 120, allow_nan=False)))
def test_lookup_frame_slots_have_the_colours_of_the_classes(percents, target):
    values = pd.DataFrame({"code": [f"64.{i:02d}" for i in range(len(percents))],
                           "percent": pd.array(percents, dtype="Float64")})
    frame = charts.lookup_frame(values, target)
    _, colours = charts.band_names(target, "Tanpa data", "id")
    index = charts.classify(values["percent"].astype(float), target)
    expected = [colours[int(i)] if pd.notna(i) else charts.NO_DATA_COLOUR for i in index]
    assert [charts.PALETTE[s] for s in frame["slot"]] == expected
    assert set(frame["slot"]) <= set(charts.used_slots(target))


def _urls(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["url"]] if "url" in node else []
        return own + [u for v in node.values() for u in _urls(v)]
    if isinstance(node, list):
        return [u for v in node for u in _urls(v)]
    return []


LABELS = {k: k for k in ("legend", "no_data", "region", "province", "percent", "numerator",
                         "denominator", "target", "gap", "rank_province", "rank_national")}


@pytest.mark.parametrize("level", ["regency", "province"])
def test_a_change_of_indicator_or_period_changes_only_the_values(level):
    """Same spec, other datasets: the browser swaps values and never refetches the map."""
    state = map_view.MapState("kia", "2025-06-30", level="kab" if level == "regency" else "prov")
    rows = map_view.view_table(_coverage(), _regions(), TARGETS, state)
    other = rows.assign(percent=rows["percent"] * 0.9)
    specs = []
    for values, target, legend in ((rows, 60.0, "Target 60"), (other, 99.3, "Target 99,3")):
        labels = {**LABELS, "legend": legend}
        chart = charts.choropleth("m.json", values, target, labels, level=level, select="pilih",
                                  named=True, legend=False)
        strip = charts.ranked_strip("r.csv", values, target, labels, named=True)
        specs.append((chart.pop("datasets"), strip.pop("datasets"), chart, strip))
    (maps, strips, *first), (maps2, _, *second) = specs
    assert first == second
    assert not maps[charts.REGIONS].equals(maps2[charts.REGIONS])
    assert float(strips[charts.TARGET]["target"][0]) == 60.0
    # one download draws the regions and the province borders
    assert set(_urls(first[0])) == {"m.json"} and _urls(first[1]) == ["r.csv"]


def test_map_and_strip_specs_are_valid_vega_lite_and_send_no_text_numbers():
    rows = map_view.view_table(_coverage(), _regions(), TARGETS,
                               map_view.MapState("kia", "2025-06-30", level="kab"))
    labels = {k: k for k in ("legend", "no_data", "region", "province", "percent", "numerator",
                             "denominator", "target", "gap", "rank_province", "rank_national")}
    charts.choropleth("x.json", rows, 60, labels, select="pilih").to_dict()  # validates
    charts.ranked_strip("x.json", rows, 60, labels).to_dict()
    spec = charts.choropleth("x.json", rows, 60, labels, select="pilih", named=True)
    frame = spec["datasets"][charts.REGIONS]
    assert frame["numerator"].dtype.name == "Int32"  # numbers travel as numbers
    assert set(frame["code"]) == {6401, 6474, 6408, 6501, 6571}
    assert spec["config"]["locale"]["number"]["thousands"] == "."
    assert format_number(1010, "id") == "1.010"


def test_the_legend_names_every_class_the_target_and_escapes_text():
    html = charts.legend_html(99.4, {"legend": "Target <b>99,40 %</b>",
                                     "no_data": "<script>x</script>"}, "id")
    assert "<script>x" not in html and "&lt;script&gt;x" in html
    assert "Target &lt;b&gt;99,40 %&lt;/b&gt;" in html
    for label in charts.class_labels(99.4, "id"):
        assert escape(label) in html
    assert html.count('class="cp-key"') == 7 and charts.NO_DATA_COLOUR in html
    at_100 = charts.legend_html(100.0, {"legend": "T", "no_data": "–"}, "en")
    assert at_100.count('class="cp-key"') == 6 and "≥ 100 %" in at_100
