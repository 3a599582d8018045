"""The PostgreSQL store beyond the shared store tests: commit counter, append-only
rows, all-or-nothing accepts, migrations, the backend factory, and the same
rows as the folder store for any table (property)."""

from __future__ import annotations

import math
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import DBAPIError

from utils.i18n import texts
from utils.ingest import pg_schema as db
from utils.ingest import pg_store, store_backend, store_copy
from utils.ingest.pg_store import PostgresStore
from utils.ingest.store import Store, StoreError
from utils.metrics.coverage import COLUMNS

pytest_plugins = ["tests.pg_support"]


def table(code: str, numerator: float = 1, denominator: float = 2) -> pd.DataFrame:
    return pd.DataFrame([{"period": "2022-05-15", "code": code, "indicator": "ktp_el",
                          "numerator": numerator, "denominator": denominator,
                          "is_demo": False}], columns=COLUMNS)


def accept(store: Store | PostgresStore, rows: pd.DataFrame, **extra: object) -> dict:
    return store.accept(rows, source_name="a.csv", source_bytes=b"a", period="2022-05-15",
                        user="tester", **extra)


def test_every_commit_raises_seq_and_nothing_else_does(pg_url: str) -> None:
    store = PostgresStore(pg_url)
    seen = [store.state()["seq"]]
    accept(store, table("64.74"))
    seen.append(store.state()["seq"])
    store.rollback("v0001")
    seen.append(store.state()["seq"])
    store.remember({"kota|x": {"code": "64.74", "text": "X"}})
    seen.append(store.state()["seq"])
    store.log("sign_in", "ani")
    store.current(), store.versions(), store.aliases()
    seen.append(store.state()["seq"])
    assert seen == [0, 1, 2, 3, 3]
    with pytest.raises(StoreError):
        store.rollback("v0042")
    assert store.state()["seq"] == 3


@pytest.mark.parametrize("statement", [
    "UPDATE versions SET meta = '{}'",
    "DELETE FROM versions",
    "UPDATE version_rows SET numerator = 2",
    "DELETE FROM version_rows",
    "UPDATE version_files SET content = 'x'",
    "DELETE FROM aliases",
    "UPDATE events SET who = 'someone else'",
    "DELETE FROM events",
    "DELETE FROM store_state",
])
def test_stored_rows_are_never_changed(pg_url: str, statement: str) -> None:
    store = PostgresStore(pg_url)
    accept(store, table("64.74"), aliases={"kota|x": {"code": "64.74", "text": "X"}})
    engine = pg_store.engine_for(pg_url)
    with pytest.raises(DBAPIError, match="never changed or deleted"), engine.begin() as conn:
        conn.execute(sa.text(statement))
    assert store.current()["numerator"].tolist() == [1.0]
    assert store.file("v0001", "source.csv") == b"a" and len(store.audit()) == 1


