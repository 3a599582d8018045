"""What the cluster tests need: deploy/cluster.py as a module, the command line, plain HTTP
through nginx, stand-in replicas, and what the cluster's logs and metrics say."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import importlib.util
import json
import os
import re
import socket
import ssl
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "deploy" / "local-cluster"
AFFINITY = "capaian_replica"
JS_BODY = b"export function f(a){return a+1};\n" * 600  # 20 KB that gzip shrinks well


def cluster_module():
    """deploy/cluster.py (deploy/ is no package; the start script runs it by path)."""
    spec = importlib.util.spec_from_file_location("capaian_cluster", ROOT / "deploy" / "cluster.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cluster = cluster_module()
static_files = importlib.import_module("static_files")  # deploy/, put on the path by cluster.py


def local_cluster(*args: str, run: Path, env: dict[str, str] | None = None,
                  timeout: float = 300) -> subprocess.CompletedProcess:
    """``deploy/local-cluster --dir RUN ARGS...`` as an operator types it."""
    return subprocess.run([str(CLI), "--dir", str(run), *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, check=False)


def cluster_up(run: Path, *args: str, store: Path) -> str:
    """``local-cluster up ARGS`` with ``CAPAIAN_STORE_DIR=store``, checked to have started;
    the address it printed last."""
    started = local_cluster("up", *args, run=run, env={"CAPAIAN_STORE_DIR": str(store)})
    assert started.returncode == 0, started.stderr
    return started.stdout.strip().splitlines()[-1]


def state(run: Path) -> dict:
    """The cluster's record (``cluster.json``)."""
    return json.loads((run / "cluster.json").read_text(encoding="utf-8"))


class Answer:
    """One HTTP answer: status, headers (lower-case names, all values) and raw body."""

    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            self.headers.setdefault(name.lower(), []).append(value)
        self.body = response.read()

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def new_affinity(self) -> str | None:
        """The affinity cookie nginx set on this answer, if any."""
        for value in self.headers.get("set-cookie", []):
            if value.startswith(f"{AFFINITY}="):
                return value.split(";", 1)[0].split("=", 1)[1]
        return None


def fetch(address: str, path: str, cookie: str | None = None, method: str = "GET",
          body: bytes | None = None, headers: dict[str, str] | None = None,
          context: ssl.SSLContext | None = None) -> Answer:
    """One request to ``address`` (``http://host:port``, or ``https://host:port`` checked
    with ``context``: see ``trusting``), nothing decoded, no redirects."""
    tls = address.startswith("https://")
    host, port = address.removeprefix("https://" if tls else "http://").split(":")
    sent = dict(headers or {})
    if cookie is not None:
        sent["Cookie"] = f"{AFFINITY}={cookie}"
    connection = (http.client.HTTPSConnection(host, int(port), timeout=30, context=context)
                  if tls else http.client.HTTPConnection(host, int(port), timeout=30))
    try:
        connection.request(method, path, body=body, headers=sent)
        return Answer(connection.getresponse())
    finally:
        connection.close()


def trusting(cert: str | Path) -> ssl.SSLContext:
    """A client's TLS settings that trust ``cert`` (a self-signed certificate) and nothing
    else, host names checked."""
    return ssl.create_default_context(cafile=str(cert))


