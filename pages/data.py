"""Data page: upload, check, correct, accept; versions; templates and downloads.

Thin by design: every decision is made in ``utils`` (importer, store, export).
Texts from files (names, headers, messages quoting cells) are only shown in
tables or escaped, never rendered as Markdown or HTML.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from pages.support import access, cached, chrome
from utils.formatting import plain
from utils.i18n import t
from utils.ingest import acceptance, export, review
from utils.ingest.code_schemes import SCHEMES
from utils.ingest.columns import KEY_FIELDS
from utils.ingest.importer import Context, Report
from utils.ingest.spreadsheet import MAX_BYTES, ReadError, sheet_names
from utils.ingest.store import Store, StoreError
from utils.metrics import regions as region_ref

SKIP, NONE = "__skip__", "__none__"


def field_label(key: str, defs: dict, lang: str) -> str:
    """Human label of a field key (``ktp_el.numerator`` → "Perekaman KTP-el — pembilang …")."""
    if not key:
        return t("data.mapping.ignore", lang)
    if key in KEY_FIELDS:
        return t(f"data.field.{key}", lang)
    indicator, _, role = key.rpartition(".")
    item = defs.get(indicator)
    if item is None:
        return key
    label = {"numerator": item.numerator_en if lang == "en" else item.numerator_id,
             "denominator": item.denominator_en if lang == "en" else item.denominator_id}
    return t(f"data.field.{role}", lang, indicator=item.label(lang), label=label.get(role, ""))


def table(rows: list[dict], columns: dict[str, str]) -> None:
    """Show records as a read-only table with translated column names."""
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    st.dataframe(frame.rename(columns=columns).astype(str), hide_index=True,
                 )


def issues_table(issues: list, lang: str) -> None:
    """Errors or warnings as a table (messages may quote cells: never rendered)."""
    table(review.issue_rows(issues, lang),
          {"row": t("data.col.row", lang), "message": t("data.message", lang)})


# --- import ---------------------------------------------------------------------------------


def upload_widgets(lang: str) -> tuple[str, bytes] | None:
    """The uploader; returns (file name, content) or ``None``."""
    upload = st.file_uploader(t("data.upload", lang, limit_mb=MAX_BYTES // 2**20),
                              type=["csv", "xlsx", "txt", "tsv"], key="data_upload")
    if upload is None:
        return None
    return upload.name, upload.getvalue()


def companion_widget(lang: str) -> tuple[str, bytes] | None:
    """An optional second file (another measure of the same regions and years)."""
    upload = st.file_uploader(t("data.companion", lang), type=["csv", "xlsx", "txt", "tsv"],
                              help=t("data.companion_help", lang), key="data_companion")
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
    return {i: labels.get(value, "") for i, value in enumerate(edited["field"])}


def decision_widgets(report: Report, names: dict[str, str], tag: str,
                     lang: str) -> dict[int, str]:
    """One choice per unmatched row (suggestions first, then every regency in ``names``);
    returns row → code or ``""``."""
    if not report.unmatched:
        return {}
    st.subheader(t("data.unmatched", lang))
    st.caption(t("data.unmatched_help", lang))
    decisions = {}
    for entry in report.unmatched:
        suggested = [s["code"] for s in entry["suggestions"]]
        options = [NONE, SKIP, *suggested, *[c for c in names if c not in suggested]]
        choice = st.selectbox(
            f"{t('data.row', lang, row=entry['row'])}: {plain(entry['text'])}", options,
            format_func=lambda c: _choice_label(c, names, lang),
            key=f"data_choice_{tag}_{entry['row']}")
        if why := review.unmatched_reason(report, entry, lang):
            st.caption(plain(why))
        if choice != NONE:
            decisions[entry["row"]] = "" if choice == SKIP else choice
    return decisions


def _choice_label(code: str, names: dict[str, str], lang: str) -> str:
    if code == NONE:
        return t("data.choice.none", lang)
    if code == SKIP:
        return t("data.choice.skip", lang)
    return f"{code} {names.get(code, '')}"


def report_view(report: Report, lang: str) -> None:
    """The check report: status, issues, matches, totals, notes, aggregates."""
    st.subheader(t("data.report", lang))
    st.write(t("data.summary", lang, rows=report.rows, matched=len(report.matched),
               unmatched=len(report.unmatched), errors=len(report.errors),
               warnings=len(report.warnings)))
    if report.status == "ok":
        st.success(t("data.status.ok", lang))
    else:
        st.warning(t("data.status.needs_decisions", lang))
    if report.errors:
        st.markdown(f"**{t('data.errors', lang)}**")
        issues_table(report.errors, lang)
    if report.warnings:
        with st.expander(f"{t('data.warnings', lang)} ({len(report.warnings)})"):
            issues_table(report.warnings, lang)
    _matched_view(report, lang)
    _aggregates_view(report, lang)


def _matched_view(report: Report, lang: str) -> None:
    col = {k: t(f"data.col.{k}", lang) for k in ("row", "text", "code", "name", "by")}
    rows = review.matched_rows(report, lang)
    with st.expander(f"{t('data.matched', lang)} ({len(rows)})"):
        table(rows, col)
    if report.totals:
        with st.expander(f"{t('data.totals', lang)} ({len(report.totals)})"):
            table(review.total_rows(report),
                  {"row": col["row"], "text": col["text"], "checks": t("data.col.checks", lang)})
    if report.skipped:
        with st.expander(f"{t('data.skipped', lang)} ({len(report.skipped)})"):
            table(review.skipped_rows(report, lang),
              {"row": col["row"], "text": col["text"], "reason": t("data.col.reason", lang)})
    if report.marked:
        with st.expander(f"{t('data.marked', lang)} ({len(report.marked)})"):
            table(report.marked, {"row": col["row"], "code": col["code"],
                                  "indicator": t("data.col.indicator", lang),
                                  "percent": t("data.col.percent", lang)})


def _aggregates_view(report: Report, lang: str) -> None:
    if not report.aggregates and not report.uncounted:  # percent-only files have no sums
        return
    st.markdown(f"**{t('data.aggregates', lang)}**")
    table(review.aggregate_rows(report, lang),
          {"province": t("data.col.province", lang),
           "indicator": t("data.col.indicator", lang),
           "percent": t("data.col.percent", lang)})


def period_widget(report: Report, tag: str, lang: str) -> str | None:
    """Period picker, defaulting to the date read from the file."""
    default = pd.Timestamp(report.period).date() if report.period else None
    value = st.date_input(t("data.period", lang), value=default, format="DD-MM-YYYY",
                          help=t("data.period_help", lang), key=f"data_period_{tag}")
    return value.isoformat() if value else None


def accept_widget(report: Report, upload: tuple[str, bytes], decisions: dict[int, str],
                  store: Store, lang: str, companion: tuple[str, bytes] | None = None) -> None:
    """Accept button (enabled only for a clean report) and what it stores."""
    user = st.text_input(t("data.user", lang), key="data_user")
    already = store.find_source(report.sha256, report.period)
    if already:
        st.info(t("data.already", lang, versions=", ".join(already)))
    clicked = st.button(t("data.accept", lang), type="primary", disabled=report.status != "ok",
                        key=f"data_accept_{report.sha256[:12]}")
    if not clicked:
        return
    try:
        meta = store.accept(report.table, **acceptance.accept_arguments(
            report, upload[0], upload[1], decisions, user), companion=companion)
    except StoreError as error:
        st.error(plain(t(error.key, lang, **error.params)))
        return
    cached.start_rerun()  # the rest of this rerun shows the new version
    st.success(t("data.accepted", lang, version=meta["id"], values=meta["rows"]["values"],
                 regions=meta["rows"]["regions"]))


def import_tab(context: Context, store: Store, lang: str) -> None:
    """Upload → sheet → check → mapping → choices → report → accept."""
    upload = upload_widgets(lang)
    if upload is None:
        return
    companion = companion_widget(lang)
    name, data = upload
    digest, aliases = hashlib.sha256(data).hexdigest(), store.aliases()
    tag = digest[:12]

    def analysed(**choices) -> Report:  # each check once per file and choices (cached)
        return cached.import_report(digest, data, name, aliases=aliases, companion=companion,
                                    **choices)

    sheet = sheet_widget(data, tag, lang)
    first = analysed(sheet=sheet)
    if first.status == "unreadable":
        st.error(plain(t("data.unreadable", lang, reason=first.reason.message(lang))))
        return
    with st.expander(t("data.preview", lang)):
        width = max((len(r) for r in first.preview), default=0)
        preview = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in first.preview])
        preview = preview.astype("string").fillna("")
        st.dataframe(preview)
    base = {"sheet": sheet}
    if first.years:
        base["year_periods"] = years_widget(first, f"{tag}_{sheet}", lang)
    else:
        base["period"] = period_widget(first, f"{tag}_{sheet}", lang)
    base["scheme"] = scheme_widget(first, f"{tag}_{sheet}", lang)
    base["mapping"] = mapping_widget(first, cached.indicator_defs(), context.vocabulary.fields,
                                     f"{tag}_{sheet}", lang)
    again = analysed(**base)
    rows = (region_ref.province_rows if again.level == "province" else region_ref.regency_rows)
    names = region_ref.names(rows(context.regions))
    decisions = decision_widgets(again, names, f"{tag}_{sheet}", lang)
    report = analysed(**base, decisions=decisions)
    report_view(report, lang)
    accept_widget(report, upload, decisions, store, lang, companion)


# --- versions and downloads ------------------------------------------------------------------


def versions_tab(store: Store, lang: str) -> None:
    """List versions, compare two, roll back."""
    versions = store.versions()
    if not versions:
        st.info(t("data.versions.none", lang))
        return
    rows = review.version_rows(versions)
    st.markdown(f"**{t('data.versions.table', lang)}**")
    table(rows[::-1], {k: t(f"data.versions.{k}", lang) for k in rows[0]})
    ids = [v["id"] for v in versions]
    if len(ids) > 1:
        diff_view(store, ids, lang)
    rollback_view(store, ids, lang)


def diff_view(store: Store, ids: list[str], lang: str) -> None:
    """Differences between two chosen versions."""
    st.markdown(f"**{t('data.diff', lang)}**")
    left, right = st.columns(2)
    a = left.selectbox(t("data.diff.a", lang), ids, index=len(ids) - 2, key="data_diff_a")
    b = right.selectbox(t("data.diff.b", lang), ids, index=len(ids) - 1, key="data_diff_b")
    changes = store.diff(a, b)
    if changes.empty:
        st.info(t("data.diff.none", lang))
        return
    changes["change"] = changes["change"].map(lambda c: t(f"data.change.{c}", lang))
    st.dataframe(changes.rename(columns={"change": t("data.diff.change", lang)}),
                 hide_index=True)


def rollback_view(store: Store, ids: list[str], lang: str) -> None:
    """Roll the active set back (or forward) to a chosen version."""
    st.markdown(f"**{t('data.rollback', lang)}**")
    target = st.selectbox(t("data.rollback", lang), ids[::-1], key="data_rollback_to",
                          label_visibility="collapsed")
    if st.button(t("data.rollback.button", lang), key="data_rollback"):
        try:
            active = store.rollback(target, user=st.session_state.get("data_user") or None)
        except StoreError as error:
            st.error(plain(t(error.key, lang, **error.params)))
            return
        cached.start_rerun()
        st.success(t("data.rollback.done", lang, versions=", ".join(active)))


def download_tab(context: Context, store: Store, lang: str) -> None:
    """Empty templates (CSV/XLSX) and the current data (CSV/XLSX)."""
    st.markdown(f"**{t('data.download.template', lang)}**")
    names = region_ref.names(region_ref.province_rows(context.regions))
    province = st.selectbox(t("data.download.province", lang), ["", *names],
                            format_func=lambda c: names.get(c) or t("data.download.all", lang),
                            key="data_template_province")
    suffix = province or "indonesia"
    chrome.table_downloads(
        lambda: export.template_frame(context.regions, context.indicators, province or None),
        f"templat_capaian_{suffix}",
        (t("data.download.template_csv", lang), t("data.download.template_xlsx", lang)),
        "data_dl_template",
    )
    st.markdown(f"**{t('data.download.current', lang)}**")
    current = store.current()
    if current is None or current.empty:
        st.info(t("data.download.none", lang))
        return
    chrome.table_downloads(
        lambda: export.current_frame(current, context.regions, lang), "capaian_data",
        (t("data.download.current_csv", lang), t("data.download.current_xlsx", lang)),
        "data_dl_current",
    )


def main() -> None:
    """The Data page."""
    lang = st.session_state.get("lang", "id")
    st.title(t("data.title", lang))
    if access.is_public():  # never registered in public mode; refuse if reached anyway
        st.info(t("access.public_refused", lang))
        return
    st.caption(t("data.intro", lang))
    if not access.require_sign_in(lang):  # everything below can write
        return
    try:
        cached.region_table()
    except (OSError, ValueError):
        st.error(t("data.no_regions", lang))
        return
    context = cached.import_context()
    store = Store()
    tab_import, tab_versions, tab_download = st.tabs(
        [t(f"data.tab.{k}", lang) for k in ("import", "versions", "download")])
    with tab_import:
        import_tab(context, store, lang)
    with tab_versions:
        versions_tab(store, lang)
    with tab_download:
        download_tab(context, store, lang)


main()
