"""Kecamatan (district) codes and names as offices write them, matched within a regency.

``Kec. Kota Bangun``, ``KECAMATAN KOTA BANGUN`` and ``kotabangun`` are one
kecamatan of Kabupaten Kutai Kartanegara (``64.02.08``). Kecamatan names repeat
across regencies (``Sragen`` is also a kecamatan of Kabupaten Sragen, and
hundreds of names occur in two or more regencies), so a name is only ever
matched among the kecamatan of one regency (:meth:`KecamatanIndex.match`); a
name never matches a kecamatan of another regency.

Codes: Kemendagri kecamatan codes are read as ``33.14.01``, ``331401`` or
``33.14.1``; a BPS kecamatan code (seven digits, ``3314010``) is recognised
but has no crosswalk to Kemendagri codes, so it is never read as one
(:func:`read_code`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from utils.ingest.code_schemes import written
from utils.ingest.matching import (
    FUZZY_MARGIN,
    FUZZY_THRESHOLD,
    KINDS,
    SUGGESTIONS,
    Match,
    NameKey,
    RegionIndex,
    Suggestion,
    respell,
    words,
)
from utils.metrics import regions as region_ref

PREFIXES = frozenset({"kecamatan", "kec", "kecamatam", "distrik", "district", "kcm"})
"""First words naming a kecamatan (dropped before names are compared)."""
VILLAGE_WORDS = frozenset({"desa", "ds", "kelurahan", "kel", "gampong", "nagari", "kampung",
                           "village"})
"""First words naming a village: below the kecamatan, never matched to one."""
KEMENDAGRI, BPS, VILLAGE = "kemendagri", "bps", "village"
NAME_LIKENESS = 75.0
"""A written name this similar (0–100) to the code's kecamatan does not contradict the code."""


@dataclass(frozen=True)
class KecamatanCode:
    """A code cell read at kecamatan level: ``kind`` is :data:`KEMENDAGRI`
    (``text`` ``33.14.01``), :data:`BPS` (``3314010``, no crosswalk) or
    :data:`VILLAGE` (``33.14.01.2001``, below the kecamatan)."""

    kind: str
    text: str

    @property
    def regency(self) -> str | None:
        """The Kemendagri regency of a Kemendagri kecamatan or village code (``33.14``)."""
        return self.text[:5] if self.kind != BPS else None


