"""Map page: coverage per province or regency against the target, state in the URL."""

from __future__ import annotations

import streamlit as st

from pages.support import cached, change_view, chrome, map_drill, map_kecamatan
from utils.charts import choropleth as charts
from utils.charts import tiles
from utils.formatting import (
    format_date,
    format_number,
    format_percent,
    format_percent_against,
    join_names,
    plain,
)
from utils.i18n import t
from utils.ingest import export, provenance
from utils.metrics import attainment, coverage, map_view
from utils.metrics import regions as region_ref
from utils.report import boundary_report, completeness, scope_words

KEYS = {
    "indicator": "map_indicator",
    "period": "map_period",
    "scope": "map_scope",
    "level": "map_level",
    "view": "map_view",
}
SELECT = "pilih"
SCREEN_FONT = 24  # px: legend and ranking in the presentation layout, read from the back

lang = st.session_state.get("lang", "id")
table = map_drill.page_data(lang)  # also when only some kecamatan of a regency are in
if table is None:
    st.stop()
defs, regions = cached.indicator_defs(), cached.region_table()
names = cached.region_names()
provinces = region_ref.province_codes(regions)
periods = map_drill.periods(table)

# First visit: the widgets start from the link; afterwards the widgets lead.
linked = map_view.parse_state(st.query_params, list(defs), periods, provinces,
                              map_drill.linkable())
# One province's data opens on that province unless the link names a scope
# ("wil=ID": Indonesia), since its figure is not Indonesia's.
home = map_drill.home(table, regions)
if home and map_view.PARAMS["scope"] not in st.query_params:
    linked = map_view.MapState(linked.indicator, linked.period, home, linked.level, linked.view)
for field, key in KEYS.items():  # a regency's scope: its province, and the regency below
    st.session_state.setdefault(key, getattr(linked, "province" if field == "scope" else field))
st.session_state.setdefault(map_drill.KEY, linked.regency)


def go_to(province: str) -> None:
    """Drill into a province (or back to Indonesia with ``""``)."""
    st.session_state[KEYS["scope"]] = province
    map_drill.leave()


def clicked(key: str) -> None:
    """A click on the map: drill into the clicked region's province, or from a
    province into the clicked regency's kecamatan."""
    picked = st.session_state[key].selection.get(SELECT) or []
    if picked and picked[0].get(charts.REGION_CODE) in names:
        map_drill.clicked(picked[0][charts.REGION_CODE], indicator, period)
    elif picked and picked[0].get("province_code") in names:
        go_to(picked[0]["province_code"])


row = st.columns([3, 2, 3, 2, 2], vertical_alignment="bottom")
indicator = row[0].selectbox(
    t("map.indicator", lang),
    list(defs),
    key=KEYS["indicator"],
    format_func=lambda i: defs[i].label(lang),
)
period = row[1].selectbox(
    t("map.period", lang), periods, key=KEYS["period"], format_func=lambda p: format_date(p, lang)
)
scope = row[2].selectbox(
    t("map.scope", lang),
    ["", *provinces],
    key=KEYS["scope"],
    format_func=lambda c: names[c] if c else t("map.indonesia", lang),
    on_change=map_drill.leave,
)
level = row[3].radio(
    t("map.level", lang),
    map_view.LEVELS,
    key=KEYS["level"],
    horizontal=True,
    format_func=lambda v: t(f"map.level.{v}", lang),
    disabled=bool(scope) or st.session_state[KEYS["view"]] == "petak",
)
view = row[4].radio(
    t("map.view", lang),
    map_view.VIEWS,
    key=KEYS["view"],
    horizontal=True,
    format_func=lambda v: t(f"map.view.{v}", lang),
    help=t("map.view_help", lang),
)
# Presentation layout (?layar=penuh): the map across the screen in large type.
st.session_state.setdefault("map_screen", map_view.screen_layout(st.query_params))
screen = st.checkbox(t("map.screen", lang), key="map_screen", help=t("map.screen_help", lang))
if screen:
    st.set_page_config(initial_sidebar_state="collapsed")
map_drill.picker(st.sidebar if screen else st.columns([3, 7])[0], indicator, period, scope,
                 st.session_state.get(map_drill.KEY) or "", names, lang)
regency = st.session_state.get(map_drill.KEY) or ""  # Indonesia › province › regency
state = map_view.MapState(indicator, period, regency if regency[:2] == scope else scope,
                          level, view)
st.query_params.from_dict(
    {**map_view.state_params(state), **({"lang": lang} if lang != "id" else {}),
     **({map_view.PARAMS["scope"]: "ID"} if home and not scope else {})}
)

st.query_params.update(map_view.layout_params(screen))
# On a phone the map is as wide as the screen (~390 px), so all of Indonesia is
# ~150 px tall: a projector-sized box would leave bands of white around it.
PHONE = "Mobi" in (st.context.headers.get("User-Agent") or "")
if state.regions_level == map_view.KECAMATAN:  # one regency's kecamatan
    map_kecamatan.draw(state, lang, names=names, indicator_label=defs[indicator].label(lang),
                        go_to=go_to, screen=screen, phone=PHONE, font=SCREEN_FONT)
    st.stop()
