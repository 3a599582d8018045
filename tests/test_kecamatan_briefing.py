"""A regency's briefing and press release over its kecamatan (issue #17, item 4).

Pure tests on a small hand-made table (Kota Bontang with 3 kecamatan, one below
the regency's own target; a partial Kutai Kartanegara; a "Kota Bangun" in two
regencies), one fact printed alike by every view, the deck's files, and the
briefing page for ``?wil=64.02`` on the demo data.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pyarrow
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from utils import demo
from utils.charts import gauges
from utils.formatting import format_number, format_percent_against
from utils.geo import cache_record as build_record
from utils.i18n import t
from utils.ingest import provenance
from utils.metrics import attainment, kecamatan, targets
from utils.metrics import regions as region_ref
from utils.metrics.attainment import KecamatanLevel
from utils.metrics.indicators import load_indicators
from utils.report import deck as slides
from utils.report import deck_file, press_release

PERIOD, BEFORE = "2025-06-30", "2024-12-31"
KTP = load_indicators()["ktp_el"]
APP = Path(__file__).resolve().parent.parent / "app.py"

# --- a hand-made reference: Kalimantan Timur, three regencies, nine kecamatan ------------------

REGIONS = pd.DataFrame(
    [("64", "Kalimantan Timur", "province", "Provinsi", "64", "Kalimantan Timur"),
     ("64.02", "Kabupaten Kutai Kartanegara", "regency", "Kabupaten", "64", "Kalimantan Timur"),
     ("64.03", "Kabupaten Berau", "regency", "Kabupaten", "64", "Kalimantan Timur"),
     ("64.74", "Kota Bontang", "regency", "Kota", "64", "Kalimantan Timur")],
    columns=["code", "name", "level", "kind", "province_code", "province_name"],
).assign(population=1000, area_km2=10.0)[region_ref.COLUMNS]


def _kecamatan(code: str, name: str) -> tuple[str, ...]:
    regency = REGIONS.set_index("code").loc[code[:5]]
    return (code, name, "Kecamatan", code[:5], regency["name"], "64", "Kalimantan Timur")


REFERENCE = pd.DataFrame(
    [_kecamatan(*row) for row in [
        ("64.74.01", "Bontang Selatan"), ("64.74.02", "Bontang Utara"),
        ("64.74.03", "Bontang Barat"),
        ("64.02.01", "Kota Bangun"), ("64.02.02", "Tenggarong"), ("64.02.03", "Loa Kulu"),
        ("64.02.04", "Sebulu"),
        ("64.03.01", "Kota Bangun"), ("64.03.02", "Tanjung Redeb")]],
    columns=region_ref.KECAMATAN_COLUMNS,
)
"""``Kota Bangun`` is a kecamatan of Kutai Kartanegara and (made up) of Berau too."""

TARGETS = pd.DataFrame(
    [("ktp_el", 2025, "national", 95.0, "national"),
     ("ktp_el", 2025, "64.74", 98.0, "Kota Bontang's own")],
    columns=["indicator", "year", "scope", "target_percent", "source"],
)
"""Bontang's kecamatan inherit 98 % from their regency, never the national 95 %."""

COUNTS = {
    # Kota Bontang: its own row, and 3 kecamatan adding up to it; Bontang Barat at
    # 96,5 % is below the regency's 98 % (and above the national 95 %).
    "64.74": (34_425, 35_000),
    "64.74.01": (9_900, 10_000), "64.74.02": (19_700, 20_000), "64.74.03": (4_825, 5_000),
    # Kutai Kartanegara: no row of its own, 2 of its 4 kecamatan (partial).
    "64.02.01": (9_800, 10_000), "64.02.02": (8_000, 10_000),
    # Berau: a full regency whose Kota Bangun is far lower than Kutai Kartanegara's.
    "64.03": (7_000, 10_000), "64.03.01": (2_500, 5_000), "64.03.02": (4_500, 5_000),
}
EARLIER = {"64.74": (33_000, 35_000), "64.74.01": (9_500, 10_000),
           "64.74.02": (19_000, 20_000), "64.74.03": (4_500, 5_000)}


