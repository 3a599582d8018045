"""What-if page: move targets, outreach, horizon and growth; see every regency's result.

Thin page: widgets → :mod:`utils.metrics.whatif` (the model) → charts and tables. The
sliders' state lives in ``st.query_params`` under short names, so a link
restores every slider.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from pages.support import access, cached, chrome
from utils.charts import gauges
from utils.charts import whatif as scenario_charts
from utils.formatting import format_number, format_percent
from utils.i18n import t
from utils.ingest import saved_scenarios
from utils.ingest.export import to_csv
from utils.ingest.store import Store
from utils.metrics import whatif as sc
from utils.metrics.attainment import Facts, gap_people, scope_level
from utils.report.press_release import format_date

# Rows of the on-screen table: newly failing, newly passing, then the largest shortfalls.
TABLE_FAILING, TABLE_PASSING, TABLE_SHORT = 10, 5, 10


# --- state: widgets ⇄ scenario ⇄ query parameters -----------------------------------------


def scope_of(scen: sc.Scenario) -> tuple[str, str]:
    """(province code, regency code) of a scenario's scope; empty strings for none."""
    code = scen.scope or ""
    return (code[:2], code) if "." in code else (code, "")


def scope_default(
    targets: pd.DataFrame, indicator: str, year: int, code: str | None, national: float | None
) -> float:
    """Override slider start: the scope's target under the national slider."""
    found = sc.scope_target(
        cached.target_in_force(indicator, year, code),
        national if national is not None else math.nan,
        None,
    )
    return round(found.percent, 2) if found and not math.isnan(found.percent) else 100.0


def widget_state(scen: sc.Scenario, defs: dict, targets: pd.DataFrame, year: int) -> dict:
    """Session-state values (by widget key) that show ``scen``."""
    province, regency = scope_of(scen)
    state = {f"whatif_target_{i}": float(v) for i, v in scen.targets.items()}
    state.update(
        {
            "whatif_province": province,
            "whatif_outreach": int(scen.outreach),
            "whatif_outreach_regions": list(scen.outreach_regions),
            "whatif_months": int(scen.months),
            "whatif_growth": float(scen.growth),
            "whatif_indicator": scen.indicator,
            "whatif_override_on": bool(scen.scope and scen.overrides),
        }
    )
    if province:
        state[f"whatif_regency_{province}"] = regency
    if scen.scope:
        for i in defs:
            value = scen.overrides.get(i)
            state[f"whatif_override_{i}_{scen.scope}"] = float(
                value
                if value is not None
                else scope_default(targets, i, year, scen.scope, scen.targets.get(i))
            )
    return state


def restore(
    base: sc.Scenario, defs: dict, targets: pd.DataFrame, year: int, known: set[str]
) -> None:
    """Fill widgets not yet on screen from the link (or the defaults)."""
    params = {k: st.query_params[k] for k in st.query_params}
    scen = sc.from_query(params, base, list(defs), known)
    for key, value in widget_state(scen, defs, targets, year).items():
        if key not in st.session_state:
            st.session_state[key] = value


def write_query(scen: sc.Scenario) -> None:
    """Put the scenario into the address bar (other parameters, e.g. ``lang``, stay)."""
    wanted = sc.to_query(scen)
    for key in list(st.query_params):
        if key not in wanted and (
            key in {"i", "o", "m", "g", "s", "r"} or key.startswith(("t_", "x_"))
        ):
            del st.query_params[key]
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def apply_saved(
    record: dict, base: sc.Scenario, defs: dict, targets: pd.DataFrame, year: int, known: set[str]
) -> None:
    """Button callback: show a saved scenario (runs before the widgets are drawn)."""
    scen = sc.from_dict(record["scenario"], base, list(defs), known)
    st.session_state.update(widget_state(scen, defs, targets, year))


# --- drawing ---------------------------------------------------------------------------------


