"""AppTest: the briefing page (``/paparan``) shows slides, follows the address and moves on."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow
import pytest
from streamlit.testing.v1 import AppTest

from utils import demo
from utils.formatting import format_percent
from utils.geo import cache_record as build_record
from utils.ingest import saved_scenarios
from utils.metrics import attainment, regions, targets
from utils.metrics.indicators import load_indicators
from utils.report import deck as slides

APP = Path(__file__).resolve().parent.parent / "app.py"
PAGE = "pages/briefing.py"
SLIDES = 2 * len(load_indicators())
"""One slide per indicator, then one below-target slide per indicator."""


@pytest.fixture
def store(tmp_path, monkeypatch):
    """An empty store of its own: the demo data is shown, no scenario is saved."""
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    return tmp_path / "store"


def open_briefing(lang: str = "id", **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.session_state["lang"] = lang
    at.run()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def html(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def counter(at: AppTest) -> str:
    return next(h.proto.body for h in at.get("html") if "bf-counter" in h.proto.body)


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def slide_titled(title: str, lang: str = "id", scope: str | None = None) -> str:
    """The 1-based number of the one slide with this title in the demo deck (2025-06-30)."""
    reg = regions.read_regions(build_record.cache_dir() / "regions.csv")
    deck = slides.deck(demo.read_demo(), reg, targets.load_targets(), load_indicators(),
                       "2025-06-30", scope, lang)
    (number,) = [n for n, slide in enumerate(deck, 1) if slide.title == title]
    return str(number)


def national_ktp() -> float:
    reg = regions.read_regions(build_record.cache_dir() / "regions.csv")
    facts, _ = attainment.scope_facts(
        demo.read_demo(), reg, targets.load_targets(), "ktp_el", "2025-06-30", None
    )
    return facts.percent


def test_first_slide_is_the_first_indicator_without_app_chrome(built, store):
    at = open_briefing()
    body = html(at)
    assert '<div class="bf-title">Perekaman KTP-el</div>' in body
    assert "Indonesia · per 30 Juni 2025" in body
    assert f'<div class="bf-figure">{format_percent(national_ktp(), "id")}' in body.replace(
        "&nbsp;", " "
    )
    assert f"1 / {SLIDES}" in counter(at)
    assert "DATA CONTOH — bukan data resmi" in body  # demo data is labelled on the slide
    assert '[data-testid="stSidebar"]' in body and "display: none" in body  # no sidebar
    maps, gauge = charts(at)
    assert maps["layer"][0]["mark"]["type"] == "geoshape" and maps["width"] > 800
    assert gauge["layer"][0]["mark"]["type"] == "arc"
    assert at.button(key="briefing_prev").disabled and not at.button(key="briefing_next").disabled
    assert (at.query_params["slide"], at.query_params["scope"], at.query_params["period"]) == (
        "1",
        "ID",
        "2025-06-30",
    )
    assert [d.proto.label for d in at.get("download_button")] == [
        "Peta (PNG)",
        "Peta (SVG)",
        "Pengukur (PNG)",
        "Pengukur (SVG)",
    ]


def test_next_and_previous_buttons_move_and_the_address_follows(built, store):
    at = open_briefing()
    at.button(key="briefing_next").click().run()
    assert f"2 / {SLIDES}" in counter(at) and at.query_params["slide"] == "2"
    assert '<div class="bf-title">Kepemilikan KIA</div>' in html(at)
    at.button(key="briefing_next").click().run()
    at.button(key="briefing_prev").click().run()
    assert f"2 / {SLIDES}" in counter(at)


def test_a_link_opens_the_same_slide_of_a_province(built, store):
    number = slide_titled("Di bawah target: Perekaman KTP-el", scope="64")
    at = open_briefing(slide=number, scope="64")
    body = html(at)
    assert f"{number} / {SLIDES}" in counter(at)
    assert '<div class="bf-title">Di bawah target: Perekaman KTP-el</div>' in body
    assert "Provinsi Kalimantan Timur · per 30 Juni 2025" in body
    assert "5 dari 10 kabupaten/kota di bawah target" in body
    bars = at.get("vega_lite_chart")[0]  # the bars; the sparklines follow
    frame = pyarrow.ipc.open_stream(bars.proto.datasets[0].data.data).read_pandas()
    names = list(frame["name"])
    assert names[0] == "Kabupaten Berau" and len(names) == 5  # largest gap first
    assert [d.proto.label for d in at.get("download_button")] == [
        "Grafik kekurangan (PNG)",
        "Grafik kekurangan (SVG)",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"slide": "99"}, f"{SLIDES} / {SLIDES}"),
        ({"slide": "nol"}, f"1 / {SLIDES}"),
        ({"scope": "99"}, f"1 / {SLIDES}"),
    ],
)
def test_a_broken_link_still_opens_a_slide(built, store, params, expected):
    at = open_briefing(**params)
    assert expected in counter(at)
    assert at.query_params["slide"] == expected.split(" ")[0]
    assert at.query_params["scope"] == "ID"


def test_a_new_period_starts_again_from_the_first_slide(built, store):
    at = open_briefing(slide="3")
    at.selectbox(key="briefing_period").set_value("2024-12-31").run()
    assert not at.exception
    assert at.query_params["period"] == "2024-12-31" and f"1 / {SLIDES}" in counter(at)
    assert "per 31 Desember 2024" in html(at)


def test_english(built, store):
    number = slide_titled("Below target: KIA ownership", "en")
    at = open_briefing("en", slide=number)
    body = html(at)
    assert f"{number} / {SLIDES}" in counter(at)
    assert '<div class="bf-title">Below target: KIA ownership</div>' in body
    assert "All 38 provinces meet the target" in body and ">38 / 38<" not in body
    assert "DEMO DATA — not official figures" in body
    assert [b.label for b in at.button] == ["Previous", "Next", "Make PDF and PPTX"]


def test_a_saved_scenario_adds_a_last_slide(built, store):
    saved = saved_scenarios.save(
        store,
        "Jemput bola",
        {
            "targets": {"ktp_el": 99.5},
            "outreach": 100,
            "months": 6,
            "growth": 0,
            "indicator": "ktp_el",
        },
        "test",
        "2025-06-30",
    )
    last = SLIDES + 1
    at = open_briefing(slide=str(last), scenario=saved["slug"])
    body = html(at)
    assert f"{last} / {last}" in counter(at)
    assert "Skenario: Jemput bola" in body and "sampai Desember 2025" in body
    assert "99,50&nbsp;%" in body  # the scenario's target in its table
    at.selectbox(key="briefing_scenario").set_value("").run()
    assert f"1 / {SLIDES}" in counter(at) and "scenario" not in at.query_params


def test_a_scenario_over_kecamatan_is_not_counted_as_regencies(built, store):
    """Its outreach goes to one regency's kecamatan: a regency slide would drop it silently."""
    saved = saved_scenarios.save(store, "Jemput bola Kukar",
                                 {"kecamatan_of": "64.02", "outreach": 100, "months": 6},
                                 "test", "2025-06-30")
    at = open_briefing(scenario=saved["slug"])
    assert f"1 / {SLIDES}" in counter(at) and "scenario" not in at.query_params
    assert any("dihitung per kecamatan Kabupaten Kutai Kartanegara" in i.value for i in at.info)


