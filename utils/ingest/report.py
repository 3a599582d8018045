"""The import report: what :func:`utils.ingest.importer.analyse` finds in one file.

:class:`Report` holds everything the Data page shows and the command line
prints; :class:`Issue` is one error or warning in it, worded in either
language; :class:`Context` is what a file is checked against. ``EXIT_*`` are
the command line's exit codes for a report's status.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from utils.formatting import format_number
from utils.i18n import t
from utils.ingest import columns as cols
from utils.ingest.spreadsheet import Cell
from utils.metrics import coverage
from utils.metrics.indicators import Indicator, load_indicators
from utils.metrics.published import load_published

EXIT_OK, EXIT_DECISIONS, EXIT_UNREADABLE = 0, 1, 2


@dataclass(frozen=True)
class Issue:
    """One error or warning; ``kind`` names the text ``data.issue.<kind>``."""

    kind: str
    row: int | None = None
    params: dict = field(default_factory=dict)

    def message(self, lang: str = "id") -> str:
        """The issue as a sentence in ``lang`` (numbers written the ``lang`` way)."""
        own = self.kind.startswith(("data.", "kec_imp_"))
        key = self.kind if own else f"data.issue.{self.kind}"
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
    kecamatan: dict = field(default_factory=dict)
    """A kecamatan-level file (``level`` ``kecamatan``): the regency its names are read in,
    and per regency the kecamatan present, missing and how the regency figure is made
    (:func:`utils.ingest.kecamatan_summary.summarise`)."""
    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=coverage.COLUMNS))
    preview: list[list[Cell]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 accept as is, 1 needs decisions, 2 unreadable."""
        return {"ok": EXIT_OK, "unreadable": EXIT_UNREADABLE}.get(self.status, EXIT_DECISIONS)

    def to_dict(self, lang: str = "id") -> dict:
        """The report as JSON, as ``--json`` prints it (:mod:`utils.ingest.command`)."""
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
            "kecamatan": self.kecamatan or None,
        }


@dataclass(frozen=True)
class Context:
    """What :func:`utils.ingest.importer.analyse` needs besides the file."""

    regions: pd.DataFrame
    indicators: dict[str, Indicator]
    vocabulary: cols.Vocabulary
    published: pd.DataFrame | None = None
    crosswalk: pd.DataFrame | None = None
    kecamatan: pd.DataFrame | None = None

    @classmethod
    def load(cls, regions: pd.DataFrame, crosswalk: pd.DataFrame | None = None,
             kecamatan: pd.DataFrame | None = None) -> Context:
        """Context with the committed indicators, header keywords and published figures.

        ``crosswalk`` (``crosswalk.csv`` of the build) lets the importer read BPS
        codes, older code lists and former names; without it only today's
        Kemendagri codes and names are known. ``kecamatan`` (``kecamatan.csv``,
        :func:`utils.metrics.regions.read_kecamatan`) lets it read files per
        kecamatan; without it kecamatan rows are skipped as before.
        """
        indicators = load_indicators()
        return cls(regions, indicators, cols.load_vocabulary(indicators), load_published(),
                   crosswalk, kecamatan)
