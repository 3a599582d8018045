"""The store of accepted imports in PostgreSQL, for several app replicas at once.

:class:`PostgresStore` keeps what :class:`utils.ingest.store.Store` keeps in a
folder — immutable versions with their rows and files, the active set, the
confirmed aliases and the event log — in the tables of
:mod:`utils.ingest.pg_schema`, with the same public methods, semantics and
:class:`~utils.ingest.store.StoreError` keys:

* a write (accept, rollback, remember) is one transaction serialised by
  ``pg_advisory_xact_lock`` (waiting at most
  :data:`utils.ingest.store.LOCK_TIMEOUT` seconds, then ``data.store.busy``);
  it commits everything or nothing, and raises ``store_state.seq``;
* a version's rows are committed with it, so no reader sees half of one: every
  replica reading :meth:`PostgresStore.state` sees the new active set at once;
* rows of ``versions``, ``version_rows``, ``version_files``, ``aliases`` and
  ``events`` are never changed or deleted (a trigger refuses it).

The schema is made and upgraded by Alembic (``utils/ingest/migrations``, run
from code: no ``alembic.ini``) when a store is first opened in a process, or
by ``python -m utils.ingest.pg_store migrate``. ``python -m utils.ingest.pg_store
copy --from A --to B`` copies a folder store into an empty database or back
(:mod:`utils.ingest.store_copy`).

Saved scenarios (:mod:`utils.ingest.saved_scenarios`) and boundary sets
(:mod:`utils.geo.boundary_sets`) are kept here too, each written under its own
advisory lock (:meth:`PostgresStore.writing`); :attr:`PostgresStore.root` is the
local folder a replica materialises boundary sets into to serve their files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import math
import os
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg.errors
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, OperationalError

from utils.i18n import t
from utils.ingest import pg_schema as db
from utils.ingest import store as folder
from utils.ingest.store import StoreError
from utils.ingest.store_backend import URL_VARIABLE
from utils.metrics import coverage

WRITE_LOCK = 0x43415041_49414E01
"""Key of the advisory lock every write holds (``pg_advisory_xact_lock``)."""
MIGRATE_LOCK = 0x43415041_49414E02
"""Key of the advisory lock a schema upgrade holds."""
SCENARIO_LOCK = 0x43415041_49414E03
"""Key of the advisory lock a scenario save or publication holds."""
BOUNDARY_LOCK = 0x43415041_49414E04
"""Key of the advisory lock a boundary set's commit, activation or rollback holds."""
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "capaian_schema_version"
NUMERIC = ("numerator", "denominator", "percent_given", "derived_margin")
TEXT = ("period", "code", "indicator", "derived")
COMMIT_ACTIONS = ("accept", "rollback")
"""Events of :meth:`PostgresStore.events` (a folder store's ``state.json`` log)."""

_ENGINES: dict[str, Engine] = {}
_MIGRATED: set[str] = set()
_GUARD = threading.Lock()


# --- connecting -----------------------------------------------------------------------------


def database_url(url: str) -> sa.URL:
    """``url`` for SQLAlchemy with psycopg 3 (``postgresql://``, ``postgres://`` and
    ``postgresql+psycopg://`` are accepted).

    Raises
    ------
    StoreError
        ``data.store.url``: not a PostgreSQL URL.
    """
    try:
        parsed = sa.make_url(url)
    except ArgumentError:
        raise StoreError("data.store.url", url=_shown(url)) from None
    if parsed.get_backend_name() not in {"postgresql", "postgres"}:
        raise StoreError("data.store.url", url=_shown(url))
    return parsed.set(drivername="postgresql+psycopg")


def _shown(url: str) -> str:
    """``url`` without its password, for messages."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]


def engine_for(url: str) -> Engine:
    """The process's one engine (connection pool) for ``url``, made on first use."""
    with _GUARD:
        if url not in _ENGINES:
            _ENGINES[url] = sa.create_engine(
                database_url(url), pool_pre_ping=True, pool_size=5, max_overflow=5,
                connect_args={"connect_timeout": 10, "application_name": "capaian"})
        return _ENGINES[url]


