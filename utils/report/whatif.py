"""What-if results as texts and tables in a language (pure).

Numbers come from :mod:`utils.metrics.whatif`; this module writes them for a
planner: the table of regions that change, the overview per indicator, the
settings in one sentence, the CSV's columns, the side-by-side comparison
and the printable one-page summary.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

from utils.formatting import (
    MONTHS,
    format_date,
    format_number,
    format_percent,
    format_percent_against,
)
from utils.i18n import t
from utils.metrics.indicators import Indicator
from utils.metrics.kecamatan_whatif import Reach
from utils.metrics.whatif import CATEGORIES, Totals, add_months
from utils.metrics.whatif_state import Scenario

TABLE_FAILING, TABLE_PASSING, TABLE_SHORT = 10, 5, 10
"""Rows of the on-screen table: newly failing, newly passing, then the largest shortfalls."""


def month_label(period: str, months: int, lang: str) -> str:
    """Calendar month ``months`` after the period: ``Desember 2025`` / ``December 2025``."""
    year, month = add_months(period, months)
    return f"{MONTHS.get(lang, MONTHS['id'])[month - 1]} {year}"


def reach_text(month: float, period: str, lang: str) -> str:
    """When a region reaches its target: ``sudah`` (now), a month, or ``tidak tercapai``."""
    if pd.isna(month):
        return t("whatif.reach.never", lang)
    if month == 0:
        return t("whatif.reach.now", lang)
    return month_label(period, int(month), lang)


EXPORT_COLUMNS = [
    "indicator",
    "code",
    "name",
    "province_name",
    "numerator",
    "denominator",
    "percent_now",
    "target",
    "meets_base",
    "scenario_target",
    "outreach",
    "numerator_end",
    "denominator_end",
    "percent_end",
    "meets_end",
    "gap_end",
    "reach",
    "category",
]


def export_frame(results: Mapping[str, pd.DataFrame], period: str, lang: str,
                 labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every regency's result for every indicator, headers in ``lang`` (for the CSV);
    indicators by ``labels`` (id → label) when given. A regency whose row holds only
    a percent is marked in a last ``Keterangan`` column (it is not simulated)."""
    frames = []
    for indicator, result in results.items():
        out = result.assign(indicator=(labels or {}).get(indicator, indicator))
        out["reach"] = [reach_text(m, period, lang) for m in result["reach_month"]]
        out["category"] = [t(f"whatif.cat.{c}", lang) for c in result["category"]]
        for column in ("percent_now", "percent_end", "denominator_end"):
            out[column] = out[column].round(4)
        only = (out["without_counts"].fillna(False).astype(bool) if "without_counts" in out
                else pd.Series(False, index=out.index))
        out["note"] = only.map({True: t("provenance.whatif_note", lang), False: ""})
        frames.append(out[[*EXPORT_COLUMNS, "note"]])
    table = pd.concat(frames, ignore_index=True)
    if not (table["note"] != "").any():
        table = table.drop(columns="note")
    headers = {c: t(f"whatif.csv.{c}", lang) for c in EXPORT_COLUMNS}
    return table.rename(columns={**headers, "note": t("data.export.derived", lang)})


def compare_rows(
    entries: list[tuple[str, Scenario | None, Mapping[str, Totals]]],
    labels: Mapping[str, str],
    lang: str,
) -> pd.DataFrame:
    """Side-by-side table: one column per entry, one row per figure.

    Parameters
    ----------
    entries : list
        ``(column title, scenario or None for the baseline, totals per indicator)``.
    labels : dict
        Indicator id → label.
    lang : str
        Language of texts and numbers.
    """
    rows: dict[str, list[str]] = {}
    for _title, scen, per in entries:
        for indicator, label in labels.items():
            tot = per.get(indicator)
            target = scen.targets.get(indicator) if scen else None
            key = f"{label} — "
            rows.setdefault(key + t("whatif.cmp.target", lang), []).append(
                format_percent(target, lang)
                if scen and target is not None
                else t("whatif.cmp.in_force", lang)
            )
            meeting = None if tot is None else (tot.meeting_end if scen else tot.meeting_base)
            rows.setdefault(key + t("whatif.cmp.meeting", lang), []).append(
                "–" if tot is None else f"{meeting} / {tot.with_data}"
            )
            gap = None if tot is None else (tot.gap_end if scen else tot.gap_base)
            rows.setdefault(key + t("whatif.cmp.gap", lang), []).append(format_number(gap, lang))
        rows.setdefault(t("whatif.cmp.outreach", lang), []).append(
            format_number(scen.outreach, lang) if scen else "–"
        )
        rows.setdefault(t("whatif.cmp.months", lang), []).append(str(scen.months) if scen else "0")
        rows.setdefault(t("whatif.cmp.growth", lang), []).append(
            format_percent(scen.growth, lang, 1) if scen else "–"
        )
    frame = pd.DataFrame(rows, index=[e[0] for e in entries]).T
    frame.index.name = t("whatif.cmp.figure", lang)
    return frame.reset_index()


