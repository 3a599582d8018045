"""On a projector (1920×1080): the briefing's text is large, the map fills the screen,
small cities are seen.

Sizes are measured in Chromium on what is drawn: every visible text node's computed
size, SVG text scaled by its element's screen transform (Vega draws SVG here). A
missing browser fails these tests: they are never skipped.
"""

from __future__ import annotations

import re

import pandas as pd
from playwright.sync_api import Page, expect

from utils.metrics.indicators import load_indicators

W, H = 1920, 1080
SLIDES = 2 * len(load_indicators())
CHART_SVG = '[data-testid="stVegaLiteChart"] svg'
READABLE = 20  # px at 1080 lines: read from the back of the room
# Every visible text on screen: [size px, text, is SVG]. Icon glyphs (Material Symbols
# ligatures such as "arrow_back") and the keyboard-only "skip to content" link are not text.
TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || el.closest('[data-testid="stSkipToContent"]')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.bottom < 0 || box.top > innerHeight) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.fontFamily.includes('Material')) continue;
    let shown = true;
    for (let e = el; e; e = e.parentElement) {
      if (parseFloat(getComputedStyle(e).opacity) === 0) { shown = false; break; }
    }
    if (!shown) continue;
    const svg = el instanceof SVGElement;
    const scale = svg ? el.getScreenCTM().a : 1;
    out.push([parseFloat(style.fontSize) * scale, node.textContent.trim().slice(0, 40), svg]);
  }
  return out;
}"""


def settled(page: Page) -> None:
    """The app has finished its run (Streamlit's running indicator is gone)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)


def open_briefing(browser, server: str, query: str) -> Page:
    page = browser.new_page(viewport={"width": W, "height": H})
    page.goto(f"{server}/paparan?slide=1{query}")
    page.locator(".bf-figure").first.wait_for(timeout=60_000)
    page.locator(CHART_SVG).first.wait_for(timeout=60_000)
    page.locator("html[data-briefing-keys=ready]").wait_for(state="attached", timeout=60_000)
    return page


def small_texts(page: Page) -> tuple[list, int]:
    texts = page.evaluate(TEXTS)
    return [t for t in texts if t[0] < READABLE], sum(1 for t in texts if t[2])


def test_every_text_of_every_slide_is_at_least_20_px(browser, server):
    page = open_briefing(browser, server, "")
    for number in range(1, SLIDES + 1):
        expect(page.locator(".bf-counter")).to_have_text(f"{number} / {SLIDES}", timeout=30_000)
        settled(page)
        if number <= SLIDES // 2:  # an indicator slide: its map legend and gauge are drawn
            expect(page.locator(f"{CHART_SVG} text").first).to_be_visible(timeout=30_000)
        small, in_charts = small_texts(page)
        assert not small, f"slide {number}: {small}"
        if number <= SLIDES // 2:
            assert in_charts >= 9, f"slide {number}: chart texts not measured"  # legend, gauge
        if number < SLIDES:
            page.keyboard.press("ArrowRight")
    page.close()


def test_the_tile_slides_show_every_regency_in_large_type(browser, server):
    page = open_briefing(browser, server, "&tampil=petak")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    tiles = chart.locator('path[aria-roledescription="point"]')
    expect(tiles).to_have_count(514, timeout=30_000)  # every regency, Kota Yogyakarta too
    city = chart.locator('path[aria-label*="Kota Yogyakarta"]').first.bounding_box()
    assert city and city["width"] >= 8 and city["height"] >= 8, city  # 1,2 × 1,4 px on the map
    settled(page)
    small, in_charts = small_texts(page)
    assert not small and in_charts >= 9, small
    page.close()
    page = open_briefing(browser, server, "&tampil=petak&scope=34")  # DI Yogyakarta: 5 regencies
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart.locator('path[aria-roledescription="point"]')).to_have_count(5, timeout=30_000)
    settled(page)
    texts = page.evaluate(TEXTS)
    assert "YGY" in {t[1] for t in texts if t[2] and t[0] >= READABLE}  # labelled, large
    assert not [t for t in texts if t[0] < READABLE]
    page.close()


def map_box(page: Page) -> dict:
    chart = page.locator(".st-key-map_chart").locator(CHART_SVG).first
    chart.wait_for(timeout=60_000)
    expect(chart.locator("path").first).to_be_attached(timeout=30_000)
    box = chart.bounding_box()
    assert box is not None
    return box


def test_the_presentation_layout_gives_the_map_the_screen(browser, server):
    page = browser.new_page(viewport={"width": W, "height": H})
    page.goto(server)
    desk = map_box(page)
    settled(page)
    assert desk["width"] * desk["height"] < 0.25 * W * H  # the desk layout: 902 × 456 px
    page.get_by_text("Tata letak layar").click()
    expect(page).to_have_url(re.compile(r"[?&]layar=penuh(&|$)"), timeout=30_000)
    settled(page)
    expect(page.get_by_test_id("stSidebar")).not_to_be_visible(timeout=30_000)
    box = map_box(page)
    assert box["width"] >= 0.85 * W and box["width"] * box["height"] >= 0.45 * W * H, box
    assert box["y"] + box["height"] <= H + 40  # seen on the first screen, no scrolling
    legend = page.locator(".cp-legend .cp-key").first
    assert legend.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 24
    # the ranking follows the map: its province names (13 px before)
    papua = page.locator(f"{CHART_SVG} text", has_text=re.compile("^Papua$")).first
    papua.scroll_into_view_if_needed()
    names = [t for t in page.evaluate(TEXTS) if t[2] and t[1] in ("Papua", "Bali", "Aceh")]
    assert names and min(t[0] for t in names) >= 22, names
    page.close()