def rows(counts: dict[str, tuple[float, float]], period: str = PERIOD) -> pd.DataFrame:
    return pd.DataFrame([(period, c, "ktp_el", float(n), float(d), False)
                         for c, (n, d) in counts.items()],
                        columns=["period", "code", "indicator", "numerator", "denominator",
                                 "is_demo"])


ALL = pd.concat([rows(COUNTS), rows(EARLIER, BEFORE)], ignore_index=True)
TABLE, ROLLUP = kecamatan.regency_level(ALL, REFERENCE)
LEVEL = KecamatanLevel(REFERENCE, kecamatan.split(ALL)[1])


def facts_of(code: str, table: pd.DataFrame = TABLE, level: KecamatanLevel = LEVEL,
             target_table: pd.DataFrame = TARGETS) -> attainment.Facts:
    return attainment.kecamatan_facts(table, REGIONS, target_table, "ktp_el", PERIOD, code,
                                      level)[0]


# --- the facts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "percent", "highest", "lowest", "below", "meeting", "with_data", "missing"),
    [
        ("64.74", 98.357, ("Kecamatan Bontang Selatan", 99.0),
         ("Kecamatan Bontang Barat", 96.5), [("Kecamatan Bontang Barat", 96.5, 98.0, 75)],
         2, 3, ()),
        ("64.02", None, ("Kecamatan Kota Bangun", 98.0), ("Kecamatan Tenggarong", 80.0),
         [("Kecamatan Tenggarong", 80.0, 95.0, 1_500)], 1, 2,
         ("Kecamatan Loa Kulu", "Kecamatan Sebulu")),
        ("64.03", 70.0, ("Kecamatan Tanjung Redeb", 90.0), ("Kecamatan Kota Bangun", 50.0),
         [("Kecamatan Kota Bangun", 50.0, 95.0, 2_250), ("Kecamatan Tanjung Redeb", 90.0, 95.0,
                                                          250)], 0, 2, ()),
    ],
)
def test_a_regencys_facts_name_its_own_kecamatan(code, percent, highest, lowest, below,
                                                 meeting, with_data, missing):
    facts = facts_of(code)
    assert (facts.percent is None) is (percent is None)
    if percent is not None:  # the regency's own figure, the one every view shows
        assert facts.percent == pytest.approx(percent, abs=1e-3)
    assert facts.member_level == "kecamatan" and facts.member_kind == "Kecamatan"
    assert (facts.highest.names, facts.highest.percent) == ((highest[0],), highest[1])
    assert (facts.lowest.names, facts.lowest.percent) == ((lowest[0],), lowest[1])
    assert [(b.name, b.percent, b.target, b.gap) for b in facts.below] == below
    assert (facts.meeting, facts.with_data, facts.missing) == (meeting, with_data, missing)
    assert facts.below_gap == sum(b[3] for b in below)


def test_the_kecamatan_inherit_the_regencys_target_not_the_national_one():
    facts = facts_of("64.74")
    assert facts.target.scope == "64.74" and facts.target.percent == 98.0
    assert {b.target for b in facts.below} == {98.0}  # 96,5 % meets 95 %, not 98 %
    national = facts_of("64.74", target_table=TARGETS[TARGETS["scope"] == "national"])
    assert national.below == () and national.meeting == 3


def test_a_kecamatan_name_another_regency_also_has_never_brings_that_ones_figure():
    kukar, berau = facts_of("64.02"), facts_of("64.03")
    assert "Kecamatan Kota Bangun" in kukar.highest.names  # 98 %, Kutai Kartanegara's
    assert "Kecamatan Kota Bangun" in berau.lowest.names  # 50 %, Berau's
    text = press_release.summary(kukar, KTP, "id")
    assert "50,00" not in text and "Tanjung Redeb" not in text
    scope = attainment.kecamatan_in_scope(REFERENCE, "64.02")
    assert list(scope["code"]) == ["64.02.01", "64.02.02", "64.02.03", "64.02.04"]


def test_a_regency_without_kecamatan_rows_keeps_its_regency_facts():
    level = KecamatanLevel(REFERENCE, LEVEL.rows[~LEVEL.rows["code"].str.startswith("64.03")])
    facts = facts_of("64.03", level=level)
    assert facts.member_level is None and facts.percent == pytest.approx(70.0)
    assert facts.highest is None and facts.below == ()
    assert facts == attainment.scope_facts(TABLE, REGIONS, TARGETS, "ktp_el", PERIOD,
                                           "64.03")[0]


