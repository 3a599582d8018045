"""A real browser (Debian's Chromium via Playwright) opens the app and finds the map drawn.

A missing browser fails this test: it is never skipped.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CAPAIAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(built):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).is_file(), f"Chromium not found at {CHROMIUM}: install Debian's chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


REGION_FILLS = """(chart) => Array.from(
  chart.querySelectorAll('.layer_0_marks path')).map(p => p.getAttribute('fill'))"""


def test_home_map_is_drawn(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(server)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for(timeout=60000)
    page.locator('[data-testid="stVegaLiteChart"] .layer_0_marks path').first.wait_for(
        timeout=60000)
    assert page.get_by_text("Data contoh — bukan data resmi").is_visible()
    fills = chart.evaluate(REGION_FILLS)
    assert len(fills) == 514, "one shape per regency"
    assert len(set(fills)) >= 4, f"coloured by class, got {set(fills)}"
    assert "#bdbdbd" not in fills  # every demo regency has data
    box = chart.bounding_box()
    assert box["width"] > 1000 and box["height"] > 400
    page.screenshot(path=str(tmp_path / "home.png"))
    page.close()
