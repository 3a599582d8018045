"""Both modes in a real browser (Debian's Chromium via Playwright).

The public server gets ``CAPAIAN_MODE=public`` *and* a configured password
hash, so the locks hold even where a hash exists; the internal server gets
the same obviously-test hash through a temporary secrets file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import WAIT, admin_secrets, start_app, stop_app, warm
from playwright.sync_api import Page, expect

from utils import auth
from utils.metrics.indicators import load_indicators

TEST_PASSWORD = "test-only-password"
SIZES = {"desktop": (1920, 1080), "laptop": (1280, 720), "phone": (390, 844)}


def start(tmp: Path, public: bool):
    """Start the app with a test password; returns (process, address)."""
    return start_app(tmp / "store", {auth.MODE_ENV: "public"} if public else {},
                     admin_secrets(tmp, TEST_PASSWORD))


stop = stop_app


@pytest.fixture(scope="module")
def public(built, browser, tmp_path_factory):
    proc, address = start(tmp_path_factory.mktemp("public"), public=True)
    yield warm(browser, address)
    stop(proc)


@pytest.fixture(scope="module")
def internal(built, browser, tmp_path_factory):
    proc, address = start(tmp_path_factory.mktemp("internal"), public=False)
    yield warm(browser, address)
    stop(proc)


def settle(page: Page) -> None:
    """Wait until the app has drawn and stopped running."""
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT)


def open_page(browser, address: str, path: str, size: str = "laptop") -> Page:
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(address + path)
    settle(page)
    return page


def nav_links(page: Page) -> list[str]:
    return [t.strip() for t in page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()]


def test_public_navigation_has_no_data_page(public, browser):
    page = open_page(browser, public, "/")
    links = " ".join(nav_links(page))
    assert "Cari wilayah" in links and "Tentang" in links
    assert "Data" not in links
    page.close()


def test_public_data_address_shows_no_upload_and_no_sign_in(public, browser):
    page = open_page(browser, public, "/data")
    assert page.get_by_role("heading", level=1).first.inner_text() != "Data"  # the map instead
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert page.locator('input[type="password"]').count() == 0
    assert page.locator('input[type="file"]').count() == 0
    page.close()


@pytest.mark.parametrize("size", SIZES)
def test_public_region_page_at_every_size(public, browser, size, tmp_path):
    page = open_page(browser, public, "/wilayah?kode=64.74", size)
    expect(page.get_by_role("heading", name="Kota Bontang", exact=True)).to_be_visible(timeout=WAIT)
    trends = len(load_indicators())  # one trend chart per indicator
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(trends, timeout=WAIT)
    download = page.locator('[data-testid="stDownloadButton"]', has_text="Unduh tabel (CSV)")
    expect(download).to_have_count(1, timeout=WAIT)
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    # the page itself never scrolls sideways (a wide table scrolls inside its own box)
    overflow = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m.scrollWidth - m.clientWidth; }"
    )
    assert overflow <= 1
    page.screenshot(path=str(tmp_path / f"region_{size}.png"))
    page.close()


def test_internal_data_page_needs_the_password(internal, browser):
    page = open_page(browser, internal, "/data")
    assert "Data" in " ".join(nav_links(page))
    password = page.locator('input[type="password"]')
    expect(password).to_be_visible(timeout=WAIT)
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    password.fill("wrong password")
    password.press("Enter")
    expect(page.get_by_text("Kata sandi salah.")).to_be_visible(timeout=WAIT)
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    password = page.locator('input[type="password"]')
    password.fill(TEST_PASSWORD)
    password.press("Enter")
    expect(page.locator('[data-testid="stFileUploader"]').first).to_be_visible(timeout=WAIT)
    expect(page.locator('input[type="password"]')).to_have_count(0, timeout=WAIT)
    page.close()