def test_an_unknown_scenario_is_dropped_from_the_address(built, store):
    at = open_briefing(scenario="tidak-ada-abc")
    assert f"1 / {SLIDES}" in counter(at) and "scenario" not in at.query_params


def test_public_mode_shows_only_published_scenarios(built, store, monkeypatch):
    scen = {"targets": {"ktp_el": 99.5}, "months": 6, "indicator": "ktp_el"}
    private = saved_scenarios.save(store, "Rahasia internal", scen, "test", "2025-06-30")
    public = saved_scenarios.save(store, "Terbit resmi", scen, "test", "2025-06-30")
    saved_scenarios.set_published(store, public["slug"], True, "Budi")
    monkeypatch.setenv("CAPAIAN_MODE", "public")
    at = open_briefing(slide=str(SLIDES + 1), scenario=private["slug"])
    assert f" / {SLIDES}</div>" in counter(at) and "scenario" not in at.query_params
    assert "Rahasia internal" not in html(at)
    assert [i.value for i in at.info] == ["Skenario yang diminta tautan ini tidak ditemukan."]
    assert at.selectbox(key="briefing_scenario").options == ["Tanpa skenario", "Terbit resmi"]
    at = open_briefing(slide=str(SLIDES + 1), scenario=public["slug"])
    assert f"{SLIDES + 1} / {SLIDES + 1}" in counter(at)
    assert "Skenario: Terbit resmi" in html(at)
