"""AppTest: the pages say when a figure is derived, partial or cannot be computed.

One accepted import (2025-06-30, KTP-el) holds:

- Kalimantan Timur (64, 10 regencies): only Kabupaten Paser (counts as written)
  and Kota Samarinda, whose denominator was derived from its published
  98,00 % (± 31 people) — the province's figure is partial, 2 of 10;
- Kalimantan Utara (65, 5 regencies): Kabupaten Bulungan with a percent only
  (97,50 %, no counts) and Kabupaten Malinau with counts — its sum and every
  gap in people that needs Bulungan's counts cannot be computed.

Indonesia is then both partial (4 of 514) and without a sum.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from page_support import run_page
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from pages.support import chrome
from utils.ingest import export
from utils.ingest.store import Store
from utils.metrics.indicators import load_indicators
from utils.report import completeness

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PERIOD = "2025-06-30"
NAN = float("nan")
ROWS = pd.DataFrame(
    [
        ("64.01", 200_000, 205_000, NAN, "", 0.0),
        ("64.72", 600_000, 612_245, 98.0, "percent", 31.0),
        ("65.01", NAN, NAN, 97.5, "", NAN),
        ("65.02", 50_000, 52_000, NAN, "", 0.0),
    ],
    columns=["code", "numerator", "denominator", "percent_given", "derived", "derived_margin"],
).assign(period=PERIOD, indicator="ktp_el", is_demo=False)

PARTIAL = {"id": "sebagian: 2 dari 10 kabupaten/kota", "en": "partial: 2 of 10 regencies/cities"}
NATIONAL_PARTIAL = {"id": "sebagian: 4 dari 514 kabupaten/kota",
                    "en": "partial: 4 of 514 regencies/cities"}
UNCOUNTED = {"id": "tidak dapat dihitung: 1 kabupaten/kota hanya berisi persen",
             "en": "cannot be computed: regencies/cities with only a percent: 1"}
DERIVED = {"id": "dihitung dari persentase (± 31 jiwa)",
           "en": "derived from the percentage (± 31 people)"}
PERCENT_ONLY = {"id": "hanya persen (tanpa jumlah)", "en": "percent only (no counts)"}
LANGS = ["id", "en"]


@pytest.fixture
def store(built, tmp_path, monkeypatch) -> Path:
    """A store of its own holding :data:`ROWS` (so the pages show them, not the demo)."""
    root = tmp_path / "store"
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(root))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    Store(root).accept(ROWS, source_name="sebagian.csv", source_bytes=b"sebagian", period=PERIOD)
    return root


page = run_page



def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def texts(at: AppTest) -> str:
    """Every text the page wrote (captions, Markdown, metrics, code, text, HTML)."""
    parts = [e.value for kind in ("caption", "markdown", "text", "code", "info", "warning")
             for e in getattr(at, kind)]
    parts += [f"{m.label}: {m.value} {m.help or ''}" for m in at.metric]
    parts += [h.proto.body for h in at.get("html")]
    return "\n".join(parts).replace("&nbsp;", " ")


def markdown(at: AppTest) -> str:
    """The Markdown texts as read (escapes such as ``\\:`` undone)."""
    return re.sub(r"\\(.)", r"\1", "\n".join(m.value for m in at.markdown))


def specs(at: AppTest) -> str:
    """The charts' specs and the texts of the values sent with them (tooltips)."""
    parts = []
    for chart in at.get("vega_lite_chart"):
        parts.append(chart.proto.spec)
        for item in chart.proto.datasets:
            frame = convert_arrow_bytes_to_pandas_df(item.data.data)
            parts += [str(v) for column in frame.columns for v in frame[column].unique()]
    return "\n".join(parts)


