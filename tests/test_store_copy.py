"""Copying a folder store into PostgreSQL and back: lossless, checked, all or nothing."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from utils.geo import boundary_sets
from utils.ingest import pg_store, saved_scenarios, store_copy
from utils.ingest.pg_store import PostgresStore
from utils.ingest.store import Store, StoreError
from utils.metrics.coverage import COLUMNS

pytest_plugins = ["tests.pg_support"]


def rows(period: str, values: dict[str, tuple[float, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"period": period, "code": c, "indicator": "ktp_el", "numerator": n,
                          "denominator": d, "is_demo": False} for c, (n, d) in values.items()],
                        columns=COLUMNS)


def fill(store: Store | PostgresStore) -> None:
    """Versions of every kind, a rollback, aliases both ways and audit entries."""
    store.log("sign_in", "ani")
    store.accept(rows("2022-05-15", {"64.74": (138527, 135227), "64.01": (9, 10)}),
                 source_name="a.csv", source_bytes=b"a;b\n1;2\n", period="2022-05-15",
                 user="ani", mapping={"SUDAH REKAM": "ktp_el.numerator"},
                 details={"sheet": None, "decisions": {"3": "64.01"}},
                 aliases={"kabupaten|mahulu": {"code": "64.11", "text": "KAB. MAHULU"}})
    percent_only = rows("2022-05-15", {"64.02": (math.nan, math.nan), "64.03": (5.0, 7.0)})
    store.accept(percent_only.assign(percent_given=[91.25, math.nan], derived=["", "percent"],
                                     derived_margin=[math.nan, 0.5]),
                 source_name="b.xlsx", source_bytes=bytes(range(256)), period="2022-05-15",
                 user="budi", companion=("c.csv", b"kode;jumlah\n64.02;3\n"))
    store.accept(pd.concat([rows("2021-12-31", {"64.74": (1, 2)}),
                            rows("2022-06-30", {"64.74": (3, 4)})]),
                 source_name="years.csv", source_bytes=b"y", period="2022-06-30", user="ani")
    store.rollback("v0002", user="budi")
    store.remember({"kota|btg": {"code": "64.74", "text": "BTG"}}, user="citra")
    store.log("scenario_save", "citra", slug="target")
    apart(store)


def apart(store: Store | PostgresStore) -> None:
    """Saved scenarios (versions, a publication) and boundary sets (an activation,
    a rollback), in whichever backend ``store`` is."""
    key = saved_scenarios.save(store, "Target Kaltim", {"months": 6}, user="ani")["slug"]
    saved_scenarios.set_published(store, key, True, "budi")
    saved_scenarios.save(store, "Jemput bola ñ", {"months": 12, "targets": {"ktp_el": 99.5}})
    root = boundary_sets.sets_of(store)
    for n in (1, 2):
        set_id = f"b2026112{n}T100000-0000000{n}"
        record = {"id": set_id, "file": f"batas {n}.zip", "licence": "CC BY 4.0",
                  "join": {"notes": [], "share": 0.5}}
        files = {"maps/national.topo.json": b'{"type":"Topology","n":%d}' % n,
                 "regencies.parquet": bytes(range(256)) * n, "source/batas.zip": b"PK\x03\x04"}
        if isinstance(root, boundary_sets.DatabaseSets):
            boundary_sets.store_set(root, record, files)
        else:
            staging = boundary_sets.staging_folder(root, set_id)
            for name, content in files.items():
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                (staging / name).write_bytes(content)
            boundary_sets.commit(root, staging, record)
        boundary_sets.activate(root, set_id)
    boundary_sets.rollback(root)


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".lock"
            and not any(part.startswith(".building-") for part in p.relative_to(root).parts)}


def assert_same_store(a: Store | PostgresStore, b: Store | PostgresStore) -> None:
    pd.testing.assert_frame_equal(a.current(), b.current())
    for meta in a.versions():
        pd.testing.assert_frame_equal(a.data(meta["id"]), b.data(meta["id"]))
    assert a.versions() == b.versions() and a.aliases() == b.aliases()
    assert a.events() == b.events() and a.state()["active"] == b.state()["active"]
    assert saved_scenarios.list_saved(a) == saved_scenarios.list_saved(b)
    for record in saved_scenarios.list_saved(a)[0]:
        for number in saved_scenarios.versions(a, record["slug"]):
            assert saved_scenarios.load(a, record["slug"], number) == saved_scenarios.load(
                b, record["slug"], number)
    sets_a, sets_b = boundary_sets.sets_of(a), boundary_sets.sets_of(b)
    assert boundary_sets.list_sets(sets_a) == boundary_sets.list_sets(sets_b)
    assert boundary_sets._state(sets_a) == boundary_sets._state(sets_b)
    assert sorted(json.dumps(e, sort_keys=True) for e in a.audit()) == sorted(
        json.dumps(e, sort_keys=True) for e in b.audit())


def test_folder_to_database_and_back_is_byte_identical(pg_url: str, tmp_path: Path) -> None:
    folder = Store(tmp_path / "store")
    fill(folder)
    leftover = boundary_sets.staging_folder(tmp_path / "store" / "boundaries",
                                            "b20261130T000000-deadbeef")
    (leftover / "half.topo.json").write_bytes(b"{")
    there = store_copy.copy(str(tmp_path / "store"), pg_url)
    assert there.same and there.left_alone == ["boundaries/.building-b20261130T000000-deadbeef"]
    assert {c.path for c in there.checked} == set(files(tmp_path / "store"))
    assert {p.split("/")[0] for p in files(tmp_path / "store")} >= {"scenarios", "boundaries"}
    database = PostgresStore(pg_url)
    assert_same_store(folder, database)
    back = store_copy.copy(pg_url, str(tmp_path / "back"))
    assert back.same and files(tmp_path / "back") == files(tmp_path / "store")
    assert_same_store(Store(tmp_path / "back"), database)


def test_a_data_file_its_rows_cannot_rewrite_is_kept_as_it_is(pg_url: str,
                                                            tmp_path: Path) -> None:
    folder = Store(tmp_path / "store")
    fill(folder)
    data = tmp_path / "store" / "versions" / "v0001" / "data.csv"
    data.write_bytes(data.read_bytes().replace(b",9,10\n", b",09,1e1\n"))  # by hand
    assert store_copy.copy(str(tmp_path / "store"), pg_url).same
    assert_same_store(folder, PostgresStore(pg_url))
    assert PostgresStore(pg_url).file("v0001", "data.csv") == data.read_bytes()
    assert store_copy.copy(pg_url, str(tmp_path / "back")).same
    assert files(tmp_path / "back") == files(tmp_path / "store")


def test_a_database_store_copied_out_keeps_working_as_a_folder(
        pg_url: str, tmp_path: Path, make_database: Callable[..., str]) -> None:
    fill(PostgresStore(pg_url))
    assert store_copy.copy(pg_url, str(tmp_path / "out")).same
    folder = Store(tmp_path / "out")
    assert_same_store(folder, PostgresStore(pg_url))
    other = make_database()
    assert store_copy.copy(str(tmp_path / "out"), other).same  # and in again: same image
    with pg_store.engine_for(pg_url).connect() as a, pg_store.engine_for(other).connect() as b:
        assert store_copy.folder_image(a) == store_copy.folder_image(b)
    meta = folder.accept(rows("2023-01-01", {"64.72": (1, 2)}), source_name="d.csv",
                         source_bytes=b"d", period="2023-01-01")
    assert meta["id"] == "v0004" and meta["active_before"] == ["v0001", "v0002"]


def test_copies_go_only_into_an_empty_target(pg_url: str, tmp_path: Path) -> None:
    fill(Store(tmp_path / "store"))
    PostgresStore(pg_url).log("sign_in", "ani")
    with pytest.raises(StoreError) as caught:
        store_copy.copy(str(tmp_path / "store"), pg_url)
    assert caught.value.key == "data.store.copy_not_empty"
    assert [e["action"] for e in PostgresStore(pg_url).audit()] == ["sign_in"]
    with pytest.raises(StoreError) as caught:
        store_copy.copy(pg_url, str(tmp_path / "store"))
    assert caught.value.key == "data.store.copy_not_empty"
    with pytest.raises(StoreError) as caught:
        store_copy.copy(str(tmp_path / "store"), str(tmp_path / "x"))
    assert caught.value.key == "data.store.copy_kinds"
    with pytest.raises(StoreError) as caught:
        store_copy.copy(str(tmp_path / "nothing"), pg_url)
    assert caught.value.key == "data.store.copy_no_store"


def test_a_copy_that_would_differ_is_rolled_back(pg_url: str, tmp_path: Path) -> None:
    fill(Store(tmp_path / "store"))
    with (tmp_path / "store" / "audit.jsonl").open("a") as log:
        log.write('{"action": "sign_in", "at": "2022-')  # torn by a crash
    with pytest.raises(StoreError) as caught:
        store_copy.copy(str(tmp_path / "store"), pg_url)
    assert caught.value.key == "data.store.copy_differs"
    assert caught.value.params["paths"] == "audit.jsonl"
    with pg_store.engine_for(pg_url).connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM versions")).scalar_one() == 0
        assert conn.execute(sa.text("SELECT seq FROM store_state")).scalar_one() == 0


def test_the_command_prints_both_checksums_of_every_file(
        pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fill(Store(tmp_path / "store"))
    assert pg_store.main(["--lang", "en", "copy", "--from", str(tmp_path / "store"),
                          "--to", pg_url]) == 0
    out = capsys.readouterr().out.splitlines()
    data = (tmp_path / "store" / "versions" / "v0002" / "data.csv").read_bytes()
    digest = store_copy._sha(data)[:16]
    assert f"ok   {digest} {digest} versions/v0002/data.csv" in out
    assert out[-1] == f"All {len(files(tmp_path / 'store'))} files are identical."
    assert str(sa.make_url(pg_url).password) not in "\n".join(out)  # no password printed
    assert pg_store.main(["copy", "--from", pg_url, "--to", str(tmp_path / "store")]) == 1
    assert "sudah berisi data" in capsys.readouterr().err


def test_a_database_file_that_lost_its_checksum_is_not_copied_out(pg_url: str,
                                                                  tmp_path: Path) -> None:
    fill(PostgresStore(pg_url))
    with pg_store.engine_for(pg_url).begin() as conn:  # damage behind the trigger's back
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.text("UPDATE version_files SET content = 'x' "
                             "WHERE version_id = 'v0001' AND name = 'source.csv'"))
    with pytest.raises(StoreError) as caught:
        store_copy.copy(pg_url, str(tmp_path / "out"))
    assert caught.value.key == "data.store.copy_differs"
    assert caught.value.params["paths"] == "versions/v0001/source.csv"
    assert list(tmp_path.iterdir()) == []  # neither the folder nor a temporary one


def test_scenarios_and_sets_that_cannot_be_stored_refuse_the_copy(pg_url: str,
                                                                 tmp_path: Path) -> None:
    fill(Store(tmp_path / "store"))
    (tmp_path / "store" / "scenarios" / "notes.txt").write_text("catatan")
    with pytest.raises(StoreError) as caught:
        store_copy.copy(str(tmp_path / "store"), pg_url)
    assert caught.value.params["paths"] == "scenarios/notes.txt"
    with pg_store.engine_for(pg_url).connect() as conn:
        for table in ("scenario_versions", "boundary_files", "boundary_active"):
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() == 0
