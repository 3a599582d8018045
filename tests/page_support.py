"""Run one page in AppTest the way the page tests do (shared by the page test files)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from utils import auth

ROOT = Path(__file__).resolve().parents[1]
TEST_HASH = auth.hash_password("test-only-password", salt=b"capaian-test-salt", n=2**4)
"""An obviously-test admin password hash (cheap scrypt parameters)."""


def run_page(path: str, lang: str = "id", *, signed_in: bool = True, **params: str) -> AppTest:
    """Run ``path`` (relative to the repository) in ``lang`` with query ``params``;
    signed in as the admin unless ``signed_in`` is false. Fails on any exception."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=90)
    at.session_state["lang"] = lang
    if signed_in:
        at.secrets["access"] = {"password_hash": TEST_HASH}
        at.session_state["access_signed_in"] = auth.fingerprint(TEST_HASH)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at
