"""Chromium: every page's link opens that page on a freshly started server.

Each case starts its own server and opens the link as that server's very first
session (no warm-up): the page named in the address draws, its query parameters
stay, and Streamlit's "Page not found" dialog never shows.

Why the first session: Streamlit treats a folder named ``pages/`` beside the
entrypoint as a legacy multipage app until some session has called
``st.navigation``, so a first session would be routed against ``pages/*.py``
file names (``region``, ``targets`` …), find no ``wilayah`` and say "Page not
found". ``app.py`` is served as an ``st.App`` whose start-up
(``pages/support/startup.py``) turns that routing off before any session.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import chromium, start_app, stop_app
from playwright.sync_api import expect

from utils import auth
from utils.i18n import t

# (address path, query parameters, heading key or None for the briefing, mode)
LINKS = [
    pytest.param("", {"ind": "kia", "wil": "64", "lang": "en"}, "map.title", "internal",
                 id="map"),
    pytest.param("target", {"lang": "en"}, "targets.title", "internal", id="target"),
    pytest.param("simulasi", {"lang": "en"}, "whatif.title", "internal", id="simulasi"),
    pytest.param("paparan", {"slide": "2", "lang": "en"}, None, "internal", id="paparan"),
    pytest.param("wilayah", {"kode": "64.74", "lang": "en"}, "region.title", "internal",
                 id="wilayah"),
    pytest.param("data", {"lang": "en"}, "data.title", "internal", id="data"),
    pytest.param("tentang", {"lang": "en"}, "about.title", "internal", id="tentang"),
    pytest.param("wilayah", {"kode": "64.74"}, "region.title", "public", id="wilayah-public"),
]


@pytest.mark.parametrize(("path", "params", "heading", "mode"), LINKS)
def test_deep_link_on_fresh_server(path: str, params: dict[str, str], heading: str | None,
                                   mode: str) -> None:
    env = {auth.MODE_ENV: auth.PUBLIC} if mode == "public" else {}
    proc, address = start_app(Path(tempfile.mkdtemp()), env)
    try:
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            query = "&".join(f"{k}={v}" for k, v in params.items())
            page.goto(f"{address}/{path}?{query}")
            lang = params.get("lang", "id")
            if heading:
                expect(page.get_by_role("heading", level=1).first).to_have_text(
                    t(heading, lang), timeout=90_000)
            else:
                expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(
                    timeout=90_000)
            expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=90_000)
            current = page.locator("[data-testid='stSidebarNavLink'][aria-current='page']")
            expect(current).to_have_attribute("href", re.compile(rf"/{path}$"))
            for url in ("target", "wilayah", "tentang"):  # the app's pages, not file names
                expect(page.locator(f"[data-testid='stSidebarNavLink'][href$='/{url}']")
                       ).to_have_count(1)
            expect(page.get_by_text("Page not found")).to_have_count(0)
            shown = urlsplit(page.url)
            assert shown.path == f"/{path}"
            kept = parse_qs(shown.query)
            assert {k: kept.get(k) for k in params} == {k: [v] for k, v in params.items()}
            if path == "wilayah":
                expect(page.get_by_role("heading", name="Kota Bontang", exact=True)).to_be_visible(
                    timeout=90_000)  # a fresh server's first run of the page (no fixed wait)
    finally:
        stop_app(proc)
