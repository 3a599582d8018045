"""Streamlit caching wrappers around ``utils`` loaders (the only such module)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from pages.support import geometry_files
from utils import demo
from utils.geo import boundary_sets
from utils.geo import cache_record as builds
from utils.ingest import importer, provenance
from utils.ingest.store_backend import open_store
from utils.metrics import indicators, kecamatan, map_view, regions, targets
from utils.metrics.whatif_state import Scenario


@st.cache_data(show_spinner=False)
def region_table() -> pd.DataFrame:
    """The region reference (provinces and regencies)."""
    return regions.read_regions(builds.cache_dir() / "regions.csv")


@st.cache_data(show_spinner=False)
def region_names() -> dict[str, str]:
    """Code → official name of every province and regency (built once)."""
    return regions.names(region_table())


def kecamatan_table() -> pd.DataFrame | None:
    """The kecamatan reference (7,285 rows; ``None`` without), per file and modification."""
    path = builds.cache_dir() / "kecamatan.csv"
    return _kecamatan(str(path), path.stat().st_mtime_ns) if path.is_file() else None


@st.cache_data(show_spinner=False, max_entries=4)
def _kecamatan(path: str, mtime: int) -> pd.DataFrame:
    return regions.read_kecamatan(Path(path))


def boundary_root() -> boundary_sets.Sets:
    """Where the boundary sets built from offices' own files are (the data store's
    folder, or its database)."""
    return boundary_sets.sets_at(data_version()[0])


def boundary_set() -> str:
    """Id of the boundary set the maps show in this rerun (``""``: the upstream build)."""
    if "boundary_set" not in st.session_state:
        start_rerun()
    return st.session_state["boundary_set"]


def boundary_record(set_id: str | None = None) -> dict | None:
    """Record of ``set_id`` (default: the active set); ``None`` for the upstream build."""
    set_id = boundary_set() if set_id is None else set_id
    return _set_record(data_version()[0], set_id) if set_id else None


@st.cache_data(show_spinner=False, max_entries=16)
def _set_record(location: str, set_id: str) -> dict | None:
    """A set's ``set.json``, read once: a committed set never changes."""
    return boundary_sets.read_set(boundary_sets.sets_at(location), set_id)


def maps_folder(set_id: str | None = None) -> Path:
    """The served ``maps/`` folder of ``set_id`` (default: the active set)."""
    return boundary_sets.maps_of(boundary_root(), boundary_set() if set_id is None else set_id)


def geometry_url(name: str = "national.topo.json", set_id: str | None = None) -> str:
    """Browser address of a map file of ``set_id`` (default: the active set),
    versioned by the build's digest or the set's id."""
    set_id = boundary_set() if set_id is None else set_id
    return geometry_files.url(set_id, name, set_id or build_record().get("digest", "")[:12])


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


def start_rerun() -> None:
    """Read the store's active version set once for this rerun (``app.py`` calls it
    before the page runs); every cache below is keyed by it, so an accept or a
    rollback shows at once and ``state.json`` is read once per rerun, not per cache."""
    from pages.support import store_watch

    # the folder store, or PostgreSQL: every replica reads the same
    st.session_state["data_version"], st.session_state["boundary_set"] = store_watch.store_now()


def data_version() -> tuple[str, ...]:
    """The key of the data shown in this rerun: the store and its active versions."""
    if "data_version" not in st.session_state:
        start_rerun()
    return st.session_state["data_version"]


@st.cache_data(show_spinner=False)
def _accepted(version: tuple[str, ...]) -> pd.DataFrame | None:
    return open_store(version[0]).current()


def accepted_coverage() -> pd.DataFrame | None:
    """Accepted imports of every level (long format, ``is_demo`` False), per data version."""
    return _accepted(data_version())


def all_levels() -> pd.DataFrame | None:
    """Accepted data of every level when there is any, else the demo data (never mixed)."""
    accepted = accepted_coverage()
    return accepted if accepted is not None and not accepted.empty else demo_coverage()


@st.cache_data(show_spinner=False)
def _levels(version: tuple[str, ...]) -> kecamatan.Levels:
    return kecamatan.levels(all_levels(), kecamatan_table())


def current_coverage() -> pd.DataFrame | None:
    """What the province and regency views show: accepted data when there is any,
    else the demo data (never mixed); regencies without a row of their own get the
    sum of their kecamatan only when all are present (:mod:`utils.metrics.kecamatan`)."""
    return _levels(data_version())[0]


def kecamatan_rollup() -> kecamatan.Rollup | None:
    """Which regency figures were summed from kecamatan, which regencies are partial."""
    return _levels(data_version())[1]


