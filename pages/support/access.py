"""Who may do what: public mode and sign-in.

Pages ask these questions and never read the mode or secrets themselves:
``is_public()`` (read-only transparency site), ``hidden_pages()`` (what the
router leaves out), ``signed_in()`` and ``require_sign_in(lang)`` (draws the
sign-in form; call it before anything that writes). The rules themselves
(mode parsing, hashing, back-off) are in :mod:`utils.auth`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from utils import auth
from utils.i18n import t
from utils.ingest import store_backend

SESSION_KEY = "access_signed_in"
"""Session value: the fingerprint of the password hash the session signed in with."""
ADMIN_PAGES = {"data"}
"""URL paths of pages that write; never registered in public mode."""
LIMITER = auth.RateLimiter()
"""Failed sign-ins of this server process (shared by every session)."""
GUARD_ENV = "CAPAIAN_PUBLIC_GUARD"
"""Set by ``deploy/public_app.py`` in its own process: uploads and a visitor's
``clear_cache`` are refused there (``deploy/public_guard.py``)."""
ERROR_DETAILS = "client.showErrorDetails"
_LOGGER = logging.getLogger(__name__)
_hardened: dict[str, str | bool] = {}
"""This process: ``details`` = the error-detail setting before public mode hid
it; ``warned`` = the missing guard was logged."""


def store() -> store_backend.AnyStore:
    """The store this app reads and writes: PostgreSQL when ``CAPAIAN_STORE_URL`` or the
    secret ``[connections.capaian] url`` names one, else the folder store."""
    return store_backend.open_store(secret_url=store_backend.url_from_secrets(_secrets()))


def who() -> str:
    """Who acts, as the audit log records it: the shared password and the address used."""
    return f"password@{_client()}"


def audit(action: str, **what: object) -> None:
    """Add ``action`` (``sign_in``, ``import``, ``boundary_activate`` …) to the store's
    audit log; a log that cannot be written never blocks what the user did."""
    try:
        store().log(action, who(), **what)
    except Exception:
        logging.getLogger(__name__).exception("audit log entry %s not written", action)


def _secrets() -> Mapping[str, object]:
    """The parsed secrets: empty when there is no secrets file; when a file exists
    but cannot be read, public mode (a broken file never opens the admin pages)."""
    try:
        return st.secrets.to_dict()
    except StreamlitSecretNotFoundError as error:
        if getattr(error, "error_id", None) == "no-secrets-found":
            return {}
        return {"mode": auth.PUBLIC}
    except FileNotFoundError:
        return {}


def is_public() -> bool:
    """True when the app runs as the public transparency page (read-only)."""
    return auth.parse_mode(os.environ, _secrets()) == auth.PUBLIC


def password_hash() -> str | None:
    """The configured admin password hash (``None`` in public mode or when unset)."""
    if is_public():
        return None
    return auth.configured_hash(_secrets())


def signed_in() -> bool:
    """True when the current session may change stored data."""
    stored = password_hash()
    if not auth.is_valid_hash(stored):
        return False
    return st.session_state.get(SESSION_KEY) == auth.fingerprint(stored)


def _client() -> str:
    """Who is trying: the connection's address (``local`` on this machine)."""
    try:
        address = st.context.ip_address
    except (AttributeError, RuntimeError):
        return "local"
    return address if isinstance(address, str) and address else "local"


def _signed_in_bar(lang: str) -> None:
    st.sidebar.caption(t("access.signed_in", lang))
    if st.sidebar.button(t("access.sign_out", lang), key="access_sign_out"):
        st.session_state.pop(SESSION_KEY, None)
        st.rerun()


def _try(password: str, stored: str, lang: str) -> bool:
    """Check one attempt against the back-off; say what happened."""
    client = _client()
    wait = LIMITER.wait(client)
    if wait > 0:
        st.error(t("access.wait", lang, seconds=auth.wait_text_seconds(wait)))
        return False
    if not auth.verify_password(password, stored):
        LIMITER.failure(client)
        st.error(t("access.wrong", lang))
        return False
    LIMITER.success(client)
    st.session_state[SESSION_KEY] = auth.fingerprint(stored)
    audit("sign_in")
    return True


def _form(stored: str, lang: str) -> None:
    st.subheader(t("access.title", lang))
    st.caption(t("access.intro", lang))
    with st.form("access_form", clear_on_submit=True, enter_to_submit=True):
        password = st.text_input(
            t("access.password", lang),
            type="password",
            autocomplete="current-password",
            key="access_password",
        )
        submitted = st.form_submit_button(t("access.submit", lang), type="primary")
    if submitted and _try(password, stored, lang):
        st.rerun()


def require_sign_in(lang: str) -> bool:
    """Draw a sign-in form when needed; True once the session is signed in.

    In public mode nothing is drawn and the answer is always False. Without a
    (valid) configured hash the page explains how to set one and refuses.
    """
    if is_public():
        return False
    stored = password_hash()
    if stored is None:
        st.warning(t("access.no_hash", lang), icon=":material/lock:")
        return False
    if not auth.is_valid_hash(stored):
        st.error(t("access.bad_hash", lang), icon=":material/lock:")
        return False
    if signed_in():
        _signed_in_bar(lang)
        return True
    _form(stored, lang)
    return False


def hidden_pages() -> set[str]:
    """URL paths of pages this session must not reach (public mode hides admin pages)."""
    return set(ADMIN_PAGES) if is_public() else set()


def harden() -> None:
    """In public mode no browser sees an error's type, message or traceback.

    Sets ``client.showErrorDetails = "none"`` (process-wide, so it also covers a
    session whose hostile first message fails before this runs again); the
    details stay in the server log. In internal mode the configured setting is
    back. A public server not started through ``deploy/run-public.sh`` still
    accepts uploads and ``clear_cache``: that is logged once, as nothing in
    Streamlit 1.67 can close them from a page.
    """
    shown = st.get_option(ERROR_DETAILS)
    if not is_public():
        if "details" in _hardened and shown == "none":
            st.set_option(ERROR_DETAILS, _hardened.pop("details"))
        return
    if shown != "none":
        _hardened["details"] = shown
        st.set_option(ERROR_DETAILS, "none")
    if not os.environ.get(GUARD_ENV) and not _hardened.get("warned"):
        _hardened["warned"] = True
        _LOGGER.warning(auth.UNGUARDED_WARNING)
