"""Baseline (b): ``gdf.explore()`` (folium/Leaflet) embedded in the page.

No tile layer (``tiles=None``): the projector map has none either, and tiles
would only add bytes to the baseline.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import colours, controls

st.set_page_config(page_title="Baseline: explore", layout="wide")
st.title("Capaian baseline: gdf.explore()")
indicator, target, merged = controls()
domain, palette = colours(target)
present = [(d, c) for d, c in zip(domain, palette, strict=True) if d in set(merged["band"])]
fmap = merged.explore(
    column="band",
    categories=[d for d, _ in present],
    cmap=[c for _, c in present],
    tooltip=["name", "percent", "numerator", "denominator"],
    tiles=None,
    style_kwds={"color": "#ffffff", "weight": 0.3, "fillOpacity": 1.0},
)
components.html(fmap.get_root().render(), height=600)
