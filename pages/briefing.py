"""Briefing page: the figures as slides for a projector (keyboard, clicker or mouse).

Slide, scope and period live in the address (``?slide=3&scope=64&period=…``;
a regency, ``scope=64.02``, is presented by kecamatan), so a link opens the
same slide. The sidebar and header are hidden on this
page only; text is sized in viewport units and the charts in pixels from the
viewport the keyboard component reports.
"""

from __future__ import annotations

import json

import streamlit as st

from pages.support import (
    access,
    briefing_scope,
    cached,
    change_view,
    deck_download,
    store_watch,
)
from pages.support.briefing_scope import TILES
from utils.charts import projector
from utils.charts.projector import Chart
from utils.i18n import t
from utils.ingest import saved_scenarios
from utils.metrics import regions as region_ref
from utils.report import deck as slides
from utils.report import deck_html as markup
from utils.report.deck_html import escape

KEYS, VIEWPORT, TOTAL, EXIT = (
    "briefing_keys",
    "briefing_viewport",
    "briefing_total",
    "briefing_exit",
)
DEFAULT_VIEWPORT = (1920, 1080)
CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #ffffff; }
[data-testid="stMainBlockContainer"] { padding: 2vh 2.5vw 9vh 2.5vw !important;
  max-width: none !important; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.8vh; }
