"""What-if page: move targets, outreach, horizon and growth; see every regency's result,
or every kecamatan's of one regency (:mod:`pages.support.whatif_level`).

Thin page: widgets → :mod:`utils.metrics.whatif` (the model) → charts and tables. The
sliders' state lives in ``st.query_params`` under short names, so a link
restores every slider.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.support import (
    access,
    cached,
    cached_kecamatan,
    capacity_box,
    chrome,
    goal_box,
    saved_box,
)
from pages.support import whatif_level as level
from pages.support import whatif_share as share
from pages.support.whatif_level import words
from utils.charts import gauges
from utils.charts import whatif as scenario_charts
from utils.formatting import format_date, format_number, format_percent
from utils.i18n import t
from utils.metrics import regions as region_ref
from utils.metrics import whatif as model
from utils.metrics import whatif_state as choices
from utils.report import completeness
from utils.report import whatif as report

KEY = {p.field: p.widget for p in choices.PARAMS}
"""Widget key (or key prefix) of each choice, from the one table of choices."""

WRAP_CHOICES = ("<style>.st-key-whatif_indicator [role='radiogroup']"
                "{flex-wrap: wrap; overflow: visible}</style>")
"""The indicator buttons wrap onto a second row instead of scrolling out of sight."""


# --- state: widgets ⇄ scenario ⇄ query parameters -----------------------------------------


def override_start(year: int):
    """Where a scope's override slider starts, per (indicator, scope, national target)."""
    return lambda i, scope, national: model.override_start(
        cached.target_in_force(i, year, scope), national)


def restore(
    base: choices.Scenario, defs: dict, year: int, known: set[str]
) -> None:
    """Fill widgets not yet on screen from the link (or the defaults)."""
    params = {k: st.query_params[k] for k in st.query_params}
    scen = choices.from_query(params, base, list(defs), known)
    for key, value in choices.widget_values(scen, list(defs), override_start(year)).items():
        if key not in st.session_state:
            st.session_state[key] = value


def write_query(scen: choices.Scenario) -> None:
    """Put the scenario into the address bar (other parameters, e.g. ``lang``, stay)."""
    wanted = choices.to_query(scen)
    for key in list(st.query_params):
        if key not in wanted and choices.is_query_key(key):
            del st.query_params[key]
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def apply_saved(
    record: dict, base: choices.Scenario, defs: dict, year: int, known: set[str]
) -> None:
    """Button callback: show a saved scenario (runs before the widgets are drawn)."""
    scen = choices.from_dict(record["scenario"], base, list(defs), known)
    st.session_state.update(choices.widget_values(scen, list(defs), override_start(year)))


# --- drawing ---------------------------------------------------------------------------------


def steps(low: float, high: float, step: float) -> list[float]:
    """Every value from ``low`` to ``high`` by ``step``, rounded as a link writes them."""
    return [round(low + i * step, 1) + 0.0 for i in range(round((high - low) / step) + 1)]


def number_slider(column, label: str, key: str, options: list, shown, **kwargs) -> object:
    """A slider written the page language's way ("99,4 %"), also to screen readers:
    ``st.slider``'s ``format`` is printf ("99.4") or the browser's locale."""
    if (value := st.session_state.get(key)) is not None and value not in options:
        st.session_state[key] = min(options, key=lambda o: abs(o - float(value)))  # off-step
    return column.select_slider(label, options=options, format_func=shown, key=key, **kwargs)


def target_slider(column, label: str, key: str, default: float | None, lang: str) -> None:
    """A target slider from a sensible lower end up to 100 %."""
    low = choices.slider_low(default, st.session_state.get(key, default or 100.0))
    help_text = t("whatif.target_help", lang, percent=format_percent(default, lang))
    number_slider(column, label, key, steps(low, 100.0, 0.1),
                  lambda v: format_percent(v, lang, 1), help=help_text if default else None)


def scope_controls(box, names, provinces, regions, lang) -> str | None:
    """Province, then one of its regencies: the scope an override applies to."""
    province = box.selectbox(
        t("whatif.province", lang), ["", *provinces], key=KEY["scope"],
        format_func=lambda c: names.get(c, "") if c else t("whatif.indonesia", lang))
    if not province:
        return None
    regency = box.selectbox(
        t("whatif.regency", lang), ["", *region_ref.regency_codes(regions, province)],
        key=f"whatif_regency_{province}",
        format_func=lambda c: names[c] if c else t("whatif.all_regencies", lang))
    return regency or province


def override_controls(box, defs, scope, chosen, names, year, lang) -> dict[str, float]:
    """The scope's own target per indicator, when the planner switches it on."""
    where = names.get(scope, scope)
    if not box.toggle(t("whatif.override_on", lang, scope=where), key="whatif_override_on"):
        return {}
    overrides = {}
    for i, ind in defs.items():
        key = f"{KEY['overrides']}{i}_{scope}"
        default = override_start(year)(i, scope, chosen.get(i))
        st.session_state.setdefault(key, default)
        label = t("whatif.override_label", lang, indicator=ind.label(lang), scope=where)
        target_slider(box, label, key, default, lang)
        overrides[i] = float(st.session_state[key])
    return overrides


