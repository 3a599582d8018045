"""One region's trend, ranks and words (utils.metrics / utils.report region_profile; pure)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from utils.metrics import region_profile as numbers
from utils.metrics.attainment import Facts
from utils.metrics.indicators import load_indicators
from utils.metrics.targets import Target
from utils.report import region_profile as texts

DEFS = load_indicators()
OLD, NEW = "2024-12-31", "2025-06-30"
REGIONS = pd.DataFrame(
    [
        ("64", "Kalimantan Timur", "province", "Provinsi", "64", "Kalimantan Timur"),
        ("65", "Kalimantan Utara", "province", "Provinsi", "65", "Kalimantan Utara"),
        ("64.01", "Kabupaten Paser", "regency", "Kabupaten", "64", "Kalimantan Timur"),
        ("64.71", "Kota Balikpapan", "regency", "Kota", "64", "Kalimantan Timur"),
        ("64.74", "Kota Bontang ", "regency", "Kota", "64", "Kalimantan Timur"),
        ("65.01", "Kabupaten Malinau", "regency", "Kabupaten", "65", "Kalimantan Utara"),
    ],
    columns=["code", "name", "level", "kind", "province_code", "province_name"],
)
TABLE = pd.DataFrame(
    [
        (OLD, "64.01", "ktp_el", 90.0, 100.0),
        (NEW, "64.01", "ktp_el", 95.0, 100.0),
        (OLD, "64.71", "ktp_el", 80.0, 100.0),
        (NEW, "64.71", "ktp_el", 99.0, 100.0),
        (NEW, "64.74", "ktp_el", 95.0, 100.0),  # ties with 64.01
        (NEW, "65.01", "ktp_el", 97.0, 100.0),
        (NEW, "64.01", "kia", 50.0, 100.0),
        (NEW, "64.74", "kia", None, 100.0),  # no value: not ranked, not in the trend
    ],
    columns=["period", "code", "indicator", "numerator", "denominator"],
).assign(is_demo=False)
TARGETS = pd.DataFrame(
    [
        ("ktp_el", 2024, "national", 99.3, "test"),
        ("ktp_el", 2025, "64", 96.0, "test"),
    ],
    columns=["indicator", "year", "scope", "target_percent", "source"],
)


def row(code: str) -> pd.Series:
    return REGIONS.set_index("code", drop=False).loc[code]


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"), [("64", True), ("65", True), ("64.01", False), ("99", False)]
)
def test_is_province(code, expected):
    assert numbers.is_province(REGIONS, code) is expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # period, indicator, numerator, denominator, percent, target, gap
        (
            "64.01",
            [
                (OLD, "ktp_el", 90, 100, 90.0, 99.3, 10),  # national target, ceil(9.3)
                (NEW, "kia", 50, 100, 50.0, None, None),  # no target in force
                (NEW, "ktp_el", 95, 100, 95.0, 96.0, 1),  # the province's own target
            ],
        ),
        (
            "64",  # a province sums its regencies with data
            [
                (OLD, "ktp_el", 170, 200, 85.0, 99.3, 29),
                (NEW, "kia", 50, 100, 50.0, None, None),
                (NEW, "ktp_el", 289, 300, 289 / 3, 96.0, 0),
            ],
        ),
        ("64.74", [(NEW, "ktp_el", 95, 100, 95.0, 96.0, 1)]),
        ("65.01", [(NEW, "ktp_el", 97, 100, 97.0, 99.3, 3)]),  # 2024's national still in force
    ],
)
def test_trend(code, expected):
    out = numbers.trend(TABLE, REGIONS, TARGETS, code)
    assert list(out.columns) == numbers.TREND_COLUMNS
    got = [
        (
            r.period,
            r.indicator,
            r.numerator,
            r.denominator,
            round(r.percent, 6),
            None if math.isnan(r.target) else r.target,
            None if pd.isna(r.gap) else int(r.gap),
        )
        for r in out.itertuples()
    ]
    assert got == [
        (p, i, n, d, round(pct, 6), target, gap) for p, i, n, d, pct, target, gap in expected
    ]


@pytest.mark.parametrize("code", ["64.02", "65"])
def test_trend_without_data_is_empty_not_zero(code):
    table = TABLE[TABLE["code"] != "65.01"]
    out = numbers.trend(table, REGIONS, TARGETS, code)
    assert out.empty and list(out.columns) == numbers.TREND_COLUMNS


@pytest.mark.parametrize(
    ("code", "indicators", "expected"),
    [
        # indicator, rank in province, of, rank nationally, of
        ("64.71", ["ktp_el"], [("ktp_el", 1, 3, 1, 4)]),
        ("64.01", ["ktp_el", "kia"], [("ktp_el", 2, 3, 3, 4), ("kia", 1, 1, 1, 1)]),
        ("64.74", ["ktp_el", "kia"], [("ktp_el", 2, 3, 3, 4)]),  # tie; no kia value: no row
        ("65.01", ["ktp_el"], [("ktp_el", 1, 1, 2, 4)]),
        ("64", ["ktp_el"], [("ktp_el", None, None, 2, 2)]),  # provinces: national rank only
        ("65", ["kia"], []),
    ],
)
def test_ranks(code, indicators, expected):
    out = numbers.ranks(TABLE, REGIONS, code, indicators, NEW)
    assert list(out.columns) == numbers.RANK_COLUMNS
    got = [
        (
            r["indicator"],
            None if pd.isna(r["rank_province"]) else int(r["rank_province"]),
            None if pd.isna(r["of_province"]) else int(r["of_province"]),
            int(r["rank_national"]),
            int(r["of_national"]),
        )
        for r in out.to_dict("records")
    ]
    assert got == expected


# --- words ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "lang", "option", "title"),
    [
        ("64", "id", "Provinsi Kalimantan Timur", "Provinsi Kalimantan Timur"),
        ("64", "en", "Kalimantan Timur Province", "Kalimantan Timur Province"),
        ("64.74", "id", "Kota Bontang — Kalimantan Timur", "Kota Bontang"),  # name stripped
        ("64.01", "en", "Kabupaten Paser — Kalimantan Timur", "Kabupaten Paser"),
    ],
)
def test_option_label_and_title(code, lang, option, title):
    assert texts.option_label(row(code), lang) == option
    assert texts.title(row(code), lang) == title


@pytest.mark.parametrize(
    ("code", "regencies", "lang", "expected"),
    [
        ("64", 3, "id", "Provinsi · kode 64 · 3 kabupaten/kota · data per 30 Juni 2025"),
        (
            "64.74",
            0,
            "id",
            "Kota di Provinsi Kalimantan Timur · kode 64.74 · data per 30 Juni 2025",
        ),
        (
            "64.01",
            0,
            "en",
            "Regency (kabupaten) in Kalimantan Timur Province · code 64.01"
            " · data as of 30 June 2025",
        ),
    ],
)
def test_where(code, regencies, lang, expected):
    assert texts.where(row(code), regencies, NEW, lang) == expected


def facts(**changes) -> Facts:
    base = {
        "indicator": "ktp_el",
        "scope_level": "regency",
        "scope_name": "Kota Bontang",
        "period": NEW,
        "percent": 95.0,
        "numerator": 1234567.0,
        "denominator": 2000000.0,
    }
    return Facts(**{**base, **changes})


NATIONAL = Target("ktp_el", 2023, "national", 99.4, "test")


@pytest.mark.parametrize(
    ("change", "previous", "lang", "expected"),
    [
        (0.421, OLD, "id", "+0,42 poin sejak 31 Desember 2024"),
        (-1.005, OLD, "en", "-1.00 points since 31 December 2024"),
        (-0.001, OLD, "id", "0,00 poin sejak 31 Desember 2024"),  # never "-0,00"
        (None, OLD, "id", None),
        (1.0, None, "id", None),
    ],
)
def test_change_text(change, previous, lang, expected):
    assert texts.change_text(facts(change=change, previous_period=previous), lang) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "1.234.567 dari 2.000.000 jiwa"),
        ({"numerator": None, "denominator": None}, None),
    ],
)
def test_value_help(changes, expected):
    assert texts.value_help(facts(**changes), "id") == expected


@pytest.mark.parametrize(
    ("changes", "rank_row", "lang", "expected"),
    [
        (
            {"percent": None, "numerator": None},
            {},
            "id",
            ["Tanpa data pada periode ini", "Belum ada target yang berlaku"],
        ),
        (
            {"target": NATIONAL, "gap": 9},
            {"rank_province": 2, "of_province": 3, "rank_national": 3, "of_national": 4},
            "id",
            [
                "Target nasional 2023: 99,40 %",
                "Kurang 9 jiwa untuk mencapai target",
                "Peringkat di provinsi: 2 dari 3",
                "Peringkat nasional: 3 dari 4 kabupaten/kota",
            ],
        ),
        (
            {"target": NATIONAL, "gap": 0},
            {"rank_province": None, "of_province": None, "rank_national": 2, "of_national": 38},
            "en",
            ["National target 2023: 99.40 %", "Target met", "National rank: 2 of 38 provinces"],
        ),
        (
            {"target": NATIONAL, "gap": None},  # a target but no counts: no gap line
            {"rank_province": float("nan"), "rank_national": pd.NA},
            "id",
            ["Target nasional 2023: 99,40 %"],
        ),
    ],
)
def test_card_lines(changes, rank_row, lang, expected):
    units = texts.units("province" if lang == "en" else "regency", lang)
    assert texts.card_lines(facts(**changes), rank_row, units, lang) == expected


@pytest.mark.parametrize(
    ("rank", "total", "lang", "expected"),
    [
        (3, 10, "id", "3 dari 10"),
        (3.0, 10.0, "en", "3 of 10"),
        (None, None, "id", ""),
        (float("nan"), float("nan"), "id", ""),
        (pd.NA, 4, "id", ""),
    ],
)
def test_rank_value(rank, total, lang, expected):
    assert texts.rank_value(rank, total, lang) == expected


def test_chart_alt_lists_values_oldest_first():
    rows = pd.DataFrame({"period": [NEW, OLD], "percent": [95.0, 90.5]})
    assert texts.chart_alt(rows, "Perekaman KTP-el", "Kota Bontang", "id") == (
        "Perekaman KTP-el, Kota Bontang: 31 Desember 2024 90,50 %; 30 Juni 2025 95,00 %."
    )


@pytest.mark.parametrize("lang", ["id", "en"])
def test_history_table_latest_first_in_indicator_order_with_ranks_of_the_latest(lang):
    history = numbers.trend(TABLE, REGIONS, TARGETS, "64.01")
    ranked = numbers.ranks(TABLE, REGIONS, "64.01", list(DEFS), NEW)
    out = texts.history_table(history, ranked, NEW, "64.01", "Kabupaten Paser", DEFS, lang)
    assert list(out.columns) == texts.COLUMNS
    assert list(zip(out["period"], out["indicator"], strict=True)) == [
        (NEW, DEFS["ktp_el"].label(lang)),
        (NEW, DEFS["kia"].label(lang)),
        (OLD, DEFS["ktp_el"].label(lang)),
    ]
    of = "dari" if lang == "id" else "of"
    assert list(out["rank_national"]) == [f"3 {of} 4", f"1 {of} 1", ""]
    assert list(out["rank_province"]) == [f"2 {of} 3", f"1 {of} 1", ""]
    assert set(out["code"]) == {"64.01"} and set(out["region"]) == {"Kabupaten Paser"}
    assert list(out["gap"].astype(object).where(out["gap"].notna(), None)) == [1, None, 10]


def test_history_table_rounds_percent_to_two_decimals():
    history = numbers.trend(TABLE, REGIONS, TARGETS, "64")
    out = texts.history_table(
        history,
        numbers.ranks(TABLE, REGIONS, "64", ["ktp_el"], NEW),
        NEW,
        "64",
        "Provinsi Kalimantan Timur",
        DEFS,
        "id",
    )
    assert out.loc[0, "percent"] == 96.33 and out.loc[0, "rank_province"] == ""


@pytest.mark.parametrize(
    ("lang", "header", "date", "numerator", "percent", "missing"),
    [
        ("id", "Periode", "30 Juni 2025", "1.234.567", "95,12", "–"),
        ("en", "Period", "30 June 2025", "1,234,567", "95.12", "–"),
    ],
)
def test_display_writes_numbers_the_language_way(lang, header, date, numerator, percent, missing):
    frame = pd.DataFrame(
        [
            {
                "period": NEW,
                "code": "64.74",
                "region": "Kota Bontang",
                "indicator": "x",
                "numerator": 1234567.0,
                "denominator": 1300000.0,
                "percent": 95.12,
                "target": float("nan"),
                "gap": pd.NA,
                "rank_province": "",
                "rank_national": "",
            }
        ]
    )
    out = texts.display(frame, lang)
    assert out.columns[0] == header and len(out.columns) == len(texts.COLUMNS) - 2
    first = out.iloc[0].tolist()
    assert first[:2] == [date, "x"]
    assert first[2] == numerator and first[4] == percent
    assert first[5] == missing and first[6] == missing  # no target, no gap: a dash, not 0
    assert frame.loc[0, "period"] == NEW  # the CSV's frame is left as it was


@pytest.mark.parametrize("lang", ["id", "en"])
def test_headers_and_definitions(lang):
    assert texts.headers(lang)["percent"] == ("Cakupan (%)" if lang == "id" else "Coverage (%)")
    lines = texts.definition_lines(DEFS, lang)
    assert len(lines) == len(DEFS)
    item = DEFS["ktp_el"]
    numerator = item.numerator_en if lang == "en" else item.numerator_id
    assert lines[0].startswith(f"**{item.label(lang)}** = {numerator} ÷ ")
