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
:mod:`utils.ingest.aggregates` (province figures). A file per kecamatan is read
by :mod:`utils.ingest.kecamatan_rows` (which rows name which kecamatan, of which
regency) and summed up by :mod:`utils.ingest.kecamatan_summary` (present, missing,
partial regencies, totals). The names callers use are
importable from here as before (``__all__``).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

from utils.ingest import (
    code_schemes,
    kecamatan_rows,
    kecamatan_summary,
    pairing,
    periods,
    region_rows,
)
from utils.ingest import columns as cols
from utils.ingest.aggregates import aggregates, completeness, uncounted
from utils.ingest.count_shapes import Shape, complete_indicators, indicator_shapes, shared_fields
from utils.ingest.kecamatan_names import KecamatanIndex
from utils.ingest.kecamatan_names import read_code as read_kecamatan_code
from utils.ingest.matching import Match, RegionIndex, is_total
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
    regency: str | None = None,
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
    regency : str, optional
        The regency (``33.14``) every kecamatan row of the file belongs to, chosen
        once by the user (:mod:`utils.ingest.kecamatan_rows`); needs
        ``context.kecamatan``. A row naming its own regency in a column keeps it.
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
    _check_rows(report, raw, header, context, decisions or {}, aliases or {}, scheme,
                year_periods or {}, _regency(report, context, regency))
    _nothing_to_import(report)
    report.status = "ok" if not report.errors and not report.unmatched else "needs_decisions"
    return report


def _nothing_to_import(report: Report) -> None:
    """A file with no value to store is never "ok": say why (only kecamatan rows …)."""
    if not report.table.empty or report.errors or report.unmatched:
        return
    reasons = {s["reason"] for s in report.skipped}
    kind = ("kec_imp_only_villages" if "kec_imp_village" in reasons else
            "only_below_regency" if "below_regency" in reasons else "nothing_to_import")
    report.errors.append(Issue(kind))


def _regency(report: Report, context: Context, regency: str | None) -> str | None:
    """The regency chosen for the file, when the reference knows it (else an error)."""
    if not regency:
        return None
    if context.kecamatan is None or regency not in set(context.kecamatan["regency_code"]):
        report.errors.append(Issue("kec_imp_unknown_regency", params={"regency": regency}))
        return None
    return regency


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


def _check_rows(report: Report, raw: RawTable, header: cols.Header, context: Context,
                decisions: dict[int, str], aliases: dict[str, str], scheme: str | None,
                year_periods: dict[int, str], regency: str | None) -> None:
    start = header.stop
    if start < len(raw.rows) and cols.is_column_numbers(raw.rows[start]):
        start += 1
    fields = _numeric_fields(report)
    decimal = _decimals(raw, start, fields)
    body = raw.rows[start:]
    cells = [_cells(report, r) for r in body]
    plan = _kecamatan_plan(report, context, aliases, cells, raw.rows[:header.start], regency)
    match = region_rows.matcher(context.regions, context.crosswalk, aliases,
                                _regency_texts(report, body, cells, plan), scheme)
    if plan is not None:
        plan.regencies, match.level = match, "regency"
    _report_scheme(report, match)
    if plan is not None:
        report.level = "kecamatan"
    missing = set(raw.formulas_without_value)
    year = cols.column_of(report.mapping, "period.year")
    rows: list[Row] = []
    for offset, row in enumerate(body):
        number = start + offset + 1
        totals = len(report.totals)
        place = plan.place(cells[offset]) if plan is not None else None
        parsed = _classify(report, number, row, fields, decimal, match, decisions, plan, place)
        if plan is not None and len(report.totals) > totals:  # its errors are not the file's
            report.totals[-1]["period"] = report.period if year is None else periods.year_period(
                Report("", ""), number, _cell(row, year), year_periods)
        if parsed is not None:
            _formula_errors(report, number, missing)
            parsed.period = report.period if year is None else periods.year_period(
                report, number, _cell(row, year), year_periods)
            rows.append(parsed)
    _report_below(report)
    periods.report_years(report)
    check_values(report, rows, context)
    if plan is not None and context.kecamatan is not None:
        kecamatan_summary.summarise(report, context.kecamatan, regency=plan.regency,
                                    source=plan.source, title=plan.title)


def _cells(report: Report, row: Sequence[Cell]) -> kecamatan_rows.Cells:
    """The region cells of a row (regency name and code, kecamatan name and code)."""
    name, code = _row_text(report, row)
    kec = _cell(row, cols.column_of(report.mapping, "region.kecamatan"))
    return kecamatan_rows.Cells(name, code, "" if kec is None else str(kec).strip(),
                                _cell(row, cols.column_of(report.mapping,
                                                          "region.kecamatan_code")))


def _kecamatan_plan(report: Report, context: Context, aliases: dict[str, str],
                    cells: list[kecamatan_rows.Cells], title_rows: Sequence[Sequence[Cell]],
                    regency: str | None) -> kecamatan_rows.Plan | None:
    """The plan of a kecamatan-level file, or ``None`` (no reference, or not such a file)."""
    if context.kecamatan is None:
        return None
    regions = RegionIndex(context.regions, aliases, region_rows.former_names(context.crosswalk))
    has_column = any(cols.column_of(report.mapping, k) is not None
                     for k in cols.KECAMATAN_FIELDS)
    titles = [c for r in title_rows for c in r if c is not None]
    return kecamatan_rows.plan(KecamatanIndex(context.kecamatan, aliases), regions, cells,
                               has_column=has_column, chosen=regency, titles=titles)


