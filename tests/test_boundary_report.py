"""What a boundary set's record says on the Data, About and map pages, in both languages."""

from __future__ import annotations

import pytest

from utils.report import boundary_report as words

NAMES = {"64.02": "Kabupaten Kutai Kartanegara", "64.11": "Kabupaten Mahakam Ulu",
         "64.74": "Kota Bontang", "32.16": "Kabupaten Bekasi", "32.75": "Kota Bekasi"}
PROVINCES = {"64": "Kalimantan Timur", "63": "Kalimantan Selatan", "11": "Aceh"}
RECORD = {
    "id": "b20261129T100000-1a2b3c4d", "created": "2026-11-29T10:00:00+00:00",
    "file": "batas_kaltim.zip", "source": "BIG, 2023", "licence": "CC BY 4.0", "user": "",
    "features": 1234, "dropped": 2, "crs_note": "boundary_file.crs_reprojected",
    "source_crs": "EPSG:32750 (WGS 84 / UTM zone 50S)",
    "without_shape": ["64.11"], "filled_provinces": ["11", "63"],
    "join": {
        "key": {"code_column": "KDPKAB", "name_column": "WADMKK", "level": "village"},
        "matched_by_code": 9, "matched_by_name": 0, "total_regencies": 514,
        "unmatched": [{"value": "Danau", "features": 1, "suggestions": [
            {"code": "64.74", "name": "Kota Bontang"}]}],
        "conflicts": [{"value": "64.02 Kota Bontang", "features": 3,
                       "code_region": {"code": "64.02", "name": "Kabupaten Kutai Kartanegara"},
                       "name_region": None}],
        "merged": [{"code": "64.02", "parts": 4}],
        "provinces": ["64"],
        "notes": [{"key": "boundary_join.note.dissolved",
                   "values": {"features": 1234, "regencies": 9, "level": "village"}}],
    },
}


@pytest.mark.parametrize(("lang", "expected"), [
    ("id", "Cocok 9 dari 514 kabupaten/kota (9 lewat kode, 0 lewat nama) dari 1.234 fitur; "
           "2 fitur tidak cocok; 1 kabupaten/kota tanpa batas wilayah."),
    ("en", "Regencies/cities matched: 9 of 514 (9 by code, 0 by name) from 1,234 features; "
           "features matching nothing: 2; regencies/cities without boundaries: 1."),
])
def test_summary_counts_matches_failures_and_gaps(lang, expected):
    assert words.summary(RECORD, lang) == expected


def test_where_from_names_the_file_provinces_and_counts_the_rest():
    assert words.where_from(RECORD, PROVINCES, "id") == (
        "Dari berkas ini: Kalimantan Timur. 2 provinsi lain yang tidak dimuat berkas tetap "
        "memakai batas bawaan.")
    whole = {**RECORD, "filled_provinces": []}
    assert words.where_from(whole, PROVINCES, "en") == "Every boundary comes from this file."


@pytest.mark.parametrize(("record", "scope", "shown"), [
    (RECORD, "", True), (RECORD, "64", True), (RECORD, "63", False), (None, "", False),
    ({**RECORD, "without_shape": []}, "64", False),
])
def test_the_map_names_regions_it_cannot_draw_in_its_scope(record, scope, shown):
    lines = words.map_lines(record, NAMES, scope, "id")
    assert bool(lines) == shown
    if shown:
        assert lines[0].startswith("Tanpa batas wilayah (1): Kabupaten Mahakam Ulu.")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_notes_say_how_the_file_was_read_in_words_not_keys(lang):
    lines = words.notes(RECORD, lang)
    assert any("EPSG:32750" in line for line in lines)
    assert any("KDPKAB, WADMKK" in line for line in lines)
    assert any(("desa/kelurahan" if lang == "id" else "village") in line for line in lines)
    assert not any("boundary_join." in line or "{" in line for line in lines)
    assert any(line.startswith("2 ") for line in lines)  # dropped features are counted


def test_rows_name_regions_with_their_codes():
    assert words.unmatched_rows(RECORD) == [{"value": "Danau",
                                             "suggestions": "Kota Bontang (64.74)"}]
    assert words.conflict_rows(RECORD) == [{
        "value": "64.02 Kota Bontang", "by_code": "Kabupaten Kutai Kartanegara (64.02)",
        "by_name": "–"}]
    assert words.merged_rows(RECORD, NAMES) == [
        {"code": "64.02", "name": "Kabupaten Kutai Kartanegara", "parts": 4}]


def test_set_list_marks_the_active_set_and_names_who_built_it():
    row = words.set_rows([RECORD], RECORD["id"], "id")[0]
    assert (row["active"], row["matched"], row["user"], row["created"]) == (
        "✓", "9/514", "–", "2026-11-29 10:00")
    assert words.set_rows([RECORD], "", "id")[0]["active"] == ""
    assert words.set_label(RECORD) == "batas_kaltim.zip · 2026-11-29 10:00 · 1a2b3c4d"
    assert words.credit(RECORD, "en") == (
        "Boundaries: file batas_kaltim.zip, source BIG, 2023, licence CC BY 4.0, built "
        "2026-11-29.")