# --- map --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_map_of_a_province_marks_the_derived_row_and_the_partial_figure(store, lang):
    at = page("pages/map.py", lang, wil="64")
    table = at.dataframe[0].value  # the values under the styled table (headers are keys)
    samarinda = table[table["region"] == "Kota Samarinda"].iloc[0]
    assert samarinda["derived"] == DERIVED[lang].split(" (")[0]
    assert samarinda["derived_margin"] == 31
    assert table.loc[table["region"] == "Kabupaten Paser", "derived"].iloc[0] == ""
    # the province's own figure says it covers 2 of its 10 regencies
    assert f"Kalimantan Timur: {PARTIAL[lang]}" in captions(at)
    headline = next(m for m in at.metric if "Kalimantan Timur" in m.label)
    assert headline.value == ("97,89 %" if lang == "id" else "97.89 %")
    # the map's tooltip and the caption carry the same words
    assert DERIVED[lang] in specs(at)
    assert f"Kota Samarinda — {DERIVED[lang]}" in captions(at)


@pytest.mark.parametrize("lang", LANGS)
def test_map_of_indonesia_has_no_sum_and_marks_provinces(store, lang):
    at = page("pages/map.py", lang)
    headline = next(m for m in at.metric if "Indonesia" in m.label)
    assert headline.value == "–"  # never the sum of the rows that happen to have counts
    shown = captions(at)
    assert UNCOUNTED[lang] in shown and NATIONAL_PARTIAL[lang] in shown
    assert f"Kalimantan Utara — {UNCOUNTED[lang]}" in shown
    assert f"Kalimantan Timur — {PARTIAL[lang]}" in shown
    missing = next(c.value for c in at.caption if c.value.startswith(("Tanpa data", "No data")))
    assert "Kalimantan Utara" not in missing and "Aceh" in missing
    table = at.dataframe[0].value
    timur = table[table["region"] == "Kalimantan Timur"].iloc[0]
    assert (timur["regions_present"], timur["regions_total"]) == (2, 10)
    utara = table[table["region"] == "Kalimantan Utara"].iloc[0]
    assert utara["derived"] == UNCOUNTED[lang]


def test_map_of_regencies_marks_the_percent_only_row_in_table_and_tooltip(store):
    at = page("pages/map.py", "id", wil="65")
    table = at.dataframe[0].value
    bulungan = table[table["region"] == "Kabupaten Bulungan"].iloc[0]
    assert bulungan["derived"] == PERCENT_ONLY["id"]
    assert bulungan["percent"] == 97.5 and pd.isna(bulungan["numerator"])
    assert PERCENT_ONLY["id"] in specs(at)
    assert UNCOUNTED["id"] in captions(at)


@pytest.mark.parametrize("view", ["peta", "petak"])
def test_the_tooltip_marks_in_both_views(store, view):
    at = page("pages/map.py", "en", wil="64", tampil=view)
    assert DERIVED["en"] in specs(at)


@pytest.mark.parametrize(("lang", "note", "margin", "present"), [
    ("id", "Keterangan", "Selisih penyebut (± jiwa)", "Kab/kota berdata"),
    ("en", "Note", "Denominator margin (± people)", "Regencies/cities with data"),
])
def test_map_downloads_keep_the_marks_under_translated_headers(store, monkeypatch, lang, note,
                                                               margin, present):
    made = []
    monkeypatch.setattr(chrome, "table_downloads",
                        lambda frame, *args, **kwargs: made.append(frame()))
    page("pages/map.py", lang, wil="64")
    data = pd.read_csv(io.BytesIO(export.to_csv(made[-1])), sep=";", decimal=",",
                       encoding="utf-8-sig")
    assert not [c for c in data.columns if c.startswith("map.")]
    region = data.columns[0]
    row = data[data[region] == "Kota Samarinda"].iloc[0]
    assert row[note] == DERIVED[lang].split(" (")[0]
    assert row[margin] == 31
    assert data.loc[data[region] == "Kabupaten Paser", note].isna().all()
    page("pages/map.py", lang)  # provinces: how many of their regencies the figure covers
    data = pd.read_csv(io.BytesIO(export.to_csv(made[-1])), sep=";", decimal=",",
                       encoding="utf-8-sig")
    assert data.loc[data[data.columns[0]] == "Kalimantan Timur", present].iloc[0] == 2


