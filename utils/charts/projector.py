"""Charts on a projector: slide sizes for a viewport, the gap chart, PNG/SVG files.

The page's text is sized in viewport units; charts need pixels, so
:func:`layout` derives them from the same viewport. :func:`slide_map` and
:func:`slide_gauge` build a slide's charts; :func:`indicator_charts` and
:func:`below_charts` list them for download, and :func:`export_spec` and
:func:`render` turn a chart into a file for the office's own slide deck
(``vl-convert``, no browser).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, cast

import altair as alt
import pandas as pd

from utils.charts import choropleth, gauges, tiles
from utils.charts.choropleth import BELOW
from utils.formatting import format_number, format_percent, format_percent_against
from utils.i18n import t
from utils.metrics.attainment import SCOPE_NATIONAL, Facts
from utils.metrics.indicators import Indicator
from utils.report.deck import Row, Slide, export_title, shared_target

GAP = 64
"""Pixels between the slide's two columns (Streamlit's "large" gap, 4 rem)."""
INK = "#111111"
"""Text colour on the white slide (contrast 18.9 : 1)."""
FONT = '"Source Sans", "Source Sans Pro", sans-serif'
"""Chart font: the app's own, any sans-serif where it is missing (files)."""
BAR = BELOW[0]
"""Bar colour of the gap chart (#b35806, contrast 4.9 : 1 on white)."""

Chart = tuple[str, str, Callable[[], dict]]
"""A downloadable chart: name in the file name, label, builder of the spec to render."""


@dataclass(frozen=True)
class Layout:
    """Pixel sizes of a slide's charts for one viewport.

    ``wide`` puts the summary under the map (a wide map such as Indonesia),
    otherwise beside it; ``split`` is the map column's share of the width.
    ``map_width`` × ``map_height`` is the map itself, its legend comes on
    top. ``font`` is the chart text size (legend, axis).
    """

    wide: bool
    split: float
    map_width: int
    map_height: int
    gauge_width: int
    gauge_height: int
    bars_height: int
    font: int


def gap_chart(
    rows: tuple[Row, ...], lang: str, width: int, height: int, font: int
) -> alt.LayerChart:
    """Horizontal bars of the people missing per region (largest first).

    Each bar is labelled with the people missing and the coverage against
    the target, in ``font`` pixels; regions whose gap is unknown get no bar
    but keep their label.
    """
    key = "briefing.bar_label" if shared_target(rows) is not None else "briefing.bar_target"
    data = pd.DataFrame(
        [
            {
                "name": r.name,
                "gap": r.gap,
                "label": t(
                    key,
                    lang,
                    gap=format_number(r.gap, lang),
                    percent=format_percent_against(r.percent, r.target, lang, meets=False),
                    target=format_percent(r.target, lang),
                ),
            }
            for r in rows
        ]
    )
    order = list(data["name"])
    top = max([r.gap for r in rows if r.gap is not None], default=1) or 1
    y = alt.Y(
        "name:N",
        sort=order,
        title=None,
        axis=alt.Axis(
            labelFontSize=font,
            labelLimit=width * 0.4,
            labelColor=INK,
            domain=False,
            ticks=False,
            labelPadding=font * 0.5,
        ),
    )
    x = alt.X("gap:Q", title=None, axis=None, scale=alt.Scale(domain=[0, top * 1.9]))
    bars = alt.Chart(data).mark_bar(color=BAR, height=alt.RelativeBandSize(0.7)).encode(y=y, x=x)
    text = (
        alt.Chart(data)
        .mark_text(align="left", dx=font * 0.4, fontSize=font * 0.9, color=INK)
        .encode(
            y=y, x=alt.X("gap:Q", scale=alt.Scale(domain=[0, top * 1.9]), axis=None), text="label:N"
        )
    )
    return (
        alt.layer(bars, text)
        .properties(width=width, height=height)
        .configure(font=FONT, view=alt.ViewConfig(stroke=None))
    )


