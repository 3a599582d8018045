"""The map page below the regency: one regency's kecamatan (``?wil=64.02``).

The map page keeps its controls and calls :func:`draw` when its scope is a
regency (:mod:`pages.support.map_drill` leads there): the regency map's legend,
colours and strip for its kecamatan, drawn from the regency's own map file, the
regency's figure (never a partial sum), and the ranked kecamatan table.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from pages.support import cached, cached_kecamatan, change_view, chrome
from utils.charts import choropleth as charts
from utils.formatting import format_date, format_percent, join_names, plain
from utils.i18n import t
from utils.ingest import export, provenance
from utils.metrics import attainment, coverage, map_view
from utils.metrics.map_view import MapState
from utils.metrics.targets import Target
from utils.report import scope_words

# --- one regency's kecamatan --------------------------------------------------------------


def said(key: str, lang: str, unit: str, **values: object) -> str:
    """:func:`utils.i18n.t` with the kecamatan's word (``units``, ``Units``) filled in."""
    return t(key, lang, units=unit, Units=unit.capitalize(), **values)


def units(state: MapState, lang: str) -> str:
    """``kecamatan``, or ``distrik`` in the Papua provinces (the reference's ``kind``)."""
    kecamatan = cached.kecamatan_table()
    kinds = set() if kecamatan is None else set(
        kecamatan.loc[kecamatan["regency_code"] == state.regency, "kind"])
    return t("kec_map_unit_distrik" if kinds == {"Distrik"} else "kec_map_unit_kecamatan", lang)


def scope_label(regency: str, present: int, total: int, unit: str, lang: str) -> str:
    """What a regency's kecamatan map covers: ``Kabupaten Kutai Kartanegara (20
    kecamatan)``, or ``(12 dari 20 kecamatan berdata)``; never national or provincial."""
    if present >= total:
        return said("kec_map_scope", lang, unit, regency=regency, total=total)
    return said("kec_map_scope_partial", lang, unit, regency=regency, present=present,
                total=total)


def target_words(target: Target | None, names: dict[str, str], lang: str) -> str:
    """Whose target is in force, as the map's legend names it."""
    if target is None:
        return t("map.no_target", lang)
    if target.scope == "national":
        return t("map.target_national", lang, year=target.year)
    return t("map.target_province", lang, province=names.get(target.scope, target.scope),
             year=target.year)


def target_of(scope: str, names: dict[str, str], unit: str, lang: str) -> str:
    """The table's "Target dari": ``nasional``, the province's or the regency's name."""
    if not scope:
        return ""
    if scope == "national":
        return t("kec_map_target_of_national", lang)
    return names.get(scope) or said("kec_map_target_of_own", lang, unit)


def _labels(target: Target | None, names: dict[str, str], regency: str, lang: str) -> dict:
    percent = format_percent(target.percent, lang) if target else ""
    return {
        "legend": t("map.legend", lang, target=t("map.legend_target", lang, percent=percent,
                                                 label=target_words(target, names, lang)))
        if target else t("map.legend_no_target", lang),
        "no_data": t("map.no_data", lang), "region": t("map.col.region", lang),
        "percent": t("map.col.percent", lang), "numerator": t("map.col.numerator", lang),
        "denominator": t("map.col.denominator", lang), "target": t("map.col.target", lang),
        "gap": t("map.col.gap", lang),
        "rank_province": t("kec_map_rank", lang, regency=regency),
    }


def regency_figure(state: MapState) -> tuple[attainment.ScopeTotal, str, tuple | None]:
    """The regency's own figure (its row, or the sum of all its kecamatan), how it was
    obtained (``own``, ``summed``) and, when only some kecamatan have data, their
    ``(present, total)`` (the regency then has no figure)."""
    table = cached.current_coverage()
    rows = coverage.select(table, state.indicator, state.period) if table is not None else None
    whole = (attainment.scope_total(rows, cached.region_table(), state.regency)
             if rows is not None else attainment.ScopeTotal(None, None, None))
    summed, partial = cached.kecamatan_rollup(), None
    how = "own"
    if summed is not None:
        if (state.period, state.regency, state.indicator) in summed.summed():
            how = "summed"
        marks = summed.partial
        mine = marks[(marks["regency_code"] == state.regency)
                     & (marks["indicator"] == state.indicator) & (marks["period"] == state.period)]
        if len(mine):
            partial = (int(mine["present"].iloc[0]), int(mine["total"].iloc[0]))
    return whole, how, partial


