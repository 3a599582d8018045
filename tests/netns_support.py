"""Separate "hosts" on one machine: network namespaces on a bridge, for the separate-host tests.

:func:`separate_hosts` builds, for one test process, a bridge in the root namespace (nginx's and
the browser's side, ``10.231.X.1``) and the namespaces ``db`` (.2), ``app-a`` (.3) and ``app-b``
(.4), each joined to the bridge by a veth pair with ``lo`` up; then PostgreSQL in ``db`` only
(on its bridge address; ``pg_hba`` lets the two app hosts in with scram), one replica in each app
namespace and nginx in the root namespace in front of both. Names carry the test process's id
(``cap<pid>...``) and X is chosen under a lock among the /24s of 10.231.0.0/16 that no address or
route of the root namespace uses, so two test processes never collide. Whatever happens,
everything is stopped and removed again, and a leftover fails the run.

Each app host shares nothing with the other but PostgreSQL, the cookie secret and the settings:
its own store folder (``CAPAIAN_STORE_DIR``: per-replica caches only), its own copy of the built
geometry cache (``CAPAIAN_CACHE_DIR``), its own ``HOME`` and ``TMPDIR``; no upstream copy
(``CAPAIAN_GEO_SOURCE`` unset); and every process it runs sees the checkout read-only (a
read-only bind mount in the mount namespace ``ip netns exec`` makes), as an installed app.

Needs root and iproute2's ``ip`` (CI has both); see :func:`require_netns`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cluster_support import cluster

ROOT = cluster.ROOT
NO_NETNS = "CAPAIAN_NO_NETNS"
NETWORK = "10.231"
LOCK = Path(tempfile.gettempdir()) / "capaian-netns.lock"
PG_PORT = 5432
HOST_NUMBERS = {"db": 2, "app-a": 3, "app-b": 4}
APP_PORTS = {"app-a": 8501, "app-b": 8502}  # distinct: app-a's loopback must not have app-b's
STALE = re.compile(r"^cap(\d+)(?:br|[vn][dab]|-db|-app-[ab])$")
# Run in the host's mount namespace (``ip netns exec`` makes one): the checkout read-only, then
# the command from inside it (a cwd opened before the mount would still be writable).
READ_ONLY = ('code=$1; shift; mount --bind "$code" "$code" && '
             'mount -o remount,bind,ro "$code" && cd "$code" && exec "$@"')
PROBE = """
import json, socket, sys
found = []
for host, port in json.loads(sys.argv[1]):
    try:
        socket.create_connection((host, port), timeout=3).close()
        found.append(True)
    except OSError:
        found.append(False)
print(json.dumps(found))
"""


def ip_bin() -> str | None:
    """iproute2's ``ip``, or None."""
    return shutil.which("ip") or next(
        (p for p in ("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip") if Path(p).is_file()), None)


def require_netns() -> str:
    """``ip``'s path when this process can make network namespaces; else the test fails
    (or is skipped when ``CAPAIAN_NO_NETNS=1``)."""
    found = ip_bin()
    problem = ("needs root to make network namespaces" if os.geteuid() != 0
               else None if found else "needs iproute2's ip (apt-get install iproute2)")
    if problem is None:
        return str(found)
    if os.environ.get(NO_NETNS) == "1":
        pytest.skip(f"separate hosts: {problem} ({NO_NETNS}=1)")
    pytest.fail(f"separate hosts: {problem}; CI runs as root with ip. Set {NO_NETNS}=1 to skip "
                "these tests on a machine that cannot", pytrace=False)


