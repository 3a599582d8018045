"""What-if simulation of targets, outreach and population growth (pure, vectorised).

The model, per region (every regency, or the kecamatan of one regency: see
:mod:`utils.metrics.kecamatan_whatif`) and indicator, for a horizon of ``m`` months::

    growth factor        = (1 + yearly_growth) ** (m / 12)
    projected numerator  = numerator + outreach × m
    projected denominator = denominator × growth factor
    projected coverage   = projected numerator / projected denominator × 100

Nothing is capped: coverage above 100 % stays above 100 %. ``outreach`` is
the number of extra recordings per month *in each regency* that receives
outreach ("jemput bola"); ``yearly_growth`` is the yearly growth of the
denominator (new 17-year-olds becoming wajib KTP, newborns entering the KIA
and birth-certificate base). The same outreach, months and growth apply to
every indicator, except where the scenario's capacity sets a regency's own
outreach per month for an indicator (:func:`outreach_per_region`).

"Meets the target" and the gap in people use the rule of
:func:`utils.metrics.attainment.gap_people`, ``ceil(target % × denominator −
numerator)``, never negative, computed exactly on integer-scaled values
(targets are taken to 1/10 000 of a percent), so a scenario without any
change reproduces the baseline exactly. Every function works on whole
arrays (all 514 regencies at once); none touches files or Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from utils.metrics.attainment import Facts, gap_people
from utils.metrics.regions import regency_codes, regency_rows
from utils.metrics.targets import SCOPE_NATIONAL, Target, scope_level, targets_in_force
from utils.metrics.whatif_state import Scenario

TARGET_SCALE = 10_000
"""Targets are compared as integers of 1/10 000 percent (99.3 % → 993 000)."""
PERCENT_SCALE = 100 * TARGET_SCALE

CATEGORIES = ("newly_failing", "newly_passing", "still_meeting", "still_below", "no_data")
"""Change of status against the baseline (targets in force, now), map order."""


# --- the model -------------------------------------------------------------------------------


def growth_factors(months: int, yearly_growth: float) -> np.ndarray:
    """Growth factor of the denominator after 0, 1, …, ``months`` months.

    Parameters
    ----------
    months : int
        Horizon in months (0 or more).
    yearly_growth : float
        Yearly growth as a fraction (``0.012`` = 1.2 %).

    Returns
    -------
    numpy.ndarray
        ``(1 + yearly_growth) ** (k / 12)`` for ``k = 0 … months``; the first
        is exactly 1.

    Examples
    --------
    >>> growth_factors(12, 0.02)[[0, 12]].tolist()
    [1.0, 1.02]
    """
    steps = np.arange(int(months) + 1, dtype=float)
    factors = np.power(1.0 + float(yearly_growth), steps / 12.0)
    factors[0] = 1.0
    return factors


def growth_factor(months: int, yearly_growth: float) -> float:
    """``(1 + yearly_growth) ** (months / 12)`` (the last of :func:`growth_factors`)."""
    return float(growth_factors(months, yearly_growth)[-1])


def project(
    numerator: np.ndarray,
    denominator: np.ndarray,
    outreach: np.ndarray | float,
    months: int,
    yearly_growth: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Projected numerator and denominator at the deadline.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``numerator + outreach × months`` and ``denominator × growth factor``;
        missing values stay missing.
    """
    num = np.asarray(numerator, dtype=float) + np.asarray(outreach, dtype=float) * int(months)
    den = np.asarray(denominator, dtype=float) * growth_factor(months, yearly_growth)
    return num, den


