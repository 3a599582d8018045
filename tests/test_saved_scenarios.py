"""Saved what-if scenarios: versions kept, names as plain text, broken files reported.

Every test taking ``kept`` runs on both backends: a store folder and a PostgreSQL
store (``scenario_versions``), through the same functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utils.ingest import pg_schema as db
from utils.ingest import pg_store
from utils.ingest import saved_scenarios as saved
from utils.ingest.pg_store import PostgresStore
from utils.ingest.saved_scenarios import ScenarioError
from utils.ingest.store import Store

pytest_plugins = ["tests.pg_support"]

SCEN = {"targets": {"ktp_el": 99.0}, "months": 6, "outreach": 100.0}


class FolderKept:
    """Scenarios in a store folder."""

    def __init__(self, root: Path) -> None:
        self.target: Path | PostgresStore = root
        self.root = root

    def raw(self, key: str, number: int) -> bytes:
        return (self.root / "scenarios" / key / f"v{number:04d}.json").read_bytes()

    def put(self, key: str, number: int, content: bytes) -> None:
        path = self.root / "scenarios" / key / f"v{number:04d}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    def slugs(self) -> list[str]:
        folder = self.root / "scenarios"
        return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


class DatabaseKept:
    """Scenarios in a PostgreSQL store; :meth:`put` writes behind the store's back."""

    def __init__(self, url: str) -> None:
        self.target = PostgresStore(url)
        self.engine = pg_store.engine_for(url)

    def raw(self, key: str, number: int) -> bytes:
        c = db.scenario_versions.c
        with self.engine.connect() as conn:
            return bytes(conn.execute(sa.select(c.content).where(
                c.slug == key, c.version == number)).scalar_one())

    def put(self, key: str, number: int, content: bytes) -> None:
        c = db.scenario_versions.c
        with self.engine.begin() as conn:
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            conn.execute(sa.delete(db.scenario_versions).where(c.slug == key, c.version == number))
            conn.execute(sa.insert(db.scenario_versions), [saved.row_values(key, number, content)])

    def slugs(self) -> list[str]:
        with self.engine.connect() as conn:
            return sorted(conn.execute(sa.select(db.scenario_versions.c.slug).distinct()).scalars())


@pytest.fixture(params=["folder", "postgres"])
def kept(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FolderKept | DatabaseKept]:
    """Each test once per backend."""
    if request.param == "folder":
        yield FolderKept(tmp_path)
        return
    yield DatabaseKept(request.getfixturevalue("pg_url"))


def test_a_folder_store_and_its_folder_are_the_same_place(tmp_path: Path):
    record = saved.save(Store(tmp_path), "Rencana", SCEN)
    assert saved.load(tmp_path, record["slug"])["scenario"] == SCEN
    assert saved.list_saved(str(tmp_path))[0][0]["slug"] == record["slug"]


def test_save_and_load_round_trip(kept):
    record = saved.save(
        kept.target, "Jemput bola SMA", SCEN, user="budi", baseline_period="2025-06-30"
    )
    assert record["version"] == 1
    loaded = saved.load(kept.target, record["slug"])
    assert loaded["scenario"] == SCEN and loaded["name"] == "Jemput bola SMA"
    assert loaded["saved_by"] == "budi" and loaded["baseline_period"] == "2025-06-30"
    assert json.loads(kept.raw(record["slug"], 1)) == record


def test_both_backends_keep_the_same_bytes(tmp_path: Path, pg_url: str):
    folder, database = FolderKept(tmp_path), DatabaseKept(pg_url)
    for where in (folder, database):
        record = saved.save(where.target, "Rencana 2026", SCEN, user="budi")
        saved.set_published(where.target, record["slug"], True, "ani")
    key = record["slug"]
    for number in (1, 2):  # the same bytes but for the time they were saved at
        a, b = (json.loads(w.raw(key, number)) for w in (folder, database))
        a["saved_at"] = b["saved_at"] = a["publication"] = b["publication"] = None
        assert a == b
    assert json.dumps(json.loads(database.raw(key, 2)), ensure_ascii=False, indent=1,
                      sort_keys=True).encode() == database.raw(key, 2)


