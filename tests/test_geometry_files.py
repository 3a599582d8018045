"""Map files are served by a route every server has from its start: a map request that a
failover sends to another replica is answered before any session there has drawn a map.

The route on its own (Starlette's test client, both store backends), then a fresh server
of each mode asked for a map before any browser has opened a page.
"""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser_support import start_app, stop_app
from starlette.applications import Starlette
from starlette.testclient import TestClient

from pages.support import geometry_files
from utils import auth
from utils.geo import boundary_sets as sets
from utils.geo.cache_record import maps_dir
from utils.ingest.pg_store import PostgresStore

pytest_plugins = ["tests.pg_support"]
MAP = b'{"type":"Topology","objects":{}}'
SET_ID = sets.new_id("ab" * 32, datetime(2026, 11, 30, 3, 0, 0, tzinfo=UTC))
KEEP = "public, max-age=31536000, immutable"


def _folder_set(store: Path) -> None:
    root = sets.sets_root(store)
    staging = sets.staging_folder(root, SET_ID)
    (staging / "maps" / "province").mkdir(parents=True)
    (staging / "maps" / "province" / "64.topo.json").write_bytes(MAP)
    (staging / "source").mkdir()
    (staging / "source" / "f.zip").write_bytes(b"PK")
    sets.commit(root, staging, {"id": SET_ID, "file": "f.zip"})


@pytest.fixture(params=["folder", "postgres"])
def client(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch) -> TestClient:
    """The route alone, over a store holding set :data:`SET_ID` (not active)."""
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("CAPAIAN_STORE_URL", raising=False)
    if request.param == "folder":
        _folder_set(tmp_path / "store")
    else:
        url = request.getfixturevalue("pg_url")
        monkeypatch.setenv("CAPAIAN_STORE_URL", url)
        root = sets.DatabaseSets(PostgresStore(url, root=tmp_path / "store"))
        sets.store_set(root, {"id": SET_ID, "file": "f.zip"},
                       {"maps/province/64.topo.json": MAP, "source/f.zip": b"PK"})
    return TestClient(Starlette(routes=geometry_files.routes()))


@pytest.mark.parametrize(("path", "status", "cache"), [
    (f"/geometry/{SET_ID}/province/64.topo.json?v={SET_ID}", 200, KEEP),
    (f"/geometry/{SET_ID}/province/64.topo.json", 200, "no-cache"),  # no version: no promise
    ("/geometry/default/national.topo.json?v=1", 200, KEEP),
    ("/geometry/default/tilegrid.csv?v=1", 200, KEEP),
    (f"/geometry/{SET_ID}/set.json", 404, None),  # the set's record: not a map file
    (f"/geometry/{SET_ID}/source/f.zip", 404, None),  # the office's file: never served
    ("/geometry/default/build.json", 404, None),  # the build record: never served
    ("/geometry/b20261130T030000-00000000/province/64.topo.json?v=1", 404, None),  # no set
    ("/geometry/not-a-set/national.topo.json", 404, None),
    (f"/geometry/{SET_ID}/province/65.topo.json", 404, None),
])
def test_the_route_serves_map_files_of_stored_sets_only(client, path, status, cache):
    answer = client.get(path)
    assert answer.status_code == status
    if status == 200:
        assert answer.headers["cache-control"] == cache
        name = path.split("?")[0].rsplit("/", 1)[1]
        if path.startswith(f"/geometry/{SET_ID}/"):
            assert answer.content == MAP
        else:
            assert answer.content == next(maps_dir().rglob(name)).read_bytes()


def test_a_store_that_does_not_answer_sends_the_request_elsewhere(monkeypatch, tmp_path):
    """503 (nginx tries the next replica on 503), not a 404 the browser keeps."""
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.setenv("CAPAIAN_STORE_URL", "postgresql+psycopg://x:y@127.0.0.1:9/none")
    client = TestClient(Starlette(routes=geometry_files.routes()))
    assert client.get(f"/geometry/{SET_ID}/province/64.topo.json").status_code == 503
    assert client.get("/geometry/default/national.topo.json").status_code == 200


def test_addresses_name_the_set_and_the_version():
    assert geometry_files.url("", "national.topo.json", "ccf8972e3e21") == (
        "/geometry/default/national.topo.json?v=ccf8972e3e21")
    assert geometry_files.url(SET_ID, "province/64.topo.json", SET_ID) == (
        f"/geometry/{SET_ID}/province/64.topo.json?v={SET_ID}")


@pytest.mark.parametrize("public", [False, True], ids=["office", "public"])
def test_a_fresh_server_answers_a_map_request_before_any_page_was_drawn(
        built, tmp_path, public):
    _folder_set(tmp_path / "store")
    proc, address = start_app(tmp_path / "store", {auth.MODE_ENV: "public"} if public else {})
    try:
        for path in ("/geometry/default/national.topo.json?v=1",
                     f"/geometry/{SET_ID}/province/64.topo.json?v={SET_ID}"):
            request = urllib.request.Request(address + path,
                                             headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, timeout=30) as answer:
                assert answer.status == 200
                assert answer.headers["Cache-Control"] == KEEP
                if "national" in path:  # Streamlit's gzip takes answers of 500 B and more
                    assert answer.headers["Content-Encoding"] == "gzip"
    finally:
        stop_app(proc)
