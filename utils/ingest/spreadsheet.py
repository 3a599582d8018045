"""Read an uploaded CSV or XLSX file into a grid of raw cells.

Handles what offices send: UTF-8 with or without BOM, UTF-16 ("Unicode
text"), Windows-1252; comma, semicolon, tab or pipe delimiters; XLSX with
several sheets, merged cells and formulas. Anything unreadable raises
:class:`ReadError` carrying an i18n key, never a traceback. Nothing here
interprets the cells: header, numbers and names come later.

Every limit is checked before the costly step it guards: a workbook's parts
by the sizes its zip declares (the reader stops at them), its sheet XML
streamed in chunks for merged ranges and formulas, its cells read in
openpyxl's read-only mode, merged ranges clipped to the cells that hold
values; a text's lines are counted and its trailing blank lines dropped
before the CSV parser sees it.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import openpyxl
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

MAX_BYTES = 20 * 1024 * 1024
"""Largest file accepted (matches ``server.maxUploadSize`` of the app)."""
MAX_UNZIPPED = 200 * 1024 * 1024
"""Largest uncompressed XLSX content (guards against zip bombs)."""
MAX_SHARED_BYTES = 16 * 1024 * 1024
"""Largest shared-strings part (every text of the workbook, all loaded at once)."""
MAX_SHEET_BYTES = 10 * 1024 * 1024
"""Largest XML of the sheet read (514 rows × 50 columns of numbers is about 1 MB)."""
MAX_PART_BYTES = 16 * 1024 * 1024
"""Largest other XML part (styles, workbook, relationships …)."""
MAX_ROWS = 5000
"""Most non-empty rows read; one row per regency needs 514."""
MAX_LINES = MAX_ROWS * 4
"""Most rows, blank ones included, before the last row holding a value."""
MAX_COLUMNS = 200
MAX_CELLS = 250_000
"""Most filled cells (514 regencies × 50 columns is 25,700)."""
SCAN_COLUMNS = MAX_COLUMNS * 4
"""Columns of a sheet looked at (a value beyond :data:`MAX_COLUMNS` refuses the sheet)."""
MAX_DELIMITERS = MAX_COLUMNS * 10
"""Most delimiters on one line before a text is refused as too wide, unparsed."""
MAX_MERGES = 100_000
ODS_MIME = b"application/vnd.oasis.opendocument"
BLANK_TAIL = " \t\r\n;,|"
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
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_order(head):
        return "text"
    if b"\x00" in head:
        return "binary"
    return "text"


def utf16_order(head: bytes) -> str | None:
    """``"utf-16-le"`` / ``"utf-16-be"`` for UTF-16 text without a BOM, else ``None``.

    Latin text in UTF-16 has a zero byte in (nearly) every pair, always on the
    same side; binary files have zeros on both sides.
    """
    pairs = len(head) // 2
    if pairs < 2:
        return None
    even, odd = head[0:pairs * 2:2].count(0), head[1:pairs * 2:2].count(0)
    if odd >= pairs * 0.6 and even <= pairs * 0.01:
        return "utf-16-le"
    if even >= pairs * 0.6 and odd <= pairs * 0.01:
        return "utf-16-be"
    return None


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
    """Text and encoding name: UTF-16 (by BOM or by its zero bytes), else UTF-8, else cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    order = utf16_order(data[:65536])
    if order is not None:
        return data.decode(order, errors="replace"), order
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
    lines = list(_first_filled(text, 200))
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        usual = max(set(counts), key=counts.count) if counts else 1
        score = counts.count(usual) * usual if usual > 1 else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _first_filled(text: str, count: int) -> Iterator[str]:
    for line in io.StringIO(text, newline=""):
        if count <= 0:
            return
        if line.strip():
            count -= 1
            yield line


def _read_text(data: bytes) -> RawTable:
    text, encoding = decode(data)
    if _looks_binary(text):
        raise ReadError("data.read.binary")
    text = _check_lines(text.rstrip(BLANK_TAIL))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Cell]] = []
    try:
        rows.extend(_trim(r) for r in reader)
    except csv.Error as error:
        if "field limit" in str(error):
            raise ReadError("data.read.cell_too_long", row=reader.line_num,
                            limit=csv.field_size_limit()) from None
        raise ReadError("data.read.damaged", detail=str(error)[:80]) from None
    rows = _check_size(rows)
    return RawTable(rows, "csv", encoding=encoding, delimiter=delimiter)


