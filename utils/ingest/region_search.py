"""Find a region as people write it: the importer's own matching, for a search box.

What the importer accepts in a file the search accepts too (``KAB. KUTAI
KERTANEGARA``, ``Kutai Kertanegara``, a former name such as ``Toba Samosir``,
a code ``64.74`` or ``6474``): one :class:`~utils.ingest.matching.RegionIndex`
decides both. Only what the importer would match without asking opens a region
(``sure``); anything else is a list to choose from, never a guess.

Kecamatan (:class:`KecamatanIndex`) are found by code (``64.02.05``) and by
name. Their names repeat across regencies, so a name alone is offered once per
regency (``Kecamatan Kota Bangun, Kabupaten Kutai Kartanegara``) and opens only
with its regency written beside it, as the importer matches a kecamatan name
only within a regency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process

from utils.ingest.matching import Match, RegionIndex, Suggestion, name_key, read_code, words
from utils.ingest.matching import _respell as respell

SUGGEST_MIN = 70.0
"""Lowest fuzzy score (0–100) offered as a suggestion; below it nothing is offered."""
MIN_PART = 3
"""Shortest typed name (letters, spaces left out) looked up as part of a name."""
LISTED = 8
"""Most regions listed for one search (besides every kecamatan of the name typed)."""


KECAMATAN_WORDS = frozenset({"kecamatan", "kec", "kecamatn", "distrik", "distric"})
"""Words that say a name is a kecamatan (or a distrik, as Papua calls it)."""
SEPARATOR = ","
"""Between a kecamatan and its regency: ``Kota Bangun, Kutai Kartanegara``."""


def kecamatan_key(text: object) -> tuple[bool, str]:
    """A kecamatan name reduced for comparison: whether its kind was written, and
    its words respelled as the importer respells them, without spaces.

    ``Kota`` is part of many kecamatan names (``Kota Bangun``), so unlike a
    regency's it is never read as a kind here.

    Examples
    --------
    >>> kecamatan_key("Kec. Kota Bangun"), kecamatan_key("SANGA-SANGA")
    ((True, 'kotabangun'), (False, 'sangasanga'))
    """
    parts = words(text)
    kind = bool(parts) and parts[0] in KECAMATAN_WORDS
    return kind, "".join(respell(w) for w in parts[int(kind):])


def kecamatan_code(text: object) -> str | None:
    """``64.02.05`` for a kecamatan code written ``64.02.05`` or ``640205``, else ``None``.

    Examples
    --------
    >>> kecamatan_code(" 640205 "), kecamatan_code("64.02.05"), kecamatan_code("64.02")
    ('64.02.05', '64.02.05', None)
    """
    typed = "" if text is None else str(text).strip()
    if re.fullmatch(r"\d{2}\.\d{2}\.\d{2}", typed):
        return typed
    if re.fullmatch(r"\d{6}", typed):
        return f"{typed[:2]}.{typed[2:4]}.{typed[4:]}"
    return None


class KecamatanIndex:
    """Lookup of the kecamatan by code and by name, built once for a search box.

    Names repeat across regencies (there are six ``Karanganyar``), so a name
    alone gives one entry per regency; only a name with its regency, or a
    code, names one kecamatan.

    Parameters
    ----------
    kecamatan : pandas.DataFrame
        The kecamatan reference (:func:`utils.metrics.regions.read_kecamatan`).
    """

    def __init__(self, kecamatan: pd.DataFrame) -> None:
        ordered = kecamatan.sort_values(["name", "regency_name", "code"])
        codes = [str(c) for c in ordered["code"]]
        self.codes = frozenset(codes)
        self.regency_of = dict(zip(codes, ordered["regency_code"], strict=True))
        self.keys = {c: kecamatan_key(n)[1] for c, n in zip(codes, ordered["name"], strict=True)}
        self.order = {c: i for i, c in enumerate(codes)}
        self.by_key: dict[str, list[str]] = {}
        for code, key in self.keys.items():
            self.by_key.setdefault(key, []).append(code)

    def named(self, key: str, regency: str | None = None) -> list[str]:
        """Kecamatan whose name reduces to ``key`` (of ``regency`` only when given),
        by name then regency."""
        return [c for c in self.by_key.get(key, [])
                if regency is None or self.regency_of[c] == regency]

    def containing(self, key: str) -> list[str]:
        """Kecamatan whose reduced name contains ``key`` but is not it: names
        starting with it first, then by name and regency."""
        if len(key) < MIN_PART:
            return []
        found = [c for c, k in self.keys.items() if key in k and k != key]
        return sorted(found, key=lambda c: (not self.keys[c].startswith(key), self.order[c]))

    def similar(self, key: str) -> list[str]:
        """Kecamatan whose reduced name is like ``key`` (score at least
        :data:`SUGGEST_MIN`), best first, at most :data:`LISTED`."""
        if len(key) < MIN_PART:
            return []
        ranked = process.extract(key, self.keys, scorer=fuzz.ratio, limit=LISTED,
                                 score_cutoff=SUGGEST_MIN)
        return [str(code) for _, _, code in ranked]


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
        ``part`` (the text is part of names), ``kecamatan`` (kecamatan of that
        name, one per regency, or the one named with its regency) or
        ``suggestion``; ``""`` for nothing. When ``sure``, the codes after the
        first are kecamatan of the same name, offered besides.
    """

    codes: list[str] = field(default_factory=list)
    sure: bool = False
    by: str = ""


