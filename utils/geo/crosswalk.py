"""The region-code crosswalk: BPS codes, older Kemendagri lists and former names → today's codes.

Offices write regencies in several schemes. BPS codes (``6402`` = Kutai
Barat) are not Kemendagri codes (``64.02`` = Kutai Kartanegara); the
Kemendagri lists of 2020 and 2022 predate the 2022 Papua split; regencies
were renamed (Toba Samosir → Toba). Every listed code is matched to today's
reference by its *name* (kind and core words, :func:`utils.ingest.matching.name_key`),
never by its digits; the province breaks ties. Nothing is guessed: a row that
matches no region, or more than one, is listed by :func:`unresolved`.

The boundary build writes the result to ``crosswalk.csv``;
:func:`utils.metrics.regions.read_crosswalk` reads it at run time.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from utils.geo.cache_record import RENAMES_CSV
from utils.geo.upstream_sql import iter_value_rows
from utils.ingest.matching import NameKey, name_key, words
from utils.metrics import regions as regions_ref
from utils.metrics.regions import CROSSWALK_COLUMNS, normalise_code

BPS, FORMER = "bps", "former_name"
ARCHIVE_YEARS = ("2020", "2022")
SAME, NAME, RENAMED, SPLIT, NONE, AMBIGUOUS = (
    "same", "name", "renamed", "split", "none", "ambiguous")
UNRESOLVED = (NONE, AMBIGUOUS)
BPS_REGENCIES, BPS_PROVINCES = "bps_codes/regencies.csv", "bps_codes/provinces.csv"
ARCHIVES = {year: f"wilayah/db/archive/wilayah_{year}.sql" for year in ARCHIVE_YEARS}
SOURCES = (BPS_REGENCIES, BPS_PROVINCES, *ARCHIVES.values())
"""Layout paths (``geo/manifest.json``) of the lists the crosswalk is built from."""
RENAMES = RENAMES_CSV
RENAME_COLUMNS = ["former_name", "code", "name", "year", "source"]
LOOSE_DROP = {"kepulauan", "dan"}
"""Words a second, looser pass ignores (``Siau Tagulandang Biaro`` = ``Kep. Siau …``)."""
LOOSE_SPELLING = {"hulu": "ulu"}
"""Spellings the looser pass treats as one (``Mahakam Hulu`` = ``Mahakam Ulu``)."""
PROVINCE_ABBREVIATIONS = {"dki": ["daerah", "khusus", "ibukota"], "di": ["daerah", "istimewa"]}
_LISTED_CODE = re.compile(r"^\s*\('\d{2}(\.\d{2})?',")


@dataclass(frozen=True)
class Listed:
    """One row of a source list: its code as the list has it, province code and name."""

    code: str
    province: str
    name: str


@dataclass(frozen=True)
class Found:
    """Where a listed row leads: today's codes, how, and whether by today's exact name."""

    current: tuple[str, ...]
    how: str
    exact: bool = False


def scheme_of(year: str) -> str:
    """Scheme name of a Kemendagri archive list (``"2020"`` → ``"kemendagri_2020"``)."""
    return f"kemendagri_{year}"


def read_renames(path: Path = RENAMES) -> pd.DataFrame:
    """Read the committed table of renamed regencies (all text, no NaN)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)[RENAME_COLUMNS]


def read_bps(regencies_csv: str, provinces_csv: str) -> tuple[list[Listed], list[Listed]]:
    """Provinces and regencies of the BPS list (``kode,kode_provinsi,NAMA``, no header)."""
    provinces = [Listed(r[0].strip(), r[0].strip(), r[1].strip())
                 for r in csv.reader(io.StringIO(provinces_csv)) if len(r) >= 2]
    regencies = [Listed(r[0].strip(), r[1].strip(), r[2].strip())
                 for r in csv.reader(io.StringIO(regencies_csv)) if len(r) >= 3]
    return provinces, regencies