def for_slide(spec: dict, font: int, width: int, columns: int = 4) -> dict:
    """Copy of a map spec for a slide: legends in ``font`` pixels over
    ``columns`` columns (a projector needs larger type than a desk screen),
    and a plot of exactly ``width`` pixels with the legend added around it,
    so the projection is fitted to the space it is drawn in and never cropped.
    """

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items()}
            legend = out.get("legend")
            if isinstance(legend, dict):
                out["legend"] = {
                    **legend,
                    "labelFontSize": font,
                    "titleFontSize": font,
                    "symbolSize": font * font * 0.9,
                    "columns": columns,
                    "columnPadding": font,
                    "rowPadding": font * 0.4,
                    "titleOrient": "top",
                    "labelLimit": font * 16,
                    "labelColor": INK,
                    "titleColor": INK,
                }
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out = walk(spec)
    out["width"] = width
    out["autosize"] = {"type": "pad", "contains": "padding"}  # a host adds "fit" when unset
    config = dict(out.get("config", {}))
    config.pop("autosize", None)
    out["config"] = config
    return out


# --- a slide's charts -----------------------------------------------------------------------


def _facts(slide: Slide) -> Facts:
    if slide.facts is None:
        raise ValueError(f"a {slide.kind} slide without facts has no map or gauge")
    return slide.facts


def slide_target(slide: Slide) -> float | None:
    """The target in force on an indicator slide, in percent (``None``: none)."""
    target = _facts(slide).target
    return target.percent if target else None


def slide_map(
    slide: Slide,
    values: pd.DataFrame,
    labels: dict[str, str],
    lang: str,
    url: str,
    height: int,
    named: bool,
) -> dict:
    """An indicator slide's choropleth as a Vega-Lite spec.

    Parameters
    ----------
    slide : Slide
        An indicator slide (its facts give the target and the scope; the
        national map draws province borders).
    values, labels
        :func:`utils.report.deck.map_values` and :func:`utils.report.deck.map_labels`.
    lang : str
        ``"id"`` or ``"en"``.
    url : str
        Address of the map file (``"geometry"`` when it is inlined for a file).
    height : int
        Map height in pixels.
    named : bool
        Whether the spec names its data (the browser reuses a named map file).
    """
    made = choropleth.choropleth(
        url,
        values,
        slide_target(slide),
        labels,
        lang,
        height=height,
        province_borders=_facts(slide).scope_level == SCOPE_NATIONAL,
        named=named,
    )
    return made if isinstance(made, dict) else made.to_dict()


def slide_gauge(slide: Slide, texts: dict[str, str], width: int, height: int,
                font: int | None = None) -> dict:
    """An indicator slide's gauge (coverage against target) as a Vega-Lite spec;
    with ``font``, no text on it is smaller than ``font`` pixels (:func:`at_least`)."""
    spec = gauges.gauge(
        _facts(slide).percent, slide_target(slide), slide.state, texts, width=width, height=height
    ).to_dict()
    return at_least(spec, font) if font else spec


def at_least(spec: dict, font: int) -> dict:
    """Copy of ``spec`` in which no text is smaller than ``font`` pixels.

    Raises every ``fontSize`` / ``labelFontSize`` / ``titleFontSize`` below
    ``font``, and the ``size`` of inline rows that carry a ``text`` (a chart
    that sizes its words from its data, as the gauge does). A projector needs
    20 px at 1080 lines to be read from the back of the room.
    """

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v) for k, v in node.items()}
        for key in ("fontSize", "labelFontSize", "titleFontSize"):
            if isinstance(out.get(key), int | float) and out[key] < font:
                out[key] = font
        if "text" in out and isinstance(out.get("size"), int | float) and out["size"] < font:
            out["size"] = font
        return out

    return cast(dict, walk(spec))


