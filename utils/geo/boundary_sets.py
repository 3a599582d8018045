"""Boundary sets: versioned maps built from an office's own boundary file.

The default set is the upstream build in :func:`utils.geo.cache_record.cache_dir`.
Every other set lives in ``<store>/boundaries/<id>/`` (its own ``maps/`` folder,
``regencies.parquet``, the source file under ``source/`` and ``set.json``, the
record: who, when, which file, its licence, the join report). A set is written
under a temporary name and renamed into place, so a half-built set is never
seen; ``active.json`` (written atomically) names the set the map shows and the
ones shown before it, so building never disturbs the running map and an
activation can be rolled back.

With a PostgreSQL store the sets live in the database (:class:`DatabaseSets`,
from :func:`sets_of`): ``boundary_sets`` and ``boundary_files`` hold each
committed set whole (the same files, sha256 checked), ``boundary_active`` the
history of activations. Every function here takes either a sets folder or a
:class:`DatabaseSets`. A replica serves a set's files from a local cache
folder (``<store root>/.boundary-cache/<id>``) it writes from the database
under a temporary name and renames into place: sets never change, so the
folder never goes stale, and a half-written one is never served.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from utils.atomic import write_bytes, write_text
from utils.geo.cache_record import MAPS, cache_dir

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from utils.ingest.pg_store import PostgresStore
    from utils.ingest.store_backend import AnyStore

SET_FILE = "set.json"
ACTIVE_FILE = "active.json"
DEFAULT = ""
"""The id of the default (upstream) set in ``active.json``."""
_ID = re.compile(r"^b\d{8}T\d{6}-[0-9a-f]{8}$")
CACHE = ".boundary-cache"
"""Folder under a PostgreSQL store's root where a replica materialises sets."""
HISTORY = 20
"""How many earlier sets :func:`rollback` can go back through."""


class DatabaseSets:
    """The boundary sets of a PostgreSQL store, served from a local cache folder.

    Parameters
    ----------
    store : PostgresStore
        The store whose tables hold the sets.
    cache : Path, optional
        Where sets are materialised (``<store.root>/.boundary-cache`` by default).
    """

    def __init__(self, store: PostgresStore, cache: Path | None = None) -> None:
        self.store = store
        self.cache = Path(cache) if cache is not None else Path(store.root) / CACHE

    def __repr__(self) -> str:
        return f"DatabaseSets({self.store!r})"

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        from utils.ingest.pg_store import BOUNDARY_LOCK

        with self.store.writing(BOUNDARY_LOCK) as conn:
            yield conn

    def set_files(self, set_ids: list[str] | None = None,
                  path: str | None = None) -> Iterator[tuple[str, str, bytes, str]]:
        """``(set id, path, bytes, sha256)`` of the stored files (of ``set_ids``,
        only ``path`` when given), by set and path."""
        import sqlalchemy as sa

        from utils.ingest import pg_schema as db

        c = db.boundary_files.c
        query = sa.select(c.set_id, c.path, c.content, c.sha256).order_by(c.set_id, c.path)
        if set_ids is not None:
            query = query.where(c.set_id.in_(set_ids))
        if path is not None:
            query = query.where(c.path == path)
        with self.store.reading() as conn:
            for set_id, name, content, digest in conn.execute(query):
                yield str(set_id), str(name), bytes(content), str(digest)

    def state(self) -> dict:
        """The newest ``boundary_active`` row as ``active.json`` holds it."""
        with self.store.reading() as conn:
            return database_state(conn)

    def materialise(self, set_id: str) -> Path:
        """The local folder of ``set_id``, written from the database when missing
        (into a temporary folder, checked against the sha256 recorded of every
        file, then renamed into place); the path alone for a set that does not exist."""
        target = self.cache / set_id
        if target.is_dir() or not is_set_id(set_id):
            return target
        files = list(self.set_files([set_id]))
        if not files:
            return target
        self.cache.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{set_id}-", dir=self.cache))
        try:
            for _, name, content, digest in files:
                if hashlib.sha256(content).hexdigest() != digest:
                    raise OSError(f"{set_id}/{name}: sha256 differs from the recorded one")
                write_bytes(tmp / name, content)
            tmp.rename(target)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not target.is_dir():  # another process renamed its copy first: that one serves
                raise
        return target


Sets: TypeAlias = "Path | DatabaseSets"
"""Where boundary sets are: a folder (``<store>/boundaries``) or a database."""


