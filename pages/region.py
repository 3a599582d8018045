"""Region page: find a province or regency by name; its coverage, target, ranks and trend.

The chosen region is in the address (``/wilayah?kode=32.01``), so every region
has its own link. Every chart has its figures in a table below it and in the
written summary; the table is what the CSV download contains.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import streamlit as st

from pages.support import cached, chrome
from utils.charts.choropleth import AT_OR_ABOVE
from utils.charts.gauges import MARK, axis_start, scale_max, upper_first
from utils.formatting import d3_locale, format_date, format_number, format_percent
from utils.i18n import t
from utils.ingest.export import to_csv
from utils.metrics import attainment, coverage
from utils.metrics.targets import target_for
from utils.report.press_release import summary, target_scope

KEY = "region_code"
PARAM = "kode"
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$:])")
COLUMNS = [
    "period",
    "code",
    "region",
    "indicator",
    "numerator",
    "denominator",
    "percent",
    "target",
    "gap",
    "rank_province",
    "rank_national",
]


def plain(text: object) -> str:
    """Text safe inside Markdown: every formatting character escaped."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def option_label(code: str, regions: pd.DataFrame, lang: str) -> str:
    """``Provinsi Jawa Barat`` / ``Kota Bogor — Jawa Barat`` (what the search matches)."""
    row = regions.loc[code]
    if row["level"] == "province":
        return t("region.option_province", lang, name=row["name"].strip())
    return t(
        "region.option_regency",
        lang,
        name=row["name"].strip(),
        province=row["province_name"].strip(),
    )


def search(regions: pd.DataFrame, lang: str) -> str | None:
    """The search box; the choice follows the link on arrival and the link follows it."""
    codes = list(regions.sort_values(["level", "name"]).index)  # provinces, then regencies
    linked = st.query_params.get(PARAM)
    if KEY not in st.session_state and linked in regions.index:
        st.session_state[KEY] = linked
    code = st.selectbox(
        t("region.search", lang),
        codes,
        index=None,
        key=KEY,
        format_func=lambda c: option_label(c, regions, lang),
        placeholder=t("region.search_placeholder", lang),
        help=t("region.search_help", lang),
    )
    params = {PARAM: code} if code else {}
    st.query_params.from_dict({**params, **({"lang": lang} if lang != "id" else {})})
    if code is None and linked and linked not in regions.index:
        st.warning(t("region.unknown_link", lang))
    return code


def trend(
    table: pd.DataFrame, regions: pd.DataFrame, targets: pd.DataFrame, code: str
) -> pd.DataFrame:
    """Per period and indicator: the region's sums, percent, target in force and gap."""
    rows = attainment.regency_rows(table, regions, code)
    rows = rows[rows["numerator"].notna() & rows["denominator"].notna()]
    if rows.empty:
        return pd.DataFrame(
            columns=["period", "indicator", "numerator", "denominator", "percent", "target", "gap"]
        )
    out = coverage.aggregate(rows, ["period", "indicator"])
    found = [
        target_for(targets, i, int(p[:4]), code)
        for i, p in zip(out["indicator"], out["period"], strict=True)
    ]
    out["target"] = [f.percent if f else float("nan") for f in found]
    out["gap"] = pd.array(
        [
            attainment.gap_people(n, d, g)
            for n, d, g in zip(out["numerator"], out["denominator"], out["target"], strict=True)
        ],
        dtype="Int64",
    )
    return out[["period", "indicator", "numerator", "denominator", "percent", "target", "gap"]]


def ranks(
    table: pd.DataFrame, regions: pd.DataFrame, code: str, indicators: list[str], period: str
) -> pd.DataFrame:
    """Rank in province and nationally per indicator in ``period`` (ranked as the
    map ranks: by coverage, ties share the best rank, regions without data unranked)."""
    plain_regions = regions.reset_index(drop=True)
    is_province = regions.loc[code, "level"] == "province"
    out = []
    for indicator in indicators:
        rows = coverage.select(table, indicator, period)
        if is_province:
            peers = attainment.province_values(rows, plain_regions).assign(province_code="")
        else:
            peers = attainment.regency_rows(rows, plain_regions, None)
        peers = peers[peers["percent"].notna()].copy()
        peers["rank_national"] = attainment.rank_min(peers["percent"])
        peers["rank_province"] = peers.groupby("province_code")["percent"].transform(
            attainment.rank_min
        )
        mine = peers[peers["code"] == code]
        if mine.empty:
            continue
        same = peers["province_code"] == mine["province_code"].iloc[0]
        out.append(
            {
                "indicator": indicator,
                "rank_national": mine["rank_national"].iloc[0],
                "of_national": len(peers),
                "rank_province": None if is_province else mine["rank_province"].iloc[0],
                "of_province": None if is_province else int(same.sum()),
            }
        )
    return pd.DataFrame(
        out, columns=["indicator", "rank_province", "of_province", "rank_national", "of_national"]
    )


