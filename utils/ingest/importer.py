"""Import report: read a file, recognise columns, match regions, check every value.

:func:`analyse` is pure (bytes in, :class:`~utils.ingest.report.Report` out)
and shared by the Data page and the command line (:mod:`utils.ingest.command`,
``python -m utils.ingest.importer FILE …``). Status ``ok``: the file can be
accepted as is; ``needs_decisions``: unmatched rows, errors, a missing period
or mapping; ``unreadable``: it cannot be read.

This module reads the header and walks the rows (which region each names,
which are totals, notes or below regency level). The parts it calls each hold
one concept: :mod:`utils.ingest.report` (the report, its issues, the context),
:mod:`utils.ingest.periods` (the date of the figures),
:mod:`utils.ingest.count_shapes` (how counts come out of the columns),
:mod:`utils.ingest.value_checks` (every value, the total rows) and
:mod:`utils.ingest.aggregates` (province figures). The names callers use are
importable from here as before (``__all__``).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

from utils.ingest import code_schemes, pairing, periods, region_rows
from utils.ingest import columns as cols
from utils.ingest.aggregates import aggregates, completeness, uncounted
from utils.ingest.count_shapes import Shape, complete_indicators, indicator_shapes, shared_fields
from utils.ingest.matching import Match
from utils.ingest.numbers_id import NumberError, infer_decimal, parse_number
from utils.ingest.periods import parse_period
from utils.ingest.report import EXIT_DECISIONS, EXIT_OK, EXIT_UNREADABLE, Context, Issue, Report
from utils.ingest.spreadsheet import Cell, RawTable, ReadError, read_table
from utils.ingest.value_checks import Row, check_values

__all__ = [
    "EXIT_DECISIONS", "EXIT_OK", "EXIT_UNREADABLE", "Context", "Issue", "Report", "Shape",
    "aggregates", "analyse", "complete_indicators", "completeness", "indicator_shapes",
    "parse_period", "uncounted",
]

PREVIEW_ROWS = 40
"""Rows of the file kept for the page's preview."""


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
    scheme: str | None = None,
    year_periods: dict[int, str] | None = None,
    companion: tuple[str, bytes] | None = None,
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
    scheme : str, optional
        The code scheme of the file (:data:`utils.ingest.code_schemes.SCHEMES`);
        read from how its codes agree with its names when absent.
    year_periods : dict, optional
        Year → ``YYYY-MM-DD`` for a file with a year column (``tahun``); a
        year not given stands for 31 December of that year.
    companion : (str, bytes), optional
        A second file (name, content) holding another measure of the same
        regions and years, paired with this one (:mod:`utils.ingest.pairing`).
    """
    report = Report(Path(filename).name, hashlib.sha256(data).hexdigest())
    try:
        raw = read_table(data, sheet)
        if companion is not None:
            report.companion = {"file": Path(companion[0]).name,
                                "sha256": hashlib.sha256(companion[1]).hexdigest()}
            raw = pairing.pair(context.vocabulary, raw, read_table(companion[1]))
    except ReadError as error:
        return _unreadable(report, Issue(error.key, params=error.params))
    except pairing.PairError as error:
        return _unreadable(report, Issue(error.key))
    report.kind, report.sheet, report.sheets = raw.kind, raw.sheet, raw.sheets
    report.preview = raw.rows[:PREVIEW_ROWS]
    header = cols.find_header(context.vocabulary, raw.rows)
    if header is None:
        return _unreadable(report, Issue("data.read.no_header"))
    report.header_rows = (header.start + 1, header.stop)
    report.headers = header.labels
    report.mapping = _final_mapping(header.mapping, mapping, len(header.labels))
    _check_mapping(report, context)
    _check_confirmations(report, header, mapping)
    if cols.column_of(report.mapping, "period.year") is None:
        periods.read_period(report, raw, header.start, period, filename)
    _formula_issues(report, raw, header.stop)
    _check_rows(report, raw, header.stop, context, decisions or {}, aliases or {}, scheme,
                year_periods or {})
    _nothing_to_import(report)
    report.status = "ok" if not report.errors and not report.unmatched else "needs_decisions"
    return report


def _nothing_to_import(report: Report) -> None:
    """A file with no value to store is never "ok": say why (only kecamatan rows …)."""
    if not report.table.empty or report.errors or report.unmatched:
        return
    below = any(s["reason"] == "below_regency" for s in report.skipped)
    report.errors.append(Issue("only_below_regency" if below else "nothing_to_import"))


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


def _check_mapping(report: Report, context: Context) -> None:
    shapes = indicator_shapes(report.mapping, shared_fields(report.mapping, context.indicators))
    for indicator, roles in cols.indicators_mapped(report.mapping).items():
        if indicator not in context.indicators:
            continue
        shape = shapes.get(indicator)
        if shape is None:
            report.warnings.append(Issue("incomplete_indicator", params={
                "indicator": indicator, "missing": ", ".join(
                    r for r in ("numerator", "denominator") if r not in roles)}))
        elif shape.kind == "shared" and shape.denominator:
            index = cols.column_of(report.mapping, shape.denominator)
            report.warnings.append(Issue("shared_denominator", params={
                "indicator": indicator, "other": shape.denominator.rsplit(".", 1)[0],
                "column": report.headers[index] if index is not None else shape.denominator}))
    if not shapes:
        report.errors.append(Issue("no_indicator"))
    for index, label in enumerate(report.headers):
        if index not in report.mapping and label:
            report.warnings.append(Issue("unrecognised_column", params={"column": label}))


def _check_confirmations(report: Report, header: cols.Header,
                         chosen_mapping: dict[int, str] | None) -> None:
    """A sub-population column (``DP4 Pemula``) is a denominator only once the user names
    it in ``chosen_mapping``; until then it is an error (``confirm_column``)."""
    named = {int(i) for i in (chosen_mapping or {})}
    for index in sorted(header.unconfirmed - named):
        key = report.mapping.get(index)
        if key is not None and key == header.mapping.get(index):
            report.errors.append(Issue("confirm_column", params={
                "column": report.headers[index], "field": key, "column_index": index,
                "indicator": key.rpartition(".")[0]}))


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
    return {k: i for i, k in report.mapping.items() if k not in cols.KEY_FIELDS}


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


def _check_rows(report: Report, raw: RawTable, start: int, context: Context,
                decisions: dict[int, str], aliases: dict[str, str], scheme: str | None,
                year_periods: dict[int, str]) -> None:
    if start < len(raw.rows) and cols.is_column_numbers(raw.rows[start]):
        start += 1
    fields = _numeric_fields(report)
    decimal = _decimals(raw, start, fields)
    match = region_rows.matcher(context.regions, context.crosswalk, aliases,
                                [_row_text(report, r) for r in raw.rows[start:]], scheme)
    _report_scheme(report, match)
    missing = set(raw.formulas_without_value)
    year = cols.column_of(report.mapping, "period.year")
    rows: list[Row] = []
    for offset, row in enumerate(raw.rows[start:]):
        number = start + offset + 1
        parsed = _classify(report, number, row, fields, decimal, match, decisions)
        if parsed is not None:
            _formula_errors(report, number, missing)
            parsed.period = report.period if year is None else periods.year_period(
                report, number, _cell(row, year), year_periods)
            rows.append(parsed)
    _report_below(report)
    periods.report_years(report)
    check_values(report, rows, context)


def _report_scheme(report: Report, match: region_rows.RowMatcher) -> None:
    choice = match.choice
    evidence = choice.evidence
    report.level = match.level
    report.code_scheme = {"scheme": choice.scheme, "reason": choice.reason,
                          "agree": evidence.agree if evidence else {},
                          "disagree": evidence.disagree if evidence else {}}
    if choice.scheme is None:
        report.errors.append(Issue("code_scheme_unknown"))
    elif choice.scheme != code_schemes.KEMENDAGRI:
        report.warnings.append(Issue(f"code_scheme_{choice.scheme}"))
    if match.level == "province":
        report.warnings.append(Issue("province_table"))


def _report_below(report: Report) -> None:
    below = [s for s in report.skipped if s["reason"] == "below_regency"]
    if below:
        report.warnings.append(Issue("below_regency", params={"count": len(below)}))


def _row_text(report: Report, row: Sequence[Cell]) -> tuple[str, Cell]:
    name = _cell(row, cols.column_of(report.mapping, "region.name"))
    code = _cell(row, cols.column_of(report.mapping, "region.code"))
    return ("" if name is None else str(name).strip()), code


def _classify(report: Report, number: int, row: Sequence[Cell], fields: dict[str, int],
              decimal: dict[str, str | None], match: region_rows.RowMatcher,
              decisions: dict[int, str]) -> Row | None:
    if not any(c is not None for c in row):
        return None
    text, code = _row_text(report, row)
    values, problems = _parse_row(report, number, row, fields, decimal)
    written = {k: _cell(row, i) for k, i in fields.items()}
    label = text or ("" if code is None else str(code))
    has_values = any(v is not None for v in values.values())
    if number not in decisions and region_rows.is_below_regency(text, code):
        report.skipped.append({"row": number, "text": label, "reason": "below_regency"})
        return None
    if has_values and match.is_total(text, code) and number not in decisions:
        report.rows += 1
        provinces = match.total_provinces(text, code)
        report.totals.append({"row": number, "text": label,
                              "province": provinces[0] if provinces else None,
                              "provinces": None if provinces is None else list(provinces),
                              "values": values, "written": written, "checks": {}})
        return None
    if _is_note(row, values, problems) and number not in decisions and not isinstance(
            match.match(text, code), Match):
        report.skipped.append({"row": number, "text": _note_text(row), "reason": "note"})
        return None
    report.rows += 1
    if number in decisions and not decisions[number]:
        report.skipped.append({"row": number, "text": label, "reason": "user"})
        return None
    report.errors.extend(problems)
    found = _match_row(report, number, text, code, match, decisions)
    if found is None:
        return None
    return Row(number, label, values, written, found)


def _note_text(row: Sequence[Cell]) -> str:
    return " ".join(dict.fromkeys(str(c) for c in row if c is not None))


def _chosen(match: region_rows.RowMatcher, code: str) -> Match | None:
    names = match.index.province_names if match.level == "province" else match.index.names
    return Match(code, names[code], "alias") if code in names else None


def _match_row(report: Report, number: int, text: str, code: Cell,
               match: region_rows.RowMatcher, decisions: dict[int, str]) -> Match | None:
    chosen = _chosen(match, decisions.get(number) or "")
    found = chosen or match.match(text, code)
    if isinstance(found, Match):
        entry = {"row": number, "code": found.code, "name": found.name, "by": found.by,
                 "text": text or str(code)}
        if found.by == "fuzzy":
            entry["score"] = found.score
        if code is not None and found.by == "code" and match.choice.scheme not in (
                None, code_schemes.KEMENDAGRI):
            entry["written_code"] = str(code)
        if code is not None and found.by != "code" and chosen is None:
            report.warnings.append(Issue("code_unknown", number, {"code": str(code)}))
        report.matched.append(entry)
        return found
    entry = {"row": number, "text": text or ("" if code is None else str(code)),
             "suggestions": [{"code": s.code, "name": s.name, "score": s.score}
                             for s in found.suggestions]}
    if found.reason:
        entry["reason"] = found.reason
        report.errors.append(Issue(found.reason, number, {"text": entry["text"], **found.params}))
    report.unmatched.append(entry)
    return None


if __name__ == "__main__":  # the command line lives in utils/ingest/command.py
    from utils.ingest.command import main

    sys.exit(main())
