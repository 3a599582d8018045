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
