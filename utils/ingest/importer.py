"""Import report: read a file, recognise columns, match regions, check every value.

:func:`analyse` is pure (bytes in, :class:`Report` out) and shared by the Data
page and the command line (:mod:`utils.ingest.command`,
``python -m utils.ingest.importer FILE …``). Status ``ok``: the file can be
accepted as is; ``needs_decisions``: unmatched rows, errors, a missing period
or mapping; ``unreadable``: it cannot be read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from utils.formatting import format_number
from utils.i18n import t
from utils.ingest import code_schemes, pairing, region_rows
from utils.ingest import columns as cols
from utils.ingest.matching import Match
from utils.ingest.numbers_id import NumberError, decimals_written, infer_decimal, parse_number
from utils.ingest.spreadsheet import Cell, RawTable, ReadError, read_table
from utils.metrics import coverage
from utils.metrics import regions as region_ref
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
    periods: list[str] = field(default_factory=list)
    years: dict[int, str] = field(default_factory=dict)
    companion: dict | None = None
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
    completeness: dict[str, dict[str, int]] = field(default_factory=dict)
    aggregates_by_period: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    uncounted: dict[str, dict[str, int]] = field(default_factory=dict)
    level: str = "regency"
    code_scheme: dict = field(default_factory=dict)
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
            "period_source": self.period_source, "periods": self.periods,
            "years": {str(y): p for y, p in self.years.items()}, "companion": self.companion,
            "columns": [{"column": i, "header": h, "field": self.mapping.get(i)}
                        for i, h in enumerate(self.headers)],
            "rows": self.rows, "matched": self.matched, "unmatched": self.unmatched,
            "totals": self.totals, "skipped": self.skipped, "marked": self.marked,
            "errors": [e.to_dict(lang) for e in self.errors],
            "warnings": [w.to_dict(lang) for w in self.warnings],
            "aggregates": self.aggregates,
            "completeness": self.completeness, "uncounted": self.uncounted,
            "aggregates_by_period": self.aggregates_by_period,
            "level": self.level, "code_scheme": self.code_scheme,
        }


@dataclass(frozen=True)
class Context:
    """What :func:`analyse` needs besides the file."""

    regions: pd.DataFrame
    indicators: dict[str, Indicator]
    vocabulary: cols.Vocabulary
    published: pd.DataFrame | None = None
    crosswalk: pd.DataFrame | None = None

    @classmethod
    def load(cls, regions: pd.DataFrame, crosswalk: pd.DataFrame | None = None) -> Context:
        """Context with the committed indicators, header keywords and published figures.

        ``crosswalk`` (``crosswalk.csv`` of the build) lets the importer read BPS
        codes, older code lists and former names; without it only today's
        Kemendagri codes and names are known.
        """
        indicators = load_indicators()
        return cls(regions, indicators, cols.load_vocabulary(indicators), load_published(),
                   crosswalk)


@dataclass
class _Row:
    """One data row while it is being checked."""

    number: int
    text: str
    values: dict[str, float | None]
    written: dict[str, Cell]
    match: Match
    period: str | None = None


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
        _read_period(report, raw, header.start, period, filename)
    _formula_issues(report, raw, header.stop)
    _check_rows(report, raw, header.stop, context, decisions or {}, aliases or {}, scheme,
                year_periods or {})
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


@dataclass(frozen=True)
class Shape:
    """How one indicator's counts come out of the file's columns.

    ``kind`` is ``counts`` (numerator and denominator), ``shared`` (the
    denominator column of another indicator, field ``denominator``),
    ``remaining`` (denominator = sudah + belum), ``percent`` (denominator =
    count ÷ percent, derived) or ``percent_only`` (no counts are stored).
    """

    kind: str
    denominator: str | None = None


def indicator_shapes(mapping: dict[int, str],
                     shared: dict[str, str] | None = None) -> dict[str, Shape]:
    """Each importable indicator's :class:`Shape`, from the column mapping.

    ``shared`` maps an indicator to the field holding its shared denominator
    (``{"ikd": "ktp_el.denominator"}``).
    """
    out: dict[str, Shape] = {}
    for indicator, roles in cols.indicators_mapped(mapping).items():
        if "numerator" in roles and "denominator" in roles:
            out[indicator] = Shape("counts", f"{indicator}.denominator")
        elif "numerator" in roles and (shared or {}).get(indicator):
            out[indicator] = Shape("shared", (shared or {})[indicator])
        elif "numerator" in roles and "remaining" in roles:
            out[indicator] = Shape("remaining")
        elif "numerator" in roles and "percent" in roles:
            out[indicator] = Shape("percent")
        elif "percent" in roles and "numerator" not in roles:
            out[indicator] = Shape("percent_only")
    return out


def complete_indicators(mapping: dict[int, str],
                        shared: dict[str, str] | None = None) -> list[str]:
    """Indicators the file can import: both counts, a count and what gives its
    denominator (belum, a shared column, the percent), or the percent alone."""
    return list(indicator_shapes(mapping, shared))


def _shared(mapping: dict[int, str], context: Context) -> dict[str, str]:
    """Indicator → field of the denominator it shares (``columns.shared_denominators``)."""
    found = cols.shared_denominators(mapping, context.indicators)
    return {i: mapping[c] for i, c in found.items() if mapping.get(c, "").endswith(".denominator")}


def _check_mapping(report: Report, context: Context) -> None:
    shapes = indicator_shapes(report.mapping, _shared(report.mapping, context))
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
                "column": report.headers[index], "field": key,
                "indicator": key.rpartition(".")[0]}))


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
    rows: list[_Row] = []
    for offset, row in enumerate(raw.rows[start:]):
        number = start + offset + 1
        parsed = _classify(report, number, row, fields, decimal, match, decisions)
        if parsed is not None:
            _formula_errors(report, number, missing)
            parsed.period = _row_period(report, number, row, year_periods)
            rows.append(parsed)
    _report_below(report)
    _report_years(report)
    _check_values(report, rows, context)


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


def _year(value: Cell) -> int | None:
    text = str(value).strip() if value is not None else ""
    if re.fullmatch(r"\d{4}(\.0+)?", text) and 1900 < int(float(text)) < 2200:
        return int(float(text))
    return None


def _row_period(report: Report, number: int, row: Sequence[Cell],
                year_periods: dict[int, str]) -> str | None:
    """The row's period: its year's date in a file with a year column, else the file's."""
    column = cols.column_of(report.mapping, "period.year")
    if column is None:
        return report.period
    year = _year(_cell(row, column))
    if year is None:
        report.errors.append(Issue("year_invalid", number, {"value": _cell(row, column)}))
        return None
    chosen = year_periods.get(year)
    period = _iso(*chosen.split("-")) if chosen and re.fullmatch(
        r"\d{4}-\d{2}-\d{2}", chosen) else None
    if chosen and period is None:
        report.errors.append(Issue("period_invalid", params={"period": chosen}))
    report.years[year] = period or f"{year}-12-31"
    return report.years[year]