def summary_html(title: str, lines: list[str], table: pd.DataFrame, notes: list[str]) -> str:
    """A printable one-page summary (self-contained HTML; every text escaped).

    Parameters
    ----------
    title : str
        Heading.
    lines : list of str
        Sentences above the table (scenario settings, the model).
    table : pandas.DataFrame
        Figures per indicator (already formatted as text).
    notes : list of str
        Small print below the table (demo label, source period).
    """
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in table.itertuples(index=False)
    )
    paras = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    small = "".join(f"<p class='note'>{html.escape(n)}</p>" for n in notes)
    style = (
        "body{font-family:sans-serif;max-width:180mm;margin:12mm auto;color:#111}"
        "h1{font-size:22pt;margin:0 0 8pt}p{font-size:12pt;margin:4pt 0}"
        "table{border-collapse:collapse;width:100%;margin:10pt 0;font-size:12pt}"
        "th,td{border:1px solid #999;padding:4pt 6pt;text-align:left}"
        "th{background:#eee}.note{font-size:10pt;color:#444}"
        "@page{size:A4;margin:12mm}"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title><style>{style}</style></head><body><h1>{html.escape(title)}</h1>"
        f"{paras}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"{small}</body></html>"
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
            t("whatif.col.now", lang): [format_percent_against(v, g, lang) for v, g in zip(
                rows["percent_now"], rows["scenario_target"], strict=True)],
            t("whatif.col.end", lang): [format_percent_against(v, g, lang) for v, g in zip(
                rows["percent_end"], rows["scenario_target"], strict=True)],
            t("whatif.col.target", lang): [
                format_percent(v, lang) for v in rows["scenario_target"]
            ],
            t("whatif.col.gap", lang): [format_number(v, lang) for v in rows["gap_end"]],
            t("whatif.col.reach", lang): [
                reach_text(m, period, lang) for m in rows["reach_month"]
            ],
            t("whatif.col.change", lang): [t(f"whatif.cat.{c}", lang) for c in rows["category"]],
        }
    )


def kecamatan_table(result: pd.DataFrame, period: str, lang: str) -> pd.DataFrame:
    """Every kecamatan of a regency (texts ready to show): the largest shortfall at the
    deadline first, then those meeting the target, those without data last.

    The first column is headed by the kecamatan's kind (``Kecamatan``, or ``Distrik``
    in Papua), the official word in both languages.
    """
    order = result.assign(_gap=result["gap_end"].fillna(-1.0))
    rows = order.sort_values(["_gap", "code"], ascending=[False, True])
    kind = str(rows["kind"].iloc[0]) if len(rows) else t("kec_wi_col_kecamatan", lang)
    return pd.DataFrame({
        kind: rows["name"],
        t("whatif.col.now", lang): [format_percent_against(v, g, lang) for v, g in zip(
            rows["percent_now"], rows["scenario_target"], strict=True)],
        t("whatif.col.end", lang): [format_percent_against(v, g, lang) for v, g in zip(
            rows["percent_end"], rows["scenario_target"], strict=True)],
        t("whatif.col.target", lang): [format_percent(v, lang) for v in rows["scenario_target"]],
        t("whatif.col.gap", lang): [format_number(v, lang) for v in rows["gap_end"]],
        t("kec_wi_col_outreach", lang): [
            format_number(v, lang) if not pd.isna(n) else "–"
            for v, n in zip(rows["outreach"], rows["numerator"], strict=True)],
        t("whatif.col.reach", lang): [reach_text(m, period, lang) for m in rows["reach_month"]],
        t("whatif.col.change", lang): [t(f"whatif.cat.{c}", lang) for c in rows["category"]],
    })


def kecamatan_sum_text(reach: Reach, regency: str, lang: str) -> str:
    """How the regency's totals are made: Σ over its kecamatan, and which are left out.

    Examples
    --------
    >>> kecamatan_sum_text(Reach(total=3, counted=3), "Kota Bontang", "en")[:40]
    'Kota Bontang: results per kecamatan. The'
    """
    text = t("kec_wi_sum_note", lang, name=regency, total=reach.total)
    if reach.partial:
        text += " " + t("kec_wi_sum_partial", lang, counted=reach.counted, total=reach.total,
                        missing=reach.total - reach.counted)
    return text


