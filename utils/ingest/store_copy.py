"""Copy a folder store into an empty PostgreSQL store and back, losslessly.

``python -m utils.ingest.pg_store copy --from DIR --to URL`` (or ``--from URL
--to DIR``) copies every committed version (metadata, rows, files, aliases),
the active set, the event log, the saved scenarios (every version) and the
boundary sets (every file of each, and the active set with its history). Both
directions compare the result by checksum: :func:`folder_image` is every file a
folder store holds for a PostgreSQL store (``data.csv`` as the folder store
writes it, the uploaded files, ``meta.json``, the aliases, ``state.json``,
``audit.jsonl``, ``scenarios/<slug>/vNNNN.json``, ``boundaries/<id>/…`` and
``boundaries/active.json``); it must equal the folder's files byte for byte
(``aliases.json`` at the top is a copy of the versions' aliases the folder
store repairs itself, so it is compared by content).

Copying into a database is one transaction: on any difference it is rolled
back and nothing stays. Copying out writes a new folder (under a temporary
name, renamed into place at the end). Left behind, and named in the report:
boundary builds that never committed (``boundaries/.building-*``); lock files
are not data.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from utils.atomic import folder_lock, write_bytes
from utils.geo import boundary_sets
from utils.i18n import t
from utils.ingest import pg_schema as db
from utils.ingest import pg_store, saved_scenarios
from utils.ingest import store as folder
from utils.ingest.store import StoreError, read_json, read_jsonl
from utils.ingest.store_backend import is_url

EVENT_COLUMNS = ("at", "who", "action", "version_id", "replica")
SCENARIOS = "scenarios"
BOUNDARIES = "boundaries"
LOCK = ".lock"


@dataclass(frozen=True)
class Checked:
    """One file compared: its path in a folder store and both sides' sha256."""

    path: str
    source: str
    target: str

    @property
    def same(self) -> bool:
        """Both sides hold the same bytes (or, for the top ``aliases.json``, entries)."""
        return self.source == self.target


@dataclass
class CopyReport:
    """What a copy compared; :attr:`same` when every file matched."""

    source: str
    target: str
    checked: list[Checked] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        """Every file of both sides matched."""
        return all(c.same for c in self.checked)


def copy(source: str, target: str) -> CopyReport:
    """Copy the folder store ``source`` into the empty database ``target``, or back.

    Raises
    ------
    StoreError
        ``data.store.copy_kinds`` (not one folder and one URL),
        ``data.store.copy_not_empty`` (the target holds something),
        ``data.store.copy_differs`` (into a database: a file would not come back
        the same; nothing was written) or what opening either store raises.
    """
    if is_url(target) and not is_url(source):
        return folder_to_database(Path(source), target)
    if is_url(source) and not is_url(target):
        return database_to_folder(source, Path(target))
    raise StoreError("data.store.copy_kinds")


# --- folder → database ----------------------------------------------------------------------


def folder_to_database(root: Path, url: str) -> CopyReport:
    """Copy the folder store at ``root`` into the empty database ``url`` (one
    transaction, rolled back unless :func:`folder_image` matches the folder)."""
    if not (root / "state.json").is_file():
        raise StoreError("data.store.copy_no_store", path=str(root))
    store = pg_store.PostgresStore(url)
    report = CopyReport(_shown(str(root)), _shown(url), left_alone=leftovers(root))
    with ExitStack() as held:
        for path in (root, root / SCENARIOS, root / BOUNDARIES):
            if path == root or path.is_dir():  # never made here just to be locked
                held.enter_context(folder_lock(path, lambda: StoreError("data.store.busy"),
                                               folder.LOCK_TIMEOUT))
        conn = held.enter_context(store.writing(pg_store.WRITE_LOCK))
        for key in (pg_store.SCENARIO_LOCK, pg_store.BOUNDARY_LOCK):
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
        if not _database_empty(conn):
            raise StoreError("data.store.copy_not_empty", target=_shown(url))
        files = folder_files(root)
        _import(conn, root, json.loads(files["state.json"]))
        _import_apart(conn, files)
        report.checked = compare(files, folder_image(conn))
        if not report.same:
            raise StoreError("data.store.copy_differs", paths=", ".join(
                c.path for c in report.checked if not c.same))
    return report


