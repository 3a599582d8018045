"""The Data page in Chromium: a BPS-coded file, a code that contradicts its name, accept.

Files are made by the test (the Kalimantan Timur figures of 15 May 2022 with
BPS codes); the server gets a test password and a store of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import WAIT, admin_secrets, sign_in, start_app, stop_app, warm
from playwright.sync_api import Page, expect

from utils.ingest.store import Store

PASSWORD = "test-only-password"
KALTIM = [  # BPS code, name, wajib KTP-el, sudah rekam
    ("6401", "KABUPATEN PASER", 218315, 220957),
    ("6402", "KABUPATEN KUTAI BARAT", 131540, 131435),
    ("6403", "KABUPATEN KUTAI KARTANEGARA", 568910, 577330),
    ("6404", "KABUPATEN KUTAI TIMUR", 316439, 303687),
    ("6405", "KABUPATEN BERAU", 210799, 212127),
    ("6409", "KABUPATEN PENAJAM PASER UTARA", 142457, 144053),
    ("6411", "KABUPATEN MAHAKAM HULU", 27999, 27618),
    ("6471", "KOTA BALIKPAPAN", 533980, 544286),
    ("6472", "KOTA SAMARINDA", 621264, 632782),
    ("6474", "KOTA BONTANG", 135227, 138527),
]


def write(path: Path, swap: bool = False) -> Path:
    """The file; with ``swap``, Kutai Kartanegara's row carries Berau's BPS code."""
    lines = ["REKAP PEREKAMAN KTP-EL PER 15 MEI 2022", "",
             "KODE;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM"]
    for code, name, den, num in KALTIM:
        written = "6405" if swap and name.endswith("KARTANEGARA") else code
        lines.append(f"{written};{name};{den};{num}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def server(built, browser, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("data_browser")
    proc, address = start_app(tmp / "store", {}, admin_secrets(tmp, PASSWORD))
    yield warm(browser, address), tmp
    stop_app(proc)


def signed_in(browser, address: str) -> Page:
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{address}/data")
    sign_in(page, PASSWORD)
    expect(page.locator('input[type="file"]').first).to_be_attached(timeout=WAIT)
    return page


def upload(page: Page, path: Path) -> None:
    page.locator('input[type="file"]').first.set_input_files(str(path))
    expect(page.get_by_text("Laporan pemeriksaan")).to_be_visible(timeout=WAIT)


def accept(page: Page, version: str) -> None:
    page.get_by_role("button", name="Terima dan simpan sebagai versi baru").click()
    expect(page.get_by_text(f"Tersimpan sebagai versi {version}")).to_be_visible(timeout=WAIT)


def numerators(tmp: Path, version: str) -> dict[str, float]:
    data = Store(tmp / "store").data(version)
    return dict(zip(data["code"], data["numerator"], strict=True))


def test_a_bps_file_is_recognised_and_a_contradicting_code_is_a_decision(server, browser):
    address, tmp = server
    page = signed_in(browser, address)
    upload(page, write(tmp / "kaltim_bps.csv"))
    expect(page.get_by_role("combobox", name="Skema kode wilayah")).to_have_value(
        "Kenali otomatis (BPS)", timeout=WAIT)
    expect(page.get_by_text("Berkas dapat diterima.")).to_be_visible(timeout=WAIT)
    accept(page, "v0001")
    page.close()
    stored = numerators(tmp, "v0001")
    assert stored["64.02"] == 577330 and stored["64.07"] == 131435  # BPS 6403 and 6402

    page = signed_in(browser, address)
    upload(page, write(tmp / "kaltim_swap.csv", swap=True))
    expect(page.get_by_text("Berkas belum dapat diterima")).to_be_visible(timeout=WAIT)
    choice = page.get_by_role("combobox", name="Baris 6: KABUPATEN KUTAI KARTANEGARA")
    expect(choice).to_be_visible()
    # the contradiction is explained beside the choice: both regions named
    expect(page.get_by_test_id("stCaptionContainer").filter(
        has_text="tidak sesuai dengan nama")).to_be_visible()
    expect(page.get_by_role("button", name="Terima dan simpan sebagai versi baru")).to_be_disabled()
    choice.click()
    choice.fill("64.02 Kabupaten Kutai")
    page.get_by_role("option").filter(has_text="64.02 Kabupaten Kutai Kartanegara").click()
    expect(page.get_by_text("Berkas dapat diterima.")).to_be_visible(timeout=WAIT)
    accept(page, "v0002")
    page.close()
    stored = numerators(tmp, "v0002")
    assert stored["64.02"] == 577330 and stored["64.03"] == 212127  # Berau stays Berau
