"""Goal-seek on the what-if model: what each regency needs, and when its own pace gets there.

Two questions per regency and indicator, both against the scenario's target
(:func:`utils.metrics.whatif.evaluate`'s ``scenario_target``):

*Needed per month.* The smallest whole number ``x`` of extra recordings per
month with which the model of :mod:`utils.metrics.whatif` meets the target at
the deadline: ``numerator + x × months`` against ``denominator × growth
factor`` (the scenario's growth). It is ``ceil(gap at the deadline without
outreach ÷ months)``, checked with the model's own exact rule
(:func:`~utils.metrics.whatif.shortfall`), so putting ``x`` in as the
regency's capacity makes the what-if page show it meeting the target.

*Own pace.* The month the regency reaches the target if it goes on as its
own history says: pace = change of its numerator between its last two
periods with counts, per month; the denominator grows at the yearly rate
between those periods (the scenario's growth where the regency has fewer
than two periods, and the table says which). Searched up to
:data:`REACH_HORIZON` months.

Every function works on whole arrays (all regencies at once); none touches
files or Streamlit. Nothing is invented: a regency without counts, target or
history gets a status saying why there is no number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from utils.metrics import whatif as model

REACH_HORIZON = 120
"""Months searched for the own-pace month (10 years); later counts as "not at this pace"."""

NEED_STATUSES = ("needs", "met", "no_time", "no_target", "no_counts", "no_data")
"""Why a regency's need is what it is: ``needs`` (a number > 0), ``met`` (0: meets the
target at the deadline without extra), ``no_time`` (deadline is the data's period and
the target is not met), and three reasons it cannot be computed."""
OWN_STATUSES = ("now", "month", "never", "beyond", "no_history", "no_target", "no_counts",
                "no_data")
"""When the own pace gets there: ``now``, a ``month``, ``never`` (pace ≤ 0 and the
denominator does not shrink), ``beyond`` (not within :data:`REACH_HORIZON`), or why
it cannot be computed."""

HISTORY_COLUMNS = ["code", "pace", "yearly_growth", "since", "months_apart"]


# --- history ---------------------------------------------------------------------------------


def months_between(earlier: pd.Series, later: pd.Series) -> pd.Series:
    """Calendar months between periods ``YYYY-MM-DD`` (``2024-12-31`` → ``2025-06-30``: 6).

    Examples
    --------
    >>> months_between(pd.Series(["2024-12-31"]), pd.Series(["2025-06-30"])).tolist()
    [6]
    """
    def index(periods: pd.Series) -> pd.Series:
        text = periods.astype(str)
        return text.str[:4].astype(int) * 12 + text.str[5:7].astype(int)

    return index(later) - index(earlier)


def history(table: pd.DataFrame, indicator: str, period: str) -> pd.DataFrame:
    """Each regency's own pace and denominator growth from its last two periods.

    Parameters
    ----------
    table : pandas.DataFrame
        Coverage rows in long form (``period, code, indicator, numerator,
        denominator``), all periods.
    indicator : str
        Indicator id.
    period : str
        The baseline period; a regency counts only when its latest period with
        both counts is this one.

    Returns
    -------
    pandas.DataFrame
        ``code, pace, yearly_growth, since, months_apart``: numerator change per
        month, yearly growth of the denominator as a fraction (NaN when the
        earlier denominator is not positive), the earlier period and the months
        between. Regencies with fewer than two periods are absent.
    """
    rows = table[(table["indicator"] == indicator) & (table["period"] <= period)
                 & table["code"].astype(str).str.contains(".", regex=False)
                 & table["numerator"].notna() & table["denominator"].notna()]
    rows = rows.sort_values(["code", "period"])[["code", "period", "numerator", "denominator"]]
    groups = rows.groupby("code", sort=False)
    last = groups.nth(-1).set_index("code")
    prev = groups.nth(-2).set_index("code")
    last = last[last["period"] == period].join(prev.add_suffix("_prev"), how="inner")
    apart = months_between(last["period_prev"], last["period"])
    last = last[apart > 0]
    apart = apart[apart > 0].astype(float)
    den_prev = last["denominator_prev"].astype(float)
    ratio = last["denominator"].astype(float) / den_prev.where(den_prev > 0)
    out = pd.DataFrame({
        "pace": (last["numerator"].astype(float) - last["numerator_prev"].astype(float)) / apart,
        "yearly_growth": np.power(ratio, 12.0 / apart) - 1.0,
        "since": last["period_prev"].astype(str),
        "months_apart": apart.astype(int),
    })
    return out.rename_axis("code").reset_index()[HISTORY_COLUMNS]


def no_history() -> pd.DataFrame:
    """:func:`history`'s frame for an indicator without two periods anywhere."""
    return pd.DataFrame(columns=HISTORY_COLUMNS).astype(
        {"code": str, "pace": float, "yearly_growth": float, "since": str, "months_apart": int})


