"""Streamlit caching wrappers around ``utils`` loaders (the only such module)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from utils import build_record as builds
from utils import demo, indicators, regions, targets
from utils.store import Store


@st.cache_data(show_spinner=False)
def region_table() -> pd.DataFrame:
    """The region reference (provinces and regencies)."""
    return regions.read_regions(builds.cache_dir() / "regions.csv")


@st.cache_resource(show_spinner=False)
def _geometry_route() -> str:
    """Serve ``geo/cache`` to the browser as a static component folder.

    Streamlit serves a declared component's folder at ``/component/NAME/``
    with ``Cache-Control: public``: the browser fetches each map once.
    """
    served = components.declare_component("geo", path=str(builds.cache_dir()))
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{'/' + base if base else ''}/component/{served.name}"


def geometry_url(name: str = "national.topo.json") -> str:
    """Browser address of a built map file, versioned by the build's digest."""
    version = build_record().get("digest", "")[:12]
    return f"{_geometry_route()}/{name}?v={version}"


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
def _accepted(active: tuple[str, ...], root: str) -> pd.DataFrame | None:
    return Store(Path(root)).current()


def accepted_coverage() -> pd.DataFrame | None:
    """Accepted imports (long format, ``is_demo`` False); the cache key is the
    store's active version set, so an accept or rollback shows at once."""
    store = Store()
    return _accepted(tuple(store.state()["active"]), str(store.root))


def current_coverage() -> pd.DataFrame | None:
    """What the pages show: accepted data when there is any, else the demo data.

    Demo rows are never mixed with official ones.
    """
    accepted = accepted_coverage()
    return accepted if accepted is not None and not accepted.empty else demo_coverage()


@st.cache_data(show_spinner=False)
def build_record() -> dict:
    """What the last boundary build recorded (sizes, counts)."""
    return builds.read_info() or {}
