"""Value checks: every figure of every matched row, then the file's total rows.

Each row gives, per indicator, a numerator and a denominator as its
:class:`~utils.ingest.count_shapes.Shape` says (written, sudah + belum, or
derived from the percent), or only its published percent; no count is ever
invented. A value that cannot be right (missing, negative, a zero
denominator, far above 100 %, a count of people that is not whole or larger
than any region's population, :func:`~utils.ingest.numbers_id.count_problem`)
is an error of its row; a percent column is
read as percentages or as ratios (1,0089), and a written percent or total
row that disagrees with the counts beyond rounding is a warning or an error.
The rows that pass make the report's table, summed per province by
:mod:`utils.ingest.aggregates`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from utils.ingest import aggregates
from utils.ingest import columns as cols
from utils.ingest.count_shapes import Shape, indicator_shapes, shared_fields
from utils.ingest.matching import Match
from utils.ingest.numbers_id import count_limit, count_problem, decimals_written
from utils.ingest.report import Context, Issue, Report
from utils.ingest.spreadsheet import Cell
from utils.metrics import coverage

MAX_RATIO = 1.5
"""Numerator above this multiple of the denominator is an error."""
RATIO_LIMIT = 1.6
"""A percent column whose values all stay below this holds ratios (1,0089)."""
SUM_TOLERANCE = 0.5
"""A total row may differ from the sum of its rows by rounding, no more."""


@dataclass
class Row:
    """One data row while it is being checked."""

    number: int
    text: str
    values: dict[str, float | None]
    written: dict[str, Cell]
    match: Match
    period: str | None = None


def check_values(report: Report, rows: list[Row], context: Context) -> None:
    """Check every value of ``rows``; fill the report's table, totals and province figures.

    Parameters
    ----------
    report : Report
        Receives the errors, warnings and marked rows, the checked table
        (:data:`utils.metrics.coverage.COLUMNS`), the total rows' checks and
        the province figures.
    rows : list of Row
        The matched data rows, in file order.
    context : Context
        Indicators (only known ones are imported), regions, published figures.
    """
    _duplicates(report, rows)
    shared = shared_fields(report.mapping, context.indicators)
    shapes = {i: s for i, s in indicator_shapes(report.mapping, shared).items()
              if i in context.indicators}
    scales = {i: _percent_scale(report, rows, i, s) for i, s in shapes.items()}
    records = []
    for row in rows:
        for indicator, shape in shapes.items():
            record = _check_value(report, row, indicator, shape, scales[indicator])
            if record is not None:
                records.append(record)
    report.table = _table(report, records)
    if report.level != "kecamatan":  # a kecamatan file's totals: utils.ingest.kecamatan_summary
        _check_totals(report, rows, shapes, scales)
    aggregates.summarise(report, context)
    aggregates.check_published(report, context)


def _table(report: Report, records: list[dict]) -> pd.DataFrame:
    """The checked records as a coverage table, without the rows that hold an error."""
    bad = {e.row for e in report.errors if e.row is not None}
    table = pd.DataFrame.from_records(
        records, columns=[*coverage.COLUMNS, *coverage.OPTIONAL, "row"])
    table = table[~table["row"].isin(bad)]
    _shape_notes(report, table)
    table = table.drop(columns="row").reset_index(drop=True)
    table["is_demo"] = table["is_demo"].astype(bool)
    for column in ("numerator", "denominator", "percent_given", "derived_margin"):
        table[column] = table[column].astype(float)
    table["derived"] = table["derived"].astype(str)
    return table


def _shape_notes(report: Report, table: pd.DataFrame) -> None:
    """One warning per indicator naming the rows whose figures were not all in the file."""
    no_counts = ~coverage.has_counts(table)
    kinds = (("derived_percent", table["derived"] == coverage.DERIVED_PERCENT),
             ("derived_remaining", table["derived"] == coverage.DERIVED_REMAINING),
             ("percent_only", no_counts))
    for kind, chosen in kinds:
        for indicator, rows in table[chosen].groupby("indicator", sort=True):
            numbers = [str(n) for n in rows["row"]]
            listed = ", ".join(numbers[:10]) + (" …" if len(numbers) > 10 else "")
            params = {"indicator": str(indicator), "count": len(numbers), "rows": listed}
            if kind == "derived_percent":
                params["margin"] = float(rows["derived_margin"].max())
            report.warnings.append(Issue(kind, params=params))


def _duplicates(report: Report, rows: list[Row]) -> None:
    first: dict[tuple[str, str | None], int] = {}
    for row in rows:
        key = (row.match.code, row.period)
        if key in first:
            report.errors.append(Issue("duplicate", row.number, {
                "code": row.match.code, "name": row.match.name, "first": first[key]}))
        else:
            first[key] = row.number


def _percent_scale(report: Report, rows: list[Row], indicator: str,
                   shape: Shape | None = None) -> float:
    """100 when the percent column holds percentages, 1 when it holds ratios."""
    key = f"{indicator}.percent"
    given = [(r.values.get(key), _ratio(r, indicator, shape)) for r in rows]
    pairs = [(p, q) for p, q in given if p is not None]
    if not pairs:
        return 100.0
    known = [(p, q) for p, q in pairs if q is not None]
    if known:
        as_ratio = sum(abs(p - q) for p, q in known)
        as_percent = sum(abs(p - 100 * q) for p, q in known)
        is_ratio = as_ratio < as_percent
    else:
        is_ratio = max(abs(p) for p, _ in pairs) < RATIO_LIMIT
    if is_ratio:
        index = cols.column_of(report.mapping, key)
        assert index is not None  # the rows hold values of ``key``, so it is mapped
        column = report.headers[index]
        report.warnings.append(Issue("percent_ratio", params={"column": column}))
        return 1.0
    return 100.0


def _ratio(row: Row, indicator: str, shape: Shape | None = None) -> float | None:
    num = row.values.get(f"{indicator}.numerator")
    den = _written_denominator(row, indicator, shape or Shape("counts", f"{indicator}.denominator"))
    return num / den if num is not None and den else None


def _written_denominator(row: Row, indicator: str, shape: Shape) -> float | None:
    """The denominator the file gives as counts: its column, or sudah + belum."""
    if shape.kind == "remaining":
        num = row.values.get(f"{indicator}.numerator")
        rest = row.values.get(f"{indicator}.remaining")
        return None if num is None or rest is None else num + rest
    return row.values.get(shape.denominator) if shape.denominator else None


def _check_value(report: Report, row: Row, indicator: str, shape: Shape,
                 scale: float) -> dict | None:
    params = {"indicator": indicator, "name": row.match.name}
    written = row.values.get(f"{indicator}.percent")
    given = None if written is None else written * 100.0 / scale
    num = row.values.get(f"{indicator}.numerator")
    if shape.kind == "percent_only" or (shape.kind == "percent" and num == 0 and given == 0):
        return _percent_only(report, row, indicator, given, shape)
    derived, margin = "", 0.0
    if _bad_count(report, row, params, num, given if shape.kind == "percent" else None):
        return None
    if shape.kind == "percent":
        found = None if num is None or given is None else coverage.derive_denominator(
            num, given, _tolerance(row.written.get(f"{indicator}.percent"), scale))
        den, margin = found if found else (None, 0.0)
        derived = coverage.DERIVED_PERCENT
        if found is None and num is not None and given is not None:
            report.errors.append(Issue("cannot_derive", row.number, {**params, "percent": given}))
            return None
    else:
        den = _written_denominator(row, indicator, shape)
        derived = coverage.DERIVED_REMAINING if shape.kind == "remaining" else ""
    rest = row.values.get(f"{indicator}.remaining") if shape.kind == "remaining" else 0.0
    if num is None or den is None:
        report.errors.append(Issue("missing", row.number, params))
        return None
    if num < 0 or den < 0 or (rest or 0) < 0:
        report.errors.append(Issue("negative", row.number, params))
        return None
    if any(_bad_count(report, row, params, v) for v in (den, rest)):
        return None
    if den == 0:
        report.errors.append(Issue("zero_denominator", row.number, params))
        return None
    pct = 100.0 * num / den
    if num > MAX_RATIO * den:
        report.errors.append(Issue("too_high", row.number, {**params, "percent": round(pct, 2)}))
        return None
    if pct > 100:
        report.marked.append({"row": row.number, "code": row.match.code, "indicator": indicator,
                              "percent": round(pct, 2)})
    if derived != coverage.DERIVED_PERCENT:
        _check_percent(report, row, indicator, scale, pct)
    return {"period": row.period or report.period or "", "code": row.match.code,
            "indicator": indicator,
            "numerator": num, "denominator": den, "is_demo": False,
            "percent_given": given if derived == coverage.DERIVED_PERCENT else float("nan"),
            "derived": derived, "derived_margin": margin, "row": row.number}


def _percent_only(report: Report, row: Row, indicator: str, given: float | None,
                  shape: Shape) -> dict | None:
    """A row that keeps only its published percent (no counts are invented)."""
    params = {"indicator": indicator, "name": row.match.name}
    if given is None:
        report.errors.append(Issue("missing", row.number, params))
        return None
    if given < 0:
        report.errors.append(Issue("negative", row.number, params))
        return None
    if given > 100 * MAX_RATIO:
        report.errors.append(Issue("too_high", row.number, {**params, "percent": round(given, 2)}))
        return None
    if given > 100:
        report.marked.append({"row": row.number, "code": row.match.code, "indicator": indicator,
                              "percent": round(given, 2)})
    if shape.kind == "percent":
        report.warnings.append(Issue("cannot_derive", row.number, {**params, "percent": given}))
    return {"period": row.period or report.period or "", "code": row.match.code,
            "indicator": indicator,
            "numerator": float("nan"), "denominator": float("nan"), "is_demo": False,
            "percent_given": given, "derived": "", "derived_margin": float("nan"),
            "row": row.number}


def _bad_count(report: Report, row: Row, params: dict, value: float | None,
               percent: float | None = None) -> bool:
    """Add the error of a count that cannot be people (not whole, or more than the
    region can hold; negative ones are told apart later); with ``percent``, also
    of the denominator that count and percent would give."""
    if value is None or value < 0:
        return False
    limit = count_limit(row.match.code)
    if percent is not None and percent > 0 and 100.0 * value > limit * percent:
        value = float("inf")  # the derived denominator would be implausible
    problem = count_problem(value, row.match.code)
    if problem == "implausible":
        report.errors.append(Issue("implausible", row.number, {**params, "limit": limit}))
    elif problem == "not_whole":
        report.errors.append(Issue("not_whole", row.number, {**params, "value": value}))
    return problem is not None


def _tolerance(written: Cell, scale: float) -> float:
    places = decimals_written(written)
    if places is None:
        return 0.006
    return 0.5 * 10.0 ** (-places) * (100.0 / scale) + 1e-9


def _check_percent(report: Report, row: Row, indicator: str, scale: float, pct: float) -> None:
    key = f"{indicator}.percent"
    given = row.values.get(key)
    if given is None:
        return
    given = given * 100.0 / scale
    if abs(given - pct) > _tolerance(row.written.get(key), scale):
        report.warnings.append(Issue("percent_mismatch", row.number, {
            "indicator": indicator, "name": row.match.name, "given": round(given, 4),
            "computed": round(pct, 2)}))


def _check_totals(report: Report, rows: list[Row], shapes: dict[str, Shape],
                  scales: dict[str, float]) -> None:
    """Compare each total row with its rows; a difference beyond rounding is an error
    (a decision: skip the total row, or fix the file)."""
    table = report.table
    for total in report.totals:
        provinces = total.get("provinces")
        if provinces is None and total.get("province"):
            provinces = [total["province"]]
        inside = table if not provinces else table[table["code"].str[:2].isin(provinces)]
        codes = set(inside["code"])
        members = [r for r in rows if r.match.code in codes]
        for indicator, shape in shapes.items():
            total["checks"].update(_total_checks(
                report, total, inside[inside["indicator"] == indicator], members, indicator,
                shape, scales[indicator]))
        written = total.pop("written")
        total.pop("values")
        total["written"] = {k: v for k, v in written.items() if v is not None}


def _total_checks(report: Report, total: dict, inside: pd.DataFrame, members: list[Row],
                  indicator: str, shape: Shape, scale: float) -> dict:
    keys = {"numerator": f"{indicator}.numerator", "remaining": f"{indicator}.remaining"}
    if shape.kind == "counts":
        keys["denominator"] = f"{indicator}.denominator"
    if not any(total["values"].get(k) is not None
               for k in [*keys.values(), f"{indicator}.percent"]):
        return {}
    counted = inside[coverage.has_counts(inside)]
    if len(counted) < len(inside):
        report.warnings.append(Issue("total_not_checked", total["row"], {
            "indicator": indicator, "count": len(inside) - len(counted)}))
        return {}
    margin = float(counted["derived_margin"].fillna(0).sum())
    sums = {"numerator": float(counted["numerator"].sum()),
            "denominator": float(counted["denominator"].sum()),
            "remaining": float(sum(r.values.get(keys["remaining"]) or 0 for r in members))}
    checks = {}
    for role, key in keys.items():
        given = total["values"].get(key)
        if given is None:
            continue
        ok = abs(given - sums[role]) <= SUM_TOLERANCE
        checks[key] = {"file": given, "sum": sums[role], "ok": ok}
        if not ok:
            report.errors.append(Issue("total_mismatch", total["row"], {
                "column": key, "given": given, "sum": sums[role]}))
    given = total["values"].get(f"{indicator}.percent")
    if given is not None and sums["denominator"]:
        computed = 100.0 * sums["numerator"] / sums["denominator"]
        given = given * 100.0 / scale
        spread = computed * margin / max(sums["denominator"] - margin, 1.0)
        ok = abs(given - computed) <= _tolerance(
            total["written"].get(f"{indicator}.percent"), scale) + spread
        checks[f"{indicator}.percent"] = {"file": round(given, 4), "computed": round(computed, 2),
                                          "ok": ok}
        if not ok:
            report.errors.append(Issue("total_percent_mismatch", total["row"], {
                "indicator": indicator, "given": round(given, 2), "computed": round(computed, 2)}))
    return checks
