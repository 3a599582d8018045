"""A bounded fuzz of the importer: whatever the bytes, ``analyse`` answers with a Report.

Random bytes, random workbooks (openpyxl-built, then merged ranges, dimensions and
damage written into their XML), random CSV dialects and encodings, random numbers in
cells. Each case must return a :class:`Report` that renders in both languages, within
a time and memory guard: ``tracemalloc``'s peak per case, the wall time per case, and
an address-space limit (``RLIMIT_AS``) around the whole run, so a runaway case fails
the test instead of taking the machine. The suite runs a few examples of each kind;
``CAPAIAN_FUZZ_EXAMPLES=2000`` runs that many of each (see the README).
"""

from __future__ import annotations

import io
import math
import os
import resource
import sys
import time
import tracemalloc
import zipfile

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utils.ingest.importer import Context, analyse
from utils.ingest.report import Report

EXAMPLES = int(os.environ.get("CAPAIAN_FUZZ_EXAMPLES", "0"))
CASE_SECONDS = 10.0
CASE_PEAK_MB = 300.0
HEADROOM_MB = 1500

NAMES = ["KAB. PASER", "KOTA BONTANG", "Kabupaten Kutai Timur", "KUTAI KARTANEGARA", "64.02",
         "6402", "64", "KALIMANTAN TIMUR", "JUMLAH", "Nasional", "Kec. Tanah Grogot", ""]
HEADERS = ["NO", "KODE", "KABUPATEN/KOTA", "NAMA WILAYAH", "WAJIB KTP-EL", "SUDAH REKAM",
           "BELUM REKAM", "%", "JUMLAH ANAK", "KIA", "AKTA", "tahun", "satuan",
           "kode_kabupaten_kota", "nama_kabupaten_kota", "jumlah_penduduk"]
NUMBER_TEXT = ["2.948.162", "100,89", "100,89 %", "1e308", "9" * 400, "-5", "NaN", "inf",
               "0", "1.000,5", "(12)", "1,234,567", "—", "=SUM(C2:C3)", "'=1+1"]


def guard(action):
    """Run ``action`` under the per-case guard; its result."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = action()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    seconds = time.perf_counter() - start
    assert seconds < CASE_SECONDS, f"{seconds:.1f} s"
    assert peak < CASE_PEAK_MB, f"{peak:.0f} MB"
    return result


@pytest.fixture(scope="module")
def context(regions: pd.DataFrame) -> Context:
    return Context.load(regions)


@pytest.fixture(scope="module", autouse=True)
def address_space_limit():
    """At most ``HEADROOM_MB`` more address space while fuzzing, restored afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        used = int(statm.read().split()[0]) * resource.getpagesize()
    limit = used + HEADROOM_MB * 2**20
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def check(context: Context, data: bytes, name: str) -> None:
    report = guard(lambda: analyse(data, name, context))
    assert isinstance(report, Report)
    assert report.status in {"ok", "needs_decisions", "unreadable"}
    for lang in ("id", "en"):
        report.to_dict(lang)
    if report.status == "unreadable":
        assert report.reason is not None
        for lang in ("id", "en"):
            message = report.reason.message(lang)
            assert report.reason.kind not in message and "{" not in message, message


def fuzz(examples: int):
    return settings(max_examples=EXAMPLES or examples, deadline=None, derandomize=not EXAMPLES,
                    database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.integers(min_value=0, max_value=5_000_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(NUMBER_TEXT),
)
cells = st.one_of(st.none(), st.sampled_from(NAMES), st.sampled_from(HEADERS), numbers,
                  st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12))
tables = st.tuples(
    st.lists(st.sampled_from(HEADERS), min_size=0, max_size=8),
    st.lists(st.lists(cells, max_size=8), max_size=25),
)


# --- random bytes --------------------------------------------------------------------------

PREFIXES = [b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"KAB/KOTA;WAJIB KTP-EL\n"]


@fuzz(100)
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=3000),
       name=st.sampled_from(["a.csv", "b.xlsx", "c.txt", "rekap 2022.tsv"]))
def test_random_bytes(context: Context, prefix: bytes, body: bytes, name: str) -> None:
    check(context, prefix + body, name)


# --- random CSV dialects -------------------------------------------------------------------


def text_cell(value: object) -> str:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


@fuzz(60)
@given(table=tables, delimiter=st.sampled_from([",", ";", "\t", "|", " "]),
       terminator=st.sampled_from(["\n", "\r\n", "\r"]),
       quote=st.sampled_from(["", '"', "'"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le",
                                 "utf-16-be"]),
       blank=st.integers(min_value=0, max_value=3))
def test_random_csv_dialects(context: Context, table, delimiter: str, terminator: str,
                             quote: str, encoding: str, blank: int) -> None:
    header, rows = table
    lines = [delimiter.join(header)] + [
        delimiter.join(f"{quote}{text_cell(c)}{quote}" for c in row) for row in rows]
    text = terminator * blank + terminator.join(lines) + terminator * blank
    check(context, text.encode(encoding, errors="replace"), "rekap.csv")


# --- random workbooks ----------------------------------------------------------------------


def xlsx_cell(value: object) -> object:
    if isinstance(value, int) and abs(value) > 2**53:
        return str(value)
    return value


@st.composite
def workbooks(draw) -> bytes:
    book = openpyxl.Workbook()
    for index in range(draw(st.integers(min_value=1, max_value=3))):
        sheet = book.active if index == 0 else book.create_sheet(f"Lembar {index}")
        header, rows = draw(tables)
        start = draw(st.integers(min_value=0, max_value=4))
        for _ in range(start):
            sheet.append([])
        sheet.append(header)
        for row in rows:
            sheet.append([xlsx_cell(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return rewrite(buffer.getvalue(), draw(sheet_patches()), draw(damage()))


refs = st.sampled_from(["A1:B1", "A1:A3", "B2:D2", "A20:CV19000", "A1:C1048576", "D1:XFD1",
                        "A1:XFD1048576", "C3:C3", "Z9:A1", "A1", "XFE1:XFE2", "A0:B0", "?"])


@st.composite
def sheet_patches(draw) -> bytes:
    merges = draw(st.lists(refs, max_size=4))
    body = "".join(f'<mergeCell ref="{r}"/>' for r in merges)
    return f'<mergeCells count="{len(merges)}">{body}</mergeCells>'.encode() if merges else b""


def damage():
    return st.one_of(st.none(), st.tuples(st.integers(min_value=0, max_value=4000),
                                          st.sampled_from(["truncate", "flip", "drop"])))


def rewrite(data: bytes, merges: bytes, harm) -> bytes:
    """Write merged ranges into the first sheet's XML, then optionally damage the file."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", b"</sheetData>" + merges)
            if harm and harm[1] == "drop" and harm[0] % 9 == len(info.filename) % 9:
                continue
            dst.writestr(info.filename, content)
    data = out.getvalue()
    if harm and harm[1] == "truncate":
        return data[: harm[0] % max(len(data), 1)]
    if harm and harm[1] == "flip":
        at = harm[0] % len(data)
        return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]
    return data


@fuzz(50)
@given(data=workbooks())
def test_random_workbooks(context: Context, data: bytes) -> None:
    check(context, data, "rekap.xlsx")


def test_the_guard_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(AssertionError, match="MB"):
        guard(lambda: bytearray(int(CASE_PEAK_MB + 50) * 2**20))
    monkeypatch.setattr(sys.modules[__name__], "CASE_SECONDS", 0.0)
    with pytest.raises(AssertionError, match=" s"):
        guard(lambda: None)
