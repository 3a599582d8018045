"""TLS at the proxy (issue #18): ``deploy/local-cluster up --tls`` and the template's TLS fields.

* nginx rendered from the template in front of stand-in replicas (tests/cluster_support.py),
  with the certificate ``up`` makes or one given with ``--cert``/``--key``: the affinity cookie
  ``Secure``, Strict-Transport-Security over https only, plain HTTP redirected, the certificate
  presented, TLS sessions resumed; without TLS the configuration as before;
* the whole local cluster with ``--tls``, the app in Chromium over https and ``wss://``.
"""

from __future__ import annotations

import json
import os
import re
import socket
import ssl
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import WAIT, chromium
from cluster_support import (
    AFFINITY,
    StubReplica,
    cluster,
    cluster_up,
    fetch,
    local_cluster,
    nginx_before,
    presented_certificate,
    state,
    trusting,
    two_stubs,
    upstream_of,
)
from playwright.sync_api import expect
from test_cluster import accepted_store, running

HSTS = "max-age=31536000"
GEOMETRY = "/geometry/default/national.topo.json?v=0a1b2c3d"
WEBSOCKET = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
             "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
DAY = 86400


def bundle_on_disk() -> str:
    """The path of one of Streamlit's own bundles (nginx serves it from disk)."""
    found = next((cluster.streamlit_static() / "static" / "js").glob("index.*.js"))
    return f"/static/js/{found.name}"


def openssl(*args: str) -> str:
    return subprocess.run(["openssl", *args], capture_output=True, text=True,
                          check=True).stdout


def own_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate an operator brings (RSA, another subject than the generated one)."""
    folder.mkdir(parents=True)
    cert, key = folder / "site.crt", folder / "site.key"
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
            str(cert), "-days", "2", "-subj", "/CN=capaian-given",
            "-addext", "subjectAltName=IP:127.0.0.1")
    return cert, key


def der(cert: str | Path) -> bytes:
    return ssl.PEM_cert_to_DER_cert(Path(cert).read_text())


def cookie_attributes(answer) -> set[str]:
    """The attributes of the affinity cookie nginx set on ``answer``."""
    value = next(v for v in answer.headers["set-cookie"] if v.startswith(f"{AFFINITY}="))
    return {part.strip() for part in value.split(";")[1:]}


@pytest.fixture(scope="module")
def stubs() -> Iterator[list[StubReplica]]:
    with two_stubs() as replicas:
        yield replicas


@pytest.fixture(scope="module")
def tls_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A run folder with the certificate ``up --tls`` makes in it."""
    run = tmp_path_factory.mktemp("tls-run")
    return run, cluster.tls_setup(run, None)


@pytest.fixture(scope="module")
def proxy(stubs: list[StubReplica], tls_run: tuple[Path, dict]) -> Iterator[str]:
    run, tls = tls_run
    with nginx_before(stubs, run, tls=tls) as address:
        yield address