@pytest.mark.parametrize(("code", "level", "members"), [
    (None, LEVEL, None), ("64", LEVEL, None), ("64.74", None, None), ("64.74", LEVEL, "kecamatan"),
])
def test_level_facts_compares_a_regencys_kecamatan_only_when_given_them(code, level, members):
    facts, table = attainment.level_facts(TABLE, REGIONS, TARGETS, "ktp_el", PERIOD, code, level)
    assert facts.member_level == members
    if members is None:
        assert facts == attainment.scope_facts(TABLE, REGIONS, TARGETS, "ktp_el", PERIOD, code)[0]
    else:
        assert list(table["code"]) == ["64.74.01", "64.74.02", "64.74.03"]


@settings(max_examples=40)  # each example sums a table and compares its kecamatan (~0.2 s)
@given(st.lists(st.tuples(st.integers(0, 12_000), st.integers(1, 10_000)), min_size=3,
                max_size=3),
       st.tuples(st.integers(0, 12_000), st.integers(1, 10_000)))
def test_only_the_regencys_kecamatan_below_its_target_are_listed(counts, other):
    codes = ["64.74.01", "64.74.02", "64.74.03"]
    table = rows({**dict(zip(codes, counts, strict=True)), "64.03.01": other})
    level = KecamatanLevel(REFERENCE, kecamatan.split(table)[1])
    upper = kecamatan.regency_level(table, REFERENCE)[0]
    facts = facts_of("64.74", upper, level)
    names = dict(zip(attainment.kecamatan_in_scope(REFERENCE, "64.74")["name"],
                     counts, strict=True))
    short = {n for n, (num, den) in names.items() if num * 100 < 98 * den}
    assert {b.name for b in facts.below} == short
    assert facts.meeting == 3 - len(short) and facts.with_data == 3
    assert facts.below_gap == attainment.shortfall_total(attainment.kecamatan_attainment(
        level, TARGETS, "ktp_el", PERIOD, "64.74"))
    assert facts.highest.percent >= facts.lowest.percent
    assert set(facts.highest.names + facts.lowest.names) <= set(names)
    assert facts.percent == pytest.approx(100 * sum(n for n, _ in counts)
                                          / sum(d for _, d in counts))  # summed, complete


# --- the press release -------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "sentences"), [
    ("id", ["Perekaman KTP-el Kota Bontang per 30 Juni 2025 mencapai 98,36 persen (34.425 jiwa), "
            "melampaui target kabupaten/kota 98 persen.",
            "Kecamatan Bontang Selatan mencapai 99,00 persen, tertinggi di Kota Bontang; "
            "terendah Kecamatan Bontang Barat (96,50 persen).",
            "Sebanyak 2 dari 3 kecamatan telah memenuhi target.",
            "Yang belum mencapai target: Kecamatan Bontang Barat (96,50 persen, kurang 75 jiwa).",
            "Dibandingkan posisi 31 Desember 2024, cakupan naik"]),
    ("en", ["KTP-el recording in Kota Bontang as of 30 June 2025 reached 98.36 percent "
            "(34,425 people), exceeding the regency/city target of 98 percent.",
            "Kecamatan Bontang Selatan reached 99.00 percent, the highest in Kota Bontang; "
            "the lowest was Kecamatan Bontang Barat (96.50 percent).",
            "2 of 3 kecamatan have met the target.",
            "Still below target: Kecamatan Bontang Barat (96.50 percent, 75 people short)."]),
])
def test_the_press_release_names_the_highest_and_lowest_kecamatan(lang, sentences):
    text = press_release.summary(facts_of("64.74"), KTP, lang)
    for sentence in sentences:
        assert sentence in text, text
    assert "provinsi" not in text and "kabupaten/kota lainnya" not in text


