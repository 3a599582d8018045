"""The Data page's tables as records: the import report and the stored versions (pure).

Each function returns a list of dicts, one per table row, keyed by column;
the page names the columns in its language and shows every value as text
(values quoting the file are never rendered as Markdown or HTML).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from utils.formatting import format_percent
from utils.i18n import t
from utils.ingest.columns import KECAMATAN_FIELDS, KEY_FIELDS, ROLES
from utils.ingest.report import Issue, Report

FIELD_PARAMS = ("field", "column")
"""Issue values that may hold a field key (``ktp_el.numerator``)."""


@dataclass(frozen=True)
class Names:
    """What the report's keys are called: indicator definitions (key → an object with
    ``label(lang)``, ``numerator_id/_en``, ``denominator_id/_en``) and province names
    (code → name). Without them the tables show the keys as stored."""

    indicators: Mapping[str, Any] = field(default_factory=dict)
    provinces: Mapping[str, str] = field(default_factory=dict)

    def indicator(self, key: object, lang: str) -> object:
        """``kia`` → "Kepemilikan KIA" (anything else as given)."""
        item = self.indicators.get(key) if isinstance(key, str) else None
        return key if item is None else item.label(lang)

    def province(self, code: object) -> object:
        """``64`` → "64 Kalimantan Timur" (anything else as given)."""
        name = self.provinces.get(code) if isinstance(code, str) else None
        return code if name is None else f"{code} {name}"

    def field(self, key: str, lang: str) -> str:
        """``ktp_el.numerator`` → "Perekaman KTP-el — pembilang (…)"; ``""`` → ignored."""
        if not key:
            return t("data.mapping.ignore", lang)
        if key in KECAMATAN_FIELDS:
            return t(f"kec_imp_field.{key}", lang)
        if key in KEY_FIELDS:
            return t(f"data.field.{key}", lang)
        indicator, _, role = key.rpartition(".")
        item = self.indicators.get(indicator)
        if item is None or role not in ROLES:
            return key
        label = {"numerator": item.numerator_en if lang == "en" else item.numerator_id,
                 "denominator": item.denominator_en if lang == "en" else item.denominator_id}
        return t(f"data.field.{role}", lang, indicator=item.label(lang),
                 label=label.get(role, ""))

    def issue(self, issue: Issue, lang: str) -> Issue:
        """The issue with the keys it names (field, indicator, province) as labels."""
        params = dict(issue.params)
        for name in FIELD_PARAMS:
            value = params.get(name)
            if isinstance(value, str) and value.rpartition(".")[0] in self.indicators:
                params[name] = self.field(value, lang)
        if "indicator" in params:
            params["indicator"] = self.indicator(params["indicator"], lang)
        if "province" in params:
            params["province"] = self.province(params["province"])
        return replace(issue, params=params)


def issue_rows(issues: Iterable[Issue], lang: str,
               names: Names | None = None) -> list[dict[str, Any]]:
    """Errors or warnings: ``row`` (blank for the whole file) and ``message`` (with
    the keys it names as labels when ``names`` are given)."""
    return [{"row": "" if i.row is None else i.row,
             "message": (names.issue(i, lang) if names else i).message(lang)} for i in issues]


def matched_rows(report: Report, lang: str) -> list[dict[str, Any]]:
    """Matched rows with how each was matched, in ``lang`` (``kode``, ``nama mirip`` …)."""
    return [{**m, "by": t(f"data.by.{m['by']}", lang)} for m in report.matched]


def unmatched_reason(report: Report, entry: Mapping[str, Any], lang: str) -> str | None:
    """Why an unmatched row needs a choice (a code that names another region …), or ``None``."""
    reason = entry.get("reason")
    found = [e for e in report.errors if e.kind == reason and e.row == entry["row"]]
    if found:
        return found[0].message(lang)
    if isinstance(reason, str) and reason.startswith("kec_imp_"):  # told once for the file
        params = {k: v for k, v in entry.items() if k not in {"row", "suggestions", "reason"}}
        return Issue(reason, entry["row"], params).message(lang)
    return None


def skipped_rows(report: Report, lang: str) -> list[dict[str, Any]]:
    """Skipped rows with why, in ``lang`` (``catatan``, ``kecamatan/desa`` …)."""
    return [{**s, "reason": t(s["reason"] if s["reason"].startswith("kec_imp_")
                              else f"data.skip_reason.{s['reason']}", lang)}
            for s in report.skipped]


def checks_text(checks: Mapping[str, Mapping[str, Any]], label: Any = str) -> str:
    """A total row's checks in one line: ``ktp_el: ✓, kia: ✗`` (each key through ``label``).

    Examples
    --------
    >>> checks_text({"ktp_el": {"ok": True}, "kia": {"ok": False}})
    'ktp_el: ✓, kia: ✗'
    """
    return ", ".join(f"{label(k)}: {'✓' if v['ok'] else '✗'}" for k, v in checks.items())


def total_rows(report: Report, lang: str = "id", names: Names | None = None
               ) -> list[dict[str, Any]]:
    """Total rows of the file with their checks as text (:func:`checks_text`), each
    field by its label when ``names`` are given."""
    label = (lambda k: names.field(k, lang)) if names else str
    return [{**x, "checks": checks_text(x["checks"], label)} for x in report.totals]


def marked_rows(report: Report, lang: str, names: Names | None = None,
                regions: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Rows whose counts were derived from a percent: code with its name, the
    indicator's label and the percent written in ``lang``."""
    names, regions = names or Names(), regions or {}
    return [{**m, "code": f"{m['code']} {regions[m['code']]}" if m.get("code") in regions
             else m.get("code"),
             "indicator": names.indicator(m.get("indicator"), lang),
             "percent": format_percent(m["percent"], lang)
             if isinstance(m.get("percent"), int | float) else m.get("percent")}
            for m in report.marked]


def aggregate_rows(report: Report, lang: str, names: Names | None = None
                   ) -> list[dict[str, Any]]:
    """Province aggregates: ``province``, ``indicator`` and ``percent`` written in
    ``lang``; the percent of a province the file covers only in part says so
    (``95,12 % (sebagian: 9 dari 10 kabupaten/kota)``), and a province whose rows
    hold only percents says its aggregate cannot be computed (and how much of the
    province the file covers, when only part of it). With ``names`` the province is
    "64 Kalimantan Timur" and the indicator its label."""
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
    if names is None:
        return out
    return [{**r, "province": names.province(r["province"]),
             "indicator": names.indicator(r["indicator"], lang)} for r in out]


def kecamatan_rows(report: Report, lang: str) -> list[dict[str, Any]]:
    """Per regency of a kecamatan-level file: its name, kecamatan present of all, how its
    figure is made (summed, partial, its own row) and the kecamatan missing, in ``lang``."""
    out = []
    for entry in (report.kecamatan or {}).get("regencies", []):
        rows = ", ".join(str(r) for r in entry["own_rows"])
        out.append({
            "regency": f"{entry['code']} {entry['name']}",
            "present": t("kec_imp_present", lang, present=entry["present"],
                         total=entry["total"]),
            "status": t(f"kec_imp_status.{entry['status']}", lang, rows=rows),
            "missing": ", ".join(f"{m['code']} {m['name']}" for m in entry["missing"]),
        })
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