# --- the two questions -----------------------------------------------------------------------


def needed_per_month(numerator: np.ndarray, denominator: np.ndarray, target: np.ndarray,
                     months: int, yearly_growth: float) -> np.ndarray:
    """Fewest extra recordings per month that meet ``target`` at the deadline.

    Parameters
    ----------
    numerator, denominator, target : numpy.ndarray
        Baseline figures and the target in percent, per regency.
    months : int
        Months to the deadline.
    yearly_growth : float
        Yearly growth of the denominator as a fraction.

    Returns
    -------
    numpy.ndarray
        Whole numbers ≥ 0 (0 where the target is met at the deadline anyway);
        NaN where a figure or the target is missing, or the deadline is the
        baseline (``months`` 0) and the target is not met.

    Examples
    --------
    >>> needed_per_month(np.array([900.0, 990.0]), np.array([1000.0, 1000.0]),
    ...                  np.array([95.0, 95.0]), 10, 0.0).tolist()
    [5.0, 0.0]
    """
    num = np.asarray(numerator, dtype=float)
    _, den_end = model.project(num, denominator, 0.0, months, yearly_growth)
    missing = model.gaps(num, den_end, target)
    if int(months) <= 0:
        return np.where(missing > 0, np.nan, missing)
    need = np.ceil(missing / int(months))
    still_short = model.shortfall(num + need * int(months), den_end, target) > 0
    return need + still_short  # a float rounding short by one person gets one more


