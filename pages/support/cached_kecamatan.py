"""Cache wrappers for the kecamatan level (the map drill, the what-if over a regency's
kecamatan, the regency deck, the kecamatan search); the data they read comes from
:mod:`pages.support.cached`, keyed by the same data version."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from pages.support import cached
from utils.metrics import map_view, regions
from utils.metrics.whatif_state import Scenario


@st.cache_resource(show_spinner=False)
def kecamatan_search_index():
    """The region search's kecamatan index (:class:`utils.ingest.region_search.KecamatanIndex`,
    built once from :func:`kecamatan_table`, shared and read-only), or ``None`` without it."""
    from utils.ingest.region_search import KecamatanIndex

    reference = cached.kecamatan_table()
    return None if reference is None else KecamatanIndex(reference)


def _kecamatan_rows_or_empty() -> pd.DataFrame:
    from utils.metrics import coverage

    rows = cached.kecamatan_coverage()
    return pd.DataFrame(columns=coverage.COLUMNS) if rows is None else rows


@st.cache_data(show_spinner=False, max_entries=64)
def _kecamatan_map_rows(state: map_view.MapState, version: tuple[str, ...]) -> pd.DataFrame:
    return map_view.kecamatan_table(_kecamatan_rows_or_empty(), cached.kecamatan_table(),
                                    cached.target_table(), state)


def kecamatan_map_rows(state: map_view.MapState) -> pd.DataFrame:
    """:func:`utils.metrics.map_view.kecamatan_table` of a regency's ``state``, per data
    version (needs the kecamatan reference: :func:`kecamatan_table` not ``None``)."""
    return _kecamatan_map_rows(state, cached.data_version())


@st.cache_data(show_spinner=False, max_entries=32)
def _kecamatan_change_rows(state: map_view.MapState, version: tuple[str, ...]) -> pd.DataFrame:
    from utils.metrics import change

    refs = map_view.kecamatan_regions(cached.kecamatan_table(), state.regency)
    return change.change_table(_kecamatan_rows_or_empty(), refs, state.indicator, state.period,
                               "regency", state.regency)


def kecamatan_change_rows(state: map_view.MapState) -> pd.DataFrame:
    """The change table of a regency's kecamatan (its ``province_*`` columns name the
    regency), the regency map's change computed the same way, per data version."""
    return _kecamatan_change_rows(state, cached.data_version())


def _kecamatan_file(regency: str) -> tuple[Path, str] | None:
    """A regency's kecamatan map file and the boundary set it is in: the active set's,
    else the upstream build's (``""``); ``None`` when neither was built."""
    name = f"kecamatan/{regency}.topo.json"
    for set_id in dict.fromkeys((cached.boundary_set(), "")):
        path = cached.maps_folder(set_id) / name
        if path.is_file():
            return path, set_id
    return None


def kecamatan_geometry(regency: str) -> tuple[str, frozenset[str]] | None:
    """Browser address of a regency's kecamatan map file (:func:`_kecamatan_file`) and the
    kecamatan it draws; ``None`` when none was built (the page then shows the table)."""
    found = _kecamatan_file(regency)
    if found is None:
        return None
    path, set_id = found
    shapes = _shape_codes(str(path), path.stat().st_mtime_ns)
    return cached.geometry_url(f"kecamatan/{regency}.topo.json", set_id), shapes


@st.cache_data(show_spinner=False, max_entries=64)
def _shape_codes(path: str, mtime: int) -> frozenset[str]:
    """Codes of the features of a map file that have a shape (remembered per file version;
    the file is parsed once, by :func:`pages.support.cached._topology`)."""
    from utils.geo.cache_record import MAP_OBJECT

    topo = cached._topology(path)
    features = topo.get("objects", {}).get(MAP_OBJECT, {}).get("geometries", [])
    return frozenset(str(f["properties"]["code"]) for f in features
                     if f.get("type") and (f.get("properties") or {}).get("code"))


# --- what-if over one regency's kecamatan (Scenario.kecamatan_of) ---------------------------


def kecamatan_regencies() -> list[str]:
    """Regencies whose kecamatan have counts in the data shown (the what-if's level choice)."""
    return _kecamatan_regencies(cached.data_version())


@st.cache_data(show_spinner=False, max_entries=4)
def _kecamatan_regencies(version: tuple[str, ...]) -> list[str]:
    from utils.metrics import kecamatan_whatif

    rows, ref = cached.kecamatan_coverage(), cached.kecamatan_table()
    return [] if rows is None or ref is None else kecamatan_whatif.regencies_with_data(rows, ref)


