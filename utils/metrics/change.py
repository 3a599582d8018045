"""Change of coverage since each region's previous period (pure pandas).

A region's change is its coverage now minus its coverage in the latest
earlier period in which it has a figure (its *own* previous period: a region
missing from the last release is compared with the one before), in
percentage points. A province's figure in each period is the sum of its
regencies (Σ numerators ÷ Σ denominators, :func:`utils.metrics.coverage.province_totals`);
two figures are compared only when they cover the same regencies, else the
earlier one is no comparison and is said to be so.

Each region ends in one of three states (:data:`STATES`): ``change`` (a
number), ``no_earlier`` (a figure now, none earlier that it can be compared
with) or ``no_data`` (no figure now). None of them is ever shown as 0.
"""

from __future__ import annotations

import pandas as pd

from utils.metrics import attainment, coverage
from utils.metrics.map_view import usable
from utils.metrics.regions import province_rows, regency_rows

CHANGE, NO_EARLIER, NO_DATA = "change", "no_earlier", "no_data"
STATES = (CHANGE, NO_EARLIER, NO_DATA)
"""What a region's row of :func:`change_table` holds."""
OTHER_MEMBERS = "other_members"
"""``note`` of a province whose earlier figures cover other regencies than now."""
FIGURE_COLUMNS = ["code", "period", "numerator", "denominator", "percent", "members"]
"""Columns of :func:`figures`."""
COLUMNS = ["code", "name", "province_code", "province_name", "period", "percent", "numerator",
           "denominator", "previous", "percent_before", "numerator_before",
           "denominator_before", "change", "state", "note"]
"""Columns of :func:`change_table`."""


def figures(table: pd.DataFrame, regions: pd.DataFrame, indicator: str,
            level: str) -> pd.DataFrame:
    """Every region's figure of ``indicator`` in every period it has one.

    Parameters
    ----------
    table : pandas.DataFrame
        The coverage table (all periods).
    regions : pandas.DataFrame
        The region reference.
    indicator : str
        Indicator id.
    level : str
        ``province`` (regencies summed per province) or ``regency``.

    Returns
    -------
    pandas.DataFrame
        :data:`FIGURE_COLUMNS`, rows with a percent only. ``members`` says
        what the figure covers: the regency's own code, a province's
        regencies that went into its sum (``64.01 64.02 …``), or ``own`` for
        a province's own row; figures are comparable when it is the same.
    """
    rows = usable(table[table["indicator"] == indicator])
    if level == "province":
        out = _province_figures(rows, regions)
    else:
        known = rows[rows["code"].isin(regency_rows(regions)["code"])]
        out = coverage.with_percent(known).assign(members=lambda f: f["code"])
    out = out[out["percent"].notna()]
    return out[FIGURE_COLUMNS].sort_values(["code", "period"]).reset_index(drop=True)


