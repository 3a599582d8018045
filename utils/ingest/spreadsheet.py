"""Read an uploaded CSV or XLSX file into a grid of raw cells.

Handles what offices send: UTF-8 with or without BOM, UTF-16 ("Unicode
text"), Windows-1252; comma, semicolon, tab or pipe delimiters; XLSX with
several sheets, merged cells and formulas. Anything unreadable raises
:class:`ReadError` carrying an i18n key, never a traceback. Nothing here
interprets the cells: header, numbers and names come later.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

MAX_BYTES = 20 * 1024 * 1024
"""Largest file accepted (matches ``server.maxUploadSize`` of the app)."""
MAX_UNZIPPED = 200 * 1024 * 1024
"""Largest uncompressed XLSX content (guards against zip bombs)."""
MAX_ROWS = 5000
"""Most non-empty rows read; one row per regency needs 514."""
MAX_COLUMNS = 200
DELIMITERS = (";", ",", "\t", "|")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


class ReadError(Exception):
    """The file cannot be read; ``key`` names the message in ``data/i18n``."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass
class RawTable:
    """Cells of one sheet, top to bottom, as read (texts stay texts)."""

    rows: list[list[Cell]]
    kind: str
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    formulas: int = 0
    formulas_without_value: list[tuple[int, int]] = field(default_factory=list)


def file_kind(data: bytes) -> str:
    """``"xlsx"``, ``"ole"`` (old .xls or password-protected), ``"text"`` or ``"binary"``."""
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        return "ole"
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"
    if b"\x00" in head:
        return "binary"
    return "text"


def read_table(data: bytes, sheet: str | None = None) -> RawTable:
    """Read ``data`` (the whole file) into a :class:`RawTable`.

    Parameters
    ----------
    data : bytes
        File content; the kind is told by its first bytes, not its name.
    sheet : str, optional
        Sheet of a workbook; the first sheet by default.

    Raises
    ------
    ReadError
        Empty, too large, binary, password-protected, damaged or too long.
    """
    if not data.strip():
        raise ReadError("data.read.empty")
    if len(data) > MAX_BYTES:
        raise ReadError("data.read.too_large", size_mb=round(len(data) / 2**20, 1),
                        limit_mb=MAX_BYTES // 2**20)
    kind = file_kind(data)
    if kind == "ole":
        raise ReadError("data.read.encrypted" if ENCRYPTED in data else "data.read.old_xls")
    if kind == "binary":
        raise ReadError("data.read.binary")
    if kind == "xlsx":
        return _read_xlsx(data, sheet)
    return _read_text(data)


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-16 by BOM, else UTF-8, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return sample.count("\ufffd") > 20 or control > len(sample) / 100


def sniff_delimiter(text: str) -> str:
    """The delimiter giving the most lines with the same, largest field count."""
    lines = [line for line in text.splitlines()[:200] if line.strip()]
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        usual = max(set(counts), key=counts.count) if counts else 1
        score = counts.count(usual) * usual if usual > 1 else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_text(data: bytes) -> RawTable:
    text, encoding = decode(data)
    if _looks_binary(text):
        raise ReadError("data.read.binary")
    if text.count("\n") > MAX_ROWS * 2 and _count_filled(text) > MAX_ROWS:
        raise ReadError("data.read.too_many_rows", limit=MAX_ROWS)
    delimiter = sniff_delimiter(text)
    try:
        rows = [_trim(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise ReadError("data.read.damaged", detail=str(error)) from None
    rows = _check_size(rows)
    return RawTable(rows, "csv", encoding=encoding, delimiter=delimiter)


def _count_filled(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip(" ;,\t|\"'"))


def _trim(row: list[str]) -> list[Cell]:
    cells: list[Cell] = [c.strip() or None for c in row]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _check_size(rows: list[list[Cell]]) -> list[list[Cell]]:
    while rows and not any(c is not None for c in rows[-1]):
        rows.pop()
    if not any(any(c is not None for c in r) for r in rows):
        raise ReadError("data.read.empty")
    if sum(1 for r in rows if r) > MAX_ROWS:
        raise ReadError("data.read.too_many_rows", limit=MAX_ROWS)
    if max(len(r) for r in rows) > MAX_COLUMNS:
        raise ReadError("data.read.too_many_columns", limit=MAX_COLUMNS)
    return rows


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED:
            raise ReadError("data.read.too_large_unzipped")
        if archive.testzip() is not None:
            raise ReadError("data.read.damaged", detail="zip")
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise ReadError("data.read.damaged", detail=type(error).__name__) from None
    if "xl/workbook.xml" not in archive.namelist():
        raise ReadError("data.read.not_xlsx")
    return archive


def _load(data: bytes, formulas: bool) -> Workbook:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), data_only=not formulas)
    except Exception as error:
        raise ReadError("data.read.damaged", detail=type(error).__name__) from None


def sheet_names(data: bytes) -> list[str]:
    """Sheet names of a workbook (empty for a CSV)."""
    if file_kind(data) != "xlsx":
        return []
    _open_zip(data)
    return list(_load(data, formulas=False).sheetnames)


def _read_xlsx(data: bytes, sheet: str | None) -> RawTable:
    archive = _open_zip(data)
    book = _load(data, formulas=False)
    names = list(book.sheetnames)
    name = sheet if sheet is not None else names[0]
    if name not in names:
        raise ReadError("data.read.no_sheet", sheet=name, sheets=", ".join(names))
    rows = _sheet_rows(book[name])
    table = RawTable(rows, "xlsx", sheet=name, sheets=names)
    if any(b"<f>" in archive.read(n) or b"<f " in archive.read(n)
           for n in archive.namelist() if n.startswith("xl/worksheets/")):
        _apply_formulas(table, _load(data, formulas=True)[name])
    table.rows = _check_size(table.rows)
    return table


def _sheet_rows(sheet: Worksheet) -> list[list[Cell]]:
    if sheet.max_row > MAX_ROWS * 4 or sheet.max_column > MAX_COLUMNS * 4:
        raise ReadError("data.read.too_many_rows", limit=MAX_ROWS)
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = rows[merged.min_row - 1][merged.min_col - 1] if rows else None
        if not isinstance(value, str):
            continue
        for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
            for c in range(merged.min_col - 1, min(merged.max_col, len(rows[r]))):
                rows[r][c] = value
    return [_trim_cells(r) for r in rows]


def _trim_cells(row: list[Cell]) -> list[Cell]:
    while row and row[-1] is None:
        row.pop()
    return row


def _cell(value: object) -> Cell:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    text = str(value).strip()
    return text or None


def _apply_formulas(table: RawTable, sheet: Worksheet) -> None:
    for r, row in enumerate(sheet.iter_rows(values_only=True)):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.startswith("="):
                table.formulas += 1
                if r >= len(table.rows) or c >= len(table.rows[r]) or table.rows[r][c] is None:
                    table.formulas_without_value.append((r, c))


def neutralise(value: object) -> object:
    """Make a text cell safe for spreadsheet software (no formula injection).

    Texts starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a
    leading apostrophe; numbers are returned unchanged.

    Examples
    --------
    >>> neutralise("=HYPERLINK(1)"), neutralise(-5), neutralise("Kota Bontang")
    ("'=HYPERLINK(1)", -5, 'Kota Bontang')
    """
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value
