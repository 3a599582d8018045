"""What-if over one regency's kecamatan: the model of :mod:`utils.metrics.whatif`, one row
per kecamatan.

A regency Dukcapil plans outreach ("jemput bola") per kecamatan. :func:`baseline`
gives one row per kecamatan of the regency (with data or not) with the columns of
:func:`utils.metrics.whatif.baseline`, so :func:`~utils.metrics.whatif.evaluate`,
:func:`~utils.metrics.whatif.totals`, :func:`~utils.metrics.whatif.scope_facts` and the
goal-seek of :mod:`utils.metrics.goal_seek` run on it unchanged.

Targets: a kecamatan has the target in force for itself, else its regency's, its
province's or the national one (:func:`utils.metrics.targets.scopes_for`).

The regency's totals are sums over its kecamatan (Σ numerator ÷ Σ denominator,
gaps summed per kecamatan), never an average of percentages. When some of its
kecamatan have no counts the sums cover only the others: :func:`reach` says how
many, so a page never passes a partial sum off as the regency's figure.
Pure: no files, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from utils.metrics import coverage
from utils.metrics.kecamatan import is_kecamatan_code
from utils.metrics.regions import kecamatan_of
from utils.metrics.targets import scope_level, targets_in_force

BASE_COLUMNS = ["code", "name", "kind", "regency_code", "regency_name", "province_code",
                "province_name", "numerator", "denominator", "target", "target_scope",
                "without_counts"]
"""Columns of :func:`baseline` (those of :func:`utils.metrics.whatif.baseline` and the
kecamatan's kind and regency)."""


def with_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Kecamatan rows (``64.02.01``) holding both counts."""
    kec = rows[is_kecamatan_code(rows["code"])]
    return kec[kec["numerator"].notna() & kec["denominator"].notna()]


def regencies_with_data(rows: pd.DataFrame, kecamatan: pd.DataFrame) -> list[str]:
    """Regencies with at least one known kecamatan row holding counts, in code order.

    Parameters
    ----------
    rows : pandas.DataFrame
        Coverage rows of any level (long form).
    kecamatan : pandas.DataFrame
        The kecamatan reference (:func:`utils.metrics.regions.read_kecamatan`).

    Examples
    --------
    >>> ref = pd.DataFrame({"code": ["64.02.01", "64.74.01"]})
    >>> rows = pd.DataFrame({"code": ["64.74.01", "64.74", "64.02.01", "99.99.99"],
    ...                      "numerator": [1.0, 2.0, None, 3.0],
    ...                      "denominator": [2.0, 4.0, 5.0, 4.0]})
    >>> regencies_with_data(rows, ref)
    ['64.74']
    """
    found = with_counts(rows)
    found = found[found["code"].isin(kecamatan["code"])]
    return sorted(set(found["code"].astype(str).str[:5]))


def latest_period(rows: pd.DataFrame, regency: str) -> str | None:
    """Latest period in which a kecamatan of ``regency`` has counts (``None``: none)."""
    own = with_counts(rows)
    own = own[own["code"].astype(str).str.startswith(f"{regency}.")]
    return coverage.latest_period(own)


def in_force_targets(targets: pd.DataFrame, indicator: str, year: int,
                     codes: Iterable[str]) -> pd.DataFrame:
    """Target in force for each kecamatan code and the level it was set for.

    Returns
    -------
    pandas.DataFrame
        ``code, target, target_scope`` with ``target_scope`` one of ``national``,
        ``province``, ``regency`` (inherited from the regency) or ``kecamatan``
        (NaN where no target applies).
    """
    found = targets_in_force(targets, indicator, year, list(codes))
    rows = [(code, hit.percent if hit else np.nan, scope_level(hit.scope) if hit else np.nan)
            for code, hit in found.items()]
    return pd.DataFrame(rows, columns=["code", "target", "target_scope"])


def baseline(rows: pd.DataFrame, places: pd.DataFrame, in_force: pd.DataFrame) -> pd.DataFrame:
    """One row per kecamatan of a regency (data or not): baseline figures and target.

    Parameters
    ----------
    rows : pandas.DataFrame
        Coverage rows of one indicator and period (``code``, ``numerator``,
        ``denominator``); rows of other places are ignored.
    places : pandas.DataFrame
        The regency's kecamatan (:func:`utils.metrics.regions.kecamatan_of`).
    in_force : pandas.DataFrame
        :func:`in_force_targets` of the same indicator for those kecamatan.

    Returns
    -------
    pandas.DataFrame
        :data:`BASE_COLUMNS`, sorted by code; ``name`` is the kecamatan's own
        name (``Loa Kulu``), ``without_counts`` True for a kecamatan whose row holds
        only a percent (it is left out of the model, no counts are invented).
    """
    out = places[["code", "name", "kind", "regency_code", "regency_name", "province_code",
                  "province_name"]].merge(rows[["code", "numerator", "denominator"]],
                                          on="code", how="left")
    out = out.merge(in_force, on="code", how="left")
    out["numerator"] = out["numerator"].astype(float)
    out["denominator"] = out["denominator"].astype(float)
    has_row = out["code"].isin(rows["code"])
    out["without_counts"] = has_row & (out["numerator"].isna() | out["denominator"].isna())
    return out[BASE_COLUMNS].sort_values("code").reset_index(drop=True)


def baselines(rows: pd.DataFrame, kecamatan: pd.DataFrame, targets: pd.DataFrame,
              indicators: Iterable[str],
              regency: str) -> tuple[str, dict[str, pd.DataFrame]] | None:
    """The what-if baseline of a regency's kecamatan: its latest period and one
    :func:`baseline` per indicator.

    Parameters
    ----------
    rows : pandas.DataFrame
        Coverage rows (any level; only the regency's kecamatan rows are read).
    kecamatan : pandas.DataFrame
        The kecamatan reference.
    targets : pandas.DataFrame
        The targets registry.
    indicators : iterable of str
        Indicator ids.
    regency : str
        Regency code (``64.02``).

    Returns
    -------
    tuple or None
        ``(period, {indicator: baseline})``; ``None`` when no kecamatan of the
        regency has counts.
    """
    period = latest_period(rows, regency)
    if period is None:
        return None
    places = kecamatan_of(kecamatan, regency)
    own = rows[rows["code"].astype(str).str.startswith(f"{regency}.")]
    year = int(period[:4])
    return period, {
        i: baseline(coverage.select(own, i, period), places,
                    in_force_targets(targets, i, year, places["code"]))
        for i in indicators
    }


@dataclass(frozen=True)
class Reach:
    """How many of a regency's kecamatan the sums cover, for one indicator.

    Attributes
    ----------
    total : int
        Kecamatan of the regency (the reference's count).
    counted : int
        Kecamatan with both counts: the sums are over these.
    """

    total: int
    counted: int

    @property
    def partial(self) -> bool:
        """True when the sums leave some kecamatan out (the regency figure is partial)."""
        return self.counted < self.total


def reach(result: pd.DataFrame) -> Reach:
    """:class:`Reach` of a :func:`baseline` (or its evaluated result).

    Examples
    --------
    >>> reach(pd.DataFrame({"numerator": [1.0, None, 3.0], "denominator": [2.0, 2.0, 4.0]}))
    Reach(total=3, counted=2)
    """
    counted = result["numerator"].notna() & result["denominator"].notna()
    return Reach(total=len(result), counted=int(counted.sum()))


def names(places: pd.DataFrame) -> dict[str, str]:
    """Kecamatan code → ``Kecamatan Loa Kulu`` (``Distrik …`` in Papua) for labels."""
    return {code: f"{kind} {name}" for code, kind, name in zip(
        places["code"], places["kind"], places["name"], strict=True)}
