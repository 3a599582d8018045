"""Saved what-if scenarios: versions kept, names as plain text, broken files reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utils.ingest import saved_scenarios as saved
from utils.ingest.saved_scenarios import ScenarioError

SCEN = {"targets": {"ktp_el": 99.0}, "months": 6, "outreach": 100.0}


def test_save_and_load_round_trip(tmp_path: Path):
    record = saved.save(
        tmp_path, "Jemput bola SMA", SCEN, user="budi", baseline_period="2025-06-30"
    )
    assert record["version"] == 1
    loaded = saved.load(tmp_path, record["slug"])
    assert loaded["scenario"] == SCEN and loaded["name"] == "Jemput bola SMA"
    assert loaded["saved_by"] == "budi" and loaded["baseline_period"] == "2025-06-30"
    assert (tmp_path / "scenarios" / record["slug"] / "v0001.json").is_file()


def test_saving_again_adds_a_version_and_keeps_the_old_one(tmp_path: Path):
    first = saved.save(tmp_path, "Rencana 2026", SCEN)
    path = tmp_path / "scenarios" / first["slug"] / "v0001.json"
    before = path.read_bytes()
    second = saved.save(tmp_path, "Rencana 2026", {**SCEN, "months": 12})
    assert second["version"] == 2 and second["slug"] == first["slug"]
    assert path.read_bytes() == before  # never rewritten in place
    assert saved.versions(tmp_path, first["slug"]) == [1, 2]
    assert saved.load(tmp_path, first["slug"])["scenario"]["months"] == 12
    assert saved.load(tmp_path, first["slug"], 1)["scenario"]["months"] == 6
    records, broken = saved.list_saved(tmp_path)
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
def test_names_are_plain_text(tmp_path: Path, raw, clean):
    record = saved.save(tmp_path, raw, SCEN)
    assert record["name"] == clean
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
def test_bad_names_are_refused(tmp_path: Path, raw, key):
    with pytest.raises(ScenarioError) as caught:
        saved.save(tmp_path, raw, SCEN)
    assert caught.value.key == key
    assert not (tmp_path / "scenarios").exists() or not any(
        p for p in (tmp_path / "scenarios").iterdir() if p.is_dir()
    )


def test_names_differing_in_accents_stay_apart(tmp_path: Path):
    a = saved.save(tmp_path, "Sumbawa", SCEN)
    b = saved.save(tmp_path, "Sumbáwa", SCEN)
    assert a["slug"] != b["slug"]
    assert len(saved.list_saved(tmp_path)[0]) == 2


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
def test_broken_files_give_a_clear_error_and_are_skipped(tmp_path: Path, content, key):
    good = saved.save(tmp_path, "Baik", SCEN)
    bad = tmp_path / "scenarios" / "rusak-00000000"
    bad.mkdir(parents=True)
    (bad / "v0001.json").write_bytes(content)
    with pytest.raises(ScenarioError) as caught:
        saved.load(tmp_path, "rusak-00000000")
    assert caught.value.key == key
    records, broken = saved.list_saved(tmp_path)
    assert [r["slug"] for r in records] == [good["slug"]]
    assert broken == ["rusak-00000000/v0001.json"]


@pytest.mark.parametrize("key", ["../scenarios", "UPPER", "", "a/b", "x" * 61])
def test_unknown_or_unsafe_slugs_are_refused(tmp_path: Path, key):
    with pytest.raises(ScenarioError) as caught:
        saved.load(tmp_path, key)
    assert caught.value.key == "whatif.saved.unknown"


def test_empty_store_lists_nothing(tmp_path: Path):
    assert saved.list_saved(tmp_path) == ([], [])


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=120))
def test_any_name_is_saved_inside_the_folder_or_refused(tmp_path: Path, name):
    try:
        record = saved.save(tmp_path, name, SCEN)
    except ScenarioError as error:
        assert error.key in {"whatif.saved.name_empty", "whatif.saved.name_long"}
        return
    path = (tmp_path / "scenarios" / record["slug"]).resolve()
    assert path.parent == (tmp_path / "scenarios").resolve()
    assert saved.load(tmp_path, record["slug"])["name"] == record["name"]
    assert len(record["name"]) <= saved.NAME_MAX


# --- publishing: private unless published ---------------------------------------------------


def test_a_saved_scenario_is_private_until_published(tmp_path: Path):
    first = saved.save(tmp_path, "Rencana publik", SCEN)
    saved.save(tmp_path, "Rencana dalam", SCEN)
    assert not saved.is_published(first)
    assert saved.list_saved(tmp_path, public_only=True) == ([], [])
    with pytest.raises(ScenarioError) as error:
        saved.load(tmp_path, first["slug"], public_only=True)
    assert error.value.key == "whatif.saved.unknown"
    record = saved.set_published(tmp_path, first["slug"], True, "  Budi\nSantoso ")
    assert record["version"] == 2 and record["publication"]["by"] == "Budi Santoso"
    assert record["publication"]["public"] is True and record["publication"]["at"]
    assert saved.versions(tmp_path, first["slug"]) == [1, 2]  # v1 kept as it was
    assert not saved.is_published(saved.load(tmp_path, first["slug"], 1))
    records, broken = saved.list_saved(tmp_path, public_only=True)
    assert [r["name"] for r in records] == ["Rencana publik"] and broken == []
    assert saved.load(tmp_path, first["slug"], public_only=True)["scenario"] == SCEN
    assert len(saved.list_saved(tmp_path)[0]) == 2  # internal mode still sees both


def test_unpublishing_and_a_new_save_make_it_private_again(tmp_path: Path):
    key = saved.save(tmp_path, "Rencana", SCEN)["slug"]
    saved.set_published(tmp_path, key, True, "budi")
    assert saved.set_published(tmp_path, key, True, "budi")["version"] == 2  # no-op
    back = saved.set_published(tmp_path, key, False, "ani")
    assert back["version"] == 3 and back["publication"]["by"] == "ani"
    assert saved.list_saved(tmp_path, public_only=True)[0] == []
    saved.set_published(tmp_path, key, True, "budi")
    assert saved.list_saved(tmp_path, public_only=True)[0] != []
    saved.save(tmp_path, "Rencana", {**SCEN, "months": 12})  # new content: private again
    assert saved.list_saved(tmp_path, public_only=True)[0] == []


def test_public_only_opens_just_the_latest_published_version(tmp_path: Path):
    key = saved.save(tmp_path, "Rencana", SCEN)["slug"]
    saved.set_published(tmp_path, key, True, "budi")
    for version in (1, 3):  # an older private version, a version that does not exist
        with pytest.raises(ScenarioError) as error:
            saved.load(tmp_path, key, version, public_only=True)
        assert error.value.key == "whatif.saved.unknown"
    assert saved.load(tmp_path, key, 2, public_only=True)["version"] == 2


@pytest.mark.parametrize(
    "publication",
    [None, "yes", {"public": "true"}, {"public": 1}, {"by": "x"}, [True]],
)
def test_a_malformed_publication_counts_as_private(tmp_path: Path, publication):
    key = saved.save(tmp_path, "Rencana", SCEN)["slug"]
    path = tmp_path / "scenarios" / key / "v0001.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "publication": publication}))
    assert saved.list_saved(tmp_path, public_only=True) == ([], [])
    assert len(saved.list_saved(tmp_path)[0]) == 1


def test_public_only_names_no_broken_files_and_publishing_needs_a_name(tmp_path: Path):
    bad = tmp_path / "scenarios" / "rahasia-00000000"
    bad.mkdir(parents=True)
    (bad / "v0001.json").write_text("{oops")
    assert saved.list_saved(tmp_path, public_only=True) == ([], [])
    with pytest.raises(ScenarioError) as error:
        saved.load(tmp_path, "rahasia-00000000", public_only=True)
    assert error.value.key == "whatif.saved.unknown"
    key = saved.save(tmp_path, "Rencana", SCEN)["slug"]
    with pytest.raises(ScenarioError) as error:
        saved.set_published(tmp_path, key, True, " \n ")
    assert error.value.key == "whatif.publish.who"
    with pytest.raises(ScenarioError) as error:
        saved.set_published(tmp_path, "tidak-ada-00000000", True, "budi")
    assert error.value.key == "whatif.saved.unknown"
