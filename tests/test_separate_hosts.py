"""Replicas on separate machines that share nothing but PostgreSQL (issue #18).

The "machines" are network namespaces on a bridge (tests/netns_support.py): PostgreSQL alone on
``db``, one replica on ``app-a`` and one on ``app-b`` (each with its own store folder, geometry
cache copy, HOME and TMPDIR, the checkout read-only, the same cookie secret and settings), nginx
from deploy/nginx.conf.template and Chromium in the root namespace. A writer or a script "on" a
host is a process started in that host's namespace with that host's environment.

Needs root and iproute2's ``ip`` (CI runs as root): without them these tests FAIL, saying why.
On a machine that cannot make network namespaces, set ``CAPAIAN_NO_NETNS=1`` to skip them.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_support import WAIT
from cluster_support import AFFINITY, cluster, fetch
from netns_support import Site, netns_of, require_netns, separate_hosts
from playwright.sync_api import Browser, Page, expect

from utils.geo import boundary_sets as sets

SHEET = ("NO;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM;% REKAM\n"
         "1;KAB. PASER;10;9;90\n2;KOTA BONTANG;20;19;95\n")
SET_FILE = "batas-dari-app-a.zip"
PROBES = itertools.count()
ACCEPTED: set[str] = set()  # store URLs a version was accepted into
# A host cut off the network sends no RST: a request nginx sends it on a kept-alive connection
# waits for nginx's proxy_read_timeout before nginx tries the next replica. nginx's default
# (60 s) stalled the reload a whole minute; the template sets 15 s for everything but the
# WebSocket, so the reload below is done within WAIT (60 s) with the default it would not be.

# On app-a: a boundary set made of this host's built maps, activated; a scenario saved.
MAKE_ON_A = """
import hashlib, json, sys
from datetime import UTC, datetime
from utils.geo import boundary_sets as sets
from utils.geo.cache_record import maps_dir
from utils.ingest import saved_scenarios as saved
from utils.ingest.store_backend import open_store

store = open_store()
where = sets.sets_of(store)
maps = maps_dir()
files = {f"maps/{p.relative_to(maps)}": p.read_bytes()
         for p in sorted(maps.rglob("*")) if p.is_file()}
now = datetime.now(UTC)
set_id = sets.new_id(hashlib.sha256(b"".join(files.values())).hexdigest(), now)
sets.store_set(where, {"id": set_id, "file": sys.argv[1], "source": "uji antar-host",
                       "licence": "CC-BY-4.0", "created": now.isoformat()}, files)
sets.activate(where, set_id)
saved.save(store, "Rencana host A", {"months": 6}, user="a")
print(json.dumps({"id": set_id, "where": type(where).__name__,
                  "sha": hashlib.sha256(files["maps/national.topo.json"]).hexdigest()}))
"""

# On app-b: what this host sees of the sets and scenarios; a scenario saved here.
READ_ON_B = """
import json
from utils.geo import boundary_sets as sets
from utils.ingest import saved_scenarios as saved
from utils.ingest.store_backend import open_store

store = open_store()
where = sets.sets_of(store)
active = sets.active_id(where)
names = [r["name"] for r in saved.list_saved(store)[0]]
saved.save(store, "Rencana host B", {"months": 3}, user="b")
print(json.dumps({"active": active, "names": names, "maps": str(sets.maps_of(where, active))}))
"""

# On app-a again: the scenarios it sees now, and the default boundaries back.
NAMES_AND_DEFAULT_ON_A = """
import json
from utils.geo import boundary_sets as sets
from utils.ingest import saved_scenarios as saved
from utils.ingest.store_backend import open_store

store = open_store()
sets.activate(sets.sets_of(store), sets.DEFAULT)
print(json.dumps({"names": [r["name"] for r in saved.list_saved(store)[0]],
                  "active": sets.active_id(sets.sets_of(store))}))
"""


@pytest.fixture(scope="module")
def netns() -> str:
    """``ip``, once it is clear this process can make namespaces (else fail, or skip)."""
    return require_netns()


@pytest.fixture(scope="module")
def site(netns: str, built: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The separate hosts, nginx and PostgreSQL of this module (conftest's ``browser``:
    Chromium for the module)."""
    with separate_hosts(tmp_path_factory.mktemp("hosts")) as started:
        yield started


# ------------------------------------------------------------------------------ helpers


def log_lines(site: Site) -> list[str]:
    return (site.run / "nginx" / "access.log").read_text().splitlines()


def upstreams(lines: list[str], marker: str) -> list[list[str]]:
    """The replicas nginx tried, in order, for each logged request containing ``marker``
    (``upstream=A, B rt=...``: A failed, B answered)."""
    return [re.split(r", | : ", line.split(" upstream=", 1)[1].split(" rt=", 1)[0])
            for line in lines if marker in line]