def slide_tiles(slide: Slide, layout: pd.DataFrame, values: pd.DataFrame,
                labels: dict[str, str], lang: str, url: str | None, sizes: Layout,
                province: str | None = None) -> dict:
    """An indicator slide's tile grid (one equal cell per regency) as a Vega-Lite spec.

    Every city gets the cell a large regency gets; a label shows only where
    it can be ``sizes.font`` pixels or more (the national grid on a slide is
    colours only, a province's grid is labelled), legends in ``sizes.font``.
    ``province`` is the scope's code (``None``: all Indonesia); ``url`` ``None``
    puts the layout inline (a file has no address to fetch it from).
    """
    chart = tiles.tile_chart(
        layout, values, slide_target(slide), labels, lang, layout_url=url, province=province,
        max_height=sizes.map_height, letters=(sizes.font, sizes.font * 1.5),
        max_cell=sizes.font * 5,
    )
    spec = for_slide(at_least(chart.to_dict(), sizes.font), sizes.font, sizes.map_width)
    spec["config"]["font"] = FONT
    return spec


def indicator_charts(
    slide: Slide,
    indicator: Indicator,
    values: pd.DataFrame,
    labels: dict[str, str],
    topology: dict,
    lang: str,
) -> list[Chart]:
    """An indicator slide's charts as files: the map (1600 pixels wide, or 900
    high for a tall province) and the gauge, each titled with the slide.

    Returns
    -------
    list of Chart
        ``peta`` and ``pengukur``; a spec is built only when its file is asked for.
    """
    aspect = map_aspect(topology["bbox"])
    width = 1600 if aspect >= 1.6 else int(900 * aspect)
    height = int(width / aspect)
    title = export_title(slide, lang)
    texts = gauges.gauge_texts(_facts(slide), indicator, lang)
    return [
        (
            "peta",
            t("briefing.chart_map", lang),
            lambda: export_spec(
                slide_map(slide, values, labels, lang, "geometry", height, False),
                width,
                height,
                title,
                topology,
            ),
        ),
        (
            "pengukur",
            t("briefing.chart_gauge", lang),
            lambda: export_spec(slide_gauge(slide, texts, 340, 236), 340, 236, title),
        ),
    ]


def below_charts(slide: Slide, lang: str) -> list[Chart]:
    """A below-target slide's gap chart as a file (48 pixels a bar); none
    when no region is below target."""
    if not slide.rows:
        return []
    title = export_title(slide, lang)
    height = len(slide.rows) * 48
    return [
        (
            "kekurangan",
            t("briefing.chart_bars", lang),
            lambda: export_spec(
                gap_chart(slide.rows, lang, 1200, height, 22).to_dict(), 1200, None, title
            ),
        )
    ]


# --- layout ---------------------------------------------------------------------------------


def tile_aspect(layout: pd.DataFrame, province: str | None = None) -> float:
    """Width ÷ height of the tile grid of all Indonesia or of one province.

    Examples
    --------
    >>> grid = pd.DataFrame({"code": ["64.01", "64.02"], "col": [0, 3], "row": [0, 1],
    ...                      "pcol": [0, 1], "prow": [0, 0]})
    >>> tile_aspect(grid), tile_aspect(grid, "64")
    (2.0, 2.0)
    """
    if province is None:
        return float((layout["col"].max() + 1) / (layout["row"].max() + 1))
    own = layout[layout["code"].str[:2] == province]
    return float((own["pcol"].max() + 1) / (own["prow"].max() + 1))


def map_aspect(bbox: list[float] | tuple[float, ...]) -> float:
    """Width ÷ height of a ``[west, south, east, north]`` box in Mercator.

    Examples
    --------
    >>> round(map_aspect([95.0, -11.0, 141.0, 5.9]), 2)
    2.71
    """
    west, south, east, north = bbox

    def y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    height = y(north) - y(south)
    return math.radians(east - west) / height if height > 0 else 1.0


