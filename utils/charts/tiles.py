"""Tile chart: one equal square per regency, in the colours of the choropleth.

The layout comes from the boundary build (:mod:`utils.geo.tile_layout`,
written to ``tilegrid.csv``); this module only draws it with Altair.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pandas as pd

from utils.charts import choropleth as charts

DARK_INK = "#111111"
LIGHT_INK = "#ffffff"
SQUARE = 0.86  # share of a cell's side a kabupaten square fills (the rest is the gap)
LETTERS = (8.0, 17.0)
"""Smallest and largest letters (px) at a desk: a smaller label is left out (a phone and
a small national grid show colours only). A projector asks for larger ones."""
LETTER_SHARE = (0.4, 0.32)  # letter size ÷ cell for labels of 3 letters, and of 4 or more
LAYOUT_FIELDS = ["code", "name", "province_name", "kota", "abbr"]
VALUE_TEXTS = ["percent_text", "numerator_text", "denominator_text"]
GRID_NUMBERS = ("col", "row", "pcol", "prow", "border_right", "border_below")
MAX_CELL = 64  # px: a province of a few regencies does not blow up to the full width
NARROW_COLUMNS = "width < 640 ? 2 : 0"  # legend entries: two columns on a phone, else one row


def tile_values(
    values: pd.DataFrame,
    target: float | None,
    lang: str,
    extra: list[str] | None = None,
) -> pd.DataFrame:
    """The per-indicator table the chart sends: class and texts of regions with data.

    Parameters
    ----------
    values : pandas.DataFrame
        As for :func:`utils.charts.choropleth.choropleth`: ``code``, ``percent``,
        ``numerator``, ``denominator`` (and the ``extra`` columns).
    target : float or None
        Target in percent; the classes are those of :func:`charts.classify`.
    lang : str
        Language of the number texts.
    extra : list of str, optional
        Further (text) columns to carry for the tooltip.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``k`` (class index, ``<NA>`` without a percent) and the
        texts; regions without any number are left out (the chart shows them
        as "no data").
    """
    numbers = values[["percent", "numerator", "denominator"]]
    kept = values[numbers.notna().any(axis=1)]
    table = charts.map_values(kept, lang, target)  # percent: the rounding rule
    table["k"] = charts.classify(table["percent"], target).astype("Int8")
    return table[["code", "k", *VALUE_TEXTS, *(extra or [])]].reset_index(drop=True)


def _is_dark(colour: str) -> bool:
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.45


def _grid(layout: pd.DataFrame, province: str | None) -> tuple[pd.DataFrame, str, str]:
    """The rows drawn and the names of their column/row fields."""
    if province is None:
        return layout, "col", "row"
    return layout[layout["code"].str[:2] == province], "pcol", "prow"


def _source(layout: pd.DataFrame, layout_url: str | None, cols: list[str]) -> alt.Chart:
    if layout_url is None:
        return alt.Chart(layout[cols].reset_index(drop=True))
    parse = {c: "number" for c in cols if c in (*GRID_NUMBERS, "kota")}
    parse.update({c: "string" for c in cols if c in ("code", "abbr", "name", "province_name")})
    return alt.Chart(alt.UrlData(layout_url, format=alt.DataFormat(type="csv", parse=parse)))


def _tiles(base: alt.Chart, x: alt.X, y: alt.Y, colour: alt.Color, tooltip: list,
           labels: dict[str, str]) -> alt.Chart:
    kinds = [labels.get("kabupaten", "Kabupaten"), labels.get("kota", "Kota")]
    return (
        base.transform_calculate(kind=f"datum.kota ? {json.dumps(kinds[1])} : "
                                      f"{json.dumps(kinds[0])}")
        .mark_point(filled=True, opacity=1, strokeWidth=0,
                    size=alt.ExprRef(f"pow(cell * {SQUARE}, 2)"))
        .encode(
            x=x, y=y, color=colour, tooltip=tooltip,
            shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=["square", "circle"]),
                            legend=alt.Legend(title=None, orient="none", labelFontSize=15,
                                              legendX=alt.ExprRef("left"),
                                              legendY=alt.ExprRef("grid_height + 8"),
                                              direction="horizontal", symbolSize=220,
                                              symbolFillColor="#777777", symbolStrokeWidth=0,
                                              labelColor="#111111")),
        )
    )


def letter_size(letters: tuple[float, float]) -> str:
    """Vega expression of a label's size: as large as its cell lets it be, at most
    ``letters[1]`` px (a 3-letter label fills about the square, :data:`LETTER_SHARE`)."""
    share = f"(length(datum.abbr) > 3 ? {LETTER_SHARE[1]} : {LETTER_SHARE[0]})"
    return f"min({letters[1]}, cell * {share})"


def _letters(base: alt.Chart, x: alt.X, y: alt.Y, dark: list[str], tooltip: list,
             letters: tuple[float, float]) -> alt.Chart:
    size = letter_size(letters)
    return base.mark_text(
        fontSize=alt.ExprRef(size), fontWeight="bold",
        opacity=alt.ExprRef(f"{size} >= {letters[0]} ? 1 : 0"), baseline="middle",
    ).encode(
        x=x, y=y, text="abbr:N", tooltip=tooltip,
        color=alt.condition(alt.FieldOneOfPredicate(field="band", oneOf=dark),
                            alt.value(LIGHT_INK), alt.value(DARK_INK)),
    )


def _borders(base: alt.Chart, col: str, row: str, scales: dict) -> list[alt.Chart]:
    """Rules between neighbouring cells of different provinces."""
    rule: dict[str, Any] = {"stroke": "#222222", "strokeWidth": alt.ExprRef("max(1, cell / 14)")}
    right = base.transform_filter("datum.border_right").transform_calculate(
        bx=f"datum.{col} + 1", by=f"datum.{row}", by2=f"datum.{row} + 1"
    ).mark_rule(**rule).encode(x=alt.X("bx:Q", scale=scales["x"], axis=None), y=alt.Y(
        "by:Q", scale=scales["y"], axis=None), y2="by2:Q")
    below = base.transform_filter("datum.border_below").transform_calculate(
        bx=f"datum.{col}", bx2=f"datum.{col} + 1", by=f"datum.{row} + 1"
    ).mark_rule(**rule).encode(x=alt.X("bx:Q", scale=scales["x"], axis=None), x2="bx2:Q",
                               y=alt.Y("by:Q", scale=scales["y"], axis=None))
    return [right, below]


def _size_params(ncols: int, nrows: int, max_height: int | None,
                 max_cell: int = MAX_CELL) -> list[alt.Parameter]:
    """``cell`` (px per cell, square), ``left`` (offset that centres the grid), its height."""
    cell = f"min({max_cell}, width / {ncols})"
    if max_height:
        cell = f"min({cell}, {max_height} / {nrows})"
    return [alt.param(name="cell", expr=cell),
            alt.param(name="left", expr=f"(width - cell * {ncols}) / 2"),
            alt.param(name="grid_height", expr=f"cell * {nrows}")]


def tile_chart(
    layout: pd.DataFrame,
    values: pd.DataFrame,
    target: float | None,
    labels: dict[str, str],
    lang: str = "id",
    *,
    layout_url: str | None = None,
    province: str | None = None,
    extra_tooltip: dict[str, str] | None = None,
    max_height: int | None = None,
    legend: bool = True,
    letters: tuple[float, float] = LETTERS,
    max_cell: int = MAX_CELL,
) -> alt.LayerChart:
    """Tile grid of coverage: one equal cell per regency, coloured as the choropleth.

    Parameters
    ----------
    layout : pandas.DataFrame
        :func:`tile_table` (e.g. read from ``tilegrid.csv``).
    values : pandas.DataFrame
        As for :func:`utils.charts.choropleth.choropleth`: ``code``, ``percent``,
        ``numerator``, ``denominator``; regions missing here are grey and
        named ``labels["no_data"]`` in the legend, never zero.
    target : float or None
        Target in percent; classes and colours are those of the choropleth.
    labels : dict
        Texts: ``legend``, ``no_data``, ``region``, ``province``,
        ``percent``, ``numerator``, ``denominator``; optionally
        ``kabupaten`` and ``kota`` (shape legend: squares and circles).
    lang : str
        Language of number formats.
    layout_url : str, optional
        Address of the same table as a CSV the browser fetches and caches;
        then only the per-indicator values travel with the chart.
    province : str, optional
        Province code: draw only its regencies on its own small grid.
    extra_tooltip : dict, optional
        Column of ``values`` → tooltip title, shown after the standard fields.
    max_height : int, optional
        Largest height of the grid in pixels (e.g. to fit a projector
        screen under the page's controls); the grid is then centred.
    legend : bool
        Draw the colour legend (a page may show :func:`charts.legend_html`
        instead, which never truncates the target's name).
    letters : tuple of float
        Smallest and largest label size in pixels; a cell too small for the
        smallest shows its colour only (a projector asks for 20 px or more).
    max_cell : int
        Largest cell in pixels (a few regencies do not blow up to the width).

    Returns
    -------
    altair.LayerChart
        Width follows the container and cells stay square (the height is
        derived from the width); letters show only where they can be at
        least ``letters[0]`` pixels.
    """
    extra = extra_tooltip or {}
    grid, col, row = _grid(layout, province)
    ncols, nrows = int(grid[col].max()) + 1, int(grid[row].max()) + 1
    names, colours = charts.band_names(target, labels["no_data"], lang)
    table = tile_values(values, target, lang, list(extra))
    scales = {
        "x": alt.Scale(domain=[0, ncols], nice=False, zero=False,
                       range=[alt.ExprRef("left"), alt.ExprRef(f"left + cell * {ncols}")]),
        "y": alt.Scale(domain=[0, nrows], nice=False, zero=False,
                       range=[0, alt.ExprRef("grid_height")]),
    }
    x = alt.X("cx:Q", scale=scales["x"], axis=None)
    y = alt.Y("cy:Q", scale=scales["y"], axis=None)
    colour = alt.Color(
        "band:N",
        scale=alt.Scale(domain=names, range=colours),
        legend=alt.Legend(title=labels["legend"], orient="top", direction="horizontal",
                          columns=alt.ExprRef(NARROW_COLUMNS),
                          labelFontSize=15, titleFontSize=15, symbolSize=260, labelLimit=300,
                          titleOrient="left", symbolType="square", labelColor="#111111",
                          titleColor="#111111")
        if legend else None,
    )
    tooltip = [
        alt.Tooltip("name:N", title=labels["region"]),
        alt.Tooltip("province_name:N", title=labels["province"]),
        alt.Tooltip("percent_text:N", title=labels["percent"]),
        alt.Tooltip("numerator_text:N", title=labels["numerator"]),
        alt.Tooltip("denominator_text:N", title=labels["denominator"]),
        *(alt.Tooltip(f"{field}:N", title=title) for field, title in extra.items()),
    ]
    fields = ["k", *VALUE_TEXTS, *extra]
    cols = [*LAYOUT_FIELDS, col, row] + (["border_right", "border_below"] if province is None
                                         else [])
    base = _source(grid, layout_url, cols)
    if province is not None and layout_url is not None:
        base = base.transform_filter(f"slice(datum.code, 0, 2) === {json.dumps(province)}")
    base = base.transform_calculate(cx=f"datum.{col} + 0.5", cy=f"datum.{row} + 0.5")
    valued = base.transform_lookup(
        lookup="code", from_=alt.LookupData(table, "code", fields)
    ).transform_calculate(
        band=f"isValid(datum.k) ? {json.dumps(names[:-1])}[datum.k] : "
             f"{json.dumps(labels['no_data'])}"
    )
    dark = [n for n, c in zip(names, colours, strict=True) if _is_dark(c)]
    layers = [_tiles(valued, x, y, colour, tooltip, labels)]
    if province is None:
        layers += _borders(base, col, row, scales)
    layers.append(_letters(valued, x, y, dark, tooltip, letters))
    return (
        alt.layer(*layers)
        .add_params(*_size_params(ncols, nrows, max_height, max_cell))
        .properties(width="container", height=1,
                    padding={"left": 0, "top": 0, "right": 0, "bottom": 40},
                    autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
        .configure_view(stroke=None)
    )
