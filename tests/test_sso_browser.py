"""Single sign-on in Chromium against a local OpenID Connect provider (#18 item 4).

``oidc-provider-mock`` runs on loopback in this process; its authorize page
signs in whoever's address is typed as the subject (the mock then gives the
ID token ``email`` = that subject). The app runs with a secrets file whose
``[auth]`` points at the mock and whose ``[roles]`` names an admin and a
planner. Each person gets a browser context of their own (their own cookies).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import oidc_provider_mock
import pytest
import werkzeug.serving
from browser_support import WAIT, start_app, stop_app, warm
from playwright.sync_api import Browser, Page, expect

from utils import auth
from utils.ingest.store import Store

ADMIN, PLANNER = "ani@dukcapil.go.id", "budi@bappeda.go.id"
SSO_BUTTON = "Masuk dengan SSO"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The mock provider on a free loopback port; its address."""
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(),
                                          threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def sso_secrets(folder: Path, provider: str) -> Path:
    """``[auth]`` for the mock (Streamlit fills in ``{port}``), ``[roles]``, and no password."""
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "test-only-cookie-secret-0123456789abcdef"\n'
        'client_id = "capaian-test"\n'
        'client_secret = "test-only-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        "[roles]\n"
        f'admin = ["{ADMIN}"]\n'
        f'planner = ["{PLANNER}"]\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def app(built, browser, provider, tmp_path_factory) -> Iterator[tuple[str, Path, Path]]:
    tmp = tmp_path_factory.mktemp("sso_browser")
    secrets = sso_secrets(tmp, provider)
    proc, address = start_app(tmp / "store", {}, secrets)
    yield warm(browser, address), tmp / "store", secrets
    stop_app(proc)


def settle(page: Page) -> None:
    """Wait until the app has drawn and stopped running."""
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT)


def sso_sign_in(page: Page, address: str, email: str) -> None:
    """Click "Masuk dengan SSO" on the page shown, sign in as ``email`` at the mock,
    and wait to be back in the app."""
    page.get_by_role("button", name=SSO_BUTTON).click()
    subject = page.locator('input[name="sub"]')
    expect(subject).to_be_visible(timeout=WAIT)  # the provider's authorize page
    subject.fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{address}/**", timeout=WAIT)
    settle(page)


def person(browser: Browser) -> Page:
    return browser.new_context(viewport={"width": 1440, "height": 900}).new_page()


def test_admin_signs_in_by_sso_and_may_import(app, browser):
    address, store, _ = app
    page = person(browser)
    page.goto(f"{address}/data")
    settle(page)
    expect(page.locator('input[type="file"]')).to_have_count(0)
    sso_sign_in(page, address, ADMIN)
    page.goto(f"{address}/data")
    settle(page)
    expect(page.get_by_role("tab", name="Impor")).to_be_visible(timeout=WAIT)
    expect(page.locator('input[type="file"]').first).to_be_attached(timeout=WAIT)
    expect(page.get_by_text(f"Anda masuk sebagai {ADMIN} (peran: admin).")).to_be_visible()
    # One sign-in, one entry: the page the provider sent us back to and /data opened anew
    # are two sessions of the same sign-in (its ID token's iat)
    signs = [e for e in Store(store).audit() if e["action"] == "sign_in" and e["user"] == ADMIN]
    assert [(e["method"], e["role"]) for e in signs] == [("oidc", "admin")]
    page.context.close()


def test_planner_may_save_scenarios_not_import_then_signs_out(app, browser):
    address, _, _ = app
    page = person(browser)
    page.goto(f"{address}/simulasi")
    settle(page)
    page.get_by_role("tab", name="Simpan", exact=True).click()
    sso_sign_in(page, address, PLANNER)
    page.goto(f"{address}/data")
    settle(page)
    expect(page.get_by_text("Peran ini tidak berhak")).to_be_visible(timeout=WAIT)
    expect(page.locator('input[type="file"]')).to_have_count(0)
    page.goto(f"{address}/simulasi")
    settle(page)
    page.get_by_role("tab", name="Simpan", exact=True).click()
    expect(page.get_by_label("Nama skenario")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text(f"Anda masuk sebagai {PLANNER} (peran: perencana).")).to_be_visible()
    page.get_by_role("button", name="Keluar").click()
    end = page.get_by_role("button", name="End session")  # the provider's sign-out page
    expect(end).to_be_visible(timeout=WAIT)
    end.click()
    page.wait_for_url(f"{address}/**", timeout=WAIT)
    page.goto(f"{address}/data")
    settle(page)
    expect(page.get_by_role("button", name=SSO_BUTTON)).to_be_visible(timeout=WAIT)
    expect(page.get_by_text(PLANNER)).to_have_count(0)
    page.context.close()


def test_public_mode_never_offers_sign_in(built, browser, provider, app, tmp_path):
    _, _, secrets = app
    proc, address = start_app(tmp_path / "store", {auth.MODE_ENV: "public"}, secrets)
    try:
        warm(browser, address)
        page = person(browser)
        for path in ("", "/simulasi"):
            page.goto(address + path)
            settle(page)
            expect(page.get_by_role("button", name=SSO_BUTTON)).to_have_count(0)
            expect(page.get_by_role("button", name="Keluar")).to_have_count(0)
        page.context.close()
    finally:
        stop_app(proc)
