"""The import check on the command line, with the Data page's powers::

    python -m utils.ingest.importer FILE [--sheet NAME] [--period YYYY-MM-DD]
        [--year-period YEAR=YYYY-MM-DD ...] [--with FILE] [--scheme SCHEME]
        [--map COLUMN=FIELD ...] [--skip ROW ...] [--choose ROW=CODE ...]
        [--regency CODE] [--accept [--user NAME]] [--store DIR] [--regions CSV]
        [--json] [--lang id|en]

``--map`` maps a column (its header as printed, or its 1-based number) to a
field key, or ignores it (``COLUMN=``); ``--skip`` and ``--choose`` decide a
file row (skip it, or match it to a regency code); ``--accept`` stores a clean
report as a new version of the store, remembering the names matched with
``--choose``, exactly as the page does. ``--year-period`` sets the date a
year of a year column (``tahun``) stands for; ``--with`` pairs a second file
holding another measure of the same regions and years; ``--scheme`` sets the
code scheme when the file's codes cannot tell (``kemendagri``, ``bps`` …).

A file per kecamatan is read with the kecamatan reference beside ``regions.csv``
(``kecamatan.csv``): ``--regency 33.14`` names the regency of every kecamatan row
that does not name its own (as the page's «Semua baris dari»), ``--choose`` also
takes a kecamatan code (``12=33.14.01``), and the report (``--json``: its
``kecamatan`` part) says per regency how many kecamatan the file holds.

Exit code 0: the file can be accepted as is (and was, with ``--accept``);
1: it needs decisions (nothing is stored); 2: the file cannot be read, a flag's
value cannot be used, or the store refused the import (one-line reason on
stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from utils.i18n import t
from utils.ingest import acceptance, kecamatan_names
from utils.ingest.code_schemes import SCHEMES
from utils.ingest.importer import analyse
from utils.ingest.matching import read_code
from utils.ingest.report import EXIT_OK, EXIT_UNREADABLE, Context, Report
from utils.ingest.store import StoreError
from utils.ingest.store_backend import AnyStore, open_store
from utils.metrics import regions as region_ref


class UsageError(Exception):
    """A flag's value cannot be used; ``key`` names the text in ``data/i18n``."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _regions_path(path: str | None) -> Path:
    if path:
        return Path(path)
    from utils.geo.cache_record import cache_dir

    return cache_dir() / "regions.csv"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m utils.ingest.importer",
                                     description="Check a coverage file before import; map, "
                                                 "decide and accept it as the Data page does.")
    parser.add_argument("file", help="CSV or XLSX file")
    read = parser.add_argument_group("what the file holds")
    read.add_argument("--sheet", metavar="NAME", help="workbook sheet (default: the first)")
    read.add_argument("--period", metavar="YYYY-MM-DD",
                      help="the data's date (default: read from the title or file name)")
    read.add_argument("--year-period", action="append", default=[], metavar="YEAR=YYYY-MM-DD",
                      help="the date a year of a year column stands for (default: 31 December "
                           "of that year); repeatable")
    read.add_argument("--with", dest="companion", metavar="FILE",
                      help="a second file with another measure of the same regions and years "
                           "(for example the denominator file), paired by region and year")
    read.add_argument("--scheme", choices=SCHEMES,
                      help="code scheme of the file's region codes (default: read from how the "
                           "codes agree with the names)")
    decide = parser.add_argument_group("decisions (as on the Data page)")
    decide.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                        help="map a column (its header as printed, or its number as in the "
                             "text report, from 1) to a field (ktp_el.numerator, region.name "
                             "...); 'COLUMN=' ignores it; repeatable")
    decide.add_argument("--skip", action="append", default=[], metavar="ROW",
                        help="skip a file row (row number as printed); repeatable")
    decide.add_argument("--choose", action="append", default=[], metavar="ROW=CODE",
                        help="match a file row to a regency code (12=64.02), or in a file per "
                             "kecamatan to a kecamatan code (12=33.14.01); repeatable")
    decide.add_argument("--regency", metavar="CODE",
                        help="a file per kecamatan: the regency (33.14) of every kecamatan row "
                             "that does not name its own (names repeat across regencies)")
    accept = parser.add_argument_group("accepting")
    accept.add_argument("--accept", action="store_true",
                        help="store a report with no decision left as a new version "
                             "(exit 1 and nothing stored otherwise)")
    accept.add_argument("--user", metavar="NAME", help="who accepts (default: the login name)")
    accept.add_argument("--store", metavar="DIR",
                        help="store folder: remembered aliases are read from it and --accept "
                             "writes to it (default: CAPAIAN_STORE_DIR, else data/store)")
    out = parser.add_argument_group("reference and output")
    out.add_argument("--regions", metavar="CSV",
                     help="reference regions.csv (default: the built cache)")
    out.add_argument("--json", action="store_true", help="print the report as JSON")
    out.add_argument("--lang", choices=("id", "en"), default="id", help="message language")
    return parser