@pytest.mark.parametrize(("lang", "opening", "where"), [
    ("id", "Perekaman KTP-el Kabupaten Kutai Kartanegara per 30 Juni 2025 belum dapat dihitung: "
           "data per kecamatan baru tersedia untuk 2 dari 4 kecamatan.",
     "Kecamatan Kota Bangun mencapai 98,00 persen, tertinggi di antara 2 dari 4 kecamatan "
     "berdata di Kabupaten Kutai Kartanegara; terendah Kecamatan Tenggarong (80,00 persen)."),
    ("en", "KTP-el recording in Kabupaten Kutai Kartanegara as of 30 June 2025 cannot be "
           "computed yet: data by kecamatan is available for only 2 of 4 kecamatan.",
     "among the 2 of 4 kecamatan with data in Kabupaten Kutai Kartanegara"),
])
def test_a_partial_regency_is_never_given_its_kecamatan_figures(lang, opening, where):
    facts = facts_of("64.02")
    text = press_release.summary(facts, KTP, lang)
    assert text.startswith(opening), text
    assert where in text
    assert ("Loa Kulu" in text) and ("Sebulu" in text)  # the kecamatan without data, named
    first = text.split(". ")[0]
    assert not re.search(r"\d+[,.]\d\d (persen|percent)", first)  # no figure for the regency
    assert "tertinggi di Kabupaten" not in text and "highest in Kabupaten" not in text


def test_a_regency_with_a_figure_and_some_kecamatan_says_how_many():
    partial = {**COUNTS, "64.02": (17_800, 20_000)}  # its own row, 2 of 4 kecamatan
    both = rows(partial)
    facts = facts_of("64.02", kecamatan.regency_level(both, REFERENCE)[0],
                     KecamatanLevel(REFERENCE, kecamatan.split(both)[1]))
    assert facts.percent == pytest.approx(89.0)
    text = press_release.summary(facts, KTP, "id")
    assert "Data per kecamatan baru tersedia untuk 2 dari 4 kecamatan." in text
    assert "tertinggi di antara 2 dari 4 kecamatan berdata" in text
    note = slides.indicator_slide(facts, KTP, "id").note
    assert "2 dari 4 kecamatan" in note


# --- one fact, one figure ------------------------------------------------------------------------


def test_the_gap_in_people_is_one_figure_in_every_view_of_a_regency():
    """Every kecamatan of Berau below one target (95 %): the regency's own gap and
    the people missing in its kecamatan below target are one fact, printed alike
    by the gauge, the slides, the press release and the deck's file."""
    facts = facts_of("64.03")
    assert facts.gap == attainment.people_below(facts) == attainment.gap_people(7_000, 10_000, 95)
    figure = format_number(facts.gap, "id")
    gauge = gauges.gauge_texts(facts, KTP, "id")["status"]
    lines = slides.indicator_slide(facts, KTP, "id").lines
    below = slides.below_slide(facts, KTP, "id")
    text = press_release.summary(facts, KTP, "id")
    assert figure in gauge and figure in lines[0] and below.headline == figure
    assert f"kurang {figure} jiwa" in text and f"masih {figure} jiwa lagi" in text
    per_kecamatan = attainment.kecamatan_attainment(LEVEL, TARGETS, "ktp_el", PERIOD, "64.03")
    gaps = dict(zip(per_kecamatan["name"], per_kecamatan["gap"], strict=True))
    assert len(below.rows) == 2
    for row in below.rows:  # each kecamatan's own gap: the same in the list, bars and file
        gap = format_number(gaps[row.name], "id")
        assert row.gap == gaps[row.name]
        assert deck_file.row_label(row, "id").startswith(f"{gap} jiwa · ")
        value = press_release.below_percent(row.percent, row.target, "id")
        assert f"{row.name} ({value}, kurang {gap} jiwa)" in text


# --- the deck ------------------------------------------------------------------------------------


def regency_deck(code: str, lang: str = "id") -> list[slides.Slide]:
    return slides.deck(TABLE, REGIONS, TARGETS, {"ktp_el": KTP}, PERIOD, code, lang, LEVEL)


def test_a_regency_deck_lists_its_kecamatan_below_target_with_their_lines():
    indicator, below = regency_deck("64.74")
    assert indicator.subtitle == "Kota Bontang · per 30 Juni 2025"
    assert indicator.headline == format_percent_against(100 * 34_425 / 35_000, 98.0, "id")
    assert "tertinggi di Kota Bontang" in indicator.text
    assert below.title == "Di bawah target: Perekaman KTP-el"
    assert [r.name for r in below.rows] == ["Kecamatan Bontang Barat"]
    assert below.headline == "75" and "1 dari 3 kecamatan di bawah target" in below.lines
    assert below.rows[0].history == ((BEFORE, 90.0), (PERIOD, 96.5))  # its own row, not Berau's


