"""Charts of the what-if page: change map, scenario gauges, regions meeting by month.

The change map colours each regency by how its status moves from the
baseline (targets in force, now) to the scenario (at the deadline). Colours
follow the app's orange-below / purple-at-target scheme (ColorBrewer PuOr,
colour-blind safe): a *change* is drawn dark, *no change* light, so what
changed is what stands out, also on a washed-out projector.

Speed: building and validating an Altair chart costs 30–100 ms, too slow to
redraw a map and three gauges on every slider move. So each chart is built
with Altair **once** as a template whose data are named datasets
(:func:`change_map_template`, :func:`gauge_template`,
:func:`by_month_template`); a slider move only puts new rows into those
datasets (:func:`fill`, :func:`gauge_data`). The result is the same
Vega-Lite spec Altair would give (tests compare them).
"""

from __future__ import annotations

import copy
from functools import lru_cache

import altair as alt
import pandas as pd
from pandas.api.extensions import ExtensionArray

from utils.charts import choropleth as charts
from utils.charts import gauges
from utils.charts.choropleth import NO_DATA_COLOUR
from utils.metrics.whatif import CATEGORIES

CATEGORY_COLOURS = {
    "newly_failing": "#b35806",
    "newly_passing": "#5e3c99",
    "still_meeting": "#b2abd2",
    "still_below": "#fdb863",
    "no_data": NO_DATA_COLOUR,
}
LINE = "#5e3c99"
GAUGE_LAYERS = ("arcs", "bold", "normal")
"""Dataset names of a gauge template, in layer order."""


def fill(template: dict, datasets: dict[str, pd.DataFrame]) -> dict:
    """A copy of a template spec with its named datasets set to ``datasets``."""
    spec = copy.deepcopy({k: v for k, v in template.items() if k != "datasets"})
    spec["datasets"] = {**template.get("datasets", {}), **datasets}
    return spec


# --- change map ------------------------------------------------------------------------------


def map_rows(result: pd.DataFrame) -> pd.DataFrame:
    """What the map needs per region, kept small (it is re-sent on every move).

    Returns
    -------
    pandas.DataFrame
        ``id``, the region code as a number (``64.72`` → 6472, a kecamatan
        ``64.02.01`` → 640201; int32);
        ``k``, the index of the category in :data:`CATEGORIES` (int8);
        ``a`` and ``b``, coverage now and at the deadline in tenths of a
        percent (nullable int16; tooltip only).
    """
    index = {c: i for i, c in enumerate(CATEGORIES)}

    def tenths(values: pd.Series) -> ExtensionArray:
        scaled = (values.astype(float) * 10).round().clip(-32000, 32000)
        return scaled.astype("Int16").array

    return pd.DataFrame(
        {
            "id": result["code"].str.replace(".", "", regex=False).astype("int32").to_numpy(),
            "k": result["category"].map(index).astype("int8").to_numpy(),
            "a": tenths(result["percent_now"]),
            "b": tenths(result["percent_end"]),
        }
    )


def _percent_expr(field: str, decimal: str) -> str:
    """Vega expression: ``datum.<field>`` (tenths) as a percentage with one decimal."""
    text = f"format(datum.{field} / 10, '.1f')"
    return (f"replace({text}, '.', {decimal!r})" if decimal != "." else text) + " + ' %'"


CODE_KEY = "toNumber(replace(datum.properties.code, regexp('[.]', 'g'), ''))"
"""Vega expression: a feature's code as :func:`map_rows` numbers it (every dot removed:
a string pattern would remove only the first, ``64.02.01`` → 6402.01)."""
LEVEL_TESTS = {
    "regency": (charts.level_test("regency"), charts.level_test("province")),
    "kecamatan": ("length(datum.properties.code) > 5", "length(datum.properties.code) == 5"),
}
"""Per map level, Vega tests of (the features coloured, the borders drawn on top): a
regency's kecamatan file may also hold the regency's outline (code ``64.02``)."""


