"""A real browser drives the briefing: keys and buttons move, type is large, charts download.

A missing browser fails these tests: they are never skipped.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from utils.metrics.indicators import load_indicators

SLIDES = 2 * len(load_indicators())
"""One slide per indicator, then one below-target slide per indicator."""
COUNTER = ".bf-counter"
TITLE = ".bf-title"
FIGURE = ".bf-figure"


def briefing(browser, server: str, width: int, height: int, query: str = "") -> Page:
    page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    page.goto(f"{server}/paparan{query}")
    page.locator(FIGURE).first.wait_for(timeout=60000)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.locator('[data-testid="stVegaLiteChart"] svg').first.wait_for(timeout=60000)
    page.locator("html[data-briefing-keys=ready]").wait_for(state="attached", timeout=60000)
    return page


def on_slide(page: Page, number: int, total: int = SLIDES) -> None:
    expect(page.locator(COUNTER)).to_have_text(f"{number} / {total}", timeout=30000)
    expect(page).to_have_url(re.compile(rf"[?&]slide={number}(&|$)"), timeout=30000)


def font_px(page: Page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        const bar = document.querySelector('.st-key-briefing_footer').getBoundingClientRect();
        return main.scrollHeight <= window.innerHeight + 1 && bar.bottom <= window.innerHeight
            && bar.top > window.innerHeight * 0.8;
    }""")


def test_keys_and_clicker_keys_move_through_the_deck(browser, server):
    page = briefing(browser, server, 1920, 1080)
    on_slide(page, 1)
    expect(page.locator(TITLE)).to_have_text("Perekaman KTP-el")
    assert font_px(page, FIGURE) >= 108  # the headline is at least 1/10 of the screen
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator('header[data-testid="stHeader"]').is_visible()
    regions = page.locator('[data-testid="stVegaLiteChart"]').first.locator(".layer_0_marks path")
    # the national map, one shape per regency (Vega draws the paths after the chart appears)
    expect(regions).to_have_count(514, timeout=30000)
    page.keyboard.press("ArrowRight")
    on_slide(page, 2)
    expect(page.locator(TITLE)).to_have_text("Kepemilikan KIA")
    for key, number in (
        ("PageDown", 3),
        ("PageUp", 2),
        ("End", SLIDES),
        ("Home", 1),
        (" ", 2),
        ("ArrowLeft", 1),
    ):
        page.keyboard.press(key)
        on_slide(page, number)
    page.close()


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720)])
def test_every_slide_fits_a_16_9_screen_in_large_type(browser, server, width, height):
    page = briefing(browser, server, width, height)
    figures = 0
    for number in range(1, SLIDES + 1):
        on_slide(page, number)
        page.locator(TITLE).first.wait_for()
        if page.locator(FIGURE).count():  # "nobody below target" is said in words, no figure
            figures += 1
            assert font_px(page, FIGURE) >= height / 10, f"slide {number}"
        assert font_px(page, TITLE) >= height / 20
        assert fits_the_screen(page), f"slide {number} scrolls at {width}×{height}"
        if number < SLIDES:
            page.get_by_role("button", name="Berikutnya").click()  # a mouse user
    expect(page.get_by_role("button", name="Berikutnya")).to_be_disabled()
    assert figures >= SLIDES // 2  # every indicator slide has its headline figure
    page.close()


def test_escape_leaves_for_the_map(browser, server):
    page = briefing(browser, server, 1280, 720, "?slide=2")
    on_slide(page, 2)
    page.keyboard.press("Escape")
    expect(page.locator(COUNTER)).to_have_count(0, timeout=30000)
    expect(page).not_to_have_url(re.compile("paparan"), timeout=30000)
    page.close()


def test_a_province_link_and_its_charts_download(browser, server, tmp_path):
    page = briefing(browser, server, 1920, 1080, "?scope=64&slide=1")
    on_slide(page, 1)
    expect(page.locator(".bf-sub")).to_contain_text("Provinsi Kalimantan Timur")
    assert fits_the_screen(page)
    page.get_by_role("button", name="Unduh grafik").click()
    files = {}
    for label in ("Peta (SVG)", "Pengukur (PNG)"):
        with page.expect_download(timeout=60000) as info:
            page.get_by_role("button", name=label).click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        files[path.name] = path.read_bytes()
    svg = files["capaian_ktp_el_peta_64_2025-06-30.svg"].decode()
    assert svg.startswith("<svg") and svg.count("<path") >= 10  # Kalimantan Timur's regencies
    assert "DATA CONTOH" in svg  # the file says it is demo data
    assert files["capaian_ktp_el_pengukur_64_2025-06-30.png"][:8] == b"\x89PNG\r\n\x1a\n"
    page.close()
