"""A throwaway PostgreSQL for the tests, and the store tests' two backends.

:func:`start` makes a cluster with Debian's ``initdb``/``pg_ctl`` in a new
temporary folder (password auth, listening on 127.0.0.1 at a free port and on
a unix socket in that folder) and :func:`stop` stops it and removes the folder.
PostgreSQL refuses to run as root: as root the folder belongs to ``nobody``
and the server runs as ``nobody`` (``runuser``); the tests connect over TCP.
A missing PostgreSQL fails the tests that need it (CI installs it): never a skip.

Fixtures (pull them into a test module with ``pytest_plugins = ["tests.pg_support"]``):
``pg_cluster`` (one per test process), ``pg_url`` (a migrated store database,
emptied for each test), ``make_database`` (more databases for one test) and ``store_backend``
(parametrised: ``folder`` in ``tmp_path`` and ``postgres`` in ``pg_url``).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from utils.atomic import folder_lock
from utils.ingest import pg_schema as db
from utils.ingest import pg_store
from utils.ingest.pg_store import PostgresStore
from utils.ingest.store import Store

USER = "capaian"
TEMPLATE = "capaian_template"
SHARED = "capaian_test"


def program(name: str) -> str:
    """A PostgreSQL program: Debian's newest ``/usr/lib/postgresql/*/bin``, else on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return str(found[-1])
    on_path = shutil.which(name)
    assert on_path, f"PostgreSQL's {name} not found: install Debian's postgresql"
    return on_path