def coverage_percent(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator × 100``; NaN where the denominator is missing or ≤ 0."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1.0), np.nan)


def scaled_target(target: np.ndarray | float) -> np.ndarray:
    """Targets as integers of 1/10 000 percent (NaN stays NaN)."""
    return np.round(np.asarray(target, dtype=float) * TARGET_SCALE)


def shortfall(
    numerator: np.ndarray, denominator: np.ndarray, target: np.ndarray | float
) -> np.ndarray:
    """People missing to reach the target, before rounding up, times :data:`PERCENT_SCALE`.

    ``target × denominator − numerator × 100`` on integer-scaled values: exact
    for whole counts, so the sign decides "meets" without rounding doubt.
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    return scaled_target(target) * den - num * PERCENT_SCALE


def known(numerator: np.ndarray, denominator: np.ndarray, target: np.ndarray | float) -> np.ndarray:
    """True where numerator, a positive denominator and the target are all known."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    tgt = np.broadcast_to(np.asarray(target, dtype=float), np.broadcast(num, den).shape)
    return ~np.isnan(num) & ~np.isnan(den) & (np.nan_to_num(den) > 0) & ~np.isnan(tgt)


def gaps(numerator: np.ndarray, denominator: np.ndarray, target: np.ndarray | float) -> np.ndarray:
    """People still missing per region: ``ceil(target % × denominator − numerator)``, ≥ 0.

    The rule of :func:`utils.metrics.attainment.gap_people`, vectorised. NaN where a
    figure or the target is missing.

    Examples
    --------
    >>> gaps(np.array([95970, 102440]), np.array([100000, 100000]), 99.3).tolist()
    [3330.0, 0.0]
    """
    missing = shortfall(numerator, denominator, target)
    people = np.maximum(-np.floor_divide(-missing, PERCENT_SCALE), 0.0)
    return np.where(known(numerator, denominator, target), people, np.nan)


def meets(
    numerator: np.ndarray, denominator: np.ndarray, target: np.ndarray | float
) -> pd.arrays.BooleanArray:
    """Whether each region meets its target (``<NA>`` where unknown)."""
    ok = shortfall(numerator, denominator, target) <= 0
    return pd.arrays.BooleanArray(
        np.asarray(ok, dtype=bool), ~known(numerator, denominator, target)
    )


def reach_month(
    numerator: np.ndarray,
    denominator: np.ndarray,
    target: np.ndarray,
    outreach: np.ndarray | float,
    months: int,
    yearly_growth: float,
) -> np.ndarray:
    """First month (0 … ``months``) from which a region meets its target up to the deadline.

    Month 0 is the baseline period. NaN when the region does not meet the
    target at the deadline (shown as "tidak tercapai") or a figure is
    missing. Growth can make a region fall back below the target after
    reaching it; the month returned is the one from which it stays met, so a
    month is given exactly when the target is met at the deadline.

    Examples
    --------
    >>> reach_month(np.array([900.0]), np.array([1000.0]), np.array([95.0]), 10.0, 12, 0.0)
    array([5.])
    """
    met = _met_by_month(numerator, denominator, target, outreach, months, yearly_growth)
    stays = np.flip(np.logical_and.accumulate(np.flip(met, axis=1), axis=1), axis=1)
    first = np.argmax(stays, axis=1).astype(float)
    ok = stays[:, -1] & known(numerator, denominator, target)
    return np.where(ok, first, np.nan)


def _met_by_month(numerator: np.ndarray, denominator: np.ndarray, target: np.ndarray,
                  outreach: np.ndarray | float, months: int,
                  yearly_growth: float) -> np.ndarray:
    """Regions × months 0 … ``months``: is the target met that month?"""
    num = np.asarray(numerator, dtype=float)[:, None]
    steps = np.arange(int(months) + 1, dtype=float)
    extra = np.asarray(outreach, dtype=float).reshape(-1, 1) * steps
    den = np.asarray(denominator, dtype=float)[:, None] * growth_factors(months, yearly_growth)
    return shortfall(num + extra, den, np.asarray(target, dtype=float)[:, None]) <= 0


def meeting_by_month(
    numerator: np.ndarray,
    denominator: np.ndarray,
    target: np.ndarray,
    outreach: np.ndarray | float,
    months: int,
    yearly_growth: float,
) -> np.ndarray:
    """How many regions meet their target in each month 0 … ``months``."""
    met = _met_by_month(numerator, denominator, target, outreach, months, yearly_growth)
    ok = known(numerator, denominator, target)[:, None]
    return (met & ok).sum(axis=0)


def change_category(before: pd.arrays.BooleanArray,
                    after: pd.arrays.BooleanArray) -> np.ndarray:
    """Status change per region: one of :data:`CATEGORIES`.

    Examples
    --------
    >>> change_category(pd.array([True, False, True, False, None], dtype="boolean"),
    ...                 pd.array([False, True, True, False, True], dtype="boolean")).tolist()
    ['newly_failing', 'newly_passing', 'still_meeting', 'still_below', 'no_data']
    """
    was = before.fillna(False).to_numpy(dtype=bool)
    now = after.fillna(False).to_numpy(dtype=bool)
    unknown = np.asarray(before.isna()) | np.asarray(after.isna())
    out = np.select(
        [unknown, was & ~now, ~was & now, was & now],
        ["no_data", "newly_failing", "newly_passing", "still_meeting"],
        default="still_below",
    )
    return out.astype(object)


# --- targets per region ----------------------------------------------------------------------


def in_force_targets(
    targets: pd.DataFrame, indicator: str, year: int, regions: pd.DataFrame
) -> pd.DataFrame:
    """Target in force for every regency and the scope it was set for.

    Returns
    -------
    pandas.DataFrame
        ``code, target, target_scope`` with ``target_scope`` one of
        ``national``, ``province``, ``regency`` (NaN target and scope when no
        target applies).
    """
    codes = regency_codes(regions)
    found = targets_in_force(targets, indicator, year, codes)
    rows = [(code, hit.percent if hit else np.nan, scope_level(hit.scope) if hit else np.nan)
            for code, hit in found.items()]
    return pd.DataFrame(rows, columns=["code", "target", "target_scope"])


def baseline(rows: pd.DataFrame, regions: pd.DataFrame, in_force: pd.DataFrame) -> pd.DataFrame:
    """One row per regency (data or not) with its baseline figures and target in force.

    Parameters
    ----------
    rows : pandas.DataFrame
        Coverage rows of one indicator and period (``code``, ``numerator``,
        ``denominator``).
    regions : pandas.DataFrame
        The region reference.
    in_force : pandas.DataFrame
        :func:`in_force_targets` of the same indicator.

    Returns
    -------
    pandas.DataFrame
        ``code, name, province_code, province_name, numerator, denominator,
        target, target_scope, without_counts``, sorted by code.
        ``without_counts`` is True for a regency whose row holds only a
        percent: the model cannot project it (no counts are invented), so it
        is left out like a regency without data and counted by
        :func:`excluded_without_counts`.
    """
    regs = regency_rows(regions)[
        ["code", "name", "province_code", "province_name"]
    ]
    out = regs.merge(rows[["code", "numerator", "denominator"]], on="code", how="left")
    out = out.merge(in_force, on="code", how="left")
    out["numerator"] = out["numerator"].astype(float)
    out["denominator"] = out["denominator"].astype(float)
    has_row = out["code"].isin(rows["code"])
    out["without_counts"] = (has_row & (out["numerator"].isna() | out["denominator"].isna()))
    return out.sort_values("code").reset_index(drop=True)


def excluded_without_counts(base: pd.DataFrame) -> int:
    """Regencies with a row but no counts (percent only), left out of the model."""
    if "without_counts" not in base.columns:
        return 0
    return int(base["without_counts"].sum())


def within(codes: pd.Series, places: tuple[str, ...] | list[str]) -> np.ndarray:
    """True for regions that are one of ``places`` or lie inside one (by code prefix:
    ``64.02.01`` lies inside ``64.02`` and ``64``).

    Examples
    --------
    >>> within(pd.Series(["64.02.01", "64.02.02", "64.74.01"]), ["64.02.02", "64.7"]).tolist()
    [False, True, False]
    >>> within(pd.Series(["64.02", "33.14"]), ["64"]).tolist()
    [True, False]
    """
    wanted, inside = set(places), tuple(f"{place}." for place in places)
    text = map(str, codes.tolist())  # plain strings: ten times faster than Series.str here
    return np.fromiter((code in wanted or code.startswith(inside) for code in text),
                       dtype=bool, count=len(codes))


def in_scope(codes: pd.Series, province_codes: pd.Series, scope: str | None) -> np.ndarray:
    """True for regions inside ``scope``: regencies of a province, a regency, or the
    kecamatan of a regency (``64.02`` holds ``64.02.01``). A code starts with its
    province's, so ``province_codes`` is not needed (kept for callers)."""
    if not scope:
        return np.zeros(len(codes), dtype=bool)
    return within(codes, [scope])


def scenario_targets(
    base: pd.DataFrame, national: float, scope: str | None = None, override: float | None = None
) -> np.ndarray:
    """Target per regency under a scenario.

    The national target replaces the target in force wherever that target is
    the national one (or none is in force); targets set for a province, a
    regency or a kecamatan stay; the override replaces every target inside
    ``scope``.
    """
    narrower = base["target_scope"].isin(["province", "regency", "kecamatan"]).to_numpy()
    out = np.where(narrower, base["target"].to_numpy(dtype=float), float(national))
    if override is not None and scope:
        out = np.where(in_scope(base["code"], base["province_code"], scope), float(override), out)
    return out


def outreach_per_region(
    base: pd.DataFrame, outreach: float, regions: tuple[str, ...] = (),
    capacity: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Extra recordings per month for each region (only the picked ones, if any: a
    picked province or regency covers every region inside it); ``capacity``
    (region code → per month) replaces that for the regions it names."""
    if not regions:
        out = np.full(len(base), float(outreach))
    else:
        out = np.where(within(base["code"], regions), float(outreach), 0.0)
    if capacity:
        own = base["code"].map(capacity).to_numpy(dtype=float, na_value=np.nan)
        out = np.where(np.isnan(own), out, own)
    return out


# --- a whole scenario ------------------------------------------------------------------------


def evaluate(base: pd.DataFrame, scenario: Scenario, indicator: str) -> pd.DataFrame:
    """Per-regency result of a scenario for one indicator.

    Returns
    -------
    pandas.DataFrame
        ``base`` plus ``percent_now``, ``meets_base`` and ``gap_base`` (targets
        in force, now: the baseline), ``scenario_target``, ``meets_now`` (the
        scenario's target, now), ``outreach``, ``numerator_end``,
        ``denominator_end``, ``percent_end``, ``meets_end``, ``gap_end``,
        ``reach_month`` and ``category`` (see :data:`CATEGORIES`).
    """
    num, den = base["numerator"].to_numpy(float), base["denominator"].to_numpy(float)
    in_force = base["target"].to_numpy(float)
    national = scenario.targets.get(indicator, np.nan)
    target = scenario_targets(base, national, scenario.scope, scenario.overrides.get(indicator))
    extra = outreach_per_region(base, scenario.outreach, scenario.outreach_regions,
                                scenario.capacity_for(indicator))
    growth = scenario.growth / 100.0
    num_end, den_end = project(num, den, extra, scenario.months, growth)
    meets_base, meets_end = meets(num, den, in_force), meets(num_end, den_end, target)
    added = pd.DataFrame(
        {
            "percent_now": coverage_percent(num, den),
            "meets_base": meets_base,
            "gap_base": gaps(num, den, in_force),
            "scenario_target": target,
            "meets_now": meets(num, den, target),
            "outreach": extra,
            "numerator_end": num_end,
            "denominator_end": den_end,
            "percent_end": coverage_percent(num_end, den_end),
            "meets_end": meets_end,
            "gap_end": gaps(num_end, den_end, target),
            "reach_month": reach_month(num, den, target, extra, scenario.months, growth),
            "category": change_category(meets_base, meets_end),
        },
        index=base.index,
    )
    # the base's columns are shared, not copied (pandas copy-on-write guards them)
    return pd.concat([base.drop(columns=added.columns, errors="ignore"), added], axis=1)


@dataclass(frozen=True)
class Totals:
    """Counts and sums of one indicator's result (regions with data and target)."""

    regions: int
    with_data: int
    meeting_base: int
    meeting_now: int
    meeting_end: int
    newly_passing: int
    newly_failing: int
    gap_base: int
    gap_end: int
    without_counts: int = 0


def totals(result: pd.DataFrame) -> Totals:
    """Sum up :func:`evaluate` (gaps are sums of the regions' own gaps); regencies
    whose rows hold only a percent are counted in ``without_counts``."""
    counts = result["category"].value_counts()
    return Totals(
        regions=len(result),
        with_data=int(result["meets_end"].notna().sum()),
        meeting_base=int(result["meets_base"].fillna(False).sum()),
        meeting_now=int(result["meets_now"].fillna(False).sum()),
        meeting_end=int(result["meets_end"].fillna(False).sum()),
        newly_passing=int(counts.get("newly_passing", 0)),
        newly_failing=int(counts.get("newly_failing", 0)),
        gap_base=int(np.nansum(result["gap_base"].to_numpy(float))),
        gap_end=int(np.nansum(result["gap_end"].to_numpy(float))),
        without_counts=excluded_without_counts(result),
    )


def scope_sums(
    result: pd.DataFrame, scope: str | None, end: bool = True
) -> tuple[float, float] | None:
    """Summed numerator and denominator over a scope (all Indonesia for ``None``).

    Regions without both figures are left out; ``None`` when none remain.
    """
    rows = result if not scope else result[in_scope(result["code"], result["province_code"], scope)]
    num = rows["numerator_end" if end else "numerator"].to_numpy(float)
    den = rows["denominator_end" if end else "denominator"].to_numpy(float)
    ok = ~np.isnan(num) & ~np.isnan(den)
    if not ok.any() or den[ok].sum() <= 0:
        return None
    return float(num[ok].sum()), float(den[ok].sum())


def scope_target(in_force: Target | None, national: float, override: float | None) -> Target | None:
    """Target of a whole scope under the scenario.

    The override wins; a target in force set nationally takes the scenario's
    national value; a province or regency target in force stays.
    """
    if override is not None:
        scope = in_force.scope if in_force and in_force.scope != SCOPE_NATIONAL else "scenario"
        return Target("", in_force.year if in_force else 0, scope, float(override), "")
    if in_force is None or in_force.scope == SCOPE_NATIONAL:
        year = in_force.year if in_force else 0
        indicator = in_force.indicator if in_force else ""
        return Target(indicator, year, SCOPE_NATIONAL, float(national), "")
    return in_force


def add_months(period: str, months: int) -> tuple[int, int]:
    """Calendar (year, month) ``months`` after a period ``YYYY-MM-DD``.

    Examples
    --------
    >>> add_months("2025-06-30", 6), add_months("2025-06-30", 7)
    ((2025, 12), (2026, 1))
    """
    year, month = int(period[:4]), int(period[5:7])
    total = year * 12 + (month - 1) + int(months)
    return total // 12, total % 12 + 1


def months_to_year_end(period: str) -> int:
    """Default horizon: months from the period to the end of its year (12 in December).

    Examples
    --------
    >>> months_to_year_end("2025-06-30"), months_to_year_end("2025-12-31")
    (6, 12)
    """
    left = 12 - int(period[5:7])
    return left if left > 0 else 12


def override_start(in_force: Target | None, national: float | None) -> float:
    """Where a scope's override slider starts: the scope's target under the
    scenario's national target (100 when none is known)."""
    found = scope_target(in_force, national if national is not None else math.nan, None)
    return round(found.percent, 2) if found and not math.isnan(found.percent) else 100.0


def scope_facts(result: pd.DataFrame, scenario: Scenario, indicator: str,
                in_force: Target | None, code: str | None, scope_name: str,
                period: str) -> Facts:
    """A scope's figures at the deadline under the scenario, as the targets page's
    :class:`~utils.metrics.attainment.Facts` (so the same gauge draws them);
    ``without_counts`` says how many regencies (percent only) the sums leave out."""
    national, override = scenario.targets.get(indicator), scenario.overrides.get(indicator)
    target = (scope_target(in_force, national if national is not None else math.nan, override)
              if national is not None or override is not None else None)
    sums = scope_sums(result, code)
    num, den = sums if sums else (None, None)
    goal = target.percent if target else None
    return Facts(
        indicator=indicator,
        scope_level=scope_level(code),
        scope_name=scope_name,
        period=period,
        percent=None if sums is None else 100.0 * sums[0] / sums[1],
        numerator=num,
        denominator=den,
        target=target,
        gap=None if sums is None or goal is None else gap_people(sums[0], sums[1], goal),
        without_counts=excluded_without_counts(
            result if not code else result[in_scope(result["code"], result["province_code"],
                                                    code)]),
    )


def meeting_counts(result: pd.DataFrame, scenario: Scenario) -> list[int]:
    """How many regions meet their scenario target in each month up to the deadline
    (:func:`meeting_by_month` on an :func:`evaluate` result)."""
    counts = meeting_by_month(result["numerator"].to_numpy(float),
                              result["denominator"].to_numpy(float),
                              result["scenario_target"].to_numpy(float),
                              result["outreach"].to_numpy(float),
                              scenario.months, scenario.growth / 100)
    return [int(c) for c in counts]
