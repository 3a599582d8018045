"""What-if page: goal-seek — what each regency (or each kecamatan of the planned regency)
needs per month, and when its own pace gets there.

Thin: the numbers are :mod:`utils.metrics.goal_seek` on the page's own
results (so the target, months and growth are the scenario's, and the level
too: a kecamatan's pace is its own history), the words
:mod:`utils.report.goal_seek`, the chart :mod:`utils.charts.goal_seek`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.support import cached, cached_kecamatan
from pages.support import whatif_level as level
from utils.charts import goal_seek as charts
from utils.i18n import t
from utils.ingest import provenance
from utils.ingest.export import labelled, to_csv
from utils.metrics import goal_seek
from utils.report import goal_seek as words
from utils.report.whatif import kecamatan_csv, markdown_table

CHART_TOP = 15
"""Regions drawn in the chart (the neediest)."""


def goal_tables(scen, defs, period) -> dict[str, pd.DataFrame]:
    """:func:`utils.metrics.goal_seek.goal_table` of every indicator under the scenario,
    over the scenario's level (regencies, or the planned regency's kecamatan)."""
    return {i: cached_kecamatan.level_goal_table(i, scen, period) for i in defs}


def screen_table(shown: pd.DataFrame, period: str, area: str | None, lang: str) -> pd.DataFrame:
    """The table on screen; per kecamatan its first column is headed by the kecamatan's
    kind and the province column (the same on every row) is left out."""
    table = words.screen_table(shown, period, lang)
    if not area:
        return table
    return table.drop(columns=t("col.province", lang)).rename(
        columns={t("col.region", lang): level.kind(area, lang)})


def goal_box(scen, defs, period: str, deadline: str, names: dict[str, str], lang: str) -> None:
    """The goal-seek section: totals per indicator, a chart and the table of the shown
    indicator, and a CSV of every region and indicator (labelled with its source)."""
    area = scen.kecamatan_of
    tables = goal_tables(scen, defs, period)
    shown = tables[scen.indicator]
    st.subheader(t("goal.title", lang, indicator=defs[scen.indicator].label(lang)))
    st.caption(t(level.words("goal.intro", area), lang, date=deadline))
    st.markdown(f"**{t('goal.totals', lang)}**")
    totals = {i: goal_seek.goal_totals(table) for i, table in tables.items()}
    st.markdown(markdown_table(words.totals_table(totals, defs, lang)))
    rows = words.chart_rows(shown, lang, CHART_TOP)
    if not rows.empty:
        count = int(rows["region"].nunique())
        st.altair_chart(charts.need_chart(rows, words.chart_texts(count, lang), lang),
                        width="stretch")
    st.dataframe(screen_table(shown, period, area, lang), hide_index=True, height=420,
                 width="stretch")
    st.caption(t("goal.note", lang, horizon=goal_seek.REACH_HORIZON))
    source = provenance.source_text(cached.data_in_use(), lang, period)
    labels = {i: d.label(lang) for i, d in defs.items()}

    def frame() -> pd.DataFrame:
        rows = words.export_frame(tables, period, lang, labels)
        return kecamatan_csv(rows, names.get(area, area), lang) if area else rows

    st.download_button(
        t(level.words("goal.csv", area), lang),
        data=lambda: to_csv(labelled(frame(), source, lang)),
        file_name=f"kebutuhan{'-' + area if area else ''}-{period}.csv", mime="text/csv",
        on_click="ignore",
        key="whatif_goal_csv", icon=":material/download:")
