"""Which region a file row names, from its code and name together.

A code and a name on the same row must agree: a row whose code points at one
region while its name names another is never matched by the code; it is left
for the user with both candidates. The file's code scheme (Kemendagri, an
older Kemendagri list, BPS) is chosen once per file (:mod:`.code_schemes`)
and every code is read through it. Rows below the regency (kecamatan, desa)
are recognised and never matched to a regency. A file whose rows are
provinces is a province-level table: its rows match provinces.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz

from utils.ingest import code_schemes as schemes
from utils.ingest.code_schemes import CodeBook, Written, written
from utils.ingest.matching import Match, RegionIndex, Suggestion, is_total, name_key, words

BELOW_WORDS = frozenset({"kecamatan", "kec", "distrik", "desa", "ds", "kelurahan", "kel",
                         "gampong", "nagari", "kampung"})
"""First words of a kecamatan or village name."""
NATION_WORDS = ("nasional", "indonesia", "total nasional", "jumlah nasional")
NAME_LIKENESS = 75.0
"""A name this similar to the code's region (0–100) does not contradict the code."""
PROVINCE_TABLE_SHARE = 0.8
"""Share of rows naming provinces above which a file is a province-level table."""


@dataclass(frozen=True)
class Unresolved:
    """A row the user must decide: candidates and, when there is one, why."""

    suggestions: list[Suggestion]
    reason: str | None = None
    params: dict = field(default_factory=dict)


Outcome = Match | Unresolved


def former_names(crosswalk: pd.DataFrame | None) -> list[tuple[str, str]]:
    """(former name, today's code) of renamed regencies in the crosswalk."""
    if crosswalk is None:
        return []
    rows = crosswalk[(crosswalk["level"] == "regency")
                     & ((crosswalk["how"] == "renamed") | (crosswalk["scheme"] == "former_name"))]
    return [(str(n), str(c)) for n, c in zip(rows["name"], rows["current"], strict=True)
            if len(str(c).split()) == 1]


def is_below_regency(text: str, code: object) -> bool:
    """True for a kecamatan or village row (``64.02.01``, ``Kecamatan Tenggarong``)."""
    found = written(code)
    if found is not None and found.level == "below":
        return True
    parts = words(text)
    return bool(parts) and parts[0] in BELOW_WORDS


def is_nation(text: str) -> bool:
    """True for a row naming the whole country (``NASIONAL``, ``Indonesia``, ``Total Nasional``)."""
    joined = " ".join(words(text))
    return joined in NATION_WORDS


@dataclass
class RowMatcher:
    """Matches rows of one file; build it with :func:`matcher`."""

    index: RegionIndex
    book: CodeBook
    choice: schemes.Choice
    province: str | None = None
    level: str = "regency"

    def total_provinces(self, text: str, code: object) -> tuple[str, ...] | None:
        """Provinces a total row covers today; ``None`` for the whole file, ``()`` if unclear."""
        found = written(code)
        if found is not None and found.level == "province" and self.choice.scheme:
            return self.book.read(found, self.choice.scheme)
        named = self.index.province(text)
        return (named,) if named else None

    def is_total(self, text: str, code: object) -> bool:
        """A total row: a province row in a regency table, a nation or ``Jumlah`` row."""
        if is_nation(text) or (bool(text) and is_total(text)):
            return True
        if self.level == "province":
            return False
        found = written(code)
        return (found is not None and found.level == "province") or (
            bool(text) and self.index.province(text) is not None)

    def match(self, text: str, code: object) -> Outcome:
        """The region a data row names, or what the user must decide."""
        if self.level == "province":
            return self._province_row(text, code)
        found = written(code)
        by_name = self.index.match(text, self.province) if text else []
        if found is None or found.level != "regency":
            return _outcome(by_name)
        if self.choice.scheme is None:
            return Unresolved(_suggestions(by_name), "code_scheme_unknown")
        read = self.book.read(found, self.choice.scheme)
        if len(read) != 1 or read[0] not in self.index.names:
            return _outcome(by_name) if text else Unresolved([], "code_unknown",
                                                             {"code": str(code)})
        return self._agree(Match(read[0], self.index.names[read[0]], "code"), by_name, text)

    def _agree(self, by_code: Match, by_name: Match | list[Suggestion], text: str) -> Outcome:
        if not text:
            return by_code
        if isinstance(by_name, Match):
            if by_name.code == by_code.code:
                return by_code
            return _conflict(by_code, by_name)
        likeness = fuzz.ratio(name_key(text).compact, self.index.keys[by_code.code].compact)
        if likeness >= NAME_LIKENESS:
            return by_code
        best = by_name[0] if by_name else None
        named = Match(best.code, best.name, "fuzzy", best.score) if best else None
        return _conflict(by_code, named)

    def _province_row(self, text: str, code: object) -> Outcome:
        found = written(code)
        by_name = self.index.province(text) if text else None
        read: tuple[str, ...] = ()
        if found is not None and found.level == "province" and self.choice.scheme:
            read = self.book.read(found, self.choice.scheme)
        if len(read) > 1:
            return Unresolved([Suggestion(c, self.index.province_names[c], 0.0) for c in read],
                              "province_split", {"provinces": ", ".join(
                                  self.index.province_names[c] for c in read)})
        by_code = read[0] if read else None
        chosen = by_code or by_name
        if chosen is None or chosen not in self.index.province_names:
            return Unresolved([], "province_unknown")
        if by_code and by_name and by_code != by_name:
            return _conflict(Match(by_code, self.index.province_names[by_code], "code"),
                             Match(by_name, self.index.province_names[by_name], "name"))
        return Match(chosen, self.index.province_names[chosen], "code" if by_code else "name")