def outreach_controls(box, names, provinces, province, lang) -> tuple[str, ...]:
    """Where outreach goes: provinces, plus the regencies of the chosen province (and
    any already picked); a short list keeps every rerun's message small."""
    chosen_before = list(st.session_state.get(KEY["outreach_regions"], []))
    local = [c for c in sorted(names) if province and c.startswith(province + ".")]
    options = list(dict.fromkeys([*provinces, *local, *chosen_before]))
    picked = box.multiselect(
        t("whatif.outreach_regions", lang), options,
        key=KEY["outreach_regions"], help=t("whatif.outreach_regions_help", lang),
        format_func=lambda c: names.get(c, c) if "." in c
        else t("whatif.whole_province", lang, name=names.get(c, c)),
        placeholder=t("whatif.all_regions", lang))
    return tuple(picked)


def controls(defs, nationals, names, provinces, regions, year, lang) -> choices.Scenario:
    """Draw every slider and return the scenario they describe."""
    box = st.container(border=True)
    box.markdown(f"**{t('whatif.controls', lang)}**")
    area = level.level_control(box, names, lang)
    chosen = {}
    for i, ind in defs.items():
        if nationals.get(i) is None:
            box.caption(t("whatif.no_target", lang, indicator=ind.label(lang)))
            continue
        key = f"{KEY['targets']}{i}"
        target_slider(box, t("whatif.target_label", lang, indicator=ind.label(lang)), key,
                      nationals[i], lang)
        chosen[i] = float(st.session_state[key])
    if area:  # the planned regency is the scope of the gauges and of its own target
        scope = area
        box.caption(t("kec_wi_scope_is", lang, name=names.get(area, area)))
    else:
        scope = scope_controls(box, names, provinces, regions, lang)
    overrides = override_controls(box, defs, scope, chosen, names, year, lang) if scope else {}
    outreach = number_slider(box, t(words("whatif.outreach", area), lang), KEY["outreach"],
                             list(range(0, choices.OUTREACH_MAX + 1, choices.OUTREACH_STEP)),
                             lambda v: format_number(v, lang),
                             help=t(words("whatif.outreach_help", area), lang))
    picked = (level.outreach_picks(box, area, lang) if area
              else outreach_controls(box, names, provinces, (scope or "")[:2], lang))
    capacity = capacity_box.capacity_controls(box, defs, names, lang, area)
    months = box.slider(t("whatif.months", lang), 0, choices.MONTHS_MAX, key=KEY["months"],
                        help=t("whatif.months_help", lang))
    growth = number_slider(box, t("whatif.growth", lang), KEY["growth"],
                           steps(choices.GROWTH_MIN, choices.GROWTH_MAX, 0.1),
                           lambda v: format_percent(v, lang, 1), help=t("whatif.growth_help", lang))
    indicator = st.session_state.get(KEY["indicator"])
    return choices.Scenario(
        targets=chosen, scope=scope, overrides=overrides, outreach=float(outreach),
        outreach_regions=picked, months=int(months), growth=float(growth), capacity=capacity,
        indicator=indicator if indicator in defs else next(iter(defs)), kecamatan_of=area)


def metrics(tot: model.Totals, deadline: str, area: str | None, lang: str) -> None:
    """The four big numbers of the shown indicator."""
    cells = st.columns(4)
    of = t("whatif.of", lang, total=tot.with_data)
    cells[0].metric(t("whatif.m.now", lang), f"{tot.meeting_now} {of}",
                    delta=report.delta_text(tot.meeting_now - tot.meeting_base, lang),
                    help=t("whatif.m.now_help", lang, count=tot.meeting_base))
    cells[1].metric(t("whatif.m.end", lang), f"{tot.meeting_end} {of}",
                    delta=report.delta_text(tot.meeting_end - tot.meeting_base, lang),
                    help=t("whatif.m.end_help", lang, date=deadline, count=tot.meeting_base))
    gap_help = t(words("whatif.m.gap_help", area), lang, date=deadline,
                 gap=format_number(tot.gap_base, lang))
    cells[2].metric(t("whatif.m.gap", lang), format_number(tot.gap_end, lang),
                    delta=report.delta_text(tot.gap_end - tot.gap_base, lang),
                    delta_color="inverse", help=gap_help)
    cells[3].metric(
        t("whatif.m.changed", lang),
        t("whatif.m.changed_value", lang, up=tot.newly_passing, down=tot.newly_failing))


def gauge_row(results, scen, defs, year, code, scope_name, period, lang) -> None:
    """The targets page's gauges, for the scope under the scenario at the deadline."""
    for column, i in zip(st.columns(len(defs)), defs, strict=True):
        facts = model.scope_facts(results[i], scen, i, cached.target_in_force(i, year, code),
                                  code, scope_name, period)
        goal = facts.target.percent if facts.target else None
        texts = completeness.gauge_marks(facts, gauges.gauge_texts(facts, defs[i], lang), lang)
        texts["target"] = (
            t("whatif.gauge_target", lang, percent=format_percent(goal, lang))
            if goal is not None
            else ""
        )
        column.vega_lite_chart(
            spec=scenario_charts.gauge_spec(facts.percent, goal, texts["state"], texts),
            width="content",
        )


