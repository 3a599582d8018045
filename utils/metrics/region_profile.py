"""One region's numbers: its trend over the periods and its ranks (pure pandas).

What the region page (``/wilayah``) shows besides the summary facts of
:func:`utils.metrics.attainment.scope_facts`. Ranks are the map's: by
coverage, ties share the best rank, regions without data are not ranked.
"""

from __future__ import annotations

import pandas as pd

from utils.metrics import attainment, coverage
from utils.metrics.regions import PROVINCE
from utils.metrics.targets import target_for

TREND_COLUMNS = ["period", "indicator", "numerator", "denominator", "percent", "target", "gap",
                 "without_counts", "regions_present", "regions_total"]
"""Columns of :func:`trend`."""
RANK_COLUMNS = ["indicator", "rank_province", "of_province", "rank_national", "of_national"]
"""Columns of :func:`ranks`."""


def is_province(regions: pd.DataFrame, code: str) -> bool:
    """Whether ``code`` is a province of the region reference.

    Parameters
    ----------
    regions : pandas.DataFrame
        The region reference (``code`` and ``level`` columns).
    code : str
        A province or regency code.

    Returns
    -------
    bool
        ``False`` for a regency and for a code the reference does not hold.
    """
    level = regions.loc[regions["code"] == code, "level"]
    return not level.empty and level.iloc[0] == PROVINCE


def trend(
    table: pd.DataFrame, regions: pd.DataFrame, targets: pd.DataFrame, code: str
) -> pd.DataFrame:
    """Per period and indicator: the region's sums, percent, target in force and gap.

    Parameters
    ----------
    table : pandas.DataFrame
        The coverage table (regency rows, all periods and indicators).
    regions : pandas.DataFrame
        The region reference (a plain frame with a ``code`` column).
    targets : pandas.DataFrame
        The targets registry.
    code : str
        A province (its regencies are summed) or a regency code.

    Returns
    -------
    pandas.DataFrame
        :data:`TREND_COLUMNS`, one row per period and indicator with data;
        ``target`` is NaN and ``gap`` missing where no target is in force or
        the counts are not known (a percent-only row: its published percent,
        no counts; a province with such rows: no figure, ``without_counts``
        says how many). A province's figure is its regencies summed
        (``regions_present`` of ``regions_total``: partial when fewer) or its
        own province row when it has no regency row.
    """
    out = _figures(table, regions, code)
    out = out[out["percent"].notna()]
    if out.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    found = [
        target_for(targets, i, int(p[:4]), code)
        for i, p in zip(out["indicator"], out["period"], strict=True)
    ]
    out["target"] = [f.percent if f else float("nan") for f in found]
    out["gap"] = pd.array(
        [
            attainment.gap_people(n, d, g)
            for n, d, g in zip(out["numerator"], out["denominator"], out["target"], strict=True)
        ],
        dtype="Int64",
    )
    return out[TREND_COLUMNS]


def _figures(table: pd.DataFrame, regions: pd.DataFrame, code: str) -> pd.DataFrame:
    """The region's figure per period and indicator (see :func:`trend`)."""
    if is_province(regions, code):
        known = table[table["code"].isin(regions["code"])]
        regencies = attainment.region_ref.regency_rows(regions)["province_code"].value_counts()
        sums = coverage.province_totals(known, regencies)
        return sums[sums["province_code"] == code].reset_index(drop=True)
    rows = coverage.with_percent(attainment.regency_rows(table, regions, code))
    return rows.assign(without_counts=(~coverage.has_counts(rows)).astype(int),
                       regions_present=1, regions_total=1).sort_values(
        ["period", "indicator"]).reset_index(drop=True)


def ranks(
    table: pd.DataFrame, regions: pd.DataFrame, code: str, indicators: list[str], period: str
) -> pd.DataFrame:
    """Rank in its province and nationally, per indicator, in ``period``.

    A province is ranked among the provinces (no rank in a province); a
    regency among the regencies of its province and of Indonesia. Ranked as
    the map ranks: by coverage, ties share the best rank, regions without
    data unranked.

    Parameters
    ----------
    table : pandas.DataFrame
        The coverage table.
    regions : pandas.DataFrame
        The region reference (a plain frame with a ``code`` column).
    code : str
        A province or regency code.
    indicators : list of str
        Indicator ids, in the order of the rows returned.
    period : str
        ISO period.

    Returns
    -------
    pandas.DataFrame
        :data:`RANK_COLUMNS`; an indicator for which the region has no value
        has no row. ``rank_province`` and ``of_province`` are ``None`` for a
        province.
    """
    province = is_province(regions, code)
    out = []
    for indicator in indicators:
        rows = coverage.select(table, indicator, period)
        if province:
            peers = attainment.province_values(rows, regions).assign(province_code="")
        else:
            peers = attainment.regency_rows(rows, regions, None)
        peers = peers[peers["percent"].notna()].copy()
        peers["rank_national"] = attainment.rank_min(peers["percent"])
        peers["rank_province"] = peers.groupby("province_code")["percent"].transform(
            attainment.rank_min
        )
        mine = peers[peers["code"] == code]
        if mine.empty:
            continue
        same = peers["province_code"] == mine["province_code"].iloc[0]
        out.append(
            {
                "indicator": indicator,
                "rank_national": mine["rank_national"].iloc[0],
                "of_national": len(peers),
                "rank_province": None if province else mine["rank_province"].iloc[0],
                "of_province": None if province else int(same.sum()),
            }
        )
    return pd.DataFrame(out, columns=RANK_COLUMNS)
