"""A region's coverage over time against the target in force (pure Altair builder).

Drawn on the region page, one chart per indicator, from the rows of
:func:`utils.metrics.region_profile.trend`. The chart's data carries the
figures the page's table and CSV hold, written the ``lang`` way for the
tooltips.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from utils.charts.choropleth import AT_OR_ABOVE
from utils.charts.gauges import MARK, axis_start, scale_max
from utils.formatting import d3_locale, format_date, format_percent
from utils.i18n import t

LINE = AT_OR_ABOVE[-1]
"""Colour of the coverage line and its dots (dark purple)."""
HEIGHT = 260
"""Chart height in pixels (the width follows the container)."""


def chart_rows(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rows with the texts the chart shows: date, coverage and target.

    Parameters
    ----------
    rows : pandas.DataFrame
        ``period``, ``percent`` and ``target`` (NaN where none is in force).
    lang : str
        ``"id"`` or ``"en"``.

    Returns
    -------
    pandas.DataFrame
        ``rows`` with ``when`` (``30 Juni 2025``), ``percent_text`` and
        ``target_text`` added.
    """
    return rows.assign(
        when=[format_date(p, lang) for p in rows["period"]],
        percent_text=[format_percent(v, lang) for v in rows["percent"]],
        target_text=[format_percent(v, lang) for v in rows["target"]],
    )


def trend_chart(rows: pd.DataFrame, title: str, lang: str) -> alt.LayerChart:
    """Coverage per period (purple line, dots) and the target in force (dashed black).

    Parameters
    ----------
    rows : pandas.DataFrame
        One indicator's rows of :func:`utils.metrics.region_profile.trend`.
    title : str
        The chart title (the indicator's label).
    lang : str
        ``"id"`` or ``"en"``: dates, tooltips, axis title and number format.

    Returns
    -------
    altair.LayerChart
        Periods in time order on the x axis; the y axis starts near the lowest
        value or target (not at 0) and reaches past 100 % when a value does.
    """
    data = chart_rows(rows, lang)
    order = list(data.sort_values("period")["when"])
    low = axis_start(data["percent"].min(), data["target"].min())
    top = scale_max(data["percent"].max(), data["target"].max())
    x = alt.X("when:O", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelFontSize=12))
    y = alt.Scale(domain=[low, top], nice=False, zero=False)
    tips = [
        alt.Tooltip("when:N", title=t("region.col.period", lang)),
        alt.Tooltip("percent_text:N", title=t("region.series.coverage", lang)),
        alt.Tooltip("target_text:N", title=t("region.series.target", lang)),
    ]
    dots = alt.OverlayMarkDef(size=70, filled=True, color=LINE)
    line = (
        alt.Chart(data)
        .mark_line(point=dots, color=LINE, strokeWidth=3)
        .encode(x=x, y=alt.Y("percent:Q", scale=y, title=t("region.axis", lang)), tooltip=tips)
    )
    target = (
        alt.Chart(data[data["target"].notna()])
        .mark_line(color=MARK, strokeDash=[6, 4], strokeWidth=2, interpolate="step-after")
        .encode(x=x, y=alt.Y("target:Q", scale=y), tooltip=tips)
    )
    return (
        alt.layer(line, target)
        .properties(title=title, height=HEIGHT, width="container")
        .configure(locale={"number": d3_locale(lang)})
        .configure_title(fontSize=15, anchor="start", color="#111111")
        .configure_axis(labelColor="#111111", titleColor="#111111")
    )


SPARK_SPAN = 1.0
"""Smallest span of the sparklines' common scale, in points: a change of a few
hundredths does not fill a row as if it were large."""


def spark_rows(histories: list[tuple[str, tuple[tuple[str, float], ...]]]) -> pd.DataFrame:
    """The points of one sparkline per row, on a common scale, in row units.

    Row ``i`` (0 at the top) spans ``i`` to ``i + 1``; its line is centred at
    ``i + 0.5`` and every row uses the same points per unit (the largest
    span among the rows, at least :data:`SPARK_SPAN`), so equal slopes mean
    equal changes. A row without history has no points.

    Parameters
    ----------
    histories : list of (name, history)
        Per row its name and ``(period, percent)`` pairs, oldest first.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``row``, ``period``, ``step`` (the period's place among all
        periods shown), ``percent``, ``y`` and ``last`` (the newest point).

    Examples
    --------
    >>> out = spark_rows([("A", (("2024", 90.0), ("2025", 92.0))), ("B", ())])
    >>> out[["name", "step", "y"]].values.tolist()
    [['A', 0, 0.85], ['A', 1, 0.15]]
    """
    periods = sorted({p for _, points in histories for p, _ in points})
    spans = [max(v for _, v in pts) - min(v for _, v in pts) for _, pts in histories if pts]
    span = max([SPARK_SPAN, *spans])
    out = []
    for row, (name, points) in enumerate(histories):
        if not points:
            continue
        mid = (max(v for _, v in points) + min(v for _, v in points)) / 2
        out += [{"name": name, "row": row, "period": p, "step": periods.index(p), "percent": v,
                 "y": round(row + 0.5 - 0.7 * (v - mid) / span, 6), "last": k == len(points) - 1}
                for k, (p, v) in enumerate(points)]
    return pd.DataFrame(out, columns=["name", "row", "period", "step", "percent", "y", "last"])


def sparklines(histories: list[tuple[str, tuple[tuple[str, float], ...]]], lang: str,
               width: int, height: int) -> alt.LayerChart:
    """One small line per row, rows as tall as a band chart's of the same height.

    Row ``i`` is centred where a Vega-Lite band axis of ``len(histories)``
    rows (default padding) puts its ``i``-th band, so drawn beside the
    briefing's gap chart each line sits on its region's bar. No axes: the
    lines show direction and steadiness; the dates go in a caption, the
    figures in the tooltips (:func:`spark_rows` for the scale).
    """
    data = spark_rows(histories).assign(
        when=lambda f: [format_date(p, lang) for p in f["period"]],
        percent_text=lambda f: [format_percent(v, lang) for v in f["percent"]])
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[0, max(len(histories), 1)],
                                                reverse=True, nice=False, zero=False))
    x = alt.X("step:Q", axis=None, scale=alt.Scale(nice=False, padding=6))
    tips = [alt.Tooltip("name:N", title=t("region.col.region", lang)),
            alt.Tooltip("when:N", title=t("region.col.period", lang)),
            alt.Tooltip("percent_text:N", title=t("region.series.coverage", lang))]
    base = alt.Chart(data).encode(x=x, y=y, detail="name:N", tooltip=tips)
    return (
        alt.layer(base.mark_line(color=LINE, strokeWidth=2.5),
                  base.transform_filter("datum.last").mark_circle(color=LINE, size=60, opacity=1))
        .properties(width=width, height=height)
        .configure_view(stroke=None)
    )
