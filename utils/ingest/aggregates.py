"""A file's province figures: Σnumerators / Σdenominators, and how whole they are.

:func:`aggregates` sums a checked table per province and indicator,
:func:`completeness` says how many of a province's regencies the file covers,
:func:`uncounted` which rows keep a province without a sum (percent only);
:func:`check_published` holds the figures against the published ones.
"""

from __future__ import annotations

import pandas as pd

from utils.ingest import kecamatan_summary
from utils.ingest.report import Context, Issue, Report
from utils.metrics import coverage, kecamatan
from utils.metrics import regions as region_ref
from utils.metrics.published import province_figure


def _regencies(regions: pd.DataFrame | None) -> pd.Series | None:
    """Regencies per province code in the reference."""
    if regions is None:
        return None
    return region_ref.regency_rows(regions)["province_code"].value_counts()


def aggregates(table: pd.DataFrame,
               regions: pd.DataFrame | None = None) -> dict[str, dict[str, float]]:
    """Per province: sum(numerator) / sum(denominator) in percent, 2 decimals.

    A province without regency rows takes its own (province-level) row; the
    two are never summed. A province whose rows lack counts (percent only)
    has no figure here: see :func:`uncounted`.
    """
    if table.empty:
        return {}
    grouped = coverage.province_totals(table, _regencies(regions), by=("indicator",))
    out: dict[str, dict[str, float]] = {}
    rows = zip(grouped["province_code"], grouped["indicator"], grouped["percent"], strict=True)
    for province, indicator, pct in rows:
        if not pd.isna(pct):
            out.setdefault(str(province), {})[str(indicator)] = round(float(pct), 2)
    return out


def uncounted(table: pd.DataFrame,
              regions: pd.DataFrame | None = None) -> dict[str, dict[str, int]]:
    """Per province and indicator: rows without counts that leave it without a sum."""
    if table.empty:
        return {}
    grouped = coverage.province_totals(table, _regencies(regions), by=("indicator",))
    lacking = grouped[grouped["percent"].isna() & (grouped["without_counts"] > 0)]
    out: dict[str, dict[str, int]] = {}
    for province, indicator, count in zip(lacking["province_code"], lacking["indicator"],
                                          lacking["without_counts"], strict=True):
        out.setdefault(str(province), {})[str(indicator)] = int(count)
    return out


def completeness(table: pd.DataFrame, regions: pd.DataFrame | None) -> dict[str, dict[str, int]]:
    """Per province with regency rows: regencies the file covers and in the reference."""
    reference = _regencies(regions)
    if table.empty or reference is None:
        return {}
    codes = table["code"].astype(str).drop_duplicates()
    present = codes[codes.str.fullmatch(r"\d{2}\.\d{2}")].str[:2].value_counts()
    return {str(p): {"present": int(n), "regencies": int(reference.get(p, 0))}
            for p, n in sorted(present.items())}


def summarise(report: Report, context: Context) -> None:
    """Province figures of the file's (latest) period, and of each period when it has several.

    In a kecamatan-level file they are made from its regency rows and the regencies
    whose kecamatan are all present (:func:`utils.metrics.kecamatan.regency_level`).
    """
    table = report.table
    if report.level == "kecamatan" and context.kecamatan is not None:
        reference = kecamatan_summary.reference_for(table, context.kecamatan)
        table = kecamatan.regency_level(table, reference)[0]  # never counted twice
    latest = table[table["period"] == report.period] if len(report.periods) > 1 else table
    report.aggregates = aggregates(latest, context.regions)
    report.completeness = completeness(latest, context.regions)
    report.uncounted = uncounted(latest, context.regions)
    if len(report.periods) > 1:
        report.aggregates_by_period = {
            str(p): aggregates(rows, context.regions) for p, rows in table.groupby("period")}


def check_published(report: Report, context: Context) -> None:
    """Warn where a province figure differs from the published one, or covers part of it."""
    if context.published is None or not report.period:
        return
    for province, values in report.aggregates.items():
        covered = report.completeness.get(province)
        for indicator, value in values.items():
            figure = province_figure(context.published, report.period, province, indicator)
            if figure is not None and covered and covered["present"] < covered["regencies"]:
                report.warnings.append(Issue("published_partial", params={
                    "province": province, "indicator": indicator, **covered,
                    "source": str(figure["source"])}))
            elif figure is not None and abs(figure["percent"] - value) > 0.01:
                report.warnings.append(Issue("published_differs", params={
                    "province": province, "indicator": indicator, "value": value,
                    "published": float(figure["percent"]), "source": str(figure["source"])}))