def test_a_presentation_link_opens_the_tiles_labelled(browser, server):
    page = browser.new_page(viewport={"width": W, "height": H})
    page.goto(f"{server}/?layar=penuh&tampil=petak")
    chart = page.locator(".st-key-map_chart").locator(CHART_SVG).first
    chart.wait_for(timeout=60_000)
    expect(chart.locator('path[aria-roledescription="point"]')).to_have_count(514, timeout=30_000)
    settled(page)
    chart.scroll_into_view_if_needed()  # the grid needs ~800 px: below the controls, it scrolls
    city = chart.locator('path[aria-label*="Kota Yogyakarta"]').first.bounding_box()
    assert city and city["width"] >= 18, city
    letters = [t for t in page.evaluate(TEXTS) if t[2] and re.fullmatch(r"[A-Z]{3,4}", t[1])]
    assert len(letters) == 514 and min(t[0] for t in letters) >= 8, len(letters)
    page.close()


# --- the pure parts the browser tests rely on ------------------------------------------------


def test_at_least_raises_every_small_text_and_keeps_larger_ones():
    from utils.charts.projector import at_least

    spec = {"mark": {"type": "text", "fontSize": 11},
            "encoding": {"y": {"axis": {"labelFontSize": 13, "titleFontSize": 30}}},
            "datasets": {"d": [{"text": "0", "size": 11}, {"text": "99,63 %", "size": 34},
                               {"r0": 5, "size": 3}]}}
    out = at_least(spec, 23)
    assert out["mark"]["fontSize"] == 23 and spec["mark"]["fontSize"] == 11  # a copy
    assert out["encoding"]["y"]["axis"] == {"labelFontSize": 23, "titleFontSize": 30}
    assert [r["size"] for r in out["datasets"]["d"]] == [23, 34, 3]  # only rows with text


def test_the_gauge_on_a_slide_has_no_text_under_the_slide_font(monkeypatch):
    from utils.charts import projector
    from utils.metrics.attainment import Facts
    from utils.report.deck import Slide

    facts = Facts("ktp_el", "national", "Indonesia", "2025-06-30", 99.63)
    slide = Slide("indicator", "ktp_el", "T", "S", state="met", facts=facts)
    spec = projector.slide_gauge(slide, {"low": "0", "high": "100 %"}, 583, 381, font=23)
    sizes = [r["size"] for rows in spec["datasets"].values() for r in rows if "text" in r]
    assert sizes and min(sizes) == 23  # 11 px before
    plain = projector.slide_gauge(slide, {"low": "0", "high": "100 %"}, 340, 236)
    assert min(r["size"] for rows in plain["datasets"].values() for r in rows if "text" in r) == 11


def test_the_layout_lives_in_the_link_apart_from_the_map_state():
    from utils.metrics import map_view

    for params, screen in (({"layar": "penuh"}, True), ({"layar": "1"}, False), ({}, False),
                           ({"tampil": "petak"}, False)):
        assert map_view.screen_layout(params) is screen
        assert map_view.screen_layout(map_view.layout_params(screen)) is screen
    assert map_view.layout_params(False) == {}  # the default keeps links short


def test_tile_letters_show_only_where_they_reach_the_smallest_size():
    import altair as alt

    from utils.charts import tiles

    layout = pd.DataFrame({"code": ["34.71", "34.01"], "name": ["Kota Yogyakarta", "Kabupaten X"],
                           "province_name": ["DIY", "DIY"], "kota": [1, 0], "abbr": ["YGY", "KLPR"],
                           "col": [0, 1], "row": [0, 0], "border_right": [0, 0],
                           "border_below": [0, 0], "pcol": [0, 1], "prow": [0, 0]})
    values = pd.DataFrame({"code": ["34.71"], "percent": [99.0], "numerator": [9.0],
                           "denominator": [10.0]})
    labels = {k: k for k in ("legend", "no_data", "region", "province", "percent", "numerator",
                             "denominator")}
    spec = tiles.tile_chart(layout, values, 99.4, labels, letters=(20, 33)).to_dict()
    text = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")["mark"]
    size = tiles.letter_size((20, 33))
    assert text["fontSize"] == {"expr": size} and text["opacity"] == {
        "expr": f"{size} >= 20 ? 1 : 0"}
    for cell, abbr, shown in ((64, "YGY", True), (49, "YGY", False), (62, "KLPR", False),
                              (64, "KLPR", True), (200, "KLPR", True)):
        # the Vega expression, evaluated for one cell and one label
        python = re.sub(r"\((\d+) > 3 \? ([\d.]+) : ([\d.]+)\)", r"(\2 if \1 > 3 else \3)",
                        size.replace("length(datum.abbr)", str(len(abbr))))
        value = eval(python.replace("cell", str(cell)), {"min": min})
        assert (value >= 20) is shown and value <= 33, (cell, abbr, value)
    assert isinstance(tiles.tile_chart(layout, values, None, labels), alt.LayerChart)