def _database_empty(conn: Connection) -> bool:
    counts = [conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
              for table in (db.versions, db.aliases, db.events, db.scenario_versions,
                            db.boundary_sets, db.boundary_active)]
    return not any(counts)


def _apart_files(root: Path) -> Iterator[Path]:
    """Files under ``scenarios/`` and ``boundaries/`` that are data (no lock files,
    no uncommitted builds)."""
    for top in (SCENARIOS, BOUNDARIES):
        if not (root / top).is_dir():
            continue
        for path in sorted((root / top).rglob("*")):
            parts = path.relative_to(root / top).parts
            if path.is_file() and path.name != LOCK and not parts[0].startswith(".building-"):
                yield path


def leftovers(root: Path) -> list[str]:
    """Boundary builds that never committed (``boundaries/.building-*``), not copied."""
    sets = root / BOUNDARIES
    return sorted(f"{BOUNDARIES}/{p.name}" for p in sets.glob(".building-*")) \
        if sets.is_dir() else []


def folder_files(root: Path) -> dict[str, bytes]:
    """The files of a folder store's committed state, by path in the folder."""
    state_bytes = (root / "state.json").read_bytes()
    out = {"state.json": state_bytes}
    for name in ("aliases.json", "audit.jsonl"):
        if (root / name).is_file():
            out[name] = (root / name).read_bytes()
    for version in json.loads(state_bytes).get("versions", []):
        for path in sorted((root / "versions" / version).iterdir()):
            if not path.is_file():
                raise StoreError("data.store.damaged", file=str(path.relative_to(root)),
                                 error="not a file")
            out[f"versions/{version}/{path.name}"] = path.read_bytes()
    for path in _apart_files(root):
        out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def _import(conn: Connection, root: Path, state: Mapping[str, Any]) -> None:
    """Insert the versions, aliases, events and state of a folder store."""
    merged: dict[str, dict] = {}
    for version in state.get("versions", []):
        if not folder.VERSION.match(version):
            raise StoreError("data.store.damaged", file="state.json", error=version)
        path = root / "versions" / version
        meta = read_json(path / "meta.json", {"id": version})
        data_csv = (path / "data.csv").read_bytes()
        files = [(p.name, p.read_bytes()) for p in sorted(path.iterdir())
                 if p.name not in {"meta.json", "data.csv", "aliases.json"}]
        pg_store.insert_version(conn, version, meta, pg_store.read_csv_rows(data_csv),
                                data_csv, files)
        own = read_json(path / "aliases.json", {})
        pg_store.insert_aliases(conn, own, version)
        merged = _later(merged, own)
    top = read_json(root / "aliases.json", {})
    pg_store.insert_aliases(conn, {k: v for k, v in top.items() if merged.get(k) != v}, None)
    pg_store.insert_events(conn, state.get("events", []))
    pg_store.insert_events(conn, _audit_entries(root / "audit.jsonl"))
    extra = {k: v for k, v in state.items() if k not in {"versions", "active", "events"}}
    pg_store.bump_state(conn, list(state.get("active", [])))
    conn.execute(sa.update(db.store_state).values(extra=extra))


def _import_apart(conn: Connection, files: Mapping[str, bytes]) -> None:
    """Insert the saved scenarios, boundary sets and ``boundary/active.json`` among
    ``files`` (what cannot be stored is left out: the copy then differs and is refused)."""
    scenario_rows: list[dict] = []
    sets: dict[str, dict[str, bytes]] = {}
    for path, content in files.items():
        parts = path.split("/")
        if parts[0] == SCENARIOS and len(parts) == 3 and saved_scenarios.SLUG.match(parts[1]):
            number = saved_scenarios.VERSION_FILE.match(parts[2])
            if number:
                scenario_rows.append(
                    saved_scenarios.row_values(parts[1], int(number.group(1)), content))
        elif parts[0] == BOUNDARIES and len(parts) > 2 and boundary_sets.is_set_id(parts[1]):
            sets.setdefault(parts[1], {})["/".join(parts[2:])] = content
    if scenario_rows:
        conn.execute(sa.insert(db.scenario_versions), scenario_rows)
    for set_id, kept in sorted(sets.items()):
        record = boundary_sets.parse_record(kept.get(boundary_sets.SET_FILE, b"")) or {}
        if boundary_sets.SET_FILE in kept and record.get("id") == set_id:
            boundary_sets.insert_set(conn, record, kept)
    active = files.get(f"{BOUNDARIES}/{boundary_sets.ACTIVE_FILE}")
    state = boundary_sets.parse_record(active) if active is not None else None
    if state is not None and isinstance(state.get("active"), str) \
            and isinstance(state.get("history"), list):
        boundary_sets.insert_state(conn, state["active"], state["history"])


