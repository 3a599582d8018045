"""A small sheet of outreach capacity per region and indicator, read and checked.

The sheet (CSV or XLSX, read by :mod:`utils.ingest.spreadsheet`) has a header
row and one row per region and indicator: a Kemendagri code and/or a name
(matched by :class:`utils.ingest.matching.RegionIndex`), the indicator (its
id or its label in either language) and the number of extra recordings per
month. A row whose code and name disagree, whose region or indicator is not
known for sure, or whose number is not a number ≥ 0 is refused with a message
key and its row number; nothing is guessed. Pure: no Streamlit, no files.

Kecamatan (given the kecamatan reference, :class:`KecamatanIndex`): a row may name
a kecamatan by its code (``64.02.01`` or ``640201``); a name beside the code must be
the kecamatan's (or its regency's). Kecamatan names repeat across regencies, so a
name alone is read as a kecamatan only within the regency being planned
(``within``), and refused when it could also be a regency ("Sragen").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from utils.ingest import matching
from utils.ingest.code_schemes import written as written_code
from utils.ingest.numbers_id import NumberError, parse_number
from utils.ingest.spreadsheet import Cell, ReadError, read_table
from utils.metrics.indicators import Indicator
from utils.metrics.whatif_state import CAPACITY_MAX, MAX_CAPACITY

HEADER_SCAN = 10
"""Rows searched for the header."""
HEADER_WORDS = {
    "code": {"kode", "code", "kd"},
    "indicator": {"indikator", "indicator", "jenis"},
    "per_month": {"bulan", "month", "perbulan", "kapasitas", "capacity", "monthly"},
    "name": {"nama", "wilayah", "kabupaten", "kota", "kab", "region", "regency", "name",
             "kecamatan", "kec", "distrik", "district"},
}
"""Words that name each column, tried in this order (``kode wilayah`` is the code)."""

Entry = tuple[str, str, float]
KECAMATAN_WORDS = ("kecamatan", "kec", "distrik")
"""Words a kecamatan's name may be written after (``Kec. Loa Kulu``)."""


@dataclass(frozen=True)
class Refusal:
    """A row not taken: its row number in the sheet, a message key and its values."""

    row: int
    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class CapacityRead:
    """What a sheet holds: accepted ``(indicator, code, per month)`` entries, sorted,
    the refused rows, and how many total rows (``JUMLAH``) were passed over."""

    entries: tuple[Entry, ...]
    refused: tuple[Refusal, ...]
    totals_skipped: int = 0


def header_columns(row: list[Cell]) -> dict[str, int]:
    """Column index of ``code``, ``name``, ``indicator`` and ``per_month`` in a header row.

    Examples
    --------
    >>> header_columns(["Kode wilayah", "Nama", "Indikator", "Per bulan"])
    {'code': 0, 'name': 1, 'indicator': 2, 'per_month': 3}
    """
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        said = set(matching.words(cell))
        role = next((r for r, words in HEADER_WORDS.items() if said & words), None)
        if role and role not in found:
            found[role] = index
    return dict(sorted(found.items(), key=lambda item: item[1]))


class KecamatanIndex:
    """Kecamatan by code and, within one regency, by name.

    Parameters
    ----------
    kecamatan : pandas.DataFrame
        The kecamatan reference (:func:`utils.metrics.regions.read_kecamatan`).
    within : str, optional
        The regency being planned: only its kecamatan are matched by name.
    """

    def __init__(self, kecamatan: pd.DataFrame, within: str | None = None) -> None:
        self.names = dict(zip(kecamatan["code"], kecamatan["name"], strict=True))
        self.labels = {c: f"{k} {n}" for c, k, n in zip(
            kecamatan["code"], kecamatan["kind"], kecamatan["name"], strict=True)}
        own = kecamatan[kecamatan["regency_code"] == within] if within else kecamatan.iloc[0:0]
        self.by_name: dict[str, list[str]] = {}
        for code, name in zip(own["code"], own["name"], strict=True):
            self.by_name.setdefault(self.key(name), []).append(code)

    @staticmethod
    def says_kecamatan(text: object) -> bool:
        """True when a name is written as a kecamatan's (``Kecamatan …``, ``Kec. …``).

        Examples
        --------
        >>> KecamatanIndex.says_kecamatan("Kec. Loa Kulu"), KecamatanIndex.says_kecamatan("Kutai")
        (True, False)
        """
        parts = matching.words(text)
        return bool(parts) and parts[0] in KECAMATAN_WORDS

    @classmethod
    def key(cls, text: object) -> str:
        """A kecamatan name reduced for comparison (``KEC. KOTA BANGUN`` → ``kotabangun``)."""
        parts = matching.words(text)
        return "".join(parts[1:] if cls.says_kecamatan(text) else parts)

    @staticmethod
    def code(value: object) -> str | None:
        """A cell read as a kecamatan code (``64.02.01``, ``640201``), known or not."""
        found = written_code(value)
        if found is None or len(found.digits) != 6:
            return None
        digits = found.digits
        return f"{digits[:2]}.{digits[2:4]}.{digits[4:]}"

    def agrees(self, code: str, name: object) -> bool:
        """Whether ``name`` is the name of the kecamatan ``code``."""
        return self.key(name) == self.key(self.names.get(code, "")) != ""

    def match(self, name: object) -> list[str]:
        """Kecamatan of the planned regency with this name (none, one, or more)."""
        return self.by_name.get(self.key(name), [])


