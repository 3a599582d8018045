"""Keep an open page on the store's active data: an accept or a rollback made anywhere
(another replica, the importer's command line) reaches every open page within seconds."""

from __future__ import annotations

import streamlit as st

from pages.support import access
from utils.geo import boundary_sets
from utils.i18n import t
from utils.ingest.store import StoreError

CHECK_S = 10
"""How often an open page compares the store's active versions with those it drew."""


def store_now() -> tuple[tuple[str, ...], str]:
    """The store's active data now: (the store and its active versions, the active
    boundary set's id). One read of the active set (PostgreSQL: ~1 ms)."""
    store = access.store()
    version = (str(store.location), *store.state()["active"])
    return version, boundary_sets.active_id(boundary_sets.sets_of(store))


def follow(lang: str) -> None:
    """Every :data:`CHECK_S` seconds, compare the store's active data with what this page
    drew, and draw the page again when it changed (app.py; not on the briefing: offer)."""
    with st.sidebar:
        _follow(lang, True)


def offer(lang: str) -> None:
    """As :func:`follow`, but where figures must not change under a speaker (the
    briefing's footer): a button offers the new data; the figures stay until it is pressed."""
    _follow(lang, False)


@st.fragment(run_every=CHECK_S)
def _follow(lang: str, live: bool) -> None:
    drawn = (st.session_state.get("data_version"), st.session_state.get("boundary_set"))
    try:
        now = store_now()
    except StoreError:
        return  # the next full rerun says so (chrome.store_reached)
    if drawn[0] is None or now == drawn:
        return
    if live:
        st.rerun()
    if st.button(t("store.newer.load", lang), help=t("store.newer", lang), key="store_newer",
                 icon=":material/refresh:", type="primary", width="stretch"):
        st.rerun()
