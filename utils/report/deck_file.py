"""The whole briefing as one file: every slide a 16:9 picture, in a PDF or a PPTX (pure).

Each slide is drawn as the projector shows it at 1920 × 1080 pixels: title and
subtitle, the headline figure and its lines, the summary and note, and the
slide's charts (built by :mod:`utils.charts.projector`, the page's own
builders), the demo mark on every slide of demo data, and the source and date
in a footer. The charts are rendered apart and placed in their boxes; all the
words are then one Vega-Lite spec of text marks at fixed pixel places, so both
are drawn by ``vl-convert`` in the same fonts (no browser). Pillow puts the
pictures together. :func:`to_pdf` makes one page per slide, :func:`to_pptx` one
slide per slide with its words as speaker notes and as the picture's
alternative text.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from PIL import Image

from utils.charts import projector
from utils.charts.projector import FONT, INK, Converter
from utils.formatting import format_date, format_number, format_percent, format_percent_against
from utils.i18n import t
from utils.metrics.attainment import KecamatanLevel
from utils.metrics.indicators import Indicator
from utils.report import deck as slides
from utils.report.deck import Slide
from utils.report.deck_html import STATE_COLOURS

WIDTH, HEIGHT = 1920, 1080
"""A slide in pixels (16:9, a projector's own size)."""
SIDE = 48
"""Left and right margin (the page's 2.5 % of the width)."""
TOP = 26
"""Top of the title."""
FOOT = 1022
"""The footer rule; the slide's content ends 20 pixels above it."""
BOTTOM = FOOT - 20
WIDE_CHAR = {400: 0.53, 600: 0.56, 700: 0.58, 800: 0.6}
"""Average width of a character per font weight, in font sizes (a generous
estimate for sans-serif: lines are wrapped a little early, never cut)."""
GREY = "#444444"
"""Footer text (contrast 9.7 : 1 on white)."""


@dataclass(frozen=True)
class Scope:
    """What every slide of one deck shares.

    Attributes
    ----------
    table, regions : pandas.DataFrame
        The coverage table and the region reference.
    indicators : mapping
        Indicator id → definition.
    topology : dict
        The scope's map file (national, the province's, or a regency's kecamatan).
    code : str or None
        Province or regency code; ``None`` for Indonesia.
    period, lang : str
        ISO period and ``"id"`` / ``"en"``.
    source : str
        Where the figures come from (:func:`utils.ingest.provenance.caption`).
    made : str
        ISO date the file is made (the footer says it).
    credit : str
        The boundaries' credit when an office's own set is active (else ``""``).
    tiles : pandas.DataFrame or None
        The tile layout when the slides show equal tiles instead of the map.
    kecamatan : KecamatanLevel or None
        The kecamatan level when the map is a regency's kecamatan map
        (``topology`` is then that regency's kecamatan file).
    """

    table: pd.DataFrame
    regions: pd.DataFrame
    indicators: Mapping[str, Indicator]
    topology: dict
    code: str | None
    period: str
    lang: str
    source: str
    made: str
    credit: str = ""
    tiles: pd.DataFrame | None = None
    kecamatan: KecamatanLevel | None = None


@dataclass(frozen=True)
class Page:
    """One slide as a picture (``png``, :data:`WIDTH` × :data:`HEIGHT` × scale)
    and its words (``notes``: speaker notes and alternative text)."""

    png: bytes
    title: str
    notes: str


@dataclass
class Canvas:
    """A slide being drawn: words and rules in slide pixels, charts as pictures.

    ``converter`` renders Vega-Lite (``vl_convert`` or a stand-in);
    ``scale`` multiplies every pixel of the finished picture.
    """

    converter: Converter
    scale: float = 1.0
    words: list[dict] = field(default_factory=list)
    rects: list[dict] = field(default_factory=list)
    pictures: list[tuple[int, int, Image.Image]] = field(default_factory=list)

    def text(self, text: str, x: float, y: float, width: float, size: float,
             weight: int = 400, colour: str = INK, gap: float = 1.3,
             align: str = "left") -> float:
        """Write ``text`` wrapped to ``width`` from ``(x, y)`` (top left, or top
        right with ``align="right"``); returns the ``y`` under it."""
        for line in wrap(text, width, size, weight):
            self.words.append({"x": x, "y": y, "text": line, "size": size, "weight": weight,
                               "colour": colour, "align": align})
            y += size * gap
        return y

    def rect(self, x: float, y: float, width: float, height: float, colour: str) -> None:
        """A filled rectangle (a rule, the demo mark's ground)."""
        self.rects.append({"x": x, "y": y, "x2": x + width, "y2": y + height,
                           "colour": colour})

    def chart(self, spec: dict, x: float, y: float, width: float, height: float) -> tuple[int, int]:
        """Render ``spec`` and place it at ``(x, y)``, shrunk to fit ``width`` ×
        ``height`` if it is larger; returns its size on the slide."""
        picture = Image.open(io.BytesIO(
            self.converter.vegalite_to_png(spec, scale=self.scale))).convert("RGB")
        fit = min(1.0, width * self.scale / picture.width, height * self.scale / picture.height)
        if fit < 1.0:
            picture = picture.resize((max(int(picture.width * fit), 1),
                                      max(int(picture.height * fit), 1)), Image.Resampling.LANCZOS)
        self.pictures.append((int(x * self.scale), int(y * self.scale), picture))
        return int(picture.width / self.scale), int(picture.height / self.scale)

    def png(self) -> bytes:
        """The finished slide: the words drawn over the white slide, the charts placed."""
        base = Image.open(io.BytesIO(self.converter.vegalite_to_png(
            words_spec(self.words, self.rects), scale=self.scale))).convert("RGB")
        for x, y, picture in self.pictures:
            base.paste(picture, (x, y))
        size = (int(WIDTH * self.scale), int(HEIGHT * self.scale))
        if base.size != size:  # a renderer's rounding: the slide is always 16:9
            base = base.crop((0, 0, *size))
        out = io.BytesIO()
        base.save(out, "PNG", optimize=False, compress_level=3)
        return out.getvalue()


def wrap(text: str, width: float, size: float, weight: int = 400) -> list[str]:
    """``text`` in lines that fit ``width`` pixels at ``size`` (estimated, see
    :data:`WIDE_CHAR`); a word longer than a line is broken.

    Examples
    --------
    >>> wrap("Perekaman KTP-el di Indonesia", 300, 30)
    ['Perekaman KTP-el', 'di Indonesia']
    >>> wrap("", 300, 30)
    []
    """
    chars = max(int(width / (size * WIDE_CHAR.get(weight, 0.6))), 4)
    return textwrap.wrap(text, chars, break_on_hyphens=False)


def text_height(text: str, width: float, size: float, weight: int = 400,
                gap: float = 1.3) -> float:
    """Height in pixels of ``text`` written by :meth:`Canvas.text`."""
    return len(wrap(text, width, size, weight)) * size * gap


def words_spec(words: Sequence[dict], rects: Sequence[dict]) -> dict:
    """A white :data:`WIDTH` × :data:`HEIGHT` Vega-Lite spec of ``rects`` and then
    ``words`` (one text mark per weight and alignment), at their pixel places."""

    def pixels(name: str) -> dict:
        return {"field": name, "type": "quantitative", "scale": None}

    layers: list[dict] = []
    if rects:
        layers.append({
            "data": {"values": list(rects)},
            "mark": {"type": "rect"},
            "encoding": {"x": pixels("x"), "x2": {"field": "x2"}, "y": pixels("y"),
                         "y2": {"field": "y2"},
                         "color": {"field": "colour", "type": "nominal", "scale": None}},
        })
    groups = sorted({(w["weight"], w["align"]) for w in words})
    for weight, align in groups:
        rows = [w for w in words if (w["weight"], w["align"]) == (weight, align)]
        layers.append({
            "data": {"values": rows},
            "mark": {"type": "text", "baseline": "top", "align": align, "font": FONT,
                     "fontWeight": weight},
            "encoding": {"x": pixels("x"), "y": pixels("y"), "text": {"field": "text"},
                         "size": pixels("size"),
                         "color": {"field": "colour", "type": "nominal", "scale": None}},
        })
    if not layers:  # an empty slide is still a slide
        layers.append({"data": {"values": [{}]}, "mark": {"type": "rect", "opacity": 0}})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH,
        "height": HEIGHT,
        "padding": 0,
        "autosize": {"type": "none"},
        "background": "#ffffff",
        "config": {"view": {"stroke": None}},
        "layer": layers,
    }


