"""Public mode: no visitor can degrade the site for others (issue #19, item 5).

Real servers and hostile clients: Streamlit's own protobufs over the websocket, plain
HTTP for the upload route. ``guarded`` is the documented public start
(``deploy/run-public.sh``); ``plain`` is a public server started as before
(``CAPAIAN_MODE=public streamlit run app.py``). Where nothing in the app can close a
hole, ``plain`` is the control that shows the observable does see the attack.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from browser_support import free_port, start_app, stop_app
from playwright.sync_api import expect
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import connect

from utils import auth

ROOT = Path(__file__).resolve().parent.parent
WAIT = 120  # seconds for one answer of the server (a cold first run builds caches)


def _guard_module():
    """deploy/public_guard.py (deploy/ is no package; public_app.py imports it by name)."""
    path = ROOT / "deploy" / "public_guard.py"
    spec = importlib.util.spec_from_file_location("public_guard", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def start_public(store: Path) -> tuple[subprocess.Popen, str]:
    """The documented public start, ``deploy/run-public.sh``, on a free port."""
    environ = {k: v for k, v in os.environ.items() if k != auth.MODE_ENV}
    environ.update(CAPAIAN_STORE_DIR=str(store), PYTHON=sys.executable)
    port = free_port()
    proc = subprocess.Popen([str(ROOT / "deploy" / "run-public.sh"), "--server.port", str(port),
                             "--server.address", "127.0.0.1"], cwd=ROOT, env=environ,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    address = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + WAIT
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(address + "/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return proc, address
        except OSError:
            time.sleep(0.3)  # polling until the server answers, not a timed assertion
    stop_app(proc)
    raise AssertionError(f"deploy/run-public.sh did not start (exit code {proc.poll()})")


@pytest.fixture(scope="module")
def guarded(built, tmp_path_factory) -> Iterator[str]:
    proc, address = start_public(tmp_path_factory.mktemp("guarded"))
    yield address
    stop_app(proc)


@pytest.fixture(scope="module")
def plain(built, tmp_path_factory) -> Iterator[str]:
    proc, address = start_app(tmp_path_factory.mktemp("plain"), {auth.MODE_ENV: auth.PUBLIC},
                              guarded=False)
    yield address
    stop_app(proc)


class Visitor:
    """One websocket session, spoken to as a hostile client would."""

    def __init__(self, address: str, stack: ExitStack) -> None:
        self.address = address
        self.ws = stack.enter_context(connect(
            address.replace("http", "ws", 1) + "/_stcore/stream", max_size=None,
            open_timeout=WAIT))
        self.frames: list[bytes] = []  # every frame the server sent this visitor
        self.session_id = ""

    def send(self, message: BackMsg) -> None:
        self.ws.send(message.SerializeToString())

    def until(self, kind: str) -> list[ForwardMsg]:
        """Messages up to and including the first of type ``kind``."""
        got = []
        while True:
            frame = self.ws.recv(timeout=WAIT)
            assert isinstance(frame, bytes)
            self.frames.append(frame)
            message = ForwardMsg()
            message.ParseFromString(frame)
            got.append(message)
            if message.WhichOneof("type") == "new_session":
                self.session_id = message.new_session.initialize.session_id
            if message.WhichOneof("type") == kind:
                return got

    def run(self, *states: WidgetState) -> list[ForwardMsg]:
        """One rerun of the landing page with these widget values; its messages."""
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.widget_states.widgets.extend(states)
        self.send(message)
        return self.until("script_finished")

    def ping(self) -> list[ForwardMsg]:
        """A heartbeat; returns once every earlier message of this visitor was handled
        (the server handles one connection's messages in order)."""
        message = BackMsg()
        message.app_heartbeat = True
        self.send(message)
        return self.until("heartbeat_ack")


@pytest.fixture
def visitors() -> Iterator[ExitStack]:
    """Closes the visitors' connections after the test."""
    with ExitStack() as stack:
        yield stack


def visit(visitors: ExitStack, address: str) -> Visitor:
    return Visitor(address, visitors)


def cache_misses(address: str) -> int:
    """All st.cache_data/st.cache_resource misses of the server so far (its metrics)."""
    with urllib.request.urlopen(address + "/_stcore/metrics?families=cache_lookups",
                                timeout=WAIT) as answer:
        lines = answer.read().decode().splitlines()
    return sum(int(float(line.rsplit(" ", 1)[1])) for line in lines
               if line.startswith("cache_lookups_total{") and 'result="miss"' in line)


def put_upload(address: str, session_id: str, method: str = "PUT") -> int:
    """Upload 64 KB as the browser would (XSRF cookie and header); the HTTP status."""
    with urllib.request.urlopen(address + "/_stcore/health", timeout=WAIT) as answer:
        cookie = next(c.split(";", 1)[0] for c in answer.headers.get_all("Set-Cookie")
                      if c.startswith("_streamlit_xsrf="))
    boundary = "capaianboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"x.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode()
    body += b"a,b\n" * 16_384 + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{address}/_stcore/upload_file/{session_id}/hostile-file-id", data=body, method=method,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": cookie,
                 "X-Xsrftoken": cookie.split("=", 1)[1]})
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def exceptions(messages: list[ForwardMsg]) -> list:
    return [m.delta.new_element.exception for m in messages
            if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element"
            and m.delta.new_element.WhichOneof("type") == "exception"]


