"""A real browser (Debian's Chromium via Playwright) opens the app and finds the map drawn.

A missing browser fails this test: it is never skipped.
The ``server`` and ``browser`` fixtures come from ``conftest.py``.
"""

import re

from playwright.sync_api import expect

from utils.demo import PERIODS
from utils.formatting import format_percent
from utils.metrics.targets import load_targets, target_for

MAP = ".st-key-map_chart"
# Fills of the first shape group of the map: the regions (the province borders come after).
REGION_FILLS = """(chart) => Array.from(
  chart.querySelector('g.mark-shape').querySelectorAll('path')).map(p => p.getAttribute('fill'))"""


def region_fills(page, count: int) -> list[str]:
    """Wait until the map shows ``count`` regions, then return their fills."""
    regions = page.locator(f"{MAP} g.mark-shape").first.locator("path")
    expect(regions).to_have_count(count, timeout=60000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60000)
    return page.locator(MAP).evaluate(REGION_FILLS)


def test_map_draws_provinces_then_all_regencies(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(server)
    fills = region_fills(page, 38)
    expect(page.get_by_text("Data contoh — bukan data resmi")).to_be_visible()
    assert len(set(fills)) >= 3, f"coloured by class, got {set(fills)}"
    assert "#bdbdbd" not in fills  # every demo region has data
    box = page.locator(MAP).bounding_box()
    assert box["width"] > 800 and box["height"] > 400
    assert box["y"] + box["height"] <= 1080 * 1.1, "the map fits a projector screen"
    page.locator(".st-key-map_level").get_by_text("Kabupaten/kota", exact=True).click()
    fills = region_fills(page, 514)
    assert len(set(fills)) >= 4 and "#bdbdbd" not in fills
    expect(page).to_have_url(re.compile("lvl=kab"))
    page.screenshot(path=str(tmp_path / "map.png"))
    page.close()


def test_click_drills_into_a_province_and_the_link_reproduces_it(server, browser):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(server + "/?ind=kia")
    region_fills(page, 38)
    # screen readers hear the region and its figure the Indonesian way
    # ("Kalimantan Tengah: 75,12 %")
    tooltip = page.locator(MAP).locator('path[aria-label^="Kalimantan Tengah: "]')
    label = tooltip.get_attribute("aria-label")
    assert re.fullmatch(r"Kalimantan Tengah: \d{2,3},\d{2} %.*", label), label
    tooltip.click()
    fills = region_fills(page, 14)  # Kalimantan Tengah has 14 regencies
    expect(page).to_have_url(re.compile("wil=62"))
    expect(page).to_have_url(re.compile("ind=kia"))
    link = page.url
    page.get_by_role("button", name="Seluruh Indonesia").click()
    region_fills(page, 38)
    expect(page).not_to_have_url(re.compile("wil="))
    again = browser.new_page(viewport={"width": 1920, "height": 1080})
    again.goto(link)
    assert region_fills(again, 14) == fills  # the same regions, the same colours
    expect(again.get_by_text("Indonesia › Kepemilikan KIA — Kalimantan Tengah")).to_be_visible()
    again.close()
    page.close()


def test_the_map_is_downloaded_once_and_a_change_sends_only_values(server, browser):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    maps = []
    page.on("request", lambda r: maps.append(r.url) if ".topo.json" in r.url else None)
    page.goto(server + "/?lvl=kab")
    before = region_fills(page, 514)
    assert len(maps) == 1, maps  # the regions and the province borders: one download
    legend = page.locator(".st-key-map_legend")
    ktp = target_for(load_targets(), "ktp_el", int(PERIODS[-1][:4]), None)  # the one in force
    assert ktp is not None and format_percent(ktp.percent) == "99,40 %"
    expect(legend).to_contain_text(f"Target nasional {ktp.year}: 99,40 %")
    page.locator(".st-key-map_indicator input[role=combobox]").click()
    page.get_by_role("option", name="Kepemilikan KIA").click()
    expect(legend).not_to_contain_text("99,40", timeout=60000)
    expect(legend).to_contain_text("Target nasional", timeout=60000)
    after = region_fills(page, 514)
    assert after != before  # recoloured …
    assert len(maps) == 1, maps  # … without fetching the map again
    page.close()


PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/130.0 Mobile Safari/537.36")


def test_on_a_phone_the_national_map_is_not_a_projector_sized_box(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, user_agent=PHONE_UA,
                                  is_mobile=True)
    page = context.new_page()
    page.goto(server + "/?lvl=kab")
    region_fills(page, 514)
    chart = page.locator(f"{MAP} [data-testid=stVegaLiteChart] svg").first.bounding_box()
    assert chart["width"] <= 390 and chart["height"] <= 200  # the map is ~150 px tall here
    legend = page.locator(".st-key-map_legend").bounding_box()
    assert legend["width"] <= 390  # the legend wraps instead of running off the screen
    context.close()
