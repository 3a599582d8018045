"""Kecamatan rows beside regency rows: a regency gets the sum of its kecamatan only when
all are present, its own row always wins, and nothing is counted twice."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.demo import build_demo_kecamatan
from utils.metrics import kecamatan as kec
from utils.metrics.coverage import COLUMNS, province_totals
from utils.metrics.regions import kecamatan_label, read_kecamatan

REF = pd.DataFrame({
    "code": ["64.02.01", "64.02.02", "64.02.03", "64.74.01", "64.74.02"],
    "regency_code": ["64.02", "64.02", "64.02", "64.74", "64.74"],
})
P = "2025-06-30"


def rows(*records: tuple[str, float, float]) -> pd.DataFrame:
    return pd.DataFrame([(P, c, "kia", n, d, False) for c, n, d in records], columns=COLUMNS)


@pytest.mark.parametrize(("records", "summed", "partial"), [
    # all three kecamatan of 64.02 → the regency is their sum
    ([("64.02.01", 10, 20), ("64.02.02", 5, 10), ("64.02.03", 1, 10)], {"64.02": (16, 40)}, {}),
    # two of three → partial, no figure
    ([("64.02.01", 10, 20), ("64.02.02", 5, 10)], {}, {"64.02": (2, 3)}),
    # the regency's own row wins: not summed, not partial
    ([("64.02.01", 10, 20), ("64.02", 99, 100)], {}, {}),
    # two regencies, one complete, one partial
    ([("64.74.01", 1, 2), ("64.74.02", 1, 2), ("64.02.03", 1, 10)], {"64.74": (2, 4)},
     {"64.02": (1, 3)}),
    # a kecamatan without counts (percent only) makes the regency partial
    ([("64.74.01", 1, 2), ("64.74.02", float("nan"), float("nan"))], {}, {"64.74": (1, 2)}),
])
def test_a_regency_is_summed_only_from_all_of_its_kecamatan(records, summed, partial):
    table = rows(*records)
    if any(pd.isna(n) for _, n, _ in records):
        table["percent_given"] = [50.0 if pd.isna(n) else float("nan") for _, n, _ in records]
    level, rollup = kec.regency_level(table, REF)
    got = {r.code: (r.numerator, r.denominator) for r in rollup.rows.itertuples()}
    assert got == summed
    assert {r.regency_code: (r.present, r.total) for r in rollup.partial.itertuples()} == partial
    assert not kec.is_kecamatan_code(level["code"]).any()  # views never see kecamatan rows
    own = table[~kec.is_kecamatan_code(table["code"])]
    assert len(level) == len(own) + len(summed)


counts = st.integers(min_value=0, max_value=10**6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(counts, counts), min_size=3, max_size=3), st.booleans())
def test_the_province_total_counts_each_person_once(pairs, own_row):
    """With or without the regency's own row, the province sums each regency once."""
    records = [(c, n, d + n) for c, (n, d) in zip(REF["code"][:3], pairs, strict=True)]
    if own_row:
        records.append(("64.02", 7, 70))
    records += [("64.74", 3, 30)]
    level, _ = kec.regency_level(rows(*records), REF)
    total = province_totals(level).iloc[0]
    expected = (7 + 3, 70 + 30) if own_row else (sum(n for _, n, _ in records[:3]) + 3,
                                                sum(d for _, _, d in records[:3]) + 30)
    assert (total["numerator"], total["denominator"]) == expected


def test_without_the_reference_kecamatan_rows_are_kept_out_and_not_summed():
    level, rollup = kec.regency_level(rows(("64.74.01", 1, 2), ("64.74.02", 1, 2)), None)
    assert level.empty and rollup.rows.empty


def test_demo_kecamatan_add_up_exactly_to_their_regency():
    demo = pd.DataFrame([(P, "64.02", "kia", 12345, 23456, True)], columns=COLUMNS)
    split = build_demo_kecamatan(demo, REF, ("64.02",))
    assert len(split) == 3 and split["is_demo"].all()
    assert split["numerator"].sum() == 12345 and split["denominator"].sum() == 23456
    assert split["numerator"].nunique() > 1  # the kecamatan differ


def test_the_built_reference_has_the_7285_kecamatan(built):
    from utils.geo.cache_record import cache_dir

    ref = read_kecamatan(cache_dir() / "kecamatan.csv")
    assert len(ref) == 7285 and ref["code"].is_unique
    assert (ref["code"].str[:5] == ref["regency_code"]).all()
    row = ref.set_index("code").loc["64.02.01"]
    assert kecamatan_label({**row, "code": "64.02.01"}) == \
        "Kecamatan Muara Muntai, Kabupaten Kutai Kartanegara"
    assert set(ref.loc[ref["province_code"] == "91", "kind"]) == {"Distrik"}
    assert len(ref[ref["regency_code"] == "64.02"]) == 20
