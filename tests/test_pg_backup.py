"""Backing up the PostgreSQL store with PostgreSQL's own tools, as the README tells an
operator to: ``pg_dump -Fc`` of a live store, ``pg_restore`` into an empty database, and the
restored store is the same store and goes on where the old one stopped."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pg_support
from test_pg_store import accept, table

from utils.ingest.pg_store import PostgresStore

pytest_plugins = ["tests.pg_support"]


def everything(store: PostgresStore) -> dict:
    """What a store holds, as its readers give it."""
    current = store.current()
    return {"state": store.state(), "versions": store.versions(), "aliases": store.aliases(),
            "audit": store.audit(),
            "current": None if current is None else current.to_dict("records")}


def test_a_dump_restored_into_an_empty_database_is_the_same_store_and_goes_on(
        pg_url: str, make_database: Callable[..., str], tmp_path: Path) -> None:
    live = PostgresStore(pg_url)
    accept(live, table("64.74", 90, 100))
    accept(live, pd.concat([table("64.74", 95, 100), table("64.02", 7, 8)]))
    live.rollback("v0001")
    live.remember({"kota|bontang": {"code": "64.74", "text": "Bontang"}}, user="ani")
    live.log("sign_in", "ani", method="oidc", role="admin")
    before = everything(live)

    dump = tmp_path / "capaian.dump"
    subprocess.run([pg_support.program("pg_dump"), "-Fc", "-f", str(dump), pg_url],
                   check=True, capture_output=True)
    fresh = make_database(template=None)  # an empty database, not even migrated
    subprocess.run([pg_support.program("pg_restore"), "--no-owner", "--exit-on-error", "-d",
                    fresh, str(dump)], check=True, capture_output=True, text=True)

    restored = PostgresStore(fresh)
    assert everything(restored) == before
    accept(restored, table("64.02", 8, 8))  # numbering and the counter go on
    assert restored.versions()[-1]["id"] == "v0003"
    assert restored.state()["seq"] == before["state"]["seq"] + 1
    assert everything(live) == before  # the dump changed nothing