@pytest.fixture(scope="module")
def plain_proxy(stubs: list[StubReplica], tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[str]:
    with nginx_before(stubs, tmp_path_factory.mktemp("plain")) as address:
        yield address


@pytest.fixture(scope="module")
def trust(tls_run: tuple[Path, dict]) -> ssl.SSLContext:
    return trusting(tls_run[1]["cert"])


# ------------------------------------------------------------------------------ over https


def test_nginx_with_tls_answers_at_an_https_address(proxy: str, trust: ssl.SSLContext) -> None:
    assert re.fullmatch(r"https://127\.0\.0\.1:\d+", proxy)
    assert fetch(proxy, "/_stcore/health", context=trust).status == 200


@pytest.mark.parametrize(("secure", "expected"), [
    (True, {"Path=/", "HttpOnly", "SameSite=Lax", "Secure"}),
    (False, {"Path=/", "HttpOnly", "SameSite=Lax"}),
])
def test_the_affinity_cookie_is_secure_over_https_only_and_still_leads_home(
        proxy: str, plain_proxy: str, trust: ssl.SSLContext, secure: bool,
        expected: set[str]) -> None:
    address, context = (proxy, trust) if secure else (plain_proxy, None)
    first = fetch(address, "/", context=context)
    assert first.status == 200 and cookie_attributes(first) == expected
    key = first.new_affinity()
    again = [fetch(address, path, key, context=context) for path in ("/", "/wilayah")] * 4
    assert {a.header("x-stub") for a in again} == {first.header("x-stub")}
    assert all(a.new_affinity() is None for a in again)


@pytest.mark.parametrize(("path", "status"), [
    ("/", 200),
    ("/_stcore/health", 200),
    ("bundle on disk", 200),  # nginx's /static/ location, from disk
    ("/static/js/index.abc123.js", 200),  # not on disk: @replica
    (GEOMETRY, 200),
    ("/component/pages.support.keys.keys/data.json", 200),
    ("/_stcore/agent/openapi.json", 404),
    ("/_stcore/metrics", 200),
    ("/_stcore/upload_file/s/f", 200),  # the office's uploads: an add_header of their own
])
def test_strict_transport_security_is_sent_over_https_and_never_over_http(
        proxy: str, plain_proxy: str, trust: ssl.SSLContext, path: str, status: int) -> None:
    path = bundle_on_disk() if path == "bundle on disk" else path
    secure = fetch(proxy, path, context=trust)
    plain = fetch(plain_proxy, path)
    assert secure.status == plain.status == status
    assert secure.headers.get("strict-transport-security") == [HSTS]
    assert plain.header("strict-transport-security") is None


def test_the_websocket_upgrade_over_tls_reaches_the_replica_as_https(
        proxy: str, stubs: list[StubReplica], trust: ssl.SSLContext) -> None:
    first = fetch(proxy, "/", context=trust)
    stub = next(s for s in stubs if s.name == first.header("x-stub"))
    answer = fetch(proxy, "/_stcore/stream", first.new_affinity(), context=trust,
                   headers={**WEBSOCKET, "Origin": proxy})
    assert answer.status == 101 and answer.headers.get("strict-transport-security") == [HSTS]
    seen = stub.seen[-1]
    assert seen["upgrade"] == "websocket" and seen["x-forwarded-proto"] == "https"
    assert seen["host"] == proxy.removeprefix("https://")  # Streamlit compares it with Origin


@pytest.mark.parametrize(("path", "host"), [
    ("/", None),
    ("/wilayah?kode=64&tab=peta", None),
    ("/_stcore/health", "localhost"),
])
def test_plain_http_to_the_tls_port_is_redirected_to_https(
        proxy: str, stubs: list[StubReplica], trust: ssl.SSLContext, path: str,
        host: str | None) -> None:
    port = proxy.rsplit(":", 1)[1]
    before = [len(s.seen) for s in stubs]
    answer = fetch(proxy.replace("https://", "http://"), path,
                   headers={"Host": f"{host}:{port}"} if host else None)
    assert answer.status == 301
    assert answer.header("location") == f"https://{host or '127.0.0.1'}:{port}{path}"
    assert answer.header("strict-transport-security") is None  # never over plain HTTP
    assert answer.header("set-cookie") is None
    assert [len(s.seen) for s in stubs] == before  # no replica saw it
    assert fetch(proxy, path, context=trust).status == 200  # where the redirect leads


# ------------------------------------------------------------------------------ certificates


def test_nginx_presents_the_certificate_up_made_for_loopback(
        proxy: str, tls_run: tuple[Path, dict], trust: ssl.SSLContext) -> None:
    run, tls = tls_run
    assert tls == {"cert": str(run / "tls" / "cert.pem"), "key": str(run / "tls" / "key.pem"),
                   "generated": True}
    seen, presented = presented_certificate(proxy, trust)  # the host name 127.0.0.1 checked
    assert presented == der(tls["cert"])
    assert {("IP Address", "127.0.0.1"), ("DNS", "localhost")} <= set(seen["subjectAltName"])
    days = (ssl.cert_time_to_seconds(seen["notAfter"])
            - ssl.cert_time_to_seconds(seen["notBefore"])) / DAY
    assert days == 30
    assert "NIST CURVE: P-256" in openssl("pkey", "-in", tls["key"], "-noout", "-text")
    assert stat.S_IMODE(os.stat(tls["key"]).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(run / "tls").st_mode) == 0o700
    with pytest.raises(ssl.SSLCertVerificationError):  # it is self-signed: trusted by no one
        presented_certificate(proxy, ssl.create_default_context())


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_tls_1_2_and_1_3_are_spoken(proxy: str, tls_run: tuple[Path, dict],
                                    version: ssl.TLSVersion) -> None:
    context = trusting(tls_run[1]["cert"])
    context.minimum_version = context.maximum_version = version
    host, port = proxy.removeprefix("https://").split(":")
    with context.wrap_socket(socket.create_connection((host, int(port))),
                             server_hostname=host) as tls:
        assert tls.version() == version.name.replace("_", ".")


def test_a_returning_client_resumes_its_tls_session(proxy: str,
                                                    tls_run: tuple[Path, dict]) -> None:
    """nginx keeps sessions in its shared cache (session tickets are off)."""
    context = trusting(tls_run[1]["cert"])
    context.maximum_version = ssl.TLSVersion.TLSv1_2  # the session is known after the handshake
    host, port = proxy.removeprefix("https://").split(":")
    with context.wrap_socket(socket.create_connection((host, int(port))),
                             server_hostname=host) as first:
        session = first.session
        assert not first.session_reused
    with context.wrap_socket(socket.create_connection((host, int(port))),
                             server_hostname=host, session=session) as second:
        assert second.session_reused


def test_a_given_certificate_and_key_are_presented_as_they_are(
        stubs: list[StubReplica], tmp_path: Path) -> None:
    cert, key = own_certificate(tmp_path / "own")
    files = {path: path.read_bytes() for path in (cert, key)}
    run = tmp_path / "run"
    tls = cluster.tls_setup(run, (cert, key))
    assert tls == {"cert": str(cert), "key": str(key), "generated": False}
    with nginx_before(stubs, run, tls=tls) as address:
        seen, presented = presented_certificate(address, trusting(cert))
        assert fetch(address, "/", context=trusting(cert)).status == 200
    assert presented == der(cert) and dict(x[0] for x in seen["subject"])["commonName"] == (
        "capaian-given")
    assert not (run / "tls").exists()  # nothing made
    assert {path: path.read_bytes() for path in files} == files  # nor copied or changed
    conf = (run / "nginx" / "nginx.conf").read_text()
    assert f'ssl_certificate "{cert}";' in conf and f'ssl_certificate_key "{key}";' in conf


@pytest.mark.parametrize("generated", [True, False])
def test_down_removes_the_certificate_it_made_and_never_one_it_was_given(
        tmp_path: Path, generated: bool) -> None:
    run = tmp_path / "run"
    run.mkdir()
    tls = cluster.tls_setup(run, None if generated else own_certificate(tmp_path / "own"))
    cluster.write_state(run, {"dir": str(run), "replicas": [], "tls": True, "certificate": tls})
    cluster.down(run)
    assert not (run / "cluster.json").exists()
    assert Path(tls["cert"]).exists() == Path(tls["key"]).exists() == (not generated)


# ------------------------------------------------------------------------------ the template


@pytest.mark.parametrize("public", [False, True])
def test_tls_adds_its_lines_and_ssl_to_listen_and_changes_nothing_else(
        tls_run: tuple[Path, dict], tmp_path: Path, public: bool) -> None:
    upstreams = [9001, 9002]
    plain = cluster.render_nginx(upstreams, "127.0.0.1:9000", public)
    secure = cluster.render_nginx(upstreams, "127.0.0.1:9000", public, tls=tls_run[1])
    directives = "\n".join(line for line in plain.splitlines()
                           if not line.lstrip().startswith("#"))
    for needle in ("ssl", "Strict-Transport-Security", "$capaian_hsts", "497", "{{"):
        assert needle not in directives
    fields = cluster.tls_fields(tls_run[1])
    added = {line.strip() for value in fields.values() for line in value.splitlines()}
    assert len(added) == 9 and all(added)  # the HSTS line is in both fields
    kept = [line for line in secure.splitlines() if line.strip() not in added]
    assert "\n".join(kept).replace("listen 127.0.0.1:9000 ssl;", "listen 127.0.0.1:9000;") == (
        plain.rstrip("\n"))
    hsts_lines = [line for line in secure.splitlines() if line.strip() == cluster.HSTS]
    assert len(hsts_lines) == 5 + (not public)  # http level, and the office's upload location
    # a location with an add_header of its own drops the http level's: each names HSTS again
    for block in locations(secure):
        if any(line.startswith("add_header") for line in block):
            assert cluster.HSTS in block, block[0]
    cluster.check_nginx(cluster.nginx_prefix(tmp_path, secure))  # nginx -t loads the files


def locations(conf: str) -> list[list[str]]:
    """The directives of each ``location`` block of ``conf`` (its first line first)."""
    blocks: list[list[str]] = []
    depth = 0
    for line in (raw.split("#", 1)[0].strip() for raw in conf.splitlines()):
        if line.startswith("location") and line.endswith("{"):
            blocks.append([line])
            depth = 1
        elif depth and line:
            depth += line.count("{") - line.count("}")
            if depth:
                blocks[-1].append(line)
    return blocks


# ------------------------------------------------------------------------------ command line


@pytest.mark.parametrize(("args", "says"), [
    (["--tls", "--cert", "{cert}"], "--cert and --key go together"),
    (["--tls", "--key", "{key}"], "--cert and --key go together"),
    (["--cert", "{cert}", "--key", "{key}"], "--cert and --key go with --tls"),
    (["--tls", "--cert", "{missing}", "--key", "{key}"], "--cert: no file"),
    (["--tls", "--cert", "{cert}", "--key", "{missing}"], "--key: no file"),
])
def test_the_command_line_refuses_a_certificate_without_its_key_or_tls(
        tmp_path: Path, args: list[str], says: str) -> None:
    names = {"cert": tmp_path / "c.pem", "key": tmp_path / "k.pem",
             "missing": tmp_path / "none.pem"}
    names["cert"].write_text("x")
    names["key"].write_text("x")
    done = local_cluster("up", *[a.format(**names) for a in args], run=tmp_path / "run")
    assert done.returncode == 2 and says in done.stderr
    assert not (tmp_path / "run").exists()


# ------------------------------------------------------------------------------ the real cluster


def test_local_cluster_with_tls_serves_the_app_over_https_and_wss_and_stops_clean(
        built: dict, tmp_path: Path) -> None:
    store = accepted_store(tmp_path)
    run = tmp_path / "run"
    try:
        address = cluster_up(run, "--replicas", "2", "--store", "folder", "--tls", store=store)
        assert re.fullmatch(r"https://127\.0\.0\.1:\d+", address)
        record = state(run)
        assert record["tls"] is True and record["address"] == address
        assert record["certificate"] == {"cert": str(run / "tls" / "cert.pem"),
                                         "key": str(run / "tls" / "key.pem"), "generated": True}
        assert stat.S_IMODE(os.stat(record["certificate"]["key"]).st_mode) == 0o600
        shown = local_cluster("status", run=run)
        assert f"address   {address}\n" in shown.stdout
        assert f"tls       on, certificate {run / 'tls' / 'cert.pem'}" in shown.stdout
        assert json.loads(local_cluster("status", "--json", run=run).stdout)["tls"] is True
        assert fetch(address.replace("https:", "http:"), "/").header("location") == address + "/"

        with chromium() as browser:
            context = browser.new_context(ignore_https_errors=True)
            page = context.new_page()
            sockets: list[str] = []
            page.on("websocket", lambda websocket: sockets.append(websocket.url))
            page.goto(address + "/")
            expect(page.get_by_text("v0001").first).to_be_visible(timeout=WAIT)
            expect(page.locator('[data-testid="stVegaLiteChart"] svg .mark-shape path').first
                   ).to_be_attached(timeout=WAIT)
            assert sockets and all(url.startswith(address.replace("https:", "wss:") + "/")
                                   for url in sockets)
            cookie = next(c for c in context.cookies() if c["name"] == AFFINITY)
            assert cookie["secure"] is True and cookie["httpOnly"] is True
            replicas = {f"127.0.0.1:{r['port']}" for r in record["replicas"]}
            assert upstream_of(run, f"affinity={cookie['value']} ") in replicas

        everything = cluster.processes(record)
        everything += cluster.descendants([p["pid"] for p in everything if cluster.alive(p)])
        assert len(running(everything)) >= 4
    finally:
        stopped = local_cluster("down", run=run)
    assert stopped.returncode == 0, stopped.stderr
    assert running(everything) == []
    assert [p for p in cluster.ports(record) if cluster.listening(p)] == []
    assert not (run / "tls").exists() and not (run / "cluster.json").exists()
    assert local_cluster("status", run=run).returncode == 3
