"""Join an office's own boundary file to today's regencies (issue #16).

A boundary file (BIG, a BPS map, geoBoundaries, GADM, a GeoJSON with only
names, sometimes of an older vintage) names its features in its own way.
:func:`find_key` reads which attribute holds the region code, which the name,
the province and the kind (Kabupaten/Kota), at which level and in which code
scheme; :func:`join` then matches every feature to one of today's regencies
and unions the features of each regency (village polygons become their
regency).

Nothing here is hand-made matching: codes are read with
:mod:`utils.ingest.code_schemes` (scheme chosen by how codes agree with
names), names with :class:`utils.ingest.matching.RegionIndex`, and a code and
a name on one feature must agree (:mod:`utils.ingest.region_rows`): a feature
whose code and name name different regions is a conflict, never a match.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geopandas.array import GeometryDtype

from utils.geo.geometry import repair
from utils.ingest import code_schemes as schemes
from utils.ingest import kecamatan_names as kec_names
from utils.ingest.code_schemes import CodeBook, written
from utils.ingest.matching import Match, RegionIndex, name_key, words
from utils.ingest.region_rows import RowMatcher, Unresolved, former_names, matcher
from utils.metrics import regions as regions_ref

LEVELS = ("province", "regency", "district", "village")
DIGITS_LEVEL = {2: "province", 4: "regency", 6: "district", 10: "village"}
CODE_SHARE = 0.9
"""Share of a column's filled cells that must be codes of one level for a code column."""
NAME_SHARE = 0.5
"""Share of features whose cell names a region for a name (or province) column."""
KIND_SHARE = 0.9
"""Share of filled cells that must be a kind (Kabupaten/Kota) for a kind column."""
AGREEMENT = 0.5
"""Share of named features whose code agrees with the name that makes a column a code column
(even when many of its codes are unknown today)."""
ENGLISH_KINDS = {"regency": "Kabupaten", "city": "Kota", "municipality": "Kota"}
"""GADM ``ENGTYPE_2`` and similar English kind cells."""
NOTE = "boundary_join.note."


class BoundaryJoinError(ValueError):
    """A key the file cannot be joined by; ``key`` is the i18n message key."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class KeyGuess:
    """Which attributes name a feature's region, at which level, in which scheme.

    ``level`` is the finest level of the file's code columns (``village`` for
    a BIG village file keyed by its ``KDPKAB``), else of its names. ``scheme``
    is the code scheme (:data:`utils.ingest.code_schemes.SCHEMES`), ``""``
    when features are matched by name only. ``scores``: column → share of its
    values that matched in its role (code, name, province or kind).
    ``ignored_codes``: columns written like region codes that were not used
    because their codes disagree with the names (or with every scheme).
    """

    code_column: str | None
    name_column: str | None
    province_column: str | None
    kind_column: str | None
    level: str
    scheme: str
    scores: dict[str, float] = field(default_factory=dict)
    ignored_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class JoinReport:
    """What the join found; plain data (:meth:`to_dict` is JSON-serialisable).

    ``matched_by_code`` and ``matched_by_name`` count regencies (of
    ``total_regencies``). ``unmatched``: ``{"value", "features",
    "suggestions": [{"code", "name"}]}``; ``conflicts``: ``{"value",
    "features", "code_region", "name_region"}`` (regions as ``{"code",
    "name"}``, ``name_region`` ``None`` when the name names nothing sure);
    ``merged``: ``{"code", "parts"}``; ``notes``: ``{"key", "values"}``.
    """

    key: KeyGuess
    features: int
    matched_by_code: int
    matched_by_name: int
    total_regencies: int
    unmatched: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    merged: list[dict] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    provinces_complete: list[str] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The report as plain JSON-serialisable data."""
        return asdict(self)


@dataclass(frozen=True)
class Joined:
    """Regency shapes (``code``, ``name``, ``geometry``, ``parts``) and the report;
    ``key`` is the key used and ``feature_regencies`` each feature's regency
    (``None`` when unmatched), in file order."""

    regencies: gpd.GeoDataFrame
    report: JoinReport
    key: KeyGuess | None = None
    feature_regencies: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class _Feature:
    """What one feature says: regency code cell, name text and province code."""

    code: str | None
    text: str
    province: str | None

    @property
    def value(self) -> str:
        """The feature's key as written, for the report."""
        return " ".join(p for p in (self.code, self.text) if p)


