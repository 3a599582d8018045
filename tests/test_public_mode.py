"""Public mode and sign-in (AppTest): what each mode registers, shows and refuses.

Secrets are given per test (``at.secrets``), the mode through a monkeypatched
environment; the password hash here is an obviously-test one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import streamlit
from streamlit.errors import StreamlitSecretNotFoundError
from streamlit.testing.v1 import AppTest

from pages.support import access
from utils import auth

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
DATA = str(ROOT / "pages" / "data.py")
TEST_PASSWORD = "test-only-password"
TEST_HASH = auth.hash_password(TEST_PASSWORD, salt=b"capaian-test-salt", n=2**4)
NO_SECRETS = {"capaian_test": True}  # a secrets file that configures nothing
WITH_HASH = {"access": {"password_hash": TEST_HASH}}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch, tmp_path, built) -> Clock:
    """Internal mode, a private store, and a fresh back-off with a hand clock."""
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    moved = Clock()
    monkeypatch.setattr(access, "LIMITER", auth.RateLimiter(free=2, base=5.0, clock=moved))
    return moved


def make(path: str, secrets: dict, lang: str = "id") -> AppTest:
    at = AppTest.from_file(path, default_timeout=60)
    at.secrets.update(secrets)
    at.session_state["lang"] = lang
    return at


def writable(at: AppTest) -> list[str]:
    """Widgets that could change stored data or sign in."""
    found = [f"uploader:{w.key}" for w in at.get("file_uploader")]
    found += [f"button:{b.label}" for b in at.button]
    found += [f"text:{w.label}" for w in at.text_input]
    found += [f"editor:{e.key}" for e in at.get("arrow_data_frame") if e.key]
    return found


def texts(at: AppTest, kind: str) -> str:
    return " ".join(e.value for e in getattr(at, kind))


def submit(at: AppTest, password: str) -> AppTest:
    at.text_input(key="access_password").input(password)
    button = next(b for b in at.button if b.label in ("Masuk", "Sign in"))
    return button.click().run()


# --- public mode ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "secrets"),
    [("public", NO_SECRETS), (None, {"mode": "public"}), ("internal", {"mode": "public"})],
    ids=["env", "secrets", "secrets-override"],
)
def test_public_mode_does_not_register_the_data_page(clock, monkeypatch, env, secrets):
    if env:
        monkeypatch.setenv("CAPAIAN_MODE", env)
    at = make(APP, {**secrets, **WITH_HASH}).run()
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/data.py")
    at.switch_page("pages/region.py").run()  # the public pages stay reachable
    assert not at.exception and at.title[0].value == "Cari wilayah"
    assert not at.get("file_uploader")


def test_internal_mode_registers_the_data_page(clock):
    at = make(APP, NO_SECRETS).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception and at.title[0].value == "Data"


def test_data_page_run_directly_in_public_mode_refuses(clock, monkeypatch):
    """Even a session that signed in before the switch to public sees nothing writable."""
    monkeypatch.setenv("CAPAIAN_MODE", "public")
    at = make(DATA, WITH_HASH)
    at.session_state[access.SESSION_KEY] = auth.fingerprint(TEST_HASH)
    at.run()
    assert not at.exception
    assert "tidak tersedia di situs publik" in texts(at, "info")
    assert writable(at) == []
    assert not at.tabs
    assert not Path(os.environ["CAPAIAN_STORE_DIR"]).exists()


def sign_in_probe() -> None:
    import streamlit as st

    from pages.support import access

    st.write(f"signed_in={access.signed_in()} allowed={access.require_sign_in('id')}")


def test_sign_in_draws_nothing_and_refuses_in_public_mode(clock, monkeypatch):
    monkeypatch.setenv("CAPAIAN_MODE", "public")
    at = AppTest.from_function(sign_in_probe, default_timeout=30)
    at.secrets.update(WITH_HASH)
    at.session_state[access.SESSION_KEY] = auth.fingerprint(TEST_HASH)
    at.run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["signed_in=False allowed=False"]
    assert writable(at) == [] and not at.warning and not at.error


def test_no_page_offers_uploads_or_sign_in_in_public_mode(clock, monkeypatch):
    monkeypatch.setenv("CAPAIAN_MODE", "public")
    at = make(APP, WITH_HASH).run()
    pages = [
        str(Path(info["script_path"]).relative_to(ROOT))
        for info in at._registered_pages.values()
        if info.get("script_path")
    ]
    assert "pages/data.py" not in pages and "pages/region.py" in pages
    for page in pages:
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.get("file_uploader"), page
        assert not [w for w in at.text_input if w.key == "access_password"], page


def test_public_mode_shows_published_scenarios_only(clock, monkeypatch, tmp_path):
    """No page names a private scenario; none offers publishing, even to a session
    that signed in before the switch to public."""
    from utils.ingest import saved_scenarios

    store = tmp_path / "store"
    scen = {"targets": {"ktp_el": 99.5}}
    private = saved_scenarios.save(store, "Rahasia internal", scen)["slug"]
    public = saved_scenarios.save(store, "Terbit resmi", scen)["slug"]
    saved_scenarios.set_published(store, public, True, "Budi")
    monkeypatch.setenv("CAPAIAN_MODE", "public")
    at = make(APP, WITH_HASH)
    at.session_state[access.SESSION_KEY] = auth.fingerprint(TEST_HASH)
    at.run()
    seen = []
    for page in ("pages/whatif.py", "pages/briefing.py"):
        at.query_params["scenario"] = private
        at.switch_page(page).run()
        assert not at.exception, page
        seen.append(" ".join(str(e.proto) for e in at.main))
        assert not [b for b in at.button if b.key == "whatif_publish"], page
    assert "Terbit resmi" in seen[0] and "Terbit resmi" in seen[1]
    assert not [p for p in seen if "Rahasia internal" in p or private in p]


# --- internal mode: sign-in -------------------------------------------------------------------


def test_without_a_password_hash_the_data_page_explains_and_refuses(clock):
    at = make(DATA, NO_SECRETS).run()
    assert not at.exception
    assert "python -m utils.auth hash" in texts(at, "warning")
    assert writable(at) == []


def test_a_malformed_hash_refuses(clock):
    at = make(DATA, {"access": {"password_hash": "not-a-hash"}}).run()
    assert not at.exception
    assert "python -m utils.auth hash" in texts(at, "error")
    assert writable(at) == []


def test_sign_in_with_the_right_password_opens_the_page(clock):
    at = make(DATA, WITH_HASH).run()
    assert not at.get("file_uploader")
    assert at.text_input(key="access_password").proto.type == 1  # PASSWORD: typed blind
    at = submit(at, "wrong password")
    assert "Kata sandi salah." in texts(at, "error")
    assert not at.get("file_uploader")
    at = submit(at, TEST_PASSWORD)
    assert not at.exception
    assert [w.key for w in at.get("file_uploader")] == ["data_upload", "boundary_upload"]
    assert not [w for w in at.text_input if w.key == "access_password"]
    assert "Anda masuk sebagai admin." in texts(at.sidebar, "caption")
    at = at.sidebar.button(key="access_sign_out").click().run()
    assert not at.get("file_uploader")
    assert at.text_input(key="access_password")


def test_wrong_passwords_are_rate_limited(clock):
    at = make(DATA, WITH_HASH).run()
    for _ in range(3):  # two free failures, then the third starts the back-off
        at = submit(at, "wrong password")
    at = submit(at, TEST_PASSWORD)  # even the right password waits
    assert "Coba lagi dalam 5 detik" in texts(at, "error")
    assert not at.get("file_uploader")
    clock.now += 5
    at = submit(at, TEST_PASSWORD)
    assert [w.key for w in at.get("file_uploader")] == ["data_upload", "boundary_upload"]


def test_a_new_password_signs_sessions_out(clock):
    at = make(DATA, WITH_HASH)
    old = auth.hash_password("the old test password", n=2**4)
    at.session_state[access.SESSION_KEY] = auth.fingerprint(old)
    at.run()
    assert not at.get("file_uploader")
    assert at.text_input(key="access_password")


def test_sign_in_in_english(clock):
    at = make(DATA, WITH_HASH, lang="en").run()
    assert at.text_input(key="access_password").label == "Admin password"
    at = submit(at, "wrong password")
    assert "Wrong password." in texts(at, "error")


class BrokenSecrets:
    """A secrets file that exists but does not parse (or none at all)."""

    def __init__(self, error_id: str) -> None:
        self.error_id = error_id

    def to_dict(self) -> dict:
        raise StreamlitSecretNotFoundError("secrets problem", error_id=self.error_id)


@pytest.mark.parametrize(
    ("error_id", "public"), [("failed-parsing-secrets-file", True), ("no-secrets-found", False)]
)
def test_an_unreadable_secrets_file_fails_closed(monkeypatch, error_id, public):
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    monkeypatch.setattr(streamlit, "secrets", BrokenSecrets(error_id))
    assert access.is_public() is public
    assert access.password_hash() is None
    assert access.hidden_pages() == ({"data"} if public else set())