rows = cached.map_rows(state)
target = cached.target_in_force(indicator, int(period[:4]), scope or None)
scope_name = names[scope] if scope else "Indonesia"
with_data = rows[rows["percent"].notna()]
changes = change_view.rows(state, lang) if view == change_view.VIEW else None  # ?tampil=perubahan
# The scope's own figure (partial or without a sum when rows lack counts), and
# per region how its figure was obtained: for the tooltip, captions and table.
scope_rows = coverage.select(table, indicator, period)
whole = attainment.scope_total(scope_rows, regions, scope or None)
fed, why = map_drill.fed_by_kecamatan(rows, state, lang)  # summed, or some kecamatan only
notes = map_drill.joined(completeness.row_notes(rows, lang), fed)
if (notes != "").any():
    rows = rows.assign(note=notes)
if (why != "").any():  # said instead of "tanpa data"
    rows = rows.assign(**{charts.MISSING_TEXT: why})
if target is None:
    target_label = t("map.no_target", lang)
elif target.scope == "national":
    target_label = t("map.target_national", lang, year=target.year)
else:
    target_label = t(
        "map.target_province", lang, province=names.get(target.scope, ""), year=target.year
    )

labels = {
    "legend": t(
        "map.legend",
        lang,
        target=t(
            "map.legend_target",
            lang,
            label=target_label,
            percent=format_percent(target.percent, lang),
        ),
    )
    if target
    else t("map.legend_no_target", lang),
    "no_data": t("map.no_data", lang),
    "region": t("map.col.region", lang),
    "province": t("map.col.province", lang),
    "percent": t("map.col.percent", lang),
    "numerator": t("map.col.numerator", lang),
    "denominator": t("map.col.denominator", lang),
    "target": t("map.col.target", lang),
    "gap": t("map.col.gap", lang),
    "rank_national": t("map.col.rank_national", lang),
}
if "note" in rows.columns:
    labels["note"] = t("map.col.note", lang)
if state.regions_level == "regency":
    labels["rank_province"] = t("map.col.rank_province", lang)
# The strip's height; the map's legend sits above the map within it. All of
# Indonesia is about 2.6 times wider than tall: a lower map wastes no screen.
height = 600 if scope else 520
LEGEND_HEIGHT = 64
map_height = (360 if scope else 180) if PHONE else height - LEGEND_HEIGHT
if screen:  # as wide as the screen, below the controls: Indonesia ~1550 × 580 px,
    map_height = 700 if scope else (800 if view == "petak" else 580)  # tiles ~25 px
heading, back = st.columns([6, 1], vertical_alignment="center")
# What the figures cover ("Kalimantan Timur" when only its data is in): the
# title, the headline and its caption name it alike; complete data: the scope.
reach = attainment.total_coverage(whole, scope or None, scope_name, regions, scope_rows)
covers = scope_words.scope_label(reach, lang)
title = t(
    "map.title_map",
    lang,
    indicator=defs[indicator].label(lang),
    scope=covers,
    date=format_date(period, lang),
)
heading.subheader(t("map.crumb_title", lang, title=title) if scope else title)
if scope:  # the breadcrumb leads back
    back.button(
        t("map.back", lang),
        icon=":material/arrow_back:",
        on_click=go_to,
        args=("",),
        width="stretch",
    )
geometry = cached.geometry_url(f"province/{scope}.topo.json" if scope else "national.topo.json")
if screen:  # the map across the screen, then the figures in a row, then the ranking
    left, facts, right = st.container(), st.container(horizontal=True), st.container()
else:
    facts, left, right = st.columns([1.1, 4, 1.3])
facts.metric(
    t("map.headline", lang, scope=covers),
    format_percent_against(whole.percent, target.percent if target else None, lang,
                           attainment.meets_target(whole.numerator, whole.denominator,
                                                   target.percent if target else None)),
    help=t(
        "map.headline_help",
        lang,
        numerator=format_number(whole.numerator, lang),
        denominator=format_number(whole.denominator, lang),
    ) if whole.numerator is not None else None,
)
# The note counts within what the caption names: one province's data viewed
# nationally is "2 dari 10" of that province, not "2 dari 514".
part = whole if reach.only is None or scope else attainment.scope_total(
    scope_rows, regions, home or None)
whole_note = "; ".join(n for n in (
    completeness.uncounted(part.without_counts, lang),
    completeness.partial(part.regions_present, part.regions_total, lang)) if n)
if whole_note:
    facts.caption(t("map.headline_partial", lang, scope=scope_words.scope_short(reach, lang),
                    note=whole_note))
facts.metric(target_label, format_percent(target.percent, lang) if target else "–")
facts.metric(
    t("map.meeting", lang),
    scope_words.among(int(rows["meets"].fillna(False).sum()), len(with_data), len(rows), lang),
)
facts.metric(
    t("map.with_data", lang), t("map.meeting_value", lang, count=len(with_data), total=len(rows))
)

