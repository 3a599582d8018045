"""The region page (AppTest): search, the region's own link, figures, ranks, trend, download."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from pages.support import cached
from utils import demo
from utils.ingest import export
from utils.metrics import coverage, kecamatan, regions
from utils.metrics.indicators import load_indicators

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "region.py")
real = export.to_csv
LATEST = "2025-06-30"
LABELS = [d.label("id") for d in load_indicators().values()]
"""One figure, one trend chart and one set of table rows per indicator, in file order."""


@pytest.fixture
def tables(built, monkeypatch):
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    from utils.geo import cache_record as build_record

    return demo.read_demo(), regions.read_regions(build_record.cache_dir() / "regions.csv")


def page(code: str | None = None, lang: str = "id") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.secrets["capaian_test"] = True
    at.session_state["lang"] = lang
    if code is not None:
        at.query_params["kode"] = code
    return at.run()


def expected(table: pd.DataFrame, codes: list[str], indicator: str, period: str) -> float:
    """Coverage computed here from the raw rows: sum(num) / sum(den) × 100."""
    rows = table[
        table["code"].isin(codes) & (table["indicator"] == indicator) & (table["period"] == period)
    ]
    return 100 * rows["numerator"].sum() / rows["denominator"].sum()


def test_search_lists_every_province_and_regency_with_kabupaten_and_kota_apart(tables):
    _, regs = tables
    at = page()
    assert not at.exception
    box = at.selectbox(key="region_code")
    assert box.value is None and len(box.options) == len(regs) == 38 + 514
    bogor = [o for o in box.options if "Bogor" in o]
    assert bogor == ["Kabupaten Bogor — Jawa Barat", "Kota Bogor — Jawa Barat"]
    assert "Provinsi Kalimantan Timur" in box.options
    assert "Pilih wilayah untuk melihat angkanya." in [i.value for i in at.info]
    assert not at.get("vega_lite_chart")


def test_a_link_opens_its_regency_with_true_figures(tables):
    table, regs = tables
    at = page("32.71")
    assert not at.exception
    assert at.header[0].value == "Kota Bogor"
    assert at.selectbox(key="region_code").value == "32.71"
    want = expected(table, ["32.71"], "ktp_el", LATEST)
    metric = at.metric[0]
    assert metric.label == "Perekaman KTP-el"
    assert metric.value == f"{want:.2f}".replace(".", ",") + " %"
    # rank nationally among the regencies with data, ties share the best rank
    rows = coverage.select(table, "ktp_el", LATEST)
    rows = rows[rows["code"].isin(regs.loc[regs["level"] == "regency", "code"])]
    rank = int((rows["percent"] > rows.loc[rows["code"] == "32.71", "percent"].item()).sum()) + 1
    lines = at.markdown[0].value.replace("\\", "")
    assert f"Peringkat nasional: {rank} dari {len(rows)} kabupaten/kota" in lines
    titles = [json.loads(c.proto.spec)["title"] for c in at.get("vega_lite_chart")]
    assert titles == LABELS  # one trend per indicator, none missing, none twice
    assert [m.label for m in at.metric] == LABELS
    assert all(s.value.startswith("[DATA CONTOH") for s in at.text)


def test_a_province_sums_its_regencies(tables):
    table, regs = tables
    at = page("64")
    assert not at.exception
    assert at.header[0].value == "Provinsi Kalimantan Timur"
    codes = list(regs.loc[(regs["level"] == "regency") & (regs["province_code"] == "64"), "code"])
    want = expected(table, codes, "kia", LATEST)
    assert at.metric[1].value == f"{want:.2f}".replace(".", ",") + " %"
    assert "dari 38 provinsi" in at.markdown[1].value
    assert "Peringkat di provinsi" not in at.markdown[1].value


def test_choosing_a_region_puts_it_in_the_link(tables):
    at = page()
    at.selectbox(key="region_code").set_value("64.74").run()
    assert not at.exception
    assert at.query_params["kode"] == "64.74"
    assert at.header[0].value == "Kota Bontang"
    at.selectbox(key="region_code").set_value(None).run()
    assert "kode" not in at.query_params


@pytest.mark.parametrize("link", ["99.99", "<b>x</b>", "32.7"])
def test_an_unknown_code_in_a_link_is_said_not_guessed(tables, link):
    at = page(link)
    assert not at.exception
    assert any("tidak dikenal" in w.value for w in at.warning)
    assert not at.header and not at.get("vega_lite_chart")


def test_english_numbers_and_texts(tables):
    table, _ = tables
    at = page("32.01", lang="en")
    assert not at.exception
    want = expected(table, ["32.01"], "ktp_el", LATEST)
    assert at.metric[0].label == "KTP-el recording"
    assert at.metric[0].value == f"{want:.2f} %"
    shown = at.table[0].value
    assert list(shown.columns)[:2] == ["Period", "Indicator"]
    assert shown.iloc[0, 0] == "30 June 2025"
    assert "," in shown.iloc[0, 2] and "." not in shown.iloc[0, 2]  # 4,496,720


def test_the_table_and_the_csv_hold_what_the_charts_draw(tables, monkeypatch):
    table, _ = tables
    made = []
    monkeypatch.setattr(export, "to_csv", lambda frame: made.append(real(frame)) or made[-1])
    at = page("64.74")
    shown = at.table[0].value
    periods = sorted(table["period"].unique())
    assert len(shown) == len(periods) * len(LABELS)
    assert shown.groupby(list(shown.columns)[:2]).size().eq(1).all()  # no period-indicator twice
    csv = at.get("download_button")[0]
    assert csv.proto.label == "Unduh tabel (CSV)"
    data = pd.read_csv(io.BytesIO(made[-1]), sep=";", decimal=",", encoding="utf-8-sig")
    assert len(data) == len(shown)
    for chart in at.get("vega_lite_chart"):
        title = json.loads(chart.proto.spec)["title"]
        drawn = convert_arrow_bytes_to_pandas_df(chart.proto.datasets[0].data.data)
        mine = data[data["Indikator"] == title]
        assert sorted(drawn["percent"].round(2)) == sorted(mine["Cakupan (%)"])
        want = expected(table, ["64.74"], drawn["indicator"].iloc[0], LATEST)
        assert mine.iloc[0]["Cakupan (%)"] == round(want, 2)
        # the chart's accessible name says what it shows, value by value
        assert chart.proto.alt.startswith(f"{title}, Kota Bontang: 30 Juni 2023 ")
        assert chart.proto.alt.count(" %") == len(periods)


def test_a_region_without_data_shows_a_gap_not_zero(tables, monkeypatch):
    table, _ = tables
    gone = table["code"].str.startswith("64.74") & (table["period"] == LATEST)  # and its kecamatan
    upper, lower = kecamatan.split(table[~gone])
    monkeypatch.setattr(cached, "current_coverage", lambda: upper)
    monkeypatch.setattr(cached, "kecamatan_coverage", lambda: lower)
    at = page("64.74")
    assert not at.exception
    assert [(m.label, m.value) for m in at.metric] == [(label, "–") for label in LABELS]
    assert "Tanpa data pada periode ini" in at.markdown[0].value
    assert "Peringkat" not in at.markdown[0].value
    assert "data belum tersedia" in at.text[0].value
    assert len(at.table[0].value) == len(LABELS) * (len(table["period"].unique()) - 1)


def test_region_page_is_public_and_read_only(tables, monkeypatch):
    monkeypatch.setenv("CAPAIAN_MODE", "public")
    at = page("64.74")
    assert not at.exception and at.header[0].value == "Kota Bontang"
    assert not at.get("file_uploader") and not at.button


def test_switching_language_keeps_the_region(tables):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["capaian_test"] = True
    at.run()
    at.query_params["kode"] = "32.01"
    at.switch_page("pages/region.py").run()
    assert not at.exception and at.header[0].value == "Kabupaten Bogor"
    at.sidebar.radio[0].set_value("en").run()
    assert not at.exception
    assert at.header[0].value == "Kabupaten Bogor"
    assert at.subheader[0].value == "Attainment as of 30 June 2025"
    assert at.query_params["kode"] == "32.01" and at.query_params["lang"] == "en"


@pytest.mark.parametrize(
    ("typed", "heading", "code"),
    [
        ("Kutai Kertanegara", "Kabupaten Kutai Kartanegara", "64.02"),  # issue #15, item 8
        ("KAB. KUTAI KERTANEGARA", "Kabupaten Kutai Kartanegara", "64.02"),
        ("Toba Samosir", "Kabupaten Toba", "12.12"),
        ("6474", "Kota Bontang", "64.74"),
    ],
)
def test_a_name_as_the_importer_reads_it_opens_its_region(tables, typed, heading, code):
    at = page()
    at.text_input(key="region_query").input(typed).run()
    assert not at.exception
    assert at.header[0].value == heading
    assert at.query_params["kode"] == code
    assert at.selectbox(key="region_code").value == code
    former = [c.value for c in at.caption if "nama lama" in c.value]
    assert bool(former) == (typed == "Toba Samosir")


def test_a_part_of_a_name_lists_regions_to_choose(tables):
    at = page()
    at.text_input(key="region_query").input("Bogor").run()
    assert not at.exception and not at.header  # nothing is opened by guess
    picks = [b for b in at.button if (b.key or "").startswith("region_pick_")]
    assert [b.label for b in picks] == ["Kabupaten Bogor — Jawa Barat", "Kota Bogor — Jawa Barat"]
    picks[1].click().run()
    assert at.header[0].value == "Kota Bogor" and at.query_params["kode"] == "32.71"


@pytest.mark.parametrize(("lang", "words"), [("id", "Tidak ada wilayah"), ("en", "No region")])
def test_nothing_found_is_said_in_the_language(tables, lang, words):
    at = page(lang=lang)
    at.text_input(key="region_query").input("Kab Kukar").run()
    assert not at.exception and not at.header
    assert any(c.value.startswith(words) for c in at.caption)
