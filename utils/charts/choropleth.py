"""Altair chart builders. They return charts; drawing is the pages' job."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from html import escape

import altair as alt
import numpy as np
import pandas as pd

from utils.formatting import d3_locale, format_number, format_percent, format_percent_against
from utils.geo.cache_record import MAP_OBJECT

NO_DATA_COLOUR = "#bdbdbd"
# Colour-blind-safe (ColorBrewer PuOr-like, orange below → purple at or above
# target); the top class ("above 100 %") is the darkest, so it reads on a
# washed-out projector too.
BELOW = ["#b35806", "#e08214", "#fdb863", "#fee0b6"]
AT_OR_ABOVE = ["#b2abd2", "#5e3c99"]
BORDER = "#ffffff"


def class_breaks(target: float | None) -> list[float]:
    """Lower limits (percent) of the classes below the target and the target itself.

    Examples
    --------
    >>> class_breaks(99.3)
    [89.3, 94.3, 97.3, 99.3]
    >>> class_breaks(None)
    [60.0, 75.0, 85.0, 95.0]
    """
    if target is None:
        return [60.0, 75.0, 85.0, 95.0]
    steps = [10.0, 5.0, 2.0] if target >= 90 else [30.0, 20.0, 10.0]
    return [round(target - s, 2) for s in steps] + [round(target, 2)]


def classify(percent: pd.Series, target: float | None) -> pd.Series:
    """Class index per value: 0 lowest … ``len(breaks)`` at or above the
    target (up to 100 %), ``len(breaks) + 1`` above 100 %; NA stays NA.

    The "above 100 %" class exists only while the target is below 100 %.
    """
    breaks = class_breaks(target)
    values = pd.to_numeric(percent).to_numpy(dtype="float64", na_value=np.nan)
    index = np.searchsorted(breaks, values, side="right")  # how many limits ≤ value
    if breaks[-1] < 100:
        index = index + (values > 100)
    return pd.Series(pd.array(index, dtype="Int64"), index=percent.index).where(
        ~np.isnan(values))


def class_labels(target: float | None, lang: str) -> list[str]:
    """Legend text for each class of :func:`classify`, lowest first."""
    breaks = class_breaks(target)
    decimals = 0 if all(float(b).is_integer() for b in breaks) else 2
    pct = [format_percent(b, lang, decimals) for b in breaks]
    labels = [f"< {pct[0]}"] + [f"{pct[i]} – {pct[i + 1]}" for i in range(len(pct) - 1)]
    if breaks[-1] < 100:
        labels.append(f"{pct[-1]} – 100 %")
        labels.append("> 100 %")
    else:
        labels.append(f"≥ {pct[-1]}")
    return labels


def percent_texts(values: pd.DataFrame, target: float | None, lang: str,
                  missing: str | None = None) -> list[str | None]:
    """Each region's percent as every view shows it beside its target.

    The one rounding rule (:func:`utils.formatting.format_percent_against`):
    Bali at 99,3995 % beside a 99,40 % target reads ``99,3995 %``, never
    ``99,40 %``. A row's own ``target`` and ``meets`` (when ``values`` has
    them) decide; else ``target``. A region without a percent gets ``missing``.

    Examples
    --------
    >>> rows = pd.DataFrame({"percent": [99.3995, 99.41, None]})
    >>> percent_texts(rows, 99.4, "id")
    ['99,3995 %', '99,41 %', None]
    """
    n = len(values)
    targets = values["target"] if "target" in values.columns else [target] * n
    meets = values["meets"] if "meets" in values.columns else [None] * n
    return [
        missing if pd.isna(p) else format_percent_against(
            float(p), None if pd.isna(g) else float(g), lang, None if pd.isna(m) else bool(m))
        for p, g, m in zip(values["percent"], targets, meets, strict=True)
    ]


def map_values(values: pd.DataFrame, lang: str, target: float | None = None) -> pd.DataFrame:
    """Add the preformatted text columns a table or a server-side tooltip shows.

    ``values`` has ``percent``, ``numerator`` and ``denominator`` (missing
    rows stay missing); the percent follows the rounding rule of
    :func:`percent_texts` against each row's ``target`` (else ``target``).
    """
    out = values.copy()
    out["percent_text"] = percent_texts(out, target, lang, format_percent(None, lang))
    out["numerator_text"] = [format_number(v, lang) for v in out["numerator"]]
    out["denominator_text"] = [format_number(v, lang) for v in out["denominator"]]
    return out


# Numeric fields a region's tooltip may show, with their d3 format; the browser
# formats them with the page language's locale (see :func:`locale_config`), so
# a change of indicator sends numbers, not text.
TOOLTIP_NUMBERS = {
    "percent": ",.2f", "numerator": ",d", "denominator": ",d", "target": ",.2f", "gap": ",d",
}
RANKS = ("rank_province", "rank_national")
PERCENT_TEXT = "percent_text"
"""Text field of a region's percent under the rounding rule (:func:`percent_texts`):
the tooltip and the screen-reader text show it, since no one d3 format can."""
MISSING_TEXT = "missing_text"
"""Optional text field of a region without a figure saying why (``sebagian kecamatan
(12 dari 20)``): its tooltip and screen-reader text show it instead of "no data"."""
NOTE = "note"
"""Text field saying how a region's figure was obtained or how complete it is
(``dihitung dari persentase (± 31 jiwa)``, ``sebagian: 2 dari 10 kabupaten/kota``);
shown in the tooltip when ``labels`` has a title for it."""
# Frames are sent under these names (see :func:`spec`).
REGIONS, STRIP, TARGET = "regions", "strip", "target"
KECAMATAN = "kecamatan"
"""``level`` of a map of one regency's kecamatan (its own map file, see :func:`level_test`)."""
REGION_CODE = "region_code"
"""Field a click selection may pick: the clicked region's own code (``64.02``), for
drilling from a province's regencies into one regency's kecamatan."""


