"""One region's numbers: its trend over the periods and its ranks (pure pandas).

What the region page (``/wilayah``) shows besides the summary facts of
:func:`utils.metrics.attainment.scope_facts`. Ranks are the map's: by
coverage, ties share the best rank, regions without data are not ranked.
A kecamatan (``64.02.08``) has the same page: its own rows, the target in
force for it (its regency's, else its province's, else the national one) and
its rank among its regency's kecamatan (:func:`kecamatan_facts`,
:func:`kecamatan_ranks`); it is never compared with other regencies' kecamatan.
"""

from __future__ import annotations

import pandas as pd

from utils.metrics import attainment, coverage
from utils.metrics.attainment import Facts
from utils.metrics.regions import KECAMATAN_CODE, PROVINCE, kecamatan_label, kecamatan_of
from utils.metrics.targets import SCOPE_KECAMATAN, target_for

TREND_COLUMNS = ["period", "indicator", "numerator", "denominator", "percent", "target", "gap",
                 "without_counts", "regions_present", "regions_total"]
"""Columns of :func:`trend`."""
RANK_COLUMNS = ["indicator", "rank_province", "of_province", "rank_national", "of_national"]
"""Columns of :func:`ranks`."""
KECAMATAN_RANK_COLUMNS = ["indicator", "rank", "ranked", "total"]
"""Columns of :func:`kecamatan_ranks`."""