# ---------------------------------------------------------------- cells


def _text(value: object) -> str:
    """A cell as text: ``None``/NaN → ``""``, ``6402.0`` → ``"6402"``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def attribute_columns(frame: pd.DataFrame) -> list[str]:
    """The frame's attribute columns (every column but geometry)."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    return [str(c) for c in frame.columns
            if c != geometry and not isinstance(frame[c].dtype, GeometryDtype)]


def cells(frame: pd.DataFrame, column: str) -> list[str]:
    """The cells of ``column`` as text (:func:`_text`)."""
    return [_text(v) for v in frame[column].tolist()]


def code_level(values: Sequence[str]) -> tuple[str | None, float]:
    """The level of a code column and the share of filled cells written at it.

    Examples
    --------
    >>> code_level(["64.02", "6403", ""])
    ('regency', 1.0)
    >>> code_level(["64.02.01.2001", "Kutai"])
    ('village', 0.5)
    """
    filled = [v for v in values if v]
    levels = Counter(DIGITS_LEVEL.get(len(w.digits)) for w in map(written, filled) if w)
    levels.pop(None, None)
    if not levels:
        return None, 0.0
    level, count = max(levels.items(), key=lambda kv: (kv[1], -LEVELS.index(str(kv[0]))))
    return level, count / len(filled)


def regency_part(value: str) -> str | None:
    """The regency code inside a regency, district or village code, as written.

    Examples
    --------
    >>> regency_part("64.02.01.2001"), regency_part("6402012001"), regency_part("64")
    ('64.02', '6402', None)
    """
    found = written(value)
    if found is None or len(found.digits) < 4:
        return None
    digits = found.digits[:4]
    return f"{digits[:2]}.{digits[2:]}" if found.dotted else digits


def kind_of(value: str) -> str | None:
    """``Kabupaten``/``Kota`` when the cell is only a kind (``Kab.``, ``City``)."""
    key = name_key(value)
    if key.kind and not key.core:
        return key.kind
    parts = words(value)
    return ENGLISH_KINDS.get(parts[0]) if len(parts) == 1 else None


# ---------------------------------------------------------------- column scores


def _names_regency(index: RegionIndex, value: str) -> bool:
    """True when ``value`` is a regency's name, today's or former (ambiguous counts)."""
    key = name_key(value)
    if not key.core:
        return False
    codes = index.by_core.get(key.compact, []) + sorted(index.former.get(key.compact, set()))
    return any(key.kind is None or index.kinds[c] == key.kind for c in codes)


def _share(values: Sequence[str], test: Callable[[str], bool], filled_only: bool = False) -> float:
    """Share of ``values`` (of the filled ones) passing ``test``, judged once per value."""
    pool = [v for v in values if v] if filled_only else list(values)
    if not pool:
        return 0.0
    counts = Counter(pool)
    verdict = {v: test(v) for v in counts}
    return sum(n for v, n in counts.items() if verdict[v]) / len(pool)


@dataclass(frozen=True)
class _Profile:
    """One column's scores in each role."""

    column: str
    level: str | None
    code: float
    name: float
    province: float
    kind: float


def _profile(frame: pd.DataFrame, column: str, index: RegionIndex) -> _Profile:
    values = cells(frame, column)
    level, code = code_level(values)
    return _Profile(column, level, code,
                    _share(values, lambda v: _names_regency(index, v)),
                    _share(values, lambda v: index.province(v) is not None),
                    _share(values, lambda v: kind_of(v) is not None, filled_only=True))


def _best(profiles: Iterable[_Profile], score: str, least: float) -> _Profile | None:
    """The first profile with the highest ``score`` of at least ``least``."""
    found = [p for p in profiles if getattr(p, score) >= least]
    return max(found, key=lambda p: getattr(p, score)) if found else None


# ---------------------------------------------------------------- features


