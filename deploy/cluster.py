"""A whole Capaian cluster on loopback: PostgreSQL, N Streamlit replicas and nginx in front.

Run it through ``deploy/local-cluster`` (the repository's ``.venv`` Python)::

    deploy/local-cluster up [--replicas N] [--public] [--port P] [--secrets FILE]
                            [--tls [--cert FILE --key FILE]] [--dir DIR]
    deploy/local-cluster status [--json] [--dir DIR]
    deploy/local-cluster down [--dir DIR]
    deploy/local-cluster static

``up`` starts PostgreSQL (a throwaway cluster made with ``initdb``, password
authentication, loopback only), N replicas of the app (``streamlit run app.py``, or
``deploy/run-public.sh`` with ``--public``) with the settings of ``deploy/replica.toml``
and one cookie secret generated for the cluster, then nginx rendered from
``deploy/nginx.conf.template``. It returns once every replica and nginx answer, and
prints nginx's address as its last line. Every process runs as the current user, in
its own process group, with its log in the run folder (``--dir``, default
``$CAPAIAN_CLUSTER_DIR`` or ``<tmp>/capaian-cluster-<uid>``); ``cluster.json`` there
records each process's id and start time, so ``down`` stops exactly these processes and
nothing else. PostgreSQL's files live in a temporary folder of their own (short, for its
socket's path), removed by ``down``; PostgreSQL refuses to run as root, so as root that
folder belongs to ``nobody`` and ``initdb``/``pg_ctl`` run as ``nobody``.

The replicas share the cluster's PostgreSQL as their store (``CAPAIAN_STORE_URL``
passed to each; an outside URL in the environment wins), or with ``--store folder``
the folder store of this machine (``CAPAIAN_STORE_DIR``, else ``data/store``).
``status`` prints the cluster's PostgreSQL URL.

With ``--tls`` nginx terminates TLS (TLSv1.2/1.3; HTTP/1.1: Debian's nginx 1.22 has no
``http2 on``) and ``up`` prints an ``https://`` address. nginx presents ``--cert``/``--key``
as they are, else a self-signed certificate for 127.0.0.1 and localhost (P-256, 30 days) that
``up`` makes with ``openssl`` in ``RUN/tls`` (key mode 0600; ``down`` removes it). Over https
nginx sends ``Strict-Transport-Security`` and marks the affinity cookie ``Secure``; plain HTTP
sent to its port is redirected (301) to https.

nginx serves Streamlit's static files itself, from a copy with each compressible file
also stored as ``.br`` (``brotli -q 11``, when Debian's ``brotli`` is installed) and ``.gz``
(level 9): built once per Streamlit install under ``<tmp>/capaian-static-<uid>`` (the first
``up`` spends about a minute of CPU on it, beside the replicas' start), then reused; in
that copy the icon font holds only the icons the app and Streamlit can show and the text
fonts only the Latin scripts (deploy/static_files.py). ``static`` builds it and prints its
folder (for nginx on machines of your own).

Exit codes: 0 done; 1 failed (one line on stderr; ``up`` stops what it had started);
2 bad arguments; 3 (``status``) no cluster running.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # deploy/ is no package: its modules import each other by name
from static_files import StaticFilesError, precompress_static, streamlit_static  # noqa: E402

ROOT = HERE.parent
STATE = "cluster.json"
SECRET_FILE = "cookie_secret"
START_TIMEOUT = 180.0  # seconds for one replica to answer (a cold machine builds caches first)
STOP_TIMEOUT = 20.0
PG_USER = "capaian"
PG_DB = "capaian"
NGINX_MODULES = Path("/usr/lib/nginx/modules")
BROTLI_MODULES = ("ngx_http_brotli_filter_module.so", "ngx_http_brotli_static_module.so")
# On the fly (pages, JSON, what is not on disk): level 5 compresses Streamlit's first-visit
# JavaScript to 1.14 MB at ~9 MB/s a core; 11 gives 1.03 MB at 0.3 MB/s (gzip 6: 1.22 MB).
BROTLI = ("brotli on;", "brotli_comp_level 5;", "brotli_min_length 1024;", "brotli_static on;",
          "brotli_types text/css text/javascript application/javascript application/json "
          "application/manifest+json image/svg+xml text/plain;")
TLS_DIR = "tls"  # the generated certificate and key, in the run folder
CERT_DAYS = 30
HSTS = "add_header Strict-Transport-Security $capaian_hsts always;"
TLS = ("ssl_protocols TLSv1.2 TLSv1.3;",
       "ssl_session_cache shared:capaian_tls:10m;  # about 40 000 sessions",
       "ssl_session_timeout 1d;",
       "ssl_session_tickets off;  # resumed from the cache: ticket keys would never rotate",
       'map $scheme $capaian_hsts { https "max-age=31536000"; default ""; }', HSTS,
       "error_page 497 =301 https://$host:$server_port$request_uri;  # plain HTTP to this port")
OPTIONAL_FIELDS = ("tls", "hsts")  # a line holding only one of them, empty, is left out


class ClusterError(RuntimeError):
    """Something the cluster could not do; the message is for the operator."""


# ------------------------------------------------------------------------------ processes


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_time(pid: int) -> int | None:
    """The kernel's start time of ``pid`` (clock ticks since boot); None when gone or a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return None if fields[0] in ("Z", "X") else int(fields[19])


