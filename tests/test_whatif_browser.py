"""A real browser on the what-if page: move a slider, see the map and a gauge change.

Debian's Chromium via Playwright; a missing browser fails the test, it is never skipped.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

NEWLY_FAILING = "#b35806"
MAP = '[data-testid="stVegaLiteChart"]:has(.layer_0_marks path[aria-roledescription="geoshape"])'
FILL = "(paths) => paths.map(p => p.getAttribute('fill'))"


def chart_text(page: Page, text: str):
    """The chart texts (the gauge's labels among them) that read exactly ``text``."""
    return page.locator(f'[data-testid="stVegaLiteChart"] text:text-is("{text}")')


def test_moving_a_slider_changes_the_map_and_the_gauge(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/simulasi?t_ktp_el=99.4&m=6&o=0&g=0&i=ktp_el")
    shapes = page.locator(MAP).first.locator(".layer_0_marks path")
    expect(shapes).to_have_count(514, timeout=90000)  # one shape per regency
    expect(page.get_by_text("Page not found")).to_have_count(0)  # its modal eats the drag
    expect(page.get_by_text("Data contoh — bukan data resmi")).to_be_visible()
    assert NEWLY_FAILING not in shapes.evaluate_all(FILL), "no change: nobody newly fails"
    expect(chart_text(page, "Target skenario: 99,40 %")).not_to_have_count(0)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60000)  # run over

    track = page.locator('[role="group"][aria-label^="Target nasional Perekaman KTP-el"]').first
    box = track.bounding_box()
    middle = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.988, middle)  # the thumb at 99.4 %
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] + 40, middle, steps=8)  # past the end: 100 %
    page.mouse.up()
    expect(chart_text(page, "Target skenario: 100,00 %")).not_to_have_count(0, timeout=30000)
    newly = page.locator(MAP).first.locator(f'.layer_0_marks path[fill="{NEWLY_FAILING}"]')
    expect(newly).not_to_have_count(0, timeout=30000)
    expect(shapes).to_have_count(514)
    assert newly.count() > 10
    expect(page).to_have_url(re.compile("t_ktp_el=100"))  # the link follows the slider
    page.screenshot(path=str(tmp_path / "whatif.png"))
    page.close()
