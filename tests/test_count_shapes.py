"""Rows that do not carry both counts, and province-level rows: stored and shown truthfully."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from utils.ingest import export, review
from utils.ingest.importer import Context, analyse
from utils.ingest.store import Store, StoreError
from utils.metrics import attainment, coverage, map_view, whatif

PERIOD = "2022-05-15"


@pytest.fixture(scope="module")
def context(regions: pd.DataFrame) -> Context:
    return Context.load(regions)


def csv(header: str, *rows: str) -> bytes:
    return (header + "\n" + "".join(r + "\n" for r in rows)).encode()


def kinds(issues: list) -> list[str]:
    return [i.kind for i in issues]


# --- each shape through analyse -------------------------------------------------------------

SHAPES = [
    # name, file, expected rows (code, indicator, numerator, denominator, percent_given,
    # derived, margin), warning kinds that must name the derived rows
    ("counts", csv("NO;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM", "1;KAB. PASER;10.000;9.100"),
     [("64.01", "ktp_el", 9100, 10000, None, "", 0.0)], []),
    ("count and percent", csv("NO;KABUPATEN/KOTA;SUDAH REKAM;% REKAM",
                              "1;KAB. PASER;9.100;91,00", "2;KOTA BONTANG;2.948.162;97,31"),
     [("64.01", "ktp_el", 9100, 10000, 91.0, "percent", 0.0),
      ("64.74", "ktp_el", 2948162, 3029660, 97.31, "percent", 155.0)], ["derived_percent"]),
    ("sudah and belum", csv("NO;KABUPATEN/KOTA;SUDAH REKAM;BELUM REKAM",
                            "1;KAB. PASER;9.100;900"),
     [("64.01", "ktp_el", 9100, 10000, None, "remaining", 0.0)], ["derived_remaining"]),
    ("percent only", csv("NO;KABUPATEN/KOTA;% REKAM", "1;KAB. PASER;91,00"),
     [("64.01", "ktp_el", None, None, 91.0, "", None)], ["percent_only"]),
    ("shared denominator", csv("NO;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM;AKTIVASI IKD",
                               "1;KAB. PASER;10.000;9.100;4.000"),
     [("64.01", "ktp_el", 9100, 10000, None, "", 0.0),
      ("64.01", "ikd", 4000, 10000, None, "", 0.0)], ["shared_denominator"]),
]


def _same(got: object, expected: object) -> bool:
    if expected is None:
        return got is None or (isinstance(got, float) and math.isnan(got))
    return got == expected


@pytest.mark.parametrize(("name", "data", "expected", "notes"), SHAPES, ids=[s[0] for s in SHAPES])
def test_each_shape_imports_and_says_what_was_derived(context: Context, name: str, data: bytes,
                                                      expected: list, notes: list) -> None:
    report = analyse(data, "x.csv", context, period=PERIOD)
    assert report.status == "ok", [e.message() for e in report.errors]
    table = report.table.sort_values(["code", "indicator"], key=lambda c: c.map(
        {"ktp_el": 0, "ikd": 1}).fillna(c) if c.name == "indicator" else c)
    got = list(table[["code", "indicator", "numerator", "denominator", "percent_given",
                      "derived", "derived_margin"]].itertuples(index=False, name=None))
    assert len(got) == len(expected)
    for row, want in zip(got, expected, strict=True):
        assert all(_same(g, w) for g, w in zip(row, want, strict=True)), (row, want)
    assert set(notes) <= set(kinds(report.warnings))
    as_json = report.to_dict()
    for note in notes:
        message = next(w["message"] for w in as_json["warnings"] if w["type"] == note)
        assert "baris" in message or "kolom" in message


def test_percent_only_rows_have_no_province_sum(context: Context) -> None:
    report = analyse(csv("NO;KABUPATEN/KOTA;% REKAM", "1;KAB. PASER;91,00",
                         "2;KOTA BONTANG;99,10"), "x.csv", context, period=PERIOD)
    assert report.aggregates == {} and report.uncounted == {"64": {"ktp_el": 2}}
    assert report.to_dict()["uncounted"] == {"64": {"ktp_el": 2}}
    (row,) = review.aggregate_rows(report, "id")
    assert row["percent"].startswith("tidak dapat dihitung")


def test_completeness_marks_a_partial_province(context: Context) -> None:
    report = analyse(csv("NO;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM", "1;KAB. PASER;10;9",
                         "2;KOTA BONTANG;10;8"), "x.csv", context, period=PERIOD)
    assert report.completeness == {"64": {"present": 2, "regencies": 10}}
    assert report.to_dict()["completeness"] == report.completeness
    (row,) = review.aggregate_rows(report, "id")
    assert row["percent"] == "85,00 % (sebagian: 2 dari 10 kabupaten/kota)"


def test_a_total_that_disagrees_is_a_decision_resolved_by_skipping_it(context: Context) -> None:
    data = csv("NO;KABUPATEN/KOTA;WAJIB KTP-EL;SUDAH REKAM", "1;KAB. PASER;10;9",
               "2;KOTA BONTANG;10;9", ";JUMLAH;25;18")
    report = analyse(data, "x.csv", context, period=PERIOD)
    assert report.status == "needs_decisions"
    (error,) = report.errors
    assert (error.kind, error.row) == ("total_mismatch", 4)
    skipped = analyse(data, "x.csv", context, period=PERIOD, decisions={4: ""})
    assert skipped.status == "ok" and not skipped.totals
    assert skipped.aggregates == {"64": {"ktp_el": 90.0}}


def test_a_total_within_the_derived_margin_is_accepted(context: Context) -> None:
    data = csv("NO;KABUPATEN/KOTA;SUDAH REKAM;% REKAM", "1;KAB. PASER;9.100;91,00",
               "2;KOTA BONTANG;2.948.162;97,31", ";JUMLAH;2.957.262;97,29")
    report = analyse(data, "x.csv", context, period=PERIOD)
    assert report.status == "ok", [e.message() for e in report.errors]


# --- properties -------------------------------------------------------------------------------


@given(st.integers(1, 5_000_000), st.integers(1, 5_000_000))
def test_derived_denominator_gives_back_the_rounded_percent(numerator: int, extra: int) -> None:
    truth = numerator + extra // 10  # coverage from about 10 % to 100 %
    written = round(100 * numerator / truth, 2)
    found = coverage.derive_denominator(numerator, written, 0.005)
    if found is None:  # only when the rounded percent is 0 (never here) or no whole fits
        assert written <= 0.005
        return
    den, margin = found
    assert abs(100 * numerator / den - written) <= 0.005 + 1e-9
    assert den - margin <= truth <= den + margin


ROWS = st.lists(st.tuples(st.sampled_from(["64", "65"]), st.integers(0, 1000),
                          st.integers(1, 1000), st.booleans()), min_size=1, max_size=12)


def _mixed(rows: list) -> pd.DataFrame:
    return pd.DataFrame([{
        "period": "p", "code": f"{p}.{i:02d}", "indicator": "k",
        "numerator": math.nan if only else n, "denominator": math.nan if only else d,
        "is_demo": False, "percent_given": 100 * n / d if only else math.nan,
        "derived": "", "derived_margin": math.nan if only else 0.0,
    } for i, (p, n, d, only) in enumerate(rows)])


@given(ROWS)
def test_aggregate_never_looks_complete_with_a_percent_only_row(rows: list) -> None:
    out = coverage.aggregate(_mixed(rows).assign(g=lambda f: f["code"].str[:2]), "g")
    for group in out.itertuples():
        lacking = sum(1 for p, _, _, only in rows if p == group.g and only)
        assert group.without_counts == lacking
        assert group.complete == (lacking == 0)
        if lacking:
            assert math.isnan(group.percent) and math.isnan(group.numerator)


@given(st.lists(st.tuples(st.integers(0, 1000), st.integers(1, 1000)), min_size=0, max_size=6),
       st.integers(0, 1000), st.integers(1, 1000))
def test_province_row_and_its_regencies_are_never_summed(regencies: list, num: int,
                                                         den: int) -> None:
    rows = [("64", num, den)] + [(f"64.{i + 1:02d}", n, d) for i, (n, d) in enumerate(regencies)]
    table = pd.DataFrame([{"period": "p", "code": c, "indicator": "k", "numerator": n,
                           "denominator": d, "is_demo": False} for c, n, d in rows])
    (figure,) = coverage.province_totals(table).itertuples()
    if regencies:
        assert not figure.from_province_row
        assert figure.denominator == sum(d for _, d in regencies)
    else:
        assert figure.from_province_row and figure.denominator == den


# --- store, exports, metrics --------------------------------------------------------------------


def _accept(store: Store, table: pd.DataFrame) -> dict:
    return store.accept(table, source_name="a.csv", source_bytes=b"a", period=PERIOD, user="t")


def test_store_keeps_given_percents_and_rejects_rows_with_neither(context: Context,
                                                                  tmp_path: Path) -> None:
    report = analyse(csv("NO;KABUPATEN/KOTA;SUDAH REKAM;% REKAM", "1;KAB. PASER;9.100;91,00",
                         "2;KOTA BONTANG;;99,10"), "x.csv", context, period=PERIOD)
    assert "missing" in kinds(report.errors)  # a count column with an empty cell
    only = analyse(csv("NO;KABUPATEN/KOTA;% REKAM", "1;KAB. PASER;91,00"), "x.csv", context,
                   period=PERIOD)
    store = Store(tmp_path)
    meta = _accept(store, pd.concat([report.table, only.table.assign(indicator="kia")]))
    back = store.data(meta["id"])
    assert list(back.columns) == [*coverage.COLUMNS, *coverage.OPTIONAL]
    kia = back[back["indicator"] == "kia"].iloc[0]
    assert math.isnan(kia["numerator"]) and kia["percent_given"] == 91.0
    assert back.loc[back["indicator"] == "ktp_el", "derived"].tolist() == ["percent"]
    neither = only.table.assign(percent_given=math.nan)
    with pytest.raises(StoreError):
        _accept(store, neither)


def test_export_names_derived_figures(regions: pd.DataFrame, context: Context) -> None:
    report = analyse(csv("NO;KABUPATEN/KOTA;SUDAH REKAM;% REKAM", "1;KAB. PASER;9.100;91,00"),
                     "x.csv", context, period=PERIOD)
    frame = export.current_frame(report.table, regions, "id")
    assert frame["Keterangan"].tolist() == ["dihitung dari persentase"]
    assert "dihitung dari persentase" in export.to_csv(frame).decode("utf-8-sig")
    english = export.current_frame(report.table, regions, "en")
    assert english.iloc[0].tolist()[-2:] == ["derived from the percentage", 0.0]


def _percent_only_table() -> pd.DataFrame:
    return pd.DataFrame([
        {"period": PERIOD, "code": "64.01", "indicator": "ktp_el", "numerator": 90.0,
         "denominator": 100.0, "is_demo": False, "percent_given": math.nan, "derived": "",
         "derived_margin": 0.0},
        {"period": PERIOD, "code": "64.74", "indicator": "ktp_el", "numerator": math.nan,
         "denominator": math.nan, "is_demo": False, "percent_given": 99.5, "derived": "",
         "derived_margin": math.nan},
    ])


TARGETS = pd.DataFrame([("ktp_el", 2022, "national", 99.3, "t")],
                       columns=["indicator", "year", "scope", "target_percent", "source"])


def test_percent_only_rows_are_ranked_but_have_no_gap(regions: pd.DataFrame) -> None:
    rows = map_view.regency_table(_percent_only_table(), regions, TARGETS, "ktp_el", PERIOD)
    bontang = rows[rows["code"] == "64.74"].iloc[0]
    assert bontang["percent"] == 99.5 and bool(bontang["meets"]) and pd.isna(bontang["gap"])
    assert bontang["rank_province"] == 1
    shown = map_view.table_frame(rows[rows["code"].isin(["64.01", "64.74"])],
                                 map_view.MapState("ktp_el", PERIOD, "64", "kab"))
    assert shown["derived"].tolist() == ["percent_only", ""]


def test_province_of_a_percent_only_row_has_no_sum(regions: pd.DataFrame) -> None:
    table = _percent_only_table()
    facts, _ = attainment.scope_facts(table, regions, TARGETS, "ktp_el", PERIOD, "64")
    assert facts.percent is None and facts.gap is None and facts.without_counts == 1
    provinces = map_view.province_table(table, regions, TARGETS, "ktp_el", PERIOD)
    kaltim = provinces[provinces["code"] == "64"].iloc[0]
    assert pd.isna(kaltim["percent"]) and kaltim["without_counts"] == 1


def test_partial_province_says_how_many_regencies(regions: pd.DataFrame) -> None:
    table = _percent_only_table().iloc[:1]
    facts, _ = attainment.scope_facts(table, regions, TARGETS, "ktp_el", PERIOD, "64")
    assert facts.percent == 90.0 and (facts.regions_present, facts.regions_total) == (1, 10)


def test_province_row_is_the_national_view_figure_only_without_regency_rows(
        regions: pd.DataFrame) -> None:
    table = pd.concat([_percent_only_table().iloc[:1], pd.DataFrame([
        {"period": PERIOD, "code": "64", "indicator": "ktp_el", "numerator": 5000.0,
         "denominator": 5000.0, "is_demo": False},
        {"period": PERIOD, "code": "65", "indicator": "ktp_el", "numerator": 970.0,
         "denominator": 1000.0, "is_demo": False}])], ignore_index=True)
    provinces = map_view.province_table(table, regions, TARGETS, "ktp_el", PERIOD).set_index(
        "code")
    assert provinces.loc["64", "percent"] == 90.0  # its regency, not 5 090 / 5 100
    assert provinces.loc["65", "percent"] == 97.0 and provinces.loc["65", "from_province_row"]
    facts, _ = attainment.scope_facts(table, regions, TARGETS, "ktp_el", PERIOD, None)
    assert (facts.numerator, facts.denominator) == (1060.0, 1100.0)


def test_whatif_leaves_percent_only_regencies_out_and_counts_them(regions: pd.DataFrame) -> None:
    rows = coverage.select(_percent_only_table(), "ktp_el", PERIOD)
    in_force = whatif.in_force_targets(TARGETS, "ktp_el", 2022, regions)
    base = whatif.baseline(rows, regions, in_force)
    assert whatif.excluded_without_counts(base) == 1
    assert base.loc[base["code"] == "64.74", "without_counts"].item()