def split_entries(entries: Iterable[Entry], codes: set[str]) -> tuple[tuple[Entry, ...],
                                                                     tuple[Entry, ...]]:
    """``(entries for codes, the others)``, each sorted: a capacity table shows one level.

    Examples
    --------
    >>> split_entries([("kia", "64.02.01", 5.0), ("kia", "64.74", 3.0)], {"64.02.01"})
    ((('kia', '64.02.01', 5.0),), (('kia', '64.74', 3.0),))
    """
    inside = tuple(sorted(e for e in entries if e[1] in codes))
    return inside, tuple(sorted(e for e in entries if e[1] not in codes))


def merged(*groups: Iterable[Entry]) -> tuple[Entry, ...]:
    """Entries of all ``groups``, sorted; a later group wins for the same indicator and code.

    Examples
    --------
    >>> merged([("kia", "64.74", 3.0)], [("kia", "64.74", 9.0), ("kia", "64.02.01", 1.0)])
    (('kia', '64.02.01', 1.0), ('kia', '64.74', 9.0))
    """
    out: dict[tuple[str, str], float] = {}
    for group in groups:
        out.update({(i, c): float(v) for i, c, v in group})
    return tuple(sorted((i, c, v) for (i, c), v in out.items()))


def indicator_lookup(defs: Mapping[str, Indicator]) -> dict[str, str]:
    """Words of every indicator id and label (both languages) → indicator id."""
    out: dict[str, str] = {}
    for i, ind in defs.items():
        for text in (i, ind.label_id, ind.label_en):
            out[" ".join(matching.words(text))] = i
    return out


def read_capacity(data: bytes, regions: pd.DataFrame, defs: Mapping[str, Indicator],
                  sheet: str | None = None, kecamatan: pd.DataFrame | None = None,
                  within: str | None = None) -> CapacityRead:
    """Read a capacity sheet.

    Parameters
    ----------
    data : bytes
        The whole file (CSV or XLSX).
    regions : pandas.DataFrame
        The region reference.
    defs : dict
        Indicator id → definition.
    sheet : str, optional
        Sheet of a workbook (the first by default).
    kecamatan : pandas.DataFrame, optional
        The kecamatan reference: rows may then name kecamatan by code.
    within : str, optional
        The regency being planned: a name alone may then be one of its kecamatan.

    Raises
    ------
    utils.ingest.spreadsheet.ReadError
        The file cannot be read, has no header with a region, an indicator and
        a per-month column (``capacity.no_header``), or too many rows
        (``capacity.too_many``).
    """
    rows = read_table(data, sheet).rows
    start, columns = _header(rows)
    body = rows[start + 1:]
    if len(body) > MAX_CAPACITY:
        raise ReadError("capacity.too_many", limit=MAX_CAPACITY)
    places = None if kecamatan is None else KecamatanIndex(kecamatan, within)
    reader = _RowReader(matching.RegionIndex(regions), indicator_lookup(defs), columns, defs,
                        places)
    for number, row in enumerate(body, start=start + 2):
        reader.read(number, row)
    return CapacityRead(tuple(sorted((i, c, v) for (i, c), (v, _) in reader.taken.items())),
                        tuple(reader.refused), reader.totals)


def _header(rows: list[list[Cell]]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:HEADER_SCAN]):
        columns = header_columns(row)
        if {"indicator", "per_month"} <= columns.keys() and columns.keys() & {"code", "name"}:
            return index, columns
    raise ReadError("capacity.no_header")


