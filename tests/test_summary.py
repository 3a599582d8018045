"""Press-release summary: published Kaltim 2022 / Kaltara 2020 figures, wording rules."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from utils.formatting import format_date, join_names
from utils.metrics.attainment import Extreme, Facts, Shortfall, gap_people
from utils.metrics.indicators import load_indicators
from utils.metrics.targets import Target, load_targets, target_for
from utils.report.press_release import below_percent, summary

INDICATORS = load_indicators()
TARGETS = load_targets()
PUBLISHED = pd.read_csv("data/published.csv", dtype={"period": str, "code": str})
KALTIM_KTP = ("Perekaman KTP-el Provinsi Kalimantan Timur per 15 Mei 2022 mencapai 100,89 persen, "
              "melampaui target nasional 99,30 persen. Cakupan tertinggi Kota Bontang (102,44 "
              "persen), terendah Kabupaten Kutai Timur (95,97 persen).")


def published_facts(province: str, period: str, indicator: str) -> Facts:
    """Summary numbers from the published figures (province value, highest, lowest)."""
    in_province = PUBLISHED["code"].str.split(".").str[0] == province
    rows = PUBLISHED[in_province & (PUBLISHED["period"] == period)
                     & (PUBLISHED["indicator"] == indicator)].set_index("figure")
    target = target_for(TARGETS, indicator, int(period[:4]), province)

    def extreme(figure: str) -> Extreme | None:
        if figure not in rows.index:
            return None
        return Extreme((rows.loc[figure, "region"],), float(rows.loc[figure, "percent"]))

    below = ()
    low = extreme("lowest")
    if low and target and low.percent < target.percent:
        below = (Shortfall(low.names[0], low.percent, target.percent, None),)
    count = rows.loc["province", "numerator"]
    return Facts(indicator, "province", rows.loc["province", "region"].removeprefix("Provinsi "),
                 period, float(rows.loc["province", "percent"]),
                 numerator=None if pd.isna(count) else int(count), target=target,
                 highest=extreme("highest"), lowest=low, below=below)


def test_kaltim_ktp_el_reads_like_the_dinas_release():
    text = summary(published_facts("64", "2022-05-15", "ktp_el"), INDICATORS["ktp_el"], "id")
    assert text.startswith(KALTIM_KTP)
    assert "Kabupaten Kutai Timur (95,97 persen)" in text.split("belum mencapai target")[1]
    assert "Cakupan di atas 100 persen" in text  # 100,89 and 102,44 need the explanation


def test_kaltim_ktp_el_in_english():
    text = summary(published_facts("64", "2022-05-15", "ktp_el"), INDICATORS["ktp_el"], "en")
    assert text.startswith(
        "KTP-el recording in Kalimantan Timur Province as of 15 May 2022 reached 100.89 "
        "percent, exceeding the national target of 99.30 percent. The highest coverage was in "
        "Kota Bontang (102.44 percent), the lowest in Kabupaten Kutai Timur (95.97 percent).")
    assert "Coverage above 100 percent" in text


def test_kaltim_kia_uses_the_target_in_force_in_2022():
    text = summary(published_facts("64", "2022-05-15", "kia"), INDICATORS["kia"], "id")
    assert text.startswith("Kepemilikan KIA Provinsi Kalimantan Timur per 15 Mei 2022 mencapai "
                           "67,69 persen, melampaui target nasional 40 persen.")  # 2021 target
    assert "tertinggi Kota Samarinda (101,29 persen), terendah Kabupaten Kutai Kartanegara " \
           "(41,31 persen)" in text


@pytest.mark.parametrize(("indicator", "opening", "verdict", "above_100"), [
    ("ktp_el", "Perekaman KTP-el Provinsi Kalimantan Utara tahun 2020 mencapai 101,93 persen "
     "(467.701 jiwa)", ", melampaui target provinsi 98 persen.", True),
    ("kia", "Kepemilikan KIA Provinsi Kalimantan Utara tahun 2020 mencapai 44,76 persen "
     "(91.763 jiwa)", ", masih di bawah target provinsi 50 persen.", False),
    ("akta_lahir", "Kepemilikan akta kelahiran Provinsi Kalimantan Utara tahun 2020 mencapai "
     "96,21 persen (218.142 jiwa)", ", melampaui target provinsi 92 persen.", False),
])
def test_kaltara_2020_against_provincial_targets(indicator, opening, verdict, above_100):
    facts = published_facts("65", "2020", indicator)
    text = summary(facts, INDICATORS[indicator], "id")
    assert text.startswith(opening + verdict)
    assert ("di atas 100 persen" in text) == above_100
    if "di bawah" in verdict:
        assert "melampaui" not in text
        assert "exceed" not in summary(facts, INDICATORS[indicator], "en")


def facts_with(**changes) -> Facts:
    base = Facts("ktp_el", "province", "Kalimantan Timur", "2024-12-31", 98.5,
                 numerator=985, denominator=1000,
                 target=Target("ktp_el", 2023, "national", 99.4, "x"),
                 gap=gap_people(985, 1000, 99.4))
    return Facts(**{**base.__dict__, **changes})


@pytest.mark.parametrize(("changes", "lang", "expected", "absent"), [
    ({}, "id", "masih di bawah target nasional 99,40 persen; kurang 9 jiwa untuk mencapai "
     "target.", "melampaui"),
    ({}, "en", "still below the national target of 99.40 percent; 9 more people are needed",
     "exceed"),
    ({"target": None, "gap": None}, "id", "Belum ada target perekaman KTP-el yang berlaku "
     "untuk tahun 2024", "melampaui"),
    ({"target": None, "gap": None}, "en", "No KTP-el recording target is in force for 2024",
     "exceed"),
    ({"percent": 99.4, "numerator": 994, "gap": 0}, "id", "tepat memenuhi target nasional",
     "melampaui"),
    ({"percent": None, "numerator": None, "gap": None}, "id",
     "Perekaman KTP-el Provinsi Kalimantan Timur per 31 Desember 2024: data belum tersedia.",
     "melampaui"),
    ({"highest": Extreme(("Kota A", "Kota B"), 101.0), "lowest": Extreme(("Kota C",), 90.0)},
     "id", "Cakupan tertinggi Kota A dan Kota B (masing-masing 101,00 persen), terendah Kota C "
     "(90,00 persen).", "melampaui"),
    ({"highest": Extreme(("Kota A", "Kota B"), 101.0), "lowest": Extreme(("Kota C",), 90.0)},
     "en", "Kota A and Kota B (101.00 percent each)", "exceed"),
    ({"below": (Shortfall("Kota C", 90.0, 99.4, 94), Shortfall("Kota D", 95.0, 99.4, 44)),
      "meeting": 3, "with_data": 5}, "id", "Sebanyak 3 dari 5 kabupaten/kota telah memenuhi "
     "target. Yang belum mencapai target: Kota C (90,00 persen, kurang 94 jiwa); Kota D (95,00 "
     "persen, kurang 44 jiwa). Secara keseluruhan masih 138 jiwa lagi", "melampaui"),
    ({"meeting": 0, "with_data": 38, "scope_level": "national", "scope_name": "Indonesia"},
     "id", "Belum ada provinsi yang memenuhi target (38 provinsi memiliki data).", "melampaui"),
    ({"meeting": 4, "with_data": 4}, "en", "All 4 regencies and cities with data have met the "
     "target.", "exceed"),
    ({"meeting": 1, "with_data": 1, "scope_level": "regency", "scope_name": "Kota Bontang"},
     "id", "Perekaman KTP-el Kota Bontang per", "memenuhi target."),
    ({"missing": ("Kota E", "Kota F")}, "id", "Data belum tersedia untuk 2 kabupaten/kota: "
     "Kota E dan Kota F.", "melampaui"),
    ({"previous_period": "2024-06-30", "change": 0.456}, "id", "Dibandingkan posisi 30 Juni "
     "2024, cakupan naik 0,46 poin persen.", "melampaui"),
    ({"previous_period": "2024-06-30", "change": -1.2}, "en", "Compared with 30 June 2024, "
     "coverage fell by 1.20 percentage points.", "exceed"),
    ({"rank": 5, "rank_of": 38}, "id", "menempatkan Provinsi Kalimantan Timur di peringkat 5 "
     "dari 38 provinsi.", "melampaui"),
    ({"is_demo": True}, "id", "[DATA CONTOH — bukan angka resmi] Perekaman", "melampaui"),
    ({"scope_level": "national", "scope_name": "Indonesia"}, "id",
     "Perekaman KTP-el secara nasional per 31 Desember 2024", "Provinsi"),
])
def test_sentences(changes, lang, expected, absent):
    text = summary(facts_with(**changes), INDICATORS["ktp_el"], lang)
    assert expected in text
    assert absent not in text


def test_many_regions_below_are_counted_not_all_named():
    below = tuple(Shortfall(f"Kota {i:02d}", 90.0 + i / 10, 99.4, 10) for i in range(14))
    text = summary(facts_with(below=below), INDICATORS["ktp_el"], "id")
    assert "Kota 09" in text and "Kota 10" not in text and "dan 4 kabupaten/kota lainnya" in text
    assert "masih 140 jiwa lagi" in text  # total covers every region below, named or not


def test_value_just_below_target_never_reads_as_the_target():
    facts = facts_with(percent=99.396, numerator=None, gap=None)
    text = summary(facts, INDICATORS["ktp_el"], "id")
    assert "mencapai 99,396 persen, masih di bawah target nasional 99,40 persen" in text


@given(value=st.floats(0, 150, allow_nan=False), target=st.floats(1, 120, allow_nan=False))
def test_never_exceeds_when_below(value, target):
    target = round(target, 2)
    facts = Facts("kia", "province", "Kalimantan Utara", "2020", value,
                  target=Target("kia", 2020, "65", target, "x"),
                  highest=Extreme(("Kota Tarakan",), value), lowest=Extreme(("Kota X",), 0.0))
    for lang, word in (("id", "melampaui"), ("en", "exceed")):
        text = summary(facts, INDICATORS["kia"], lang)
        assert (word in text) == (value > target)


@given(st.floats(0, 150, allow_nan=False), st.floats(1, 120, allow_nan=False))
def test_below_percent_text_stays_below(value, target):
    if value < target:
        shown = below_percent(value, target, "en").split()[0]
        assert float(shown) < target


@pytest.mark.parametrize(("period", "lang", "text"), [
    ("2022-05-15", "id", "15 Mei 2022"), ("2022-05-15", "en", "15 May 2022"),
    ("2024-12-31", "id", "31 Desember 2024"), ("2025-02-01", "en", "1 February 2025"),
    ("2020", "id", "2020"),
])
def test_dates(period, lang, text):
    assert format_date(period, lang) == text


@pytest.mark.parametrize(("names", "lang", "text"), [
    ([], "id", ""), (["A"], "id", "A"), (["A", "B"], "id", "A dan B"),
    (["A", "B", "C"], "en", "A, B and C"),
])
def test_join_names(names, lang, text):
    assert join_names(names, lang) == text