# --- flag values ------------------------------------------------------------------------------


def _pair(value: str, flag: str) -> tuple[str, str]:
    """``"LEFT=RIGHT"`` split at its last ``=`` (a header may hold one, a field never)."""
    left, equals, right = value.rpartition("=")
    if not equals or not left.strip():
        raise UsageError(f"data.cli.{flag}_format", value=value)
    return left.strip(), right.strip()


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def column_index(column: str, headers: Sequence[str]) -> int:
    """0-based index of a column named by its 1-based number or its header.

    Examples
    --------
    >>> column_index("2", ["NO", "KAB/KOTA"]), column_index("kab/kota", ["NO", "KAB/KOTA"])
    (1, 1)
    """
    if column.isdigit() and 1 <= int(column) <= len(headers):
        return int(column) - 1
    found = [i for i, h in enumerate(headers) if h == column]
    found = found or [i for i, h in enumerate(headers) if _plain(h) == _plain(column)]
    if len(found) > 1:
        raise UsageError("data.cli.column_twice_in_file", column=column,
                         numbers=", ".join(str(i + 1) for i in found))
    if not found:
        raise UsageError("data.cli.unknown_column", column=column, columns=_columns(headers))
    return found[0]


def _columns(headers: Sequence[str]) -> str:
    return ", ".join(f"{i + 1} {h}" for i, h in enumerate(headers))


def mapping_of(maps: Sequence[str], headers: Sequence[str],
               fields: Sequence[str]) -> dict[int, str]:
    """``--map`` values as :func:`utils.ingest.importer.analyse`'s ``mapping``."""
    mapping: dict[int, str] = {}
    for value in maps:
        column, key = _pair(value, "map")
        index = column_index(column, headers)
        if key and key not in fields:
            raise UsageError("data.cli.unknown_field", field=key, fields=", ".join(fields))
        if index in mapping:
            raise UsageError("data.cli.column_mapped_twice", column=headers[index] or index + 1)
        mapping[index] = key
    return mapping


def year_periods_of(values: Sequence[str]) -> dict[int, str]:
    """``--year-period`` values as ``analyse``'s ``year_periods`` (year → ISO date)."""
    out: dict[int, str] = {}
    for value in values:
        year, date = _pair(value, "year_period")
        if not year.isdigit() or len(year) != 4:
            raise UsageError("data.cli.year_period_format", value=value)
        out[int(year)] = date
    return out


def _row_number(text: str) -> int:
    if not text.strip().isdigit():
        raise UsageError("data.cli.bad_row", row=text)
    return int(text)


