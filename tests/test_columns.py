"""Header recognition: Indonesian headers, merged group headers, keywords as data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from utils.ingest.columns import (
    HEADERS_CSV,
    MARKERS_CSV,
    ROLES,
    field_scores,
    find_header,
    is_column_numbers,
    load_vocabulary,
    parse_keyword,
    recognise,
    shared_denominators,
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
    assert mapping == {0: "region.name", 1: "ktp_el.denominator", 2: "ktp_el.remaining",
                       3: "ktp_el.numerator"}


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


# --- headers as Dukcapil offices write them ---------------------------------------------------

N, K, C = "row.number", "region.name", "region.code"
KTP = {r: f"ktp_el.{r}" for r in ROLES}
KIA = {r: f"kia.{r}" for r in ROLES}
AKTA = {r: f"akta_lahir.{r}" for r in ROLES}
IKD = {r: f"ikd.{r}" for r in ROLES}
D, U, P, R = "denominator", "numerator", "percent", "remaining"

REAL_HEADERS: list[tuple[str, list[list[str | None]], dict[int, str]]] = [
    ("perekaman sudah/belum", [["NO", "KABUPATEN/KOTA", "WAJIB KTP-EL", "SUDAH PEREKAMAN",
                                "BELUM PEREKAMAN", "% PEREKAMAN"]],
     {0: N, 1: K, 2: KTP[D], 3: KTP[U], 4: KTP[R], 5: KTP[P]}),
    ("rekam sudah/belum", [["Kab/Kota", "Sudah Rekam", "Belum Rekam"]],
     {0: K, 1: KTP[U], 2: KTP[R]}),
    ("wajib akta is no numerator", [["KAB/KOTA", "WAJIB AKTA KELAHIRAN"]], {0: K}),
    ("wajib akta beside akta", [["KAB/KOTA", "WAJIB AKTA KELAHIRAN", "AKTA KELAHIRAN"]],
     {0: K, 2: AKTA[U]}),
    ("population beside counts", [["KABUPATEN/KOTA", "WAJIB KTP-EL", "JUMLAH ANAK",
                                   "SUDAH MEMILIKI KIA", "JUMLAH PENDUDUK"]],
     {0: K, 1: KTP[D], 2: KIA[D], 3: KIA[U]}),
    ("population with unit", [["Kabupaten/Kota", "Jumlah Penduduk (jiwa)", "Sudah Rekam",
                               "Persentase (%)"]], {0: K, 2: KTP[U], 3: KTP[P]}),
    ("bare penduduk", [["Kabupaten/Kota", "Penduduk", "Memiliki Akta Kelahiran"]],
     {0: K, 2: AKTA[U]}),
    ("kia with capaian", [["KAB/KOTA", "JUMLAH ANAK 0-17 TH", "SUDAH MEMILIKI KIA",
                           "BELUM MEMILIKI KIA", "CAPAIAN (%)"]],
     {0: K, 1: KIA[D], 2: KIA[U], 3: KIA[R], 4: KIA[P]}),
    ("akta with cakupan", [["KAB/KOTA", "PENDUDUK 0-18 TAHUN", "MEMILIKI AKTA KELAHIRAN",
                            "BELUM AKTA", "CAKUPAN"]],
     {0: K, 1: AKTA[D], 2: AKTA[U], 3: AKTA[R], 4: AKTA[P]}),
    ("dp4 pemula", [["KODE", "KABUPATEN/KOTA", "DP4 PEMULA", "SUDAH REKAM", "%"]],
     {0: C, 1: K, 2: KTP[D], 3: KTP[U], 4: KTP[P]}),
    ("pemula", [["KAB/KOTA", "PEMULA", "SUDAH REKAM PEMULA"]], {0: K, 1: KTP[D], 2: KTP[U]}),
    ("usia 17", [["KAB/KOTA", "PENDUDUK USIA 17 TAHUN", "TELAH REKAM"]],
     {0: K, 1: KTP[D], 2: KTP[U]}),
    ("aktivasi ikd", [["KAB/KOTA", "WAJIB KTP-EL", "AKTIVASI IKD", "% IKD"]],
     {0: K, 1: KTP[D], 2: IKD[U], 3: IKD[P]}),
    ("ikd sudah/belum", [["KAB/KOTA", "WAJIB KTP-EL", "SUDAH AKTIVASI IKD",
                          "BELUM AKTIVASI IKD"]], {0: K, 1: KTP[D], 2: IKD[U], 3: IKD[R]}),
    ("jumlah ikd", [["KAB/KOTA", "JUMLAH IKD"]], {0: K, 1: IKD[U]}),
    ("ikd teraktivasi", [["KAB/KOTA", "IKD TERAKTIVASI"]], {0: K, 1: IKD[U]}),
    ("ktp and ikd", [["KAB/KOTA", "WAJIB KTP-EL", "SUDAH REKAM", "% REKAM", "AKTIVASI IKD",
                      "% IKD"]], {0: K, 1: KTP[D], 2: KTP[U], 3: KTP[P], 4: IKD[U], 5: IKD[P]}),
    ("target percent", [["KAB/KOTA", "TARGET PEREKAMAN (%)"]], {0: K}),
    ("target count", [["KAB/KOTA", "WAJIB KTP-EL", "TARGET IKD", "AKTIVASI IKD"]],
     {0: K, 1: KTP[D], 3: IKD[U]}),
    ("death certificate percent", [["KAB/KOTA", "% AKTA KEMATIAN"]], {0: K}),
    ("death certificate", [["KAB/KOTA", "AKTA KEMATIAN"]], {0: K}),
    ("capaian in people", [["KAB/KOTA", "CAPAIAN PEREKAMAN (JIWA)"]], {0: K}),
    ("percent of belum", [["KAB/KOTA", "SUDAH REKAM", "% BELUM REKAM"]], {0: K, 1: KTP[U]}),
    ("sasaran kia", [["KAB/KOTA", "SASARAN KIA", "MEMILIKI KIA"]], {0: K, 2: KIA[U]}),
    ("jumlah anak, belum", [["Kab/Kota", "Jumlah Anak", "Belum memiliki KIA"]],
     {0: K, 1: KIA[D], 2: KIA[R]}),
    ("wajib rekam after sudah", [["Kab/Kota", "Sudah Rekam", "Wajib Rekam"]],
     {0: K, 1: KTP[U], 2: KTP[D]}),
    ("jumlah penduduk wajib", [["KAB/KOTA", "JUMLAH PENDUDUK WAJIB KTP-EL",
                                "SUDAH REKAM KTP-EL"]], {0: K, 1: KTP[D], 2: KTP[U]}),
    ("count of a population", [["Kab/Kota", "Jumlah anak yang sudah memiliki KIA"]],
     {0: K, 1: "kia.numerator"}),
    ("belum before sudah", [["KAB/KOTA", "BELUM AKTA", "MEMILIKI AKTA"]],
     {0: K, 1: AKTA[R], 2: AKTA[U]}),
    ("english labels", [["Kab/Kota", "Residents required to hold a KTP-el",
                         "Residents who recorded their KTP-el"]], {0: K, 1: KTP[D], 2: KTP[U]}),
    ("units everywhere", [["NO.", "NAMA KABUPATEN/KOTA", "JUMLAH WAJIB KTP-EL (JIWA)",
                           "SUDAH MEREKAM (JIWA)", "BELUM MEREKAM (JIWA)",
                           "PERSENTASE PEREKAMAN (%)"]],
     {0: N, 1: K, 2: KTP[D], 3: KTP[U], 4: KTP[R], 5: KTP[P]}),
    ("two rows: perekaman group", [
        ["NO", "KABUPATEN/KOTA", "WAJIB KTP-EL", "PEREKAMAN KTP-EL", None, None],
        [None, None, None, "SUDAH", "BELUM", "%"]],
     {0: N, 1: K, 2: KTP[D], 3: KTP[U], 4: KTP[R], 5: KTP[P]}),
    ("two rows: kia group", [
        ["NO", "KAB/KOTA", "JUMLAH ANAK 0-17 TH", "KEPEMILIKAN KIA", None, None],
        [None, None, None, "SUDAH", "BELUM", "%"]],
     {0: N, 1: K, 2: KIA[D], 3: KIA[U], 4: KIA[R], 5: KIA[P]}),
    ("two rows: akta group", [
        ["NO", "KAB/KOTA", "PENDUDUK 0-18 TAHUN", "AKTA KELAHIRAN", None, None],
        [None, None, None, "MEMILIKI", "BELUM MEMILIKI", "PERSENTASE"]],
     {0: N, 1: K, 2: AKTA[D], 3: AKTA[U], 4: AKTA[R], 5: AKTA[P]}),
    ("two rows: akta group over jumlah penduduk", [
        ["NO", "KAB/KOTA", "KEPEMILIKAN AKTA KELAHIRAN 0-18 TAHUN", None, None],
        [None, None, "JUMLAH PENDUDUK", "MEMILIKI", "%"]],
     {0: N, 1: K, 2: AKTA[D], 3: AKTA[U], 4: AKTA[P]}),
    ("two rows: ikd group", [
        ["NO", "KAB/KOTA", "WAJIB KTP-EL", "IKD", None],
        [None, None, None, "AKTIVASI", "%"]],
     {0: N, 1: K, 2: KTP[D], 3: IKD[U], 4: IKD[P]}),
    ("two rows: sudah/belum groups with units", [
        ["NO", "KABUPATEN/KOTA", "WAJIB KTP-EL", "SUDAH REKAM", None, "BELUM REKAM", None],
        [None, None, "(JIWA)", "JIWA", "%", "JIWA", "%"]],
     {0: N, 1: K, 2: KTP[D], 3: KTP[U], 4: KTP[P], 5: KTP[R]}),
]


@pytest.mark.parametrize(("rows", "expected"), [c[1:] for c in REAL_HEADERS],
                         ids=[c[0] for c in REAL_HEADERS])
def test_real_headers(rows: list[list[str | None]], expected: dict[int, str]) -> None:
    header = find_header(VOCAB, [*rows, ["1", "KAB. PASER", *["1"] * 8]])
    assert header is not None and header.stop == len(rows)
    assert header.mapping == expected


def test_the_table_covers_real_headers() -> None:
    two_rows = [c for c in REAL_HEADERS if len(c[1]) == 2]
    assert len(REAL_HEADERS) >= 30 and len(two_rows) >= 5


@pytest.mark.parametrize(("headers", "unconfirmed"), [
    (["KAB/KOTA", "DP4 PEMULA", "SUDAH REKAM"], {1}),
    (["KAB/KOTA", "PENDUDUK USIA 17 TAHUN", "SUDAH REKAM"], {1}),
    (["KAB/KOTA", "WAJIB KTP-EL PEMULA", "SUDAH REKAM"], {1}),
    (["KAB/KOTA", "WAJIB KTP-EL", "SUDAH REKAM", "PEMULA"], set()),
    (["KAB/KOTA", "WAJIB KTP-EL", "SUDAH REKAM"], set()),
])
def test_sub_populations_need_confirmation(headers: list[str], unconfirmed: set[int]) -> None:
    header = find_header(VOCAB, [headers])
    assert header is not None and header.unconfirmed == unconfirmed
    assert header.mapping[1] == "ktp_el.denominator"


@pytest.mark.parametrize(("headers", "population"), [
    (["KAB/KOTA", "WAJIB KTP-EL", "JUMLAH PENDUDUK", "SUDAH REKAM"], {2}),
    (["KAB/KOTA", "Jumlah Penduduk (jiwa)", "Penduduk", "SUDAH REKAM"], {1, 2}),
    (["KAB/KOTA", "PENDUDUK 0-18", "MEMILIKI AKTA"], set()),
    (["KAB/KOTA", "WAJIB KTP-EL", "KETERANGAN"], set()),
])
def test_population_columns_are_named(headers: list[str], population: set[int]) -> None:
    header = find_header(VOCAB, [headers])
    assert header is not None and header.population_columns == population
    assert not set(header.mapping) & population


@pytest.mark.parametrize("population", [
    "Jumlah Penduduk", "Penduduk", "Jumlah Penduduk (jiwa)", "JUMLAH PENDUDUK 2022",
    "TOTAL PENDUDUK", "Jml Penduduk", "Penduduk Semester I 2022", "Penduduk 0-17 Tahun",
    "Population", "Residents",
])
def test_a_population_is_never_a_denominator(population: str) -> None:
    header = find_header(VOCAB, [["KAB/KOTA", "SUDAH REKAM", "MEMILIKI KIA", "AKTA KELAHIRAN",
                                  population]])
    assert header is not None and 4 not in header.mapping
    assert header.population_columns == {4}


def test_remaining_is_a_field_of_every_indicator() -> None:
    assert {f"{i}.remaining" for i in INDICATORS} <= set(VOCAB.fields)
    assert VOCAB.fields[:3] == ["row.number", "region.code", "region.name"]


@pytest.mark.parametrize(("mapping", "expected"), [
    ({1: "ktp_el.denominator", 2: "ikd.numerator"}, {"ikd": 1}),
    ({1: "ktp_el.denominator", 2: "ktp_el.numerator", 3: "ikd.numerator"}, {"ikd": 1}),
    ({1: "ikd.denominator", 2: "ktp_el.numerator"}, {"ktp_el": 1}),
    ({1: "ktp_el.denominator", 2: "ikd.numerator", 3: "ikd.denominator"}, {}),
    ({1: "kia.denominator", 2: "ikd.numerator"}, {}),
    ({1: "akta_lahir.denominator", 2: "kia.numerator"}, {}),
    ({2: "ikd.numerator", 3: "ikd.percent"}, {}),
    ({1: "ktp_el.denominator", 2: "ikd.percent"}, {}),
    ({1: "ktp_el.denominator", 2: "nope.numerator"}, {}),
])
def test_shared_denominators(mapping: dict[int, str], expected: dict[str, int]) -> None:
    assert shared_denominators(mapping, INDICATORS) == expected


def test_two_candidate_denominators_share_none() -> None:
    third = replace(INDICATORS["ikd"], id="x", denominator_id="WAJIB KTP-EL")
    defs = {**INDICATORS, "x": third}
    mapping = {1: "ktp_el.denominator", 2: "x.denominator", 3: "ikd.numerator"}
    assert shared_denominators(mapping, defs) == {}
    assert shared_denominators({1: "ktp_el.denominator", 3: "x.numerator"}, defs) == {"x": 1}


def test_wajib_ktp_el_is_ktp_el_s_denominator_when_both_are_defined() -> None:
    assert INDICATORS["ikd"].denominator_id == INDICATORS["ktp_el"].denominator_id
    assert one_row("KAB/KOTA", "SUDAH AKTIVASI IKD", "WAJIB KTP-EL")[2] == "ktp_el.denominator"


@pytest.mark.parametrize(("text", "error"), [
    ("field,keyword,confirm\nktp_el.numerator,pemula,yes\n", "only a denominator"),
    ("field,keyword,confirm\nktp_el.remaining,belum,\nkia.denominator,x,ya\n", None),
    ("field,keyword\nkia.remaining,belum kia\n", None),
])
def test_keyword_file_checks(tmp_path: Path, text: str, error: str | None) -> None:
    path = tmp_path / "h.csv"
    path.write_text(text, encoding="utf-8")
    if error:
        with pytest.raises(ValueError, match=error):
            load_vocabulary(INDICATORS, path)
    else:
        assert load_vocabulary(INDICATORS, path).keywords


def test_unknown_marker_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("marker,marks\nwajib,denominatr\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown marker kind"):
        load_vocabulary(INDICATORS, markers=path)


# --- properties: a role marker outweighs any keyword -------------------------------------------

MARKERS = pd.read_csv(MARKERS_CSV, dtype=str, keep_default_na=False)
INDICATOR_WORDS = sorted({w for key, keywords in VOCAB.keywords.items() if "." in key
                          and key.rpartition(".")[2] in ROLES for k in keywords for w in k.words}
                         | set(MARKERS["marker"].str.split().sum()) | {"%", "jiwa", "(jiwa)"})


def marker_of(kind: str) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(MARKERS.loc[MARKERS["marks"] == kind, "marker"]))


def header_with(kind: str) -> st.SearchStrategy[tuple[str, str]]:
    """(top, bottom): a marker of ``kind`` and indicator words, shuffled, on one or two rows."""
    words = st.lists(st.sampled_from(INDICATOR_WORDS), max_size=7)
    return st.tuples(marker_of(kind), words, st.integers(0, 8), st.booleans()).map(_place)


def _place(parts: tuple[str, list[str], int, bool]) -> tuple[str, str]:
    marker, words, at, upper = parts
    at = min(at, len(words))
    words = [*words[:at], *([] if upper else [marker]), *words[at:]]
    cut = min(at, len(words))
    top, bottom = " ".join(words[:cut]), " ".join(words[cut:])
    return (f"{marker} {top}".strip(), bottom) if upper else (top, bottom)


def roles_taken(header: tuple[str, str]) -> set[str]:
    """Roles the column could take (scores) and takes (mapping) beside a region column."""
    scored = {k.rpartition(".")[2] for k in field_scores(VOCAB, *header)}
    mapped = recognise(VOCAB, [("", "KABUPATEN/KOTA"), header]).get(1, "")
    return (scored | {mapped.rpartition(".")[2]}) & set(ROLES)


@given(header_with("denominator"))
def test_a_denominator_marker_is_never_a_numerator(header: tuple[str, str]) -> None:
    assert "numerator" not in roles_taken(header)


@given(header_with("numerator"))
def test_a_numerator_marker_is_never_a_denominator(header: tuple[str, str]) -> None:
    assert "denominator" not in roles_taken(header)


@given(header_with("remaining"))
def test_belum_is_only_ever_remaining(header: tuple[str, str]) -> None:
    assert roles_taken(header) <= {"remaining"}


@given(header_with("other"))
def test_other_documents_and_targets_are_no_field(header: tuple[str, str]) -> None:
    assert not roles_taken(header)


# --- the importer asks before it takes a sub-population as a denominator -----------------------


def test_a_sub_population_denominator_needs_the_user(regions: pd.DataFrame) -> None:
    from utils.ingest.importer import Context, analyse

    data = (b"DATA PER 15 MEI 2022\nNO;KABUPATEN/KOTA;DP4 PEMULA;SUDAH REKAM\n"
            b"1;KAB. PASER;1.000;900\n")
    context = Context.load(regions)
    asked = analyse(data, "pemula.csv", context)
    errors = [e for e in asked.errors if e.kind == "confirm_column"]
    assert [e.params for e in errors] == [{"column": "DP4 PEMULA", "field": "ktp_el.denominator",
                                           "column_index": 2, "indicator": "ktp_el"}]
    assert asked.status == "needs_decisions" and "DP4 PEMULA" in errors[0].message("id")
    assert "data.issue" not in errors[0].message("en")
    confirmed = analyse(data, "pemula.csv", context, mapping={2: "ktp_el.denominator"})
    assert "confirm_column" not in [e.kind for e in confirmed.errors]
    assert not confirmed.errors and len(confirmed.table) == 1