def ip(*args: str, check: bool = True) -> str:
    """``ip ARGS``; a failure raises with ip's message."""
    done = subprocess.run([require_netns(), *args], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"ip {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


# ------------------------------------------------------------------------------ hosts


@dataclass
class Host:
    """One "machine": a network namespace on the bridge, its folder and environment."""

    name: str
    netns: str
    address: str
    link: str  # its veth end in the root namespace, on the bridge
    folder: Path | None = None
    env: dict[str, str] = field(default_factory=dict)

    def command(self, argv: list[str], read_only: bool = True) -> list[str]:
        """``argv`` run on this host (the checkout read-only unless ``read_only`` is False)."""
        inner = ["sh", "-c", READ_ONLY, self.name, str(ROOT), *argv] if read_only else argv
        return [require_netns(), "netns", "exec", self.netns, *inner]

    def run(self, argv: list[str], timeout: float = 300, read_only: bool = True
            ) -> subprocess.CompletedProcess:
        """Run ``argv`` on this host with its environment; output captured."""
        return subprocess.run(self.command(argv, read_only), cwd=ROOT, env=self.env or None,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def python(self, script: str, *args: str) -> dict:
        """Run ``script`` with the repository's Python on this host; its last line, as JSON."""
        done = self.run([sys.executable, "-c", script, *args])
        assert done.returncode == 0, f"on {self.name}: {done.stderr[-3000:]}"
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    def reaches(self, *targets: tuple[str, int]) -> list[bool]:
        """Whether a TCP connection from this host to each ``(address, port)`` is accepted."""
        done = self.run([sys.executable, "-I", "-c", PROBE, json.dumps(targets)], 60,
                        read_only=False)
        assert done.returncode == 0, done.stderr
        return list(json.loads(done.stdout))

    def netns_id(self) -> int:
        """The inode of this host's network namespace."""
        return os.stat(f"/run/netns/{self.netns}").st_ino

    def cut(self) -> None:
        """Pull this host's cable: its side of the veth pair down."""
        ip("-n", self.netns, "link", "set", "eth0", "down")

    def reconnect(self) -> None:
        """Plug it back in."""
        ip("-n", self.netns, "link", "set", "eth0", "up")


def netns_of(pid: int) -> int:
    """The inode of the network namespace process ``pid`` is in."""
    return os.stat(f"/proc/{pid}/ns/net").st_ino


@dataclass
class Network:
    """The bridge and the hosts on it."""

    tag: str
    bridge: str
    subnet: str  # "10.231.X"
    hosts: dict[str, Host]

    @property
    def gateway(self) -> str:
        """The bridge's address (the root namespace: nginx and the browser)."""
        return f"{self.subnet}.1"


def _used_subnets() -> set[int]:
    listed = ip("-4", "-o", "addr", "show") + ip("-4", "route", "show", "table", "all")
    return {int(x) for x in re.findall(rf"\b{re.escape(NETWORK)}\.(\d+)\.", listed)}


def _pid_alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def sweep_stale() -> list[str]:
    """Remove bridges, veths and namespaces an earlier, killed test process left behind
    (names ``cap<pid>...`` whose process is gone); the names removed."""
    gone = []
    names = [line.split()[0] for line in ip("netns", "list").splitlines() if line.strip()]
    links = [m.group(1) for m in re.finditer(r"^\d+: ([^:@]+)", ip("-o", "link", "show"),
                                             re.MULTILINE)]
    for name in [*links, *names]:
        found = STALE.match(name)
        if found and not _pid_alive(int(found.group(1))):
            ip("netns" if "-" in name else "link", "del", name, check=False)
            gone.append(name)
    return gone


def leftovers(tag: str) -> list[str]:
    """Namespaces and links whose names start with ``tag``."""
    names = [line.split()[0] for line in ip("netns", "list").splitlines() if line.strip()]
    links = re.findall(r"^\d+: ([^:@]+)", ip("-o", "link", "show"), re.MULTILINE)
    return [n for n in [*names, *links] if n.startswith(tag)]


@contextlib.contextmanager
def network(names: tuple[str, ...] = ("db", "app-a", "app-b")) -> Iterator[Network]:
    """The bridge and one namespace per name (see the module docstring); removed on exit."""
    require_netns()
    sweep_stale()
    tag = f"cap{os.getpid()}"
    bridge = f"{tag}br"
    made: list[tuple[str, str]] = []  # ("link"|"netns", name), deleted in reverse
    try:
        with LOCK.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # choosing a subnet and taking it is one step
            used = _used_subnets()
            free = [x for x in (16 + (os.getpid() + i) % 224 for i in range(224)) if x not in used]
            assert free, f"every {NETWORK}.X.0/24 is in use here"
            subnet = f"{NETWORK}.{free[0]}"
            ip("link", "add", bridge, "type", "bridge")
            made.append(("link", bridge))
            ip("addr", "add", f"{subnet}.1/24", "dev", bridge)
            ip("link", "set", bridge, "up")
        hosts = {}
        for name in names:
            host = Host(name, f"{tag}-{name}", f"{subnet}.{HOST_NUMBERS[name]}",
                        f"{tag}v{name[-1] if name.startswith('app-') else name[0]}")
            ip("netns", "add", host.netns)
            made.append(("netns", host.netns))
            inside = f"{tag}n{host.link[-1]}"
            ip("link", "add", host.link, "type", "veth", "peer", "name", inside)
            made.append(("link", host.link))
            ip("link", "set", inside, "netns", host.netns)
            ip("-n", host.netns, "link", "set", inside, "name", "eth0")
            ip("-n", host.netns, "addr", "add", f"{host.address}/24", "dev", "eth0")
            for link in ("lo", "eth0"):
                ip("-n", host.netns, "link", "set", link, "up")
            ip("link", "set", host.link, "master", bridge, "up")
            hosts[name] = host
        yield Network(tag, bridge, subnet, hosts)
    finally:
        for kind, name in reversed(made):  # a veth goes with its pair, at once
            ip(kind, "del", name, check=False)
        left = leftovers(tag)
        assert not left, f"left behind: {left}"


# ------------------------------------------------------------------------------ programs


def start_postgres(host: Host, clients: list[Host]) -> dict:
    """A throwaway PostgreSQL on ``host`` only (its bridge address, port 5432; a database
    ``capaian``); ``clients`` may connect with the password (scram). A record that
    ``cluster.stop_postgres`` takes, with ``url`` (host's address, no loopback)."""
    folder, password = cluster.pg_folder(), secrets.token_hex(16)
    record = {"folder": str(folder), "data": str(folder / "data"), "proc": None,
              "url": f"postgresql+psycopg://{cluster.PG_USER}:{password}@{host.address}:"
                     f"{PG_PORT}/{cluster.PG_DB}"}
    try:
        data = cluster.init_postgres(folder, password)
        with (data / "pg_hba.conf").open("a", encoding="utf-8") as hba:
            for client in clients:
                hba.write(f"host all {cluster.PG_USER} {client.address}/32 scram-sha-256\n")
        options = f"-k {folder} -h {host.address} -p {PG_PORT}"
        cluster.run_quiet(host.command(cluster.as_server_user(
            [cluster.pg_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w",
             "-t", "60", "-o", options, "start"]), read_only=False), "pg_ctl start", folder)
        record["proc"] = cluster.record(int((data / "postmaster.pid").read_text().split()[0]))
        cluster.run_quiet(host.command([cluster.pg_bin("createdb"), "-h", str(folder), "-p",
                                        str(PG_PORT), "-U", cluster.PG_USER, cluster.PG_DB],
                                       read_only=False),
                          "createdb", folder, {**os.environ, "PGPASSWORD": password})
    except BaseException:
        cluster.stop_postgres(record)
        raise
    return record


def host_env(host: Host, folder: Path, run: Path, store_url: str) -> dict[str, str]:
    """The environment of ``host``'s processes, with its own folders under ``folder``
    (the built geometry cache copied in) and the cluster's cookie secret and store."""
    from utils.geo.cache_record import cache_dir

    env = cluster.replica_env(run, {"store_url": store_url})
    for name in ("CAPAIAN_GEO_SOURCE", "CAPAIAN_MODE", "CAPAIAN_CACHE_DIR", "CAPAIAN_STORE_DIR"):
        env.pop(name, None)
    own = {name: folder / name for name in ("store", "home", "tmp")}
    for path in own.values():
        path.mkdir(parents=True)
    shutil.copytree(cache_dir(), folder / "cache")
    env.update(CAPAIAN_STORE_DIR=str(own["store"]), CAPAIAN_CACHE_DIR=str(folder / "cache"),
               HOME=str(own["home"]), TMPDIR=str(own["tmp"]), CAPAIAN_REPLICA=host.name,
               PYTHONDONTWRITEBYTECODE="1")
    return env


def start_replica(host: Host, port: int, run: Path) -> dict:
    """``host``'s replica as deploy/cluster.py starts one, on all of the host's addresses
    (``0.0.0.0``: its bridge address and its own loopback) at ``port``."""
    command = cluster.replica_command(port, False, None)
    command[command.index("--server.address") + 1] = "0.0.0.0"
    log = run / f"{host.name}.log"
    popen = cluster.spawn(host.command(command), log, host.env)
    return {"host": host.name, "port": port, "address": f"{host.address}:{port}", "log": str(log),
            "proc": cluster.record(popen.pid), "popen": popen}


def start_nginx(run: Path, upstreams: list[str]) -> dict:
    """nginx from deploy/nginx.conf.template in the root namespace, on a free loopback port,
    in front of ``upstreams`` (``address:port``; each port once)."""
    ports = [int(u.rsplit(":", 1)[1]) for u in upstreams]
    port = cluster.free_port()
    conf = cluster.render_nginx(ports, f"127.0.0.1:{port}", False)
    for upstream, upstream_port in zip(upstreams, ports, strict=True):
        line = f"server 127.0.0.1:{upstream_port} "
        assert conf.count(line) == 1, f"nginx.conf.template: no one `{line}` line"
        conf = conf.replace(line, f"server {upstream} ")
    prefix = cluster.nginx_prefix(run, conf)
    cluster.check_nginx(prefix)
    popen = cluster.spawn(cluster.nginx_command(prefix), prefix / "nginx.out", cwd=prefix)
    proc = cluster.record(popen.pid)
    record = {"port": port, "address": f"http://127.0.0.1:{port}", "proc": proc, "popen": popen}
    cluster.wait_healthy(f"{record['address']}/_stcore/health", proc, "nginx",
                         prefix / "error.log", 30)
    return record


def stop(records: list[dict]) -> None:
    """Stop each started program's process group and reap it (and whatever it started)."""
    below = cluster.descendants([r["proc"]["pid"] for r in records if cluster.alive(r["proc"])])
    for record in records:
        cluster.stop_group(record["proc"])
        if record.get("popen"):
            record["popen"].wait(10)
    for proc in below:
        if cluster.alive(proc):
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc["pid"], signal.SIGKILL)
    cluster.wait_for(lambda: not any(cluster.alive(p) for p in below), cluster.STOP_TIMEOUT)
    left = [p["pid"] for p in [*(r["proc"] for r in records), *below] if cluster.alive(p)]
    assert not left, f"still running: {left}"


@dataclass
class Site:
    """Everything :func:`separate_hosts` started."""

    network: Network
    run: Path
    postgres: dict
    replicas: dict[str, dict]  # by host name
    nginx: dict

    @property
    def address(self) -> str:
        """nginx's address (the root namespace's loopback)."""
        return str(self.nginx["address"])

    @property
    def store_url(self) -> str:
        """The database every app host shares."""
        return str(self.postgres["url"])

    def host(self, name: str) -> Host:
        """The host called ``name``."""
        return self.network.hosts[name]


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM (a CI job's timeout) interrupts like Ctrl-C, so that what was
    started is still stopped and removed; a second one is ignored until the cleanup ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, _frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def separate_hosts(folder: Path) -> Iterator[Site]:
    """The network, PostgreSQL on ``db``, a replica on each app host and nginx in the root
    namespace (folders and logs under ``folder``); all stopped and removed on exit (also
    after Ctrl-C or SIGTERM)."""
    run = folder / "run"
    run.mkdir(mode=0o700, parents=True)
    with terminate_as_interrupt(), network() as net:
        apps = [net.hosts["app-a"], net.hosts["app-b"]]
        started: list[dict] = []
        postgres: dict | None = None
        try:
            postgres = start_postgres(net.hosts["db"], apps)
            for host in apps:
                host.folder = folder / host.name
                host.env = host_env(host, host.folder, run, postgres["url"])
            replicas = {h.name: start_replica(h, APP_PORTS[h.name], run) for h in apps}
            started += replicas.values()
            for name, replica in replicas.items():
                cluster.wait_healthy(f"http://{replica['address']}/_stcore/health",
                                     replica["proc"], f"replica on {name}", Path(replica["log"]))
            nginx = start_nginx(run, [r["address"] for r in replicas.values()])
            started.insert(0, nginx)
            yield Site(net, run, postgres, replicas, nginx)
        finally:
            try:
                stop(started)
            finally:
                if postgres is not None:
                    cluster.stop_postgres(postgres)
                    assert not (postgres["proc"] and cluster.alive(postgres["proc"]))
