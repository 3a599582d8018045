"""What an accepted import stores beside its rows (pure).

The Data page accepts a clean :class:`utils.ingest.report.Report` with
:meth:`utils.ingest.store.Store.accept`; this module turns the report and
the user's choices into that call's metadata: the column mapping by header,
the details of the check, and the aliases the user confirmed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from utils.ingest.kecamatan_names import alias_key
from utils.ingest.matching import name_key
from utils.ingest.report import Report
from utils.metrics.regions import KECAMATAN_CODE


def header_mapping(report: Report) -> dict[str, str]:
    """Header → field key of every mapped column (``"SUDAH REKAM"`` → ``ktp_el.numerator``).

    Examples
    --------
    >>> header_mapping(Report("x.csv", "0", headers=["NAMA", "REKAM"],
    ...                       mapping={0: "region.name", 1: "ktp_el.numerator"}))
    {'NAMA': 'region.name', 'REKAM': 'ktp_el.numerator'}
    """
    return {report.headers[i]: key for i, key in report.mapping.items()}


def details(report: Report, decisions: Mapping[int, str]) -> dict[str, Any]:
    """The check's figures kept with the version: sheet, rows read, matched and
    skipped, the user's decisions (file row as text → code, ``""`` skipped)
    and the number of warnings."""
    return {
        "sheet": report.sheet,
        "file_rows": report.rows,
        "matched": len(report.matched),
        "skipped": len(report.skipped),
        "decisions": {str(k): v for k, v in decisions.items()},
        "warnings": len(report.warnings),
        **_kecamatan_details(report),
    }


def _kecamatan_details(report: Report) -> dict[str, Any]:
    """A kecamatan-level file: the regency its names were read in, and per regency the
    kecamatan stored of all and how its figure is made."""
    summary = report.kecamatan
    if not summary:
        return {}
    return {"kecamatan": {
        "regency": summary.get("regency"), "regency_source": summary.get("regency_source"),
        "regencies": {e["code"]: {"present": e["present"], "total": e["total"],
                                  "status": e["status"]} for e in summary["regencies"]}}}


def aliases(report: Report, decisions: Mapping[int, str]) -> dict[str, dict[str, str]]:
    """Names the user matched by hand, to be recognised next time.

    Parameters
    ----------
    report : Report
        The report made with ``decisions`` (a decided row is among its matches).
    decisions : mapping
        File row → regency code chosen, or ``""`` for a skipped row.

    Returns
    -------
    dict
        :attr:`utils.ingest.matching.NameKey.alias` of the written name (for a
        kecamatan :func:`utils.ingest.kecamatan_names.alias_key`, which holds its
        regency) → ``{"code", "text"}``; skipped rows and rows no longer matched
        are left out.
    """
    texts = {m["row"]: m["text"] for m in report.matched}
    return {
        _alias(texts[row], code): {"code": code, "text": texts[row]}
        for row, code in decisions.items()
        if code and row in texts
    }


def _alias(text: str, code: str) -> str:
    """The key a name is remembered under: per regency for a kecamatan (names repeat)."""
    if KECAMATAN_CODE.match(code):
        return alias_key(code[:5], text)
    return name_key(text).alias


def accept_arguments(
    report: Report,
    source_name: str,
    source_bytes: bytes,
    decisions: Mapping[int, str],
    user: str | None,
) -> dict[str, Any]:
    """Keyword arguments of :meth:`utils.ingest.store.Store.accept` for ``report``.

    Parameters
    ----------
    report : Report
        A clean report (status ``ok``) made with ``decisions``.
    source_name, source_bytes : str, bytes
        The uploaded file.
    decisions : mapping
        File row → regency code chosen, or ``""`` for a skipped row.
    user : str or None
        Who accepts, as typed (blank: the store's default).

    Returns
    -------
    dict
        ``source_name``, ``source_bytes``, ``period``, ``user``, ``mapping``,
        ``details`` and ``aliases`` (the table is passed on its own).
    """
    return {
        "source_name": source_name,
        "source_bytes": source_bytes,
        "period": report.period,
        "user": (user or "").strip() or None,
        "mapping": header_mapping(report),
        "details": details(report, decisions),
        "aliases": aliases(report, decisions),
    }
