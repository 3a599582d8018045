"""Did we meet the target? Gaps in people, ranks, extremes and changes (pure).

Coverage is compared with the target in force exactly, from the counts
(``numerator × 100 ≥ target × denominator``), so "meets the target" and "gap
is zero" never disagree through rounding. Regions without data are kept in
the tables with missing values, left out of ranks, counts and extremes, and
listed as such; nothing is filled in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pandas as pd

from utils.metrics import coverage
from utils.metrics import regions as region_ref
from utils.metrics.targets import (
    SCOPE_KECAMATAN,
    SCOPE_NATIONAL,
    SCOPE_PROVINCE,
    SCOPE_REGENCY,
    Target,
    scope_level,
    target_for,
    targets_in_force,
)


@dataclass(frozen=True)
class Extreme:
    """Highest or lowest value and every region that has it (ties listed)."""

    names: tuple[str, ...]
    percent: float


@dataclass(frozen=True)
class Shortfall:
    """A region below its target: value, target and people still missing."""

    name: str
    percent: float
    target: float
    gap: int | None


@dataclass(frozen=True)
class Facts:
    """The summary numbers of one indicator, scope and period.

    Fed either from full regency data (:func:`scope_facts`) or by hand from
    published province figures; every field but the first five may be empty.
    ``without_counts`` rows of the scope hold only a percent (then numerator,
    denominator and gap are empty: they cannot be computed); ``regions_present``
    of ``regions_total`` regencies have a row (fewer: the figure is partial).
    ``covered`` names the compared regions with data (:func:`scope_coverage`);
    ``below_gap`` is the people missing in all regions below target
    (:func:`shortfall_total`); ``rank_total`` the provinces a rank could be
    among (more than ``rank_of``: some have no data). ``member_level`` is set
    when the compared regions are not the scope's usual ones: ``kecamatan``
    for a regency compared over its kecamatan (:func:`kecamatan_facts`), whose
    ``member_kind`` is ``Kecamatan`` or ``Distrik``.
    """

    indicator: str
    scope_level: str
    scope_name: str
    period: str
    percent: float | None
    numerator: float | None = None
    denominator: float | None = None
    target: Target | None = None
    gap: int | None = None
    highest: Extreme | None = None
    lowest: Extreme | None = None
    below: tuple[Shortfall, ...] = ()
    meeting: int | None = None
    with_data: int | None = None
    missing: tuple[str, ...] = ()
    previous_period: str | None = None
    change: float | None = None
    rank: int | None = None
    rank_of: int | None = None
    rank_meeting: int | None = None
    is_demo: bool = False
    without_counts: int = 0
    regions_present: int | None = None
    regions_total: int | None = None
    covered: tuple[str, ...] = ()
    below_gap: int | None = None
    rank_total: int | None = None
    member_level: str | None = None
    member_kind: str | None = None


def _known(*values: float | None) -> bool:
    return all(v is not None and not pd.isna(v) for v in values)


def _exact(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def meets_target(numerator: float | None, denominator: float | None,
                 target: float | None) -> bool | None:
    """Whether ``numerator / denominator`` is at least ``target`` percent.

    Returns
    -------
    bool or None
        ``None`` when a figure or the target is missing or the denominator is 0.

    Examples
    --------
    >>> meets_target(993, 1000, 99.3), meets_target(992, 1000, 99.3)
    (True, False)
    """
    if numerator is None or denominator is None or target is None:
        return None
    if not _known(numerator, denominator, target) or denominator <= 0:
        return None
    return _exact(numerator) * 100 >= _exact(target) * _exact(denominator)


def percent_meets(percent: float | None, target: float | None) -> bool | None:
    """Compare a published percentage with the target (no counts available)."""
    if percent is None or target is None or not _known(percent, target):
        return None
    return _exact(percent) >= _exact(target)


def gap_people(numerator: float | None, denominator: float | None,
               target: float | None) -> int | None:
    """People still missing to reach the target: ``ceil(target % × denominator − numerator)``.

    Zero when the target is met; ``None`` when a figure or the target is missing.

    Examples
    --------
    >>> gap_people(95970, 100000, 99.3)
    3330
    >>> gap_people(102440, 100000, 99.3)
    0
    """
    met = meets_target(numerator, denominator, target)
    if met is None or numerator is None or denominator is None or target is None:
        return None
    if met:
        return 0
    needed = _exact(target) * _exact(denominator) / 100 - _exact(numerator)
    return math.ceil(needed)


def shortfall_total(table: pd.DataFrame) -> int | None:
    """People missing in all regions below target, summed before rounding up once.

    Sums ``target % × denominator − numerator`` over the rows of
    :func:`region_attainment` below their target with counts, and rounds up
    at the end (as every aggregate: sum first, then round), so when every
    region of a scope is below one target it is exactly the scope's own gap
    (:func:`gap_people` of the sums). ``None`` when no such row has counts.

    Examples
    --------
    >>> rows = pd.DataFrame({"numerator": [99.2, 50.0, 100.0], "denominator": [100.0] * 3,
    ...                      "target": [99.3] * 3, "meets": [False, False, True]})
    >>> shortfall_total(rows), gap_people(149.2, 200.0, 99.3)  # Σ of each rounded up: 51
    (50, 50)
    """
    below = table[(table["meets"].fillna(True) == False)  # noqa: E712
                  & table["numerator"].notna() & table["denominator"].notna()]
    if below.empty:
        return None
    missing = sum((_exact(tg) * _exact(d) / 100 - _exact(n)
                   for n, d, tg in zip(below["numerator"], below["denominator"], below["target"],
                                       strict=True)), Decimal(0))
    return max(math.ceil(missing), 0)


def people_below(facts: Facts) -> int | None:
    """The people missing in all regions of a scope below target: the one figure
    every view prints for it (:attr:`Facts.below_gap`, or for facts built by hand
    the sum of the listed gaps); ``None`` when no gap is known."""
    if facts.below_gap is not None:
        return facts.below_gap
    gaps = [row.gap for row in facts.below if row.gap is not None]
    return sum(gaps) if gaps else None


def rank_min(values: pd.Series, ascending: bool = False) -> pd.Series:
    """Competition ranks (ties share the best rank, method "min"); missing stays missing.

    Examples
    --------
    >>> rank_min(pd.Series([90.0, 95.0, 95.0, None])).tolist()
    [3, 1, 1, <NA>]
    """
    ranks = pd.to_numeric(values).rank(method="min", ascending=ascending)
    return ranks.astype("Int64")


def extremes(frame: pd.DataFrame, value: str = "percent",
             name: str = "name") -> tuple[Extreme | None, Extreme | None]:
    """Highest and lowest ``value`` with all tied names (in ``frame`` order).

    Rows with a missing value are ignored; ``(None, None)`` if none remain.
    """
    known = frame[frame[value].notna()]
    if known.empty:
        return None, None
    top, bottom = known[value].max(), known[value].min()
    return (Extreme(tuple(known.loc[known[value] == top, name]), float(top)),
            Extreme(tuple(known.loc[known[value] == bottom, name]), float(bottom)))


def change(current: float | None, previous: float | None) -> float | None:
    """Change in percentage points; ``None`` if either value is missing."""
    if current is None or previous is None or not _known(current, previous):
        return None
    return float(current) - float(previous)


def previous_period(periods: list[str], period: str) -> str | None:
    """The period just before ``period`` among ``periods``, or ``None``."""
    earlier = sorted(p for p in set(periods) if p < period)
    return earlier[-1] if earlier else None


def targets_by_code(targets: pd.DataFrame, indicator: str, year: int,
                    codes: list[str]) -> pd.Series:
    """Target percent in force for each region code (NaN where none applies)."""
    found = targets_in_force(targets, indicator, year, list(codes))
    return pd.Series({c: t.percent if t else float("nan") for c, t in found.items()},
                     dtype=float)


def regions_in_scope(regions: pd.DataFrame, code: str | None) -> pd.DataFrame:
    """Regions compared within a scope: provinces of Indonesia, regencies of a
    province, or the regency itself; columns ``code`` and ``name``."""
    level = scope_level(code)
    if level == SCOPE_NATIONAL:
        rows = region_ref.province_rows(regions)
    elif level == SCOPE_PROVINCE:
        rows = region_ref.regency_rows(regions, code)
    else:
        rows = regions[regions["code"] == code]
    return rows[["code", "name"]].reset_index(drop=True)


def regency_rows(rows: pd.DataFrame, regions: pd.DataFrame, code: str | None) -> pd.DataFrame:
    """Regency coverage rows inside a scope, with ``province_code`` attached."""
    regs = region_ref.regency_rows(regions)[["code", "province_code"]]
    out = rows.merge(regs, on="code", how="inner")
    level = scope_level(code)
    if level == SCOPE_PROVINCE:
        out = out[out["province_code"] == code]
    elif level == SCOPE_REGENCY:
        out = out[out["code"] == code]
    return out.reset_index(drop=True)


EXTRA_COLUMNS = ["derived", "derived_margin", "without_counts", "regions_present",
                 "regions_total", "from_province_row"]
"""Columns :func:`region_attainment` carries over from its values when present."""


def province_values(rows: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Each province's figure: its regency rows summed, or its own province row
    when it has no regency row (never both, see
    :func:`utils.metrics.coverage.province_totals`).

    Returns
    -------
    pandas.DataFrame
        ``code, numerator, denominator, percent, without_counts,
        regions_present, regions_total, from_province_row``; a province whose
        regencies are not all present is partial (``regions_present <
        regions_total``), one with percent-only rows has no sums.
    """
    columns = ["code", "numerator", "denominator", "percent", "without_counts",
               "regions_present", "regions_total", "from_province_row"]
    known = rows[rows["code"].isin(regions["code"])]
    if known.empty:
        return pd.DataFrame(columns=columns)
    regencies = region_ref.regency_rows(regions)["province_code"].value_counts()
    sums = coverage.province_totals(known, regencies, by=())
    return sums.rename(columns={"province_code": "code"})[columns]


