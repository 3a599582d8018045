"""Import report: read a file, recognise columns, match regions, check every value.

:func:`analyse` is pure (bytes in, :class:`Report` out) and shared by the Data
page and the command line::

    python -m utils.ingest.importer FILE [--sheet NAME] [--period YYYY-MM-DD] [--json]

Exit code 0: the file can be accepted as is; 1: it needs decisions (unmatched
rows, errors, missing period or mapping); 2: it cannot be read (one-line
reason on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from utils.formatting import format_number
from utils.i18n import t
from utils.ingest import columns as cols
from utils.ingest.matching import Match, RegionIndex, Suggestion, is_total, read_code
from utils.ingest.numbers_id import NumberError, decimals_written, infer_decimal, parse_number
from utils.ingest.spreadsheet import Cell, RawTable, ReadError, read_table
from utils.metrics import coverage
from utils.metrics.indicators import Indicator, load_indicators
from utils.metrics.published import load_published, province_figure

MAX_RATIO = 1.5
"""Numerator above this multiple of the denominator is an error."""
RATIO_LIMIT = 1.6
"""A percent column whose values all stay below this holds ratios (1,0089)."""
SUM_TOLERANCE = 0.5
PREVIEW_ROWS = 40
MONTHS = {
    "januari": 1, "jan": 1, "january": 1, "februari": 2, "feb": 2, "pebruari": 2,
    "february": 2, "maret": 3, "mar": 3, "march": 3, "april": 4, "apr": 4, "mei": 5,
    "may": 5, "juni": 6, "jun": 6, "june": 6, "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "aug": 8, "august": 8, "september": 9, "sep": 9,
    "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "october": 10, "november": 11,
    "nov": 11, "nopember": 11, "desember": 12, "des": 12, "dec": 12, "december": 12,
}
EXIT_OK, EXIT_DECISIONS, EXIT_UNREADABLE = 0, 1, 2


@dataclass(frozen=True)
class Issue:
    """One error or warning; ``kind`` names the text ``data.issue.<kind>``."""

    kind: str
    row: int | None = None
    params: dict = field(default_factory=dict)

    def message(self, lang: str = "id") -> str:
        """The issue as a sentence in ``lang`` (numbers written the ``lang`` way)."""
        key = self.kind if self.kind.startswith("data.") else f"data.issue.{self.kind}"
        values = {k: _shown(v, lang) for k, v in self.params.items()}
        if self.kind == "period_found":
            values["source"] = t(f"data.period_source.{self.params['source']}", lang)
        text = t(key, lang, **values)
        return text if self.row is None else f"{t('data.row', lang, row=self.row)}: {text}"

    def to_dict(self, lang: str = "id") -> dict:
        """JSON form: row, type, message and the values it names."""
        return {"row": self.row, "type": self.kind, "message": self.message(lang),
                **{k: v for k, v in self.params.items() if k not in {"row"}}}


def _shown(value: object, lang: str) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    decimals = 0 if float(value).is_integer() else 2
    return format_number(value, lang, decimals)


@dataclass
class Report:
    """Everything the page shows and the command prints about one file."""

    file: str
    sha256: str
    status: str = "ok"
    reason: Issue | None = None
    kind: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    period: str | None = None
    period_source: str | None = None
    header_rows: tuple[int, int] | None = None
    headers: list[str] = field(default_factory=list)
    mapping: dict[int, str] = field(default_factory=dict)
    rows: int = 0
    matched: list[dict] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)
    totals: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    marked: list[dict] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    aggregates: dict[str, dict[str, float]] = field(default_factory=dict)
    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=coverage.COLUMNS))
    preview: list[list[Cell]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 accept as is, 1 needs decisions, 2 unreadable."""
        return {"ok": EXIT_OK, "unreadable": EXIT_UNREADABLE}.get(self.status, EXIT_DECISIONS)

    def to_dict(self, lang: str = "id") -> dict:
        """The JSON report (see the module docstring)."""
        return {
            "file": self.file, "sha256": self.sha256, "status": self.status,
            "reason": self.reason.message(lang) if self.reason else None,
            "sheet": self.sheet, "sheets": self.sheets, "period": self.period,
            "period_source": self.period_source,
            "columns": [{"column": i, "header": h, "field": self.mapping.get(i)}
                        for i, h in enumerate(self.headers)],
            "rows": self.rows, "matched": self.matched, "unmatched": self.unmatched,
            "totals": self.totals, "skipped": self.skipped, "marked": self.marked,
            "errors": [e.to_dict(lang) for e in self.errors],
            "warnings": [w.to_dict(lang) for w in self.warnings],
            "aggregates": self.aggregates,
        }


