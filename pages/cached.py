"""Streamlit caching wrappers around ``utils`` loaders (the only such module)."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from utils import boundaries, demo, indicators, regions, targets


@st.cache_data(show_spinner=False)
def region_table() -> pd.DataFrame:
    """The region reference (provinces and regencies)."""
    return regions.read_regions(boundaries.cache_dir() / "regions.csv")


@st.cache_resource(show_spinner=False)
def national_topology() -> dict:
    """National TopoJSON (regencies + provinces), parsed once per process."""
    return json.loads((boundaries.cache_dir() / "national.topo.json").read_bytes())


@st.cache_data(show_spinner=False)
def indicator_defs() -> dict[str, indicators.Indicator]:
    """Indicator definitions from ``data/indicators.csv``."""
    return indicators.load_indicators()


@st.cache_data(show_spinner=False)
def target_table() -> pd.DataFrame:
    """The targets registry."""
    return targets.load_targets()


@st.cache_data(show_spinner=False)
def demo_coverage() -> pd.DataFrame | None:
    """Demo coverage rows, or ``None`` if not built."""
    return demo.read_demo()


@st.cache_data(show_spinner=False)
def build_record() -> dict:
    """What the last boundary build recorded (sizes, counts)."""
    return boundaries.read_info() or {}
