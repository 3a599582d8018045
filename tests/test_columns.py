"""Header recognition: Indonesian headers, merged group headers, keywords as data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from utils.ingest.columns import (
    HEADERS_CSV,
    find_header,
    is_column_numbers,
    load_vocabulary,
    parse_keyword,
    recognise,
    tokens,
)
from utils.metrics.indicators import load_indicators

INDICATORS = load_indicators()
VOCAB = load_vocabulary(INDICATORS)


def one_row(*headers: str) -> dict[int, str]:
    return recognise(VOCAB, [("", h) for h in headers])


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("NO", "row.number"),
        ("KODE", "region.code"),
        ("KODE WILAYAH", "region.code"),
        ("KABUPATEN/KOTA", "region.name"),
        ("KAB/KOTA", "region.name"),
        ("WAJIB KTP-EL", "ktp_el.denominator"),
        ("SUDAH REKAM", "ktp_el.numerator"),
        ("% REKAM", "ktp_el.percent"),
        ("JUMLAH ANAK 0-17 TH", "kia.denominator"),
        ("SUDAH MEMILIKI KIA", "kia.numerator"),
        ("% KIA", "kia.percent"),
        ("PENDUDUK 0-18 TAHUN", "akta_lahir.denominator"),
        ("AKTA KELAHIRAN", "akta_lahir.numerator"),
        ("PERSENTASE AKTA", "akta_lahir.percent"),
        ("Residents required to hold a KTP-el", "ktp_el.denominator"),
    ],
)
def test_single_headers(header: str, field: str) -> None:
    mapping = one_row("KABUPATEN/KOTA" if field != "region.name" else "X", header)
    assert mapping.get(1) == field


def test_belum_rekam_is_not_the_numerator() -> None:
    mapping = one_row("KABUPATEN/KOTA", "WAJIB KTP-EL", "BELUM REKAM", "SUDAH REKAM")
    assert mapping == {0: "region.name", 1: "ktp_el.denominator", 3: "ktp_el.numerator"}


def test_bare_percent_belongs_to_the_indicator_on_its_left() -> None:
    mapping = one_row("KAB/KOTA", "WAJIB KTP", "SUDAH REKAM", "%", "JUMLAH ANAK 0-17",
                      "MEMILIKI KIA", "%")
    assert mapping[3] == "ktp_el.percent" and mapping[6] == "kia.percent"


def test_unrecognised_columns_stay_out_of_the_mapping() -> None:
    mapping = one_row("KABUPATEN/KOTA", "WAJIB KTP-EL", "SUDAH REKAM", "KETERANGAN")
    assert 3 not in mapping


def test_header_below_title_and_blank_rows() -> None:
    rows = [["REKAP PEREKAMAN KTP-EL"], [], [None, None],
            ["NO", "KABUPATEN/KOTA", "WAJIB KTP-EL", "SUDAH REKAM", "% REKAM"],
            ["1", "KAB. PASER", "1", "1", "100"]]
    header = find_header(VOCAB, rows)
    assert (header.start, header.stop) == (3, 4)
    assert header.labels[2] == "WAJIB KTP-EL"


def test_merged_group_header_over_sub_headers() -> None:
    rows = [
        ["NO", "KABUPATEN/KOTA", "PEREKAMAN KTP-EL", None, None, "KIA", None, None,
         "AKTA KELAHIRAN", None, None],
        [None, None, "WAJIB KTP-EL", "SUDAH REKAM", "%", "JUMLAH ANAK 0-17 TH",
         "SUDAH MEMILIKI KIA", "%", "PENDUDUK 0-18", "MEMILIKI", "%"],
        ["1", "KAB. PASER", "1", "1", "1", "1", "1", "1", "1", "1", "1"],
    ]
    header = find_header(VOCAB, rows)
    assert (header.start, header.stop) == (0, 2)
    assert list(header.mapping.values()) == [
        "row.number", "region.name",
        "ktp_el.denominator", "ktp_el.numerator", "ktp_el.percent",
        "kia.denominator", "kia.numerator", "kia.percent",
        "akta_lahir.denominator", "akta_lahir.numerator", "akta_lahir.percent"]


def test_no_header_without_region_column() -> None:
    assert find_header(VOCAB, [["A", "B"], ["1", "2"]]) is None
    assert find_header(VOCAB, [["WAJIB KTP-EL", "SUDAH REKAM"]]) is None


def test_a_fourth_indicator_needs_no_code(tmp_path: Path) -> None:
    ikd = replace(INDICATORS["ktp_el"], id="ikd", label_id="Aktivasi IKD",
                  label_en="IKD activation", numerator_id="Sudah aktivasi IKD",
                  numerator_en="Activated IKD", denominator_id="Wajib IKD",
                  denominator_en="Residents eligible for IKD")
    headers = tmp_path / "headers.csv"
    headers.write_text(HEADERS_CSV.read_text(encoding="utf-8")
                       + "ikd.numerator,aktivasi ikd\nikd.percent,ikd\n", encoding="utf-8")
    vocab = load_vocabulary({**INDICATORS, "ikd": ikd}, headers)
    mapping = recognise(vocab, [("", "KAB/KOTA"), ("", "WAJIB IKD"),
                                ("", "SUDAH AKTIVASI IKD"), ("", "% IKD"), ("", "SUDAH REKAM")])
    assert mapping == {0: "region.name", 1: "ikd.denominator", 2: "ikd.numerator",
                       3: "ikd.percent", 4: "ktp_el.numerator"}


def test_unknown_field_in_keyword_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("field,keyword\nnope.numerator,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown field"):
        load_vocabulary(INDICATORS, path)


def test_tokens_and_keywords() -> None:
    assert tokens("JUMLAH ANAK 0–17 TH") == ["jumlah", "anak", "0", "17", "th"]
    assert tokens("%REKAM") == ["%", "rekam"]
    keyword = parse_keyword("memiliki kia !belum")
    assert keyword.words == ("memiliki", "kia") and keyword.absent == ("belum",)


@pytest.mark.parametrize(("row", "expected"), [(["1", "2", "3", "4", "5"], True),
                                               ([1, 2, 3], True), (["1", "KAB. X", "3"], False),
                                               (["1", "2"], False), (["2", "4", "6"], False)])
def test_column_number_rows(row: list, expected: bool) -> None:
    assert is_column_numbers(row) is expected
