"""Map page (being rebuilt for issue #4): national choropleth of one indicator."""

from __future__ import annotations

import streamlit as st

from pages import cached, chrome
from utils import charts, coverage
from utils.formatting import format_number, format_percent
from utils.i18n import t
from utils.summary import format_date
from utils.targets import target_for


def period_label(period: str, lang: str) -> str:
    return format_date(period, lang)


def main() -> None:
    lang = st.session_state.get("lang", "id")
    table = chrome.page_data("app.title", "app.tagline", "home.no_data", lang)
    if table is None:
        return
    defs = cached.indicator_defs()
    left, right, metric, target_box = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
    indicator = left.selectbox(
        t("home.indicator", lang), list(defs), format_func=lambda i: defs[i].label(lang),
        key="home_indicator",
    )
    periods = sorted(table["period"].unique(), reverse=True)
    period = right.selectbox(
        t("home.period", lang), periods, format_func=lambda p: period_label(p, lang),
        key="home_period",
    )
    rows = coverage.select(table, indicator, period)
    regions = cached.region_table()
    regs = regions[regions["level"] == "regency"][["code", "name", "province_name"]]
    values = regs.merge(rows, on="code", how="left")
    national = coverage.aggregate(rows.assign(all="ID"), "all").iloc[0]
    target = target_for(cached.target_table(), indicator, int(period[:4]), None)
    metric.metric(
        defs[indicator].label(lang),
        format_percent(national["percent"], lang),
        help=t("home.national", lang, percent=format_percent(national["percent"], lang),
               numerator=format_number(national["numerator"], lang),
               denominator=format_number(national["denominator"], lang)),
    )
    target_box.metric(
        t("home.target_label", lang, year=target.year) if target else t("home.no_target", lang),
        format_percent(target.percent, lang) if target else "–",
    )
    st.caption(t("home.regions_with_data", lang, count=int(values["percent"].notna().sum()),
                 total=len(values)))
    st.subheader(t("home.map_title", lang, indicator=defs[indicator].label(lang),
                   period=period_label(period, lang)))
    labels = {
        "legend": t("legend.coverage", lang), "no_data": t("home.no_data", lang),
        "region": t("col.region", lang), "province": t("col.province", lang),
        "percent": t("col.percent", lang), "numerator": defs[indicator].numerator_en
        if lang == "en" else defs[indicator].numerator_id,
        "denominator": defs[indicator].denominator_en if lang == "en"
        else defs[indicator].denominator_id,
    }
    chart = charts.choropleth(cached.geometry_url(), values, target.percent if target
                              else None, labels, lang)
    st.altair_chart(chart, width="stretch")
    with st.expander(t("home.table", lang)):
        shown = charts.map_values(values, lang).sort_values("percent", ascending=False)
        st.dataframe(
            shown[["name", "province_name", "percent_text", "numerator_text", "denominator_text"]]
            .rename(columns={"name": labels["region"], "province_name": labels["province"],
                             "percent_text": labels["percent"],
                             "numerator_text": labels["numerator"],
                             "denominator_text": labels["denominator"]}),
            hide_index=True, width="stretch",
        )




main()