def logged_upstream(site: Site, marker: str) -> str:
    """The replica nginx sent the request with ``marker`` to (last tried), once logged
    (nginx writes the line after the answer went out)."""
    assert cluster.wait_for(lambda: upstreams(log_lines(site), marker) != [], 10), (
        f"no request with {marker} in the access log")
    return upstreams(log_lines(site), marker)[-1][-1]


def replica(site: Site, host: str) -> str:
    """``address:port`` of ``host``'s replica, as nginx logs it."""
    return str(site.replicas[host]["address"])


def key_to(site: Site, host: str) -> str:
    """An affinity cookie nginx hands out that leads to ``host``'s replica."""
    for _ in range(40):  # each first visit lands there with p = 1/2
        marker = f"probe={next(PROBES)}"
        key = fetch(site.address, f"/?{marker}").new_affinity()
        if logged_upstream(site, f"{marker} ") == replica(site, host):
            assert key
            return key
    raise AssertionError(f"nginx sent 40 first visits elsewhere than {host}")


def page_on(browser: Browser, site: Site, key: str, name: str) -> Page:
    """A new browser whose affinity cookie is ``key``, with the map page opened."""
    context = browser.new_context()
    context.add_cookies([{"name": AFFINITY, "value": key, "url": site.address}])
    page = context.new_page()
    page.goto(f"{site.address}/?browser={name}")
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=WAIT)
    return page


def accept_on(site: Site, host: str) -> None:
    """A writer on ``host`` imports and accepts a sheet (v0001) into the shared database,
    as the importer's command line does; the sheet lies on that host's disk only."""
    writer = site.host(host)
    assert writer.folder
    sheet = writer.folder / "rekap.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    done = writer.run([sys.executable, "-m", "utils.ingest.importer", str(sheet), "--period",
                       "2022-05-15", "--store", site.store_url, "--accept"])
    assert done.returncode == 0, done.stderr[-3000:]
    ACCEPTED.add(site.store_url)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------ tests


def test_nginx_reaches_a_replica_on_each_host_and_the_hosts_are_apart(site: Site) -> None:
    assert fetch(site.address, "/_stcore/health").status == 200
    keys = {host: key_to(site, host) for host in ("app-a", "app-b")}  # both are reached
    for host, key in keys.items():  # and a browser's cookie keeps it on its host
        markers = [f"stay={next(PROBES)}" for _ in range(4)]
        assert all(fetch(site.address, f"/?{m}", key).status == 200 for m in markers)
        assert {logged_upstream(site, f"{m} ") for m in markers} == {replica(site, host)}

    db, a, b = site.host("db"), site.host("app-a"), site.host("app-b")
    namespaces = {netns_of(os.getpid()), db.netns_id(), a.netns_id(), b.netns_id()}
    assert len(namespaces) == 4
    assert netns_of(site.replicas["app-a"]["proc"]["pid"]) == a.netns_id()
    assert netns_of(site.replicas["app-b"]["proc"]["pid"]) == b.netns_id()
    assert netns_of(site.postgres["proc"]["pid"]) == db.netns_id()
    assert netns_of(site.nginx["proc"]["pid"]) == netns_of(os.getpid())

    a_port, b_port = site.replicas["app-a"]["port"], site.replicas["app-b"]["port"]
    # Each replica listens on all its host's addresses, its own loopback included; the
    # other host's loopback is not there (on one machine 127.0.0.1:b_port would answer).
    assert a.reaches(("127.0.0.1", a_port), ("127.0.0.1", b_port), (b.address, b_port),
                     (db.address, 5432), ("127.0.0.1", 5432)) == [True, False, True, True, False]
    assert b.reaches(("127.0.0.1", b_port), ("127.0.0.1", a_port),
                     (a.address, a_port)) == [True, False, True]

    # what runs on a host may write its own folders, never the checkout (its "install")
    probe = cluster.ROOT / "geo" / "cache" / f".write-probe-{os.getpid()}"
    try:
        written = a.run(["touch", str(probe)], 30)
        assert written.returncode != 0 and "Read-only file system" in written.stderr
        assert a.run(["touch", str(a.env["TMPDIR"] + "/probe")], 30).returncode == 0
    finally:
        probe.unlink(missing_ok=True)


