"""The briefing's slides: order, content, navigation, sizes and chart files (pure)."""

from __future__ import annotations

import json
import struct

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from utils.charts import projector
from utils.formatting import format_percent
from utils.metrics.attainment import Extreme, Facts, Shortfall
from utils.metrics.indicators import load_indicators
from utils.metrics.targets import Target
from utils.report import deck as slides

KTP = load_indicators()["ktp_el"]


def facts(**changes) -> Facts:
    """National KTP-el facts, below target, with the given fields changed."""
    base = {
        "indicator": "ktp_el",
        "scope_level": "national",
        "scope_name": "Indonesia",
        "period": "2025-06-30",
        "percent": 98.5,
        "numerator": 985.0,
        "denominator": 1000.0,
        "target": Target("ktp_el", 2023, "national", 99.4, "test"),
        "gap": 9,
        "highest": Extreme(("Papua",), 100.86),
        "lowest": Extreme(("Riau",), 97.18),
        "meeting": 3,
        "with_data": 38,
    }
    return Facts(**{**base, **changes})


def shortfalls(count: int) -> tuple[Shortfall, ...]:
    """``count`` provinces below a 99.4 % target, the largest gap last."""
    return tuple(Shortfall(f"P{i:02d}", 90.0 + i / 10, 99.4, 100 * (i + 1)) for i in range(count))


# --- navigation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "total", "action", "expected"),
    [
        (0, 6, "next", 1),
        (4, 6, "next", 5),
        (5, 6, "next", 5),  # stays on the last
        (3, 6, "prev", 2),
        (0, 6, "prev", 0),  # stays on the first
        (4, 6, "first", 0),
        (1, 6, "last", 5),
        (2, 6, "unknown", 2),
        (0, 0, "next", 0),
    ],
)
def test_move(index, total, action, expected):
    assert slides.move(index, total, action) == expected


@given(st.integers(1, 40), st.data())
def test_move_stays_in_the_deck_and_next_undoes_prev(total, data):
    index = data.draw(st.integers(0, total - 1))
    for action in ("next", "prev", "first", "last"):
        assert 0 <= slides.move(index, total, action) < total
    if index > 0:
        assert slides.move(slides.move(index, total, "prev"), total, "next") == index


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 0),
        ("3", 2),
        ("6", 5),
        ("7", 5),
        ("0", 0),
        ("-2", 0),
        ("x", 0),
        ("", 0),
        (None, 0),
    ],
)
def test_slide_index_from_the_address(text, expected):
    assert slides.slide_index(text, 6) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("64", "64"),
        ("ID", None),
        (None, None),
        ("99", None),
        ("64.01", None),
    ],
)
def test_scope_from_the_address(text, expected):
    assert slides.scope_code(text, ["64", "65"]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-12-31", "2024-12-31"),
        ("2019-01-01", "2025-06-30"),
        (None, "2025-06-30"),
    ],
)
def test_period_from_the_address(text, expected):
    assert slides.pick_period(text, ["2024-12-31", "2025-06-30"]) == expected
    assert slides.pick_period(text, []) is None


# --- slide content ---------------------------------------------------------------------------


def test_indicator_slide_has_the_headline_status_target_and_a_short_summary():
    slide = slides.indicator_slide(facts(below=shortfalls(3)), KTP, "id")
    assert slide.kind == "indicator" and slide.title == "Perekaman KTP-el"
    assert slide.subtitle == "Indonesia · per 30 Juni 2025"
    assert slide.headline == "98,50 %"
    assert slide.lines == ("kurang 9 jiwa", "Target nasional 2023: 99,40 %")
    assert slide.state == "below"
    assert slide.text.startswith("Perekaman KTP-el secara nasional per 30 Juni 2025 mencapai")
    assert "Cakupan tertinggi Provinsi Papua" in slide.text
    assert "Yang belum mencapai target" not in slide.text  # that list has its own slide
    assert "DATA CONTOH" not in slide.text  # the demo mark is on the slide, not in the text
    assert "di atas 100 persen" in slide.note  # Papua's 100,86 % is explained


def test_indicator_slide_in_english_without_a_target():
    slide = slides.indicator_slide(facts(target=None, gap=None, is_demo=True), KTP, "en")
    assert slide.headline == "98.50 %" and slide.is_demo
    assert slide.lines == ("no target set",)
    assert slide.subtitle == "Indonesia · as of 30 June 2025"


def test_below_slide_lists_the_largest_gaps_first_and_counts_the_rest():
    slide = slides.below_slide(facts(below=shortfalls(15)), KTP, "id")
    assert slide.title == "Di bawah target: Perekaman KTP-el"
    assert [r.name for r in slide.rows] == [f"P{i:02d}" for i in range(14, 2, -1)]
    assert slide.more == "dan 3 provinsi lainnya"
    assert slide.headline == "12.000"  # 100 + 200 + … + 1500 people, all 15 regions
    assert slide.lines == (
        "jiwa lagi perlu dilayani agar semua provinsi mencapai target",
        "15 dari 38 provinsi di bawah target",
        "Target: 99,40 %",
    )