def draw(state: MapState, lang: str, *, names: dict[str, str], indicator_label: str,
         go_to: Callable[[str], None], screen: bool, phone: bool, font: int) -> None:
    """Everything under the map page's controls for a regency's kecamatan."""
    rows = cached_kecamatan.kecamatan_map_rows(state)
    regency, province = names[state.regency], names[state.province]
    unit = units(state, lang)
    target = cached.target_in_force(state.indicator, int(state.period[:4]), state.regency)
    with_data = rows[rows["percent"].notna()]
    covers = scope_label(regency, len(with_data), len(rows), unit, lang)
    title = t("map.title_map", lang, indicator=indicator_label, scope=covers,
              date=format_date(state.period, lang))
    heading, back = st.columns([5, 2], vertical_alignment="center")
    heading.subheader(t("kec_map_crumb_title", lang, province=province, title=title))
    crumbs = back.container(horizontal=True)  # the breadcrumb's steps lead back
    crumbs.button(t("map.back", lang), icon=":material/arrow_back:", on_click=go_to, args=("",),
                  key="map_crumb_indonesia")
    crumbs.button(province, icon=":material/arrow_back:", on_click=go_to,
                  args=(state.province,), key="map_crumb_province")
    if screen:
        left, facts, right = st.container(), st.container(horizontal=True), st.container()
    else:
        facts, left, right = st.columns([1.1, 4, 1.3])
    _facts(facts, state, rows, target, names, unit, lang)
    labels = _labels(target, names, regency, lang)
    changes = change_view.rows(state, lang) if state.view == change_view.VIEW else None
    height = 360 if phone else (700 if screen else 536)
    with left.container(key="map_chart"):
        _map(state, rows, target, labels, changes, unit, height, lang, screen, font)
    with right:
        st.markdown(f"**{t('map.strip', lang)}**", help=said("kec_map_strip_help", lang, unit))
        strip = charts.ranked_strip(None, rows.drop(columns="province_name"),
                                    target.percent if target else None, labels, lang,
                                    height=max(600, 34 * len(with_data)) if screen else 600,
                                    named=True, font=font - 2 if screen else 13)
        st.vega_lite_chart(strip, width="stretch", key="map_strip")
    _below(state, rows, target, names, regency, unit, changes, lang)


def _facts(facts, state: MapState, rows: pd.DataFrame, target: Target | None,
           names: dict[str, str], unit: str, lang: str) -> None:
    """The regency's figure (never a partial sum), its target, and the kecamatan counts."""
    whole, how, partial = regency_figure(state)
    regency = names[state.regency]
    value = format_percent(whole.percent, lang) if whole.percent is not None else "–"
    facts.metric(t("kec_map_headline", lang, regency=regency), value,
                 help=t("kec_map_headline_help", lang, how=t("kec_map_summed", lang)
                        if how == "summed" else t("kec_map_headline_own", lang))
                 if whole.percent is not None else None)
    if whole.percent is None and partial:
        facts.caption(t("kec_map_partial_headline", lang, regency=regency, present=partial[0],
                        total=partial[1]))
    elif how == "summed":
        facts.caption(t("kec_map_summed", lang).capitalize())
    facts.metric(target_words(target, names, lang),
                 format_percent(target.percent, lang) if target else "–")
    with_data = int(rows["percent"].notna().sum())
    facts.metric(t("map.meeting", lang),
                 scope_words.among(int(rows["meets"].fillna(False).sum()), with_data, len(rows),
                                   lang))
    facts.metric(said("kec_map_with_data", lang, unit),
                 t("map.meeting_value", lang, count=with_data, total=len(rows)))