@dataclass
class _Context:
    """The reference, indexed once per join."""

    regions: pd.DataFrame
    crosswalk: pd.DataFrame | None
    index: RegionIndex = field(init=False)
    book: CodeBook = field(init=False)

    def __post_init__(self) -> None:
        self.index = RegionIndex(self.regions, {}, former_names(self.crosswalk))
        self.book = CodeBook.build(self.regions, self.crosswalk)


def _name_texts(frame: pd.DataFrame, name: str | None, kind: str | None) -> list[str]:
    """Each feature's name, its kind put in front when a kind column says it."""
    if name is None:
        return [""] * len(frame)
    names = cells(frame, name)
    if kind is None:
        return names
    kinds = [kind_of(k) for k in cells(frame, kind)]
    return [f"{k} {n}" if n and k and name_key(n).kind is None else n
            for n, k in zip(names, kinds, strict=True)]


def _provinces(frame: pd.DataFrame, column: str | None, ctx: _Context,
               scheme: str) -> list[str | None]:
    """Each feature's province today (``None`` when unknown or since split)."""
    if column is None:
        return [None] * len(frame)
    memo: dict[str, str | None] = {}
    for value in set(cells(frame, column)):
        found = written(value)
        read = ctx.book.read(found, scheme or schemes.KEMENDAGRI) if found else ()
        named = ctx.index.province(value)
        memo[value] = read[0] if len(read) == 1 else named if not read else None
    return [memo[v] for v in cells(frame, column)]


def _features(frame: pd.DataFrame, key: KeyGuess, ctx: _Context) -> list[_Feature]:
    codes: list[str | None] = [None] * len(frame)
    if key.code_column is not None:
        codes = [regency_part(v) for v in cells(frame, key.code_column)]
    texts = _name_texts(frame, key.name_column, key.kind_column)
    provinces = _provinces(frame, key.province_column, ctx, key.scheme)
    return [_Feature(c, t, p) for c, t, p in zip(codes, texts, provinces, strict=True)]


def _row_matcher(ctx: _Context, features: Iterable[_Feature], scheme: str | None) -> RowMatcher:
    """The importer's matcher over the distinct (name, code) pairs of the features."""
    rows = sorted({(f.text, f.code or "") for f in features})
    return matcher(ctx.regions, ctx.crosswalk, {}, rows, scheme or None)


# ---------------------------------------------------------------- key


def _readable(rm: RowMatcher, codes: Sequence[str | None]) -> float:
    """Share of the filled codes that name one of today's regencies under the file's scheme.

    When the scheme is undecided (``ask``), the better of Kemendagri and BPS.
    """
    filled = [w for w in (written(c) for c in codes if c) if w is not None]
    if not filled:
        return 0.0
    options = [rm.choice.scheme] if rm.choice.scheme else [schemes.KEMENDAGRI, schemes.BPS]
    return max(sum(len(rm.book.read(w, s)) == 1 for w in filled) for s in options) / len(filled)


def _agreement(rm: RowMatcher) -> float | None:
    """Share of the named features whose code agrees with the name (``None``: none judged)."""
    scheme, evidence = rm.choice.scheme, rm.choice.evidence
    if scheme is None or evidence is None:
        return None
    agree = evidence.agree.get(scheme, 0)
    judged = agree + evidence.disagree.get(scheme, 0)
    return agree / judged if judged else None


def _code_candidate(frame: pd.DataFrame, profile: _Profile, base: KeyGuess,
                    ctx: _Context) -> tuple[float, str] | None:
    """(trust, scheme) of a code column as the regency key, ``None`` when it is no code column.

    A column is a code column when its codes name today's regencies (:data:`CODE_SHARE`
    of them, read in the file's scheme) or mostly agree with the names (:data:`AGREEMENT`);
    an ``OBJECTID`` does neither. A code column that often disagrees with the names is
    still the key: each disagreeing feature is a conflict, never matched by its name alone.
    The scheme is ``""`` when the names cannot tell Kemendagri from BPS codes.
    """
    key = replace(base, code_column=profile.column)
    features = _features(frame, key, ctx)
    rm = _row_matcher(ctx, features, None)
    readable = _readable(rm, [f.code for f in features])
    agreement = _agreement(rm)
    if readable < CODE_SHARE and (agreement is None or agreement < AGREEMENT):
        return None
    return (readable if agreement is None else agreement), rm.choice.scheme or ""


