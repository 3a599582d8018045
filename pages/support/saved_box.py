"""The what-if page's saved box: open, compare, publish saved scenarios.

Public mode lists, opens and compares only published scenarios (and names no
damaged file); publishing and taking back need a signed-in session. Every
record read here is plain data from :mod:`utils.ingest.saved_scenarios`.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pages.support import access, cached_kecamatan, chrome, side_by_side
from pages.support import whatif_level as level
from utils import auth_roles
from utils.i18n import t
from utils.ingest import saved_scenarios
from utils.metrics import whatif_state as choices
from utils.report import whatif as report


def records(lang: str) -> dict[str, dict]:
    """Saved scenarios this session may see, by slug (public mode: published ones only)."""
    public = access.is_public()
    found, broken = saved_scenarios.list_saved(access.store(), public_only=public)
    for item in broken:
        st.warning(chrome.quoting("whatif.saved.skipped", lang, file=item))
    return {r["slug"]: r for r in found}


def publish_controls(record: dict, lang: str) -> None:
    """Say whether the picked scenario is public; a signed-in user may change that.
    Public mode says nothing (who published is an internal record)."""
    if access.is_public():
        return
    public = saved_scenarios.is_published(record)
    done = record.get("publication") or {}
    state = "whatif.publish.is_public" if public else "whatif.publish.is_private"
    st.caption(chrome.quoting(state, lang, by=done.get("by", ""), at=done.get("at", "")[:10]))
    if not access.may(auth_roles.PUBLISH_SCENARIO):  # planner or admin
        return
    who = st.text_input(t("whatif.publish.who_label", lang), key="whatif_publish_user",
                        max_chars=saved_scenarios.NAME_MAX)
    label = "whatif.publish.undo" if public else "whatif.publish.do"
    if st.button(t(label, lang), key="whatif_publish",
                 icon=":material/lock:" if public else ":material/public:"):
        try:
            saved_scenarios.set_published(access.store(), record["slug"], not public, who)
            access.audit("scenario_publish" if not public else "scenario_unpublish",
                         slug=record["slug"], by=who)
        except saved_scenarios.ScenarioError as error:
            st.error(chrome.quoting(error.key, lang, **error.params))
            return
        st.rerun()


def titled(title: str, scen, names: dict[str, str], lang: str) -> str:
    """A column title, with the level when the scenario plans a regency's kecamatan."""
    return f"{title} ({level.label(scen, names, lang)})" if scen.kecamatan_of else title


def compare(entries: list, picked: list[str], by_slug: dict, base, defs, known, names,
            lang) -> None:
    """Baseline, current and up to three saved scenarios side by side; each is computed at
    its own level (its title says which: every regency, or a regency's kecamatan)."""
    for slug in picked:
        other = choices.from_dict(by_slug[slug]["scenario"], base, list(defs), known)
        if other.kecamatan_of and other.kecamatan_of not in level.regencies():
            st.caption(chrome.quoting("kec_wi_saved_no_data", lang, name=by_slug[slug]["name"],
                                      regency=names.get(other.kecamatan_of, "")))
            continue
        totals = {i: found[1] for i in defs if (found := cached_kecamatan.level_result(i, other))}
        entries.append((titled(by_slug[slug]["name"], other, names, lang), other, totals))
    st.dataframe(
        report.compare_rows(entries, {i: d.label(lang) for i, d in defs.items()}, lang),
        hide_index=True,
        width="stretch",
    )


def saved_box(
    scen, tots, base, defs, known, on_open: Callable[[dict], None], names: dict[str, str],
    lang: str,
) -> None:
    """Open a saved scenario, or compare saved ones with the baseline and the current one."""
    by_slug = records(lang)
    if not by_slug:
        st.caption(t("whatif.saved_none", lang))
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    pick = left.selectbox(
        t("whatif.open", lang), list(by_slug), key="whatif_open",
        format_func=lambda s: t("whatif.saved_label", lang, name=by_slug[s]["name"],
                                version=by_slug[s]["version"],
                                date=by_slug[s]["saved_at"][:10]))
    right.button(t("whatif.open_button", lang), key="whatif_open_button",
                 icon=":material/restore:", on_click=on_open, args=(by_slug[pick],))
    publish_controls(by_slug[pick], lang)
    picked = st.multiselect(t("whatif.compare", lang), list(by_slug), key="whatif_compare",
                            format_func=lambda s: by_slug[s]["name"], max_selections=3)
    if picked:
        entries = [(titled(t("whatif.baseline", lang), scen, names, lang), None, tots),
                   (titled(t("whatif.current", lang), scen, names, lang), scen, tots)]
        compare(entries, picked, by_slug, base, defs, known, names, lang)
    side_by_side.side_by_side(scen, base, defs, known, by_slug, lang)
