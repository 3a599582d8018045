"""Gauge and bullet chart builders: scales past 100 %, target marks, order, colours."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from utils.charts import gauges
from utils.metrics.attainment import Facts
from utils.metrics.indicators import load_indicators
from utils.metrics.targets import Target


@pytest.mark.parametrize(("values", "top"), [
    ((67.69, 40.0), 100), ((100.0, 99.3), 100), ((100.89, 99.3), 110), ((102.44, None), 110),
    ((123.4, 99.0), 130), ((None, None), 100), ((float("nan"), 101.0), 110),
])
def test_scale_max(values, top):
    assert gauges.scale_max(*values) == top


@given(st.floats(0, 500, allow_nan=False), st.floats(0, 200, allow_nan=False))
def test_scale_holds_value_and_target(value, target):
    top = gauges.scale_max(value, target)
    assert top >= max(value, target) and top >= 100
    assert -math.pi / 2 <= gauges.angle(value, top) <= math.pi / 2


@pytest.mark.parametrize(("percent", "target", "meets", "state"), [
    (None, 99.3, None, "no_data"), (float("nan"), 99.3, None, "no_data"),
    (98.0, None, None, "no_target"), (98.0, 99.3, False, "below"),
    (99.5, 99.3, True, "met"), (102.4, 99.3, True, "above_100"),
])
def test_status(percent, target, meets, state):
    assert gauges.status(percent, target, meets) == state


def test_gauge_arcs_mark_target_and_hundred_when_above_100():
    arcs = gauges.gauge_arcs(102.44, 99.3, "above_100").set_index("part")
    assert set(arcs.index) == {"track", "value", "hundred", "target"}
    assert arcs.loc["value", "t1"] == pytest.approx(-math.pi / 2 + math.pi * 102.44 / 110)
    assert arcs.loc["value", "t1"] < math.pi / 2  # not clipped: the scale reaches 110 %
    assert arcs.loc["value", "colour"] == gauges.COLOURS["above_100"]
    middle = (arcs.loc["target", "t0"] + arcs.loc["target", "t1"]) / 2
    assert middle == pytest.approx(-math.pi / 2 + math.pi * 99.3 / 110)


def test_gauge_without_data_or_target_has_only_the_track():
    arcs = gauges.gauge_arcs(None, None, "no_data")
    assert list(arcs["part"]) == ["track"]


def test_gauge_chart_and_texts():
    indicator = load_indicators()["ktp_el"]
    facts = Facts("ktp_el", "province", "Kalimantan Timur", "2024-12-31", 98.5,
                  numerator=985, denominator=1000,
                  target=Target("ktp_el", 2023, "national", 99.4, "x"), gap=9)
    texts = gauges.gauge_texts(facts, indicator, "id")
    assert texts["value"] == "98,50 %" and texts["status"] == "kurang 9 jiwa"
    assert texts["target"] == "Target nasional 2023: 99,40 %" and texts["state"] == "below"
    spec = gauges.gauge(98.5, 99.4, texts["state"], texts).to_dict()
    assert len(spec["layer"]) == 3 and spec["height"] == 236
    words = [row["text"] for name, rows in spec["datasets"].items() for row in rows
             if "text" in row]
    assert {"Perekaman KTP-el", "98,50 %", "kurang 9 jiwa"} <= set(words)
    above = Facts("ktp_el", "province", "X", "2024-12-31", 101.2, numerator=1012,
                  denominator=1000, target=Target("ktp_el", 2023, "national", 99.4, "x"),
                  gap=0)
    texts = gauges.gauge_texts(above, indicator, "en")
    assert texts["status"] == "target exceeded" and texts["high"] == "110 %"
    assert gauges.gauge_texts(Facts("kia", "national", "Indonesia", "2020", None), indicator,
                              "id")["status"] == "tanpa data"


def per_region() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["a", "b", "c", "d"], "name": ["Kota A", "Kota B", "Kota C", "Kota D"],
        "percent": [102.4, 99.5, 90.0, None], "target": [99.3, 99.3, 99.3, 99.3],
        "meets": pd.array([True, True, False, None], dtype="boolean"),
        "gap": pd.array([0, 0, 93, None], dtype="Int64"),
    })


def test_bullet_rows_and_chart():
    rows = gauges.bullet_rows(per_region(), "id")
    assert list(rows["status"]) == ["above_100", "met", "below", "no_data"]
    assert list(rows["gap_text"]) == ["0", "0", "93", "–"]
    spec = gauges.bullet(rows, gauges.bullet_labels("id")).to_dict()
    assert len(spec["layer"]) == 4  # bars, 100 % rule, target ticks, value labels
    bars = spec["layer"][0]["encoding"]
    assert bars["y"]["sort"] == ["Kota A", "Kota B", "Kota C", "Kota D"]
    assert bars["x"]["scale"]["domain"] == [80, 103]  # near the values at both ends
    assert bars["color"]["scale"]["range"] == [gauges.COLOURS[s] for s in
                                               ("below", "met", "above_100", "no_data")]


def test_bullet_without_values_above_100_has_no_hundred_rule():
    rows = gauges.bullet_rows(per_region().assign(percent=[99.9, 99.5, 41.0, None]), "en")
    spec = gauges.bullet(rows, gauges.bullet_labels("en")).to_dict()
    assert len(spec["layer"]) == 3
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 100]


@pytest.mark.parametrize(("values", "start"), [
    ((96.5, 99.3), 90), ((41.3, 40.0), 0), ((None, None), 0), ((60.0, 99.0), 50),
    ((59.9, 99.0), 0), ((100.2, 99.3), 90),
])
def test_axis_start(values, start):
    assert gauges.axis_start(*values) == start


@pytest.mark.parametrize(("values", "top"), [
    ((100.86, 99.4), 101), ((97.2, 99.4), 100), ((None, 60.0), 100), ((103.0, 99.4), 103),
    ((100.0, 99.4), 100), ((None, None), 100), ((float("nan"), 101.2), 102),
])
def test_bullet_axis_ends_at_the_data_not_ten_past_it(values, top):
    assert gauges.fit_top(*values) == top


@given(st.lists(st.floats(0, 150), min_size=1, max_size=40), st.floats(10, 100))
def test_bullet_values_sit_right_of_every_bar_tick_and_rule(percents, target):
    rows = gauges.bullet_rows(pd.DataFrame({
        "code": [str(i) for i in range(len(percents))],
        "name": [f"R{i}" for i in range(len(percents))],
        "percent": percents, "target": target,
        "meets": pd.array([p >= target for p in percents], dtype="boolean"),
        "gap": pd.array([0] * len(percents), dtype="Int64")}), "id")
    spec = gauges.bullet(rows, gauges.bullet_labels("id")).to_dict()
    top = spec["layer"][0]["encoding"]["x"]["scale"]["domain"][1]
    texts = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
    shown = spec["datasets"][texts["data"]["name"]]
    assert {row["x_text"] for row in shown} == {top}  # one column past the plot's end
    assert max([*percents, target]) <= top < max([*percents, target, 100]) + 1
    assert spec["padding"]["right"] >= 70  # room for "99,3995 %" beside the plot
    assert spec["layer"][0]["encoding"]["y"]["axis"]["labelLimit"] == 0  # whole names
    assert spec["layer"][0]["encoding"]["color"]["legend"]["labelLimit"] == 0