# Colour slots of a map: the four classes below the target, "at or above the
# target (to 100 %)", "above 100 %" (or "at or above" when the target itself is
# 100 % or more) and no data. The slots never change, only their legend texts
# do, so a map's spec stays the same when the target changes: the browser then
# swaps the values in place and never fetches the geometry again.
PALETTE = [*BELOW, *AT_OR_ABOVE, NO_DATA_COLOUR]
NO_DATA_SLOT = len(PALETTE) - 1


def band_names(target: float | None, no_data: str, lang: str) -> tuple[list[str], list[str]]:
    """Legend entries and their colours, lowest class first, no data last."""
    return [*class_labels(target, lang), no_data], [PALETTE[s] for s in used_slots(target)]


def used_slots(target: float | None) -> list[int]:
    """The colour slots a target's classes use, lowest first, no data last.

    Examples
    --------
    >>> used_slots(99.3)
    [0, 1, 2, 3, 4, 5, 6]
    >>> used_slots(100.0)
    [0, 1, 2, 3, 5, 6]
    """
    top = [4, 5] if class_breaks(target)[-1] < 100 else [5]
    return [0, 1, 2, 3, *top, NO_DATA_SLOT]


def slots(percent: pd.Series, target: float | None) -> pd.Series:
    """Colour slot per value (see :data:`PALETTE`); no value → :data:`NO_DATA_SLOT`."""
    index = classify(percent, target).to_numpy(dtype="float64", na_value=np.nan)
    breaks = class_breaks(target)
    if breaks[-1] >= 100:  # one class at or above: the darkest slot
        index = np.where(index == len(breaks), index + 1, index)
    return pd.Series(np.nan_to_num(index, nan=NO_DATA_SLOT).astype("int8"), index=percent.index)


