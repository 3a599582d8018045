"""Maps of scenarios side by side, all in one colour scale.

Every map colours a regency by how far it stands from *its own* target on
that side (the target in force for the baseline, the scenario's target for a
scenario), in percentage points, with one class scheme shared by all the
maps: the same colour means the same distance from the target on every map,
so two maps can be read against each other. The classes and colours are the
coverage map's (:mod:`utils.charts.choropleth`: four orange classes below the
target, light purple at or above it up to 100 %, dark purple above 100 %,
grey for no data); their widths follow that map's rule for the lowest target
compared (:func:`shared_steps`).

A region's class never contradicts its status: the model's ``meets`` decides
between "below" (classes 0–3) and "meets" (4–5); the distance only chooses
among the classes below.

Each map is one spec built once (:func:`map_template`, no legend: one HTML
legend serves all, :func:`legend_html`) whose rows are a named dataset
filled per side (:func:`map_spec`); every map names the same geometry
address, so the maps differ in their rows only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from html import escape

import altair as alt
import numpy as np
import pandas as pd

from utils.charts import choropleth as charts
from utils.charts.whatif import fill
from utils.formatting import format_number, format_percent, format_percent_against

SIDE = "side"
"""Name of the dataset a map's rows travel in."""
DEFAULT_STEPS = (10.0, 5.0, 2.0)


def shared_steps(targets: Iterable[float]) -> tuple[float, float, float]:
    """Widths (points below the target) of the classes below the target, for every map.

    The coverage map's rule (:func:`utils.charts.choropleth.class_breaks`)
    applied to the lowest known target of all the maps, so one scheme fits all.

    Examples
    --------
    >>> shared_steps([99.4, 98.0]), shared_steps([99.4, 85.0]), shared_steps([])
    ((10.0, 5.0, 2.0), (30.0, 20.0, 10.0), (10.0, 5.0, 2.0))
    """
    known = [float(t) for t in targets if t is not None and not np.isnan(t)]
    if not known:
        return DEFAULT_STEPS
    low = min(known)
    breaks = charts.class_breaks(low)
    a, b, c = (round(low - x, 2) for x in breaks[:3])
    return a, b, c


def slots(figures: pd.DataFrame, steps: tuple[float, float, float]) -> pd.Series:
    """Colour slot (:data:`utils.charts.choropleth.PALETTE`) per regency.

    Parameters
    ----------
    figures : pandas.DataFrame
        ``percent``, ``target`` and ``meets`` (nullable boolean, the model's
        verdict), e.g. :func:`utils.metrics.scenario_diff.side_figures`.
    steps : tuple of float
        :func:`shared_steps`.

    Returns
    -------
    pandas.Series
        int8: 0–3 below the target (0 farthest), 4 meets (up to 100 %), 5
        meets above 100 %, :data:`~utils.charts.choropleth.NO_DATA_SLOT` when
        the status is unknown.
    """
    meets = figures["meets"].astype("boolean")
    known = meets.notna().to_numpy()
    ok = meets.fillna(False).to_numpy(dtype=bool)
    percent = pd.to_numeric(figures["percent"]).to_numpy(dtype=float, na_value=np.nan)
    target = pd.to_numeric(figures["target"]).to_numpy(dtype=float, na_value=np.nan)
    limits = [-steps[0], -steps[1], -steps[2]]
    below = np.minimum(np.searchsorted(limits, np.nan_to_num(percent - target), side="right"), 3)
    top = np.where(percent > 100, 5, 4)
    out = np.where(known, np.where(ok, top, below), charts.NO_DATA_SLOT)
    return pd.Series(out.astype("int8"), index=figures.index)


