"""The targets registry (``data/targets.csv``): which target is in force where.

A target is keyed by indicator, year and scope: ``national``, a province code
(``65``) or a regency code (``65.71``). A narrower scope overrides a wider one
set for the same year. For a year without its own target the most recent
earlier target is in force (targets are published for some years only).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

TARGETS_CSV = Path(__file__).resolve().parent.parent / "data" / "targets.csv"


@dataclass(frozen=True)
class Target:
    """A target in force: value in percent, the scope and year it was set for."""

    indicator: str
    year: int
    scope: str
    percent: float
    source: str


def load_targets(path: Path = TARGETS_CSV) -> pd.DataFrame:
    """Read the registry; ``scope`` stays text, ``target_percent`` is a float."""
    frame = pd.read_csv(path, dtype={"scope": str, "indicator": str, "source": str})
    frame["year"] = frame["year"].astype(int)
    frame["target_percent"] = frame["target_percent"].astype(float)
    return frame


def scopes_for(code: str | None) -> list[str]:
    """Scopes that apply to a region, narrowest first.

    Examples
    --------
    >>> scopes_for("65.71")
    ['65.71', '65', 'national']
    >>> scopes_for(None)
    ['national']
    """
    if not code:
        return ["national"]
    if "." in code:
        return [code, code[:2], "national"]
    return [code, "national"]


def target_for(targets: pd.DataFrame, indicator: str, year: int, code: str | None) -> Target | None:
    """Return the target in force for a region (or Indonesia when ``code`` is None).

    Among the targets that apply to the region (its own, its province's and the
    national one), the latest year not after ``year`` is in force; within that
    year the narrowest scope wins. ``None`` when no target applies: no number
    is invented.
    """
    scopes = scopes_for(code)
    rows = targets[
        (targets["indicator"] == indicator)
        & (targets["year"] <= year)
        & targets["scope"].isin(scopes)
    ]
    if rows.empty:
        return None
    latest = rows[rows["year"] == rows["year"].max()]
    row = latest.loc[latest["scope"].map(scopes.index).idxmin()]
    return Target(indicator, int(row["year"]), str(row["scope"]), float(row["target_percent"]),
                  str(row["source"]))
