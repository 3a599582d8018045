"""Every figure names its source and date (issue #15 item 5).

The pure description of the data in use (:mod:`utils.ingest.provenance`), then
the About page's list of versions and the map's and region page's captions.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd
import pytest
from page_support import run_page
from streamlit.testing.v1 import AppTest

from utils.ingest import provenance
from utils.ingest.store import Store

ROOT = Path(__file__).resolve().parents[1]
OLD, NEW = "2024-12-31", "2025-06-30"
METAS = [
    {"id": "v0001", "source": {"name": "a.csv"}, "period": OLD, "user": "budi",
     "created": "2025-01-05T03:04:00+00:00", "indicators": ["ktp_el"]},
    {"id": "v0002", "source": {"name": "b.xlsx"}, "companion": {"name": "c.xlsx"},
     "period": NEW, "periods": [OLD, NEW], "user": "sari",
     "created": "2025-07-01T10:30:00+00:00", "indicators": ["kia", "ktp_el"]},
]


def keys(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period", "code", "indicator"])


ROWS = {
    "v0001": keys((OLD, "64.01", "ktp_el"), (OLD, "64.72", "ktp_el")),
    "v0002": keys((OLD, "64.72", "ktp_el"), (NEW, "65.01", "kia")),  # 64.72 replaced
}
IN_USE = provenance.describe(METAS, ["v0001", "v0002"], ROWS)


@pytest.mark.parametrize(("period", "indicator", "region", "versions"), [
    (None, None, None, ["v0001", "v0002"]),
    (OLD, "ktp_el", "64.01", ["v0001"]),
    (OLD, "ktp_el", "64.72", ["v0002"]),   # the later version wins, as in Store.current
    (OLD, "ktp_el", "64", ["v0001", "v0002"]),  # a province: its regencies' versions
    (NEW, None, "64", []),
    (NEW, "kia", "65", ["v0002"]),
    (None, None, "6", []),                 # "6" is no region: no prefix matching
    (OLD, "kia", None, []),
])
def test_shown_names_the_versions_behind_a_view(period, indicator, region, versions):
    assert [v.id for v in provenance.shown(IN_USE, period, indicator, region)] == versions


@pytest.mark.parametrize(("data", "args", "lang", "text"), [
    (IN_USE, (NEW, "kia", "65"), "id", "Data: versi v0002, b.xlsx + c.xlsx, per 30 Juni 2025"),
    (IN_USE, (NEW, "kia", "65"), "en",
     "Data: version v0002, b.xlsx + c.xlsx, as of 30 June 2025"),
    (IN_USE, (None, None, "64.01"), "id", "Data: versi v0001, a.csv, per 31 Desember 2024"),
    (IN_USE, (None, None, "65.01"), "id",
     "Data: versi v0002, b.xlsx + c.xlsx, per 31 Desember 2024 dan 30 Juni 2025"),
    (IN_USE, (OLD, "ktp_el", "64"), "id",
     "Data: versi v0001, a.csv, per 31 Desember 2024; versi v0002, b.xlsx + c.xlsx, "
     "per 31 Desember 2024"),
    (IN_USE, (NEW, "ktp_el", "64"), "id", "Data: tidak ada versi data untuk tampilan ini"),
    (provenance.describe(METAS, [], {}), (NEW, "kia", None), "id",
     "Data contoh (bukan angka resmi)"),
    (provenance.describe(METAS, [], {}), (), "en", "Demo data (not official figures)"),
])
def test_caption_says_version_file_and_date(data, args, lang, text):
    assert provenance.caption(data, lang, *args) == text


def test_a_rolled_back_version_is_not_in_use():
    data = provenance.describe(METAS, ["v0001"], ROWS)
    assert [v.id for v in data.versions] == ["v0001"] and not data.demo
    assert set(data.origins["version"]) == {"v0001"}


def test_accepted_says_when_and_by_whom():
    assert provenance.accepted_text(IN_USE.versions[1], "id") == (
        "diterima 1 Juli 2025 pukul 10.30 UTC oleh sari")
    assert provenance.accepted_text(IN_USE.versions[1], "en") == (
        "accepted 1 July 2025 at 10:30 UTC by sari")


def test_row_sources_follow_each_figure():
    rows = keys((OLD, "64.01", "ktp_el"), (OLD, "64.72", "ktp_el"), (NEW, "11.01", "kia"))
    assert provenance.row_sources(IN_USE, rows, "id").tolist() == [
        "versi v0001, a.csv, per 31 Desember 2024",
        "versi v0002, b.xlsx + c.xlsx, per 31 Desember 2024", ""]


# --- the pages ---------------------------------------------------------------------------------

NAN = float("nan")


def table(period: str, codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"period": period, "code": codes, "indicator": "ktp_el",
                         "numerator": 90.0, "denominator": 100.0, "is_demo": False})


@pytest.fixture
def store(built, tmp_path, monkeypatch) -> Path:
    """Two accepted versions: Kalimantan Timur in 2024, then Kalimantan Utara in 2025
    from a pair of files (one measure each)."""
    root = tmp_path / "store"
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(root))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    Store(root).accept(table(OLD, ["64.01", "64.72"]), source_name="rekap_kaltim.xlsx",
                       source_bytes=b"a", period=OLD, user="budi")
    Store(root).accept(table(NEW, ["65.01"]), source_name="kaltara_sudah.csv",
                       source_bytes=b"b", period=NEW, user="sari",
                       companion=("kaltara_wajib.csv", b"c"))
    return root


@pytest.fixture
def demo_store(built, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)


run = partial(run_page, signed_in=False)



def texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in ("markdown", "caption", "warning")
                     for e in getattr(at, kind)).replace("\\", "")


@pytest.mark.parametrize(("lang", "lines"), [
    ("id", ["**v0001** — rekap_kaltim.xlsx, per 31 Desember 2024; diterima ",
            " oleh budi.",
            "**v0002** — kaltara_sudah.csv + kaltara_wajib.csv, per 30 Juni 2025; diterima ",
            " oleh sari."]),
    ("en", ["**v0001** — rekap_kaltim.xlsx, as of 31 December 2024; accepted ", " by budi."]),
])
def test_about_lists_the_imported_versions_in_use(store, lang, lines):
    shown = texts(run("pages/about.py", lang))
    for line in lines:
        assert line in shown
    assert "Data contoh" not in shown and "demo data" not in shown


@pytest.mark.parametrize(("lang", "words"), [("id", "**data contoh**"), ("en", "**demo data**")])
def test_about_says_when_demo_data_is_shown(demo_store, lang, words):
    at = run("pages/about.py", lang)
    assert any(words in w.value for w in at.warning)
    assert "v0001" not in texts(at)


@pytest.mark.parametrize(("path", "params", "caption"), [
    ("pages/map.py", {"wil": "64", "per": OLD},
     "Data: versi v0001, rekap_kaltim.xlsx, per 31 Desember 2024"),
    ("pages/map.py", {"wil": "65"},
     "Data: versi v0002, kaltara_sudah.csv + kaltara_wajib.csv, per 30 Juni 2025"),
    ("pages/region.py", {"kode": "64.72"},
     "Data: versi v0001, rekap_kaltim.xlsx, per 31 Desember 2024"),
    ("pages/region.py", {"kode": "65"},
     "Data: versi v0002, kaltara_sudah.csv + kaltara_wajib.csv, per 30 Juni 2025"),
])
def test_map_and_region_name_the_version_shown(store, path, params, caption):
    at = run(path, "id", **params)
    assert caption in [c.value.replace("\\", "") for c in at.caption]


@pytest.mark.parametrize("path", ["pages/map.py", "pages/region.py"])
def test_demo_data_is_named_under_the_map_and_the_region(demo_store, path):
    at = run(path, "id", kode="64.74")
    assert "Data contoh (bukan angka resmi)" in [c.value.replace("\\", "") for c in at.caption]