@st.cache_resource(show_spinner=False, max_entries=8)
def _kecamatan_baseline(regency: str, version: tuple[str, ...],
                        digest: str) -> tuple[str, dict[str, pd.DataFrame]] | None:
    from utils.metrics import kecamatan_whatif

    rows, ref = cached.kecamatan_coverage(), cached.kecamatan_table()
    if rows is None or ref is None:
        return None
    return kecamatan_whatif.baselines(rows, ref, cached.target_table(), cached.indicator_defs(),
                                      regency)


def kecamatan_baseline(regency: str) -> tuple[str, dict[str, pd.DataFrame]] | None:
    """:func:`utils.metrics.kecamatan_whatif.baselines` of one regency (its latest period,
    one frame per indicator), shared and read-only like :func:`scenario_baseline`."""
    return _kecamatan_baseline(regency, *cached._rerun_key())


@st.cache_resource(show_spinner=False, max_entries=48,
                   hash_funcs={Scenario: Scenario.key})
def _kecamatan_result(choice: Scenario, version: tuple) -> tuple[pd.DataFrame, object] | None:
    from utils.metrics import whatif as model

    found = kecamatan_baseline(choice.kecamatan_of or "")
    if found is None:
        return None
    result = model.evaluate(found[1][choice.indicator], choice, choice.indicator)
    return result, model.totals(result)


def level_result(indicator: str, choice: Scenario) -> tuple[pd.DataFrame, object] | None:
    """:func:`scenario_result`, or the same over the kecamatan of ``choice.kecamatan_of``."""
    if not choice.kecamatan_of:
        return cached.scenario_result(indicator, choice)
    return _kecamatan_result(choice.reads(indicator), cached._rerun_key())


@st.cache_resource(show_spinner=False, max_entries=4)
def kecamatan_pace(version: tuple[str, ...], regency: str,
                   period: str) -> dict[str, pd.DataFrame]:
    """:func:`pace_history` of one regency's kecamatan (pass :func:`data_version`)."""
    from utils.metrics import goal_seek

    rows = cached.kecamatan_coverage()
    if rows is None:
        return {}
    own = rows[rows["code"].astype(str).str.startswith(f"{regency}.")]
    return {i: goal_seek.history(own, i, period) for i in cached.indicator_defs()}


@st.cache_resource(show_spinner=False, max_entries=48,
                   hash_funcs={Scenario: Scenario.key})
def _kecamatan_goal_table(choice: Scenario, period: str, version: tuple) -> pd.DataFrame | None:
    from utils.metrics import goal_seek

    found = _kecamatan_result(choice, version)
    if found is None:
        return None
    paces = kecamatan_pace(cached.data_version(), choice.kecamatan_of or "", period)
    past = paces.get(choice.indicator)
    return goal_seek.goal_table(found[0], goal_seek.no_history() if past is None else past,
                                choice.months, choice.growth)


def level_goal_table(indicator: str, choice: Scenario, period: str) -> pd.DataFrame | None:
    """:func:`goal_table`, or the same over the kecamatan of ``choice.kecamatan_of``."""
    if not choice.kecamatan_of:
        return cached.goal_table(indicator, choice, period)
    return _kecamatan_goal_table(choice.reads(indicator), period, cached._rerun_key())


def kecamatan_level():
    """The kecamatan reference and the kecamatan rows shown
    (:class:`utils.metrics.attainment.KecamatanLevel`), or ``None`` when either is missing."""
    from utils.metrics.attainment import KecamatanLevel

    reference, rows = cached.kecamatan_table(), cached.kecamatan_coverage()
    return None if reference is None or rows is None else KecamatanLevel(reference, rows)


def regency_deck(period: str, code: str, lang: str) -> list:
    """The briefing's slides for one regency compared over its kecamatan, per data
    version; kecamatan its map file has no shape for are named under the map."""
    found = kecamatan_geometry(code)
    return _regency_deck(cached.data_version(), period, code, lang,
                         () if found is None else tuple(sorted(found[1])))


@st.cache_data(show_spinner=False, max_entries=32)
def _regency_deck(version: tuple[str, ...], period: str, code: str, lang: str,
                  shapes: tuple[str, ...]) -> list:
    from utils.report import deck as slides

    level = kecamatan_level()
    unmapped = () if level is None or not shapes else sorted(
        set(regions.kecamatan_of(level.reference, code)["code"]) - set(shapes))
    return slides.deck(cached.current_coverage(), cached.region_table(), cached.target_table(),
                       cached.indicator_defs(), period, code, lang, level, unmapped)


def kecamatan_topology(regency: str) -> dict | None:
    """A regency's kecamatan map file as a dict (:func:`_kecamatan_file`); ``None`` when
    none was built."""
    found = _kecamatan_file(regency)
    return None if found is None else cached._topology(str(found[0]))
