"""The map page's drill from a province into a regency's kecamatan (``?wil=64.02``).

Indonesia → province → regency → kecamatan, wherever kecamatan data exist: the
"Lihat kecamatan di" select box (regencies with kecamatan data only), a click on
a province's map, and on the regency map how kecamatan fed a regency's figure
("dijumlahkan dari kecamatan", or "sebagian kecamatan (12 dari 20)": no figure).
:mod:`pages.support.map_kecamatan` draws the regency's kecamatan.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.support import cached, chrome
from utils.i18n import t
from utils.metrics import attainment, map_view
from utils.metrics.map_view import MapState

KEY = "map_kec"
"""Session key of the regency whose kecamatan are shown (``""``: none)."""
SCOPE_KEY = "map_scope"
"""The map page's province select box (its key)."""
NOTICE = "map_kec_notice"
"""A regency clicked on the map that has no kecamatan data (said once)."""
NOTE_COLUMN = "kecamatan_note"
"""Column of the regency table saying how kecamatan fed a regency's figure."""


# --- the data ----------------------------------------------------------------------------


def _kecamatan_rows() -> pd.DataFrame | None:
    rows = cached.kecamatan_coverage() if cached.kecamatan_table() is not None else None
    return None if rows is None or rows.empty else rows


def page_data(lang: str) -> pd.DataFrame | None:
    """:func:`chrome.page_data` of the map page, which also opens when the data hold
    only kecamatan rows of regencies not all of whose kecamatan are in (no regency
    figure at all): its regencies' kecamatan can still be shown. Returns the
    regency-level table (then empty), or ``None`` after saying there is no data."""
    upper, lower = cached.current_coverage(), _kecamatan_rows()
    if lower is None or (upper is not None and not upper.empty):
        return chrome.page_data("map.title", "map.intro", "home.no_data", lang)
    st.title(t("map.title", lang))
    st.caption(t("map.intro", lang))
    if lower["is_demo"].any():
        chrome.demo_banner(lang)
    return upper if upper is not None else lower.iloc[0:0]


def periods(table: pd.DataFrame) -> list[str]:
    """The periods to choose from, latest first: the table's and the kecamatan rows'."""
    lower = _kecamatan_rows()
    found = set(table["period"]) | (set() if lower is None else set(lower["period"]))
    return sorted((str(p) for p in found), reverse=True)


def home(table: pd.DataFrame, regions: pd.DataFrame) -> str:
    """The province all the data lie in (regency rows and kecamatan rows), else ``""``."""
    lower = _kecamatan_rows()
    codes = table[["code"]] if lower is None else pd.concat(
        [table[["code"]], lower["code"].astype(str).str[:5].to_frame()], ignore_index=True)
    return attainment.data_province(codes, regions) or ""


# --- choosing a regency -------------------------------------------------------------------


def linkable() -> list[str]:
    """Regencies a link may open: those with kecamatan rows of any indicator and period."""
    if cached.kecamatan_table() is None:
        return []
    return map_view.regencies_with_kecamatan(cached.kecamatan_coverage())


def offered(indicator: str, period: str, province: str) -> list[str]:
    """Regencies (of ``province``; all Indonesia with ``""``) with kecamatan data for
    ``indicator`` and ``period``: the only ones the page offers to open."""
    if cached.kecamatan_table() is None:
        return []
    return map_view.regencies_with_kecamatan(cached.kecamatan_coverage(), indicator, period,
                                             province)


def leave() -> None:
    """Back from a regency to its province's map (the province select box changed)."""
    st.session_state[KEY] = ""


def open_regency(code: str) -> None:
    """Show the kecamatan of regency ``code`` (its province becomes the scope)."""
    st.session_state[KEY] = code
    st.session_state[SCOPE_KEY] = code[:2]


def _picked() -> None:
    code = st.session_state[KEY]
    if code:
        st.session_state[SCOPE_KEY] = code[:2]


def picker(where, indicator: str, period: str, province: str, current: str,
           names: dict[str, str], lang: str) -> None:
    """"Lihat kecamatan di: …": the regencies of ``province`` (all Indonesia when
    ``""``) with kecamatan data for the indicator and period, and the regency
    shown (``current``) even when it has none for them. Nothing when none has."""
    codes = offered(indicator, period, province)
    if current and current not in codes:
        codes = sorted([*codes, current])
    if not codes:
        return

    def label(code: str) -> str:
        if not code:
            return t("kec_map_pick_none", lang)
        if province:
            return names.get(code, code)
        return t("kec_map_pick_option", lang, regency=names.get(code, code),
                 province=names.get(code[:2], code[:2]))

    where.selectbox(t("kec_map_pick", lang), ["", *codes], key=KEY, format_func=label,
                    on_change=_picked, help=t("kec_map_pick_help", lang))


def clicked(code: str, indicator: str, period: str) -> None:
    """A regency clicked on a province's map: open its kecamatan when it has data,
    else remember to say that it has none."""
    if code in offered(indicator, period, code[:2]):
        open_regency(code)
    else:
        st.session_state[NOTICE] = code


def notice(names: dict[str, str], lang: str) -> None:
    """Say (once) that the regency clicked last has no kecamatan data."""
    code = st.session_state.pop(NOTICE, None)
    if code:
        st.info(t("kec_map_not_offered", lang, regency=names.get(code, code)))


# --- the regency map: figures fed by kecamatan --------------------------------------------


def fed_by_kecamatan(rows: pd.DataFrame, state: MapState,
                     lang: str) -> tuple[pd.Series, pd.Series]:
    """Per regency of the map, how kecamatan fed its figure ("dijumlahkan dari
    kecamatan", "sebagian kecamatan (12 dari 20)" or ``""``), and the text shown
    instead of "tanpa data" for a regency with only some kecamatan (else ``""``)."""
    none = pd.Series("", index=rows.index, dtype=object)
    summed = cached.kecamatan_rollup()
    if summed is None or state.regions_level != "regency" or rows.empty:
        return none, none
    marks = map_view.rollup_marks(rows, summed.summed(), summed.partial, state.indicator,
                                  state.period)
    why = pd.Series([t("kec_map_partial", lang, present=int(p), total=int(n))
                     if pd.notna(p) and pd.notna(n) else "" for p, n in
                     zip(marks["present"], marks["total"], strict=True)], index=rows.index,
                    dtype=object)
    words = marks["summed"].map({True: t("kec_map_summed", lang), False: ""})
    return why.where(why != "", words).astype(object), why


def joined(notes: pd.Series, fed: pd.Series) -> pd.Series:
    """The map's notes with the kecamatan notes after them (``; ``-joined)."""
    return pd.Series(["; ".join(x for x in (a, b) if x) for a, b in zip(notes, fed, strict=True)],
                     index=notes.index, dtype=object)


def with_note_column(shown: pd.DataFrame, fed: pd.Series) -> pd.DataFrame:
    """The regency table with a column of the kecamatan notes when any row has one."""
    return shown.assign(**{NOTE_COLUMN: fed.to_numpy()}) if (fed != "").any() else shown


def header(column: str, lang: str) -> str:
    """A regency table column's header (the kecamatan note's, or the map's own)."""
    return t("kec_map_col_note", lang) if column == NOTE_COLUMN else t(f"map.col.{column}", lang)
