"""The region page's parts, shared by a province's, a regency's and a kecamatan's page:
an indicator's card, the trend charts, the table with its CSV and the definitions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.support import cached
from utils.charts.trend import trend_chart
from utils.formatting import format_percent_against, plain
from utils.i18n import t
from utils.ingest import export, provenance
from utils.metrics.attainment import Facts
from utils.report import region_glance as glance
from utils.report import region_profile as texts
from utils.report.press_release import is_met, summary


def indicator_card(column, facts: Facts, label: str, lines: list[str], lang: str,
                   derived: str = "") -> None:
    """One indicator: value and change, then ``lines`` (target, gap, ranks); how its
    figure was obtained when not as written (``derived``)."""
    column.metric(
        label,
        format_percent_against(facts.percent, facts.target.percent if facts.target else None,
                               lang, meets=is_met(facts)),
        texts.change_text(facts, lang),
        delta_color=glance.delta_colour(facts),  # below target a rise is not good news
        help=texts.value_help(facts, lang, derived),
        border=True,
    )
    if derived and facts.numerator is not None:  # a row without counts says so in the lines
        lines = [derived[:1].upper() + derived[1:], *lines]
    column.markdown("  \n".join(plain(line) for line in lines))


def trend_charts(history: pd.DataFrame, defs: dict, name: str, lang: str) -> None:
    """One trend chart per indicator with data, side by side."""
    st.subheader(t("region.trend", lang))
    for column, indicator in zip(st.columns(len(defs)), defs, strict=True):
        rows = history[history["indicator"] == indicator]
        if not rows.empty:
            label = defs[indicator].label(lang)
            column.altair_chart(
                trend_chart(rows, label, lang),
                width="stretch",
                alt=texts.chart_alt(rows, label, name, lang),
            )
    st.caption(t("region.trend_note", lang))


def table_view(frame: pd.DataFrame, code: str, name: str, lang: str) -> None:
    """The figures as a table and its CSV download."""
    st.subheader(t("region.table", lang))
    st.table(
        texts.display(frame, lang), hide_index=True, alt=t("region.table_alt", lang, region=name)
    )
    st.download_button(
        t("region.download_csv", lang),
        export.to_csv(export.labelled(
            frame.rename(columns=texts.headers(lang)),
            provenance.source_text(cached.data_in_use(), lang, region=code), lang)),
        file_name=f"capaian_{code}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="region_download",
    )


def definitions(defs: dict, lang: str) -> None:
    """What the numbers mean (the same text as the About page)."""
    with st.expander(t("region.definitions", lang)):
        for line in texts.definition_lines(defs, lang):
            st.markdown(line)
        st.markdown(t("region.definition_notes", lang))


def closing(history: pd.DataFrame, facts: dict[str, Facts], defs: dict, frame: pd.DataFrame,
            code: str, name: str, lang: str) -> None:
    """What every region page ends with: the trend, the summary in words, the table with its
    download, the definitions."""
    trend_charts(history, defs, name, lang)
    st.subheader(t("region.summary", lang))
    for indicator in defs:
        st.text(summary(facts[indicator], defs[indicator], lang), width="stretch")
    table_view(frame, code, name, lang)
    definitions(defs, lang)
