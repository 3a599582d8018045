"""Data page: upload, check, correct, accept; versions; templates and downloads.

Thin by design: every decision is made in ``utils`` (importer, store, export).
Texts from files (names, headers, messages quoting cells) are only shown in
tables or escaped, never rendered as Markdown or HTML.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from pages.support import access, audit_box, boundary_box, cached, chrome
from pages.support import import_choices as choices
from utils import auth_roles
from utils.formatting import plain
from utils.i18n import t
from utils.ingest import acceptance, export, provenance, review
from utils.ingest.importer import Context, Report
from utils.ingest.store import StoreError
from utils.ingest.store_backend import AnyStore
from utils.metrics import regions as region_ref


def table(rows: list[dict], columns: dict[str, str]) -> None:
    """Show records as a read-only table with translated column names."""
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    st.dataframe(frame.rename(columns=columns).astype(str), hide_index=True,
                 )


def names() -> review.Names:
    """Indicator labels and province names for the report's keys (``kia``, ``64``)."""
    provinces = region_ref.names(region_ref.province_rows(cached.region_table()))
    return review.Names(cached.indicator_defs(), provinces)


def issues_table(issues: list, lang: str) -> None:
    """Errors or warnings as a table (messages may quote cells: never rendered)."""
    table(review.issue_rows(issues, lang, names()),
          {"row": t("data.col.row", lang), "message": t("data.message", lang)})


# --- import ---------------------------------------------------------------------------------


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
    _kecamatan_view(report, lang)
    _matched_view(report, lang)
    _aggregates_view(report, lang)


def _kecamatan_view(report: Report, lang: str) -> None:
    """A file per kecamatan: where its names are read, and per regency the kecamatan
    present and missing and how the regency figure is made."""
    summary = report.kecamatan
    if report.level != "kecamatan" or not summary:
        return
    st.markdown(f"**{t('kec_imp_heading', lang)}**")
    st.caption(t("kec_imp_intro", lang, rows=summary["rows"]))
    if summary.get("regency") and summary.get("regency_source"):
        st.caption(t("kec_imp_reading_in", lang, name=summary["regency_name"],
                     source=t(f"kec_imp_source.{summary['regency_source']}", lang)))
    rows = review.kecamatan_rows(report, lang)
    if rows:
        table(rows, {k: t(f"kec_imp_col.{k}", lang)
                     for k in ("regency", "present", "status", "missing")})


def _matched_view(report: Report, lang: str) -> None:
    col = {k: t(f"data.col.{k}", lang) for k in ("row", "text", "code", "name", "by")}
    rows = review.matched_rows(report, lang)
    with st.expander(f"{t('data.matched', lang)} ({len(rows)})"):
        table(rows, col)
    if report.totals:
        with st.expander(f"{t('data.totals', lang)} ({len(report.totals)})"):
            table(review.total_rows(report, lang, names()),
                  {"row": col["row"], "text": col["text"], "checks": t("data.col.checks", lang)})
    if report.skipped:
        with st.expander(f"{t('data.skipped', lang)} ({len(report.skipped)})"):
            table(review.skipped_rows(report, lang),
              {"row": col["row"], "text": col["text"], "reason": t("data.col.reason", lang)})
    if report.marked:
        with st.expander(f"{t('data.marked', lang)} ({len(report.marked)})"):
            table(review.marked_rows(report, lang, names(), cached.region_names()),
                  {"row": col["row"], "code": col["code"],
                   "indicator": t("data.col.indicator", lang),
                   "percent": t("data.col.percent", lang)})


def _aggregates_view(report: Report, lang: str) -> None:
    if not report.aggregates and not report.uncounted:  # percent-only files have no sums
        return
    st.markdown(f"**{t('data.aggregates', lang)}**")
    table(review.aggregate_rows(report, lang, names()),
          {"province": t("data.col.province", lang),
           "indicator": t("data.col.indicator", lang),
           "percent": t("data.col.percent", lang)})


def accept_widget(report: Report, upload: tuple[str, bytes], decisions: dict[int, str],
                  store: AnyStore, lang: str, companion: tuple[str, bytes] | None = None) -> None:
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