def _province_figures(rows: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Province figures per period with the regencies each one sums."""
    known = rows[rows["code"].isin(regions["code"])]
    if known.empty:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    regencies = regency_rows(regions)["province_code"].value_counts()
    sums = coverage.province_totals(known, regencies, by=("period",))
    used = coverage.with_optional(known)
    used = used[coverage.has_counts(used) | used["percent_given"].notna()]
    codes = used["code"].astype(str)
    regency = codes.str.fullmatch(r"\d{2}\.\d{2}")
    members = (used[regency].assign(province_code=codes[regency].str[:2])
               .groupby(["province_code", "period"])["code"]
               .agg(lambda c: " ".join(sorted(c))).rename("members").reset_index())
    sums = sums.merge(members, on=["province_code", "period"], how="left")
    sums["members"] = sums["members"].where(~sums["from_province_row"], "own")
    return sums.rename(columns={"province_code": "code"})


def previous_figures(found: pd.DataFrame, period: str) -> pd.DataFrame:
    """Per region with a figure in ``period``: its latest earlier comparable figure.

    Parameters
    ----------
    found : pandas.DataFrame
        :func:`figures` of one indicator and level.
    period : str
        The period compared.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``previous`` (the earlier period), ``percent_before``,
        ``numerator_before``, ``denominator_before``; regions without an
        earlier comparable figure have no row.

    Examples
    --------
    >>> found = pd.DataFrame({"code": ["a", "a", "a"], "members": ["a"] * 3,
    ...     "period": ["2024-06-30", "2024-12-31", "2025-06-30"],
    ...     "numerator": [1, 2, 3], "denominator": [4, 4, 4], "percent": [25.0, 50.0, 75.0]})
    >>> previous_figures(found, "2025-06-30")[["code", "previous", "percent_before"]].values
    array([['a', '2024-12-31', 50.0]], dtype=object)
    """
    now = found.loc[found["period"] == period, ["code", "members"]]
    earlier = found[found["period"] < period].merge(now, on=["code", "members"])
    latest = earlier.sort_values("period").groupby("code").tail(1)
    return latest.rename(columns={"period": "previous", "percent": "percent_before",
                                  "numerator": "numerator_before",
                                  "denominator": "denominator_before"}).drop(
        columns="members").reset_index(drop=True)


def change_table(table: pd.DataFrame, regions: pd.DataFrame, indicator: str, period: str,
                 level: str, scope: str = "") -> pd.DataFrame:
    """Every region's coverage in ``period``, its previous comparable figure and the change.

    Parameters
    ----------
    table : pandas.DataFrame
        The coverage table (all periods).
    regions : pandas.DataFrame
        The region reference.
    indicator, period : str
        Indicator id and ISO period.
    level : str
        ``province`` or ``regency``.
    scope : str
        ``""`` for all Indonesia, else a province code (its regencies only).

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`, one row per region of the scope (data or not), the
        largest gain first, then no earlier figure, then no data. ``change``
        is in percentage points (:func:`utils.metrics.attainment.change`),
        missing unless ``state`` is ``change``; ``note`` is
        :data:`OTHER_MEMBERS` for a province whose earlier figures cover
        other regencies.
    """
    found = figures(table, regions, indicator, level)
    refs = _regions(regions, level, scope)
    now = found.loc[found["period"] == period, ["code", "period", "percent", "numerator",
                                                "denominator"]]
    out = refs.merge(now, on="code", how="left").merge(
        previous_figures(found, period), on="code", how="left")
    out["change"] = [attainment.change(c, p) if pd.notna(c) and pd.notna(p) else None
                     for c, p in zip(out["percent"], out["percent_before"], strict=True)]
    out["change"] = pd.to_numeric(out["change"]).astype(float)
    out["state"] = [NO_DATA if pd.isna(c) else NO_EARLIER if pd.isna(d) else CHANGE
                    for c, d in zip(out["percent"], out["change"], strict=True)]
    had = set(found.loc[found["period"] < period, "code"])
    other = (out["state"] == NO_EARLIER) & out["code"].isin(had)
    out["note"] = other.map({True: OTHER_MEMBERS, False: ""})
    order = out["state"].map({s: i for i, s in enumerate(STATES)})
    out = out.assign(_order=order).sort_values(["_order", "change", "name"],
                                               ascending=[True, False, True])
    return out[COLUMNS].reset_index(drop=True)


def _regions(regions: pd.DataFrame, level: str, scope: str) -> pd.DataFrame:
    """The regions a change map draws: ``code, name, province_code, province_name``."""
    if level == "province":
        out = province_rows(regions)[["code", "name"]].copy()
        out["province_code"], out["province_name"] = out["code"], out["name"]
        return out.reset_index(drop=True)
    out = regency_rows(regions, scope or None)
    return out[["code", "name", "province_code", "province_name"]].reset_index(drop=True)


def previous_dates(rows: pd.DataFrame) -> list[str]:
    """The earlier periods compared with, the most used first (ties: latest first).

    Examples
    --------
    >>> previous_dates(pd.DataFrame({"previous": ["2024-12-31", None, "2024-06-30",
    ...                                           "2024-12-31"]}))
    ['2024-12-31', '2024-06-30']
    """
    counts = rows["previous"].dropna().value_counts()
    latest_first = sorted(counts.items(), reverse=True)
    return [str(p) for p, _ in sorted(latest_first, key=lambda item: -item[1])]


def history(table: pd.DataFrame, regions: pd.DataFrame, indicator: str, level: str,
            codes: list[str], until: str) -> dict[str, list[tuple[str, float]]]:
    """Each region's comparable figures up to ``until``: (period, percent), oldest first.

    Only figures covering what the figure of ``until`` covers (a province's
    same regencies), so a line never joins figures of different areas. A
    region without a figure in ``until`` gets an empty list.

    Parameters
    ----------
    table, regions : pandas.DataFrame
        The coverage table and the region reference.
    indicator : str
        Indicator id.
    level : str
        ``province`` or ``regency``.
    codes : list of str
        The regions wanted.
    until : str
        The last period.
    """
    mine = table["code"].astype(str).str[:2].isin(codes) if level == "province" else (
        table["code"].isin(codes))  # only the listed regions' rows are summed
    found = figures(table[mine & (table["period"] <= until)], regions, indicator, level)
    found = found[found["code"].isin(codes)]
    last = found.loc[found["period"] == until, ["code", "members"]]
    kept = found.merge(last, on=["code", "members"])
    out: dict[str, list[tuple[str, float]]] = {code: [] for code in codes}
    for code, rows in kept.groupby("code"):
        out[str(code)] = [(str(p), float(v)) for p, v in zip(rows["period"], rows["percent"],
                                                              strict=True)]
    return out
