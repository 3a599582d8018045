"""Single sign-on and roles: who may do what once signed in (pure).

Besides the shared admin password (:mod:`utils.auth`), people may sign in
with any OpenID Connect provider through Streamlit's ``st.login``; the
``[auth]`` table of ``.streamlit/secrets.toml`` configures it (Streamlit's own
keys). What a signed-in person may do comes from the ``[roles]`` table::

    [roles]
    admin = ["ani@dukcapil.go.id"]      # import, roll back, boundaries, scenarios
    planner = ["budi@bappeda.go.id"]    # save and publish scenarios
    claim = "roles"                     # optional: an ID-token claim naming roles

An address is matched exactly (case-insensitive), never by domain; an
address the provider says is not verified (``email_verified = false``) gets
no role from the lists. A person named nowhere has no role: they see what a
visitor who is not signed in sees. The password session is the admin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

ADMIN, PLANNER = "admin", "planner"
ROLES = (ADMIN, PLANNER)
"""Roles, the strongest first."""
SECTION = "roles"
"""Table of ``secrets.toml`` naming who has which role."""
AUTH_SECTION = "auth"
"""Streamlit's table of ``secrets.toml`` configuring ``st.login``."""
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
"""Keys every OpenID Connect provider needs (Streamlit refuses ``st.login`` without them)."""
DEFAULT_PROVIDER = "default"

IMPORT, ROLLBACK, BOUNDARIES = "import", "rollback", "boundaries"
SAVE_SCENARIO, PUBLISH_SCENARIO = "save_scenario", "publish_scenario"
RIGHTS: Mapping[str, frozenset[str]] = {
    IMPORT: frozenset({ADMIN}),
    ROLLBACK: frozenset({ADMIN}),
    BOUNDARIES: frozenset({ADMIN}),
    SAVE_SCENARIO: frozenset({ADMIN, PLANNER}),
    PUBLISH_SCENARIO: frozenset({ADMIN, PLANNER}),
}
"""Action -> the roles that may do it; an action not named here nobody may do."""


@dataclass(frozen=True)
class RoleConfig:
    """The parsed ``[roles]`` table.

    Attributes
    ----------
    emails : dict
        Lower-case address -> its strongest role.
    claim : str or None
        Name of an ID-token claim whose value(s) name roles.
    bad : tuple of str
        Entries that were not understood (shown to an admin, never guessed at).
    """

    emails: Mapping[str, str] = field(default_factory=dict)
    claim: str | None = None
    bad: tuple[str, ...] = ()


def _address(value: object) -> str | None:
    """A plausible e-mail address, lower-cased; ``None`` for anything else."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    local, at, domain = text.partition("@")
    if not (at and local and "." in domain) or any(c.isspace() for c in text) or "@" in domain:
        return None
    return text


def _entries(value: object) -> list[object]:
    """A role's list (a single string counts as a one-item list)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def parse_roles(secrets_: Mapping[str, object]) -> RoleConfig:
    """Read the ``[roles]`` table of the secrets.

    Parameters
    ----------
    secrets_ : Mapping
        The parsed ``secrets.toml``.

    Returns
    -------
    RoleConfig
        Addresses with their strongest role, the role claim, and what was not
        understood (an unknown role name, a value that is no address).

    Examples
    --------
    >>> config = parse_roles({"roles": {"admin": ["Ani@Dukcapil.go.id"], "planner": "x"}})
    >>> dict(config.emails), config.bad
    ({'ani@dukcapil.go.id': 'admin'}, ('planner: x',))
    """
    table = secrets_.get(SECTION)
    if not isinstance(table, Mapping):
        return RoleConfig(bad=(SECTION,) if table is not None else ())
    emails: dict[str, str] = {}
    bad: list[str] = []
    claim = table.get("claim")
    if claim is not None and not (isinstance(claim, str) and claim.strip()):
        bad.append(f"claim: {claim}")
    for name, value in table.items():
        if name == "claim":
            continue
        if name not in ROLES:
            bad.append(str(name))
            continue
        for entry in _entries(value):
            address = _address(entry)
            if address is None:
                bad.append(f"{name}: {entry}")
            elif address not in emails or ROLES.index(name) < ROLES.index(emails[address]):
                emails[address] = name
    good_claim = claim.strip() if isinstance(claim, str) and claim.strip() else None
    return RoleConfig(emails=emails, claim=good_claim, bad=tuple(bad))


