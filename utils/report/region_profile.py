"""The region page's words and table: one region's numbers in a language (pure).

Numbers come from :mod:`utils.metrics.region_profile` and
:func:`utils.metrics.attainment.scope_facts`; templates are the ``region.*``
texts. A region row is one row of the region reference (``code``, ``name``,
``level``, ``kind``, ``province_name``). A kecamatan's words (``kec_reg_*``
texts) take a row of the kecamatan reference (``code``, ``name``, ``kind``,
``regency_code``, ``regency_name``, ``province_code``, ``province_name``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import pandas as pd

from utils.charts.gauges import status, upper_first
from utils.formatting import (
    format_date,
    format_number,
    format_percent,
    percent_decimals,
)
from utils.i18n import t
from utils.metrics import coverage
from utils.metrics.attainment import Facts
from utils.metrics.indicators import Indicator
from utils.metrics.map_view import derived_marks
from utils.metrics.regions import PROVINCE, kecamatan_label
from utils.metrics.targets import SCOPE_NATIONAL, SCOPE_PROVINCE, SCOPE_REGENCY, scope_level
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
HEADER_KEYS = {"rank_regency": "kec_reg_col_rank_regency"}
"""Columns whose header is not ``region.col.<column>`` (a kecamatan's table)."""
RANKING_COLUMNS = ["rank", "code", "name", "percent", "target", "status", "gap", "note"]
"""Columns of :func:`ranking_table` (a regency's kecamatan, and its CSV)."""


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


def header(column: str, lang: str) -> str:
    """A column's header in ``lang`` (``region.col.<column>`` or :data:`HEADER_KEYS`)."""
    return t(HEADER_KEYS.get(column, f"region.col.{column}"), lang)


def headers(lang: str) -> dict[str, str]:
    """Column → header in ``lang`` (the table's and the CSV's)."""
    return {c: header(c, lang) for c in [*COLUMNS, NOTE, *HEADER_KEYS]}


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
    return out.rename(columns={c: header(c, lang) for c in out.columns})


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


def kecamatan_units(row: Mapping[str, Any], lang: str) -> str:
    """``kecamatan``, or ``distrik`` in the Papua provinces (what ranks count)."""
    return t(f"kec_reg_units_{row['kind']}", lang)


def kecamatan_where(row: Mapping[str, Any], period: str | None, lang: str) -> str:
    """The line under a kecamatan's heading: where it is, its code and the data's
    date (``period``; ``None`` when its regency has no kecamatan data).

    Examples
    --------
    >>> kecamatan_where({"kind": "Kecamatan", "code": "64.02.08", "regency_name":
    ...     "Kabupaten Kutai Kartanegara", "province_name": "Kalimantan Timur"}, None, "id")
    'Kecamatan di Kabupaten Kutai Kartanegara, Provinsi Kalimantan Timur · kode 64.02.08'
    """
    values = {"kind": row["kind"], "regency": row["regency_name"],
              "province": row["province_name"], "code": row["code"]}
    if period is None:
        return t("kec_reg_where_no_data", lang, **values)
    return t("kec_reg_where", lang, date=format_date(period, lang), **values)


def kecamatan_target_line(facts: Facts, row: Mapping[str, Any], lang: str) -> str:
    """Which target applies and whose it is: the regency's (it applies to its
    kecamatan), else the province's, else the national one, saying which is not set.

    Examples
    --------
    >>> from utils.metrics.targets import Target
    >>> row = {"kind": "Kecamatan", "name": "Loa Kulu", "regency_name": "Kota X",
    ...        "province_name": "Y"}
    >>> facts = Facts("kia", "kecamatan", "Kecamatan Loa Kulu", "2025-06-30", 50.0,
    ...               target=Target("kia", 2025, "national", 60.0, ""))
    >>> kecamatan_target_line(facts, row, "en")
    'National target 2025: 60.00 % (no target set for Kota X or Y Province)'
    """
    if facts.target is None:
        return t("region.no_target", lang)
    target = facts.target
    level = scope_level(target.scope)
    key = {SCOPE_REGENCY: "kec_reg_target_regency", SCOPE_PROVINCE: "kec_reg_target_province",
           SCOPE_NATIONAL: "kec_reg_target_national"}.get(level, "kec_reg_target_own")
    return t(key, lang, year=target.year, percent=format_percent(target.percent, lang),
             regency=row["regency_name"], province=row["province_name"],
             name=kecamatan_label(row, with_regency=False), units=kecamatan_units(row, lang))


def kecamatan_rank_line(rank_row: Mapping[str, Any], row: Mapping[str, Any], lang: str) -> str:
    """``Peringkat 3 dari 20 kecamatan di Kabupaten Kutai Kartanegara`` (among
    those with data, and of how many, when some have none); ``""`` unranked.

    Examples
    --------
    >>> row = {"kind": "Kecamatan", "regency_name": "Kabupaten Kutai Kartanegara"}
    >>> kecamatan_rank_line({"rank": 3, "ranked": 20, "total": 20}, row, "id")
    'Peringkat 3 dari 20 kecamatan di Kabupaten Kutai Kartanegara'
    >>> kecamatan_rank_line({"rank": 1, "ranked": 2, "total": 20}, row, "en")
    'Rank 1 of 2 kecamatan with data in Kabupaten Kutai Kartanegara (of 20 kecamatan)'
    """
    if not _known(rank_row.get("rank")):
        return ""
    ranked, total = int(rank_row["ranked"]), int(rank_row["total"])
    key = "kec_reg_rank" if ranked >= total else "kec_reg_rank_among"
    return t(key, lang, rank=int(rank_row["rank"]), ranked=ranked, total=total,
             units=kecamatan_units(row, lang), regency=row["regency_name"])


def kecamatan_card_lines(facts: Facts, rank_row: Mapping[str, Any], row: Mapping[str, Any],
                         lang: str) -> list[str]:
    """The lines under a kecamatan's figure: no data or percent only, whose
    target applies, the gap in people (or met), and its rank in its regency.

    Returns
    -------
    list of str
        Plain text lines (no Markdown).
    """
    lines = []
    if facts.percent is None:
        lines.append(t("region.no_value", lang))
    elif facts.numerator is None:
        lines.append(t("region.figure.percent_only", lang))
    lines.append(kecamatan_target_line(facts, row, lang))
    if facts.target and facts.gap:
        lines.append(t("region.gap_line", lang, gap=format_number(facts.gap, lang)))
    elif facts.target and facts.gap == 0:
        lines.append(t("region.met_line", lang))
    rank = kecamatan_rank_line(rank_row, row, lang)
    return [*lines, rank] if rank else lines


def kecamatan_history_table(history: pd.DataFrame, rank_rows: pd.DataFrame, period: str,
                            code: str, name: str, defs: Mapping[str, Indicator], lang: str,
                            marks: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`history_table` of a kecamatan: its rank is in its regency
    (``rank_regency``, ``3 dari 20``), not in a province or nationally.

    Parameters
    ----------
    history : pandas.DataFrame
        :func:`utils.metrics.region_profile.trend` of the kecamatan.
    rank_rows : pandas.DataFrame
        :func:`utils.metrics.region_profile.kecamatan_ranks` in ``period``.
    period, code, name, defs, lang, marks
        As for :func:`history_table`.
    """
    ranks = pd.DataFrame({"indicator": rank_rows["indicator"],
                          "rank_province": rank_rows["rank"], "of_province": rank_rows["ranked"],
                          "rank_national": None, "of_national": None})
    out = history_table(history, ranks, period, code, name, defs, lang, marks)
    return out.drop(columns="rank_national").rename(columns={"rank_province": "rank_regency"})


def ranking_table(ranked: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A regency's kecamatan as a table and its CSV: :data:`RANKING_COLUMNS`.

    Parameters
    ----------
    ranked : pandas.DataFrame
        :func:`utils.metrics.region_profile.kecamatan_ranking`, in its order.
    lang : str
        ``"id"`` or ``"en"`` (status words and notes).

    Returns
    -------
    pandas.DataFrame
        Numbers stay numbers; ``percent`` has the decimals that keep it on the
        side of its target its status says (:func:`utils.formatting.percent_decimals`),
        ``status`` is in words, ``note`` says no data, percent only or how a
        figure was obtained. A kecamatan without data has no number.
    """
    out = ranked.copy()
    meets = [None if pd.isna(m) else bool(m) for m in out["meets"]]
    targets = [None if pd.isna(v) else float(v) for v in out["target"]]
    percents = [None if pd.isna(v) else float(v) for v in out["percent"]]
    out["percent"] = [None if p is None else round(p, percent_decimals(p, g, m))
                      for p, g, m in zip(percents, targets, meets, strict=True)]
    out["status"] = [t(f"targets.status.{status(p, g, m)}", lang)
                     for p, g, m in zip(percents, targets, meets, strict=True)]
    out["note"] = [_ranking_note(row, lang) for row in out.to_dict("records")]
    return out[RANKING_COLUMNS].reset_index(drop=True)


def _ranking_note(row: Mapping[Any, Any], lang: str) -> str:
    """No data, percent only (no gap), or how the figure was obtained."""
    if not _known(row.get("percent")):
        return t("targets.status.no_data", lang)
    if not row.get("counts_known", True):
        return completeness.derived(completeness.PERCENT_ONLY, None, lang)
    return completeness.derived(row.get("derived"), row.get("derived_margin"), lang)


def ranking_headers(lang: str) -> dict[str, str]:
    """Column of :func:`ranking_table` → header in ``lang``."""
    return {c: t(f"kec_reg_col_{c}", lang) for c in RANKING_COLUMNS}


def ranking_formats(lang: str) -> dict[str, Callable[[Any], str]]:
    """How the page writes :func:`ranking_table`'s numbers in ``lang`` (a table
    that still sorts them as numbers): a percent with the decimals its table
    kept (rounding never moves it across its target), ``–`` where there is none.

    Examples
    --------
    >>> formats = ranking_formats("id")
    >>> formats["percent"](99.3995), formats["percent"](95.1), formats["gap"](None)
    ('99,3995 %', '95,10 %', '–')
    """
    return {
        "rank": lambda v: str(int(v)) if _known(v) else "",
        "percent": lambda v: format_percent(v, lang, kept_decimals(v)) if _known(v) else "–",
        "target": lambda v: format_number(float(v) if _known(v) else None, lang, 2),
        "gap": lambda v: format_number(int(v) if _known(v) else None, lang),
    }


def kept_decimals(value: float, least: int = 2) -> int:
    """Decimals of a rounded ``value`` as written (at least ``least``).

    Examples
    --------
    >>> kept_decimals(99.3995), kept_decimals(95.1), kept_decimals(100.0)
    (4, 2, 2)
    """
    exponent = Decimal(repr(float(value))).as_tuple().exponent
    return max(least, -exponent if isinstance(exponent, int) else least)


def rollup_lines(partial: pd.DataFrame, summed: pd.DataFrame, regency: Mapping[str, Any],
                 units: str, defs: Mapping[str, Indicator], lang: str) -> list[str]:
    """How the regency's figure relates to its kecamatan, latest period first.

    Parameters
    ----------
    partial : pandas.DataFrame
        :attr:`utils.metrics.kecamatan.Rollup.partial` rows of the regency:
        some, not all, kecamatan with counts and no row of its own (no figure).
    summed : pandas.DataFrame
        :attr:`utils.metrics.kecamatan.Rollup.rows` of the regency: its figure
        is the sum of all of its kecamatan.
    regency : mapping
        The regency's row of the region reference (``name``).
    units : str
        ``kecamatan`` or ``distrik`` (:func:`kecamatan_units`).
    defs : mapping
        Indicator id → definition (labels, in this order).
    lang : str
        ``"id"`` or ``"en"``.
    """
    lines = []
    name = str(regency["name"]).strip()
    for key, rows in (("kec_reg_partial", partial), ("kec_reg_summed", summed)):
        for (period, present, total), group in _grouped(rows).items():
            labels = [defs[i].label(lang) for i in defs if i in set(group)]
            lines.append((period, t(key, lang, regency=name, date=format_date(period, lang),
                                    indicators=", ".join(labels), present=present,
                                    total=total, units=units)))
    return [text for _, text in sorted(lines, key=lambda item: item[0], reverse=True)]


def _grouped(rows: pd.DataFrame) -> dict[tuple[str, Any, Any], list[str]]:
    """Indicators per (period, present, total) of rollup rows."""
    out: dict[tuple[str, Any, Any], list[str]] = {}
    for row in rows.to_dict("records"):
        key = (str(row["period"]), row.get("present", ""), row.get("total", ""))
        out.setdefault(key, []).append(str(row["indicator"]))
    return out