def find_key(frame: pd.DataFrame, regions: pd.DataFrame,
             crosswalk: pd.DataFrame | None) -> KeyGuess:
    """Find which attributes of a boundary file name its features' regions.

    Parameters
    ----------
    frame : pandas.DataFrame
        The features' attributes (a GeoDataFrame's geometry is ignored).
    regions, crosswalk : pandas.DataFrame
        Today's reference and the code crosswalk (``None``: today's codes only).

    Returns
    -------
    KeyGuess
        The regency code column (a regency code column first, else the
        regency part of a district or village code column), the regency name,
        province and kind columns, the file's level and the code scheme.
    """
    return _find_key(frame, _Context(regions, crosswalk))


def _find_key(frame: pd.DataFrame, ctx: _Context) -> KeyGuess:
    profiles = [_profile(frame, c, ctx.index) for c in attribute_columns(frame)]
    name = _best([p for p in profiles if p.name > p.province and p.code < NAME_SHARE],
                 "name", NAME_SHARE)
    rest = [p for p in profiles if p is not name]
    province = _best([p for p in rest if p.code < NAME_SHARE],
                     "province", NAME_SHARE)
    province_code = _best([p for p in rest if p.level == "province"], "code", CODE_SHARE)
    if province_code is not None and (province is None or province_code.code > province.province):
        province = province_code
    kind = _best([p for p in rest if p is not province], "kind", KIND_SHARE)
    base = KeyGuess(None, _column(name), _column(province), _column(kind), "regency", "")
    trusted, ignored = {}, []
    for profile in profiles:
        if profile.level in LEVELS[1:] and profile.code >= CODE_SHARE:
            found = _code_candidate(frame, profile, base, ctx)
            if found:
                trusted[profile.column] = (profile, *found)
            else:
                ignored.append(profile.column)
    return replace(_choose(base, trusted, profiles), ignored_codes=tuple(ignored))


def _column(profile: _Profile | None) -> str | None:
    return None if profile is None else profile.column


def _choose(base: KeyGuess, trusted: dict[str, tuple[_Profile, float, str]],
            profiles: list[_Profile]) -> KeyGuess:
    """The key: a regency code first, then the coarsest finer code; names; provinces."""
    scores = {p.column: round(max(p.code, p.name, p.province, p.kind), 3) for p in profiles
              if max(p.code, p.name, p.province, p.kind) > 0}
    if trusted:
        column, (_, trust, scheme) = min(
            trusted.items(), key=lambda kv: (LEVELS.index(str(kv[1][0].level)), -kv[1][1]))
        finest = max(LEVELS.index(str(p.level)) for p, _, s in trusted.values() if s == scheme)
        scores[column] = round(trust, 3)
        return replace(base, code_column=column, level=LEVELS[finest], scheme=scheme,
                       scores=scores)
    if base.name_column is None and base.province_column is not None:
        return replace(base, level="province", scores=scores)
    return replace(base, scores=scores)


# ---------------------------------------------------------------- join


@dataclass
class _Tally:
    """Outcomes of the distinct features, gathered for the report."""

    matched: dict[_Feature, Match] = field(default_factory=dict)
    unmatched: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)


def _region(code: str, name: str) -> dict:
    return {"code": code, "name": name}


def _decide(rm: RowMatcher, features: Sequence[_Feature]) -> _Tally:
    """Match each distinct feature key (province breaks name ties, code and name agree)."""
    counts = Counter(features)
    tally = _Tally()
    for feature in sorted(counts, key=lambda f: (f.code or "", f.text, f.province or "")):
        row = replace(rm, province=feature.province or rm.province)
        outcome = row.match(feature.text, feature.code or "")
        n = counts[feature]
        if isinstance(outcome, Match):
            tally.matched[feature] = outcome
        elif outcome.reason == "code_name_conflict":
            tally.conflicts.append(_conflict(feature, outcome, n))
        else:
            tally.unmatched.append({"value": feature.value, "features": n, "suggestions": [
                _region(s.code, s.name) for s in outcome.suggestions]})
    return tally


def _conflict(feature: _Feature, outcome: Unresolved, n: int) -> dict:
    said = [_region(s.code, s.name) for s in outcome.suggestions]
    return {"value": feature.value, "features": n, "code_region": said[0],
            "name_region": said[1] if len(said) > 1 else None}