def lookup_frame(values: pd.DataFrame, target: float | None,
                 fields: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The compact per-region table a map or strip colours itself from.

    Text columns are categorical (Arrow sends each distinct text once), numbers
    are 32-bit, ranks are numbers joined to "3 / 10" in the browser, classes
    are colour slots: this table is what travels when the indicator or period
    changes.

    Parameters
    ----------
    values : pandas.DataFrame
        ``code`` and ``percent``, and any of ``province_name``,
        ``province_code``, ``name``, the :data:`TOOLTIP_NUMBERS` and the
        :data:`RANKS` (with ``of_province`` / ``of_national``), :data:`NOTE`
        and :data:`PERCENT_TEXT`.
    target : float or None
        Target in percent, for the ``slot`` column (:func:`slots`).
    fields : tuple of str, optional
        Only these optional columns (default: every one present).
    """
    out: dict[str, np.ndarray | pd.Series] = {
        "code": numeric_codes(values["code"]).to_numpy(),
        "slot": slots(values["percent"], target).to_numpy()}
    for col in [c for c in values.columns if fields is None or c in fields]:
        column = values[col].reset_index(drop=True)
        if col in ("province_name", "province_code", "name", NOTE, PERCENT_TEXT):
            out[col] = column.astype("category")
        elif col in ("percent", "target"):
            out[col] = pd.to_numeric(column).astype("float32")
        elif col in TOOLTIP_NUMBERS:
            out[col] = pd.to_numeric(column).round().astype("Int32")
        elif col in RANKS:
            out[col] = pd.to_numeric(column).astype("Int16")
            out[col.replace("rank_", "of_")] = pd.to_numeric(
                values[col.replace("rank_", "of_")]).astype("int16").to_numpy()
    return pd.DataFrame(out)


def locale_config(lang: str) -> dict:
    """Vega-Lite ``config.locale`` so tooltips and axes format numbers as the page does."""
    return {"number": d3_locale(lang)}


def rank_calculations(chart: alt.Chart, labels: dict[str, str]) -> alt.Chart:
    """Add ``rank_…_text`` ("3 / 10") fields for the ranks ``labels`` names."""
    for col in RANKS:
        if col in labels:
            of = col.replace("rank_", "of_")
            chart = chart.transform_calculate(**{
                f"{col}_text": f"isValid(datum.{col}) ? datum.{col} + ' / ' + datum.{of} : ''"})
    return chart


def aria_text(labels: dict[str, str], name_field: str = "datum.properties.name") -> str:
    """Vega expression of a region's screen-reader text: "Kota Bontang: 102,44 %", or
    its name and ``labels["no_data"]``. Given as the ``description`` channel, it
    replaces the text Vega-Lite would make of every encoding ("slot: 5; …").
    The percent is the region's :data:`PERCENT_TEXT` (the rounding rule, or why
    a region sent without a figure has none: :data:`MISSING_TEXT`).

    Examples
    --------
    >>> print(aria_text({"no_data": "–"}, "d.n"))
    d.n + ': ' + (isValid(datum.percent_text) ? datum.percent_text : "–")
    """
    no_data = json.dumps(labels.get("no_data", "–"), ensure_ascii=False)
    return (f"{name_field} + ': ' + (isValid(datum.{PERCENT_TEXT}) ? "
            f"datum.{PERCENT_TEXT} : {no_data})")


def tooltips(labels: dict[str, str], name_field: str = "properties.name") -> list[alt.Tooltip]:
    """Tooltip of a region: name, province, then whichever numbers ``labels`` names."""
    tips = [alt.Tooltip(f"{name_field}:N", title=labels["region"])]
    if "province" in labels:
        tips.append(alt.Tooltip("province_name:N", title=labels["province"]))
    for col, fmt in TOOLTIP_NUMBERS.items():
        if col == "percent" and col in labels:  # decimals per region: no one d3 format
            tips.append(alt.Tooltip(f"{PERCENT_TEXT}:N", title=labels[col]))
        elif col in labels:
            tips.append(alt.Tooltip(f"{col}:Q", title=labels[col], format=fmt))
    tips += [alt.Tooltip(f"{c}_text:N", title=labels[c]) for c in RANKS if c in labels]
    if NOTE in labels:
        tips.append(alt.Tooltip(f"{NOTE}:N", title=labels[NOTE]))
    return tips


def colour(target: float | None, labels: dict[str, str], lang: str,
           legend: bool = True) -> alt.Color:
    """The slot colour encoding shared by the map, its legend and the strip.

    With ``legend`` the scale holds the target's slots and the legend names
    them ("< 89,30 %", …, ``labels["no_data"]``). Without it the scale holds
    every slot and nothing depends on the target.
    """
    if not legend:
        return alt.Color("slot:N", scale=alt.Scale(domain=list(range(len(PALETTE))),
                                                   range=PALETTE), legend=None)
    names, _ = band_names(target, labels["no_data"], lang)
    used = used_slots(target)
    text = json.dumps({str(s): name for s, name in zip(used, names, strict=True)})
    return alt.Color(
        "slot:N",
        scale=alt.Scale(domain=used, range=[PALETTE[s] for s in used]),
        legend=alt.Legend(title=labels["legend"], orient="top", direction="horizontal",
                          labelExpr=f"{text}[datum.value]", symbolType="square",
                          symbolOpacity=1,
                          labelFontSize=15, titleFontSize=16, symbolSize=260, labelLimit=300,
                          titleLimit=900, labelColor="#111111", titleColor="#111111",
                          columns=4),  # wraps on a phone
    )


LEGEND_CSS = """<style>
.cp-legend{display:flex;flex-wrap:wrap;align-items:center;gap:4px 18px;color:#111111;
  font-size:15px;line-height:1.4;margin:0 0 4px 0}
