"""What-if page: share the scenario (link, CSV, one-page summary) and save it.

The CSV and the summary follow the scenario's level: every regency, or every
kecamatan of the planned regency (the regency's name beside each kecamatan).
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from pages.support import access, cached, chrome
from pages.support.whatif_level import words
from utils import auth_roles
from utils.i18n import t
from utils.ingest import provenance, saved_scenarios
from utils.ingest.export import labelled, to_csv
from utils.metrics import whatif_state as choices
from utils.report import whatif as report


def csv_frame(results, scen, defs, period, names, lang):
    """The CSV's rows: every region of the level and indicator, with the data's source."""
    frame = report.export_frame(results, period, lang, {i: d.label(lang) for i, d in defs.items()})
    if scen.kecamatan_of:
        frame = report.kecamatan_csv(frame, names.get(scen.kecamatan_of, scen.kecamatan_of), lang)
    return labelled(frame, provenance.source_text(cached.data_in_use(), lang, period), lang)


def share_and_export(results, scen, tots, defs, period, deadline, names, is_demo, lang) -> None:
    """Link that restores the sliders, CSV of every region, one-page summary."""
    query = choices.to_query(scen) | ({"lang": "en"} if lang == "en" else {})
    base_url = st.context.url or ""
    st.markdown(f"**{t('whatif.share', lang)}**")
    st.code(f"{base_url}?{urlencode(query)}", language=None, wrap_lines=True)
    left, right = st.columns(2)
    area = f"-{scen.kecamatan_of}" if scen.kecamatan_of else ""
    left.download_button(
        t(words("whatif.csv", scen.kecamatan_of), lang),
        data=lambda: to_csv(csv_frame(results, scen, defs, period, names, lang)),
        file_name=f"simulasi{area}-{period}.csv",
        mime="text/csv",
        on_click="ignore",
        key="whatif_csv",
        icon=":material/download:",
    )
    right.download_button(
        t("whatif.summary", lang),
        data=lambda: report.summary_page(
            results, scen, tots, defs, period, deadline, names, is_demo, lang
        ).encode("utf-8"),
        file_name=f"simulasi{area}-{period}.html",
        mime="text/html",
        on_click="ignore",
        key="whatif_summary",
        icon=":material/description:",
    )


def save_box(scen: choices.Scenario, period: str, lang: str) -> None:
    """Name and save the current scenario (signed-in users only; hidden when public)."""
    if access.is_public():
        return
    st.markdown(f"**{t('whatif.save', lang)}**")
    if not access.require_role(auth_roles.SAVE_SCENARIO, lang):  # planner or admin
        return
    name = st.text_input(t("whatif.save_name", lang), max_chars=saved_scenarios.NAME_MAX,
                         key="whatif_save_name", placeholder=t("whatif.save_hint", lang))
    if st.button(t("whatif.save_button", lang), key="whatif_save", icon=":material/save:"):
        try:
            record = saved_scenarios.save(access.store(), name, choices.to_dict(scen),
                                          baseline_period=period)
        except saved_scenarios.ScenarioError as error:
            st.error(chrome.quoting(error.key, lang, **error.params))
            return
        access.audit("scenario_save", slug=record["slug"], name=record["name"])
        st.success(chrome.quoting("whatif.saved_ok", lang, **record))
