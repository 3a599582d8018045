"""Scenarios side by side on the what-if page: 2–3 maps in one colour scale, the
regions that differ, the sums per scenario and the CSV of the differences.

The sides are today (targets in force), this scenario (the sliders) and the
saved scenarios this session may see (``by_slug``: in public mode only
published ones, see :mod:`pages.support.saved_box`); a pick outside them is
dropped. Each side is the cached model result of the shown indicator. Sides share
the current scenario's level: saved scenarios of another level (every regency, or
another regency's kecamatan) are not offered. Per kecamatan no maps are drawn
(the maps here are of regencies); the sums and differences are.
"""

from __future__ import annotations

import streamlit as st

from pages.support import cached, cached_kecamatan
from pages.support import whatif_level as level
from utils.charts import scenario_maps as maps
from utils.formatting import format_date, plain
from utils.i18n import t
from utils.ingest import provenance
from utils.ingest.export import labelled, to_csv
from utils.metrics import scenario_diff as diff
from utils.metrics import whatif_state as choices
from utils.report import scenario_diff as words
from utils.report import whatif as report

BASELINE, CURRENT = "_baseline", "_current"
"""Option keys of today and of the sliders' scenario (a slug never starts with ``_``)."""
PICK, CSV = "whatif_side_pick", "whatif_side_csv"
HEIGHT = 240
"""Map height in pixels, the same for 2 or 3 maps: a map whose spec stays the same keeps
its drawing (and its geometry) when another side is added."""


def option_label(key: str, by_slug: dict, lang: str) -> str:
    """Text of one option of the pick."""
    if key == BASELINE:
        return t("sdiff.baseline_option", lang)
    if key == CURRENT:
        return t("sdiff.current_option", lang)
    return by_slug[key]["name"]


def titles(picked: list[str], by_slug: dict, lang: str) -> dict[str, str]:
    """Column title per side, made unique (a saved name may equal another title)."""
    out: dict[str, str] = {}
    for key in picked:
        title = option_label(key, by_slug, lang)
        while title in out.values():
            title += " ·"
        out[key] = title
    return out


def scenario_of(key: str, scen, by_slug: dict, base, defs, known):
    """The scenario of a side (today's is the sliders' one: only its baseline is read)."""
    if key in (BASELINE, CURRENT):
        return scen
    return choices.from_dict(by_slug[key]["scenario"], base, list(defs), known)


def subtitle(key: str, months: int, period: str, by_slug: dict, lang: str) -> str:
    """When the side's figures stand, and a note when a saved one is recomputed."""
    if key == BASELINE:
        return t("sdiff.side_now", lang, date=format_date(period, lang))
    text = t("sdiff.side_deadline", lang, date=report.month_label(period, months, lang))
    saved = by_slug.get(key, {}).get("baseline_period", "")
    if saved and saved != period:
        text += " " + t("sdiff.recomputed", lang, saved=format_date(saved, lang),
                        now=format_date(period, lang))
    return text


def draw_maps(sides: dict, totals: dict, heads: dict, subs: dict, steps, lang: str) -> None:
    """The maps in columns (a phone stacks them), all naming the same geometry address."""
    st.html(maps.legend_html(t("sdiff.legend", lang), words.legend_names(steps, lang)))
    template = maps.map_template(cached.geometry_url(), words.map_texts(lang), HEIGHT)
    status = words.status_words(lang)
    for number, (column, key) in enumerate(zip(st.columns(len(sides)), sides, strict=True)):
        with column.container(key=f"whatif_side_map_{number}"):
            st.markdown(f"**{plain(heads[key])}**")
            st.caption(subs[key])
            rows = maps.map_rows(sides[key], steps, status, lang)
            st.vega_lite_chart(spec=maps.map_spec(template, rows), width="stretch")
            st.caption(words.map_caption(totals[key], lang))


def same_level(scen, base, defs, known, by_slug: dict) -> dict:
    """The saved scenarios at the current scenario's level."""
    return {slug: record for slug, record in by_slug.items()
            if choices.from_dict(record["scenario"], base, list(defs), known).kecamatan_of
            == scen.kecamatan_of}


