"""A kecamatan-level file: which rows name a kecamatan, of which regency, matched how.

A regency office reports per kecamatan (``Capaian KIA per kecamatan,
Kabupaten Sragen``). :func:`plan` decides once per file whether it is such a
file (a kecamatan column, kecamatan codes or ``Kec.`` names, kecamatan names
that are not regency names, or a regency the user chose) and where each row's
regency comes from:

* a column (the regency's name or code, in any scheme the importer reads),
* the kecamatan code itself (``33.14.01`` is of ``33.14``),
* the one regency the title lines name (``KABUPATEN SRAGEN``), or
* the regency the user chose once for the whole file (``Semua baris dari``).

Without a regency a kecamatan name is never matched (names repeat across
regencies): the row waits for the choice. A code must exist and agree with
the row's name and regency, else the row is a question, never a match; a BPS
kecamatan code (seven digits) has no crosswalk and is never read.
Rows naming the regency itself (``Kabupaten Sragen``) stay regency rows; village
rows are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from utils.ingest import kecamatan_names as kn
from utils.ingest.code_schemes import written
from utils.ingest.matching import Match, RegionIndex, Suggestion, is_total, name_key
from utils.ingest.region_rows import RowMatcher, Unresolved, is_nation
from utils.ingest.spreadsheet import Cell

KECAMATAN, VILLAGE, REGENCY = "kecamatan", "village", "regency"
"""Levels of a row in a kecamatan-level file (:attr:`Place.level`)."""
SUMMARISED = frozenset({"kec_imp_no_regency", "kec_imp_bps_code"})
"""Reasons told once for the whole file, not once per row."""


@dataclass(frozen=True)
class Cells:
    """The region cells of one row: regency name and code, kecamatan name and code."""

    name: str = ""
    code: Cell = None
    kecamatan: str = ""
    kecamatan_code: Cell = None


@dataclass(frozen=True)
class Place:
    """What one row names in a kecamatan-level file.

    ``level`` is :data:`KECAMATAN`, :data:`VILLAGE` or :data:`REGENCY` (a
    regency, province, nation or total row: the regency path reads it from
    ``text`` and ``code``); for a kecamatan row ``regency`` is its regency
    when known and ``source`` where it came from (``column``, ``chosen``,
    ``title``), ``problem`` a reason the regency cannot be used.
    """

    level: str
    text: str
    code: Cell = None
    regency: str | None = None
    source: str | None = None
    problem: Unresolved | None = None

    @property
    def label(self) -> str:
        """The row as written, for the report."""
        return self.text or ("" if self.code is None else str(self.code))


@dataclass
class Plan:
    """How the rows of one kecamatan-level file are read; build it with :func:`plan`."""

    index: kn.KecamatanIndex
    regions: RegionIndex
    regency: str | None = None
    source: str | None = None
    title: str | None = None
    has_column: bool = False
    regencies: RowMatcher | None = None

    def place(self, cells: Cells) -> Place:
        """The level of a row and, for a kecamatan row, its regency."""
        if self.has_column:
            return self._two_columns(cells)
        return self._one_column(cells)

    def _two_columns(self, cells: Cells) -> Place:
        code = kn.read_code(cells.kecamatan_code) or kn.read_code(cells.code)
        if not cells.kecamatan and code is None:
            return Place(REGENCY, cells.name, cells.code)
        if (code is not None and code.kind == kn.VILLAGE) or self._village(cells.kecamatan):
            return Place(VILLAGE, cells.kecamatan, code.text if code else None)
        regency_code = None if kn.read_code(cells.code) else cells.code
        own = self._regency_cell(cells.name, regency_code)
        return self._with_regency(cells.kecamatan, _written(cells, code), own)

    def _one_column(self, cells: Cells) -> Place:
        code = kn.read_code(cells.code)
        text = cells.name
        if (code is not None and code.kind == kn.VILLAGE) or self._village(text):
            return Place(VILLAGE, text, cells.code)
        if code is not None or kn.is_kecamatan_name(text):
            return self._with_regency(text, cells.code, None)
        if written(cells.code) is not None or not text or _is_upper(text):
            return Place(REGENCY, text, cells.code)
        if self.regency and self.index.exact(text, self.regency):
            return self._with_regency(text, None, None)
        if self._is_regency_name(text):
            return Place(REGENCY, text, cells.code)
        return self._with_regency(text, None, None)

    def _village(self, text: str) -> bool:
        return kn.is_village_name(text) and not self.index.elsewhere(text)

    def _is_regency_name(self, text: str) -> bool:
        """A name that is a regency's (``Kabupaten Sragen``; unprefixed only when no
        kecamatan anywhere has it and no regency is chosen)."""
        if not self.regions.exact(text):
            return False
        return name_key(text).kind is not None or (
            self.regency is None and not self.index.elsewhere(text))

    def _regency_cell(self, name: str, code: Cell) -> str | Unresolved | None:
        if self.regencies is None or (not name and code is None):
            return None
        found = self.regencies.match(name, code)
        return found.code if isinstance(found, Match) else found

    def _with_regency(self, text: str, code: Cell, own: str | Unresolved | None) -> Place:
        if isinstance(own, Unresolved):
            return Place(KECAMATAN, text, code, problem=Unresolved(
                own.suggestions, "kec_imp_regency_unknown", own.params))
        if own is not None and self.source == "chosen" and own != self.regency:
            return Place(KECAMATAN, text, code, own, "column", Unresolved([], (
                "kec_imp_regency_conflict"), {"column": self.index.regency_names.get(own, own),
                                              "chosen": self._regency_name()}))
        if own is not None:
            return Place(KECAMATAN, text, code, own, "column")
        return Place(KECAMATAN, text, code, self.regency, self.source)

    def _regency_name(self) -> str:
        return self.index.regency_names.get(self.regency or "", self.regency or "")

    def match(self, place: Place) -> Match | Unresolved:
        """The kecamatan a row names, or the question the user must answer."""
        if place.problem is not None:
            return place.problem
        code = kn.read_code(place.code)
        if code is not None and code.kind == kn.BPS:
            return Unresolved(self._candidates(place), "kec_imp_bps_code", {"code": code.text})
        if code is not None:
            return self._by_code(place, code.text)
        if place.regency is None:
            return Unresolved(self._candidates(place), "kec_imp_no_regency")
        found = self.index.match(place.text, place.regency)
        if isinstance(found, Match):
            return found
        return Unresolved(found or self._candidates(place), "kec_imp_not_in_regency", {
            "in_regency": self.index.regency_names.get(place.regency, place.regency)})

    def _by_code(self, place: Place, code: str) -> Match | Unresolved:
        if code not in self.index.names:
            return Unresolved(self._candidates(place), "kec_imp_code_unknown", {"code": code})
        by_code = Match(code, self.index.labels[code], "code")
        if place.regency is not None and place.regency != self.index.regency_of[code]:
            return Unresolved(self.index.suggestions([code]), "kec_imp_code_regency_conflict", {
                "code_says": f"{code} {by_code.name}",
                "in_regency": self.index.regency_names.get(place.regency, place.regency)})
        if self.index.agrees(place.text, code):
            return by_code
        named = self.index.match(place.text, self.index.regency_of[code])
        suggestions = [Suggestion(code, by_code.name, 0.0)]
        said = "—"
        if isinstance(named, Match):
            suggestions.append(Suggestion(named.code, named.name, named.score))
            said = f"{named.code} {named.name}"
        else:
            suggestions += [s for s in named if s.code != code][:kn.SUGGESTIONS - 1]
        return Unresolved(suggestions, "code_name_conflict",
                          {"code_says": f"{code} {by_code.name}", "name_says": said})

    def _candidates(self, place: Place) -> list[Suggestion]:
        """Same-named kecamatan (of the row's regency first) to choose from; never a match."""
        found = self.index.elsewhere(place.text)
        if place.regency:
            found.sort(key=lambda c: self.index.regency_of[c] != place.regency)
        return self.index.suggestions(found[:kn.SUGGESTIONS])

    def chosen(self, code: str) -> Match | None:
        """A kecamatan the user chose for a row (``""`` or another code: ``None``)."""
        return Match(code, self.index.labels[code], "alias") if code in self.index.names else None


def _written(cells: Cells, code: kn.KecamatanCode | None) -> Cell:
    if cells.kecamatan_code is not None:
        return cells.kecamatan_code
    return cells.code if code is not None else None


def _is_upper(text: str) -> bool:
    """A total, nation or province row: never a kecamatan."""
    return is_total(text) or is_nation(text)


# --- is it a kecamatan-level file? ------------------------------------------------------------


def plan(index: kn.KecamatanIndex, regions: RegionIndex, rows: Sequence[Cells], *,
         has_column: bool, chosen: str | None, titles: Sequence[object]) -> Plan | None:
    """The plan of a kecamatan-level file, or ``None`` for a regency or province file.

    Parameters
    ----------
    index : KecamatanIndex
        The kecamatan reference.
    regions : RegionIndex
        The regency names (the file's regency matcher is set on the plan afterwards:
        :attr:`Plan.regencies`, for regency columns).
    rows : sequence of Cells
        The region cells of every data row.
    has_column : bool
        A kecamatan name or code column is mapped.
    chosen : str, optional
        The regency the user chose for every row (``33.14``); makes the file a
        kecamatan file.
    titles : sequence
        Texts of the title lines (above the header), searched for a regency.
    """
    title = kn.title_regency(regions, titles)
    regency, source = (chosen, "chosen") if chosen else (title, "title" if title else None)
    found = Plan(index, regions, regency, source, title, has_column)
    if has_column or chosen or _looks_kecamatan(found, rows):
        return found
    return None


def _looks_kecamatan(found: Plan, rows: Sequence[Cells]) -> bool:
    """Kecamatan (or village) codes or names at least as many as regency rows, or else
    more names that are only kecamatan names than names of regencies."""
    marked = regency = names = 0
    for cells in rows:
        code, upper = kn.read_code(cells.code), written(cells.code)
        if code is not None or kn.is_kecamatan_name(cells.name) or kn.is_village_name(cells.name):
            marked += 1
        elif (upper is not None and upper.level != "below") or _regency_named(found, cells.name):
            regency += 1
        elif cells.name and not _is_upper(cells.name):
            names += _name_vote(found, cells.name)
    if marked:
        return marked >= regency
    return names > 0


def _regency_named(found: Plan, text: str) -> bool:
    """A regency's or a province's name exactly (no guess)."""
    index = found.regions
    return bool(text) and (bool(index.exact(text)) or index.province(text) is not None)


def _name_vote(found: Plan, text: str) -> int:
    """+1 for a name only kecamatan have, −1 for a regency's or province's name, else 0.

    When the title names one regency, the file lists its kecamatan: every name that
    is one of them, or no regency's or province's name, counts as a kecamatan.
    """
    is_regency = _regency_named(found, text)
    if found.regency:
        return 1 if found.index.exact(text, found.regency) or not is_regency else -1
    return -1 if is_regency else int(bool(found.index.elsewhere(text)))
