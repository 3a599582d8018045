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
