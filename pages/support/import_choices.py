"""The choices a user makes about an upload on the Data page (widgets only).

File and companion file, sheet, period or a date per year, code scheme, what
each column means (only the user's changes travel: a column left as
recognised is not "chosen", so a sub-population column still asks to be
confirmed), confirmations, and a region for each unmatched row. Every check
is made in ``utils.ingest``; texts quoting the file are never rendered.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from utils.formatting import plain
from utils.i18n import t
from utils.ingest import review
from utils.ingest.code_schemes import SCHEMES
from utils.ingest.importer import Report
from utils.ingest.spreadsheet import MAX_BYTES, ReadError, sheet_names
from utils.metrics import regions as region_ref

SKIP, NONE = "__skip__", "__none__"


def field_label(key: str, defs: dict, lang: str) -> str:
    """Human label of a field key (``ktp_el.numerator`` → "Perekaman KTP-el — pembilang …")."""
    return review.Names(defs).field(key, lang)


def upload_widgets(lang: str) -> tuple[str, bytes] | None:
    """The uploader; returns (file name, content) or ``None``."""
    upload = st.file_uploader(t("data.upload", lang, limit_mb=MAX_BYTES // 2**20),
                              type=["csv", "xlsx", "txt", "tsv"], key="data_upload",
                              max_upload_size=MAX_BYTES // 2**20)
    if upload is None:
        return None
    return upload.name, upload.getvalue()


def companion_widget(lang: str) -> tuple[str, bytes] | None:
    """An optional second file (another measure of the same regions and years)."""
    upload = st.file_uploader(t("data.companion", lang), type=["csv", "xlsx", "txt", "tsv"],
                              help=t("data.companion_help", lang), key="data_companion",
                              max_upload_size=MAX_BYTES // 2**20)
    return None if upload is None else (upload.name, upload.getvalue())


def scheme_widget(report: Report, tag: str, lang: str) -> str | None:
    """The code scheme: recognised automatically (the default) or chosen."""
    if not report.code_scheme or cols_code(report) is None:
        return None
    found = report.code_scheme.get("scheme")
    auto = t("data.scheme.auto", lang) + (
        f" ({t(f'data.scheme.{found}', lang)})" if found else "")
    options = ["", *SCHEMES]
    choice = st.selectbox(t("data.scheme.label", lang), options, key=f"data_scheme_{tag}",
                          format_func=lambda s: t(f"data.scheme.{s}", lang) if s else auto)
    return choice or None


def cols_code(report: Report) -> int | None:
    """Column holding region codes, if any."""
    return next((i for i, k in report.mapping.items() if k == "region.code"), None)


def years_widget(report: Report, tag: str, lang: str) -> dict[int, str]:
    """The date each year of a year column stands for (31 December unless changed)."""
    st.markdown(f"**{t('data.years', lang)}**")
    st.caption(t("data.years_help", lang))
    frame = pd.DataFrame({"year": list(report.years),
                          "period": [pd.Timestamp(p).date() for p in report.years.values()]})
    edited = st.data_editor(frame, hide_index=True, key=f"data_years_{tag}", disabled=["year"],
                            column_config={
                                "year": st.column_config.NumberColumn(
                                    t("data.col.year", lang), format="%d"),
                                "period": st.column_config.DateColumn(
                                    t("data.col.period", lang), format="DD-MM-YYYY")})
    return {int(y): pd.Timestamp(d).date().isoformat()
            for y, d in zip(edited["year"], edited["period"], strict=True) if pd.notna(d)}


def sheet_widget(data: bytes, tag: str, lang: str) -> str | None:
    """Sheet choice for a workbook (``None`` for CSV or unreadable files)."""
    try:
        names = sheet_names(data)
    except ReadError:
        return None
    if len(names) < 2:
        return None
    return st.selectbox(t("data.sheet", lang), names, key=f"data_sheet_{tag}")


def mapping_widget(report: Report, defs: dict, fields: list[str], tag: str,
                   lang: str) -> dict[int, str]:
    """Editable column → field table; returns the user's mapping."""
    st.subheader(t("data.mapping", lang))
    st.caption(t("data.mapping_help", lang))
    options = ["", *fields]
    labels = {field_label(k, defs, lang): k for k in options}
    frame = pd.DataFrame({
        "column": [str(h) for h in report.headers],
        "field": [field_label(report.mapping.get(i, ""), defs, lang)
                  for i in range(len(report.headers))],
    })
    edited = st.data_editor(
        frame, hide_index=True, key=f"data_mapping_{tag}",
        disabled=["column"],
        column_config={
            "column": st.column_config.TextColumn(t("data.mapping.column", lang)),
            "field": st.column_config.SelectboxColumn(
                t("data.mapping.field", lang), options=list(labels), required=True),
        },
    )
    chosen = {i: labels.get(value, "") for i, value in enumerate(edited["field"])}
    return {i: key for i, key in chosen.items() if key != report.mapping.get(i, "")}