def region_attainment(values: pd.DataFrame, scope: pd.DataFrame,
                      targets: pd.Series) -> pd.DataFrame:
    """One row per region in ``scope`` with value, target, met, gap and rank.

    Parameters
    ----------
    values : pandas.DataFrame
        ``code``, ``numerator``, ``denominator``; ``percent`` is recomputed
        from the counts, and kept as given only for rows without counts
        (percent-only rows: ranked and compared with the target, no gap).
    scope : pandas.DataFrame
        ``code`` and ``name`` of every region to show, data or not.
    targets : pandas.Series
        Target percent by region code (NaN when none is in force).

    Returns
    -------
    pandas.DataFrame
        ``code, name, numerator, denominator, percent, target, has_data,
        counts_known, meets, gap, rank`` and the :data:`EXTRA_COLUMNS` the
        values hold; sorted by coverage, highest first, missing last.
    """
    values = coverage.with_percent(values) if "percent_given" in values.columns else values
    cols = ["code", "numerator", "denominator"] + [
        c for c in ["percent", *EXTRA_COLUMNS] if c in values.columns]
    out = scope.merge(values[cols], on="code", how="left")
    counted = coverage.percent(out["numerator"].astype(float), out["denominator"].astype(float))
    given = out["percent"].astype(float) if "percent" in out.columns else counted
    out["counts_known"] = coverage.has_counts(out)
    out["percent"] = counted.where(out["counts_known"], given)
    out["target"] = out["code"].map(targets).astype(float)
    out["has_data"] = out["percent"].notna()
    triples = zip(out["numerator"], out["denominator"], out["target"], strict=True)
    gaps = [gap_people(n, d, t) for n, d, t in triples]
    out["gap"] = pd.array(gaps, dtype="Int64")
    by_percent = [percent_meets(p, t) for p, t in zip(out["percent"], out["target"], strict=True)]
    out["meets"] = pd.array([(g == 0) if g is not None else m
                             for g, m in zip(gaps, by_percent, strict=True)], dtype="boolean")
    out["rank"] = rank_min(out["percent"])
    return out.sort_values(["percent", "name"], ascending=[False, True],
                           na_position="last").reset_index(drop=True)