def test_a_version_accepted_on_host_a_is_shown_to_a_browser_on_host_b(
        site: Site, browser: Browser) -> None:
    key = key_to(site, "app-b")
    page = page_on(browser, site, key, "on-b")
    expect(page.get_by_text("DATA CONTOH").first).to_be_visible(timeout=WAIT)
    accept_on(site, "app-a")
    page.reload()
    expect(page.get_by_text("v0001").first).to_be_visible(timeout=WAIT)
    page.context.close()
    assert {tuple(u) for u in upstreams(log_lines(site), f"affinity={key} ")} == {
        (replica(site, "app-b"),)}
    for host in ("app-a", "app-b"):  # the version is in the database, in no host's folder
        folder = site.host(host).folder
        assert folder and not list((folder / "store").rglob("versions"))


def test_a_boundary_set_and_a_scenario_made_on_host_a_are_served_on_host_b(
        site: Site, browser: Browser) -> None:
    a, b = site.host("app-a"), site.host("app-b")
    assert a.folder and b.folder
    made = a.python(MAKE_ON_A, SET_FILE)
    set_id = made["id"]
    try:
        assert made["where"] == "DatabaseSets"
        key = key_to(site, "app-b")
        context = browser.new_context()
        context.add_cookies([{"name": AFFINITY, "value": key, "url": site.address}])
        page = context.new_page()
        route = f"/geometry/{set_id}/"  # the set's maps, versioned
        with page.expect_response(lambda r: route in r.url and ".topo.json" in r.url,
                                  timeout=WAIT) as geometry:
            page.goto(f"{site.address}/?browser=set-on-b")
        expect(page.get_by_text(SET_FILE).first).to_be_visible(timeout=WAIT)  # the credit
        assert geometry.value.status == 200
        name = urlsplit(geometry.value.url).path.split(route, 1)[1]  # national or a province
        body = geometry.value.body()
        context.close()
        assert logged_upstream(site, route + name) == replica(site, "app-b")
        # app-b's replica wrote the set from the database into its own cache folder, and
        # served that copy: the bytes app-a read from its own disk
        served = b.folder / "store" / sets.CACHE / set_id / "maps"
        assert body == (served / name).read_bytes() == (a.folder / "cache" / "maps" / name
                                                        ).read_bytes()
        assert sha256(served / "national.topo.json") == made["sha"]
        assert not (a.folder / "store" / sets.CACHE).exists()  # app-a served nothing
        seen = b.python(READ_ON_B)
        assert seen["active"] == set_id and seen["names"] == ["Rencana host A"]
        assert seen["maps"] == str(served)
    finally:
        back = a.python(NAMES_AND_DEFAULT_ON_A)
    assert back["names"] == ["Rencana host A", "Rencana host B"]
    assert back["active"] == sets.DEFAULT


def test_a_browser_on_a_host_cut_off_the_network_is_served_by_the_other_after_a_reload(
        site: Site, browser: Browser) -> None:
    if site.store_url not in ACCEPTED:  # run alone: the version test_a_version... accepts
        accept_on(site, "app-a")
    a, b = site.host("app-a"), site.host("app-b")
    key = key_to(site, "app-a")
    page = page_on(browser, site, key, "on-a")
    expect(page.get_by_text("v0001").first).to_be_visible(timeout=WAIT)
    assert {u[-1] for u in upstreams(log_lines(site), f"affinity={key} ")} == {
        replica(site, "app-a")}
    page.wait_for_load_state("networkidle")  # the map drawn: no request of it is under way
    shown = urlsplit(page.url)  # the map page puts its state in the address
    reloaded = f'"GET {shown.path}?{shown.query} ' if shown.query else f'"GET {shown.path} '
    seen = len(log_lines(site))
    a.cut()
    try:
        assert a.reaches((site.host("db").address, 5432),
                         (b.address, site.replicas["app-b"]["port"])) == [False, False]
        page.reload(timeout=WAIT)
        expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=WAIT)
        expect(page.get_by_text("v0001").first).to_be_visible(timeout=WAIT)  # nothing lost
    finally:
        a.reconnect()
    page.context.close()
    a_address, b_address = replica(site, "app-a"), replica(site, "app-b")
    mine = f"affinity={key} "

    def after_cut(request: str) -> list[list[str]]:
        return upstreams([line for line in log_lines(site)[seen:] if request in line], mine)

    # the old page's WebSocket (to app-a) and the new one (to app-b) are logged when closed
    assert cluster.wait_for(lambda: len(after_cut('"GET /_stcore/stream ')) >= 2, 10)
    assert after_cut('"GET /_stcore/stream ')[-1] == [b_address]
    logged = "\n".join(line for line in log_lines(site)[seen:] if mine in line)
    assert [u[-1] for u in after_cut(reloaded)] == [b_address], logged  # the page, reloaded
    assert [a_address, b_address] in after_cut(" /"), logged  # nginx tried app-a, then app-b
    assert cluster.wait_for(
        lambda: cluster.answers(f"http://{replica(site, 'app-a')}/_stcore/health"), 30)