# --- what is on a slide --------------------------------------------------------------------


def frame(canvas: Canvas, slide: Slide, number: int, total: int, scope: Scope) -> float:
    """Title, subtitle, demo mark, footer; returns where the slide's content starts."""
    lang = scope.lang
    right: float = WIDTH - SIDE
    if slide.is_demo:  # on every slide of demo data, where it cannot be missed
        label = t("briefing.demo", lang)
        wide = len(label) * 26 * WIDE_CHAR[700] + 36
        canvas.rect(right - wide, TOP + 4, wide, 44, INK)
        canvas.text(label, right - wide / 2, TOP + 13, wide, 26, 700, "#ffffff", align="center")
        right -= wide + 32
    y = canvas.text(slide.title, SIDE, TOP, right - SIDE, 58, 700, gap=1.12)
    y = canvas.text(slide.subtitle, SIDE, y + 6, right - SIDE, 32, gap=1.25)
    canvas.rect(0, FOOT, WIDTH, 2, INK)
    count = t("briefing.counter", lang, number=number, total=total)
    canvas.text(count, WIDTH - SIDE, FOOT + 16, 200, 24, 700, align="right")
    canvas.text(footer_text(scope), SIDE, FOOT + 18, WIDTH - 2 * SIDE - 200, 20, colour=GREY)
    return y + 24


