"""Capaian against the naive ways of drawing the same map, side by side, in one run.

Usage (from the repository root; not part of the test suite)::

    .venv/bin/pip install -r tests/benchmarks/requirements.txt   # folium & co., once
    .venv/bin/python tests/benchmarks/run.py --json > bench.json  # JSON only on stdout
    .venv/bin/python tests/benchmarks/run.py                      # readable table
    .venv/bin/python tests/benchmarks/run.py --cold-build 3       # cold build only: medians
    .venv/bin/python tests/benchmarks/run.py --load               # 200 viewers, 2 replicas, nginx

Apps, each started with ``streamlit run`` on loopback (127.0.0.1, free ports):

* ``capaian``: ``app.py``; map page ``/?lvl=kab`` (the national map of all 514
  regencies; the page opens at province level), what-if page ``/simulasi``.
* ``altair_full``: ``baselines/altair_full.py``, the full unsimplified boundaries
  (built at run time from the upstream dumps into a GeoJSON in a temporary folder,
  never in the repository) as inline Altair data.
* ``explore``: ``baselines/explore.py``, ``gdf.explore()`` (folium/Leaflet) of the
  same GeoDataFrame embedded with ``components.html``.

How each figure is taken
------------------------
Bytes received. Chromium (Debian's, via Playwright) opens the page in a fresh
context (empty cache). Websocket payloads are counted from Playwright's
``framereceived`` events: that is the *decompressed* payload (Streamlit's
protobuf messages; permessage-deflate is undone before Playwright sees it).
HTTP bodies are counted from every response that came over the network
(``len(response.body())``; cache hits, with no body bytes received, count 0), split
into geometry (``*.topo.json`` / ``*.geojson`` requests) and the rest. Bytes on
the wire come from a small TCP proxy on loopback between Chromium and the
server that counts every byte in each direction (HTTP headers, gzip and
websocket compression included). For the baselines the geometry travels inside
a websocket message; their "geometry bytes" is the largest message of the load.
A change (indicator or slider) counts every byte received from the input to
the map being repainted: websocket payloads plus HTTP bodies (a map that
fetches its geometry again on a change pays for it here). The explore page
asks CDNs for Leaflet, jQuery and friends;
the browser has no internet here, so those requests are answered from the
XStatic packages (same libraries) or, where no package exists (Bootstrap,
awesome-markers, glyphicons), with an empty body: the explore baseline's bytes
are therefore an *under*-estimate.

Slider moves all go one way (arrow left, one step each): Streamlit answers a
message it sent in the last two reruns with a short reference (its forward
message cache), so moving back and forth would hide the real cost of a move.
The indicator cycles through three values for the same reason.

Input to paint. A script injected in the page (``PAGE_JS``) records the
timestamp of the releasing input event (``pointerup`` of the option click in
the indicator box, ``keyup`` of the arrow key on the slider). A
``requestAnimationFrame`` loop then computes a signature of every map on the
page (fill of each shape path of each Vega chart plus its legend texts; for
Leaflet iframes the document identity and each path's fill). The paint time is
the first animation frame whose DOM shows the final map: the signature has
changed, the map has all its shapes again (as many as before the input) and it
then stays the same for 5 frames, after the server has sent ``script_finished``.
Streamlit's slider commits its value when the key is released, so the figure is
what a presenter sees. When nothing on the page repaints (for example a page
without a map), the last DOM mutation in the main area is used and the move is
marked ``dom``. Long tasks (``PerformanceObserver('longtask')``) between input
and paint are summed as main-thread blocking time.

Server time per rerun. ``streamlit.testing.v1.AppTest`` runs the page in a
subprocess, sets the widget, and times ``.run()`` (one warm-up, then ``--moves``
timed reruns); median and 95th percentile. Scripts are compiled once, as in the
live server (AppTest alone would recompile them on every run). The live server is cross-checked by
the websocket round trip (rerun request sent → ``script_finished`` received)
and by the server process's CPU time per change (``/proc/PID/stat``).

Memory. ``VmRSS`` of the server process (``/proc/PID/status``) after the first
session has drawn its map, and after ``--sessions`` pages (one session each) are
open at once and have each received their first full run.

Cold boundary build. ``python -m utils.geo build --force`` into an empty
``CAPAIAN_CACHE_DIR``. The baselines have no such step (null).

Time to map. Navigation start (``performance.now()`` origin) to the map's first
complete paint: with the server already warm and an empty browser cache
(``time_to_map_ms``, the "warm start" budget), with a warm browser cache
(repeat visit), and as the very first session after the server started.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE.parent))

import report  # noqa: E402
from browser_support import ARGS as CHROMIUM_ARGS  # noqa: E402
from browser_support import CHROMIUM  # noqa: E402

PY = sys.executable
APPS = {
    "capaian": ROOT / "app.py",
    "altair_full": HERE / "baselines" / "altair_full.py",
    "explore": HERE / "baselines" / "explore.py",
}
MAP_KEYS = ("map_indicator", "home_indicator")
SLIDER_KEY = "whatif_target_ktp_el"
WHATIF_PATH = {"capaian": "/simulasi", "altair_full": "/", "explore": "/"}
# The national regency map (514 regions): the map page starts at province level.
MAP_PATH = {"capaian": "/?lvl=kab", "altair_full": "/", "explore": "/"}
VIEWPORT = {"width": 1920, "height": 1080}  # a projector
START = time.perf_counter()
QUIET = False

UNITS = {
    **report.REQUIRED,
    "map_first_load_geometry_bytes": "bytes",
    "map_first_load_http_bytes": "bytes",
    "map_first_load_ws_bytes": "bytes",
    "map_first_load_wire_bytes": "bytes",
    "map_change_bytes_max": "bytes",
    "map_change_wire_bytes": "bytes",
    "whatif_change_bytes_max": "bytes",
    "whatif_change_wire_bytes": "bytes",
    "server_ms_p50_map_change": "ms",
    "server_ms_p50_whatif_change": "ms",
    "rerun_roundtrip_ms_p95_map_change": "ms",
    "rerun_roundtrip_ms_p95_whatif_change": "ms",
    "server_cpu_ms_per_map_change": "ms",
    "server_cpu_ms_per_whatif_change": "ms",
    "indicator_to_paint_ms_p50": "ms",
    "indicator_to_paint_ms_p95": "ms",
    "main_thread_blocked_ms_p95_slider": "ms",
    "time_to_map_ms": "ms",
    "time_to_map_ms_repeat_visit": "ms",
    "time_to_map_ms_server_cold": "ms",
    "server_rss_mb_per_extra_session": "MB",
    "browser_js_heap_mb": "MB",
    "browser_dom_nodes": "nodes",
    "map_shapes": "paths",
}

PAGE_JS = r"""
(() => {
  if (window.top !== window || window.__bench) return;
  const B = window.__bench = {docs: 0, armed: false, long: [], mut: null, input: null};
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries())
      B.long.push([e.startTime, e.duration]); }).observe({type: 'longtask', buffered: true});
  } catch (e) {}
  for (const type of ['pointerup', 'keyup']) {
    window.addEventListener(type, (e) => {
      if (B.armed && B.input === null) B.input = e.timeStamp; }, true);
  }
  function fillsOf(paths) {
    let s = '';
    for (const p of paths) s += (p.getAttribute('fill') || '') + ',';
    return s;
  }
  B.maps = () => {
    const out = [];
    for (const el of document.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
      const paths = el.querySelectorAll('svg .mark-shape path');
      let texts = '';
      for (const t of el.querySelectorAll('svg text')) texts += t.textContent + '|';
      const c = el.querySelector('canvas');
      out.push({kind: 'vega', count: paths.length,
                sig: paths.length + ':' + fillsOf(paths) + texts + (c ? c.width : '')});
    }
    for (const fr of document.querySelectorAll('iframe')) {
      let doc = null;
      try { doc = fr.contentDocument; } catch (e) {}
      if (!doc) continue;
      if (!doc.__benchId) doc.__benchId = ++B.docs;
      const paths = doc.querySelectorAll('path.leaflet-interactive');
      out.push({kind: 'leaflet', count: paths.length,
                sig: doc.__benchId + ':' + paths.length + ':' + fillsOf(paths)});
    }
    return out;
  };
  B.state = () => {
    const m = B.maps();
    return {sig: m.map((x) => x.sig).join('#'),
            count: m.reduce((a, x) => Math.max(a, x.count), 0)};
  };
  B.arm = () => {
    const s = B.state();
    Object.assign(B, {armed: true, input: null, base: s.sig, last: s.sig, expect: s.count,
                      count: s.count, changedAt: null, stable: 0, mut: null,
                      t0: performance.now()});
    const main = document.querySelector('[data-testid="stMain"]') || document.body;
    if (B.obs) B.obs.disconnect();
    B.obs = new MutationObserver(() => { B.mut = performance.now(); });
    B.obs.observe(main, {subtree: true, childList: true, attributes: true,
                         characterData: true});
    const loop = () => {
      if (!B.armed) return;
      const s = B.state();
      if (s.sig !== B.last) {
        B.last = s.sig; B.count = s.count; B.changedAt = performance.now(); B.stable = 0;
      } else { B.stable++; }
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
    return B.t0;
  };
  B.blocked = (t0, t1) => B.long.filter(([s, d]) => s + d >= t0 && s <= t1)
    .reduce((a, [s, d]) => a + Math.min(s + d, t1) - Math.max(s, t0), 0);
  B.result = (minStable) => {
    const done = B.changedAt !== null && B.last !== B.base && B.stable >= minStable &&
                 (B.expect === 0 || B.count >= B.expect);
    if (!done) return null;
    return B.finish(B.changedAt, 'map');
  };
  B.finish = (t1, how) => {
    B.armed = false;
    if (B.obs) B.obs.disconnect();
    const t0 = B.input === null ? B.t0 : B.input;
    return {t0: t0, t1: t1, how: how, input: B.input !== null,
            blocked: t1 === null ? null : B.blocked(t0, t1), count: B.count};
  };
  B.fallback = () => B.finish(B.mut, 'dom');
  B.firstMap = (minCount) => {
    const s = B.state();
    if (s.count < minCount) { B.seen = null; return null; }
    if (B.seen && B.seen.sig === s.sig) {
      B.seen.frames++;
      return B.seen.frames >= 5 ? {t: B.seen.t, count: s.count} : null;
    }
    B.seen = {sig: s.sig, t: performance.now(), frames: 0};
    return null;
  };
})();
"""

# Wait, in page, for the first complete map (>= min shapes, stable 5 frames);
# resolves with the time of the first frame that showed it.
FIRST_MAP_JS = """([minCount, timeout]) => new Promise((resolve) => {
  const until = performance.now() + timeout;
  const step = () => {
    const r = window.__bench && window.__bench.firstMap(minCount);
    if (r) return resolve(r);
    if (performance.now() > until) return resolve(null);
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})"""


def log(message: str) -> None:
    """Progress on stderr, with the seconds since start."""
    if not QUIET:
        print(f"[{time.perf_counter() - START:6.1f}s] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float | None:
    """Resident set size of a process in MB (``VmRSS``), ``None`` if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds used by a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


class ByteProxy:
    """A loopback TCP proxy that counts bytes each way (what crosses the wire)."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.down = 0  # server -> browser
        self.up = 0
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            for src, dst, down in ((client, upstream, False), (upstream, client, True)):
                threading.Thread(target=self._pump, args=(src, dst, down), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, down: bool) -> None:
        try:
            while chunk := src.recv(262144):
                with self.lock:
                    if down:
                        self.down += len(chunk)
                    else:
                        self.up += len(chunk)
                dst.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.closed = True
        self.server.close()


class Server:
    """``streamlit run SCRIPT`` on loopback, with a byte-counting proxy in front."""

    def __init__(self, script: Path, env: dict, logdir: Path) -> None:
        self.port = free_port()
        self.log = open(logdir / f"{script.stem}.{self.port}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                PY,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.proxy = ByteProxy(self.port)
        self.direct = f"http://127.0.0.1:{self.port}"
        self.url = f"http://127.0.0.1:{self.proxy.port}"
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"{self.direct}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("server did not become healthy")

    def stop(self) -> None:
        self.proxy.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


# --------------------------------------------------------------------------- browser taps


def message_kind(payload: bytes) -> str:
    """The ``type`` of a Streamlit ForwardMsg (``delta``, ``script_finished`` …)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    try:
        return ForwardMsg.FromString(payload).WhichOneof("type") or "?"
    except Exception:  # a frame that is not a ForwardMsg
        return "?"


class Tap:
    """Websocket frames and HTTP responses of one page."""

    def __init__(self, page) -> None:
        self.frames: list[tuple[float, str, int, str]] = []  # (time, dir, bytes, kind)
        self.responses: list = []
        page.on("websocket", self._on_ws)
        page.on("response", lambda r: self.responses.append(r))

    def _on_ws(self, ws) -> None:
        if "_stcore/stream" not in ws.url:
            return
        ws.on("framereceived", lambda p: self._frame("in", p))
        ws.on("framesent", lambda p: self._frame("out", p))

    def _frame(self, direction: str, payload) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        kind = message_kind(data) if direction == "in" else "back"
        self.frames.append((time.perf_counter(), direction, len(data), kind))

    def mark(self) -> tuple[int, int]:
        return len(self.frames), len(self.responses)

    def finished(self, since: int = 0) -> int:
        return sum(1 for f in self.frames[since:] if f[3] == "script_finished")

    def ws_bytes(self, since: int = 0) -> int:
        return sum(f[2] for f in self.frames[since:] if f[1] == "in")

    def largest(self, since: int = 0) -> int:
        return max((f[2] for f in self.frames[since:] if f[1] == "in"), default=0)

    def roundtrip_ms(self, since: int) -> float | None:
        """First rerun request after ``since`` to the next ``script_finished``."""
        sent = next((f[0] for f in self.frames[since:] if f[1] == "out" and f[2] > 8), None)
        if sent is None:
            return None
        done = next(
            (f[0] for f in self.frames[since:] if f[3] == "script_finished" and f[0] >= sent), None
        )
        return None if done is None else (done - sent) * 1000

    def http(self, since: int = 0) -> dict:
        """Decoded body bytes of the responses after ``since`` that came over the network.

        Responses served from the browser's cache (no body bytes received) count 0.
        """
        geometry = other = cached = 0
        for response in self.responses[since:]:
            try:
                received = response.request.sizes()["responseBodySize"]
            except Exception:
                received = -1
            if received == 0:
                cached += 1
                continue
            try:
                size = len(response.body())
            except Exception:
                size = max(received, 0)
            if re.search(r"\.(topo\.json|geojson)(\?|$)", response.url):
                geometry += size
            else:
                other += size
        return {
            "geometry": geometry,
            "other": other,
            "total": geometry + other,
            "from_cache": cached,
        }


def wait_until(page, condition, timeout_s: float, step_ms: int = 20) -> bool:
    """Poll ``condition()`` while letting Playwright deliver events."""
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        if condition():
            return True
        page.wait_for_timeout(step_ms)
    return condition()


# --------------------------------------------------------------------------- CDN stand-ins


def cdn_files() -> dict[str, Path]:
    """URL pattern -> local packaged copy of the libraries folium pages ask CDNs for."""
    out: dict[str, Path] = {}
    with contextlib.suppress(ImportError):
        import xstatic.pkg.leaflet as leaflet

        out["leaflet.js"] = Path(leaflet.BASE_DIR) / "leaflet.js"
        out["leaflet.css"] = Path(leaflet.BASE_DIR) / "leaflet.css"
    with contextlib.suppress(ImportError):
        import xstatic.pkg.jquery as jquery

        out["jquery-3.7.1.min.js"] = Path(jquery.BASE_DIR) / "jquery.min.js"
    with contextlib.suppress(ImportError):
        import xstatic.pkg.font_awesome as fa

        out["fontawesome-free@6.2.0/css/all.min.css"] = Path(fa.BASE_DIR) / "css" / "all.min.css"
    with contextlib.suppress(ImportError):
        import xstatic.pkg.d3 as d3

        out["d3.min.js"] = Path(d3.BASE_DIR) / "d3.js"
    return out


def route_offline(context, stats: dict) -> None:
    """Answer every non-loopback request locally (there is no internet here)."""
    files = cdn_files()

    def handle(route) -> None:
        url = route.request.url
        for pattern, path in files.items():
            if pattern in url and path.is_file():
                kind = "text/css" if url.endswith(".css") else "application/javascript"
                stats["served"] = sorted({*stats.get("served", []), pattern})
                return route.fulfill(status=200, body=path.read_bytes(), content_type=kind)
        stats["stubbed"] = sorted({*stats.get("stubbed", []), url})
        return route.fulfill(status=200, body=b"", content_type="text/plain")

    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), handle)