def rank_value(rank: object, total: object, lang: str) -> str:
    """``3 dari 10`` or an empty text when there is no rank."""
    if rank is None or pd.isna(rank):
        return ""
    return t("region.rank_value", lang, rank=int(rank), total=int(total))


def heading(code: str, regions: pd.DataFrame, period: str, lang: str) -> None:
    """Region name and where it is."""
    row = regions.loc[code]
    date = format_date(period, lang)
    if row["level"] == "province":
        st.header(t("region.heading_province", lang, name=row["name"].strip()))
        count = int(((regions["level"] == "regency") & (regions["province_code"] == code)).sum())
        st.caption(t("region.where_province", lang, code=code, regencies=count, date=date))
        return
    st.header(row["name"].strip())
    st.caption(
        t(
            "region.where_regency",
            lang,
            kind=t(f"region.kind.{row['kind']}", lang),
            province=row["province_name"].strip(),
            code=code,
            date=date,
        )
    )


def indicator_card(
    column, facts: attainment.Facts, label: str, rank_row: dict, units: str, lang: str
) -> None:
    """One indicator: value and change, target, gap, ranks."""
    delta = None
    if facts.change is not None and facts.previous_period:
        points = round(facts.change, 2) + 0.0
        delta = t(
            "region.change",
            lang,
            date=format_date(facts.previous_period, lang),
            points=("+" if points > 0 else "") + format_number(points, lang, 2),
        )
    helptext = None
    if facts.numerator is not None:
        helptext = t(
            "region.value_help",
            lang,
            numerator=format_number(facts.numerator, lang),
            denominator=format_number(facts.denominator, lang),
        )
    column.metric(label, format_percent(facts.percent, lang), delta, help=helptext, border=True)
    lines = []
    if facts.percent is None:
        lines.append(t("region.no_value", lang))
    if facts.target:
        lines.append(
            upper_first(
                t(
                    "region.target_line",
                    lang,
                    scope=target_scope(facts.target.scope, lang),
                    year=facts.target.year,
                    percent=format_percent(facts.target.percent, lang),
                )
            )
        )
        if facts.gap:
            lines.append(t("region.gap_line", lang, gap=format_number(facts.gap, lang)))
        elif facts.gap == 0:
            lines.append(t("region.met_line", lang))
    else:
        lines.append(t("region.no_target", lang))
    if rank_row.get("rank_province") is not None and pd.notna(rank_row.get("rank_province")):
        lines.append(
            t(
                "region.rank_province_line",
                lang,
                rank=int(rank_row["rank_province"]),
                total=int(rank_row["of_province"]),
            )
        )
    if rank_row.get("rank_national") is not None and pd.notna(rank_row.get("rank_national")):
        lines.append(
            t(
                "region.rank_national_line",
                lang,
                rank=int(rank_row["rank_national"]),
                total=int(rank_row["of_national"]),
                units=units,
            )
        )
    column.markdown("  \n".join(plain(line) for line in lines))


def trend_chart(rows: pd.DataFrame, title: str, lang: str) -> alt.LayerChart:
    """Coverage per period (purple line, dots) and the target in force (dashed black)."""
    data = rows.assign(
        when=[format_date(p, lang) for p in rows["period"]],
        percent_text=[format_percent(v, lang) for v in rows["percent"]],
        target_text=[format_percent(v, lang) for v in rows["target"]],
    )
    order = list(data.sort_values("period")["when"])
    low = axis_start(data["percent"].min(), data["target"].min())
    top = scale_max(data["percent"].max(), data["target"].max())
    x = alt.X("when:O", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelFontSize=12))
    y = alt.Scale(domain=[low, top], nice=False, zero=False)
    tips = [
        alt.Tooltip("when:N", title=t("region.col.period", lang)),
        alt.Tooltip("percent_text:N", title=t("region.series.coverage", lang)),
        alt.Tooltip("target_text:N", title=t("region.series.target", lang)),
    ]
    dots = alt.OverlayMarkDef(size=70, filled=True, color=AT_OR_ABOVE[-1])
    line = (
        alt.Chart(data)
        .mark_line(point=dots, color=AT_OR_ABOVE[-1], strokeWidth=3)
        .encode(x=x, y=alt.Y("percent:Q", scale=y, title=t("region.axis", lang)), tooltip=tips)
    )
    target = (
        alt.Chart(data[data["target"].notna()])
        .mark_line(color=MARK, strokeDash=[6, 4], strokeWidth=2, interpolate="step-after")
        .encode(x=x, y=alt.Y("target:Q", scale=y), tooltip=tips)
    )
    return (
        alt.layer(line, target)
        .properties(title=title, height=260, width="container")
        .configure(locale={"number": d3_locale(lang)})
        .configure_title(fontSize=15, anchor="start", color="#111111")
        .configure_axis(labelColor="#111111", titleColor="#111111")
    )


def chart_alt(rows: pd.DataFrame, title: str, region: str, lang: str) -> str:
    """What a trend chart shows, in words (its accessible name)."""
    ordered = rows.sort_values("period")
    values = "; ".join(
        f"{format_date(p, lang)} {format_percent(v, lang)}"
        for p, v in zip(ordered["period"], ordered["percent"], strict=True)
    )
    return t("region.chart_description", lang, indicator=title, region=region, values=values)


