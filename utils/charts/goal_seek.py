"""Chart of the goal-seek: what the neediest regions need per month beside their own pace.

Pure Altair builder; the rows come from :func:`utils.report.goal_seek.chart_rows`.
Need is drawn dark orange (below target), own pace purple (the app's
orange-below / purple-at-target scheme), so a region whose purple bar is
shorter than its orange one will not get there by the deadline at its pace.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from utils.charts.choropleth import locale_config
from utils.formatting import format_number

NEED_COLOUR, PACE_COLOUR = "#b35806", "#5e3c99"
BAR_HEIGHT = 13
"""Pixels per bar (two bars per region)."""


def need_chart(rows: pd.DataFrame, texts: dict[str, str], lang: str) -> alt.Chart:
    """Grouped horizontal bars: needed and own pace per month, neediest region first.

    Parameters
    ----------
    rows : pandas.DataFrame
        ``region, kind, value, order`` (long form; see ``chart_rows``).
    texts : dict
        ``title``, ``x``, ``kind``, ``region``, ``needed``, ``pace``.
    lang : str
        Number format of axis and tooltips.
    """
    data = rows.assign(value_text=[format_number(v, lang) for v in rows["value"]])
    regions = data["region"].nunique()
    kinds = [texts["needed"], texts["pace"]]
    return (
        alt.Chart(data, title=texts["title"])
        .mark_bar()
        .encode(
            y=alt.Y("region:N", sort=alt.EncodingSortField("order"), title=None,
                    axis=alt.Axis(labelLimit=260, labelFontSize=13)),
            yOffset=alt.YOffset("kind:N", sort=kinds),
            x=alt.X("value:Q", title=texts["x"], axis=alt.Axis(format=",d", labelFontSize=12)),
            color=alt.Color("kind:N", scale=alt.Scale(domain=kinds,
                                                      range=[NEED_COLOUR, PACE_COLOUR]),
                            legend=alt.Legend(title=None, orient="top", labelFontSize=14,
                                              labelLimit=400)),
            tooltip=[alt.Tooltip("region:N", title=texts["region"]),
                     alt.Tooltip("kind:N", title=texts["kind"]),
                     alt.Tooltip("value_text:N", title=texts["x"])],
        )
        .properties(height={"step": BAR_HEIGHT} if regions else 40)
        .configure(locale=locale_config(lang))
    )