def dispose(url: str) -> None:
    """Close the pooled connections to ``url`` (the next use opens new ones)."""
    with _GUARD:
        engine = _ENGINES.pop(url, None)
        _MIGRATED.discard(url)
    if engine is not None:
        engine.dispose()


@contextmanager
def _errors() -> Iterator[None]:
    """Database failures as :class:`StoreError`: a lock not had in time is
    ``data.store.busy``, anything else on the way ``data.store.unreachable``."""
    try:
        yield
    except OperationalError as error:
        if isinstance(error.orig, psycopg.errors.LockNotAvailable | psycopg.errors.QueryCanceled):
            raise StoreError("data.store.busy") from None
        first = str(error.orig or error).strip().splitlines()
        raise StoreError("data.store.unreachable", error=first[0] if first else "") from None


# --- schema ---------------------------------------------------------------------------------


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    """The newest schema revision of ``utils/ingest/migrations``."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def schema_revision(engine: Engine) -> str | None:
    """The database's schema revision (``None`` before the first migration)."""
    with _errors(), engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def migrate(engine: Engine) -> str | None:
    """Upgrade the database to :func:`head_revision` (one replica at a time).

    Returns
    -------
    str or None
        The revision the database is at afterwards.
    """
    head = head_revision()
    if schema_revision(engine) == head:
        return head
    config = _alembic_config()
    with _errors(), engine.begin() as conn:
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATE_LOCK)))
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return schema_revision(engine)


# --- values in and out ----------------------------------------------------------------------


def _stamp(text: object) -> dt.datetime | None:
    """An ISO time as written by the folder store, or ``None``."""
    if not isinstance(text, str):
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else None


def _text_of(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def split_record(record: Mapping[str, Any], columns: Sequence[str]) -> tuple[dict, dict]:
    """``record`` (an event or an alias entry) as column values and the rest.

    ``at`` becomes a time and ``user`` ``who``; each of ``columns`` is taken
    out only when it is text that reads back the same (else it stays in the
    rest, which :func:`join_record` lays over the columns), so nothing is lost.
    """
    rest = dict(record)
    values: dict[str, Any] = {}
    for name in columns:
        value = record.get(name)
        if name == "at":
            stamp = _stamp(value)
            values["at"] = stamp
            if stamp is not None and _text_of(stamp) == value:
                rest.pop("at")
        else:
            column = {"user": "who", "version": "version_id"}.get(name, name)
            values[column] = value if isinstance(value, str) else None
            if isinstance(value, str):
                rest.pop(name)
    return values, rest


def join_record(values: Mapping[str, Any], rest: Mapping[str, Any]) -> dict:
    """The record :func:`split_record` split (columns that are ``None`` left out)."""
    names = {"who": "user", "version_id": "version"}
    out = {names.get(k, k): (_text_of(v) if k == "at" else v)
           for k, v in values.items() if v is not None}
    return {**out, **rest}


def _jsonable(meta: Mapping[str, Any]) -> dict:
    """``meta`` as the folder store writes it (``default=str``); a value JSON
    has no spelling for (NaN, infinity) is refused, for PostgreSQL's ``jsonb``."""
    try:
        text = json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str, allow_nan=False)
    except ValueError:
        raise StoreError("data.store.invalid", detail="meta") from None
    return json.loads(text)


def layout_of(frame: pd.DataFrame) -> dict:
    """The columns of a version's ``data.csv`` and each one's dtype kind."""
    return {"columns": [str(c) for c in frame.columns],
            "kinds": {str(c): frame[c].dtype.kind for c in frame.columns}}


