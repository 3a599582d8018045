"""An open page follows the store: a version accepted elsewhere (another replica, the
importer's command line) is drawn without a click within seconds; the briefing keeps its
figures under a speaker and offers the new data instead (#18 item 2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from browser_support import WAIT, chromium, idle, start_app, stop_app
from playwright.sync_api import Browser, expect

from pages.support import store_watch
from utils.i18n import t
from utils.ingest.store import Store
from utils.metrics.coverage import COLUMNS

FOLLOW_WAIT = WAIT + store_watch.CHECK_S * 1000


def accept(store: Path, share: int) -> None:
    """Accept a version of two regencies' KTP-el figures into the folder store at ``store``,
    as another process would."""
    rows = pd.DataFrame([
        {"period": "2022-05-15", "code": "64.74", "indicator": "ktp_el", "numerator": share,
         "denominator": 100, "is_demo": False},
        {"period": "2022-05-15", "code": "64.01", "indicator": "ktp_el", "numerator": 90,
         "denominator": 100, "is_demo": False}], columns=COLUMNS)
    Store(store).accept(rows, source_name=f"rekap-{share}.csv", source_bytes=str(share).encode(),
                        period="2022-05-15", user="operator")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    store = tmp_path_factory.mktemp("follow") / "store"
    accept(store, 80)
    proc, address = start_app(store)
    try:
        yield address, store
    finally:
        stop_app(proc)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as opened:
        yield opened


def test_the_map_draws_a_version_accepted_elsewhere_without_a_click(
        app: tuple[str, Path], browser: Browser) -> None:
    address, store = app
    page = browser.new_page()
    page.goto(f"{address}/?wil=64")
    expect(page.get_by_text("v0001").first).to_be_visible(timeout=WAIT)
    idle(page)
    accept(store, 99)  # nobody touches the page after this
    expect(page.get_by_text("v0002").first).to_be_visible(timeout=FOLLOW_WAIT)
    page.close()


def test_the_briefing_keeps_its_figures_and_offers_the_new_data(
        app: tuple[str, Path], browser: Browser) -> None:
    address, store = app
    page = browser.new_page()
    page.goto(f"{address}/paparan")
    shown = page.get_by_text("Kota Bontang (99,00 persen)").first  # the map test's v0002
    expect(shown).to_be_visible(timeout=WAIT)
    idle(page)
    newer = page.get_by_role("button", name=t("store.newer.load", "id"))
    expect(newer).to_have_count(0)
    accept(store, 101)
    expect(newer).to_be_visible(timeout=FOLLOW_WAIT)
    expect(shown).to_be_visible()  # the figures stay under the speaker
    newer.click()
    expect(page.get_by_text("Kota Bontang (101,00 persen)").first).to_be_visible(timeout=WAIT)
    expect(newer).to_have_count(0)
    page.close()