def kecamatan_coverage() -> pd.DataFrame | None:
    """The kecamatan rows of the data shown (the source of :func:`current_coverage`)."""
    return _levels(data_version())[2]


@st.cache_data(show_spinner=False)
def _data_in_use(version: tuple[str, ...]) -> provenance.DataInUse:
    store, active = open_store(version[0]), list(version[1:])
    return provenance.describe(store.versions(), active, {v: store.data(v) for v in active})


def data_in_use() -> provenance.DataInUse:
    """:func:`utils.ingest.provenance.describe` of what :func:`current_coverage`
    shows (the active versions and where each figure comes from, or demo data)."""
    return _data_in_use(data_version())


@st.cache_data(show_spinner=False, max_entries=64)
def _map_rows(state: map_view.MapState, version: tuple[str, ...]) -> pd.DataFrame:
    table = current_coverage()
    return map_view.view_table(table, region_table(), target_table(), state)


def map_rows(state: map_view.MapState) -> pd.DataFrame:
    """The map page's rows for ``state``, cached per accepted-data version."""
    return _map_rows(state, data_version())


@st.cache_data(show_spinner=False, max_entries=32)
def _change_rows(state: map_view.MapState, version: tuple[str, ...]) -> pd.DataFrame:
    from utils.metrics import change

    return change.change_table(current_coverage(), region_table(), state.indicator, state.period,
                               state.regions_level, state.scope)


def change_rows(state: map_view.MapState) -> pd.DataFrame:
    """:func:`utils.metrics.change.change_table` of ``state``, per accepted-data version."""
    return _change_rows(state, data_version())


def tile_layout() -> pd.DataFrame:
    """The tile-grid layout built with the boundaries (``tilegrid.csv``)."""
    return _tile_layout(str(maps_folder() / "tilegrid.csv"))


@st.cache_data(show_spinner=False, max_entries=4)
def _tile_layout(path: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"code": str, "province_code": str})


@st.cache_data(show_spinner=False)
def build_record() -> dict:
    """What the last boundary build recorded (sizes, counts)."""
    return builds.read_info() or {}


@st.cache_resource(show_spinner=False)
def keys_component():
    """The briefing's keyboard component (``pages/support/keys/index.html``, no build step)."""
    return components.declare_component("keys", path=str(Path(__file__).parent / "keys"))


def topology(name: str = "national.topo.json") -> dict:
    """A map file of the active set as a dict, shared and never changed (inlined
    into charts rendered to PNG/SVG)."""
    return _topology(str(maps_folder() / name))


@st.cache_resource(show_spinner=False, max_entries=48)
def _topology(path: str) -> dict:
    import json

    return json.loads(Path(path).read_text(encoding="utf-8"))


@st.cache_data(show_spinner=False, max_entries=64)
def chart_file(spec_json: str, fmt: str) -> bytes:
    """A chart rendered to ``png`` or ``svg`` (slow: ~1 s for the national map)."""
    import json

    from utils.charts import projector

    return projector.render(json.loads(spec_json), fmt)


# A resource, not data: every what-if move reads the three frames, and
# cache_data would unpickle a copy each time (about 0.5 ms). Nobody writes to
# them, and pandas' copy-on-write keeps any derived frame from reaching back.
@st.cache_resource(show_spinner=False, max_entries=2)
def _scenario_baseline(version: tuple[str, ...],
                       digest: str) -> tuple[str, dict[str, pd.DataFrame]] | None:
    from utils.metrics import coverage
    from utils.metrics import whatif as model

    table = current_coverage()
    if table is None or table.empty:
        return None
    period, regions, registry = coverage.latest_period(table), region_table(), target_table()
    bases = {ind: model.baseline(coverage.select(table, ind, period), regions,
                                 model.in_force_targets(registry, ind, int(period[:4]), regions))
             for ind in indicator_defs()}
    return period, bases


def _rerun_key() -> tuple[tuple[str, ...], str]:
    """Data version and boundary build: what the what-if results depend on."""
    return data_version(), build_record().get("digest", "") + boundary_set()


def scenario_baseline() -> tuple[str, dict[str, pd.DataFrame]] | None:
    """The what-if baseline: latest period and one :func:`utils.metrics.whatif.baseline`
    frame per indicator (targets in force attached); cached per data version."""
    return _scenario_baseline(*_rerun_key())


@st.cache_resource(show_spinner=False, max_entries=48,
                   hash_funcs={Scenario: Scenario.key})
def _scenario_result(choice: Scenario, version: tuple) -> tuple[pd.DataFrame, object] | None:
    from utils.metrics import whatif as model

    found = scenario_baseline()
    if found is None:
        return None
    result = model.evaluate(found[1][choice.indicator], choice, choice.indicator)
    return result, model.totals(result)