def layout(width: int, height: int, aspect: float) -> Layout:
    """Chart sizes for a ``width`` × ``height`` viewport and a map of ``aspect``.

    The page's text is sized in viewport units (``vh``); charts need pixels,
    so they are derived here from the same viewport, for the page's margins
    (2.5 % of the width each side) and column gap (:data:`GAP` pixels). A
    map at least 1.8 times as wide as high leaves room for the summary under it.
    """
    vh = height / 100
    wide = aspect >= 1.8
    split = 0.6 if wide else 0.45
    column = (width * 0.95 - GAP) * split - 8
    other = (width * 0.95 - GAP) * (1 - split) - 8
    room = 74 * vh - 12 * vh - (24 * vh if wide else 0)  # legend above, summary below
    map_height = max(min(room, column / aspect), 20 * vh)
    # Wide: the gauge has the text column to itself; tall: it sits beside the figure.
    # Its height keeps the arc as wide as the chart (utils.charts.gauges keeps 66 px below it).
    gauge_width = int(min(other, 54 * vh) if wide else min(other * 0.38, 44 * vh))
    return Layout(
        wide=wide,
        split=split,
        map_width=int(min(column, map_height * aspect)),
        map_height=int(map_height),
        gauge_width=gauge_width,
        gauge_height=int(gauge_width / 2 + 90),
        bars_height=int(62 * vh),
        font=max(int(2.2 * vh), 13),
    )


def bars_size(rows: int, sizes: Layout) -> tuple[int, int]:
    """Height and text size of a slide's gap chart of ``rows`` bars, in pixels.

    The text is a fifth larger than the slide's chart text; each bar takes
    2.4 lines, and the chart never grows past :attr:`Layout.bars_height`.
    """
    font = int(sizes.font * 1.2)
    return min(sizes.bars_height, int(rows * font * 2.4)), font


# --- downloads ------------------------------------------------------------------------------


def inline_geometry(spec: dict, topology: dict) -> dict:
    """Copy of ``spec`` with every URL data source replaced by ``topology``
    inline, so a renderer without access to the app's address can draw it."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items()}
            if "url" in out and "format" in out:
                out.pop("url")
                out["values"] = topology
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(spec)


def export_spec(
    spec: dict, width: int, height: int | None = None, title: str = "", topology: dict | None = None
) -> dict:
    """A chart spec ready to render to a file: fixed size, titled, data inline.

    ``"container"`` sizes need a web page; a file needs pixels. The
    projection is fitted to ``width`` × ``height`` and the legend and title
    are added around it (a "fit" autosize would crop the map's edge).
    """
    out = inline_geometry(spec, topology) if topology is not None else dict(spec)
    out["width"] = width
    if height is not None:
        out["height"] = height
    config = dict(out.get("config", {}))
    config.pop("autosize", None)
    config["background"] = "#ffffff"
    out["config"] = config
    out.pop("autosize", None)
    if title:
        out["title"] = {
            "text": title,
            "fontSize": 22,
            "anchor": "start",
            "color": INK,
            "offset": 14,
        }
    return out


class Converter(Protocol):
    """What :func:`render` needs of ``vl_convert`` (a stand-in in tests)."""

    def vegalite_to_png(self, vl_spec: Any, scale: float = ...) -> bytes: ...

    def vegalite_to_svg(self, vl_spec: Any) -> str: ...


def render(spec: dict, fmt: str, converter: Converter | None = None) -> bytes:
    """Render a Vega-Lite spec to ``png`` (twice the pixels, for a sharp slide) or ``svg``.

    Uses ``vl-convert`` (no browser); ``converter`` replaces it in tests.
    """
    if converter is None:
        import vl_convert  # imported on first download only (it is large)

        converter = cast(Converter, vl_convert)
    if fmt == "png":
        return converter.vegalite_to_png(spec, scale=2)
    if fmt == "svg":
        return converter.vegalite_to_svg(spec).encode("utf-8")
    raise ValueError(f"unknown image format: {fmt}")
