"""What-if page: the planning level — every regency of Indonesia, or one regency's kecamatan.

A regency Dukcapil plans outreach ("jemput bola") per kecamatan. The level is a
choice of the scenario (``Scenario.kecamatan_of``: ``k`` in a link, kept by a
saved scenario): ``""`` for Indonesia (as before) or a regency whose kecamatan
have data. At kecamatan level the model runs over the regency's kecamatan rows
(:func:`pages.support.cached.kecamatan_coverage`) with the targets they inherit
from the regency, one result per kecamatan; the regency's totals are sums over
its kecamatan, and the page says so (and says when some kecamatan have no data).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.support import cached, cached_kecamatan
from utils.charts import whatif as scenario_charts
from utils.i18n import t
from utils.metrics import kecamatan_whatif
from utils.metrics import whatif_state as choices
from utils.metrics.regions import kecamatan_of
from utils.report import whatif as report

STATE = choices.BY_FIELD["kecamatan_of"].widget
"""Session-state key of the level choice (``""``: Indonesia)."""
OUTREACH = choices.BY_FIELD["outreach_regions"].widget
CAPACITY = choices.BY_FIELD["capacity"].widget
CAPACITY_IN_USE = "whatif_capacity_in_use"
"""The capacity entries of the last run, edits included (the table shows one level)."""
VARIANTS = {
    "whatif.model": "kec_wi_model",
    "whatif.gauges_note": "kec_wi_gauges_note",
    "whatif.outreach": "kec_wi_outreach",
    "whatif.outreach_help": "kec_wi_outreach_help",
    "whatif.outreach_regions": "kec_wi_outreach_regions",
    "whatif.outreach_regions_help": "kec_wi_outreach_regions_help",
    "whatif.all_regions": "kec_wi_all_kecamatan",
    "whatif.m.gap_help": "kec_wi_gap_help",
    "whatif.excluded": "kec_wi_excluded",
    "whatif.table": "kec_wi_table",
    "whatif.table_note": "kec_wi_table_note",
    "whatif.by_month": "kec_wi_by_month",
    "whatif.csv": "kec_wi_csv",
    "goal.intro": "kec_wi_goal_intro",
    "goal.csv": "kec_wi_goal_csv",
    "capacity.intro": "kec_wi_capacity_intro",
    "capacity.col.region": "kec_wi_col_kecamatan",
}
"""Texts that name the regency as the unit, and their kecamatan-level versions."""


def words(key: str, area: str | None) -> str:
    """The text key to use: ``key``, or its kecamatan version at kecamatan level."""
    return VARIANTS.get(key, key) if area else key


def regencies() -> list[str]:
    """Regencies whose kecamatan have data (only these can be planned per kecamatan)."""
    return cached_kecamatan.kecamatan_regencies()


def chosen() -> str | None:
    """The regency whose kecamatan are planned (session state), if it has kecamatan data."""
    value = st.session_state.get(STATE) or ""
    return value if value in regencies() else None


def places(area: str) -> pd.DataFrame:
    """The kecamatan of ``area`` from the reference, in code order (empty without it)."""
    ref = cached.kecamatan_table()
    return kecamatan_of(ref, area) if ref is not None else pd.DataFrame(columns=["code"])


def place_names(area: str | None) -> dict[str, str]:
    """Kecamatan code → ``Kecamatan Loa Kulu`` for the kecamatan of ``area``."""
    return kecamatan_whatif.names(places(area)) if area else {}


def kind(area: str, lang: str) -> str:
    """What the regency's kecamatan are called: ``Kecamatan``, or ``Distrik`` in Papua."""
    found = places(area)
    return str(found["kind"].iloc[0]) if len(found) else t("kec_wi_col_kecamatan", lang)


def known_codes(names: dict[str, str]) -> set[str]:
    """Codes a link or saved scenario may name: provinces, regencies and kecamatan."""
    ref = cached.kecamatan_table()
    return set(names) | (set(ref["code"]) if ref is not None else set())


def fits(code: str, area: str) -> bool:
    """Whether an outreach pick belongs to the level (``area`` ``""``: Indonesia)."""
    return code.startswith(f"{area}.") if area else code.count(".") < 2