# --- (a) uploads -------------------------------------------------------------------------------


@pytest.mark.parametrize(("server", "status"), [("guarded", 403), ("plain", 204)])
def test_an_upload_into_server_memory_is_refused(server, status, request, visitors):
    """A visitor's own session id and XSRF token are all Streamlit checks; only the
    guarded server refuses (``plain`` shows the hole: 204 = the file is held)."""
    visitor = visit(visitors, request.getfixturevalue(server))
    visitor.run()
    assert put_upload(visitor.address, visitor.session_id) == status


def test_the_guarded_upload_route_answers_no_method(guarded, visitors):
    visitor = visit(visitors, guarded)
    visitor.run()
    assert {m: put_upload(guarded, visitor.session_id, m) for m in ("PUT", "DELETE", "POST")} \
        == {"PUT": 403, "DELETE": 403, "POST": 403}


@pytest.mark.parametrize(("server", "answered"), [("guarded", False), ("plain", True)])
def test_no_upload_address_is_handed_out(server, answered, request, visitors):
    visitor = visit(visitors, request.getfixturevalue(server))
    visitor.run()
    message = BackMsg()
    message.file_urls_request.request_id = "hostile"
    message.file_urls_request.file_names.append("x.csv")
    visitor.send(message)
    kinds = {m.WhichOneof("type") for m in visitor.ping()}
    assert ("file_urls_response" in kinds) is answered


# --- (b) clear_cache ---------------------------------------------------------------------------


@pytest.mark.parametrize(("server", "cleared"), [("guarded", False), ("plain", True)])
def test_a_visitor_cannot_clear_everyones_caches(server, cleared, request, visitors):
    """Warm: a victim's rerun misses no cache. A hostile visitor's clear_cache makes the
    victim's next rerun miss again on ``plain``; on ``guarded`` it stays warm."""
    address = request.getfixturevalue(server)
    victim, hostile = visit(visitors, address), visit(visitors, address)
    victim.run()
    victim.run()
    warm = cache_misses(address)
    assert warm > 0, "the first runs filled the caches"
    victim.run()
    assert cache_misses(address) == warm, "the observable: a warm rerun misses nothing"
    message = BackMsg()
    message.clear_cache = True
    hostile.send(message)
    hostile.ping()  # the clear_cache (if any) has been handled
    victim.run()
    assert (cache_misses(address) > warm) is cleared


# --- (c) error details and server paths --------------------------------------------------------


