"""The versioned store of accepted imports (``data/store``, git-ignored).

Layout::

    store/
      state.json          committed versions, the active set, the event log
      aliases.json        confirmed name → regency code aliases (all of them)
      audit.jsonl         the audit log beyond accepts and rollbacks (Store.log)
      versions/v0001/     one immutable folder per accepted import
        meta.json         source name, sha256, period, who/when, counts, mapping
        data.csv          the import in the long format (utils.metrics.coverage)
        aliases.json      the aliases confirmed with this import, if any
        source.csv|xlsx   the file as uploaded
        companion.*       a second file paired with it (one measure per file), if any
      .lock               serialises writers (fcntl.flock)

Semantics: every accepted import adds a version (one file, or two paired
files; one period, or one per year of a year column). The
*active set* is an ordered list of versions; :meth:`Store.current` merges
them, a later version replacing the same (period, region, indicator) values
of an earlier one. Accepting appends the new version to the active set.
Rolling back to version *v* restores the active set as it stood right after
*v* was accepted (later versions stay stored and can be rolled forward to).

A version folder is written under a temporary name and renamed into place;
``state.json`` is replaced atomically afterwards and is the commit point, so a
failed or cancelled import leaves the store exactly as it was.

Aliases confirmed with an import are part of the same commit point: they are
written into the version folder before it is renamed, and :meth:`Store.aliases`
merges those of every committed version with ``aliases.json`` (per name the
latest confirmation wins). ``aliases.json`` is then updated as a copy of them
all; a process killed before that loses nothing, and the next accept or
:meth:`Store.remember` brings the copy up to date.

Opening a store removes what killed writers left behind: temporary files and
folders (``.tmp*``, ``.*.tmp``) and version folders no ``state.json`` names,
once they are older than :data:`LEFTOVER_AGE` and only when no writer holds
the lock (a live write is never touched).

Every value is checked before it is stored (:func:`_validated`): counts are
whole, finite and plausible (:func:`utils.ingest.numbers_id.count_problem`),
percentages finite and at most :data:`~utils.ingest.numbers_id.MAX_PERCENT`,
so a table that bypasses the importer cannot be stored either; rows of older
versions that would now be refused are left out when read (never shown).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import re
import shutil
import socket
import tempfile
import time
from contextlib import AbstractContextManager
from pathlib import Path

import pandas as pd

from utils.atomic import folder_lock, write_bytes, write_text
from utils.ingest.numbers_id import MAX_PERCENT, MAX_PROVINCE_COUNT, MAX_REGENCY_COUNT
from utils.metrics import coverage
from utils.paths import ROOT

LOCK_TIMEOUT = 30.0
VERSION = re.compile(r"^v(\d{4,})$")
KEYS = ["period", "code", "indicator"]
LEFTOVER_AGE = 60.0
"""Seconds after which a temporary file or an uncommitted version folder is a
leftover of a killed write (a live write holds the lock and is younger)."""


class StoreError(Exception):
    """A store operation was refused; ``key`` names the message in ``data/i18n``."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def default_root() -> Path:
    """``CAPAIAN_STORE_DIR`` or ``data/store`` in the repository."""
    return Path(os.environ.get("CAPAIAN_STORE_DIR") or ROOT / "data" / "store")


def current_user() -> str:
    """Login name of the process, for the record when no name is given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def replica_name() -> str:
    """Which app process writes: ``CAPAIAN_REPLICA``, else ``hostname:port``
    (``STREAMLIT_SERVER_PORT``), else ``hostname``; kept with every event."""
    named = os.environ.get("CAPAIAN_REPLICA")
    if named:
        return named
    port = os.environ.get("STREAMLIT_SERVER_PORT")
    return f"{socket.gethostname()}:{port}" if port else socket.gethostname()


def audit_line(entry: dict) -> str:
    """One line of ``audit.jsonl`` (sorted keys, newline-terminated)."""
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str) + "\n"


def read_json(path: Path, default: dict) -> dict:
    """A store's JSON file, ``default`` when missing; a damaged one is refused
    (:class:`StoreError` ``data.store.damaged``), never taken as empty."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
    except (OSError, ValueError) as error:
        raise StoreError("data.store.damaged", file=path.name, error=str(error)) from None