def _map(state: MapState, rows: pd.DataFrame, target: Target | None, labels: dict,
         changes: pd.DataFrame | None, unit: str, height: int, lang: str, screen: bool,
         font: int) -> None:
    """The legend, the notes on what is not drawn, and the kecamatan map."""
    st.container(key="map_legend").html(
        change_view.legend(changes, state.period, lang, font if screen else 15)
        if changes is not None else
        charts.legend_html(target.percent if target else None, labels, lang,
                           size=font if screen else 15))
    if state.view == "petak":  # the tile grid is of regencies: the kecamatan as a map
        st.caption(said("kec_map_tiles_fallback", lang, unit))
    regency = cached.region_names().get(state.regency, state.regency)
    if rows["percent"].isna().all():
        st.info(said("kec_map_no_rows", lang, unit, regency=regency))
    found = cached_kecamatan.kecamatan_geometry(state.regency)
    if found is None:
        st.info(said("kec_map_no_geometry", lang, unit, regency=regency))
        return
    url, drawn = found
    lacking = rows.loc[~rows["code"].isin(drawn), "name"].sort_values()
    if len(lacking):
        st.caption(t("kec_map_without_shape", lang, names=plain(join_names(list(lacking), lang))))
    if changes is not None:  # the same map file: fetched once for both views
        chart = change_view.chart(changes, url, state, lang, height, None)
    else:
        chart = charts.choropleth(url, rows.drop(columns="province_name"),
                                  target.percent if target else None, labels, lang,
                                  height=height, province_borders=False,
                                  level=charts.KECAMATAN, named=True, legend=False)
    st.vega_lite_chart(chart, width="stretch", key=f"map_click_{state.scope}_{state.view}")


def _below(state: MapState, rows: pd.DataFrame, target: Target | None, names: dict[str, str],
           regency: str, unit: str, changes: pd.DataFrame | None, lang: str) -> None:
    """Under the map: what has no data, whose target applies, the source, the table."""
    missing = rows.loc[rows["percent"].isna(), "name"]
    if len(missing) and len(missing) < len(rows):
        st.caption(t("map.missing", lang, names=plain(join_names(list(missing), lang))))
    above = int((rows["percent"] > 100).sum())
    if above:
        st.caption(t("map.above_100", lang, count=above))
    st.caption(said("kec_map_target_inherited", lang, unit, regency=regency,
                    label=target_words(target, names, lang),
                    percent=format_percent(target.percent, lang))
               if target else said("kec_map_target_none", lang, unit, regency=regency))
    in_use = cached.data_in_use()
    st.caption(plain(provenance.caption(in_use, lang, state.period, state.indicator,
                                        state.regency)))
    source = provenance.source_text(in_use, lang, state.period, state.indicator, state.regency)
    if changes is not None:
        st.subheader(t("change.table", lang))
        change_view.notes(changes, state, lang, source)
    st.subheader(said("kec_map_table", lang, unit))
    st.caption(t("kec_map_table_help", lang))
    shown = table(rows, names, unit, lang)
    headers = {c: column_header(c, unit, lang) for c in shown.columns}
    st.dataframe(map_view.styled(shown, lang),
                 column_config={c: st.column_config.Column(h) for c, h in headers.items()},
                 hide_index=True, width="stretch")
    stem = f"capaian_{state.indicator}_{state.period}_{state.regency}_kecamatan"
    chrome.table_downloads(lambda: export.labelled(shown.rename(columns=headers), source, lang),
                           stem, (t("map.download_csv", lang), t("map.download_xlsx", lang)),
                           "map_download", [1, 1, 4])


def table(rows: pd.DataFrame, names: dict[str, str], unit: str, lang: str) -> pd.DataFrame:
    """The ranked kecamatan table with its status and whose target it is in words."""
    out = map_view.kecamatan_frame(rows)
    out["status"] = [t(f"kec_map_status_{s}", lang) for s in out["status"]]
    out["target_of"] = [target_of(s, names, unit, lang) for s in out["target_of"]]
    return out


def column_header(column: str, unit: str, lang: str) -> str:
    """The kecamatan table's column headers, in ``lang``."""
    own = {"rank": "kec_map_col_rank", "code": "kec_map_col_code", "region": "kec_map_col_region",
           "target_of": "kec_map_col_target_of", "status": "kec_map_col_status"}
    if column in own:
        return said(own[column], lang, unit)
    return t(f"map.col.{column}", lang)