def confirm_widgets(report: Report, defs: dict, tag: str, lang: str) -> dict[int, str]:
    """One tick per sub-population column (``DP4 Pemula``) the user must confirm as a
    denominator; returns column → field of the ticked ones."""
    confirmed = {}
    for issue in (e for e in report.errors if e.kind == "confirm_column"):
        index, key = issue.params["column_index"], issue.params["field"]
        label = t("data.confirm", lang, column=plain(issue.params["column"]),
                  field=field_label(key, defs, lang))
        if st.checkbox(label, key=f"data_confirm_{tag}_{index}"):
            confirmed[index] = key
    return confirmed


def decision_widgets(report: Report, names: dict[str, str], tag: str, lang: str,
                     kecamatan: pd.DataFrame | None = None) -> dict[int, str]:
    """One choice per unmatched row (suggestions first, then every regency in ``names``;
    for a kecamatan row, every kecamatan of its regency in ``kecamatan``, the reference);
    returns row → code or ``""``."""
    if not report.unmatched:
        return {}
    st.subheader(t("data.unmatched", lang))
    st.caption(t("data.unmatched_help", lang))
    decisions = {}
    for entry in report.unmatched:
        suggested = {s["code"]: s["name"] for s in entry["suggestions"]}
        listed = _listed(report, entry, names, kecamatan)
        labels = {**listed, **suggested}
        options = [NONE, SKIP, *suggested, *[c for c in listed if c not in suggested]]
        choice = st.selectbox(
            f"{t('data.row', lang, row=entry['row'])}: {plain(entry['text'])}", options,
            format_func=lambda c, labels=labels: _choice_label(c, labels, lang),
            key=f"data_choice_{tag}_{entry['row']}")
        if why := review.unmatched_reason(report, entry, lang):
            st.caption(plain(why))
        if choice != NONE:
            decisions[entry["row"]] = "" if choice == SKIP else choice
    return decisions


def _listed(report: Report, entry: dict, names: dict[str, str],
            kecamatan: pd.DataFrame | None) -> dict[str, str]:
    """What a row may be matched to beyond its suggestions: in a kecamatan file the
    kecamatan of the row's regency (none without one), else every region in ``names``."""
    if entry.get("level") != "kecamatan" or kecamatan is None:
        return names
    regency = entry.get("regency")
    if not regency or entry["reason"] == "kec_imp_regency_conflict":
        return {}
    rows = region_ref.kecamatan_of(kecamatan, regency)
    return {r["code"]: region_ref.kecamatan_label(r) for r in rows.to_dict("records")}


def _choice_label(code: str, names: dict[str, str], lang: str) -> str:
    if code == NONE:
        return t("data.choice.none", lang)
    if code == SKIP:
        return t("data.choice.skip", lang)
    return f"{code} {names.get(code, '')}"


def regency_widget(report: Report, names: dict[str, str], tag: str, lang: str) -> str | None:
    """«Semua baris dari»: the regency of every kecamatan row that names none, chosen once
    (shown for a kecamatan-level file that needs it, or whose title names one)."""
    summary = report.kecamatan or {}
    if report.level != "kecamatan" or not (summary.get("waiting_for_regency")
                                           or summary.get("title_regency")):
        return None
    title = summary.get("title_regency")
    auto = (t("kec_imp_regency_title", lang, name=names.get(title, title)) if title
            else t("kec_imp_regency_none", lang))
    choice = st.selectbox(t("kec_imp_regency_label", lang), ["", *names],
                          format_func=lambda c: f"{c} {names[c]}" if c else auto,
                          help=t("kec_imp_regency_help", lang), key=f"data_regency_{tag}")
    return choice or None


def period_widget(report: Report, tag: str, lang: str) -> str | None:
    """Period picker, defaulting to the date read from the file."""
    default = pd.Timestamp(report.period).date() if report.period else None
    value = st.date_input(t("data.period", lang), value=default, format="DD-MM-YYYY",
                          help=t("data.period_help", lang), key=f"data_period_{tag}")
    return value.isoformat() if value else None