def test_saving_again_adds_a_version_and_keeps_the_old_one(kept):
    first = saved.save(kept.target, "Rencana 2026", SCEN)
    before = kept.raw(first["slug"], 1)
    second = saved.save(kept.target, "Rencana 2026", {**SCEN, "months": 12})
    assert second["version"] == 2 and second["slug"] == first["slug"]
    assert kept.raw(first["slug"], 1) == before  # never rewritten in place
    assert saved.versions(kept.target, first["slug"]) == [1, 2]
    assert saved.load(kept.target, first["slug"])["scenario"]["months"] == 12
    assert saved.load(kept.target, first["slug"], 1)["scenario"]["months"] == 6
    records, broken = saved.list_saved(kept.target)
    assert [(r["name"], r["version"], r["versions"]) for r in records] == [
        ("Rencana 2026", 2, 2)
    ] and broken == []


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("  Jemput  bola\n SMA ", "Jemput bola SMA"),
        ("a\x00b\x1bc", "a b c"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),  # plain text, kept as is
        ("Rencana kabupaten/kota ../../etc", "Rencana kabupaten/kota ../../etc"),
    ],
)
def test_names_are_plain_text(kept, raw, clean):
    record = saved.save(kept.target, raw, SCEN)
    assert record["name"] == clean
    assert saved.SLUG.match(record["slug"]) and kept.slugs() == [record["slug"]]


def test_a_name_never_becomes_a_path(tmp_path: Path):
    record = saved.save(tmp_path, "Rencana kabupaten/kota ../../etc", SCEN)
    folder = tmp_path / "scenarios" / record["slug"]
    assert folder.parent == tmp_path / "scenarios" and folder.is_dir()


@pytest.mark.parametrize(
    "raw, key",
    [
        ("", "whatif.saved.name_empty"),
        ("   \n\t ", "whatif.saved.name_empty"),
        ("x" * (saved.NAME_MAX + 1), "whatif.saved.name_long"),
    ],
)
def test_bad_names_are_refused(kept, raw, key):
    with pytest.raises(ScenarioError) as caught:
        saved.save(kept.target, raw, SCEN)
    assert caught.value.key == key
    assert kept.slugs() == []


def test_names_differing_in_accents_stay_apart(kept):
    a = saved.save(kept.target, "Sumbawa", SCEN)
    b = saved.save(kept.target, "Sumbáwa", SCEN)
    assert a["slug"] != b["slug"]
    assert len(saved.list_saved(kept.target)[0]) == 2


@pytest.mark.parametrize(
    "content, key",
    [
        (b"{not json", "whatif.saved.broken"),
        (b"\xff\xfe\x00", "whatif.saved.broken"),
        (json.dumps({"format": 1, "name": "x", "version": 1}).encode(), "whatif.saved.invalid"),
        (
            json.dumps({"format": 1, "name": "", "version": 1, "scenario": {}}).encode(),
            "whatif.saved.invalid",
        ),
        (json.dumps([1, 2]).encode(), "whatif.saved.invalid"),
        (b" " * (saved.MAX_FILE_BYTES + 1), "whatif.saved.broken"),
    ],
)
def test_broken_files_give_a_clear_error_and_are_skipped(kept, content, key):
    good = saved.save(kept.target, "Baik", SCEN)
    kept.put("rusak-00000000", 1, content)
    with pytest.raises(ScenarioError) as caught:
        saved.load(kept.target, "rusak-00000000")
    assert caught.value.key == key
    records, broken = saved.list_saved(kept.target)
    assert [r["slug"] for r in records] == [good["slug"]]
    assert broken == ["rusak-00000000/v0001.json"]


@pytest.mark.parametrize("key", ["../scenarios", "UPPER", "", "a/b", "x" * 61])
def test_unknown_or_unsafe_slugs_are_refused(kept, key):
    with pytest.raises(ScenarioError) as caught:
        saved.load(kept.target, key)
    assert caught.value.key == "whatif.saved.unknown"
    assert saved.versions(kept.target, key) == []


def test_empty_store_lists_nothing(kept):
    assert saved.list_saved(kept.target) == ([], [])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=120))
def test_any_name_is_saved_inside_the_folder_or_refused(kept, name):
    try:
        record = saved.save(kept.target, name, SCEN)
    except ScenarioError as error:
        assert error.key in {"whatif.saved.name_empty", "whatif.saved.name_long"}
        return
    assert saved.SLUG.match(record["slug"]) and record["slug"] in kept.slugs()
    assert saved.load(kept.target, record["slug"])["name"] == record["name"]
    assert len(record["name"]) <= saved.NAME_MAX
    if isinstance(kept, FolderKept):
        path = (kept.root / "scenarios" / record["slug"]).resolve()
        assert path.parent == (kept.root / "scenarios").resolve()


