"""Two files of one measure each, paired into one table (open-data layout).

Open-data portals publish one measure per file (``jumlah_perekaman_ktp_el``
in one file, ``jumlah_wajib_ktp_el`` in another), both in the long layout
``kode_kabupaten_kota, nama_kabupaten_kota, <measure>, satuan, tahun``.
:func:`pair` joins them row by row on the region code (or name) and the year,
so the importer checks them as one file. Rows found in one file only are kept
with the other file's columns empty, so the check names them.
"""

from __future__ import annotations

from collections.abc import Sequence

from utils.ingest import columns as cols
from utils.ingest.spreadsheet import Cell, RawTable

KEYS = ("region.code", "region.name", "period.year")


class PairError(ValueError):
    """The two files cannot be paired; ``key`` names the message in ``data/i18n``."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _key_columns(header: cols.Header) -> dict[str, int]:
    return {k: i for i, k in header.mapping.items() if k in KEYS}


def _text(value: Cell) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else " ".join(str(value).split()).lower()


def _row_key(row: Sequence[Cell], columns: list[int]) -> tuple[str, ...]:
    return tuple(_text(row[i]) if i < len(row) else "" for i in columns)


def _join_fields(first: dict[str, int], second: dict[str, int]) -> list[str]:
    region = "region.code" if "region.code" in first and "region.code" in second else (
        "region.name" if "region.name" in first and "region.name" in second else None)
    if region is None:
        raise PairError("data.pair.no_key")
    return [region] + (["period.year"] if "period.year" in first and "period.year" in second
                       else [])


def pair(vocab: cols.Vocabulary, first: RawTable, second: RawTable) -> RawTable:
    """Join ``second``'s measure columns onto ``first``.

    Parameters
    ----------
    vocab : Vocabulary
        Header keywords (to find each file's header and key columns).
    first, second : RawTable
        The two files as read.

    Returns
    -------
    RawTable
        One header row (``first``'s columns, then ``second``'s other columns)
        and one row per region and year found in either file.

    Raises
    ------
    PairError
        A file has no recognisable header, or the files share no region column.
    """
    head_a, head_b = cols.find_header(vocab, first.rows), cols.find_header(vocab, second.rows)
    if head_a is None or head_b is None:
        raise PairError("data.pair.no_header")
    keys_a, keys_b = _key_columns(head_a), _key_columns(head_b)
    fields = _join_fields(keys_a, keys_b)
    on_a, on_b = [keys_a[f] for f in fields], [keys_b[f] for f in fields]
    labels_a = head_a.labels
    extra = [i for i, label in enumerate(head_b.labels)
             if i not in keys_b.values() and label and label not in labels_a]
    rows_b = {_row_key(r, on_b): r for r in second.rows[head_b.stop:] if any(
        c is not None for c in r)}
    width = len(labels_a)
    out: list[list[Cell]] = [[*labels_a, *(head_b.labels[i] for i in extra)]]
    for row in first.rows[head_a.stop:]:
        padded = list(row) + [None] * (width - len(row))
        partner = rows_b.pop(_row_key(row, on_a), None)
        out.append(padded[:width] + [_at(partner, i) for i in extra])
    for row in rows_b.values():
        alone: list[Cell] = [None] * width
        for a, b in zip(on_a, on_b, strict=True):
            alone[a] = _at(row, b)
        for k, i in keys_b.items():
            if k in keys_a:
                alone[keys_a[k]] = _at(row, i)
        out.append(alone + [_at(row, i) for i in extra])
    return RawTable(out, first.kind, first.sheet, first.sheets, first.encoding, first.delimiter,
                    first.formulas + second.formulas)


def _at(row: Sequence[Cell] | None, index: int) -> Cell:
    return None if row is None or index >= len(row) else row[index]
