"""Chromium at 390x844 in public mode: a phone gets answers, not controls.

The landing page leads with "find your region"; a region page shows its name and
every indicator against its target in the first screen; a change chip below the
target is never green; the briefing's footer and headline fit; the what-if
indicator buttons wrap instead of running off the screen.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import chromium, start_app, stop_app, warm
from playwright.sync_api import Browser, Page, expect

from utils import auth
from utils.i18n import t
from utils.metrics.indicators import load_indicators

PHONE = {"width": 390, "height": 844}
WAIT = 90_000


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[Browser, str]]:
    proc, address = start_app(Path(tempfile.mkdtemp()), {auth.MODE_ENV: auth.PUBLIC})
    try:
        with chromium() as browser:
            yield browser, warm(browser, address)
    finally:
        stop_app(proc)


def open_page(site: tuple[Browser, str], path: str) -> Page:
    browser, address = site
    page = browser.new_page(viewport=PHONE)
    page.goto(address + path)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT)
    return page


def box(locator) -> dict:
    expect(locator).to_be_visible(timeout=WAIT)
    found = locator.bounding_box()
    assert found is not None
    return found


def test_the_public_landing_page_leads_with_find_your_region(site):
    page = open_page(site, "/")
    link = page.get_by_role("link", name=t("nav.find_region", "id"))
    first_control = page.get_by_test_id("stMain").locator("input").first
    assert box(link)["y"] + box(link)["height"] <= PHONE["height"]
    assert box(link)["y"] < box(first_control)["y"]
    link.click()
    expect(page).to_have_url(re.compile(r"/wilayah"), timeout=WAIT)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("region.title", "id"))


def test_a_region_answers_in_the_first_screen(site):
    page = open_page(site, "/wilayah?kode=64.74")
    name = box(page.get_by_role("heading", name="Kota Bontang", exact=True))
    labels = [ind.label("id") for ind in load_indicators().values()]
    lines = page.get_by_test_id("stHtml").filter(has_text=f"{labels[-1]}:")
    shown = box(lines.first)
    assert name["y"] < shown["y"]
    assert shown["y"] + shown["height"] <= PHONE["height"]  # every indicator, no scrolling
    text = lines.first.inner_text()
    for label in labels:
        assert re.search(rf"{re.escape(label)}: .+ · ", text)


def test_a_rise_below_target_is_not_green(site):
    page = open_page(site, "/wilayah?kode=64.74")
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=WAIT)
    labels = [ind.label("id") for ind in load_indicators().values()]
    text = page.get_by_test_id("stHtml").filter(
        has_text=f"{labels[-1]}:").first.inner_text()
    below = [label for label in labels
             if re.search(rf"{re.escape(label)}: [^\n]*{t('targets.status.below', 'id')}", text)]
    assert below, "the demo data should have an indicator below target for Kota Bontang"
    for label in below:
        metric = page.get_by_test_id("stMetric").filter(has_text=label).first
        delta = metric.get_by_test_id("stMetricDelta")
        if not delta.count() or not delta.inner_text().strip().startswith("+"):
            continue
        red, green, blue = map(int, re.findall(r"\d+", delta.evaluate(
            "e => getComputedStyle(e).color"))[:3])
        assert not (green > red and green > blue), (label, red, green, blue)


def test_the_briefing_footer_and_headline_fit_a_phone(site):
    page = open_page(site, "/paparan")
    footer = box(page.locator(".st-key-briefing_footer"))
    assert footer["height"] <= 200  # was 398 of 844 px
    total = int(page.locator(".bf-counter").inner_text().split("/")[1])
    for number in range(1, total + 1):
        slide = open_page(site, f"/paparan?slide={number}")
        expect(slide.locator(".bf-counter")).to_contain_text(f"{number} /", timeout=WAIT)
        for right in slide.locator(".bf-figure").evaluate_all(
                "els => els.map(e => e.getBoundingClientRect().left + e.scrollWidth)"):
            assert right <= PHONE["width"], (number, right)
        slide.close()


def test_the_whatif_indicator_buttons_fit_a_phone(site):
    page = open_page(site, "/simulasi")
    buttons = page.locator(".st-key-whatif_indicator button")
    expect(buttons.first).to_be_visible(timeout=WAIT)
    assert buttons.count() == len(load_indicators())
    for found in buttons.evaluate_all("""els => els.map(b => { const r = b.getBoundingClientRect();
            const p = b.querySelector('p') || b;
            return [p.innerText, r.left, r.right, p.scrollWidth - p.clientWidth]; })"""):
        _text, left, right, hidden = found
        assert left >= 0 and right <= PHONE["width"], found
        assert hidden <= 0, found  # the whole name shows ("Kepemilikan…" before)