with left.container(key="map_chart"):
    # The legend (it names the target) stands apart from the map: the map's
    # spec then stays the same across indicators and periods, and the browser
    # only swaps its values, never fetching the geometry again.
    st.container(key="map_legend").html(
        change_view.legend(changes, period, lang, SCREEN_FONT if screen else 15)
        if changes is not None else
        charts.legend_html(target.percent if target else None, labels, lang,
                           size=SCREEN_FONT if screen else 15)
    )
    if view != "petak":  # regions the active boundary set cannot draw are named, not dropped
        for line in boundary_report.map_lines(cached.boundary_record(), cached.region_names(),
                                              scope, lang):
            st.caption(plain(line))
    # from a province's map, a click opens a regency's kecamatan (where there are data)
    drill = map_drill.offered(indicator, period, scope) if scope and view == "peta" else []
    if changes is not None:  # the same geometry address: the map file is fetched once
        chart = change_view.chart(changes, geometry, state, lang, map_height,
                                  None if scope else SELECT)
    elif view == "peta":
        chart = charts.choropleth(
            geometry,
            rows,
            target.percent if target else None,
            labels,
            lang,
            height=map_height,
            province_borders=not scope,
            level=state.regions_level,
            select=SELECT if not scope or drill else None,
            named=True,
            legend=False,
            select_field=charts.REGION_CODE if scope else "province_code",
        )
    else:
        labels.update(kabupaten=t("map.kabupaten", lang), kota=t("map.kota", lang))
        chart = tiles.tile_chart(
            cached.tile_layout(), rows, target.percent if target else None, labels, lang,
            layout_url=cached.geometry_url("tilegrid.csv"), province=scope or None,
            max_height=map_height, legend=False,
            letters=(8, SCREEN_FONT) if screen else tiles.LETTERS,
            extra_tooltip={"note": labels["note"]} if "note" in labels else None,
        )
    click_key = f"map_click_{scope}_{level}_{view}"
    if view != "petak":
        st.vega_lite_chart(chart, width="stretch", key=click_key,
                           on_select=(lambda: clicked(click_key)) if not scope or drill
                           else "ignore")
    else:
        st.altair_chart(chart, width="stretch", key=click_key)
    if not scope and view != "petak":
        st.caption(t("map.click_hint", lang))
    elif drill:
        st.caption(t("kec_map_click_hint", lang))
        map_drill.notice(names, lang)
with right:
    st.markdown(f"**{t('map.strip', lang)}**", help=t("map.strip_help", lang))
    st.vega_lite_chart(
        charts.ranked_strip(
            cached.geometry_url("regions.csv"),
            rows,
            target.percent if target else None,
            labels,
            lang,
            height=max(height, 34 * len(with_data)) if screen and len(with_data) <= 45
            else height,
            named=True,
            font=SCREEN_FONT - 2 if screen else 13,
        ),
        width="stretch",
        key="map_strip",
    )

missing = rows.loc[rows["percent"].isna() & (notes == ""), "name"]
if len(missing):
    st.caption(t("map.missing", lang, names=join_names(list(missing), lang)))
above = int((rows["percent"] > 100).sum())
if above:
    st.caption(t("map.above_100", lang, count=above))
if (notes != "").any():
    st.caption(t("map.notes", lang,
                 items="; ".join(completeness.listed(rows["name"], notes, lang))))
in_use = cached.data_in_use()  # which version the map shows, named here and in the downloads
st.caption(plain(provenance.caption(in_use, lang, period, indicator, scope or None)))
if cached.boundary_record():  # an office's own boundaries: named with the sources
    st.caption(plain(boundary_report.credit(cached.boundary_record(), lang)))
source = provenance.source_text(in_use, lang, period, indicator, scope or None)
if changes is not None:
    st.subheader(t("change.table", lang))
    change_view.notes(changes, state, lang, source)

st.subheader(t("map.table", lang))
st.caption(t("map.table_help", lang))
shown = map_drill.with_note_column(
    completeness.table_notes(map_view.table_frame(rows, state), rows, lang), fed)
headers = {c: map_drill.header(c, lang) for c in shown.columns}
# Up to a province's worth of rows the table is always shown; the 514-row
# table (~130 KB per change) waits for a click, the downloads are always there.
many = len(shown) > map_view.TABLE_ROWS_SHOWN
if st.toggle(t("map.table_show", lang, count=len(shown)), value=not many, key=f"map_table_{many}"):
    st.dataframe(  # headers by column_config: st.dataframe ignores a Styler's relabel_index
        map_view.styled(shown, lang),
        column_config={c: st.column_config.Column(label) for c, label in headers.items()},
        hide_index=True,
        width="stretch",
    )
stem = f"capaian_{indicator}_{period}_{scope or 'indonesia'}_{state.regions_level}"
chrome.table_downloads(
    lambda: export.labelled(export.coded(shown.rename(columns=headers), rows["code"], lang),
                            source, lang), stem,
    (t("map.download_csv", lang), t("map.download_xlsx", lang)), "map_download", [1, 1, 4],
)
