"""Downloads: empty import templates and the current data, as CSV or XLSX.

Every text cell goes through :func:`utils.ingest.spreadsheet.neutralise`, so nothing
exported can run as a formula when opened in spreadsheet software. CSV files
use the Indonesian Excel conventions (semicolon, decimal comma, UTF-8 BOM).
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import numpy as np
import pandas as pd

from utils.i18n import t
from utils.ingest.spreadsheet import neutralise
from utils.metrics import coverage
from utils.metrics.indicators import Indicator
from utils.metrics.regions import kecamatan_label, kecamatan_of, regency_rows

EXPORT_COLUMNS = ["period", "code", "name", "province", "indicator", "numerator",
                  "denominator", "percent", "derived", "derived_margin"]
"""Columns of :func:`current_frame`; ``derived`` says in words how a figure not
in the source was obtained, ``derived_margin`` the ± people of a derived
denominator."""


def template_frame(regions: pd.DataFrame, indicators: dict[str, Indicator],
                   province: str | None = None) -> pd.DataFrame:
    """Empty import template: code and name of each regency, one column per count.

    Headers are the indicators' own Indonesian labels, which the importer
    recognises, so a filled-in template imports without corrections.
    """
    regs = regency_rows(regions)
    if province:
        regs = regs[regs["province_code"] == province]
    frame = pd.DataFrame({"KODE": regs["code"].to_numpy(),
                          "KABUPATEN/KOTA": regs["name"].str.strip().to_numpy()})
    for indicator in indicators.values():
        frame[indicator.denominator_id] = pd.NA
        frame[indicator.numerator_id] = pd.NA
    return frame


def kecamatan_template_frame(kecamatan: pd.DataFrame, indicators: dict[str, Indicator],
                             regency: str) -> pd.DataFrame:
    """Empty import template of one regency's kecamatan: regency, kecamatan code and
    name, one column per count (headers the importer recognises: a filled-in
    template imports by code, its names checked against the codes)."""
    rows = kecamatan_of(kecamatan, regency)
    frame = pd.DataFrame({"KABUPATEN/KOTA": rows["regency_name"].to_numpy(),
                          "KODE KECAMATAN": rows["code"].to_numpy(),
                          "KECAMATAN": rows["name"].to_numpy()})
    for indicator in indicators.values():
        frame[indicator.denominator_id] = pd.NA
        frame[indicator.numerator_id] = pd.NA
    return frame


def derived_text(table: pd.DataFrame, lang: str = "id") -> pd.Series:
    """Per row, in ``lang``: ``dihitung dari persentase``, ``dihitung: sudah + belum``,
    ``hanya persen (tanpa jumlah)`` or ``""`` for figures read as written."""
    rows = coverage.with_optional(table)
    marks = rows["derived"].mask(~coverage.has_counts(rows) & rows["percent_given"].notna(),
                                 "percent_only")
    return marks.map(lambda m: t(f"data.derived.{m}", lang) if m else "")


def current_frame(table: pd.DataFrame, regions: pd.DataFrame, lang: str = "id",
                  indicators: Mapping[str, Indicator] | None = None,
                  kecamatan: pd.DataFrame | None = None) -> pd.DataFrame:
    """Active data with region names and percent (the published one for rows
    without counts), how each figure was obtained and its margin; headers in ``lang``,
    indicators by their label in ``lang`` when ``indicators`` are given, a kecamatan
    named with its regency (``Kecamatan Loa Kulu, Kabupaten Kutai Kartanegara``)
    when the ``kecamatan`` reference is given. Rows keep ``table``'s order."""
    names = regions.set_index("code")["name"].str.strip()
    if kecamatan is not None:
        labels = [kecamatan_label({"kind": k, "name": n, "regency_name": r}) for k, n, r in zip(
            kecamatan["kind"], kecamatan["name"], kecamatan["regency_name"], strict=True)]
        names = pd.concat([names, pd.Series(labels, index=kecamatan["code"].to_numpy())])
    out = coverage.with_percent(coverage.with_optional(table))
    if indicators:
        out["indicator"] = out["indicator"].map(
            lambda i: indicators[i].label(lang) if i in indicators else i)
    out["name"] = out["code"].map(names)
    out["province"] = out["code"].str[:2].map(names)
    out["percent"] = out["percent"].round(2)
    out["derived"] = derived_text(out, lang)
    out["derived_margin"] = out["derived_margin"].where(
        out["derived"] == t("data.derived.percent", lang))
    out = out[EXPORT_COLUMNS]
    return out.rename(columns={c: t(f"data.export.{c}", lang) for c in EXPORT_COLUMNS})


def labelled(frame: pd.DataFrame, source: str | pd.Series, lang: str = "id") -> pd.DataFrame:
    """``frame`` as a download keeps it: a last column naming where every row's
    figures come from (``source``: one text, e.g. the demo label, or one per row),
    and true/false written as ``ya``/``tidak``.

    Examples
    --------
    >>> labelled(pd.DataFrame({"meets": [True, False]}), "Data contoh").values.tolist()
    [['ya', 'Data contoh'], ['tidak', 'Data contoh']]
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column].dropna()
        if len(values) and values.map(lambda v: isinstance(v, bool | np.bool_)).all():
            out[column] = out[column].map(
                lambda v: v if pd.isna(v) else t(f"provenance.{'yes' if v else 'no'}", lang))
    out[t("provenance.column", lang)] = (source.to_numpy() if isinstance(source, pd.Series)
                                         else source)
    return out


def coded(frame: pd.DataFrame, codes: pd.Series, lang: str = "id") -> pd.DataFrame:
    """``frame`` with the regions' Kemendagri codes (``codes``, row for row) as its
    second column, after the region's name."""
    out = frame.copy()
    out.insert(1, t("data.export.code", lang), codes.to_numpy())
    return out


def _whole_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns holding only whole numbers as integers, so a count is written
    ``189930``, never ``189930,0`` (empty cells stay empty)."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values) and not values.isna().all() and (
                values.dropna() % 1 == 0).all() and (values.dropna().abs() < 2**53).all():
            out[column] = values.astype("Int64")
    return out


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV for Indonesian Excel: ``;``, decimal comma, UTF-8 with BOM, neutralised."""
    text = _safe(_whole_numbers(frame)).to_csv(index=False, sep=";", decimal=",",
                                               lineterminator="\r\n")
    return text.encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet: str = "Data") -> bytes:
    """XLSX where texts are stored as texts, never as formulas or links."""
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter",
                        engine_kwargs={"options": options}) as writer:
        _safe(_whole_numbers(frame)).to_excel(writer, sheet_name=sheet, index=False)
        writer.sheets[sheet].set_column(0, len(frame.columns) - 1, 18)
    return buffer.getvalue()
