"""Page furniture shared by every page: language, demo banner, first-start build."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from utils import demo
from utils.formatting import plain
from utils.geo import cache_record as build_record
from utils.geo import sources
from utils.i18n import t
from utils.ingest import export

LANG_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def language() -> str:
    """Show the language switch in the sidebar and return ``"id"`` or ``"en"``."""
    if st.session_state.get("lang") not in LANG_NAMES:
        st.session_state["lang"] = "en" if st.query_params.get("lang") == "en" else "id"
    st.sidebar.radio(
        t("lang.label", st.session_state["lang"]),
        options=list(LANG_NAMES),
        format_func=LANG_NAMES.get,
        key="lang",
        horizontal=True,
    )
    return st.session_state["lang"]


def quoting(key: str, lang: str, **params: object) -> str:
    """The text ``key`` with its values shown as typed: a name or file a user gave
    is never rendered as Markdown (no bold, no image, no link)."""
    return t(key, lang, **{k: plain(v) for k, v in params.items()})


def demo_banner(lang: str) -> None:
    """Say plainly that the figures are demo data."""
    st.warning(t("demo.banner", lang), icon="⚠️")


def page_data(title_key: str, intro_key: str, empty_key: str, lang: str) -> pd.DataFrame | None:
    """Draw a data page's title, intro and demo banner; return its coverage table.

    Returns ``None`` (after saying so) when there is no data to show.
    """
    from pages.support import cached

    st.title(t(title_key, lang))
    st.caption(t(intro_key, lang))
    table = cached.current_coverage()
    if table is None or table.empty:
        st.info(t(empty_key, lang))
        return None
    if table["is_demo"].any():
        demo_banner(lang)
    return table


def ensure_caches(lang: str) -> bool:
    """Build missing boundary caches and demo data, with progress on the page.

    Returns False (after explaining why and what to do) when the source
    cannot be read; the caller then stops drawing.
    """
    if build_record.is_fresh() and demo.DEMO_CSV.is_file():
        return True
    bar = st.progress(0.0, text=t("build.running", lang))

    def report(fraction: float, step: str) -> None:
        bar.progress(min(fraction, 1.0), text=f"{t('build.running', lang)} {step}")

    try:
        from utils.geo import build as boundaries  # heavy (geopandas, GEOS): only to build

        boundaries.build(progress=report)
        demo.write_demo(build_record.cache_dir() / "regions.csv")
    except (sources.SourceError, ValueError, OSError) as exc:
        bar.empty()
        st.error(t("build.failed", lang, error=exc))
        st.info(t("build.hint", lang))
        return False
    bar.empty()
    st.cache_data.clear()
    st.cache_resource.clear()
    return True


# Streamlit leaves ~6 rem above the title; on a 1080-line projector that is
# the map's bottom edge. Only spacing changes: no colours, no hidden controls.
COMPACT_CSS = "<style>[data-testid='stMainBlockContainer']{padding-top:2.2rem}</style>"


def compact_layout() -> None:
    """Trim the empty band above each page's title."""
    st.html(COMPACT_CSS)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_downloads(frame: Callable[[], pd.DataFrame], stem: str, labels: tuple[str, str],
                    key: str, spec: list[float] | None = None) -> None:
    """CSV and XLSX buttons side by side; each file is made only when clicked
    (formulas neutralised by :mod:`utils.ingest.export`), never on a rerun."""
    left, right = st.columns(spec or [1, 1])[:2]
    left.download_button(labels[0], lambda: export.to_csv(frame()), file_name=f"{stem}.csv",
                         mime="text/csv", on_click="ignore", icon=":material/download:",
                         key=f"{key}_csv")
    right.download_button(labels[1], lambda: export.to_xlsx(frame()), file_name=f"{stem}.xlsx",
                          mime=XLSX_MIME, on_click="ignore", icon=":material/download:",
                          key=f"{key}_xlsx")