def test_a_kecamatan_without_a_shape_is_named_under_the_map():
    deck = slides.deck(TABLE, REGIONS, TARGETS, {"ktp_el": KTP}, PERIOD, "64.74", "id", LEVEL,
                       unmapped=("64.74.02", "64.02.03"))  # another regency's: not named
    assert deck[0].note.endswith("Tanpa batas wilayah (tidak tergambar di peta kecamatan): "
                                 "Kecamatan Bontang Utara.")
    assert "Tanpa batas" not in regency_deck("64.74")[0].note
    assert deck[0].text == regency_deck("64.74")[0].text  # its figure stays in the words


def test_a_partial_regencys_slide_says_some_kecamatan_not_no_data():
    indicator, below = regency_deck("64.02")
    assert indicator.headline == "–" and indicator.lines[0] == "Sebagian kecamatan (2 dari 4)"
    assert "belum dapat dihitung" in indicator.text
    assert [r.name for r in below.rows] == ["Kecamatan Tenggarong"]


def test_a_regency_without_kecamatan_data_says_so_on_its_below_slide():
    level = KecamatanLevel(REFERENCE, LEVEL.rows.iloc[0:0])
    deck = slides.deck(TABLE, REGIONS, TARGETS, {"ktp_el": KTP}, PERIOD, "64.74", "en", level)
    assert deck[1].lines == ("No data by kecamatan yet for this indicator and period.",)
    assert deck[1].rows == () and deck[1].headline == ""


def test_the_map_of_a_regency_is_its_kecamatan_or_its_province():
    values = slides.map_values(TABLE, REGIONS, "ktp_el", PERIOD, "64.02", LEVEL)
    assert list(values["code"]) == ["64.02.01", "64.02.02", "64.02.03", "64.02.04"]
    assert values["numerator"].notna().sum() == 2  # no kecamatan invented
    assert set(values["province_name"]) == {"Kabupaten Kutai Kartanegara"}
    around = slides.map_values(TABLE, REGIONS, "ktp_el", PERIOD, "64.02")
    assert list(around["code"]) == ["64.02", "64.03", "64.74"]
    assert slides.map_name("64.02", True) == "kecamatan/64.02.topo.json"
    assert slides.scope_code("64.02", ["64", "64.02"]) == "64.02"


class Recorder:
    """A stand-in for ``vl_convert``: keeps every spec, answers a white picture."""

    def __init__(self) -> None:
        self.specs: list[dict] = []

    def vegalite_to_png(self, vl_spec, scale: float = 1.0) -> bytes:
        self.specs.append(vl_spec)
        out = io.BytesIO()
        Image.new("RGB", (400, 300), "white").save(out, "PNG")
        return out.getvalue()


def test_the_deck_file_of_a_regency_draws_its_kecamatan_map_and_words():
    topology = {"type": "Topology", "bbox": [116.9, 0.0, 117.6, 0.3], "arcs": [],
                "objects": {"regions": {"type": "GeometryCollection", "geometries": []}}}
    scope = deck_file.Scope(TABLE, REGIONS, {"ktp_el": KTP}, topology, "64.74", PERIOD, "id",
                            provenance.caption(provenance.DataInUse(demo=True), "id"),
                            "2025-07-02", kecamatan=LEVEL)
    deck = regency_deck("64.74")
    recorder = Recorder()
    pages = deck_file.draw_all(deck, scope, converter=recorder)
    assert len(pages) == 2
    maps = [s for s in recorder.specs if '"geoshape"' in json.dumps(s)]
    assert len(maps) == 1  # the kecamatan map, its values inline (codes as numbers)
    (values,) = maps[0]["datasets"].values()
    assert [(v["code"], v["percent_text"]) for v in values] == [
        (647401, "99,00 %"), (647402, "98,50 %"), (647403, "96,50 %")]
    tips = json.dumps(maps[0]["layer"][0]["encoding"]["tooltip"])
    assert '"Kecamatan"' in tips and '"Provinsi"' not in tips
    assert "Kecamatan Bontang Barat: 75 jiwa" in pages[1].notes
    assert deck_file.file_name(scope, "pdf") == "capaian_paparan_64.74_2025-06-30_id.pdf"


