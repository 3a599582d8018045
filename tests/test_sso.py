"""Single sign-on beside the password, roles from configuration (#18 item 4).

Pure role rules (table-driven, hypothesis), then AppTest with ``AppTest.user``
standing in for what ``st.login`` leaves in ``st.user``. The browser round trip
through a real (local) OpenID Connect provider is in ``tests/test_sso_browser.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st_
from streamlit.testing.v1 import AppTest

from utils import auth, auth_roles
from utils.auth_roles import ADMIN, PLANNER, parse_roles, role_for
from utils.ingest.store import Store

ROOT = Path(__file__).resolve().parent.parent
DATA = str(ROOT / "pages" / "data.py")
TEST_HASH = auth.hash_password("test-only-password", salt=b"capaian-test-salt", n=2**4)
PROVIDER = {"client_id": "capaian", "client_secret": "test-only-secret",
            "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "test-only-cookie-secret-0123456789", **PROVIDER}
ROLES = {"admin": ["ani@dukcapil.go.id"], "planner": ["budi@bappeda.go.id"]}
SSO = {"auth": AUTH, "roles": ROLES}
ANI = {"is_logged_in": True, "email": "ani@dukcapil.go.id", "sub": "ani", "provider": "default"}
BUDI = {**ANI, "email": "budi@bappeda.go.id", "sub": "budi"}
CITRA = {**ANI, "email": "citra@example.org", "sub": "citra"}


# --- pure rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "user", "expected"),
    [
        (ROLES, {"email": "ani@dukcapil.go.id"}, ADMIN),
        (ROLES, {"email": "  ANI@Dukcapil.GO.ID "}, ADMIN),
        (ROLES, {"email": "budi@bappeda.go.id"}, PLANNER),
        (ROLES, {"email": "citra@example.org"}, None),
        (ROLES, {"email": "ani@dukcapil.go.id.evil.example"}, None),
        (ROLES, {"email": "x.ani@dukcapil.go.id"}, None),
        (ROLES, {"email": "@dukcapil.go.id"}, None),
        (ROLES, {}, None),
        (ROLES, {"email": None, "sub": "ani@dukcapil.go.id"}, None),
        (ROLES, {"email": "ani@dukcapil.go.id", "email_verified": False}, None),
        (ROLES, {"email": "ani@dukcapil.go.id", "email_verified": "false"}, None),
        (ROLES, {"email": "ani@dukcapil.go.id", "email_verified": True}, ADMIN),
        ({"admin": ["a@b.id"], "planner": ["A@b.id"]}, {"email": "a@b.id"}, ADMIN),
        ({"planner": "b@c.id"}, {"email": "b@c.id"}, PLANNER),
        ({"claim": "roles"}, {"email": "x@y.id", "roles": ["planner", "other"]}, PLANNER),
        ({"claim": "roles"}, {"email": "x@y.id", "roles": "Admin"}, ADMIN),
        ({"claim": "roles"}, {"email": "x@y.id", "roles": ["root", 3]}, None),
        ({"claim": "groups"}, {"email": "x@y.id", "roles": ["admin"]}, None),
        ({}, {"email": "x@y.id", "roles": ["admin"]}, None),
        ({"claim": "roles", "planner": ["x@y.id"]}, {"email": "x@y.id", "roles": ["admin"]},
         ADMIN),
    ],
)
def test_role_for(roles, user, expected):
    assert role_for(user, parse_roles({"roles": roles})) == expected


@pytest.mark.parametrize(
    ("table", "bad"),
    [
        (ROLES, ()),
        ({"admin": ["not-an-address", "a@b.id", 7]}, ("admin: not-an-address", "admin: 7")),
        ({"viewer": ["a@b.id"]}, ("viewer",)),
        ({"claim": ""}, ("claim: ",)),
        ({"admin": "a b@c.id"}, ("admin: a b@c.id",)),
        ("admin", ("roles",)),
    ],
)
def test_parse_roles_names_what_it_did_not_understand(table, bad):
    assert parse_roles({"roles": table}).bad == bad


def test_no_roles_table_means_nobody_has_a_role():
    config = parse_roles({})
    assert config.bad == () and role_for({"email": "ani@dukcapil.go.id"}, config) is None


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (ADMIN, {"import", "rollback", "boundaries", "save_scenario", "publish_scenario"}),
        (PLANNER, {"save_scenario", "publish_scenario"}),
        (None, set()),
        ("root", set()),
    ],
)
def test_rights(role, allowed):
    actions = [*auth_roles.RIGHTS, "delete_everything"]
    assert {a for a in actions if auth_roles.may(role, a)} == allowed


@pytest.mark.parametrize(
    ("secrets", "expected"),
    [
        ({}, ((), False)),
        ({"auth": AUTH}, (("default",), False)),
        ({"auth": {**AUTH, "client_kwargs": {"prompt": "login"}}}, (("default",), False)),
        ({"auth": {k: AUTH[k] for k in ("redirect_uri", "cookie_secret")},
          "x": 1}, ((), True)),
        ({"auth": {k: v for k, v in AUTH.items() if k != "cookie_secret"}}, ((), True)),
        ({"auth": {**AUTH, "client_secret": ""}}, ((), True)),
        ({"auth": {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "s",
                   "google": PROVIDER, "keycloak": PROVIDER}}, (("google", "keycloak"), False)),
        ({"auth": {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "s",
                   "my_idp": PROVIDER}}, ((), True)),
        ({"auth": "yes"}, ((), True)),
    ],
)
def test_sso_providers(secrets, expected):
    assert auth_roles.sso_providers(secrets) == expected


ADDRESS = st_.from_regex(r"[a-z0-9._-]{1,12}@[a-z0-9-]{1,10}\.[a-z]{2,4}", fullmatch=True)


@given(listed=st_.lists(ADDRESS, max_size=4), other=ADDRESS, shout=st_.booleans())
def test_only_a_listed_address_gets_a_role(listed, other, shout):
    config = parse_roles({"roles": {"planner": listed}})
    asked = other.upper() if shout else other
    assert role_for({"email": asked}, config) == (PLANNER if other in listed else None)
    for address in listed:
        assert role_for({"email": address.upper()}, config) == PLANNER


# --- pages (AppTest) --------------------------------------------------------------------------


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built) -> Path:
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    return tmp_path / "store"


def probe(action: str = "save_scenario") -> None:
    """What a gated box does: ask for the right, then say who acts."""
    import streamlit as st

    from pages.support import access

    allowed = access.require_role(action, "id")
    access.hidden_pages()  # the router's question on every run
    st.write(f"allowed={allowed} role={access.role()} who={access.who()}")


def run_probe(user: dict | None, secrets: dict, action: str = "save_scenario") -> AppTest:
    at = AppTest.from_function(probe, args=(action,), default_timeout=30)
    at.secrets.update(secrets)
    if user is not None:
        at.user = dict(user)
    at.run()
    assert not at.exception, at.exception
    return at


def said(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("allowed="))


def buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def notes(at: AppTest) -> str:
    return " ".join(e.value for kind in ("info", "warning", "error", "caption")
                    for e in getattr(at, kind))


@pytest.mark.parametrize(
    ("user", "action", "allowed", "role", "note"),
    [
        (ANI, "import", True, "admin", "ani@dukcapil.go.id (peran: admin)"),
        (BUDI, "save_scenario", True, "planner", "budi@bappeda.go.id (peran: perencana)"),
        (BUDI, "import", False, "planner", "tidak berhak"),
        (CITRA, "save_scenario", False, "None", "belum diberi peran"),
        ({**ANI, "email_verified": False}, "import", False, "None", "belum diberi peran"),
    ],
    ids=["admin-import", "planner-save", "planner-import", "unknown", "unverified"],
)
def test_sso_roles_gate_actions(store_dir, user, action, allowed, role, note):
    at = run_probe(user, SSO, action)
    assert said(at) == f"allowed={allowed} role={role} who={user['email']}"
    assert note in notes(at)
    assert "Keluar" in buttons(at) and "Masuk dengan SSO" not in buttons(at)
    assert not at.text_input  # no password form for a signed-in identity


def test_signed_out_sees_password_form_and_sso_button(store_dir):
    at = run_probe({"is_logged_in": False}, {**SSO, "access": {"password_hash": TEST_HASH}})
    assert said(at) == "allowed=False role=None who=password@local"
    assert "Masuk dengan SSO" in buttons(at) and "Masuk" in buttons(at)
    assert [w.key for w in at.text_input] == ["access_password"]


def test_sso_only_offers_the_button_not_the_missing_password_warning(store_dir):
    at = run_probe({"is_logged_in": False}, SSO)
    assert buttons(at) == ["Masuk dengan SSO"] and not at.text_input and not at.warning


def test_several_providers_get_one_named_button_each(store_dir):
    auth_ = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
             "google": PROVIDER, "keycloak": PROVIDER}
    at = run_probe({"is_logged_in": False}, {"auth": auth_, "roles": ROLES})
    assert buttons(at) == ["Masuk dengan SSO (google)", "Masuk dengan SSO (keycloak)"]


def test_app_test_default_user_is_not_an_sso_sign_in(store_dir):
    """AppTest's default ``st.user`` has an address but no ``is_logged_in``: not signed in."""
    at = run_probe(None, SSO, "save_scenario")
    assert said(at) == "allowed=False role=None who=password@local"


