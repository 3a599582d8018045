"""Goal-seek and capacity results as texts and tables in a language (pure).

Numbers come from :mod:`utils.metrics.goal_seek`; this module writes them for
a planner: the table per regency (neediest first), the totals per indicator,
the CSV's columns and the messages of a refused capacity row.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from utils.formatting import format_number, format_percent, format_percent_against, plain
from utils.i18n import t
from utils.ingest.capacity import Refusal
from utils.metrics.goal_seek import REACH_HORIZON, GoalTotals, grand_total
from utils.metrics.indicators import Indicator
from utils.report.whatif import month_label

CSV_COLUMNS = ["indicator", "code", "name", "province_name", "numerator", "denominator",
               "percent_now", "target", "gap_deadline", "needed", "need_text", "pace", "since",
               "growth_used", "growth_source", "own_month", "own_text"]
SHARED_HEADERS = {c: f"whatif.csv.{c}" for c in ("indicator", "code", "name", "province_name",
                                                 "numerator", "denominator", "percent_now")}
SHARED_HEADERS["target"] = "whatif.csv.scenario_target"
"""Columns the what-if CSV also has keep its headers (one name for one figure)."""


def need_text(needed: float, status: str, lang: str) -> str:
    """``1.204`` / ``0 (memenuhi pada tenggat)`` / ``tidak dapat dihitung: …``.

    Examples
    --------
    >>> need_text(1204.0, "needs", "id"), need_text(float("nan"), "no_counts", "en")
    ('1.204', 'cannot be computed: percent only, no counts')
    """
    if status == "needs":
        return format_number(needed, lang)
    return t(f"goal.need.{status}", lang)


def own_text(month: float, status: str, period: str, lang: str) -> str:
    """When the own pace meets the target: a calendar month, or why not."""
    if status == "month":
        return month_label(period, int(month), lang)
    return t(f"goal.own.{status}", lang, years=REACH_HORIZON // 12)


def growth_text(percent: float, source: str, lang: str) -> str:
    """``0,80 % (data)`` / ``1,00 % (skenario)``: the growth used and where it comes from."""
    return t(f"goal.growth.{source}", lang, percent=format_percent(percent, lang))


def screen_table(table: pd.DataFrame, period: str, lang: str) -> pd.DataFrame:
    """:func:`utils.metrics.goal_seek.goal_table` as texts to show, in its order."""
    return pd.DataFrame({  # what a phone shows first: the region, its need, its own pace
        t("col.region", lang): table["name"],
        t("goal.col.needed", lang): [need_text(n, s, lang) for n, s in zip(
            table["needed"], table["need_status"], strict=True)],
        t("goal.col.own", lang): [own_text(m, s, period, lang) for m, s in zip(
            table["own_month"], table["own_status"], strict=True)],
        t("goal.col.pace", lang): [format_number(v, lang) for v in table["pace"]],
        t("goal.col.now", lang): [format_percent_against(v, g, lang) for v, g in zip(
            table["percent_now"], table["target"], strict=True)],
        t("goal.col.target", lang): [format_percent(v, lang) for v in table["target"]],
        t("goal.col.growth", lang): [growth_text(g, s, lang) for g, s in zip(
            table["growth_used"], table["growth_source"], strict=True)],
        t("col.province", lang): table["province_name"],
    })


def totals_table(totals: Mapping[str, GoalTotals], defs: Mapping[str, Indicator],
                 lang: str) -> pd.DataFrame:
    """One row per indicator and a last row summing the people per month of all."""
    rows = [[defs[i].label(lang), str(tot.needing), str(tot.at_target),
             str(tot.not_computable), format_number(tot.needed, lang),
             f"{tot.on_time} / {tot.computed}"] for i, tot in totals.items()]
    # regions are counted per indicator only: the last row sums people per month
    rows.append([t("goal.tot.all", lang), "", "", "", format_number(grand_total(totals), lang),
                 ""])
    keys = ["indicator", "needing", "at_target", "not_computable", "needed", "on_time"]
    return pd.DataFrame(rows, columns=[t(f"goal.tot.{k}", lang) for k in keys])


def export_frame(tables: Mapping[str, pd.DataFrame], period: str, lang: str,
                 labels: Mapping[str, str]) -> pd.DataFrame:
    """Every regency's goal-seek for every indicator, numbers kept as numbers and the
    texts beside them; headers in ``lang`` (for the CSV). A regency whose row holds only
    a percent is marked in a last column, as in the what-if CSV."""
    frames = []
    for indicator, table in tables.items():
        out = table.assign(indicator=labels.get(indicator, indicator))
        out["need_text"] = [need_text(n, s, lang) for n, s in zip(
            table["needed"], table["need_status"], strict=True)]
        out["own_text"] = [own_text(m, s, period, lang) for m, s in zip(
            table["own_month"], table["own_status"], strict=True)]
        out["growth_source"] = [t(f"goal.source.{s}", lang) for s in table["growth_source"]]
        for column in ("percent_now", "pace", "growth_used"):
            out[column] = out[column].round(4)
        only = table["need_status"] == "no_counts"  # percent only: marked as the what-if CSV does
        out["note"] = only.map({True: t("provenance.whatif_note", lang), False: ""})
        frames.append(out[[*CSV_COLUMNS, "note"]])
    table = pd.concat(frames, ignore_index=True)
    if not (table["note"] != "").any():
        table = table.drop(columns="note")
    headers = {c: t(SHARED_HEADERS.get(c, f"goal.csv.{c}"), lang) for c in CSV_COLUMNS}
    return table.rename(columns={**headers, "note": t("data.export.derived", lang)})


def chart_rows(table: pd.DataFrame, lang: str, top: int = 15) -> pd.DataFrame:
    """The ``top`` neediest regions in long form for the chart: ``region, kind, value``
    (needed and own pace per month; a region without a pace shows only its need)."""
    rows = table[table["need_status"] == "needs"].head(top)
    needed = pd.DataFrame({"region": rows["name"], "kind": t("goal.chart.needed", lang),
                           "value": rows["needed"], "order": range(len(rows))})
    pace = pd.DataFrame({"region": rows["name"], "kind": t("goal.chart.pace", lang),
                         "value": rows["pace"], "order": range(len(rows))}).dropna()
    return pd.concat([needed, pace], ignore_index=True)


def chart_texts(count: int, lang: str) -> dict[str, str]:
    """Titles of the need chart."""
    return {"title": t("goal.chart_title", lang, count=count), "x": t("goal.chart.x", lang),
            "kind": t("goal.chart.kind", lang), "region": t("col.region", lang),
            "needed": t("goal.chart.needed", lang), "pace": t("goal.chart.pace", lang)}


def refusal_text(refusal: Refusal, lang: str) -> str:
    """``Baris 7: kode 64.72 adalah Kota Samarinda, bukan «Kota Balikpapan». …``, the
    file's own texts shown as typed (safe inside Markdown)."""
    params = {k: plain(v) for k, v in refusal.params.items()}
    return t("capacity.refused_row", lang, row=refusal.row, reason=t(refusal.key, lang, **params))