def _as_server(command: list[str]) -> list[str]:
    """``command`` as the user the server runs as: ourselves, or ``nobody`` as root."""
    return ["runuser", "-u", "nobody", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """A running throwaway cluster."""

    folder: Path
    port: int
    password: str

    def url(self, database: str = "postgres") -> str:
        """URL of ``database`` over TCP on loopback."""
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str, **params: object) -> list[Any]:
        """Run one statement outside a transaction (``CREATE DATABASE`` …)."""
        engine = sa.create_engine(pg_store.database_url(self.url()), poolclass=sa.NullPool,
                                  isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                result = conn.execute(sa.text(sql), params)
                return list(result) if result.returns_rows else []
        finally:
            engine.dispose()


def start() -> Cluster:
    """Make and start a cluster in a new temporary folder (see the module docstring)."""
    folder = Path(tempfile.mkdtemp(prefix="capaian-pg-"))
    password = secrets.token_hex(16)
    (folder / "pw").write_text(password)
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody")
        shutil.chown(folder / "pw", "nobody")
    subprocess.run(_as_server([program("initdb"), "-D", str(folder / "data"), "-U", USER,
                               f"--pwfile={folder / 'pw'}", "-A", "scram-sha-256", "-E", "UTF8",
                               "--locale=C.UTF-8", "--no-sync"]),
                   check=True, capture_output=True, text=True)
    for _attempt in range(3):  # a free port may be taken before the server binds it
        cluster = Cluster(folder, _free_port(), password)
        done = start_server(cluster)
        if done.returncode == 0:
            return cluster
    log = (folder / "log").read_text() if (folder / "log").exists() else ""
    shutil.rmtree(folder, ignore_errors=True)
    raise AssertionError(f"PostgreSQL did not start: {done.stderr}\n{log}")


def start_server(cluster: Cluster) -> subprocess.CompletedProcess:
    """Start ``cluster``'s server (made by :func:`start`) on its port; wait until it answers."""
    options = f"-k {cluster.folder} -h 127.0.0.1 -p {cluster.port} -F -c max_connections=200"
    return subprocess.run(_as_server([program("pg_ctl"), "-D", str(cluster.folder / "data"),
                                      "-l", str(cluster.folder / "log"), "-w", "-t", "120", "-o",
                                      options, "start"]), capture_output=True, text=True)


def stop_server(cluster: Cluster, mode: str = "immediate") -> subprocess.CompletedProcess:
    """Stop ``cluster``'s server (``mode``: pg_ctl's ``-m``), keeping its files."""
    return subprocess.run(_as_server([program("pg_ctl"), "-D", str(cluster.folder / "data"),
                                      "-m", mode, "-w", "stop"]), capture_output=True, text=True)


def stop(cluster: Cluster) -> None:
    """Stop the cluster at once and remove its folder."""
    stop_server(cluster)
    shutil.rmtree(cluster.folder, ignore_errors=True)


@contextmanager
def database(cluster: Cluster, template: str | None = TEMPLATE) -> Iterator[str]:
    """A new database (a copy of ``template``) while inside; its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    cluster.admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    url = cluster.url(name)
    try:
        yield url
    finally:
        pg_store.dispose(url)
        cluster.admin(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One throwaway cluster per test process, with migrated databases ``capaian_template``
    (to copy with :func:`database`) and ``capaian_test`` (for :func:`pg_url`)."""
    cluster = start()
    try:
        for name in (TEMPLATE, SHARED):
            cluster.admin(f'CREATE DATABASE "{name}"')
            PostgresStore(cluster.url(name))
        pg_store.dispose(cluster.url(TEMPLATE))
        yield cluster
    finally:
        pg_store.dispose(cluster.url(SHARED))
        stop(cluster)


def empty(url: str) -> None:
    """Make the store at ``url`` empty again (``TRUNCATE`` passes the append-only triggers)."""
    with pg_store.engine_for(url).begin() as conn:
        conn.execute(sa.text("TRUNCATE versions, version_rows, version_files, aliases, events, "
                             "scenario_versions, boundary_sets, boundary_files, boundary_active "
                             "RESTART IDENTITY CASCADE"))
        conn.execute(sa.update(db.store_state).values(active=[], seq=0, extra={}))


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    """URL of a migrated, empty store database (the process's ``capaian_test``, emptied)."""
    url = pg_cluster.url(SHARED)
    empty(url)
    return url


@pytest.fixture
def make_database(pg_cluster: Cluster) -> Iterator[Callable[..., str]]:
    """Make databases for one test (``template=None``: not migrated); all dropped after it."""
    with ExitStack() as stack:
        yield lambda template=TEMPLATE: stack.enter_context(database(pg_cluster, template))


# --- the store tests' two backends ----------------------------------------------------------


class FolderBackend:
    """A folder store in ``tmp_path``."""

    kind = "folder"

    def __init__(self, root: Path) -> None:
        self.root = root

    def open(self) -> Store:
        """A new store object on the same data (a restart)."""
        return Store(self.root)

    def snapshot(self) -> dict[str, bytes]:
        """Everything stored."""
        return {str(p.relative_to(self.root)): p.read_bytes() for p in sorted(self.root.rglob("*"))
                if p.is_file() and p.name != ".lock"}

    def stored_file(self, version: str, name: str) -> bytes:
        """A file kept with a version."""
        return (self.root / "versions" / version / name).read_bytes()

    def alias_entries(self) -> dict[str, dict]:
        """Every confirmed alias with who and when."""
        return json.loads((self.root / "aliases.json").read_text())

    def hold_lock(self) -> AbstractContextManager[None]:
        """Hold the writers' lock while inside."""
        return folder_lock(self.root, RuntimeError)

    def tamper(self, version: str, code: str, **values: str) -> None:
        """Change stored values behind the store's back (as older code could have)."""
        import pandas as pd

        data = self.root / "versions" / version / "data.csv"
        frame = pd.read_csv(data, dtype=str).set_index("code")
        for column, value in values.items():
            frame.loc[code, column] = value
        data.write_text(frame.reset_index().to_csv(index=False))


class PostgresBackend:
    """A PostgreSQL store in a fresh database."""

    kind = "postgres"

    def __init__(self, url: str) -> None:
        self.url = url

    def open(self) -> PostgresStore:
        """A new store object on the same data."""
        return PostgresStore(self.url)

    def _engine(self) -> sa.Engine:
        return pg_store.engine_for(self.url)

    def snapshot(self) -> dict[str, list]:
        """Everything stored, table by table."""
        with self._engine().connect() as conn:
            return {table.name: [tuple(r) for r in conn.execute(
                sa.select(table).order_by(*table.primary_key.columns))]
                for table in db.metadata.sorted_tables}

    def stored_file(self, version: str, name: str) -> bytes:
        """A file kept with a version."""
        return self.open().file(version, name)

    def alias_entries(self) -> dict[str, dict]:
        """Every confirmed alias with who and when."""
        return self.open()._alias_entries()

    @contextmanager
    def hold_lock(self) -> Iterator[None]:
        """Hold the writers' advisory lock on another connection while inside."""
        with self._engine().connect() as conn:
            conn.execute(sa.select(sa.func.pg_advisory_lock(pg_store.WRITE_LOCK)))
            try:
                yield
            finally:
                conn.execute(sa.select(sa.func.pg_advisory_unlock(pg_store.WRITE_LOCK)))
                conn.commit()

    def tamper(self, version: str, code: str, **values: str) -> None:
        """Change stored values behind the store's back (past the append-only trigger)."""
        rows = db.version_rows.c
        with self._engine().begin() as conn:
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            conn.execute(sa.update(db.version_rows)
                         .where(rows.version_id == version, rows.code == code)
                         .values({k: float(v) for k, v in values.items()}))


Backend = FolderBackend | PostgresBackend


@pytest.fixture(params=["folder", "postgres"])
def store_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Each store test once per backend."""
    if request.param == "folder":
        yield FolderBackend(tmp_path)
        return
    yield PostgresBackend(request.getfixturevalue("pg_url"))