def read_jsonl(path: Path) -> list[dict]:
    """The entries of a JSON-lines log (``audit.jsonl``), a line torn by a crash skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _instant() -> str:
    """When an event or log entry happened, to the microsecond: the audit log's order."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, default=str)


class Store:
    """Versioned, append-only store of accepted coverage imports.

    Parameters
    ----------
    root : Path, optional
        Store folder; :func:`default_root` by default.
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_root()
        self._tidy()

    @property
    def location(self) -> str:
        """Where the store is (its folder): :func:`utils.ingest.store_backend.open_store`
        opens it again from this."""
        return str(self.root)

    # --- leftovers of killed writes ------------------------------------------------------

    def _tidy(self) -> None:
        """Remove the leftovers of killed writes, when no writer holds the lock;
        never fails (a read-only or busy store is left as it is)."""
        try:
            if not self._leftovers():
                return
            with folder_lock(self.root, lambda: StoreError("data.store.busy"), 0.0):
                for path in self._leftovers():
                    _remove(path)
        except (StoreError, OSError):
            return

    def _leftovers(self) -> list[Path]:
        """Temporary files and folders, and version folders no state names, older
        than :data:`LEFTOVER_AGE`, in the store's root and its versions folder."""
        found = [p for folder in (self.root, self._versions_dir) if folder.is_dir()
                 for p in folder.iterdir() if _is_temporary(p.name)]
        if self._versions_dir.is_dir():
            committed = set(self.state()["versions"])
            found += [p for p in self._versions_dir.iterdir()
                      if VERSION.match(p.name) and p.name not in committed]
        return [p for p in found if _age(p) > LEFTOVER_AGE]

    # --- paths and low-level reads -------------------------------------------------------

    @property
    def _versions_dir(self) -> Path:
        return self.root / "versions"

    @property
    def _state_path(self) -> Path:
        return self.root / "state.json"

    @property
    def _aliases_path(self) -> Path:
        return self.root / "aliases.json"

    @property
    def _audit_path(self) -> Path:
        return self.root / "audit.jsonl"

    def _read_json(self, path: Path, default: dict) -> dict:
        return read_json(path, default)

    def state(self) -> dict:
        """Committed versions, active set and event log."""
        return self._read_json(self._state_path, {"versions": [], "active": [], "events": []})

    def _locked(self) -> AbstractContextManager[None]:
        return folder_lock(self.root, lambda: StoreError("data.store.busy"), LOCK_TIMEOUT)

    # --- reading -----------------------------------------------------------------------------

    def meta(self, version_id: str) -> dict:
        """Metadata of one committed version."""
        if version_id not in self.state()["versions"]:
            raise StoreError("data.store.unknown_version", version=version_id)
        return self._read_json(self._versions_dir / version_id / "meta.json", {})

    def versions(self) -> list[dict]:
        """Metadata of every committed version, oldest first, with ``active`` added."""
        state = self.state()
        active = set(state["active"])
        return [{**self._read_json(self._versions_dir / v / "meta.json", {"id": v}),
                 "active": v in active} for v in state["versions"]]

    def data(self, version_id: str) -> pd.DataFrame:
        """The rows of one version in the long format (``is_demo`` False), with the
        :data:`coverage.OPTIONAL` columns when the version was stored with them
        (versions stored without them read exactly as before); rows the store
        would now refuse are left out (:func:`_safe`)."""
        return _safe(self._data(version_id))

    def _data(self, version_id: str) -> pd.DataFrame:
        self.meta(version_id)
        frame = pd.read_csv(self._versions_dir / version_id / "data.csv",
                            dtype={"period": str, "code": str, "indicator": str, "derived": str},
                            keep_default_na=False, na_values={
                                c: [""] for c in ("numerator", "denominator", "percent_given",
                                                  "derived_margin")})
        for column in {"numerator", "denominator", "percent_given",
                       "derived_margin"} & set(frame.columns):
            values = frame[column] if frame[column].dtype.kind == "f" else frame[column].astype(str)
            frame[column] = pd.to_numeric(values, errors="coerce").astype(float)
        frame["is_demo"] = False
        if not set(coverage.OPTIONAL) & set(frame.columns):
            return frame[coverage.COLUMNS]
        return coverage.with_optional(frame)[[*coverage.COLUMNS, *coverage.OPTIONAL]]

    def current(self) -> pd.DataFrame | None:
        """Accepted data of the active set (later versions win), or ``None`` if empty.
        A value the store would now refuse shows as no value, not as the one it
        replaced (:func:`_safe`)."""
        active = self.state()["active"]
        if not active:
            return None
        frames = [self._data(v) for v in active]
        merged = pd.concat(frames, ignore_index=True)
        merged = _safe(merged.drop_duplicates(KEYS, keep="last"))
        return merged.sort_values(KEYS).reset_index(drop=True)

    def find_source(self, sha256: str, period: str | None = None) -> list[str]:
        """Versions made from the same file (and period, when given)."""
        return [m["id"] for m in self.versions() if m.get("source", {}).get("sha256") == sha256
                and (period is None or m.get("period") == period)]

    def aliases(self) -> dict[str, str]:
        """Confirmed aliases: name key → regency code."""
        stored = self._alias_entries()
        return {key: entry["code"] for key, entry in stored.items() if "code" in entry}

    def _alias_entries(self) -> dict[str, dict]:
        """Every confirmed alias: those kept with each committed version, then
        ``aliases.json``; per key the latest ``at`` wins (a tie: the later source)."""
        sources = [self._versions_dir / v / "aliases.json" for v in self.state()["versions"]]
        merged: dict[str, dict] = {}
        for path in [*sources, self._aliases_path]:
            for key, entry in self._read_json(path, {}).items():
                if key not in merged or str(entry.get("at", "")) >= str(merged[key].get("at", "")):
                    merged[key] = entry
        return merged

    def events(self) -> list[dict]:
        """What happened to the store, oldest first (accepts and rollbacks)."""
        return list(self.state().get("events", []))

    # --- writing -----------------------------------------------------------------------------

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

        Parameters
        ----------
        table : pandas.DataFrame
            Rows in the long format of :mod:`utils.metrics.coverage`: all of
            ``period``, or of several periods (a file with a year column) of
            which ``period`` is the latest.
        source_name, source_bytes : str, bytes
            The uploaded file (kept beside the data, hashed in the metadata).
        period : str
            ``YYYY-MM-DD``: the file's period (the latest when it holds several).
        user : str, optional
            Who accepted it (the process login name by default).
        mapping : dict, optional
            Header → field used for the import.
        details : dict, optional
            More metadata (sheet, row counts, decisions …).
        aliases : dict, optional
            Name key → ``{"code", "text"}`` to remember with this version.
        companion : (str, bytes), optional
            A second file paired with the first (another measure of the same
            regions), kept beside it as ``companion.<suffix>``.

        Returns
        -------
        dict
            The new version's metadata.

        Raises
        ------
        StoreError
            Invalid table, or the store is busy for longer than
            :data:`LOCK_TIMEOUT` seconds; nothing is changed.
        """
        rows = _validated(table, period)
        with self._locked():
            state = self.state()
            self._clean_orphans(state)
            self._repair_aliases()
            version_id = self._next_id(state)
            meta = new_meta(version_id, rows, state["active"], source=(source_name, source_bytes),
                            period=period, user=user, mapping=mapping, details=details,
                            companion=companion)
            sources = source_files((source_name, source_bytes), companion)
            self._commit(version_id, meta, rows, sources, state, aliases)
        return meta

    def rollback(self, version_id: str, user: str | None = None) -> list[str]:
        """Make the active set what it was right after ``version_id`` was accepted.

        Returns
        -------
        list of str
            The new active set.
        """
        with self._locked():
            state = self.state()
            meta = self.meta(version_id)
            active = [*meta.get("active_before", []), version_id]
            event = {"at": _instant(), "user": user or current_user(), "action": "rollback",
                     "version": version_id, "active_before": state["active"],
                     "replica": replica_name()}
            new = {**state, "active": active, "events": [*state.get("events", []), event]}
            write_text(self._state_path, _json(new))
        return active

    def remember(self, aliases: dict[str, dict], user: str | None = None) -> None:
        """Add confirmed aliases (name key → ``{"code", "text"}``)."""
        with self._locked():
            write_text(self._aliases_path, _json(self._merged_aliases(aliases, user)))
        self.log("remember", user, aliases={k: v.get("code") for k, v in aliases.items()})

    def log(self, action: str, user: str | None = None, **what: object) -> dict:
        """Add an entry to the audit log (``audit.jsonl``: one JSON object a line,
        appended in one write; a line torn by a crash is skipped when read).

        Parameters
        ----------
        action : str
            ``sign_in``, ``import``, ``boundary_activate``, ``scenario_save`` …
        user : str, optional
            Who (the process login name by default).
        **what
            What it concerned (JSON values).

        Returns
        -------
        dict
            The entry, with ``at``, ``user``, ``action`` and ``replica``.
        """
        entry = {**what, "at": _instant(), "user": user or current_user(), "action": action,
                 "replica": replica_name()}
        self.root.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self._audit_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, audit_line(entry).encode("utf-8"))
        finally:
            os.close(descriptor)
        return entry

    def audit(self) -> list[dict]:
        """The audit log, oldest first: accepts and rollbacks (:meth:`events`) and
        every :meth:`log` entry (aliases remembered, sign-ins …), in the order they
        happened (each is stamped to the microsecond)."""
        logged = read_jsonl(self._audit_path)
        return sorted([*self.events(), *logged], key=lambda e: str(e.get("at", "")))

    def _merged_aliases(self, aliases: dict[str, dict], user: str | None,
                        at: str | None = None) -> dict:
        stamp = {"at": at or _now(), "user": user or current_user()}
        return {**self._alias_entries(), **_stamped(aliases, stamp)}

    def _repair_aliases(self) -> None:
        """Bring ``aliases.json`` up to date with the aliases of every committed
        version (a writer may have died between its commit and this copy)."""
        entries = self._alias_entries()
        if entries != self._read_json(self._aliases_path, {}):
            write_text(self._aliases_path, _json(entries))

    def _next_id(self, state: dict) -> str:
        taken = set(state["versions"])
        if self._versions_dir.is_dir():
            taken |= {p.name for p in self._versions_dir.iterdir()}
        numbers = [int(m.group(1)) for name in taken if (m := VERSION.match(name))]
        return f"v{max(numbers, default=0) + 1:04d}"

    def _commit(self, version_id: str, meta: dict, rows: pd.DataFrame,
                sources: list[tuple[str, bytes]], state: dict,
                aliases: dict[str, dict] | None) -> None:
        self._versions_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self._versions_dir))
        target = self._versions_dir / version_id
        old_aliases = self._aliases_path.read_bytes() if self._aliases_path.exists() else None
        try:
            write_text(tmp / "data.csv", rows.to_csv(index=False))
            for name, content in sources:
                write_bytes(tmp / name, content)
            write_text(tmp / "meta.json", _json(meta))
            if aliases:
                write_text(tmp / "aliases.json", _json(_stamped(
                    aliases, {"at": meta["created"], "user": meta["user"]})))
            os.rename(tmp, target)
            event = {"at": _instant(), "user": meta["user"], "action": "accept",
                     "version": version_id, "replica": replica_name()}
            write_text(self._state_path, _json({
                **state, "versions": [*state["versions"], version_id],
                "active": [*state["active"], version_id],
                "events": [*state.get("events", []), event]}))
            if aliases:
                write_text(self._aliases_path, _json(
                    self._merged_aliases(aliases, meta["user"], meta["created"])))
        except BaseException:
            self._undo(state, tmp, target, old_aliases)
            raise

    def _undo(self, state: dict, tmp: Path, target: Path, old_aliases: bytes | None) -> None:
        if self.state() != state:
            write_text(self._state_path, _json(state))
        if old_aliases is not None:
            write_bytes(self._aliases_path, old_aliases)
        else:
            self._aliases_path.unlink(missing_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        if target.name not in state["versions"]:
            shutil.rmtree(target, ignore_errors=True)

    def _clean_orphans(self, state: dict) -> None:
        if not self._versions_dir.is_dir():
            return
        for path in self._versions_dir.iterdir():
            if path.name not in state["versions"]:
                shutil.rmtree(path, ignore_errors=True)

    # --- comparing ---------------------------------------------------------------------------

    def diff(self, a: str, b: str) -> pd.DataFrame:
        """What changed from version ``a`` to version ``b``.

        Returns
        -------
        pandas.DataFrame
            One row per (period, code, indicator) that was added, removed or
            changed, with ``change`` and both sides' numerator, denominator and
            percent (suffixes ``_a`` and ``_b``).
        """
        return diff_tables(self.data(a), self.data(b))


def diff_tables(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """What changed from the rows ``a`` to the rows ``b`` of two versions
    (:meth:`Store.diff` of their data; same columns)."""
    left = coverage.with_percent(a).drop(columns="is_demo")
    right = coverage.with_percent(b).drop(columns="is_demo")
    both = left.merge(right, on=KEYS, how="outer", suffixes=("_a", "_b"), indicator=True)
    both["change"] = both["_merge"].map(
        {"left_only": "removed", "right_only": "added", "both": "changed"}).astype(str)
    same = ((both["numerator_a"] == both["numerator_b"])
            & (both["denominator_a"] == both["denominator_b"]))
    out = both[~same].drop(columns="_merge")
    columns = [*KEYS, "change"] + [f"{c}_{s}" for s in "ab"
                                   for c in ("numerator", "denominator", "percent")]
    return out[columns].sort_values(KEYS).reset_index(drop=True)


def new_meta(version_id: str, rows: pd.DataFrame, active: list[str], *,
             source: tuple[str, bytes], period: str, user: str | None,
             mapping: dict[str, str] | None, details: dict | None,
             companion: tuple[str, bytes] | None) -> dict:
    """The metadata of a version about to be accepted (what :meth:`Store.accept`
    returns): who and when, the active set before it, the files' names and
    hashes, row counts, indicators, mapping and ``details``."""
    meta = {
        "id": version_id, "created": _now(), "user": user or current_user(),
        "period": period, "active_before": list(active),
        "source": {"name": Path(source[0]).name, "sha256": _sha256(source[1]),
                   "size": len(source[1])},
        "rows": {"values": len(rows), "regions": int(rows["code"].nunique())},
        "indicators": sorted(rows["indicator"].unique()),
        "mapping": mapping or {}, **(details or {}),
    }
    if rows["period"].nunique() > 1:
        meta["periods"] = sorted(rows["period"].astype(str).unique())
    if companion is not None:
        meta["companion"] = {"name": Path(companion[0]).name,
                             "sha256": _sha256(companion[1]), "size": len(companion[1])}
    return meta


def source_files(source: tuple[str, bytes],
                 companion: tuple[str, bytes] | None) -> list[tuple[str, bytes]]:
    """The files kept with a version: ``source.<suffix>`` and ``companion.<suffix>``."""
    files = [(f"source{_suffix(source[0])}", source[1])]
    if companion is not None:
        files.append((f"companion{_suffix(companion[0])}", companion[1]))
    return files


def _stamped(aliases: dict[str, dict], stamp: dict) -> dict[str, dict]:
    return {k: {**v, **stamp} for k, v in aliases.items()}


def _is_temporary(name: str) -> bool:
    """A temporary name of :func:`tempfile.mkdtemp` here or of :mod:`utils.atomic`."""
    return name.startswith(".tmp") or (name.startswith(".") and name.endswith(".tmp"))


def _age(path: Path) -> float:
    try:
        return time.time() - path.lstat().st_mtime
    except FileNotFoundError:
        return 0.0


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return suffix if suffix in {".csv", ".xlsx", ".txt", ".tsv"} else ".bin"


def _is_date(text: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)) and bool(dt.date.fromisoformat(text))
    except ValueError:
        return False


def _refused(rows: pd.DataFrame) -> dict[str, pd.Series]:
    """Per reason (the ``detail`` of the error), which rows the store refuses.

    A row needs both counts or a given percent; a count is a whole number of
    people, finite and at most :func:`~utils.ingest.numbers_id.count_limit` of
    its region; a denominator with a numerator is not zero; a given percent is
    within 0 … :data:`~utils.ingest.numbers_id.MAX_PERCENT`; a derived margin
    is finite and not negative.
    """
    counts = rows[["numerator", "denominator"]].apply(pd.to_numeric, errors="coerce")
    given = _numbers(rows, "percent_given")
    margin = _numbers(rows, "derived_margin")
    regency = rows["code"].astype(str).str.contains(".", regex=False)
    limit = regency.map({True: MAX_REGENCY_COUNT, False: MAX_PROVINCE_COUNT}).astype(float)
    present = counts.notna()
    return {
        "numerator/denominator": (counts < 0).any(axis=1) | (given < 0) | (
            counts.isna().any(axis=1) & given.isna()),
        "implausible": (present & ~counts.abs().le(limit, axis=0)).any(axis=1),
        "not_whole": (present & (counts.fillna(0) % 1 != 0)).any(axis=1),
        "zero_denominator": present.all(axis=1) & (counts["denominator"] == 0),
        "percent": given.notna() & ~given.between(0, MAX_PERCENT),
        "margin": margin.notna() & ~margin.between(0, limit),
    }


def _numbers(rows: pd.DataFrame, column: str) -> pd.Series:
    if column not in rows.columns:
        return pd.Series(float("nan"), index=rows.index)
    return pd.to_numeric(rows[column], errors="coerce").astype(float)


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without the rows :func:`_refused` names (a fraction of a person
    stays: it cannot break a page), for versions stored before the checks."""
    checks = _refused(frame)
    checks.pop("not_whole")
    bad = pd.concat(checks.values(), axis=1).any(axis=1)
    return frame[~bad].reset_index(drop=True) if bad.any() else frame