class _RowReader:
    """Reads rows one by one, remembering what was taken and refused."""

    def __init__(self, index: matching.RegionIndex, indicators: dict[str, str],
                 columns: dict[str, int], defs: Mapping[str, Indicator],
                 places: KecamatanIndex | None = None) -> None:
        self.index, self.indicators, self.columns = index, indicators, columns
        self.places = places
        self.valid = ", ".join(defs)
        self.taken: dict[tuple[str, str], tuple[float, int]] = {}
        self.refused: list[Refusal] = []
        self.totals = 0

    def cell(self, row: list[Cell], role: str) -> Cell:
        at = self.columns.get(role)
        value = row[at] if at is not None and at < len(row) else None
        return None if value is None or str(value).strip() == "" else value

    def read(self, number: int, row: list[Cell]) -> None:
        if all(self.cell(row, r) is None for r in self.columns):
            return
        name = self.cell(row, "name")
        if name is not None and matching.is_total(name):
            self.totals += 1
            return
        try:
            code = self.region(row, name)
            indicator = self.indicator(row)
            value = self.per_month(row)
        except _Refused as refusal:
            self.refused.append(Refusal(number, refusal.key, refusal.params))
            return
        if (indicator, code) in self.taken:
            first = self.taken[(indicator, code)][1]
            self.refused.append(Refusal(number, "capacity.duplicate", {"first": first}))
            return
        self.taken[(indicator, code)] = (value, number)

    def region(self, row: list[Cell], name: Cell) -> str:
        written = self.cell(row, "code")
        if self.places is not None and (place := self.place(written, name)) is not None:
            return place
        code = None if written is None else matching.read_code(written)
        if written is not None and code is None:
            raise _Refused("capacity.bad_code", code=str(written)[:20])
        if code is not None and "." not in code:
            raise _Refused("capacity.province_code", code=code)
        if code is not None and code not in self.index.names:
            raise _Refused("capacity.unknown_code", code=code)
        found = None if name is None else self.index.match(name)
        if code is None:
            if not isinstance(found, matching.Match):
                raise _Refused("capacity.name_unknown", name=str(name)[:60])
            return found.code
        if name is not None and not (isinstance(found, matching.Match) and found.code == code):
            raise _Refused("capacity.code_name_disagree", code=code, name=str(name)[:60],
                           official=self.index.names[code])
        return code

    def place(self, written: Cell, name: Cell) -> str | None:
        """The kecamatan a row names (by code, or by name alone); ``None``: not one."""
        assert self.places is not None
        if written is not None:
            code = self.places.code(written)
            return None if code is None else self.kecamatan(code, name)
        return None if name is None else self.kecamatan_by_name(name)

    def kecamatan(self, code: str, name: Cell) -> str:
        """A row naming a kecamatan by code; a name beside it must be the kecamatan's
        or its regency's."""
        assert self.places is not None
        if code not in self.places.names:
            raise _Refused("kec_wi_cap_unknown_code", code=code)
        if name is None or self.places.agrees(code, name):
            return code
        found = self.index.match(name)
        if isinstance(found, matching.Match) and found.code == code[:5]:
            return code
        raise _Refused("kec_wi_cap_name_disagree", code=code, name=str(name)[:60],
                       official=self.places.labels[code])

    def kecamatan_by_name(self, name: Cell) -> str | None:
        """A name alone: one of the planned regency's kecamatan (``None``: read it as a
        regency). Refused when written as a kecamatan but not one, or when it may be
        both a kecamatan and a regency."""
        assert self.places is not None
        found = self.places.match(name)
        says = self.places.says_kecamatan(name)
        if len(found) > 1 or (not found and says):
            raise _Refused("kec_wi_cap_name_unknown", name=str(name)[:60])
        if not found:
            return None
        if not says and isinstance(self.index.match(name), matching.Match):
            raise _Refused("kec_wi_cap_ambiguous", name=str(name)[:60])
        return found[0]

    def indicator(self, row: list[Cell]) -> str:
        written = self.cell(row, "indicator")
        found = self.indicators.get(" ".join(matching.words(written)))
        if found is None:
            raise _Refused("capacity.bad_indicator", indicator=str(written or "")[:40],
                           valid=self.valid)
        return found

    def per_month(self, row: list[Cell]) -> float:
        written = self.cell(row, "per_month")
        try:
            value = parse_number(written, integer=True)
        except NumberError:
            raise _Refused("capacity.bad_number", value=str(written)[:20]) from None
        if value is None:
            raise _Refused("capacity.no_number")
        if value < 0 or value > CAPACITY_MAX:
            raise _Refused("capacity.out_of_range", value=str(written)[:20], limit=CAPACITY_MAX)
        return value


class _Refused(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def table_entries(frame: pd.DataFrame, indicators: list[str],
                  known_codes: set[str]) -> tuple[tuple[Entry, ...], int, int]:
    """Entries of the page's capacity table (``region, indicator, per_month``).

    Returns
    -------
    (tuple, int, int)
        The sorted ``(indicator, code, per month)`` entries; how many rows are
        incomplete (a cell empty, unknown or out of range) and left out; how
        many repeat a region and indicator already given (the first is kept).

    Examples
    --------
    >>> rows = pd.DataFrame({"region": ["64.74", "64.74", None],
    ...                      "indicator": ["kia", "kia", "kia"], "per_month": [5, 6, 1]})
    >>> table_entries(rows, ["kia"], {"64.74"})
    ((('kia', '64.74', 5.0),), 1, 1)
    """
    taken: dict[tuple[str, str], float] = {}
    incomplete = repeated = 0
    for region, indicator, value in frame[["region", "indicator", "per_month"]].itertuples(
            index=False):
        number = pd.to_numeric(value, errors="coerce")
        if (region not in known_codes or "." not in str(region) or indicator not in indicators
                or pd.isna(number)
                or not 0 <= number <= CAPACITY_MAX):
            incomplete += 1
        elif (indicator, region) in taken:
            repeated += 1
        else:
            taken[(indicator, region)] = float(number)
    return tuple(sorted((i, c, v) for (i, c), v in taken.items())), incomplete, repeated