def decisions_of(skips: Sequence[str], chooses: Sequence[str], report: Report,
                 codes: Sequence[str]) -> dict[int, str]:
    """``--skip`` and ``--choose`` values as ``analyse``'s ``decisions``.

    Only region rows of ``report`` (matched or not) can be decided, each once,
    and only to a code in ``codes`` (regencies, or provinces; in a kecamatan-level
    file also its kecamatan codes, written ``33.14.01``, ``331401`` or ``33.14.1``).
    """
    pairs = [(s, "") for s in skips] + [_pair(c, "choose") for c in chooses]
    rows = {e["row"] for e in (*report.matched, *report.unmatched)}
    decisions: dict[int, str] = {}
    for row_text, code_text in pairs:
        row = _row_number(row_text)
        if row not in rows:
            raise UsageError("data.cli.not_a_region_row", row=row, unmatched=", ".join(
                str(u["row"]) for u in report.unmatched) or "–")
        if row in decisions:
            raise UsageError("data.cli.row_twice", row=row)
        code = _code(code_text) if code_text else ""
        if code is None or (code and code not in codes):
            raise UsageError("data.cli.unknown_code", code=code_text)
        decisions[row] = code
    return decisions


def _code(text: str) -> str | None:
    """A code as ``--choose`` writes it: a regency's or province's, or a kecamatan's."""
    found = kecamatan_names.read_code(text)
    if found is not None:
        return found.text if found.kind == kecamatan_names.KEMENDAGRI else None
    return read_code(text)


def regency_of(value: str | None, context: Context) -> str | None:
    """``--regency`` as ``analyse``'s ``regency``: a regency code of the reference.

    Raises
    ------
    UsageError
        Without the kecamatan reference, or for a code that is not a regency's.
    """
    if not value:
        return None
    code = read_code(value)
    if context.kecamatan is None:
        raise UsageError("kec_imp_cli_no_reference")
    if code is None or code not in set(region_ref.regency_codes(context.regions)):
        raise UsageError("kec_imp_cli_unknown_regency", regency=value)
    return code


# --- the report -------------------------------------------------------------------------------


def _summary(report: Report, lang: str) -> str:
    lines = [t("data.cli.summary", lang, file=report.file, rows=report.rows,
               matched=len(report.matched), unmatched=len(report.unmatched),
               errors=len(report.errors), warnings=len(report.warnings))]
    lines += [f"  {i + 1} {h} → {report.mapping.get(i) or '–'}"
              for i, h in enumerate(report.headers)]
    lines += [f"  ! {e.message(lang)}" for e in report.errors]
    lines += [f"  ~ {w.message(lang)}" for w in report.warnings]
    lines += [f"  ? {t('data.cli.unmatched', lang, **u)}{_suggested(u, lang)}"
              for u in report.unmatched]
    lines += [f"  {p}: {json.dumps(v)}" for p, v in report.aggregates.items()]
    lines += [t("kec_imp_cli_summary", lang, name=e["name"], present=e["present"],
                total=e["total"], status=t(f"kec_imp_status.{e['status']}", lang,
                                           rows=", ".join(str(r) for r in e["own_rows"])))
              for e in (report.kecamatan or {}).get("regencies", [])]
    return "\n".join(lines)


def _suggested(unmatched: dict, lang: str) -> str:
    found = unmatched["suggestions"]
    if not found:
        return ""
    names = ", ".join(f"{s['code']} {s['name']}" for s in found)
    return f"; {t('data.cli.suggested', lang, suggestions=names)}"


def _analysed(args: argparse.Namespace, data: bytes, context: Context,
              aliases: dict[str, str]) -> tuple[Report, dict[int, str]]:
    """The report with the ``--map``, ``--skip`` and ``--choose`` choices, and the decisions."""
    years = year_periods_of(args.year_period)
    regency = regency_of(args.regency, context)

    def check(mapping: dict[int, str] | None = None,
              decisions: dict[int, str] | None = None) -> Report:
        return analyse(data, args.file, context, sheet=args.sheet, period=args.period,
                       mapping=mapping, decisions=decisions, aliases=aliases,
                       scheme=args.scheme, year_periods=years, companion=args.with_file,
                       regency=regency)

    report = check()
    if report.status == "unreadable" or not (args.map or args.skip or args.choose):
        return report, {}
    mapping = mapping_of(args.map, report.headers, context.vocabulary.fields)
    if mapping:
        report = check(mapping=mapping)
    level = region_ref.province_codes if report.level == "province" else region_ref.regency_codes
    codes = level(context.regions)
    if report.level == "kecamatan" and context.kecamatan is not None:
        codes = [*codes, *context.kecamatan["code"]]
    decisions = decisions_of(args.skip, args.choose, report, codes)
    if decisions:
        report = check(mapping=mapping, decisions=decisions)
    return report, decisions


