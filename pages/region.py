"""Region page: find a province or regency by name; its coverage, target, ranks and trend.

The chosen region is in the address (``/wilayah?kode=32.01``), so every region
has its own link. Every chart has its figures in a table below it and in the
written summary; the table is what the CSV download contains.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from pages.support import cached, chrome
from utils.charts.trend import trend_chart
from utils.formatting import format_date, format_percent_against, plain
from utils.i18n import t
from utils.ingest import provenance
from utils.ingest.export import labelled, to_csv
from utils.ingest.matching import RegionIndex
from utils.ingest.region_rows import former_names
from utils.ingest.region_search import Found, find
from utils.ingest.store import Store
from utils.metrics import attainment, coverage, region_profile
from utils.metrics import regions as region_ref
from utils.metrics.attainment import Facts
from utils.report import region_glance as glance
from utils.report import region_profile as texts
from utils.report.press_release import is_met, summary

KEY = "region_code"
PARAM = "kode"
QUERY, FOUND = "region_query", "region_found"


def _look_up() -> None:
    """Read the typed name as the importer reads names (its index, former names from
    the crosswalk, remembered aliases); open the region only when it would match it."""
    index = RegionIndex(cached.region_table(), Store().aliases(),
                        former_names(cached.crosswalk_table()))
    found = find(st.session_state.get(QUERY), index)
    st.session_state[FOUND] = found
    if found.sure:
        st.session_state[KEY] = found.codes[0]


def _choose(code: str) -> None:
    st.session_state[KEY] = code


def finder(regions: pd.DataFrame, lang: str) -> None:
    """Type a name as it is written anywhere (``KAB. KUTAI KERTANEGARA``, a former name,
    a code): looked up as you type, in the page's own words (no "Press Enter")."""
    query = st.text_input(t("region.find", lang), key=QUERY, live=True, on_change=_look_up,
                          icon=":material/search:", placeholder=t("region.find_placeholder", lang),
                          help=t("region.find_help", lang))
    found: Found = st.session_state.get(FOUND) or Found()
    if not query or not query.strip():
        return
    shown = [c for c in found.codes if c in regions.index]
    if found.sure and shown:
        if found.by == "former":
            st.caption(t("region.find_former", lang, typed=plain(query.strip()),
                         name=regions.loc[shown[0], "name"]))
        return
    if not shown:
        st.caption(t("region.find_none", lang, typed=plain(query.strip())))
        return
    st.caption(t(f"region.find_{'part' if found.by == 'part' else 'maybe'}", lang))
    for code in shown:
        st.button(texts.option_label(regions.loc[code], lang), key=f"region_pick_{code}",
                  on_click=_choose, args=(code,), type="tertiary", icon=":material/place:")


def search(regions: pd.DataFrame, lang: str) -> str | None:
    """The search box; the choice follows the link on arrival and the link follows it."""
    codes = list(regions.sort_values(["level", "name"]).index)  # provinces, then regencies
    linked = st.query_params.get(PARAM)
    if KEY not in st.session_state and linked in regions.index:
        st.session_state[KEY] = linked
    finder(regions, lang)
    code = st.selectbox(
        t("region.search", lang),
        codes,
        index=None,
        key=KEY,
        format_func=lambda c: texts.option_label(regions.loc[c], lang),
        placeholder=t("region.search_placeholder", lang),
        help=t("region.search_help", lang),
    )
    params = {PARAM: code} if code else {}
    st.query_params.from_dict({**params, **({"lang": lang} if lang != "id" else {})})
    if code is None and linked and linked not in regions.index:
        st.warning(t("region.unknown_link", lang))
    return code


def indicator_card(column, facts: Facts, label: str, rank_row: dict, units: str, lang: str,
                   derived: str = "", peers: int | None = None) -> None:
    """One indicator: value and change, target, gap, ranks; how its figure was
    obtained when not as written (``derived``), and when it is partial."""
    column.metric(
        label,
        format_percent_against(facts.percent, facts.target.percent if facts.target else None,
                               lang, meets=is_met(facts)),
        texts.change_text(facts, lang),
        delta_color=glance.delta_colour(facts),  # below target a rise is not good news
        help=texts.value_help(facts, lang, derived),
        border=True,
    )
    lines = texts.card_lines(facts, rank_row, units, lang, peers)
    if derived and facts.numerator is not None:  # a row without counts says so in the lines
        lines.insert(0, derived[:1].upper() + derived[1:])
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
        to_csv(labelled(frame.rename(columns=texts.headers(lang)),
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


def profile(code: str, table: pd.DataFrame, regions: pd.DataFrame, lang: str,
            answer=None) -> None:
    """Everything about one region; its name, where it is and one line per indicator
    go into ``answer`` (above the search, so a phone answers in its first screen)."""
    answer = answer or st.container()
    defs, targets = cached.indicator_defs(), cached.target_table()
    period = coverage.latest_period(table)
    plain_regions = regions.reset_index(drop=True)
    row = regions.loc[code]
    name = texts.title(row, lang)
    answer.header(name)
    count = len(region_ref.regency_rows(plain_regions, code))
    answer.caption(texts.where(row, count, period, lang))
    answer.caption(plain(provenance.caption(cached.data_in_use(), lang, region=code)))  # all dates
    facts = {
        i: attainment.scope_facts(table, plain_regions, targets, i, period, code)[0] for i in defs
    }
    answer.html("".join(f"<div>{escape(glance.glance_line(facts[i], defs[i].label(lang), lang))}"
                        "</div>" for i in defs))
    rank_rows = region_profile.ranks(table, plain_regions, code, list(defs), period)
    by_indicator = {r["indicator"]: r for r in rank_rows.to_dict("records")}
    units = texts.units(row["level"], lang)
    peers = len(region_ref.province_rows(plain_regions) if row["level"] == region_ref.PROVINCE
                else region_ref.regency_rows(plain_regions))  # a rank says among how many
    marks = None if row["level"] == region_ref.PROVINCE else texts.row_marks(table, code)
    st.subheader(t("region.latest", lang, date=format_date(period, lang)))
    for column, indicator in zip(st.columns(len(defs)), defs, strict=True):
        indicator_card(
            column,
            facts[indicator],
            defs[indicator].label(lang),
            by_indicator.get(indicator, {}),
            units,
            lang,
            texts.derived_note(marks, indicator, period, lang) if marks is not None else "",
            peers,
        )

    history = region_profile.trend(table, plain_regions, targets, code)
    trend_charts(history, defs, name, lang)

    st.subheader(t("region.summary", lang))
    for indicator in defs:
        st.text(summary(facts[indicator], defs[indicator], lang), width="stretch")

    frame = texts.history_table(history, rank_rows, period, code, name, defs, lang, marks)
    table_view(frame, code, name, lang)
    definitions(defs, lang)


def main() -> None:
    """The region page."""
    lang = st.session_state.get("lang", "id")
    table = chrome.page_data("region.title", "region.intro", "region.no_data", lang)
    if table is None:
        return
    regions = cached.region_table().set_index("code", drop=False)
    answer = st.container()  # the chosen region's answer comes before the search
    code = search(regions, lang)
    if code is None:
        st.info(t("region.pick", lang))
        return
    profile(code, table, regions, lang, answer)


main()