def test_below_slide_puts_unknown_gaps_last_and_keeps_short_lists_whole():
    below = (
        Shortfall("A", 95.0, 99.4, None),
        Shortfall("B", 97.0, 99.4, 50),
        Shortfall("C", 96.0, 99.4, 50),
    )
    slide = slides.below_slide(facts(below=below), KTP, "en")
    assert [r.name for r in slide.rows] == ["C", "B", "A"]  # equal gaps: lower coverage first
    assert slide.more == "" and slide.headline == "100"


@pytest.mark.parametrize(
    ("changes", "headline", "first_line"),
    [
        (  # in words, never a giant "38 / 38" (issue #15, item 4)
            {"below": (), "meeting": 38},
            "",
            "Semua 38 provinsi memenuhi target",
        ),
        ({"target": None, "gap": None}, "", "Belum ada target yang berlaku untuk 2025"),
        ({"with_data": 0, "percent": None}, "", "Belum ada data untuk periode ini"),
    ],
)
def test_below_slide_when_nothing_is_listed(changes, headline, first_line):
    slide = slides.below_slide(facts(**changes), KTP, "id")
    assert slide.rows == () and slide.headline == headline
    assert slide.lines[0] == first_line


def test_below_slide_names_the_lowest_when_all_meet():
    slide = slides.below_slide(facts(below=(), meeting=38), KTP, "id")
    assert slide.lines[1] == "Terendah: Provinsi Riau (97,18 %)"


def test_deck_of_the_demo_data(built):
    from utils import demo
    from utils.geo import cache_record as build_record
    from utils.metrics import regions, targets

    table = demo.read_demo()
    reg = regions.read_regions(build_record.cache_dir() / "regions.csv")
    deck = slides.deck(
        table, reg, targets.load_targets(), load_indicators(), "2025-06-30", None, "id"
    )
    ids = list(load_indicators())  # one slide per indicator, then one below-target slide each
    assert [(s.kind, s.indicator) for s in deck] == [
        *[("indicator", i) for i in ids],
        *[("below", i) for i in ids],
    ]
    assert all(s.is_demo for s in deck)
    ktp = deck[0].facts
    assert deck[0].headline == format_percent(ktp.percent, "id")
    below_ktp = deck[len(ids) + ids.index("ktp_el")]
    gaps = [r.gap for r in below_ktp.rows]
    assert gaps == sorted(gaps, reverse=True) and len(gaps) == slides.MAX_ROWS
    assert below_ktp.more == f"dan {len(ktp.below) - slides.MAX_ROWS} provinsi lainnya"
    province = slides.deck(
        table, reg, targets.load_targets(), load_indicators(), "2025-06-30", "64", "id"
    )
    assert province[0].subtitle == "Provinsi Kalimantan Timur · per 30 Juni 2025"
    assert "kabupaten/kota" in province[len(ids) + ids.index("ktp_el")].lines[1]


# --- charts, sizes and files -----------------------------------------------------------------


def test_gap_chart_labels_each_bar_and_drops_a_shared_target():
    rows = slides.below_slide(facts(below=shortfalls(3)), KTP, "id").rows
    spec = projector.gap_chart(rows, "id", 900, 300, 24).to_dict()
    labels = [v["label"] for v in next(iter(spec["datasets"].values()))]
    assert labels[0] == "300 jiwa · 90,20 %"
    mixed = (*rows, slides.Row("Q", 97.0, 98.0, 10))
    spec = projector.gap_chart(mixed, "en", 900, 300, 24).to_dict()
    labels = [v["label"] for v in next(iter(spec["datasets"].values()))]
    assert labels[-1] == "10 people · 97.00 % (target 98.00 %)"


def test_map_aspect():
    assert projector.map_aspect([95.0, -11.0, 141.0, 5.9]) > 2.5  # Indonesia is wide
    assert 0.9 < projector.map_aspect([113.8, -2.4, 119.0, 2.6]) < 1.1  # Kalimantan Timur


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720)])
@pytest.mark.parametrize("aspect", [2.7, 1.0, 0.6])
def test_layout_fits_the_viewport(width, height, aspect):
    sizes = projector.layout(width, height, aspect)
    assert sizes.wide == (aspect >= 1.8)
    assert 0.3 * height <= sizes.map_height <= 0.64 * height  # legend, title, footer fit too
    assert sizes.gauge_height < 0.45 * height and sizes.gauge_width < 0.35 * width
    assert sizes.gauge_height >= sizes.gauge_width / 2 + 66  # the arc is not squashed
    assert sizes.font >= 0.02 * height  # chart text grows with the screen


def test_for_slide_enlarges_legends_and_sizes_the_map_exactly():
    spec = {
        "layer": [{"encoding": {"color": {"legend": {"labelFontSize": 15}}}}],
        "width": "container",
        "config": {"autosize": {"type": "fit"}, "locale": {"x": 1}},
    }
    out = projector.for_slide(spec, 30, 1000)
    legend = out["layer"][0]["encoding"]["color"]["legend"]
    assert legend["labelFontSize"] == 30 and legend["columns"] == 4
    # The plot is exactly 1000 px wide, the legend comes on top: a top-level autosize,
    # since Streamlit adds "fit" (which crops projections) when a spec has none.
    assert out["width"] == 1000 and out["autosize"] == {"type": "pad", "contains": "padding"}
    assert out["config"] == {"locale": {"x": 1}}
    assert spec["layer"][0]["encoding"]["color"]["legend"]["labelFontSize"] == 15  # a copy
    assert spec["width"] == "container"