def _later(merged: dict[str, dict], entries: Mapping[str, dict]) -> dict[str, dict]:
    """``merged`` with ``entries`` laid over it as the folder store merges aliases."""
    out = dict(merged)
    for key, entry in entries.items():
        if key not in out or str(entry.get("at", "")) >= str(out[key].get("at", "")):
            out[key] = entry
    return out


def _audit_entries(path: Path) -> list[dict]:
    """The entries of a folder store's ``audit.jsonl`` (a torn line is left out:
    the copy then differs and is refused)."""
    return read_jsonl(path)


# --- database → folder ----------------------------------------------------------------------


def database_to_folder(url: str, root: Path) -> CopyReport:
    """Write the database store ``url`` as a new folder store at ``root`` (which
    must not exist or be empty); every file is checked against the database's
    sha256 of it before the folder is renamed into place (on a difference it is
    removed instead and ``data.store.copy_differs`` raised)."""
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise StoreError("data.store.copy_not_empty", target=str(root))
    store = pg_store.PostgresStore(url)
    with store._reading() as conn:
        image = folder_image(conn)
        recorded = _recorded_sums(conn)
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-copy-", dir=root.parent))
    try:
        for path, content in image.items():
            write_bytes(tmp / path, content)
        written = {p: (tmp / p).read_bytes() for p in image}
        checked = [Checked(p, recorded.get(p, _sha(c)), _sha(written[p]))
                   for p, c in sorted(image.items())]
        if not all(c.same for c in checked):
            raise StoreError("data.store.copy_differs",
                             paths=", ".join(c.path for c in checked if not c.same))
        if root.exists():
            root.rmdir()
        os.rename(tmp, root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return CopyReport(_shown(url), str(root), checked)


def _recorded_sums(conn: Connection) -> dict[str, str]:
    """The sha256 the database recorded of each version's ``data.csv`` and files."""
    out = {f"versions/{v}/data.csv": s for v, s in conn.execute(
        sa.select(db.versions.c.id, db.versions.c.data_sha256)).all()}
    files = db.version_files.c
    for version, name, digest in conn.execute(
            sa.select(files.version_id, files.name, files.sha256)).all():
        out[f"versions/{version}/{name}"] = digest
    scenarios = db.scenario_versions.c
    for key, number, digest in conn.execute(
            sa.select(scenarios.slug, scenarios.version, scenarios.sha256)).all():
        out[f"{SCENARIOS}/{key}/v{number:04d}.json"] = digest
    kept = db.boundary_files.c
    for set_id, name, digest in conn.execute(
            sa.select(kept.set_id, kept.path, kept.sha256)).all():
        out[f"{BOUNDARIES}/{set_id}/{name}"] = digest
    return out


def folder_image(conn: Connection) -> dict[str, bytes]:
    """Every file a folder store holds for the database store read by ``conn``:
    ``state.json``, ``aliases.json`` and per version ``meta.json``, ``data.csv``,
    its ``aliases.json`` and its files."""
    state = pg_store._state(conn)
    events = list(_events(conn))
    commits = [e for e in events if e.get("action") in pg_store.COMMIT_ACTIONS]
    state_out = {**{k: v for k, v in state.items() if k not in {"seq", "versions", "active"}},
                 "versions": state["versions"], "active": state["active"], "events": commits}
    out = {"state.json": folder._json(state_out).encode("utf-8")}
    logged = [e for e in events if e.get("action") not in pg_store.COMMIT_ACTIONS]
    if logged:
        out["audit.jsonl"] = "".join(folder.audit_line(e) for e in logged).encode("utf-8")
    own, merged = _alias_records(conn)
    if merged:
        out["aliases.json"] = folder._json(merged).encode("utf-8")
    for path, content in _version_files(conn, own):
        out[path] = content
    out.update(_apart_image(conn))
    return out


def _apart_image(conn: Connection) -> Iterator[tuple[str, bytes]]:
    """The files of ``scenarios/`` and ``boundaries/`` for the database read by ``conn``."""
    scenarios = db.scenario_versions.c
    for key, number, content in conn.execute(
            sa.select(scenarios.slug, scenarios.version, scenarios.content)
            .order_by(scenarios.slug, scenarios.version)):
        yield f"{SCENARIOS}/{key}/v{number:04d}.json", bytes(content)
    kept = db.boundary_files.c
    for set_id, name, content in conn.execute(
            sa.select(kept.set_id, kept.path, kept.content).order_by(kept.set_id, kept.path)):
        yield f"{BOUNDARIES}/{set_id}/{name}", bytes(content)
    if conn.execute(sa.select(db.boundary_active.c.id).limit(1)).first() is not None:
        state = boundary_sets.database_state(conn)
        yield (f"{BOUNDARIES}/{boundary_sets.ACTIVE_FILE}",
               json.dumps({"active": state["active"], "history": state["history"]})
               .encode("utf-8"))


def _version_files(conn: Connection, own: Mapping[str, dict]) -> Iterator[tuple[str, bytes]]:
    versions = db.versions.c
    files = db.version_files.c
    kept = {(v, n): bytes(c) for v, n, c in conn.execute(
        sa.select(files.version_id, files.name, files.content)).all()}
    tables = pg_store.read_rows(conn)
    for version, meta, layout in conn.execute(
            sa.select(versions.id, versions.meta, versions.layout).order_by(versions.num)):
        yield f"versions/{version}/meta.json", folder._json(meta).encode("utf-8")
        data = kept.pop((version, "data.csv"), None)
        if data is None:
            empty = pd.DataFrame(columns=list(db.ROW_COLUMNS))
            data = pg_store.csv_bytes(tables.get(version, empty), layout) or b""
        yield f"versions/{version}/data.csv", data
        if version in own:
            yield f"versions/{version}/aliases.json", folder._json(own[version]).encode("utf-8")
    for (version, name), content in kept.items():
        yield f"versions/{version}/{name}", content


def _alias_records(conn: Connection) -> tuple[dict[str, dict], dict[str, dict]]:
    """Per version the aliases confirmed with it, and all merged (the top file)."""
    table = db.aliases.c
    own: dict[str, dict] = {}
    merged: dict[str, dict] = {}
    query = sa.select(table.key, table.entry, table.at, table.who, table.version_id)
    for key, entry, at, who, version in conn.execute(query.order_by(table.id)).all():
        record = pg_store.join_record({"at": at, "who": who}, entry)
        if version is not None:
            own.setdefault(version, {})[key] = record
        merged = _later(merged, {key: record})
    return own, merged


def _events(conn: Connection) -> Iterator[dict]:
    table = db.events.c
    query = sa.select(*[table[c] for c in EVENT_COLUMNS], table.what).order_by(table.id)
    for row in conn.execute(query).mappings():
        yield pg_store.join_record({c: row[c] for c in EVENT_COLUMNS}, row["what"])


# --- comparing and telling ------------------------------------------------------------------


def compare(files: Mapping[str, bytes], image: Mapping[str, bytes]) -> list[Checked]:
    """Each path of either side with both sha256 (``-`` where one side lacks it);
    the top ``aliases.json`` is compared by its entries."""
    out = []
    for path in sorted(files.keys() | image.keys()):
        left, right = files.get(path), image.get(path)
        if (path == "aliases.json" and left is not None and right is not None
                and json.loads(left) == json.loads(right)):
            right = left
        out.append(Checked(path, _sha(left) if left is not None else "-",
                           _sha(right) if right is not None else "-"))
    return out


def report_lines(report: CopyReport, lang: str = "id") -> list[str]:
    """The copy's report: one line per file (sha256 of both sides) and a verdict."""
    lines = [t("data.store.copy_title", lang, source=report.source, target=report.target)]
    for item in report.checked:
        mark = "ok  " if item.same else "DIFF"
        lines.append(f"{mark} {item.source[:16]} {item.target[:16]} {item.path}")
    if report.left_alone:
        lines.append(t("data.store.copy_left_alone", lang, folders=", ".join(report.left_alone)))
    key = "data.store.copy_same" if report.same else "data.store.copy_differs"
    lines.append(t(key, lang, files=len(report.checked), paths=", ".join(
        c.path for c in report.checked if not c.same)))
    return lines


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _shown(location: str) -> str:
    return pg_store._shown(location) if is_url(location) else location
