"""The briefing's scope, its map and its settings: Indonesia, a province, or a regency.

The scope lives in the address (``?scope=64.02``); the map page's ``?wil=64.02``
is read too, so a link from the map opens the same place. A regency's deck
compares its kecamatan (:func:`utils.metrics.attainment.kecamatan_facts`); its
indicator slides show the regency's kecamatan map when that file is built, else
the regency among the regencies of its province.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from pages.support import cached, cached_kecamatan
from utils.formatting import format_date
from utils.i18n import t
from utils.metrics import attainment
from utils.metrics import regions as region_ref
from utils.metrics.attainment import KecamatanLevel
from utils.metrics.targets import SCOPE_REGENCY, scope_level
from utils.report import deck as slides
from utils.report.deck import Slide

TILES = ("tampil", "petak")
"""``?tampil=petak``: indicator slides show the tile grid (as on the map page)."""
MAP_PARAM = "wil"
"""The map page's name for its scope, read when a link from the map carries it."""


@dataclass(frozen=True)
class SlideMap:
    """What an indicator slide's map draws: the file's address and content, and
    the kecamatan level when it is a regency's kecamatan map (``None``: regencies)."""

    url: str
    topology: dict
    kecamatan: KecamatanLevel | None = None


def is_regency(code: str | None) -> bool:
    """Whether the scope is one regency (its deck compares its kecamatan)."""
    return bool(code) and scope_level(code) == SCOPE_REGENCY


def read_scope(table: pd.DataFrame, regions: pd.DataFrame) -> str | None:
    """The scope in the address (``scope``, else the map's ``wil``): a province or
    regency code, ``None`` for Indonesia; without either, the province all the data
    lies in (:func:`utils.metrics.attainment.data_province`)."""
    params = st.query_params
    carried = params.get(MAP_PARAM)
    params.pop(MAP_PARAM, None)
    if "scope" not in params and carried:
        params["scope"] = carried
    if "scope" not in params:
        return attainment.data_province(table, regions)
    codes = region_ref.province_codes(regions) + region_ref.regency_codes(regions)
    return slides.scope_code(params.get("scope"), codes)


def deck(table: pd.DataFrame, period: str, code: str | None, lang: str) -> list[Slide]:
    """Every slide of the scope's deck (a regency's from its kecamatan)."""
    if code and is_regency(code):
        return list(cached_kecamatan.regency_deck(period, code, lang))
    return list(cached.briefing_deck(table, period, code, lang))


def slide_map(code: str | None, tiled: bool) -> SlideMap:
    """The map of the scope's indicator slides (also drawn into the deck's files)."""
    if code and is_regency(code) and not tiled:
        found = cached_kecamatan.kecamatan_geometry(code)
        topology = cached_kecamatan.kecamatan_topology(code)
        level = cached_kecamatan.kecamatan_level()
        if found is not None and topology is not None and level is not None:
            return SlideMap(found[0], topology, level)
    name = slides.map_name(code)
    return SlideMap(cached.geometry_url(name), cached.topology(name))


def regencies_by_kecamatan() -> list[str]:
    """Regencies whose kecamatan have rows in the data shown (offered as scopes)."""
    rows = cached.kecamatan_coverage()
    if rows is None or rows.empty:
        return []
    return sorted(set(rows["code"].astype(str).str[:5]))


def on_setting(param: str, key: str) -> None:
    """A new scope, period or scenario starts the deck again from its first slide."""
    if st.session_state[key]:
        st.query_params[param] = st.session_state[key]
    else:
        st.query_params.pop(param, None)
    st.query_params["slide"] = "1"


def on_shape() -> None:
    """Map or equal tiles: the address follows, the deck stays on its slide."""
    st.query_params[TILES[0]] = st.session_state["briefing_tiles"]


def scope_label(code: str, names: dict[str, str], lang: str) -> str:
    """A scope in the settings: ``Indonesia``, a province, ``… (per kecamatan)``."""
    if code == slides.NATIONAL:
        return t("briefing.indonesia", lang)
    if is_regency(code):
        return t("kec_brief_scope_regency", lang, name=names.get(code, code))
    return names.get(code, code)


def settings(scope: dict, lang: str) -> None:
    """Scope, period, map or tiles, and a saved scenario (the settings popover)."""
    names = cached.region_names()
    regencies = regencies_by_kecamatan()
    if scope["code"] and is_regency(scope["code"]) and scope["code"] not in regencies:
        regencies = sorted([*regencies, scope["code"]])
    st.session_state["briefing_scope"] = scope["code"] or slides.NATIONAL
    st.session_state["briefing_period"] = scope["period"]
    st.selectbox(
        t("briefing.scope", lang),
        [slides.NATIONAL, *scope["provinces"], *regencies],
        key="briefing_scope",
        on_change=on_setting,
        args=("scope", "briefing_scope"),
        format_func=lambda c: scope_label(c, names, lang),
        help=t("kec_brief_scope_help", lang) if regencies else None,
    )
    st.selectbox(
        t("briefing.period", lang),
        scope["periods"],
        key="briefing_period",
        on_change=on_setting,
        args=("period", "briefing_period"),
        format_func=lambda p: format_date(p, lang),
    )
    shape = st.query_params.get(TILES[0], "peta")
    st.session_state["briefing_tiles"] = shape if shape in ("peta", TILES[1]) else "peta"
    st.radio(t("briefing.shape", lang), ["peta", TILES[1]], key="briefing_tiles",
             on_change=on_shape, horizontal=True,
             format_func=lambda v: t(f"map.view.{v}", lang), help=t("map.view_help", lang))
    saved = scope["scenarios"]
    if saved:
        st.session_state["briefing_scenario"] = scope["scenario"] or ""
        st.selectbox(
            t("briefing.scenario", lang),
            ["", *saved],
            key="briefing_scenario",
            on_change=on_setting,
            args=("scenario", "briefing_scenario"),
            format_func=lambda s: saved[s]["name"] if s else t("briefing.no_scenario", lang),
        )
    st.caption(t("briefing.keys_hint", lang))
