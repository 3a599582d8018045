"""The versioned store: accept, list, current, diff, rollback, aliases, failures, concurrency."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pandas as pd
import pytest

from utils.ingest import store as store_module
from utils.ingest.store import Store, StoreError
from utils.metrics.coverage import COLUMNS


def rows(period: str, values: dict[str, tuple[float, float]], indicator: str = "ktp_el"):
    return pd.DataFrame([{"period": period, "code": c, "indicator": indicator, "numerator": n,
                          "denominator": d, "is_demo": False} for c, (n, d) in values.items()],
                        columns=COLUMNS)


def accept(store: Store, table: pd.DataFrame, name: str = "a.csv", **extra: object) -> dict:
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


def test_empty_store(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.versions() == [] and store.current() is None and store.aliases() == {}


def test_accept_and_read_back(tmp_path: Path) -> None:
    store = Store(tmp_path)
    meta = accept(store, rows("2022-05-15", {"64.74": (138527, 135227), "64.01": (9, 10)}))
    assert meta["id"] == "v0001" and meta["user"] == "tester"
    assert meta["rows"] == {"values": 2, "regions": 2}
    assert meta["source"]["name"] == "a.csv" and len(meta["source"]["sha256"]) == 64
    assert meta["mapping"] == {"SUDAH REKAM": "ktp_el.numerator"}
    current = Store(tmp_path).current()  # a new instance: a restart loses nothing
    assert list(current.columns) == COLUMNS and not current["is_demo"].any()
    assert current.set_index("code").loc["64.74", "numerator"] == 138527
    assert (tmp_path / "versions" / "v0001" / "source.csv").read_bytes() == b"a.csv2022-05-15"


def test_versions_merge_newer_wins_and_rollback(tmp_path: Path) -> None:
    store = Store(tmp_path)
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


def test_diff(tmp_path: Path) -> None:
    store = Store(tmp_path)
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
def test_invalid_tables_change_nothing(tmp_path: Path, table: pd.DataFrame) -> None:
    store = Store(tmp_path)
    accept(store, rows("2022-05-15", {"64.74": (1, 2)}))
    before = snapshot(tmp_path)
    with pytest.raises(StoreError):
        store.accept(table, source_name="b.csv", source_bytes=b"b", period="2022-05-15")
    assert snapshot(tmp_path) == before


def test_failure_while_committing_leaves_the_store_as_it_was(
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


def test_orphan_folder_from_a_crash_is_invisible_and_cleaned(tmp_path: Path) -> None:
    store = Store(tmp_path)
    accept(store, rows("2022-05-15", {"64.74": (1, 2)}))
    orphan = tmp_path / "versions" / "v0002"
    orphan.mkdir()
    (orphan / "meta.json").write_text("{}")
    assert [v["id"] for v in store.versions()] == ["v0001"]
    meta = accept(store, rows("2022-05-15", {"64.01": (1, 2)}))
    assert meta["id"] == "v0002" and json.loads((orphan / "meta.json").read_text())["id"] == "v0002"


def test_aliases_are_remembered(tmp_path: Path) -> None:
    store = Store(tmp_path)
    accept(store, rows("2022-05-15", {"64.11": (1, 2)}),
           aliases={"Kabupaten|mahulu": {"code": "64.11", "text": "KAB. MAHULU"}})
    store.remember({"|bontangkota": {"code": "64.74", "text": "Bontang Kota"}})
    assert store.aliases() == {"Kabupaten|mahulu": "64.11", "|bontangkota": "64.74"}
    raw = json.loads((tmp_path / "aliases.json").read_text())
    assert raw["Kabupaten|mahulu"]["user"] == "tester"


def test_find_source(tmp_path: Path) -> None:
    store = Store(tmp_path)
    meta = accept(store, rows("2022-05-15", {"64.74": (1, 2)}))
    assert store.find_source(meta["source"]["sha256"], "2022-05-15") == ["v0001"]
    assert store.find_source(meta["source"]["sha256"], "2020-01-01") == []


def test_concurrent_imports_do_not_corrupt(tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            accept(Store(tmp_path), rows("2022-05-15", {f"64.{i:02d}": (i, 100)}), f"f{i}.csv")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    store = Store(tmp_path)
    assert [v["id"] for v in store.versions()] == [f"v{i:04d}" for i in range(1, 9)]
    assert len(store.current()) == 8
    assert len({v["source"]["name"] for v in store.versions()}) == 8


def test_busy_store_gives_up_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    store = Store(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    monkeypatch.setattr(store_module, "LOCK_TIMEOUT", 0.2)
    with open(tmp_path / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(StoreError) as caught:
            accept(store, rows("2022-05-15", {"64.74": (1, 2)}))
    assert caught.value.key == "data.store.busy"
    assert store.versions() == []


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
        tmp_path: Path, table: pd.DataFrame, detail: str) -> None:
    store = Store(tmp_path)
    with pytest.raises(StoreError) as caught:
        accept(store, table)
    assert caught.value.key == "data.store.invalid" and caught.value.params["detail"] == detail
    assert store.versions() == [] and not (tmp_path / "versions").exists()


@pytest.mark.parametrize("table", [
    _with(code="64", numerator=49_000_000.0, denominator=50_300_000.0),  # Jawa Barat's size
    _with(numerator=-0.0, denominator=2.0),
    _with(numerator=float("nan"), denominator=float("nan"), percent_given=101.5),  # percent only
    _with(numerator=95.0, denominator=100.0, derived="percent", derived_margin=0.0,
          percent_given=95.0),
])
def test_the_store_keeps_sound_values(tmp_path: Path, table: pd.DataFrame) -> None:
    accept(Store(tmp_path), table)
    assert len(Store(tmp_path).current()) == 1


def test_values_stored_before_the_checks_are_left_out_when_read(tmp_path: Path) -> None:
    store = Store(tmp_path)
    accept(store, rows("2022-05-15", {"64.74": (1, 2), "64.01": (3, 4), "64.02": (5, 6)}))
    data = tmp_path / "versions" / "v0001" / "data.csv"
    frame = pd.read_csv(data, dtype=str).set_index("code")
    frame.loc["64.01", ["numerator", "denominator"]] = ["inf", "1" + "0" * 400]
    frame.loc["64.02", "denominator"] = "0"
    data.write_text(frame.reset_index().to_csv(index=False))
    assert list(Store(tmp_path).current()["code"]) == ["64.74"]
