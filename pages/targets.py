"""Targets page: gauges per indicator, bullet charts per region, press-release summary."""

from __future__ import annotations

import streamlit as st

from pages.support import cached, chrome
from utils.charts import gauges
from utils.formatting import (
    format_date,
    format_number,
    format_percent,
    format_percent_against,
    join_names,
    plain,
)
from utils.i18n import t
from utils.metrics import attainment
from utils.metrics import regions as region_ref
from utils.metrics import targets as target_registry
from utils.report import completeness, scope_words
from utils.report.press_release import summary

lang = st.session_state.get("lang", "id")
table = chrome.page_data("targets.title", "targets.intro", "targets.no_data", lang)
if table is None:
    st.stop()

defs, regions, targets = cached.indicator_defs(), cached.region_table(), cached.target_table()
names = cached.region_names()
provinces = region_ref.province_codes(regions)
# One province's data opens on that province (its figure is not Indonesia's).
st.session_state.setdefault("targets_province", attainment.data_province(table, regions) or "")
pick_province, pick_regency, pick_period = st.columns(3)
province = pick_province.selectbox(
    t("targets.province", lang), ["", *provinces], key="targets_province",
    format_func=lambda c: names.get(c, t("targets.indonesia", lang)) if c
    else t("targets.indonesia", lang))
regencies = region_ref.regency_codes(regions, province) if province else []
regency = pick_regency.selectbox(
    t("targets.regency", lang), ["", *regencies], key=f"targets_regency_{province}",
    format_func=lambda c: names[c] if c else t("targets.all_regencies", lang),
    disabled=not province)
periods = sorted(table["period"].unique(), reverse=True)
period = pick_period.selectbox(t("targets.period", lang), periods, key="targets_period",
                               format_func=lambda p: format_date(p, lang))
code = regency or province or None
scope_label = names.get(code, t("targets.indonesia", lang)) if code else t("targets.indonesia",
                                                                            lang)

facts = {ind: attainment.scope_facts(table, regions, targets, ind, period, code)
         for ind in defs}
# The heading names what the figures cover (a partial Indonesia is not "Indonesia").
covers = {scope_words.facts_label(f, lang) for f, _ in facts.values() if f.percent is not None}
if len(covers) == 1:
    scope_label = covers.pop()
st.subheader(t("targets.gauges", lang, scope=scope_label, date=format_date(period, lang)))
for column, ind in zip(st.columns(len(defs)), defs, strict=True):
    texts = completeness.gauge_marks(facts[ind][0], gauges.gauge_texts(facts[ind][0], defs[ind],
                                                                       lang), lang)
    target = facts[ind][0].target
    column.altair_chart(gauges.gauge(facts[ind][0].percent, target.percent if target else None,
                                     texts["state"], texts), width="content")
    if note := completeness.facts_note(facts[ind][0], lang):  # partial, or without sums
        column.caption(note)

indicator = st.selectbox(t("targets.indicator", lang), list(defs), key="targets_indicator",
                         format_func=lambda i: defs[i].label(lang))
chosen, per_region = facts[indicator]
if regency:  # a regency is compared with the other regencies of its province
    per_region = attainment.scope_facts(table, regions, targets, indicator, period,
                                        province)[1]


def extreme(item: attainment.Extreme | None) -> tuple[str, str]:
    """Metric value and caption for a highest/lowest entry."""
    if item is None:
        return "–", ""
    target = chosen.target.percent if chosen.target else None  # a value never reads as its target
    return format_percent_against(item.percent, target, lang), join_names(list(item.names), lang)


cells = st.columns(6 if chosen.rank_of else 4)
if regency:  # one regency: where it stands in its province instead of extremes
    own = per_region.loc[per_region["code"] == regency, "rank"]
    cells[0].metric(t("targets.rank_in_province", lang, province=names[province]),
                    t("targets.rank_value", lang, rank="–" if own.isna().all()
                      else int(own.iloc[0]), total=int(per_region["has_data"].sum())))
    cells[1].metric(t("targets.gap", lang), t("region.figure.cannot", lang)
                    if chosen.gap is None and chosen.without_counts
                    else format_number(chosen.gap, lang))
    cells[2].metric(t("targets.province_meeting", lang),
                    scope_words.among(int(per_region["meets"].fillna(False).sum()),
                                      int(per_region["has_data"].sum()), len(per_region), lang))
