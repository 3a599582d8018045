"""The Data page's tables as records: the import report and the stored versions (pure).

Each function returns a list of dicts, one per table row, keyed by column;
the page names the columns in its language and shows every value as text
(values quoting the file are never rendered as Markdown or HTML).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from utils.formatting import format_percent
from utils.i18n import t
from utils.ingest.report import Issue, Report


def issue_rows(issues: Iterable[Issue], lang: str) -> list[dict[str, Any]]:
    """Errors or warnings: ``row`` (blank for the whole file) and ``message``."""
    return [{"row": "" if i.row is None else i.row, "message": i.message(lang)} for i in issues]


def matched_rows(report: Report, lang: str) -> list[dict[str, Any]]:
    """Matched rows with how each was matched, in ``lang`` (``kode``, ``nama mirip`` …)."""
    return [{**m, "by": t(f"data.by.{m['by']}", lang)} for m in report.matched]


def unmatched_reason(report: Report, entry: Mapping[str, Any], lang: str) -> str | None:
    """Why an unmatched row needs a choice (a code that names another region …), or ``None``."""
    reason = entry.get("reason")
    found = [e for e in report.errors if e.kind == reason and e.row == entry["row"]]
    return found[0].message(lang) if found else None


def skipped_rows(report: Report, lang: str) -> list[dict[str, Any]]:
    """Skipped rows with why, in ``lang`` (``catatan``, ``kecamatan/desa`` …)."""
    return [{**s, "reason": t(f"data.skip_reason.{s['reason']}", lang)} for s in report.skipped]


def checks_text(checks: Mapping[str, Mapping[str, Any]]) -> str:
    """A total row's checks in one line: ``ktp_el: ✓, kia: ✗``.

    Examples
    --------
    >>> checks_text({"ktp_el": {"ok": True}, "kia": {"ok": False}})
    'ktp_el: ✓, kia: ✗'
    """
    return ", ".join(f"{k}: {'✓' if v['ok'] else '✗'}" for k, v in checks.items())


def total_rows(report: Report) -> list[dict[str, Any]]:
    """Total rows of the file with their checks as text (:func:`checks_text`)."""
    return [{**x, "checks": checks_text(x["checks"])} for x in report.totals]


def aggregate_rows(report: Report, lang: str) -> list[dict[str, Any]]:
    """Province aggregates: ``province``, ``indicator`` and ``percent`` written in
    ``lang``; the percent of a province the file covers only in part says so
    (``95,12 % (sebagian: 9 dari 10 kabupaten/kota)``), and a province whose rows
    hold only percents says its aggregate cannot be computed (and how much of the
    province the file covers, when only part of it)."""
    out = []
    for province, values in report.aggregates.items():
        seen = report.completeness.get(province)
        partial = seen is not None and seen["present"] < seen["regencies"]
        note = t("data.aggregate.partial", lang, **seen) if seen and partial else ""
        for indicator, value in values.items():
            shown = format_percent(value, lang)
            out.append({"province": province, "indicator": indicator,
                        "percent": f"{shown} ({note})" if note else shown})
    for province, counts in report.uncounted.items():
        part = report.completeness.get(province)
        for indicator, count in counts.items():
            note = t("data.aggregate.uncounted", lang, count=count)
            if part is not None and part["present"] < part["regencies"]:
                note += f" ({t('data.aggregate.partial', lang, **part)})"
            out.append({"province": province, "indicator": indicator, "percent": note})
    return out


def version_rows(versions: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per stored version (:meth:`utils.ingest.store.Store.versions`): id,
    time, user, file, period, values stored and ``✓`` for an active one."""
    return [
        {
            "id": v["id"],
            "created": v.get("created"),
            "user": v.get("user"),
            "file": v.get("source", {}).get("name"),
            "period": v.get("period"),
            "values": v.get("rows", {}).get("values"),
            "active": "✓" if v["active"] else "",
        }
        for v in versions
    ]