def change_map(result: pd.DataFrame, lang: str) -> None:
    """Map of status changes of the shown indicator against the baseline."""
    texts = report.change_map_texts(lang)
    template = scenario_charts.change_map_template(cached.geometry_url(), texts)
    st.vega_lite_chart(
        spec=scenario_charts.fill(template, {"changes": scenario_charts.map_rows(result)}),
        width="stretch",
    )
    st.caption(report.category_counts(result, lang) + ". " + t("whatif.map_note", lang))


# --- the page --------------------------------------------------------------------------------


def main() -> None:
    lang = st.session_state.get("lang", "id")
    table = chrome.page_data("whatif.title", "whatif.intro", "whatif.no_data", lang)
    national = cached.scenario_baseline() if table is not None else None
    if national is None:
        return
    year = int(national[0][:4])
    defs, regions = cached.indicator_defs(), cached.region_table()
    names = cached.region_names()
    provinces = region_ref.province_codes(regions)
    nationals = {i: (found.percent if (found := cached.target_in_force(i, year, None)) else None)
                 for i in defs}
    base = choices.defaults(nationals, model.months_to_year_end(national[0]), next(iter(defs)))
    known = level.known_codes(names)
    restore(base, defs, year, known)
    st.markdown(t(words("whatif.model", level.chosen()), lang))

    left, right = st.columns([1, 2.4], gap="large")
    with left:
        scen = controls(defs, nationals, names, provinces, regions, year, lang)
    write_query(scen)
    area = scen.kecamatan_of
    period = (level.baseline(area) or national)[0]
    evaluated = {i: cached_kecamatan.level_result(i, scen) for i in defs}
    results = {i: found[0] for i, found in evaluated.items()}
    tots = {i: found[1] for i, found in evaluated.items()}
    deadline = report.month_label(period, scen.months, lang)
    scope_name = (level.scope_name(area, names, lang) if area
                  else names.get(scen.scope or "", t("whatif.indonesia", lang)))
    names = names | level.place_names(area)
    with right:
        st.html(WRAP_CHOICES)  # four long names do not fit a phone's row
        indicator = st.segmented_control(
            t("whatif.indicator", lang), list(defs), key=KEY["indicator"],
            format_func=lambda i: defs[i].label(lang), required=True)
        st.subheader(t("whatif.results", lang, indicator=defs[indicator].label(lang),
                       date=deadline, base=format_date(period, lang)))
        if area:
            level.sum_note(results[indicator], area, names, lang)
        metrics(tots[indicator], deadline, area, lang)
        if tots[indicator].without_counts:  # percent-only rows
            st.caption(t(words("whatif.excluded", area), lang,
                         count=tots[indicator].without_counts))
        if area:
            level.change_map(results[indicator], area, lang)
        else:
            change_map(results[indicator], lang)
        st.subheader(t("whatif.gauges", lang, scope=scope_name, date=deadline))
        gauge_row(results, scen, defs, year, scen.scope, scope_name, period, lang)
        st.caption(t(words("whatif.gauges_note", area), lang))
        st.markdown(report.markdown_table(report.overview(results, tots, scen, defs, lang)))
    st.subheader(t(words("whatif.table", area), lang, indicator=defs[indicator].label(lang)))
    if area:
        level.results_table(results[indicator], period, lang)
    else:
        st.markdown(report.markdown_table(report.region_table(results[indicator], period, lang)))
    st.caption(t(words("whatif.table_note", area), lang))
    counts = model.meeting_counts(results[indicator], scen)
    st.subheader(t(words("whatif.by_month", area), lang, indicator=defs[indicator].label(lang)))
    st.vega_lite_chart(spec=scenario_charts.by_month_spec(
        counts, [report.month_label(period, k, lang) for k in range(len(counts))],
        tots[indicator].meeting_base, report.by_month_texts(lang, bool(area))), width="stretch")
    goal_box.goal_box(scen, defs, period, deadline, names, lang)
    keys = ["whatif.tab_share", "whatif.tab_saved"]
    if not access.is_public():
        keys.insert(1, "whatif.tab_save")
    tabs = dict(zip(keys, st.tabs([t(k, lang) for k in keys]), strict=True))
    with tabs["whatif.tab_share"]:
        share.share_and_export(
            results, scen, tots, defs, period, deadline, names, bool(table["is_demo"].any()),
            lang,
        )
    if "whatif.tab_save" in tabs:
        with tabs["whatif.tab_save"]:
            share.save_box(scen, period, lang)
    with tabs["whatif.tab_saved"]:
        saved_box.saved_box(scen, tots, base, defs, known,
                            lambda record: apply_saved(record, base, defs, year, known), names,
                            lang)


main()