def target_slider(
    column, indicator, label: str, key: str, default: float | None, lang: str
) -> None:
    """A target slider from a sensible lower end up to 100 %."""
    current = st.session_state.get(key, default or 100.0)
    low = max(
        0.0, min((math.floor(default or 100.0) - 40) // 10 * 10, math.floor(current / 10) * 10)
    )
    column.slider(
        label,
        min_value=float(low),
        max_value=100.0,
        step=0.1,
        format="%.1f %%",
        key=key,
        help=t("whatif.target_help", lang, percent=format_percent(default, lang))
        if default
        else None,
    )


def controls(defs, nationals, names, provinces, regions, targets, year, lang) -> sc.Scenario:
    """Draw every slider and return the scenario they describe."""
    box = st.container(border=True)
    box.markdown(f"**{t('whatif.controls', lang)}**")
    chosen = {}
    for i, ind in defs.items():
        if nationals.get(i) is None:
            box.caption(t("whatif.no_target", lang, indicator=ind.label(lang)))
            continue
        target_slider(
            box,
            i,
            t("whatif.target_label", lang, indicator=ind.label(lang)),
            f"whatif_target_{i}",
            nationals[i],
            lang,
        )
        chosen[i] = float(st.session_state[f"whatif_target_{i}"])
    province = box.selectbox(
        t("whatif.province", lang),
        ["", *provinces],
        key="whatif_province",
        format_func=lambda c: names.get(c, "") if c else t("whatif.indonesia", lang),
    )
    regency = ""
    if province:
        regs = sorted(
            regions.loc[
                (regions["level"] == "regency") & (regions["province_code"] == province), "code"
            ]
        )
        regency = box.selectbox(
            t("whatif.regency", lang),
            ["", *regs],
            key=f"whatif_regency_{province}",
            format_func=lambda c: names[c] if c else t("whatif.all_regencies", lang),
        )
    scope = regency or province or None
    overrides = {}
    if scope and box.toggle(
        t("whatif.override_on", lang, scope=names.get(scope, scope)), key="whatif_override_on"
    ):
        for i, ind in defs.items():
            key = f"whatif_override_{i}_{scope}"
            default = scope_default(targets, i, year, scope, chosen.get(i))
            st.session_state.setdefault(key, default)
            target_slider(
                box,
                i,
                t(
                    "whatif.override_label",
                    lang,
                    indicator=ind.label(lang),
                    scope=names.get(scope, scope),
                ),
                key,
                default,
                lang,
            )
            overrides[i] = float(st.session_state[key])
    outreach = box.slider(
        t("whatif.outreach", lang),
        0,
        sc.OUTREACH_MAX,
        step=sc.OUTREACH_STEP,
        key="whatif_outreach",
        help=t("whatif.outreach_help", lang),
    )
    # Provinces, plus the regencies of the chosen province (and any already picked):
    # a short list keeps every rerun's message small.
    chosen_before = list(st.session_state.get("whatif_outreach_regions", []))
    local = [c for c in sorted(names) if province and c.startswith(province + ".")]
    options = list(dict.fromkeys([*provinces, *local, *chosen_before]))
    picked = box.multiselect(
        t("whatif.outreach_regions", lang),
        options,
        key="whatif_outreach_regions",
        help=t("whatif.outreach_regions_help", lang),
        format_func=lambda c: (
            names.get(c, c) if "." in c else t("whatif.whole_province", lang, name=names.get(c, c))
        ),
        placeholder=t("whatif.all_regions", lang),
    )
    months = box.slider(
        t("whatif.months", lang),
        0,
        sc.MONTHS_MAX,
        key="whatif_months",
        help=t("whatif.months_help", lang),
    )
    growth = box.slider(
        t("whatif.growth", lang),
        sc.GROWTH_MIN,
        sc.GROWTH_MAX,
        step=0.1,
        format="%.1f %%",
        key="whatif_growth",
        help=t("whatif.growth_help", lang),
    )
    indicator = st.session_state.get("whatif_indicator")
    return sc.Scenario(
        targets=chosen,
        scope=scope,
        overrides=overrides,
        outreach=float(outreach),
        outreach_regions=tuple(picked),
        months=int(months),
        growth=float(growth),
        indicator=indicator if indicator in defs else next(iter(defs)),
    )


def metrics(tot: sc.Totals, deadline: str, lang: str) -> None:
    """The four big numbers of the shown indicator."""
    cells = st.columns(4)
    of = t("whatif.of", lang, total=tot.with_data)
    cells[0].metric(
        t("whatif.m.now", lang),
        f"{tot.meeting_now} {of}",
        delta=_delta(tot.meeting_now - tot.meeting_base, lang),
        help=t("whatif.m.now_help", lang, count=tot.meeting_base),
    )
    cells[1].metric(
        t("whatif.m.end", lang),
        f"{tot.meeting_end} {of}",
        delta=_delta(tot.meeting_end - tot.meeting_base, lang),
        help=t("whatif.m.end_help", lang, date=deadline, count=tot.meeting_base),
    )
    cells[2].metric(
        t("whatif.m.gap", lang),
        format_number(tot.gap_end, lang),
        delta=_delta(tot.gap_end - tot.gap_base, lang),
        delta_color="inverse",
        help=t("whatif.m.gap_help", lang, date=deadline, gap=format_number(tot.gap_base, lang)),
    )
    cells[3].metric(
        t("whatif.m.changed", lang),
        t("whatif.m.changed_value", lang, up=tot.newly_passing, down=tot.newly_failing),
    )


def _delta(value: int, lang: str) -> str | None:
    return None if value == 0 else ("+" if value > 0 else "-") + format_number(abs(value), lang)


def gauge_row(results, scen, defs, targets, year, code, scope_name, period, lang) -> None:
    """The targets page's gauges, for the scope under the scenario at the deadline."""
    for column, i in zip(st.columns(len(defs)), defs, strict=True):
        sums = sc.scope_sums(results[i], code)
        national = scen.targets.get(i)
        target = (
            sc.scope_target(cached.target_in_force(i, year, code), national, scen.overrides.get(i))
            if national is not None or scen.overrides.get(i) is not None
            else None
        )
        num, den = sums if sums else (None, None)
        pct = None if sums is None else 100.0 * num / den
        goal = target.percent if target else None
        facts = Facts(
            indicator=i,
            scope_level=scope_level(code),
            scope_name=scope_name,
            period=period,
            percent=pct,
            numerator=num,
            denominator=den,
            target=target,
            gap=None if sums is None or goal is None else gap_people(num, den, goal),
        )
        texts = gauges.gauge_texts(facts, defs[i], lang)
        texts["target"] = (
            t("whatif.gauge_target", lang, percent=format_percent(goal, lang))
            if goal is not None
            else ""
        )
        column.vega_lite_chart(
            spec=scenario_charts.gauge_spec(pct, goal, texts["state"], texts), width="content"
        )


def region_table(result: pd.DataFrame, period: str, lang: str) -> pd.DataFrame:
    """Regions that change status, then the largest shortfalls (texts ready to show)."""
    result = result[["code", "name", "province_name", "percent_now", "percent_end",
                     "scenario_target", "gap_end", "reach_month", "category"]]
    failing = result[result["category"] == "newly_failing"].nlargest(TABLE_FAILING, "gap_end")
    passing = result[result["category"] == "newly_passing"].nsmallest(TABLE_PASSING, "percent_end")
    shown = set(failing["code"]) | set(passing["code"])
    rest = result[~result["code"].isin(shown) & (result["gap_end"] > 0)]
    rows = pd.concat([failing, passing, rest.nlargest(TABLE_SHORT, "gap_end")])
    return pd.DataFrame(
        {
            t("col.region", lang): rows["name"],
            t("col.province", lang): rows["province_name"],
            t("whatif.col.now", lang): [format_percent(v, lang) for v in rows["percent_now"]],
            t("whatif.col.end", lang): [format_percent(v, lang) for v in rows["percent_end"]],
            t("whatif.col.target", lang): [
                format_percent(v, lang) for v in rows["scenario_target"]
            ],
            t("whatif.col.gap", lang): [format_number(v, lang) for v in rows["gap_end"]],
            t("whatif.col.reach", lang): [
                sc.reach_text(m, period, lang) for m in rows["reach_month"]
            ],
            t("whatif.col.change", lang): [t(f"whatif.cat.{c}", lang) for c in rows["category"]],
        }
    )


def overview(results, tots, scen, defs, lang) -> pd.DataFrame:
    """One row per indicator: target, meeting now and at the deadline, gap."""
    return pd.DataFrame(
        {
            t("whatif.ov.indicator", lang): [defs[i].label(lang) for i in results],
            t("whatif.ov.target", lang): [
                format_percent(scen.targets.get(i), lang) for i in results
            ],
            t("whatif.ov.base", lang): [
                f"{tots[i].meeting_base} / {tots[i].with_data}" for i in results
            ],
            t("whatif.ov.now", lang): [
                f"{tots[i].meeting_now} / {tots[i].with_data}" for i in results
            ],
            t("whatif.ov.end", lang): [
                f"{tots[i].meeting_end} / {tots[i].with_data}" for i in results
            ],
            t("whatif.ov.gap", lang): [format_number(tots[i].gap_end, lang) for i in results],
        }
    )


def markdown_table(frame: pd.DataFrame) -> str:
    """A small table as Markdown (lighter to send than a data grid)."""

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|")

    lines = [
        "| " + " | ".join(cell(c) for c in frame.columns) + " |",
        "|" + "---|" * len(frame.columns),
    ]
    lines += [
        "| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)
    ]
    return "\n".join(lines)


def change_map(result: pd.DataFrame, lang: str) -> None:
    """Map of status changes of the shown indicator against the baseline."""
    texts = {c: t(f"whatif.cat.{c}", lang) for c in sc.CATEGORIES}
    texts.update(
        {
            "legend": t("whatif.map_legend", lang),
            "region": t("col.region", lang),
            "change": t("whatif.map_change", lang),
            "decimal": format_number(0.5, lang, 1)[1],
        }
    )
    template = scenario_charts.change_map_template(cached.geometry_url(), texts)
    st.vega_lite_chart(
        spec=scenario_charts.fill(template, {"changes": scenario_charts.map_rows(result)}),
        width="stretch",
    )
    counts = result["category"].value_counts()
    st.caption(
        " · ".join(f"{texts[c]}: {int(counts.get(c, 0))}" for c in sc.CATEGORIES)
        + ". "
        + t("whatif.map_note", lang)
    )


def share_and_export(results, scen, tots, defs, period, deadline, is_demo, lang) -> None:
    """Link that restores the sliders, CSV of every regency, one-page summary."""
    query = sc.to_query(scen) | ({"lang": "en"} if lang == "en" else {})
    base_url = st.context.url or ""
    st.markdown(f"**{t('whatif.share', lang)}**")
    st.code(f"{base_url}?{urlencode(query)}", language=None, wrap_lines=True)
    left, right = st.columns(2)
    left.download_button(
        t("whatif.csv", lang),
        data=lambda: to_csv(sc.export_frame(results, period, lang)),
        file_name=f"simulasi-{period}.csv",
        mime="text/csv",
        on_click="ignore",
        key="whatif_csv",
        icon=":material/download:",
    )
    right.download_button(
        t("whatif.summary", lang),
        data=lambda: summary_page(
            results, scen, tots, defs, period, deadline, is_demo, lang
        ).encode("utf-8"),
        file_name=f"simulasi-{period}.html",
        mime="text/html",
        on_click="ignore",
        key="whatif_summary",
        icon=":material/description:",
    )


def settings_text(scen: sc.Scenario, deadline: str, names: dict, lang: str) -> str:
    """The scenario's settings in one sentence."""
    where = (
        t("whatif.all_regions", lang)
        if not scen.outreach_regions
        else ", ".join(names.get(c, c) for c in scen.outreach_regions[:8])
        + (" …" if len(scen.outreach_regions) > 8 else "")
    )
    return t(
        "whatif.settings",
        lang,
        outreach=format_number(scen.outreach, lang),
        where=where,
        months=scen.months,
        date=deadline,
        growth=format_percent(scen.growth, lang, 1),
    )


def summary_page(results, scen, tots, defs, period, deadline, is_demo, lang) -> str:
    """The one-page summary as HTML."""
    names = dict(zip(cached.region_table()["code"], cached.region_table()["name"], strict=True))
    lines = [settings_text(scen, deadline, names, lang), t("whatif.model", lang)]
    if scen.scope and scen.overrides:
        lines.append(
            t(
                "whatif.summary_override",
                lang,
                scope=names.get(scen.scope, scen.scope),
                targets=", ".join(
                    f"{defs[i].label(lang)} {format_percent(v, lang)}"
                    for i, v in scen.overrides.items()
                ),
            )
        )
    shown = results[scen.indicator]
    worst = shown[shown["gap_end"] > 0].nlargest(10, "gap_end")
    if not worst.empty:
        lines.append(
            t(
                "whatif.summary_worst",
                lang,
                indicator=defs[scen.indicator].label(lang),
                names=", ".join(
                    f"{n} ({format_number(g, lang)})"
                    for n, g in zip(worst["name"], worst["gap_end"], strict=True)
                ),
            )
        )
    notes = [t("whatif.summary_period", lang, date=format_date(period, lang))]
    if is_demo:
        notes.insert(0, t("demo.banner", lang))
    return sc.summary_html(
        t("whatif.summary_title", lang, date=deadline),
        lines,
        overview(results, tots, scen, defs, lang),
        notes,
    )


def save_box(scen: sc.Scenario, period: str, lang: str) -> None:
    """Name and save the current scenario (signed-in users only; hidden when public)."""
    if access.is_public():
        return
    st.markdown(f"**{t('whatif.save', lang)}**")
    if not access.require_sign_in(lang):  # draws the sign-in form when needed
        return
    name = st.text_input(
        t("whatif.save_name", lang),
        max_chars=saved_scenarios.NAME_MAX,
        key="whatif_save_name",
        placeholder=t("whatif.save_hint", lang),
    )
    if st.button(t("whatif.save_button", lang), key="whatif_save", icon=":material/save:"):
        try:
            record = saved_scenarios.save(
                Store().root, name, sc.to_dict(scen), baseline_period=period
            )
        except saved_scenarios.ScenarioError as error:
            st.error(t(error.key, lang, **error.params))
            return
        st.success(t("whatif.saved_ok", lang, name=record["name"], version=record["version"]))


def saved_box(results, scen, tots, base, defs, targets, year, known, lang) -> None:
    """Open a saved scenario, or compare saved ones with the baseline and the current one."""
    records, broken = saved_scenarios.list_saved(Store().root)
    for item in broken:
        st.warning(t("whatif.saved.skipped", lang, file=item))
    if not records:
        st.caption(t("whatif.saved_none", lang))
        return
    by_slug = {r["slug"]: r for r in records}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    pick = left.selectbox(
        t("whatif.open", lang),
        list(by_slug),
        key="whatif_open",
        format_func=lambda s: t(
            "whatif.saved_label",
            lang,
            name=by_slug[s]["name"],
            version=by_slug[s]["version"],
            date=by_slug[s]["saved_at"][:10],
        ),
    )
    right.button(
        t("whatif.open_button", lang),
        key="whatif_open_button",
        icon=":material/restore:",
        on_click=apply_saved,
        args=(by_slug[pick], base, defs, targets, year, known),
    )
    compare = st.multiselect(
        t("whatif.compare", lang),
        list(by_slug),
        key="whatif_compare",
        format_func=lambda s: by_slug[s]["name"],
        max_selections=3,
    )
    if not compare:
        return
    entries = [(t("whatif.baseline", lang), None, tots), (t("whatif.current", lang), scen, tots)]
    for slug in compare:
        other = sc.from_dict(by_slug[slug]["scenario"], base, list(defs), known)
        bases = cached.scenario_baseline()[1]
        entries.append(
            (
                by_slug[slug]["name"],
                other,
                {i: sc.totals(sc.evaluate(bases[i], other, i)) for i in bases},
            )
        )
    st.dataframe(
        sc.compare_rows(entries, {i: d.label(lang) for i, d in defs.items()}, lang),
        hide_index=True,
        width="stretch",
    )


# --- the page --------------------------------------------------------------------------------


def main() -> None:
    lang = st.session_state.get("lang", "id")
    table = chrome.page_data("whatif.title", "whatif.intro", "whatif.no_data", lang)
    baseline = cached.scenario_baseline() if table is not None else None
    if baseline is None:
        return
    period, bases = baseline
    year = int(period[:4])
    defs, regions, targets = cached.indicator_defs(), cached.region_table(), cached.target_table()
    names = dict(zip(regions["code"], regions["name"], strict=True))
    provinces = sorted(regions.loc[regions["level"] == "province", "code"])
    nationals = {
        i: (found.percent if (found := cached.target_in_force(i, year, None)) else None)
        for i in defs
    }
    base = sc.defaults(nationals, sc.months_to_year_end(period), next(iter(defs)))
    known = set(names)
    restore(base, defs, targets, year, known)
    st.markdown(t("whatif.model", lang))

    left, right = st.columns([1, 2.4], gap="large")
    with left:
        scen = controls(defs, nationals, names, provinces, regions, targets, year, lang)
    write_query(scen)
    evaluated = {i: cached.scenario_result(i, scen) for i in defs}
    results = {i: found[0] for i, found in evaluated.items()}
    tots = {i: found[1] for i, found in evaluated.items()}
    deadline = sc.month_label(period, scen.months, lang)
    scope_name = (
        names.get(scen.scope, t("whatif.indonesia", lang))
        if scen.scope
        else t("whatif.indonesia", lang)
    )
    with right:
        indicator = st.segmented_control(
            t("whatif.indicator", lang),
            list(defs),
            key="whatif_indicator",
            format_func=lambda i: defs[i].label(lang),
            required=True,
        )
        st.subheader(
            t(
                "whatif.results",
                lang,
                indicator=defs[indicator].label(lang),
                date=deadline,
                base=format_date(period, lang),
            )
        )
        metrics(tots[indicator], deadline, lang)
        change_map(results[indicator], lang)
        st.subheader(t("whatif.gauges", lang, scope=scope_name, date=deadline))
        gauge_row(results, scen, defs, targets, year, scen.scope, scope_name, period, lang)
        st.caption(t("whatif.gauges_note", lang))
        st.markdown(markdown_table(overview(results, tots, scen, defs, lang)))
    st.subheader(t("whatif.table", lang, indicator=defs[indicator].label(lang)))
    st.markdown(markdown_table(region_table(results[indicator], period, lang)))
    st.caption(t("whatif.table_note", lang))
    shown = bases[indicator]
    counts = sc.meeting_by_month(
        shown["numerator"],
        shown["denominator"],
        results[indicator]["scenario_target"],
        results[indicator]["outreach"],
        scen.months,
        scen.growth / 100,
    )
    st.subheader(t("whatif.by_month", lang, indicator=defs[indicator].label(lang)))
    st.vega_lite_chart(
        spec=scenario_charts.by_month_spec(
            [int(c) for c in counts],
            [sc.month_label(period, k, lang) for k in range(len(counts))],
            tots[indicator].meeting_base,
            {
                "x": t("whatif.by_month_x", lang),
                "y": t("whatif.by_month_y", lang),
                "baseline": t("whatif.by_month_base", lang),
            },
        ),
        width="stretch",
    )
    keys = ["whatif.tab_share", "whatif.tab_saved"]
    if not access.is_public():
        keys.insert(1, "whatif.tab_save")
    tabs = dict(zip(keys, st.tabs([t(k, lang) for k in keys]), strict=True))
    with tabs["whatif.tab_share"]:
        share_and_export(
            results, scen, tots, defs, period, deadline, bool(table["is_demo"].any()), lang
        )
    if "whatif.tab_save" in tabs:
        with tabs["whatif.tab_save"]:
            save_box(scen, period, lang)
    with tabs["whatif.tab_saved"]:
        saved_box(results, scen, tots, base, defs, targets, year, known, lang)


main()