def is_kecamatan(code: str | None) -> bool:
    """Whether ``code`` is written as a kecamatan code (``64.02.08``).

    Examples
    --------
    >>> is_kecamatan("64.02.08"), is_kecamatan("64.02"), is_kecamatan(None)
    (True, False, False)
    """
    return bool(code) and KECAMATAN_CODE.fullmatch(str(code)) is not None


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
        The coverage table (regency rows, all periods and indicators; the
        kecamatan rows for a kecamatan).
    regions : pandas.DataFrame
        The region reference (a plain frame with a ``code`` column).
    targets : pandas.DataFrame
        The targets registry.
    code : str
        A province (its regencies are summed), a regency or a kecamatan code
        (its own rows; the target in force for it is its regency's, else its
        province's, else the national one).

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
    if is_kecamatan(code):
        rows = coverage.with_percent(table[table["code"] == code])
    else:
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


def kecamatan_period(rows: pd.DataFrame, regency: str) -> str | None:
    """The latest period with a kecamatan row of ``regency`` in ``rows`` (the
    kecamatan rows of the data shown); ``None``: no row at all.

    The kecamatan of one regency are shown and ranked in one period, the
    latest their data has, whatever other regencies' latest is.
    """
    codes = rows["code"].astype(str)
    return coverage.latest_period(rows[codes.str.startswith(regency + ".")])


def kecamatan_facts(rows: pd.DataFrame, kecamatan: pd.DataFrame, targets: pd.DataFrame,
                    indicator: str, period: str, code: str) -> Facts:
    """One kecamatan's figure of ``indicator`` in ``period``, against its target.

    Parameters
    ----------
    rows : pandas.DataFrame
        The kecamatan rows of the data shown (all periods and indicators).
    kecamatan : pandas.DataFrame
        The kecamatan reference (:func:`utils.metrics.regions.read_kecamatan`).
    targets : pandas.DataFrame
        The targets registry.
    indicator, period : str
        Indicator id and ISO period.
    code : str
        The kecamatan's code (``64.02.08``).

    Returns
    -------
    Facts
        ``scope_level`` ``kecamatan`` and ``scope_name`` ``Kecamatan Kota
        Bangun``; the figure, counts and gap of its own row (percent only:
        no counts, no gap), the target in force for it
        (:func:`utils.metrics.targets.target_for`: its regency's, else its
        province's, else the national one) and the change since its own
        previous figure. No figure without a row: nothing is filled in.
    """
    ref = kecamatan[kecamatan["code"] == code]
    name = code if ref.empty else kecamatan_label(
        {"kind": str(ref["kind"].iloc[0]), "name": str(ref["name"].iloc[0])}, with_regency=False)
    mine = coverage.with_percent(rows[(rows["code"] == code) & (rows["indicator"] == indicator)])
    mine = mine[mine["percent"].notna()]
    now, before = mine[mine["period"] == period], mine[mine["period"] < period]
    target = target_for(targets, indicator, int(period[:4]), code)
    if now.empty:
        return Facts(indicator, SCOPE_KECAMATAN, name, period, None, target=target)
    row = now.iloc[0]
    counted = bool(coverage.has_counts(now).iloc[0])
    numerator = float(row["numerator"]) if counted else None
    denominator = float(row["denominator"]) if counted else None
    last = before.sort_values("period").tail(1)
    return Facts(
        indicator, SCOPE_KECAMATAN, name, period, float(row["percent"]),
        numerator=numerator, denominator=denominator, target=target,
        gap=None if target is None else attainment.gap_people(numerator, denominator,
                                                               target.percent),
        previous_period=None if last.empty else str(last["period"].iloc[0]),
        change=None if last.empty else attainment.change(float(row["percent"]),
                                                         float(last["percent"].iloc[0])),
        is_demo=bool(row["is_demo"]),
    )


def kecamatan_ranks(rows: pd.DataFrame, kecamatan: pd.DataFrame, code: str,
                    indicators: list[str], period: str) -> pd.DataFrame:
    """A kecamatan's rank among its regency's kecamatan, per indicator, in ``period``.

    Ranked as the map ranks: by coverage, ties share the best rank, kecamatan
    without data unranked.

    Parameters
    ----------
    rows : pandas.DataFrame
        The kecamatan rows of the data shown.
    kecamatan : pandas.DataFrame
        The kecamatan reference.
    code : str
        The kecamatan's code.
    indicators : list of str
        Indicator ids, in the order of the rows returned.
    period : str
        ISO period.

    Returns
    -------
    pandas.DataFrame
        :data:`KECAMATAN_RANK_COLUMNS`: ``rank`` of ``ranked`` kecamatan with
        data, of ``total`` kecamatan in the regency; an indicator for which
        the kecamatan has no value has no row.
    """
    siblings = kecamatan_of(kecamatan, code[:5])["code"]
    out = []
    for indicator in indicators:
        found = coverage.select(rows, indicator, period)
        found = found[found["code"].isin(siblings) & found["percent"].notna()]
        ranks = attainment.rank_min(found["percent"])
        mine = ranks[found["code"] == code]
        if not mine.empty:
            out.append({"indicator": indicator, "rank": int(mine.iloc[0]),
                        "ranked": len(found), "total": len(siblings)})
    return pd.DataFrame(out, columns=KECAMATAN_RANK_COLUMNS)


def kecamatan_ranking(rows: pd.DataFrame, kecamatan: pd.DataFrame, targets: pd.DataFrame,
                      indicator: str, period: str, regency: str,
                      lowest_first: bool = False) -> pd.DataFrame:
    """A regency's kecamatan ranked by coverage, for planning outreach.

    Parameters
    ----------
    rows : pandas.DataFrame
        The kecamatan rows of the data shown.
    kecamatan : pandas.DataFrame
        The kecamatan reference.
    targets : pandas.DataFrame
        The targets registry.
    indicator, period : str
        Indicator id and ISO period.
    regency : str
        The regency's code (``64.02``).
    lowest_first : bool
        Lowest coverage first (where outreach is needed most); else highest first.

    Returns
    -------
    pandas.DataFrame
        :func:`utils.metrics.attainment.region_attainment` of every kecamatan of
        the regency (``code``, ``name`` such as ``Kecamatan Loa Kulu``,
        ``numerator``, ``denominator``, ``percent``, ``target`` in force for it,
        ``meets``, ``gap``, ``rank`` among those with data, ...); only the
        regency's own kecamatan (names repeat across regencies, codes do not),
        those without data last in either order.
    """
    own = kecamatan_of(kecamatan, regency)
    scope = pd.DataFrame({"code": own["code"].to_numpy(dtype=object),
                          "name": [kecamatan_label({"kind": k, "name": n}, with_regency=False)
                                   for k, n in zip(own["kind"], own["name"], strict=True)]})
    found = coverage.select(rows, indicator, period)
    found = found[found["code"].isin(scope["code"])]
    in_force = attainment.targets_by_code(targets, indicator, int(period[:4]), list(scope["code"]))
    out = attainment.region_attainment(found, scope, in_force)
    return out.sort_values(["percent", "code"], ascending=[lowest_first, True],
                           na_position="last").reset_index(drop=True)
