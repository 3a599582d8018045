"""The whole briefing as one file (PDF and PPTX): one page per slide, labelled, readable."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pymupdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pptx import Presentation

from utils import demo
from utils.geo import cache_record as build_record
from utils.i18n import t
from utils.ingest import provenance
from utils.metrics import regions as region_ref
from utils.metrics import targets
from utils.metrics.indicators import load_indicators
from utils.report import deck as slides
from utils.report import deck_file

PERIOD = "2025-06-30"
MADE = "2025-07-02"


def scope_for(code: str | None, lang: str, is_demo: bool = True) -> deck_file.Scope:
    cache = build_record.cache_dir()
    name = f"province/{code}.topo.json" if code else "national.topo.json"
    return deck_file.Scope(
        table=demo.read_demo(),
        regions=region_ref.read_regions(cache / "regions.csv"),
        indicators=load_indicators(),
        topology=json.loads((cache / "maps" / name).read_text(encoding="utf-8")),
        code=code,
        period=PERIOD,
        lang=lang,
        source=provenance.caption(provenance.DataInUse(demo=is_demo), lang),
        made=MADE,
    )


def deck_for(scope: deck_file.Scope) -> list[slides.Slide]:
    return slides.deck(scope.table, scope.regions, targets.load_targets(), scope.indicators,
                       scope.period, scope.code, scope.lang)


class Recorder:
    """A stand-in for ``vl_convert``: keeps every spec, answers a white picture of its size."""

    def __init__(self) -> None:
        self.specs: list[dict] = []

    def vegalite_to_png(self, vl_spec, scale: float = 1.0) -> bytes:
        self.specs.append(vl_spec)
        width = vl_spec.get("width", 400) if isinstance(vl_spec.get("width"), int) else 400
        height = vl_spec.get("height", 300) if isinstance(vl_spec.get("height"), int) else 300
        out = io.BytesIO()
        Image.new("RGB", (int(width * scale), int(height * scale)), "white").save(out, "PNG")
        return out.getvalue()

    def vegalite_to_svg(self, vl_spec) -> str:
        raise AssertionError("a deck file is drawn as pictures")


def words(spec: dict) -> list[dict]:
    return [row for layer in spec["layer"] if layer["mark"]["type"] == "text"
            for row in layer["data"]["values"]]


@pytest.fixture(scope="module")
def province_files(built):
    """The demo deck of Kalimantan Timur in Indonesian, drawn for real (vl-convert)."""
    scope = scope_for("64", "id")
    deck = deck_for(scope)
    pages = deck_file.draw_all(deck, scope)
    return deck, pages, deck_file.to_pdf(pages, "t"), deck_file.to_pptx(pages, "t")


def test_the_pdf_has_one_16_9_page_per_slide_and_its_pictures_are_the_slides(province_files,
                                                                            tmp_path):
    deck, pages, pdf, _ = province_files
    document = pymupdf.open(stream=pdf, filetype="pdf")
    assert document.page_count == len(deck) == len(pages)
    for number, page in enumerate(document, 1):
        assert page.rect.width / page.rect.height == pytest.approx(16 / 9, rel=1e-3)
        shot = page.get_pixmap(dpi=72)
        path = tmp_path / f"page_{number}.png"  # looked at by hand while writing this test
        shot.save(path)
        picture = Image.open(path).convert("L")
        assert picture.size == (960, 540)
        dark = sum(picture.histogram()[:80])
        assert dark > 2000  # title, figure and footer are drawn, not a blank page


def test_the_pptx_reads_back_one_picture_slide_per_slide_with_its_words_as_notes(province_files):
    deck, _, _, pptx = province_files
    shown = Presentation(io.BytesIO(pptx))
    assert shown.slide_width * 9 == shown.slide_height * 16
    assert len(shown.slides) == len(deck)
    for slide, made in zip(deck, shown.slides, strict=True):
        (picture,) = made.shapes
        assert (picture.left, picture.top, picture.width, picture.height) == (
            0, 0, shown.slide_width, shown.slide_height)
        notes = made.notes_slide.notes_text_frame.text
        assert slide.title in notes and slide.subtitle in notes
        assert t("briefing.demo", "id") in notes  # demo data says so in every slide's words
        assert picture._element.nvPicPr.cNvPr.get("descr") == notes
        assert (slide.headline or "") in notes


def test_every_demo_slide_carries_the_demo_mark_where_the_picture_shows_it(province_files):
    _, pages, _, _ = province_files
    for page in pages:
        picture = Image.open(io.BytesIO(page.png)).convert("L")
        assert picture.size == (deck_file.WIDTH, deck_file.HEIGHT)
        # the black ground of the mark, top right (left of its white letters)
        assert picture.getpixel((deck_file.WIDTH - deck_file.SIDE - 6, deck_file.TOP + 8)) < 40


@pytest.mark.parametrize(("lang", "is_demo"), [("id", True), ("en", True), ("id", False)])
def test_words_title_footer_and_demo_mark_on_every_slide(built, lang, is_demo):
    scope = scope_for(None, lang, is_demo)
    deck = [replace(s, is_demo=is_demo) for s in deck_for(scope)]
    recorder = Recorder()
    pages = deck_file.draw_all(deck, scope, converter=recorder)
    frames = [s for s in recorder.specs if s.get("width") == deck_file.WIDTH
              and s.get("autosize") == {"type": "none"}]
    assert len(frames) == len(pages) == len(deck)
    label = t("briefing.demo", lang)
    for number, (slide, spec) in enumerate(zip(deck, frames, strict=True), 1):
        texts = [w["text"] for w in words(spec)]
        assert " ".join(w["text"] for w in words(spec) if w["size"] == 58) == slide.title
        assert (label in texts) is is_demo
        footer = [w for w in words(spec) if w["y"] > deck_file.FOOT]
        assert any(t("briefing.counter", lang, number=number, total=len(deck)) == w["text"]
                   for w in footer)
        assert any(scope.source in w["text"] and "2025" in w["text"] for w in footer)
        body = [w for w in words(spec) if w["y"] <= deck_file.FOOT]
        assert all(w["y"] + w["size"] <= deck_file.FOOT for w in body)  # nothing in the footer


def test_a_slide_draws_its_charts_with_the_data_inline(built):
    scope = scope_for(None, "id")
    deck = deck_for(scope)
    recorder = Recorder()
    deck_file.draw(deck[0], 1, len(deck), scope, recorder)
    charts = [s for s in recorder.specs if s.get("autosize") != {"type": "none"}]
    marks = json.dumps(charts)
    assert '"geoshape"' in marks and '"arc"' in marks  # the map and the gauge
    assert '"url"' not in marks  # a renderer without the app's address can draw it


def test_a_deck_without_slides_has_no_file():
    with pytest.raises(ValueError, match="without slides"):
        deck_file.to_pdf([])
    with pytest.raises(ValueError, match="without slides"):
        deck_file.to_pptx([])


@pytest.mark.parametrize(
    ("text", "width", "size", "lines"),
    [
        ("", 500, 30, []),
        ("kata", 500, 30, ["kata"]),
        ("Perekaman KTP-el di Indonesia", 300, 30, ["Perekaman KTP-el", "di Indonesia"]),
        ("satu dua tiga", 2000, 30, ["satu dua tiga"]),
    ],
)
def test_wrap(text, width, size, lines):
    assert deck_file.wrap(text, width, size) == lines


@given(st.text(alphabet="abcde fghij", max_size=300), st.integers(60, 1800),
       st.sampled_from([20, 28, 41, 58]), st.sampled_from([400, 700]))
def test_wrapping_keeps_every_word_and_no_line_is_longer_than_its_room(text, width, size,
                                                                       weight):
    lines = deck_file.wrap(text, width, size, weight)
    assert "".join("".join(lines).split()) == "".join(text.split())
    room = max(int(width / (size * deck_file.WIDE_CHAR[weight])), 4)
    assert all(len(line) <= room for line in lines)


def test_file_names_say_what_where_when_and_language(built):
    scope = scope_for("64", "en")
    assert deck_file.file_name(scope, "pdf") == "capaian_paparan_64_2025-06-30_en.pdf"
    assert deck_file.file_name(replace(scope, code=None), "pptx") == (
        "capaian_paparan_ID_2025-06-30_en.pptx")