def _suggestions(result: Match | list[Suggestion]) -> list[Suggestion]:
    if isinstance(result, Match):
        return [Suggestion(result.code, result.name, result.score)]
    return result


def _outcome(result: Match | list[Suggestion]) -> Outcome:
    return result if isinstance(result, Match) else Unresolved(result)


def _conflict(by_code: Match, by_name: Match | None) -> Unresolved:
    suggestions = [Suggestion(by_code.code, by_code.name, 0.0)]
    if by_name is not None:
        suggestions.append(Suggestion(by_name.code, by_name.name, by_name.score))
    return Unresolved(suggestions, "code_name_conflict", {
        "code_says": f"{by_code.code} {by_code.name}",
        "name_says": "—" if by_name is None else f"{by_name.code} {by_name.name}"})


def matcher(regions: pd.DataFrame, crosswalk: pd.DataFrame | None, aliases: dict[str, str],
            rows: Sequence[tuple[str, object]], scheme: str | None = None) -> RowMatcher:
    """A matcher for one file, its scheme and level read from all its rows.

    Parameters
    ----------
    regions, crosswalk : pandas.DataFrame
        The reference and the code crosswalk (``None``: today's codes only).
    aliases : dict
        Remembered aliases (:attr:`utils.ingest.matching.NameKey.alias` → code).
    rows : sequence of (str, object)
        Each data row's name text and code cell.
    scheme : str, optional
        The scheme the user chose; read from the rows when absent.
    """
    index = RegionIndex(regions, aliases, former_names(crosswalk))
    book = CodeBook.build(regions, crosswalk)
    rows = [(t, c) for t, c in rows if not is_below_regency(t, c)]
    level = _level(index, rows)
    province = _province_hint(index, rows) if level == "regency" else None
    choice = schemes.Choice(scheme, "given") if scheme else _choose(index, book, rows, province,
                                                                    level)
    return RowMatcher(index, book, choice, province, level)


def _level(index: RegionIndex, rows: Sequence[tuple[str, object]]) -> str:
    kinds: Counter[str] = Counter()
    for text, code in rows:
        found = written(code)
        if is_nation(text) or (text and is_total(text) and index.province(text) is None):
            continue
        if (found is not None and found.level == "province") or index.province(text):
            kinds["province"] += 1
        elif (found is not None and found.level == "regency") or text:
            kinds["regency"] += 1
    total = sum(kinds.values())
    many = kinds["province"] >= 3 and kinds["province"] >= PROVINCE_TABLE_SHARE * total
    return "province" if many else "regency"


def _named(index: RegionIndex, text: str, province: str | None) -> str | None:
    result = index.match(text, province) if text else None
    return result.code if isinstance(result, Match) and result.by != "fuzzy" else None


def _province_hint(index: RegionIndex, rows: Sequence[tuple[str, object]]) -> str | None:
    seen: Counter[str] = Counter()
    for text, _ in rows:
        code = _named(index, text, None)
        if code:
            seen[index.province_of[code]] += 1
    if not seen:
        return None
    province, count = seen.most_common(1)[0]
    return province if count >= 0.6 * sum(seen.values()) else None


def _choose(index: RegionIndex, book: CodeBook, rows: Sequence[tuple[str, object]],
            province: str | None, level: str) -> schemes.Choice:
    pairs: list[tuple[Written, str | None]] = []
    for text, code in rows:
        found = written(code)
        if found is None or found.level != ("province" if level == "province" else "regency"):
            continue
        named = index.province(text) if level == "province" else _named(index, text, province)
        pairs.append((found, named))
    return schemes.detect(book, pairs)
