"""Coverage figures in the long form every part of Capaian shares.

A coverage table has one row per (period, region code, indicator) with the
columns in :data:`COLUMNS`. Coverage is always ``numerator / denominator``;
aggregates sum numerators and denominators first, never average percentages.

Published tables do not always carry both counts; the :data:`OPTIONAL`
columns say what a row holds (:func:`with_optional` fills them in for tables
without them, which then read exactly as before):

``percent_given``
    The percent as published, kept for rows without counts ("percent only":
    numerator and denominator missing; maps, ranks and status use it, sums,
    gaps in people and the what-if model cannot).
``derived``
    How the denominator was obtained when it was not in the file:
    :data:`DERIVED_PERCENT` (count ÷ published percent), :data:`DERIVED_REMAINING`
    (sudah + belum), ``""`` when it was read as written.
``derived_margin``
    People the derived denominator may be off by (± , from the percent's
    rounding; 0 when exact, NaN when there is no denominator).

Rows whose code is a province (``64``) hold that province's own figure; they
are never summed with regency rows (:func:`province_totals`).
"""

from __future__ import annotations

import math
from typing import overload

import pandas as pd

COLUMNS = ["period", "code", "indicator", "numerator", "denominator", "is_demo"]
OPTIONAL = ("percent_given", "derived", "derived_margin")
"""Optional columns (see the module docstring); :func:`with_optional` fills them."""
DERIVED_PERCENT = "percent"
DERIVED_REMAINING = "remaining"


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


