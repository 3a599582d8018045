"""Boundary sets: versioned maps built from an office's own boundary file.

The default set is the upstream build in :func:`utils.geo.cache_record.cache_dir`.
Every other set lives in ``<store>/boundaries/<id>/`` (its own ``maps/`` folder,
``regencies.parquet``, the source file under ``source/`` and ``set.json``, the
record: who, when, which file, its licence, the join report). A set is written
under a temporary name and renamed into place, so a half-built set is never
seen; ``active.json`` (written atomically) names the set the map shows and the
ones shown before it, so building never disturbs the running map and an
activation can be rolled back.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from utils.atomic import write_text
from utils.geo.cache_record import MAPS, cache_dir

SET_FILE = "set.json"
ACTIVE_FILE = "active.json"
DEFAULT = ""
"""The id of the default (upstream) set in ``active.json``."""
_ID = re.compile(r"^b\d{8}T\d{6}-[0-9a-f]{8}$")


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


def read_set(root: Path, set_id: str) -> dict | None:
    """The record of set ``set_id``, or ``None`` when it does not exist (or is not an id)."""
    if not is_set_id(set_id):
        return None
    try:
        return json.loads((root / set_id / SET_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def list_sets(root: Path) -> list[dict]:
    """Records of every complete set, newest first."""
    if not root.is_dir():
        return []
    records = [read_set(root, p.name) for p in root.iterdir() if is_set_id(p.name)]
    return sorted((r for r in records if r), key=lambda r: r["id"], reverse=True)


def _state(root: Path) -> dict:
    try:
        state = json.loads((root / ACTIVE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"active": DEFAULT, "history": []}
    active = state.get("active", DEFAULT)
    if active != DEFAULT and read_set(root, active) is None:
        active = DEFAULT  # a set removed by hand: show the default, never a broken map
    history = [s for s in state.get("history", []) if s == DEFAULT or read_set(root, s)]
    return {"active": active, "history": history}


def active_id(root: Path) -> str:
    """The id of the set the map shows (:data:`DEFAULT` for the upstream build)."""
    return str(_state(root)["active"])


def active_record(root: Path) -> dict | None:
    """The record of the active set, or ``None`` when the default set is shown."""
    set_id = active_id(root)
    return read_set(root, set_id) if set_id != DEFAULT else None


def folder_of(root: Path, set_id: str) -> Path:
    """The build folder of ``set_id`` (the upstream cache folder for :data:`DEFAULT`)."""
    return cache_dir() if set_id == DEFAULT else root / set_id


def maps_of(root: Path, set_id: str) -> Path:
    """The served ``maps/`` folder of ``set_id``."""
    return folder_of(root, set_id) / MAPS


def activate(root: Path, set_id: str) -> None:
    """Show ``set_id`` (or :data:`DEFAULT`) from now on; the set shown before is
    remembered for :func:`rollback`.

    Raises
    ------
    KeyError
        When ``set_id`` is neither :data:`DEFAULT` nor a complete set.
    """
    if set_id != DEFAULT and read_set(root, set_id) is None:
        raise KeyError(set_id)
    state = _state(root)
    if state["active"] == set_id:
        return
    history = [*state["history"], state["active"]][-20:]
    root.mkdir(parents=True, exist_ok=True)
    write_text(root / ACTIVE_FILE, json.dumps({"active": set_id, "history": history}))


def rollback(root: Path) -> str | None:
    """Show again the set shown before the last activation; return its id
    (``None`` when there is nothing to go back to)."""
    state = _state(root)
    if not state["history"]:
        return None
    previous, history = state["history"][-1], state["history"][:-1]
    write_text(root / ACTIVE_FILE, json.dumps({"active": previous, "history": history}))
    return str(previous)


def commit(root: Path, staging: Path, record: dict) -> Path:
    """Move a fully written set from ``staging`` into place as ``record["id"]``.

    ``set.json`` is written last inside the staging folder and the folder is then
    renamed, so a set either exists whole or not at all.
    """
    write_text(staging / SET_FILE, json.dumps(record, indent=1, ensure_ascii=False))
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
