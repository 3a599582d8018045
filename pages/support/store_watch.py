"""Keep an open page on the store's active data: an accept or a rollback made anywhere
(another replica, the importer's command line) reaches every open page within seconds, and
a page whose store does not answer says so and opens by itself once it answers again."""

from __future__ import annotations

import logging

import streamlit as st

from pages.support import access, cached, chrome
from utils.geo import boundary_sets
from utils.i18n import t
from utils.ingest.store import StoreError

CHECK_S = 10
"""How often an open page compares the store's active versions with those it drew, or
tries again to reach a store that did not answer."""
LOG = logging.getLogger("capaian")


def store_now() -> tuple[tuple[str, ...], str]:
    """The store's active data now: (the store and its active versions, the active
    boundary set's id). One read of the active set (PostgreSQL: ~1 ms)."""
    store = access.store()
    version = (str(store.location), *store.state()["active"])
    return version, boundary_sets.active_id(boundary_sets.sets_of(store))


def store_reached(lang: str) -> bool:
    """Read the store's active versions for this rerun; when its database cannot be
    reached, say so in ``lang`` (the database's own error only off the public site), try
    again every :data:`CHECK_S` seconds, and return False: the page is not drawn,
    so no figure is shown from a store nobody could read."""
    try:
        cached.start_rerun()
        return True
    except StoreError as exc:
        LOG.log(logging.WARNING, "store: %s %s", exc.key, exc.params)  # for the operator
        st.title(t("store.down.title", lang))
        st.error(t("store.down.text", lang, seconds=CHECK_S))
        if not access.is_public():  # the database's own words, never a password
            st.caption(chrome.quoting(exc.key, lang, **{**exc.params, "url": "…"}))
        _retry()
        return False


@st.fragment(run_every=CHECK_S)
def _retry() -> None:
    """Reload the whole page once the store answers again."""
    try:
        store_now()
    except StoreError:
        return
    st.rerun()


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
        return  # the next full rerun says so (store_reached)
    if drawn[0] is None or now == drawn:
        return
    if live:
        st.rerun()
    if st.button(t("store.newer.load", lang), help=t("store.newer", lang), key="store_newer",
                 icon=":material/refresh:", type="primary", width="stretch"):
        st.rerun()