def sets_of(store: AnyStore) -> Sets:
    """The boundary sets of a store: its ``boundaries`` folder, or :class:`DatabaseSets`."""
    from utils.ingest.store import Store

    return sets_root(store.root) if isinstance(store, Store) else DatabaseSets(store)


def sets_at(location: str) -> Sets:
    """The boundary sets of the store at ``location`` (a store's ``location``: its
    folder, opened as no store, or its database URL)."""
    from utils.ingest.store_backend import is_url, open_store

    return sets_of(open_store(location)) if is_url(location) else sets_root(Path(location))


def database_state(conn: Connection) -> dict:
    """The active set and its history in the database read by ``conn`` (the newest
    ``boundary_active`` row; the default set and no history before the first)."""
    import sqlalchemy as sa

    from utils.ingest import pg_schema as db

    c = db.boundary_active.c
    row = conn.execute(sa.select(c.active, c.history).order_by(c.id.desc()).limit(1)).first()
    if row is None:
        return {"active": DEFAULT, "history": []}
    return {"active": str(row.active), "history": list(row.history)}


def sets_root(store_root: Path) -> Path:
    """Folder of the boundary sets of the data store at ``store_root``."""
    return Path(store_root) / "boundaries"


def new_id(sha256: str, now: datetime | None = None) -> str:
    """A set id from the time and the source file's hash (``b20261129T193000-1a2b3c4d``)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S")
    return f"b{stamp}-{sha256[:8]}"


def is_set_id(value: object) -> bool:
    """True when ``value`` has the shape of a set id (never a path)."""
    return isinstance(value, str) and bool(_ID.match(value))


def read_set(root: Sets, set_id: str) -> dict | None:
    """The record of set ``set_id``, or ``None`` when it does not exist (or is not an id)."""
    if not is_set_id(set_id):
        return None
    if isinstance(root, DatabaseSets):
        found = [parse_record(c) for _, _, c, _ in root.set_files([set_id], SET_FILE)]
        return found[0] if found else None
    try:
        return json.loads((root / set_id / SET_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def parse_record(content: bytes) -> dict | None:
    """A ``set.json`` read as :func:`read_set` reads it from a folder."""
    try:
        found = json.loads(content.decode("utf-8"))
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def list_sets(root: Sets) -> list[dict]:
    """Records of every complete set, newest first."""
    if isinstance(root, DatabaseSets):
        records = [parse_record(c) for _, _, c, _ in root.set_files(path=SET_FILE)]
        return sorted((r for r in records if r), key=lambda r: r["id"], reverse=True)
    if not root.is_dir():
        return []
    records = [read_set(root, p.name) for p in root.iterdir() if is_set_id(p.name)]
    return sorted((r for r in records if r), key=lambda r: r["id"], reverse=True)


def _state(root: Sets) -> dict:
    if isinstance(root, DatabaseSets):
        return root.state()  # sets in the database are never removed
    try:
        state = json.loads((root / ACTIVE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"active": DEFAULT, "history": []}
    active = state.get("active", DEFAULT)
    if active != DEFAULT and read_set(root, active) is None:
        active = DEFAULT  # a set removed by hand: show the default, never a broken map
    history = [s for s in state.get("history", []) if s == DEFAULT or read_set(root, s)]
    return {"active": active, "history": history}


def active_id(root: Sets) -> str:
    """The id of the set the map shows (:data:`DEFAULT` for the upstream build)."""
    return str(_state(root)["active"])


def active_record(root: Sets) -> dict | None:
    """The record of the active set, or ``None`` when the default set is shown."""
    set_id = active_id(root)
    return read_set(root, set_id) if set_id != DEFAULT else None


def folder_of(root: Sets, set_id: str) -> Path:
    """The build folder of ``set_id`` (the upstream cache folder for :data:`DEFAULT`;
    for a set in a database its local copy, written first when missing)."""
    if set_id == DEFAULT:
        return cache_dir()
    return root.materialise(set_id) if isinstance(root, DatabaseSets) else root / set_id


def maps_of(root: Sets, set_id: str) -> Path:
    """The served ``maps/`` folder of ``set_id``."""
    return folder_of(root, set_id) / MAPS


def activate(root: Sets, set_id: str) -> None:
    """Show ``set_id`` (or :data:`DEFAULT`) from now on; the set shown before is
    remembered for :func:`rollback`.

    Raises
    ------
    KeyError
        When ``set_id`` is neither :data:`DEFAULT` nor a complete set.
    StoreError
        A database store that is busy or cannot be reached (nothing changes).
    """
    if isinstance(root, DatabaseSets):
        with root._writing() as conn:
            if set_id != DEFAULT and not _stored(conn, set_id):
                raise KeyError(set_id)
            state = database_state(conn)
            if state["active"] != set_id:
                insert_state(conn, set_id, [*state["history"], state["active"]][-HISTORY:])
        return
    if set_id != DEFAULT and read_set(root, set_id) is None:
        raise KeyError(set_id)
    state = _state(root)
    if state["active"] == set_id:
        return
    history = [*state["history"], state["active"]][-HISTORY:]
    root.mkdir(parents=True, exist_ok=True)
    write_text(root / ACTIVE_FILE, json.dumps({"active": set_id, "history": history}))


def rollback(root: Sets) -> str | None:
    """Show again the set shown before the last activation; return its id
    (``None`` when there is nothing to go back to)."""
    if isinstance(root, DatabaseSets):
        with root._writing() as conn:
            state = database_state(conn)
            if not state["history"]:
                return None
            insert_state(conn, state["history"][-1], state["history"][:-1])
            return str(state["history"][-1])
    state = _state(root)
    if not state["history"]:
        return None
    previous, history = state["history"][-1], state["history"][:-1]
    write_text(root / ACTIVE_FILE, json.dumps({"active": previous, "history": history}))
    return str(previous)


def _stored(conn: Connection, set_id: str) -> bool:
    import sqlalchemy as sa

    from utils.ingest import pg_schema as db

    query = sa.select(db.boundary_files.c.set_id).where(
        db.boundary_files.c.set_id == set_id, db.boundary_files.c.path == SET_FILE)
    return is_set_id(set_id) and conn.execute(query).first() is not None


def insert_state(conn: Connection, active: str, history: list[str]) -> None:
    """Record a new active set and its history (in ``conn``'s transaction)."""
    import sqlalchemy as sa

    from utils.ingest import pg_schema as db

    conn.execute(sa.insert(db.boundary_active).values(
        active=active, history=history, at=sa.func.now()))


def set_json(record: Mapping[str, object]) -> bytes:
    """The ``set.json`` of ``record`` as :func:`commit` writes it."""
    return json.dumps(record, indent=1, ensure_ascii=False).encode("utf-8")


def insert_set(conn: Connection, record: Mapping[str, object], files: Mapping[str, bytes]) -> None:
    """Add a whole set (``files`` by path in its folder, ``set.json`` among them) in
    ``conn``'s transaction: it exists whole or not at all."""
    import sqlalchemy as sa

    from utils.ingest import pg_schema as db

    set_id = str(record["id"])
    if not is_set_id(set_id) or SET_FILE not in files:
        raise KeyError(set_id)
    try:
        strict = json.loads(json.dumps(record, allow_nan=True),
                            parse_constant=lambda _: None)  # NaN: no JSON for jsonb
    except ValueError:
        strict = {"id": set_id}
    created = record.get("created")
    try:
        at = datetime.fromisoformat(created) if isinstance(created, str) else None
    except ValueError:
        at = None
    conn.execute(sa.insert(db.boundary_sets).values(
        id=set_id, record=strict, created=at if at is not None and at.tzinfo else None))
    conn.execute(sa.insert(db.boundary_files), [
        {"set_id": set_id, "path": name, "content": content,
         "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
        for name, content in sorted(files.items())])


def store_set(root: DatabaseSets, record: Mapping[str, object],
              files: Mapping[str, bytes]) -> None:
    """Commit a built set into a database (``files`` by path, without ``set.json``,
    which is written from ``record`` as :func:`commit` writes it).

    Raises
    ------
    StoreError
        ``data.store.busy`` or ``data.store.unreachable`` (nothing stored).
    """
    with root._writing() as conn:
        insert_set(conn, record, {**files, SET_FILE: set_json(record)})


def commit(root: Path, staging: Path, record: dict) -> Path:
    """Move a fully written set from ``staging`` into place as ``record["id"]``.

    ``set.json`` is written last inside the staging folder and the folder is then
    renamed, so a set either exists whole or not at all.
    """
    write_bytes(staging / SET_FILE, set_json(record))
    target = root / record["id"]
    staging.rename(target)
    return target


def staging_folder(root: Path, set_id: str) -> Path:
    """A fresh folder to write set ``set_id`` into before :func:`commit`."""
    staging = root / f".building-{set_id}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def clean_leftovers(root: Path) -> None:
    """Remove folders of builds that never committed (a crash or a refused file)."""
    if root.is_dir():
        for path in root.glob(".building-*"):
            shutil.rmtree(path, ignore_errors=True)