@dataclass(frozen=True)
class Context:
    """What :func:`analyse` needs besides the file."""

    regions: pd.DataFrame
    indicators: dict[str, Indicator]
    vocabulary: cols.Vocabulary
    published: pd.DataFrame | None = None

    @classmethod
    def load(cls, regions: pd.DataFrame) -> Context:
        """Context with the committed indicators, header keywords and published figures."""
        indicators = load_indicators()
        return cls(regions, indicators, cols.load_vocabulary(indicators), load_published())


@dataclass
class _Row:
    """One data row while it is being checked."""

    number: int
    text: str
    values: dict[str, float | None]
    written: dict[str, Cell]
    match: Match


def analyse(
    data: bytes,
    filename: str,
    context: Context,
    *,
    sheet: str | None = None,
    period: str | None = None,
    mapping: dict[int, str] | None = None,
    decisions: dict[int, str] | None = None,
    aliases: dict[str, str] | None = None,
) -> Report:
    """Build the import report for one file; touches nothing on disk.

    Parameters
    ----------
    data : bytes
        The file as uploaded.
    filename : str
        Its name, shown in the report (and searched for a date).
    context : Context
        Reference regions, indicators, header keywords, published figures.
    sheet : str, optional
        Workbook sheet (the first by default).
    period : str, optional
        ``YYYY-MM-DD``; read from the title rows or the file name when absent.
    mapping : dict, optional
        Column index → field key (``""`` ignores the column); overrides the
        recognised header for the columns it names.
    decisions : dict, optional
        File row number → regency code chosen by the user, or ``""`` to skip.
    aliases : dict, optional
        Remembered aliases (:attr:`utils.ingest.matching.NameKey.alias` → code).
    """
    report = Report(Path(filename).name, hashlib.sha256(data).hexdigest())
    try:
        raw = read_table(data, sheet)
    except ReadError as error:
        return _unreadable(report, Issue(error.key, params=error.params))
    report.kind, report.sheet, report.sheets = raw.kind, raw.sheet, raw.sheets
    report.preview = raw.rows[:PREVIEW_ROWS]
    header = cols.find_header(context.vocabulary, raw.rows)
    if header is None:
        return _unreadable(report, Issue("data.read.no_header"))
    report.header_rows = (header.start + 1, header.stop)
    report.headers = header.labels
    report.mapping = _final_mapping(header.mapping, mapping, len(header.labels))
    _check_mapping(report, context)
    _read_period(report, raw, header.start, period, filename)
    _formula_issues(report, raw, header.stop)
    _check_rows(report, raw, header.stop, context, decisions or {}, aliases or {})
    report.status = "ok" if not report.errors and not report.unmatched else "needs_decisions"
    return report


def _unreadable(report: Report, reason: Issue) -> Report:
    report.status, report.reason = "unreadable", reason
    return report


def _final_mapping(found: dict[int, str], chosen: dict[int, str] | None,
                   width: int) -> dict[int, str]:
    mapping = dict(found)
    for index, key in (chosen or {}).items():
        mapping.pop(int(index), None)
        if key:
            for other in [i for i, k in mapping.items() if k == key]:
                mapping.pop(other)
            mapping[int(index)] = key
    return {i: k for i, k in sorted(mapping.items()) if i < width}


def complete_indicators(mapping: dict[int, str]) -> list[str]:
    """Indicators with both numerator and denominator columns mapped."""
    found = cols.indicators_mapped(mapping)
    return [i for i, roles in found.items() if {"numerator", "denominator"} <= roles.keys()]


def _check_mapping(report: Report, context: Context) -> None:
    mapped = cols.indicators_mapped(report.mapping)
    for indicator, roles in mapped.items():
        if indicator not in context.indicators:
            continue
        if not {"numerator", "denominator"} <= roles.keys():
            report.warnings.append(Issue("incomplete_indicator", params={
                "indicator": indicator, "missing": ", ".join(
                    r for r in ("numerator", "denominator") if r not in roles)}))
    if not complete_indicators(report.mapping):
        report.errors.append(Issue("no_indicator"))
    for index, label in enumerate(report.headers):
        if index not in report.mapping and label:
            report.warnings.append(Issue("unrecognised_column", params={"column": label}))


# --- period -------------------------------------------------------------------------------