.st-key-briefing_keys { position: absolute; height: 0; overflow: hidden; }
.bf { color: #111111; font-family: "Source Sans", "Source Sans Pro", sans-serif; }
.bf-title { font-size: 5.4vh; font-weight: 700; line-height: 1.1; }
.bf-sub { font-size: 3vh; line-height: 1.3; color: #222222; }
.bf-figure { font-size: 15vh; font-weight: 800; line-height: 1.0; letter-spacing: -0.02em;
  white-space: nowrap; }
.bf-figure.bf-count { font-size: min(13vh, 6.4vw); }
.bf-line { font-size: 3.8vh; font-weight: 700; line-height: 1.25; }
.bf-line2 { font-size: 3vh; line-height: 1.3; }
.bf-text { font-size: 2.6vh; line-height: 1.38; }
.bf-note { font-size: 2vh; line-height: 1.35; color: #222222; margin-top: 1vh; }
.bf-more { font-size: 3vh; font-weight: 600; }
.bf-table { border-collapse: collapse; width: 100%; font-size: 2.8vh; line-height: 1.25; }
.bf-table th { text-align: left; font-weight: 700; border-bottom: 3px solid #111111;
  padding: 1vh 1vw 1vh 0; vertical-align: bottom; }
.bf-table td { border-bottom: 1px solid #555555; padding: 1.4vh 1vw 1.4vh 0; }
.bf-table td:not(:first-child), .bf-table th:not(:first-child) { text-align: right; }
.bf-table td:first-child { font-weight: 600; }
.bf-counter { font-size: 3.2vh; font-weight: 700; text-align: center; color: #111111; }
.bf-demo { display: inline-block; background: #111111; color: #ffffff; font-weight: 700;
  font-size: 2vh; padding: 0.5vh 0.8vw; border-radius: 0.4vh; }
.st-key-briefing_footer { position: fixed; left: 0; right: 0; bottom: 0; z-index: 50;
  background: #ffffff; padding: 1vh 2.5vw 1.2vh 2.5vw; border-top: 2px solid #111111; }
.st-key-briefing_footer button p, .st-key-briefing_footer a p { font-size: 2.3vh; }
.st-key-briefing_footer button, .st-key-briefing_footer a { min-height: 5vh; }
.bf-figure { max-width: 100%; font-size: min(15vh, 17vw); }
@media (max-width: 640px) {  /* a phone: the footer is three short rows, not seven tall ones */
  .st-key-briefing_footer { padding: 6px 8px; }
  .st-key-briefing_footer [data-testid="stHorizontalBlock"] { flex-flow: row wrap; gap: 6px; }
  .st-key-briefing_footer [data-testid="stColumn"] { flex: 1 1 30% !important;
    min-width: 0 !important; width: auto !important; }
  .st-key-briefing_footer button, .st-key-briefing_footer a { min-height: 40px; }
  .st-key-briefing_footer button p, .st-key-briefing_footer a p { font-size: 15px; }
  .bf-counter { font-size: 18px; }
  .bf-demo { font-size: 13px; }
}
</style>"""


def html(body: str) -> None:
    """Slide text (no scripts; DOMPurify keeps the classes)."""
    st.html(f'<div class="bf">{body}</div>')


def viewport() -> tuple[int, int]:
    return st.session_state.get(VIEWPORT, DEFAULT_VIEWPORT)


def go(action: str) -> None:
    """Move through the deck (button, key or clicker); the address follows."""
    total = st.session_state.get(TOTAL, 1)
    index = slides.slide_index(st.query_params.get("slide"), total)
    st.query_params["slide"] = str(slides.move(index, total, action) + 1)


def on_key() -> None:
    """The keyboard component reported a key or a new viewport size."""
    value = st.session_state.get(KEYS) or {}
    if value.get("width") and value.get("height"):
        st.session_state[VIEWPORT] = (int(value["width"]), int(value["height"]))
    if value.get("move") == "exit":
        st.session_state[EXIT] = True
    elif value.get("move"):
        go(value["move"])


def indicator_slide(
    slide: slides.Slide, table, code: str | None, period: str, lang: str
) -> list[Chart]:
    """Map, headline figure, gauge and summary; returns the slide's charts."""
    defs, regions = cached.indicator_defs(), cached.region_table()
    indicator = defs[slide.indicator]
    tiled = st.query_params.get(TILES[0]) == TILES[1]  # every city one equal cell
    shown = briefing_scope.slide_map(code, tiled)  # a regency: its kecamatan when built
    topology, province = shown.topology, slides.province_of(code)
    aspect = (projector.tile_aspect(cached.tile_layout(), province) if tiled
              else projector.map_aspect(topology["bbox"]))
    sizes = projector.layout(*viewport(), aspect)
    values = slides.map_values(table, regions, slide.indicator, period, code, shown.kecamatan)
    labels = slides.map_labels(indicator, lang, shown.kecamatan is not None)
    html(markup.head(slide))
    left, right = st.columns([sizes.split, 1 - sizes.split], gap="large")
    if tiled:
        spec = projector.slide_tiles(slide, cached.tile_layout(), values, labels, lang,
                                     cached.geometry_url("tilegrid.csv"), sizes, province)
    else:
        spec = projector.for_slide(
            projector.slide_map(slide, values, labels, lang, shown.url, sizes.map_height, True),
            sizes.font,
            sizes.map_width,
        )
    left.vega_lite_chart(spec=spec, width="content", theme=None, alt=slide.text)
    top = (
        right.container()
        if sizes.wide
        else right.columns([0.62, 0.38], vertical_alignment="center")
    )
    top = [top, top] if sizes.wide else top
    with top[0]:
        html(markup.figure(slide))
    texts = slides.slide_gauge_texts(slide.facts, indicator, lang)
    top[1].vega_lite_chart(
        spec=projector.slide_gauge(slide, texts, sizes.gauge_width, sizes.gauge_height,
                                   sizes.font),
        width="content",
        theme=None,
        alt=" ".join(slide.lines),
    )
    with left if sizes.wide else right:  # a wide map leaves room for the text under it
        html(f'<div class="bf-text">{escape(slide.text)}</div>')
    if slide.note:
        right.html(f'<div class="bf bf-note">{escape(slide.note)}</div>')
    return projector.indicator_charts(slide, indicator, values, labels, topology, lang)


def below_slide(slide: slides.Slide, lang: str) -> list[Chart]:
    """The regions below target, most people missing first."""
    html(markup.head(slide))
    if not slide.rows:
        html(markup.figure(slide))
        return []
    trends = any(len(r.history) > 1 for r in slide.rows)  # a sparkline per region, beside its bar
    left, right = st.columns([0.35, 0.65] if trends else [0.4, 0.6], gap="large")
    with left:
        html(markup.figure(slide, narrow=True))
    height, font = projector.bars_size(len(slide.rows), projector.layout(*viewport(), 1.0))
    bars, lines = right.columns([0.86, 0.14], gap="small") if trends else (right, None)
    bars.vega_lite_chart(
        spec=projector.gap_chart(slide.rows, lang, 1000, height, font).to_dict(),
        width="stretch",
        theme=None,
        alt=" ".join(slide.lines),
    )
    if lines is not None:
        change_view.sparkline_cell(lines, slide.rows, height, lang)
    if slide.more:
        right.html(f'<div class="bf bf-more">{escape(slide.more)}</div>')
    return projector.below_charts(slide, lang)


def scenario_slide(slide: slides.Slide, lang: str) -> list[Chart]:
    """A saved what-if scenario: the headline count, then every indicator's figures."""
    html(markup.head(slide))
    left, right = st.columns([0.4, 0.6], gap="large")
    with left:
        html(markup.figure(slide, narrow=True))
    right.html(markup.scenario_table(slide))
    return []


def downloads(
    items: list[Chart], slide: slides.Slide, code: str | None, period: str, index: int, lang: str
) -> None:
    """PNG and SVG of every chart on the slide, rendered when asked for."""
    st.caption(t("briefing.downloads_help", lang))
    if not items:
        st.caption(t("briefing.no_charts", lang))
    for chart, label, build in items:
        cells = st.columns(2)
        for cell, fmt in zip(cells, ("png", "svg"), strict=True):
            cell.download_button(
                f"{label} ({fmt.upper()})",
                data=lambda build=build, fmt=fmt: cached.chart_file(json.dumps(build()), fmt),
                file_name=slides.file_name(slide, chart, period, code, fmt),
                mime="image/png" if fmt == "png" else "image/svg+xml",
                on_click="ignore",
                key=f"briefing_dl_{index}_{chart}_{fmt}",
                icon=":material/download:",
                width="stretch",
            )


def footer(
    index: int, total: int, slide: slides.Slide, items: list[Chart], scope: dict, lang: str
) -> None:
    """Previous / counter / next, the demo mark, downloads, settings and the way out."""
    with st.container(key="briefing_footer"):
        cells = st.columns([1.2, 0.7, 1.2, 2.1, 1.8, 1.4, 1.2], vertical_alignment="center")
        cells[0].button(
            t("briefing.prev", lang),
            key="briefing_prev",
            on_click=go,
            args=("prev",),
            disabled=index == 0,
            icon=":material/arrow_back:",
            width="stretch",
        )
        cells[1].html(
            '<div class="bf-counter">'
            + t("briefing.counter", lang, number=index + 1, total=total)
            + "</div>"
        )
        cells[2].button(
            t("briefing.next", lang),
            key="briefing_next",
            on_click=go,
            args=("next",),
            disabled=index >= total - 1,
            icon=":material/arrow_forward:",
            width="stretch",
        )
        if slide.is_demo:
            cells[3].html(f'<span class="bf-demo">{escape(t("briefing.demo", lang))}</span>')
        with cells[3]:
            store_watch.offer(lang)  # data accepted meanwhile: offered, never swapped in
        with cells[4].popover(
            t("briefing.downloads", lang), icon=":material/download:", width="stretch"
        ):
            downloads(items, slide, scope["code"], scope["period"], index, lang)
            deck_download.panel(scope["deck"], scope, lang)  # the whole deck as one file
        with cells[5].popover(
            t("briefing.settings", lang), icon=":material/tune:", width="stretch"
        ):
            briefing_scope.settings(scope, lang)
        cells[6].page_link(
            "pages/map.py", label=t("briefing.exit", lang), icon=":material/close:", width="stretch"
        )


def main() -> None:
    lang = st.session_state.get("lang", "id")
    st.html(CSS)
    if st.session_state.pop(EXIT, False):
        st.switch_page("pages/map.py")
    table = cached.current_coverage()
    if table is None or table.empty:
        st.info(t("briefing.no_data", lang))
        st.page_link("pages/map.py", label=t("briefing.exit", lang), icon=":material/close:")
        return
    regions = cached.region_table()
    provinces = region_ref.province_codes(regions)
    periods = sorted(table["period"].unique(), reverse=True)
    code = briefing_scope.read_scope(table, regions)  # one province's data opens on it
    period = slides.pick_period(st.query_params.get("period"), periods)
    deck = briefing_scope.deck(table, period, code, lang)
    found = saved_scenarios.list_saved(access.store(), public_only=access.is_public())[0]
    saved = {r["slug"]: r for r in found}  # public mode: published scenarios only
    chosen = st.query_params.get("scenario")
    record = saved.get(chosen or "", {})
    per_kecamatan = (record.get("scenario") or {}).get("kecamatan_of")
    if per_kecamatan:  # its model runs over one regency's kecamatan: the what-if page shows it
        st.info(t("kec_brief_scenario_elsewhere", lang,
                  regency=cached.region_names().get(str(per_kecamatan), str(per_kecamatan))))
    baseline = cached.scenario_baseline() if chosen in saved and not per_kecamatan else None
    if baseline is not None:
        deck.append(
            slides.scenario_slide(
                saved[chosen],
                baseline[1],
                baseline[0],
                cached.target_table(),
                regions,
                cached.indicator_defs(),
                code,
                lang,
                deck[0].is_demo,
            )
        )
    else:
        if chosen and not per_kecamatan:  # the same words whether it never existed or is not public
            st.info(t("briefing.scenario_missing", lang))
        chosen = None
        st.query_params.pop("scenario", None)
    total = len(deck)
    st.session_state[TOTAL] = total
    index = slides.slide_index(st.query_params.get("slide"), total)
    st.query_params.update(slide=str(index + 1), scope=code or slides.NATIONAL, period=period)
    width, height = viewport()
    cached.keys_component()(width=width, height=height, key=KEYS, on_change=on_key, default=None)
    slide = deck[index]
    if slide.kind == "indicator":
        items = indicator_slide(slide, table, code, period, lang)
    elif slide.kind == "below":
        items = below_slide(slide, lang)
    else:
        items = scenario_slide(slide, lang)
    footer(
        index,
        total,
        slide,
        items,
        {
            "code": code,
            "period": period,
            "provinces": provinces,
            "periods": periods,
            "scenarios": saved,
            "scenario": chosen,
            "deck": deck,
        },
        lang,
    )


main()