def import_tab(context: Context, store: AnyStore, lang: str) -> None:
    """Upload → sheet → check → mapping → choices → report → accept."""
    upload = choices.upload_widgets(lang)
    if upload is None:
        return
    companion = choices.companion_widget(lang)
    name, data = upload
    digest, aliases = hashlib.sha256(data).hexdigest(), store.aliases()
    tag = digest[:12]

    def analysed(**choices) -> Report:  # each check once per file and choices (cached)
        return cached.import_report(digest, data, name, aliases=aliases, companion=companion,
                                    **choices)

    sheet = choices.sheet_widget(data, tag, lang)
    first = analysed(sheet=sheet)
    logged = st.session_state.setdefault("data_audited", set())
    if digest not in logged:  # the audit log names each file checked, once per session
        logged.add(digest)
        access.audit("import", file=name, sha256=digest, status=first.status)
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
        base["year_periods"] = choices.years_widget(first, f"{tag}_{sheet}", lang)
    else:
        base["period"] = choices.period_widget(first, f"{tag}_{sheet}", lang)
    base["scheme"] = choices.scheme_widget(first, f"{tag}_{sheet}", lang)
    defs = cached.indicator_defs()
    base["mapping"] = {
        **choices.confirm_widgets(first, defs, f"{tag}_{sheet}", lang),
        **choices.mapping_widget(first, defs, context.vocabulary.fields, f"{tag}_{sheet}", lang)}
    again = analysed(**base)
    regencies = region_ref.names(region_ref.regency_rows(context.regions))
    if regency := choices.regency_widget(again, regencies, f"{tag}_{sheet}", lang):
        base["regency"] = regency
        again = analysed(**base)
    rows = (region_ref.province_rows if again.level == "province" else region_ref.regency_rows)
    names = region_ref.names(rows(context.regions))
    decisions = choices.decision_widgets(again, names, f"{tag}_{sheet}", lang,
                                         context.kecamatan)
    report = analysed(**base, decisions=decisions)
    report_view(report, lang)
    accept_widget(report, upload, decisions, store, lang, companion)


# --- versions and downloads ------------------------------------------------------------------


def versions_tab(store: AnyStore, lang: str) -> None:
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


def diff_view(store: AnyStore, ids: list[str], lang: str) -> None:
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


def rollback_view(store: AnyStore, ids: list[str], lang: str) -> None:
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


def download_tab(context: Context, store: AnyStore, lang: str) -> None:
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
    kecamatan_template(context, lang)
    st.markdown(f"**{t('data.download.current', lang)}**")
    current = store.current()
    if current is None or current.empty:
        st.info(t("data.download.none", lang))
        return
    origin = provenance.row_sources(cached.data_in_use(), current, lang)  # version per row
    chrome.table_downloads(
        lambda: export.labelled(export.current_frame(current, context.regions, lang,
                                                     context.indicators, context.kecamatan),
                                origin, lang),
        "capaian_data",
        (t("data.download.current_csv", lang), t("data.download.current_xlsx", lang)),
        "data_dl_current",
    )


def kecamatan_template(context: Context, lang: str) -> None:
    """An empty template of one regency's kecamatan (CSV/XLSX), when the reference has them."""
    if context.kecamatan is None:
        return
    st.markdown(f"**{t('kec_imp_template', lang)}**")
    names = region_ref.names(region_ref.regency_rows(context.regions))
    regency = st.selectbox(t("kec_imp_template_regency", lang), ["", *names],
                           format_func=lambda c: f"{c} {names[c]}" if c
                           else t("kec_imp_regency_none", lang), key="data_template_regency")
    if not regency:
        return
    chrome.table_downloads(
        lambda: export.kecamatan_template_frame(context.kecamatan, context.indicators, regency),
        f"templat_capaian_kecamatan_{regency.replace('.', '')}",
        (t("data.download.template_csv", lang), t("data.download.template_xlsx", lang)),
        "data_dl_template_kecamatan",
    )


def main() -> None:
    """The Data page."""
    lang = st.session_state.get("lang", "id")
    st.title(t("data.title", lang))
    if access.is_public():  # never registered in public mode; refuse if reached anyway
        st.info(t("access.public_refused", lang))
        return
    st.caption(t("data.intro", lang))
    if not access.require_role(auth_roles.IMPORT, lang):  # admin: everything below can write
        return
    try:
        cached.region_table()
    except (OSError, ValueError):
        st.error(t("data.no_regions", lang))
        return
    context = cached.import_context()
    store = access.store()
    tab_import, tab_versions, tab_download, tab_boundaries = st.tabs(
        [t(f"data.tab.{k}", lang) for k in ("import", "versions", "download", "boundaries")])
    with tab_import:
        import_tab(context, store, lang)
    with tab_versions:
        versions_tab(store, lang)
        audit_box.audit_box(store, lang)
    with tab_download:
        download_tab(context, store, lang)
    with tab_boundaries:
        boundary_box.boundaries_tab(lang)


main()