def test_a_busy_database_is_a_clear_refusal_that_saves_nothing(pg_url: str,
                                                              monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("utils.ingest.store.LOCK_TIMEOUT", 0.2)
    where = DatabaseKept(pg_url)
    with where.engine.connect() as conn:
        conn.execute(sa.select(sa.func.pg_advisory_lock(pg_store.SCENARIO_LOCK)))
        try:
            with pytest.raises(ScenarioError) as caught:
                saved.save(where.target, "Rencana", SCEN)
        finally:
            conn.execute(sa.select(sa.func.pg_advisory_unlock(pg_store.SCENARIO_LOCK)))
            conn.commit()
    assert caught.value.key == "whatif.saved.busy" and where.slugs() == []


def test_the_database_refuses_to_change_a_saved_version(pg_url: str):
    where = DatabaseKept(pg_url)
    key = saved.save(where.target, "Rencana", SCEN)["slug"]
    with pytest.raises(sa.exc.DBAPIError), where.engine.begin() as conn:
        conn.execute(sa.text("UPDATE scenario_versions SET content = 'x'"))
    assert saved.load(where.target, key)["scenario"] == SCEN


# --- publishing: private unless published ---------------------------------------------------


def test_a_saved_scenario_is_private_until_published(kept):
    first = saved.save(kept.target, "Rencana publik", SCEN)
    saved.save(kept.target, "Rencana dalam", SCEN)
    assert not saved.is_published(first)
    assert saved.list_saved(kept.target, public_only=True) == ([], [])
    with pytest.raises(ScenarioError) as error:
        saved.load(kept.target, first["slug"], public_only=True)
    assert error.value.key == "whatif.saved.unknown"
    record = saved.set_published(kept.target, first["slug"], True, "  Budi\nSantoso ")
    assert record["version"] == 2 and record["publication"]["by"] == "Budi Santoso"
    assert record["publication"]["public"] is True and record["publication"]["at"]
    assert saved.versions(kept.target, first["slug"]) == [1, 2]  # v1 kept as it was
    assert not saved.is_published(saved.load(kept.target, first["slug"], 1))
    records, broken = saved.list_saved(kept.target, public_only=True)
    assert [r["name"] for r in records] == ["Rencana publik"] and broken == []
    assert saved.load(kept.target, first["slug"], public_only=True)["scenario"] == SCEN
    assert len(saved.list_saved(kept.target)[0]) == 2  # internal mode still sees both


def test_unpublishing_and_a_new_save_make_it_private_again(kept):
    key = saved.save(kept.target, "Rencana", SCEN)["slug"]
    saved.set_published(kept.target, key, True, "budi")
    assert saved.set_published(kept.target, key, True, "budi")["version"] == 2  # no-op
    back = saved.set_published(kept.target, key, False, "ani")
    assert back["version"] == 3 and back["publication"]["by"] == "ani"
    assert saved.list_saved(kept.target, public_only=True)[0] == []
    saved.set_published(kept.target, key, True, "budi")
    assert saved.list_saved(kept.target, public_only=True)[0] != []
    saved.save(kept.target, "Rencana", {**SCEN, "months": 12})  # new content: private again
    assert saved.list_saved(kept.target, public_only=True)[0] == []


def test_public_only_opens_just_the_latest_published_version(kept):
    key = saved.save(kept.target, "Rencana", SCEN)["slug"]
    saved.set_published(kept.target, key, True, "budi")
    for version in (1, 3):  # an older private version, a version that does not exist
        with pytest.raises(ScenarioError) as error:
            saved.load(kept.target, key, version, public_only=True)
        assert error.value.key == "whatif.saved.unknown"
    assert saved.load(kept.target, key, 2, public_only=True)["version"] == 2


@pytest.mark.parametrize(
    "publication",
    [None, "yes", {"public": "true"}, {"public": 1}, {"by": "x"}, [True]],
)
def test_a_malformed_publication_counts_as_private(kept, publication):
    key = saved.save(kept.target, "Rencana", SCEN)["slug"]
    record = {**json.loads(kept.raw(key, 1)), "publication": publication}
    kept.put(key, 1, json.dumps(record).encode())
    assert saved.list_saved(kept.target, public_only=True) == ([], [])
    assert len(saved.list_saved(kept.target)[0]) == 1


def test_public_only_names_no_broken_files_and_publishing_needs_a_name(kept):
    kept.put("rahasia-00000000", 1, b"{oops")
    assert saved.list_saved(kept.target, public_only=True) == ([], [])
    with pytest.raises(ScenarioError) as error:
        saved.load(kept.target, "rahasia-00000000", public_only=True)
    assert error.value.key == "whatif.saved.unknown"
    key = saved.save(kept.target, "Rencana", SCEN)["slug"]
    with pytest.raises(ScenarioError) as error:
        saved.set_published(kept.target, key, True, " \n ")
    assert error.value.key == "whatif.publish.who"
    with pytest.raises(ScenarioError) as error:
        saved.set_published(kept.target, "tidak-ada-00000000", True, "budi")
    assert error.value.key == "whatif.saved.unknown"
