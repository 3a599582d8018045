"""Who may do what: public mode and sign-in.

Pages ask these questions and never read the mode or secrets themselves:
``is_public()`` (read-only transparency site), ``hidden_pages()`` (what the
router leaves out), ``signed_in()`` and ``require_role(action, lang)`` (draws
the sign-in choices: the admin password, and "Masuk dengan SSO" when ``[auth]``
configures single sign-on; call it before anything that writes), ``may(action)``.
The rules themselves (mode parsing, hashing, back-off) are in :mod:`utils.auth`,
roles (admin, planner) in :mod:`utils.auth_roles`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from utils import auth, auth_roles
from utils.i18n import t
from utils.ingest import store_backend

SESSION_KEY = "access_signed_in"
"""Session value: the fingerprint of the password hash the session signed in with."""
SSO_NOTED_KEY = "access_sso_noted"
"""Session value: the SSO identity whose sign-in this session has written to the audit log."""
ADMIN_PAGES = {"data"}
"""URL paths of pages that write; never registered in public mode."""
LIMITER = auth.RateLimiter()
"""Failed sign-ins of this server process (shared by every session)."""
SSO_SIGN_INS = auth.SeenOnce()
"""SSO sign-ins this process has logged: (identity, the ID token's ``iat``)."""
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
    """Who acts, as the audit log records it: the address of a person signed in by
    single sign-on, else the shared password and the connection's address."""
    user = sso_user()
    if user is not None:
        return _identity(user)
    return f"password@{_client()}"


def _identity(user: Mapping[str, object]) -> str:
    """The e-mail address of an SSO identity (``oidc:<sub>`` when it has none)."""
    email = user.get("email")
    if isinstance(email, str) and email.strip():
        return email.strip()
    return f"oidc:{user.get('sub', '')}"


def _user_info() -> Mapping[str, object]:
    """``st.user`` of this session as a plain mapping (empty outside a session)."""
    return dict(st.user.to_dict())


def sso_providers() -> tuple[str, ...]:
    """Single sign-on providers offered here (none in public mode or without ``[auth]``)."""
    if is_public():
        return ()
    return auth_roles.sso_providers(_secrets())[0]


def sso_user() -> Mapping[str, object] | None:
    """The identity of this session's single sign-on, or ``None`` when not signed in
    by SSO (always ``None`` in public mode or when ``[auth]`` is no longer configured)."""
    if not sso_providers():
        return None
    info = _user_info()
    return info if info.get("is_logged_in") is True else None


def role() -> str | None:
    """This session's role: the password session is the admin; an SSO identity has
    the role ``[roles]`` gives it (none when named nowhere); public mode has none."""
    if is_public():
        return None
    if signed_in():
        return auth_roles.ADMIN
    user = sso_user()
    if user is None:
        return None
    found = auth_roles.role_for(user, auth_roles.parse_roles(_secrets()))
    _note_sso_sign_in(user, found)
    return found


def may(action: str) -> bool:
    """Whether this session may do ``action`` (``auth_roles.IMPORT``, ``SAVE_SCENARIO`` …)."""
    return auth_roles.may(role(), action)


def _note_sso_sign_in(user: Mapping[str, object], found: str | None) -> None:
    """Write an SSO sign-in to the audit log once: each reload of a signed-in browser is a
    new session, so a sign-in is named by its identity and the time its ID token was
    issued (``iat``); a token without ``iat``: once per session."""
    identity = _identity(user)
    if st.session_state.get(SSO_NOTED_KEY) == identity:
        return
    st.session_state[SSO_NOTED_KEY] = identity
    issued = user.get("iat")
    if issued is not None and not SSO_SIGN_INS.first((identity, str(issued))):
        return
    audit("sign_in", method="oidc", role=found or "none")


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
    """True when the current session signed in with the admin password (see :func:`role`)."""
    stored = password_hash()
    if stored is None or not auth.is_valid_hash(stored):
        return False
    return st.session_state.get(SESSION_KEY) == auth.fingerprint(stored)


def _client() -> str:
    """Who is trying: the connection's address (``local`` on this machine)."""
    try:
        address = st.context.ip_address
    except (AttributeError, RuntimeError):
        return "local"
    return address if isinstance(address, str) and address else "local"


def _role_name(found: str | None, lang: str) -> str:
    return t(f"sso.role.{found or 'none'}", lang)


def _signed_in_bar(lang: str) -> None:
    """Who is signed in (password admin, or the SSO address and its role) and a sign-out."""
    user = sso_user()
    if user is None:
        st.sidebar.caption(t("access.signed_in", lang))
    else:
        st.sidebar.caption(t("sso.signed_in_as", lang, who=_identity(user),
                              role=_role_name(role(), lang)))
    if st.sidebar.button(t("access.sign_out", lang), key="access_sign_out"):
        st.session_state.pop(SESSION_KEY, None)
        if user is None:
            st.rerun()
        st.logout()  # ends the identity cookie (and the provider's session when it can)


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


def _sso_buttons(providers: tuple[str, ...], lang: str) -> None:
    """One "Masuk dengan SSO" button per configured provider (named when several)."""
    for name in providers:
        label = (t("sso.sign_in", lang) if len(providers) == 1
                 else t("sso.sign_in_named", lang, provider=name))
        if st.button(label, key=f"access_sso_{name}", icon=":material/badge:"):
            st.login(name)


def _sign_in_choices(lang: str) -> None:
    """The password form (when a valid hash is set) and the SSO button(s), or why neither."""
    stored = password_hash()
    providers, faulty = auth_roles.sso_providers(_secrets())
    if faulty:
        st.error(t("sso.bad_config", lang), icon=":material/lock:")
    if stored is None and not providers:
        st.warning(t("access.no_hash", lang), icon=":material/lock:")
    elif stored is not None and not auth.is_valid_hash(stored):
        st.error(t("access.bad_hash", lang), icon=":material/lock:")
    elif stored is not None:
        _form(stored, lang)
    if providers:
        if auth.is_valid_hash(stored):
            st.caption(t("sso.or", lang))
        else:
            st.subheader(t("sso.title", lang))
            st.caption(t("sso.intro", lang))
        _sso_buttons(providers, lang)


def _no_rights(found: str | None, lang: str) -> None:
    """An SSO identity without the role this needs: say so (and what it may do)."""
    user = sso_user() or {}
    key = "sso.no_role" if found is None else "sso.no_right"
    st.info(t(key, lang, who=_identity(user), role=_role_name(found, lang)),
            icon=":material/lock:")


def require_role(action: str, lang: str) -> bool:
    """Draw what is needed to do ``action``; True once this session may do it.

    Not signed in: the password form (the admin) and, when ``[auth]`` configures
    single sign-on, "Masuk dengan SSO". Signed in by SSO without the right role:
    says so (an address named in no role sees what a visitor sees). In public
    mode nothing is drawn and the answer is always False.

    Parameters
    ----------
    action : str
        One of :data:`utils.auth_roles.RIGHTS` (``IMPORT``, ``SAVE_SCENARIO`` …).
    lang : str
        Language of the texts drawn.
    """
    if is_public():
        return False
    found = role()
    if auth_roles.may(found, action):
        _signed_in_bar(lang)
        bad = auth_roles.parse_roles(_secrets()).bad
        if bad and found == auth_roles.ADMIN:
            st.warning(t("sso.roles_bad", lang, entries=", ".join(bad)))
        return True
    if sso_user() is not None:
        _no_rights(found, lang)
        _signed_in_bar(lang)
        return False
    _sign_in_choices(lang)
    return False


def require_sign_in(lang: str) -> bool:
    """:func:`require_role` for the admin's actions (imports): the strictest gate."""
    return require_role(auth_roles.IMPORT, lang)


def hidden_pages() -> set[str]:
    """URL paths of pages this session must not reach (public mode hides admin pages).

    The router asks this on every run, so it is also where a new single sign-on is
    noticed: :func:`role` writes it to the audit log once per session.
    """
    if is_public():
        return set(ADMIN_PAGES)
    role()
    return set()


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
