"""The what-if page's saved box: open, compare, publish saved scenarios.

Public mode lists, opens and compares only published scenarios (and names no
damaged file); publishing and taking back need a signed-in session. Every
record read here is plain data from :mod:`utils.ingest.saved_scenarios`.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pages.support import access, cached, chrome, side_by_side
from utils.i18n import t
from utils.ingest import saved_scenarios
from utils.ingest.store import Store
from utils.metrics import whatif as model
from utils.metrics import whatif_state as choices
from utils.report import whatif as report


def records(lang: str) -> dict[str, dict]:
    """Saved scenarios this session may see, by slug (public mode: published ones only)."""
    public = access.is_public()
    found, broken = saved_scenarios.list_saved(Store().root, public_only=public)
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
    if not access.signed_in():
        return
    who = st.text_input(t("whatif.publish.who_label", lang), key="whatif_publish_user",
                        max_chars=saved_scenarios.NAME_MAX)
    label = "whatif.publish.undo" if public else "whatif.publish.do"
    if st.button(t(label, lang), key="whatif_publish",
                 icon=":material/lock:" if public else ":material/public:"):
        try:
            saved_scenarios.set_published(Store().root, record["slug"], not public, who)
        except saved_scenarios.ScenarioError as error:
            st.error(chrome.quoting(error.key, lang, **error.params))
            return
        st.rerun()


def compare(entries: list, picked: list[str], by_slug: dict, base, defs, known, lang) -> None:
    """Baseline, current and up to three saved scenarios side by side."""
    bases = cached.scenario_baseline()[1]
    for slug in picked:
        other = choices.from_dict(by_slug[slug]["scenario"], base, list(defs), known)
        totals = {i: model.totals(model.evaluate(bases[i], other, i)) for i in bases}
        entries.append((by_slug[slug]["name"], other, totals))
    st.dataframe(
        report.compare_rows(entries, {i: d.label(lang) for i, d in defs.items()}, lang),
        hide_index=True,
        width="stretch",
    )


def saved_box(
    scen, tots, base, defs, known, on_open: Callable[[dict], None], lang: str
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
        entries = [(t("whatif.baseline", lang), None, tots),
                   (t("whatif.current", lang), scen, tots)]
        compare(entries, picked, by_slug, base, defs, known, lang)
    side_by_side.side_by_side(scen, base, defs, known, by_slug, lang)
