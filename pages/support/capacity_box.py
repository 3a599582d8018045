"""What-if page: outreach capacity per region and indicator (an editable table and a sheet).

The scenario's capacity lives in session state under the choice's widget key
(``whatif_capacity``): the link, a saved scenario or an imported sheet put it
there. The table shown starts from it; the planner's edits are read back each
rerun. The table's key follows its starting content, so a new start (a saved
scenario shown, a sheet imported) gives a fresh table.

The table shows one level: regencies, or the kecamatan of the planned regency
(``area``); entries of the other level are kept as they are (and counted).
"""

from __future__ import annotations

import zlib

import pandas as pd
import streamlit as st

from pages.support import access, cached
from pages.support import whatif_level as level
from utils.i18n import t
from utils.ingest import capacity as sheet
from utils.ingest.spreadsheet import MAX_BYTES, ReadError
from utils.metrics import whatif_state as choices
from utils.report import goal_seek as words

STATE = choices.BY_FIELD["capacity"].widget
"""Session-state key of the capacity the table starts from."""
EDITOR = "whatif_capacity_table_"
UPLOAD = "whatif_capacity_file"


def start_frame(entries: tuple) -> pd.DataFrame:
    """The table's starting rows: ``region, indicator, per_month``."""
    frame = pd.DataFrame([(c, i, v) for i, c, v in entries],
                         columns=["region", "indicator", "per_month"])
    return frame.astype({"region": "object", "indicator": "object", "per_month": "float"})


def replace(entries: tuple, kept: tuple) -> None:
    """Button callback: the imported sheet becomes the capacity table (entries of the
    other level are kept unless the sheet gives them anew)."""
    st.session_state[STATE] = sheet.merged(kept, entries)


def capacity_controls(box, defs, names, lang: str, area: str | None = None) -> tuple:
    """Draw the capacity table (and the import) in ``box``; return the entries in use."""
    everything = tuple(tuple(e) for e in st.session_state.get(STATE, ()))
    labels = level.place_names(area) if area else names
    regions = sorted(c for c in labels if "." in c)
    start, kept = sheet.split_entries(everything, set(regions))
    with box.expander(t("capacity.title", lang), expanded=bool(start)):
        st.caption(t(level.words("capacity.intro", area), lang))
        config = {
            "region": st.column_config.SelectboxColumn(
                t(level.words("capacity.col.region", area), lang), options=regions,
                required=True, format_func=lambda c: f"{labels.get(c, c)} ({c})",
                width="medium"),
            "indicator": st.column_config.SelectboxColumn(
                t("capacity.col.indicator", lang), options=list(defs), required=True,
                format_func=lambda i: defs[i].label(lang) if i in defs else str(i)),
            "per_month": st.column_config.NumberColumn(
                t("capacity.col.per_month", lang), min_value=0,
                max_value=choices.CAPACITY_MAX, step=1, format="%d", required=True),
        }
        key = f"{EDITOR}{zlib.crc32(repr(start).encode()):08x}"
        edited = st.data_editor(start_frame(start), key=key, num_rows="dynamic",
                                hide_index=True, column_config=config, width="stretch")
        shown, incomplete, repeated = sheet.table_entries(edited, list(defs), set(regions))
        entries = sheet.merged(kept, shown)
        notes = [t("capacity.count", lang, count=len(shown))] if shown else []
        notes += [t("kec_wi_capacity_kept", lang, count=len(kept))] if kept else []
        notes += [t("capacity.incomplete", lang, count=incomplete)] if incomplete else []
        notes += [t("capacity.repeated", lang, count=repeated)] if repeated else []
        if len(entries) > choices.CAPACITY_LINK_MAX:
            notes.append(t("capacity.not_in_link", lang, count=len(entries)))
        if notes:
            st.caption(" ".join(notes))
        if not access.is_public():
            import_sheet(defs, lang, area, kept)
    st.session_state[level.CAPACITY_IN_USE] = entries  # kept when the level changes
    return entries


def import_sheet(defs, lang: str, area: str | None = None, kept: tuple = ()) -> None:
    """Upload a capacity sheet (regency or kecamatan codes; at kecamatan level, names
    of the regency's kecamatan), show what was read and refused, replace on request."""
    upload = st.file_uploader(t("capacity.upload", lang), type=["csv", "xlsx"], key=UPLOAD,
                              max_upload_size=MAX_BYTES // 2**20)
    if upload is None:
        return
    try:
        read = sheet.read_capacity(upload.getvalue(), cached.region_table(), defs,
                                   kecamatan=cached.kecamatan_table(), within=area)
    except ReadError as error:
        st.error(t(error.key, lang, **error.params))
        return
    st.caption(t("capacity.read_ok", lang, count=len(read.entries)) + (
        " " + t("capacity.totals_skipped", lang, count=read.totals_skipped)
        if read.totals_skipped else ""))
    if read.refused:
        st.warning(t("capacity.refused_title", lang, count=len(read.refused)) + "\n\n" +
                   "\n".join(f"- {words.refusal_text(r, lang)}" for r in read.refused[:50]))
    if not read.entries:
        st.info(t("capacity.nothing", lang))
        return
    st.button(t("capacity.apply", lang, count=len(read.entries)), key="whatif_capacity_apply",
              on_click=replace, args=(read.entries, kept), icon=":material/upload:")