def read_archive(sql: str) -> tuple[list[Listed], list[Listed]]:
    """Provinces and regencies of a Kemendagri code list dump (``('91.01', 'KAB. MERAUKE')``)."""
    lines = "\n".join(line for line in sql.splitlines() if _LISTED_CODE.match(line))
    provinces: list[Listed] = []
    regencies: list[Listed] = []
    for fields in iter_value_rows(lines):
        code = normalise_code(fields[0])
        row = Listed(code, code[:2], fields[1].strip())
        (provinces if regions_ref.PROVINCE_CODE.match(code) else regencies).append(row)
    return provinces, regencies


def _loose(key: NameKey) -> str:
    kept = [LOOSE_SPELLING.get(w, w) for w in key.core.split() if w not in LOOSE_DROP]
    return "".join(kept)


def province_key(text: str) -> str:
    """A province name reduced for comparison (``DKI JAKARTA`` = ``Daerah Khusus Ibukota …``)."""
    parts = [w for w in words(text) if w not in {"provinsi", "prov", "propinsi"}]
    if parts and parts[0] in PROVINCE_ABBREVIATIONS:
        parts = PROVINCE_ABBREVIATIONS[parts[0]] + parts[1:]
    return name_key(" ".join(parts)).compact


class Reference:
    """Today's regencies indexed by name (strict, loose and former names).

    Parameters
    ----------
    regions : pandas.DataFrame
        The reference table (:func:`utils.geo.reference.build_regions`).
    """

    def __init__(self, regions: pd.DataFrame) -> None:
        regs = regions_ref.regency_rows(regions)
        self.names = regions_ref.names(regs)
        self.kinds = dict(zip(regs["code"], regs["kind"], strict=True))
        self.province_of = dict(zip(regs["code"], regs["province_code"], strict=True))
        self.province_names = regions_ref.names(regions_ref.province_rows(regions))
        self.strict: dict[str, list[str]] = {}
        self.loose: dict[str, list[str]] = {}
        self.former: dict[str, list[str]] = {}
        for code, name in self.names.items():
            key = name_key(name)
            self.strict.setdefault(key.compact, []).append(code)
            self.loose.setdefault(_loose(key), []).append(code)

    def of_kind(self, codes: Iterable[str], key: NameKey) -> list[str]:
        """The codes whose kind is the one written (any kind when none is written)."""
        return sorted({c for c in codes if key.kind is None or self.kinds[c] == key.kind})

    def add_former(self, name: str, code: str) -> bool:
        """Remember ``name`` as a former name of ``code``; False when it is still in use."""
        key = name_key(name)
        in_use = self.of_kind(self.strict.get(key.compact, []), key)
        if code not in self.names or not key.core or in_use:
            return False
        if code not in self.former.setdefault(key.compact, []):
            self.former[key.compact].append(code)
        return True


def _narrow(codes: list[str], allowed: set[str] | None, ref: Reference) -> list[str]:
    """Keep the codes in the allowed provinces (the tie-breaker), when that leaves any."""
    if len(codes) < 2 or not allowed:
        return codes
    return [c for c in codes if ref.province_of[c] in allowed] or codes


def _provinces_seen(rows: list[Listed], found: dict[Listed, Found], ref: Reference) -> dict:
    """Listed province → today's provinces of its regencies matched without doubt."""
    seen: dict[str, set[str]] = {}
    for row in rows:
        hit = found.get(row)
        if hit is not None and len(hit.current) == 1 and hit.how != AMBIGUOUS:
            seen.setdefault(row.province, set()).add(ref.province_of[hit.current[0]])
    return seen


def _strict_pass(rows: list[Listed], ref: Reference) -> dict[Listed, Found]:
    """Today's name, kind and core words (province breaks ties)."""
    candidates = {r: ref.of_kind(ref.strict.get(name_key(r.name).compact, []), name_key(r.name))
                  for r in rows}
    unique = {r: Found(tuple(c), NAME) for r, c in candidates.items() if len(c) == 1}
    seen = _provinces_seen(rows, unique, ref)
    found = {}
    for row, codes in candidates.items():
        codes = _narrow(codes, seen.get(row.province), ref)
        if codes:
            found[row] = Found(tuple(codes), NAME if len(codes) == 1 else AMBIGUOUS, True)
    return found