def count_meeting(table: pd.DataFrame) -> int:
    """Regions meeting their target (regions without data or target don't count)."""
    return int(table["meets"].fillna(False).sum())


def shortfalls(table: pd.DataFrame) -> tuple[Shortfall, ...]:
    """Regions below their target, lowest coverage first."""
    below = table[table["meets"].fillna(True) == False].sort_values("percent")  # noqa: E712
    rows = zip(below["name"], below["percent"], below["target"], below["gap"], strict=True)
    return tuple(Shortfall(name, float(pct), float(target), None if pd.isna(gap) else int(gap))
                 for name, pct, target, gap in rows)


def member_facts(per_region: pd.DataFrame) -> dict[str, Any]:
    """The :class:`Facts` fields about a scope's compared regions, from its
    :func:`region_attainment` table (the one computation for provinces of
    Indonesia, regencies of a province and kecamatan of a regency).

    Returns
    -------
    dict
        ``highest``, ``lowest``, ``below``, ``meeting``, ``with_data``,
        ``missing``, ``covered`` and ``below_gap``.
    """
    high, low = extremes(per_region)
    has_data = per_region["has_data"].astype(bool)
    return {"highest": high, "lowest": low, "below": shortfalls(per_region),
            "meeting": count_meeting(per_region), "with_data": int(has_data.sum()),
            "missing": tuple(per_region.loc[~has_data, "name"]),
            "covered": tuple(per_region.loc[has_data, "name"]),
            "below_gap": shortfall_total(per_region)}


