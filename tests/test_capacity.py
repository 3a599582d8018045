"""Capacity per region: the scenario field, the model, the sheet reader and the page."""

from __future__ import annotations

import io
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.page_support import run_page
from utils.i18n import t
from utils.ingest import capacity as sheet
from utils.ingest.spreadsheet import ReadError
from utils.metrics import whatif as model
from utils.metrics import whatif_state as choices
from utils.metrics.indicators import load_indicators
from utils.metrics.regions import regency_rows
from utils.metrics.whatif_state import Scenario

DEFS = load_indicators()
IDS = list(DEFS)
KNOWN = {"64", "64.01", "64.72", "64.74", "65.01"}
BASE = Scenario(targets={"ktp_el": 99.4}, months=6)


# --- the scenario field ----------------------------------------------------------------------


def test_old_links_and_old_saved_files_read_without_capacity():
    old_link = {"t_ktp_el": "99.5", "o": "100", "m": "6", "r": "64"}
    assert choices.from_query(old_link, BASE, IDS, KNOWN).capacity == ()
    old_file = {"targets": {"ktp_el": 99.5}, "scope": None, "overrides": {}, "outreach": 100.0,
                "outreach_regions": ["64"], "months": 6, "growth": 1.2, "indicator": "kia"}
    read = choices.from_dict(json.loads(json.dumps(old_file)), BASE, IDS, KNOWN)
    assert read.capacity == () and read.outreach == 100.0 and read.indicator == "kia"


def test_capacity_survives_link_saved_file_and_key():
    scen = Scenario(targets={"ktp_el": 99.0}, months=6, indicator="ktp_el",
                    capacity=(("kia", "64.72", 300.0), ("ktp_el", "64.74", 1200.0)))
    query = choices.to_query(scen)
    assert query["c"] == "kia~64.72~300,ktp_el~64.74~1200"
    assert choices.from_query(query, BASE, IDS, KNOWN) == scen
    saved = json.loads(json.dumps(choices.to_dict(scen)))
    assert choices.from_dict(saved, BASE, IDS, KNOWN) == scen
    assert scen.key() != Scenario(**{**scen.__dict__, "capacity": ()}).key()
    assert scen.reads("kia").capacity == (("kia", "64.72", 300.0),)
    assert scen.reads("ikd").capacity == ()
    assert scen.capacity_for("ktp_el") == {"64.74": 1200.0}


def test_a_large_capacity_stays_out_of_the_link_but_in_the_file():
    many = tuple(("ktp_el", f"64.{i:02d}", 10.0) for i in range(choices.CAPACITY_LINK_MAX + 1))
    scen = Scenario(months=6, capacity=many)
    assert not choices.capacity_in_link(scen) and "c" not in choices.to_query(scen)
    assert choices.from_dict(choices.to_dict(scen), BASE, IDS).capacity == many
    assert choices.is_query_key("c")


@pytest.mark.parametrize(
    "given, expected",
    [
        ("ktp_el~64.74~300", (("ktp_el", "64.74", 300.0),)),
        ("ktp_el~64.74~300,ktp_el~64.74~5", (("ktp_el", "64.74", 300.0),)),  # first wins
        ("ktp_el~64~300", ()),  # a province is not a regency
        ("ktp_el~99.99~300", ()),  # unknown code
        ("nope~64.74~300", ()),  # unknown indicator
        ("ktp_el~64.74~abc", ()),
        ("ktp_el~64.74~nan,ktp_el~64.74", ()),
        ("ktp_el~64.74~-5", (("ktp_el", "64.74", 0.0),)),  # clipped like a slider
        ("ktp_el~64.74~1e9", (("ktp_el", "64.74", float(choices.CAPACITY_MAX)),)),
        ([["kia", "65.01", "7"], ["kia", "65.01"], "junk"], (("kia", "65.01", 7.0),)),
        ({"kia": {"65.01": 7}}, ()),  # not the saved form: ignored, nothing invented
        ("", ()),
    ],
)
def test_capacity_values_are_checked(given, expected):
    assert choices.from_dict({"capacity": given}, BASE, IDS, KNOWN).capacity == expected


# --- the model -------------------------------------------------------------------------------


BASE_ROWS = pd.DataFrame({"code": ["64.01", "64.72", "65.01"], "province_code": ["64", "64", "65"],
                          "numerator": [900.0, 900.0, 900.0], "denominator": [1000.0] * 3,
                          "target": [95.0] * 3, "target_scope": "national", "name": "x",
                          "province_name": "y"})