def footer_text(scope: Scope) -> str:
    """``Data contoh (bukan angka resmi) · dibuat 2 Juli 2025 · Capaian`` (and the
    boundaries' credit when an office's own are shown)."""
    made = t("deck_file.footer", scope.lang, source=scope.source,
             date=format_date(scope.made, scope.lang))
    return f"{made} · {scope.credit}" if scope.credit else made


def figure(canvas: Canvas, slide: Slide, x: float, y: float, width: float,
           narrow: bool = False) -> float:
    """The headline figure and its lines (first line in the status colour)."""
    if slide.headline:
        size = min(140 if narrow else 162, width / (max(len(slide.headline), 1) * 0.62))
        y = canvas.text(slide.headline, x, y, 10_000, size, 800, gap=1.05)
    for i, line in enumerate(slide.lines):
        colour = STATE_COLOURS.get(slide.state, INK) if i == 0 else INK
        y = canvas.text(line, x, y + 4, width, 41 if i == 0 else 32, 700 if i == 0 else 400,
                        colour, gap=1.25)
    return y


def columns(split: float) -> tuple[float, float, float]:
    """Left column's width, right column's left edge and width (the page's gap)."""
    room = WIDTH - 2 * SIDE - projector.GAP
    return room * split - 8, SIDE + room * split + projector.GAP, room * (1 - split) - 8


def indicator_page(canvas: Canvas, slide: Slide, top: float, scope: Scope) -> None:
    """Map (or tiles), figure, gauge, summary and note, placed as on the page."""
    indicator = scope.indicators[str(slide.indicator)]
    values = slides.map_values(scope.table, scope.regions, str(slide.indicator), scope.period,
                               scope.code, scope.kecamatan)
    labels = slides.map_labels(indicator, scope.lang, scope.kecamatan is not None)
    aspect = (projector.tile_aspect(scope.tiles, slides.province_of(scope.code))
              if scope.tiles is not None
              else projector.map_aspect(scope.topology["bbox"]))
    sizes = projector.layout(WIDTH, HEIGHT, aspect)
    left, x, width = columns(sizes.split)
    summary = 28
    under = text_height(slide.text, left, summary) + 16 if sizes.wide else 0
    _, tall = canvas.chart(map_spec(slide, values, labels, sizes, scope), SIDE, top, left,
                           BOTTOM - top - under)
    if sizes.wide:
        canvas.text(slide.text, SIDE, top + tall + 16, left, summary, gap=1.38)
    texts = slides.slide_gauge_texts(slide.facts, indicator, scope.lang) if slide.facts else {}
    gauge = projector.slide_gauge(slide, texts, sizes.gauge_width, sizes.gauge_height, sizes.font)
    if sizes.wide:  # the gauge under the figure, the summary under the map
        y = figure(canvas, slide, x, top, width)
        note = text_height(slide.note, width, 22, gap=1.35)
        _, high = canvas.chart(gauge, x, y + 12, width, max(BOTTOM - y - 36 - note, 120))
        y += high + 24
    else:  # as on the page: the gauge beside the figure, the summary under both
        end = figure(canvas, slide, x, top, width * 0.62)
        _, high = canvas.chart(gauge, x + width * 0.62, top, width * 0.38, BOTTOM - top)
        y = max(end, top + high) + 20
        y = canvas.text(slide.text, x, y, width, summary, gap=1.38) + 12
    if slide.note:
        canvas.text(slide.note, x, y, width, 22, colour="#222222", gap=1.35)


