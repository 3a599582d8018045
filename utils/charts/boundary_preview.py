"""Preview map of a boundary set before it is activated (Altair)."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from utils.charts.choropleth import level_test, map_data

SOURCE_COLOURS = {"file": "#5e3c99", "default": "#c9c3d6"}


def preview(geometry_url: str, own_codes: list[str], labels: dict[str, str],
            height: int = 420) -> alt.Chart:
    """Regencies of a set, coloured by where their shape comes from.

    Parameters
    ----------
    geometry_url : str
        The set's ``national.topo.json`` (or a province file).
    own_codes : list of str
        Regency codes whose shape comes from the uploaded file; every other
        regency drawn keeps the default set's shape.
    labels : dict
        ``file`` and ``default``: legend texts; ``region``: tooltip title.
    height : int
        Chart height in pixels.
    """
    sources = pd.DataFrame({"code": own_codes, "source": labels["file"]})
    domain = [labels["file"], labels["default"]]
    return (
        alt.Chart(map_data(geometry_url), height=height)
        .mark_geoshape(stroke="white", strokeWidth=0.3)
        .transform_filter(level_test("regency"))
        .transform_lookup(lookup="properties.code",
                          from_=alt.LookupData(sources, "code", ["source"]))
        .transform_calculate(source=f"datum.source || {json.dumps(labels['default'])}")
        .encode(
            color=alt.Color("source:N", scale=alt.Scale(
                domain=domain, range=[SOURCE_COLOURS["file"], SOURCE_COLOURS["default"]]),
                legend=alt.Legend(title=None, orient="bottom")),
            tooltip=[alt.Tooltip("properties.name:N", title=labels["region"]),
                     alt.Tooltip("source:N", title=labels["source"])],
        )
        .project("mercator")
    )
