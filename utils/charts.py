"""Altair chart builders. They return charts; drawing is the pages' job."""

from __future__ import annotations

import copy
from functools import lru_cache

import altair as alt
import pandas as pd

from utils.formatting import d3_locale, format_number, format_percent

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
    values = pd.to_numeric(percent)
    index = pd.Series(0, index=values.index, dtype="Int64")
    for limit in breaks:
        index = index + (values >= limit).astype("Int64")
    if breaks[-1] < 100:
        index = index + (values > 100).astype("Int64")
    return index.where(values.notna())


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


def map_values(values: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Add the preformatted text columns a table or a server-side tooltip shows.

    ``values`` has ``percent``, ``numerator`` and ``denominator`` (missing
    rows stay missing).
    """
    out = values.copy()
    out["percent_text"] = [format_percent(v, lang) for v in out["percent"]]
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
# Frames are sent under these names (see :func:`spec`).
REGIONS, STRIP = "regions", "strip"


def band_names(target: float | None, no_data: str, lang: str) -> tuple[list[str], list[str]]:
    """Legend entries and their colours, lowest class first, no data last."""
    names = class_labels(target, lang)
    colours = BELOW + (AT_OR_ABOVE if len(names) == 6 else AT_OR_ABOVE[-1:])
    return [*names, no_data], [*colours, NO_DATA_COLOUR]


def lookup_frame(values: pd.DataFrame, target: float | None, no_data: str, lang: str,
                 fields: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The compact per-region table a map, tile grid or strip colours itself from.

    Text columns are categorical (Arrow sends each distinct text once), numbers
    are 32-bit, ranks are numbers joined to "3 / 10" in the browser: this table
    is what travels when the indicator or period changes.

    Parameters
    ----------
    values : pandas.DataFrame
        ``code`` and ``percent``, and any of ``province_name``,
        ``province_code``, ``name``, the :data:`TOOLTIP_NUMBERS` and the
        :data:`RANKS` (with ``of_province`` / ``of_national``).
    fields : tuple of str, optional
        Only these optional columns (default: every one present).
    """
    names, _ = band_names(target, no_data, lang)
    index = classify(values["percent"], target)
    out = pd.DataFrame({"code": values["code"].astype(str).to_numpy()})
    out["band"] = pd.Categorical([names[int(i)] if pd.notna(i) else no_data for i in index],
                                 categories=names)
    wanted = [c for c in values.columns if fields is None or c in fields]
    for col in wanted:
        column = values[col].reset_index(drop=True)
        if col in ("province_name", "province_code", "name"):
            out[col] = column.astype("category")
        elif col in ("percent", "target"):
            out[col] = pd.to_numeric(column).astype("float32")
        elif col in TOOLTIP_NUMBERS:
            out[col] = pd.to_numeric(column).round().astype("Int32")
        elif col in RANKS:
            out[col] = pd.to_numeric(column).astype("Int16")
            out[col.replace("rank_", "of_")] = pd.to_numeric(
                values[col.replace("rank_", "of_")]).astype("int16").to_numpy()
    return out


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


def tooltips(labels: dict[str, str], name_field: str = "properties.name") -> list[alt.Tooltip]:
    """Tooltip of a region: name, province, then whichever numbers ``labels`` names."""
    tips = [alt.Tooltip(f"{name_field}:N", title=labels["region"])]
    if "province" in labels:
        tips.append(alt.Tooltip("province_name:N", title=labels["province"]))
    for col, fmt in TOOLTIP_NUMBERS.items():
        if col in labels:
            tips.append(alt.Tooltip(f"{col}:Q", title=labels[col], format=fmt))
    tips += [alt.Tooltip(f"{c}_text:N", title=labels[c]) for c in RANKS if c in labels]
    return tips


def colour(target: float | None, labels: dict[str, str], lang: str,
           legend: bool = True) -> alt.Color:
    """The class colour encoding shared by the map, the tile grid and the bar strip."""
    domain, colours = band_names(target, labels["no_data"], lang)
    return alt.Color(
        "band:N",
        scale=alt.Scale(domain=domain, range=colours),
        legend=alt.Legend(title=labels["legend"], orient="top", direction="horizontal",
                          labelFontSize=15, titleFontSize=16, symbolSize=260, labelLimit=300,
                          titleLimit=900, labelColor="#111111", titleColor="#111111",
                          columns=4) if legend else None,  # wraps on a phone
    )


def spec(chart: alt.TopLevelMixin) -> dict:
    """Vega-Lite dict of a chart built on :class:`altair.NamedData`, unvalidated.

    Building and validating an Altair map costs ~40–150 ms; the skeletons are
    cached per look (target, texts, size), so a rerun only builds the frame.
    The builders are validated by the tests (``named=False`` returns the chart).
    """
    return chart.to_dict(validate=False)


def code_key(field: str = "datum.properties.code") -> str:
    """Vega expression turning ``64.01`` into the number ``6401`` (the lookup key).

    Region codes travel as 16-bit numbers: a third of the bytes of the text.
    """
    return f"toNumber(replace({field}, '.', ''))"


def numeric_codes(codes: pd.Series) -> pd.Series:
    """``64.01`` → ``6401`` as int16, matching :func:`code_key`."""
    return codes.astype(str).str.replace(".", "", regex=False).astype("int16")


def _with_frame(skeleton: dict, name: str, frame: pd.DataFrame) -> dict:
    out = copy.deepcopy(skeleton)
    out["datasets"] = {name: frame}
    return out


def choropleth(
    geometry_url: str,
    values: pd.DataFrame,
    target: float | None,
    labels: dict[str, str],
    lang: str = "id",
    height: int = 560,
    province_borders: bool = True,
    feature: str = "regencies",
    select: str | None = None,
    named: bool = False,
) -> alt.LayerChart | dict:
    """Choropleth of coverage (provinces or regencies), coloured against the target.

    Parameters
    ----------
    geometry_url : str
        Address of a TopoJSON with a ``feature`` object (and, when
        ``province_borders``, a ``provinces`` object drawn as thicker borders
        on top). The browser fetches and caches it, so changing the values
        never sends the geometry again.
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
    feature : str
        TopoJSON object to colour: ``regencies`` or ``provinces``.
    select : str or None
        Name of a click selection on ``province_code`` (for drilling in).
    named : bool
        Return a Vega-Lite dict with the frame under ``datasets`` (the fast
        path for pages, for ``st.vega_lite_chart``) instead of a chart.

    Returns
    -------
    altair.LayerChart or dict
        Regions without data are grey and named in the legend, never zero.
    """
    keep = ("province_name", *TOOLTIP_NUMBERS, *RANKS, *(("province_code",) if select else ()))
    table = lookup_frame(values, target, labels["no_data"], lang, keep)
    table["code"] = numeric_codes(table["code"])
    look = (geometry_url, target, tuple(sorted(labels.items())), lang, height, province_borders,
            feature, select, tuple(c for c in table.columns if c != "code"))
    if named:
        return _with_frame(_choropleth_skeleton(*look), REGIONS, table)
    return _choropleth_chart(*look, source=table)


@lru_cache(maxsize=64)
def _choropleth_skeleton(*look: object) -> dict:
    return spec(_choropleth_chart(*look, source=alt.NamedData(REGIONS)))


def _choropleth_chart(geometry_url: str, target: float | None,
                      label_items: tuple[tuple[str, str], ...], lang: str, height: int,
                      province_borders: bool, feature: str, select: str | None,
                      fields: tuple[str, ...], source: pd.DataFrame | alt.NamedData,
                      ) -> alt.LayerChart:
    labels = dict(label_items)
    regions = rank_calculations(
        alt.Chart(alt.UrlData(geometry_url, format=alt.DataFormat(type="topojson",
                                                                  feature=feature)))
        .transform_calculate(key=code_key())
        .transform_lookup(lookup="key", from_=alt.LookupData(source, "code", list(fields)))
        .transform_calculate(band=f"datum.band || {labels['no_data']!r}"), labels,
    ).mark_geoshape(stroke=BORDER if feature == "regencies" else "#222222",
                    strokeWidth=0.3 if feature == "regencies" else 0.8,
                    cursor="pointer" if select else "default",
                    ).encode(color=colour(target, labels, lang), tooltip=tooltips(labels))
    if select:
        regions = regions.add_params(alt.selection_point(name=select, fields=["province_code"],
                                                         on="click", clear=False))
    layers = [regions]
    if province_borders and feature != "provinces":
        # Drawn on top but deaf to the mouse: tooltips and clicks reach the regions.
        borders = alt.Chart(
            alt.UrlData(geometry_url, format=alt.DataFormat(type="topojson", feature="provinces"))
        ).mark_geoshape(filled=False, fill=None, stroke="#222222", strokeWidth=1.1)
        layers.append(borders)
    return (
        alt.layer(*layers)
        .project(type="mercator")
        .properties(width="container", height=height)
        .configure_view(stroke=None)
        .configure(autosize=alt.AutoSizeParams(type="fit", contains="padding"),
                   locale=locale_config(lang))
    )


def ranked_strip(geometry_url: str, values: pd.DataFrame, target: float | None,
                 labels: dict[str, str], lang: str = "id", height: int = 560,
                 feature: str = "regencies", named: bool = False) -> alt.LayerChart | dict:
    """Every region as one dot on its own row, highest coverage first, in the map's colours.

    The region names come from the map's TopoJSON (already in the browser's
    cache), so only codes, classes and percentages travel. With a few dozen
    regions each row is labelled; with all 514 regencies the strip is the
    ranked distribution and the tooltip names each dot. Dots, not bars: the
    axis starts near the lowest value (97 % vs 101 % must be visible), and a
    bar that does not start at zero would mislead. The target is a black
    rule, so "how many are short, and by how much" reads at a glance. Regions
    without data have no dot (never a zero).
    """
    rows = values[values["percent"].notna()]
    table = lookup_frame(rows, target, labels["no_data"], lang, ("percent",))
    table["code"] = numeric_codes(table["code"])
    look = (geometry_url, target, tuple(sorted(labels.items())), lang, height, feature,
            len(table) <= 45)
    if named:
        return _with_frame(_strip_skeleton(*look), STRIP, table)
    return _strip_chart(*look, source=table)


@lru_cache(maxsize=64)
def _strip_skeleton(*look: object) -> dict:
    return spec(_strip_chart(*look, source=alt.NamedData(STRIP)))


def _strip_chart(geometry_url: str, target: float | None,
                 label_items: tuple[tuple[str, str], ...], lang: str, height: int, feature: str,
                 few: bool, source: pd.DataFrame | alt.NamedData) -> alt.LayerChart:
    labels = dict(label_items)
    y = alt.Y("properties.name:N", sort=alt.EncodingSortField("percent", order="descending"),
              title=None, axis=alt.Axis(labelFontSize=13, labelLimit=170, ticks=False,
                                        labelColor="#111111", domain=False, labelOverlap=False)
              if few else None)
    bars = (
        alt.Chart(alt.UrlData(geometry_url, format=alt.DataFormat(type="topojson",
                                                                  feature=feature)))
        .transform_calculate(key=code_key())
        .transform_lookup(lookup="key", from_=alt.LookupData(source, "code", ["band", "percent"]))
        .transform_filter("isValid(datum.percent)")
        .mark_circle(size=110 if few else 14, opacity=1, stroke="#333333",
                     strokeWidth=0.6 if few else 0)
        .encode(y=y, x=alt.X("percent:Q", title=labels["percent"], scale=alt.Scale(zero=False),
                             axis=alt.Axis(format=",.0f", labelFontSize=13, titleFontSize=13,
                                           labelColor="#111111", titleColor="#111111")),
                color=colour(target, labels, lang, legend=False),
                tooltip=[alt.Tooltip("properties.name:N", title=labels["region"]),
                         alt.Tooltip("percent:Q", title=labels["percent"], format=",.2f")])
    )
    layers = [bars]
    if target is not None:
        layers.append(alt.Chart(alt.Data(values=[{"target": target}])).mark_rule(
            color="#111111", strokeWidth=2).encode(x="target:Q"))
    return (
        alt.layer(*layers)
        .properties(width="container", height=height)
        .configure_view(stroke=None)
        .configure(locale=locale_config(lang))
    )
