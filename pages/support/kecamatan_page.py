"""The region page for a kecamatan, and a regency's kecamatan ranked for outreach.

A kecamatan's page (``/wilayah?kode=64.02.08``) shows its own rows of the data
shown (:func:`cached.kecamatan_coverage`), the target in force for it and whose
target that is, its rank among its regency's kecamatan, the trend and the table;
a kecamatan without data says so and shows no number. A regency's page lists its
kecamatan, lowest first on request, and says when its figure was summed from them
or could not be (partial).
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from pages.support import cached, region_parts
from utils.charts.gauges import upper_first
from utils.formatting import format_date, plain
from utils.i18n import t
from utils.ingest import provenance
from utils.metrics import coverage, region_profile
from utils.metrics.regions import kecamatan_label, kecamatan_of
from utils.report import region_glance as glance
from utils.report import region_profile as texts


def level() -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The kecamatan rows shown (none yet: an empty table) and the kecamatan
    reference; ``None`` for a build without the reference."""
    reference, rows = cached.kecamatan_table(), cached.kecamatan_coverage()
    if reference is None:
        return None
    return (rows if rows is not None else pd.DataFrame(columns=coverage.COLUMNS)), reference


def reference_row(code: str | None) -> dict | None:
    """The kecamatan's row of the reference, or ``None`` for an unknown code."""
    reference = cached.kecamatan_table()
    if not code or reference is None:
        return None
    found = reference[reference["code"] == code]
    return None if found.empty else found.iloc[0].to_dict()


def address(page: str, lang: str, **params: str) -> str:
    """A link to one of the app's pages (``""``: the map) keeping the language."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    query = urlencode({**params, **({"lang": lang} if lang != "id" else {})})
    return f"{'/' + base if base else ''}/{page}?{query}"


def links(row: dict, lang: str) -> str:
    """Up to the regency's page and to its kecamatan map, as Markdown."""
    regency = plain(row["regency_name"])
    up = address("wilayah", lang, kode=row["regency_code"])
    drawn = address("", lang, wil=row["regency_code"])
    return (f"[{t('kec_reg_up', lang, regency=regency)}]({up}) · "
            f"[{t('kec_reg_map', lang, regency=regency)}]({drawn})")


def profile(code: str, regions: pd.DataFrame, lang: str, answer=None) -> None:
    """Everything about one kecamatan; its name, where it is and one line per
    indicator go into ``answer`` (above the search)."""
    answer = answer or st.container()
    row, data = reference_row(code), level()
    if row is None or data is None:
        return
    rows, reference = data
    defs, targets = cached.indicator_defs(), cached.target_table()
    period = region_profile.kecamatan_period(rows, row["regency_code"])
    name = kecamatan_label(row, with_regency=False)
    answer.header(name)
    answer.caption(texts.kecamatan_where(row, period, lang))
    answer.markdown(links(row, lang))
    history = region_profile.trend(rows, regions.reset_index(drop=True), targets, code)
    if period is None or history.empty:
        answer.info(t("kec_reg_no_data", lang, name=name, regency=row["regency_name"]))
        return
    answer.caption(plain(provenance.caption(cached.data_in_use(), lang, region=code)))
    facts = {i: region_profile.kecamatan_facts(rows, reference, targets, i, period, code)
             for i in defs}
    answer.html("".join(f"<div>{escape(glance.glance_line(facts[i], defs[i].label(lang), lang))}"
                        "</div>" for i in defs))
    if all(f.percent is None for f in facts.values()):
        answer.caption(t("kec_reg_no_data_here", lang, name=name, regency=row["regency_name"],
                         units=texts.kecamatan_units(row, lang)))
    ranks = region_profile.kecamatan_ranks(rows, reference, code, list(defs), period)
    by_indicator = {r["indicator"]: r for r in ranks.to_dict("records")}
    marks = texts.row_marks(rows, code)
    st.subheader(t("region.latest", lang, date=format_date(period, lang)))
    for column, indicator in zip(st.columns(len(defs)), defs, strict=True):
        lines = texts.kecamatan_card_lines(facts[indicator], by_indicator.get(indicator, {}),
                                           row, lang)
        region_parts.indicator_card(column, facts[indicator], defs[indicator].label(lang), lines,
                                    lang, texts.derived_note(marks, indicator, period, lang))
    frame = texts.kecamatan_history_table(history, ranks, period, code, name, defs, lang, marks)
    region_parts.closing(history, facts, defs, frame, code, name, lang)


def regency_notes(code: str, regency: pd.Series, units: str, total: int, lang: str) -> None:
    """When the regency's figure is partial (x of y kecamatan: no figure) or summed
    from all of its ``total`` kecamatan."""
    rollup = cached.kecamatan_rollup()
    if rollup is None:
        return
    defs = cached.indicator_defs()
    partial = rollup.partial[rollup.partial["regency_code"] == code]
    summed = rollup.rows[rollup.rows["code"] == code].assign(present="", total=total)
    for line in texts.rollup_lines(partial, summed.iloc[0:0], regency, units, defs, lang):
        st.info(line, icon=":material/info:")
    for line in texts.rollup_lines(partial.iloc[0:0], summed, regency, units, defs, lang):
        st.caption(line)


def regency_section(code: str, regency: pd.Series, lang: str) -> None:
    """A regency's kecamatan ranked for one indicator (lowest first on request),
    with a link to each kecamatan's page, and how the regency's figure relates to
    them; nothing when none of them has a row."""
    data = level()
    if data is None:
        return
    rows, reference = data
    own = kecamatan_of(reference, code)
    if own.empty:
        return
    units = texts.kecamatan_units(own.iloc[0].to_dict(), lang)
    period = region_profile.kecamatan_period(rows, code)
    if period is None:  # no kecamatan row: nothing summed, nothing partial
        return
    defs, targets = cached.indicator_defs(), cached.target_table()
    st.subheader(upper_first(t("kec_reg_table_title", lang, units=units,
                               regency=str(regency["name"]).strip(),
                               date=format_date(period, lang))))
    regency_notes(code, regency, units, len(own), lang)
    left, right = st.columns(2, vertical_alignment="bottom")
    indicator = left.selectbox(t("kec_reg_table_indicator", lang), list(defs),
                               key="region_kec_indicator",
                               format_func=lambda i: defs[i].label(lang))
    lowest = right.toggle(t("kec_reg_lowest_first", lang), key="region_kec_lowest",
                          help=t("kec_reg_lowest_help", lang))
    ranked = region_profile.kecamatan_ranking(rows, reference, targets, indicator, period, code,
                                              lowest)
    ranking(texts.ranking_table(ranked, lang), lang)


def ranking(frame: pd.DataFrame, lang: str) -> None:
    """The ranked kecamatan: numbers sort as numbers, written as ``lang`` writes
    them; each code opens its kecamatan's page."""
    shown = frame.assign(code=[address("wilayah", lang, kode=c) for c in frame["code"]])
    heads = texts.ranking_headers(lang)
    config = {c: st.column_config.Column(heads[c]) for c in frame.columns}
    config["code"] = st.column_config.LinkColumn(heads["code"],
                                                 display_text=r"kode=(\d+\.\d+\.\d+)")
    st.dataframe(shown.style.format(texts.ranking_formats(lang)), hide_index=True,
                 column_config=config, width="stretch")
    st.caption(t("kec_reg_table_note", lang))