def parse_period(text: str) -> str | None:
    """A date written in a title or file name, as ISO text; ``None`` if none is clear.

    Examples
    --------
    >>> parse_period("DATA PER 15 MEI 2022"), parse_period("ktp_2022-05-15.csv")
    ('2022-05-15', '2022-05-15')
    >>> parse_period("Tahun 2020") is None
    True
    """
    low = text.lower()
    patterns = (
        (r"(?<!\d)(\d{4})[-_.](\d{1,2})[-_.](\d{1,2})(?!\d)", lambda m: (m[1], m[2], m[3])),
        (r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)", lambda m: (m[3], m[2], m[1])),
        (r"(?<!\d)(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})(?!\d)",
         lambda m: (m[3], MONTHS.get(m[2]), m[1]) if m[2] in MONTHS else None),
    )
    for pattern, parts in patterns:
        for match in re.finditer(pattern, low):
            found = parts(match)
            if found and (iso := _iso(*found)):
                return iso
    return None


def _iso(year: str | int | None, month: str | int | None, day: str | int | None) -> str | None:
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except (TypeError, ValueError):
        return None


def _read_period(report: Report, raw: RawTable, header_start: int, period: str | None,
                 filename: str) -> None:
    if period:
        iso = _iso(*period.split("-")) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", period) else None
        if iso is None:
            report.errors.append(Issue("period_invalid", params={"period": period}))
            return
        report.period, report.period_source = iso, "given"
    else:
        titles = " ".join(str(c) for row in raw.rows[:header_start] for c in row if c is not None)
        for source, text in (("title", titles), ("file_name", Path(filename).stem)):
            if found := parse_period(text):
                report.period, report.period_source = found, source
                report.warnings.append(Issue("period_found", params={"period": found,
                                                                     "source": source}))
                break
        else:
            report.errors.append(Issue("period_missing"))
            return
    if report.period > dt.date.today().isoformat():
        report.warnings.append(Issue("period_future", params={"period": report.period}))


def _formula_issues(report: Report, raw: RawTable, data_start: int) -> None:
    if raw.formulas:
        report.warnings.append(Issue("formulas", params={"count": raw.formulas}))


def _formula_errors(report: Report, number: int, missing: set[tuple[int, int]]) -> None:
    """Counts computed by a formula whose result was never stored cannot be read."""
    for column, key in report.mapping.items():
        if key.endswith((".numerator", ".denominator")) and (number - 1, column) in missing:
            report.errors.append(Issue("formula_no_value", number,
                                       {"column": report.headers[column]}))


# --- rows ---------------------------------------------------------------------------------


def _cell(row: Sequence[Cell], index: int | None) -> Cell:
    return row[index] if index is not None and index < len(row) else None


def _numeric_fields(report: Report) -> dict[str, int]:
    return {k: i for i, k in report.mapping.items() if not k.startswith(("region.", "row."))}


def _decimals(raw: RawTable, start: int, fields: dict[str, int]) -> dict[str, str | None]:
    return {k: infer_decimal(_cell(r, i) for r in raw.rows[start:]) for k, i in fields.items()}


def _parse_row(report: Report, number: int, row: Sequence[Cell], fields: dict[str, int],
               decimal: dict[str, str | None]) -> tuple[dict[str, float | None], list[Issue]]:
    values, problems = {}, []
    for key, index in fields.items():
        cell = _cell(row, index)
        try:
            values[key] = parse_number(cell, decimal[key], integer=not key.endswith(".percent"))
        except NumberError:
            values[key] = None
            kind = "formula_text" if str(cell).startswith("=") else "not_a_number"
            problems.append(Issue(kind, number, {"column": report.headers[index], "value": cell}))
    return values, problems


def _is_note(row: Sequence[Cell], values: dict[str, float | None], problems: list[Issue]) -> bool:
    texts = {str(c) for c in row if c is not None}
    if len(texts) == 1 and not any(v is not None for v in values.values()):
        return True
    return not problems and all(v is None for v in values.values())


def _province_hint(raw: RawTable, start: int, report: Report, index: RegionIndex) -> str | None:
    name_col = cols.column_of(report.mapping, "region.name")
    code_col = cols.column_of(report.mapping, "region.code")
    seen: Counter[str] = Counter()
    for row in raw.rows[start:]:
        found = index.by_code(_cell(row, code_col))
        if found is None and _cell(row, name_col) is not None:
            result = index.match(_cell(row, name_col))
            found = result if isinstance(result, Match) and result.by == "name" else None
        if found:
            seen[index.province_of[found.code]] += 1
    if not seen:
        return None
    province, count = seen.most_common(1)[0]
    return province if count >= 0.6 * sum(seen.values()) else None