# --- the page, on the demo data ------------------------------------------------------------------


@pytest.fixture
def store(tmp_path, monkeypatch):
    """An empty store of its own: the demo data is shown."""
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    return tmp_path / "store"


def demo_facts(indicator: str, lang: str = "id") -> attainment.Facts:
    cache = build_record.cache_dir()
    reference = region_ref.read_kecamatan(cache / "kecamatan.csv")
    shown = demo.read_demo()
    table = kecamatan.regency_level(shown, reference)[0]
    return attainment.kecamatan_facts(
        table, region_ref.read_regions(cache / "regions.csv"), targets.load_targets(),
        indicator, PERIOD, "64.02", KecamatanLevel(reference, kecamatan.split(shown)[1]))[0]


def open_briefing(lang: str = "id", **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.session_state["lang"] = lang
    at.run()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/briefing.py").run()
    assert not at.exception, at.exception
    return at


def html(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html")).replace("&nbsp;", " ")


def test_the_briefing_of_kutai_kartanegara_from_a_map_link(built, store):
    slides_total = 2 * len(load_indicators())
    at = open_briefing(wil="64.02")
    body = html(at)
    facts = demo_facts("ktp_el")
    assert at.query_params["scope"] == "64.02" and "wil" not in at.query_params
    assert "Kabupaten Kutai Kartanegara · per 30 Juni 2025" in body
    figure = format_percent_against(facts.percent, facts.target.percent, "id")
    assert f'<div class="bf-figure">{figure}</div>' in body  # the regency's own figure
    high = facts.highest.names[0]
    assert f"{high} mencapai {format_number(facts.highest.percent, 'id', 2)} persen, tertinggi " \
           "di Kabupaten Kutai Kartanegara" in body
    assert f"1 / {slides_total}" in body and "DATA CONTOH" in body
    kec_map = at.get("vega_lite_chart")[0]  # the regency's kecamatan map, fetched by address
    assert "/kecamatan/64.02.topo.json?" in json.loads(kec_map.proto.spec)["data"]["url"]
    shown = pyarrow.ipc.open_stream(kec_map.proto.datasets[0].data.data).read_pandas()
    assert len(shown) == 20 and shown["code"].between(640201, 640220).all()
    options = at.selectbox(key="briefing_scope")
    assert options.value == "64.02"
    assert "Kabupaten Kutai Kartanegara (per kecamatan)" in options.options

    first_below = len(load_indicators()) + 1
    at.query_params["slide"] = str(first_below)
    at.run()
    body = html(at)
    assert '<div class="bf-title">Di bawah target: Perekaman KTP-el</div>' in body
    assert f"{len(facts.below)} dari 20 kecamatan di bawah target" in body
    bars, lines = at.get("vega_lite_chart")[:2]  # the gap bars, then a sparkline per kecamatan
    frame = pyarrow.ipc.open_stream(bars.proto.datasets[0].data.data).read_pandas()
    worst = max(facts.below, key=lambda b: (b.gap, -b.percent))
    assert frame["name"].iloc[0] == worst.name and set(frame["name"]) <= {
        b.name for b in facts.below}
    assert json.loads(lines.proto.spec)["layer"][0]["mark"]["type"] == "line"


def test_the_regency_deck_files_are_the_same_deck(built, store):
    """The PDF and PPTX of ``scope=64.02``: one page per slide, the regency's words."""
    import pymupdf
    from pptx import Presentation

    at = open_briefing("en", scope="64.02")
    at.button(key="deck_file_make").click().run()
    assert not at.exception
    (key, files) = at.session_state["deck_file_made"]
    assert key[:3] == ("64.02", PERIOD, "en")
    total = 2 * len(load_indicators())
    assert pymupdf.open(stream=files["pdf"], filetype="pdf").page_count == total
    notes = [s.notes_slide.notes_text_frame.text
             for s in Presentation(io.BytesIO(files["pptx"])).slides]
    assert len(notes) == total
    assert all("Kabupaten Kutai Kartanegara · as of 30 June 2025" in n for n in notes)
    facts = demo_facts("ktp_el", "en")
    assert f"{facts.highest.names[0]} reached" in notes[0]
    assert t("briefing.demo", "en") in notes[0]