def presented_certificate(address: str, context: ssl.SSLContext) -> tuple[dict, bytes]:
    """The certificate the server at ``https://host:port`` presents (as Python reads it,
    and as DER), checked with ``context``."""
    host, port = address.removeprefix("https://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=host) as tls:
        return tls.getpeercert() or {}, tls.getpeercert(binary_form=True) or b""


def active_sessions(port: int) -> int:
    """Streamlit's ``active_sessions`` of the replica on ``port`` (asked directly)."""
    url = f"http://127.0.0.1:{port}/_stcore/metrics"
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    found = re.search(r"^active_sessions(?:\{[^}]*\})? (\d+)", text, re.MULTILINE)
    assert found, "no active_sessions in the replica's metrics"
    return int(found.group(1))


def upstream_of(run: Path, marker: str) -> str:
    """The replica (``127.0.0.1:PORT``, the last one tried) nginx sent the request whose
    line in the access log contains ``marker`` to."""
    def found() -> list[str]:
        lines = (run / "nginx" / "access.log").read_text().splitlines()
        return [line for line in lines if marker in line]

    # nginx writes a request's line once it has sent the answer: a moment after the client
    # has read it, so a line may lag behind the fetch that made it
    cluster.wait_for(lambda: bool(found()), 10)
    lines = found()
    assert lines, f"no request with {marker} in the access log"
    tried = lines[-1].split("upstream=", 1)[1].split(" rt=", 1)[0]  # "A" or "A, B" (failover)
    return tried.split(",")[-1].strip()


# ------------------------------------------------------------------------------ stand-ins


class StubReplica:
    """A stand-in for one replica: answers every request with its own name (``X-Stub``)
    and records the headers it received; ``/_stcore/stream`` accepts the WebSocket
    upgrade. Responses mimic Streamlit's (bundles immutable, geometry ``public``)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.seen: list[dict[str, str]] = []
        self.connections: list[socket.socket] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go in two writes

            def log_message(self, *args: object) -> None:
                pass

            def setup(self) -> None:
                stub.connections.append(self.request)
                super().setup()

            def do_GET(self) -> None:
                stub.seen.append({k.lower(): v for k, v in self.headers.items()})
                if self.headers.get("Upgrade", "").lower() == "websocket":
                    key = self.headers.get("Sec-WebSocket-Key", "")
                    accept = base64.b64encode(hashlib.sha1(
                        (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
                    self.send_response(101)
                    self.send_header("Upgrade", "websocket")
                    self.send_header("Connection", "Upgrade")
                    self.send_header("Sec-WebSocket-Accept", accept.decode())
                    self.end_headers()
                    self.close_connection = True
                    return
                path = self.path.split("?")[0]
                if path.endswith(".js"):
                    kind, body, cache = ("text/javascript", JS_BODY,
                                         "public, immutable, max-age=31536000")
                elif path.endswith(".json"):
                    kind, body, cache = "application/json", b'{"type":"Topology"}', "public"
                else:
                    kind, body, cache = "text/html", f"<p>{stub.name}</p>".encode(), "no-cache"
                self.send_response(200)
                self.send_header("X-Stub", stub.name)
                self.send_header("Content-Type", kind)
                self.send_header("Cache-Control", cache)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                stub.seen.append({k.lower(): v for k, v in self.headers.items()})
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(200)
                self.send_header("X-Stub", stub.name)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stop as a killed process does: the port refuses connections from now on and
        the open ones (nginx keeps some alive) are closed."""
        self.server.shutdown()
        self.server.server_close()
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()


@contextmanager
def two_stubs() -> Iterator[list[StubReplica]]:
    """Two stand-in replicas, ``a`` and ``b``, stopped on leaving."""
    replicas = [StubReplica("a"), StubReplica("b")]
    try:
        yield replicas
    finally:
        for replica in replicas:
            replica.stop()


@contextmanager
def nginx_before(stubs: list[StubReplica], run: Path, public: bool = False,
                 tls: dict | None = None) -> Iterator[str]:
    """nginx as ``deploy/local-cluster`` runs it, in front of ``stubs`` (with TLS and the
    certificate ``tls``, as ``cluster.tls_setup`` gives it, when given); yields its address."""
    run.mkdir(parents=True, exist_ok=True)
    record: dict = {"replicas": [{"port": stub.port} for stub in stubs], "tls": bool(tls),
                    "certificate": tls}
    try:
        cluster.start_nginx(run, record, public, None)
        yield record["address"]
    finally:
        if record.get("nginx"):
            cluster.stop_group(record["nginx"]["proc"])