# --------------------------------------------------------------------------- measurements


def first_map(page, min_count: int, timeout_ms: int = 90000) -> dict | None:
    return page.evaluate(FIRST_MAP_JS, [min_count, timeout_ms])


def change_and_wait(page, tap: Tap, proxy: ByteProxy, action, timeout_s: float = 60) -> dict:
    """Arm the in-page timer, do ``action``, wait for the rerun and the repaint."""
    frames, responses = tap.mark()
    wire = proxy.down
    page.evaluate("window.__bench.arm()")
    action()
    finished = wait_until(page, lambda: tap.finished(frames) > 0, timeout_s)
    result = None
    deadline = time.perf_counter() + (timeout_s if finished else 1)
    while time.perf_counter() < deadline:
        result = page.evaluate("window.__bench.result(5)")
        if result:
            break
        page.wait_for_timeout(25)
    if not result:
        page.wait_for_timeout(300)
        result = page.evaluate("window.__bench.fallback()")
    page.wait_for_timeout(150)  # late frames of the same change
    paint = None if result["t1"] is None else result["t1"] - result["t0"]
    http = tap.http(responses)
    return {
        "paint_ms": None if paint is None else round(paint, 1),
        "how": result["how"],
        "input_event": result["input"],
        "blocked_ms": None if result["blocked"] is None else round(result["blocked"], 1),
        "ws_bytes": tap.ws_bytes(frames),
        "http_bytes": http["total"],
        "http_geometry_bytes": http["geometry"],
        "bytes": tap.ws_bytes(frames) + http["total"],
        "wire_bytes": proxy.down - wire,
        "roundtrip_ms": tap.roundtrip_ms(frames),
        "finished": finished,
    }


