"""Chromium: an admin uploads an office's zipped shapefile on the Data page, reads the
join report, activates it, and the map is drawn from it.

The file (village polygons of Kalimantan Timur in UTM 50S, BIG attributes, without
Kabupaten Mahakam Ulu) is written by the test from the built regencies.
"""

from __future__ import annotations

import re

import boundary_files as files
import pytest
from browser_support import WAIT, admin_secrets, idle, sign_in, start_app, stop_app, warm
from playwright.sync_api import expect

from utils.geo import boundary_sets

PASSWORD = "test-only-password"


@pytest.fixture(scope="module")
def server(built, browser, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("boundary_browser")
    proc, address = start_app(tmp / "store", {}, admin_secrets(tmp, PASSWORD))
    yield warm(browser, address), tmp
    stop_app(proc)


def test_an_uploaded_shapefile_becomes_the_map(server, browser):
    address, tmp = server
    villages = files.big_villages(files.regencies(), "64")
    villages = villages[villages["KDPKAB"] != "64.11"]
    path = files.zipped_shapefile(villages, tmp / "files", name="desa_kaltim", crs=32750)

    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{address}/data")
    sign_in(page, PASSWORD)
    page.get_by_role("tab", name="Batas wilayah").click()
    expect(page.get_by_text("Batas wilayah yang dipakai: bawaan")).to_be_visible(timeout=WAIT)
    idle(page)
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Berkas batas wilayah")
    uploader.locator('input[type="file"]').set_input_files(str(path))
    expect(uploader.get_by_text("desa_kaltim.zip")).to_be_visible(timeout=WAIT)
    idle(page)
    page.get_by_label("Sumber (penerbit berkas)").fill("Badan Informasi Geospasial (uji)")
    page.get_by_label("Lisensi").fill("CC BY 4.0")
    page.get_by_label("Lisensi").press("Enter")
    build = page.get_by_role("button", name="Bangun batas wilayah")
    expect(build).to_be_enabled(timeout=WAIT)
    build.click()
    expect(page.get_by_text("Batas wilayah dari desa_kaltim.zip sudah dibangun")).to_be_visible(
        timeout=120_000)
    expect(page.get_by_text(re.compile(r"Cocok 9 dari 514 kabupaten/kota \(9 lewat kode"))
           ).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Tanpa batas wilayah (1): Kabupaten Mahakam Ulu")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=WAIT)  # preview
    root = boundary_sets.sets_root(tmp / "store")
    assert boundary_sets.active_id(root) == boundary_sets.DEFAULT  # built, not yet shown
    page.get_by_role("button", name="Aktifkan").click()
    expect(page.get_by_text("Peta kini memakai batas wilayah dari desa_kaltim.zip")
           ).to_be_visible(timeout=WAIT)
    set_id = boundary_sets.active_id(root)
    assert set_id != boundary_sets.DEFAULT
    page.close()

    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    with page.expect_response(lambda r: f"/geometry/{set_id}/province/64.topo.json" in r.url,
                              timeout=WAIT) as fetched:
        page.goto(f"{address}/?wil=64")
    assert fetched.value.status == 200
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Batas wilayah: berkas desa_kaltim.zip, sumber Badan Informasi "
                            "Geospasial (uji), lisensi CC BY 4.0")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Tanpa batas wilayah (1): Kabupaten Mahakam Ulu")).to_be_visible()
    page.goto(f"{address}/tentang")
    expect(page.get_by_text("Batas wilayah: berkas desa_kaltim.zip")).to_be_visible(timeout=WAIT)
    page.close()
