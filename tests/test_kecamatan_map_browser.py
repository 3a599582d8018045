"""Chromium drills the map from a province into a regency's kecamatan.

Open Kalimantan Timur, click Kabupaten Paser (no kecamatan data: the page says so)
then Kabupaten Kutai Kartanegara on the map (where each is the region under the
pointer), find its 20 kecamatan drawn from one geometry
file, then change the indicator: the kecamatan are recoloured and the file is
not fetched again. At a desk (1920 × 1080) and on a phone (390 × 844).
A missing browser fails this test: it is never skipped.
"""

from __future__ import annotations

import json
import re

import pytest
from browser_support import open_menu
from playwright.sync_api import expect

MAP = ".st-key-map_chart"
WAIT = 60_000
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/130.0 Mobile Safari/537.36")
REGION_FILLS = """(chart) => Array.from(
  chart.querySelector('g.mark-shape').querySelectorAll('path')).map(p => p.getAttribute('fill'))"""
RECOLOURED = """(before) => {
  const group = document.querySelector('.st-key-map_chart g.mark-shape');
  const fills = group ? Array.from(group.querySelectorAll('path')).map(p => p.getAttribute('fill'))
                      : [];
  return fills.length === 20 && JSON.stringify(fills) !== before;
}"""
# A point of the page where ``path`` is the element under the pointer (a regency
# may wrap around a city, so the middle of its box can be another region).
INSIDE = """(path) => {
  const box = path.getBoundingClientRect();
  for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
    const x = box.left + box.width * i / 12, y = box.top + box.height * j / 12;
    if (document.elementFromPoint(x, y) === path) return [x, y];
  }
  return null;
}"""


def region_fills(page, count: int) -> list[str]:
    """Wait until the map shows ``count`` regions and the page is idle; their fills."""
    expect(page.locator(f"{MAP} g.mark-shape").first.locator("path")).to_have_count(
        count, timeout=WAIT)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT)
    return page.locator(MAP).evaluate(REGION_FILLS)


def click(page, name: str) -> None:
    """Click the region ``name`` on the map where it is the region under the pointer."""
    region = page.locator(MAP).locator(f'path[aria-label^="{name}: "]')
    region.scroll_into_view_if_needed()
    point = region.evaluate(INSIDE)
    assert point is not None, f"{name} is drawn and can be clicked"
    page.mouse.click(*point)


@pytest.mark.parametrize(("width", "height", "phone"), [(1920, 1080, False), (390, 844, True)])
def test_drill_into_a_regencys_kecamatan_fetching_its_map_once(server, browser, width, height,
                                                                phone):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  **({"user_agent": PHONE_UA, "is_mobile": True} if phone
                                     else {}))
    page = context.new_page()
    files: list[str] = []
    page.on("request", lambda r: files.append(r.url) if ".topo.json" in r.url else None)
    page.goto(server + "/?wil=64")
    region_fills(page, 10)  # Kalimantan Timur's 10 regencies
    click(page, "Kabupaten Paser")  # no kecamatan data: said, and the map stays
    expect(page.get_by_text("Kabupaten Paser belum memiliki data kecamatan")).to_be_visible(
        timeout=WAIT)
    assert "wil=64.02" not in page.url
    click(page, "Kabupaten Kutai Kartanegara")
    expect(page).to_have_url(re.compile(r"wil=64\.02"), timeout=WAIT)
    before = region_fills(page, 20)  # its 20 kecamatan
    expect(page.get_by_text("Kabupaten Kutai Kartanegara (20 kecamatan)").first).to_be_visible()
    expect(page.get_by_role("button", name="Kalimantan Timur")).to_be_visible()
    kecamatan = [u for u in files if "/kecamatan/" in u]
    assert len(kecamatan) == 1 and "kecamatan/64.02.topo.json" in kecamatan[0], files
    box = page.locator(f"{MAP} [data-testid=stVegaLiteChart] svg").first.bounding_box()
    assert box["width"] <= width and box["height"] > 200  # the regency fills its box
    # from the keyboard: a click on a phone, right after the page scrolled up to the
    # select box, can land while it still moves and leave its menu closed
    indicator = page.locator(".st-key-map_indicator input[role=combobox]")
    open_menu(page, indicator, "Kepemilikan KIA").click()
    expect(page).to_have_url(re.compile("ind=kia"), timeout=WAIT)
    expect(page.get_by_text(re.compile("Kepemilikan KIA — Kabupaten Kutai Kartanegara"))
           ).to_be_visible(timeout=WAIT)
    # recoloured (the browser swaps the values of the same spec) …
    page.wait_for_function(RECOLOURED, arg=json.dumps(before), timeout=WAIT)
    assert len(region_fills(page, 20)) == 20
    assert [u for u in files if "/kecamatan/" in u] == kecamatan  # … without fetching again
    context.close()