def test_incomplete_auth_says_so_and_offers_no_sso(store_dir):
    broken = {"auth": {k: v for k, v in AUTH.items() if k != "client_secret"}, "roles": ROLES}
    at = run_probe(ANI, {**broken, "access": {"password_hash": TEST_HASH}})
    assert said(at) == "allowed=False role=None who=password@local"
    assert "tidak lengkap" in notes(at) and "Masuk dengan SSO" not in buttons(at)


def test_without_auth_a_leftover_identity_counts_for_nothing(store_dir):
    at = run_probe(ANI, {"roles": ROLES, "access": {"password_hash": TEST_HASH}}, "import")
    assert said(at) == "allowed=False role=None who=password@local"
    assert "Masuk dengan SSO" not in buttons(at)


def test_password_session_stays_admin_beside_sso(store_dir):
    at = AppTest.from_function(probe, args=("import",), default_timeout=30)
    at.secrets.update({**SSO, "access": {"password_hash": TEST_HASH}})
    at.user = {"is_logged_in": False}
    at.session_state["access_signed_in"] = auth.fingerprint(TEST_HASH)
    at.run()
    assert said(at) == "allowed=True role=admin who=password@local"
    assert "Anda masuk sebagai admin." in notes(at)


def test_bad_roles_entries_are_shown_to_an_admin(store_dir):
    at = run_probe(ANI, {"auth": AUTH, "roles": {**ROLES, "viewer": ["x@y.id"]}}, "import")
    assert said(at).startswith("allowed=True role=admin")
    assert "tidak dipahami" in notes(at) and "viewer" in notes(at)