def test_export_spec_inlines_the_geometry_and_fixes_the_size():
    topo = {"type": "Topology", "objects": {}}
    spec = {
        "layer": [
            {
                "data": {
                    "url": "/component/x.topo.json?v=1",
                    "format": {"type": "topojson", "feature": "regencies"},
                }
            },
            {"data": {"name": "regions"}},
        ],
        "width": "container",
        "config": {"autosize": {"type": "fit"}},
    }
    out = projector.export_spec(spec, 1600, 600, "Judul [DATA CONTOH]", topo)
    first = out["layer"][0]["data"]
    assert "url" not in first and first["values"] is topo and first["format"]["type"] == "topojson"
    assert out["layer"][1]["data"] == {"name": "regions"}
    assert (out["width"], out["height"]) == (1600, 600)
    assert "autosize" not in out["config"] and out["title"]["text"] == "Judul [DATA CONTOH]"
    assert spec["width"] == "container" and "url" in spec["layer"][0]["data"]  # untouched


class FakeConverter:
    def __init__(self):
        self.calls = []

    def vegalite_to_png(self, spec, scale):
        self.calls.append(("png", scale))
        return b"png"

    def vegalite_to_svg(self, spec):
        self.calls.append(("svg",))
        return "<svg/>"


def test_render_asks_for_twice_the_pixels_and_rejects_other_formats():
    fake = FakeConverter()
    assert projector.render({}, "png", fake) == b"png"
    assert projector.render({}, "svg", fake) == b"<svg/>"
    assert fake.calls == [("png", 2), ("svg",)]
    with pytest.raises(ValueError, match="pdf"):
        projector.render({}, "pdf", fake)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_real_files_of_the_gap_chart():
    rows = slides.below_slide(facts(below=shortfalls(4)), KTP, "id").rows
    spec = projector.export_spec(
        projector.gap_chart(rows, "id", 1200, 4 * 48, 22).to_dict(),
        1200,
        None,
        "Di bawah target [DATA CONTOH — bukan data resmi]",
    )
    width, height = png_size(projector.render(json.loads(json.dumps(spec)), "png"))
    assert width >= 2400 and height >= 2 * 4 * 48  # twice the pixels
    svg = projector.render(spec, "svg").decode()
    assert svg.lstrip().startswith("<svg") and "DATA CONTOH" in svg and "400 jiwa" in svg


def test_real_file_of_the_national_map(built):
    from utils import demo
    from utils.charts import choropleth as charts
    from utils.geo import cache_record as build_record
    from utils.metrics import regions

    topo = json.loads((build_record.maps_dir() / "national.topo.json").read_text())
    reg = regions.read_regions(build_record.cache_dir() / "regions.csv")
    values = slides.map_values(demo.read_demo(), reg, "ktp_el", "2025-06-30", None)
    assert len(values) == 514 and values["percent"].notna().all()
    chart = charts.choropleth(
        "/component/geo/national.topo.json",
        values,
        99.4,
        slides.map_labels(KTP, "id"),
        "id",
        height=590,
    )
    spec = projector.export_spec(chart.to_dict(), 1600, 590, "Peta", topo)
    svg = projector.render(spec, "svg").decode()
    assert svg.count("<path") > 514  # every regency and the province borders are drawn
    assert "Tanpa data" in svg  # the legend's no-data entry


def test_file_name():
    slide = slides.Slide(kind="indicator", indicator="kia", title="", subtitle="")
    assert (
        slides.file_name(slide, "peta", "2025-06-30", None, "svg")
        == "capaian_kia_peta_ID_2025-06-30.svg"
    )
    assert slides.file_name(slide, "peta", "2025-06-30", "64", "png").endswith("_64_2025-06-30.png")


def test_map_values_keep_regions_without_data():
    regions = pd.DataFrame(
        {
            "code": ["64", "64.01", "64.02", "65.01"],
            "name": ["Kaltim", "A", "B", "C"],
            "level": ["province", "regency", "regency", "regency"],
            "province_code": ["64", "64", "64", "65"],
            "province_name": ["Kaltim", "Kaltim", "Kaltim", "Kaltara"],
        }
    )
    table = pd.DataFrame(
        {
            "period": ["2025-06-30"],
            "code": ["64.01"],
            "indicator": ["kia"],
            "numerator": [5],
            "denominator": [10],
            "is_demo": [True],
        }
    )
    values = slides.map_values(table, regions, "kia", "2025-06-30", "64")
    assert list(values["code"]) == ["64.01", "64.02"]
    assert values["percent"].iloc[0] == 50 and pd.isna(values["percent"].iloc[1])
