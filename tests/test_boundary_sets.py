"""Boundary sets are versioned like data: stored whole or not at all, activated,
rolled back; a broken or removed set never becomes the map."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utils.geo import boundary_sets as sets
from utils.ingest import pg_store
from utils.ingest.pg_store import PostgresStore
from utils.ingest.store import Store

pytest_plugins = ["tests.pg_support"]
MAP = b'{"type":"Topology"}'


def _store(root: sets.Sets, n: int) -> str:
    set_id = sets.new_id(f"{n:08x}" + "0" * 56, datetime(2026, 11, 29, 10, 0, n, tzinfo=UTC))
    record = {"id": set_id, "file": f"f{n}.zip"}
    if isinstance(root, sets.DatabaseSets):
        sets.store_set(root, record, {"maps/national.topo.json": MAP, "source/f.zip": b"PK"})
        return set_id
    staging = sets.staging_folder(root, set_id)
    (staging / "maps").mkdir()
    (staging / "maps" / "national.topo.json").write_bytes(MAP)
    (staging / "source").mkdir()
    (staging / "source" / "f.zip").write_bytes(b"PK")
    sets.commit(root, staging, record)
    return set_id


@pytest.fixture(params=["folder", "postgres"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> sets.Sets:
    """Each test once per backend: a sets folder, or a database with a local cache."""
    if request.param == "folder":
        return tmp_path
    return sets.DatabaseSets(PostgresStore(request.getfixturevalue("pg_url"), root=tmp_path))


def test_new_root_shows_the_default(where: sets.Sets) -> None:
    assert sets.active_id(where) == sets.DEFAULT
    assert sets.active_record(where) is None
    assert sets.list_sets(where) == []
    assert sets.rollback(where) is None


def test_a_built_set_is_not_shown_until_activated(where: sets.Sets) -> None:
    first = _store(where, 1)
    assert sets.active_id(where) == sets.DEFAULT
    assert [r["id"] for r in sets.list_sets(where)] == [first]
    sets.activate(where, first)
    assert sets.active_id(where) == first
    assert sets.active_record(where) == {"id": first, "file": "f1.zip"}
    maps = sets.maps_of(where, first)
    assert (maps / "national.topo.json").read_bytes() == MAP
    assert (maps.parent / sets.SET_FILE).read_bytes() == sets.set_json(sets.read_set(where, first))


def test_the_folder_store_keeps_its_sets_in_its_folder(tmp_path: Path) -> None:
    root = sets.sets_of(Store(tmp_path))
    assert root == tmp_path / "boundaries" == sets.sets_at(str(tmp_path))
    first = _store(root, 1)
    assert sets.maps_of(root, first) == tmp_path / "boundaries" / first / "maps"


def test_a_database_set_is_served_from_a_whole_local_copy(pg_url: str, tmp_path: Path) -> None:
    where = sets.sets_of(PostgresStore(pg_url, root=tmp_path / "replica"))
    assert isinstance(where, sets.DatabaseSets)
    first = _store(where, 1)
    folder = sets.folder_of(where, first)
    assert folder == tmp_path / "replica" / sets.CACHE / first
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) \
        == ["maps/national.topo.json", "set.json", "source/f.zip"]
    assert [p.name for p in folder.parent.iterdir()] == [first]  # no temporary folder left
    assert sets.maps_of(where, sets.DEFAULT) == sets.cache_dir() / "maps"
    assert not sets.folder_of(where, "b20000101T000000-00000000").exists()


def test_a_damaged_database_file_is_never_served(pg_url: str, tmp_path: Path) -> None:
    where = sets.DatabaseSets(PostgresStore(pg_url), cache=tmp_path)
    first = _store(where, 1)
    with pg_store.engine_for(pg_url).begin() as conn:  # behind the append-only trigger
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.text("UPDATE boundary_files SET content = 'x' WHERE path LIKE 'maps/%'"))
    with pytest.raises(OSError, match="sha256"):
        sets.maps_of(where, first)
    assert list(tmp_path.iterdir()) == []


def test_rollback_goes_back_step_by_step(where: sets.Sets) -> None:
    first, second = _store(where, 1), _store(where, 2)
    sets.activate(where, first)
    sets.activate(where, second)
    assert sets.rollback(where) == first
    assert sets.active_id(where) == first
    assert sets.rollback(where) == sets.DEFAULT
    assert sets.active_id(where) == sets.DEFAULT
    assert sets.rollback(where) is None


def test_unknown_or_path_like_ids_are_refused(where: sets.Sets) -> None:
    _store(where, 1)
    for bad in ("../etc", "b20261129T100001-00000001/../x", "nope", "/tmp",
                "b20261129T100009-00000009"):
        with pytest.raises(KeyError):
            sets.activate(where, bad)
        assert sets.read_set(where, bad) is None
    assert sets.active_id(where) == sets.DEFAULT


def test_a_set_removed_by_hand_falls_back_to_the_default(tmp_path: Path) -> None:
    first = _store(tmp_path, 1)
    sets.activate(tmp_path, first)
    shutil.rmtree(tmp_path / first)
    assert sets.active_id(tmp_path) == sets.DEFAULT


def test_a_broken_pointer_file_shows_the_default(tmp_path: Path) -> None:
    _store(tmp_path, 1)
    (tmp_path / sets.ACTIVE_FILE).write_text("{not json")
    assert sets.active_id(tmp_path) == sets.DEFAULT


def test_an_uncommitted_build_is_invisible_and_cleaned(tmp_path: Path) -> None:
    staging = sets.staging_folder(tmp_path, "b20261129T100000-deadbeef")
    (staging / "maps").mkdir()
    assert sets.list_sets(tmp_path) == []
    sets.clean_leftovers(tmp_path)
    assert not staging.exists()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["activate", "rollback"]), st.integers(0, 3)),
                max_size=30))
def test_any_sequence_keeps_a_shown_set_that_exists(tmp_path_factory, steps) -> None:
    root = tmp_path_factory.mktemp("sets")
    ids = [sets.DEFAULT, *(_store(root, n) for n in range(1, 4))]
    shown = [sets.DEFAULT]
    for action, n in steps:
        if action == "activate":
            sets.activate(root, ids[n])
            if shown[-1] != ids[n]:
                shown.append(ids[n])
        elif sets.rollback(root) is not None:
            shown.pop()
        assert sets.active_id(root) == shown[-1]
        state = json.loads((root / sets.ACTIVE_FILE).read_text()) if (
            root / sets.ACTIVE_FILE).exists() else {"history": []}
        assert len(state["history"]) <= 20


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["activate", "rollback"]), st.integers(0, 3)),
                max_size=30))
def test_any_sequence_gives_the_same_sets_in_both_backends(pg_url, tmp_path_factory,
                                                           steps) -> None:
    from tests.pg_support import empty

    empty(pg_url)
    folder = tmp_path_factory.mktemp("sets")
    database = sets.DatabaseSets(PostgresStore(pg_url), cache=tmp_path_factory.mktemp("cache"))
    ids = [sets.DEFAULT, *(_store(folder, n) for n in range(1, 4))]
    assert ids[1:] == [_store(database, n) for n in range(1, 4)]
    for action, n in steps:
        if action == "activate":
            sets.activate(folder, ids[n])
            sets.activate(database, ids[n])
        else:
            assert sets.rollback(folder) == sets.rollback(database)
        assert sets.active_id(folder) == sets.active_id(database)
    assert sets._state(folder) == sets._state(database)
