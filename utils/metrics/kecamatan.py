"""Kecamatan (district) rows beside the regency rows, never double counted.

A coverage table may hold rows of three levels: provinces (``64``), regencies
(``64.02``) and kecamatan (``64.02.01``). Every view of provinces and regencies
reads the *regency-level* table (:func:`regency_level`): kecamatan rows are kept
apart, and a regency without its own row for a (period, indicator) gets the sum
of its kecamatan only when **all** of its kecamatan are present with counts.
Otherwise the regency is *partial* (:attr:`Rollup.partial`) and has no figure:
no number is invented to fill a gap. A regency's own row always wins over the
sum of its kecamatan, so the two never add up twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from utils.metrics import coverage

KEYS = ["period", "regency_code", "indicator"]
PARTIAL_COLUMNS = ["period", "indicator", "regency_code", "present", "total"]


@dataclass(frozen=True)
class Rollup:
    """Regency figures summed from kecamatan, and the regencies that could not be.

    Attributes
    ----------
    rows : pandas.DataFrame
        Coverage rows (:data:`~utils.metrics.coverage.COLUMNS` and the optional
        ones) of regencies summed from all their kecamatan.
    partial : pandas.DataFrame
        :data:`PARTIAL_COLUMNS`: regencies with some, not all, kecamatan with counts
        (``present`` of ``total``) and no row of their own.
    """

    rows: pd.DataFrame
    partial: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PARTIAL_COLUMNS))

    def summed(self) -> set[tuple[str, str, str]]:
        """``(period, code, indicator)`` of every regency figure summed from kecamatan."""
        return set(zip(self.rows["period"], self.rows["code"], self.rows["indicator"],
                       strict=True))


def is_kecamatan_code(codes: pd.Series) -> pd.Series:
    """True for kecamatan codes (``64.02.01``)."""
    return codes.astype(str).str.fullmatch(r"\d{2}\.\d{2}\.\d{2}")


def split(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(province and regency rows, kecamatan rows)`` of a coverage table."""
    kec = is_kecamatan_code(table["code"])
    return table[~kec], table[kec]


def rollup(kecamatan_rows: pd.DataFrame, kecamatan: pd.DataFrame,
           regency_rows: pd.DataFrame | None = None) -> Rollup:
    """Sum each regency's kecamatan where all of them are present with counts.

    Parameters
    ----------
    kecamatan_rows : pandas.DataFrame
        Coverage rows with kecamatan codes.
    kecamatan : pandas.DataFrame
        The kecamatan reference (:func:`utils.metrics.regions.read_kecamatan`).
    regency_rows : pandas.DataFrame, optional
        The table's own regency rows: a regency with its own row for a
        (period, indicator) is neither summed nor partial.

    Returns
    -------
    Rollup
    """
    if kecamatan_rows.empty:
        return Rollup(pd.DataFrame(columns=[*coverage.COLUMNS, *coverage.OPTIONAL]))
    total = kecamatan.groupby("regency_code").size()
    rows = coverage.with_optional(kecamatan_rows)
    rows = rows[rows["code"].isin(kecamatan["code"])]
    rows = rows.assign(regency_code=rows["code"].str[:5])
    sums = coverage.aggregate(rows.assign(is_demo=rows["is_demo"].astype(bool)), KEYS)
    demo = rows.groupby(KEYS)["is_demo"].any().reset_index()
    sums = sums.merge(demo, on=KEYS, how="left")
    sums["total"] = sums["regency_code"].map(total)
    if regency_rows is not None and not regency_rows.empty:
        own = regency_rows[["period", "code", "indicator"]].rename(columns={"code": "regency_code"})
        sums = sums.merge(own.drop_duplicates(), on=KEYS, how="left", indicator=True)
        sums = sums[sums["_merge"] == "left_only"].drop(columns="_merge")
    whole = ((sums["regions"] == sums["total"]) & sums["complete"]).astype(bool)
    partial = sums[~whole].copy()
    partial["present"] = partial["regions"] - partial["without_counts"]
    done = sums[whole]
    out = pd.DataFrame({
        "period": done["period"], "code": done["regency_code"], "indicator": done["indicator"],
        "numerator": done["numerator"].astype(float),
        "denominator": done["denominator"].astype(float), "is_demo": done["is_demo"],
        "percent_given": float("nan"),
        "derived": done["derived"].gt(0).map({True: coverage.DERIVED_PERCENT, False: ""}),
        "derived_margin": done["derived_margin"].astype(float),
    })
    return Rollup(out.reset_index(drop=True),
                  partial[PARTIAL_COLUMNS].reset_index(drop=True))


def regency_level(table: pd.DataFrame,
                  kecamatan: pd.DataFrame | None) -> tuple[pd.DataFrame, Rollup]:
    """The table every province and regency view reads, and how kecamatan fed it.

    Parameters
    ----------
    table : pandas.DataFrame
        Coverage rows of any level.
    kecamatan : pandas.DataFrame or None
        The kecamatan reference; ``None`` (not built) keeps kecamatan rows out
        without summing them.

    Returns
    -------
    tuple
        ``(rows, rollup)``: the province and regency rows plus the regency
        figures summed from complete kecamatan, and the :class:`Rollup`.
    """
    upper, lower = split(table)
    if lower.empty or kecamatan is None:
        return upper, rollup(lower.iloc[0:0], pd.DataFrame(columns=["code", "regency_code"]))
    regency = upper[~coverage.is_province_code(upper["code"])]
    summed = rollup(lower, kecamatan, regency)
    if summed.rows.empty:
        return upper, summed
    both = pd.concat([coverage.with_optional(upper), summed.rows], ignore_index=True)
    return both, summed


Levels = tuple[pd.DataFrame | None, Rollup | None, pd.DataFrame | None]
"""``(regency-level rows, rollup, kecamatan rows)``, or three ``None`` without data."""


def levels(table: pd.DataFrame | None, kecamatan: pd.DataFrame | None) -> Levels:
    """:func:`regency_level` and the kecamatan rows of ``table`` (all ``None`` without one)."""
    if table is None:
        return None, None, None
    upper, summed = regency_level(table, kecamatan)
    return upper, summed, split(table)[1]
