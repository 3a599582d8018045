"""Reading uploads: encodings, delimiters, workbooks, and every kind of bad file."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from utils.ingest import spreadsheet
from utils.ingest.spreadsheet import ReadError, neutralise, read_table, sheet_names, sniff_delimiter

CSV_TEXT = "NO;KABUPATEN/KOTA;WAJIB KTP-EL\r\n1;KAB. PASER;218.315\r\n2;KOTA BONTANG;135.227\r\n"


def workbook_bytes(build) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CSV_TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8"), "utf-8"),
        (CSV_TEXT.replace("PASER", "PASER – é").encode("cp1252"), "cp1252"),
        (CSV_TEXT.encode("utf-16"), "utf-16"),
    ],
)
def test_encodings(data: bytes, encoding: str) -> None:
    table = read_table(data)
    assert table.encoding == encoding
    assert table.rows[0] == ["NO", "KABUPATEN/KOTA", "WAJIB KTP-EL"]
    assert table.rows[1][0] == "1"


def test_bom_is_not_part_of_the_first_header() -> None:
    table = read_table(b"\xef\xbb\xbf" + CSV_TEXT.encode("utf-8"))
    assert table.rows[0][0] == "NO"


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_delimiters(delimiter: str) -> None:
    text = CSV_TEXT.replace(";", delimiter)
    assert sniff_delimiter(text) == delimiter
    assert read_table(text.encode()).rows[2] == ["2", "KOTA BONTANG", "135.227"]


def test_semicolon_file_with_decimal_commas_and_a_title() -> None:
    text = "REKAP, KALTIM\n\nNO;NAMA;%\n1;A;100,89\n2;B;99,5\n3;C;98,1\n"
    assert sniff_delimiter(text) == ";"


def test_quoted_comma_csv() -> None:
    table = read_table(b'KAB/KOTA,WAJIB\n"KAB. PASER","218,315"\n')
    assert table.rows[1] == ["KAB. PASER", "218,315"]


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "data.read.empty"),
        (b"   \r\n\r\n", "data.read.empty"),
        (b";;;\r\n;;;\r\n", "data.read.empty"),
        (bytes(range(256)) * 40, "data.read.binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "data.read.binary"),
        (spreadsheet.OLE_MAGIC + b"\x00" * 600 + spreadsheet.ENCRYPTED, "data.read.encrypted"),
        (spreadsheet.OLE_MAGIC + b"\x00" * 600, "data.read.old_xls"),
        (spreadsheet.ZIP_MAGIC + b"garbage" * 50, "data.read.damaged"),
    ],
)
def test_bad_files_get_a_reason(data: bytes, key: str) -> None:
    with pytest.raises(ReadError) as caught:
        read_table(data)
    assert caught.value.key == key


def test_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ReadError) as caught:
        read_table(buffer.getvalue())
    assert caught.value.key == "data.read.not_xlsx"


def test_truncated_workbook_is_damaged() -> None:
    data = workbook_bytes(lambda b: b.active.append(["KAB/KOTA", "WAJIB KTP"]))
    with pytest.raises(ReadError) as caught:
        read_table(data[: len(data) // 2])
    assert caught.value.key == "data.read.damaged"


def test_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheet, "MAX_BYTES", 1000)
    with pytest.raises(ReadError) as caught:
        read_table(CSV_TEXT.encode() * 100)
    assert caught.value.key == "data.read.too_large"
    assert caught.value.params["limit_mb"] == 0


def test_default_limit_refuses_200_mb_without_reading_it() -> None:
    data = bytes(200 * 2**20)
    with pytest.raises(ReadError) as caught:
        read_table(b"x" + data)
    assert caught.value.key == "data.read.too_large"


def test_hundred_thousand_rows_are_refused() -> None:
    text = "KAB/KOTA;WAJIB\n" + "".join(f"KAB. X{i};{i}\n" for i in range(100_000))
    with pytest.raises(ReadError) as caught:
        read_table(text.encode())
    assert caught.value.key == "data.read.too_many_rows"


def test_workbook_sheets_and_merged_cells() -> None:
    def build(book: openpyxl.Workbook) -> None:
        book.active.title = "Catatan"
        book.active.append(["hanya catatan"])
        sheet = book.create_sheet("Rekap")
        sheet.append(["NO", "KABUPATEN/KOTA", "PEREKAMAN KTP-EL", None])
        sheet.append([None, None, "WAJIB", "SUDAH REKAM"])
        sheet.append([1, "KAB. PASER", 218315, 220957])
        sheet.merge_cells("A1:A2")
        sheet.merge_cells("C1:D1")

    data = workbook_bytes(build)
    assert sheet_names(data) == ["Catatan", "Rekap"]
    table = read_table(data, "Rekap")
    assert table.rows[0] == ["NO", "KABUPATEN/KOTA", "PEREKAMAN KTP-EL", "PEREKAMAN KTP-EL"]
    assert table.rows[1][0] == "NO"
    assert table.rows[2] == [1, "KAB. PASER", 218315, 220957]
    assert read_table(data).sheet == "Catatan"
    with pytest.raises(ReadError) as caught:
        read_table(data, "Tidak ada")
    assert caught.value.key == "data.read.no_sheet"


def test_formulas_are_counted_and_missing_values_found() -> None:
    def build(book: openpyxl.Workbook) -> None:
        sheet = book.active
        sheet.append(["KAB/KOTA", "WAJIB KTP"])
        sheet.append(["KAB. PASER", 10])
        sheet.append(["JUMLAH", "=SUM(B2:B2)"])

    table = read_table(workbook_bytes(build))
    assert table.formulas == 1
    assert table.formulas_without_value == [(2, 1)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+62811", "'+62811"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\t=1", "'\t=1"), ("Kota Bontang", "Kota Bontang"), (-5, -5), (1.5, 1.5), (None, None)],
)
def test_neutralise(value: object, expected: object) -> None:
    assert neutralise(value) == expected


# --- issue #19: no file costs minutes or gigabytes, crashes, or is misnamed ---------------


def patched_workbook(rows: list[list], patch) -> bytes:
    """A workbook whose first sheet's XML is rewritten by ``patch`` (bytes → bytes), so a
    huge merged range or dimension costs the test nothing to build."""
    plain = workbook_bytes(lambda b: [b.active.append(r) for r in rows])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = patch(content)
            dst.writestr(info.filename, content)
    return out.getvalue()


def merged(ref: str):
    merge = f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode()
    return lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + merge)


def peak_mb(action) -> tuple[object, float]:
    """Result of ``action()`` and the peak of Python allocations meanwhile (MB)."""
    import tracemalloc

    tracemalloc.start()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


REKAP = [["NO", "KABUPATEN/KOTA", "WAJIB KTP-EL"], [1, "KAB. PASER", 218315],
         [2, "KOTA BONTANG", 135227]]


@pytest.mark.parametrize("ref", ["A4:CV19000", "A1:C1048576", "D1:XFD1048576"])
def test_huge_merged_range_is_clipped_to_the_data(ref: str) -> None:
    data = patched_workbook([*REKAP, ["Catatan: angka sementara"]], merged(ref))
    table, peak = peak_mb(lambda: read_table(data))
    assert peak < 40
    assert len(table.rows) == 4
    assert table.rows[1] == REKAP[1] or ref == "A1:C1048576"
    assert max(len(r) for r in table.rows) <= 3
    names, peak = peak_mb(lambda: sheet_names(data))
    assert names == ["Sheet"] and peak < 5


def test_merged_header_still_fills_the_columns_below_it() -> None:
    data = patched_workbook([["NO", "PEREKAMAN KTP-EL", None], [None, "WAJIB", "SUDAH"],
                             [1, 10, 9]], merged("B1:C1"))
    assert read_table(data).rows[0] == ["NO", "PEREKAMAN KTP-EL", "PEREKAMAN KTP-EL"]


def test_a_dimension_claiming_the_whole_sheet_costs_nothing() -> None:
    def patch(xml: bytes) -> bytes:
        start = xml.index(b"<dimension")
        end = xml.index(b"/>", start) + 2
        return xml[:start] + b'<dimension ref="A1:XFD1048576"/>' + xml[end:]

    table, peak = peak_mb(lambda: read_table(patched_workbook(REKAP, patch)))
    assert table.rows == REKAP and peak < 40


@pytest.mark.parametrize(
    ("limit", "key"),
    [("MAX_SHARED_BYTES", "data.read.too_much_text"),
     ("MAX_SHEET_BYTES", "data.read.sheet_too_large")],
)
def test_oversized_parts_are_refused_before_loading(monkeypatch: pytest.MonkeyPatch, limit: str,
                                                    key: str) -> None:
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + (
        b"<si><t>KABUPATEN CONTOH</t></si>" * 20) + b"</sst>"
    plain = workbook_bytes(lambda b: [b.active.append(r) for r in REKAP])
    buffer = io.BytesIO(plain)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", strings)
    monkeypatch.setattr(spreadsheet, limit, 500)
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("loaded"))
    with pytest.raises(ReadError) as caught:
        read_table(buffer.getvalue())
    assert caught.value.key == key
    assert caught.value.params["limit_mb"] == 0


def test_a_value_far_down_the_sheet_is_too_many_rows() -> None:
    def build(book: openpyxl.Workbook) -> None:
        for row in REKAP:
            book.active.append(row)
        book.active.cell(row=60000, column=1, value="x")

    with pytest.raises(ReadError) as caught:
        read_table(workbook_bytes(build))
    assert caught.value.key == "data.read.too_many_rows"


@pytest.mark.parametrize("width", [1000, 10000])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_wide_sheets_have_too_many_columns(width: int, kind: str) -> None:
    header = ["KAB/KOTA", *[f"K{i}" for i in range(width - 1)]]
    values = ["KAB. PASER", *range(width - 1)]
    if kind == "csv":
        data = "\n".join(";".join(map(str, r)) for r in (header, values)).encode()
    else:
        data = workbook_bytes(lambda b: [b.active.append(header), b.active.append(values)])
    with pytest.raises(ReadError) as caught:
        read_table(data)
    assert caught.value.key == "data.read.too_many_columns"


def test_shared_formulas_are_counted_without_a_second_load() -> None:
    def build(book: openpyxl.Workbook) -> None:
        sheet = book.active
        sheet.append(["KAB/KOTA", "WAJIB KTP", "SUDAH"])
        sheet.append(["KAB. PASER", 10, "=B2*2"])
        sheet.append(["JUMLAH", "=SUM(B2:B2)", "=SUM(C2:C2)"])

    table = read_table(workbook_bytes(build))
    assert table.formulas == 3
    assert table.formulas_without_value == [(1, 2), (2, 1), (2, 2)]


CSV_HEAD = "KAB/KOTA;WAJIB\nKAB. PASER;218315\n"


@pytest.mark.parametrize(
    ("data", "key"),
    [((CSV_HEAD + "KOTA BONTANG;" + "x" * 2**20 + "\n").encode(), "data.read.cell_too_long"),
     (b"x" * (3 * 2**20), "data.read.cell_too_long"),
     (b'"' + b"x" * 300_000, "data.read.cell_too_long"),
     (b"1;" * (2**20), "data.read.too_many_columns"),
     (b"1," * (2**20) + b"\n" + b"2," * (2**20), "data.read.too_many_columns"),
     (("\r\n" * 100_000 + CSV_HEAD).encode(), "data.read.too_many_rows"),
     (("\r" * 100_000 + CSV_HEAD).encode(), "data.read.too_many_rows")],
)
def test_long_cells_lines_and_blank_runs_get_a_reason(data: bytes, key: str) -> None:
    with pytest.raises(ReadError) as caught:
        read_table(data)
    assert caught.value.key == key


def test_a_long_cell_names_its_row() -> None:
    with pytest.raises(ReadError) as caught:
        read_table((CSV_HEAD + "KOTA BONTANG;" + "x" * 2**20 + "\n").encode())
    assert caught.value.params["row"] == 3


@pytest.mark.parametrize("blank", ["\n", "\r\n", ";;;\r\n", " \t \n"])
def test_trailing_blank_lines_are_ignored_cheaply(blank: str) -> None:
    data = (CSV_HEAD + blank * (4 * 2**20 // len(blank))).encode()
    table, peak = peak_mb(lambda: read_table(data))
    assert table.rows == [["KAB/KOTA", "WAJIB"], ["KAB. PASER", "218315"]]
    assert peak < 3 * len(data) / 2**20 + 10


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(codec: str) -> None:
    table = read_table(CSV_TEXT.replace("PASER", "PASER – é").encode(codec))
    assert table.encoding == codec
    assert table.rows[1] == ["1", "KAB. PASER – é", "218.315"]


def test_binary_with_zero_bytes_is_still_binary() -> None:
    data = bytes([0, 0, 0, 1, 7, 0, 200, 0]) * 2000
    with pytest.raises(ReadError) as caught:
        read_table(data)
    assert caught.value.key == "data.read.binary"


def test_ods_is_named() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(ReadError) as caught:
        read_table(buffer.getvalue())
    assert caught.value.key == "data.read.ods"
    assert sheet_names(buffer.getvalue()) == []


def test_every_read_message_exists_in_both_languages() -> None:
    import json
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    keys = set(re.findall(r'"(data\.read\.[a-z_]+)"', Path(spreadsheet.__file__).read_text()))
    assert {"data.read.cell_too_long", "data.read.ods", "data.read.too_much_text"} <= keys
    for lang in ("id", "en"):
        texts = json.loads((root / "data" / "i18n" / lang / "data.json").read_text())
        assert keys <= set(texts), lang


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_more_cells_than_any_summary_holds_are_refused(kind: str) -> None:
    rows = [["KAB/KOTA", *[f"K{c}" for c in range(129)]]]
    rows += [[f"KAB. {r}", *range(129)] for r in range(1999)]
    if kind == "csv":
        data = "\n".join(";".join(map(str, r)) for r in rows).encode()
    else:
        data = workbook_bytes(lambda b: [b.active.append(r) for r in rows])
    with pytest.raises(ReadError) as caught:
        read_table(data)
    assert caught.value.key == "data.read.too_many_cells"
    assert caught.value.params == {"cells": 260_000, "limit": spreadsheet.MAX_CELLS}
