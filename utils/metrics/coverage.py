"""Coverage figures in the long form every part of Capaian shares.

A coverage table has one row per (period, region code, indicator) with the
columns in :data:`COLUMNS`. Coverage is always ``numerator / denominator``;
aggregates sum numerators and denominators first, never average percentages.
"""

from __future__ import annotations

from typing import overload

import pandas as pd

COLUMNS = ["period", "code", "indicator", "numerator", "denominator", "is_demo"]


@overload
def percent(numerator: float, denominator: float) -> float: ...
@overload
def percent(numerator: pd.Series, denominator: pd.Series | float) -> pd.Series: ...
@overload
def percent(numerator: pd.Series | float, denominator: pd.Series) -> pd.Series: ...
def percent(numerator: pd.Series | float, denominator: pd.Series | float) -> pd.Series | float:
    """Coverage in percent; missing where the denominator is missing or zero.

    Values above 100 are kept: denominators are projections.
    """
    num = pd.to_numeric(numerator)
    den = pd.to_numeric(denominator)
    if isinstance(den, pd.Series):
        return 100.0 * num / den.where(den > 0)
    return float("nan") if not den else 100.0 * num / den


def with_percent(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with a ``percent`` column added."""
    out = table.copy()
    out["percent"] = percent(out["numerator"], out["denominator"])
    return out


def aggregate(table: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Sum numerators and denominators by ``by`` and recompute the percentage.

    Parameters
    ----------
    table : pandas.DataFrame
        Coverage rows (see :data:`COLUMNS`).
    by : str or list of str
        Grouping columns, for example ``["province_code", "indicator"]``.

    Returns
    -------
    pandas.DataFrame
        One row per group with ``numerator``, ``denominator``, ``percent``
        and ``regions`` (rows that went in).
    """
    grouped = table.groupby(by, sort=True, dropna=False)
    out = grouped.agg(
        numerator=("numerator", "sum"),
        denominator=("denominator", "sum"),
        regions=("code", "count"),
    ).reset_index()
    out["percent"] = percent(out["numerator"], out["denominator"])
    return out


def latest_period(table: pd.DataFrame) -> str | None:
    """Return the most recent period in ``table`` (ISO date text), or ``None``."""
    return None if table.empty else str(max(table["period"]))


def select(table: pd.DataFrame, indicator: str, period: str) -> pd.DataFrame:
    """Rows of one indicator and period, with ``percent`` added."""
    rows = table[(table["indicator"] == indicator) & (table["period"] == period)]
    return with_percent(rows)
