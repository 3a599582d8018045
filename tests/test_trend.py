"""The region trend chart (utils.charts.trend; pure Altair)."""

from __future__ import annotations

import pandas as pd
import pytest

from utils.charts import trend
from utils.charts.gauges import MARK


def rows(percents: list[float], targets: list[float | None]) -> pd.DataFrame:
    """One indicator's trend rows, newest first (as the table is), one period a half-year."""
    periods = ["2025-06-30", "2024-12-31", "2024-06-30", "2023-12-31"][: len(percents)]
    return pd.DataFrame(
        {
            "period": periods,
            "indicator": "ktp_el",
            "percent": percents,
            "target": [float("nan") if v is None else v for v in targets],
        }
    )


def spec(frame: pd.DataFrame, lang: str = "id", title: str = "Perekaman KTP-el") -> dict:
    return trend.trend_chart(frame, title, lang).to_dict()


def layer_rows(chart: dict, index: int) -> list[dict]:
    return chart["datasets"][chart["layer"][index]["data"]["name"]]


@pytest.mark.parametrize(
    ("lang", "when", "percent", "target"),
    [
        ("id", ["30 Juni 2025", "31 Desember 2024"], ["95,00 %", "90,50 %"], ["–", "99,30 %"]),
        ("en", ["30 June 2025", "31 December 2024"], ["95.00 %", "90.50 %"], ["–", "99.30 %"]),
    ],
)
def test_chart_rows_add_the_texts(lang, when, percent, target):
    out = trend.chart_rows(rows([95.0, 90.5], [None, 99.3]), lang)
    assert list(out["when"]) == when
    assert list(out["percent_text"]) == percent
    assert list(out["target_text"]) == target  # no target: a dash, never 0


@pytest.mark.parametrize(
    ("percents", "targets", "domain"),
    [
        ([95.0, 90.5], [None, 99.3], [80, 100]),  # starts near the lowest value, not at 0
        ([101.2, 99.0], [99.4, 99.4], [90, 110]),  # past 100 % when a value is
        ([99.5, 99.0], [72.0, 99.4], [60, 100]),  # down to the lowest target
        ([40.0, 20.0, 10.0], [40.0, 20.0, None], [0, 100]),  # low values: from 0 to 100
    ],
)
def test_axis_covers_values_and_targets(percents, targets, domain):
    chart = spec(rows(percents, targets))
    for layer in chart["layer"]:
        scale = layer["encoding"]["y"]["scale"]
        assert scale["domain"] == domain
        assert scale["zero"] is False and scale["nice"] is False


@pytest.mark.parametrize(
    ("targets", "drawn"),
    [
        ([None, 99.3, 99.3], ["2024-12-31", "2024-06-30"]),
        ([99.4, 99.3, 99.3], ["2025-06-30", "2024-12-31", "2024-06-30"]),
        ([None, None, None], []),
    ],
)
def test_target_line_only_where_a_target_is_in_force(targets, drawn):
    chart = spec(rows([95.0, 94.0, 93.0], targets))
    line, target = chart["layer"]
    assert [r["period"] for r in layer_rows(chart, 0)] == ["2025-06-30", "2024-12-31", "2024-06-30"]
    assert [r["period"] for r in layer_rows(chart, 1)] == drawn
    assert target["mark"]["color"] == MARK and target["mark"]["strokeDash"] == [6, 4]
    assert target["mark"]["interpolate"] == "step-after"  # a target holds until the next
    assert line["mark"]["color"] == trend.LINE and line["mark"]["point"]["filled"] is True


@pytest.mark.parametrize(
    ("lang", "order", "axis", "tips", "decimal"),
    [
        (
            "id",
            ["31 Desember 2024", "30 Juni 2025"],
            "Cakupan (%)",
            ["Periode", "Cakupan", "Target"],
            ",",
        ),
        (
            "en",
            ["31 December 2024", "30 June 2025"],
            "Coverage (%)",
            ["Period", "Coverage", "Target"],
            ".",
        ),
    ],
)
def test_periods_in_time_order_and_texts_in_the_language(lang, order, axis, tips, decimal):
    chart = spec(rows([95.0, 90.5], [None, 99.3]), lang, title="T")
    line = chart["layer"][0]["encoding"]
    assert line["x"]["sort"] == order and line["x"]["field"] == "when"
    assert line["y"]["title"] == axis
    assert [tip["title"] for tip in line["tooltip"]] == tips
    assert chart["config"]["locale"]["number"]["decimal"] == decimal
    assert chart["title"] == "T" and chart["height"] == trend.HEIGHT
    assert chart["width"] == "container"


def test_the_drawn_data_keeps_the_tables_figures():
    frame = rows([95.123, 90.5], [None, 99.3]).assign(numerator=[95123, 905])
    drawn = layer_rows(spec(frame), 0)
    assert [r["percent"] for r in drawn] == [95.123, 90.5]
    assert [r["numerator"] for r in drawn] == [95123, 905]
    assert [r["indicator"] for r in drawn] == ["ktp_el", "ktp_el"]
