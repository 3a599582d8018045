"""Which store the app uses: a folder (the default) or PostgreSQL.

PostgreSQL is chosen by ``CAPAIAN_STORE_URL``, else by the URL the page layer
reads from the Streamlit secret ``[connections.capaian] url`` and passes in
(this module does not import Streamlit); without either, the folder store
(``CAPAIAN_STORE_DIR`` or ``data/store``) is used, exactly as before.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from utils.ingest.store import Store

if TYPE_CHECKING:
    from utils.ingest.pg_store import PostgresStore

AnyStore: TypeAlias = "Store | PostgresStore"
URL_VARIABLE = "CAPAIAN_STORE_URL"


def store_url(secret_url: str | None = None) -> str | None:
    """The database URL to use: ``CAPAIAN_STORE_URL``, else ``secret_url``, else ``None``."""
    return os.environ.get(URL_VARIABLE) or secret_url or None


def url_from_secrets(secrets: Mapping[str, object]) -> str | None:
    """``[connections.capaian] url`` of parsed Streamlit secrets, or ``None``.

    Examples
    --------
    >>> url_from_secrets({"connections": {"capaian": {"url": "postgresql://db/capaian"}}})
    'postgresql://db/capaian'
    >>> url_from_secrets({"connections": {"other": {}}}) is None
    True
    """
    connections = secrets.get("connections")
    capaian = connections.get("capaian") if isinstance(connections, Mapping) else None
    url = capaian.get("url") if isinstance(capaian, Mapping) else None
    return url if isinstance(url, str) and url else None


def is_url(location: str) -> bool:
    """``location`` names a database (``postgresql://`` …), not a folder."""
    return location.split(":", 1)[0].split("+", 1)[0] in {"postgresql", "postgres"}


def open_store(location: str | Path | None = None, *,
               secret_url: str | None = None) -> AnyStore:
    """The store at ``location`` (a folder or a database URL, e.g. an earlier
    store's ``location``), or the configured one when ``location`` is ``None``.

    Parameters
    ----------
    location : str or Path, optional
        What ``store.location`` gave; ``None``: :func:`store_url`, else the
        folder store's default folder.
    secret_url : str, optional
        ``[connections.capaian] url`` of the Streamlit secrets, if any.

    Returns
    -------
    Store or PostgresStore
        Both have the same public methods.

    Raises
    ------
    StoreError
        A database that cannot be reached (``data.store.unreachable``) or a
        URL that is not PostgreSQL's (``data.store.url``).
    """
    if location is None:
        location = store_url(secret_url)
    if location is not None and is_url(str(location)):
        from utils.ingest.pg_store import PostgresStore

        return PostgresStore(str(location))
    return Store(Path(location) if location is not None else None)
