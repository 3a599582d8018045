"""Scenarios side by side: each one's regency figures, where they disagree, their sums (pure).

A *side* is one column of the comparison: the baseline (targets in force, the
latest data) or a scenario at its own deadline. Its figures come from one
:func:`utils.metrics.whatif.evaluate` result (:func:`side_figures`): the
baseline reads the result's ``*_now``/``*_base`` columns, a scenario its
``*_end`` columns, so every number is the model's, never recomputed here.

"Meets the target" is the model's exact verdict (``meets_base`` /
``meets_end``); a region whose status is unknown on any side (no counts, no
target) is never called a difference: it is counted apart
(:func:`unknown_count`), not guessed. Sums are sums of the regions' own gaps
(:func:`utils.metrics.whatif.totals`) and coverage is Σ numerator ÷ Σ
denominator (:func:`utils.metrics.whatif.scope_sums`), never an average.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from utils.metrics import whatif as model

FIELDS = ("percent", "target", "meets", "gap", "numerator", "denominator")
"""Figures of one region on one side (see :func:`side_figures`)."""
MIN_SIDES, MAX_SIDES = 2, 3
"""How many sides a comparison shows."""

_SOURCE = {  # side figure → (baseline column, scenario column) of an evaluate() result
    "percent": ("percent_now", "percent_end"),
    "target": ("target", "scenario_target"),
    "meets": ("meets_base", "meets_end"),
    "gap": ("gap_base", "gap_end"),
    "numerator": ("numerator", "numerator_end"),
    "denominator": ("denominator", "denominator_end"),
}


def side_figures(result: pd.DataFrame, baseline: bool) -> pd.DataFrame:
    """One side's figures per regency, taken from an :func:`~utils.metrics.whatif.evaluate` result.

    Parameters
    ----------
    result : pandas.DataFrame
        :func:`utils.metrics.whatif.evaluate` of one indicator.
    baseline : bool
        True: the latest data against the targets in force (the result's
        baseline columns); False: the scenario at its deadline.

    Returns
    -------
    pandas.DataFrame
        ``code, name, province_name`` and :data:`FIELDS` (``meets`` is a
        nullable boolean: ``<NA>`` where the status is unknown), sorted by code.
    """
    pick = 0 if baseline else 1
    out = result[["code", "name", "province_name"]].copy()
    for name, columns in _SOURCE.items():
        out[name] = result[columns[pick]].to_numpy()
    out["meets"] = out["meets"].astype("boolean")
    return out.sort_values("code").reset_index(drop=True)


def column(field: str, key: str) -> str:
    """Name of side ``key``'s ``field`` in :func:`differences` (``percent@baseline``).

    Examples
    --------
    >>> column("gap", "rencana-a-1b2c3d4e")
    'gap@rencana-a-1b2c3d4e'
    """
    return f"{field}@{key}"


def _checked(sides: Mapping[str, pd.DataFrame]) -> list[str]:
    """The side keys, after checking there are 2–3 sides over the same regencies."""
    keys = list(sides)
    if not MIN_SIDES <= len(keys) <= MAX_SIDES:
        raise ValueError(f"compare {MIN_SIDES}–{MAX_SIDES} sides, not {len(keys)}")
    codes = sides[keys[0]]["code"].tolist()
    if any(sides[k]["code"].tolist() != codes for k in keys[1:]):
        raise ValueError("the sides do not hold the same regencies in the same order")
    return keys


def _known_everywhere(sides: Mapping[str, pd.DataFrame], keys: list[str]) -> pd.Series:
    known = pd.Series(True, index=sides[keys[0]].index)
    for key in keys:
        known &= sides[key]["meets"].notna().to_numpy()
    return known


def differences(sides: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Regencies that meet their target on at least one side and not on another.

    Parameters
    ----------
    sides : mapping
        Side key → :func:`side_figures`, 2 or 3 of them, in the order shown.

    Returns
    -------
    pandas.DataFrame
        One row per such regency (by code): ``code, name, province_name``,
        ``meeting_sides`` (on how many sides it meets), then every side's
        :data:`FIELDS` under :func:`column` names. A regency whose status is
        unknown on any side is not listed (see :func:`unknown_count`).

    Raises
    ------
    ValueError
        Fewer than 2 or more than 3 sides, or sides over different regencies.
    """
    keys = _checked(sides)
    first = sides[keys[0]]
    known = _known_everywhere(sides, keys)
    meeting = np.vstack([sides[k]["meets"].fillna(False).to_numpy(dtype=int) for k in keys]).sum(0)
    differ = known.to_numpy() & (meeting > 0) & (meeting < len(keys))
    out = first.loc[differ, ["code", "name", "province_name"]].copy()
    out["meeting_sides"] = meeting[differ]
    for key in keys:
        for name in FIELDS:
            out[column(name, key)] = sides[key].loc[differ, name].to_numpy()
    return out.reset_index(drop=True)


def unknown_count(sides: Mapping[str, pd.DataFrame]) -> int:
    """Regencies whose status is unknown on at least one side (no counts or no target)."""
    keys = _checked(sides)
    return int((~_known_everywhere(sides, keys)).sum())


@dataclass(frozen=True)
class SideTotals:
    """One side's sums over all regencies.

    Attributes
    ----------
    meeting : int
        Regencies meeting their target.
    with_data : int
        Regencies whose status is known.
    gap : int
        People missing: the sum of every regency's own gap (the model's).
    numerator, denominator : float or None
        Σ over regencies with both figures (projected on a scenario side).
    percent : float or None
        ``100 × numerator ÷ denominator`` (never an average of percents).
    """

    meeting: int
    with_data: int
    gap: int
    numerator: float | None
    denominator: float | None
    percent: float | None


def side_totals(result: pd.DataFrame, baseline: bool) -> SideTotals:
    """:class:`SideTotals` of one side of an :func:`~utils.metrics.whatif.evaluate` result.

    Counts and the gap come from :func:`utils.metrics.whatif.totals`, the
    summed counts from :func:`utils.metrics.whatif.scope_sums`.
    """
    tot = model.totals(result)
    sums = model.scope_sums(result, None, end=not baseline)
    known = result["meets_base" if baseline else "meets_end"].notna()
    return SideTotals(
        meeting=tot.meeting_base if baseline else tot.meeting_end,
        with_data=int(known.sum()),
        gap=tot.gap_base if baseline else tot.gap_end,
        numerator=sums[0] if sums else None,
        denominator=sums[1] if sums else None,
        percent=100.0 * sums[0] / sums[1] if sums else None,
    )


def meeting_only(diff: pd.DataFrame, keys: list[str]) -> dict[str, int]:
    """Per side: regencies of :func:`differences` that meet the target there
    (for two sides: here and not on the other)."""
    return {k: int(diff[column("meets", k)].fillna(False).astype(bool).sum()) for k in keys}
