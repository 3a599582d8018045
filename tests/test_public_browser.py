"""Both modes in a real browser (Debian's Chromium via Playwright).

The public server gets ``CAPAIAN_MODE=public`` *and* a configured password
hash, so the locks hold even where a hash exists; the internal server gets
the same obviously-test hash through a temporary secrets file.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from utils import auth

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CAPAIAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TEST_PASSWORD = "test-only-password"
SIZES = {"desktop": (1920, 1080), "laptop": (1280, 720), "phone": (390, 844)}
WAIT = 60_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(tmp: Path, public: bool):
    """Start the app; returns (process, address)."""
    secrets = tmp / "secrets.toml"
    stored = auth.hash_password(TEST_PASSWORD, salt=b"capaian-test-salt", n=2**4)
    secrets.write_text(auth.secrets_lines(stored), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != auth.MODE_ENV}
    if public:
        env[auth.MODE_ENV] = "public"
    env["CAPAIAN_STORE_DIR"] = str(tmp / "store")
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--secrets.files",
            str(secrets),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    return proc, f"http://127.0.0.1:{port}"


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).is_file(), f"Chromium not found at {CHROMIUM}: install Debian's chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def warm(browser, address: str) -> str:
    """Open the main page once: the first visit after a start registers the pages."""
    page = browser.new_page()
    page.goto(address)
    page.get_by_role("heading", level=1).first.wait_for(timeout=WAIT)
    page.close()
    return address


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
    page.get_by_role("heading", level=1).first.wait_for(timeout=WAIT)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT
    )


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
    expect(page.get_by_role("heading", name="Kota Bontang")).to_be_visible(timeout=WAIT)
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=WAIT)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 3
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
    expect(page.locator('[data-testid="stFileUploader"]')).to_be_visible(timeout=WAIT)
    expect(page.locator('input[type="password"]')).to_have_count(0, timeout=WAIT)
    page.close()