def _regency_texts(report: Report, body: Sequence[Sequence[Cell]],
                   cells: list[kecamatan_rows.Cells],
                   plan: kecamatan_rows.Plan | None) -> list[tuple[str, Cell]]:
    """Name and code of each row as the regency matcher reads them (in a file with a
    kecamatan column: its regency cells)."""
    if plan is None or not plan.has_column:
        return [_row_text(report, r) for r in body]
    return [(c.name, None if read_kecamatan_code(c.code) else c.code) for c in cells]


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
              decisions: dict[int, str], plan: kecamatan_rows.Plan | None = None,
              place: kecamatan_rows.Place | None = None) -> Row | None:
    if not any(c is not None for c in row):
        return None
    if place is not None and place.level != kecamatan_rows.REGENCY:
        return _classify_kecamatan(report, number, row, fields, decimal, match, decisions,
                                   plan, place)
    text, code = (place.text, place.code) if place is not None else _row_text(report, row)
    values, problems = _parse_row(report, number, row, fields, decimal)
    written = {k: _cell(row, i) for k, i in fields.items()}
    label = text or ("" if code is None else str(code))
    has_values = any(v is not None for v in values.values())
    if number not in decisions and plan is None and region_rows.is_below_regency(text, code):
        report.skipped.append({"row": number, "text": label, "reason": "below_regency"})
        return None
    if has_values and match.is_total(text, code) and number not in decisions:
        _total(report, number, label, values, written, match.total_provinces(text, code))
        return None
    if _is_note(row, values, problems) and number not in decisions and (
            plan is not None or not isinstance(match.match(text, code), Match)):
        report.skipped.append({"row": number, "text": _note_text(row), "reason": "note"})
        return None
    report.rows += 1
    if number in decisions and not decisions[number]:
        report.skipped.append({"row": number, "text": label, "reason": "user"})
        return None
    report.errors.extend(problems)
    found = _match_row(report, number, text, code, match, decisions, plan)
    if found is None:
        return None
    return Row(number, label, values, written, found)


def _total(report: Report, number: int, label: str, values: dict[str, float | None],
           written: dict[str, Cell], provinces: Sequence[str] | None,
           regency: str | None = None) -> None:
    report.rows += 1
    entry = {"row": number, "text": label, "province": provinces[0] if provinces else None,
             "provinces": None if provinces is None else list(provinces),
             "values": values, "written": written, "checks": {}}
    if regency is not None:
        entry["regency"] = regency
    report.totals.append(entry)


def _classify_kecamatan(report: Report, number: int, row: Sequence[Cell],
                        fields: dict[str, int], decimal: dict[str, str | None],
                        match: region_rows.RowMatcher, decisions: dict[int, str],
                        plan: kecamatan_rows.Plan | None,
                        place: kecamatan_rows.Place) -> Row | None:
    """A kecamatan or village row of a kecamatan-level file (see :mod:`.kecamatan_rows`)."""
    assert plan is not None
    values, problems = _parse_row(report, number, row, fields, decimal)
    written = {k: _cell(row, i) for k, i in fields.items()}
    decided = number in decisions
    if place.level == kecamatan_rows.VILLAGE and not decided:
        report.skipped.append({"row": number, "text": place.label, "reason": "kec_imp_village"})
        return None
    if any(v is not None for v in values.values()) and is_total(place.text) and not decided:
        _total(report, number, place.label, values, written, None, place.regency)
        return None
    outcome = plan.match(place)
    if _is_note(row, values, problems) and not decided and not isinstance(outcome, Match):
        report.skipped.append({"row": number, "text": _note_text(row), "reason": "note"})
        return None
    report.rows += 1
    if decided and not decisions[number]:
        report.skipped.append({"row": number, "text": place.label, "reason": "user"})
        return None
    report.errors.extend(problems)
    chosen = _decided(match, plan, decisions.get(number) or "")
    found = _record(report, number, place.label, chosen or outcome, place.regency)
    return None if found is None else Row(number, place.label, values, written, found)


def _record(report: Report, number: int, text: str, found: Match | region_rows.Unresolved,
            regency: str | None) -> Match | None:
    """A kecamatan row's match or question, into the report."""
    extra = {"level": "kecamatan", **({} if regency is None else {"regency": regency})}
    if isinstance(found, Match):
        report.matched.append({"row": number, "code": found.code, "name": found.name,
                               "by": found.by, "text": text, **extra,
                               **({"score": found.score} if found.by == "fuzzy" else {})})
        return found
    entry = {"row": number, "text": text, **found.params, **extra,
             "suggestions": [{"code": s.code, "name": s.name, "score": s.score}
                             for s in found.suggestions]}
    if found.reason:
        entry["reason"] = found.reason
        if found.reason not in kecamatan_rows.SUMMARISED:
            report.errors.append(Issue(found.reason, number, {"text": text, **found.params}))
    report.unmatched.append(entry)
    return None


def _note_text(row: Sequence[Cell]) -> str:
    return " ".join(dict.fromkeys(str(c) for c in row if c is not None))


def _chosen(match: region_rows.RowMatcher, code: str) -> Match | None:
    names = match.index.province_names if match.level == "province" else match.index.names
    return Match(code, names[code], "alias") if code in names else None


def _decided(match: region_rows.RowMatcher, plan: kecamatan_rows.Plan | None,
             code: str) -> Match | None:
    """The region the user chose for a row: a regency, or (in a kecamatan file) a kecamatan."""
    found = _chosen(match, code)
    return found if found is not None or plan is None else plan.chosen(code)


def _match_row(report: Report, number: int, text: str, code: Cell,
               match: region_rows.RowMatcher, decisions: dict[int, str],
               plan: kecamatan_rows.Plan | None = None) -> Match | None:
    chosen = _decided(match, plan, decisions.get(number) or "")
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
