"""What a kecamatan-level import adds up to, per regency (pure).

After every value is checked, :func:`summarise` tells the data officer, for
each regency the file's kecamatan belong to: how many of its kecamatan the file
holds and which are missing; whether the regency figure will be summed from
them (all present, with counts), left out (partial: *angka kabupaten tidak
dijumlahkan*) or taken from the regency's own row in the file (both are stored;
the views let the regency's own row win, so nothing is counted twice:
:mod:`utils.metrics.kecamatan`). A total row (``Jumlah``) or the regency's own
row that differs from the sum of its kecamatan is a warning naming both numbers.
"""

from __future__ import annotations

import pandas as pd

from utils.ingest.report import Issue, Report
from utils.metrics import coverage
from utils.metrics import kecamatan as kec
from utils.metrics import regions as region_ref

LISTED = 10
"""Missing kecamatan named in a warning (the report's table lists them all)."""
SUM_TOLERANCE = 0.5
"""A total may differ from the sum of its kecamatan by rounding, no more."""
SUMMED, PARTIAL, OWN_ROW = "summed", "partial", "own_row"
"""How a regency's figure is made from an import (``status`` in the summary)."""


def reference_for(table: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """The kecamatan of the regencies ``table`` has kecamatan rows of (all a rollup needs).

    A plain membership test: ``isin`` between an object column and the reference's
    string column costs a hundred times more.
    """
    wanted = {str(c)[:5] for c in table["code"] if len(str(c)) == 8}
    return reference[[c in wanted for c in reference["regency_code"]]]


def summarise(report: Report, reference: pd.DataFrame, *, regency: str | None,
              source: str | None, title: str | None) -> None:
    """Fill ``report.kecamatan`` and add the kecamatan issues.

    Parameters
    ----------
    report : Report
        A checked report of a kecamatan-level file (its table holds the rows to store).
    reference : pandas.DataFrame
        The kecamatan reference (:func:`utils.metrics.regions.read_kecamatan`).
    regency, source, title : str or None
        The regency the file's names are read in, where it came from
        (``chosen`` or ``title``), and the regency the title lines name.
    """
    table = report.table
    latest = table[table["period"] == report.period] if len(report.periods) > 1 else table
    upper, lower = kec.split(latest)
    names = dict(zip(reference["regency_code"], reference["regency_name"], strict=True))
    reference = reference_for(lower, reference)
    rolled = kec.rollup(lower, reference, upper)
    regencies = sorted(set(lower["code"].str[:5]))
    entries = [_regency(report, reference, lower, upper, rolled, code, names.get(code, code))
               for code in regencies]
    _check_totals(report, table, regencies, names)
    _file_issues(report)
    waiting = [u["row"] for u in report.unmatched if u.get("reason") == "kec_imp_no_regency"]
    report.kecamatan = {
        "regency": regency, "regency_name": names.get(regency or "", regency),
        "regency_source": source, "title_regency": title, "waiting_for_regency": len(waiting),
        "rows": int(lower["code"].nunique()), "regencies": entries,
    }


def _regency(report: Report, reference: pd.DataFrame, lower: pd.DataFrame,
             upper: pd.DataFrame, rolled: kec.Rollup, code: str, name: str) -> dict:
    """One regency of the file: present and missing kecamatan, and its figure's status."""
    everyone = region_ref.kecamatan_of(reference, code)
    present = set(lower.loc[lower["code"].str[:5] == code, "code"])
    missing = everyone[~everyone["code"].isin(present)]
    own = sorted({m["row"] for m in report.matched if m["code"] == code})
    partial = rolled.partial[rolled.partial["regency_code"] == code]
    status = OWN_ROW if own else PARTIAL if not partial.empty else SUMMED
    counted = int(partial["present"].min()) if not partial.empty else len(present)
    listed = [f"{c} {n}" for c, n in zip(missing["code"], missing["name"], strict=True)]
    if status == PARTIAL:
        shown = ", ".join(listed[:LISTED]) + (", …" if len(listed) > LISTED else "")
        report.warnings.append(Issue("kec_imp_partial", params={
            "regency": name, "present": counted, "total": len(everyone),
            "absent": len(listed), "missing": shown or "—"}))
    if status == OWN_ROW:
        report.warnings.append(Issue("kec_imp_regency_row", params={
            "regency": name, "rows": ", ".join(str(r) for r in own), "count": len(present)}))
        _check_own_row(report, upper[upper["code"] == code], lower, code, name, own[0])
    return {"code": code, "name": name, "present": len(present), "with_counts": counted,
            "total": len(everyone), "status": status, "own_rows": own,
            "missing": [{"code": c, "name": n} for c, n in zip(missing["code"], missing["name"],
                                                                   strict=True)]}


def _sums(rows: pd.DataFrame) -> dict[str, float] | None:
    """Numerator, denominator and remaining of ``rows`` summed; ``None`` if one lacks counts."""
    if rows.empty or not coverage.has_counts(rows).all():
        return None
    num, den = float(rows["numerator"].sum()), float(rows["denominator"].sum())
    return {"numerator": num, "denominator": den, "remaining": den - num}


def _check_own_row(report: Report, own: pd.DataFrame, lower: pd.DataFrame, code: str,
                   name: str, row: int) -> None:
    """The regency's own row against the sum of its kecamatan, per indicator (a warning)."""
    mine = lower[lower["code"].str[:5] == code]
    for record in own.to_dict("records"):
        sums = _sums(mine[mine["indicator"] == record["indicator"]])
        if sums is None:
            continue
        for role in ("numerator", "denominator"):
            given = record[role]
            if pd.notna(given) and abs(float(given) - sums[role]) > SUM_TOLERANCE:
                report.warnings.append(Issue("kec_imp_regency_row_differs", row, {
                    "regency": name, "column": f"{record['indicator']}.{role}",
                    "given": float(given), "sum": sums[role],
                    "count": int(mine["code"].nunique())}))


def _check_totals(report: Report, table: pd.DataFrame, regencies: list[str],
                  names: dict[str, str]) -> None:
    """Each total row (``Jumlah``) against the sum of the kecamatan it stands for."""
    for total in report.totals:
        values = total.pop("values", {})
        written = total.pop("written", {})
        total["written"] = {k: v for k, v in written.items() if v is not None}
        scope = total.get("regency") or (regencies[0] if len(regencies) == 1 else None)
        if total.get("provinces") or (scope is None and regencies):
            total["checks"] = {}  # a province's total, or a file of several regencies
            continue
        period = total.get("period") or report.period
        rows = table[kec.is_kecamatan_code(table["code"]) & (table["period"] == period)]
        if scope is not None:
            rows = rows[rows["code"].str[:5] == scope]
        total["checks"] = _total_checks(report, total, values, rows,
                                        names.get(scope or "", scope or ""))


def _total_checks(report: Report, total: dict, values: dict, rows: pd.DataFrame,
                  name: str) -> dict:
    checks: dict = {}
    for indicator, mine in rows.groupby("indicator", sort=True):
        sums = _sums(mine)
        for role in ("numerator", "denominator", "remaining"):
            column = f"{indicator}.{role}"
            given = values.get(column)
            if given is None or sums is None:
                continue
            ok = abs(given - sums[role]) <= SUM_TOLERANCE
            checks[column] = {"file": given, "sum": sums[role], "ok": ok}
            if not ok:
                report.warnings.append(Issue("kec_imp_total_differs", total["row"], {
                    "text": total["text"], "column": column, "given": given,
                    "sum": sums[role], "count": int(mine["code"].nunique()),
                    "regency": name or "—"}))
    return checks


def _file_issues(report: Report) -> None:
    """Reasons told once for the file: rows waiting for their regency, BPS codes."""
    waiting = [u for u in report.unmatched if u.get("reason") == "kec_imp_no_regency"]
    if waiting:
        report.errors.append(Issue("kec_imp_needs_regency", params={"count": len(waiting)}))
    bps = [u for u in report.unmatched if u.get("reason") == "kec_imp_bps_code"]
    if bps:
        report.errors.append(Issue("kec_imp_bps_codes", params={
            "count": len(bps), "example": bps[0].get("code", "")}))
    villages = [s for s in report.skipped if s["reason"] == "kec_imp_village"]
    if villages:
        report.warnings.append(Issue("kec_imp_villages", params={"count": len(villages)}))
