"""The versioned store: accept, list, current, diff, rollback, aliases, failures, concurrency.

Every test taking ``store_backend`` runs on both backends: the folder store and
PostgreSQL (a throwaway cluster, :mod:`tests.pg_support`). Tests taking
``tmp_path`` only are about the folder store's files (FOLDER ONLY).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from utils.ingest import store as store_module
from utils.ingest.pg_store import PostgresStore
from utils.ingest.store import Store, StoreError
from utils.metrics.coverage import COLUMNS

if TYPE_CHECKING:
    from tests.pg_support import Backend

pytest_plugins = ["tests.pg_support"]
ROOT = Path(__file__).resolve().parent.parent


def rows(period: str, values: dict[str, tuple[float, float]], indicator: str = "ktp_el"):
    return pd.DataFrame([{"period": period, "code": c, "indicator": indicator, "numerator": n,
                          "denominator": d, "is_demo": False} for c, (n, d) in values.items()],
                        columns=COLUMNS)


def accept(store: Store | PostgresStore, table: pd.DataFrame, name: str = "a.csv",
           **extra: object) -> dict:
    period = table["period"].iloc[0]
    return store.accept(table, source_name=name, source_bytes=name.encode() + period.encode(),
                        period=period, user="tester", mapping={"SUDAH REKAM": "ktp_el.numerator"},
                        **extra)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def test_default_root_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "s"))
    assert Store().root == tmp_path / "s"


def test_empty_store(store_backend: Backend) -> None:
    store = store_backend.open()
    assert store.versions() == [] and store.current() is None and store.aliases() == {}


def test_accept_and_read_back(store_backend: Backend) -> None:
    store = store_backend.open()
    meta = accept(store, rows("2022-05-15", {"64.74": (138527, 135227), "64.01": (9, 10)}))
    assert meta["id"] == "v0001" and meta["user"] == "tester"
    assert meta["rows"] == {"values": 2, "regions": 2}
    assert meta["source"]["name"] == "a.csv" and len(meta["source"]["sha256"]) == 64
    assert meta["mapping"] == {"SUDAH REKAM": "ktp_el.numerator"}
    current = store_backend.open().current()  # a new instance: a restart loses nothing
    assert list(current.columns) == COLUMNS and not current["is_demo"].any()
    assert current.set_index("code").loc["64.74", "numerator"] == 138527
    assert store_backend.stored_file("v0001", "source.csv") == b"a.csv2022-05-15"


def test_versions_merge_newer_wins_and_rollback(store_backend: Backend) -> None:
    store = store_backend.open()
    accept(store, rows("2022-05-15", {"64.74": (90, 100), "64.01": (80, 100)}))
    accept(store, rows("2020-12-31", {"65.71": (50, 100)}))
    accept(store, rows("2022-05-15", {"64.74": (95, 100), "64.72": (70, 100)}))
    current = store.current()
    assert len(current) == 4
    assert current.query("code == '64.74'")["numerator"].item() == 95
    assert [v["active"] for v in store.versions()] == [True, True, True]
    assert store.rollback("v0002") == ["v0001", "v0002"]
    assert store.current().query("code == '64.74'")["numerator"].item() == 90
    assert "64.72" not in set(store.current()["code"])
    assert [v["active"] for v in store.versions()] == [True, True, False]
    assert store.rollback("v0003") == ["v0001", "v0002", "v0003"]  # forward again
    assert [e["action"] for e in store.events()] == ["accept"] * 3 + ["rollback"] * 2
    with pytest.raises(StoreError):
        store.rollback("v0099")


def test_diff(store_backend: Backend) -> None:
    store = store_backend.open()
    accept(store, rows("2022-05-15", {"64.74": (90, 100), "64.01": (80, 100),
                                      "64.02": (1, 2)}))
    accept(store, rows("2022-05-15", {"64.74": (95, 100), "64.72": (70, 100),
                                      "64.02": (1, 2)}))
    diff = store.diff("v0001", "v0002")
    assert dict(zip(diff["code"], diff["change"], strict=True)) == {
        "64.01": "removed", "64.72": "added", "64.74": "changed"}
    changed = diff.query("code == '64.74'").iloc[0]
    assert (changed["percent_a"], changed["percent_b"]) == (90.0, 95.0)


@pytest.mark.parametrize(
    "table",
    [
        rows("2022-05-15", {}),
        rows("2022-05-15", {"64.74": (-1, 100)}),
        rows("2022-05-15", {"64.74": (1, 100)}).assign(period="2021-01-01"),
        pd.concat([rows("2022-05-15", {"64.74": (1, 100)})] * 2),
        rows("2022-05-15", {"64.74": (1, 100)}).drop(columns="denominator"),
    ],
)
def test_invalid_tables_change_nothing(store_backend: Backend, table: pd.DataFrame) -> None:
    store = store_backend.open()
    accept(store, rows("2022-05-15", {"64.74": (1, 2)}))
    before = store_backend.snapshot()
    with pytest.raises(StoreError):
        store.accept(table, source_name="b.csv", source_bytes=b"b", period="2022-05-15")
    assert store_backend.snapshot() == before


def test_failure_while_committing_leaves_the_store_as_it_was(  # FOLDER ONLY (files)
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path)
    accept(store, rows("2022-05-15", {"64.74": (1, 2)}))
    store.remember({"kota|x": {"code": "64.74", "text": "X"}})
    before = snapshot(tmp_path)
    real = store_module.write_text

    def failing(path: Path, text: str) -> None:
        if path.name == "aliases.json":
            raise OSError("disk full")
        real(path, text)

    monkeypatch.setattr(store_module, "write_text", failing)
    with pytest.raises(OSError):
        accept(store, rows("2022-05-15", {"64.01": (1, 2)}),
               aliases={"kabupaten|y": {"code": "64.01", "text": "Y"}})
    assert snapshot(tmp_path) == before
    assert [v["id"] for v in Store(tmp_path).versions()] == ["v0001"]


def test_orphan_folder_from_a_crash_is_invisible_and_cleaned(  # FOLDER ONLY (files)
        tmp_path: Path) -> None:
    store = Store(tmp_path)
    accept(store, rows("2022-05-15", {"64.74": (1, 2)}))
    orphan = tmp_path / "versions" / "v0002"
    orphan.mkdir()
    (orphan / "meta.json").write_text("{}")
    assert [v["id"] for v in store.versions()] == ["v0001"]
    meta = accept(store, rows("2022-05-15", {"64.01": (1, 2)}))
    assert meta["id"] == "v0002" and json.loads((orphan / "meta.json").read_text())["id"] == "v0002"


def test_aliases_are_remembered(store_backend: Backend) -> None:
    store = store_backend.open()
    accept(store, rows("2022-05-15", {"64.11": (1, 2)}),
           aliases={"Kabupaten|mahulu": {"code": "64.11", "text": "KAB. MAHULU"}})
    store.remember({"|bontangkota": {"code": "64.74", "text": "Bontang Kota"}})
    assert store.aliases() == {"Kabupaten|mahulu": "64.11", "|bontangkota": "64.74"}
    raw = store_backend.alias_entries()
    assert raw["Kabupaten|mahulu"]["user"] == "tester"
    assert raw["|bontangkota"]["text"] == "Bontang Kota" and raw["|bontangkota"]["at"]


def test_find_source(store_backend: Backend) -> None:
    store = store_backend.open()
    meta = accept(store, rows("2022-05-15", {"64.74": (1, 2)}))
    assert store.find_source(meta["source"]["sha256"], "2022-05-15") == ["v0001"]
    assert store.find_source(meta["source"]["sha256"], "2020-01-01") == []


def test_concurrent_imports_do_not_corrupt(store_backend: Backend) -> None:
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            accept(store_backend.open(), rows("2022-05-15", {f"64.{i:02d}": (i, 100)}), f"f{i}.csv")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    store = store_backend.open()
    assert [v["id"] for v in store.versions()] == [f"v{i:04d}" for i in range(1, 9)]
    assert len(store.current()) == 8
    assert len({v["source"]["name"] for v in store.versions()}) == 8


@pytest.mark.parametrize("action", ["accept", "rollback", "remember"])
def test_busy_store_gives_up_cleanly(store_backend: Backend, monkeypatch: pytest.MonkeyPatch,
                                     action: str) -> None:
    store = store_backend.open()
    if action == "rollback":
        accept(store, rows("2022-05-15", {"64.74": (1, 2)}))
    before = store_backend.snapshot()
    monkeypatch.setattr(store_module, "LOCK_TIMEOUT", 0.2)
    with store_backend.hold_lock(), pytest.raises(StoreError) as caught:
        if action == "accept":
            accept(store, rows("2022-05-15", {"64.74": (1, 2)}))
        elif action == "rollback":
            store.rollback("v0001")
        else:
            store.remember({"kota|x": {"code": "64.74", "text": "X"}})
    assert caught.value.key == "data.store.busy"
    assert store_backend.snapshot() == before


def _with(**columns: object) -> pd.DataFrame:
    return rows("2022-05-15", {"64.74": (1, 2)}).assign(**columns)


@pytest.mark.parametrize(("table", "detail"), [
    (_with(numerator=float("inf")), "implausible"),
    (_with(denominator=float("inf")), "implausible"),
    (_with(numerator=float("-inf")), "numerator/denominator"),
    (_with(denominator=1e308), "implausible"),
    (_with(denominator=20_000_001.0), "implausible"),  # more than any regency holds
    (_with(code="64", denominator=100_000_001.0), "implausible"),  # … or any province
    (_with(numerator=0.5), "not_whole"),
    (_with(numerator=0.0, denominator=0.0), "zero_denominator"),
    (_with(numerator=float("nan"), denominator=float("nan"), percent_given=float("inf")),
     "percent"),
    (_with(numerator=float("nan"), denominator=float("nan"), percent_given=250.0), "percent"),
    (_with(numerator=float("nan"), denominator=float("nan"), percent_given=float("nan")),
     "numerator/denominator"),
    (_with(derived="percent", derived_margin=float("inf"), percent_given=50.0), "margin"),
    (_with(numerator="1e400"), "implausible"),
])
def test_the_store_refuses_values_no_page_could_show(
        store_backend: Backend, table: pd.DataFrame, detail: str) -> None:
    store = store_backend.open()
    before = store_backend.snapshot()
    with pytest.raises(StoreError) as caught:
        accept(store, table)
    assert caught.value.key == "data.store.invalid" and caught.value.params["detail"] == detail
    assert store.versions() == [] and store_backend.snapshot() == before


@pytest.mark.parametrize("table", [
    _with(code="64", numerator=49_000_000.0, denominator=50_300_000.0),  # Jawa Barat's size
    _with(numerator=-0.0, denominator=2.0),
    _with(numerator=float("nan"), denominator=float("nan"), percent_given=101.5),  # percent only
    _with(numerator=95.0, denominator=100.0, derived="percent", derived_margin=0.0,
          percent_given=95.0),
])
def test_the_store_keeps_sound_values(store_backend: Backend, table: pd.DataFrame) -> None:
    accept(store_backend.open(), table)
    assert len(store_backend.open().current()) == 1


def test_values_stored_before_the_checks_are_left_out_when_read(
        store_backend: Backend) -> None:
    store = store_backend.open()
    accept(store, rows("2022-05-15", {"64.74": (1, 2), "64.01": (3, 4), "64.02": (5, 6)}))
    store_backend.tamper("v0001", "64.01", numerator="inf", denominator="1" + "0" * 400)
    store_backend.tamper("v0001", "64.02", denominator="0")
    assert list(store_backend.open().current()["code"]) == ["64.74"]
    assert list(store_backend.open().data("v0001")["code"]) == ["64.74"]


REPLICA = r'''
import sys
import pandas as pd
from utils.ingest.store_backend import open_store

store = open_store(sys.argv[1])
code = sys.argv[2]
table = pd.DataFrame([{"period": "2022-05-15", "code": code, "indicator": "ktp_el",
                       "numerator": 1, "denominator": 2, "is_demo": False}])
print("ready", flush=True)
sys.stdin.readline()
meta = store.accept(table, source_name=code + ".csv", source_bytes=code.encode(),
                    period="2022-05-15", user="user-" + code)
print(meta["id"], flush=True)
'''


def test_two_replicas_accepting_at_once_make_two_versions(store_backend: Backend) -> None:
    """Two processes (replicas A and B) open the store, wait, and accept at the same moment."""
    location = store_backend.open().location
    children = [subprocess.Popen(
        [sys.executable, "-c", REPLICA, location, code], cwd=ROOT, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT), "CAPAIAN_REPLICA": replica})
        for code, replica in (("64.01", "A"), ("64.02", "B"))]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    answers = [child.communicate(timeout=120) for child in children]
    assert all(child.returncode == 0 for child in children), [a[1] for a in answers]
    assert sorted(a[0].strip() for a in answers) == ["v0001", "v0002"]
    store = store_backend.open()  # a third process's view: both, none lost
    assert store.state()["active"] == ["v0001", "v0002"]
    assert sorted(store.current()["code"]) == ["64.01", "64.02"]
    by_user = {e["user"]: e["replica"] for e in store.events()}
    assert by_user == {"user-64.01": "A", "user-64.02": "B"}


def test_the_audit_log_records_who_what_and_where(store_backend: Backend,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAPAIAN_REPLICA", "replica-1")
    store = store_backend.open()
    store.log("sign_in", "ani")
    accept(store, rows("2022-05-15", {"64.74": (1, 2)}))
    accept(store, rows("2022-05-15", {"64.01": (1, 2)}))
    store.rollback("v0001", user="budi")
    store.remember({"kota|x": {"code": "64.74", "text": "X"}}, user="citra")
    store.log("scenario_save", "ani", slug="target-2025")
    audit = store_backend.open().audit()
    expected = [("sign_in", "ani"), ("accept", "tester"), ("accept", "tester"),
                ("rollback", "budi"), ("remember", "citra"), ("scenario_save", "ani")]
    assert [e["at"] for e in audit] == sorted(e["at"] for e in audit)
    assert [(e["action"], e["user"]) for e in audit] == expected  # in write order, both backends
    assert {e["replica"] for e in audit} == {"replica-1"} and all(e["at"] for e in audit)
    assert audit[3]["version"] == "v0001" and audit[3]["active_before"] == ["v0001", "v0002"]
    assert audit[4]["aliases"] == {"kota|x": "64.74"} and audit[5]["slug"] == "target-2025"
    assert [e["action"] for e in store.events()] == ["accept", "accept", "rollback"]