def _validated(table: pd.DataFrame, period: str) -> pd.DataFrame:
    """The rows to store: :data:`coverage.COLUMNS` (without ``is_demo``), and the
    :data:`coverage.OPTIONAL` ones when ``table`` has any of them; every value
    as :func:`_refused` allows."""
    missing = [c for c in coverage.COLUMNS if c not in table.columns]
    if missing or table.empty:
        raise StoreError("data.store.invalid", detail=", ".join(missing) or "0")
    optional = list(coverage.OPTIONAL) if set(coverage.OPTIONAL) & set(table.columns) else []
    rows = coverage.with_optional(table)
    rows = rows[[c for c in coverage.COLUMNS if c != "is_demo"] + optional]
    for column in ("numerator", "denominator"):
        rows[column] = pd.to_numeric(rows[column], errors="coerce")
    given = pd.to_numeric(coverage.with_optional(table)["percent_given"], errors="coerce")
    if optional:
        rows["percent_given"] = given
    checks = _refused(rows.assign(percent_given=given))
    for detail, bad in checks.items():
        if bad.any():
            raise StoreError("data.store.invalid", detail=detail)
    periods = {str(p) for p in rows["period"]}
    if period != max(periods) or not all(_is_date(p) for p in periods):
        raise StoreError("data.store.invalid", detail="period")
    if rows.duplicated(KEYS).any():
        raise StoreError("data.store.invalid", detail="duplicate")
    return rows.reset_index(drop=True)
