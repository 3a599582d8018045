"""Find a region as people write it: the importer's own matching, for a search box.

What the importer accepts in a file the search accepts too (``KAB. KUTAI
KERTANEGARA``, ``Kutai Kertanegara``, a former name such as ``Toba Samosir``,
a code ``64.74`` or ``6474``): one :class:`~utils.ingest.matching.RegionIndex`
decides both. Only what the importer would match without asking opens a region
(``sure``); anything else is a list to choose from, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from utils.ingest.matching import RegionIndex, Suggestion, name_key, read_code

SUGGEST_MIN = 70.0
"""Lowest fuzzy score (0–100) offered as a suggestion; below it nothing is offered."""
MIN_PART = 3
"""Shortest typed name (letters, spaces left out) looked up as part of a name."""
LISTED = 8
"""Most regions listed for one search."""


@dataclass(frozen=True)
class Found:
    """What a search found.

    Attributes
    ----------
    codes : list of str
        Region codes, best first (empty: nothing found).
    sure : bool
        True when the importer would match the text to ``codes[0]`` without asking.
    by : str
        How: ``code``, ``province``, ``name``, ``alias``, ``former``, ``fuzzy``,
        ``part`` (the text is part of names) or ``suggestion``; ``""`` for nothing.
    """

    codes: list[str] = field(default_factory=list)
    sure: bool = False
    by: str = ""


def find(text: object, index: RegionIndex) -> Found:
    """Regions that ``text`` names, as the importer reads names and codes.

    Parameters
    ----------
    text : object
        What the user typed.
    index : RegionIndex
        Today's regencies with their former names (from the crosswalk).

    Examples
    --------
    A code, a province or a regency the importer would match opens it; part of a
    name lists the regions containing it; anything else suggests, never guesses.
    """
    typed = "" if text is None else str(text).strip()
    if not name_key(typed).core:
        return Found()
    code = read_code(typed)
    if code is not None and (code in index.names or code in index.province_names):
        return Found([code], True, "code")
    province = index.province(typed)
    if province is not None:
        return Found([province], True, "province")
    found = index.match(typed)
    if not isinstance(found, list):
        provinces = _provinces_named(typed, index)  # "Yogyakarta": the city or the province
        if provinces:
            return Found([*provinces, found.code], False, "part")
        return Found([found.code], True, found.by)
    part = _part_of_names(typed, index)
    if part:
        return Found(part, False, "part")
    return Found(_offered(found), False, "suggestion" if found else "")


def _part_of_names(typed: str, index: RegionIndex) -> list[str]:
    """Provinces, then regencies, whose name (as the importer reduces it) contains
    what was typed; a name written with its kind keeps to that kind."""
    key = name_key(typed)
    if len(key.compact) < MIN_PART:
        return []
    provinces = _provinces_named(typed, index)
    regencies = [c for c, k in index.keys.items() if key.compact in k.compact
                 and (key.kind is None or index.kinds[c] == key.kind)]
    return (sorted(provinces) + sorted(regencies, key=index.names.__getitem__))[:LISTED]


def _provinces_named(typed: str, index: RegionIndex) -> list[str]:
    """Provinces whose name contains ``typed`` (none when a kind is written)."""
    key = name_key(typed)
    if key.kind is not None or len(key.compact) < MIN_PART:
        return []
    return sorted(c for c, n in index.province_names.items() if key.compact in name_key(n).compact)


def _offered(suggestions: list[Suggestion]) -> list[str]:
    """The importer's suggestions worth offering, best first, each once."""
    codes: list[str] = []
    for s in suggestions:
        if s.score >= SUGGEST_MIN and s.code not in codes:
            codes.append(s.code)
    return codes[:LISTED]
