"""Baseline (a): ``alt.Chart(gdf).mark_geoshape()`` of the full unsimplified boundaries.

Inside Streamlit 1.67 ``alt.Chart(gdf)`` itself draws nothing: ``st.altair_chart``
turns chart data into Arrow tables and the geometry column ends up as text. The
naive fix is what Altair does outside Streamlit: the GeoDataFrame's features as
inline values, so every rerun sends the whole geometry in the chart spec.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import altair as alt
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import colours, controls

st.set_page_config(page_title="Baseline: Altair full", layout="wide")
st.title("Capaian baseline: Altair, full geometry")
indicator, target, merged = controls()
domain, palette = colours(target)
chart = (
    alt.Chart()
    .mark_geoshape(stroke="#ffffff", strokeWidth=0.3)
    .encode(
        color=alt.Color(
            "properties.band:N",
            scale=alt.Scale(domain=domain, range=palette),
            legend=alt.Legend(orient="top"),
        ),
        tooltip=[
            "properties.name:N",
            "properties.percent:Q",
            "properties.numerator:Q",
            "properties.denominator:Q",
        ],
    )
    .project(type="mercator")
    .properties(width="container", height=560)
)
# Altair's to_dict would walk (and validate) all 160 850 vertices on every rerun, which
# takes seconds: the features are put into the finished spec instead. That only makes
# the baseline faster; the bytes sent are the same.
spec = chart.to_dict()
spec["data"] = {"values": json.loads(merged.to_json())["features"]}
st.vega_lite_chart(spec, width="stretch")