def _accept(report: Report, args: argparse.Namespace, data: bytes, decisions: dict[int, str],
            store: AnyStore) -> dict | None:
    """Store a clean report as a new version; ``None`` (nothing stored) otherwise."""
    if report.status != "ok":
        if report.status != "unreadable":
            print(t("data.cli.not_accepted", args.lang), file=sys.stderr)
        return None
    already = store.find_source(report.sha256, report.period)
    if already:
        print(t("data.already", args.lang, versions=", ".join(already)), file=sys.stderr)
    return store.accept(report.table, **acceptance.accept_arguments(
        report, Path(args.file).name, data, decisions, args.user), companion=args.with_file)


def _print(report: Report, accepted: dict | None, args: argparse.Namespace) -> None:
    if args.json:
        out = report.to_dict(args.lang)
        if args.accept:
            out["accepted"] = None if accepted is None else {
                "version": accepted["id"], "values": accepted["rows"]["values"]}
        print(json.dumps(out, ensure_ascii=False, indent=1, default=str))
        return
    if report.status != "unreadable":
        print(_summary(report, args.lang))
    if accepted is not None:
        print(t("data.accepted", args.lang, version=accepted["id"],
                values=accepted["rows"]["values"], regions=accepted["rows"]["regions"]))


def _companion(path: str | None) -> tuple[str, bytes] | None:
    if not path:
        return None
    try:
        return Path(path).name, Path(path).read_bytes()
    except OSError as error:
        raise UsageError("data.cli.cannot_open", file=path, error=error.strerror) from error


def _crosswalk(regions_csv: Path) -> pd.DataFrame | None:
    """The build's code crosswalk beside ``regions.csv`` (``None`` if it was not built)."""
    path = regions_csv.with_name("crosswalk.csv")
    return region_ref.read_crosswalk(path) if path.is_file() else None


def _kecamatan(regions_csv: Path) -> pd.DataFrame | None:
    """The build's kecamatan reference beside ``regions.csv`` (``None`` if not built)."""
    path = regions_csv.with_name("kecamatan.csv")
    return region_ref.read_kecamatan(path) if path.is_file() else None


def run(args: argparse.Namespace) -> int:
    """Run the command on parsed arguments; prints the report, returns the exit code."""
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
    store = open_store(args.store)
    try:
        args.with_file = _companion(args.companion)
        context = Context.load(region_ref.read_regions(regions_csv), _crosswalk(regions_csv),
                               _kecamatan(regions_csv))
        report, decisions = _analysed(args, data, context, store.aliases())
        if report.status == "unreadable" and report.reason is not None:
            print(report.reason.message(args.lang), file=sys.stderr)
        accepted = _accept(report, args, data, decisions, store) if args.accept else None
    except (UsageError, StoreError) as error:
        print(t(error.key, args.lang, **error.params), file=sys.stderr)
        return EXIT_UNREADABLE
    _print(report, accepted, args)
    return EXIT_OK if accepted is not None else report.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (0, 1 or 2)."""
    args = _parser().parse_args(argv)
    try:
        return run(args)
    except Exception as error:
        print(t("data.cli.failed", args.lang, error=f"{type(error).__name__}: {error}"),
              file=sys.stderr)
        return EXIT_UNREADABLE