def _report_years(report: Report) -> None:
    """Say which date each bare year stands for; the latest period is the file's."""
    if not report.years:
        report.periods = [report.period] if report.period else []
        return
    report.years = dict(sorted(report.years.items()))
    report.periods = sorted(set(report.years.values()))
    report.period, report.period_source = report.periods[-1], "year"
    report.warnings.append(Issue("year_periods", params={"years": ", ".join(
        f"{y} → {p}" for y, p in report.years.items())}))


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
              decisions: dict[int, str]) -> _Row | None:
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
    return _Row(number, label, values, written, found)


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


# --- values -------------------------------------------------------------------------------


def _check_values(report: Report, rows: list[_Row], context: Context) -> None:
    _duplicates(report, rows)
    shapes = {i: s for i, s in indicator_shapes(
        report.mapping, _shared(report.mapping, context)).items() if i in context.indicators}
    scales = {i: _percent_scale(report, rows, i, s) for i, s in shapes.items()}
    records = []
    for row in rows:
        for indicator, shape in shapes.items():
            record = _check_value(report, row, indicator, shape, scales[indicator])
            if record is not None:
                records.append(record)
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
    report.table = table
    _check_totals(report, rows, shapes, scales)
    _aggregate(report, context)
    _check_published(report, context)


def _aggregate(report: Report, context: Context) -> None:
    """Province figures of the file's (latest) period, and of each period when it has several."""
    table = report.table
    latest = table[table["period"] == report.period] if len(report.periods) > 1 else table
    report.aggregates = aggregates(latest, context.regions)
    report.completeness = completeness(latest, context.regions)
    report.uncounted = uncounted(latest, context.regions)
    if len(report.periods) > 1:
        report.aggregates_by_period = {
            str(p): aggregates(rows, context.regions) for p, rows in table.groupby("period")}


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


def _duplicates(report: Report, rows: list[_Row]) -> None:
    first: dict[tuple[str, str | None], int] = {}
    for row in rows:
        key = (row.match.code, row.period)
        if key in first:
            report.errors.append(Issue("duplicate", row.number, {
                "code": row.match.code, "name": row.match.name, "first": first[key]}))
        else:
            first[key] = row.number


def _percent_scale(report: Report, rows: list[_Row], indicator: str,
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


def _ratio(row: _Row, indicator: str, shape: Shape | None = None) -> float | None:
    num = row.values.get(f"{indicator}.numerator")
    den = _written_denominator(row, indicator, shape or Shape("counts", f"{indicator}.denominator"))
    return num / den if num is not None and den else None


def _written_denominator(row: _Row, indicator: str, shape: Shape) -> float | None:
    """The denominator the file gives as counts: its column, or sudah + belum."""
    if shape.kind == "remaining":
        num = row.values.get(f"{indicator}.numerator")
        rest = row.values.get(f"{indicator}.remaining")
        return None if num is None or rest is None else num + rest
    return row.values.get(shape.denominator) if shape.denominator else None


def _check_value(report: Report, row: _Row, indicator: str, shape: Shape,
                 scale: float) -> dict | None:
    params = {"indicator": indicator, "name": row.match.name}
    written = row.values.get(f"{indicator}.percent")
    given = None if written is None else written * 100.0 / scale
    num = row.values.get(f"{indicator}.numerator")
    if shape.kind == "percent_only" or (shape.kind == "percent" and num == 0 and given == 0):
        return _percent_only(report, row, indicator, given, shape)
    derived, margin = "", 0.0
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


def _percent_only(report: Report, row: _Row, indicator: str, given: float | None,
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


def _check_totals(report: Report, rows: list[_Row], shapes: dict[str, Shape],
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


def _total_checks(report: Report, total: dict, inside: pd.DataFrame, members: list[_Row],
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


def _check_published(report: Report, context: Context) -> None:
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


if __name__ == "__main__":  # the command line lives in utils/ingest/command.py
    from utils.ingest.command import main

    sys.exit(main())
