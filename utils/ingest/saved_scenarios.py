"""Named what-if scenarios saved as JSON in the store (``<store>/scenarios``).

Layout::

    scenarios/
      <slug>/v0001.json   one file per save; a new save of the same name adds
      <slug>/v0002.json   the next version, earlier ones are kept as they were
      .lock               serialises writers (fcntl.flock)

The slug is made from the name (ASCII letters, digits, hyphens) plus a short
hash of the whole name, so names differing only in accents or punctuation
stay apart and no user text ever becomes a path of its own. Names are plain
text: control characters are dropped, spaces collapsed, the length limited.
Each file is written atomically (:mod:`utils.atomic`) and never rewritten.
A file that cannot be read or has the wrong shape raises
:class:`ScenarioError` (with a message key) instead of crashing the page;
:func:`list_saved` skips such files and names them.

A saved scenario is private. A signed-in user publishes it (or takes it back)
with :func:`set_published`, which writes the next version: the same scenario
plus ``publication`` (``public``, ``by``, ``at``). Only a latest version whose
``publication.public`` is ``True`` is public; a new save of the name is
private again until it is published. ``public_only=True`` in :func:`list_saved`
and :func:`load` is what public mode sees: unpublished scenarios do not exist.

Every function takes where the scenarios are: a store folder (``Path``), a
:class:`~utils.ingest.store.Store` (its folder) or a
:class:`~utils.ingest.pg_store.PostgresStore`, which keeps each version's file
bytes in ``scenario_versions`` (the same bytes a folder would hold, so both
read, check and list them alike); a write holds
:data:`~utils.ingest.pg_store.SCENARIO_LOCK` in its transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from utils.atomic import folder_lock, write_text
from utils.ingest.store import Store, StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from utils.ingest.pg_store import PostgresStore

Where: TypeAlias = "Path | str | Store | PostgresStore"
"""Where scenarios are: a store folder, a folder store or a PostgreSQL store."""

FORMAT = 1
NAME_MAX = 80
LOCK_TIMEOUT = 10.0
MAX_FILE_BYTES = 200_000
VERSION_FILE = re.compile(r"^v(\d{4,})\.json$")
SLUG = re.compile(r"^[a-z0-9-]{1,60}$")


class ScenarioError(Exception):
    """A saved scenario could not be saved or read; ``key`` names the message."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def folder(store_root: Path) -> Path:
    """Where scenarios live: ``<store root>/scenarios``."""
    return Path(store_root) / "scenarios"


def clean_name(text: object) -> str:
    """A scenario name as plain text: no control characters, single spaces.

    Raises
    ------
    ScenarioError
        ``whatif.saved.name_empty`` or ``whatif.saved.name_long``.

    Examples
    --------
    >>> clean_name("  Jemput bola\\n  SMA   2026 ")
    'Jemput bola SMA 2026'
    """
    raw = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in str(text or ""))
    name = " ".join(raw.split())
    if not name:
        raise ScenarioError("whatif.saved.name_empty")
    if len(name) > NAME_MAX:
        raise ScenarioError("whatif.saved.name_long", limit=NAME_MAX)
    return name


