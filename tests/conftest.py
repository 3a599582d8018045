"""Shared fixtures: the upstream copy beside the checkout and built caches."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# No per-example deadlines: timing is the benchmark's job (tests/benchmarks/run.py),
# and a loaded 2-core CI machine must not turn a correct property into a failure.
settings.register_profile("capaian", deadline=None)
settings.load_profile("capaian")

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM = Path(os.environ.get("CAPAIAN_GEO_SOURCE") or ROOT.parent / "shared" / "upstream")
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def upstream() -> Path:
    """The read-only upstream copy (``../shared/upstream``); tests never download."""
    wilayah = UPSTREAM / "wilayah" / "db" / "wilayah.sql"
    assert wilayah.is_file(), f"no upstream copy at {UPSTREAM}"
    return UPSTREAM


@pytest.fixture(scope="session")
def built(upstream: Path) -> dict:
    """Build (or reuse) the real caches in ``geo/cache`` and the demo data."""
    from utils import demo
    from utils.geo import build as boundaries

    record = boundaries.build(source=str(upstream))
    if not demo.DEMO_CSV.is_file():
        demo.write_demo(boundaries.cache_dir() / "regions.csv")
    return record


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    """The app on a free port with a store of its own (demo data), for one test module."""
    from browser_support import start_app, stop_app

    proc, address = start_app(tmp_path_factory.mktemp("store"))
    yield address
    stop_app(proc)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless; a missing browser fails the test, never skips it."""
    from browser_support import chromium

    with chromium() as b:
        yield b
