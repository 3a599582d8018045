"""The Data page's audit log: who did what, when, on which replica; downloadable."""

from __future__ import annotations

import streamlit as st

from pages.support import chrome
from utils.i18n import t
from utils.ingest.store_backend import AnyStore
from utils.report.audit_log import audit_frame


def audit_box(store: AnyStore, lang: str) -> None:
    """The log, newest first, and its CSV/XLSX downloads."""
    st.subheader(t("audit.title", lang))
    st.caption(t("audit.caption", lang))
    frame = audit_frame(store.audit(), lang)
    if frame.empty:
        st.info(t("audit.none", lang))
        return
    st.dataframe(frame.head(200), hide_index=True)
    chrome.table_downloads(lambda: frame, "capaian_audit",
                           (t("audit.csv", lang), t("audit.xlsx", lang)), "data_dl_audit")
