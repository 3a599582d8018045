"""A real browser draws the side-by-side maps: every regency on every map, in the shared
palette, side by side on a desk and stacked on a phone.

Debian's Chromium via Playwright; a missing browser fails the test, it is never skipped.
"""

from __future__ import annotations

import pytest
from browser_support import WAIT, idle
from playwright.sync_api import Page, expect

from utils.charts.choropleth import PALETTE
from utils.ingest import saved_scenarios

SIDES = ["Sekarang (target berlaku)", "Target tinggi 99,8", "Jemput bola 2026"]
FILL = "(paths) => paths.map(p => p.getAttribute('fill'))"


@pytest.fixture(scope="module")
def side_server(built, browser, tmp_path_factory):
    """The app with a store holding two saved scenarios."""
    from browser_support import start_app, stop_app, warm

    store = tmp_path_factory.mktemp("store")
    saved_scenarios.save(store, SIDES[1], {"targets": {"ktp_el": 99.8}, "months": 12})
    saved_scenarios.save(store, SIDES[2], {"targets": {"ktp_el": 99.4}, "months": 6,
                                           "outreach": 500})
    proc, address = start_app(store)
    yield warm(browser, address)
    stop_app(proc)


def side_maps(page: Page, width: int, height: int, server: str) -> list:
    """Open the what-if page, pick the three sides; the maps' chart elements."""
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{server}/simulasi")
    page.get_by_role("tab", name="Skenario tersimpan").click()
    pick = page.locator(".st-key-whatif_side_pick input")
    chips = page.locator(".st-key-whatif_side_pick .react-aria-ComboBox [data-tag]")
    for picked, name in enumerate(SIDES, start=1):
        # each pick starts when the page's run (the first, or the last pick's) is done: a
        # run streaming in re-mounts the widget, and one returning mid-typing resets it
        idle(page)
        pick.click()
        pick.press_sequentially(name)
        option = page.get_by_role("option", name=name)
        expect(option).to_be_visible(timeout=WAIT)
        if option.get_attribute("data-focused") != "true":
            page.keyboard.press("ArrowDown")  # the one option left: Enter picks the focused one
        expect(option).to_have_attribute("data-focused", "true", timeout=WAIT)
        page.keyboard.press("Enter")  # keys go to the input; a click may land on a re-mount
        page.keyboard.press("Escape")
        expect(chips).to_have_count(picked, timeout=WAIT)
    charts = [page.locator(f".st-key-whatif_side_map_{i} [data-testid='stVegaLiteChart']")
              for i in range(len(SIDES))]
    for chart in charts:
        chart.scroll_into_view_if_needed(timeout=90_000)
        expect(chart.locator(".layer_0_marks path")).to_have_count(514, timeout=90_000)
    return charts


@pytest.mark.parametrize(("width", "height", "stacked"), [(1920, 1080, False), (390, 844, True)])
def test_the_maps_draw_every_regency_side_by_side_or_stacked(side_server, browser, width,
                                                             height, stacked):
    page = browser.new_page()
    charts = side_maps(page, width, height, side_server)
    boxes = [c.bounding_box() for c in charts]
    if stacked:  # a phone: one above the other, each the full width
        assert len({round(b["x"]) for b in boxes}) == 1
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    else:  # a desk: one row
        assert len({round(b["y"]) for b in boxes}) == 1
        assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    for chart in charts:  # one colour scale: only the shared palette's colours
        fills = set(chart.locator(".layer_0_marks path").evaluate_all(FILL))
        assert fills <= {c.lower() for c in PALETTE}, fills
        assert len(fills) >= 3
    page.close()