def map_rows(figures: pd.DataFrame, steps: tuple[float, float, float], status: Mapping[str, str],
             lang: str) -> pd.DataFrame:
    """What one map needs per regency (numbers already written in ``lang``).

    Parameters
    ----------
    figures : pandas.DataFrame
        ``code`` and the :data:`utils.metrics.scenario_diff.FIELDS`.
    steps : tuple of float
        :func:`shared_steps`.
    status : mapping
        Words for ``meets``, ``below`` and ``no_data``.
    lang : str
        Language of the numbers.

    Returns
    -------
    pandas.DataFrame
        ``id`` (numeric code), ``s`` (slot), ``p`` (coverage under the
        rounding rule against the target), ``g`` (target), ``k`` (gap in
        people) and ``m`` (status); texts are categorical.
    """
    meets = figures["meets"].astype("boolean")
    word = np.where(meets.isna(), status["no_data"],
                    np.where(meets.fillna(False), status["meets"], status["below"]))
    percent = [format_percent_against(p, None if pd.isna(g) else g, lang,
                                      None if pd.isna(m) else bool(m))
               for p, g, m in zip(figures["percent"], figures["target"], meets, strict=True)]
    return pd.DataFrame({
        "id": charts.numeric_codes(figures["code"]).to_numpy(),
        "s": slots(figures, steps).to_numpy(),
        "p": pd.Categorical(percent),
        "g": pd.Categorical([format_percent(g, lang) for g in figures["target"]]),
        "k": pd.Categorical([format_number(k, lang) for k in figures["gap"]]),
        "m": pd.Categorical(word),
    })


def scenario_map(geometry_url: str, texts: Mapping[str, str], height: int = 300) -> alt.LayerChart:
    """One side's map: regencies by slot (no legend), province borders on top.

    Parameters
    ----------
    geometry_url : str
        The national map file (the same address for every map).
    texts : mapping
        Tooltip titles: ``region``, ``percent``, ``target``, ``gap``,
        ``status``; and ``no_data`` for a regency without a row.
    height : int
        Pixels; the width follows the container.
    """
    base = alt.Chart(charts.map_data(geometry_url))
    regions = (
        base.transform_filter(charts.level_test("regency"))
        .transform_calculate(key=charts.code_key())
        .transform_lookup(lookup="key", from_=alt.LookupData(
            alt.NamedData(SIDE), "id", ["s", "p", "g", "k", "m"]))
        .transform_calculate(
            slot=f"isValid(datum.s) ? datum.s : {charts.NO_DATA_SLOT}",
            m=f"isValid(datum.m) ? datum.m : {json.dumps(texts['no_data'], ensure_ascii=False)}",
            aria="datum.properties.name + ': ' + datum.m + (isValid(datum.p) ? ', ' + datum.p"
                 " : '')")
        .mark_geoshape(stroke=charts.BORDER, strokeWidth=0.3)
        .encode(
            color=alt.Color("slot:N", scale=alt.Scale(domain=list(range(len(charts.PALETTE))),
                                                      range=charts.PALETTE), legend=None),
            tooltip=[alt.Tooltip("properties.name:N", title=texts["region"]),
                     alt.Tooltip("m:N", title=texts["status"]),
                     alt.Tooltip("p:N", title=texts["percent"]),
                     alt.Tooltip("g:N", title=texts["target"]),
                     alt.Tooltip("k:N", title=texts["gap"])],
            description="aria:N",
        )
    )
    return charts.framed([regions, charts.border_layer(base, 0.8)], height)


@lru_cache(maxsize=16)
def _map_template(geometry_url: str, items: tuple[tuple[str, str], ...], height: int) -> dict:
    return charts.spec(scenario_map(geometry_url, dict(items), height))


def map_template(geometry_url: str, texts: Mapping[str, str], height: int = 300) -> dict:
    """:func:`scenario_map` as a Vega-Lite dict, built once per texts and size."""
    return _map_template(geometry_url, tuple(sorted(texts.items())), height)


def map_spec(template: dict, rows: pd.DataFrame) -> dict:
    """A copy of :func:`map_template` holding one side's :func:`map_rows`."""
    return fill(template, {SIDE: rows})


def legend_html(title: str, names: list[str]) -> str:
    """The one legend of all the maps: a swatch and a text per slot, no data last.

    ``names`` are the six slot names (lowest first) and the no-data name.
    """
    if len(names) != len(charts.PALETTE):
        raise ValueError(f"{len(charts.PALETTE)} names expected, not {len(names)}")
    keys = "".join(f'<span class="cp-key" role="listitem"><i style="background:{c}"></i>'
                   f"{escape(n)}</span>" for n, c in zip(names, charts.PALETTE, strict=True))
    return (f'{charts.LEGEND_CSS}<div class="cp-legend" role="list" aria-label="{escape(title)}">'
            f'<span class="cp-legend-title">{escape(title)}</span>{keys}</div>')