def widget(page, keys: tuple[str, ...]):
    for key in keys:
        loc = page.locator(f".st-key-{key}")
        if loc.count():
            return key, loc.first
    return None, None


def pick_option(page, box, index: int):
    """Open a selectbox and return an action that clicks its ``index``-th option."""
    opener = box.locator('[role="combobox"], [data-baseweb="select"]').first
    opener.click()
    options = page.locator('[role="listbox"] [role="option"]')
    options.first.wait_for(timeout=10000)
    target = options.nth(index % options.count())
    return target.click


def count_changes(moves: list[dict]) -> dict:
    ok = [m for m in moves if m["how"] == "map"]
    return {
        "paint": report.summary([m["paint_ms"] for m in ok]),
        "bytes": report.summary([m["bytes"] for m in moves]),
        "ws_bytes": report.summary([m["ws_bytes"] for m in moves]),
        "http_bytes": report.summary([m["http_bytes"] for m in moves]),
        "wire_bytes": report.summary([m["wire_bytes"] for m in moves]),
        "roundtrip_ms": report.summary([m["roundtrip_ms"] for m in moves]),
        "blocked_ms": report.summary([m["blocked_ms"] for m in ok]),
        "repainted": len(ok),
        "moves": len(moves),
        "dom_only": len([m for m in moves if m["how"] != "map"]),
        "no_input_event": len([m for m in moves if not m["input_event"]]),
        "unfinished": len([m for m in moves if not m["finished"]]),
    }


def browser_phase(
    app: str, browser, server: Server, args, out: dict, notes: dict, details: dict
) -> None:
    """Everything measured through the browser for one app."""
    cdn: dict = {}
    # 1. very first session after the server started (imports, caches cold)
    ctx = browser.new_context(viewport=VIEWPORT)
    route_offline(ctx, cdn)
    ctx.add_init_script(PAGE_JS)
    page = ctx.new_page()
    page.goto(server.url + MAP_PATH[app], wait_until="commit")
    got = first_map(page, 100, 180000)
    out["time_to_map_ms_server_cold"] = got and round(got["t"], 1)
    map_shapes = got["count"] if got else 0
    ctx.close()
    if not got:
        notes[f"{app}.map"] = "no map with ≥100 shapes appeared within 180 s"
        return
    out["map_shapes"] = map_shapes
    log(f"{app}: first session drew {map_shapes} shapes at {got['t']:.0f} ms (server cold)")

    # 2. first load with an empty browser cache, server warm
    ctx = browser.new_context(viewport=VIEWPORT)
    route_offline(ctx, cdn)
    ctx.add_init_script(PAGE_JS)
    page = ctx.new_page()
    tap = Tap(page)
    wire = server.proxy.down
    page.goto(server.url + MAP_PATH[app], wait_until="commit")
    got = first_map(page, map_shapes, 120000)
    wait_until(page, lambda: tap.finished() > 0, 30)
    page.wait_for_timeout(500)
    out["time_to_map_ms"] = got and round(got["t"], 1)
    http = tap.http()
    out["map_first_load_ws_bytes"] = tap.ws_bytes()
    out["map_first_load_http_bytes"] = http["total"]
    out["map_first_load_bytes"] = tap.ws_bytes() + http["total"]
    out["map_first_load_geometry_bytes"] = http["geometry"] or tap.largest()
    out["map_first_load_wire_bytes"] = server.proxy.down - wire
    out["server_rss_mb_1_session"] = rss_mb(server.proc.pid)
    details["first_load_http"] = http
    details["first_load_ws_by_kind"] = ws_by_kind(tap)
    with contextlib.suppress(Exception):
        cdp = ctx.new_cdp_session(page)
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        out["browser_js_heap_mb"] = round(metrics["JSHeapUsedSize"] / 2**20, 1)
        out["browser_dom_nodes"] = int(metrics["Nodes"])
    log(
        f"{app}: first load {out['map_first_load_bytes']:,} B "
        f"(geometry {out['map_first_load_geometry_bytes']:,} B), map at {out['time_to_map_ms']} ms"
    )

    # 3. repeat visit (browser cache warm, new session)
    page.goto(server.url + MAP_PATH[app], wait_until="commit")
    got = first_map(page, map_shapes, 120000)
    out["time_to_map_ms_repeat_visit"] = got and round(got["t"], 1)
    wait_until(page, lambda: tap.finished(0) > 1, 30)

    # 4. indicator changes on the map page
    key, box = widget(page, MAP_KEYS)
    if box is None:
        notes["map_change"] = f"{app}: no widget with key {' or '.join(MAP_KEYS)}"
    else:
        details["map_widget_key"] = key
        moves = []
        cpu0 = cpu_seconds(server.proc.pid)
        for i in range(args.moves):
            action = pick_option(page, box, i + 1)
            moves.append(change_and_wait(page, tap, server.proxy, action))
        cpu1 = cpu_seconds(server.proc.pid)
        stats = count_changes(moves)
        details["map_changes"] = stats
        out["map_change_bytes"] = stats["bytes"]["p50"]
        out["map_change_bytes_max"] = stats["bytes"]["max"]
        out["map_change_wire_bytes"] = stats["wire_bytes"]["p50"]
        out["indicator_to_paint_ms_p50"] = stats["paint"]["p50"]
        out["indicator_to_paint_ms_p95"] = stats["paint"]["p95"]
        out["rerun_roundtrip_ms_p95_map_change"] = stats["roundtrip_ms"]["p95"]
        if cpu0 is not None and cpu1 is not None:
            out["server_cpu_ms_per_map_change"] = round((cpu1 - cpu0) * 1000 / args.moves, 1)
        log(
            f"{app}: {args.moves} indicator changes, median {stats['bytes']['p50']} B, "
            f"paint p50 {stats['paint']['p50']} ms ({stats['repainted']} repainted)"
        )

    # 5. slider moves on the what-if page
    try:
        slider_phase(app, page, tap, server, args, out, notes, details)
    except Exception as exc:
        notes[f"{app}.whatif"] = f"{type(exc).__name__}: {exc}"[:300]
        log(f"{app}: slider phase failed: {exc}")
    ctx.close()
    details["cdn"] = cdn


def slider_phase(
    app: str, page, tap: Tap, server: Server, args, out: dict, notes: dict, details: dict
) -> None:
    """Arrow-key moves of the KTP-el target slider on the what-if page."""
    page.goto(server.url + WHATIF_PATH[app], wait_until="commit")
    wait_until(page, lambda: tap.finished(0) > 2, 60)
    with contextlib.suppress(Exception):
        page.locator(f".st-key-{SLIDER_KEY}").get_by_role("slider").first.wait_for(timeout=60000)
    if MAP_PATH[app] != WHATIF_PATH[app]:
        first_map(page, 100, 60000)
    page.wait_for_timeout(1000)
    _key, box = widget(page, (SLIDER_KEY,))
    if box is None:
        notes["whatif_change"] = f"{app}: no slider with key {SLIDER_KEY} on {WHATIF_PATH[app]}"
    else:
        thumb = box.get_by_role("slider").first
        thumb.focus()
        moves = []
        cpu0 = cpu_seconds(server.proc.pid)
        for _ in range(args.moves):
            arrow = "ArrowLeft"  # one way: every value is new (see the docstring)
            moves.append(
                change_and_wait(page, tap, server.proxy, lambda a=arrow: page.keyboard.press(a))
            )
        cpu1 = cpu_seconds(server.proc.pid)
        stats = count_changes(moves)
        details["slider_moves"] = stats
        out["whatif_change_bytes"] = stats["bytes"]["p50"]
        out["whatif_change_bytes_max"] = stats["bytes"]["max"]
        out["whatif_change_wire_bytes"] = stats["wire_bytes"]["p50"]
        out["slider_to_paint_ms_p50"] = stats["paint"]["p50"]
        out["slider_to_paint_ms_p95"] = stats["paint"]["p95"]
        out["main_thread_blocked_ms_p95_slider"] = stats["blocked_ms"]["p95"]
        out["rerun_roundtrip_ms_p95_whatif_change"] = stats["roundtrip_ms"]["p95"]
        if cpu0 is not None and cpu1 is not None:
            out["server_cpu_ms_per_whatif_change"] = round((cpu1 - cpu0) * 1000 / args.moves, 1)
        if stats["repainted"] < stats["moves"]:
            notes[f"{app}.slider_to_paint"] = (
                f"{stats['moves'] - stats['repainted']} of {stats['moves']} slider moves "
                "repainted no map; they are left out of the paint percentiles"
            )
        log(
            f"{app}: {args.moves} slider moves, median {stats['bytes']['p50']} B, "
            f"paint p50 {stats['paint']['p50']} ms ({stats['repainted']} repainted)"
        )


