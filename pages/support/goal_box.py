"""What-if page: goal-seek — what each regency needs per month, and when its own pace gets there.

Thin: the numbers are :mod:`utils.metrics.goal_seek` on the page's own
results (so the target, months and growth are the scenario's), the words
:mod:`utils.report.goal_seek`, the chart :mod:`utils.charts.goal_seek`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.support import cached
from utils.charts import goal_seek as charts
from utils.i18n import t
from utils.ingest import provenance
from utils.ingest.export import labelled, to_csv
from utils.metrics import goal_seek
from utils.report import goal_seek as words
from utils.report.whatif import markdown_table

CHART_TOP = 15
"""Regions drawn in the chart (the neediest)."""


def goal_tables(scen, defs, period) -> dict[str, pd.DataFrame]:
    """:func:`utils.metrics.goal_seek.goal_table` of every indicator under the scenario."""
    return {i: cached.goal_table(i, scen, period) for i in defs}


def goal_box(scen, defs, period: str, deadline: str, lang: str) -> None:
    """The goal-seek section: totals per indicator, a chart and the table of the shown
    indicator, and a CSV of every regency and indicator (labelled with its source)."""
    tables = goal_tables(scen, defs, period)
    shown = tables[scen.indicator]
    st.subheader(t("goal.title", lang, indicator=defs[scen.indicator].label(lang)))
    st.caption(t("goal.intro", lang, date=deadline))
    st.markdown(f"**{t('goal.totals', lang)}**")
    totals = {i: goal_seek.goal_totals(table) for i, table in tables.items()}
    st.markdown(markdown_table(words.totals_table(totals, defs, lang)))
    rows = words.chart_rows(shown, lang, CHART_TOP)
    if not rows.empty:
        count = int(rows["region"].nunique())
        st.altair_chart(charts.need_chart(rows, words.chart_texts(count, lang), lang),
                        width="stretch")
    st.dataframe(words.screen_table(shown, period, lang), hide_index=True, height=420,
                 width="stretch")
    st.caption(t("goal.note", lang, horizon=goal_seek.REACH_HORIZON))
    source = provenance.source_text(cached.data_in_use(), lang, period)
    labels = {i: d.label(lang) for i, d in defs.items()}
    st.download_button(
        t("goal.csv", lang),
        data=lambda: to_csv(labelled(words.export_frame(tables, period, lang, labels),
                                     source, lang)),
        file_name=f"kebutuhan-{period}.csv", mime="text/csv", on_click="ignore",
        key="whatif_goal_csv", icon=":material/download:")