def _claimable(codes: Iterable[str], taken: set[str], allowed: set[str] | None,
               ref: Reference) -> list[str]:
    """Codes not already matched by today's name, in the listed province (when known)."""
    return [c for c in codes if c not in taken
            and (not allowed or ref.province_of[c] in allowed)]


def _fallback(row: Listed, ref: Reference, taken: set[str], allowed: set[str] | None,
              by_code: bool) -> Found | None:
    """Looser name, then a former name, then (archives) the same code under a new name."""
    key = name_key(row.name)
    loose = _claimable(ref.of_kind(ref.loose.get(_loose(key), []), key), taken, allowed, ref)
    if loose:
        return Found(tuple(loose), NAME if len(loose) == 1 else AMBIGUOUS)
    former = _claimable(ref.of_kind(ref.former.get(key.compact, []), key), taken, allowed, ref)
    if former:
        return Found(tuple(former), RENAMED if len(former) == 1 else AMBIGUOUS)
    code = row.code
    if by_code and key.core and _claimable(ref.of_kind([code] if code in ref.names else [], key),
                                           taken, allowed, ref):
        return Found((code,), RENAMED)
    return None


def match_regencies(rows: list[Listed], ref: Reference, by_code: bool) -> dict[Listed, Found]:
    """Match every listed regency to today's regencies.

    Parameters
    ----------
    rows : list of Listed
        One scheme's regencies.
    ref : Reference
        Today's regencies, with the former names known so far.
    by_code : bool
        True for Kemendagri lists: a code still in use whose old name is
        nowhere today is that region renamed (``12.12 KAB. TOBA SAMOSIR``).

    Returns
    -------
    dict
        Row → :class:`Found`; a row two rows lead to is ``ambiguous`` for both.
    """
    found = _strict_pass(rows, ref)
    taken = {f.current[0] for f in found.values() if len(f.current) == 1}
    seen = _provinces_seen(rows, found, ref)
    for row in rows:
        if row not in found:
            hit = _fallback(row, ref, taken, seen.get(row.province), by_code)
            found[row] = hit or Found((), NONE)
    claims = Counter(f.current[0] for f in found.values() if len(f.current) == 1)
    for row, hit in found.items():
        if len(hit.current) == 1 and claims[hit.current[0]] > 1:
            found[row] = Found(hit.current, AMBIGUOUS, hit.exact)
    return found


def _how_regency(row: Listed, hit: Found) -> str:
    same_code = hit.current == (normalise_code(row.code),)
    return SAME if hit.how == NAME and hit.exact and same_code else hit.how


def match_provinces(provinces: list[Listed], regencies: list[Listed],
                    found: dict[Listed, Found], ref: Reference) -> dict[Listed, Found]:
    """Today's provinces of each listed province, read from where its regencies went."""
    seen = _provinces_seen(regencies, found, ref)
    by_name = {province_key(n): c for c, n in ref.province_names.items()}
    out = {}
    for row in provinces:
        today = sorted(seen.get(row.code, set()))
        named = by_name.get(province_key(row.name))
        if len(today) > 1:
            out[row] = Found(tuple(today), SPLIT)
        elif today and named == today[0]:
            out[row] = Found(tuple(today), SAME if today[0] == row.code else NAME)
        elif today:
            out[row] = Found(tuple(today), RENAMED)
        else:
            out[row] = Found((named,), NAME) if named else Found((), NONE)
    return out


def _rows(scheme: str, level: str, found: Mapping[Listed, Found]) -> list[dict]:
    return [{"scheme": scheme, "level": level, "code": row.code, "name": row.name,
             "current": " ".join(hit.current), "how": hit.how} for row, hit in found.items()]