def scenario_result(indicator: str, choice: Scenario) -> tuple[pd.DataFrame, object] | None:
    """:func:`utils.metrics.whatif.evaluate` and ``totals`` of one indicator, remembered
    per the choices that indicator reads (:meth:`Scenario.reads`): moving one target
    leaves the others' results as they were (shared and read-only, like the baseline)."""
    return _scenario_result(choice.reads(indicator), _rerun_key())


@st.cache_resource(show_spinner=False, max_entries=2)
def pace_history(version: tuple[str, ...], period: str) -> dict[str, pd.DataFrame]:
    """:func:`utils.metrics.goal_seek.history` of every indicator up to ``period``, per data
    version (pass :func:`data_version`); shared and read-only, like the baseline."""
    from utils.metrics import goal_seek

    table = current_coverage()
    return {} if table is None else {i: goal_seek.history(table, i, period)
                                     for i in indicator_defs()}


@st.cache_resource(show_spinner=False, max_entries=48,
                   hash_funcs={Scenario: Scenario.key})
def _goal_table(choice: Scenario, period: str, version: tuple) -> pd.DataFrame | None:
    from utils.metrics import goal_seek

    found = _scenario_result(choice, version)
    if found is None:
        return None
    past = pace_history(data_version(), period).get(choice.indicator)
    return goal_seek.goal_table(found[0], goal_seek.no_history() if past is None else past,
                                choice.months, choice.growth)


def goal_table(indicator: str, choice: Scenario, period: str) -> pd.DataFrame | None:
    """:func:`utils.metrics.goal_seek.goal_table` of one indicator, remembered like
    :func:`scenario_result` (moving one target leaves the other tables as they were)."""
    return _goal_table(choice.reads(indicator), period, _rerun_key())


@st.cache_data(show_spinner=False, max_entries=32)
def briefing_deck(table: pd.DataFrame, period: str, code: str | None, lang: str) -> list:
    """The briefing's slides for one scope, period and language."""
    from utils.report import deck as slides

    return slides.deck(table, region_table(), target_table(), indicator_defs(), period, code,
                       lang)


@st.cache_data(show_spinner=False, max_entries=256)
def target_in_force(indicator: str, year: int, code: str | None) -> targets.Target | None:
    """:func:`utils.metrics.targets.target_for` on the registry, remembered per question."""
    return targets.target_for(target_table(), indicator, year, code)


def crosswalk_table() -> pd.DataFrame | None:
    """BPS and older Kemendagri codes → today's (``None`` when the build has none),
    remembered per file and its modification time (a rebuild is seen at once)."""
    path = builds.cache_dir() / "crosswalk.csv"
    return _crosswalk(str(path), path.stat().st_mtime_ns) if path.is_file() else None


@st.cache_data(show_spinner=False, max_entries=4)
def _crosswalk(path: str, mtime: int) -> pd.DataFrame:
    return regions.read_crosswalk(Path(path))


def import_context() -> importer.Context:
    """What the importer checks a file against: regions, code crosswalk, indicators, header
    keywords, published figures and the kecamatan (shared, read-only; per cache folder)."""
    return _import_context(str(builds.cache_dir()))


@st.cache_resource(show_spinner=False, max_entries=4)
def _import_context(folder: str) -> importer.Context:
    from utils.ingest.columns import load_vocabulary
    from utils.metrics.published import load_published

    defs = indicator_defs()
    return importer.Context(region_table(), defs, load_vocabulary(defs), load_published(),
                            crosswalk_table(), kecamatan_table())


@st.cache_data(show_spinner=False, max_entries=16)
def _import_report(sha256: str, name: str, choices: tuple, today: str, companion_sha: str,
                   _data: bytes, _companion: tuple[str, bytes] | None) -> importer.Report:
    return importer.analyse(_data, name, import_context(), companion=_companion,
                            **dict(choices))


def import_report(sha256: str, data: bytes, name: str, *,
                  companion: tuple[str, bytes] | None = None, **choices) -> importer.Report:
    """:func:`utils.ingest.importer.analyse` of an upload against :func:`import_context`,
    remembered per file (``sha256`` of ``data``, and of the paired ``companion`` file),
    name, choices (``sheet``, ``period``, ``mapping``, ``decisions``, ``aliases``,
    ``scheme``, ``year_periods``, ``regency``) and day (a period after today is warned of), so a
    rerun checks the file only when a choice changed. A copy is returned each time:
    the caller may change it."""
    import datetime as dt
    import hashlib

    key = tuple(sorted(choices.items()))
    companion_sha = hashlib.sha256(companion[1]).hexdigest() if companion else ""
    return _import_report(sha256, name, key, dt.date.today().isoformat(), companion_sha, data,
                          companion)
