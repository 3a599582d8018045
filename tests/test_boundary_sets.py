"""Boundary sets are versioned like data: stored whole or not at all, activated,
rolled back; a broken or removed set never becomes the map."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.geo import boundary_sets as sets


def _store(root: Path, n: int) -> str:
    set_id = sets.new_id(f"{n:08x}" + "0" * 56, datetime(2026, 11, 29, 10, 0, n, tzinfo=UTC))
    staging = sets.staging_folder(root, set_id)
    (staging / "maps").mkdir()
    (staging / "maps" / "national.topo.json").write_text("{}")
    sets.commit(root, staging, {"id": set_id, "file": f"f{n}.zip"})
    return set_id


def test_new_root_shows_the_default(tmp_path: Path) -> None:
    assert sets.active_id(tmp_path) == sets.DEFAULT
    assert sets.active_record(tmp_path) is None
    assert sets.list_sets(tmp_path) == []
    assert sets.rollback(tmp_path) is None


def test_a_built_set_is_not_shown_until_activated(tmp_path: Path) -> None:
    first = _store(tmp_path, 1)
    assert sets.active_id(tmp_path) == sets.DEFAULT
    assert [r["id"] for r in sets.list_sets(tmp_path)] == [first]
    sets.activate(tmp_path, first)
    assert sets.active_id(tmp_path) == first
    assert sets.maps_of(tmp_path, first) == tmp_path / first / "maps"


def test_rollback_goes_back_step_by_step(tmp_path: Path) -> None:
    first, second = _store(tmp_path, 1), _store(tmp_path, 2)
    sets.activate(tmp_path, first)
    sets.activate(tmp_path, second)
    assert sets.rollback(tmp_path) == first
    assert sets.active_id(tmp_path) == first
    assert sets.rollback(tmp_path) == sets.DEFAULT
    assert sets.active_id(tmp_path) == sets.DEFAULT
    assert sets.rollback(tmp_path) is None


def test_unknown_or_path_like_ids_are_refused(tmp_path: Path) -> None:
    _store(tmp_path, 1)
    for bad in ("../etc", "b20261129T100001-00000001/../x", "nope", "/tmp"):
        with pytest.raises(KeyError):
            sets.activate(tmp_path, bad)
        assert sets.read_set(tmp_path, bad) is None
    assert sets.active_id(tmp_path) == sets.DEFAULT


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


@settings(max_examples=40)
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