def hostile_state() -> WidgetState:
    """A widget value for a widget the UI never drew (Streamlit fails the rerun)."""
    state = WidgetState(id="hostile")  # not Streamlit's "$$ID-..." form: it is not ignored
    state.string_array_value.data.extend(["x"])
    return state


def assert_no_detail(messages: list[ForwardMsg]) -> None:
    found = exceptions(messages)
    assert found, "the hostile rerun must fail, else this test proves nothing"
    for exception in found:
        assert (exception.type, list(exception.stack_trace)) == ("", [])
        assert "/" not in exception.message  # no path, and Streamlit's generic text


@pytest.mark.parametrize("server", ["guarded", "plain"])
def test_an_injected_widget_state_shows_no_error_detail(server, request, visitors):
    """After the process's first run both public servers hide the error's type, message
    and traceback (``plain`` through app.py's ``access.harden()``)."""
    address = request.getfixturevalue(server)
    visit(visitors, address).run()
    assert_no_detail(visit(visitors, address).run(hostile_state()))


def test_a_hostile_first_message_shows_no_error_detail(tmp_path, visitors):
    """On a fresh guarded server the very first message of the first session is the
    attack: it fails before app.py runs, so the setting must be there from the start."""
    proc, address = start_public(tmp_path / "store")
    try:
        assert_no_detail(visit(visitors, address).run(hostile_state()))
    finally:
        stop_app(proc)


@pytest.mark.parametrize(("server", "leaks"), [("guarded", False), ("plain", True)])
def test_no_server_path_reaches_the_browser(server, leaks, request, visitors):
    """Streamlit names the main script's absolute path in every new session; the guard
    sends the file name only (``plain`` shows the leak)."""
    visitor = visit(visitors, request.getfixturevalue(server))
    visitor.run()
    visitor.run(hostile_state())
    assert any(str(ROOT).encode() in frame for frame in visitor.frames) is leaks


def test_internal_mode_keeps_error_details(built, tmp_path, visitors):
    proc, address = start_app(tmp_path / "store", {})
    try:
        visit(visitors, address).run()
        found = exceptions(visit(visitors, address).run(hostile_state()))
        assert found and found[0].type and found[0].stack_trace
    finally:
        stop_app(proc)


# --- the guard's rules, one message at a time --------------------------------------------------


@pytest.mark.parametrize(("field", "refused"), [
    ("rerun_script", False), ("stop_script", False), ("app_heartbeat", False),
    ("backend_operation_request", False), ("clear_cache", True), ("file_urls_request", True),
    ("load_git_info", True), ("set_run_on_save", True), ("debug_disconnect_websocket", True),
    ("debug_shutdown_runtime", True),
])
def test_the_guard_passes_only_what_a_public_page_sends(field, refused):
    guard = _guard_module()
    message = BackMsg()
    descriptor = BackMsg.DESCRIPTOR.fields_by_name[field]
    if descriptor.message_type is None:
        setattr(message, field, True)
    else:
        getattr(message, field).SetInParent()
    assert guard.refused_frame(message.SerializeToString()) is refused


@pytest.mark.parametrize("frame", [b"", b"\xff\xfe not a protobuf", None])
def test_the_guard_leaves_unreadable_frames_to_streamlit(frame):
    assert _guard_module().refused_frame(frame) is False


def test_the_allowed_messages_are_streamlits_names():
    """A typo (or a renamed type after an upgrade) would refuse what pages need; any
    type not allowed, including a new one, is refused until someone decides otherwise."""
    kinds = {f.name for f in BackMsg.DESCRIPTOR.oneofs_by_name["type"].fields}
    assert kinds >= _guard_module().PUBLIC_BACKMSGS


def test_the_guarded_site_works_in_a_browser(guarded, browser):
    """The redacted script path and the dropped messages leave the page working."""
    page = browser.new_page()
    page.goto(guarded)
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=WAIT * 1000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT * 1000)
    assert page.get_by_test_id("stException").count() == 0
    page.close()
