"""The map page's change view (``?tampil=perubahan``): each region's change in
coverage since its own previous period, its legend, notes, table and downloads.

The map page calls these few functions; the maths is
:mod:`utils.metrics.change`, the chart :mod:`utils.charts.change_map`.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from pages.support import cached, cached_kecamatan, chrome
from utils.charts import change_map, trend
from utils.formatting import format_date, format_number, join_names
from utils.i18n import t
from utils.ingest import export
from utils.metrics import change
from utils.metrics.map_view import KECAMATAN, MapState

VIEW = "perubahan"
"""``?tampil=perubahan``: the map shows the change (a third value of the view)."""
NAMED = 10
"""Regions named in the note on earlier dates before they are only counted."""


def rows(state: MapState, lang: str) -> pd.DataFrame:
    """The change rows of ``state`` (cached; a regency's kecamatan computed the same
    way as regencies) with their tooltip texts."""
    found = (cached_kecamatan.kecamatan_change_rows(state) if state.regions_level == KECAMATAN
             else cached.change_rows(state))
    return change_map.with_texts(found, t("map.no_data", lang), lang)


def legend(frame: pd.DataFrame, period: str, lang: str, size: int = 15) -> str:
    """The legend HTML: its title names both dates, then the classes and the greys."""
    labels = {"legend": change_map.legend_title(frame, period, lang),
              "no_earlier": t("change.no_earlier", lang), "no_data": t("map.no_data", lang)}
    return change_map.legend_html(labels, lang, size)


def chart(frame: pd.DataFrame, geometry: str, state: MapState, lang: str, height: int,
          select: str | None) -> dict:
    """The change map's named spec, on the coverage map's own geometry address."""
    labels = {"region": t("map.col.region", lang), "province": t("map.col.province", lang),
              "now": t("change.col.now", lang), "before": t("change.col.before", lang),
              "change": t("change.col.change", lang), "no_data": t("map.no_data", lang)}
    return change_map.change_map(geometry, frame, labels, lang, height=height,
                                 province_borders=not state.scope, level=state.regions_level,
                                 select=select, named=True)


def notes(frame: pd.DataFrame, state: MapState, lang: str, source: str) -> None:
    """Under the map: how many rose and fell, that the change is computed, which
    regions were compared with an earlier date, then the table and its downloads."""
    st.caption(t("change.summary", lang, **change_map.counts(frame)))
    st.caption(t("change.derived", lang))
    dates = change.previous_dates(frame)
    older = frame[frame["previous"].notna() & (frame["previous"] != (dates or [""])[0])]
    if len(older):
        names = list(older["name"])
        shown = join_names(names, lang) if len(names) <= NAMED else join_names(
            [*names[:NAMED], f"… (+{len(names) - NAMED})"], lang)
        st.caption(t("change.older", lang, count=len(older), names=shown,
                     date=format_date(dates[0], lang)))
    table = table_frame(frame, state, lang)
    if st.toggle(t("change.table_show", lang, count=len(table)), value=False,
                 key="map_change_table"):
        numbers = list(table.columns[-4:-1])
        st.dataframe(table.style.format({c: lambda v: format_number(v, lang, 2) for c in numbers},
                                        na_rep="–"), hide_index=True, width="stretch")
    stem = f"perubahan_{state.indicator}_{state.period}_{state.scope or 'indonesia'}"
    chrome.table_downloads(
        lambda: export.labelled(export.coded(table, frame["code"], lang), source, lang), stem,
        (t("change.download_csv", lang), t("change.download_xlsx", lang)), "map_change_dl",
        [1, 1, 4])


def table_frame(frame: pd.DataFrame, state: MapState, lang: str) -> pd.DataFrame:
    """The change rows as the table and the downloads show them (numbers stay numbers)."""
    out = pd.DataFrame({
        t("change.t.region", lang): frame["name"],
        t("change.t.province", lang): frame["province_name"],
        t("change.t.previous", lang): [format_date(p, lang) if isinstance(p, str) else ""
                                       for p in frame["previous"]],
        t("change.t.percent_before", lang): frame["percent_before"].round(2),
        t("change.t.percent", lang): frame["percent"].round(2),
        t("change.t.change", lang): frame["change"].round(2) + 0.0,  # never "−0,00"
        t("change.t.state", lang): [t(f"change.state.{s}", lang) for s in frame["state"]],
    })
    if state.regions_level != "regency":  # a kecamatan's "province" is its regency: left out
        out = out.drop(columns=t("change.t.province", lang))
    return out.reset_index(drop=True)


def sparkline_cell(cell, rows: tuple, height: int, lang: str) -> None:
    """Beside a briefing's gap chart: one small line per listed region (its
    comparable coverage up to the slide's period), row for row with the bars,
    and a caption naming the first and last dates."""
    # a phone stacks the columns: lines under the bars would sit beside no region
    cell.html("<style>@media (max-width: 640px) { .st-key-briefing_spark { display: none; } }"
              "</style>")
    cell = cell.container(key="briefing_spark")
    histories = [(r.name, r.history) for r in rows]
    periods = sorted({p for _, points in histories for p, _ in points})
    first, last = format_date(periods[0], lang), format_date(periods[-1], lang)
    cell.vega_lite_chart(spec=trend.sparklines(histories, lang, 200, height).to_dict(),
                         width="stretch", theme=None,
                         alt=t("change.spark_alt", lang, first=first, last=last))
    cell.html(f'<div class="bf bf-note">{escape(t("change.spark", lang, first=first, last=last))}'
              "</div>")
