"""Chromium walks every page in Indonesian and English: no raw keys, no other language.

Only a browser sees what reaches the reader: the table headers Streamlit draws,
the sliders' value texts (also read aloud, ``aria-valuetext``), the map's
screen-reader labels (Vega's ``aria-label`` of each region) and Streamlit's own
words. The checks cover what issue #15 (item 7) found and this work fixed;
Streamlit's fixed English strings with no supported setting are listed in
``UPSTREAM`` and not searched for (see the report of that work).
"""

from __future__ import annotations

import re

import pytest
from browser_support import WAIT, chromium, start_app, stop_app, warm
from playwright.sync_api import expect

from utils.metrics.indicators import load_indicators

PAGES = {"map": "/", "targets": "/target", "whatif": "/simulasi",
         "region": "/wilayah?kode=64.02", "about": "/tentang"}
KEYS = re.compile(r"\b(?:" + "|".join(load_indicators()) + r"|region|period)\.[a-z_]+\b")
"""A field key as stored (``ktp_el.numerator``, ``region.name``)."""
RAW_HEADERS = re.compile(r"^(?:region|province|percent|numerator|denominator|target|rank)$")
ENGLISH_ON_ID = ("Show data", "No results", "Press Enter", "Coverage", "Download")
INDONESIAN_ON_EN = ("Cakupan", "Unduh", "Wilayah berdata", "Tanpa data")
UPSTREAM = ("Upload", "per file", "Page not found", "Show data (toolbar tooltip)")
"""Streamlit's own English with no setting: the file uploader's button and limit
(streamlit/streamlit#13500), the chart toolbar's tooltips (#1353), "No results" of a
selectbox whose typed text matches nothing (#1353)."""

VISIBLE = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] *'))
  .filter(e => e.children.length === 0 && e.offsetParent !== null)
  .map(e => (e.innerText || '').trim()).filter(Boolean)"""
ARIA = """() => Array.from(document.querySelectorAll(
    '[data-testid="stMain"] [aria-label], [data-testid="stMain"] [aria-valuetext]'))
  .map(e => [e.getAttribute('aria-label'), e.getAttribute('aria-valuetext')].join(' '))"""


@pytest.fixture(scope="module")
def app(built, tmp_path_factory):
    proc, address = start_app(tmp_path_factory.mktemp("language"))
    with chromium() as browser:
        yield browser, warm(browser, address)
    stop_app(proc)


def opened(browser, address: str, path: str, lang: str):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{address}{path}{'&' if '?' in path else '?'}lang={lang}")
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT)
    return page


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_key_and_no_other_language(app, name, lang):
    browser, address = app
    page = opened(browser, address, PAGES[name], lang)
    if name == "map":  # the regions are drawn and labelled for screen readers
        expect(page.locator('[data-testid="stMain"] path[aria-label]').first).to_be_attached(
            timeout=WAIT)
    texts = page.evaluate(VISIBLE)
    aria = page.evaluate(ARIA)
    keys = [s for s in texts + aria if KEYS.search(s)]
    assert not keys, keys
    assert not [s for s in aria if "slot:" in s]  # Vega's own text of the colour channel
    foreign = ENGLISH_ON_ID if lang == "id" else INDONESIAN_ON_EN
    assert not [s for s in texts if any(w in s for w in foreign)]
    if lang == "id":  # "99.4 %" shown or read aloud on an Indonesian page
        assert not [s for s in texts + aria if re.search(r"\d\.\d+ ?%", s)]
    page.close()


@pytest.mark.parametrize(("lang", "words"), [("id", ["Wilayah", "Cakupan"]),
                                             ("en", ["Region", "Coverage"])])
def test_the_map_table_headers_are_words(app, lang, words):
    browser, address = app
    page = opened(browser, address, "/?wil=64", lang)
    grid = page.get_by_test_id("stDataFrame").first
    cells = grid.locator('[role="columnheader"]')  # the grid's own table for screen readers
    expect(cells.first).to_have_text(words[0], timeout=WAIT)
    headers = [h.strip() for h in cells.all_text_contents()]
    assert words[0] in headers and any(h.startswith(words[1]) for h in headers), headers
    assert not [h for h in headers if RAW_HEADERS.match(h)], headers
    page.close()


@pytest.mark.parametrize(("lang", "target", "growth", "outreach"),
                         [("id", "99,4 %", "0,0 %", "0"), ("en", "99.4 %", "0.0 %", "0")])
def test_sliders_speak_the_page_language(app, lang, target, growth, outreach):
    browser, address = app
    page = opened(browser, address, "/simulasi", lang)
    slider = page.locator(".st-key-whatif_target_ktp_el").get_by_role("slider").first
    expect(slider).to_have_attribute("aria-valuetext", target, timeout=WAIT)
    expect(page.locator(".st-key-whatif_target_ktp_el")).to_contain_text(target)
    growth_box = page.locator(".st-key-whatif_growth").get_by_role("slider").first
    expect(growth_box).to_have_attribute("aria-valuetext", growth)
    page.close()


def test_a_spelling_the_importer_accepts_finds_its_region(app):
    browser, address = app
    page = opened(browser, address, "/wilayah", "id")
    box = page.get_by_role("textbox", name=re.compile("^Cari"))
    box.fill("KAB. KUTAI KERTANEGARA")  # no Enter: looked up as typed
    expect(page.get_by_role("heading", name="Kabupaten Kutai Kartanegara", exact=True)
           ).to_be_visible(timeout=WAIT)
    expect(page).to_have_url(re.compile(re.escape("kode=64.02")))
    texts = page.evaluate(VISIBLE)
    assert not [s for s in texts if "Press Enter" in s or "No results" in s]
    page.close()