def change_map(geometry_url: str, texts: dict[str, str], height: int = 480,
               level: str = "regency") -> alt.LayerChart:
    """Map of status changes against the baseline, with province (or regency) borders.

    Parameters
    ----------
    geometry_url : str
        A map file of one TopoJSON object (``MAP_OBJECT``): the national one
        (regencies and provinces), or one regency's kecamatan
        (``kecamatan/64.02.topo.json``); fetched and cached by the browser,
        never re-sent when a slider moves.
    texts : dict
        Category labels (:data:`CATEGORIES` keys) and ``legend``, ``region``,
        ``change``, ``decimal`` (the decimal separator of the language).
    height : int
        Pixels; the width follows the container.
    level : str
        ``regency`` or ``kecamatan``: which features are coloured
        (:data:`LEVEL_TESTS`).

    Returns
    -------
    altair.LayerChart
        Its regions look up ``k``, ``a`` and ``b`` by numeric code in the named
        dataset ``changes`` (see :func:`map_rows`); a region missing there is
        drawn as "no data".
    """
    domain = [texts[c] for c in CATEGORIES]
    labels = "[" + ", ".join(repr(label) for label in domain) + "]"
    decimal = texts.get("decimal", ",")
    coloured, outlined = LEVEL_TESTS[level]
    regions = (
        alt.Chart(charts.map_data(geometry_url))
        .transform_filter(coloured)
        .transform_calculate(id=CODE_KEY)
        .transform_lookup(
            lookup="id", from_=alt.LookupData(alt.NamedData("changes"), "id", ["k", "a", "b"])
        )
        .transform_calculate(
            c=f"isValid(datum.k) ? {labels}[datum.k] : {texts['no_data']!r}",
            v=f"isValid(datum.a) && isValid(datum.b) ? {_percent_expr('a', decimal)}"
            f" + ' → ' + {_percent_expr('b', decimal)} : ''",
        )
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.3)
        .encode(
            color=alt.Color(
                "c:N",
                scale=alt.Scale(domain=domain, range=[CATEGORY_COLOURS[c] for c in CATEGORIES]),
                legend=alt.Legend(
                    title=texts["legend"],
                    orient="top",
                    direction="horizontal",
                    columns=2,
                    labelFontSize=16,
                    titleFontSize=16,
                    titleLimit=600,
                    symbolSize=320,
                    labelLimit=360,
                    titleOrient="top",
                    labelColor="#111111",
                    titleColor="#111111",
                ),
            ),
            tooltip=[
                alt.Tooltip("properties.name:N", title=texts["region"]),
                alt.Tooltip("c:N", title=texts["legend"]),
                alt.Tooltip("v:N", title=texts["change"]),
            ],
        )
    )
    borders = alt.Chart(charts.map_data(geometry_url)).transform_filter(
        outlined
    ).mark_geoshape(filled=False, stroke="#222222", strokeWidth=1.0)
    return (
        alt.layer(regions, borders)
        .project(type="mercator")
        .properties(width="container", height=height)
        .configure_view(stroke=None)
        .configure(autosize=alt.AutoSizeParams(type="fit", contains="padding"))
    )


@lru_cache(maxsize=16)
def _change_map_template(
    geometry_url: str, items: tuple[tuple[str, str], ...], height: int, level: str
) -> dict:
    return change_map(geometry_url, dict(items), height, level).to_dict()


def change_map_template(geometry_url: str, texts: dict[str, str], height: int = 480,
                        level: str = "regency") -> dict:
    """:func:`change_map` as a Vega-Lite dict (built once per texts); fill ``changes``."""
    return _change_map_template(geometry_url, tuple(sorted(texts.items())), height, level)


# --- gauges ----------------------------------------------------------------------------------


def gauge_data(
    value: float | None,
    target: float | None,
    state: str,
    texts: dict[str, str],
    width: int = 340,
    height: int = 236,
) -> dict[str, list[dict]]:
    """The rows of the three layers of :func:`utils.charts.gauges.gauge`: arcs, bold and
    normal texts (same sizes and positions as the original)."""
    cx, cy = width / 2, height - 66
    arcs = gauges.arc_rows(value, target, state, radius=min(cx - 24, cy - 44))
    for arc in arcs:
        arc["tooltip"] = texts.get("tooltip", "")
    side = (arcs[0]["r1"] + arcs[0]["r0"]) / 2
    bold = [
        {"x": cx, "y": 14, "text": texts.get("title", ""), "size": 16, "w": "bold"},
        {"x": cx, "y": cy - 16, "text": texts.get("value", ""), "size": 34, "w": "bold"},
    ]
    normal = [
        {"x": cx, "y": cy + 20, "text": texts.get("status", ""), "size": 15, "w": "normal"},
        {"x": cx, "y": cy + 44, "text": texts.get("target", ""), "size": 13, "w": "normal"},
        {"x": cx - side, "y": cy + 12, "text": texts.get("low", "0"), "size": 11, "w": "normal"},
        {"x": cx + side, "y": cy + 12, "text": texts.get("high", ""), "size": 11, "w": "normal"},
    ]
    return {"arcs": arcs, "bold": bold, "normal": normal}