def province_ranks(rows: pd.DataFrame, regions: pd.DataFrame, targets: pd.DataFrame,
                   indicator: str, year: int) -> pd.DataFrame:
    """Every province's coverage, regencies meeting target, and ranks on both.

    Returns
    -------
    pandas.DataFrame
        ``code, name, numerator, denominator, percent, meeting, with_data,
        regencies, rank_percent, rank_meeting``; provinces without any data
        have missing ranks.
    """
    provs = regions_in_scope(regions, None)
    sums = province_values(rows, regions)
    out = provs.merge(sums, on="code", how="left")
    regs = region_ref.regency_rows(regions)[["code", "name", "province_code"]]
    per_regency = region_attainment(rows, regs[["code", "name"]],
                                    targets_by_code(targets, indicator, year, list(regs["code"])))
    per_regency = per_regency.merge(regs[["code", "province_code"]], on="code")
    grouped = per_regency.groupby("province_code")
    out["meeting"] = out["code"].map(grouped["meets"].apply(lambda s: int(s.fillna(False).sum())))
    out["with_data"] = out["code"].map(grouped["has_data"].sum()).fillna(0).astype(int)
    out["regencies"] = out["code"].map(grouped.size()).fillna(0).astype(int)
    out["meeting"] = out["meeting"].where(out["with_data"] > 0).astype("Int64")
    out["rank_percent"] = rank_min(out["percent"])
    out["rank_meeting"] = rank_min(out["meeting"].astype(float))
    return out


def scope_targets(targets: pd.DataFrame, indicator: str, year: int,
                  scope: pd.DataFrame, regions: pd.DataFrame) -> pd.Series:
    """Target in force for each region of a scope (provinces or regencies)."""
    regs = regions[regions["code"].isin(scope["code"])]
    return targets_by_code(targets, indicator, year, list(regs["code"]))


