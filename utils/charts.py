"""Altair chart builders. They return charts; drawing is the pages' job."""

from __future__ import annotations

import altair as alt
import pandas as pd

from utils.formatting import format_number, format_percent

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
    """Add the preformatted text columns the tooltip shows.

    ``values`` has ``code``, ``name``, ``province_name``, ``percent``,
    ``numerator`` and ``denominator`` (missing rows stay missing).
    """
    out = values.copy()
    out["percent_text"] = [format_percent(v, lang) for v in out["percent"]]
    out["numerator_text"] = [format_number(v, lang) for v in out["numerator"]]
    out["denominator_text"] = [format_number(v, lang) for v in out["denominator"]]
    return out


def choropleth(
    geometry_url: str,
    values: pd.DataFrame,
    target: float | None,
    labels: dict[str, str],
    lang: str = "id",
    height: int = 560,
    province_borders: bool = True,
) -> alt.LayerChart:
    """National or provincial choropleth of coverage, coloured against the target.

    Parameters
    ----------
    geometry_url : str
        Address of a TopoJSON with a ``regencies`` object (and, when
        ``province_borders``, a ``provinces`` object drawn as thicker borders
        on top). The browser fetches and caches it, so changing the values
        never sends the geometry again.
    values : pandas.DataFrame
        See :func:`map_values`; one row per region with data.
    target : float or None
        Target in percent; classes are centred on it.
    labels : dict
        Texts: ``legend``, ``no_data``, ``region``, ``province``, ``percent``,
        ``numerator``, ``denominator``.
    lang : str
        Language of number formats.
    height : int
        Chart height in pixels; the width follows the container.

    Returns
    -------
    altair.LayerChart
        Regions without data are grey and named in the legend, never zero.
    """
    table = map_values(values, lang)
    names = class_labels(target, lang)
    colours = BELOW + (AT_OR_ABOVE if len(names) == 6 else AT_OR_ABOVE[-1:])
    index = classify(table["percent"], target)
    table["band"] = [names[int(i)] if pd.notna(i) else labels["no_data"] for i in index]
    fields = ["band", "province_name", "percent_text", "numerator_text", "denominator_text"]
    regions = (
        alt.Chart(alt.UrlData(geometry_url, format=alt.DataFormat(type="topojson",
                                                                  feature="regencies")))
        .transform_lookup(lookup="properties.code",
                          from_=alt.LookupData(table[["code", *fields]], "code", fields),
                          default=labels["no_data"])
        .transform_calculate(band=f"datum.band || '{labels['no_data']}'")
        .mark_geoshape(stroke=BORDER, strokeWidth=0.3)
        .encode(
            color=alt.Color(
                "band:N",
                scale=alt.Scale(domain=[*names, labels["no_data"]],
                                range=[*colours, NO_DATA_COLOUR]),
                legend=alt.Legend(title=labels["legend"], orient="top", direction="horizontal",
                                  labelFontSize=15, titleFontSize=15, symbolSize=260,
                                  labelLimit=300, titleOrient="left", labelColor="#111111",
                                  titleColor="#111111"),
            ),
            tooltip=[
                alt.Tooltip("properties.name:N", title=labels["region"]),
                alt.Tooltip("province_name:N", title=labels["province"]),
                alt.Tooltip("percent_text:N", title=labels["percent"]),
                alt.Tooltip("numerator_text:N", title=labels["numerator"]),
                alt.Tooltip("denominator_text:N", title=labels["denominator"]),
            ],
        )
    )
    layers = [regions]
    if province_borders:
        borders = alt.Chart(
            alt.UrlData(geometry_url, format=alt.DataFormat(type="topojson", feature="provinces"))
        ).mark_geoshape(filled=False, stroke="#222222", strokeWidth=1.1)
        layers.append(borders)
    return (
        alt.layer(*layers)
        .project(type="mercator")
        .properties(width="container", height=height)
        .configure_view(stroke=None)
        .configure(autosize=alt.AutoSizeParams(type="fit", contains="padding"))
    )