def _scheme_rows(scheme: str, lists: tuple[list[Listed], list[Listed]], ref: Reference,
                 by_code: bool) -> list[dict]:
    provinces, regencies = lists
    found = match_regencies(regencies, ref, by_code)
    regs = {row: Found(hit.current, _how_regency(row, hit)) for row, hit in found.items()}
    provs = match_provinces(provinces, regencies, found, ref)
    return _rows(scheme, regions_ref.PROVINCE, provs) + _rows(scheme, regions_ref.REGENCY, regs)


def _former_rows(former: list[tuple[str, str]]) -> list[dict]:
    rows, keys = [], set()
    for name, code in former:
        key = (name_key(name).compact, code)
        if key not in keys:
            keys.add(key)
            rows.append({"scheme": FORMER, "level": regions_ref.REGENCY, "code": "",
                         "name": name, "current": code, "how": RENAMED})
    return rows


def build_crosswalk(regions: pd.DataFrame, bps_regencies: str, bps_provinces: str,
                    archives: dict[str, str], renames: pd.DataFrame) -> pd.DataFrame:
    """Build the crosswalk of every listed code and former name to today's codes.

    Parameters
    ----------
    regions : pandas.DataFrame
        Today's reference (:func:`utils.geo.reference.build_regions`).
    bps_regencies, bps_provinces : str
        Texts of the BPS lists (``bps_codes/regencies.csv``, ``provinces.csv``).
    archives : dict
        Year (``"2020"``, ``"2022"``) → text of that Kemendagri list dump.
    renames : pandas.DataFrame
        The committed renames (:func:`read_renames`).

    Returns
    -------
    pandas.DataFrame
        :data:`CROSSWALK_COLUMNS`, all text: one row per listed province and
        regency of each scheme, then one per former name. ``current`` holds
        today's code(s), space-separated for a split province or an
        ambiguous row, ``""`` for none.
    """
    ref = Reference(regions)
    pairs = zip(renames["former_name"].astype(str), renames["code"].astype(str), strict=True)
    former = [(name, code) for name, code in pairs if ref.add_former(name, code)]
    rows = []
    for year in sorted(archives):
        scheme_rows = _scheme_rows(scheme_of(year), read_archive(archives[year]), ref, True)
        renamed = [(r["name"], r["current"]) for r in scheme_rows
                   if r["how"] == RENAMED and r["level"] == regions_ref.REGENCY]
        former += [(n, c) for n, c in renamed if ref.add_former(n, c)]
        rows += scheme_rows
    rows = _scheme_rows(BPS, read_bps(bps_regencies, bps_provinces), ref, False) + rows
    return pd.DataFrame(rows + _former_rows(former), columns=CROSSWALK_COLUMNS).astype(str)


def build_from_texts(regions: pd.DataFrame, texts: Mapping[str, str],
                     renames: pd.DataFrame) -> pd.DataFrame:
    """:func:`build_crosswalk` from texts keyed by layout path (:data:`SOURCES`)."""
    archives = {year: texts[path] for year, path in ARCHIVES.items()}
    return build_crosswalk(regions, texts[BPS_REGENCIES], texts[BPS_PROVINCES], archives, renames)


def unresolved(crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Rows that lead to no region or to more than one (``none``, ``ambiguous``)."""
    return crosswalk[crosswalk["how"].isin(UNRESOLVED)]


def summary(crosswalk: pd.DataFrame) -> dict:
    """The build record's numbers: BPS codes, how many map to one regency, the rest."""
    bps = crosswalk[(crosswalk["scheme"] == BPS) & (crosswalk["level"] == regions_ref.REGENCY)]
    mapped = bps[~bps["how"].isin(UNRESOLVED) & (bps["current"].str.count(" ") == 0)
                 & (bps["current"] != "")]
    left = unresolved(crosswalk)
    return {
        "bps_codes": len(bps),
        "bps_mapped": len(mapped),
        "crosswalk_how": {str(k): int(v)
                          for k, v in crosswalk["how"].value_counts().sort_index().items()},
        "crosswalk_unresolved": [f"{s} {c} {n}".replace("  ", " ")
                                 for s, c, n in zip(left["scheme"], left["code"], left["name"],
                                                    strict=True)],
    }