def test_a_failure_inside_an_accept_leaves_the_database_as_it_was(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = PostgresStore(pg_url)
    accept(store, table("64.74"))
    store.remember({"kota|x": {"code": "64.74", "text": "X"}})
    engine = pg_store.engine_for(pg_url)

    def everything() -> dict[str, list]:
        with engine.connect() as conn:
            return {t.name: sorted(map(repr, conn.execute(sa.select(t))))
                    for t in db.metadata.sorted_tables}

    before = everything()

    def failing(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(pg_store, "insert_aliases", failing)
    with pytest.raises(OSError):
        accept(store, table("64.01"), aliases={"kabupaten|y": {"code": "64.01", "text": "Y"}})
    assert everything() == before
    monkeypatch.undo()
    assert accept(store, table("64.01"))["id"] == "v0002"  # the number was not used up


def test_a_new_database_is_migrated_when_opened_and_by_the_command(
        make_database: Callable[..., str], capsys: pytest.CaptureFixture[str]) -> None:
    assert pg_store.head_revision() == "v0002"
    url = make_database(None)
    engine = pg_store.engine_for(url)
    assert pg_store.schema_revision(engine) is None
    store = PostgresStore(url)
    assert pg_store.schema_revision(engine) == "v0002"
    assert store.versions() == [] and store.state() == {"versions": [], "active": [], "seq": 0}
    assert pg_store.migrate(engine) == "v0002"  # again: nothing to do
    other = make_database(None)
    assert pg_store.main(["--lang", "en", "migrate", "--url", other]) == 0
    assert "v0002" in capsys.readouterr().out
    assert pg_store.schema_revision(pg_store.engine_for(other)) == "v0002"


def test_the_factory_picks_the_backend(pg_url: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAPAIAN_STORE_URL", raising=False)
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "s"))
    plain = store_backend.open_store()
    assert isinstance(plain, Store) and plain.root == tmp_path / "s"
    from_secret = store_backend.open_store(secret_url=pg_url)
    assert isinstance(from_secret, PostgresStore) and from_secret.root == tmp_path / "s"
    monkeypatch.setenv("CAPAIAN_STORE_URL", pg_url)
    from_env = store_backend.open_store(secret_url="postgresql://elsewhere/x")
    assert isinstance(from_env, PostgresStore) and from_env.location == pg_url
    accept(from_env, table("64.74"))
    again = store_backend.open_store(from_env.location)  # what the pages' caches do
    assert [v["id"] for v in again.versions()] == ["v0001"]
    assert isinstance(store_backend.open_store(plain.location), Store)


@pytest.mark.parametrize(("secrets", "url"), [
    ({"connections": {"capaian": {"url": "postgresql://h/db"}}}, "postgresql://h/db"),
    ({"connections": {"capaian": {"url": ""}}}, None),
    ({"connections": {"capaian": {"type": "sql"}}}, None),
    ({"connections": {"capaian": "postgresql://h/db"}}, None),
    ({"connections": ["capaian"]}, None),
    ({"password_hash": "x"}, None),
])
def test_the_url_is_read_from_the_streamlit_secrets(secrets: dict, url: str | None) -> None:
    assert store_backend.url_from_secrets(secrets) == url


@pytest.mark.parametrize(("url", "key"), [
    ("mysql://user@localhost/x", "data.store.url"),
    ("not a url", "data.store.url"),
    ("postgresql://capaian:secret-word@127.0.0.1:1/none", "data.store.unreachable"),
])
def test_a_wrong_or_unreachable_database_is_a_clear_refusal(url: str, key: str) -> None:
    with pytest.raises(StoreError) as caught:
        PostgresStore(url)
    assert caught.value.key == key
    assert "secret-word" not in str(caught.value.params)
    pg_store.dispose(url)


def test_every_message_key_exists_in_both_languages() -> None:
    keys = ["data.store.url", "data.store.unreachable", "data.store.migrated", "data.store.busy",
            "data.store.copy_kinds", "data.store.copy_not_empty", "data.store.copy_differs",
            "data.store.copy_same", "data.store.copy_title", "data.store.copy_left_alone",
            "data.store.copy_no_store"]
    for lang in ("id", "en"):
        assert [k for k in keys if k not in texts(lang)] == []


COUNTS = st.one_of(st.integers(0, 5_000_000).map(float), st.integers(0, 5_000_000))
ROWS = st.lists(st.tuples(st.sampled_from(["64.01", "64.02", "64.71", "64", "64.01.1001"]),
                          st.sampled_from(["ktp_el", "kia"]), COUNTS, COUNTS,
                          st.one_of(st.none(), st.floats(0, 150, allow_nan=False))),
                min_size=1, max_size=8, unique_by=lambda r: (r[0], r[1]))


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, optional=st.booleans(), integers=st.booleans())
def test_both_backends_store_and_read_the_same_rows(
        pg_url: str, rows: list[tuple], optional: bool, integers: bool) -> None:
    """Any sound table: PostgreSQL reads back what the folder store reads, and writes
    the folder store's ``data.csv`` back byte for byte."""
    frame = pd.DataFrame([{"period": "2022-05-15", "code": c, "indicator": i,
                           "numerator": min(n, d), "denominator": max(n, d) or 1,
                           "is_demo": False} for c, i, n, d, _ in rows])
    if integers:
        frame[["numerator", "denominator"]] = frame[["numerator", "denominator"]].astype(int)
    if optional:
        given_percent = [math.nan if p is None else p for *_, p in rows]
        frame = frame.assign(percent_given=given_percent, derived="", derived_margin=0.0)
        frame.loc[frame["percent_given"].notna(), ["numerator", "denominator"]] = math.nan
    database_store = PostgresStore(pg_url)
    with tempfile.TemporaryDirectory() as folder:
        folder_store = Store(Path(folder))
        meta = accept(folder_store, frame)
        assert accept(database_store, frame)["rows"] == meta["rows"]
        version = database_store.versions()[-1]["id"]
        pd.testing.assert_frame_equal(database_store.data(version),
                                      folder_store.data(meta["id"]))
        written = (Path(folder) / "versions" / meta["id"] / "data.csv").read_bytes()
    with pg_store.engine_for(pg_url).connect() as conn:
        image = store_copy.folder_image(conn)
        kept = conn.execute(sa.select(sa.func.count()).select_from(db.version_files)
                            .where(db.version_files.c.name == "data.csv")).scalar_one()
    assert image[f"versions/{version}/data.csv"] == written
    assert kept == 0  # the rows alone gave the file back


def test_no_reader_sees_a_half_written_version(pg_url: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """An accept stopped just before its commit: every other reader still sees the
    store as it was; once it commits, they see all of it at once."""
    store = PostgresStore(pg_url)
    accept(store, table("64.74"))
    inside, release = threading.Event(), threading.Event()
    real = pg_store.bump_state

    def paused(conn: sa.Connection, active: list[str] | None = None) -> int:
        seq = real(conn, active)
        inside.set()
        assert release.wait(60)
        return seq

    monkeypatch.setattr(pg_store, "bump_state", paused)
    writer = threading.Thread(target=accept, args=(PostgresStore(pg_url), table("64.01")))
    writer.start()
    try:
        assert inside.wait(60)
        assert store.state() == {"versions": ["v0001"], "active": ["v0001"], "seq": 1}
        assert store.current()["code"].tolist() == ["64.74"]
        assert [v["id"] for v in store.versions()] == ["v0001"] and len(store.audit()) == 1
    finally:
        release.set()
        writer.join()
    assert store.state()["active"] == ["v0001", "v0002"] and store.state()["seq"] == 2
    assert store.current()["code"].tolist() == ["64.01", "64.74"]