# --- targets ----------------------------------------------------------------------------------


def targets_page(lang: str, province: str = "", regency: str = "") -> AppTest:
    at = page("pages/targets.py", lang)
    if province:
        at.selectbox(key="targets_province").set_value(province).run()
    if regency:
        at.selectbox(key=f"targets_regency_{province}").set_value(regency).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", LANGS)
def test_targets_of_a_partial_province_say_so(store, lang):
    at = targets_page(lang, "64")
    assert PARTIAL[lang] in captions(at)
    summary = at.code[0].value
    assert ("Angka ini hanya mencakup 2 dari 10 kabupaten/kota" if lang == "id"
            else "This figure covers only 2 of 10 regencies/cities") in summary


@pytest.mark.parametrize("lang", LANGS)
def test_targets_of_a_province_with_a_percent_only_row_cannot_sum(store, lang):
    at = targets_page(lang, "65")
    assert UNCOUNTED[lang] in captions(at)
    summary = at.code[0].value
    assert ("angka gabungan tidak dapat dihitung" if lang == "id"
            else "the combined figure cannot be computed") in summary
    assert ("data belum tersedia" if lang == "id" else "no data available") not in summary
    # the regencies below target: Bulungan's gap cannot be computed, so no total is claimed
    assert ("Kekurangan dalam jiwa tidak dapat dihitung untuk 1 kabupaten/kota" if lang == "id"
            else "The gap in people cannot be computed for 1 regencies/cities") in summary
    assert ("Secara keseluruhan" if lang == "id" else "In all,") not in summary
    assert ("tidak dapat dihitung" if lang == "id" else "cannot be computed") in specs(at)


@pytest.mark.parametrize("lang", LANGS)
def test_targets_of_a_percent_only_regency_have_no_gap_in_people(store, lang):
    at = targets_page(lang, "65", "65.01")
    gap = next(m for m in at.metric if m.label in ("Kekurangan (jiwa)", "Shortfall (people)"))
    assert gap.value == ("tidak dapat dihitung" if lang == "id" else "cannot be computed")
    assert ("hanya berisi persen" if lang == "id" else "hold only a percent") in at.code[0].value


@pytest.mark.parametrize("lang", LANGS)
def test_targets_of_indonesia_are_partial_and_without_a_sum(store, lang):
    at = targets_page(lang)
    shown = captions(at)
    assert UNCOUNTED[lang] in shown and NATIONAL_PARTIAL[lang] in shown