def _check_lines(text: str) -> str:
    """``text`` when its lines are few and narrow enough to parse, else :class:`ReadError`.

    Counted before any line is split off: a file of millions of blank lines or
    one line of millions of fields is refused at the cost of a byte count.
    """
    if text.count("\n") + text.count("\r") > 2 * MAX_LINES:
        raise ReadError("data.read.too_many_rows", limit=MAX_ROWS)
    lines = io.StringIO(text, newline="").readlines()
    if len(lines) > MAX_LINES:
        raise ReadError("data.read.too_many_rows", limit=MAX_ROWS)
    for line in lines:
        if len(line) > MAX_DELIMITERS and max(line.count(d) for d in DELIMITERS) > MAX_DELIMITERS:
            raise ReadError("data.read.too_many_columns", limit=MAX_COLUMNS)
    return text


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
    cells = sum(len(r) - r.count(None) for r in rows)
    if cells > MAX_CELLS:
        raise ReadError("data.read.too_many_cells", cells=cells, limit=MAX_CELLS)
    return rows


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        if "mimetype" in names and archive.open("mimetype").read(64).startswith(ODS_MIME):
            raise ReadError("data.read.ods")
        _check_parts(archive)
        if archive.testzip() is not None:
            raise ReadError("data.read.damaged", detail="zip")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError,
            NotImplementedError, RuntimeError) as error:
        raise ReadError("data.read.damaged", detail=type(error).__name__) from None
    if "xl/workbook.xml" not in names:
        raise ReadError("data.read.not_xlsx")
    return archive


def _check_parts(archive: zipfile.ZipFile) -> None:
    """Refuse by the sizes the zip declares (reading stops at them), before unpacking."""
    infos = archive.infolist()
    if sum(i.file_size for i in infos) > MAX_UNZIPPED:
        raise ReadError("data.read.too_large_unzipped")
    for info in infos:
        name = info.filename
        if name == "xl/sharedStrings.xml" and info.file_size > MAX_SHARED_BYTES:
            raise ReadError("data.read.too_much_text", **_mb(info.file_size, MAX_SHARED_BYTES))
        if (name.endswith((".xml", ".rels")) and not name.startswith("xl/worksheets/")
                and info.file_size > MAX_PART_BYTES):
            raise ReadError("data.read.too_large_unzipped")