def side_by_side(scen, base, defs, known, by_slug: dict, lang: str) -> None:
    """Pick 2–3 sides; draw their maps, sums, differences and the CSV of differences."""
    found = level.baseline(scen.kecamatan_of)
    if found is None:
        return
    period, indicator = found[0], scen.indicator
    st.subheader(t("sdiff.title", lang, indicator=defs[indicator].label(lang)))
    kept = same_level(scen, base, defs, known, by_slug)
    if len(kept) < len(by_slug):
        st.caption(t("kec_wi_side_other_level", lang, count=len(by_slug) - len(kept)))
    by_slug = kept
    options = [BASELINE, CURRENT, *by_slug]
    if any(k not in options for k in st.session_state.get(PICK, [])):  # e.g. not public
        st.session_state[PICK] = [k for k in st.session_state[PICK] if k in options]
    picked = st.multiselect(t("sdiff.pick", lang), options, key=PICK,
                            max_selections=diff.MAX_SIDES, help=t("sdiff.pick_hint", lang),
                            placeholder=t("sdiff.placeholder", lang),
                            format_func=lambda k: option_label(k, by_slug, lang))
    if len(picked) < diff.MIN_SIDES:
        st.caption(t("sdiff.pick_hint" if not picked else "sdiff.pick_more", lang))
        return
    heads, sides, totals, subs = titles(picked, by_slug, lang), {}, {}, {}
    for key in picked:
        other = scenario_of(key, scen, by_slug, base, defs, known)
        result = cached_kecamatan.level_result(indicator, other)
        if result is None:
            return
        sides[key] = diff.side_figures(result[0], baseline=key == BASELINE)
        totals[key] = diff.side_totals(result[0], baseline=key == BASELINE)
        subs[key] = subtitle(key, other.months, period, by_slug, lang)
    if scen.kecamatan_of:
        st.caption(t("kec_wi_side_no_maps", lang))
    else:
        steps = maps.shared_steps(g for side in sides.values() for g in side["target"])
        draw_maps(sides, totals, heads, subs, steps, lang)
    found_diff = diff.differences(sides)
    st.markdown(f"**{t('sdiff.totals', lang)}**")
    st.dataframe(words.totals_table(totals, found_diff, heads, lang), hide_index=True,
                 width="stretch")
    difference_list(found_diff, sides, heads, period, lang, scen.kecamatan_of)
    st.caption(t("sdiff.note", lang))


def headed(frame, area: str | None, lang: str):
    """A table of differences; per kecamatan its first column is headed by the kecamatan's
    kind and the province column names the regency instead."""
    if not area:
        return frame
    regency = cached.region_names().get(area, area)
    return frame.assign(**{t("sdiff.col.province", lang): regency}).rename(columns={
        t("sdiff.col.region", lang): level.kind(area, lang),
        t("sdiff.col.province", lang): t("col.region", lang)})


def difference_list(found, sides: dict, heads: dict, period: str, lang: str,
                    area: str | None = None) -> None:
    """The regions that differ, the regions left out, and the CSV of the list."""
    st.markdown(f"**{t('sdiff.diff_title', lang, count=len(found))}**")
    if unknown := diff.unknown_count(sides):
        st.caption(t("sdiff.unknown", lang, count=unknown))
    if found.empty:
        st.info(t("sdiff.no_diff", lang))
        return
    st.dataframe(headed(words.difference_table(found, heads, lang), area, lang), hide_index=True,
                 width="stretch")
    source = provenance.source_text(cached.data_in_use(), lang, period)
    projected = {k: k != BASELINE for k in heads}
    st.download_button(
        t("sdiff.csv_button", lang),
        data=lambda: to_csv(labelled(headed(words.export_frame(found, heads, projected, lang),
                                            area, lang), source, lang)),
        file_name=f"perbandingan-skenario-{period}.csv", mime="text/csv", on_click="ignore",
        key=CSV, icon=":material/download:")