def _dissolve(frame: gpd.GeoDataFrame, codes: list[str | None],
              names: dict[str, str]) -> gpd.GeoDataFrame:
    """Union each regency's features; ``parts`` counts them."""
    geoms = np.asarray(frame.geometry.values, dtype=object)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = repair(geoms[invalid])
    keys = np.array([c or "" for c in codes], dtype=object)
    rows = []
    for code in sorted(set(keys.tolist()) - {""}):
        group = geoms[keys == code]
        shape = group[0] if len(group) == 1 else shapely.union_all(group)
        rows.append({"code": code, "name": names[code], "geometry": shape, "parts": len(group)})
    columns = ["code", "name", "geometry", "parts"]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry="geometry",
                            crs=frame.crs or "EPSG:4326")


def join(frame: gpd.GeoDataFrame, regions: pd.DataFrame, crosswalk: pd.DataFrame | None,
         key: KeyGuess | None = None) -> Joined:
    """Match a boundary file's features to today's regencies and union them per regency.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The file (:func:`utils.geo.boundary_file.read_boundaries`), EPSG:4326.
    regions, crosswalk : pandas.DataFrame
        Today's reference and the code crosswalk (``None``: today's codes only).
    key : KeyGuess, optional
        The key to join by (a user's choice); found with :func:`find_key`
        when absent. A given key with ``scheme`` ``""`` and a code column has
        its scheme read from the file.

    Returns
    -------
    Joined
        One row per regency that has a shape, and the report.

    Raises
    ------
    BoundaryJoinError
        A given key names a column the file lacks (``boundary_join.no_column``)
        or an unknown scheme (``boundary_join.unknown_scheme``).
    """
    ctx = _Context(regions, crosswalk)
    key = _checked(frame, key, ctx) if key is not None else _find_key(frame, ctx)
    features = _features(frame, key, ctx)
    rm = _row_matcher(ctx, features, key.scheme if key.code_column else None)
    if key.code_column and not key.scheme:
        key = replace(key, scheme=rm.choice.scheme or "")
    keyed = key.code_column is not None or key.name_column is not None
    tally = _decide(rm, features) if keyed else _Tally()
    codes = [tally.matched[f].code if f in tally.matched else None for f in features]
    shapes = _dissolve(frame, codes, ctx.index.names)
    return Joined(shapes, _report(key, features, tally, shapes, ctx), key, tuple(codes))


def _checked(frame: pd.DataFrame, key: KeyGuess, ctx: _Context) -> KeyGuess:
    columns = set(attribute_columns(frame))
    for column in (key.code_column, key.name_column, key.province_column, key.kind_column):
        if column is not None and column not in columns:
            raise BoundaryJoinError("boundary_join.no_column", column=column)
    if key.scheme and not ctx.book.has(key.scheme):
        raise BoundaryJoinError("boundary_join.unknown_scheme", scheme=key.scheme)
    if key.level not in LEVELS:
        raise BoundaryJoinError("boundary_join.unknown_level", level=key.level)
    return key


# ---------------------------------------------------------------- report


def _report(key: KeyGuess, features: list[_Feature], tally: _Tally,
            shapes: gpd.GeoDataFrame, ctx: _Context) -> JoinReport:
    regencies = regions_ref.regency_rows(ctx.regions)
    by_code = {m.code for m in tally.matched.values() if m.by == "code"}
    shaped = set(shapes["code"])
    per_province = regencies.groupby("province_code")["code"].apply(set)
    covered = sorted({ctx.index.province_of[c] for c in shaped})
    return JoinReport(
        key=key, features=len(features), matched_by_code=len(by_code),
        matched_by_name=len(shaped - by_code), total_regencies=len(regencies),
        unmatched=tally.unmatched, conflicts=tally.conflicts,
        missing=sorted(set(regencies["code"]) - shaped),
        merged=[{"code": c, "parts": int(p)} for c, p in zip(shapes["code"], shapes["parts"],
                                                             strict=True) if p > 1],
        provinces=covered,
        provinces_complete=[p for p in covered if per_province[p] <= shaped],
        notes=_notes(key, features, tally, shapes, ctx))


