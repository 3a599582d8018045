"""The targets registry (``data/targets.csv``): which target is in force where.

A target is keyed by indicator, year and scope: ``national``, a province code
(``65``) or a regency code (``65.71``). A narrower scope overrides a wider one
set for the same year. For a year without its own target the most recent
earlier target is in force (targets are published for some years only).

Each row cites its source (``publisher``, ``document``, ``outlet``,
``published_on``, ``url``; ``source`` is the same in one sentence). Where
published sources disagree on a year's target, every statement is kept as its
own row: exactly one is marked ``status = in_force`` (its ``note`` says why) and
the others ``status = alternative``. Alternatives are shown, never applied. A
registry without a ``status`` column has no alternatives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from utils.paths import DATA_DIR

TARGETS_CSV = DATA_DIR / "targets.csv"


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
    for column in ("status", "note", "url"):  # optional text columns: empty, never NaN
        if column in frame:
            frame[column] = frame[column].fillna("").astype(str)
    return frame


ALTERNATIVE = "alternative"
"""``status`` of a recorded target that conflicts with the one in force."""


def applicable(targets: pd.DataFrame) -> pd.DataFrame:
    """The rows the scope rule may use: every row but the recorded alternatives."""
    if "status" not in targets:
        return targets
    return targets[targets["status"] != ALTERNATIVE]


def conflicts(targets: pd.DataFrame) -> pd.DataFrame:
    """Rows of every indicator, year and scope for which sources disagree, the
    one in force first within each group (empty when there are none)."""
    if "status" not in targets:
        return targets.iloc[0:0]
    keys = ["indicator", "year", "scope"]
    alternative = targets["status"].eq(ALTERNATIVE)
    disputed = alternative.groupby([targets[k] for k in keys]).transform("any")
    return (targets[disputed].assign(_alternative=alternative[disputed])
            .sort_values([*keys, "_alternative"], kind="stable").drop(columns="_alternative"))


SCOPE_NATIONAL, SCOPE_PROVINCE, SCOPE_REGENCY = "national", "province", "regency"
SCOPE_KECAMATAN = "kecamatan"
"""Levels a target (or a figure) can be set for; a kecamatan follows its regency's."""


def scope_level(scope: str | None) -> str:
    """The level of a scope: ``national`` for ``None`` or ``"national"``, ``province``
    for ``64``, ``regency`` for ``64.74``, ``kecamatan`` for ``64.74.01`` (the one
    rule, used by every module).

    Examples
    --------
    >>> scope_level(None), scope_level("national"), scope_level("64"), scope_level("64.74")
    ('national', 'national', 'province', 'regency')
    >>> scope_level("64.74.01")
    'kecamatan'
    """
    if not scope or scope == SCOPE_NATIONAL:
        return SCOPE_NATIONAL
    dots = scope.count(".")
    return SCOPE_KECAMATAN if dots >= 2 else SCOPE_REGENCY if dots else SCOPE_PROVINCE


def scopes_for(code: str | None) -> list[str]:
    """Scopes whose targets apply to a region, narrowest first: the region's own,
    its regency's (for a kecamatan), its province's and the national one.

    Examples
    --------
    >>> scopes_for("65.71")
    ['65.71', '65', 'national']
    >>> scopes_for("65.71.02")
    ['65.71.02', '65.71', '65', 'national']
    >>> scopes_for(None)
    ['national']
    """
    level = scope_level(code)
    if level == SCOPE_NATIONAL:
        return [SCOPE_NATIONAL]
    assert code is not None
    parents = {SCOPE_KECAMATAN: [code[:5], code[:2]], SCOPE_REGENCY: [code[:2]]}
    return [code, *parents.get(level, []), SCOPE_NATIONAL]


def target_for(targets: pd.DataFrame, indicator: str, year: int, code: str | None) -> Target | None:
    """Return the target in force for a region (or Indonesia when ``code`` is None).

    Among the targets that apply to the region (its own, its province's and the
    national one), the latest year not after ``year`` is in force; within that
    year the narrowest scope wins. ``None`` when no target applies: no number
    is invented.
    """
    return targets_in_force(targets, indicator, year, [code])[code]


def targets_in_force(targets: pd.DataFrame, indicator: str, year: int,
                     codes: Sequence[str | None]) -> dict[str | None, Target | None]:
    """:func:`target_for` for many regions at once.

    The registry is filtered once, and regions whose applicable scopes are the
    same (every regency of a province without a target of its own) share one
    answer, so all 514 regencies cost about as much as the 38 provinces.
    """
    targets = applicable(targets)  # conflicting statements: only the one in force
    rows = targets.loc[(targets["indicator"] == indicator) & (targets["year"] <= year),
                       ["year", "scope", "target_percent", "source"]]
    records = list(rows.itertuples(index=False, name=None))
    present = {record[1] for record in records}
    answers: dict[tuple[str, ...], Target | None] = {}
    found = {}
    for code in codes:
        scopes = tuple(s for s in scopes_for(code) if s in present)
        if scopes not in answers:
            answers[scopes] = _in_force(records, indicator, list(scopes))
        found[code] = answers[scopes]
    return found


def _in_force(records: list[tuple], indicator: str, scopes: list[str]) -> Target | None:
    applicable = [r for r in records if r[1] in scopes]
    if not applicable:
        return None
    latest = max(r[0] for r in applicable)
    year, scope, percent, source = min((r for r in applicable if r[0] == latest),
                                       key=lambda r: scopes.index(r[1]))
    return Target(indicator, int(year), str(scope), float(percent), str(source))