# --- region -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_region_page_of_a_regency_with_a_derived_denominator(store, lang):
    at = page("pages/region.py", lang, kode="64.72")
    card = next(m for m in at.metric if m.value == ("98,00 %" if lang == "id" else "98.00 %"))
    assert DERIVED[lang] in card.help
    assert DERIVED[lang][:1].upper() + DERIVED[lang][1:] in markdown(at)
    table = at.table[0].value
    note = "Keterangan" if lang == "id" else "Note"
    assert table[note].tolist()[0] == DERIVED[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_region_page_of_a_partial_province(store, lang):
    at = page("pages/region.py", lang, kode="64")
    lines = markdown(at)
    assert PARTIAL[lang][:1].upper() + PARTIAL[lang][1:] in lines
    table = at.table[0].value
    assert table["Keterangan" if lang == "id" else "Note"].tolist()[0] == PARTIAL[lang]
    assert ("Angka ini hanya mencakup 2 dari 10 kabupaten/kota" if lang == "id"
            else "This figure covers only 2 of 10 regencies/cities") in texts(at)


@pytest.mark.parametrize("lang", LANGS)
def test_region_page_of_a_province_without_a_sum(store, lang):
    at = page("pages/region.py", lang, kode="65")
    lines = markdown(at)
    assert UNCOUNTED[lang][:1].upper() + UNCOUNTED[lang][1:] in lines
    assert ("Tanpa data pada periode ini" if lang == "id" else "No data for this period") \
        not in lines.split("\n")[0]
    assert ("angka gabungan tidak dapat dihitung" if lang == "id"
            else "the combined figure cannot be computed") in texts(at)


def test_region_page_of_a_percent_only_regency(store):
    at = page("pages/region.py", "en", kode="65.01")
    lines = markdown(at)
    assert "Percent only (no counts): the gap in people cannot be computed" in lines
    assert at.table[0].value["Note"].tolist()[0] == PERCENT_ONLY["en"]


# --- briefing ---------------------------------------------------------------------------------


def briefing(lang: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.session_state["lang"] = lang
    at.run()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("pages/briefing.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", LANGS)
def test_briefing_says_a_province_is_partial(store, lang):
    at = briefing(lang, scope="64", slide="1")
    assert ("Angka ini hanya mencakup 2 dari 10 kabupaten/kota" if lang == "id"
            else "This figure covers only 2 of 10 regencies/cities") in texts(at)


@pytest.mark.parametrize("lang", LANGS)
def test_briefing_never_sums_gaps_it_cannot_compute(store, lang):
    first = briefing(lang, scope="65", slide="1")
    shown = texts(first)
    assert ("tidak dapat dihitung" if lang == "id" else "cannot be computed") in shown
    assert ("angka gabungan tidak dapat dihitung" if lang == "id"
            else "the combined figure cannot be computed") in shown
    below = briefing(lang, scope="65", slide=str(len(load_indicators()) + 1))  # KTP-el's list
    assert ("2 dari 2 kabupaten/kota di bawah target" if lang == "id"
            else "2 of 2 regencies and cities below target") in texts(below)
    shown = texts(below)
    assert ("Kekurangan dalam jiwa tidak dapat dihitung untuk 1 kabupaten/kota" if lang == "id"
            else "The gap in people cannot be computed for 1 regencies/cities") in shown
    # Malinau's 1.688 people are shown as what they are: not the province's whole gap
    assert ("jiwa lagi perlu dilayani di 1 kabupaten/kota yang kekurangannya dapat dihitung"
            if lang == "id" else "in the 1 regencies and cities whose gap can be computed") in shown
    assert ("agar semua" if lang == "id" else "for all") not in shown


# --- what-if ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_whatif_says_how_many_regencies_it_leaves_out(store, lang):
    at = page("pages/whatif.py", lang)
    excluded = ("1 kabupaten/kota tidak ikut disimulasikan" if lang == "id"
                else "1 regencies/cities are left out of the simulation")
    assert excluded in captions(at)
    overview = next(m.value for m in at.markdown if m.value.startswith("|"))
    assert ("Tidak disimulasikan (hanya persen)" if lang == "id"
            else "Left out (percent only)") in overview


# --- data -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "said"), [
    ("id", "tidak dapat dihitung: 2 baris hanya berisi persen (sebagian: 2 dari 10"),
    ("en", "cannot be computed: 2 rows hold only a percent (partial: 2 of 10"),
])
def test_data_page_shows_why_a_percent_only_file_has_no_aggregate(built, tmp_path, monkeypatch,
                                                                  lang, said):
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    at = page("pages/data.py", lang)
    source = "NO;KABUPATEN/KOTA;% REKAM\n1;KAB. PASER;91,00\n2;KOTA SAMARINDA;97,10\n"
    at.file_uploader(key="data_upload").set_value(("persen.csv", source.encode(), "text/csv"))
    at.run()
    assert not at.exception, at.exception
    heading = "Cakupan per provinsi dari berkas ini" if lang == "id" else (
        "Coverage per province from this file")
    assert any(heading in m.value for m in at.markdown)
    shown = "\n".join(str(v) for frame in [*at.dataframe, *at.table]
                      for v in frame.value.to_numpy().ravel())
    assert said in shown