def _note(what: str, **values: object) -> dict:
    return {"key": NOTE + what, "values": values}


def _notes(key: KeyGuess, features: list[_Feature], tally: _Tally, shapes: gpd.GeoDataFrame,
           ctx: _Context) -> list[dict]:
    notes = []
    if key.code_column is None and key.name_column is None:
        notes.append(_note("province_level" if key.level == "province" else "no_key"))
    elif key.code_column is None:
        notes.append(_note("by_name", column=key.name_column))
    if key.ignored_codes:
        notes.append(_note("codes_ignored", columns=", ".join(key.ignored_codes)))
    if key.code_column and not key.scheme:
        notes.append(_note("scheme_ask", column=key.code_column))
    elif key.code_column and key.scheme != schemes.KEMENDAGRI:
        notes.append(_note(f"scheme_{key.scheme}", column=key.code_column))
    notes += _translated_notes(tally)
    parts = int(shapes["parts"].sum())
    if parts > len(shapes):
        notes.append(_note("dissolved", features=parts, regencies=len(shapes), level=key.level))
    notes += _missing_notes(set(shapes["code"]), ctx)
    return notes


def _translated_notes(tally: _Tally) -> list[dict]:
    """Codes read into another code (old vintage, Papua split) and former names."""
    notes = []
    moved = [(f, m) for f, m in tally.matched.items() if m.by == "code" and f.code
             and schemes.written(f.code) is not None and _today(f.code) != m.code]
    if moved:
        split = sum(1 for f, m in moved if _today(f.code or "")[:2] != m.code[:2])
        notes.append(_note("translated", codes=len(moved), provinces=split))
    for feature, match in sorted(tally.matched.items(), key=lambda fm: fm[1].code):
        if match.by == "former":
            notes.append(_note("former_name", value=feature.text, code=match.code,
                               name=match.name))
    return notes


def _today(code: str) -> str:
    found = written(code)
    return "" if found is None else found.kemendagri


def _missing_notes(shaped: set[str], ctx: _Context) -> list[dict]:
    """Provinces the file covers but with regencies lacking a shape (newer regencies?)."""
    regencies = regions_ref.regency_rows(ctx.regions)
    notes = []
    for province, codes in regencies.groupby("province_code")["code"]:
        lacking = sorted(set(codes) - shaped)
        if lacking and len(lacking) < len(codes):
            notes.append(_note("missing_in_province", province=str(province),
                               province_name=ctx.index.province_names[str(province)],
                               count=len(lacking), codes=", ".join(lacking)))
    return notes


# ---------------------------------------------------------------- kecamatan (issue #17)


@dataclass(frozen=True)
class KecamatanJoin:
    """Kecamatan shapes of a district- or village-level file and what their join found.

    ``shapes``: ``code`` (``64.02.01``), ``name``, ``geometry``, ``parts``. ``report``
    is plain data: ``code_column``, ``name_column``, ``codes_used`` (False when the
    file's codes are not today's Kemendagri codes), ``features``, ``matched_by_code``
    and ``matched_by_name`` (kecamatan), ``unmatched`` (``{"value", "regency",
    "features", "suggestions"}``) and ``conflicts`` (``{"value", "regency",
    "features", "code_kecamatan"}``). A name is only ever matched among the
    kecamatan of the feature's own regency: kecamatan names repeat across regencies.
    """

    shapes: gpd.GeoDataFrame
    report: dict


def _kecamatan_code(value: str) -> str | None:
    """The Kemendagri kecamatan code in a district or village code cell, else ``None``."""
    found = kec_names.read_code(value) if value else None
    if found is None or found.kind == kec_names.BPS:
        return None
    return found.text[:8]


def _kecamatan_columns(frame: pd.DataFrame, key: KeyGuess, regency_of: Sequence[str | None],
                       index: kec_names.KecamatanIndex) -> tuple[str | None, str | None]:
    """The district code column (else a village code column) and the kecamatan name column."""
    used = {key.code_column, key.name_column, key.province_column, key.kind_column}
    profiles = {c: code_level(cells(frame, c)) for c in attribute_columns(frame)}
    code = next((c for level in ("district", "village") for c, (found, share) in profiles.items()
                 if found == level and share >= CODE_SHARE), None)
    placed = [i for i, r in enumerate(regency_of) if r]
    best, best_share = None, NAME_SHARE
    for column in profiles:
        if column in used or column == code or not placed:
            continue
        values = cells(frame, column)
        share = sum(bool(index.exact(values[i], str(regency_of[i]))) for i in placed) / len(placed)
        if share >= best_share:
            best, best_share = column, share
    return code, best