def row_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s rows in the columns of ``version_rows``: numbers as floats (NaN
    where missing or not a number), text as text (missing where missing)."""
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for name in db.ROW_COLUMNS:
        if name not in frame.columns:
            out[name] = float("nan") if name in NUMERIC else None
            continue
        column = frame[name].reset_index(drop=True)
        if name in NUMERIC:
            numbers = column if column.dtype.kind in "iuf" else column.astype(str)
            out[name] = pd.to_numeric(numbers, errors="coerce").astype(float)
        else:
            out[name] = pd.Series([None if _missing(v) else str(v) for v in column],
                                  dtype=object)
    return out


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def csv_bytes(table: pd.DataFrame, layout: Mapping[str, Any]) -> bytes | None:
    """The ``data.csv`` a folder store writes for these rows (:func:`row_table`
    columns), or ``None`` when the layout has a column or a kind they cannot give."""
    columns = list(layout["columns"])
    if set(columns) - set(db.ROW_COLUMNS):
        return None
    frame = table[columns].copy()
    try:
        for name, kind in layout["kinds"].items():
            if kind in "iu":
                frame[name] = pd.to_numeric(frame[name]).astype("int64")
            elif kind == "f":
                frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
            elif kind != "O":
                return None
    except (ValueError, TypeError, OverflowError):
        return None
    return frame.to_csv(index=False).encode("utf-8")


def frame_of(table: pd.DataFrame, layout: Mapping[str, Any]) -> pd.DataFrame:
    """A version's rows (:func:`row_table` columns) as :meth:`utils.ingest.store.Store.data`
    reads its ``data.csv`` (before leaving out refused rows)."""
    present = [c for c in db.ROW_COLUMNS if c in layout["columns"]]
    frame = table[present].reset_index(drop=True)
    for name in present:
        if name in NUMERIC:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
        else:
            frame[name] = frame[name].fillna("").astype(str)
    frame["is_demo"] = False
    if not set(coverage.OPTIONAL) & set(frame.columns):
        return frame[coverage.COLUMNS]
    return coverage.with_optional(frame)[[*coverage.COLUMNS, *coverage.OPTIONAL]]


def read_rows(conn: Connection, ids: Sequence[str] | None = None) -> dict[str, pd.DataFrame]:
    """The rows (:func:`row_table` columns) of the versions ``ids`` (all when ``None``)."""
    rows = db.version_rows.c
    query = sa.select(rows.version_id, *[rows[c] for c in db.ROW_COLUMNS])
    if ids is not None:
        query = query.where(rows.version_id.in_(list(ids)))
    fetched = conn.execute(query.order_by(rows.version_id, rows.ord)).all()
    names = ["version_id", *db.ROW_COLUMNS]
    columns = list(zip(*fetched, strict=True)) if fetched else [()] * len(names)
    table = pd.DataFrame({n: pd.Series(c, dtype=object) for n, c in zip(names, columns,
                                                                         strict=True)})
    return {str(v): part.drop(columns="version_id").reset_index(drop=True)
            for v, part in table.groupby("version_id", sort=False)}


def _copy_rows(conn: Connection, version_id: str, table: pd.DataFrame) -> None:
    """Add a version's rows with ``COPY`` (in ``conn``'s transaction)."""
    columns = [[None if _missing(v) else v for v in table[c].tolist()] for c in db.ROW_COLUMNS]
    names = ", ".join(("version_id", "ord", *db.ROW_COLUMNS))
    driver = conn.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(f"COPY version_rows ({names}) FROM STDIN") as copy:
        for number, values in enumerate(zip(*columns, strict=True)):
            copy.write_row((version_id, number, *values))


def sha256(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def insert_version(conn: Connection, version_id: str, meta: Mapping[str, Any],
                   rows: pd.DataFrame, data_csv: bytes,
                   files: Iterable[tuple[str, bytes]]) -> None:
    """Add one version (its metadata, rows and files) in ``conn``'s transaction.

    ``data_csv`` is the version's ``data.csv`` as a folder store keeps it; its
    sha256 is recorded, and when the rows cannot give it back byte for byte
    (a file written by hand or by older code) it is kept as a file as well.
    """
    layout = layout_of(rows)
    table = row_table(rows)
    kept = list(files)
    if csv_bytes(table, layout) != data_csv:
        kept.append(("data.csv", data_csv))
    conn.execute(sa.insert(db.versions), {
        "id": version_id, "num": int(version_id[1:]),
        "created_at": _stamp(meta.get("created")) or dt.datetime.now(dt.UTC),
        "meta": dict(meta), "layout": layout, "data_sha256": sha256(data_csv)})
    _copy_rows(conn, version_id, table)
    if kept:
        conn.execute(sa.insert(db.version_files), [
            {"version_id": version_id, "name": name, "content": content,
             "sha256": sha256(content), "size": len(content)} for name, content in kept])


def insert_aliases(conn: Connection, entries: Mapping[str, Mapping[str, Any]],
                   version_id: str | None) -> None:
    """Record confirmed aliases (name key → entry with ``code``, ``at``, ``user`` …)."""
    values = []
    for key, entry in entries.items():
        columns, rest = split_record(entry, ("at", "user"))
        values.append({"key": key, "entry": rest, "version_id": version_id, **columns})
    if values:
        conn.execute(sa.insert(db.aliases), values)


def insert_events(conn: Connection, records: Iterable[Mapping[str, Any]]) -> None:
    """Append events (``at``, ``user``, ``action``, ``version``, ``replica`` and more)."""
    values = []
    for record in records:
        columns, rest = split_record(record, ("at", "user", "action", "version", "replica"))
        if columns["action"] is None:
            columns["action"] = ""
        values.append({**columns, "what": rest})
    if values:
        conn.execute(sa.insert(db.events), values)


def bump_state(conn: Connection, active: list[str] | None = None) -> int:
    """Raise ``seq`` (and set the active set when given); the new ``seq``."""
    change: dict[str, Any] = {"seq": db.store_state.c.seq + 1, "updated_at": sa.func.now()}
    if active is not None:
        change["active"] = active
    return int(conn.execute(sa.update(db.store_state).values(change)
                            .returning(db.store_state.c.seq)).scalar_one())


def _event(action: str, user: str | None, at: str | None = None,
           what: Mapping[str, object] | None = None) -> dict:
    return {**(what or {}), "at": at or folder._instant(), "user": user or folder.current_user(),
            "action": action, "replica": folder.replica_name()}


# --- the store ------------------------------------------------------------------------------


class PostgresStore:
    """Versioned, append-only store of accepted imports in PostgreSQL.

    Parameters
    ----------
    url : str, optional
        The database (``postgresql://user:password@host:port/name``);
        ``CAPAIAN_STORE_URL`` by default. The schema is upgraded when a
        process first opens it.
    root : Path, optional
        Local folder of this replica (boundary sets materialised to be served):
        :func:`utils.ingest.store.default_root` by default.

    Raises
    ------
    StoreError
        ``data.store.url`` (no or a wrong URL) or ``data.store.unreachable``.
    """

    def __init__(self, url: str | None = None, root: Path | None = None) -> None:
        url = url or os.environ.get(URL_VARIABLE)
        if not url:
            raise StoreError("data.store.url", url="")
        self.url = url
        self.root = Path(root) if root is not None else folder.default_root()
        self._engine = engine_for(url)
        if url not in _MIGRATED:
            migrate(self._engine)
            with _GUARD:
                _MIGRATED.add(url)

    @property
    def location(self) -> str:
        """The database URL: :func:`utils.ingest.store_backend.open_store` opens it again."""
        return self.url

    def __repr__(self) -> str:
        return f"PostgresStore({_shown(self.url)!r})"

    # --- transactions ---------------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """One snapshot for several queries (``REPEATABLE READ``)."""
        with _errors(), self._engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            yield conn

    @contextmanager
    def writing(self, lock: int) -> Iterator[Connection]:
        """A transaction holding the advisory lock ``lock`` (:data:`SCENARIO_LOCK`,
        :data:`BOUNDARY_LOCK`), waiting at most ``LOCK_TIMEOUT`` seconds for it
        (then :class:`StoreError` ``data.store.busy``); all or nothing."""
        with _errors(), self._engine.begin() as conn:
            wait = f"{max(1, int(folder.LOCK_TIMEOUT * 1000))}ms"
            conn.execute(sa.select(sa.func.set_config("lock_timeout", wait, True)))
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(lock)))
            conn.execute(sa.select(sa.func.set_config("lock_timeout", "0", True)))
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """One snapshot for several queries (``REPEATABLE READ``), for the modules
        that keep their own tables here (scenarios, boundary sets)."""
        with self._reading() as conn:
            yield conn

    # --- reading --------------------------------------------------------------------------

    def state(self) -> dict:
        """Committed versions, the active set and ``seq`` (raised by every commit;
        the event log is :meth:`events`, not read here: this runs on every rerun)."""
        with self._reading() as conn:
            return _state(conn)

    def meta(self, version_id: str) -> dict:
        """Metadata of one committed version."""
        with self._reading() as conn:
            return _meta(conn, version_id)

    def versions(self) -> list[dict]:
        """Metadata of every committed version, oldest first, with ``active`` added."""
        with self._reading() as conn:
            active = set(_state(conn)["active"])
            metas = conn.execute(sa.select(db.versions.c.meta).order_by(db.versions.c.num))
            return [{**m, "active": m.get("id") in active} for m in metas.scalars()]

    def data(self, version_id: str) -> pd.DataFrame:
        """The rows of one version in the long format, as :meth:`Store.data`."""
        with self._reading() as conn:
            return folder._safe(_frames(conn, [version_id])[0])

    def current(self) -> pd.DataFrame | None:
        """Accepted data of the active set (later versions win), or ``None`` if empty."""
        with self._reading() as conn:
            active = _state(conn)["active"]
            if not active:
                return None
            merged = pd.concat(_frames(conn, active), ignore_index=True)
        merged = folder._safe(merged.drop_duplicates(folder.KEYS, keep="last"))
        return merged.sort_values(folder.KEYS).reset_index(drop=True)

    def find_source(self, sha256: str, period: str | None = None) -> list[str]:
        """Versions made from the same file (and period, when given)."""
        meta = db.versions.c.meta
        query = (sa.select(db.versions.c.id).where(meta["source"]["sha256"].astext == sha256)
                 .order_by(db.versions.c.num))
        if period is not None:
            query = query.where(meta["period"].astext == period)
        with self._reading() as conn:
            return list(conn.execute(query).scalars())

    def aliases(self) -> dict[str, str]:
        """Confirmed aliases: name key → regency code (per name the latest confirmation)."""
        return {key: entry["code"] for key, entry in self._alias_entries().items()
                if "code" in entry}

    def _alias_entries(self) -> dict[str, dict]:
        table = db.aliases
        query = (sa.select(table.c.key, table.c.entry, table.c.at, table.c.who)
                 .ext(distinct_on(table.c.key))
                 .order_by(table.c.key, table.c.at.desc().nulls_last(), table.c.id.desc()))
        with self._reading() as conn:
            return {row.key: join_record({"at": row.at, "who": row.who}, row.entry)
                    for row in conn.execute(query)}

    def events(self) -> list[dict]:
        """What happened to the data, oldest first (accepts and rollbacks)."""
        return self._events(db.events.c.action.in_(COMMIT_ACTIONS))

    def _events(self, where: sa.ColumnElement[bool] | None = None,
                by_time: bool = False) -> list[dict]:
        table = db.events
        order = [table.c.at.asc().nulls_first(), table.c.id] if by_time else [table.c.id]
        query = sa.select(table.c.at, table.c.who, table.c.action, table.c.version_id,
                          table.c.replica, table.c.what).order_by(*order)
        if where is not None:
            query = query.where(where)
        with self._reading() as conn:
            return [join_record({k: row._mapping[k] for k in
                                 ("at", "who", "action", "version_id", "replica")}, row.what)
                    for row in conn.execute(query)]

    def file(self, version_id: str, name: str) -> bytes:
        """A file kept with a version (``source.csv`` …)."""
        query = sa.select(db.version_files.c.content).where(
            db.version_files.c.version_id == version_id, db.version_files.c.name == name)
        with self._reading() as conn:
            _meta(conn, version_id)
            content = conn.execute(query).scalar_one_or_none()
        if content is None:
            raise StoreError("data.store.unknown_version", version=f"{version_id}/{name}")
        return bytes(content)

    # --- writing --------------------------------------------------------------------------

    def accept(
        self,
        table: pd.DataFrame,
        *,
        source_name: str,
        source_bytes: bytes,
        period: str,
        user: str | None = None,
        mapping: dict[str, str] | None = None,
        details: dict | None = None,
        aliases: dict[str, dict] | None = None,
        companion: tuple[str, bytes] | None = None,
    ) -> dict:
        """Store an accepted import as a new active version; all or nothing.

        Parameters and result as :meth:`utils.ingest.store.Store.accept`.

        Raises
        ------
        StoreError
            Invalid table (``data.store.invalid``), the write lock not had within
            ``LOCK_TIMEOUT`` seconds (``data.store.busy``) or the database not
            reached (``data.store.unreachable``); nothing is changed.
        """
        rows = folder._validated(table, period)
        data_csv = rows.to_csv(index=False).encode("utf-8")
        with self.writing(WRITE_LOCK) as conn:
            state = _state(conn)
            number = conn.execute(sa.select(sa.func.coalesce(sa.func.max(db.versions.c.num), 0)))
            version_id = f"v{number.scalar_one() + 1:04d}"
            meta = folder.new_meta(version_id, rows, state["active"],
                                   source=(source_name, source_bytes), period=period, user=user,
                                   mapping=mapping, details=details, companion=companion)
            insert_version(conn, version_id, _jsonable(meta), rows, data_csv,
                           folder.source_files((source_name, source_bytes), companion))
            if aliases:
                stamp = {"at": meta["created"], "user": meta["user"]}
                insert_aliases(conn, folder._stamped(aliases, stamp), version_id)
            insert_events(conn, [_event("accept", meta["user"],
                                        what={"version": version_id})])
            bump_state(conn, [*state["active"], version_id])
        return meta

    def rollback(self, version_id: str, user: str | None = None) -> list[str]:
        """Make the active set what it was right after ``version_id`` was accepted.

        Returns
        -------
        list of str
            The new active set.
        """
        with self.writing(WRITE_LOCK) as conn:
            state = _state(conn)
            meta = _meta(conn, version_id)
            active = [*meta.get("active_before", []), version_id]
            insert_events(conn, [_event("rollback", user, what={
                "version": version_id, "active_before": state["active"]})])
            bump_state(conn, active)
        return active

    def remember(self, aliases: dict[str, dict], user: str | None = None) -> None:
        """Add confirmed aliases (name key → ``{"code", "text"}``)."""
        stamp = {"at": folder._now(), "user": user or folder.current_user()}
        with self.writing(WRITE_LOCK) as conn:
            insert_aliases(conn, folder._stamped(aliases, stamp), None)
            insert_events(conn, [_event("remember", stamp["user"], what={"aliases": {
                k: v.get("code") for k, v in aliases.items()}})])
            bump_state(conn)

    def log(self, action: str, user: str | None = None, **what: object) -> dict:
        """Add an entry to the audit log (as :meth:`utils.ingest.store.Store.log`;
        no write lock, and ``seq`` stays: the data did not change)."""
        entry = _event(action, user, what=what)
        with _errors(), self._engine.begin() as conn:
            insert_events(conn, [_jsonable(entry)])
        return entry

    def audit(self) -> list[dict]:
        """The whole audit log, oldest first (accepts, rollbacks and :meth:`log` entries)."""
        return self._events(None, by_time=True)

    def diff(self, a: str, b: str) -> pd.DataFrame:
        """What changed from version ``a`` to version ``b`` (as :meth:`Store.diff`)."""
        return folder.diff_tables(self.data(a), self.data(b))


def _state(conn: Connection) -> dict:
    row = conn.execute(sa.select(db.store_state.c.active, db.store_state.c.seq,
                                 db.store_state.c.extra)).one()
    ids = conn.execute(sa.select(db.versions.c.id).order_by(db.versions.c.num)).scalars()
    return {**row.extra, "versions": list(ids), "active": list(row.active), "seq": int(row.seq)}


def _meta(conn: Connection, version_id: str) -> dict:
    meta = conn.execute(sa.select(db.versions.c.meta)
                        .where(db.versions.c.id == version_id)).scalar_one_or_none()
    if meta is None:
        raise StoreError("data.store.unknown_version", version=version_id)
    return dict(meta)


def _frames(conn: Connection, ids: list[str]) -> list[pd.DataFrame]:
    """The rows of each version of ``ids`` (:func:`frame_of`), in that order."""
    layouts = dict(conn.execute(sa.select(db.versions.c.id, db.versions.c.layout)
                                .where(db.versions.c.id.in_(ids))).all())
    missing = [v for v in ids if v not in layouts]
    if missing:
        raise StoreError("data.store.unknown_version", version=missing[0])
    tables = read_rows(conn, ids)
    empty = pd.DataFrame(columns=list(db.ROW_COLUMNS))
    return [frame_of(tables.get(v, empty), layouts[v]) for v in ids]


def read_csv_rows(data: bytes) -> pd.DataFrame:
    """A ``data.csv`` of a folder store read as :meth:`Store.data` reads it
    (text columns as text, numbers as written), before any change."""
    return pd.read_csv(io.BytesIO(data), dtype={c: str for c in TEXT}, keep_default_na=False,
                       na_values={c: [""] for c in NUMERIC})


# --- command line ---------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m utils.ingest.pg_store",
                                     description="The PostgreSQL store: schema and copies.")
    parser.add_argument("--lang", choices=("id", "en"), default="id", help="message language")
    actions = parser.add_subparsers(dest="action", required=True)
    up = actions.add_parser("migrate", help="upgrade the database schema to the newest")
    up.add_argument("--url", help=f"database URL (default: ${URL_VARIABLE})")
    copy = actions.add_parser("copy", help="copy a folder store into an empty database or back")
    copy.add_argument("--from", dest="source", required=True, metavar="DIR|URL")
    copy.add_argument("--to", dest="target", required=True, metavar="URL|DIR")
    return parser


def main(argv: list[str] | None = None) -> int:
    """``migrate`` or ``copy``; 0 on success, 1 on a refusal or a mismatch."""
    args = _parser().parse_args(argv)
    try:
        if args.action == "migrate":
            url = args.url or os.environ.get(URL_VARIABLE) or ""
            revision = migrate(engine_for(url))
            print(t("data.store.migrated", args.lang, revision=revision or "-"))
            return 0
        from utils.ingest import store_copy

        report = store_copy.copy(args.source, args.target)
    except StoreError as error:
        print(t(error.key, args.lang, **error.params), file=sys.stderr)
        return 1
    for line in store_copy.report_lines(report, args.lang):
        print(line)
    return 0 if report.same else 1


if __name__ == "__main__":
    sys.exit(main())