def _check_rows(report: Report, raw: RawTable, start: int, context: Context,
                decisions: dict[int, str], aliases: dict[str, str]) -> None:
    index = RegionIndex(context.regions, aliases)
    if start < len(raw.rows) and cols.is_column_numbers(raw.rows[start]):
        start += 1
    fields = _numeric_fields(report)
    decimal = _decimals(raw, start, fields)
    province = _province_hint(raw, start, report, index)
    missing = set(raw.formulas_without_value)
    rows: list[_Row] = []
    for offset, row in enumerate(raw.rows[start:]):
        number = start + offset + 1
        parsed = _classify(report, number, row, fields, decimal, index, province, decisions)
        if parsed is not None:
            _formula_errors(report, number, missing)
            rows.append(parsed)
    _check_values(report, rows, context)


def _row_text(report: Report, row: Sequence[Cell]) -> tuple[str, Cell]:
    name = _cell(row, cols.column_of(report.mapping, "region.name"))
    code = _cell(row, cols.column_of(report.mapping, "region.code"))
    return ("" if name is None else str(name)), code


def _classify(report: Report, number: int, row: Sequence[Cell], fields: dict[str, int],
              decimal: dict[str, str | None], index: RegionIndex, province: str | None,
              decisions: dict[int, str]) -> _Row | None:
    if not any(c is not None for c in row):
        return None
    text, code = _row_text(report, row)
    values, problems = _parse_row(report, number, row, fields, decimal)
    written = {k: _cell(row, i) for k, i in fields.items()}
    label = text or ("" if code is None else str(code))
    has_values = any(v is not None for v in values.values())
    if has_values and _is_total(text, code, index) and number not in decisions:
        report.rows += 1
        report.totals.append({"row": number, "text": label, "province": _total_province(
            text, code, index), "values": values, "written": written, "checks": {}})
        return None
    if _is_note(row, values, problems) and number not in decisions and not _matches(
            index, text, code, province):
        report.skipped.append({"row": number, "text": _note_text(row), "reason": "note"})
        return None
    report.rows += 1
    if number in decisions and not decisions[number]:
        report.skipped.append({"row": number, "text": label, "reason": "user"})
        return None
    report.errors.extend(problems)
    match = _match_row(report, number, text, code, index, province, decisions)
    if match is None:
        return None
    return _Row(number, label, values, written, match)


def _note_text(row: Sequence[Cell]) -> str:
    return " ".join(dict.fromkeys(str(c) for c in row if c is not None))


def _is_total(text: str, code: Cell, index: RegionIndex) -> bool:
    code_text = read_code(code)
    if code_text and len(code_text) == 2:
        return True
    return bool(text) and (is_total(text) or index.province(text) is not None)


def _total_province(text: str, code: Cell, index: RegionIndex) -> str | None:
    code_text = read_code(code)
    if code_text and len(code_text) == 2:
        return code_text
    return index.province(text)


def _matches(index: RegionIndex, text: str, code: Cell, province: str | None) -> bool:
    return index.by_code(code) is not None or isinstance(index.match(text, province), Match)


def _match_row(report: Report, number: int, text: str, code: Cell, index: RegionIndex,
               province: str | None, decisions: dict[int, str]) -> Match | None:
    chosen = decisions.get(number)
    if chosen and chosen in index.names:
        match: Match | list[Suggestion] = Match(chosen, index.names[chosen], "alias")
    else:
        match = _match_cells(report, number, text, code, index, province)
    if isinstance(match, Match):
        entry = {"row": number, "code": match.code, "name": match.name, "by": match.by,
                 "text": text or str(code)}
        if match.by == "fuzzy":
            entry["score"] = match.score
        report.matched.append(entry)
        return match
    report.unmatched.append({
        "row": number, "text": text or ("" if code is None else str(code)),
        "suggestions": [{"code": s.code, "name": s.name, "score": s.score} for s in match],
    })
    return None


