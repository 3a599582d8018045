"""Data page, "Batas wilayah" tab: build a boundary set from an office's own file,
read its join report and preview, activate it, roll back.

The build runs in a child process with memory and time limits
(:func:`utils.geo.own_boundaries.build_isolated`); nothing the map shows changes
until the admin activates the new set.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from pages.support import access, cached
from utils import auth_roles
from utils.charts.boundary_preview import preview
from utils.formatting import plain
from utils.geo import boundary_file, boundary_sets, own_boundaries
from utils.i18n import t
from utils.ingest.code_schemes import SCHEMES
from utils.ingest.store import StoreError
from utils.metrics import regions as region_ref
from utils.report import boundary_report as words

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
UPLOAD_TYPES = [s.lstrip(".") for s in (*boundary_file.SUFFIXES, *SHAPEFILE_PARTS)]
UPLOAD_MB = boundary_file.LIMITS.upload_bytes // 2**20



def _table(rows: list[dict], columns: dict[str, str]) -> None:
    frame = pd.DataFrame.from_records(rows, columns=list(columns)).astype(str)
    st.dataframe(frame.rename(columns=columns), hide_index=True)


def _save(uploads: list, folder: Path) -> Path | None:
    """Write the uploads under safe names; return the file to read (the ``.shp`` of
    loose shapefile parts, else the one file), or ``None`` when that is unclear."""
    saved = []
    for upload in uploads:
        path = folder / own_boundaries.safe_name(upload.name, "upload")
        path.write_bytes(upload.getvalue())
        saved.append(path)
    shp = [p for p in saved if p.suffix.lower() == ".shp"]
    if len(shp) == 1:
        return shp[0]
    whole = [p for p in saved if p.suffix.lower() in boundary_file.SUFFIXES]
    return whole[0] if len(saved) == 1 and whole else None


def _layer(path: Path, lang: str) -> str | None:
    try:
        layers = boundary_file.list_layers(path)
    except boundary_file.BoundaryFileError:
        return None  # the build says what is wrong with the file
    if len(layers) < 2:
        return None
    return st.selectbox(t("boundary.layer", lang), layers, key="boundary_layer")


def _key_widgets(columns: list[str], lang: str) -> dict[str, str]:
    """Optional choice of the key columns and code scheme (after a first build
    of the same file showed its columns); empty means "as found in the file"."""
    if not columns:
        return {}
    chosen: dict[str, str] = {}
    with st.expander(t("boundary.key", lang)):
        st.caption(t("boundary.key_help", lang))
        for name in ("code_column", "name_column", "province_column", "kind_column"):
            value = st.selectbox(t(f"boundary.key.{name}", lang), ["", *columns],
                                 format_func=lambda c: c or t("boundary.key.found", lang),
                                 key=f"boundary_key_{name}")
            if value:
                chosen[name] = value
        scheme = st.selectbox(t("boundary.key.scheme", lang), ["", *SCHEMES],
                              format_func=lambda c: t(f"boundary.scheme.{c or 'found'}", lang),
                              key="boundary_key_scheme")
        if scheme:
            chosen["scheme"] = scheme
    return chosen


def upload_box(lang: str) -> None:
    """Upload, credit, build (never activates)."""
    st.caption(t("boundary.upload_help", lang, mb=UPLOAD_MB))
    uploads = st.file_uploader(t("boundary.upload", lang), type=UPLOAD_TYPES,
                               accept_multiple_files=True, max_upload_size=UPLOAD_MB,
                               key="boundary_upload")
    left, right = st.columns(2)
    source = left.text_input(t("boundary.source", lang), key="boundary_source",
                             placeholder=t("boundary.source_hint", lang))
    licence = right.text_input(t("boundary.licence", lang), key="boundary_licence",
                               placeholder=t("boundary.licence_hint", lang))
    if not uploads:
        return
    with tempfile.TemporaryDirectory(prefix="capaian-boundary-") as tmp:
        path = _save(uploads, Path(tmp))
        if path is None:
            st.error(t("boundary.which_file", lang))
            return
        layer = _layer(path, lang)
        seen = (path.name, path.stat().st_size)
        key = _key_widgets(st.session_state.get("boundary_columns", {}).get(seen, []), lang)
        ready = bool(source.strip() and licence.strip())
        if not ready:
            st.info(t("boundary.credit_needed", lang))
        if not st.button(t("boundary.build", lang), type="primary", disabled=not ready,
                         key="boundary_build"):
            return
        credit = own_boundaries.Credit(source, licence, st.session_state.get("data_user") or "")
        with st.spinner(t("boundary.building", lang)):
            record = own_boundaries.build_isolated(path, cached.data_version()[0], credit,
                                                   layer, key)
    if "error" in record:
        st.error(plain(t(record["error"], lang, **record.get("values", {}))))
        return
    st.session_state["boundary_chosen"] = record["id"]  # the list below opens on it
    st.session_state.setdefault("boundary_columns", {})[seen] = record.get("columns", [])
    st.success(t("boundary.built", lang, file=plain(record["file"])))


def report_box(record: dict, lang: str) -> None:
    """The join report and preview of one set, with its activate button."""
    names = cached.region_names()
    provinces = region_ref.names(region_ref.province_rows(cached.region_table()))
    st.markdown(plain(words.summary(record, lang)))
    st.caption(plain(words.where_from(record, provinces, lang)))
    missing = words.without_shape(record, names, lang)
    if missing:
        st.warning(plain(missing))
    for line in words.notes(record, lang):
        st.caption(plain(line))
    for key, rows, columns in (
        ("unmatched", words.unmatched_rows(record), ("value", "suggestions")),
        ("conflicts", words.conflict_rows(record), ("value", "by_code", "by_name")),
        ("merged", words.merged_rows(record, names), ("code", "name", "parts")),
    ):
        if rows:
            with st.expander(f"{t(f'boundary.{key}', lang)} ({len(rows)})"):
                _table(rows, {c: t(f"boundary.col.{c}", lang) for c in columns})
    own = [r for r in names if len(r) > 2 and r[:2] in set(record["join"]["provinces"])
           and r not in set(record["without_shape"])]
    labels = {k: t(f"boundary.preview.{k}", lang) for k in ("file", "default", "region", "source")}
    st.altair_chart(preview(cached.geometry_url("national.topo.json", record["id"]), own, labels),
                    width="stretch")


def sets_box(lang: str) -> None:
    """Stored sets, the active one, activate / roll back."""
    root, active = cached.boundary_root(), cached.boundary_set()
    records = boundary_sets.list_sets(root)
    if not records:
        return
    st.subheader(t("boundary.sets", lang))
    rows = words.set_rows(records, active, lang)
    _table(rows, {k: t(f"boundary.col.{k}", lang) for k in rows[0]})
    ids = [r["id"] for r in records]
    if st.session_state.get("boundary_chosen") not in ids:
        st.session_state.pop("boundary_chosen", None)
    label = {r["id"]: words.set_label(r) for r in records}
    chosen = st.selectbox(t("boundary.choose", lang), ids, key="boundary_chosen",
                          format_func=label.get)
    record = next(r for r in records if r["id"] == chosen)
    report_box(record, lang)
    left, right = st.columns(2)
    try:  # a busy or unreachable database store refuses; nothing changes
        if left.button(t("boundary.activate", lang), disabled=chosen == active, type="primary",
                       key="boundary_activate"):
            boundary_sets.activate(root, chosen)
            access.audit("boundary_activate", set=chosen, file=record["file"])
            cached.start_rerun()
            st.success(t("boundary.activated", lang, file=plain(record["file"])))
        if right.button(t("boundary.rollback", lang), key="boundary_rollback"):
            back = boundary_sets.rollback(root)
            access.audit("boundary_rollback", set=back)
            cached.start_rerun()
            st.info(t("boundary.rolled_back" if back is not None else "boundary.nothing_back",
                      lang))
    except StoreError as error:
        st.error(plain(t(error.key, lang, **error.params)))


def boundaries_tab(lang: str) -> None:
    """The whole tab: what the map uses, a new file, the stored sets (admin only)."""
    if not access.may(auth_roles.BOUNDARIES):
        return
    current = cached.boundary_record()
    st.markdown(plain(words.credit(current, lang)) if current else t("boundary.default", lang))
    st.subheader(t("boundary.new", lang))
    upload_box(lang)
    st.divider()
    sets_box(lang)
