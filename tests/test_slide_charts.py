"""A briefing slide's HTML, charts and chart files (utils.report.deck_html, projector; pure)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from utils.charts import projector
from utils.metrics.attainment import Facts, Shortfall
from utils.metrics.indicators import load_indicators
from utils.metrics.targets import Target
from utils.report import deck as slides
from utils.report import deck_html as markup

DEFS = load_indicators()
KTP = DEFS["ktp_el"]
TARGET = Target("ktp_el", 2023, "national", 99.4, "test")
INDONESIA = [95.0, -11.0, 141.0, 5.9]  # wide: 2.71 : 1
KALTIM = [113.8, -2.6, 119.1, 2.6]  # tall: about 1 : 1
VALUES = pd.DataFrame(
    {
        "code": ["64.01", "64.74"],
        "name": ["Kabupaten Paser", "Kota Bontang"],
        "province_name": ["Kalimantan Timur", "Kalimantan Timur"],
        "numerator": [98.0, None],
        "denominator": [100.0, None],
        "percent": [98.0, None],
    }
)


def facts(**changes) -> Facts:
    base = {
        "indicator": "ktp_el",
        "scope_level": "national",
        "scope_name": "Indonesia",
        "period": "2025-06-30",
        "percent": 98.5,
        "numerator": 985.0,
        "denominator": 1000.0,
        "target": TARGET,
        "gap": 9,
        "meeting": 3,
        "with_data": 38,
    }
    return Facts(**{**base, **changes})


def topology(bbox: list[float]) -> dict:
    return {"type": "Topology", "bbox": bbox, "objects": {}, "arcs": []}


# --- HTML -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("99,40 %", "99,40&nbsp;%"),
        ('<script>"x" & y</script>', "&lt;script&gt;&quot;x&quot; &amp; y&lt;/script&gt;"),
        ("&nbsp;", "&amp;nbsp;"),  # escaped once, before the sign is kept on its line
        ("Kota Bontang", "Kota Bontang"),
    ],
)
def test_escape(text, expected):
    assert markup.escape(text) == expected


def test_head_escapes_title_and_subtitle():
    slide = slides.Slide("indicator", "ktp_el", "A <b>", "B & C")
    assert markup.head(slide) == (
        '<div class="bf-title">A &lt;b&gt;</div><div class="bf-sub">B &amp; C</div>'
    )


@pytest.mark.parametrize(
    ("state", "headline", "narrow", "expected"),
    [
        (
            "below",
            "98,50 %",
            False,
            '<div class="bf-figure">98,50&nbsp;%</div>'
            '<div class="bf-line" style="color:#8f4604">kurang 9 jiwa</div>'
            '<div class="bf-line2">Target nasional</div>',
        ),
        (
            "met",
            "1.234",
            True,
            '<div class="bf-figure bf-count">1.234</div>'
            '<div class="bf-line" style="color:#4b2e83">kurang 9 jiwa</div>'
            '<div class="bf-line2">Target nasional</div>',
        ),
        (
            "no_target",
            "",
            False,  # no headline: only the lines, the first in ink
            '<div class="bf-line" style="color:#111111">kurang 9 jiwa</div>'
            '<div class="bf-line2">Target nasional</div>',
        ),
    ],
)
def test_figure(state, headline, narrow, expected):
    slide = slides.Slide(
        "indicator",
        "ktp_el",
        "t",
        "s",
        headline=headline,
        lines=("kurang 9 jiwa", "Target nasional"),
        state=state,
    )
    assert markup.figure(slide, narrow=narrow) == expected


def test_scenario_table_keeps_hyphenated_words_whole():
    slide = slides.Slide(
        "scenario",
        "ktp_el",
        "t",
        "s",
        table=(("Indikator", "Target"), ("Perekaman KTP-el", "99,50 %")),
        text="Jemput bola <100 jiwa>",
    )
    html = markup.scenario_table(slide)
    assert "<thead><tr><th>Indikator</th><th>Target</th></tr></thead>" in html
    assert f"<td>Perekaman KTP{markup.NO_BREAK}el</td><td>99,50&nbsp;%</td>" in html
    assert "Jemput bola &lt;100 jiwa&gt;</div></div>" in html
    assert html.startswith('<div class="bf"><table class="bf-table">')


# --- titles and sizes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "demo", "expected"),
    [
        ("id", False, "Perekaman KTP-el — Indonesia · per 30 Juni 2025"),
        (
            "id",
            True,
            "Perekaman KTP-el — Indonesia · per 30 Juni 2025 [DATA CONTOH — bukan data resmi]",
        ),
        ("en", False, "KTP-el recording — Indonesia · as of 30 June 2025"),
    ],
)
def test_export_title(lang, demo, expected):
    slide = slides.indicator_slide(facts(is_demo=demo), KTP, lang)
    assert slides.export_title(slide, lang) == expected


@pytest.mark.parametrize(
    ("rows", "viewport", "expected"),
    [
        (3, (1920, 1080), (194, 27)),  # 3 bars of 2.4 lines of 27 px text (23 px × 1.2)
        (12, (1920, 1080), (669, 27)),  # never past 62 % of the height
        (1, (1280, 720), (43, 18)),
        (0, (1920, 1080), (0, 27)),
    ],
)
def test_bars_size(rows, viewport, expected):
    assert projector.bars_size(rows, projector.layout(*viewport, 1.0)) == expected


# --- the slide's charts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "borders"), [("national", True), ("province", False), ("regency", False)]
)
def test_slide_map_draws_province_borders_on_the_national_map_only(scope, borders):
    slide = slides.indicator_slide(
        facts(scope_level=scope, scope_name="Kalimantan Timur"), KTP, "id"
    )
    labels = slides.map_labels(KTP, "id")
    spec = projector.slide_map(slide, VALUES, labels, "id", "/maps/x.json", 400, False)
    assert spec["height"] == 400
    assert len(spec["layer"]) == (2 if borders else 1)
    assert json.dumps(spec).count("/maps/x.json") >= 1


@pytest.mark.parametrize(("target", "expected"), [(TARGET, 99.4), (None, None)])
def test_slide_target(target, expected):
    slide = slides.indicator_slide(facts(target=target, gap=None), KTP, "id")
    assert projector.slide_target(slide) == expected


def test_slides_without_facts_have_no_map_or_gauge():
    slide = slides.Slide("scenario", "ktp_el", "t", "s")
    with pytest.raises(ValueError, match="scenario"):
        projector.slide_gauge(slide, {}, 340, 236)


@pytest.mark.parametrize(("width", "height"), [(340, 236), (500, 340)])
def test_slide_gauge_is_sized_and_coloured_by_state(width, height):
    slide = slides.indicator_slide(facts(), KTP, "id")
    texts = slides.slide_gauge_texts(slide.facts, KTP, "id")
    spec = projector.slide_gauge(slide, texts, width, height)
    assert (spec["width"], spec["height"]) == (width, height)
    assert spec["layer"][0]["mark"]["type"] == "arc"
    arcs = next(iter(spec["datasets"].values()))
    assert any(a["part"] == "target" for a in arcs)  # the target is marked


@pytest.mark.parametrize(
    ("bbox", "width"),
    [
        (INDONESIA, 1600),  # a wide map is 1600 px wide
        (KALTIM, int(900 * projector.map_aspect(KALTIM))),  # a tall one 900 px high
    ],
)
def test_indicator_charts_are_files_of_the_slide(bbox, width):
    slide = slides.indicator_slide(facts(is_demo=True), KTP, "id")
    labels = slides.map_labels(KTP, "id")
    items = projector.indicator_charts(slide, KTP, VALUES, labels, topology(bbox), "id")
    assert [(name, label) for name, label, _ in items] == [
        ("peta", "Peta"),
        ("pengukur", "Pengukur"),
    ]
    title = slides.export_title(slide, "id")
    maps, gauge = (build() for _, _, build in items)
    assert maps["width"] == width
    assert maps["height"] == int(width / projector.map_aspect(bbox))
    assert maps["title"]["text"] == title and gauge["title"]["text"] == title
    assert "geometry" not in json.dumps(maps, default=str)  # the map file is inlined
    assert maps["config"]["background"] == "#ffffff"
    assert (gauge["width"], gauge["height"]) == (340, 236)
    assert gauge["layer"][0]["mark"]["type"] == "arc"


@pytest.mark.parametrize(("count", "height"), [(0, None), (1, 48), (5, 240)])
def test_below_charts(count, height):
    below = tuple(Shortfall(f"P{i}", 90.0 + i, 99.4, 100 * (i + 1)) for i in range(count))
    slide = slides.below_slide(facts(below=below, meeting=38 - count), KTP, "id")
    items = projector.below_charts(slide, "id")
    if height is None:
        assert items == []
        return
    ((name, label, build),) = items
    assert (name, label) == ("kekurangan", "Grafik kekurangan")
    spec = build()
    assert (spec["width"], spec["height"]) == (1200, height)
    assert spec["title"]["text"] == slides.export_title(slide, "id")
