"""Every published figure and target names its primary source; conflicts are recorded as such."""

import re

import pandas as pd
import pytest

from utils.metrics import targets as reg
from utils.metrics.published import PUBLISHED_CSV, load_published
from utils.metrics.targets import TARGETS_CSV, load_targets, target_for

DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
OWN_ISSUES = re.compile(r"issue\s*#|capaian\s*#|#\d", re.IGNORECASE)
TARGETS = load_targets()
PUBLISHED = load_published()


def _rows(frame: pd.DataFrame, name: str) -> list:
    return [pytest.param(row, id=f"{name}:{i}") for i, row in enumerate(frame.to_dict("records"))]


@pytest.mark.parametrize("row", _rows(TARGETS, "targets") + _rows(PUBLISHED, "published"))
def test_every_row_names_a_publisher_and_a_date_and_no_project_issue(row):
    assert str(row["publisher"]).strip(), row
    assert DATE.match(str(row["published_on"])), row
    assert str(row["outlet"]).strip(), row
    assert row["publisher"] in row["source"] and row["published_on"] in row["source"]
    text = " ".join(str(v) for v in row.values())
    assert not OWN_ISSUES.search(text), row
    assert row["url"] == "" or str(row["url"]).startswith("https://") \
        or str(row["url"]).startswith("http://"), row


def test_the_files_have_no_free_text_issue_citation():
    for path in (TARGETS_CSV, PUBLISHED_CSV):
        assert "issue" not in path.read_text(encoding="utf-8").lower()


def test_status_values_are_known():
    assert set(TARGETS["status"]) <= {"", "in_force", reg.ALTERNATIVE}


KEYS = ["indicator", "year", "scope"]
GROUPS = [pytest.param(group, id=f"{k[0]}-{k[1]}-{k[2]}")
          for k, group in TARGETS.groupby(KEYS) if len(group) > 1]


def test_some_conflicts_are_recorded():
    assert len(GROUPS) >= 3  # ktp_el 2024, kia 2021, ikd 2024, ikd 2025


@pytest.mark.parametrize("group", GROUPS)
def test_a_conflict_has_one_target_in_force_and_explains_itself(group):
    assert (group["status"] == "in_force").sum() == 1
    assert (group["status"] == reg.ALTERNATIVE).sum() == len(group) - 1
    assert group["target_percent"].nunique() == len(group)  # a conflict, not a duplicate
    assert group["note"].str.len().gt(20).all()
    assert group["source"].nunique() == len(group)


@pytest.mark.parametrize("group", GROUPS)
def test_target_for_picks_the_documented_one(group):
    indicator, year, scope = group.iloc[0][KEYS]
    code = None if scope == "national" else scope
    chosen = group[group["status"] == "in_force"].iloc[0]
    found = target_for(TARGETS, indicator, int(year), code)
    assert (found.year, found.percent, found.source) == (
        year, chosen["target_percent"], chosen["source"])


def test_rows_that_agree_with_nobody_else_carry_no_status():
    single = TARGETS.groupby(KEYS)["status"].transform("size") == 1
    assert (TARGETS.loc[single, "status"] == "").all()


@pytest.mark.parametrize(("rows", "year", "code", "expected"), [
    # an alternative is never applied, even when it is the only row of its year …
    ([(2024, "national", 60, ""), (2025, "national", 75, "alternative")], 2025, None, 60),
    # … or narrower than the one in force
    ([(2024, "national", 30, "in_force"), (2024, "64", 20, "alternative")], 2024, "64.74", 30),
    ([(2024, "national", 30, "in_force"), (2024, "national", 20, "alternative")], 2024, None, 30),
    ([(2024, "national", 20, "alternative")], 2024, None, None),
])
def test_alternatives_never_take_part_in_the_scope_rule(rows, year, code, expected):
    registry = pd.DataFrame(rows, columns=["year", "scope", "target_percent", "status"]).assign(
        indicator="ikd", source="s")
    found = target_for(registry, "ikd", year, code)
    assert (found.percent if found else None) == expected


def test_conflicts_lists_the_one_in_force_first_and_old_registries_have_none():
    table = reg.conflicts(TARGETS)
    assert set(map(tuple, table[KEYS].drop_duplicates().values)) == {
        tuple(g.iloc[0][KEYS]) for g in (p.values[0] for p in GROUPS)}
    for _, group in table.groupby(KEYS):
        assert group.iloc[0]["status"] == "in_force"
    old = TARGETS.drop(columns=["status"])
    assert reg.conflicts(old).empty and len(reg.applicable(old)) == len(old)


def test_published_source_is_built_from_the_structured_columns():
    row = PUBLISHED[(PUBLISHED["code"] == "64") & (PUBLISHED["indicator"] == "ktp_el")].iloc[0]
    assert row["source"] == "DKP3A Provinsi Kalimantan Timur — Kronikkaltim.com, 2022-05-24"
    assert PUBLISHED["numerator"].dtype == "Int64" and PUBLISHED["url"].eq("").all()