@pytest.mark.parametrize(
    "outreach, regions, capacity, expected",
    [
        (100, (), None, [100, 100, 100]),
        (100, ("64",), None, [100, 100, 0]),
        (100, ("64",), {"65.01": 7.0}, [100, 100, 7]),
        (100, (), {"64.72": 0.0}, [100, 0, 100]),  # a capacity of 0 means none there
        (0, (), {"64.01": 3.0, "99.99": 5.0}, [3, 0, 0]),
    ],
)
def test_outreach_per_region_with_capacity(outreach, regions, capacity, expected):
    got = model.outreach_per_region(BASE_ROWS, outreach, regions, capacity)
    assert got.tolist() == expected


def test_evaluate_uses_each_indicators_own_capacity():
    scen = Scenario(targets={"ktp_el": 95.0, "kia": 95.0}, outreach=0, months=10,
                    capacity=(("kia", "64.01", 1.0), ("ktp_el", "64.01", 5.0)))
    ktp = model.evaluate(BASE_ROWS, scen, "ktp_el").set_index("code")
    kia = model.evaluate(BASE_ROWS, scen, "kia").set_index("code")
    assert ktp["outreach"].tolist() == [5.0, 0.0, 0.0] and kia["outreach"].tolist() == [1, 0, 0]
    assert ktp.loc["64.01", "meets_end"] and not kia.loc["64.01", "meets_end"]
    assert ktp.loc["64.01", "reach_month"] == 10


# --- the sheet -------------------------------------------------------------------------------


def csv_bytes(lines: list[str]) -> bytes:
    return ("\n".join(["Kode;Nama kabupaten/kota;Indikator;Per bulan", *lines])).encode()


@pytest.mark.parametrize(
    "line, entry, refusal",
    [
        ("64.74;Kota Bontang;ktp_el;1.200", ("ktp_el", "64.74", 1200.0), None),
        ("6474;;KIA;300", ("kia", "64.74", 300.0), None),
        (";KOTA BONTANG;Perekaman KTP-el;5", ("ktp_el", "64.74", 5.0), None),
        (";Kota Bontang;IKD activation;0", ("ikd", "64.74", 0.0), None),
        ("64.72;Kota Bontang;ktp_el;5", None, "capacity.code_name_disagree"),
        ("64.74;Bontang Raya;ktp_el;5", None, "capacity.code_name_disagree"),
        ("64;Kalimantan Timur;ktp_el;5", None, "capacity.province_code"),
        ("99.99;;ktp_el;5", None, "capacity.unknown_code"),
        ("abc;;ktp_el;5", None, "capacity.bad_code"),
        (";Kabupaten Antah Berantah;ktp_el;5", None, "capacity.name_unknown"),
        ("64.74;;paspor;5", None, "capacity.bad_indicator"),
        ("64.74;;;5", None, "capacity.bad_indicator"),
        ("64.74;;ktp_el;lima", None, "capacity.bad_number"),
        ("64.74;;ktp_el;", None, "capacity.no_number"),
        ("64.74;;ktp_el;-3", None, "capacity.out_of_range"),
        ("64.74;;ktp_el;1000000", None, "capacity.out_of_range"),
    ],
)
def test_sheet_rows(regions, line, entry, refusal):
    read = sheet.read_capacity(csv_bytes([line]), regions, DEFS)
    assert read.entries == ((entry,) if entry else ())
    assert [r.key for r in read.refused] == ([refusal] if refusal else [])
    if refusal:
        assert read.refused[0].row == 2
        assert "capacity." not in t(refusal, "id", **read.refused[0].params)


def test_sheet_duplicates_totals_and_blank_rows(regions):
    read = sheet.read_capacity(csv_bytes([
        "64.74;;ktp_el;5", ";;;", "64.74;Kota Bontang;ktp_el;6", "64.74;;kia;6",
        ";JUMLAH;;17"]), regions, DEFS)
    assert read.entries == (("kia", "64.74", 6.0), ("ktp_el", "64.74", 5.0))
    assert [(r.row, r.key, r.params) for r in read.refused] == [
        (4, "capacity.duplicate", {"first": 2})]
    assert read.totals_skipped == 1