def alive(proc: dict) -> bool:
    """Whether the recorded process (``{"pid", "start"}``) still runs (not a reused id)."""
    return bool(proc.get("pid")) and start_time(proc["pid"]) == proc.get("start")


def descendants(pids: list[int]) -> list[dict]:
    """Every live process below ``pids`` (PostgreSQL's backends leave its process group)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], list(pids)
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(record(child))
            todo.append(child)
    return [proc for proc in found if proc["start"] is not None]


def record(pid: int) -> dict:
    """What ``down`` needs to find ``pid`` again, and only it."""
    return {"pid": pid, "start": start_time(pid)}


def spawn(command: list[str], log: Path, env: dict[str, str] | None = None,
          cwd: Path = ROOT) -> subprocess.Popen:
    """Start ``command`` in a process group of its own, output to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop_group(proc: dict, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM the process group led by the recorded process, then SIGKILL what is left."""
    if not alive(proc):
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc["pid"], sig)
        if wait_for(lambda: not alive(proc), timeout):
            return
    raise ClusterError(f"process {proc['pid']} did not stop")


def wait_for(condition: Callable[[], bool], timeout: float, step: float = 0.2) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(step)


def loopback_tls() -> ssl.SSLContext:
    """TLS to our own nginx on loopback: its certificate is not checked (``--cert`` may
    name another host)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def answers(url: str) -> bool:
    """Whether ``url`` answers 200 right now (``https://``: see ``loopback_tls``)."""
    context = loopback_tls() if url.startswith("https://") else None
    try:
        with urllib.request.urlopen(url, timeout=2, context=context) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def wait_healthy(url: str, proc: dict, what: str, log: Path,
                 timeout: float = START_TIMEOUT) -> None:
    """Wait until ``url`` answers 200; fail at once if the process died."""
    def ready() -> bool:
        if not alive(proc):
            raise ClusterError(f"{what} exited; see {log}")
        return answers(url)

    if not wait_for(ready, timeout, 0.3):
        raise ClusterError(f"{what} did not answer {url} within {timeout:.0f} s; see {log}")


def listening(port: int) -> bool:
    """Whether anything accepts connections on 127.0.0.1:``port``."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


# ------------------------------------------------------------------------------ state


def default_dir() -> Path:
    """The run folder when ``--dir`` is not given."""
    configured = os.environ.get("CAPAIAN_CLUSTER_DIR")
    return Path(configured) if configured else (
        Path(tempfile.gettempdir()) / f"capaian-cluster-{os.getuid()}")


def read_state(run: Path) -> dict | None:
    """The cluster recorded in ``run``, or None."""
    try:
        return dict(json.loads((run / STATE).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def write_state(run: Path, state: dict) -> None:
    """Record ``state`` atomically (``down`` reads it even after a failed ``up``)."""
    partial = run / f"{STATE}.part"
    partial.write_text(json.dumps(state, indent=1), encoding="utf-8")
    partial.replace(run / STATE)


def processes(state: dict) -> list[dict]:
    """Every process the cluster recorded."""
    found = [r["proc"] for r in state.get("replicas", [])]
    found += [state[k]["proc"] for k in ("nginx", "postgres") if state.get(k, {}).get("proc")]
    return found


def ports(state: dict) -> list[int]:
    """Every port the cluster listens on."""
    found = [r["port"] for r in state.get("replicas", [])]
    return found + [state[k]["port"] for k in ("nginx", "postgres") if state.get(k)]


# ------------------------------------------------------------------------------ PostgreSQL


def pg_bin(name: str) -> str:
    """A PostgreSQL program: on PATH, else Debian's newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if not candidates:
        raise ClusterError(f"PostgreSQL's {name} not found: install Debian's postgresql")
    return str(candidates[-1])


def as_server_user(command: list[str]) -> list[str]:
    """``command`` as the user PostgreSQL runs as: ourselves, or ``nobody`` when root."""
    return ["runuser", "-u", "nobody", "--", *command] if os.getuid() == 0 else command


def pg_folder() -> Path:
    """A folder of its own for the database (short: its socket path must fit 107 bytes),
    owned by ``nobody`` when we are root."""
    folder = Path(tempfile.mkdtemp(prefix="capaian-pg-"))
    if os.getuid() == 0:
        nobody = int(subprocess.run(["id", "-u", "nobody"], capture_output=True, text=True,
                                    check=True).stdout)
        os.chown(folder, nobody, -1)
    return folder


def run_quiet(command: list[str], what: str, cwd: Path, env: dict[str, str] | None = None
              ) -> None:
    """Run ``command``; a failure raises with the end of its output."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise ClusterError(f"{what} failed: {' | '.join(tail)}")


def init_postgres(folder: Path, password: str) -> Path:
    """``initdb`` into ``folder/data``: superuser ``capaian`` with ``password`` (scram)."""
    pwfile = folder / "pwfile"
    pwfile.write_text(password + "\n", encoding="utf-8")
    os.chown(pwfile, os.stat(folder).st_uid, -1)  # nobody's, when we are root
    pwfile.chmod(0o600)
    data = folder / "data"
    try:
        run_quiet(as_server_user([pg_bin("initdb"), "-D", str(data), "-U", PG_USER, "--pwfile",
                                  str(pwfile), "--auth=scram-sha-256", "-E", "UTF8",
                                  "--no-locale", "-N"]), "initdb", folder)
    finally:
        pwfile.unlink()
    return data


def start_postgres(run: Path, state: dict) -> None:
    """A throwaway PostgreSQL on 127.0.0.1 (password auth) with a database ``capaian``."""
    folder, port, password = pg_folder(), free_port(), secrets.token_hex(16)
    state["postgres"] = {"folder": str(folder), "data": str(folder / "data"), "port": port,
                         "proc": None, "url": f"postgresql+psycopg://{PG_USER}:{password}"
                                              f"@127.0.0.1:{port}/{PG_DB}"}
    write_state(run, state)
    data = init_postgres(folder, password)
    run_quiet(as_server_user([pg_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
                              "-w", "-t", "60", "-o", f"-k {folder} -h 127.0.0.1 -p {port}",
                              "start"]), "pg_ctl start", folder)
    state["postgres"]["proc"] = record(int((data / "postmaster.pid").read_text().split()[0]))
    write_state(run, state)
    run_quiet([pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", PG_USER, PG_DB],
              "createdb", folder, {**os.environ, "PGPASSWORD": password})


def stop_postgres(pg: dict) -> None:
    """``pg_ctl stop -m fast``; then the postmaster's group if it is still there; then its files."""
    data = Path(pg["data"])
    if pg.get("proc") and alive(pg["proc"]):
        subprocess.run(as_server_user([pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                                       "-t", "30", "stop"]), cwd=pg["folder"],
                       capture_output=True, check=False)
        if alive(pg["proc"]):
            stop_group(pg["proc"])
    shutil.rmtree(pg["folder"], ignore_errors=True)


# ------------------------------------------------------------------------------ replicas


def replica_flags(path: Path = HERE / "replica.toml") -> list[str]:
    """``deploy/replica.toml`` as ``streamlit run`` flags (``--server.headless=true`` ...)."""
    settings = tomllib.loads(path.read_text(encoding="utf-8"))
    flags = []
    for section, options in settings.items():
        for name, value in options.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags.append(f"--{section}.{name}={text}")
    return flags


def cookie_secret(run: Path) -> str:
    """The cluster's cookie secret (generated once, kept in the run folder, mode 0600)."""
    path = run / SECRET_FILE
    if not path.is_file():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip()


def replica_command(port: int, public: bool, secrets_file: Path | None) -> list[str]:
    """The command line of one replica."""
    where = ["--server.port", str(port), "--server.address", "127.0.0.1", *replica_flags()]
    if secrets_file:
        where += ["--secrets.files", str(secrets_file)]
    if public:
        return [str(HERE / "run-public.sh"), *where]
    return [sys.executable, "-m", "streamlit", "run", "app.py", *where]


def replica_env(run: Path, state: dict) -> dict[str, str]:
    """The environment every replica gets: this one, the cluster's cookie secret, the
    store they share (``state["store_url"]``: the cluster's PostgreSQL unless
    ``--store folder``) and a name for the audit log."""
    env = dict(os.environ)
    env["STREAMLIT_SERVER_COOKIE_SECRET"] = cookie_secret(run)
    env["PYTHON"] = sys.executable  # deploy/run-public.sh
    if state.get("store_url"):
        env["CAPAIAN_STORE_URL"] = state["store_url"]
    else:
        env.pop("CAPAIAN_STORE_URL", None)
    return env


def start_replicas(run: Path, state: dict, count: int, public: bool,
                   secrets_file: Path | None) -> None:
    """Start ``count`` replicas, then wait until each answers ``/_stcore/health``."""
    env = replica_env(run, state)
    for index in range(count):
        port = free_port()
        log = run / f"replica-{index + 1}.log"
        proc = spawn(replica_command(port, public, secrets_file), log,
                     {**env, "CAPAIAN_REPLICA": f"replica-{index + 1}:{port}"})
        state["replicas"].append({"port": port, "proc": record(proc.pid), "log": str(log)})
        write_state(run, state)
    for index, replica in enumerate(state["replicas"]):
        wait_healthy(f"http://127.0.0.1:{replica['port']}/_stcore/health", replica["proc"],
                     f"replica {index + 1}", Path(replica["log"]))


def prepare_caches() -> None:
    """Build the boundary caches and demo data once, before any replica starts (N
    replicas starting on a fresh machine would otherwise all build them at once)."""
    sys.path.insert(0, str(ROOT))
    from utils import demo
    from utils.geo import cache_record

    if cache_record.is_fresh() and demo.DEMO_CSV.is_file():
        return
    for module in ("utils.geo", "utils.demo"):
        command = [sys.executable, "-m", module] + (["build"] if module == "utils.geo" else [])
        if subprocess.run(command, cwd=ROOT, stdout=sys.stderr, check=False).returncode:
            raise ClusterError(f"{' '.join(command[2:])} failed (see above)")


def brotli_fields(brotli: bool | None = None) -> dict[str, str]:
    """The template's ``load_modules`` and ``brotli`` fields: Debian's brotli modules when
    both are installed (``brotli=None``) or asked for, else empty (gzip only)."""
    modules = [NGINX_MODULES / name for name in BROTLI_MODULES]
    if brotli is None:
        brotli = all(module.is_file() for module in modules)
    if not brotli:
        return {"load_modules": "", "brotli": ""}
    return {"load_modules": "\n".join(f"load_module {module};" for module in modules),
            "brotli": "\n    ".join(BROTLI)}


# ------------------------------------------------------------------------------ TLS


def make_certificate(folder: Path, days: int = CERT_DAYS) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (P-256, valid ``days``) made
    by Debian's ``openssl``: ``folder/cert.pem`` and ``folder/key.pem`` (mode 0600)."""
    openssl = shutil.which("openssl")
    if not openssl:
        raise ClusterError("openssl not found: install Debian's openssl")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    key.unlink(missing_ok=True)
    os.close(os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # 0600 from the start
    run_quiet([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
               "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out", str(cert),
               "-days", str(days), "-subj", "/CN=127.0.0.1",
               "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], "openssl req", folder)
    key.chmod(0o600)
    return cert, key


def tls_setup(run: Path, given: tuple[Path, Path] | None) -> dict:
    """The certificate nginx presents: ``given`` (certificate, key) as they are, else one
    made in ``run/tls``."""
    if given:
        return {"cert": str(given[0]), "key": str(given[1]), "generated": False}
    cert, key = make_certificate(run / TLS_DIR)
    return {"cert": str(cert), "key": str(key), "generated": True}


def tls_fields(tls: dict | None) -> dict[str, str]:
    """The template's ``tls`` and ``hsts`` fields for the certificate ``tls`` (``{"cert",
    "key"}``); both empty without TLS (their lines are then left out)."""
    if not tls:
        return {"tls": "", "hsts": ""}
    files = (f'ssl_certificate "{tls["cert"]}";', f'ssl_certificate_key "{tls["key"]}";')
    return {"tls": "\n    ".join((*files, *TLS)), "hsts": HSTS}


# ------------------------------------------------------------------------------ nginx


def nginx_bin() -> str:
    """Debian's nginx."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file()
                                      else None)
    if not found:
        raise ClusterError("nginx not found: install Debian's nginx-light")
    return found


def render_nginx(upstreams: list[int], listen: str, public: bool, workers: str = "1",
                 static_root: Path | None = None, brotli: bool | None = None,
                 tls: dict | None = None) -> str:
    """``deploy/nginx.conf.template`` filled in for replicas on loopback ports ``upstreams``,
    Streamlit's static files from ``static_root`` (default: Streamlit's own folder),
    brotli when its modules are installed (``brotli=None``) or asked for, and TLS on
    ``listen`` with the certificate ``tls`` (``{"cert", "key"}``) when given."""
    servers = "\n        ".join(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;"
                                for port in upstreams)
    rules = (HERE / ("nginx-public.conf" if public else "nginx-internal.conf")).read_text()
    fields = {"listen": f"{listen} ssl" if tls else listen, "servers": servers,
              "worker_processes": workers, "mode_rules": rules.rstrip("\n"),
              "static_root": str(static_root or streamlit_static()), **brotli_fields(brotli),
              **tls_fields(tls)}
    template = (HERE / "nginx.conf.template").read_text(encoding="utf-8")
    lines = []  # the mode's rules first, so that their own fields ({{hsts}}) are filled too
    for line in template.replace("\n{{mode_rules}}\n", f"\n{fields.pop('mode_rules')}\n"
                                 ).splitlines():
        field = line.strip()[2:-2]
        if field in OPTIONAL_FIELDS and line.strip() == "{{" + field + "}}" and not fields[field]:
            continue  # without TLS, the configuration as it was before TLS
        if not line.lstrip().startswith("#"):  # the header's comments name the fields
            for name, value in fields.items():
                line = line.replace("{{" + name + "}}", value)
            if "{{" in line:
                raise ClusterError(f"nginx.conf.template: a field nobody filled: {line.strip()}")
        lines.append(line)
    return "\n".join(lines) + "\n"


def nginx_prefix(run: Path, conf: str) -> Path:
    """Write the rendered configuration into ``run/nginx`` (with its temp folders)."""
    prefix = run / "nginx"
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    (prefix / "nginx.conf").write_text(conf, encoding="utf-8")
    return prefix


def nginx_command(prefix: Path) -> list[str]:
    """nginx in the foreground (its master in our process group) with ``prefix``'s files."""
    return [nginx_bin(), "-p", f"{prefix}/", "-c", "nginx.conf", "-e", "error.log",
            "-g", "daemon off;"]


def check_nginx(prefix: Path) -> None:
    """``nginx -t`` on the rendered configuration."""
    run_quiet([*nginx_command(prefix)[:-2], "-t"], "nginx -t", prefix)


def start_nginx(run: Path, state: dict, public: bool, port: int | None) -> None:
    """nginx in front of the replicas (TLS with ``state["certificate"]`` when
    ``state["tls"]``); waits until it answers ``/_stcore/health``."""
    port = port or free_port()
    static = Path(state["static"]) if state.get("static") else None
    tls = state.get("certificate") if state.get("tls") else None
    conf = render_nginx([r["port"] for r in state["replicas"]], f"127.0.0.1:{port}", public,
                        static_root=static, tls=tls)
    prefix = nginx_prefix(run, conf)
    check_nginx(prefix)
    log = prefix / "nginx.out"
    proc = spawn(nginx_command(prefix), log, cwd=prefix)
    state["nginx"] = {"port": port, "proc": record(proc.pid), "prefix": str(prefix)}
    state["address"] = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    write_state(run, state)
    wait_healthy(f"{state['address']}/_stcore/health", state["nginx"]["proc"], "nginx",
                 prefix / "error.log", 30)


# ------------------------------------------------------------------------------ commands


def is_running(state: dict | None) -> bool:
    """Whether any recorded process of the cluster still runs."""
    return bool(state) and any(alive(p) for p in processes(state or {}))


def down(run: Path) -> None:
    """Stop nginx, the replicas and PostgreSQL (in that order) and forget the cluster."""
    state = read_state(run)
    if state is None:
        return
    below = descendants([p["pid"] for p in processes(state) if alive(p)])
    if state.get("nginx", {}).get("proc"):
        stop_group(state["nginx"]["proc"])
    for replica in state.get("replicas", []):
        stop_group(replica["proc"])
    if state.get("postgres"):
        stop_postgres(state["postgres"])
    for proc in below:  # anything a process started in a session of its own
        if alive(proc):
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc["pid"], signal.SIGKILL)
    wait_for(lambda: not any(alive(p) for p in below), STOP_TIMEOUT)
    left = [p["pid"] for p in [*processes(state), *below] if alive(p)]
    if left:
        raise ClusterError(f"still running: {left}")
    (run / STATE).unlink(missing_ok=True)
    (run / SECRET_FILE).unlink(missing_ok=True)
    if (state.get("certificate") or {}).get("generated"):  # never a --cert/--key of the operator
        shutil.rmtree(run / TLS_DIR, ignore_errors=True)


def up(run: Path, replicas: int, public: bool, port: int | None,
       secrets_file: Path | None, store: str = "postgres", tls: bool = False,
       certificate: tuple[Path, Path] | None = None) -> dict:
    """Start the cluster in ``run`` (nginx with TLS when ``tls``: ``certificate``, the files
    of a certificate and its key, else one made in ``run/tls``); on any failure stop what
    was started and raise."""
    if is_running(read_state(run)):
        raise ClusterError(f"a cluster runs in {run}: deploy/local-cluster down --dir {run}")
    if not run.is_dir():
        run.mkdir(mode=0o700, parents=True)  # it will hold the cookie secret
    down(run)  # a stale record of a cluster that died with its machine
    prepare_caches()
    state: dict = {"dir": str(run), "public": public, "replicas": [], "address": None,
                   "store_dir": os.environ.get("CAPAIAN_STORE_DIR") or str(ROOT / "data" / "store"),
                   "store_url": os.environ.get("CAPAIAN_STORE_URL"), "tls": tls,
                   "certificate": None}
    write_state(run, state)
    try:
        if tls:
            state["certificate"] = tls_setup(run, certificate)
            write_state(run, state)
        start_postgres(run, state)
        if store == "postgres" and not state["store_url"]:  # the replicas share the database
            state["store_url"] = state["postgres"]["url"]
            write_state(run, state)
        with ThreadPoolExecutor(1) as pool:  # compressed while the replicas start
            static = pool.submit(precompress_static)
            start_replicas(run, state, replicas, public, secrets_file)
            state["static"] = str(static.result())
        start_nginx(run, state, public, port)
    except BaseException:
        with contextlib.suppress(ClusterError):
            down(run)
        raise
    return state


def status(run: Path) -> dict | None:
    """The recorded cluster with each process's liveness, or None."""
    state = read_state(run)
    if state is None:
        return None
    for replica in state.get("replicas", []):
        replica["alive"] = alive(replica["proc"])
        replica["healthy"] = answers(f"http://127.0.0.1:{replica['port']}/_stcore/health")
    for key in ("nginx", "postgres"):
        if state.get(key):
            state[key]["alive"] = bool(state[key].get("proc")) and alive(state[key]["proc"])
    return state


def status_lines(state: dict) -> Iterator[str]:
    """``status`` for people."""
    yield f"address   {state.get('address')}"
    cert = state.get("certificate") or {}
    yield "tls       " + (f"on, certificate {cert.get('cert')}"
                          f"{' (self-signed, made by up)' if cert.get('generated') else ''}"
                          if state.get("tls") else "off")
    for index, replica in enumerate(state.get("replicas", []), 1):
        how = "answers" if replica["healthy"] else ("running" if replica["alive"] else "down")
        yield f"replica {index} 127.0.0.1:{replica['port']} pid {replica['proc']['pid']} {how}"
    nginx, pg = state.get("nginx") or {}, state.get("postgres") or {}
    yield f"nginx     127.0.0.1:{nginx.get('port')} {'running' if nginx.get('alive') else 'down'}"
    yield f"postgres  {pg.get('url')} {'running' if pg.get('alive') else 'down'}"
    yield f"store     {state.get('store_url') or state.get('store_dir')}"
    yield f"run dir   {state.get('dir')}"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="deploy/local-cluster",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=None,
                        help="run folder (default: $CAPAIAN_CLUSTER_DIR, else "
                             "<tmp>/capaian-cluster-UID)")
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="start PostgreSQL, N replicas and nginx")
    start.add_argument("--replicas", type=int, default=2, help="how many app processes (1-16)")
    start.add_argument("--public", action="store_true",
                       help="the public site (deploy/run-public.sh) instead of the office app")
    start.add_argument("--port", type=int, default=None, help="nginx's port (default: a free one)")
    start.add_argument("--store", choices=("postgres", "folder"), default="postgres",
                       help="where the replicas keep accepted data: the cluster's PostgreSQL "
                            "(default; CAPAIAN_STORE_URL wins when set) or this machine's folder "
                            "store (CAPAIAN_STORE_DIR)")
    start.add_argument("--secrets", type=Path, default=None,
                       help="secrets.toml every replica reads (admin password hash, [auth])")
    start.add_argument("--tls", action="store_true",
                       help="nginx terminates TLS (https://); with a self-signed certificate for "
                            "127.0.0.1 made in the run folder unless --cert/--key")
    start.add_argument("--cert", type=Path, default=None,
                       help="with --tls: the certificate nginx presents (PEM, chain included)")
    start.add_argument("--key", type=Path, default=None, help="with --tls: its private key (PEM)")
    show = commands.add_parser("status", help="what runs, PostgreSQL's URL")
    show.add_argument("--json", action="store_true")
    commands.add_parser("down", help="stop everything the cluster started")
    commands.add_parser("static", help="build (once) and print the folder of Streamlit's "
                                       "static files with .br/.gz beside them")
    for command in commands.choices.values():  # --dir after the command works too
        command.add_argument("--dir", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.command == "up" and not 1 <= args.replicas <= 16:
        parser.error("--replicas must be between 1 and 16")
    if args.command == "up" and args.secrets and not args.secrets.is_file():
        parser.error(f"--secrets: no file {args.secrets}")
    if args.command == "up" and (args.cert or args.key):
        if not (args.cert and args.key):
            parser.error("--cert and --key go together")
        if not args.tls:
            parser.error("--cert and --key go with --tls")
        for flag, path in (("--cert", args.cert), ("--key", args.key)):
            if not path.is_file():
                parser.error(f"{flag}: no file {path}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    run = (args.dir or default_dir()).resolve()
    try:
        if args.command == "up":
            state = up(run, args.replicas, args.public, args.port,
                       args.secrets.resolve() if args.secrets else None, args.store, args.tls,
                       (args.cert.resolve(), args.key.resolve()) if args.cert else None)
            print(f"{len(state['replicas'])} replicas, PostgreSQL {state['postgres']['port']}, "
                  f"run folder {run}", file=sys.stderr)
            print(state["address"], flush=True)
        elif args.command == "down":
            down(run)
        elif args.command == "static":
            print(precompress_static(), flush=True)
        else:
            shown = status(run)
            if shown is None or not is_running(shown):
                print(f"no cluster running in {run}", file=sys.stderr)
                return 3
            print(json.dumps(shown, indent=1) if args.json else "\n".join(status_lines(shown)))
    except (ClusterError, StaticFilesError) as exc:
        print(f"local-cluster: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