.cp-legend-title{flex-basis:100%;font-size:1.07em}
.cp-legend[data-size=large] .cp-legend-title{flex-basis:auto;font-size:1em;font-weight:600}
.cp-key{display:inline-flex;align-items:center;gap:0.47em;white-space:nowrap}
.cp-key i{display:inline-block;width:1.13em;height:1.13em;border:1px solid #777777}
</style>"""


def with_percent_text(values: pd.DataFrame, target: float | None, labels: dict[str, str],
                      lang: str) -> pd.DataFrame:
    """``values`` with :data:`PERCENT_TEXT` (:func:`percent_texts`; without a percent:
    the row's :data:`MISSING_TEXT` when it has one, else ``labels["no_data"]``), the
    text a region's tooltip shows."""
    texts = percent_texts(values, target, lang, labels.get("no_data", "–"))
    if MISSING_TEXT in values.columns:
        texts = [why if pd.isna(p) and isinstance(why, str) and why else text
                 for text, why, p in zip(texts, values[MISSING_TEXT], values["percent"],
                                         strict=True)]
    return values.assign(**{PERCENT_TEXT: pd.Series(texts, index=values.index, dtype=object)})


def legend_html(target: float | None, labels: dict[str, str], lang: str = "id",
                size: int = 15) -> str:
    """The map's legend as HTML: its title (naming the target), a swatch and text per class.

    Text rather than a chart: it wraps on a phone, a screen reader reads it,
    and the browser compiles no chart for it. The map beside it, built with
    ``legend=False``, then has one spec for every target (see :data:`PALETTE`).
    ``size`` is the text size in pixels (15 at a desk; a projector needs more).
    """
    names, colours = band_names(target, labels["no_data"], lang)
    keys = "".join(f'<span class="cp-key" role="listitem"><i style="background:{c}"></i>'
                   f"{escape(n)}</span>" for n, c in zip(names, colours, strict=True))
    title = escape(labels["legend"])
    # larger type: the title begins the line instead of taking one of its own
    style = "" if size == 15 else f' style="font-size:{size}px" data-size="large"'
    return (f'{LEGEND_CSS}<div class="cp-legend" role="list" aria-label="{title}"{style}>'
            f'<span class="cp-legend-title">{title}</span>{keys}</div>')


def spec(chart: alt.TopLevelMixin) -> dict:
    """Vega-Lite dict of a chart built on :class:`altair.NamedData`, unvalidated.

    Building and validating an Altair map costs ~40–150 ms; the skeletons are
    cached per look (target, texts, size), so a rerun only builds the frame.
    The builders are validated by the tests (``named=False`` returns the chart).
    """
    return chart.to_dict(validate=False)


def code_key(field: str = "datum.properties.code") -> str:
    """Vega expression turning ``64.01`` into the number ``6401`` and a kecamatan's
    ``64.02.01`` into ``640201`` (the lookup key; Vega's ``replace`` of a string
    replaces its first match, so twice).

    Region codes travel as 16-bit numbers (kecamatan: 32-bit): a third of the
    bytes of the text.
    """
    return f"toNumber(replace(replace({field}, '.', ''), '.', ''))"


def numeric_codes(codes: pd.Series) -> pd.Series:
    """``64.01`` → ``6401`` as int16 (``64.02.01`` → ``640201`` as int32), matching
    :func:`code_key`.

    Examples
    --------
    >>> numeric_codes(pd.Series(["64.01", "97.71"])).dtype.name
    'int16'
    >>> numeric_codes(pd.Series(["64.02.01"])).tolist()
    [640201]
    """
    digits = codes.astype(str).str.replace(".", "", regex=False).astype("int32")
    return digits.astype("int16") if digits.empty or digits.max() < 2**15 else digits


def _with_frame(skeleton: dict, name: str, frame: pd.DataFrame) -> dict:
    out = copy.deepcopy(skeleton)
    out["datasets"] = {name: frame}
    return out


def level_test(level: str) -> str:
    """Vega expression: is a feature of the map object a ``province``, a ``regency``
    or a ``kecamatan``?

    Provinces have two-character codes ("64"), regencies five ("64.01"),
    kecamatan eight ("64.02.01"; a regency's kecamatan file holds only them).
    """
    if level == KECAMATAN:
        return "length(datum.properties.code) > 5"
    return f"length(datum.properties.code) {'==' if level == 'province' else '>'} 2"


def map_data(geometry_url: str) -> alt.UrlData:
    """The built map file (one object: regencies and provinces, see ``MAP_OBJECT``)."""
    return alt.UrlData(geometry_url, format=alt.DataFormat(type="topojson", feature=MAP_OBJECT))


def border_layer(base: alt.Chart, width: float = 1.1) -> alt.Chart:
    """Province borders from the same map download, drawn on top of the regions but
    deaf to the mouse, so tooltips and clicks reach the regions."""
    return base.transform_filter(level_test("province")).mark_geoshape(
        filled=False, fill=None, stroke="#222222", strokeWidth=width, aria=False)


def framed(layers: list, height: int, lang: str | None = None) -> alt.LayerChart:
    """Map layers in Mercator, as wide as the container and ``height`` pixels high,
    fitted with their padding; numbers in ``lang``'s locale when given."""
    config: dict = {"autosize": alt.AutoSizeParams(type="fit", contains="padding")}
    if lang is not None:
        config["locale"] = locale_config(lang)
    return (
        alt.layer(*layers)
        .project(type="mercator")
        .properties(width="container", height=height)
        .configure_view(stroke=None)
        .configure(**config)
    )


def choropleth(
    geometry_url: str,
    values: pd.DataFrame,
    target: float | None,
    labels: dict[str, str],
    lang: str = "id",
    height: int = 560,
    province_borders: bool = True,
    level: str = "regency",
    select: str | None = None,
    named: bool = False,
    legend: bool = True,
    select_field: str = "province_code",
) -> alt.LayerChart | dict:
    """Choropleth of coverage (provinces or regencies), coloured against the target.

    Parameters
    ----------
    geometry_url : str
        Address of a built map file. The regions and, when
        ``province_borders``, the thicker province borders on top are drawn
        from its one object, so the browser downloads it once; changing the
        values never sends it again.
    values : pandas.DataFrame
        One row per region, see :func:`lookup_frame`.
    target : float or None
        Target in percent; classes are centred on it.
    labels : dict
        Texts: ``legend``, ``no_data``, ``region``; and a title for each
        tooltip field to show (``province``, ``percent``, ``numerator``, …).
    lang : str
        Language of number formats (applied in the browser).
    height : int
        Chart height in pixels; the width follows the container.
    level : str
        Regions to colour: ``regency``, ``province`` or :data:`KECAMATAN`.
    select : str or None
        Name of a click selection on ``select_field`` (for drilling in).
    named : bool
        Return a Vega-Lite dict with the frame under ``datasets`` (the fast
        path for pages, for ``st.vega_lite_chart``) instead of a chart.
    legend : bool
        Draw the legend. Without it (show :func:`legend_html` beside) the
        spec does not depend on the target, so a page that changes indicator
        or period only swaps the values in the browser.
    select_field : str
        ``province_code`` (a click names the region's province) or
        :data:`REGION_CODE` (the region's own code, from the map file).

    Returns
    -------
    altair.LayerChart or dict
        Regions without data are grey and named in the legend, never zero.
    """
    keep = ("province_name", *TOOLTIP_NUMBERS, *RANKS, NOTE, PERCENT_TEXT,
            *(("province_code",) if select else ()))
    table = lookup_frame(with_percent_text(values, target, labels, lang), target, keep)
    texts = {k: v for k, v in labels.items() if legend or k != "legend"}
    look: _MapLook = (
        geometry_url, target if legend else None, tuple(sorted(texts.items())), lang, height,
        province_borders, level, select, tuple(c for c in table.columns if c != "code"),
        legend, select_field)
    if named:
        return _with_frame(_choropleth_skeleton(*look), REGIONS, table)
    return _choropleth_chart(*look, source=table)


# The arguments of :func:`_choropleth_chart` (and :func:`_strip_chart`) before ``source``.
_MapLook = tuple[str, float | None, tuple[tuple[str, str], ...], str, int, bool, str, str | None,
                 tuple[str, ...], bool, str]
_StripLook = tuple[str | None, tuple[tuple[str, str], ...], str, int, bool, int]


@lru_cache(maxsize=64)
def _choropleth_skeleton(*look: *_MapLook) -> dict:
    return spec(_choropleth_chart(*look, source=alt.NamedData(REGIONS)))


def _choropleth_chart(geometry_url: str, target: float | None,
                      label_items: tuple[tuple[str, str], ...], lang: str, height: int,
                      province_borders: bool, level: str, select: str | None,
                      fields: tuple[str, ...], legend: bool, select_field: str,
                      source: pd.DataFrame | alt.NamedData) -> alt.LayerChart:
    labels = dict(label_items)
    base = alt.Chart(map_data(geometry_url))
    shown = base.transform_filter(level_test(level))
    if select and select_field == REGION_CODE:
        shown = shown.transform_calculate(**{REGION_CODE: "datum.properties.code"})
    regions = rank_calculations(
        shown.transform_calculate(key=code_key())
        .transform_lookup(lookup="key", from_=alt.LookupData(source, "code", list(fields)))
        .transform_calculate(slot=f"isValid(datum.slot) ? datum.slot : {NO_DATA_SLOT}",
                             aria=aria_text(labels)), labels,
    ).mark_geoshape(stroke=BORDER if level != "province" else "#222222",
                    strokeWidth={"regency": 0.3, KECAMATAN: 0.8}.get(level, 0.8),
                    cursor="pointer" if select else "default",
                    ).encode(color=colour(target, labels, lang, legend), tooltip=tooltips(labels),
                             description="aria:N")
    if select:
        regions = regions.add_params(alt.selection_point(name=select, fields=[select_field],
                                                         on="click", clear=False))
    layers = [regions]
    if province_borders and level != "province":
        layers.append(border_layer(base))
    return framed(layers, height, lang)


def ranked_strip(names_url: str | None, values: pd.DataFrame, target: float | None,
                 labels: dict[str, str], lang: str = "id", height: int = 560,
                 named: bool = False, font: int = 13) -> alt.LayerChart | dict:
    """Every region as one dot on its own row, highest coverage first, in the map's colours.

    The region names come from the built region table (``regions.csv`` at
    ``names_url``, fetched once), so only codes, slots and percentages travel,
    and the target as a one-row dataset: the spec stays the same when the
    indicator or period changes. With a few dozen regions each row is
    labelled; with all 514 regencies the strip is the ranked distribution and
    the tooltip names each dot. Dots, not bars: the axis starts near the
    lowest value (97 % vs 101 % must be visible), and a bar that does not
    start at zero would mislead. The target is a black rule, so "how many are
    short, and by how much" reads at a glance. Regions without data have no
    dot (never a zero). ``font`` is the text size in pixels (13 at a desk).

    With ``names_url`` ``None`` (a regency's kecamatan, whose names no built
    table holds) the names travel in the values, each once: a few hundred bytes.
    """
    rows = with_percent_text(values[values["percent"].notna()], target, labels, lang)
    table = lookup_frame(rows, target, ("percent", PERCENT_TEXT,
                                        *(("name",) if names_url is None else ())))
    goal = pd.DataFrame({"target": [target]}, dtype="float32")
    look: _StripLook = (names_url,
                        tuple(sorted((k, v) for k, v in labels.items() if k != "legend")),
                        lang, height, len(table) <= 45, font)
    if named:
        out = _with_frame(_strip_skeleton(*look), STRIP, table)
        out["datasets"][TARGET] = goal
        return out
    return _strip_chart(*look, source=table, goal=goal)


@lru_cache(maxsize=64)
def _strip_skeleton(*look: *_StripLook) -> dict:
    return spec(_strip_chart(*look, source=alt.NamedData(STRIP), goal=alt.NamedData(TARGET)))


def _strip_chart(names_url: str | None, label_items: tuple[tuple[str, str], ...], lang: str,
                 height: int, few: bool, font: int, source: pd.DataFrame | alt.NamedData,
                 goal: pd.DataFrame | alt.NamedData) -> alt.LayerChart:
    labels = dict(label_items)
    y = alt.Y("name:N", sort=alt.EncodingSortField("percent", order="descending"),
              title=None, axis=alt.Axis(labelFontSize=font, labelLimit=font * 13, ticks=False,
                                        labelColor="#111111", domain=False, labelOverlap=False)
              if few else None)
    if names_url is None:  # the names are in the values
        found = alt.Chart(source)
    else:
        names = alt.UrlData(names_url, format=alt.DataFormat(
            type="csv", parse={"code": "string", "name": "string"}))
        found = (alt.Chart(names).transform_calculate(key=code_key("datum.code"))
                 .transform_lookup(lookup="key", from_=alt.LookupData(
                     source, "code", ["slot", "percent", PERCENT_TEXT])))
    dots = (
        found
        .transform_filter("isValid(datum.percent)")
        .transform_calculate(aria=aria_text(labels, "datum.name"))
        .mark_circle(size=110 if few else 14, opacity=1, stroke="#333333",
                     strokeWidth=0.6 if few else 0)
        .encode(y=y, x=alt.X("percent:Q", title=labels["percent"], scale=alt.Scale(zero=False),
                             axis=alt.Axis(format=",.0f", labelFontSize=font, titleFontSize=font,
                                           labelColor="#111111", titleColor="#111111")),
                color=colour(None, labels, lang, legend=False),
                tooltip=[alt.Tooltip("name:N", title=labels["region"]),
                         alt.Tooltip(f"{PERCENT_TEXT}:N", title=labels["percent"])],
                description="aria:N")
    )
    rule = alt.Chart(goal).transform_filter("isValid(datum.target)").mark_rule(
        color="#111111", strokeWidth=2).encode(x="target:Q")
    return (
        alt.layer(dots, rule)
        .properties(width="container", height=height)
        .configure_view(stroke=None)
        .configure(locale=locale_config(lang))
    )