def read_code(value: object) -> KecamatanCode | None:
    """A cell read as a kecamatan-level code, or ``None`` (a regency code, a name …).

    Examples
    --------
    >>> read_code("33.14.01"), read_code(331401), read_code("33.14.1")
    (KecamatanCode(kind='kemendagri', text='33.14.01'), \
KecamatanCode(kind='kemendagri', text='33.14.01'), \
KecamatanCode(kind='kemendagri', text='33.14.01'))
    >>> read_code("3314010"), read_code("33.14.01.2001").kind, read_code("33.14")
    (KecamatanCode(kind='bps', text='3314010'), 'village', None)
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{7}|\d{2}\.\d{2}\.\d{3}", text):
        return KecamatanCode(BPS, text.replace(".", ""))
    short = re.fullmatch(r"(\d{2})\.(\d{2})\.(\d)", text)
    if short:
        return KecamatanCode(KEMENDAGRI, f"{short[1]}.{short[2]}.0{short[3]}")
    found = written(text)
    if found is None or found.level != "below":
        return None
    return KecamatanCode(KEMENDAGRI if len(found.digits) == 6 else VILLAGE, found.kemendagri)


def first_word(text: object) -> str:
    """The first word of a written name, lower case (``""`` for none)."""
    parts = words(text)
    return parts[0] if parts else ""


def is_kecamatan_name(text: object) -> bool:
    """True when the name says it is a kecamatan (``Kec. Loa Kulu``, ``Distrik Abepura``)."""
    return first_word(text) in PREFIXES


def is_village_name(text: object) -> bool:
    """True when the name says it is a village (``Desa Loa Ipuh``, ``Kel. Tanjung Laut``)."""
    return first_word(text) in VILLAGE_WORDS


def key(text: object) -> str:
    """A kecamatan name reduced for comparison: prefix dropped, today's spelling, no spaces.

    Examples
    --------
    >>> key("KEC. KOTA BANGUN"), key("Kecamatan  Kotabangun"), key("Tenggarong Sbrg")
    ('kotabangun', 'kotabangun', 'tenggarongsbrg')
    """
    parts = words(text)
    while parts and parts[0] in PREFIXES:
        parts.pop(0)
    return "".join(respell(w) for w in parts)


def alias_key(regency: str, text: object) -> str:
    """Key under which a name the user matched to a kecamatan is remembered.

    It holds the regency (``33.14|kalijambe``): the same name in another
    regency is another kecamatan.
    """
    return f"{regency}|{key(text)}"


class KecamatanIndex:
    """The kecamatan reference, looked up by code and, within one regency, by name.

    Parameters
    ----------
    kecamatan : pandas.DataFrame
        :func:`utils.metrics.regions.read_kecamatan`.
    aliases : dict, optional
        Remembered names (:func:`alias_key` → kecamatan code).
    """

    def __init__(self, kecamatan: pd.DataFrame, aliases: dict[str, str] | None = None) -> None:
        tables = _tables(kecamatan)
        self.names: dict[str, str] = tables["names"]
        self.labels: dict[str, str] = tables["labels"]
        self.regency_of: dict[str, str] = tables["regency_of"]
        self.regency_names: dict[str, str] = tables["regency_names"]
        self.keys: dict[str, str] = tables["keys"]
        self.by_regency: dict[str, dict[str, list[str]]] = tables["by_regency"]
        self.anywhere: dict[str, list[str]] = tables["anywhere"]
        self.aliases = {k: v for k, v in (aliases or {}).items()
                        if v in self.names and k.startswith(f"{self.regency_of[v]}|")}

    def of_regency(self, regency: str) -> list[str]:
        """Codes of the kecamatan of ``regency``, in code order."""
        return sorted(c for codes in self.by_regency.get(regency, {}).values() for c in codes)

    def exact(self, text: object, regency: str) -> list[str]:
        """Kecamatan of ``regency`` whose name is ``text`` (prefix, case, spaces aside)."""
        return list(self.by_regency.get(regency, {}).get(key(text), []))

    def elsewhere(self, text: object) -> list[str]:
        """Kecamatan of any regency named ``text``: candidates to show, never a match."""
        return sorted(self.anywhere.get(key(text), []))

    def suggestions(self, codes: Iterable[str], score: float = 100.0) -> list[Suggestion]:
        """``codes`` as suggestions labelled with their regency."""
        return [Suggestion(c, self.labels[c], score) for c in codes]

    def match(self, text: object, regency: str) -> Match | list[Suggestion]:
        """Match a written name among the kecamatan of ``regency`` only.

        Returns a :class:`~utils.ingest.matching.Match` (``name``, ``alias`` or
        ``fuzzy`` above :data:`~utils.ingest.matching.FUZZY_THRESHOLD` with a
        clear margin), else ranked suggestions from the same regency. A name of
        two kecamatan of the regency, or of none, is never matched.
        """
        found = key(text)
        if not found or regency not in self.by_regency:
            return []
        codes = self.by_regency[regency].get(found, [])
        if len(codes) == 1:
            return Match(codes[0], self.labels[codes[0]], "name")
        if codes:
            return self.suggestions(codes)
        alias = self.aliases.get(alias_key(regency, text))
        if alias:
            return Match(alias, self.labels[alias], "alias")
        return self._fuzzy(found, regency)

    def _fuzzy(self, found: str, regency: str) -> Match | list[Suggestion]:
        pool = {c: self.keys[c] for c in self.of_regency(regency)}
        ranked = process.extract(found, pool, scorer=fuzz.ratio, limit=SUGGESTIONS + 3)
        suggestions = [Suggestion(c, self.labels[c], round(s, 1)) for _, s, c in ranked]
        if _confident(suggestions):
            best = suggestions[0]
            return Match(best.code, best.name, "fuzzy", best.score)
        return suggestions[:SUGGESTIONS]

    def agrees(self, text: object, code: str) -> bool:
        """Whether a written name fits kecamatan ``code`` (blank names always do).

        The same name, or one at least :data:`NAME_LIKENESS` alike that names no
        other kecamatan of the regency.
        """
        found = key(text)
        if not found or found == self.keys[code]:
            return True
        if self.exact(text, self.regency_of[code]):
            return False
        return fuzz.ratio(found, self.keys[code]) >= NAME_LIKENESS


_BUILT: dict[int, tuple[pd.DataFrame, dict]] = {}
"""Lookup tables per reference frame (read-only, shared): built once, not per file."""


def _tables(kecamatan: pd.DataFrame) -> dict:
    found = _BUILT.get(id(kecamatan))
    if found is None or found[0] is not kecamatan:
        if len(_BUILT) >= 4:
            _BUILT.clear()
        found = _BUILT[id(kecamatan)] = (kecamatan, _build(kecamatan))
    return found[1]


def _build(kecamatan: pd.DataFrame) -> dict:
    columns = [kecamatan[c].astype(str).tolist()
               for c in ("code", "name", "kind", "regency_code", "regency_name")]
    names, labels, regency_of, regency_names, keys = {}, {}, {}, {}, {}
    by_regency: dict[str, dict[str, list[str]]] = {}
    anywhere: dict[str, list[str]] = {}
    for code, name, kind, regency, regency_name in zip(*columns, strict=True):
        names[code], regency_of[code], regency_names[regency] = name, regency, regency_name
        labels[code] = region_ref.kecamatan_label(
            {"kind": kind, "name": name, "regency_name": regency_name})
        keys[code] = found = key(name)
        by_regency.setdefault(regency, {}).setdefault(found, []).append(code)
        anywhere.setdefault(found, []).append(code)
    return {"names": names, "labels": labels, "regency_of": regency_of,
            "regency_names": regency_names, "keys": keys, "by_regency": by_regency,
            "anywhere": anywhere}


def _confident(ranked: Sequence[Suggestion]) -> bool:
    if not ranked or ranked[0].score < FUZZY_THRESHOLD:
        return False
    others = [s.score for s in ranked[1:]]
    return not others or ranked[0].score - max(others) >= FUZZY_MARGIN


def title_regency(index: RegionIndex, texts: Iterable[object]) -> str | None:
    """The one regency that title lines name (``KABUPATEN SRAGEN``, ``Dinas … Kota Bontang``).

    Only a name written with its kind (Kabupaten/Kab./Kota) counts, exactly as
    the reference spells it (never a guess), and not right after a kecamatan
    word (``Kecamatan Kota Bangun``). ``None`` when no line or two different
    regencies are named.
    """
    found = {code for text in texts for code in _named_regencies(index, text)}
    return found.pop() if len(found) == 1 else None


def _named_regencies(index: RegionIndex, text: object) -> set[str]:
    parts = words(text)
    out = set()
    for i, word in enumerate(parts):
        if word not in KINDS or (i and parts[i - 1] in PREFIXES):
            continue
        for stop in range(len(parts), i + 1, -1):
            name = NameKey(KINDS[word], " ".join(respell(w) for w in parts[i + 1:stop]))
            codes = [c for c in index.by_core.get(name.compact, []) if index.kinds[c] == name.kind]
            if len(codes) == 1:
                out.add(codes[0])
                break
    return out
