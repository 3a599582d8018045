"""The region page's words and table: one region's numbers in a language (pure).

Numbers come from :mod:`utils.metrics.region_profile` and
:func:`utils.metrics.attainment.scope_facts`; templates are the ``region.*``
texts. A region row is one row of the region reference (``code``, ``name``,
``level``, ``kind``, ``province_name``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from utils.charts.gauges import upper_first
from utils.formatting import format_date, format_number, format_percent
from utils.i18n import t
from utils.metrics import coverage
from utils.metrics.attainment import Facts
from utils.metrics.indicators import Indicator
from utils.metrics.map_view import derived_marks
from utils.metrics.regions import PROVINCE
from utils.report import completeness, scope_words
from utils.report.press_release import target_scope

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
"""Columns of :func:`history_table` (the page's table and its CSV); a ``note``
column follows when a figure is derived, partial or without counts."""
NOTE = "note"


def option_label(row: Mapping[str, Any] | pd.Series, lang: str) -> str:
    """What the search box lists and matches for a region.

    Examples
    --------
    >>> option_label({"name": "Jawa Barat", "level": "province"}, "id")
    'Provinsi Jawa Barat'
    >>> option_label({"name": "Kota Bogor", "level": "regency",
    ...               "province_name": "Jawa Barat"}, "id")
    'Kota Bogor — Jawa Barat'
    """
    if row["level"] == PROVINCE:
        return t("region.option_province", lang, name=row["name"].strip())
    return t(
        "region.option_regency",
        lang,
        name=row["name"].strip(),
        province=row["province_name"].strip(),
    )


def title(row: Mapping[str, Any] | pd.Series, lang: str) -> str:
    """The region's name as headed: ``Provinsi Jawa Barat`` or ``Kota Bogor``."""
    if row["level"] == PROVINCE:
        return t("region.heading_province", lang, name=row["name"].strip())
    return str(row["name"]).strip()


def where(row: Mapping[str, Any] | pd.Series, regencies: int, period: str, lang: str) -> str:
    """The line under the heading: code, where the region is and the data's date.

    Parameters
    ----------
    row : mapping
        The region's row of the reference.
    regencies : int
        Regencies and cities of a province (not used for a regency).
    period : str
        ISO period of the figures shown.
    lang : str
        ``"id"`` or ``"en"``.
    """
    date = format_date(period, lang)
    if row["level"] == PROVINCE:
        return t("region.where_province", lang, code=row["code"], regencies=regencies, date=date)
    return t(
        "region.where_regency",
        lang,
        kind=t(f"region.kind.{row['kind']}", lang),
        province=row["province_name"].strip(),
        code=row["code"],
        date=date,
    )


def units(level: str, lang: str) -> str:
    """The regions a rank counts: ``provinsi`` or ``kabupaten/kota``."""
    return t(f"region.units.{level}", lang)


def change_text(facts: Facts, lang: str) -> str | None:
    """The change since the previous period (a metric's delta), or ``None``.

    Points are rounded to two decimals and signed: ``+0,42 poin sejak …``.
    """
    if facts.change is None or not facts.previous_period:
        return None
    points = round(facts.change, 2) + 0.0  # no "-0"
    return t(
        "region.change",
        lang,
        date=format_date(facts.previous_period, lang),
        points=("+" if points > 0 else "") + format_number(points, lang, 2),
    )


def value_help(facts: Facts, lang: str, derived: str = "") -> str | None:
    """The counts behind the percentage (a metric's help), or ``None`` without data;
    ``derived`` (:func:`derived_note`) says how the denominator was obtained."""
    if facts.numerator is None:
        return None
    counts = t(
        "region.value_help",
        lang,
        numerator=format_number(facts.numerator, lang),
        denominator=format_number(facts.denominator, lang),
    )
    return f"{counts}; {derived}" if derived else counts


def row_marks(table: pd.DataFrame, code: str) -> pd.DataFrame:
    """The region's own rows: ``period``, ``indicator``, ``derived`` (how the
    figures were obtained, :func:`utils.metrics.map_view.derived_marks`) and
    ``derived_margin``; empty for a province (its figures are sums)."""
    rows = coverage.with_percent(coverage.with_optional(table[table["code"] == code]))
    rows["derived"] = derived_marks(rows)
    return rows[["period", "indicator", "derived", "derived_margin"]].reset_index(drop=True)


def derived_note(marks: pd.DataFrame, indicator: str, period: str, lang: str) -> str:
    """``dihitung dari persentase (± 31 jiwa)`` for the region's row of
    ``indicator`` in ``period`` (``""`` when its figures are as written)."""
    found = marks[(marks["indicator"] == indicator) & (marks["period"] == period)]
    if found.empty:
        return ""
    return completeness.derived(found["derived"].iloc[0], found["derived_margin"].iloc[0], lang)


def _known(value: Any) -> bool:
    return value is not None and not pd.isna(value)


def card_lines(facts: Facts, rank_row: Mapping[str, Any], units: str, lang: str,
               peers: int | None = None) -> list[str]:
    """The lines under an indicator's figure: target, gap, ranks.

    Parameters
    ----------
    facts : Facts
        The indicator's facts for the region and period.
    rank_row : mapping
        The indicator's row of :func:`utils.metrics.region_profile.ranks`
        (empty when the region is not ranked).
    units : str
        What the national rank counts (:func:`units`).
    lang : str
        ``"id"`` or ``"en"``.
    peers : int, optional
        Regions of the region's level in Indonesia: a rank among fewer (the
        rest have no data) says so (:func:`utils.report.scope_words.rank_line`).

    Returns
    -------
    list of str
        Plain text lines (no Markdown).
    """
    lines = []
    if facts.percent is None and not facts.without_counts:
        lines.append(t("region.no_value", lang))
    lines += [upper_first(note) for note in completeness.facts_notes(facts, lang)]
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
    if _known(rank_row.get("rank_province")):
        lines.append(
            t(
                "region.rank_province_line",
                lang,
                rank=int(rank_row["rank_province"]),
                total=int(rank_row["of_province"]),
            )
        )
    if _known(rank_row.get("rank_national")):
        ranked = int(rank_row["of_national"])
        lines.append(scope_words.rank_line(int(rank_row["rank_national"]), ranked,
                                           ranked if peers is None else peers, units, lang))
    return lines


def rank_value(rank: Any, total: Any, lang: str) -> str:
    """``3 dari 10`` or an empty text when there is no rank (``None``, NaN or NA)."""
    if not _known(rank):
        return ""
    return t("region.rank_value", lang, rank=int(rank), total=int(total))


def chart_alt(rows: pd.DataFrame, title: str, region: str, lang: str) -> str:
    """What a trend chart shows, in words (its accessible name), oldest first."""
    ordered = rows.sort_values("period")
    values = "; ".join(
        f"{format_date(p, lang)} {format_percent(v, lang)}"
        for p, v in zip(ordered["period"], ordered["percent"], strict=True)
    )
    return t("region.chart_description", lang, indicator=title, region=region, values=values)


def history_table(
    history: pd.DataFrame,
    rank_rows: pd.DataFrame,
    period: str,
    code: str,
    name: str,
    defs: Mapping[str, Indicator],
    lang: str,
    marks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The table and CSV: one row per period and indicator, latest first.

    Parameters
    ----------
    history : pandas.DataFrame
        :func:`utils.metrics.region_profile.trend` of the region.
    rank_rows : pandas.DataFrame
        :func:`utils.metrics.region_profile.ranks` in ``period``.
    period : str
        The period the ranks are of (the other periods have none).
    code, name : str
        The region's code and name, repeated on every row.
    defs : mapping
        Indicator id → definition, in the order of the rows within a period.
    lang : str
        ``"id"`` or ``"en"`` (indicator labels and rank texts).
    marks : pandas.DataFrame, optional
        :func:`row_marks` of a regency: how its figures were obtained.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`; numbers stay numbers (percent rounded to two
        decimals), ranks are texts (``3 dari 10``). A :data:`NOTE` column
        follows when a figure is derived, partial or cannot be summed.
    """
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
    out["indicator_id"] = out["indicator"]
    out["indicator"] = [defs[i].label(lang) for i in out["indicator"]]
    out = out.sort_values(["period", "order"], ascending=[False, True])
    notes = _notes(out, marks, lang)
    if not any(notes):
        return out[COLUMNS].reset_index(drop=True)
    return out.assign(**{NOTE: notes})[[*COLUMNS, NOTE]].reset_index(drop=True)


def _notes(out: pd.DataFrame, marks: pd.DataFrame | None, lang: str) -> list[str]:
    """Per row of :func:`history_table`: derived, without counts, partial."""
    notes = []
    for row in out.to_dict("records"):
        parts = [derived_note(marks, row["indicator_id"], row["period"], lang)
                 if marks is not None else ""]
        if marks is None:  # a province: its figure is a sum of its regencies
            parts += [completeness.uncounted(row.get("without_counts"), lang),
                      completeness.partial(row.get("regions_present"), row.get("regions_total"),
                                           lang)]
        notes.append("; ".join(p for p in parts if p))
    return notes


def headers(lang: str) -> dict[str, str]:
    """Column → header in ``lang`` (the table's and the CSV's)."""
    return {c: t(f"region.col.{c}", lang) for c in [*COLUMNS, NOTE]}


def display(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table as the page shows it: numbers written as ``lang`` writes them,
    without the code and name columns (the heading says them)."""
    out = frame.copy()
    out["period"] = [format_date(p, lang) for p in out["period"]]
    for col in ("numerator", "denominator", "gap"):
        out[col] = [format_number(None if pd.isna(v) else v, lang) for v in out[col]]
    for col in ("percent", "target"):
        out[col] = [format_number(None if pd.isna(v) else v, lang, 2) for v in out[col]]
    out = out.drop(columns=["code", "region"])
    return out.rename(columns={c: t(f"region.col.{c}", lang) for c in out.columns})


def definition_lines(defs: Mapping[str, Indicator], lang: str) -> list[str]:
    """What each indicator's numbers mean (the About page's text), one line each."""
    english = lang == "en"
    return [
        t(
            "region.definition_line",
            lang,
            indicator=item.label(lang),
            numerator=item.numerator_en if english else item.numerator_id,
            denominator=item.denominator_en if english else item.denominator_id,
        )
        for item in defs.values()
    ]