def tidy() -> None:
    """On a change of level: drop outreach picks of the other level (a regency picked
    for Indonesia would give none of the kecamatan of another regency outreach), and
    keep the capacity table's edits (the next level's table starts from them)."""
    area = st.session_state.get(STATE) or ""
    picks = st.session_state.get(OUTREACH, [])
    st.session_state[OUTREACH] = [c for c in picks if fits(c, area)]
    if CAPACITY_IN_USE in st.session_state:
        st.session_state[CAPACITY] = st.session_state[CAPACITY_IN_USE]


def level_control(box, names: dict[str, str], lang: str) -> str | None:
    """The level choice; ``None`` for Indonesia. Hidden when no kecamatan data exist."""
    options = ["", *regencies()]
    asked = st.session_state.get(STATE) or ""
    if asked not in options:  # a link or saved scenario for a regency without kecamatan data
        box.caption(t("kec_wi_no_data_for", lang, name=names.get(asked, asked)))
        st.session_state[STATE] = ""
    if len(options) == 1:
        return None
    value = box.selectbox(
        t("kec_wi_level", lang), options, key=STATE, on_change=tidy,
        help=t("kec_wi_level_help", lang),
        format_func=lambda c: t("kec_wi_level_of", lang, name=names.get(c, c)) if c
        else t("kec_wi_level_national", lang))
    return value or None


def outreach_picks(box, area: str, lang: str) -> tuple[str, ...]:
    """Which of the regency's kecamatan receive outreach (none picked: all of them)."""
    labels = place_names(area)
    before = [c for c in st.session_state.get(OUTREACH, []) if c not in labels]
    picked = box.multiselect(
        t("kec_wi_outreach_regions", lang), [*labels, *before], key=OUTREACH,
        help=t("kec_wi_outreach_regions_help", lang),
        format_func=lambda c: labels.get(c, c), placeholder=t("kec_wi_all_kecamatan", lang))
    return tuple(picked)


def baseline(area: str | None) -> tuple[str, dict[str, pd.DataFrame]] | None:
    """The what-if baseline of the level: the regencies', or the regency's kecamatan."""
    return cached_kecamatan.kecamatan_baseline(area) if area else cached.scenario_baseline()


def scope_name(area: str, names: dict[str, str], lang: str) -> str:
    """The regency as the gauges name it: ``Kabupaten X (jumlah kecamatannya)``."""
    return t("kec_wi_scope_name", lang, name=names.get(area, area))


def sum_note(result: pd.DataFrame, area: str, names: dict[str, str], lang: str) -> None:
    """Say that the regency's totals are sums over its kecamatan (and when partial)."""
    st.caption(report.kecamatan_sum_text(kecamatan_whatif.reach(result),
                                         names.get(area, area), lang))


def change_map(result: pd.DataFrame, area: str, lang: str) -> None:
    """The change map of the regency's kecamatan (one file per regency, fetched once);
    kecamatan without data are drawn grey, a kecamatan without a boundary is named."""
    found = cached_kecamatan.kecamatan_geometry(area)  # the map page's file and shapes
    if found is None:
        st.caption(t("kec_wi_no_map", lang))
        return
    url, shapes = found
    texts = report.change_map_texts(lang)
    template = scenario_charts.change_map_template(url, texts, level="kecamatan")
    st.vega_lite_chart(spec=scenario_charts.fill(
        template, {"changes": scenario_charts.map_rows(result)}), width="stretch")
    note = report.category_counts(result, lang) + ". " + t("whatif.map_note", lang)
    missing = result[~result["code"].isin(shapes)]
    if not missing.empty:
        note += " " + t("kec_wi_without_shape", lang, names=", ".join(missing["name"]))
    st.caption(note)


def results_table(result: pd.DataFrame, period: str, lang: str) -> None:
    """Every kecamatan of the regency: the largest shortfall at the deadline first."""
    st.markdown(report.markdown_table(report.kecamatan_table(result, period, lang)))


def label(scen: choices.Scenario, names: dict[str, str], lang: str) -> str:
    """The level of a scenario in a few words (for comparisons)."""
    if not scen.kecamatan_of:
        return t("kec_wi_level_national", lang)
    return t("kec_wi_level_of", lang, name=names.get(scen.kecamatan_of, scen.kecamatan_of))
