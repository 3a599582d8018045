"""The period of a file: the date its figures stand for.

A file says it in one of three ways: a date the user gives, a date written in
its title rows or its file name (:func:`parse_period`), or a year column
(``tahun``) whose years stand for a date each (31 December unless the user
names another). Every function here records what it finds, or why it found
nothing, on the :class:`~utils.ingest.report.Report`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from utils.ingest.report import Issue, Report
from utils.ingest.spreadsheet import Cell, RawTable

MONTHS = {
    "januari": 1, "jan": 1, "january": 1, "februari": 2, "feb": 2, "pebruari": 2,
    "february": 2, "maret": 3, "mar": 3, "march": 3, "april": 4, "apr": 4, "mei": 5,
    "may": 5, "juni": 6, "jun": 6, "june": 6, "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "aug": 8, "august": 8, "september": 9, "sep": 9,
    "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "october": 10, "november": 11,
    "nov": 11, "nopember": 11, "desember": 12, "des": 12, "dec": 12, "december": 12,
}
"""Month names and abbreviations, Indonesian and English, as titles write them."""


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


def read_period(report: Report, raw: RawTable, header_start: int, period: str | None,
                filename: str) -> None:
    """The file's period: ``period`` as given, else from the title rows or ``filename``.

    Parameters
    ----------
    report : Report
        Receives the period and its source, or the error why there is none.
    raw : RawTable
        The file's cells; the rows above ``header_start`` are its title.
    header_start : int
        Index of the first header row.
    period : str, optional
        ``YYYY-MM-DD`` chosen by the user.
    filename : str
        The file's name, searched after the title rows.
    """
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


# --- the year column ----------------------------------------------------------------------


def _year(value: Cell) -> int | None:
    text = str(value).strip() if value is not None else ""
    if re.fullmatch(r"\d{4}(\.0+)?", text) and 1900 < int(float(text)) < 2200:
        return int(float(text))
    return None


def year_period(report: Report, number: int, value: Cell,
                year_periods: dict[int, str]) -> str | None:
    """The period of file row ``number`` whose year column holds ``value``.

    Parameters
    ----------
    report : Report
        Collects each year met and its date (``years``), or the error.
    number : int
        The row's 1-based number in the file.
    value : Cell
        The row's cell in the year column.
    year_periods : dict
        Year → ``YYYY-MM-DD`` chosen by the user; another year stands for its
        31 December.

    Returns
    -------
    str or None
        ``YYYY-MM-DD``; ``None`` when ``value`` is no year.
    """
    year = _year(value)
    if year is None:
        report.errors.append(Issue("year_invalid", number, {"value": value}))
        return None
    chosen = year_periods.get(year)
    period = _iso(*chosen.split("-")) if chosen and re.fullmatch(
        r"\d{4}-\d{2}-\d{2}", chosen) else None
    if chosen and period is None:
        report.errors.append(Issue("period_invalid", params={"period": chosen}))
    report.years[year] = period or f"{year}-12-31"
    return report.years[year]


def report_years(report: Report) -> None:
    """Say which date each bare year stands for; the latest period is the file's."""
    if not report.years:
        report.periods = [report.period] if report.period else []
        return
    report.years = dict(sorted(report.years.items()))
    report.periods = sorted(set(report.years.values()))
    report.period, report.period_source = report.periods[-1], "year"
    report.warnings.append(Issue("year_periods", params={"years": ", ".join(
        f"{y} → {p}" for y, p in report.years.items())}))