def scope_facts(table: pd.DataFrame, regions: pd.DataFrame, targets: pd.DataFrame,
                indicator: str, period: str, code: str | None) -> tuple[Facts, pd.DataFrame]:
    """Everything the targets page and the summary need for one scope.

    Parameters
    ----------
    table : pandas.DataFrame
        The coverage table (all periods and indicators, regency rows).
    regions : pandas.DataFrame
        The region reference.
    targets : pandas.DataFrame
        The targets registry.
    indicator, period : str
        Indicator id and ISO period.
    code : str or None
        ``None`` for Indonesia, a province or a regency code.

    Returns
    -------
    (Facts, pandas.DataFrame)
        The summary numbers and the per-region table of :func:`region_attainment`.
    """
    year, level = int(period[:4]), scope_level(code)
    rows = coverage.select(table, indicator, period)
    scope = regions_in_scope(regions, code)
    values = province_values(rows, regions) if level == SCOPE_NATIONAL else rows
    per_region = region_attainment(values, scope, scope_targets(targets, indicator, year,
                                                                 scope, regions))
    whole = scope_total(rows, regions, code)
    total = None if whole.numerator is None or whole.denominator is None else (
        whole.numerator, whole.denominator, whole.percent)
    target = target_for(targets, indicator, year, code)
    pct = whole.percent
    prev = previous_period(list(table["period"].unique()), period)
    prev_total = None
    if prev:
        before = scope_total(coverage.select(table, indicator, prev), regions, code)
        prev_total = None if before.percent is None else (0.0, 0.0, before.percent)
    members = member_facts(per_region)
    if level == SCOPE_REGENCY:  # a regency alone: nothing to compare it with
        members.update(highest=None, lowest=None, below=(), below_gap=None)
    rank, rank_meeting, rank_of = _province_rank(rows, regions, targets, indicator, year, code)
    facts = Facts(
        indicator=indicator, scope_level=level, scope_name=_scope_name(regions, code),
        period=period, percent=pct,
        numerator=None if total is None else total[0],
        denominator=None if total is None else total[1],
        target=target,
        gap=None if total is None or target is None else gap_people(total[0], total[1],
                                                                    target.percent),
        **members,
        previous_period=prev if prev_total else None,
        change=change(pct, prev_total[2] if prev_total else None),
        rank=rank, rank_of=rank_of, rank_meeting=rank_meeting, is_demo=bool(rows["is_demo"].any()),
        without_counts=whole.without_counts, regions_present=whole.regions_present,
        regions_total=whole.regions_total,
        rank_total=len(region_ref.province_rows(regions)) if rank_of else None,
    )
    return facts, per_region


@dataclass(frozen=True)
class KecamatanLevel:
    """The kecamatan level of the data shown, beside the regency-level table.

    Attributes
    ----------
    reference : pandas.DataFrame
        The kecamatan reference (:func:`utils.metrics.regions.read_kecamatan`).
    rows : pandas.DataFrame
        Coverage rows with kecamatan codes (all periods and indicators;
        :func:`utils.metrics.kecamatan.split`).
    """

    reference: pd.DataFrame
    rows: pd.DataFrame


def kecamatan_in_scope(reference: pd.DataFrame, regency: str) -> pd.DataFrame:
    """A regency's kecamatan as its facts name them (``Kecamatan Loa Kulu``,
    ``Distrik Abepura``), in code order; columns ``code``, ``name`` and ``kind``.

    Only the regency's own kecamatan: a name another regency also has never
    brings that one in (names repeat across regencies, codes do not).
    """
    rows = region_ref.kecamatan_of(reference, regency)
    names = [region_ref.kecamatan_label({"kind": kind, "name": name}, with_regency=False)
             for kind, name in zip(rows["kind"], rows["name"], strict=True)]
    return pd.DataFrame({"code": rows["code"].to_numpy(dtype=object), "name": names,
                         "kind": rows["kind"].to_numpy(dtype=object)})


def kecamatan_attainment(level: KecamatanLevel, targets: pd.DataFrame, indicator: str,
                         period: str, regency: str) -> pd.DataFrame:
    """:func:`region_attainment` of a regency's kecamatan: each one's figure
    against the target in force for it (the regency's own, else its province's,
    else the national one: :func:`utils.metrics.targets.targets_in_force`)."""
    scope = kecamatan_in_scope(level.reference, regency)
    rows = coverage.select(level.rows, indicator, period)
    rows = rows[rows["code"].isin(scope["code"])]
    found = targets_by_code(targets, indicator, int(period[:4]), list(scope["code"]))
    return region_attainment(rows, scope[["code", "name"]], found)


