"""A real browser on the what-if page: move a slider, see the map and a gauge change.

Debian's Chromium via Playwright; a missing browser fails the test, it is never skipped.
"""

from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeout

NEWLY_FAILING = "#b35806"
MAP = '[data-testid="stVegaLiteChart"]:has(.layer_0_marks path[aria-roledescription="geoshape"])'


FILLS = """(chart) => Array.from(
  chart.querySelectorAll('.layer_0_marks path')).map(p => p.getAttribute('fill'))"""
TEXTS = """() => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"] text'))
  .map(t => t.textContent)"""


def test_moving_a_slider_changes_the_map_and_the_gauge(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/simulasi?t_ktp_el=99.4&m=6&o=0&g=0&i=ktp_el")
    chart = page.locator(MAP).first
    chart.locator(".layer_0_marks path").first.wait_for(timeout=90000)
    assert page.get_by_text("Data contoh — bukan data resmi").is_visible()
    fills = chart.evaluate(FILLS)
    assert len(fills) == 514, "one shape per regency"
    assert NEWLY_FAILING not in fills, "no change: nobody newly fails"
    assert "Target skenario: 99,40 %" in page.evaluate(TEXTS)

    track = page.locator('[role="group"][aria-label^="Target nasional Perekaman KTP-el"]').first
    for _ in range(3):  # the first click can land before the slider listens
        box = track.bounding_box()
        middle = box["y"] + box["height"] / 2
        page.mouse.move(box["x"] + box["width"] * 0.988, middle)  # the thumb at 99.4 %
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] + 40, middle, steps=8)  # past the end: 100 %
        page.mouse.up()
        try:
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('svg text')).some("
                "t => t.textContent === 'Target skenario: 100,00 %')",
                timeout=20000,
            )
            break
        except PlaywrightTimeout:
            continue
    assert "Target skenario: 100,00 %" in page.evaluate(TEXTS)
    page.wait_for_function(
        f"() => Array.from(document.querySelectorAll('{MAP} .layer_0_marks path'))"
        f".some(p => p.getAttribute('fill') === '{NEWLY_FAILING}')",
        timeout=30000,
    )
    after = page.locator(MAP).first.evaluate(FILLS)
    assert len(after) == 514 and after.count(NEWLY_FAILING) > 10
    assert "t_ktp_el=100" in page.url  # the link follows the slider
    page.screenshot(path=str(tmp_path / "whatif.png"))
    page.close()