def slug(name: str) -> str:
    """Folder name of a scenario: readable ASCII part plus an 8-digit hash.

    Examples
    --------
    >>> slug("Jemput bola SMA 2026")[:20]
    'jemput-bola-sma-2026'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    readable = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40] or "skenario"
    digest = hashlib.sha256(name.casefold().encode("utf-8")).hexdigest()[:8]
    return f"{readable}-{digest}"


def _locked(root: Path) -> AbstractContextManager[None]:
    return folder_lock(root, lambda: ScenarioError("whatif.saved.busy"), LOCK_TIMEOUT)


def _version_numbers(path: Path) -> list[int]:
    if not path.is_dir():
        return []
    return sorted(int(m.group(1)) for p in path.iterdir() if (m := VERSION_FILE.match(p.name)))


class _Kept(Protocol):
    """What the scenario functions need of a backend, inside one lock or snapshot."""

    def numbers(self, key: str) -> list[int]: ...

    def content(self, key: str, number: int) -> bytes: ...

    def add(self, key: str, number: int, text: str) -> None: ...

    def latest(self) -> list[tuple[str, int, int]]: ...


class _Folder:
    """Scenarios in ``<store>/scenarios`` (one file per version)."""

    def __init__(self, store_root: Path) -> None:
        self.root = folder(store_root)

    @contextmanager
    def writing(self) -> Iterator[_Kept]:
        with _locked(self.root):
            yield self

    @contextmanager
    def reading(self) -> Iterator[_Kept]:
        yield self

    def numbers(self, key: str) -> list[int]:
        return _version_numbers(self.root / key)

    def content(self, key: str, number: int) -> bytes:
        path = self.root / key / f"v{number:04d}.json"
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ScenarioError("whatif.saved.broken", file=path.name, error="too large")
        return path.read_bytes()

    def add(self, key: str, number: int, text: str) -> None:
        path = self.root / key / f"v{number:04d}.json"
        if path.exists():  # never overwrite a saved version
            raise ScenarioError("whatif.saved.busy")
        write_text(path, text)

    def latest(self) -> list[tuple[str, int, int]]:
        if not self.root.is_dir():
            return []
        out = []
        for path in sorted(p for p in self.root.iterdir() if p.is_dir() and SLUG.match(p.name)):
            numbers = _version_numbers(path)
            if numbers:
                out.append((path.name, numbers[-1], len(numbers)))
        return out


class _Database:
    """Scenarios in the ``scenario_versions`` table of a PostgreSQL store."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    @contextmanager
    def writing(self) -> Iterator[_Kept]:
        from utils.ingest.pg_store import SCENARIO_LOCK

        with _store_errors(), self.store.writing(SCENARIO_LOCK) as conn:
            yield _Rows(conn)

    @contextmanager
    def reading(self) -> Iterator[_Kept]:
        with _store_errors(), self.store.reading() as conn:
            yield _Rows(conn)


@contextmanager
def _store_errors() -> Iterator[None]:
    """A database refusal (busy, unreachable) as :class:`ScenarioError` with its key."""
    try:
        yield
    except StoreError as error:
        key = "whatif.saved.busy" if error.key == "data.store.busy" else error.key
        raise ScenarioError(key, **error.params) from None


class _Rows:
    """The scenario queries on one connection (:class:`_Database`)."""

    def __init__(self, conn: Connection) -> None:
        from utils.ingest import pg_schema

        self.conn, self.table = conn, pg_schema.scenario_versions

    def numbers(self, key: str) -> list[int]:
        import sqlalchemy as sa

        c = self.table.c
        query = sa.select(c.version).where(c.slug == key).order_by(c.version)
        return [int(n) for n in self.conn.execute(query).scalars()]

    def content(self, key: str, number: int) -> bytes:
        import sqlalchemy as sa

        c = self.table.c
        size = sa.func.octet_length(c.content)
        row = self.conn.execute(sa.select(size, sa.case((size > MAX_FILE_BYTES, None),
                                                        else_=c.content))
                                .where(c.slug == key, c.version == number)).one()
        if row[0] > MAX_FILE_BYTES:
            raise ScenarioError("whatif.saved.broken", file=f"v{number:04d}.json",
                                error="too large")
        return bytes(row[1])

    def add(self, key: str, number: int, text: str) -> None:
        import sqlalchemy as sa

        self.conn.execute(sa.insert(self.table), [row_values(key, number, text.encode("utf-8"))])

    def latest(self) -> list[tuple[str, int, int]]:
        import sqlalchemy as sa

        c = self.table.c
        query = (sa.select(c.slug, sa.func.max(c.version), sa.func.count())
                 .group_by(c.slug).order_by(c.slug))
        return [(str(s), int(n), int(k)) for s, n, k in self.conn.execute(query)]


def row_values(key: str, number: int, content: bytes) -> dict[str, Any]:
    """The ``scenario_versions`` row of one saved file (its bytes as a folder keeps
    them; ``record``, ``saved_at`` and ``public`` read from them where they can be).

    Examples
    --------
    >>> row = row_values("a-00000000", 1, b'{"publication": {"public": true}}')
    >>> row["public"], row["saved_at"], row["record"]["publication"]
    (True, None, {'public': True})
    >>> row_values("a-00000000", 2, b"{oops")["record"] is None
    True
    """
    try:
        record = json.loads(content.decode("utf-8"), parse_constant=_refuse)
    except ValueError:
        record = None
    saved_at = record.get("saved_at") if isinstance(record, dict) else None
    try:
        at = dt.datetime.fromisoformat(saved_at) if isinstance(saved_at, str) else None
    except ValueError:
        at = None
    return {"slug": key, "version": number, "content": content,
            "sha256": hashlib.sha256(content).hexdigest(), "record": record,
            "saved_at": at if at is not None and at.tzinfo else None,
            "public": isinstance(record, dict) and is_published(record)}