def own_pace_month(numerator: np.ndarray, denominator: np.ndarray, target: np.ndarray,
                   pace: np.ndarray, yearly_growth: np.ndarray,
                   horizon: int = REACH_HORIZON) -> np.ndarray:
    """First month (0 … ``horizon``) in which a regency at its own pace meets its target.

    Month ``k``: numerator ``+ pace × k`` against denominator ``× (1 +
    yearly_growth) ** (k / 12)``, with the exact rule of
    :func:`utils.metrics.whatif.shortfall`.

    Returns
    -------
    numpy.ndarray
        The month, or NaN when not met within ``horizon`` or a figure is missing.

    Examples
    --------
    >>> own_pace_month(np.array([900.0]), np.array([1000.0]), np.array([95.0]),
    ...                np.array([10.0]), np.array([0.0])).tolist()
    [5.0]
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    rate = np.asarray(pace, dtype=float)
    growth = np.asarray(yearly_growth, dtype=float)
    steps = np.arange(int(horizon) + 1, dtype=float)
    with np.errstate(invalid="ignore"):
        factors = np.power(1.0 + growth[:, None], steps / 12.0)
    met = model.shortfall(num[:, None] + rate[:, None] * steps, den[:, None] * factors,
                          np.asarray(target, dtype=float)[:, None]) <= 0
    ok = met.any(axis=1) & model.known(num, den, target) & ~np.isnan(rate) & ~np.isnan(growth)
    return np.where(ok, np.argmax(met, axis=1).astype(float), np.nan)


# --- per regency -----------------------------------------------------------------------------


def _missing_reason(result: pd.DataFrame) -> np.ndarray:
    """``no_data``, ``no_counts``, ``no_target`` or ``""`` per regency."""
    counts = result["numerator"].notna() & result["denominator"].notna()
    return np.select(
        [~counts & ~result["without_counts"], ~counts,
         result["target"].isna()],
        ["no_data", "no_counts", "no_target"], default="").astype(object)


def goal_table(result: pd.DataFrame, past: pd.DataFrame, months: int,
               growth_percent: float) -> pd.DataFrame:
    """Goal-seek of every regency for one indicator, neediest first.

    Parameters
    ----------
    result : pandas.DataFrame
        :func:`utils.metrics.whatif.evaluate` of the indicator.
    past : pandas.DataFrame
        :func:`history` of the same indicator.
    months : int
        The scenario's months to the deadline.
    growth_percent : float
        The scenario's yearly growth in percent.

    Returns
    -------
    pandas.DataFrame
        ``code, name, province_name, numerator, denominator, percent_now,
        target, gap_deadline, needed, need_status, pace, since,
        growth_used`` (yearly, percent), ``growth_source`` (``data`` or
        ``scenario``), ``own_month, own_status, on_time`` (own pace meets the
        target by the deadline; ``<NA>`` when unknown).
    """
    base = result[["code", "name", "province_name", "numerator", "denominator", "percent_now",
                   "scenario_target"]].rename(columns={"scenario_target": "target"})
    base = base.assign(without_counts=result["without_counts"].fillna(False).astype(bool)
                       if "without_counts" in result else False)
    out = base.merge(past, on="code", how="left")
    num, den = out["numerator"].to_numpy(float), out["denominator"].to_numpy(float)
    target, growth = out["target"].to_numpy(float), growth_percent / 100.0
    _, den_end = model.project(num, den, 0.0, months, growth)
    from_data = out["yearly_growth"].notna().to_numpy()
    own_growth = np.where(from_data, out["yearly_growth"].to_numpy(float), growth)
    own = own_pace_month(num, den, target, out["pace"].to_numpy(float), own_growth)
    out = out.assign(
        gap_deadline=model.gaps(num, den_end, target),
        needed=needed_per_month(num, den, target, months, growth),
        growth_used=100.0 * own_growth,
        growth_source=np.where(from_data, "data", "scenario"),
        own_month=own,
    )
    reason = _missing_reason(out)
    out["need_status"] = _need_status(out, reason)
    out["own_status"] = _own_status(out, reason)
    unknown = out["own_status"].isin(["no_history", "no_target", "no_counts", "no_data"])
    out["on_time"] = pd.arrays.BooleanArray(np.nan_to_num(own, nan=np.inf) <= months,
                                            unknown.to_numpy())
    out = out.drop(columns=["yearly_growth", "months_apart", "without_counts"])
    return out.sort_values(["needed", "code"], ascending=[False, True],
                           na_position="last").reset_index(drop=True)


def _need_status(out: pd.DataFrame, reason: np.ndarray) -> np.ndarray:
    need = out["needed"].to_numpy(float)
    return np.select([reason != "", np.isnan(need), need == 0],
                     [reason, "no_time", "met"], default="needs").astype(object)


def _own_status(out: pd.DataFrame, reason: np.ndarray) -> np.ndarray:
    month, pace = out["own_month"].to_numpy(float), out["pace"].to_numpy(float)
    growth = out["growth_used"].to_numpy(float)
    never = (np.nan_to_num(pace) <= 0) & (np.nan_to_num(growth) >= 0)
    return np.select(
        [reason != "", np.isnan(pace), month == 0, ~np.isnan(month), never],
        [reason, "no_history", "now", "month", "never"], default="beyond").astype(object)


# --- totals ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalTotals:
    """One indicator's goal-seek summed over regencies (sums of their own numbers)."""

    computed: int
    needing: int
    at_target: int
    not_computable: int
    needed: int
    on_time: int
    without_history: int


def goal_totals(table: pd.DataFrame) -> GoalTotals:
    """Sum up :func:`goal_table`: people per month over the regencies that need some."""
    status = table["need_status"]
    computed = status.isin(["needs", "met"])
    return GoalTotals(
        computed=int(computed.sum()),
        needing=int((status == "needs").sum()),
        at_target=int((status == "met").sum()),
        not_computable=int((~computed).sum()),
        needed=int(np.nansum(table["needed"].to_numpy(float))),
        on_time=int(table["on_time"].fillna(False).sum()),
        without_history=int((table["own_status"] == "no_history").sum()),
    )


def grand_total(totals: Mapping[str, GoalTotals]) -> int:
    """Extra recordings per month over every indicator (people per month, summed)."""
    return sum(tot.needed for tot in totals.values())