def _match_cells(report: Report, number: int, text: str, code: Cell, index: RegionIndex,
                 province: str | None) -> Match | list[Suggestion]:
    by_code = index.by_code(code)
    by_name = index.match(text, province) if text else []
    if by_code is not None:
        if isinstance(by_name, Match) and by_name.code != by_code.code:
            report.warnings.append(Issue("code_name_conflict", number, {
                "code": by_code.code, "code_name": by_code.name, "text": text,
                "name_code": by_name.code}))
        return by_code
    if code is not None:
        report.warnings.append(Issue("code_unknown", number, {"code": str(code)}))
    return by_name


# --- values -------------------------------------------------------------------------------


def _check_values(report: Report, rows: list[_Row], context: Context) -> None:
    _duplicates(report, rows)
    indicators = [i for i in complete_indicators(report.mapping) if i in context.indicators]
    scales = {i: _percent_scale(report, rows, i) for i in indicators}
    records = []
    for row in rows:
        for indicator in indicators:
            record = _check_value(report, row, indicator, scales[indicator])
            if record is not None:
                records.append(record)
    bad = {e.row for e in report.errors if e.row is not None}
    table = pd.DataFrame.from_records(records, columns=[*coverage.COLUMNS, "row"])
    table = table[~table["row"].isin(bad)].drop(columns="row").reset_index(drop=True)
    table["is_demo"] = table["is_demo"].astype(bool)
    report.table = table
    _check_totals(report, rows, indicators, scales)
    report.aggregates = aggregates(report.table)
    _check_published(report, context)


def _duplicates(report: Report, rows: list[_Row]) -> None:
    first: dict[str, int] = {}
    for row in rows:
        code = row.match.code
        if code in first:
            report.errors.append(Issue("duplicate", row.number, {
                "code": code, "name": row.match.name, "first": first[code]}))
        else:
            first[code] = row.number


def _percent_scale(report: Report, rows: list[_Row], indicator: str) -> float:
    """100 when the percent column holds percentages, 1 when it holds ratios."""
    key = f"{indicator}.percent"
    given = [(r.values.get(key), _ratio(r, indicator)) for r in rows]
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


def _ratio(row: _Row, indicator: str) -> float | None:
    num = row.values.get(f"{indicator}.numerator")
    den = row.values.get(f"{indicator}.denominator")
    return num / den if num is not None and den else None


def _check_value(report: Report, row: _Row, indicator: str, scale: float) -> dict | None:
    num = row.values[f"{indicator}.numerator"]
    den = row.values[f"{indicator}.denominator"]
    params = {"indicator": indicator, "name": row.match.name}
    if num is None or den is None:
        report.errors.append(Issue("missing", row.number, params))
        return None
    if num < 0 or den < 0:
        report.errors.append(Issue("negative", row.number, params))
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
    _check_percent(report, row, indicator, scale, pct)
    return {"period": report.period or "", "code": row.match.code, "indicator": indicator,
            "numerator": num, "denominator": den, "is_demo": False, "row": row.number}


def _tolerance(written: Cell, scale: float) -> float:
    places = decimals_written(written)
    if places is None:
        return 0.006
    return 0.5 * 10.0 ** (-places) * (100.0 / scale) + 1e-9


def _check_percent(report: Report, row: _Row, indicator: str, scale: float, pct: float) -> None:
    key = f"{indicator}.percent"
    given = row.values.get(key)
    if given is None:
        return
    given = given * 100.0 / scale
    if abs(given - pct) > _tolerance(row.written.get(key), scale):
        report.warnings.append(Issue("percent_mismatch", row.number, {
            "indicator": indicator, "name": row.match.name, "given": round(given, 4),
            "computed": round(pct, 2)}))


def _check_totals(report: Report, rows: list[_Row], indicators: list[str],
                  scales: dict[str, float]) -> None:
    valid = {r["code"] for r in report.table.to_dict("records")}
    for total in report.totals:
        members = [r for r in rows if r.match.code in valid
                   and (total["province"] is None or r.match.code[:2] == total["province"])]
        for indicator in indicators:
            total["checks"].update(_total_checks(report, total, members, indicator,
                                                 scales[indicator]))
        written = total.pop("written")
        total.pop("values")
        total["written"] = {k: v for k, v in written.items() if v is not None}