def test_sheet_from_a_workbook_with_a_title_above_the_header(regions):
    book = openpyxl.Workbook()
    book.active.append(["Kapasitas jemput bola 2025"])
    book.active.append(["KODE WILAYAH", "INDIKATOR", "KAPASITAS"])
    book.active.append(["64.74", "akta_lahir", 250])
    data = io.BytesIO()
    book.save(data)
    read = sheet.read_capacity(data.getvalue(), regions, DEFS)
    assert read.entries == (("akta_lahir", "64.74", 250.0),) and not read.refused


@pytest.mark.parametrize(
    "data, key",
    [
        (b"", "data.read.empty"),
        (b"Kode;Nama\n64.74;Kota Bontang\n", "capacity.no_header"),
        (b"Nama;Per bulan\nKota Bontang;5\n", "capacity.no_header"),
        (("Kode;Indikator;Per bulan\n" + "64.74;kia;1\n" * (choices.MAX_CAPACITY + 1)).encode(),
         "capacity.too_many"),
    ],
)
def test_unreadable_sheets_are_refused_whole(regions, data, key):
    with pytest.raises(ReadError) as caught:
        sheet.read_capacity(data, regions, DEFS)
    assert caught.value.key == key
    assert "capacity." not in t(key, "en", **caught.value.params)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_row_is_taken_only_when_code_and_name_are_one_region(regions, data):
    regs = regency_rows(regions)
    code = data.draw(st.sampled_from(regs["code"].tolist()))
    name = data.draw(st.sampled_from(regs["name"].tolist()))
    read = sheet.read_capacity(csv_bytes([f"{code};{name};kia;10"]), regions, DEFS)
    same = dict(zip(regs["code"], regs["name"], strict=True))[code] == name
    assert bool(read.entries) == same
    assert read.entries == ((("kia", code, 10.0),) if same else ())


@pytest.mark.parametrize(
    "rows, entries, incomplete, repeated",
    [
        ([("64.74", "kia", 5)], (("kia", "64.74", 5.0),), 0, 0),
        ([("64.74", "kia", 5), ("64.74", "kia", 9)], (("kia", "64.74", 5.0),), 0, 1),
        ([(None, None, None)], (), 1, 0),
        ([("64", "kia", 5), ("64.74", "x", 5), ("64.74", "kia", -1), ("64.74", "kia", None)],
         (), 4, 0),
        ([("64.74", "kia", np.nan)], (), 1, 0),
    ],
)
def test_table_entries(rows, entries, incomplete, repeated):
    frame = pd.DataFrame(rows, columns=["region", "indicator", "per_month"])
    assert sheet.table_entries(frame, IDS, KNOWN) == (entries, incomplete, repeated)


# --- the page --------------------------------------------------------------------------------


@pytest.fixture
def demo_store(built, tmp_path, monkeypatch):
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)


def meeting_end(at) -> int:
    return int({m.label: m.value for m in at.metric}["Memenuhi pada tenggat"].split()[0])


def test_page_reads_capacity_from_a_link_and_keeps_it_there(demo_store):
    plain = run_page("pages/whatif.py", t_ktp_el="99.5", m="6")
    at = run_page("pages/whatif.py", t_ktp_el="99.5", m="6", c="ktp_el~31.75~100000")
    assert at.session_state["whatif_capacity"] == (("ktp_el", "31.75", 100000.0),)
    assert at.query_params["c"] == "ktp_el~31.75~100000"
    assert meeting_end(at) == meeting_end(plain) + 1  # Jakarta Timur now gets there
    assert t("capacity.count", "id", count=1) in [c.value for c in at.caption]


def test_page_keeps_a_large_capacity_out_of_the_link(demo_store):
    at = run_page("pages/whatif.py", t_ktp_el="99.5", m="6")
    assert at.session_state["whatif_capacity"] == ()
    at.session_state["whatif_capacity"] = tuple(("ktp_el", c, 100000.0)
                                                for c in regency_rows_codes())
    at.run()
    assert not at.exception
    assert "c" not in at.query_params
    assert meeting_end(at) == 514
    assert t("capacity.not_in_link", "id", count=514) in " ".join(c.value for c in at.caption)


def regency_rows_codes() -> list[str]:
    from utils.geo import cache_record
    from utils.metrics import regions

    return regency_rows(regions.read_regions(cache_record.cache_dir() / "regions.csv"))[
        "code"].tolist()