def kecamatan_csv(frame: pd.DataFrame, regency: str, lang: str) -> pd.DataFrame:
    """An :func:`export_frame` (or a goal-seek CSV) of kecamatan: the name column is
    headed ``kecamatan`` and the regency's name stands beside it on every row."""
    name = t("whatif.csv.name", lang)
    out = frame.rename(columns={name: t("kec_wi_csv_name", lang)})
    at = list(out.columns).index(t("kec_wi_csv_name", lang)) + 1 if name in frame else 0
    out.insert(at, t("kec_wi_csv_regency", lang), regency)
    return out


def overview(results: Mapping[str, pd.DataFrame], tots: Mapping[str, Totals], scen: Scenario,
             defs: Mapping[str, Indicator], lang: str) -> pd.DataFrame:
    """One row per indicator: target, meeting now and at the deadline, gap; and the
    regencies left out for lack of counts, when any are."""
    frame = pd.DataFrame(
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
    if any(tots[i].without_counts for i in results):
        frame[t("whatif.ov.excluded", lang)] = [tots[i].without_counts for i in results]
    return frame


def excluded_text(tot: Totals, lang: str) -> str | None:
    """How many regencies the model leaves out because their rows hold only a percent."""
    return t("whatif.excluded", lang, count=tot.without_counts) if tot.without_counts else None


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


def settings_text(scen: Scenario, deadline: str, names: Mapping[str, str], lang: str) -> str:
    """The scenario's settings in one sentence (per kecamatan when the scenario plans
    a regency's kecamatan)."""
    per_kecamatan = bool(scen.kecamatan_of)
    where = (
        t("kec_wi_all_kecamatan" if per_kecamatan else "whatif.all_regions", lang)
        if not scen.outreach_regions
        else ", ".join(names.get(c, c) for c in scen.outreach_regions[:8])
        + (" …" if len(scen.outreach_regions) > 8 else "")
    )
    return t(
        "kec_wi_settings" if per_kecamatan else "whatif.settings",
        lang,
        outreach=format_number(scen.outreach, lang),
        where=where,
        months=scen.months,
        date=deadline,
        growth=format_percent(scen.growth, lang, 1),
    )


def summary_page(results: Mapping[str, pd.DataFrame], scen: Scenario,
                 tots: Mapping[str, Totals], defs: Mapping[str, Indicator], period: str,
                 deadline: str, names: Mapping[str, str], is_demo: bool, lang: str) -> str:
    """The one-page summary as HTML (the demo label first when the data are demo)."""
    lines = [settings_text(scen, deadline, names, lang), t("whatif.model", lang)]
    if scen.kecamatan_of:
        lines.insert(0, t("kec_wi_summary_level", lang,
                          name=names.get(scen.kecamatan_of, scen.kecamatan_of)))
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
    notes += [t("whatif.excluded_summary", lang, indicator=defs[i].label(lang),
                count=tots[i].without_counts) for i in results if tots[i].without_counts]
    if is_demo:
        notes.insert(0, t("demo.banner", lang))
    return summary_html(
        t("whatif.summary_title", lang, date=deadline),
        lines,
        overview(results, tots, scen, defs, lang),
        notes,
    )


def delta_text(value: int, lang: str) -> str | None:
    """A change as ``+12`` / ``-1.204`` (``None`` for no change, so nothing is shown).

    Examples
    --------
    >>> delta_text(1204, "id"), delta_text(-3, "en"), delta_text(0, "id")
    ('+1.204', '-3', None)
    """
    return None if value == 0 else ("+" if value > 0 else "-") + format_number(abs(value), lang)


def change_map_texts(lang: str) -> dict[str, str]:
    """Texts of the change map: one per category, the legend and tooltip titles."""
    texts = {c: t(f"whatif.cat.{c}", lang) for c in CATEGORIES}
    texts.update({
        "legend": t("whatif.map_legend", lang),
        "region": t("col.region", lang),
        "change": t("whatif.map_change", lang),
        "decimal": format_number(0.5, lang, 1)[1],
    })
    return texts


def category_counts(result: pd.DataFrame, lang: str) -> str:
    """``Baru tidak memenuhi: 3 · Baru memenuhi: 12 · …`` in map order."""
    counts = result["category"].value_counts()
    return " · ".join(f"{t(f'whatif.cat.{c}', lang)}: {int(counts.get(c, 0))}"
                      for c in CATEGORIES)


def by_month_texts(lang: str, kecamatan: bool = False) -> dict[str, str]:
    """Axis titles and the baseline's label of the month-by-month chart (counting
    kecamatan instead of regencies when ``kecamatan``)."""
    y = "kec_wi_by_month_y" if kecamatan else "whatif.by_month_y"
    return {"x": t("whatif.by_month_x", lang), "y": t(y, lang),
            "baseline": t("whatif.by_month_base", lang)}
