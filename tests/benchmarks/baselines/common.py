"""What both baseline apps share: the naive loading of data and geometry, and the widgets.

A baseline is what a user would write without Capaian: read the full upstream
boundaries (a GeoJSON, path in ``CAPAIAN_BENCH_GEOJSON``) with geopandas, merge
the coverage and draw. Widgets carry the same keys as Capaian's
(``map_indicator``, ``whatif_target_ktp_el``) so one browser driver runs all apps.
Both use ``st.cache_data``, the cache Streamlit's docs recommend for data.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from utils import demo  # noqa: E402
from utils.charts import choropleth as charts  # noqa: E402
from utils.metrics import coverage, indicators, targets  # noqa: E402

GEOJSON_ENV = "CAPAIAN_BENCH_GEOJSON"


@st.cache_data(show_spinner=False)
def load_geometry(path: str) -> gpd.GeoDataFrame:
    """The full, unsimplified regency boundaries as the user would read them."""
    return gpd.read_file(path)


@st.cache_data(show_spinner=False)
def load_coverage() -> pd.DataFrame:
    """The same demo coverage Capaian shows."""
    return demo.read_demo()


def controls() -> tuple[str, float | None, pd.DataFrame]:
    """Draw the indicator box and the target slider; return indicator, target, map table."""
    defs = indicators.load_indicators()
    table = load_coverage()
    period = coverage.latest_period(table)
    left, right = st.columns(2)
    indicator = left.selectbox(
        "Indikator", list(defs), key="map_indicator", format_func=lambda i: defs[i].label("id")
    )
    registry = targets.target_for(targets.load_targets(), indicator, int(period[:4]), None)
    slider = right.slider("Target KTP-el (%)", 80.0, 105.0, 99.0, 0.1, key="whatif_target_ktp_el")
    target = slider if indicator == "ktp_el" else (registry.percent if registry else None)
    rows = coverage.select(table, indicator, period)
    geo = load_geometry(os.environ[GEOJSON_ENV])
    merged = geo.merge(rows[["code", "percent", "numerator", "denominator"]], on="code", how="left")
    names = charts.class_labels(target, "id")
    index = charts.classify(merged["percent"], target)
    merged["band"] = [names[int(i)] if pd.notna(i) else "tidak ada data" for i in index]
    merged["percent"] = merged["percent"].round(2)
    return indicator, target, merged


def colours(target: float | None) -> tuple[list[str], list[str]]:
    """Class names and their colours, the same palette Capaian uses."""
    names = charts.class_labels(target, "id")
    palette = charts.BELOW + (charts.AT_OR_ABOVE if len(names) == 6 else charts.AT_OR_ABOVE[-1:])
    return [*names, "tidak ada data"], [*palette, charts.NO_DATA_COLOUR]