def _mb(size: int, limit: int) -> dict[str, object]:
    return {"size_mb": round(size / 2**20, 1), "limit_mb": limit // 2**20}


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the zip, in workbook order (streamed, never whole)."""
    targets: dict[str, str] = {}
    rels = "xl/_rels/workbook.xml.rels"
    if rels in archive.namelist():
        for element in _elements(archive, rels, "Relationship"):
            target = element.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[element.get("Id", "")] = target
    sheets: dict[str, str] = {}
    for element in _elements(archive, "xl/workbook.xml", "sheet"):
        rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
        sheets[element.get("name", "")] = targets.get(rid, "")
    return sheets


def _elements(archive: zipfile.ZipFile, part: str, tag: str) -> Iterator[ET.Element]:
    try:
        with archive.open(part) as source:
            for _, element in ET.iterparse(source):
                if element.tag.rsplit("}", 1)[-1] == tag:
                    yield element
    except ET.ParseError as error:
        raise ReadError("data.read.damaged", detail=f"XML {error.position}") from None
    except KeyError:
        raise ReadError("data.read.not_xlsx") from None


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref\s*=\s*[\"']([A-Za-z0-9:$]+)[\"']")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _scan_sheet(archive: zipfile.ZipFile, part: str) -> tuple[list[str], bool]:
    """Merged ranges and whether any formula is present, in 1 MB chunks."""
    merges: list[str] = []
    formulas, tail = False, b""
    with archive.open(part) as source:
        while chunk := source.read(2**20):
            buffer = tail + chunk
            keep = max(len(buffer) - 256, 0)
            for match in _MERGE.finditer(buffer):
                if match.start() < keep:
                    merges.append(match.group(1).decode())
            formulas = formulas or _FORMULA.search(buffer) is not None
            tail = buffer[keep:]
            if len(merges) > MAX_MERGES:
                raise ReadError("data.read.damaged", detail="mergeCells")
    merges += [m.group(1).decode() for m in _MERGE.finditer(tail)]
    return merges, formulas


def _load(data: bytes, formulas: bool) -> Workbook:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True,
                                          data_only=not formulas)
    except ReadError:
        raise
    except Exception as error:
        raise ReadError("data.read.damaged", detail=type(error).__name__) from None


def sheet_names(data: bytes) -> list[str]:
    """Sheet names of a workbook (empty for a CSV or an unreadable file).

    Read from the workbook's own list, without loading any sheet.
    """
    if file_kind(data) != "xlsx":
        return []
    try:
        return list(_sheet_parts(_open_zip(data)))
    except ReadError:
        return []


def _read_xlsx(data: bytes, sheet: str | None) -> RawTable:
    archive = _open_zip(data)
    parts = _sheet_parts(archive)
    names = list(parts)
    if not names:
        raise ReadError("data.read.empty")
    name = sheet if sheet is not None else names[0]
    if name not in parts:
        raise ReadError("data.read.no_sheet", sheet=name, sheets=", ".join(names))
    part = parts[name]
    if part not in archive.namelist():
        raise ReadError("data.read.damaged", detail="sheet")
    size = archive.getinfo(part).file_size
    if size > MAX_SHEET_BYTES:
        raise ReadError("data.read.sheet_too_large", sheet=name, **_mb(size, MAX_SHEET_BYTES))
    merges, has_formulas = _scan_sheet(archive, part)
    rows = _fill_merges(_values(data, name, formulas=False), merges)
    table = RawTable(rows, "xlsx", sheet=name, sheets=names)
    if has_formulas:
        _apply_formulas(table, _values(data, name, formulas=True))
    table.rows = _check_size(table.rows)
    return table


def _values(data: bytes, name: str, formulas: bool) -> list[list[Cell]]:
    """Cells of sheet ``name`` up to its last row holding a value (read-only mode)."""
    book = _load(data, formulas)
    try:
        sheet = book[name]
        if not isinstance(sheet, ReadOnlyWorksheet):
            raise ReadError("data.read.empty")
        sheet.reset_dimensions()  # the file's <dimension> may claim the whole sheet
        return _sheet_rows(sheet.iter_rows(min_row=1, min_col=1, max_col=SCAN_COLUMNS,
                                           values_only=True))
    except ReadError:
        raise
    except Exception as error:
        raise ReadError("data.read.damaged", detail=type(error).__name__) from None
    finally:
        book.close()


def _sheet_rows(source: Iterator[tuple[object, ...]]) -> list[list[Cell]]:
    """Trimmed rows; blank rows kept only before a filled one, so trailing ones cost nothing."""
    rows: list[list[Cell]] = []
    blank = 0
    for values in source:
        cells = _trim_cells([_cell(v) for v in values]) if values.count(None) < len(values) else []
        if not cells:
            blank += 1
            continue
        if len(rows) + blank >= MAX_LINES:
            raise ReadError("data.read.too_many_rows", limit=MAX_ROWS)
        if len(cells) > MAX_COLUMNS:
            raise ReadError("data.read.too_many_columns", limit=MAX_COLUMNS)
        rows.extend([] for _ in range(blank))
        blank = 0
        rows.append(cells)
    return rows


def _fill_merges(rows: list[list[Cell]], merges: list[str]) -> list[list[Cell]]:
    """Copy a merged range's text into its cells, clipped to the rows and columns read.

    Ranges of a valid workbook never overlap, so the copies never exceed the grid
    read; more is a damaged (or hostile) file.
    """
    width = max((len(r) for r in rows), default=0)
    budget = len(rows) * width
    for ref in merges:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        if min_row is None or min_col is None or min_row > len(rows):
            continue
        row = rows[min_row - 1]
        value = row[min_col - 1] if min_col <= len(row) else None
        if not isinstance(value, str):
            continue
        last_row, last_col = min(max_row or len(rows), len(rows)), min(max_col or width, width)
        budget -= max(last_row - min_row + 1, 0) * max(last_col - min_col + 1, 0)
        if budget < 0:
            raise ReadError("data.read.damaged", detail="mergeCells")
        for r in range(min_row - 1, last_row):
            target = rows[r]
            if len(target) < last_col:
                target.extend([None] * (last_col - len(target)))
            target[min_col - 1:last_col] = [value] * (last_col - min_col + 1)
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


def _apply_formulas(table: RawTable, formulas: list[list[Cell]]) -> None:
    for r, row in enumerate(formulas):
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
