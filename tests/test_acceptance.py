"""What an accepted import stores, and the Data page's tables as records (pure)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from utils.ingest import acceptance, review
from utils.ingest.importer import Context, Issue, Report, analyse
from utils.ingest.store import Store

KALTIM = Path(__file__).resolve().parent / "fixtures" / "import" / "kaltim_ktp_2022.csv"


def report(**changes) -> Report:
    """A report of three rows: one matched by code, one by hand (row 5), one skipped."""
    base = {
        "file": "rekap.csv",
        "sha256": "ab" * 32,
        "sheet": "Rekap",
        "period": "2022-05-15",
        "headers": ["NO", "KAB/KOTA", "WAJIB KTP-EL", "SUDAH REKAM"],
        "mapping": {1: "region.name", 2: "ktp_el.denominator", 3: "ktp_el.numerator"},
        "rows": 3,
        "matched": [
            {"row": 4, "code": "64.74", "name": "Kota Bontang", "by": "code", "text": "BONTANG"},
            {
                "row": 5,
                "code": "64.11",
                "name": "Kabupaten Mahakam Ulu",
                "by": "alias",
                "text": "KAB. MAHULU",
            },
        ],
        "skipped": [{"row": 6, "text": "Kota X", "reason": "user"}],
        "warnings": [Issue("formulas", params={"count": 2})],
    }
    return Report(**{**base, **changes})


# --- acceptance -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        (
            {1: "region.name", 3: "ktp_el.numerator"},
            {"KAB/KOTA": "region.name", "SUDAH REKAM": "ktp_el.numerator"},
        ),
        ({}, {}),
    ],
)
def test_header_mapping(mapping, expected):
    assert acceptance.header_mapping(report(mapping=mapping)) == expected


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        ({}, {}),
        ({6: ""}, {}),  # a skipped row teaches nothing
        (
            {5: "64.11"},
            {"Kabupaten|mahulu": {"code": "64.11", "text": "KAB. MAHULU"}},
        ),
        ({5: "64.11", 9: "64.01"}, {"Kabupaten|mahulu": {"code": "64.11", "text": "KAB. MAHULU"}}),
    ],
)
def test_aliases_remember_only_rows_matched_by_hand(decisions, expected):
    assert acceptance.aliases(report(), decisions) == expected


def test_details():
    assert acceptance.details(report(), {5: "64.11", 6: ""}) == {
        "sheet": "Rekap",
        "file_rows": 3,
        "matched": 2,
        "skipped": 1,
        "decisions": {"5": "64.11", "6": ""},
        "warnings": 1,
    }


@pytest.mark.parametrize(
    ("user", "expected"),
    [("  Petugas Uji ", "Petugas Uji"), ("   ", None), ("", None), (None, None)],
)
def test_accept_arguments(user, expected):
    args = acceptance.accept_arguments(report(), "rekap.csv", b"data", {5: "64.11"}, user)
    assert args["user"] == expected
    assert args["source_name"] == "rekap.csv" and args["source_bytes"] == b"data"
    assert args["period"] == "2022-05-15"
    assert args["mapping"] == acceptance.header_mapping(report())
    assert args["details"]["decisions"] == {"5": "64.11"}
    assert list(args["aliases"]) == ["Kabupaten|mahulu"]


def test_a_real_file_is_stored_with_its_metadata(regions, tmp_path):
    data = KALTIM.read_bytes()
    checked = analyse(data, KALTIM.name, Context.load(regions))
    assert checked.status == "ok"
    store = Store(tmp_path / "store")
    meta = store.accept(
        checked.table, **acceptance.accept_arguments(checked, KALTIM.name, data, {}, "Uji")
    )
    assert meta["user"] == "Uji" and meta["period"] == "2022-05-15"
    assert meta["rows"]["values"] == 10
    assert store.find_source(checked.sha256, "2022-05-15") == [meta["id"]]


# --- review tables ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "by"), [("id", ["kode", "alias tersimpan"]), ("en", ["code", "remembered alias"])]
)
def test_matched_rows_say_how_in_the_language(lang, by):
    rows = review.matched_rows(report(), lang)
    assert [r["row"] for r in rows] == [4, 5] and rows[0]["name"] == "Kota Bontang"
    assert [r["by"] for r in rows] == by
    assert report().matched[0]["by"] == "code"  # the report itself is left as it was


@pytest.mark.parametrize(
    ("issues", "expected_rows"),
    [
        ([Issue("formulas", params={"count": 2})], [""]),
        ([Issue("period_missing"), Issue("code_unknown", 7, {"code": "99.99"})], ["", 7]),
        ([], []),
    ],
)
def test_issue_rows(issues, expected_rows):
    rows = review.issue_rows(issues, "id")
    assert [r["row"] for r in rows] == expected_rows
    assert [r["message"] for r in rows] == [i.message("id") for i in issues]


@pytest.mark.parametrize(
    ("checks", "expected"),
    [
        ({"ktp_el": {"ok": True}, "kia": {"ok": False}}, "ktp_el: ✓, kia: ✗"),
        ({"ktp_el": {"ok": True, "sum": 3}}, "ktp_el: ✓"),
        ({}, ""),
    ],
)
def test_checks_text(checks, expected):
    assert review.checks_text(checks) == expected


def test_total_rows():
    totals = [{"row": 14, "text": "JUMLAH", "checks": {"ktp_el": {"ok": False}}}]
    assert review.total_rows(report(totals=totals)) == [
        {"row": 14, "text": "JUMLAH", "checks": "ktp_el: ✗"}
    ]


@pytest.mark.parametrize(("lang", "percent"), [("id", "99,12 %"), ("en", "99.12 %")])
def test_aggregate_rows(lang, percent):
    rows = review.aggregate_rows(report(aggregates={"64": {"ktp_el": 99.12, "kia": 50.0}}), lang)
    assert rows == [
        {"province": "64", "indicator": "ktp_el", "percent": percent},
        {"province": "64", "indicator": "kia", "percent": "50,00 %" if lang == "id" else "50.00 %"},
    ]


def test_version_rows():
    versions = [
        {
            "id": "v0001",
            "created": "2025-07-01T08:00:00Z",
            "user": "Uji",
            "source": {"name": "a.csv", "sha256": "x"},
            "period": "2022-05-15",
            "rows": {"values": 10, "regions": 10},
            "active": True,
        },
        {"id": "v0002", "active": False},  # metadata that could not be read
    ]
    assert review.version_rows(versions) == [
        {
            "id": "v0001",
            "created": "2025-07-01T08:00:00Z",
            "user": "Uji",
            "file": "a.csv",
            "period": "2022-05-15",
            "values": 10,
            "active": "✓",
        },
        {
            "id": "v0002",
            "created": None,
            "user": None,
            "file": None,
            "period": None,
            "values": None,
            "active": "",
        },
    ]


def test_report_tables_accept_an_empty_report():
    empty = Report("x.csv", "0")
    assert review.matched_rows(empty, "id") == []
    assert review.total_rows(empty) == [] and review.aggregate_rows(empty, "id") == []
    assert acceptance.header_mapping(empty) == {} and acceptance.aliases(empty, {1: "64.01"}) == {}
    assert isinstance(empty.table, pd.DataFrame)