def _total_checks(report: Report, total: dict, members: list[_Row], indicator: str,
                  scale: float) -> dict:
    checks = {}
    sums = {}
    for role in ("numerator", "denominator"):
        key = f"{indicator}.{role}"
        sums[role] = sum(r.values[key] or 0 for r in members)
        given = total["values"].get(key)
        if given is None:
            continue
        ok = abs(given - sums[role]) <= SUM_TOLERANCE
        checks[key] = {"file": given, "sum": sums[role], "ok": ok}
        if not ok:
            report.warnings.append(Issue("total_mismatch", total["row"], {
                "column": key, "given": given, "sum": sums[role]}))
    given = total["values"].get(f"{indicator}.percent")
    if given is not None and sums.get("denominator"):
        computed = 100.0 * sums["numerator"] / sums["denominator"]
        given = given * 100.0 / scale
        ok = abs(given - computed) <= _tolerance(total["written"].get(f"{indicator}.percent"),
                                                 scale)
        checks[f"{indicator}.percent"] = {"file": round(given, 4), "computed": round(computed, 2),
                                          "ok": ok}
        if not ok:
            report.warnings.append(Issue("total_percent_mismatch", total["row"], {
                "indicator": indicator, "given": round(given, 2), "computed": round(computed, 2)}))
    return checks


def aggregates(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per province: sum(numerator) / sum(denominator) in percent, 2 decimals."""
    if table.empty:
        return {}
    grouped = coverage.aggregate(table.assign(province=table["code"].str[:2]),
                                 ["province", "indicator"])
    out: dict[str, dict[str, float]] = {}
    rows = zip(grouped["province"], grouped["indicator"], grouped["percent"], strict=True)
    for province, indicator, pct in rows:
        out.setdefault(str(province), {})[str(indicator)] = round(float(pct), 2)
    return out


def _check_published(report: Report, context: Context) -> None:
    if context.published is None or not report.period:
        return
    for province, values in report.aggregates.items():
        for indicator, value in values.items():
            figure = province_figure(context.published, report.period, province, indicator)
            if figure is not None and abs(figure["percent"] - value) > 0.01:
                report.warnings.append(Issue("published_differs", params={
                    "province": province, "indicator": indicator, "value": value,
                    "published": float(figure["percent"]), "source": str(figure["source"])}))


# --- command line -------------------------------------------------------------------------


def _regions_path(path: str | None) -> Path:
    if path:
        return Path(path)
    from utils.geo.cache_record import cache_dir

    return cache_dir() / "regions.csv"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m utils.ingest.importer",
                                     description="Check a coverage file before import.")
    parser.add_argument("file", help="CSV or XLSX file")
    parser.add_argument("--sheet", help="workbook sheet (default: the first)")
    parser.add_argument("--period", help="period as YYYY-MM-DD (default: read from the title)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--lang", choices=("id", "en"), default="id", help="message language")
    parser.add_argument("--regions", help="reference regions.csv (default: the built cache)")
    parser.add_argument("--store", help="store folder with remembered aliases")
    return parser


def _summary(report: Report, lang: str) -> str:
    lines = [t("data.cli.summary", lang, file=report.file, rows=report.rows,
               matched=len(report.matched), unmatched=len(report.unmatched),
               errors=len(report.errors), warnings=len(report.warnings))]
    lines += [f"  ! {e.message(lang)}" for e in report.errors]
    lines += [f"  ~ {w.message(lang)}" for w in report.warnings]
    lines += [f"  ? {t('data.cli.unmatched', lang, **u)}" for u in report.unmatched]
    lines += [f"  {p}: {json.dumps(v)}" for p, v in report.aggregates.items()]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run the command on parsed arguments; prints the report, returns the exit code."""
    from utils.ingest.store import Store
    from utils.metrics.regions import read_regions

    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        print(t("data.cli.cannot_open", args.lang, file=args.file, error=error.strerror),
              file=sys.stderr)
        return EXIT_UNREADABLE
    regions_csv = _regions_path(args.regions)
    if not regions_csv.is_file():
        print(t("data.cli.no_regions", args.lang, path=str(regions_csv)), file=sys.stderr)
        return EXIT_UNREADABLE
    store = Store(Path(args.store)) if args.store else Store()
    report = analyse(data, args.file, Context.load(read_regions(regions_csv)), sheet=args.sheet,
                     period=args.period, aliases=store.aliases())
    if report.status == "unreadable" and report.reason is not None:
        print(report.reason.message(args.lang), file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_dict(args.lang), ensure_ascii=False, indent=1, default=str))
    elif report.status != "unreadable":
        print(_summary(report, args.lang))
    return report.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (0, 1 or 2)."""
    args = _parser().parse_args(argv)
    try:
        return run(args)
    except Exception as error:
        print(t("data.cli.failed", args.lang, error=f"{type(error).__name__}: {error}"),
              file=sys.stderr)
        return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