def test_public_mode_never_offers_sign_in(store_dir, monkeypatch):
    monkeypatch.setenv("CAPAIAN_MODE", "public")
    at = run_probe(ANI, {**SSO, "access": {"password_hash": TEST_HASH}}, "save_scenario")
    assert said(at) == "allowed=False role=None who=password@local"
    assert buttons(at) == [] and not at.text_input and notes(at) == ""


def test_sso_sign_in_is_logged_once_per_session_with_the_address(store_dir):
    at = run_probe(BUDI, SSO)
    at.run()
    at.run()
    log = [e for e in Store(store_dir).audit() if e["action"] == "sign_in"]
    assert [(e["user"], e["method"], e["role"]) for e in log] == [
        ("budi@bappeda.go.id", "oidc", "planner")]


def test_one_sso_sign_in_is_logged_once_however_many_sessions_its_browser_opens(store_dir):
    signed_in = {**BUDI, "iat": 1796000000}  # the ID token's issue time names the sign-in
    for _reload in range(3):  # every reload of the page is a new session
        run_probe(signed_in, SSO)
    run_probe({**signed_in, "iat": 1796003600}, SSO)  # signed in again an hour later
    run_probe(CITRA, SSO)  # a token without iat: once per session, as before
    run_probe(CITRA, SSO)
    log = [(e["user"], e["role"]) for e in Store(store_dir).audit() if e["action"] == "sign_in"]
    assert log == [("budi@bappeda.go.id", "planner")] * 2 + [("citra@example.org", "none")] * 2


def test_sso_sign_out_leaves_a_signed_out_session(store_dir):
    at = run_probe(BUDI, SSO)
    at = next(b for b in at.button if b.label == "Keluar").click().run()
    assert not at.exception and at.user == {"is_logged_in": False}
    at.run()  # the browser's next session (st.logout starts a new one)
    assert said(at) == "allowed=False role=None who=password@local"
    assert "Masuk dengan SSO" in buttons(at)


@pytest.mark.parametrize(
    ("user", "tabs", "note"),
    [(ANI, 4, ""), (BUDI, 0, "tidak berhak"), (CITRA, 0, "belum diberi peran")],
    ids=["admin", "planner", "unknown"],
)
def test_data_page_is_for_the_admin(store_dir, user, tabs, note):
    at = AppTest.from_file(DATA, default_timeout=60)
    at.secrets.update(SSO)
    at.session_state["lang"] = "id"
    at.user = dict(user)
    at.run()
    assert not at.exception, at.exception
    assert len(at.tabs) == tabs
    assert note in notes(at)
    assert bool(at.get("file_uploader")) == (tabs > 0)