def map_spec(slide: Slide, values: pd.DataFrame, labels: dict[str, str],
             sizes: projector.Layout, scope: Scope) -> dict:
    """The slide's map (or tile grid) with its data inline, as the page sizes it."""
    if scope.tiles is not None:
        spec = projector.slide_tiles(slide, scope.tiles, values, labels, scope.lang, None, sizes,
                                     slides.province_of(scope.code))
    else:
        made = projector.slide_map(slide, values, labels, scope.lang, "geometry",
                                   sizes.map_height, False)
        spec = projector.inline_geometry(projector.for_slide(made, sizes.font, sizes.map_width),
                                         scope.topology)
    spec["config"] = {**spec.get("config", {}), "background": "#ffffff"}
    return spec


def below_page(canvas: Canvas, slide: Slide, top: float, scope: Scope) -> None:
    """The regions below target: figure and lines on the left, bars on the right."""
    if not slide.rows:
        figure(canvas, slide, SIDE, top, WIDTH - 2 * SIDE)
        return
    left, x, width = columns(0.4)
    figure(canvas, slide, SIDE, top, left, narrow=True)
    height, font = projector.bars_size(len(slide.rows), projector.layout(WIDTH, HEIGHT, 1.0))
    more = 48 if slide.more else 0
    spec = projector.gap_chart(slide.rows, scope.lang, int(width) - 16, height, font).to_dict()
    spec["config"] = {**spec.get("config", {}), "background": "#ffffff"}
    _, high = canvas.chart(spec, x, top, width, BOTTOM - top - more)
    if slide.more:
        canvas.text(slide.more, x, top + high + 12, width, 32, 600)


def scenario_page(canvas: Canvas, slide: Slide, top: float, scope: Scope) -> None:
    """A saved scenario: figure and lines on the left, its table and settings on the right."""
    left, x, width = columns(0.4)
    figure(canvas, slide, SIDE, top, left, narrow=True)
    if not slide.table:
        return
    header, *rows = slide.table
    cells = len(header)
    first = width * 0.34
    rest = (width - first) / max(cells - 1, 1)
    edges = [x] + [x + first + rest * i for i in range(cells - 1)]
    y = top
    lines = max(len(wrap(c, (first if i == 0 else rest) - 16, 30, 700))
                for i, c in enumerate(header))
    for i, cell in enumerate(header):
        place = edges[i] if i == 0 else edges[i] + rest - 16
        canvas.text(cell, place, y, (first if i == 0 else rest) - 16, 30, 700, gap=1.25,
                    align="left" if i == 0 else "right")
    y += lines * 30 * 1.25 + 10
    canvas.rect(x, y, width, 3, INK)
    for row in rows:
        y += 16
        tall = max(len(wrap(c, (first if i == 0 else rest) - 16, 30)) for i, c in enumerate(row))
        for i, cell in enumerate(row):
            place = edges[i] if i == 0 else edges[i] + rest - 16
            canvas.text(cell, place, y, (first if i == 0 else rest) - 16, 30,
                        600 if i == 0 else 400, gap=1.25, align="left" if i == 0 else "right")
        y += tall * 30 * 1.25 + 14
        canvas.rect(x, y, width, 1, "#555555")
    canvas.text(slide.text, x, y + 32, width, 28, gap=1.38)


PAGES: dict[str, Callable[[Canvas, Slide, float, Scope], None]] = {
    "indicator": indicator_page,
    "below": below_page,
    "scenario": scenario_page,
}


def notes(slide: Slide, number: int, total: int, scope: Scope) -> str:
    """A slide's words as plain text: what the picture shows, for notes and alt text."""
    parts = [slide.title, slide.subtitle]
    if slide.is_demo:
        parts.insert(0, t("briefing.demo", scope.lang))
    if slide.headline:
        parts.append(slide.headline + (f" {slide.lines[0]}" if slide.lines else ""))
        parts += list(slide.lines[1:])
    else:
        parts += list(slide.lines)
    parts += [f"{r.name}: {row_label(r, scope.lang)}" for r in slide.rows]
    parts += [slide.more] + [" · ".join(row) for row in slide.table]
    parts += [slide.text, slide.note, footer_text(scope),
              t("briefing.counter", scope.lang, number=number, total=total)]
    return "\n".join(p for p in parts if p)