def ws_by_kind(tap: Tap) -> dict:
    kinds: dict[str, int] = {}
    for _, direction, size, kind in tap.frames:
        if direction == "in":
            kinds[kind] = kinds.get(kind, 0) + size
    return kinds


def sessions_phase(app: str, browser, server: Server, args, out: dict, notes: dict) -> None:
    """RSS with one session, then with ``--sessions`` open at once."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda r: r.abort())
    pages, taps = [], []
    first = ctx.new_page()
    taps.append(Tap(first))
    pages.append(first)
    first.goto(server.direct + MAP_PATH[app], wait_until="commit")
    wait_until(first, lambda: taps[0].finished() > 0, 120)
    first.wait_for_timeout(1000)
    one = rss_mb(server.proc.pid)
    for _ in range(args.sessions - 1):
        page = ctx.new_page()
        taps.append(Tap(page))
        pages.append(page)
        page.goto(server.direct + MAP_PATH[app], wait_until="commit")
    ok = wait_until(first, lambda: all(t.finished() > 0 for t in taps), 240, 100)
    first.wait_for_timeout(2000)
    many = rss_mb(server.proc.pid)
    done = sum(1 for t in taps if t.finished() > 0)
    if not ok:
        notes[f"{app}.sessions"] = f"only {done} of {args.sessions} sessions finished their run"
    out["server_rss_mb_20_sessions"] = many
    if one is not None and many is not None and args.sessions > 1:
        out["server_rss_mb_per_extra_session"] = round((many - one) / (args.sessions - 1), 2)
    log(f"{app}: RSS {one} MB with 1 session (fresh page), {many} MB with {done} sessions")
    ctx.close()


# --------------------------------------------------------------------------- AppTest


def share_bytecode() -> None:
    """Compile each script once, as the live server does.

    The server keeps one ``ScriptCache`` for its lifetime; AppTest makes a new
    one for every run, so each timed rerun would also pay for compiling
    ``app.py`` and the page (15 ms for the 670-line what-if page). One shared
    cache makes the AppTest figure the server's.
    """
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def apptest_worker(app: str, moves: int) -> dict:
    """Server time per rerun with AppTest (runs in its own process)."""
    from streamlit.testing.v1 import AppTest

    from utils.metrics.indicators import load_indicators

    os.chdir(ROOT)
    share_bytecode()
    notes: dict[str, str] = {}
    result: dict = {"map": None, "whatif": None, "notes": notes}
    at = AppTest.from_file(str(APPS[app]), default_timeout=300)
    at.run()
    if app == "capaian":
        at.switch_page("pages/map.py").run()
        if _has(at.radio, "map_level"):
            at.radio(key="map_level").set_value("kab").run()
        else:
            notes["map_level"] = "no radio map_level: the map page's default level is timed"
    key = next((k for k in MAP_KEYS if _has(at.selectbox, k)), None)
    if key is None:
        notes["map"] = f"no selectbox {' or '.join(MAP_KEYS)}"
    else:
        values = list(load_indicators())
        times = []
        for i in range(moves + 1):
            value = values[(i + 1) % len(values)]
            started = time.perf_counter()
            at.selectbox(key=key).set_value(value).run()
            if i:
                times.append((time.perf_counter() - started) * 1000)
        result["map"] = times
        if at.exception:
            notes["map_exception"] = str(at.exception[0].value)[:300]
    if app == "capaian":
        page = ROOT / "pages" / "whatif.py"
        at.switch_page("pages/whatif.py").run()
        if not page.is_file():
            notes["whatif"] = "pages/whatif.py does not exist"
    if not _has(at.slider, SLIDER_KEY):
        notes["whatif"] = notes.get("whatif") or f"no slider {SLIDER_KEY} on the what-if page"
        return result
    slider = at.slider(key=SLIDER_KEY)
    step = slider.step or 1
    values = [max(slider.value - step * (i + 1), slider.min) for i in range(moves + 1)]
    times = []
    for i, value in enumerate(values):
        started = time.perf_counter()
        at.slider(key=SLIDER_KEY).set_value(value).run()
        if i:
            times.append((time.perf_counter() - started) * 1000)
    result["whatif"] = times
    if at.exception:
        notes["whatif_exception"] = str(at.exception[0].value)[:300]
    return result


def _has(finder, key: str) -> bool:
    try:
        finder(key=key)
    except (KeyError, IndexError):
        return False
    return True


def apptest_phase(app: str, env: dict, args, out: dict, notes: dict, details: dict) -> None:
    proc = subprocess.run(
        [PY, str(Path(__file__).resolve()), "--apptest-worker", app, "--moves", str(args.moves)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        notes[f"{app}.apptest"] = (
            proc.stderr.strip().splitlines()[-1][:300] if proc.stderr else f"exit {proc.returncode}"
        )
        return
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    for name, reason in data["notes"].items():
        notes[f"{app}.apptest.{name}"] = reason
    for phase, label in (("map", "map_change"), ("whatif", "whatif_change")):
        if data[phase]:
            s = report.summary(data[phase])
            details[f"apptest_{phase}_ms"] = s
            out[f"server_ms_p50_{label}"] = round(s["p50"], 1)
            out[f"server_ms_p95_{label}"] = round(s["p95"], 1)
    log(
        f"{app}: AppTest map p95 {out.get('server_ms_p95_map_change')} ms, "
        f"what-if p95 {out.get('server_ms_p95_whatif_change')} ms"
    )


# --------------------------------------------------------------------------- preparation


def cold_build(source: str, tmp: Path) -> float | None:
    """Seconds for ``python -m utils.geo build --force`` into an empty folder."""
    env = {**os.environ, "CAPAIAN_CACHE_DIR": str(tmp / "cold-cache")}
    started = time.perf_counter()
    proc = subprocess.run(
        [PY, "-m", "utils.geo", "build", "--force", "--source", source],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip()[-300:])
    return round(seconds, 2)


COLD_BUILD_BUDGET = {"seconds": 120.0}
"""Issue #17: every boundary cold, kecamatan included, on 2 cores."""


def cold_build_phase(source: str, tmp: Path, runs: int = 3) -> dict:
    """The cold build ``runs`` times through the command line, each into an empty folder:
    wall seconds and peak RSS per run, their medians, and the kecamatan numbers of the record."""
    results = []
    for number in range(runs):
        folder = tmp / f"cold-{number}"
        env = {**os.environ, "CAPAIAN_CACHE_DIR": str(folder)}
        with (tmp / f"cold-{number}.json").open("wb") as out:
            seconds, peak, code = run_watched(
                [PY, "-m", "utils.geo", "build", "--force", "--source", source], env, out,
                subprocess.DEVNULL, 600)
        record = json.loads((folder / "build.json").read_text()) if code == 0 else {}
        results.append({"seconds": seconds, "peak_mb": peak, "exit": code,
                        "build_seconds": record.get("build_seconds"),
                        "kecamatan_seconds": record.get("kecamatan_seconds")})
        log(f"cold build run {number + 1}: {results[-1]}")
        shutil.rmtree(folder, ignore_errors=True)
    keys = ("kecamatan", "kecamatan_shapes", "kecamatan_without_shape", "kecamatan_unknown",
            "kecamatan_beyond_regency", "kecamatan_files", "kecamatan_bytes_max",
            "province_bytes_max", "national_bytes")
    median = {k: report.percentile([r[k] for r in results], 50)
              for k in ("seconds", "peak_mb", "build_seconds", "kecamatan_seconds")}
    return {"budget": COLD_BUILD_BUDGET, "runs": results, "median": median,
            "record": {k: record.get(k) for k in keys}, "cores": os.cpu_count(),
            "loadavg": os.getloadavg(),
            "over_budget": (median["seconds"] or 0) > COLD_BUILD_BUDGET["seconds"]}