def shown_table(
    history: pd.DataFrame,
    rank_rows: pd.DataFrame,
    period: str,
    code: str,
    name: str,
    defs: dict,
    lang: str,
) -> pd.DataFrame:
    """The table and CSV: one row per period and indicator, latest first; ranks for
    the latest period."""
    out = history.merge(rank_rows.assign(period=period), on=["period", "indicator"], how="left")
    out["rank_province"] = [
        rank_value(r, n, lang)
        for r, n in zip(out["rank_province"], out["of_province"], strict=True)
    ]
    out["rank_national"] = [
        rank_value(r, n, lang)
        for r, n in zip(out["rank_national"], out["of_national"], strict=True)
    ]
    out["code"], out["region"] = code, name
    out["percent"] = out["percent"].round(2)
    out["order"] = out["indicator"].map({k: i for i, k in enumerate(defs)})
    out["indicator"] = [defs[i].label(lang) for i in out["indicator"]]
    out = out.sort_values(["period", "order"], ascending=[False, True])
    return out[COLUMNS].reset_index(drop=True)


def display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table as the page shows it: numbers written as ``lang`` writes them."""
    out = frame.copy()
    out["period"] = [format_date(p, lang) for p in out["period"]]
    for col in ("numerator", "denominator", "gap"):
        out[col] = [format_number(None if pd.isna(v) else v, lang) for v in out[col]]
    for col in ("percent", "target"):
        out[col] = [format_number(None if pd.isna(v) else v, lang, 2) for v in out[col]]
    out = out.drop(columns=["code", "region"])
    return out.rename(columns={c: t(f"region.col.{c}", lang) for c in out.columns})


def definitions(defs: dict, lang: str) -> None:
    """What the numbers mean (the same text as the About page)."""
    with st.expander(t("region.definitions", lang)):
        for item in defs.values():
            st.markdown(
                t(
                    "region.definition_line",
                    lang,
                    indicator=item.label(lang),
                    numerator=item.numerator_en if lang == "en" else item.numerator_id,
                    denominator=item.denominator_en if lang == "en" else item.denominator_id,
                )
            )
        st.markdown(t("region.definition_notes", lang))


def profile(code: str, table: pd.DataFrame, regions: pd.DataFrame, lang: str) -> None:
    """Everything about one region."""
    defs, targets = cached.indicator_defs(), cached.target_table()
    period = coverage.latest_period(table)
    plain_regions = regions.reset_index(drop=True)
    name = (
        t("region.heading_province", lang, name=regions.loc[code, "name"].strip())
        if regions.loc[code, "level"] == "province"
        else regions.loc[code, "name"].strip()
    )
    heading(code, regions, period, lang)
    facts = {
        i: attainment.scope_facts(table, plain_regions, targets, i, period, code)[0] for i in defs
    }
    rank_rows = ranks(table, regions, code, list(defs), period)
    by_indicator = {r["indicator"]: r for r in rank_rows.to_dict("records")}
    units = t(f"region.units.{regions.loc[code, 'level']}", lang)
    st.subheader(t("region.latest", lang, date=format_date(period, lang)))
    for column, indicator in zip(st.columns(len(defs)), defs, strict=True):
        indicator_card(
            column,
            facts[indicator],
            defs[indicator].label(lang),
            by_indicator.get(indicator, {}),
            units,
            lang,
        )

    history = trend(table, plain_regions, targets, code)
    st.subheader(t("region.trend", lang))
    for column, indicator in zip(st.columns(len(defs)), defs, strict=True):
        rows = history[history["indicator"] == indicator]
        if not rows.empty:
            label = defs[indicator].label(lang)
            column.altair_chart(
                trend_chart(rows, label, lang),
                width="stretch",
                alt=chart_alt(rows, label, name, lang),
            )
    st.caption(t("region.trend_note", lang))

    st.subheader(t("region.summary", lang))
    for indicator in defs:
        st.text(summary(facts[indicator], defs[indicator], lang), width="stretch")

    st.subheader(t("region.table", lang))
    frame = shown_table(history, rank_rows, period, code, name, defs, lang)
    st.table(display(frame, lang), hide_index=True, alt=t("region.table_alt", lang, region=name))
    headers = {c: t(f"region.col.{c}", lang) for c in COLUMNS}
    st.download_button(
        t("region.download_csv", lang),
        to_csv(frame.rename(columns=headers)),
        file_name=f"capaian_{code}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="region_download",
    )
    definitions(defs, lang)


def main() -> None:
    """The region page."""
    lang = st.session_state.get("lang", "id")
    table = chrome.page_data("region.title", "region.intro", "region.no_data", lang)
    if table is None:
        return
    regions = cached.region_table().set_index("code", drop=False)
    code = search(regions, lang)
    if code is None:
        st.info(t("region.pick", lang))
        return
    profile(code, table, regions, lang)


main()