def row_label(row: slides.Row, lang: str) -> str:
    """A below-target row as the gap chart labels it: ``1.234 jiwa · 88,10 % (target 95 %)``."""
    return t("briefing.bar_target", lang, gap=format_number(row.gap, lang),
             percent=format_percent_against(row.percent, row.target, lang, meets=False),
             target=format_percent(row.target, lang))


# --- the deck as files ---------------------------------------------------------------------


def draw(slide: Slide, number: int, total: int, scope: Scope, converter: Converter,
         scale: float = 1.0) -> Page:
    """One slide as a :class:`Page` (its picture and its words)."""
    canvas = Canvas(converter, scale)
    top = frame(canvas, slide, number, total, scope)
    PAGES[slide.kind](canvas, slide, top, scope)
    return Page(canvas.png(), slide.title, notes(slide, number, total, scope))


def draw_all(deck: Sequence[Slide], scope: Scope, converter: Converter | None = None,
             progress: Callable[[int, int], None] | None = None,
             scale: float = 1.0) -> list[Page]:
    """Every slide of ``deck`` as a :class:`Page`, in order.

    Parameters
    ----------
    deck : sequence of Slide
        The slides as the briefing shows them (scenario slide included).
    scope : Scope
        What the slides share (data, map, language, source and date).
    converter : Converter, optional
        Renders Vega-Lite; ``vl_convert`` when not given.
    progress : callable, optional
        Called with ``(done, total)`` after each slide.
    scale : float
        Pixels of the pictures per slide pixel (1: 1920 × 1080).

    Returns
    -------
    list of Page
    """
    if converter is None:
        import vl_convert  # large: imported when a file is asked for

        converter = vl_convert  # type: ignore[assignment]
    assert converter is not None
    pages = []
    for number, slide in enumerate(deck, 1):
        pages.append(draw(slide, number, len(deck), scope, converter, scale))
        if progress is not None:
            progress(number, len(deck))
    return pages


def to_pdf(pages: Sequence[Page], title: str = "") -> bytes:
    """One PDF page per slide, 16:9 (13,33 × 7,5 inches, as a widescreen slide).

    Raises
    ------
    ValueError
        When there is no page.
    """
    if not pages:
        raise ValueError("a deck without slides has no file")
    images = [Image.open(io.BytesIO(p.png)).convert("RGB") for p in pages]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:],
                   resolution=images[0].width / (WIDTH / 144), quality=92, subsampling=0,
                   title=title, producer="Capaian")
    return out.getvalue()


def to_pptx(pages: Sequence[Page], title: str = "") -> bytes:
    """One PowerPoint slide per slide: the picture full-bleed on a 16:9 slide, its
    words as speaker notes and as the picture's alternative text.

    Raises
    ------
    ValueError
        When there is no page.
    """
    from pptx import Presentation
    from pptx.util import Emu

    if not pages:
        raise ValueError("a deck without slides has no file")
    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12_192_000), Emu(6_858_000)
    deck.core_properties.title = title
    blank = deck.slide_layouts[6]
    for page in pages:
        slide = deck.slides.add_slide(blank)
        picture = slide.shapes.add_picture(io.BytesIO(page.png), 0, 0, deck.slide_width,
                                           deck.slide_height)
        picture.name = page.title
        picture._element.nvPicPr.cNvPr.set("descr", page.notes)
        slide.notes_slide.notes_text_frame.text = page.notes
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def file_name(scope: Scope, fmt: str) -> str:
    """``capaian_paparan_ID_2025-06-30_id.pdf``: what, where, when, which language."""
    return f"capaian_paparan_{scope.code or slides.NATIONAL}_{scope.period}_{scope.lang}.{fmt}"


def title(deck: Sequence[Slide], lang: str) -> str:
    """The file's title: ``Paparan capaian — Indonesia · per 30 Juni 2025``."""
    first: Any = deck[0].subtitle if deck else ""
    return t("deck_file.title", lang, subtitle=first)
