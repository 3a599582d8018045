"""Region-code schemes: which list a file's codes come from, and what they mean today.

Offices write regency codes in several schemes. Kemendagri codes
(``64.02`` = Kabupaten Kutai Kartanegara) are the reference; written without
dots (``6402``) they look exactly like BPS codes, and for BPS ``6402`` is
Kutai Barat. Older Kemendagri lists (2020, 2022) differ in Papua, split in
2022. A file's scheme is read from how its codes agree with its names
(:func:`detect`); each code is then translated to today's codes through the
crosswalk built at set-up (``crosswalk.csv``, :mod:`utils.geo.crosswalk`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from utils.metrics.regions import normalise_code

KEMENDAGRI = "kemendagri"
BPS = "bps"
VINTAGES = ("kemendagri_2022", "kemendagri_2020")
SCHEMES = (KEMENDAGRI, *VINTAGES, BPS)
"""Schemes in order of preference when the evidence ties."""
BELOW_REGENCY = re.compile(r"^\d{2}\.?\d{2}\.?\d{2}(\.?\d{4})?$")


@dataclass(frozen=True)
class Written:
    """A code cell as written: its digits, whether it had dots, and its level."""

    digits: str
    dotted: bool

    @property
    def level(self) -> str:
        """``province`` (2 digits), ``regency`` (4) or ``below`` (6 or 10)."""
        return {2: "province", 4: "regency"}.get(len(self.digits), "below")

    @property
    def kemendagri(self) -> str:
        """The digits in Kemendagri form (``64.02``)."""
        if self.level == "below":
            return ".".join(p for p in (self.digits[:2], self.digits[2:4], self.digits[4:6],
                                        self.digits[6:]) if p)
        return normalise_code(self.digits)


def written(value: object) -> Written | None:
    """Read a cell as a region code of any level, or ``None``.

    Examples
    --------
    >>> written("64.02"), written(6402.0), written("64.02.01")
    (Written(digits='6402', dotted=True), Written(digits='6402', dotted=False), \
Written(digits='640201', dotted=True))
    >>> written("abc") is None, written(True) is None
    (True, True)
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer() and value >= 10:
        value = int(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{2}\.\d{1,2}", text):  # 64.1 is a spreadsheet's 64.10, as for Kemendagri
        return Written(normalise_code(text).replace(".", ""), True)
    if re.fullmatch(r"\d{2}(\d{2})?", text):
        return Written(text, False)
    if BELOW_REGENCY.fullmatch(text):
        return Written(text.replace(".", ""), "." in text)
    return None


@dataclass(frozen=True)
class CodeBook:
    """Today's codes and, per scheme, what each code of that scheme means today.

    Build it with :meth:`build`; ``tables[scheme][code]`` is a tuple of
    today's codes (empty when the code maps to nothing, two or more for a
    province that has since split or an ambiguous code).
    """

    current: frozenset[str]
    tables: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    notes: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def build(cls, regions: pd.DataFrame, crosswalk: pd.DataFrame | None) -> CodeBook:
        """Code book from the region reference and the crosswalk (``None``: today's only)."""
        tables: dict[str, dict[str, tuple[str, ...]]] = {}
        notes: dict[str, dict[str, str]] = {}
        for row in ([] if crosswalk is None else crosswalk.to_dict("records")):
            scheme, code = str(row["scheme"]), str(row["code"])
            if scheme not in SCHEMES or not code:
                continue
            targets = tuple(str(row["current"]).split())
            tables.setdefault(scheme, {})[code] = () if row["how"] == "ambiguous" else targets
            notes.setdefault(scheme, {})[code] = str(row["how"])
        return cls(frozenset(str(c) for c in regions["code"]), tables, notes)

    def has(self, scheme: str) -> bool:
        """Whether the crosswalk knows ``scheme`` (today's Kemendagri always)."""
        return scheme == KEMENDAGRI or scheme in self.tables

    def read(self, code: Written, scheme: str) -> tuple[str, ...]:
        """Today's codes that ``code`` names under ``scheme`` (empty: none).

        BPS codes are never written with dots, so a dotted code is never BPS.
        """
        if code.level == "below":
            return ()
        if scheme == KEMENDAGRI:
            found = code.kemendagri
            return (found,) if found in self.current else ()
        if scheme == BPS:
            return () if code.dotted else self.tables.get(BPS, {}).get(code.digits, ())
        return self.tables.get(scheme, {}).get(code.kemendagri, ())


@dataclass(frozen=True)
class Evidence:
    """How well each scheme's reading of the codes agrees with the names."""

    agree: dict[str, int]
    disagree: dict[str, int]
    unknown: dict[str, int]
    rows: int

    def score(self, scheme: str) -> int:
        """Rows that agree minus rows that disagree, under ``scheme``."""
        return self.agree.get(scheme, 0) - self.disagree.get(scheme, 0)


def weigh(book: CodeBook, pairs: Iterable[tuple[Written, str | None]]) -> Evidence:
    """Count agreements between codes and the regions their names name.

    Parameters
    ----------
    book : CodeBook
        The code book.
    pairs : iterable of (Written, str or None)
        Each row's code and the code of the region its name names without
        doubt (``None`` when the name alone is not enough).
    """
    agree: dict[str, int] = {}
    disagree: dict[str, int] = {}
    unknown: dict[str, int] = {}
    rows = 0
    for code, named in pairs:
        rows += 1
        for scheme in SCHEMES:
            read = book.read(code, scheme) if book.has(scheme) else ()
            tally = unknown if not read else agree if named in read else (
                disagree if named else None)
            if tally is not None:
                tally[scheme] = tally.get(scheme, 0) + 1
    return Evidence(agree, disagree, unknown, rows)


@dataclass(frozen=True)
class Choice:
    """The scheme chosen for a file and why: ``names``, ``codes``, ``given`` or ``ask``."""

    scheme: str | None
    reason: str
    evidence: Evidence | None = None


def detect(book: CodeBook, named: Sequence[tuple[Written, str | None]]) -> Choice:
    """Choose the scheme of a file's codes.

    With names: the scheme under which most codes agree with their names wins
    (ties go to today's Kemendagri codes, then the vintages, then BPS).
    Without a name that settles it: dotted codes are Kemendagri, and so are
    undotted codes that mean the same regions in both lists; otherwise the
    user is asked (``scheme`` ``None``, reason ``ask``): which codes happen to
    exist in which list is no proof of the scheme.
    """
    if not named:
        return Choice(KEMENDAGRI, "codes")
    evidence = weigh(book, named)
    decided = [(evidence.score(s), -i, s) for i, s in enumerate(SCHEMES) if book.has(s)
               and evidence.agree.get(s, 0) > 0]
    if decided:
        best = max(decided)
        return Choice(best[2], "names", evidence)
    codes = [code for code, _ in named]
    if all(c.dotted for c in codes) or all(c.level == "province" for c in codes):
        return Choice(KEMENDAGRI, "codes", evidence)
    if not book.has(BPS) or all(book.read(c, KEMENDAGRI) == book.read(c, BPS) for c in codes):
        return Choice(KEMENDAGRI, "codes", evidence)
    return Choice(None, "ask", evidence)