def kecamatan_facts(table: pd.DataFrame, regions: pd.DataFrame, targets: pd.DataFrame,
                    indicator: str, period: str, code: str,
                    level: KecamatanLevel) -> tuple[Facts, pd.DataFrame]:
    """A regency's facts compared over its kecamatan.

    The regency's own figure (headline, target, gap, change) is
    :func:`scope_facts` of the regency-level ``table``, the one every view
    shows. When kecamatan of the regency have data for the indicator and
    period, the compared regions are its kecamatan: highest and lowest, those
    below target with the people missing, how many meet it and which have no
    data (``with_data`` of ``with_data + len(missing)``: fewer than all is a
    partial regency, whose kecamatan figures are never the regency's).

    Parameters
    ----------
    table : pandas.DataFrame
        The regency-level coverage table (:func:`utils.metrics.kecamatan.regency_level`).
    regions, targets : pandas.DataFrame
        The region reference and the targets registry.
    indicator, period : str
        Indicator id and ISO period.
    code : str
        The regency's code (``64.02``).
    level : KecamatanLevel
        The kecamatan reference and rows.

    Returns
    -------
    (Facts, pandas.DataFrame)
        The facts (``member_level`` ``kecamatan`` when kecamatan have data)
        and :func:`kecamatan_attainment` of the regency's kecamatan.
    """
    facts, _ = scope_facts(table, regions, targets, indicator, period, code)
    per_kecamatan = kecamatan_attainment(level, targets, indicator, period, code)
    if not per_kecamatan["has_data"].any():
        return facts, per_kecamatan
    rows = coverage.select(level.rows, indicator, period)
    demo = bool(rows.loc[rows["code"].isin(per_kecamatan["code"]), "is_demo"].any())
    kind = str(region_ref.kecamatan_of(level.reference, code)["kind"].iloc[0])
    facts = replace(facts, **member_facts(per_kecamatan), member_level=SCOPE_KECAMATAN,
                    member_kind=kind, is_demo=facts.is_demo or demo)
    return facts, per_kecamatan


def level_facts(table: pd.DataFrame, regions: pd.DataFrame, targets: pd.DataFrame,
                indicator: str, period: str, code: str | None,
                kecamatan: KecamatanLevel | None = None) -> tuple[Facts, pd.DataFrame]:
    """:func:`scope_facts` of any scope, a regency compared over its kecamatan when
    ``kecamatan`` is given (:func:`kecamatan_facts`): what a page showing the
    summary of Indonesia, a province or a regency calls."""
    if code and kecamatan is not None and scope_level(code) == SCOPE_REGENCY:
        return kecamatan_facts(table, regions, targets, indicator, period, code, kecamatan)
    return scope_facts(table, regions, targets, indicator, period, code)


@dataclass(frozen=True)
class ScopeCoverage:
    """How much of its scope a figure covers (the one rule of what it may be called).

    ``complete``: every regency of the scope has data (only then is a figure
    of Indonesia national, or of a province provincial). ``members`` of
    ``members_total`` compared regions (provinces of Indonesia, regencies of a
    province) have data; ``only`` names the single one that has, when one does.
    """

    scope_level: str
    scope_name: str
    complete: bool
    regions_present: int | None
    regions_total: int | None
    members: int
    members_total: int
    only: str | None


def scope_coverage(facts: Facts) -> ScopeCoverage:
    """What a scope's figure covers, from its :class:`Facts`.

    Examples
    --------
    >>> cov = scope_coverage(Facts("kia", "national", "Indonesia", "2025-06-30", 100.89,
    ...     with_data=1, missing=("Aceh", "Bali"), regions_present=10, regions_total=514,
    ...     covered=("Kalimantan Timur",)))
    >>> cov.complete, cov.members, cov.members_total, cov.only
    (False, 1, 3, 'Kalimantan Timur')
    """
    present, total = facts.regions_present, facts.regions_total
    members = facts.with_data or 0
    members_total = members + len(facts.missing)
    complete = (not facts.missing and (present is None or total is None or present >= total))
    return ScopeCoverage(
        scope_level=facts.scope_level, scope_name=facts.scope_name, complete=complete,
        regions_present=present, regions_total=total, members=members,
        members_total=members_total,
        only=facts.covered[0] if len(facts.covered) == 1 and not complete
        and facts.scope_level != SCOPE_REGENCY else None,
    )


def total_coverage(whole: ScopeTotal, code: str | None, name: str,
                   regions: pd.DataFrame, rows: pd.DataFrame) -> ScopeCoverage:
    """:func:`scope_coverage` of a :func:`scope_total` (the map's headline), with
    ``only`` the province all of ``rows`` (one indicator and period) lie in."""
    present, total = whole.regions_present, whole.regions_total
    complete = present is None or total is None or present >= total
    home = data_province(rows, regions) if not complete and scope_level(code) == SCOPE_NATIONAL \
        else None
    names = dict(zip(regions["code"], regions["name"], strict=True))
    return ScopeCoverage(scope_level(code), name, complete, present, total, present or 0,
                         total or 0, names.get(home) if home else None)