else:
    for cell, key, item in ((cells[0], "targets.highest", chosen.highest),
                            (cells[1], "targets.lowest", chosen.lowest)):
        value, who = extreme(item)
        cell.metric(t(key, lang), value)
        cell.caption(who)
    among = attainment.scope_coverage(chosen)
    cells[2].metric(t("targets.meeting", lang), scope_words.among(
        chosen.meeting or 0, among.members, among.members_total, lang))
if chosen.previous_period:
    cells[3].metric(t("targets.change", lang, date=format_date(chosen.previous_period, lang)),
                    t("targets.change_value", lang,
                      points=("+" if chosen.change >= 0.005 else "")
                      + format_number(round(chosen.change, 2) + 0.0, lang, 2)))
else:
    cells[3].metric(t("targets.no_previous", lang), t("targets.no_previous_value", lang))
if chosen.rank_of:
    for cell, key, rank in ((cells[4], "targets.rank_percent", chosen.rank),
                            (cells[5], "targets.rank_meeting", chosen.rank_meeting)):
        cell.metric(t(key, lang), scope_words.rank_value(rank or "–", chosen.rank_of,
                                                         chosen.rank_total, lang),
                    help=t("targets.rank_help", lang))
if chosen.missing:
    st.caption(t("targets.missing", lang, names=join_names(list(chosen.missing), lang)))

units = t("targets.summary.provinces" if code is None else "targets.summary.regencies", lang)
st.subheader(t("targets.bullets", lang, indicator=defs[indicator].label(lang), units=units,
               date=format_date(period, lang)))
st.altair_chart(gauges.bullet(gauges.bullet_rows(per_region, lang), gauges.bullet_labels(lang)),
                width="stretch", height=gauges.bullet_height(len(per_region)))
start = gauges.axis_start(per_region["percent"].min(), per_region["target"].min())
st.caption(t("targets.bullets_note", lang) + (" " + t("targets.axis_start", lang,
                                                     percent=format_percent(start, lang, 0))
                                               if start else ""))
st.caption(t("kec_reg_targets_note", lang))  # a kecamatan follows its regency's target


def cited(row: dict) -> str:
    """A registry row's source sentence, with its address as a link when one is known."""
    link = t("targets.source_link", lang, url=row["url"]) if row.get("url") else ""
    return " ".join(part for part in (plain(row["source"]), link) if part)


def conflict_note(rows: list[dict]) -> str:
    """One disputed target as Markdown: the statement in force, then every alternative."""
    lines, others = [], []
    for row in rows:
        percent = format_percent(row["target_percent"], lang)
        if row["status"] == target_registry.ALTERNATIVE:
            others.append("- " + t("targets.conflict_alternative", lang, percent=percent,
                                   source=cited(row)))
            continue
        scope = (t("targets.summary.target_national", lang)
                 if row["scope"] == target_registry.SCOPE_NATIONAL
                 else names.get(row["scope"], row["scope"]))
        name = defs[row["indicator"]].label(lang) if row["indicator"] in defs else row["indicator"]
        lines.append(t("targets.conflict_used", lang, indicator=name, year=row["year"],
                       scope=scope, percent=percent, source=cited(row),
                       note=plain(row.get("note") or "")).strip())
    return "\n".join([*lines, *others])


disputed = target_registry.conflicts(targets)  # where published sources disagree
if not disputed.empty:
    st.subheader(t("targets.conflicts", lang))
    st.caption(t("targets.conflicts_intro", lang))
    order = [*defs, *sorted(set(disputed["indicator"]) - set(defs))]
    for ind in order:
        for _, group in disputed[disputed["indicator"] == ind].groupby(["year", "scope"]):
            st.markdown(conflict_note(group.to_dict("records")))

st.subheader(t("targets.summary_title", lang))
st.code(summary(chosen, defs[indicator], lang), language=None, wrap_lines=True)
st.caption(t("targets.summary_hint", lang))
with st.expander(t("targets.summary_other", lang)):
    st.code(summary(chosen, defs[indicator], "en" if lang == "id" else "id"), language=None,
            wrap_lines=True)