# --- the words themselves (pure) --------------------------------------------------------------


@pytest.mark.parametrize(("present", "total", "lang", "expected"), [
    (2, 10, "id", "sebagian: 2 dari 10 kabupaten/kota"),
    (9, 10, "en", "partial: 9 of 10 regencies/cities"),
    (10, 10, "id", ""),  # complete
    (0, 10, "id", ""),  # no data at all is "no data", not partial
    (None, 10, "id", ""),
    (pd.NA, pd.NA, "id", ""),
])
def test_partial(present, total, lang, expected):
    assert completeness.partial(present, total, lang) == expected


@pytest.mark.parametrize(("mark", "margin", "lang", "expected"), [
    ("percent", 155.0, "id", "dihitung dari persentase (± 155 jiwa)"),
    ("percent", 1234.0, "en", "derived from the percentage (± 1,234 people)"),
    ("percent", NAN, "id", "dihitung dari persentase"),
    ("remaining", 0.0, "id", "dihitung: sudah + belum"),
    ("percent_only", NAN, "en", "percent only (no counts)"),
    ("", 0.0, "id", ""),
    (None, None, "id", ""),
])
def test_derived(mark, margin, lang, expected):
    assert completeness.derived(mark, margin, lang) == expected


def test_row_notes_name_every_kind_and_leave_complete_rows_blank():
    rows = pd.DataFrame({
        "percent": [98.0, 97.5, 95.0, NAN, 96.0],
        "numerator": [600.0, NAN, 95.0, NAN, 96.0],
        "denominator": [612.0, NAN, 100.0, NAN, 100.0],
        "derived": ["percent", "", "", "", ""],
        "derived_margin": [31.0, NAN, 0.0, NAN, 0.0],
        "without_counts": [0, 0, 0, 1, 0],
        "regions_present": [1, 1, 2, 2, 10],
        "regions_total": [1, 1, 10, 5, 10],
    })
    assert completeness.row_notes(rows, "id").tolist() == [
        DERIVED["id"], PERCENT_ONLY["id"], PARTIAL["id"],
        f"{UNCOUNTED['id']}; sebagian: 2 dari 5 kabupaten/kota", "",
    ]


@pytest.fixture
def province_store(built, regions, crosswalk, tmp_path, monkeypatch) -> Path:
    """A store holding a province-level table (four provinces, as the directorate publishes)."""
    from utils.ingest.importer import Context, analyse

    root = tmp_path / "store"
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(root))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    lines = ["DATA PER 30 JUNI 2025", "", "NO;PROVINSI;WAJIB KTP-EL;SUDAH REKAM",
             "1;ACEH;3700000;3650000", "2;KALIMANTAN TIMUR;2906930;2932802",
             "3;KALIMANTAN UTARA;458853;467701", "4;BALI;3200000;3180000"]
    report = analyse("\n".join(lines).encode(), "provinsi.csv", Context.load(regions, crosswalk))
    assert report.status == "ok" and report.level == "province"
    Store(root).accept(report.table, source_name="provinsi.csv", source_bytes=b"p",
                       period=report.period)
    return root


def test_a_province_table_shows_on_the_national_province_view(province_store):
    at = page("pages/map.py", "id")
    table = at.dataframe[0].value
    timur = table[table["region"] == "Kalimantan Timur"].iloc[0]
    assert round(float(timur["percent"]), 2) == 100.89
    assert set(table.dropna(subset=["percent"])["region"]) == {
        "Aceh", "Kalimantan Timur", "Kalimantan Utara", "Bali"}
    headline = next(m for m in at.metric if "Indonesia" in m.label)
    assert headline.value == "99,66 %"  # Σ of the four provinces' counts …
    # … and never presented as complete: the four provinces hold 47 of the 514 regencies
    assert "Angka Indonesia: sebagian: 47 dari 514 kabupaten/kota." in captions(at)