def _refuse(constant: str) -> None:
    raise ValueError(constant)  # NaN / Infinity: no JSON for jsonb


def _backend(where: Where) -> _Folder | _Database:
    """The backend of ``where`` (a folder, a folder store or a PostgreSQL store)."""
    if isinstance(where, Store):
        return _Folder(where.root)
    if isinstance(where, str | Path):
        return _Folder(Path(where))
    return _Database(where)


def save(
    store_root: Where, name: str, scenario: dict, user: str = "", baseline_period: str = ""
) -> dict:
    """Save a scenario under ``name`` as a new version; earlier versions stay.

    Parameters
    ----------
    store_root : Path, Store or PostgresStore
        Where the scenarios are (a store folder or a store).
    name : str
        User text; cleaned with :func:`clean_name`.
    scenario : dict
        :func:`utils.metrics.whatif.to_dict` of the scenario.
    user : str
        Who saved it (for the record).
    baseline_period : str
        The period the scenario was made against.

    Returns
    -------
    dict
        The saved record (``name``, ``slug``, ``version``, ``saved_at`` …).
    """
    clean = clean_name(name)
    if not isinstance(scenario, dict):
        raise ScenarioError("whatif.saved.invalid", file=clean)
    key = slug(clean)
    with _backend(store_root).writing() as kept:
        number = max(kept.numbers(key), default=0) + 1
        record = {
            "format": FORMAT,
            "name": clean,
            "slug": key,
            "version": number,
            "saved_at": _now(),
            "saved_by": str(user)[:NAME_MAX],
            "baseline_period": str(baseline_period),
            "scenario": scenario,
        }
        kept.add(key, number, json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True))
    return record


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _publication(value: object) -> dict | None:
    """``publication`` of a record, or ``None`` when absent or malformed (private)."""
    if not (isinstance(value, dict) and isinstance(value.get("public"), bool)):
        return None
    return {
        "public": value["public"],
        "by": str(value.get("by", ""))[:NAME_MAX],
        "at": str(value.get("at", ""))[:25],
    }


def is_published(record: dict) -> bool:
    """True when a record has been published (and not taken back since).

    Examples
    --------
    >>> is_published({"publication": {"public": True, "by": "Budi", "at": ""}})
    True
    >>> is_published({"publication": {"public": "yes"}}), is_published({})
    (False, False)
    """
    found = _publication(record.get("publication"))
    return found is not None and found["public"] is True


def set_published(store_root: Where, key: str, public: bool, user: str) -> dict:
    """Publish (``public=True``) or take back a scenario: its next version records it.

    Parameters
    ----------
    store_root : Path, Store or PostgresStore
        Where the scenarios are.
    key : str
        The scenario's slug.
    public : bool
        Whether public mode may show it from now on.
    user : str
        Who decides (required; kept in ``publication.by``).

    Returns
    -------
    dict
        The record now in force (unchanged when it already was in that state).

    Raises
    ------
    ScenarioError
        ``whatif.publish.who`` without a name, ``whatif.saved.unknown`` or a
        read error of the latest version.
    """
    who = " ".join("".join(c if unicodedata.category(c)[0] != "C" else " "
                           for c in str(user or "")).split())[:NAME_MAX]
    if not who:
        raise ScenarioError("whatif.publish.who")
    with _backend(store_root).writing() as kept:
        latest = _load(kept, key)
        if is_published(latest) == bool(public):
            return latest
        number = latest["version"] + 1
        record = {k: v for k, v in latest.items() if k != "versions"}
        record.update(version=number,
                      publication={"public": bool(public), "by": who, "at": _now()})
        kept.add(latest["slug"], number,
                 json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True))
    return record


def _validated(record: object, path: Path) -> dict:
    """The record if it has the expected shape, else :class:`ScenarioError`
    (``path``: ``<slug>/vNNNN.json``, for the slug and the message)."""
    if not (
        isinstance(record, dict)
        and record.get("format") == FORMAT
        and isinstance(record.get("name"), str)
        and isinstance(record.get("version"), int)
        and isinstance(record.get("scenario"), dict)
        and isinstance(record.get("saved_at", ""), str)
    ):
        raise ScenarioError("whatif.saved.invalid", file=path.name)
    try:
        name = clean_name(record["name"])
    except ScenarioError:
        raise ScenarioError("whatif.saved.invalid", file=path.name) from None
    return {
        **record,
        "name": name,
        "slug": path.parent.name,
        "saved_by": str(record.get("saved_by", ""))[:NAME_MAX],
        "baseline_period": str(record.get("baseline_period", ""))[:10],
        "publication": _publication(record.get("publication")),
    }


