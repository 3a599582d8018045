"""Every CSV/XLSX the app offers keeps the truth (AppTest; issue #15 item 6).

Each page runs in AppTest while every ``download_button`` it draws is recorded;
each recorded file is made (a deferred one is called, as a click would) and
opened as a spreadsheet user would (CSV by its cells, XLSX with openpyxl).
Every file says where its figures come from on every row (the demo label, or
the imported version), holds region codes, writes counts as whole numbers and
never ``189930,0``, names indicators by label, writes true/false as words, and
keeps how a figure was obtained.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from page_support import run_page

from utils.i18n import t
from utils.ingest import export
from utils.ingest.store import Store
from utils.metrics.indicators import load_indicators

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2025-06-30"
NAN = float("nan")
ROWS = pd.DataFrame(
    [
        ("64.01", 200_000, 205_000, NAN, "", 0.0),
        ("64.72", 600_000, 612_245, 98.0, "percent", 31.0),
        ("65.01", NAN, NAN, 97.5, "", NAN),
        ("65.02", 50_000, 52_000, NAN, "", 0.0),
    ],
    columns=["code", "numerator", "denominator", "percent_given", "derived", "derived_margin"],
).assign(period=PERIOD, indicator="ktp_el", is_demo=False)
"""One imported version: counts as written, a derived denominator (Kota Samarinda),
a percent without counts (Kabupaten Bulungan)."""
DEFS = load_indicators()
CODE = re.compile(r"\d{2}(\.\d{2})?")
WHOLE = re.compile(r"-?\d+")
COUNT_KEYS = ["map.col.numerator", "map.col.denominator", "map.col.gap",
              "map.col.rank_national", "map.col.rank_province", "region.col.numerator",
              "region.col.denominator", "region.col.gap", "whatif.csv.numerator",
              "whatif.csv.denominator", "whatif.csv.numerator_end", "whatif.csv.gap_end",
              "data.export.numerator", "data.export.denominator"]
CODE_KEYS = ["data.export.code", "region.col.code", "whatif.csv.code", "map.col.code"]
INDICATOR_KEYS = ["data.export.indicator", "region.col.indicator", "whatif.csv.indicator"]


@pytest.fixture
def demo_store(built, tmp_path, monkeypatch) -> None:
    """An empty store: the pages show the demo data."""
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(tmp_path / "store"))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)


@pytest.fixture
def imported_store(built, tmp_path, monkeypatch) -> None:
    """A store holding :data:`ROWS` as version v0001 of ``sebagian.csv``."""
    root = tmp_path / "store"
    monkeypatch.setenv("CAPAIAN_STORE_DIR", str(root))
    monkeypatch.delenv("CAPAIAN_MODE", raising=False)
    Store(root).accept(ROWS, source_name="sebagian.csv", source_bytes=b"sebagian", period=PERIOD)


run = run_page



def cells(name: str, data: bytes) -> list[list[str]]:
    """The file as rows of cell texts (header first); XLSX cells keep their type."""
    if name.endswith(".csv"):
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def column(rows: list[list], keys: list[str], lang: str) -> list[int]:
    headers = {t(k, lang) for k in keys}
    return [i for i, h in enumerate(rows[0]) if h in headers]


def check(name: str, data: bytes, lang: str, source: str) -> list[list]:
    """The properties every table download keeps; returns its rows."""
    rows = cells(name, data)
    header, body = rows[0], rows[1:]
    assert body, name
    assert not [h for h in header if re.fullmatch(r"[a-z_]+\.[a-z_.]+", str(h))], header
    where = header.index(t("provenance.column", lang))
    assert all(source in str(r[where]) for r in body), (name, body[0][where])
    codes = column(rows, CODE_KEYS, lang)
    assert codes, (name, header)
    assert all(CODE.fullmatch(str(r[codes[0]])) for r in body), name
    for i in column(rows, COUNT_KEYS, lang):  # whole numbers, stored as numbers
        for r in body:
            if name.endswith(".csv"):
                assert r[i] == "" or WHOLE.fullmatch(r[i]) or "dari" in r[i] or "of" in r[i], (
                    name, header[i], r[i])
            else:
                assert r[i] is None or isinstance(r[i], int | float), (name, header[i], r[i])
    flat = [str(v) for r in body for v in r]
    assert not {"True", "False"} & set(flat), name
    assert not set(DEFS) & set(flat), name  # no indicator id where its label belongs
    labels = {d.label(lang) for d in DEFS.values()}
    for i in column(rows, INDICATOR_KEYS, lang):
        assert {r[i] for r in body} <= labels, name
    return rows


DEMO_CASES = [  # page, parameters, files it offers
    ("pages/map.py", {}, [".csv", ".xlsx"]),
    ("pages/map.py", {"wil": "64"}, [".csv", ".xlsx"]),
    ("pages/region.py", {"kode": "64.74"}, [".csv"]),
    ("pages/whatif.py", {}, [".csv", ".csv"]),
]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("path", "params", "kinds"), DEMO_CASES)
def test_demo_downloads_say_demo_on_every_row(demo_store, made, path, params, kinds, lang):
    run(path, lang, **params)
    tables = {n: d for n, d in made.items() if n.endswith((".csv", ".xlsx"))}
    assert sorted(Path(n).suffix for n in tables) == sorted(kinds)
    for name, data in tables.items():
        check(name, data, lang, t("provenance.demo", lang))


IMPORTED_CASES = [  # page, parameters, a row's region code or name, the mark it keeps
    ("pages/map.py", {"wil": "64"}, "Kota Samarinda", "data.derived.percent"),
    ("pages/map.py", {"wil": "65"}, "Kabupaten Bulungan", "data.derived.percent_only"),
    ("pages/region.py", {"kode": "64.72"}, "64.72", "data.derived.percent"),
    ("pages/whatif.py", {}, "65.01", "provenance.whatif_note"),
    ("pages/data.py", {}, "64.72", "data.derived.percent"),
]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("path", "params", "region", "mark"), IMPORTED_CASES)
def test_imported_downloads_name_the_version_and_keep_the_marks(imported_store, made, path,
                                                                params, region, mark, lang):
    run(path, lang, **params)
    tables = {n: d for n, d in made.items()
              # the audit log holds no figures: who did what (tests/test_audit_log.py)
              if n.endswith((".csv", ".xlsx")) and not n.startswith(("templat", "capaian_audit"))}
    assert tables
    for name, data in tables.items():
        rows = check(name, data, lang, "v0001, sebagian.csv")
        assert any(region in map(str, r) and any(t(mark, lang) in str(v) for v in r)
                   for r in rows[1:]), (name, region)


def test_the_import_template_has_codes_and_indicator_labels(demo_store, made):
    run("pages/data.py", "id")
    rows = cells("t.xlsx", made["templat_capaian_indonesia.xlsx"])
    assert rows[0][:2] == ["KODE", "KABUPATEN/KOTA"] and len(rows) == 515
    assert all(CODE.fullmatch(r[0]) for r in rows[1:])
    assert not set(DEFS) & set(rows[0])


@pytest.mark.parametrize(("values", "written"), [
    ([189930.0, 2.0], ["189930", "2"]),            # counts: whole numbers
    ([189930.0, None], ["189930", ""]),            # a gap stays empty
    ([99.3995, 100.0], ["99,3995", "100,0"]),      # a percent keeps its decimals
    ([True, False], ["ya", "tidak"]),              # booleans as words
])
def test_cells_are_written_as_a_spreadsheet_reads_them(values, written):
    frame = export.labelled(pd.DataFrame({"x": values}), "Data contoh")
    text = export.to_csv(frame).decode("utf-8-sig").splitlines()
    assert [line.split(";")[0] for line in text[1:]] == written
    assert text[0] == "x;Sumber data" and all(line.endswith(";Data contoh") for line in text[1:])
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(frame))).active
    words = {True: "ya", False: "tidak"}
    assert [c.value for c in sheet["A"][1:]] == [
        words[v] if isinstance(v, bool) else v for v in values]  # numbers stay numbers
