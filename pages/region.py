"""Region page: find a province, regency or kecamatan; its coverage, target, ranks and trend.

The chosen region is in the address (``/wilayah?kode=32.01``, a kecamatan
``/wilayah?kode=64.02.08``), so every region has its own link. Every chart has
its figures in a table below it and in the written summary; the table is what
the CSV download contains. A regency's page lists its kecamatan when they have
data (``pages/support/kecamatan_page.py``).
"""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from pages.support import access, cached, cached_kecamatan, chrome, kecamatan_page, region_parts
from utils.formatting import format_date, plain
from utils.i18n import t
from utils.ingest import provenance
from utils.ingest.matching import RegionIndex
from utils.ingest.region_rows import former_names
from utils.ingest.region_search import Found, find
from utils.metrics import attainment, coverage, region_profile
from utils.metrics import regions as region_ref
from utils.metrics.regions import kecamatan_label
from utils.report import region_glance as glance
from utils.report import region_profile as texts

KEY = "region_code"
PARAM = "kode"
QUERY, FOUND = "region_query", "region_found"


def _kecamatan_key(regency: str) -> str:
    """The state key of the kecamatan box under ``regency``."""
    return f"region_kec_{regency}"


def _open(code: str) -> None:
    """Open a province or regency, or a kecamatan under its regency (a callback)."""
    if region_profile.is_kecamatan(code):
        st.session_state[KEY] = code[:5]
        st.session_state[_kecamatan_key(code[:5])] = code
    else:
        st.session_state[KEY] = code
        st.session_state[_kecamatan_key(code)] = None  # the regency itself, not a kecamatan


def _look_up() -> None:
    """Read the typed name as the importer reads names (its index, former names from
    the crosswalk, remembered aliases; kecamatan by code or with their regency); open
    the region only when it would match it."""
    index = RegionIndex(cached.region_table(), access.store().aliases(),
                        former_names(cached.crosswalk_table()))
    found = find(st.session_state.get(QUERY), index, cached_kecamatan.kecamatan_search_index())
    st.session_state[FOUND] = found
    if found.sure:
        _open(found.codes[0])


def _regency_chosen() -> None:
    """A region picked in the box opens the region itself, not a kecamatan chosen before."""
    if st.session_state.get(KEY):
        st.session_state[_kecamatan_key(st.session_state[KEY])] = None


def option(code: str, regions: pd.DataFrame, lang: str) -> str:
    """A found region as listed: ``Kota Bogor — Jawa Barat``, or a kecamatan with its
    regency (``Kecamatan Kota Bangun, Kabupaten Kutai Kartanegara``)."""
    if code in regions.index:
        return texts.option_label(regions.loc[code], lang)
    row = kecamatan_page.reference_row(code)
    return kecamatan_label(row) if row else code


def offer(codes: list[str], regions: pd.DataFrame, lang: str) -> None:
    """One button per region found."""
    for code in codes:
        st.button(option(code, regions, lang), key=f"region_pick_{code}", on_click=_open,
                  args=(code,), type="tertiary", icon=":material/place:")


def finder(regions: pd.DataFrame, lang: str) -> None:
    """Type a name as it is written anywhere (``KAB. KUTAI KERTANEGARA``, a former name,
    a code): looked up as you type, in the page's own words (no "Press Enter")."""
    query = st.text_input(t("region.find", lang), key=QUERY, live=True, on_change=_look_up,
                          icon=":material/search:", placeholder=t("kec_reg_find_placeholder", lang),
                          help=t("kec_reg_find_help", lang))
    found: Found = st.session_state.get(FOUND) or Found()
    if not query or not query.strip():
        return
    known = cached_kecamatan.kecamatan_search_index()
    shown = [c for c in found.codes
             if c in regions.index or (known is not None and c in known.codes)]
    if found.sure and shown:
        if found.by == "former":
            st.caption(t("region.find_former", lang, typed=plain(query.strip()),
                         name=regions.loc[shown[0], "name"]))
        if shown[1:]:  # kecamatan of the same name as the region opened
            st.caption(t("kec_reg_find_also", lang))
            offer(shown[1:], regions, lang)
        return
    if not shown:
        st.caption(t("region.find_none", lang, typed=plain(query.strip())))
        return
    st.caption(t({"part": "region.find_part", "kecamatan": "kec_reg_find_kecamatan"}.get(
        found.by, "region.find_maybe"), lang))
    offer(shown, regions, lang)


def search(regions: pd.DataFrame, lang: str) -> str | None:
    """The search box, and under a regency its kecamatan; the choice follows the
    link on arrival and the link follows it."""
    codes = list(regions.sort_values(["level", "name"]).index)  # provinces, then regencies
    linked = st.query_params.get(PARAM)
    known = linked in regions.index or kecamatan_page.reference_row(linked) is not None
    if KEY not in st.session_state and known:
        _open(linked)
    finder(regions, lang)
    code = st.selectbox(
        t("region.search", lang),
        codes,
        index=None,
        key=KEY,
        format_func=lambda c: texts.option_label(regions.loc[c], lang),
        placeholder=t("region.search_placeholder", lang),
        help=t("region.search_help", lang),
        on_change=_regency_chosen,
    )
    if code is not None and regions.loc[code, "level"] == region_ref.REGENCY:
        code = kecamatan_box(code, str(regions.loc[code, "name"]).strip(), lang) or code
    params = {PARAM: code} if code else {}
    st.query_params.from_dict({**params, **({"lang": lang} if lang != "id" else {})})
    if code is None and linked and not known:
        st.warning(t("region.unknown_link", lang))
    return code


def kecamatan_box(regency: str, name: str, lang: str) -> str | None:
    """The regency's kecamatan to choose from (none chosen: the regency itself)."""
    reference = cached.kecamatan_table()
    if reference is None:
        return None
    own = region_ref.kecamatan_of(reference, regency)
    labels = {c: kecamatan_label(r, with_regency=False)
              for c, r in zip(own["code"], own.to_dict("records"), strict=True)}
    return st.selectbox(t("kec_reg_search", lang, regency=name), list(labels), index=None,
                        key=_kecamatan_key(regency), format_func=labels.__getitem__,
                        placeholder=t("kec_reg_search_placeholder", lang, regency=name),
                        help=t("kec_reg_search_help", lang))


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
    level = cached_kecamatan.kecamatan_level()  # a regency's text names its kecamatan
    facts = {i: attainment.level_facts(table, plain_regions, targets, i, period, code, level)[0]
             for i in defs}
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
        lines = texts.card_lines(facts[indicator], by_indicator.get(indicator, {}), units, lang,
                                 peers)
        region_parts.indicator_card(
            column, facts[indicator], defs[indicator].label(lang), lines, lang,
            texts.derived_note(marks, indicator, period, lang) if marks is not None else "")
    if row["level"] == region_ref.REGENCY:  # its kecamatan, ranked for outreach
        kecamatan_page.regency_section(code, row, lang)

    history = region_profile.trend(table, plain_regions, targets, code)
    frame = texts.history_table(history, rank_rows, period, code, name, defs, lang, marks)
    region_parts.closing(history, facts, defs, frame, code, name, lang)


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
    if region_profile.is_kecamatan(code):
        kecamatan_page.profile(code, regions, lang, answer)
        return
    profile(code, table, regions, lang, answer)


main()