def find(text: object, index: RegionIndex, kecamatan: KecamatanIndex | None = None) -> Found:
    """Regions that ``text`` names, as the importer reads names and codes.

    Parameters
    ----------
    text : object
        What the user typed.
    index : RegionIndex
        Today's regencies with their former names (from the crosswalk).
    kecamatan : KecamatanIndex, optional
        The kecamatan, searched too when given.

    Examples
    --------
    A code, a province or a regency the importer would match opens it; part of a
    name lists the regions containing it; anything else suggests, never guesses.
    A kecamatan opens by its code or by its name with its regency
    (``Kota Bangun, Kutai Kartanegara``); its name alone lists it once per regency.
    """
    typed = "" if text is None else str(text).strip()
    if not name_key(typed).core:
        return Found()
    if kecamatan is not None:
        code = kecamatan_code(typed)
        if code is not None:
            return Found([code], True, "code") if code in kecamatan.codes else Found()
        named = _with_regency(typed, index, kecamatan)
        if named:  # "Batang Batang" is also a kecamatan of that whole name: never sure then
            whole = [] if SEPARATOR in typed else kecamatan.named(kecamatan_key(typed)[1])
            codes = named + [c for c in whole if c not in named]
            return Found(codes, len(codes) == 1, "kecamatan")
        if kecamatan_key(typed)[0]:  # "Kecamatan …": a kecamatan, never a regency
            return _kecamatan_only(kecamatan_key(typed)[1], kecamatan)
    found = _regions(typed, index)
    return found if kecamatan is None else _with_kecamatan(found, typed, kecamatan)


def _regions(typed: str, index: RegionIndex) -> Found:
    """:func:`find` among provinces and regencies."""
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


def _with_regency(typed: str, index: RegionIndex, kecamatan: KecamatanIndex) -> list[str]:
    """Kecamatan named with their regency: ``Kota Bangun, Kutai Kartanegara`` (a
    regency the importer matches, fuzzily too, after a comma) or ``Kecamatan Kota
    Bangun Kabupaten Kutai Kartanegara`` (the words after the name matched as a
    regency, never fuzzily); every reading found, each kecamatan once."""
    pieces = typed.split(SEPARATOR)
    if len(pieces) > 1:
        splits = [(pieces[0], pieces[1], True)]
    else:
        parts = words(typed)
        splits = [(" ".join(parts[:i]), " ".join(parts[i:]), False) for i in range(1, len(parts))]
    found: list[str] = []
    for head, tail, fuzzy in splits:
        key = kecamatan_key(head)[1]
        if not key or key not in kecamatan.by_key:
            continue
        regency = index.match(tail)
        if isinstance(regency, Match) and (fuzzy or regency.by != "fuzzy"):
            found += [c for c in kecamatan.named(key, regency.code) if c not in found]
    return found


def _kecamatan_only(key: str, kecamatan: KecamatanIndex) -> Found:
    """A name written as a kecamatan's: every kecamatan of that name, then those
    whose name contains it, else similar names; never sure without its regency."""
    named = kecamatan.named(key)
    codes = named + kecamatan.containing(key)[:max(LISTED - len(named), 0)]
    if codes:
        return Found(codes, False, "kecamatan" if named else "part")
    similar = kecamatan.similar(key)
    return Found(similar, False, "suggestion" if similar else "")


def _with_kecamatan(found: Found, typed: str, kecamatan: KecamatanIndex) -> Found:
    """The regions found, with the kecamatan of that name: offered besides a sure
    regency, listed after regions whose name contains it and before a fuzzy guess
    (an exact name beats a guess); when no region's name contains it, kecamatan
    whose name does, else (no kind of regency written) kecamatan of a similar name."""
    key = kecamatan_key(typed)[1]
    named = kecamatan.named(key)
    if found.sure and not (named and found.by == "fuzzy"):
        return Found([*found.codes, *named], True, found.by)
    if found.by == "part":
        return Found(found.codes + named, False, "kecamatan" if named else "part")
    containing = kecamatan.containing(key)
    later = containing + [c for c in found.codes if c not in named]
    codes = named + later[:max(LISTED - len(named), 0)]
    if not codes and name_key(typed).kind is None:
        codes = kecamatan.similar(key)
    by = ("kecamatan" if named else "part" if containing
          else "suggestion" if codes else "")
    return Found(codes, False, by)