def _strongest(names: set[str]) -> str | None:
    return next((role for role in ROLES if role in names), None)


def _claimed(user: Mapping[str, object], claim: str | None) -> set[str]:
    """Role names the provider put in the configured claim (a string or a list)."""
    if claim is None:
        return set()
    value = user.get(claim)
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return {v.strip().lower() for v in values if isinstance(v, str)}


def _verified(user: Mapping[str, object]) -> bool:
    """False only when the provider says the address is not verified."""
    flag = user.get("email_verified")
    return not (flag is False or (isinstance(flag, str) and flag.strip().lower() == "false"))


def role_for(user: Mapping[str, object], config: RoleConfig) -> str | None:
    """The role of a person signed in by single sign-on.

    Parameters
    ----------
    user : Mapping
        The identity Streamlit keeps for the session (``st.user``): its
        ``email``, ``email_verified`` and any other ID-token claims.
    config : RoleConfig
        From :func:`parse_roles`.

    Returns
    -------
    str or None
        :data:`ADMIN` or :data:`PLANNER` (the strongest that applies), or
        ``None``: a person named nowhere has no role.

    Examples
    --------
    >>> config = parse_roles({"roles": {"planner": ["budi@bappeda.go.id"], "claim": "roles"}})
    >>> role_for({"email": "BUDI@bappeda.go.id"}, config)
    'planner'
    >>> role_for({"email": "budi@bappeda.go.id", "email_verified": False}, config) is None
    True
    >>> role_for({"email": "x@y.id", "roles": ["Admin"]}, config)
    'admin'
    """
    names = _claimed(user, config.claim) & set(ROLES)
    address = _address(user.get("email"))
    if address is not None and _verified(user) and address in config.emails:
        names.add(config.emails[address])
    return _strongest(names)


def may(role: str | None, action: str) -> bool:
    """Whether ``role`` may do ``action`` (see :data:`RIGHTS`); no role may do nothing.

    Examples
    --------
    >>> may("admin", IMPORT), may("planner", IMPORT), may("planner", SAVE_SCENARIO)
    (True, False, True)
    """
    return role is not None and role in RIGHTS.get(action, frozenset())


def sso_providers(secrets_: Mapping[str, object]) -> tuple[tuple[str, ...], bool]:
    """The single sign-on providers ``st.login`` can use, and whether ``[auth]`` is faulty.

    Parameters
    ----------
    secrets_ : Mapping
        The parsed ``secrets.toml``.

    Returns
    -------
    tuple
        ``(providers, faulty)``: provider names to pass to ``st.login``
        (:data:`DEFAULT_PROVIDER` for the keys written in ``[auth]`` itself,
        else the names of its sub-tables), in the order written; ``faulty`` is
        True when ``[auth]`` exists but lacks ``redirect_uri``/``cookie_secret``,
        names no complete provider, or has an incomplete one. Without an
        ``[auth]`` table: ``((), False)``.

    Examples
    --------
    >>> base = {"redirect_uri": "http://h/oauth2callback", "cookie_secret": "s"}
    >>> keys = dict.fromkeys(PROVIDER_KEYS, "x")
    >>> sso_providers({"auth": {**base, **keys}})
    (('default',), False)
    >>> sso_providers({"auth": {**base, "keycloak": keys, "azure": {"client_id": "x"}}})
    (('keycloak',), True)
    """
    table = secrets_.get(AUTH_SECTION)
    if table is None:
        return (), False
    if not isinstance(table, Mapping):
        return (), True
    shared = all(isinstance(table.get(k), str) and table.get(k) for k in ("redirect_uri",
                                                                            "cookie_secret"))
    found: list[str] = []
    faulty = not shared
    if any(k in table for k in PROVIDER_KEYS):
        complete = all(isinstance(table.get(k), str) and table.get(k) for k in PROVIDER_KEYS)
        found += [DEFAULT_PROVIDER] if complete else []
        faulty |= not complete
    for name, value in table.items():
        if isinstance(value, Mapping) and name != "client_kwargs":
            complete = all(isinstance(value.get(k), str) and value.get(k) for k in PROVIDER_KEYS)
            good = complete and "_" not in str(name)
            found += [str(name)] if good else []
            faulty |= not good
    faulty |= not found
    return (tuple(found) if shared else ()), faulty
