"""The import report (its command line: tests/test_importer_cli.py)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from utils.ingest import export
from utils.ingest.importer import Context, analyse, parse_period
from utils.ingest.matching import name_key

ROOT = Path(__file__).resolve().parent.parent
KALTIM = ROOT / "tests" / "fixtures" / "import" / "kaltim_ktp_2022.csv"
HEADER = "NO;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM;% REKAM\n"


# ``regions``: the region table from the upstream copy (tests/conftest.py).


@pytest.fixture(scope="module")
def context(regions: pd.DataFrame) -> Context:
    return Context.load(regions)


def csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode()


def kinds(issues: list) -> list[str]:
    return [i.kind for i in issues]


# --- the real-world-messy Kalimantan Timur file -----------------------------------------------


def test_kaltim_fixture(context: Context) -> None:
    report = analyse(KALTIM.read_bytes(), KALTIM.name, context)
    assert report.status == "ok" and report.exit_code == 0
    assert report.period == "2022-05-15" and report.period_source == "title"
    assert report.header_rows == (3, 3)
    assert len(report.matched) == 10 and not report.unmatched
    kukar = next(m for m in report.matched if m["row"] == 5)
    assert (kukar["code"], kukar["by"], kukar["text"]) == ("64.02", "name",
                                                           "KAB. KUTAI KERTANEGARA")
    assert report.totals[0]["text"] == "JUMLAH"
    assert all(c["ok"] for c in report.totals[0]["checks"].values())
    assert report.skipped[0]["reason"] == "note" and "–" in report.skipped[0]["text"]
    assert report.aggregates == {"64": {"ktp_el": 100.89}}
    assert not report.errors and kinds(report.warnings) == ["period_found"]
    assert {m["code"] for m in report.marked} >= {"64.74"}
    assert len(report.table) == 10 and not report.table["is_demo"].any()
    assert report.table["period"].unique().tolist() == ["2022-05-15"]


def test_kaltim_highest_and_lowest_agree_with_published(context: Context) -> None:
    report = analyse(KALTIM.read_bytes(), KALTIM.name, context)
    rows = report.table.assign(percent=100 * report.table["numerator"]
                               / report.table["denominator"]).set_index("code")["percent"]
    assert rows.idxmax() == "64.74" and round(rows.max(), 2) == 102.44
    assert rows.idxmin() == "64.08" and round(rows.min(), 2) == 95.97


def merged_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Rekap"
    sheet.append(["REKAPITULASI KEPEMILIKAN DOKUMEN KALIMANTAN UTARA"])
    sheet.append([])
    sheet.append(["NO", "KODE", "KABUPATEN/KOTA", "PEREKAMAN KTP-EL", None, None, "KIA", None,
                  None])
    sheet.append([None, None, None, "WAJIB KTP-EL", "SUDAH REKAM", "%",
                  "JUMLAH ANAK 0-17 TH", "SUDAH MEMILIKI KIA", "%"])
    data = [(1, "6501", "Bulungan", 105000, 106200, 60000, 26000),
            (2, "6502", "Malinau", 58000, 59100, 30000, 12500),
            (3, "6503", "Nunukan", 150000, 152400, 80000, 35000),
            (4, "6504", "Tana Tidung", 17000, 17300, 9000, 4100),
            (5, "6571", "Tarakan", 170000, 173300, 86000, 39500)]
    for index, (no, code, name, wajib, rekam, anak, kia) in enumerate(data, start=5):
        sheet.append([no, code, name, wajib, rekam, f"=E{index}/D{index}", anak, kia,
                      round(kia / anak, 4)])
    sheet.append([None, None, "JUMLAH", "=SUM(D5:D9)", "=SUM(E5:E9)", None, 365000,
                  117100, None])
    for cells in ("A3:A4", "B3:B4", "C3:C4", "D3:F3", "G3:I3"):
        sheet.merge_cells(cells)
    book.create_sheet("Lain").append(["kosong"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_merged_headers_formulas_and_ratios(context: Context) -> None:
    report = analyse(merged_workbook(), "kaltara.xlsx", context, period="2020-12-31")
    assert report.sheets == ["Rekap", "Lain"] and report.sheet == "Rekap"
    assert report.header_rows == (3, 4)
    assert set(report.mapping.values()) == {
        "row.number", "region.code", "region.name", "ktp_el.denominator", "ktp_el.numerator",
        "ktp_el.percent", "kia.denominator", "kia.numerator", "kia.percent"}
    assert [m["by"] for m in report.matched] == ["code"] * 5
    assert "formulas" in kinds(report.warnings)
    assert "percent_ratio" in kinds(report.warnings)
    # percent formulas have no stored result: recomputed anyway. The JUMLAH row's
    # "JUMLAH ANAK" (365 000) disagrees with its rows (265 000): a decision, not a warning
    assert [(e.kind, e.row, e.params["column"]) for e in report.errors] == [
        ("total_mismatch", 10, "kia.denominator")]
    assert report.status == "needs_decisions"
    assert report.totals[0]["checks"]["kia.numerator"]["ok"] is True
    decided = analyse(merged_workbook(), "kaltara.xlsx", context, period="2020-12-31",
                      decisions={10: ""})
    assert not decided.errors and decided.status == "ok"
    assert decided.aggregates["65"]["kia"] == round(100 * 117100 / 265000, 2)
    assert decided.aggregates["65"]["ktp_el"] == round(100 * 508300 / 500000, 2)


def test_counts_from_formulas_without_stored_values_are_errors(context: Context) -> None:
    book = openpyxl.Workbook()
    book.active.append(["KAB/KOTA", "WAJIB KTP", "SUDAH REKAM"])
    book.active.append(["KOTA TARAKAN", 100, "=B2*0.9"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = analyse(buffer.getvalue(), "f.xlsx", context, period="2020-12-31")
    assert "formula_no_value" in kinds(report.errors) and report.exit_code == 1


# --- numbers, totals, ratios ------------------------------------------------------------------


def test_ratio_column_by_range(context: Context) -> None:
    data = csv("1;KAB. PASER;10.000;10.089;1,0089", "2;KOTA BONTANG;2.000;1.900;0,95",
               header="NO;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM;% REKAM\n")
    report = analyse(data, "x.csv", context, period="2022-05-15")
    assert "percent_ratio" in kinds(report.warnings)
    assert "percent_mismatch" not in kinds(report.warnings)


def test_percent_mismatch_is_reported(context: Context) -> None:
    report = analyse(csv("1;KAB. PASER;1.000;1.009;90,00"), "x.csv", context,
                     period="2022-05-15")
    warning = next(w for w in report.warnings if w.kind == "percent_mismatch")
    assert warning.row == 2 and warning.params["computed"] == 100.9
    assert report.status == "ok"


def test_rounding_is_not_a_mismatch(context: Context) -> None:
    report = analyse(csv("1;KAB. PASER;3;2;66,67", "2;KOTA BONTANG;3;2;66,7"), "x.csv",
                     context, period="2022-05-15")
    assert "percent_mismatch" not in kinds(report.warnings)


@pytest.mark.parametrize(
    ("row", "kind"),
    [
        ("1;KAB. PASER;1.000;-5;1", "negative"),
        ("1;KAB. PASER;1.000;;", "missing"),
        ("1;KAB. PASER;1.000;1.501;150,1", "too_high"),
        ("1;KAB. PASER;0;0;", "zero_denominator"),
        ("1;KAB. PASER;1.000;=C2*2;", "formula_text"),
        ("1;KAB. PASER;1.000;banyak;", "not_a_number"),
    ],
)
def test_value_errors(context: Context, row: str, kind: str) -> None:
    report = analyse(csv(row, "2;KOTA BONTANG;1.000;990;99"), "x.csv", context,
                     period="2022-05-15")
    assert kind in kinds(report.errors)
    assert report.status == "needs_decisions" and report.exit_code == 1
    assert list(report.table["code"]) == ["64.74"]


def test_coverage_between_100_and_150_is_valid_and_marked(context: Context) -> None:
    report = analyse(csv("1;KAB. PASER;1.000;1.490;149"), "x.csv", context, period="2022-05-15")
    assert report.status == "ok"
    assert report.marked == [{"row": 2, "code": "64.01", "indicator": "ktp_el", "percent": 149.0}]


def test_duplicate_regions(context: Context) -> None:
    report = analyse(csv("1;KAB. PASER;10;9;90", "2;Kabupaten Paser;10;9;90"), "x.csv", context,
                     period="2022-05-15")
    assert kinds(report.errors) == ["duplicate"] and report.errors[0].params["first"] == 2


def test_total_mismatch_is_a_decision(context: Context) -> None:
    data = csv("1;KAB. PASER;10;9;90", "2;KOTA BONTANG;10;9;90", ";Total Provinsi;30;18;60")
    report = analyse(data, "x.csv", context, period="2022-05-15")
    assert "total_mismatch" in kinds(report.errors) and report.status == "needs_decisions"
    assert report.totals[0]["checks"]["ktp_el.denominator"] == {"file": 30.0, "sum": 20.0,
                                                                "ok": False}
    assert len(report.table) == 2


def test_published_figure_differs(context: Context) -> None:
    # the whole province, Bontang's recordings typed 10.000 too low
    data = KALTIM.read_bytes().replace(b"138.527", b"128.527")
    report = analyse(data, "x.csv", context, period="2022-05-15")
    assert "published_differs" in kinds(report.warnings)


def test_a_partial_province_is_not_compared_with_the_published_figure(context: Context) -> None:
    report = analyse(csv("1;KAB. PASER;10;9;90"), "x.csv", context, period="2022-05-15")
    assert "published_differs" not in kinds(report.warnings)
    (partial,) = [w for w in report.warnings if w.kind == "published_partial"]
    assert "1 dari 10 kabupaten/kota" in partial.message("id")
    assert report.completeness == {"64": {"present": 1, "regencies": 10}}


# --- matching, decisions, aliases -------------------------------------------------------------


def test_unmatched_rows_get_suggestions_and_decisions_resolve_them(context: Context) -> None:
    data = csv("1;KAB. MAHULU;10;9;90", "2;KOTA BONTANG;10;9;90", "3;Bogor;10;9;90")
    report = analyse(data, "x.csv", context, period="2022-05-15")
    assert [u["row"] for u in report.unmatched] == [2, 4]
    assert report.unmatched[0]["suggestions"][0]["code"] == "64.11"
    assert {s["code"] for s in report.unmatched[1]["suggestions"]} == {"32.01", "32.71"}
    assert report.exit_code == 1
    decided = analyse(data, "x.csv", context, period="2022-05-15",
                      decisions={2: "64.11", 4: ""})
    assert decided.status == "ok"
    assert {m["code"]: m["by"] for m in decided.matched} == {"64.11": "alias", "64.74": "name"}
    assert decided.skipped == [{"row": 4, "text": "Bogor", "reason": "user"}]


def test_remembered_alias(context: Context) -> None:
    aliases = {name_key("KAB. MAHULU").alias: "64.11"}
    report = analyse(csv("1;Kab Mahulu;10;9;90"), "x.csv", context, period="2022-05-15",
                     aliases=aliases)
    assert report.matched[0]["by"] == "alias" and report.status == "ok"


def test_html_and_formula_names_are_kept_as_text(context: Context) -> None:
    data = csv("1;<script>alert(1)</script>;10;9;90", "2;=HYPERLINK(\"x\");10;9;90")
    report = analyse(data, "x.csv", context, period="2022-05-15")
    assert [u["text"] for u in report.unmatched] == ["<script>alert(1)</script>",
                                                     '=HYPERLINK("x")']


def test_code_and_name_conflict_is_a_decision_showing_both(context: Context) -> None:
    """A wrong match is worse than no match: the code is not trusted over the name."""
    data = csv("64.74;KOTA SAMARINDA;10;9;90",
               header="KODE;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM;% REKAM\n")
    report = analyse(data, "x.csv", context, period="2022-05-15")
    assert report.matched == [] and report.status == "needs_decisions"
    (row,) = report.unmatched
    assert row["reason"] == "code_name_conflict"
    assert [s["code"] for s in row["suggestions"]] == ["64.74", "64.72"]
    assert "code_name_conflict" in kinds(report.errors)
    decided = analyse(data, "x.csv", context, period="2022-05-15", decisions={2: "64.72"})
    assert decided.status == "ok" and decided.matched[0]["code"] == "64.72"


# --- mapping, period --------------------------------------------------------------------------


def test_user_mapping_overrides_and_unrecognised_columns_are_shown(context: Context) -> None:
    data = csv("1;KAB. PASER;10;9;catatan", header="NO;KAB/KOTA;PENYEBUT;PEMBILANG;KET\n")
    report = analyse(data, "x.csv", context, period="2022-05-15")
    assert "no_indicator" in kinds(report.errors) and report.exit_code == 1
    assert "unrecognised_column" in kinds(report.warnings)
    fixed = analyse(data, "x.csv", context, period="2022-05-15",
                    mapping={2: "ktp_el.denominator", 3: "ktp_el.numerator", 4: ""})
    assert fixed.status == "ok" and fixed.aggregates == {"64": {"ktp_el": 90.0}}


def test_period_missing_or_invalid(context: Context) -> None:
    assert "period_missing" in kinds(analyse(csv("1;KAB. PASER;10;9;90"), "x.csv",
                                             context).errors)
    assert "period_invalid" in kinds(analyse(csv("1;KAB. PASER;10;9;90"), "x.csv", context,
                                             period="2022-02-30").errors)


@pytest.mark.parametrize(("text", "iso"), [("POSISI 15 MEI 2022", "2022-05-15"),
                                           ("per 1 Desember 2023", "2023-12-01"),
                                           ("data_31-12-2020", "2020-12-31"),
                                           ("rekap 2021-06-30 final", "2021-06-30"),
                                           ("Semester I 2022", None), ("32 Mei 2022", None)])
def test_parse_period(text: str, iso: str | None) -> None:
    assert parse_period(text) == iso


def test_template_round_trip(context: Context) -> None:
    frame = export.template_frame(context.regions, context.indicators, "65")
    frame.iloc[:, 2:] = 100
    for data, name in ((export.to_csv(frame), "t.csv"), (export.to_xlsx(frame), "t.xlsx")):
        report = analyse(data, name, context, period="2021-06-30")
        assert report.status == "ok", name
        assert len(report.table) == 5 * len(context.indicators)


def test_exports_neutralise_formulas() -> None:
    frame = pd.DataFrame({"name": ["=1+1", "@x", "Kota Bontang"], "value": [-1, 2, 3]})
    text = export.to_csv(frame).decode("utf-8-sig")
    assert "'=1+1" in text and "'@x" in text and ";-1" in text
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(frame)))
    assert book.active["A2"].value == "'=1+1" and book.active["A2"].data_type == "s"


def test_published_dataset_is_complete_and_consistent(regions: pd.DataFrame) -> None:
    from utils.metrics.published import load_published, province_figure

    published = load_published()
    assert published["source"].str.len().min() > 20
    assert set(published["code"]) <= set(regions["code"])
    kaltim = province_figure(published, "2022-05-15", "64", "ktp_el")
    assert kaltim["percent"] == 100.89
    kaltara = province_figure(published, "2020-12-31", "65", "akta_lahir")
    assert (kaltara["numerator"], kaltara["percent"]) == (218142, 96.21)
    population = regions.set_index("code").loc["65", "population"]
    for row in published[published["code"] == "65"].itertuples():
        implied = row.numerator / (row.percent / 100)  # denominator the release implies
        assert 0.2 * population < implied < population
