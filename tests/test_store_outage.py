"""When the store's database does not answer: a clear page, no figure, no traceback, and
the page opens by itself once the database is back (#18: replicas share PostgreSQL)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pg_support
import pytest
from browser_support import WAIT, chromium, start_app, stop_app
from page_support import run_page
from playwright.sync_api import expect

from pages.support import store_watch
from utils.i18n import t


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unreachable(monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"postgresql://capaian:not-the-password@127.0.0.1:{closed_port()}/capaian"
    monkeypatch.setenv("CAPAIAN_STORE_URL", url)
    return url


@pytest.mark.parametrize("lang", ["id", "en"])
def test_an_unreachable_store_gets_a_page_that_says_so_and_shows_no_figure(
        unreachable: str, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    at = run_page("app.py", lang)  # fails on any exception
    assert [title.value for title in at.title] == [t("store.down.title", lang)]
    assert [e.value for e in at.error] == [t("store.down.text", lang, seconds=10)]
    assert "Connection refused" in at.caption[0].value  # the office sees the database's words
    assert "not-the-password" not in " ".join(c.value for c in at.caption)
    assert not at.metric and not at.get("vega_lite_chart")


def test_the_public_site_does_not_show_the_databases_words(
        unreachable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAPAIAN_MODE", "public")
    at = run_page("app.py", "id", signed_in=False)
    assert [title.value for title in at.title] == [t("store.down.title", "id")]
    assert not at.caption


def test_a_reachable_store_draws_the_page_so_the_tests_above_can_fail(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CAPAIAN_STORE_URL", raising=False)
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    at = run_page("app.py", "id")
    assert t("store.down.title", "id") not in [title.value for title in at.title]
    assert at.get("vega_lite_chart")


@pytest.fixture
def database() -> Iterator[pg_support.Cluster]:
    """A PostgreSQL of this test's own: the test stops and starts it."""
    cluster = pg_support.start()
    yield cluster
    pg_support.stop(cluster)


def test_the_page_reopens_by_itself_when_the_database_is_back(
        database: pg_support.Cluster, tmp_path: Path) -> None:
    proc, address = start_app(tmp_path / "store",
                              env={"CAPAIAN_STORE_URL": database.url("postgres")})
    try:
        with chromium() as browser:
            page = browser.new_page()
            page.goto(address)
            expect(page.get_by_text("DATA CONTOH").first).to_be_visible(timeout=WAIT)

            assert pg_support.stop_server(database, "fast").returncode == 0
            page.reload()
            expect(page.get_by_role("heading", name=t("store.down.title", "id"))
                   ).to_be_visible(timeout=WAIT)
            expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(0)

            assert pg_support.start_server(database).returncode == 0
            # no reload: the page tries again every CHECK_S seconds and opens itself
            expect(page.get_by_text("DATA CONTOH").first).to_be_visible(
                timeout=WAIT + store_watch.CHECK_S * 1000)
            expect(page.get_by_role("heading", name=t("store.down.title", "id"))
                   ).to_have_count(0)
    finally:
        stop_app(proc)