def join_kecamatan(frame: gpd.GeoDataFrame, joined: Joined,
                   kecamatan: pd.DataFrame) -> KecamatanJoin | None:
    """Match a file's features to kecamatan within the regency each was matched to.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        The file (:func:`utils.geo.boundary_file.read_boundaries`), EPSG:4326.
    joined : Joined
        The file's regency join (:func:`join`): its key and each feature's regency.
    kecamatan : pandas.DataFrame
        The kecamatan reference (:func:`utils.metrics.regions.read_kecamatan`).

    Returns
    -------
    KecamatanJoin or None
        ``None`` when the file holds no kecamatan key (a regency-level file).
        A code names a kecamatan only when it is today's Kemendagri code, lies in
        the feature's regency and agrees with the feature's kecamatan name (else
        the feature is a conflict, never matched); a name alone matches only an
        exact name (prefix, case and spacing aside) of one kecamatan of the
        feature's regency.
    """
    if joined.key is None or len(joined.feature_regencies) != len(frame):
        return None
    index = kec_names.KecamatanIndex(kecamatan)
    regency_of = joined.feature_regencies
    code_column, name_column = _kecamatan_columns(frame, joined.key, regency_of, index)
    if code_column is None and name_column is None:
        return None
    codes_used = code_column is not None and joined.key.scheme in ("", schemes.KEMENDAGRI)
    codes = cells(frame, code_column) if codes_used and code_column else [""] * len(frame)
    names = cells(frame, name_column) if name_column else [""] * len(frame)
    outcomes: dict[tuple[str, str, str], tuple[str, object]] = {}
    counts = Counter((r, c, n) for r, c, n in zip(regency_of, codes, names, strict=True) if r)
    for regency, code, name in counts:
        outcomes[(regency, code, name)] = _kecamatan_outcome(regency, code, name, index)
    matched: list[str | None] = [
        str(outcomes[(r, c, n)][1]) if r and outcomes[(r, c, n)][0] in ("code", "name") else None
        for r, c, n in zip(regency_of, codes, names, strict=True)]
    shapes = _dissolve(frame, matched, index.names)
    by_code = {str(v) for k, v in outcomes.values() if k == "code"}
    report = {
        "code_column": code_column, "name_column": name_column, "codes_used": codes_used,
        "features": sum(counts.values()), "matched_by_code": len(by_code),
        "matched_by_name": len(set(shapes["code"]) - by_code),
        "unmatched": [{"value": " ".join(p for p in (c, n) if p), "regency": r,
                       "features": counts[(r, c, n)], "suggestions": v}
                      for (r, c, n), (k, v) in sorted(outcomes.items()) if k == "unmatched"],
        "conflicts": [{"value": " ".join(p for p in (c, n) if p), "regency": r,
                       "features": counts[(r, c, n)], "code_kecamatan": v}
                      for (r, c, n), (k, v) in sorted(outcomes.items()) if k == "conflict"],
    }
    return KecamatanJoin(shapes, report)


def _kecamatan_outcome(regency: str, code: str, name: str,
                       index: kec_names.KecamatanIndex) -> tuple[str, object]:
    """``("code"|"name", kecamatan code)``, ``("conflict", {"code", "name"})`` or
    ``("unmatched", [suggestions])`` for one distinct (regency, code, name)."""
    kec = _kecamatan_code(code)
    if kec is not None and kec in index.names:
        if kec[:5] != regency or not index.agrees(name, kec):
            return "conflict", {"code": kec, "name": index.labels[kec]}
        return "code", kec
    found = index.match(name, regency) if name else []
    if isinstance(found, Match) and found.by == "name":
        return "name", found.code
    ranked = [found] if isinstance(found, Match) else found
    return "unmatched", [_region(s.code, s.name) for s in ranked]
