"""What every browser test needs: the app on a free port and Debian's Chromium.

A missing browser fails the tests that use it: they are never skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CAPAIAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT = 60_000
LOGS: dict[str, Path] = {}
"""Each started server's log (stdout and stderr), by address: a failing test shows it."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_secrets(folder: Path, password: str) -> Path:
    """A secrets file in ``folder`` whose admin password is ``password`` (cheap test hash)."""
    from utils import auth

    secrets = folder / "secrets.toml"
    stored = auth.hash_password(password, salt=b"capaian-test-salt", n=2**4)
    secrets.write_text(auth.secrets_lines(stored), encoding="utf-8")
    return secrets


def sign_in(page: Page, password: str) -> None:
    """Type ``password`` into the sign-in form the page shows."""
    field = page.locator('input[type="password"]')
    expect(field).to_be_visible(timeout=WAIT)
    field.fill(password)
    field.press("Enter")


def idle(page: Page) -> None:
    """Wait until the page's script run has finished (a widget changed now is not lost in
    a run that is still drawing)."""
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=WAIT)


def open_menu(page: Page, combobox: Locator, option: str) -> Locator:
    """Open a select box's menu from the keyboard and return its ``option`` (visible).

    On a touch-emulated page, react-aria's combobox drops the first ArrowDown after focus
    now and then (3 of 14 tries, idle page, focus on the input): the key is pressed again,
    up to 5 times, until the menu is open.
    """
    idle(page)  # a run still streaming in re-mounts the select box and closes its menu
    combobox.focus()
    wanted = page.get_by_role("option", name=option)
    for _ in range(5):
        combobox.press("ArrowDown")
        try:
            expect(wanted).to_be_visible(timeout=3_000)
            return wanted
        except AssertionError:
            continue
    expect(wanted).to_be_visible(timeout=WAIT)  # fails with Playwright's own message
    return wanted


def start_app(store: Path, env: dict[str, str] | None = None,
              secrets: Path | None = None, guarded: bool = True) -> tuple[subprocess.Popen, str]:
    """Start the app with its own store (and mode/secrets); return (process, address).

    ``CAPAIAN_MODE`` is cleared unless ``env`` sets it, so a developer's shell
    cannot turn an internal-mode test public. Public mode starts as deployed
    (``deploy/run-public.sh``: ``deploy/public_app.py`` behind the guard) unless
    ``guarded`` is False (``streamlit run app.py``, the control of the guard's tests).
    """
    environ = {k: v for k, v in os.environ.items() if k != "CAPAIAN_MODE"}
    environ.update(env or {}, CAPAIAN_STORE_DIR=str(store))
    port = free_port()
    public = guarded and environ.get("CAPAIAN_MODE") == "public"
    command = [sys.executable, "-m", "streamlit", "run",
               "deploy/public_app.py" if public else "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]
    if secrets:
        command += ["--secrets.files", str(secrets)]
    log = store.parent / f"server-{port}.log"
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=out,
                                stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    LOGS[f"http://127.0.0.1:{port}"] = log
    return proc, f"http://127.0.0.1:{port}"


def server_log(address: str, lines: int = 40) -> str:
    """The last ``lines`` lines the server at ``address`` wrote (for a failure's message)."""
    log = LOGS.get(address)
    if log is None or not log.is_file():
        return "(no log)"
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def warm(browser: Browser, address: str) -> str:
    """Open the main page once and return ``address``.

    The first draw of a fresh server builds the shared caches; tests that time or
    count what a page does start after it.
    """
    page = browser.new_page()
    page.goto(address)
    try:
        expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=90_000)
    except AssertionError as exc:
        state = page.evaluate("document.querySelector('[data-testid=stApp]')"
                              "?.getAttribute('data-test-script-state')")
        raise AssertionError(f"{exc}\nscript state: {state}\npage text: "
                             f"{page.inner_text('body')[:2000]}\nserver log:\n"
                             f"{server_log(address)}") from None
    page.close()
    return address


def stop_app(proc: subprocess.Popen) -> None:
    """Stop a server started by :func:`start_app`."""
    proc.terminate()
    proc.wait(timeout=20)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, with this machine's closed network in mind."""
    assert Path(CHROMIUM).is_file(), f"Chromium not found at {CHROMIUM}: install Debian's chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