@lru_cache(maxsize=4)
def gauge_template(width: int = 340, height: int = 236) -> dict:
    """:func:`utils.charts.gauges.gauge` as a Vega-Lite dict without its data (built once
    per size); :func:`gauge_spec` puts each layer's rows inline."""
    sample = {
        "title": "a",
        "value": "b",
        "status": "c",
        "target": "d",
        "low": "e",
        "high": "f",
        "tooltip": "g",
    }
    spec = gauges.gauge(50.0, 60.0, "below", sample, width, height).to_dict()
    for layer in spec["layer"]:
        layer.pop("data", None)
    spec.pop("datasets", None)
    return spec


def gauge_spec(
    value: float | None,
    target: float | None,
    state: str,
    texts: dict[str, str],
    width: int = 340,
    height: int = 236,
) -> dict:
    """The spec :func:`utils.charts.gauges.gauge` draws, without rebuilding the chart.

    The few rows of each layer travel inline in the spec (no table conversion).
    """
    spec = copy.deepcopy(gauge_template(width, height))
    rows = gauge_data(value, target, state, texts, width, height)
    for layer, name in zip(spec["layer"], GAUGE_LAYERS, strict=True):
        layer["data"] = {"values": rows[name]}
    return spec


# --- regions meeting the target by month -----------------------------------------------------


def by_month(texts: dict[str, str], height: int = 260) -> alt.LayerChart:
    """Regions meeting the target in each month up to the deadline, against the baseline.

    Data: named dataset ``months`` (``k`` month number, ``n`` regions
    meeting, ``m`` calendar label) and ``base`` (``n`` regions meeting the
    targets in force now, ``t`` its label; a dashed line).

    Parameters
    ----------
    texts : dict
        ``x``, ``y`` (axis titles).
    """
    x = alt.X(
        "k:Q",
        title=texts["x"],
        axis=alt.Axis(tickMinStep=1, format="d", labelFontSize=14, titleFontSize=14),
    )
    y = alt.Y(
        "n:Q",
        title=texts["y"],
        scale=alt.Scale(zero=False, nice=True),
        axis=alt.Axis(labelFontSize=14, titleFontSize=14, tickMinStep=1, format="d"),
    )
    tips = [alt.Tooltip("m:N", title=texts["x"]), alt.Tooltip("n:Q", title=texts["y"])]
    line = (
        alt.Chart(alt.NamedData("months"))
        .mark_line(
            interpolate="step-after",
            color=LINE,
            strokeWidth=4,
            point=alt.OverlayMarkDef(size=60, color=LINE),
        )
        .encode(x=x, y=y, tooltip=tips)
    )
    rule = (
        alt.Chart(alt.NamedData("base"))
        .mark_rule(strokeDash=[6, 4], color="#444444", strokeWidth=2)
        .encode(y="n:Q", tooltip=alt.Tooltip("t:N", title=None))
    )
    return (
        alt.layer(rule, line)
        .properties(width="container", height=height)
        .configure_view(stroke=None)
    )


@lru_cache(maxsize=8)
def _by_month_template(items: tuple[tuple[str, str], ...], height: int) -> dict:
    return by_month(dict(items), height).to_dict()


def by_month_spec(
    counts: list[int], labels: list[str], baseline: int, texts: dict[str, str], height: int = 260
) -> dict:
    """:func:`by_month` filled with the counts per month and the baseline count."""
    template = _by_month_template(tuple(sorted((k, texts[k]) for k in ("x", "y"))), height)
    months = pd.DataFrame({"k": range(len(counts)), "n": counts, "m": labels})
    base = pd.DataFrame({"n": [baseline], "t": [texts["baseline"]]})
    return fill(template, {"months": months, "base": base})
