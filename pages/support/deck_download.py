"""The briefing's whole deck as one PDF and one PPTX (button, progress, downloads).

Drawn in the briefing's downloads popover; the slides are drawn by
:mod:`utils.report.deck_file` when asked for (a few seconds), kept for this
session and this deck (scope, period, language, scenario, map or tiles, data).
"""

from __future__ import annotations

import datetime

import pandas as pd
import streamlit as st

from pages.support import briefing_scope, cached
from utils.i18n import t
from utils.ingest import provenance
from utils.report import boundary_report, deck_file
from utils.report.deck import Slide

STATE = "deck_file_made"
MIMES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def scope_of(scope: dict, lang: str) -> deck_file.Scope:
    """What the slides share, read from the caches (the same as the page's)."""
    code, period = scope["code"], scope["period"]
    record = cached.boundary_record()
    tiled = st.query_params.get("tampil") == "petak"
    shown = briefing_scope.slide_map(code, tiled)  # the page's map: a regency's kecamatan
    table = cached.current_coverage()
    return deck_file.Scope(
        table=table if table is not None else pd.DataFrame(),  # the page has checked
        regions=cached.region_table(),
        indicators=cached.indicator_defs(),
        topology=shown.topology,
        code=code,
        period=period,
        lang=lang,
        source=provenance.caption(cached.data_in_use(), lang, period, None, code),
        made=datetime.date.today().isoformat(),
        credit=boundary_report.credit(record, lang) if record else "",
        tiles=cached.tile_layout() if tiled else None,
        kecamatan=shown.kecamatan,
    )


def make(deck: list[Slide], files: deck_file.Scope, lang: str) -> dict[str, bytes] | None:
    """Draw every slide with a progress bar; the PDF and PPTX, or ``None`` on failure."""
    with st.status(t("deck_file.making", lang), expanded=True) as status:
        bar = st.progress(0.0)

        def step(done: int, total: int) -> None:
            bar.progress(done / total, t("deck_file.slide_done", lang, number=done, total=total))

        try:
            pages = deck_file.draw_all(deck, files, progress=step)
            name = deck_file.title(deck, lang)
            made = {"pdf": deck_file.to_pdf(pages, name), "pptx": deck_file.to_pptx(pages, name)}
        except (ValueError, RuntimeError, OSError):
            status.update(label=t("deck_file.failed", lang), state="error")
            return None
        status.update(label=t("deck_file.done", lang, count=len(pages)), state="complete",
                      expanded=False)
    return made


def panel(deck: list[Slide], scope: dict, lang: str) -> None:
    """The button that makes the files, then one download button per format."""
    st.divider()
    st.markdown(f"**{t('deck_file.heading', lang)}**")
    st.caption(t("deck_file.help", lang))
    files = scope_of(scope, lang)
    key = (files.code, files.period, lang, scope.get("scenario"), files.tiles is not None,
           cached.data_version(), cached.boundary_set(), len(deck), files.made,
           files.kecamatan is not None)
    kept = st.session_state.get(STATE)
    if kept is None or kept[0] != key:
        if not st.button(t("deck_file.make", lang), key="deck_file_make",
                         icon=":material/slideshow:", width="stretch"):
            return
        made = make(deck, files, lang)
        if made is None:
            st.error(t("deck_file.failed", lang))
            return
        kept = (key, made)
        st.session_state[STATE] = kept
    cells = st.columns(2)
    for cell, fmt in zip(cells, ("pdf", "pptx"), strict=True):
        cell.download_button(
            t(f"deck_file.{fmt}", lang),
            data=kept[1][fmt],
            file_name=deck_file.file_name(files, fmt),
            mime=MIMES[fmt],
            on_click="ignore",
            key=f"deck_file_{fmt}",
            icon=":material/download:",
            width="stretch",
        )