def with_optional(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the :data:`OPTIONAL` columns it lacks filled in (a copy).

    Old store versions, demo data and hand-made frames have both counts on
    every row: no percent given, nothing derived, a margin of 0 where the
    denominator is known.
    """
    out = table.copy()
    if "percent_given" not in out.columns:
        out["percent_given"] = float("nan")
    if "derived" not in out.columns:
        out["derived"] = ""
    if "derived_margin" not in out.columns:
        out["derived_margin"] = 0.0
    out["percent_given"] = pd.to_numeric(out["percent_given"]).astype(float)
    out["derived"] = out["derived"].fillna("").astype(str)
    out["derived_margin"] = pd.to_numeric(out["derived_margin"]).astype(float)
    known = pd.to_numeric(out["denominator"]).notna()
    exact = known & out["derived_margin"].isna() & (out["derived"] == "")
    out["derived_margin"] = out["derived_margin"].mask(exact, 0.0).where(known)
    return out


def has_counts(table: pd.DataFrame) -> pd.Series:
    """True for rows with both a numerator and a denominator."""
    return pd.to_numeric(table["numerator"]).notna() & pd.to_numeric(table["denominator"]).notna()


def with_percent(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with a ``percent`` column added.

    From the counts where a row has them, else the published percent
    (``percent_given``) the row keeps; missing when neither is known.
    """
    out = table.copy()
    out["percent"] = percent(out["numerator"], out["denominator"])
    if "percent_given" in out.columns:
        given = pd.to_numeric(out["percent_given"]).astype(float)
        out["percent"] = out["percent"].where(has_counts(out), given)
    return out


def derive_denominator(numerator: float, given: float,
                       half_width: float) -> tuple[float, float] | None:
    """Denominator from a count and its published percent, and how far off it may be.

    The percent is known only to ± ``half_width`` (0.005 for 2 decimals), so
    every whole denominator ``d`` with ``|100 × numerator / d − given| ≤
    half_width`` fits the file. The one returned is the fitting whole number
    nearest ``100 × numerator / given``; the margin is the most people any
    other fitting denominator lies away from it.

    Returns
    -------
    (float, float) or None
        Denominator and margin (people, ±); ``None`` when the percent cannot
        give one (count or percent 0, or the percent bound reaches 0).

    Examples
    --------
    >>> derive_denominator(9_100, 91.0, 0.005)
    (10000.0, 0.0)
    >>> derive_denominator(2_948_162, 97.31, 0.005)
    (3029660.0, 155.0)
    """
    if numerator <= 0 or given <= 0 or given - half_width <= 0:
        return None
    centre = 100.0 * numerator / given
    low = 100.0 * numerator / (given + half_width)
    high = 100.0 * numerator / (given - half_width)
    first, last = math.ceil(low - 1e-9), math.floor(high + 1e-9)
    fits = [d for d in _outward(round(centre), first, last)
            if abs(100.0 * numerator / d - given) <= half_width + 1e-9]
    if not fits:
        return None
    chosen = fits[0]
    return float(chosen), float(max(chosen - first, last - chosen))


def _outward(centre: int, first: int, last: int) -> list[int]:
    """Whole numbers in ``[first, last]`` (positive), nearest ``centre`` first (a few)."""
    steps = [centre + k * sign for k in range(0, 50) for sign in (1, -1)][1:]
    return [d for d in steps if first <= d <= last and d > 0][:10]


def aggregate(table: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Sum numerators and denominators by ``by`` and recompute the percentage.

    Rows with neither counts nor a percent hold no data and add nothing (as
    before). A group with a percent-only row has no sum that could be called
    its figure: its ``numerator``, ``denominator`` and
    ``percent`` are missing and ``without_counts`` says how many rows lack
    counts; the sums of the rows that have counts stay available, explicitly,
    as ``partial_numerator`` and ``partial_denominator``. Nothing is dropped
    silently.

    Parameters
    ----------
    table : pandas.DataFrame
        Coverage rows (see :data:`COLUMNS`; :data:`OPTIONAL` columns are used
        when present).
    by : str or list of str
        Grouping columns, for example ``["province_code", "indicator"]``.

    Returns
    -------
    pandas.DataFrame
        One row per group with ``numerator``, ``denominator``, ``percent``,
        ``regions`` (rows that went in), ``without_counts``, ``complete``,
        ``partial_numerator``, ``partial_denominator``, ``derived`` (rows with
        a derived denominator) and ``derived_margin`` (their margins summed).
    """
    rows = with_optional(table)
    rows["_missing"] = ~has_counts(rows) & rows["percent_given"].notna()
    rows["_derived"] = rows["derived"] != ""
    grouped = rows.groupby(by, sort=True, dropna=False)
    out = grouped.agg(
        partial_numerator=("numerator", "sum"),
        partial_denominator=("denominator", "sum"),
        regions=("code", "count"),
        without_counts=("_missing", "sum"),
        derived=("_derived", "sum"),
        derived_margin=("derived_margin", "sum"),
    ).reset_index()
    out["without_counts"] = out["without_counts"].astype(int)
    out["derived"] = out["derived"].astype(int)
    out["complete"] = out["without_counts"] == 0
    out["numerator"] = out["partial_numerator"].where(out["complete"])
    out["denominator"] = out["partial_denominator"].where(out["complete"])
    out["percent"] = percent(out["numerator"].astype(float), out["denominator"].astype(float))
    return out


def is_province_code(codes: pd.Series) -> pd.Series:
    """True for two-digit province codes (``64``), False for regencies (``64.01``)."""
    return codes.astype(str).str.fullmatch(r"\d{2}")


def province_totals(table: pd.DataFrame, regencies: pd.Series | None = None,
                    by: tuple[str, ...] = ("period", "indicator")) -> pd.DataFrame:
    """Each province's figure per ``by``: its regencies summed, or its own row.

    A province row (code ``64``) is the province's figure only when the table
    holds no regency row of that province for the same ``by`` values; it is
    never summed with regency rows.

    Parameters
    ----------
    table : pandas.DataFrame
        Coverage rows (regency and province codes; others are ignored).
    regencies : pandas.Series, optional
        Regencies per province code in the reference; fills ``regions_total``.
    by : tuple of str
        Columns besides the province.

    Returns
    -------
    pandas.DataFrame
        ``province_code``, ``by``, the :func:`aggregate` columns,
        ``from_province_row``, ``regions_present`` and ``regions_total``
        (the province's regencies with a row, and in the reference; both the
        same for a province row, which stands for the whole province).
    """
    keys = ["province_code", *by]
    rows = with_optional(table)
    rows = rows[has_counts(rows) | rows["percent_given"].notna()]
    codes = rows["code"].astype(str)
    provincial = is_province_code(codes)
    regency = codes.str.fullmatch(r"\d{2}\.\d{2}")
    sums = aggregate(rows[regency].assign(province_code=codes[regency].str[:2]), keys)
    own = aggregate(rows[provincial].assign(province_code=codes[provincial]), keys)
    own = own.merge(sums[keys], on=keys, how="left", indicator=True)
    own = own[own["_merge"] == "left_only"].drop(columns="_merge")
    total = regencies if regencies is not None else pd.Series(dtype=float)
    sums["from_province_row"] = False
    sums["regions_present"] = sums["regions"]
    own["from_province_row"] = True
    own["regions_present"] = own["province_code"].map(total)
    out = pd.concat([sums, own], ignore_index=True) if not own.empty else sums
    if not own.empty:
        out = _percent_of_province_rows(out, rows[provincial], keys)
    out["regions_total"] = out["province_code"].map(total).astype("Int64")
    out["regions_present"] = out["regions_present"].astype("Int64")
    return out.sort_values(keys).reset_index(drop=True)


def _percent_of_province_rows(out: pd.DataFrame, provincial: pd.DataFrame,
                              keys: list[str]) -> pd.DataFrame:
    """A percent-only province row keeps its published percent."""
    given = with_percent(provincial).assign(province_code=provincial["code"].astype(str))
    found = out[keys].merge(given[[*keys, "percent"]], on=keys, how="left")["percent"]
    use = out["from_province_row"].to_numpy() & out["percent"].isna().to_numpy()
    out.loc[use, "percent"] = found[use].to_numpy()
    return out


def latest_period(table: pd.DataFrame) -> str | None:
    """Return the most recent period in ``table`` (ISO date text), or ``None``."""
    return None if table.empty else str(max(table["period"]))


def select(table: pd.DataFrame, indicator: str, period: str) -> pd.DataFrame:
    """Rows of one indicator and period, with ``percent`` added (see :func:`with_percent`)."""
    rows = table[(table["indicator"] == indicator) & (table["period"] == period)]
    return with_percent(rows)
