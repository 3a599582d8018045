"""Match region names and codes as offices write them to the Kemendagri reference.

``KAB. KUTAI KERTANEGARA``, ``Kutai Kartanegara`` and ``kabupaten kutai
kartanegara`` are one region; ``Kabupaten Bogor`` and ``Kota Bogor`` are two.
A name written with its kind (Kabupaten/Kota) only ever matches a region of
that kind. Below :data:`FUZZY_THRESHOLD` nothing is guessed: the caller gets
ranked suggestions instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from utils.ingest.code_schemes import written
from utils.ingest.columns import ascii_words
from utils.metrics import regions as regions_ref

KINDS = {
    "kabupaten": "Kabupaten", "kab": "Kabupaten", "kabupatan": "Kabupaten",
    "kota": "Kota", "kodya": "Kota", "kotamadya": "Kota", "kotamadia": "Kota", "kot": "Kota",
}
ADMINISTRATIVE = {"administrasi", "adm", "administratif"}
PROVINCE_WORDS = {"provinsi", "prov", "propinsi"}
WORD_VARIANTS = {
    "kertanegara": "kartanegara", "kartanagara": "kartanegara", "kep": "kepulauan",
    "kepl": "kepulauan", "kepulauaan": "kepulauan", "sel": "selatan", "utr": "utara",
    "tim": "timur", "bar": "barat", "teng": "tengah", "tgh": "tengah", "pd": "padang",
}
"""Abbreviations and common spelling variants (applied word by word)."""
SPELLING = (("dj", "j"), ("tj", "c"), ("oe", "u"), ("sj", "sy"), ("ch", "kh"))
"""Old (pre-1972) spelling → current, applied to both sides."""
TOTAL_WORDS = ("jumlah", "total", "subtotal", "sub total", "grand total", "jml", "rekapitulasi")
FUZZY_THRESHOLD = 90.0
"""Lowest fuzzy score (0–100) matched without asking."""
FUZZY_MARGIN = 4.0
"""A fuzzy match must beat the runner-up by this much."""
SUGGESTIONS = 5


@dataclass(frozen=True)
class Match:
    """A row matched to a region; ``by``: ``code``, ``name``, ``alias``, ``former``, ``fuzzy``."""

    code: str
    name: str
    by: str
    score: float = 100.0


@dataclass(frozen=True)
class Suggestion:
    """A candidate region for a row that was not matched."""

    code: str
    name: str
    score: float


@dataclass(frozen=True)
class NameKey:
    """A name reduced for comparison: its kind (if written) and its core words."""

    kind: str | None
    core: str

    @property
    def compact(self) -> str:
        """Core without spaces (``Tanjung Pinang`` = ``Tanjungpinang``)."""
        return self.core.replace(" ", "")

    @property
    def alias(self) -> str:
        """Key under which a confirmed alias is remembered."""
        return f"{self.kind or ''}|{self.compact}"


def words(text: object) -> list[str]:
    """Lower-case ASCII words of ``text``; punctuation and accents dropped."""
    return re.findall(r"[a-z0-9]+", ascii_words("" if text is None else str(text)).lower())


def respell(word: str) -> str:
    """One word in today's spelling, abbreviations written out (``kep`` → ``kepulauan``,
    ``tjilatjap`` → ``cilacap``)."""
    word = WORD_VARIANTS.get(word, word)
    for old, new in SPELLING:
        word = word.replace(old, new)
    return word


_respell = respell


def name_key(text: object) -> NameKey:
    """Reduce a region name to its kind and core words.

    Examples
    --------
    >>> name_key("KAB. KUTAI KERTANEGARA")
    NameKey(kind='Kabupaten', core='kutai kartanegara')
    >>> name_key("Kota Administrasi Jakarta Pusat")
    NameKey(kind='Kota', core='jakarta pusat')
    """
    parts = words(text)
    kind = None
    if parts and parts[0] in KINDS:
        kind = KINDS[parts.pop(0)]
    while parts and parts[0] in ADMINISTRATIVE:
        parts.pop(0)
    return NameKey(kind, " ".join(_respell(w) for w in parts))


def read_code(value: object) -> str | None:
    """A cell read as a region code (``6474``, ``64.74``, ``6474.0``), or ``None``.

    Examples
    --------
    >>> read_code("6474"), read_code(6474), read_code(64.7), read_code("abc")
    ('64.74', '64.74', '64.70', None)
    """
    found = written(value)
    return None if found is None or found.level == "below" else found.kemendagri


def is_total(text: object) -> bool:
    """True for a total row label: ``JUMLAH``, ``TOTAL``, ``Total Provinsi`` …"""
    joined = " ".join(words(text))
    return any(joined == w or joined.startswith(w + " ") for w in TOTAL_WORDS)


class RegionIndex:
    """Lookup of regencies/cities by code, name, remembered alias or fuzzy name.

    Parameters
    ----------
    regions : pandas.DataFrame
        The reference table (:func:`utils.metrics.regions.read_regions`).
    aliases : dict, optional
        Remembered aliases: :attr:`NameKey.alias` → regency code.
    former : iterable of (str, str), optional
        Former names of today's regencies (``Kabupaten Toba Samosir``,
        ``12.12``), from the crosswalk; matched as ``former`` after today's
        names and before any fuzzy guess.
    """

    def __init__(self, regions: pd.DataFrame, aliases: dict[str, str] | None = None,
                 former: Iterable[tuple[str, str]] = ()) -> None:
        regs = regions_ref.regency_rows(regions)
        self.names = regions_ref.names(regs)
        self.province_of = dict(zip(regs["code"], regs["province_code"], strict=True))
        self.province_names = regions_ref.names(regions_ref.province_rows(regions))
        self.kinds = dict(zip(regs["code"], regs["kind"], strict=True))
        self.keys = {c: name_key(n) for c, n in self.names.items()}
        self.by_core: dict[str, list[str]] = {}
        for code, key in self.keys.items():
            self.by_core.setdefault(key.compact, []).append(code)
        self.province_keys = {" ".join(_respell(w) for w in words(n)).replace(" ", ""): c
                              for c, n in self.province_names.items()}
        self.aliases = {k: v for k, v in (aliases or {}).items() if v in self.names}
        self._answers: dict[tuple[NameKey, str | None], Match | list[Suggestion]] = {}
        self.former: dict[str, set[str]] = {}
        for text, code in former:
            compact = name_key(text).compact
            if code in self.names and compact and compact not in self.by_core:
                self.former.setdefault(compact, set()).add(code)

    def province(self, text: object) -> str | None:
        """Province code when ``text`` names a province (``Provinsi Kalimantan Timur``)."""
        parts = [w for w in words(text) if w not in PROVINCE_WORDS]
        if is_total(text):
            parts = [w for w in parts if w not in {"jumlah", "total", "sub", "subtotal", "jml"}]
        return self.province_keys.get("".join(_respell(w) for w in parts))

    def by_code(self, value: object) -> Match | None:
        """Match a code cell; ``None`` when it is not a known regency code."""
        code = read_code(value)
        if code is not None and code in self.names:
            return Match(code, self.names[code], "code")
        return None

    def _candidates(self, key: NameKey) -> list[str]:
        codes = self.by_core.get(key.compact, [])
        return [c for c in codes if key.kind is None or self.kinds[c] == key.kind]

    def exact(self, text: object) -> list[str]:
        """Regencies whose name (today's) is ``text`` exactly, kind respected; no guess.

        Examples
        --------
        ``"KAB. SRAGEN"`` → ``["33.14"]``; ``"Kota Bangun"`` (a kecamatan) → ``[]``.
        """
        return self._candidates(name_key(text))

    def match(self, text: object, province: str | None = None) -> Match | list[Suggestion]:
        """Match a written name; a :class:`Match`, or ranked suggestions when unsure.

        Parameters
        ----------
        text : object
            The name as written in the file.
        province : str, optional
            Province the file is about; breaks ties between same-named regions.

        Answers are remembered per (name, province): a file's rows are looked
        up more than once (province hint, code scheme, the row itself), and a
        fuzzy search costs far more than the lookup.
        """
        memo = (name_key(text), province)
        if memo not in self._answers:
            self._answers[memo] = self._match(*memo)
        found = self._answers[memo]
        return found if isinstance(found, Match) else list(found)

    def _match(self, key: NameKey, province: str | None) -> Match | list[Suggestion]:
        if not key.core:
            return []
        codes = self._candidates(key)
        if len(codes) > 1 and province:
            codes = [c for c in codes if self.province_of[c] == province] or codes
        if len(codes) == 1:
            return Match(codes[0], self.names[codes[0]], "name")
        alias = self.aliases.get(key.alias)
        if alias:
            return Match(alias, self.names[alias], "alias")
        if codes:
            return [Suggestion(c, self.names[c], 100.0) for c in codes]
        former = self._former(key, province)
        if len(former) == 1:
            return Match(former[0], self.names[former[0]], "former")
        if former:
            return [Suggestion(c, self.names[c], 100.0) for c in former]
        return self._fuzzy(key, province)

    def _former(self, key: NameKey, province: str | None) -> list[str]:
        """Today's regencies once called ``key`` (``Toba Samosir`` → ``12.12``)."""
        found = self.former.get(key.compact, set())
        codes = sorted(c for c in found if key.kind is None or self.kinds[c] == key.kind)
        if len(codes) > 1 and province:
            codes = [c for c in codes if self.province_of[c] == province] or codes
        return codes

    def _fuzzy(self, key: NameKey, province: str | None) -> Match | list[Suggestion]:
        pool = {c: k.compact for c, k in self.keys.items()
                if key.kind is None or self.kinds[c] == key.kind}
        ranked = process.extract(key.compact, pool, scorer=fuzz.ratio, limit=SUGGESTIONS + 3)
        if province:
            ranked.sort(key=lambda r: (-(r[1] + (5 if self.province_of[r[2]] == province else 0))))
        suggestions = [Suggestion(c, self.names[c], round(s, 1)) for _, s, c in ranked]
        if suggestions and self._confident(suggestions, province):
            best = suggestions[0]
            return Match(best.code, best.name, "fuzzy", best.score)
        return suggestions[:SUGGESTIONS]

    def _confident(self, ranked: list[Suggestion], province: str | None) -> bool:
        best = ranked[0]
        if best.score < FUZZY_THRESHOLD:
            return False
        if province and self.province_of[best.code] != province:
            return False
        others = [s.score for s in ranked[1:] if s.code != best.code]
        return not others or best.score - max(others) >= FUZZY_MARGIN