def read(path: Path) -> dict:
    """Read and check one saved file.

    Raises
    ------
    ScenarioError
        ``whatif.saved.broken`` (unreadable, too large or not JSON) or
        ``whatif.saved.invalid`` (JSON of the wrong shape).
    """
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ScenarioError("whatif.saved.broken", file=path.name, error="too large")
        content = path.read_bytes()
    except OSError as error:
        raise ScenarioError(
            "whatif.saved.broken", file=path.name, error=type(error).__name__
        ) from None
    return parse(content, path)


def parse(content: bytes, path: Path) -> dict:
    """Check the bytes of one saved file (``path``: ``<slug>/vNNNN.json``, named in
    messages); :func:`read` without the reading.

    Raises
    ------
    ScenarioError
        ``whatif.saved.broken`` (not UTF-8 or not JSON) or ``whatif.saved.invalid``.
    """
    try:
        record = json.loads(content.decode("utf-8"))
    except ValueError as error:
        raise ScenarioError(
            "whatif.saved.broken", file=path.name, error=type(error).__name__
        ) from None
    return _validated(record, path)


def _read(kept: _Kept, key: str, number: int) -> dict:
    """Version ``number`` of ``key`` read and checked (:func:`parse`)."""
    name = Path(key) / f"v{number:04d}.json"
    try:
        content = kept.content(key, number)
    except OSError as error:
        raise ScenarioError("whatif.saved.broken", file=name.name,
                            error=type(error).__name__) from None
    return parse(content, name)


def load(
    store_root: Where, key: str, version: int | None = None, public_only: bool = False
) -> dict:
    """A saved scenario by slug: the latest version, or the one asked for.

    With ``public_only`` only the latest version of a published scenario is
    found; anything else is ``whatif.saved.unknown``, the same answer as for a
    slug that does not exist (public mode learns nothing of private ones).
    """
    with _backend(store_root).reading() as kept:
        return _load(kept, key, version, public_only)


def _load(kept: _Kept, key: str, version: int | None = None, public_only: bool = False) -> dict:
    """:func:`load` inside one lock or snapshot."""
    if not SLUG.match(str(key)):
        raise ScenarioError("whatif.saved.unknown", name=str(key)[:NAME_MAX])
    numbers = kept.numbers(key)
    if public_only and version not in (None, numbers[-1] if numbers else None):
        numbers = []
    if not numbers or (version is not None and version not in numbers):
        raise ScenarioError("whatif.saved.unknown", name=key)
    try:
        record = _read(kept, key, version or numbers[-1])
    except ScenarioError:
        if public_only:
            raise ScenarioError("whatif.saved.unknown", name=key) from None
        raise
    if public_only and not is_published(record):
        raise ScenarioError("whatif.saved.unknown", name=key)
    return record


def versions(store_root: Where, key: str) -> list[int]:
    """Version numbers saved under a slug, oldest first."""
    if not SLUG.match(str(key)):
        return []
    with _backend(store_root).reading() as kept:
        return kept.numbers(key)


def list_saved(store_root: Where, public_only: bool = False) -> tuple[list[dict], list[str]]:
    """Latest version of every saved scenario (by name) and the files that failed.

    Parameters
    ----------
    store_root : Path, Store or PostgresStore
        Where the scenarios are.
    public_only : bool
        Public mode: only published scenarios, and no file names of others
        (the list of failed files is then always empty).

    Returns
    -------
    (list of dict, list of str)
        Records sorted by name, and ``"<slug>/<file>"`` of each unreadable
        latest version (older good versions are not used in their place, so
        nothing silently goes back in time).
    """
    found, broken = [], []
    with _backend(store_root).reading() as kept:
        for key, number, count in kept.latest():
            try:
                record = {**_read(kept, key, number), "versions": count}
            except ScenarioError:
                broken.append(f"{key}/v{number:04d}.json")
                continue
            if is_published(record) or not public_only:
                found.append(record)
    if public_only:
        broken = []
    return sorted(found, key=lambda r: r["name"].casefold()), broken
