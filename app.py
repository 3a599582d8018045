"""Capaian: entry point: page set-up, language, first-start build, navigation."""

from __future__ import annotations

import time

import streamlit as st

from pages.support import access, chrome, geometry_files, startup, store_watch
from utils.i18n import t

BRIEFING = "paparan"  # its figures never change under a speaker (store_watch.offer)
# (file, title key, icon, url path); the first is the default page. Icons are written out
# whole (`:material/<name>:`): deploy/static_files.py keeps what the app names in its icon font.
PAGES = [
    ("pages/map.py", "nav.map", ":material/map:", "peta"),
    ("pages/targets.py", "targets.nav", ":material/target:", "target"),
    ("pages/whatif.py", "nav.whatif", ":material/tune:", "simulasi"),
    ("pages/briefing.py", "nav.briefing", ":material/co_present:", BRIEFING),
    ("pages/region.py", "nav.region", ":material/location_city:", "wilayah"),
    ("pages/data.py", "nav.data", ":material/upload_file:", "data"),
    ("pages/about.py", "nav.about", ":material/info:", "tentang"),
]


def navigation(lang: str) -> list:
    """The pages this session may open; in public mode admin pages are not
    registered at all, so their addresses lead nowhere."""
    shown = [p for p in PAGES if p[3] not in access.hidden_pages()]
    return [
        st.Page(path, title=t(key, lang), icon=icon, url_path=url,
                default=i == 0)
        for i, (path, key, icon, url) in enumerate(shown)
    ]


def find_region_first(lang: str) -> None:
    """On the public landing page a citizen's question comes first: where is my
    region? (on a phone the map's controls would otherwise fill the first screen)."""
    st.space(28)  # clear of the app's header bar, which overlays the page's top
    with st.container(border=True):
        st.page_link("pages/region.py", label=t("nav.find_region", lang),
                     icon=":material/search:", width="stretch")


def main() -> None:
    """Set up the page, make sure the caches exist, and route to the pages."""
    started = time.perf_counter()
    access.harden()
    st.set_page_config(page_title="Capaian", page_icon="🗺️", layout="wide")
    chrome.compact_layout()
    lang = chrome.language()
    if not chrome.ensure_caches(lang) or not store_watch.store_reached(lang):
        st.stop()
    pages = navigation(lang)
    page = st.navigation(pages)
    if page is pages[0] and access.is_public():
        find_region_first(lang)
    if page.url_path != BRIEFING:  # a speaker's figures stay put: the briefing offers instead
        store_watch.follow(lang)
    page.run()
    # Server time of this rerun, read by the benchmark (tests/benchmarks/run.py) through AppTest.
    st.session_state["rerun_ms"] = (time.perf_counter() - started) * 1000


if __name__ == "__main__":  # a session's run of this script
    main()
else:  # `streamlit run app.py` imports this module and serves the app below
    app = st.App(__file__, lifespan=startup.lifespan, routes=geometry_files.routes())