def data_province(table: pd.DataFrame | None, regions: pd.DataFrame) -> str | None:
    """The province all rows of ``table`` lie in, when they lie in one (else ``None``).

    The pages open on this scope by default: one province's data is shown as
    that province, not as Indonesia.
    """
    if table is None or table.empty:
        return None
    known = regions.set_index("code")
    codes = pd.Series(table["code"].astype(str).unique())
    codes = codes[codes.isin(known.index)]
    provinces = {c if known.at[c, "level"] == region_ref.PROVINCE
                 else str(known.at[c, "province_code"]) for c in codes}
    return provinces.pop() if len(provinces) == 1 else None


@dataclass(frozen=True)
class ScopeTotal:
    """A scope's figure: sums (``None`` when a row lacks counts), percent, and
    how much of the scope the rows cover."""

    numerator: float | None
    denominator: float | None
    percent: float | None
    without_counts: int = 0
    regions_present: int | None = None
    regions_total: int | None = None


def scope_total(rows: pd.DataFrame, regions: pd.DataFrame, code: str | None) -> ScopeTotal:
    """The figure of Indonesia, a province or a regency from one indicator's rows.

    A province is its regencies summed, or its own row when it has none
    (:func:`province_values`); Indonesia is the sum of the province figures.
    Rows without counts leave the sums empty (and say how many); a single
    percent-only region or province keeps its published percent.
    """
    if scope_level(code) == SCOPE_REGENCY:
        figures = region_attainment(rows, rows[rows["code"] == code][["code"]].assign(name=""),
                                    pd.Series(dtype=float))
        figures["without_counts"] = (~figures["counts_known"]).astype(int)
        figures["regions_present"] = figures["regions_total"] = 1
    else:
        figures = province_values(rows, regions)
        if scope_level(code) == SCOPE_PROVINCE:
            figures = figures[figures["code"] == code]
    return _summed(figures, len(region_ref.regency_rows(regions))
                   if scope_level(code) == SCOPE_NATIONAL else None)


def _summed(figures: pd.DataFrame, regencies: int | None) -> ScopeTotal:
    """Sum province (or region) figures into one :class:`ScopeTotal`."""
    if figures.empty:
        return ScopeTotal(None, None, None, 0, 0, regencies)
    without = int(pd.to_numeric(figures["without_counts"]).sum())
    present = int(pd.to_numeric(figures["regions_present"]).fillna(0).sum())
    total = regencies if regencies is not None else int(
        pd.to_numeric(figures["regions_total"]).fillna(0).sum())
    num, den = figures["numerator"].astype(float), figures["denominator"].astype(float)
    if num.isna().any() or den.isna().any() or den.sum() <= 0:
        single = figures["percent"].iloc[0] if len(figures) == 1 else None
        pct = None if single is None or pd.isna(single) else float(single)
        return ScopeTotal(None, None, pct, without, present, total)
    return ScopeTotal(float(num.sum()), float(den.sum()),
                      float(coverage.percent(float(num.sum()), float(den.sum()))),
                      without, present, total)


def _scope_name(regions: pd.DataFrame, code: str | None) -> str:
    if not code:
        return "Indonesia"
    match = regions.loc[regions["code"] == code, "name"]
    return str(match.iloc[0]) if not match.empty else code


def _province_rank(rows: pd.DataFrame, regions: pd.DataFrame, targets: pd.DataFrame,
                   indicator: str, year: int,
                   code: str | None) -> tuple[int | None, int | None, int | None]:
    """Rank by coverage, rank by regencies meeting target, provinces ranked."""
    if scope_level(code) != SCOPE_PROVINCE:
        return None, None, None
    ranks = province_ranks(rows, regions, targets, indicator, year)
    ranked = int(ranks["rank_percent"].notna().sum())
    mine = ranks[ranks["code"] == code]
    if mine.empty or pd.isna(mine["rank_percent"].iloc[0]):
        return None, None, ranked
    by_count = mine["rank_meeting"].iloc[0]
    return (int(mine["rank_percent"].iloc[0]), None if pd.isna(by_count) else int(by_count),
            ranked)