def ensure_app_caches(source: str) -> None:
    """The app's own caches (``geo/cache``) and demo data, built once if missing."""
    env = {**os.environ}
    env.pop("CAPAIAN_CACHE_DIR", None)
    subprocess.run(
        [PY, "-m", "utils.geo", "build", "--source", source],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    from utils import demo

    if not demo.DEMO_CSV.is_file():
        subprocess.run(
            [PY, "-m", "utils.demo"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )


def full_geojson(source: str, dest: Path) -> dict:
    """Write the unsimplified upstream regencies as one GeoJSON (for the baselines)."""
    import geopandas as gpd
    import shapely

    from utils.geo.geometry import path_to_geometry
    from utils.geo.upstream_sql import iter_boundary_rows

    started = time.perf_counter()
    codes, names, geoms = [], [], []
    for path in sorted((Path(source) / "wilayah_boundaries" / "db" / "kab").glob("*.sql")):
        for row in iter_boundary_rows(path.read_text(encoding="utf-8")):
            codes.append(row.code)
            names.append(row.name)
            geoms.append(path_to_geometry(row.path))
    frame = gpd.GeoDataFrame({"code": codes, "name": names}, geometry=geoms, crs=4326)
    frame.to_file(dest, driver="GeoJSON")
    return {
        "regencies": len(frame),
        "vertices": int(shapely.get_num_coordinates(frame.geometry.to_numpy()).sum()),
        "bytes": dest.stat().st_size,
        "seconds": round(time.perf_counter() - started, 2),
    }


def versions(browser_version: str | None) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {
        "python": platform.python_version(),
        "chromium": browser_version,
        "machine": platform.machine(),
    }
    for name in ("streamlit", "altair", "pandas", "geopandas", "shapely", "folium", "playwright"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def page_status() -> dict:
    """Which of the pages the benchmark drives exist, and with which widget keys."""
    out = {}
    for name in ("map", "whatif"):
        path = ROOT / "pages" / f"{name}.py"
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        keys = sorted(set(re.findall(r"key=\"((?:map|home|whatif)_[a-z_]+)\"", text)))
        out[f"pages/{name}.py"] = {"exists": path.is_file(), "keys": keys}
    return out


# --------------------------------------------------------------------------- main


# --------------------------------------------------------------------------- bad files
# Issue #19 item 2: files the uploader accepts (≤ MAX_BYTES) built to cost time or
# memory. Each is checked by ``python -m utils.ingest.importer FILE --json`` in its own
# process (as on the command line): wall seconds and peak RSS (the child's ``VmHWM``);
# budget ≤ 10 s and ≤ 500 MB each, killed after 300 s.
BAD_FILE_BUDGET = {"seconds": 10.0, "peak_mb": 500.0}


def _xlsx_bytes(rows: list[list], sheet_xml=None, parts: dict | None = None) -> bytes:
    """A workbook of ``rows``; ``sheet_xml`` rewrites the first sheet's XML and ``parts``
    replaces whole parts (so no writer has to build the huge thing in memory)."""
    import io
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml" and sheet_xml:
                content = sheet_xml(content)
            if parts and "xl/sharedStrings.xml" in parts:  # declare it, as Excel does
                content = _declare_strings(info.filename, content)
            if parts and info.filename in parts:
                continue
            dst.writestr(info.filename, content)
        for name, chunks in (parts or {}).items():
            with dst.open(name, "w", force_zip64=True) as part:
                for chunk in chunks():
                    part.write(chunk)
    return out.getvalue()


def _declare_strings(name: str, content: bytes) -> bytes:
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    if name == "[Content_Types].xml":
        return content.replace(b"</Types>", (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{main}.sharedStrings+xml"/>'
            "</Types>").encode())
    if name == "xl/_rels/workbook.xml.rels":
        return content.replace(b"</Relationships>", (
            f'<Relationship Id="rIdStrings" Type="{rel}" Target="sharedStrings.xml"/>'
            "</Relationships>").encode())
    if name == "xl/worksheets/sheet1.xml":  # the first cell shows the first string
        return content.replace(b'<c r="A1" t="inlineStr"><is><t>NO</t></is></c>',
                               b'<c r="A1" t="s"><v>0</v></c>')
    return content


def _styled_blank(size: int):
    """Rows of formatted, empty cells below the table (Excel's borders), ``size`` bytes."""
    def patch(xml: bytes) -> bytes:
        cells = "".join(f'<c r="{chr(65 + c)}{{r}}" s="0"/>' for c in range(20))
        rows, total, r = [], 0, 40
        while total < size:
            row = f'<row r="{r}">' + cells.replace("{r}", str(r)) + "</row>"
            rows.append(row)
            total += len(row)
            r += 1
        return xml.replace(b"</sheetData>", "".join(rows).encode() + b"</sheetData>")
    return patch


def _merge(ref: str):
    def patch(xml: bytes) -> bytes:
        merge = f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode()
        return xml.replace(b"</sheetData>", b"</sheetData>" + merge)
    return patch


def _rekap(n: int) -> list[list]:
    rows: list[list] = [["NO", "KABUPATEN/KOTA", "WAJIB KTP-EL", "SUDAH REKAM"]]
    rows += [[i, f"KAB. CONTOH {i}", 1000 + i, 900 + i] for i in range(1, n + 1)]
    return rows


def _shared_strings(total: int):
    def chunks():
        head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        yield head.encode()
        filler = "Kabupaten Contoh " * 12
        written, i = 0, 0
        while written < total:
            block = "".join(f"<si><t>{filler}{k}</t></si>" for k in range(i, i + 10000))
            i += 10000
            written += len(block)
            yield block.encode()
        yield b"</sst>"
    return chunks


def bad_files(folder: Path) -> dict[str, Path]:
    """Build the issue's bad files (and the largest ordinary ones) in ``folder``."""
    from utils.ingest.spreadsheet import MAX_BYTES

    header = "NO;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM\n"
    table = header + "".join(f"{i};KAB. CONTOH {i};{1000 + i};{900 + i}\n" for i in range(1, 31))
    blank = MAX_BYTES - 2**20  # "19 MB" of blank lines, under the upload limit
    rekap = [*_rekap(18), ["Catatan: angka sementara"]]
    files = {
        "merged_A20_CV19000.xlsx": _xlsx_bytes(rekap, _merge("A20:CV19000")),
        "merged_whole_columns.xlsx": _xlsx_bytes(_rekap(5), _merge("A1:C1048576")),
        "shared_strings_190MB.xlsx": _xlsx_bytes(
            _rekap(5), parts={"xl/sharedStrings.xml": _shared_strings(190 * 2**20)}),
        "blank_lines_after_19MB.csv": (table + "\n" * blank).encode(),
        "blank_lines_before_19MB.csv": ("\r\n" * (blank // 2) + table).encode(),
        "single_line_19MB.csv": ("1;" * (blank // 2)).encode(),
        "single_cell_19MB.csv": (header + "1;" + "x" * blank + "\n").encode(),
        "cell_1MB.csv": (table + "31;" + "x" * 2**20 + ";1;1\n").encode(),
        "columns_10000.xlsx": _xlsx_bytes([list(range(10000)), list(range(10000))]),
        "columns_10000.csv": ("\n".join([";".join(map(str, range(10000)))] * 3)).encode(),
        "styled_blank_cells_9MB.xlsx": _xlsx_bytes(_rekap(30), _styled_blank(9 * 2**20)),
        # the most cells a file may hold (MAX_CELLS), every header a measure
        "largest_ordinary_5000x50.csv": (
            ";".join(["KABUPATEN/KOTA", *[f"WAJIB KTP-EL {c}" for c in range(49)]]) + "\n"
            + "".join(f"KAB. CONTOH {r};" + ";".join(str(r * 7 + c) for c in range(49)) + "\n"
                      for r in range(4999))).encode(),
        "largest_ordinary_5000x50.xlsx": _xlsx_bytes(
            [["KABUPATEN/KOTA", *[f"WAJIB KTP-EL {c}" for c in range(49)]]]
            + [[f"KAB. CONTOH {r}", *range(r * 7, r * 7 + 49)] for r in range(4999)]),
    }
    paths = {}
    for name, content in files.items():
        if len(content) > MAX_BYTES:
            raise ValueError(f"{name}: {len(content)} bytes, more than the upload limit")
        (folder / name).write_bytes(content)
        paths[name] = folder / name
    return paths


def _watch_peak(proc: subprocess.Popen, peak: list[float]) -> None:
    """``VmHWM`` (peak RSS of this process image, MB) every 10 ms until it exits.

    Not ``ru_maxrss``: Linux carries the parent's high-water mark across fork and
    exec, so a child of this (large) process would report at least the parent's.
    """
    while proc.poll() is None:
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak[0] = max(peak[0], int(line.split()[1]) / 1024)
        time.sleep(0.01)


def run_watched(command: list[str], env: dict, out, err,
                timeout_s: float) -> tuple[float, float, int]:
    """Run ``command`` (output to the open files ``out``/``err``), killed after
    ``timeout_s``; return wall seconds, peak RSS in MB (sampled) and the exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
    timer = threading.Timer(timeout_s, proc.kill)
    timer.start()
    peak = [0.0]
    watcher = threading.Thread(target=_watch_peak, args=(proc, peak), daemon=True)
    watcher.start()
    proc.wait()
    seconds = round(time.perf_counter() - start, 2)
    timer.cancel()
    watcher.join()
    return seconds, round(peak[0], 1), proc.returncode


def check_file(path: Path, store: Path, timeout_s: float = 300) -> dict:
    """Wall seconds, peak RSS (MB, sampled) and outcome of the command-line check of a file."""
    env = {**os.environ, "CAPAIAN_STORE_DIR": str(store)}
    out_path, err_path = path.with_suffix(".out"), path.with_suffix(".err")
    with out_path.open("wb") as out, err_path.open("wb") as err:
        seconds, peak, code = run_watched([PY, "-m", "utils.ingest.importer", str(path), "--json"],
                                          env, out, err, timeout_s)
    lines = err_path.read_text(errors="replace").strip().splitlines()
    outcome: list = lines[-1:] or [""]
    with contextlib.suppress(ValueError):
        document = json.loads(out_path.read_bytes())
        outcome = [document.get("status"), (document.get("reason") or "")[:90]]
    return {"bytes": path.stat().st_size, "seconds": seconds, "peak_mb": peak, "exit": code,
            "outcome": outcome}


def bad_files_phase(tmp: Path) -> dict:
    """Every bad file, checked once; ``over_budget`` lists those above the budget."""
    folder = tmp / "bad_files"
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    for name, path in bad_files(folder).items():
        log(f"bad file {name}")
        results[name] = check_file(path, tmp / "store")
        log(f"  {results[name]}")
    over = [n for n, r in results.items()
            if r["seconds"] > BAD_FILE_BUDGET["seconds"]
            or (r["peak_mb"] or 0) > BAD_FILE_BUDGET["peak_mb"]]
    return {"budget": BAD_FILE_BUDGET, "files": results, "over_budget": over}


# --------------------------------------------------------------------------- own boundary files

BOUNDARY_BUDGET = {"seconds": 60.0, "peak_mb": 2048.0}
"""Issue #16: a boundary set from a 514-regency shapefile, on 2 cores."""


def boundary_files(folder: Path) -> dict[str, Path]:
    """An office's boundary files, written from the built regencies (never committed)."""
    import boundary_files as files  # tests/boundary_files.py
    import shapely

    frame = files.regencies()
    dense = frame.copy()  # official files carry far more vertices than the cleaned cache
    dense["geometry"] = shapely.segmentize(frame.geometry.to_numpy(), 0.001)  # ≤ 110 m
    villages = files.big_villages(frame, "35", pieces=24)
    villages["geometry"] = shapely.segmentize(villages.geometry.to_numpy(), 0.0005)
    return {
        "514 regencies, zipped shapefile": files.zipped_shapefile(frame, folder, name="kab514"),
        "514 regencies, densified, UTM 50S": files.zipped_shapefile(
            dense, folder, name="kab514_dense", crs=32750),
        "Jawa Timur villages (BIG), UTM 49S": files.zipped_shapefile(
            villages, folder, name="desa_jatim", crs=32749),
    }


def boundary_files_phase(tmp: Path) -> dict:
    """Build a boundary set from each file through the command line: seconds, peak MB."""
    folder = tmp / "boundary_files"
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    for name, path in boundary_files(folder).items():
        log(f"boundary file {name}")
        command = [PY, "-m", "utils.geo", "build", "--source", str(path), "--json", "--store",
                   str(tmp / "store"), "--credit", "benchmark", "--licence", "benchmark"]
        out_path = path.with_suffix(".json")
        with out_path.open("wb") as out:
            seconds, peak, code = run_watched(command, dict(os.environ), out,
                                              subprocess.DEVNULL, 600)
        record = json.loads(out_path.read_text().strip().splitlines()[-1])
        results[name] = {
            "bytes": path.stat().st_size, "seconds": seconds, "peak_mb": peak, "exit": code,
            "features": record.get("features"), "regencies": record.get("regencies"),
            "national_bytes": record.get("national_bytes"),
            "province_bytes_max": record.get("province_bytes_max"),
            "error": record.get("error")}
        log(f"  {results[name]}")
    over = [n for n, r in results.items()
            if r["seconds"] > BOUNDARY_BUDGET["seconds"]
            or r["peak_mb"] > BOUNDARY_BUDGET["peak_mb"]]
    return {"budget": BOUNDARY_BUDGET, "files": results, "over_budget": over}


DECK_BUDGET_S = 20
"""The whole default briefing (national, latest period, Indonesian) as PDF and PPTX."""


def deck_files_phase(runs: int = 3) -> dict:
    """Seconds to draw the default briefing deck and write its PDF and PPTX, in this
    process (the first run starts vl-convert's engine: the first click of a session)."""
    from utils import demo
    from utils.geo import cache_record
    from utils.ingest import provenance
    from utils.metrics import coverage, regions, targets
    from utils.metrics.indicators import load_indicators
    from utils.report import deck as slides
    from utils.report import deck_file

    cache = cache_record.cache_dir()
    table, defs = demo.read_demo(), load_indicators()
    period = coverage.latest_period(table)
    scope = deck_file.Scope(
        table, regions.read_regions(cache / "regions.csv"), defs,
        json.loads((cache / "maps" / "national.topo.json").read_text(encoding="utf-8")),
        None, period, "id", provenance.caption(provenance.DataInUse(demo=True), "id"),
        dt.date.today().isoformat())
    deck = slides.deck(table, scope.regions, targets.load_targets(), defs, period, None, "id")
    times = []
    for number in range(runs):
        start = time.perf_counter()
        pages = deck_file.draw_all(deck, scope)
        drawn = time.perf_counter()
        pdf, pptx = deck_file.to_pdf(pages), deck_file.to_pptx(pages)
        times.append({"draw_s": round(drawn - start, 2),
                      "files_s": round(time.perf_counter() - drawn, 2),
                      "total_s": round(time.perf_counter() - start, 2)})
        log(f"deck files run {number + 1}: {times[-1]}")
    return {"budget_s": DECK_BUDGET_S, "slides": len(deck), "period": period,
            "pdf_bytes": len(pdf), "pptx_bytes": len(pptx), "runs": times,
            "cores": os.cpu_count(), "loadavg": os.getloadavg(),
            "over_budget": max(r["total_s"] for r in times) > DECK_BUDGET_S}


# --------------------------------------------------------------------------- load (issue #18)

LOAD_GOALS = {"errors": 0, "first_visit_wire_bytes": 1_500_000}
"""Issue #18: no error for 200 viewers over 2 replicas behind nginx; a first visit through
nginx moves at most 1.5 MB over the wire."""
LOAD_ANSWER_TIMEOUT_S = 120  # one answer (page run or change); longer counts as an error
CLUSTER_CLI = ROOT / "deploy" / "local-cluster"


def first_visit_bytes(browser, port: int) -> dict:
    """Everything a first visit of ``/`` moves until its map is drawn and the network is
    idle: Chromium with an empty cache behind a byte-counting proxy in front of ``port``.
    ``wire_down``/``wire_up``: bytes on the wire (headers, gzip, websocket compression
    included); ``http``: response bodies as received (compressed where compressed) by
    kind; ``ws_payload``: websocket payloads after decompression."""
    from playwright.sync_api import expect

    proxy = ByteProxy(port)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    bodies: dict[str, int] = {}
    payload = [0]

    def kind(request) -> str:
        url = request.url.split("?")[0]
        if url.endswith(".topo.json"):
            return "geometry"
        return {"js": "javascript", "css": "css", "woff2": "fonts", "woff": "fonts",
                "ttf": "fonts"}.get(url.rsplit(".", 1)[-1], "other")

    def finished(request) -> None:
        sizes = request.sizes()
        bodies[kind(request)] = bodies.get(kind(request), 0) + sizes["responseBodySize"]

    page.on("requestfinished", finished)
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda f: payload.__setitem__(0, payload[0] + len(f))))
    try:
        page.goto(f"http://127.0.0.1:{proxy.port}/")
        expect(page.locator('[data-testid="stVegaLiteChart"] svg .mark-shape path').first
               ).to_be_attached(timeout=120_000)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=120_000)
        page.wait_for_load_state("networkidle")
        return {"wire_down": proxy.down, "wire_up": proxy.up, "http": bodies,
                "ws_payload": payload[0]}
    finally:
        context.close()
        proxy.close()


def _http_get(address: str, path: str, cookie: str | None) -> tuple[int, int, str | None]:
    """GET through nginx: (status, body bytes as received, affinity cookie set)."""
    import http.client

    host, port = address.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=LOAD_ANSWER_TIMEOUT_S)
    headers = {"Accept-Encoding": "gzip"}
    if cookie:
        headers["Cookie"] = f"capaian_replica={cookie}"
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        given = [c.split(";")[0].split("=", 1)[1] for c in response.headers.get_all(
            "Set-Cookie") or [] if c.startswith("capaian_replica=")]
        return response.status, len(body), given[0] if given else cookie
    finally:
        connection.close()


async def _rerun(ws, cache: dict, widgets: dict[str, str], fragment: str = "") -> dict:
    """Send one rerun (with ``widgets``' values; of ``fragment`` only when given, as the
    browser does for a fragment that runs every N seconds) and read until
    ``script_finished``.

    Like the browser, the viewer names the messages it holds; Streamlit then sends a
    short reference instead of a message it sent in the last reruns."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = BackMsg()
    message.rerun_script.query_string = ""
    message.rerun_script.cached_message_hashes.extend(cache)
    if fragment:
        message.rerun_script.fragment_id = fragment
        message.rerun_script.is_auto_rerun = True
    for widget, value in widgets.items():
        state = message.rerun_script.widget_states.widgets.add()
        state.id, state.string_value = widget, value
    await ws.send(message.SerializeToString())
    answer: dict = {"headings": [], "selects": {}, "exceptions": 0, "refs_missing": 0,
                    "raw": [], "auto": {}}
    while True:
        raw = await ws.recv()
        forward = ForwardMsg()
        forward.ParseFromString(raw)
        if forward.WhichOneof("type") == "ref_hash":
            if forward.ref_hash not in cache:
                answer["refs_missing"] += 1
                continue
            forward = cache[forward.ref_hash]
        elif forward.hash and forward.metadata.cacheable:
            cache[forward.hash] = forward
        answer["raw"].append(raw)
        kind = forward.WhichOneof("type")
        if kind == "script_finished":
            answer["status"] = forward.script_finished
            return answer
        if kind == "auto_rerun":  # a fragment the browser reruns every `interval` seconds
            answer["auto"][forward.auto_rerun.fragment_id] = forward.auto_rerun.interval
        if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            element = forward.delta.new_element
            which = element.WhichOneof("type")
            if which == "heading":
                answer["headings"].append(element.heading.body)
            elif which == "selectbox":
                answer["selects"][element.selectbox.id] = list(element.selectbox.options)
            elif which == "exception":
                answer["exceptions"] += 1


def _answer_error(answer: dict, label: str | None, fragment: bool = False) -> str | None:
    """Why an answer is wrong (an error of the run), or None."""
    if answer["status"] != (3 if fragment else 0):  # FINISHED_(FRAGMENT_RUN_)SUCCESSFULLY
        return f"script status {answer['status']}"
    if answer["exceptions"] or answer["refs_missing"]:
        return "exception on the page" if answer["exceptions"] else "unknown message reference"
    if label and not any(label in heading for heading in answer["headings"]):
        return "answer for another indicator"
    return None


async def _view(number: int, address: str, args, out: dict, finish, all_done) -> None:
    """What one viewer does (see :func:`_viewer`); raises on the first error."""
    import asyncio
    import random

    from websockets.asyncio.client import connect

    status, _, cookie = await asyncio.to_thread(_http_get, address, "/", None)
    if status != 200:
        raise RuntimeError(f"page HTTP {status}")
    async with connect(f"ws://{address.removeprefix('http://')}/_stcore/stream",
                       subprotocols=["streamlit"], max_size=None, ping_interval=None,
                       open_timeout=LOAD_ANSWER_TIMEOUT_S,
                       additional_headers={"Cookie": f"capaian_replica={cookie}",
                                           "Origin": address}) as ws:
        cache: dict = {}
        start = time.perf_counter()
        answer = await asyncio.wait_for(_rerun(ws, cache, {}), LOAD_ANSWER_TIMEOUT_S)
        out["first_ms"].append((time.perf_counter() - start) * 1000)
        if error := _answer_error(answer, None):
            raise RuntimeError(error)
        found = re.search(rb"/geometry/[\w-]+/[\w/.-]+\.topo\.json\?v=[\w-]+",
                          b"".join(answer["raw"]))
        if found:
            status, size, _ = await asyncio.to_thread(_http_get, address,
                                                      found.group().decode(), cookie)
            out["geometry_bytes"] += size
            if status != 200:
                raise RuntimeError(f"geometry HTTP {status}")
        widget, options = next((k, v) for k, v in answer["selects"].items()
                               if k.endswith("-map_indicator"))
        rng = random.Random(number)
        auto, chosen = answer["auto"], {}
        for change in range(args.changes):
            await _think(ws, cache, chosen, auto, rng.uniform(*args.think), out)
            label = options[(change + 1 + number) % len(options)]
            chosen = {widget: label}
            start = time.perf_counter()
            answer = await asyncio.wait_for(_rerun(ws, cache, {widget: label}),
                                            LOAD_ANSWER_TIMEOUT_S)
            out["change_ms"].append((time.perf_counter() - start) * 1000)
            if error := _answer_error(answer, label):
                raise RuntimeError(error)
        finish()
        await all_done.wait()  # memory is measured with every session open


async def _think(ws, cache: dict, widgets: dict[str, str], auto: dict[str, float],
                 seconds: float, out: dict) -> None:
    """Wait ``seconds`` as a browser does: rerunning each fragment of ``auto`` (id ->
    interval) on its interval (the page's check for newly accepted data), timed into
    ``out["fragment_ms"]``."""
    import asyncio

    if not auto:
        await asyncio.sleep(seconds)
        return
    fragment, interval = next(iter(auto.items()))  # the app has one: store_watch
    while seconds > 0:
        await asyncio.sleep(min(interval, seconds))
        seconds -= interval
        if seconds < 0:
            return
        start = time.perf_counter()
        answer = await asyncio.wait_for(_rerun(ws, cache, widgets, fragment),
                                        LOAD_ANSWER_TIMEOUT_S)
        out["fragment_ms"].append((time.perf_counter() - start) * 1000)
        if error := _answer_error(answer, None, fragment=True):
            raise RuntimeError(f"fragment: {error}")


async def _viewer(number: int, address: str, args, out: dict, all_done) -> None:
    """One viewer, started ``number / viewers`` of the ramp in: the page (HTML, its
    WebSocket and first run, the geometry), then ``args.changes`` indicator changes after
    think times. Every failure is counted by its kind; none stops the others."""
    import asyncio

    counted = []

    def finish() -> None:
        if not counted:
            counted.append(True)
            out["done"] += 1
            if out["done"] == args.viewers:
                all_done.set()

    await asyncio.sleep(args.ramp * number / args.viewers)
    try:
        await _view(number, address, args, out, finish, all_done)
    except Exception as exc:
        reason = "timeout" if isinstance(exc, TimeoutError) else f"{type(exc).__name__}: {exc}"
        out["errors"][reason[:120]] = out["errors"].get(reason[:120], 0) + 1
    finally:
        finish()


def _watch_rss(pids: dict[str, int], peaks: dict[str, float], stop: threading.Event) -> None:
    """Peak ``VmRSS`` of each process until ``stop``."""
    while not stop.is_set():
        for name, pid in pids.items():
            peaks[name] = max(peaks.get(name, 0.0), rss_mb(pid) or 0.0)
        stop.wait(0.5)


def _sessions(port: int) -> int | None:
    """Streamlit's ``active_sessions`` of one replica."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/metrics", timeout=10) as r:
            found = re.search(r"^active_sessions(?:\{[^}]*\})? (\d+)", r.read().decode(),
                              re.MULTILINE)
    except OSError:
        return None
    return int(found.group(1)) if found else None


def _load_run(address: str, args, replicas: dict[str, dict]) -> dict:
    """All viewers at once (asyncio, one process), bounded by ``args.load_seconds``: answer
    times, errors, each replica's RSS (start, peak, with every session open) and CPU."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    out: dict = {"first_ms": [], "change_ms": [], "fragment_ms": [], "errors": {}, "done": 0,
                 "geometry_bytes": 0}
    pids = {name: r["proc"]["pid"] for name, r in replicas.items()}
    rss = {"start": {n: rss_mb(p) for n, p in pids.items()}, "peak": {}}
    cpu = {n: cpu_seconds(p) for n, p in pids.items()}
    stop = threading.Event()
    threading.Thread(target=_watch_rss, args=(pids, rss["peak"], stop), daemon=True).start()

    async def everyone() -> None:
        all_done = asyncio.Event()
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(16))  # HTTP GETs
        tasks = [asyncio.create_task(_viewer(n, address, args, out, all_done))
                 for n in range(args.viewers)]
        await all_done.wait()
        rss["all_sessions"] = {n: rss_mb(p) for n, p in pids.items()}
        out["sessions"] = {n: _sessions(r["port"]) for n, r in replicas.items()}
        await asyncio.gather(*tasks)

    started = time.perf_counter()
    try:
        asyncio.run(asyncio.wait_for(everyone(), args.load_seconds))
    except TimeoutError:
        left = args.viewers - out["done"]
        out["errors"]["not done within --load-seconds"] = left
    finally:
        stop.set()
    seconds = time.perf_counter() - started
    out["cpu_s"] = {n: round((cpu_seconds(p) or 0) - (cpu[n] or 0), 1) for n, p in pids.items()}
    out["rss_mb"] = rss
    out["seconds"] = round(seconds, 1)
    return out


def _ms(values: list[float]) -> dict:
    return {"n": len(values), **{f"p{q}": None if not values else round(
        report.percentile(values, q), 0) for q in (50, 95, 99)},
        "max": round(max(values), 0) if values else None}


def load_phase(args, tmp: Path) -> dict:
    """``deploy/local-cluster up`` (``--replicas`` replicas, an empty store: demo data),
    first visit through nginx and direct, then ``--viewers`` viewers changing indicators;
    ``down`` at the end whatever happened."""
    from playwright.sync_api import sync_playwright

    run = tmp / "cluster"
    env = {**os.environ, "CAPAIAN_STORE_DIR": str(tmp / "store")}
    env.pop("CAPAIAN_CACHE_DIR", None)
    log(f"cluster up: {args.replicas} replicas")
    up = subprocess.run([str(CLUSTER_CLI), "--dir", str(run), "up", "--replicas",
                         str(args.replicas), "--store", args.store], env=env,
                        capture_output=True, text=True)
    try:
        if up.returncode != 0:
            raise RuntimeError(f"local-cluster up failed: {up.stderr.strip()[-300:]}")
        address = up.stdout.strip().splitlines()[-1]
        state = json.loads((run / "cluster.json").read_text())
        replicas = {f"replica-{i + 1}": r for i, r in enumerate(state["replicas"])}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            log("first visit through nginx, then direct to replica-1")
            visits = {"nginx": first_visit_bytes(browser, state["nginx"]["port"]),
                      "direct": first_visit_bytes(browser, state["replicas"][0]["port"])}
            browser.close()
        log(f"first visit: {visits}")
        log(f"{args.viewers} viewers, {args.changes} changes each, think {args.think} s")
        out = _load_run(address, args, replicas)
    finally:
        down = subprocess.run([str(CLUSTER_CLI), "--dir", str(run), "down"], env=env,
                              capture_output=True, text=True)
        log(f"cluster down: exit {down.returncode} {down.stderr.strip()}")
    errors = sum(out["errors"].values())
    return {
        "goals": LOAD_GOALS,
        "viewers": args.viewers, "replicas": args.replicas, "changes_per_viewer": args.changes,
        "store": "postgres" if state.get("store_url") else "folder",
        "think_s": args.think, "ramp_s": args.ramp, "errors": errors,
        "error_kinds": out["errors"], "changes_answered": len(out["change_ms"]),
        "change_to_answer_ms": _ms(out["change_ms"]), "first_run_ms": _ms(out["first_ms"]),
        "fragment_rerun_ms": _ms(out["fragment_ms"]),
        "sessions_per_replica": out.get("sessions"), "rss_mb": out["rss_mb"],
        "replica_cpu_s": out["cpu_s"], "geometry_bytes_per_viewer": round(
            out["geometry_bytes"] / max(1, args.viewers)),
        "first_visit": visits, "seconds": out["seconds"], "cores": os.cpu_count(),
        "loadavg": os.getloadavg(), "cluster_down_exit": down.returncode,
        "pass": {"errors": errors <= LOAD_GOALS["errors"],
                 "first_visit": visits["nginx"]["wire_down"]
                 <= LOAD_GOALS["first_visit_wire_bytes"]},
    }


def run(args) -> dict:
    source = (
        args.source
        or os.environ.get("CAPAIAN_GEO_SOURCE")
        or str(ROOT.parent / "shared" / "upstream")
    )
    results: dict[str, dict] = {app: {} for app in APPS}
    notes: dict[str, str] = {}
    details: dict = {
        "pages": page_status(),
        "moves": args.moves,
        "sessions": args.sessions,
        "loadavg_start": os.getloadavg(),
    }
    tmp = Path(tempfile.mkdtemp(prefix="capaian-bench-"))
    browser_version = None
    try:
        log("app caches")
        ensure_app_caches(source)
        if args.boundary_files:
            return boundary_files_phase(tmp)
        if args.deck_files:
            return deck_files_phase()
        if args.load:
            return load_phase(args, tmp)
        if args.cold_build:
            return cold_build_phase(source, tmp, args.cold_build)
        details["bad_files"] = bad_files_phase(tmp)
        if args.bad_files:
            return details["bad_files"]
        if not args.skip_build:
            log("cold boundary build (--force, empty cache folder)")
            try:
                results["capaian"]["boundary_build_s"] = cold_build(source, tmp)
                log(f"cold build {results['capaian']['boundary_build_s']} s")
            except Exception as exc:
                notes["boundary_build_s"] = f"cold build failed: {exc}"
        else:
            notes["boundary_build_s"] = "skipped (--skip-build)"
        for app in ("altair_full", "explore"):
            notes.setdefault(
                f"{app}.boundary_build_s", "no such step: the baseline reads the raw GeoJSON"
            )
        log("full-resolution GeoJSON for the baselines")
        geojson = tmp / "regencies_full.geojson"
        details["baseline_geojson"] = full_geojson(source, geojson)
        log(f"baseline GeoJSON {details['baseline_geojson']}")
        env = {**os.environ, "CAPAIAN_BENCH_GEOJSON": str(geojson)}
        env.pop("CAPAIAN_CACHE_DIR", None)
        national = ROOT / "geo" / "cache" / "maps" / "national.topo.json"
        details["capaian_national_topojson_bytes"] = (
            national.stat().st_size if national.is_file() else None
        )
        for app in args.apps:
            log(f"== {app}: AppTest")
            details[app] = {}
            try:
                apptest_phase(app, env, args, results[app], notes, details[app])
            except Exception as exc:
                notes[f"{app}.apptest"] = f"{type(exc).__name__}: {exc}"[:300]
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            browser_version = browser.version
            for app in args.apps:
                log(f"== {app}: browser")
                server = None
                try:
                    server = Server(APPS[app], env, tmp)
                    browser_phase(app, browser, server, args, results[app], notes, details[app])
                except Exception as exc:
                    notes[f"{app}.browser"] = f"{type(exc).__name__}: {exc}"[:300]
                    log(f"{app}: browser phase failed: {exc}")
                try:
                    if server:
                        sessions_phase(app, browser, server, args, results[app], notes)
                except Exception as exc:
                    notes[f"{app}.sessions"] = f"{type(exc).__name__}: {exc}"[:300]
                    log(f"{app}: sessions phase failed: {exc}")
                finally:
                    if server:
                        server.stop()
            browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        details["loadavg_end"] = os.getloadavg()
        details["seconds"] = round(time.perf_counter() - START, 1)
    for metric in report.REQUIRED:
        if results["capaian"].get(metric) is None and metric not in notes:
            notes.setdefault(metric, "not measured for capaian (see the other notes)")
    return report.assemble(
        results,
        UNITS,
        cores=os.cpu_count() or 0,
        date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        versions=versions(browser_version),
        notes=notes,
        details=details,
    )


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print only the JSON on stdout")
    parser.add_argument("--moves", type=int, default=20, help="changes timed per kind (≥ 20)")
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions for RSS")
    parser.add_argument("--apps", nargs="+", default=list(APPS), choices=list(APPS))
    parser.add_argument(
        "--source", help="upstream folder (default CAPAIAN_GEO_SOURCE or ../shared/upstream)"
    )
    parser.add_argument("--skip-build", action="store_true", help="skip the cold build")
    parser.add_argument("--bad-files", action="store_true",
                        help="only the bad-file case (issue #19): seconds and MB per file")
    parser.add_argument("--boundary-files", action="store_true",
                        help="only own boundary files (issue #16): seconds and MB per build")
    parser.add_argument("--deck-files", action="store_true",
                        help="only the briefing as PDF + PPTX (issue #20): seconds per deck")
    parser.add_argument("--cold-build", type=int, default=0, metavar="RUNS",
                        help="only the cold boundary build (issue #17), RUNS times: medians")
    parser.add_argument("--load", action="store_true",
                        help="only the load run (issue #18): viewers over replicas behind nginx")
    parser.add_argument("--viewers", type=int, default=200, help="--load: concurrent viewers")
    parser.add_argument("--replicas", type=int, default=2, help="--load: app replicas")
    parser.add_argument("--store", choices=("postgres", "folder"), default="postgres",
                        help="--load: the replicas' store (local-cluster up --store)")
    parser.add_argument("--changes", type=int, default=5,
                        help="--load: indicator changes per viewer")
    parser.add_argument("--think", type=float, nargs=2, default=[8.0, 24.0],
                        metavar=("MIN", "MAX"), help="--load: seconds between changes")
    parser.add_argument("--ramp", type=float, default=30.0,
                        help="--load: seconds over which the viewers arrive")
    parser.add_argument("--load-seconds", type=float, default=600.0,
                        help="--load: the whole run's bound")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--apptest-worker", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    global QUIET
    args = parse(argv)
    if args.apptest_worker:
        print(json.dumps(apptest_worker(args.apptest_worker, args.moves)))
        return 0
    QUIET = args.quiet
    document = run(args)
    if args.json or args.bad_files or args.boundary_files or args.deck_files or args.cold_build \
            or args.load:
        print(json.dumps(document, indent=1, ensure_ascii=False))
    else:
        print(report.table(document))
        for key, note in document["notes"].items():
            print(f"- {key}: {note}")
    log("done")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
