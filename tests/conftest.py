"""Shared fixtures: the upstream copy beside the checkout and built caches."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

# No per-example deadlines: timing is the benchmark's job (tests/benchmarks/run.py),
# and a loaded 2-core CI machine must not turn a correct property into a failure.
settings.register_profile("capaian", deadline=None)
settings.load_profile("capaian")

ROOT = Path(__file__).resolve().parent.parent
# The one place the tests learn where the upstream copy is: ``CAPAIAN_GEO_SOURCE`` (a folder
# laid out like ../shared/upstream), else ../shared/upstream next to the repository.
UPSTREAM = Path(os.environ.get("CAPAIAN_GEO_SOURCE") or ROOT.parent / "shared" / "upstream")
FIXTURES = ROOT / "tests" / "fixtures"
REGION_DUMPS = ("wilayah.sql", "wilayah_penduduk.sql", "wilayah_luas.sql")


@pytest.fixture(scope="session")
def upstream() -> Path:
    """The read-only upstream copy (``CAPAIAN_GEO_SOURCE``); tests never download.

    A missing copy fails every test that needs it (CI always has it): never a skip.
    """
    db = UPSTREAM / "wilayah" / "db"
    missing = [name for name in REGION_DUMPS if not (db / name).is_file()]
    assert not missing, (
        f"no upstream copy at {UPSTREAM} (missing {', '.join(missing)} in {db}): set "
        "CAPAIAN_GEO_SOURCE to a folder laid out like ../shared/upstream"
    )
    return UPSTREAM


@pytest.fixture(scope="session")
def regions(upstream: Path) -> pd.DataFrame:
    """The region table built from the upstream dumps; shared by all tests, never modify it."""
    from utils.geo.reference import build_regions

    db = upstream / "wilayah" / "db"
    return build_regions(*[(db / name).read_text(encoding="utf-8") for name in REGION_DUMPS])


@pytest.fixture(scope="session")
def crosswalk(upstream: Path, regions: pd.DataFrame) -> pd.DataFrame:
    """The code crosswalk (BPS, Kemendagri 2020/2022, former names); never modify it."""
    from utils.geo import crosswalk as codes

    texts = {path: (upstream / path).read_text(encoding="utf-8") for path in codes.SOURCES}
    return codes.build_from_texts(regions, texts, codes.read_renames())


@pytest.fixture(scope="session")
def built(upstream: Path) -> dict:
    """Build (or reuse) the real caches in ``geo/cache`` and the demo data."""
    from utils import demo
    from utils.geo import build as boundaries

    record = boundaries.build(source=str(upstream))
    if not demo.DEMO_CSV.is_file():
        demo.write_demo(boundaries.cache_dir() / "regions.csv")
    return record


@pytest.fixture
def made(monkeypatch) -> dict[str, bytes]:
    """Every file a page offers, by file name, made as a click would make it."""
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator

    files: dict[str, bytes] = {}
    original = DeltaGenerator.download_button

    def spy(self, label, data, file_name=None, *args, **kwargs):
        files[file_name] = data() if callable(data) else data
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", spy)
    monkeypatch.setattr(st, "download_button",
                        lambda *args, **kwargs: spy(st._main, *args, **kwargs))
    return files


@pytest.fixture(scope="module")
def server(built, browser, tmp_path_factory):
    """The app on a free port with a store of its own (demo data), for one test module.

    Opened once before the tests, so a deep link finds its page (``browser_support.warm``).
    """
    from browser_support import start_app, stop_app, warm

    proc, address = start_app(tmp_path_factory.mktemp("store"))
    yield warm(browser, address)
    stop_app(proc)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless; a missing browser fails the test, never skips it."""
    from browser_support import chromium

    with chromium() as b:
        yield b
